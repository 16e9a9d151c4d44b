"""What the cogs need of the bot. Cogs depend on this, not on `bot.py`: the bot is built on
top of the cogs, never the other way round."""

from __future__ import annotations

from typing import Protocol, cast

import discord
from discord import app_commands

from briefing.answers import AnswerCache
from briefing.digesting import DigestDesk
from briefing.editorial import Desk
from briefing.i18n import Locale, locale_of
from briefing.settings import Settings
from cogs._metrics import Metrics
from cogs._reply import Reply

Choices = list[app_commands.Choice[str]]
BotAnswers = AnswerCache[Reply, Choices]


class Briefed(Protocol):
    """The bot as the cogs see it."""

    @property
    def settings(self) -> Settings: ...

    @property
    def answers(self) -> BotAnswers: ...

    @property
    def desk(self) -> Desk: ...

    @property
    def digests(self) -> DigestDesk: ...

    @property
    def metrics(self) -> Metrics: ...

    async def is_owner(self, user: discord.abc.User, /) -> bool: ...

    async def claims_stored(self) -> int:
        """How many claims the store holds, asked of the store each time (a health probe)."""
        ...

    def store_file_problem(self) -> str | None:
        """None, or "missing" / "replaced" when the database file changed under the bot."""
        ...


def briefed(client: discord.Client) -> Briefed:
    """The running bot, from an interaction's client or a cog's bot."""
    return cast(Briefed, client)


def member_locale(interaction: discord.Interaction) -> Locale:
    """The language to answer this member in: their Discord language when the bot speaks it."""
    return locale_of(interaction.locale)
