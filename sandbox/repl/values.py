"""Typed option text to what the emulator sends: numbers, members, channels, and files.

`file:@path/to/briefing.yaml` picks a file for an attachment option, as the Discord client's
upload button does; the path is relative to the directory the sandbox was started in.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sandbox.emulator import GuildSpec, MemberSpec, Upload
from sandbox.repl.parsing import SandboxError, by_any_name, option_usage

# Discord's client refuses larger uploads (the interaction's attachment_size_limit).
UPLOAD_LIMIT = 10 * 1024 * 1024
# What mimetypes does not know on every system.
_CONTENT_TYPES = {
    ".yaml": "application/x-yaml",
    ".yml": "application/x-yaml",
    ".json": "application/json",
    ".csv": "text/csv",
    ".md": "text/markdown",
}


def option_values(
    guild: GuildSpec,
    name: str,
    options: Sequence[dict[str, Any]],
    typed: dict[str, str],
    focused: str = "",
) -> dict[str, Any]:
    """Typed option text to values; autocomplete (`focused`) may leave out required ones."""
    by_name = by_any_name(options)
    values: dict[str, Any] = {}
    for key, raw in typed.items():
        if key not in by_name:
            known = ", ".join(by_name) or "none"
            raise SandboxError(f"/{name} has no option {key!r} (options: {known}).")
        option = by_name[key]
        values[option["name"]] = raw if key == focused else coerce(guild, option, raw)
    given = {by_name[k]["name"] for k in typed}
    missing = [o for o in options if o.get("required") and o["name"] not in given]
    if missing and not focused:
        raise SandboxError(f"/{name} needs {' '.join(map(option_usage, missing))}.")
    return values


def coerce(guild: GuildSpec, option: dict[str, Any], raw: str) -> Any:
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
        return lookup(guild.channels, raw.lstrip("#"), "channel", guild)
    if kind == 6:
        return lookup(list(guild.members.values()), raw.lstrip("@"), "member", guild)
    if kind == 8:
        return lookup(guild.roles, raw.lstrip("@"), "role", guild)
    if kind == 9:
        things = [*guild.members.values(), *guild.roles]
        return lookup(things, raw.lstrip("@"), "member or role", guild)
    if kind == 11:
        return upload(name, raw)
    return raw


def lookup(things: Sequence[Any], key: str, what: str, guild: GuildSpec) -> Any:
    for thing in things:
        label = thing.user.username if isinstance(thing, MemberSpec) else thing.name
        if key.lower() in (label.lower(), str(thing.id)):
            return thing
    raise SandboxError(f"There is no {what} called {key!r} in {guild.name}.")


def upload(name: str, raw: str) -> Upload:
    """`@path` -> the file at that path (relative to the current directory), as an Upload."""
    if not raw.startswith("@"):
        raise SandboxError(
            f"{name} takes a file: write {name}:@path/to/file (relative to {Path.cwd()})."
        )
    path = Path(raw[1:]).expanduser()
    if not raw[1:].strip():
        raise SandboxError(f"{name}:@ needs a path, e.g. {name}:@data/briefing.yaml.")
    if not path.is_file():
        where = path if path.is_absolute() else Path.cwd() / path
        what = "a folder, not a file" if path.is_dir() else "no such file"
        raise SandboxError(f"Cannot attach {raw[1:]}: {what} ({where}).")
    size = path.stat().st_size
    if size > UPLOAD_LIMIT:
        raise SandboxError(
            f"{path.name} is {size:,} bytes; Discord uploads at most {UPLOAD_LIMIT:,} bytes."
        )
    data = path.read_bytes()
    return Upload(path.name, data, content_type(path, data))


def content_type(path: Path, data: bytes) -> str:
    """The content type Discord gives an uploaded file: by its extension, with the charset
    when it is text in UTF-8 (``text/csv; charset=utf-8``)."""
    known = _CONTENT_TYPES.get(path.suffix.lower())
    guessed = known or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    textual = guessed.startswith("text/") or guessed in _CONTENT_TYPES.values()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        textual = False
    return f"{guessed}; charset=utf-8" if textual else guessed
