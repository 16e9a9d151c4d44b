"""The prompt: one line at a time, through the World, printed as a member would see it."""

from __future__ import annotations

import os
import re
import shutil
import textwrap
from collections.abc import Iterator
from typing import Any, TextIO

from sandbox.emulator import ApplicationDidNotRespond, MemberSpec
from sandbox.repl.drawing import (
    Style,
    buttons_of,
    choice_label,
    render_buttons,
    render_message,
    walk_components,
)
from sandbox.repl.parsing import (
    SandboxError,
    chat_commands,
    describe_commands,
    parse_invocation,
    unknown_command,
)
from sandbox.repl.world import Answer, World

SANDBOX_HELP = """\
Sandbox commands:
  /name sub option:value option:"quoted value"   run a slash command as the current member
  dm /name ...          run it in a DM with the bot instead of #general
  ?/name option:part    show the bot's autocomplete for the last option (also: complete /name ...)
  press N  (or just N)  press button N of the last message that has buttons
  as NAME               act as another member (created on demand); `as you` to come back
  posts [#channel]      what the bot posted to channels since you last asked (also: channel)
  help [/name]          this list, or one command in detail
  log [N]               the last N lines of the bot's log
  quit | exit | Ctrl-D  stop the bot and the emulator"""

# The bot's unexpected-error reply quotes a reference id; a script that meets one failed.
_REFERENCE = re.compile(r"reference\W+[0-9a-f]{6,}", re.I)


