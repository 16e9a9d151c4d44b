"""The prompt: one line at a time, through the World, printed as a member would see it."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from sandbox.emulator import ApplicationDidNotRespond, MemberSpec
from sandbox.repl.drawing import (
    Names,
    Style,
    buttons_of,
    choice_label,
    render_buttons,
    render_message,
)
from sandbox.repl.forms import FormPrompts, modal_inputs
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
  /name file:@path/to/file.yaml   attach a file (path from the current directory)
  dm /name ...          run it in a DM with the bot instead of #general
  ?/name option:part    show the bot's autocomplete for the last option (also: complete /name ...)
  press N  (or just N)  press button N of the last message that has buttons
  save N [PATH]         save attachment N of the last files shown (default: its name, here)
  as NAME               act as another member (created on demand); `as you` to come back
  posts [#channel]      what the bot posted to channels since you last asked (also: channel)
  wait [#channel] [S]   wait up to S seconds (default 90) for the bot's next post, then show
                        it: a scheduled digest, e.g. after subscribing hourly at the next
                        minute (/digest subscribe channel:#digests frequency:hourly time:"00:MM")
  dms [all]             what the bot sent you by DM since you last asked (all: every one)
  dms off | dms on      refuse or allow DMs from the bot (Discord then answers it 50007)
  help [/name]          this list, or one command in detail
  log [N]               the last N lines of the bot's log
  quit | exit | Ctrl-D  stop the bot and the emulator"""

WAIT_DEFAULT, WAIT_MAX = 90, 600

# The bot's unexpected-error reply quotes a reference id; a script that meets one failed.
_REFERENCE = re.compile(r"reference\W+[0-9a-f]{6,}", re.I)


