"""Discord messages as terminal text: markdown to plain text, embeds as boxes, buttons.

Pure functions of the message JSON, so a test can draw a message without an emulator.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

EPHEMERAL = 1 << 6
LOADING = 1 << 7

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
    first_attachment: int = 1,
) -> str:
    """A whole message as terminal text: content, embeds, other components, files, buttons.

    Attachments are numbered from `first_attachment` (the numbers `save N` takes).
    """
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
    for number, attachment in enumerate(message.get("attachments") or [], first_attachment):
        size = int(attachment.get("size") or 0)
        lines.append(f"(attachment {number}: {attachment.get('filename')}, {size:,} bytes)")
    buttons = buttons_of(message)
    if buttons:
        lines.append(render_buttons(buttons))
    if not lines:
        lines.append("(an empty message)")
    return "\n".join(lines)
