"""`python bot.py sandbox`: try the real bot in a terminal, against the loopback Discord emulator.

The emulator and the bot's process live on an asyncio loop in a background thread; the main
thread owns the terminal (readline, Ctrl-C) and hands every Discord action to that loop. So a
prompt that blocks never blocks the emulator, and the bot keeps answering heartbeats meanwhile.

Lines look like what you would type in Discord: `/claim id:kursk-recaptured`,
`/search query:north korea topic:kursk`, plus a few sandbox verbs (`press 2`, `as bob`, `posts`,
`dm /troops`, `?/claim id:kurs`, `help`, `quit`).
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import datetime as dt
import difflib
import os
import re
import shutil
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO, TypeVar

from sandbox.emulator import (
    ApplicationDidNotRespond,
    ChannelSpec,
    CommandNotFound,
    Emulator,
    GuildSpec,
    InteractionResult,
    MemberSpec,
    RoleSpec,
)
from sandbox.launcher import SANDBOX_TOKEN, BotProcess

T = TypeVar("T")

GUILD_NAME = "Sandbox News"
CHANNELS = ("general", "digests")
EDITOR_ROLE = "editor"
MANAGE_GUILD = 0x20
MANAGE_MESSAGES = 0x2000
STARTUP_TIMEOUT = 30.0
EPHEMERAL = 1 << 6
LOADING = 1 << 7
PERMISSION_NAMES = {
    0x8: "Administrator",
    0x20: "Manage Server",
    0x2000: "Manage Messages",
    0x10000000: "Manage Roles",
}
OPTION_TYPES = {
    3: "text",
    4: "integer",
    5: "true|false",
    6: "@user",
    7: "#channel",
    8: "@role",
    9: "@user|@role",
    10: "number",
    11: "file",
}
VERBS = ("help", "press", "as", "dm", "posts", "channel", "complete", "log", "quit", "exit")
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


class SandboxError(Exception):
    """Something the person at the prompt should read: a typo, an unknown command, a refusal."""


# ---------------------------------------------------------------------------------- parsing

_OPTION_START = re.compile(r"(?:(?<=\s)|^)([\w-]+):(?!//)")


@dataclass
class Invocation:
    """A parsed `/name sub option:value ...` line; option values are still text."""

    path: list[str]
    options: dict[str, str] = field(default_factory=dict)
    last_option: str | None = None


def parse_invocation(text: str) -> Invocation:
    """Split a slash-command line. A value runs until the next `word:` token, or is quoted.

    `/search query:north korea topic:kursk` -> path ['search'], query 'north korea',
    topic 'kursk'. `word://` (a URL) never starts an option; quote a value that contains
    ` word:` itself.
    """
    text = text.strip()
    if text.startswith("/"):
        text = text[1:]
    first = _OPTION_START.search(text)
    head, rest = (text[: first.start()], text[first.start() :]) if first else (text, "")
    path = head.split()
    if not path:
        raise SandboxError("Type a command name after the slash, e.g. /about.")
    inv = Invocation(path=path)
    while rest:
        match = _OPTION_START.match(rest)
        if match is None:  # only after a quoted value: `query:"a b" c`
            raise SandboxError(f"Unexpected {rest!r} after a quoted value.")
        name = match.group(1)
        value, rest = _read_value(rest[match.end() :])
        if name in inv.options:
            raise SandboxError(f"Option {name} is given twice.")
        inv.options[name] = value
        inv.last_option = name
    return inv


def _read_value(text: str) -> tuple[str, str]:
    """One option value and the text after it (from the next option start on)."""
    stripped = text.lstrip()
    if stripped.startswith('"'):
        return _read_quoted(stripped)
    following = _OPTION_START.search(text)
    if following is None:
        return text.strip(), ""
    return text[: following.start()].strip(), text[following.start() :]


def _read_quoted(text: str) -> tuple[str, str]:
    """`"a \\"b\\" c" rest` -> ('a "b" c', 'rest'); a backslash escapes the next character."""
    chars: list[str] = []
    i = 1
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            chars.append(text[i + 1])
            i += 2
            continue
        if char == '"':
            return "".join(chars), text[i + 1 :].lstrip()
        chars.append(char)
        i += 1
    raise SandboxError(f"Unclosed quote in {text!r}.")


# ---------------------------------------------------------------------------------- rendering

_TIMESTAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")
_MENTION = re.compile(r"<(@!?|@&|#)(\d+)>")
_CUSTOM_EMOJI = re.compile(r"<a?:(\w+):\d+>")
_LINK = re.compile(r"\[([^\]]+)\]\(<?(\S+?)>?\)")
_CODE = re.compile(r"(`+)(.+?)\1", re.S)
_ESCAPED = re.compile(r"\\([^\w\s])")
_PAIRED = re.compile(r"(\*\*|__|~~|\|\|)(?=\S)(.+?)(?<=\S)\1", re.S)
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])|(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)")
_HEADING = re.compile(r"^(?:#{1,3}|-#) +", re.M)
_PROTECT = 0xF0000  # escaped characters hide in a private-use plane while markers are removed


@dataclass
class Names:
    """Ids to display names, for mentions (`<@id>` -> `@bob`)."""

    users: dict[int, str] = field(default_factory=dict)
    channels: dict[int, str] = field(default_factory=dict)
    roles: dict[int, str] = field(default_factory=dict)

    def mention(self, kind: str, ident: int) -> str:
        if kind == "#":
            return f"#{self.channels.get(ident, ident)}"
        if kind == "@&":
            return f"@{self.roles.get(ident, ident)}"
        return f"@{self.users.get(ident, ident)}"


_UNITS = (
    ("year", 365 * 86400),
    ("month", 30 * 86400),
    ("day", 86400),
    ("hour", 3600),
    ("minute", 60),
    ("second", 1),
)


def relative_time(seconds: float, now: float) -> str:
    """Discord's `<t:…:R>`: '3 days ago', 'in 2 hours'."""
    delta = now - seconds
    amount = abs(delta)
    unit, size = next(((u, s) for u, s in _UNITS if amount >= s), _UNITS[-1])
    count = int(amount // size)
    words = f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{words} ago" if delta >= 0 else f"in {words}"


def format_timestamp(seconds: int, style: str | None, now: float) -> str:
    """A Discord timestamp as readable UTC text (the sandbox has no viewer time zone)."""
    if style == "R":
        return relative_time(seconds, now)
    when = dt.datetime.fromtimestamp(seconds, dt.UTC)
    date = f"{when.day} {when:%B %Y}"
    clock = f"{when:%H:%M}"
    return {
        "t": f"{clock} UTC",
        "T": f"{when:%H:%M:%S} UTC",
        "d": f"{when:%Y-%m-%d}",
        "D": date,
        "F": f"{when:%A}, {date} {clock} UTC",
    }.get(style or "f", f"{date} {clock} UTC")


def plain_text(text: str, names: Names | None = None, now: float | None = None) -> str:
    """Discord markdown to terminal text: markers and escapes go, timestamps become dates."""
    names = names or Names()
    now = time.time() if now is None else now
    out: list[str] = []
    pos = 0
    for code in _CODE.finditer(text):  # code spans stay verbatim, backticks included
        out.append(_plain_segment(text[pos : code.start()], names, now))
        out.append(code.group(0))
        pos = code.end()
    out.append(_plain_segment(text[pos:], names, now))
    return "".join(out)


def _plain_segment(text: str, names: Names, now: float) -> str:
    text = _ESCAPED.sub(lambda m: chr(_PROTECT + ord(m.group(1))), text)
    text = _HEADING.sub("", text)
    text = _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", text)
    previous = None
    while previous != text:  # nested markers: **__both__**
        previous = text
        text = _PAIRED.sub(lambda m: m.group(2), text)
        text = _ITALIC.sub(lambda m: m.group(1) or m.group(2), text)
    text = _TIMESTAMP.sub(lambda m: format_timestamp(int(m.group(1)), m.group(2), now), text)
    text = _MENTION.sub(lambda m: names.mention(m.group(1).rstrip("!"), int(m.group(2))), text)
    text = _CUSTOM_EMOJI.sub(lambda m: f":{m.group(1)}:", text)
    return "".join(chr(ord(c) - _PROTECT) if ord(c) >= _PROTECT else c for c in text)


@dataclass
class Style:
    """How to print: terminal width, and whether ANSI bold/underline is welcome."""

    width: int = 100
    ansi: bool = False

    def heading(self, text: str) -> str:
        return f"\x1b[1;4m{text}\x1b[0m" if self.ansi else text

    def dim(self, text: str) -> str:
        return f"\x1b[2m{text}\x1b[0m" if self.ansi else text


def _wrap(text: str, prefix: str, width: int) -> list[str]:
    """Wrap each line of `text` under `prefix`, keeping blank lines and slugs intact."""
    lines: list[str] = []
    room = max(20, width - len(prefix))
    for line in text.splitlines() or [""]:
        parts = textwrap.wrap(line, room, break_long_words=False, break_on_hyphens=False)
        lines.extend(f"{prefix}{p}".rstrip() for p in parts or [""])
    return lines


def choice_label(choice: dict[str, Any]) -> str:
    """An autocomplete choice's name, minus the value when the name merely repeats it."""
    value, name = str(choice["value"]), str(choice["name"])
    if name.startswith(value):
        name = name[len(value) :].lstrip(" —–-:·")
    return name


def walk_components(components: Sequence[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every component, depth first, in display order (rows, containers, sections)."""
    for comp in components:
        yield comp
        for key in ("components", "items"):
            if isinstance(comp.get(key), list):
                yield from walk_components(comp[key])
        for key in ("accessory", "component"):
            if isinstance(comp.get(key), dict):
                yield from walk_components([comp[key]])


def buttons_of(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The message's buttons, numbered by their position (1-based in the display)."""
    return [c for c in walk_components(message.get("components") or []) if c.get("type") == 2]


def render_buttons(buttons: Sequence[dict[str, Any]]) -> str:
    """`[1] ◀ Previous (disabled)  [2] Next ▶`."""
    shown = []
    for number, button in enumerate(buttons, 1):
        emoji = (button.get("emoji") or {}).get("name")
        label = " ".join(p for p in (emoji, button.get("label")) if p) or "(no label)"
        if button.get("url"):
            label += f" ↗ {button['url']}"
        if button.get("disabled"):
            label += " (disabled)"
        shown.append(f"[{number}] {label}")
    return "  ".join(shown)


def render_embed(embed: dict[str, Any], names: Names, now: float, style: Style) -> list[str]:
    """An embed as a box: title, description, fields (name, then value indented), footer."""

    def text(value: str) -> str:
        return plain_text(value, names, now)

    title = text(embed.get("title") or "")
    if embed.get("url"):
        title = f"{title} ({embed['url']})".strip()
    lines = [f"╭─ {style.heading(title)}" if title else "╭─"]
    author = (embed.get("author") or {}).get("name")
    if author:
        lines.extend(_wrap(text(author), "│ ", style.width))
    if embed.get("description"):
        lines.extend(_wrap(text(embed["description"]), "│ ", style.width))
    for fld in embed.get("fields") or []:
        lines.append("│")
        lines.append(f"│ {style.heading(text(fld.get('name', '')))}")
        lines.extend(_wrap(text(fld.get("value", "")), "│     ", style.width))
    footer = text((embed.get("footer") or {}).get("text") or "")
    if embed.get("timestamp"):
        footer = " · ".join(p for p in (footer, str(embed["timestamp"])[:16] + " UTC") if p)
    lines.append(f"╰─ {style.dim(footer)}" if footer else "╰─")
    return lines


def render_message(
    message: dict[str, Any],
    *,
    names: Names | None = None,
    now: float | None = None,
    style: Style | None = None,
    note: str = "",
) -> str:
    """A whole message as terminal text: content, embeds, other components, buttons."""
    names, style = names or Names(), style or Style()
    now = time.time() if now is None else now
    flags = int(message.get("flags") or 0)
    notes = [n for n in (note, "only you can see this" if flags & EPHEMERAL else "") if n]
    lines = [f"({'; '.join(notes)})"] if notes else []
    if flags & LOADING:
        lines.append("Briefing Bot is thinking…")
    if message.get("content"):
        lines.extend(_wrap(plain_text(message["content"], names, now), "", style.width))
    for embed in message.get("embeds") or []:
        lines.extend(render_embed(embed, names, now, style))
    for comp in walk_components(message.get("components") or []):
        if comp.get("type") == 10 and comp.get("content"):
            lines.extend(_wrap(plain_text(comp["content"], names, now), "", style.width))
        elif comp.get("type") in (3, 5, 6, 7, 8):
            picks = ", ".join(o.get("label", "?") for o in comp.get("options") or [])
            menu = comp.get("placeholder") or "a menu"
            lines.append(f"({menu}: {picks})" if picks else f"({menu})")
    for attachment in message.get("attachments") or []:
        lines.append(f"(attachment: {attachment.get('filename')}, {attachment.get('size')} bytes)")
    buttons = buttons_of(message)
    if buttons:
        lines.append(render_buttons(buttons))
    if not lines:
        lines.append("(an empty message)")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------- commands


def chat_commands(catalog: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Slash (chat input) commands by name; context-menu commands are not typed at a prompt."""
    return {c["name"]: c for c in catalog if int(c.get("type", 1)) == 1}


def resolve_command(
    catalog: Sequence[dict[str, Any]], path: Sequence[str]
) -> tuple[str, list[dict[str, Any]]]:
    """('facts status', leaf options) for a typed path, or a SandboxError that helps."""
    commands = chat_commands(catalog)
    top = path[0].lower()
    if top not in commands:
        raise unknown_command(top, commands)
    node, names = commands[top], [top]
    for word in path[1:]:
        subs = {o["name"]: o for o in node.get("options") or [] if int(o["type"]) in (1, 2)}
        if word not in subs:
            raise SandboxError(_subcommand_hint(" ".join(names), subs, word))
        node = subs[word]
        names.append(word)
    subs = {o["name"]: o for o in node.get("options") or [] if int(o["type"]) in (1, 2)}
    if subs:
        raise SandboxError(_subcommand_hint(" ".join(names), subs, None))
    return " ".join(names), list(node.get("options") or [])


def unknown_command(name: str, commands: dict[str, Any]) -> SandboxError:
    """Name the commands the bot has, and the nearest ones to a typo."""
    close = difflib.get_close_matches(name, list(commands), n=3)
    hint = f" Did you mean {', '.join('/' + c for c in close)}?" if close else ""
    listing = ", ".join(f"/{n}" for n in sorted(commands)) or "(none)"
    return SandboxError(
        f"Unknown command /{name}.{hint} The bot synced: {listing}. Type help for details."
    )


def _subcommand_hint(name: str, subs: dict[str, Any], word: str | None) -> str:
    listing = ", ".join(sorted(subs))
    if word is None:
        return f"/{name} needs a subcommand: {listing}."
    if not subs:
        return f"/{name} has no subcommands; give options as name:value."
    return f"/{name} has no subcommand {word!r}; it has: {listing}."


def option_usage(option: dict[str, Any]) -> str:
    """`id:<text>` for a required option, `[topic:<text>]` for an optional one."""
    choices = [str(c["value"]) for c in option.get("choices") or []]
    kind = "|".join(choices) if choices else OPTION_TYPES.get(int(option["type"]), "value")
    usage = f"{option['name']}:<{kind}>"
    return usage if option.get("required") else f"[{usage}]"


def _leaves(command: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(qualified name, node) of every runnable leaf of a command."""
    subs = [o for o in command.get("options") or [] if int(o["type"]) in (1, 2)]
    if not subs:
        yield command["name"], command
    for sub in subs:
        for name, node in _leaves(sub):
            yield f"{command['name']} {name}", node


def describe_commands(catalog: Sequence[dict[str, Any]], only: str | None = None) -> str:
    """The `help` listing, straight from the command JSON the bot synced."""
    lines: list[str] = []
    for name, command in sorted(chat_commands(catalog).items()):
        if only and name != only:
            continue
        needs = int(command.get("default_member_permissions") or 0)
        for qualified, node in _leaves(command):
            options = [o for o in node.get("options") or [] if int(o["type"]) not in (1, 2)]
            lines.append(" ".join([f"/{qualified}", *map(option_usage, options)]))
            lines.append(f"      {node.get('description', '')}")
            if only:
                lines.extend(_option_details(options))
        if needs:
            wanted = [v for k, v in PERMISSION_NAMES.items() if needs & k] or [hex(needs)]
            lines.append(f"      (shown to members with {', '.join(wanted)})")
    return "\n".join(lines) if lines else "The bot has synced no slash commands."


def _option_details(options: Sequence[dict[str, Any]]) -> list[str]:
    out = []
    for opt in options:
        traits = ["required" if opt.get("required") else "optional"]
        if opt.get("autocomplete"):
            traits.append("autocomplete")
        if "max_length" in opt:
            traits.append(f"≤ {opt['max_length']} characters")
        out.append(f"        {opt['name']} ({', '.join(traits)}): {opt.get('description', '')}")
    return out


# ---------------------------------------------------------------------------------- the world


@dataclass
class Answer:
    """What the member sees after one interaction, copied out of the emulator's state."""

    response_type: int | None
    messages: list[tuple[dict[str, Any], str]]  # (message, note such as "updated")
    modal: dict[str, Any] | None
    result: InteractionResult


class World:
    """The emulator and the bot process on an event loop in a background thread.

    Every method that touches the emulator runs on that loop (via `call`), because the loop
    mutates the same dictionaries while it serves the bot.
    """

    def __init__(self, role: str, workdir: Path) -> None:
        self.role = role
        self.workdir = workdir
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.emu: Emulator | None = None
        self.bot: BotProcess | None = None
        self.guild = GuildSpec(
            GUILD_NAME,
            channels=[ChannelSpec(name) for name in CHANNELS],
            roles=[RoleSpec(EDITOR_ROLE, permissions=MANAGE_MESSAGES)],
        )
        self._you: MemberSpec | None = None
        self.seen_posts: set[str] = set()

    @property
    def log_path(self) -> Path:
        return self.workdir / "bot.log"

    def call(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run a coroutine on the world's loop and wait for its result here."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def read(self, fn: Callable[[], T]) -> T:
        """Run a plain function on the loop thread (a consistent view of the emulator)."""

        async def run() -> T:
            return fn()

        return self.call(run())

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Emulator up, bot started and synced; raises SandboxError with the log tail if not."""
        self.thread.start()
        self.call(self._start())

    async def _start(self) -> None:
        emu = self.emu = Emulator(SANDBOX_TOKEN, guilds=[self.guild], bot_name="Briefing Bot")
        await emu.start()
        editor = self.guild.role(EDITOR_ROLE)
        emu.add_member(self.guild.id, emu.owner)
        self._you = self._add_you(emu)
        self.bot = BotProcess(
            api_base=emu.api_base,
            gateway_url=emu.gateway_url,
            database=self.workdir / "briefing.db",
            log_path=self.log_path,
            extra_env={
                "BRIEFING_HOME_GUILD_IDS": str(self.guild.id),
                "BRIEFING_EDITOR_ROLE_IDS": str(editor.id),
            },
            own_session=True,
        )
        await self.bot.start()
        bot = self.bot

        def up() -> bool:
            ready = emu.gateway.current is not None and bool(emu.gateway.guilds_sent)
            synced = bool(emu.global_commands) or any(emu.guild_commands.values())
            return (ready and synced) or bot.returncode is not None

        try:
            await emu.wait_until(up, STARTUP_TIMEOUT, "the bot to sync and connect")
        except TimeoutError:
            raise SandboxError(f"The bot did not come up within {STARTUP_TIMEOUT:.0f} s.") from None
        if bot.returncode is not None:
            raise SandboxError(f"The bot exited during start-up (exit code {bot.returncode}).")

    def _add_you(self, emu: Emulator) -> MemberSpec:
        if self.role == "editor":
            return emu.add_member(self.guild.id, "you", roles=[EDITOR_ROLE])
        if self.role == "admin":
            return emu.add_member(self.guild.id, "you", permissions=MANAGE_GUILD)
        return emu.add_member(self.guild.id, "you")

    def stop(self) -> None:
        """Bot first (SIGINT, clean shutdown), then the emulator, then the loop."""
        if self.thread.is_alive():
            try:
                self.call(self._stop(), timeout=30)
            finally:
                self.loop.call_soon_threadsafe(self.loop.stop)
                self.thread.join(timeout=10)
        if not self.loop.is_running():
            self.loop.close()

    async def _stop(self) -> None:
        if self.bot is not None:
            await self.bot.stop()
        if self.emu is not None:
            await self.emu.stop()

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log was written)"
        return "\n".join(text.splitlines()[-lines:])

    def bot_exit_code(self) -> int | None:
        return self.read(lambda: self.bot.returncode if self.bot else None)

    # -- lookups ---------------------------------------------------------------------------

    @property
    def you(self) -> MemberSpec:
        """The member at the prompt, as chosen with --as."""
        if self._you is None:
            raise RuntimeError("the world is not started")
        return self._you

    @property
    def api_base(self) -> str:
        return self._emu.api_base

    @property
    def _emu(self) -> Emulator:
        if self.emu is None:
            raise RuntimeError("the world is not started")
        return self.emu

    def catalog(self, in_dm: bool = False) -> list[dict[str, Any]]:
        """The command JSON the bot synced, as seen in the guild (or in a DM)."""
        gid = None if in_dm else self.guild.id
        return self.read(lambda: [copy.deepcopy(c.data) for c in self._emu.commands_for(gid)])

    def names(self) -> Names:
        def collect() -> Names:
            return Names(
                users={u.id: u.username for u in self._emu.users.values()},
                channels={c.id: c.name for c in self.guild.channels},
                roles={r.id: r.name for r in self.guild.roles},
            )

        return self.read(collect)

    def member(self, name: str) -> MemberSpec:
        """A member of the sandbox guild by name, created (as a plain member) if new."""

        def find_or_add() -> MemberSpec:
            for member in self.guild.members.values():
                if member.user.username.lower() == name.lower() and not member.user.bot:
                    return member
            return self._emu.add_member(self.guild.id, name)

        return self.read(find_or_add)

    def message(self, message_id: int) -> dict[str, Any] | None:
        return self.read(lambda: copy.deepcopy(self._emu.find_message(message_id)))

    def member_names(self) -> list[str]:
        return self.read(
            lambda: sorted(m.user.username for m in self.guild.members.values() if not m.user.bot)
        )

    def channel_names(self) -> list[str]:
        return [c.name for c in self.guild.channels]

    def _coerce(self, option: dict[str, Any], raw: str) -> Any:
        """Typed text to what the emulator sends for this option type."""
        kind, name = int(option["type"]), option["name"]
        choices = option.get("choices") or []
        if choices:
            for choice in choices:
                if raw.lower() in (str(choice["value"]).lower(), str(choice["name"]).lower()):
                    return choice["value"]
            listing = ", ".join(str(c["value"]) for c in choices)
            raise SandboxError(f"{name} must be one of: {listing}.")
        try:
            if kind == 4:
                return int(raw)
            if kind == 10:
                return float(raw)
        except ValueError:
            raise SandboxError(f"{name} must be a number, not {raw!r}.") from None
        if kind == 5:
            if raw.lower() in ("true", "yes", "on", "1", "false", "no", "off", "0"):
                return raw.lower() in ("true", "yes", "on", "1")
            raise SandboxError(f"{name} must be true or false.")
        if kind == 7:
            return self._lookup(self.guild.channels, raw.lstrip("#"), "channel")
        if kind == 6:
            return self._lookup(list(self.guild.members.values()), raw.lstrip("@"), "member")
        if kind == 8:
            return self._lookup(self.guild.roles, raw.lstrip("@"), "role")
        if kind == 9:
            things = [*self.guild.members.values(), *self.guild.roles]
            return self._lookup(things, raw.lstrip("@"), "member or role")
        if kind == 11:
            raise SandboxError("File options are not supported in the sandbox.")
        return raw

    @staticmethod
    def _lookup(things: Sequence[Any], key: str, what: str) -> Any:
        for thing in things:
            label = thing.user.username if isinstance(thing, MemberSpec) else thing.name
            if key.lower() in (label.lower(), str(thing.id)):
                return thing
        raise SandboxError(f"There is no {what} called {key!r} in {GUILD_NAME}.")

    def _place(self, actor: MemberSpec, in_dm: bool) -> dict[str, Any]:
        if in_dm:
            return {"user": actor.user, "guild_id": None}
        return {"user": actor, "guild_id": self.guild.id, "channel_id": self.guild.channels[0].id}

    # -- actions ---------------------------------------------------------------------------

    def run(self, actor: MemberSpec, inv: Invocation, in_dm: bool) -> Answer:
        return self.call(self._run(actor, inv, in_dm))

    async def _run(self, actor: MemberSpec, inv: Invocation, in_dm: bool) -> Answer:
        catalog = [c.data for c in self._emu.commands_for(None if in_dm else self.guild.id)]
        name, options = resolve_command(catalog, inv.path)
        values = self._values(name, options, inv.options)
        try:
            result = await self._emu.run_command(
                name=name, options=values, **self._place(actor, in_dm)
            )
        except PermissionError as exc:
            raise SandboxError(f"Discord would not offer /{name} to you here ({exc}).") from None
        except (ValueError, CommandNotFound) as exc:
            raise SandboxError(f"Discord would refuse this: {exc}.") from None
        return self._answer(result)

    def _values(
        self, name: str, options: list[dict[str, Any]], typed: dict[str, str], focused: str = ""
    ) -> dict[str, Any]:
        """Typed option text to values; autocomplete (`focused`) may leave out required ones."""
        by_name = {o["name"]: o for o in options}
        values: dict[str, Any] = {}
        for key, raw in typed.items():
            if key not in by_name:
                known = ", ".join(by_name) or "none"
                raise SandboxError(f"/{name} has no option {key!r} (options: {known}).")
            values[key] = raw if key == focused else self._coerce(by_name[key], raw)
        missing = [o for o in options if o.get("required") and o["name"] not in typed]
        if missing and not focused:
            raise SandboxError(f"/{name} needs {' '.join(map(option_usage, missing))}.")
        return values

    def autocomplete(
        self, actor: MemberSpec, inv: Invocation, in_dm: bool
    ) -> tuple[str, list[dict[str, Any]]]:
        """(focused option, the bot's choices) for the line's last option."""
        return self.call(self._autocomplete(actor, inv, in_dm))

    async def _autocomplete(
        self, actor: MemberSpec, inv: Invocation, in_dm: bool
    ) -> tuple[str, list[dict[str, Any]]]:
        catalog = [c.data for c in self._emu.commands_for(None if in_dm else self.guild.id)]
        name, options = resolve_command(catalog, inv.path)
        focused = inv.last_option or next(
            (o["name"] for o in options if o.get("autocomplete")), None
        )
        option = next((o for o in options if o["name"] == focused), None)
        if option is None or not option.get("autocomplete"):
            if option is not None and option.get("choices"):
                return option["name"], list(option["choices"])
            raise SandboxError(f"/{name} has no autocomplete for {focused or 'any option'}.")
        typed = {**inv.options, option["name"]: inv.options.get(option["name"], "")}
        values = self._values(name, options, typed, focused=option["name"])
        place = self._place(actor, in_dm)
        choices = await self._emu.autocomplete(
            name=name, options=values, focused=option["name"], **place
        )
        return option["name"], choices

    def press(self, actor: MemberSpec, message_id: int, custom_id: str) -> Answer:
        async def press() -> Answer:
            try:
                result = await self._emu.press_button(
                    user=actor, message=message_id, custom_id=custom_id
                )
            except PermissionError:
                raise SandboxError("That button is disabled.") from None
            except LookupError as exc:
                raise SandboxError(f"Cannot press that: {exc}.") from None
            return self._answer(result)

        return self.call(press())

    def submit(self, actor: MemberSpec, answer: Answer, values: dict[str, str]) -> Answer:
        async def submit() -> Answer:
            result = await self._emu.submit_modal(user=actor, modal=answer.result, values=values)
            return self._answer(result)

        return self.call(submit())

    def _answer(self, result: InteractionResult) -> Answer:
        record = result.record
        messages: list[tuple[dict[str, Any], str]] = []
        if record.response_type == 7 or (record.response_type == 6 and record.original_edits):
            if result.message is not None:
                messages.append((copy.deepcopy(result.message), "updated"))
        elif result.message is not None:
            messages.append((copy.deepcopy(result.message), ""))
        messages.extend((copy.deepcopy(m), "") for m in result.followups)
        modal = copy.deepcopy(result.modal) if record.response_type == 9 else None
        return Answer(record.response_type, messages, modal, result)

    def new_posts(self, channel: str | None = None) -> list[tuple[str, dict[str, Any]]]:
        """Bot posts (not interaction answers) not shown yet, oldest first."""

        def collect() -> list[tuple[str, dict[str, Any]]]:
            found = []
            for chan in self.guild.channels:
                if channel is not None and chan.name != channel:
                    continue
                for msg in self._emu.channel_messages(chan.id):
                    if "interaction_metadata" in msg or msg["id"] in self.seen_posts:
                        continue
                    found.append((chan.name, copy.deepcopy(msg)))
            return found

        return self.read(collect)

    def mark_seen(self, posts: Sequence[tuple[str, dict[str, Any]]]) -> None:
        self.seen_posts.update(msg["id"] for _, msg in posts)


# ---------------------------------------------------------------------------------- the session

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


# ---------------------------------------------------------------------------------- completion


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
        if verb in ("posts", "channel"):
            return [f"#{c} " for c in world.channel_names() if f"#{c}".startswith(word)]
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


# ---------------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bot.py sandbox",
        description="Try the bot in a local Discord emulator: no token, no network.",
    )
    parser.add_argument(
        "--as",
        dest="role",
        choices=("member", "editor", "admin"),
        default="member",
        help="who 'you' are in the sandbox server (default: member)",
    )
    parser.add_argument("--script", type=Path, help="run the lines of FILE instead of a prompt")
    parser.add_argument("--verbose", "-v", action="store_true", help="print the bot log's path")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    return parser.parse_args(list(argv))


def _script_lines(args: argparse.Namespace) -> Iterator[str] | None:
    """The lines to run when not interactive: --script FILE, or stdin when it is piped."""
    if args.script is not None:
        script: Path = args.script
        return iter(script.read_text(encoding="utf-8").splitlines())
    if not sys.stdin.isatty():
        return (line.rstrip("\n") for line in sys.stdin)
    return None


def _banner(world: World, role: str) -> str:
    count = len(chat_commands(world.catalog()))
    channels = ", ".join("#" + c for c in CHANNELS)
    return (
        f"Sandbox: Briefing Bot is online in {GUILD_NAME} ({channels}); {count} commands synced.\n"
        f'You are "you" ({role}). Type help for commands, quit to leave.'
    )


def main(argv: Sequence[str]) -> int:
    """Entry point of `python bot.py sandbox [--as ROLE] [--script FILE] [--verbose]`."""
    args = parse_args(argv)
    if args.script is not None and not args.script.is_file():
        print(f"error: no such script: {args.script}", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="briefing-sandbox-"))
    world = World(args.role, workdir)
    try:
        try:
            world.start()
        except SandboxError as exc:
            print(f"{exc} Last 30 lines of its log:", file=sys.stderr)
            print(world.log_tail(30), file=sys.stderr)
            return 1
        if args.verbose:
            print(f"emulator: {world.api_base}\nbot log: {world.log_path}")
        lines = _script_lines(args)
        session = Session(world, lines=lines, out=sys.stdout)
        if lines is None:
            install_completion(session)
        print(_banner(world, args.role), flush=True)
        return session.loop()
    except KeyboardInterrupt:
        return 130
    finally:
        world.stop()
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
