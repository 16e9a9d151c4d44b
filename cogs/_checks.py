"""Who may do what, checked on the interaction itself at the moment it arrives.

Registration and `default_member_permissions` only decide what Discord shows; a server
admin can change both. So every check here reads the interaction Discord sent.
"""

from __future__ import annotations

import discord


def asker_of(interaction: discord.Interaction) -> int | None:
    """Who ran the command whose answer holds the pressed component, as Discord reports it
    in the answer message's interaction metadata (None if it does not say)."""
    message = interaction.message
    metadata = message.interaction_metadata if message is not None else None
    return metadata.user.id if metadata is not None else None


def page_turn_refusal(interaction: discord.Interaction) -> str | None:
    """Why this member may not turn the pages of this answer, or None if they may: only
    the member who asked can."""
    asker = asker_of(interaction)
    if asker is None:
        return (
            "Discord did not say who asked for this answer, so its pages stay as they "
            "are. Run the command yourself to browse."
        )
    if interaction.user.id != asker:
        return f"Only <@{asker}> can turn these pages. Run the command yourself to browse."
    return None
