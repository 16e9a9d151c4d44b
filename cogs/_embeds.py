"""Cards from the core become discord.py embeds here, and only here."""

from __future__ import annotations

import discord

from briefing.render.cards import Card, fit_card


def to_embed(card: Card) -> discord.Embed:
    """Convert a card, held to Discord's limits (`fit_card` passes a fitting card as it is)."""
    card = fit_card(card)
    embed = discord.Embed(
        title=card.title or None,
        description=card.description or None,
        url=card.url,
        color=card.color,
    )
    for field in card.fields:
        embed.add_field(name=field.name, value=field.value, inline=field.inline)
    if card.footer:
        embed.set_footer(text=card.footer)
    return embed
