"""Typed lines to commands: `/name sub option:value` parsing, and the synced command JSON.

Everything here is pure (no emulator), so it is shared by the world, the session and completion.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

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


# ---------------------------------------------------------------------------------- commands


def chat_commands(catalog: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Slash (chat input) commands by name; context-menu commands are not typed at a prompt."""
    return {c["name"]: c for c in catalog if int(c.get("type", 1)) == 1}


def by_any_name(items: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Items by the name the member sees, and by the bot's own name as well (a member may
    type either, as the sandbox's README examples do)."""
    found = {own_name(i): i for i in items}
    found.update({i["name"]: i for i in items})
    return found


def _localized(item: dict[str, Any], locale: str) -> dict[str, Any]:
    out = dict(item)
    out["_name"] = item.get("_name", item["name"])
    out["name"] = (item.get("name_localizations") or {}).get(locale) or item["name"]
    if "description" in item:
        local = (item.get("description_localizations") or {}).get(locale)
        out["description"] = local or item["description"]
    if item.get("options"):
        out["options"] = [_localized(o, locale) for o in item["options"]]
    if item.get("choices"):
        out["choices"] = [
            {**c, "name": (c.get("name_localizations") or {}).get(locale) or c["name"]}
            for c in item["choices"]
        ]
    return out


def localized(catalog: Sequence[dict[str, Any]], locale: str | None) -> list[dict[str, Any]]:
    """The commands as a member whose Discord speaks `locale` sees them: names,
    descriptions and choices in that language where the bot gives them. Each command and
    option keeps the name the bot knows it by in `_name`."""
    if not locale:
        return list(catalog)
    return [_localized(c, locale) for c in catalog]


def own_name(item: dict[str, Any]) -> str:
    """The name the bot knows a command or option by, whatever the member typed."""
    return str(item.get("_name", item["name"]))


def resolve_command(
    catalog: Sequence[dict[str, Any]], path: Sequence[str]
) -> tuple[str, list[dict[str, Any]]]:
    """('facts status', leaf options) for a typed path, or a SandboxError that helps."""
    commands = chat_commands(catalog)
    top = path[0].lower()
    reachable = by_any_name(list(commands.values()))
    if top not in reachable:
        raise unknown_command(top, commands)
    node, names = reachable[top], [own_name(reachable[top])]
    for word in path[1:]:
        subs = by_any_name([o for o in node.get("options") or [] if int(o["type"]) in (1, 2)])
        if word not in subs:
            raise SandboxError(_subcommand_hint(" ".join(names), subs, word))
        node = subs[word]
        names.append(own_name(node))
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
        shown = []
        if command.get("guild_id"):
            shown.append("in this server only")
        if needs:
            wanted = [v for k, v in PERMISSION_NAMES.items() if needs & k] or [hex(needs)]
            shown.append(f"to members with {', '.join(wanted)}")
        if shown:
            lines.append(f"      (shown {' and '.join(shown)})")
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
