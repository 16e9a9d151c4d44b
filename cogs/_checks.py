"""Who may do what, checked on the interaction itself at the moment it arrives.

Registration and `default_member_permissions` only decide what Discord shows; a server
admin can change both. So every check here reads the interaction Discord sent.
"""

from __future__ import annotations

import discord

from briefing.i18n import EN, Words
from cogs._bot import briefed


def asker_of(interaction: discord.Interaction) -> int | None:
    """Who ran the command whose answer holds the pressed component, as Discord reports it
    in the answer message's interaction metadata (None if it does not say)."""
    message = interaction.message
    metadata = message.interaction_metadata if message is not None else None
    return metadata.user.id if metadata is not None else None


def page_turn_refusal(interaction: discord.Interaction, w: Words = EN) -> str | None:
    """Why this member may not turn the pages of this answer, or None if they may: only
    the member who asked can."""
    asker = asker_of(interaction)
    if asker is None:
        return w("error.no_asker")
    if interaction.user.id != asker:
        return w("error.not_yours", asker=f"<@{asker}>")
    return None


async def editor_refusal(interaction: discord.Interaction) -> str | None:
    """Why this member may not change the briefing here, or None if they may (DESIGN.md §4):
    in a home guild, with an editor role (or Manage Messages when no role is configured),
    or the application's owner there. Read from the interaction Discord sent, not from how
    the command was registered: a server admin can grant any command to anyone."""
    bot = briefed(interaction.client)
    settings = bot.settings
    if not settings.home_guild_ids:
        return "Editing is off: this bot has no newsroom server (BRIEFING_HOME_GUILD_IDS)."
    if interaction.guild_id not in settings.home_guild_ids:
        return "The briefing can only be changed by its editors, in the newsroom server."
    if await bot.is_owner(interaction.user):
        return None
    if settings.editor_role_ids:
        roles = getattr(interaction.user, "roles", [])
        if any(role.id in settings.editor_role_ids for role in roles):
            return None
        return "Only members with the editor role can change the briefing."
    if interaction.permissions.manage_messages:
        return None
    return "Only editors (members with Manage Messages here) can change the briefing."