class Session(FormPrompts):
    """The prompt: reads lines, acts through the World, prints what a member would see."""

    def __init__(self, world: World, *, lines: Iterator[str] | None, out: TextIO) -> None:
        self.world = world
        self.scripted = lines is not None
        self.lines = lines
        self.out = out
        self.actor: MemberSpec = world.you
        self.last_buttons: int | None = None
        self.files: list[dict[str, Any]] = []  # the attachments `save N` numbers
        self.drawn_files: list[dict[str, Any]] = []  # those of the display being printed
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
        elif verb == "wait":
            self.wait(rest.split())
        elif verb == "dms":
            self.dms(rest.strip().lower())
        elif verb == "save":
            self.save(rest.strip())
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
            self.draw(message, names, note=notes)
            if _REFERENCE.search(message.get("content") or ""):
                self.failed = True
        self.done_drawing()

    def draw(self, message: dict[str, Any], names: Names, note: str = "") -> None:
        """Print one message; number its files after those already printed; keep its buttons."""
        first = len(self.drawn_files) + 1
        shown = render_message(
            message, names=names, style=self.style, note=note, first_attachment=first
        )
        self.say(shown)
        self.drawn_files.extend(message.get("attachments") or [])
        if buttons_of(message):
            self.last_buttons = int(message["id"])

    def done_drawing(self) -> None:
        """Files printed by the last display become what `save N` numbers."""
        if self.drawn_files:
            if not self.files and not self.scripted:
                self.say("(save N [PATH] keeps attachment N)")
            self.files, self.drawn_files = self.drawn_files, []

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
            self.draw(message, names)
        self.done_drawing()

    def wait(self, args: list[str]) -> None:
        """`wait [#channel] [SECONDS]`: the bot's next post, when it comes (up to 10 min)."""
        channel, seconds = None, WAIT_DEFAULT
        for arg in args:
            if arg.isdigit() and 1 <= int(arg) <= WAIT_MAX:
                seconds = int(arg)
            elif arg.lstrip("#") in self.world.channel_names():
                channel = arg.lstrip("#")
            else:
                listing = ", ".join("#" + c for c in self.world.channel_names())
                raise SandboxError(
                    f"wait [#channel] [SECONDS]: a channel ({listing}) and 1 to {WAIT_MAX} s."
                )
        where = "#" + channel if channel else "any channel"
        now = dt.datetime.now(dt.UTC)
        self.say(f"It is {now:%H:%M:%S} UTC. Waiting up to {seconds} s for a post in {where}…")
        try:
            came = self.world.wait_for_post(channel, seconds)
        except KeyboardInterrupt:
            self.say("Stopped waiting.")
            return
        if not came:
            self.say(f"Nothing was posted in {where} within {seconds} s.")
            return
        self.posts(channel or "")

    def dms(self, which: str) -> None:
        """`dms`: new DMs from the bot; `dms all`: every one; `dms off|on`: refuse or allow."""
        if which in ("off", "on"):
            self.world.set_accepts_dms(self.actor, which == "on")
            refused = "Discord now answers the bot 50007 (Cannot send messages to this user)"
            state = "You accept DMs from the bot again." if which == "on" else refused + "."
            self.say(state if which == "on" else f"You refuse DMs: {state}")
            return
        if which not in ("", "all"):
            raise SandboxError("dms, dms all, dms off or dms on.")
        messages = self.world.new_dms(self.actor, everything=which == "all")
        self.world.mark_seen([("", m) for m in messages])
        self.hinted.update(m["id"] for m in messages)
        if not messages:
            refusing = "" if self.actor.user.accepts_dms else " (you refuse DMs: dms on)"
            self.say(f"No {'new ' if not which else ''}DMs from the bot{refusing}.")
        names = self.world.names()
        for message in messages:
            self.say(f"DM from {message['author'].get('username', 'the bot')}:")
            self.draw(message, names)
        self.done_drawing()

    def save(self, args: str) -> None:
        """`save N [PATH]`: write attachment N of the last files shown to PATH."""
        number, _, target = args.partition(" ")
        if not number.isdigit():
            raise SandboxError("save N [PATH]: N is the attachment's number, e.g. save 1 out.yaml.")
        if not self.files:
            raise SandboxError("No attachment shown yet.")
        if not 1 <= int(number) <= len(self.files):
            listing = ", ".join(f"{i}: {a.get('filename')}" for i, a in enumerate(self.files, 1))
            raise SandboxError(f"There are {len(self.files)} attachments ({listing}).")
        attachment = self.files[int(number) - 1]
        path = Path(target.strip().strip('"') or str(attachment["filename"])).expanduser()
        if path.is_dir():
            path = path / str(attachment["filename"])
        if not path.parent.is_dir():
            raise SandboxError(f"Cannot save to {path}: there is no folder {path.parent}.")
        replaced = path.exists()
        data = self.world.attachment_bytes(attachment)
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise SandboxError(f"Cannot save to {path}: {exc.strerror}.") from None
        done = "replaced" if replaced else "saved"
        self.say(f"{attachment['filename']} ({len(data):,} bytes) {done}: {path}")

    def hint_posts(self) -> None:
        """Mention (without showing) bot posts and DMs that arrived, e.g. a digest sent now."""
        fresh = [(c, m) for c, m in self.world.new_posts() if m["id"] not in self.hinted]
        self.hinted.update(m["id"] for _, m in fresh)
        if fresh:
            where = sorted({"#" + chan for chan, _ in fresh})
            self.say(f"({len(fresh)} new post(s) in {', '.join(where)}: type posts to read)")
        dms = [m for m in self.world.new_dms(self.actor) if m["id"] not in self.hinted]
        self.hinted.update(m["id"] for m in dms)
        if dms:
            self.say(f"({len(dms)} new DM(s) from the bot: type dms to read)")

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
        self.say(
            f"[form] {modal.get('title', '')}  (a line each; \\n for a new line; "
            'Enter keeps a prefilled value, "" empties it)'
        )
        values: dict[str, str | list[str]] = {}
        for item in modal_inputs(modal):
            value = self.ask_choice(item) if item.get("type") == 3 else self.ask_input(item)
            if value is None:
                raise SandboxError("The form was closed without sending.")
            values[item["custom_id"]] = value
        self.show(self.world.submit(self.actor, answer, values))
