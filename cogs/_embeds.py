"""Cards from the core become discord.py embeds here, and only here."""

from __future__ import annotations

import discord

from briefing.cards import Card, fit_card
from briefing.lru import ByIdentity

# Cached answers hand out the same Card object again and again; converting it each time cost
# ~20 us of every cached answer, and even hashing a card to look it up reads all its text.
# discord.py only reads an embed it sends, so one is shared per card object.
_embeds: ByIdentity[Card, discord.Embed] = ByIdentity(1024)


def to_embed(card: Card) -> discord.Embed:
    """Convert a card; `fit_card` has already held it to Discord's limits."""
    embed = _embeds.get(card)
    if embed is None:
        embed = _convert(card)
        _embeds.put(card, embed)
    return embed


def _convert(card: Card) -> discord.Embed:
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