class Session:
    """The prompt: reads lines, acts through the World, prints what a member would see."""

    def __init__(self, world: World, *, lines: Iterator[str] | None, out: TextIO) -> None:
        self.world = world
        self.scripted = lines is not None
        self.lines = lines
        self.out = out
        self.actor: MemberSpec = world.you
        self.last_buttons: int | None = None
        self.hinted: set[str] = set()
        self.failed = False
        self.style = Style(
            width=min(100, max(40, shutil.get_terminal_size((100, 24)).columns)),
            ansi=out.isatty() and "NO_COLOR" not in os.environ,
        )

    # -- io --------------------------------------------------------------------------------

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def fail(self, text: str) -> None:
        """A line that did not work: said, and remembered for a script's exit code."""
        self.failed = True
        self.say(text)

    def prompt(self) -> str:
        return f"{self.actor.user.username}> "

    def ask(self, question: str) -> str | None:
        """One line from the script, or from the person (None at the end of input)."""
        if self.lines is not None:
            line = next(self.lines, None)
            if line is not None:
                self.say(f"{question}{line}")
            return line
        try:
            return input(question)
        except EOFError:
            return None

    # -- the loop --------------------------------------------------------------------------

    def loop(self) -> int:
        """Run lines until quit/EOF; the exit code says whether a script went well."""
        while True:
            if self.lines is not None:
                line = next(self.lines, None)
                if line is None:
                    break
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                self.say(f"> {line.strip()}")
            else:
                try:
                    line = input(self.prompt())
                except EOFError:
                    self.say()
                    break
                except KeyboardInterrupt:
                    self.say("\n(Ctrl-C: type quit or press Ctrl-D to leave)")
                    continue
            if line.strip().lower() in ("quit", "exit"):
                break
            code = self.step(line.strip())
            if code is not None:
                return code
        return 1 if self.scripted and self.failed else 0

    def step(self, line: str) -> int | None:
        """One line; returns an exit code only when the session cannot go on."""
        if not line:
            return None
        try:
            self.dispatch(line)
        except SandboxError as exc:
            self.fail(str(exc))
        except ApplicationDidNotRespond:
            self.fail("The application did not respond")
        except TimeoutError:
            self.fail("The application did not respond (it deferred, then never answered)")
        except KeyboardInterrupt:
            self.say("(interrupted)")
        exit_code = self.world.bot_exit_code()
        if exit_code is not None:
            self.say(f"The bot exited (code {exit_code}). Last lines of its log:")
            self.say(self.world.log_tail())
            return 1
        self.hint_posts()
        return None

    def dispatch(self, line: str) -> None:
        verb, _, rest = line.partition(" ")
        verb = verb.lower()
        if line.startswith("?"):
            self.complete(line[1:])
        elif verb == "complete":
            self.complete(rest)
        elif verb == "help":
            self.help(rest.strip())
        elif verb == "press" or line.isdigit():
            self.press(rest.strip() if verb == "press" else line)
        elif verb == "as":
            self.switch(rest.strip())
        elif verb == "dm":
            self.command(rest, in_dm=True)
        elif verb in ("posts", "channel"):
            self.posts(rest.strip())
        elif verb == "log":
            self.say(self.world.log_tail(int(rest) if rest.strip().isdigit() else 30))
        elif line.startswith("/") or verb in chat_commands(self.world.catalog()):
            self.command(line, in_dm=False)
        else:
            raise SandboxError(f"Not understood: {line!r}. Slash commands start with /; try help.")

    # -- verbs -----------------------------------------------------------------------------

    def command(self, text: str, *, in_dm: bool) -> None:
        if not text.strip():
            raise SandboxError("Which command? e.g. dm /about")
        answer = self.world.run(self.actor, parse_invocation(text), in_dm)
        self.show(answer, note="in your DMs with the bot" if in_dm else "")

    def show(self, answer: Answer, note: str = "") -> None:
        """Print an answer; remember its buttons; open its modal if the bot sent one."""
        if answer.modal is not None:
            self.fill_modal(answer)
            return
        if not answer.messages:
            self.say("(the bot acknowledged, and nothing changed)")
        names = self.world.names()
        for message, updated in answer.messages:
            notes = "; ".join(n for n in (updated, note) if n)
            self.say(render_message(message, names=names, style=self.style, note=notes))
            if buttons_of(message):
                self.last_buttons = int(message["id"])
            if _REFERENCE.search(message.get("content") or ""):
                self.failed = True

    def complete(self, text: str) -> None:
        in_dm = text.lstrip().lower().startswith("dm ")
        inv = parse_invocation(text.lstrip()[3:] if in_dm else text)
        focus, choices = self.world.autocomplete(self.actor, inv, in_dm)
        typed = inv.options.get(focus, "")
        self.say(f"Suggestions for {focus} ({typed!r}):" if typed else f"Suggestions for {focus}:")
        if not choices:
            self.say("  (none)")
        for choice in choices:
            value, label = str(choice["value"]), choice_label(choice)
            self.say(f"  {value}" + (f"   {label}" if label else ""))

    def press(self, which: str) -> None:
        if not which.isdigit():
            raise SandboxError("press N: N is the button's number, e.g. press 2.")
        if self.last_buttons is None:
            raise SandboxError("No message with buttons yet.")
        message_id = self.last_buttons
        buttons = buttons_of(self.world.message(message_id) or {})
        number = int(which)
        if not 1 <= number <= len(buttons):
            raise SandboxError(f"There are {len(buttons)} buttons: {render_buttons(buttons)}")
        button = buttons[number - 1]
        if button.get("url"):
            self.say(f"That link opens {button['url']} in a browser.")
            return
        self.show(self.world.press(self.actor, message_id, button["custom_id"]))

    def switch(self, name: str) -> None:
        if not re.fullmatch(r"[\w.-]{1,32}", name):
            raise SandboxError("as NAME: a member name such as bob.")
        self.actor = self.world.member(name)
        self.say(f"You are now {self.actor.user.username}.")

    def posts(self, which: str) -> None:
        channel = which.lstrip("#") or None
        if channel is not None and channel not in self.world.channel_names():
            listing = ", ".join("#" + c for c in self.world.channel_names())
            raise SandboxError(f"No channel #{channel}; there are {listing}.")
        posts = self.world.new_posts(channel)
        self.world.mark_seen(posts)
        if not posts:
            self.say(f"Nothing new in {'#' + channel if channel else 'any channel'}.")
        names = self.world.names()
        for chan, message in posts:
            self.say(f"#{chan}:")
            self.say(render_message(message, names=names, style=self.style))

    def hint_posts(self) -> None:
        """Mention (without showing) bot posts that arrived, e.g. a digest sent now."""
        fresh = [(c, m) for c, m in self.world.new_posts() if m["id"] not in self.hinted]
        self.hinted.update(m["id"] for _, m in fresh)
        if fresh:
            where = sorted({"#" + chan for chan, _ in fresh})
            self.say(f"({len(fresh)} new post(s) in {', '.join(where)}: type posts to read)")

    def help(self, topic: str) -> None:
        catalog = self.world.catalog()
        if topic:
            name = topic.split()[0].lstrip("/").lower()
            if name not in chat_commands(catalog):
                raise unknown_command(name, chat_commands(catalog))
            self.say(describe_commands(catalog, only=name))
            return
        self.say("Slash commands (as the bot synced them):")
        self.say(textwrap.indent(describe_commands(catalog), "  "))
        self.say(SANDBOX_HELP)

    def fill_modal(self, answer: Answer) -> None:
        """Ask for each input of the bot's modal in turn, then submit it as the member."""
        assert answer.modal is not None
        modal = answer.modal
        self.say(f"[form] {modal.get('title', '')}  (a line each; \\n for a new line)")
        values: dict[str, str] = {}
        for item in _modal_inputs(modal):
            value = self.ask_input(item)
            if value is None:
                raise SandboxError("The form was closed without sending.")
            values[item["custom_id"]] = value
        self.show(self.world.submit(self.actor, answer, values))

    def ask_input(self, item: dict[str, Any]) -> str | None:
        required = item.get("required", True)
        limit = int(item.get("max_length") or 4000)
        prefill = item.get("value") or ""
        traits = ["required" if required else "optional", f"max {limit}"]
        if prefill:
            traits.append(f"Enter keeps {prefill[:40]!r}")
        while True:
            raw = self.ask(f"  {item.get('label', item['custom_id'])} ({', '.join(traits)}): ")
            if raw is None:
                return None
            value = raw.replace("\\n", "\n") if raw else prefill
            problem = _input_problem(value, required, limit, int(item.get("min_length") or 0))
            if problem is None:
                return value
            if self.scripted:
                raise SandboxError(problem)
            self.say(f"  {problem}")


def _modal_inputs(modal: dict[str, Any]) -> list[dict[str, Any]]:
    """Text inputs in order, each with its label (from a Label component if it has one)."""
    inputs = []
    for comp in modal.get("components") or []:
        if comp.get("type") == 18 and isinstance(comp.get("component"), dict):
            inputs.append({"label": comp.get("label"), **comp["component"]})
        else:
            inputs.extend(c for c in walk_components([comp]) if c.get("type") == 4)
    return inputs


def _input_problem(value: str, required: bool, limit: int, minimum: int) -> str | None:
    if required and not value.strip():
        return "This one is required."
    if len(value) > limit:
        return f"Too long: {len(value)} characters, at most {limit}."
    if value and len(value) < minimum:
        return f"Too short: at least {minimum} characters."
    return None
