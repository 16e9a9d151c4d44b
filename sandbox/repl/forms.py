"""Filling in a bot's modal at the prompt: each input in turn, as the Discord client asks."""

from __future__ import annotations

import textwrap
from typing import Any

from sandbox.repl.drawing import walk_components
from sandbox.repl.parsing import SandboxError


class FormPrompts:
    """How a session asks for the inputs of a modal (``Session`` provides ``ask``/``say``)."""

    scripted: bool

    def say(self, text: str = "") -> None:
        raise NotImplementedError

    def ask(self, question: str) -> str | None:
        raise NotImplementedError

    def ask_choice(self, item: dict[str, Any]) -> list[str] | None:
        """A menu in a form: its options numbered; answer numbers or values, comma-separated."""
        options = item.get("options") or []
        for number, option in enumerate(options, 1):
            self.say(f"    {number}. {option.get('label')} ({option.get('value')})")
        by_key = {str(n): o["value"] for n, o in enumerate(options, 1)}
        by_key.update({str(o["value"]).lower(): o["value"] for o in options})
        picked = [o["value"] for o in options if o.get("default")]
        hint = f"Enter keeps {', '.join(picked)}" if picked else "numbers or values"
        raw = self.ask(f"  {item.get('label', item['custom_id'])} ({hint}): ")
        if raw is None:
            return None
        words = [w.strip().lower() for w in raw.split(",") if w.strip()]
        if not words:
            return picked
        unknown = [w for w in words if w not in by_key]
        if unknown:
            raise SandboxError(f"Not an option of {item['custom_id']}: {', '.join(unknown)}.")
        return [by_key[w] for w in words]

    def ask_input(self, item: dict[str, Any]) -> str | None:
        required = item.get("required", True)
        limit = int(item.get("max_length") or 4000)
        prefill = item.get("value") or ""
        traits = ["required" if required else "optional", f"max {limit}"]
        if len(prefill) > 40 or "\n" in prefill:
            self.say(textwrap.indent(prefill, "    | "))  # the whole text the input holds
            traits.append("Enter keeps the text above")
        elif prefill:
            traits.append(f"Enter keeps {prefill!r}")
        elif item.get("placeholder"):
            traits.append(f"e.g. {item['placeholder']}")
        while True:
            raw = self.ask(f"  {item.get('label', item['custom_id'])} ({', '.join(traits)}): ")
            if raw is None:
                return None
            value = raw.replace("\\n", "\n") if raw else prefill
            value = "" if raw == '""' else value
            problem = input_problem(value, required, limit, int(item.get("min_length") or 0))
            if problem is None:
                return value
            if self.scripted:
                raise SandboxError(problem)
            self.say(f"  {problem}")


def modal_inputs(modal: dict[str, Any]) -> list[dict[str, Any]]:
    """Inputs in order (text, or a menu in a Label), each with its label."""
    inputs = []
    for comp in modal.get("components") or []:
        if comp.get("type") == 18 and isinstance(comp.get("component"), dict):
            inputs.append({"label": comp.get("label"), **comp["component"]})
        else:
            inputs.extend(c for c in walk_components([comp]) if c.get("type") == 4)
    return inputs


def input_problem(value: str, required: bool, limit: int, minimum: int) -> str | None:
    if required and not value.strip():
        return "This one is required."
    if len(value) > limit:
        return f"Too long: {len(value)} characters, at most {limit}."
    if value and len(value) < minimum:
        return f"Too short: at least {minimum} characters."
    return None
