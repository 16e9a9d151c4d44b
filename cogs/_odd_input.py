"""What Discord should not send, but might: handled where it arrives, so that no command
and no part of discord.py meets it unprepared."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar, cast

log = logging.getLogger("briefing")
A = TypeVar("A", bound=Callable[..., Coroutine[Any, Any, list[Any]]])


def guard_parsers(parsers: dict[str, Callable[[Any], None]]) -> None:
    """discord.py parses each gateway event inside its read loop, so one malformed event
    (a field missing) raises out of the loop and ends the process. Each parser is wrapped
    so that such an event is logged in one line and skipped; READY and RESUMED are left
    alone: without them the session cannot go on anyway."""
    for event, parse in list(parsers.items()):
        if event not in ("READY", "RESUMED"):
            parsers[event] = _guarded(event, parse)


def _guarded(event: str, parse: Callable[[Any], None]) -> Callable[[Any], None]:
    def guarded(data: Any) -> None:
        try:
            parse(data)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            log.warning("skipped a malformed %s event from the gateway (%r)", event, exc)

    return guarded


def has_lone_surrogate(data: object) -> bool:
    """Whether any string in an interaction's data holds half of a UTF-16 pair alone."""
    if isinstance(data, str):
        return any("\ud800" <= ch <= "\udfff" for ch in data)
    if isinstance(data, dict):
        return any(has_lone_surrogate(v) for v in data.values())
    if isinstance(data, list):
        return any(has_lone_surrogate(v) for v in data)
    return False


def no_choices_on_error(autocomplete: A) -> A:
    """An autocomplete callback that fails answers with no choices (the one answer Discord
    takes for autocomplete) instead of none at all, which shows the member "Loading options
    failed"; the failure is still logged in full, since it is a bug."""

    @functools.wraps(autocomplete)
    async def guarded(cog: Any, interaction: Any, current: str) -> list[Any]:
        try:
            return await autocomplete(cog, interaction, current)
        except Exception:
            log.exception("autocomplete %s failed; answered with no choices", autocomplete.__name__)
            return []

    return cast(A, guarded)


def stale_option(interaction: Any) -> str | None:
    """The name of an option whose type is not what the command now takes (Discord's list
    of the command is older than the bot's), or None. discord.py hands such a value to the
    command as it came, an integer where text is expected, say."""
    command = interaction.command
    data = interaction.data or {}
    if command is None or not hasattr(command, "get_parameter"):
        return None
    options = data.get("options", [])
    while options and options[0].get("type") in (1, 2):  # into the subcommand
        options = options[0].get("options", [])
    for option in options:
        parameter = command.get_parameter(option.get("name", ""))
        if parameter is None or parameter.type.value != option.get("type"):
            return str(option.get("name"))
    return None
