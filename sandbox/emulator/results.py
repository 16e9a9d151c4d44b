"""What a test gets back from acting as a Discord user: results, and the errors Discord shows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .state import InteractionRecord

if TYPE_CHECKING:
    from .server import EmulatorServer


class ApplicationDidNotRespond(AssertionError):
    """The bot did not acknowledge an interaction in time (the member sees an error)."""


class CommandNotFound(LookupError):
    """Discord would not offer this command here: the bot never synced it for this guild
    (or globally, in a DM). ``run_command(..., force=True)`` delivers it anyway."""


@dataclass
class InteractionResult:
    """What a user sees after an interaction; reads the emulator's live state."""

    emulator: EmulatorServer
    record: InteractionRecord

    @property
    def type(self) -> int | None:
        return self.record.response_type

    @property
    def interaction_id(self) -> int:
        return self.record.id

    @property
    def channel_id(self) -> int:
        return self.record.channel_id

    @property
    def guild_id(self) -> int | None:
        return self.record.guild_id

    @property
    def message_id(self) -> int | None:
        return self.record.original_message_id

    @property
    def message(self) -> dict[str, Any] | None:
        mid = self.record.original_message_id
        return self.emulator.find_message(mid) if mid is not None else None

    @property
    def content(self) -> str:
        return str((self.message or {}).get("content") or "")

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return list((self.message or {}).get("embeds") or [])

    @property
    def components(self) -> list[dict[str, Any]]:
        return list((self.message or {}).get("components") or [])

    @property
    def attachments(self) -> list[dict[str, Any]]:
        """The files on the response message (``emulator.read_attachment`` reads one)."""
        return list((self.message or {}).get("attachments") or [])

    @property
    def flags(self) -> int:
        return int((self.message or {}).get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & 64)

    @property
    def followups(self) -> list[dict[str, Any]]:
        out = []
        for mid in self.record.followup_ids:
            msg = self.emulator.find_message(mid)
            if msg is not None:
                out.append(msg)
        return out

    @property
    def choices(self) -> list[dict[str, Any]]:
        return list(self.record.choices or [])

    @property
    def modal(self) -> dict[str, Any] | None:
        return self.record.modal

    def custom_ids(self) -> list[str]:
        """All custom_ids of components on the response message (buttons, selects...)."""
        return [c["custom_id"] for c in walk(self.components) if "custom_id" in c]


def walk(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every component, depth first: rows, containers, sections, labels and what they hold."""
    out: list[dict[str, Any]] = []
    for comp in components:
        out.append(comp)
        for key in ("components", "items"):
            if isinstance(comp.get(key), list):
                out.extend(walk(comp[key]))
        for key in ("accessory", "component"):
            if isinstance(comp.get(key), dict):
                out.extend(walk([comp[key]]))
    return out
