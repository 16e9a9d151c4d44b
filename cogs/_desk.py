"""What every editor interaction shares: who the editor is, the run-time check, and the
private answer that says what changed."""

from __future__ import annotations

import discord
from discord import app_commands

from briefing.editorial import Change
from briefing.models import Editor, claim_diff
from briefing.render.cards import Card
from briefing.render.history import change_card
from cogs._checks import editor_refusal
from cogs._embeds import to_embed


def editor_of(interaction: discord.Interaction) -> Editor:
    return Editor(interaction.user.id, interaction.user.display_name)


class NotAnEditor(app_commands.CheckFailure):
    """Raised by the check on every editor command, button and form; its text is shown."""


async def require_editor(interaction: discord.Interaction) -> None:
    if (refusal := await editor_refusal(interaction)) is not None:
        raise NotAnEditor(refusal)


async def private(
    interaction: discord.Interaction, card: Card, view: discord.ui.View | None = None
) -> None:
    """Answer only the editor, whether or not the interaction was acknowledged already."""
    embed = to_embed(card)
    if interaction.response.is_done():
        if view is None:
            await interaction.followup.send(embed=embed, ephemeral=True)
        else:
            await interaction.followup.send(embed=embed, view=view, ephemeral=True)
    elif view is None:
        await interaction.response.send_message(embed=embed, ephemeral=True)
    else:
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


async def saved(interaction: discord.Interaction, change: Change) -> None:
    diff = claim_diff(change.before, change.after)
    await private(interaction, change_card(change.before, change.after, diff, change.kind))
