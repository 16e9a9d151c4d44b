"""Answers finished as discord.py sends them, so that the answer cache keeps them that way."""

from __future__ import annotations

from discord import app_commands

from briefing.answers import Paging, Suggestion
from briefing.i18n import Words
from briefing.render.cards import Card
from cogs._bot import Choices
from cogs._buttons import suggest_view
from cogs._embeds import to_embed
from cogs._reply import Reply
from cogs._views import page_buttons


class ForDiscord:
    """An embed and its page buttons for an answer; choices for autocomplete."""

    def answer(self, card: Card, paging: Paging | None, w: Words) -> Reply:
        return Reply(to_embed(card), page_buttons(paging, w))

    def claim(self, card: Card, claim_id: str, w: Words) -> Reply:
        return Reply(to_embed(card), suggest_view(claim_id, w))

    def choices(self, suggestions: list[Suggestion]) -> Choices:
        return [app_commands.Choice(name=label, value=value) for value, label in suggestions]
