"""Tab completion at the prompt, from the synced commands and the bot's own autocomplete."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sandbox.repl.drawing import choice_label
from sandbox.repl.parsing import Invocation, chat_commands, parse_invocation
from sandbox.repl.session import Session

VERBS = (
    "help",
    "press",
    "as",
    "dm",
    "posts",
    "channel",
    "wait",
    "dms",
    "save",
    "complete",
    "log",
    "quit",
    "exit",
)


class Completer:
    """Readline tab completion: verbs, commands, option names, and the bot's autocomplete.

    `:` is a word break, so after `id:` only the value is completed: the bot's choices match
    anywhere in a claim (like Discord), and readline must not shrink what was typed to the
    choices' common prefix. Python's readline appends nothing, so finished words bring their
    own space.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.matches: list[str] = []
        self.labels: dict[str, str] = {}

    def __call__(self, text: str, state: int) -> str | None:
        if state == 0:
            import readline

            before = readline.get_line_buffer()[: readline.get_endidx()]
            try:
                self.matches = self.candidates(before, text)
            except Exception:  # a completer must never raise into readline
                self.matches = []
        return self.matches[state] if state < len(self.matches) else None

    def candidates(self, before: str, word: str) -> list[str]:
        """Completions for `word`, the word being typed at the end of `before`."""
        self.labels = {}
        body = before[: len(before) - len(word)].lstrip()
        world = self.session.world
        if not body:
            commands = [f"/{n} " for n in sorted(chat_commands(world.catalog()))]
            if word.startswith("?"):
                return ["?" + c for c in commands if c.startswith(word[1:])]
            return [p for p in [*(f"{v} " for v in VERBS), *commands] if p.startswith(word)]
        verb = body.split()[0].lstrip("?").lower()
        if verb == "as":
            return [f"{n} " for n in world.member_names() if n.startswith(word)]
        if verb in ("posts", "channel", "wait"):
            return [f"#{c} " for c in world.channel_names() if f"#{c}".startswith(word)]
        if verb == "dms":
            first = len(body.split()) == 1
            return [f"{w} " for w in ("all", "off", "on") if first and w.startswith(word)]
        if verb == "save":
            return path_candidates(word) if len(body.split()) == 2 else []
        if verb == "help":
            commands = [f"/{n} " for n in sorted(chat_commands(world.catalog()))]
            return [n for n in commands if n.startswith(word)]
        text = body.lstrip("?")
        if verb in ("dm", "complete"):
            text = text.partition(" ")[2]
        return self.slash_candidates(text, word) if text.strip() else []

    def slash_candidates(self, text: str, word: str) -> list[str]:
        """Inside `/name ...`: subcommands, `option:` names, or values for an option."""
        focused = re.search(r"(?:^|\s)([\w-]+):$", text)
        inv = parse_invocation(text)
        node: dict[str, Any] | None = chat_commands(self.session.world.catalog()).get(inv.path[0])
        for part in inv.path[1:]:
            node = next((o for o in (node or {}).get("options") or [] if o["name"] == part), None)
        if node is None:
            return []
        options = list(node.get("options") or [])
        if focused:
            typed = {k: v for k, v in inv.options.items() if k != focused.group(1)}
            return self.value_candidates(inv.path, options, typed, focused.group(1), word)
        subs = [o["name"] for o in options if int(o["type"]) in (1, 2)]
        if subs:
            return [f"{s} " for s in subs if s.startswith(word)]
        return [
            f"{o['name']}:"
            for o in options
            if o["name"] not in inv.options and o["name"].startswith(word)
        ]

    def value_candidates(
        self,
        path: list[str],
        options: list[dict[str, Any]],
        typed: dict[str, str],
        name: str,
        partial: str,
    ) -> list[str]:
        """Values for option `name`: the bot's autocomplete, the choices, or what fits."""
        option = next((o for o in options if o["name"] == name), None)
        if option is None:
            return []
        kind, world = int(option["type"]), self.session.world
        if option.get("autocomplete"):
            inv = Invocation(path=path, options={**typed, name: partial}, last_option=name)
            _, choices = world.autocomplete(self.session.actor, inv, False)
            values = [(str(c["value"]), choice_label(c)) for c in choices]
        elif option.get("choices"):
            values = [(str(c["value"]), str(c["name"])) for c in option["choices"]]
        elif kind == 5:
            values = [("true", ""), ("false", "")]
        elif kind == 7:
            values = [(f"#{c}", "") for c in world.channel_names()]
        elif kind in (6, 9):
            values = [(n, "") for n in world.member_names()]
        elif kind == 11:
            return path_candidates(partial or "@", prefix="@")
        else:
            return []
        # Prefix matches complete in one TAB; the bot's word matches are shown when none is.
        prefixed = [(v, label) for v, label in values if v.startswith(partial)]
        if prefixed or not option.get("autocomplete"):
            values = prefixed
        out = []
        for value, label in values:
            out.append((f'"{value}"' if " " in value else value) + " ")
            self.labels[out[-1]] = label
        return out

    def display(self, substitution: str, matches: Sequence[str], longest: int) -> None:
        """List matches with the bot's labels (the autocomplete's names), then redraw."""
        import readline

        self.session.say()
        for match in matches:
            label = self.labels.get(match)
            self.session.say(f"  {match.strip()}" + (f"   {label}" if label else ""))
        self.session.out.write(self.session.prompt() + readline.get_line_buffer())
        self.session.out.flush()


def path_candidates(partial: str, prefix: str = "") -> list[str]:
    """Files and folders that complete `partial` (after `prefix`, such as `@`), from the
    current directory; a folder ends in `/` so that TAB goes on into it."""
    if not partial.startswith(prefix):
        return []
    head, sep, start = partial[len(prefix) :].rpartition("/")
    folder = Path(head + sep or ".").expanduser()
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    out = []
    for entry in entries:
        if not entry.name.startswith(start) or (entry.name[:1] == "." and start[:1] != "."):
            continue
        out.append(f"{prefix}{head}{sep}{entry.name}" + ("/" if entry.is_dir() else " "))
    return out


def install_completion(session: Session) -> None:
    """Tab completion when a person is typing (GNU readline or libedit)."""
    try:
        import readline
    except ImportError:  # pragma: no cover - Windows without pyreadline
        return
    completer = Completer(session)
    readline.set_completer(completer)
    readline.set_completer_delims(" \t:")
    readline.set_completion_display_matches_hook(completer.display)
    if "libedit" in (readline.__doc__ or ""):
        readline.parse_and_bind("bind ^I rl_complete")
    else:
        readline.parse_and_bind("tab: complete")
