"""Cards from the core become discord.py embeds here, and only here."""

from __future__ import annotations

from functools import lru_cache

import discord

from briefing.cards import Card, fit_card


# Cached answers hand out the same Card again and again; converting it each time cost
# ~20 us of every cached answer. discord.py only reads an embed it sends, so one is shared.
@lru_cache(maxsize=1024)
def to_embed(card: Card) -> discord.Embed:
    """Convert a card; `fit_card` has already held it to Discord's limits."""
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
