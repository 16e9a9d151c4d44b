"""The public slash commands: thin wrappers that ask the answer cache and send its replies."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from briefing.i18n import words
from briefing.models import Topic
from briefing.queries import SEARCH_MAX, Query
from briefing.render.cards import clip
from briefing.render.claim import topic_title
from cogs._bot import BotAnswers, Choices, briefed, member_locale
from cogs._odd_input import no_choices_on_error
from cogs._reply import Reply, reply
from cogs._translator import shortcut_strings

log = logging.getLogger(__name__)
CHOICES_MAX = 25
# Ids, slugs and autocomplete values are at most 100 characters; longer input is refused by
# Discord's client before it reaches the bot, and echoed errors stay short.
Text = app_commands.Range[str, 1, 100]


class Briefings(commands.Cog):
    def __init__(self, bot: commands.Bot, answers: BotAnswers) -> None:
        self.bot = bot
        self.answers = answers
        self._shortcuts: list[app_commands.Command[Briefings, ..., None]] = []

    async def cog_load(self) -> None:
        # One shortcut command per topic that names one (/troops, /treaty, /kursk-status).
        taken = {c.name for c in self.bot.tree.get_commands()} | {
            c.name for c in self.get_app_commands()
        }
        for topic in await self.answers.topics():
            if not topic.command:
                continue
            if topic.command in taken:
                log.warning("topic %s: command /%s is taken; skipped", topic.slug, topic.command)
                continue
            command = self._shortcut(topic)
            self.bot.tree.add_command(command)
            self._shortcuts.append(command)
            taken.add(topic.command)

    async def cog_unload(self) -> None:
        for command in self._shortcuts:
            self.bot.tree.remove_command(command.name)

    def _shortcut(self, topic: Topic) -> app_commands.Command[Briefings, ..., None]:
        slug = topic.slug

        async def shortcut(interaction: discord.Interaction) -> None:
            await self._send(interaction, Query.of("topic", slug))

        name, description = shortcut_strings(topic)
        return app_commands.Command(name=name, description=description, callback=shortcut)

    async def _send(self, interaction: discord.Interaction, query: Query) -> None:
        """Answer with the first page of `query`, with buttons for the rest if there are more."""

        async def build() -> Reply:
            return (await self.answers.page(query, locale=member_locale(interaction))).sent

        await reply(interaction, build())

    # -- autocomplete -----------------------------------------------------------------------

    @no_choices_on_error
    async def topic_choices(self, interaction: discord.Interaction, current: str) -> Choices:
        typed = current.strip().casefold()
        w = words(member_locale(interaction))
        found = []
        for t in await self.answers.topics():
            title = topic_title(t, w)
            if typed in t.slug or typed in title.casefold() or typed in t.title.casefold():
                found.append(
                    app_commands.Choice(name=clip(f"{title} ({t.slug})", 100), value=t.slug)
                )
        return found[:CHOICES_MAX]

    @no_choices_on_error
    async def claim_choices(self, interaction: discord.Interaction, current: str) -> Choices:
        return await self.answers.suggestions(current[:100].strip(), CHOICES_MAX)

    # -- commands ---------------------------------------------------------------------------

    @app_commands.command(name="brief", description="The briefing on one topic")
    @app_commands.describe(topic="Which topic (start typing to pick one)")
    @app_commands.autocomplete(topic=topic_choices)
    async def brief(self, interaction: discord.Interaction, topic: Text) -> None:
        await self._send(interaction, Query.of("topic", topic))

    @app_commands.command(name="claim", description="One claim in full: who says what, and when")
    @app_commands.describe(id="The claim's id or words from it (start typing to search)")
    @app_commands.autocomplete(id=claim_choices)
    async def claim(self, interaction: discord.Interaction, id: Text) -> None:
        await reply(interaction, self.answers.claim(id, member_locale(interaction)))

    @app_commands.command(name="disputed", description="Claims a named party contests")
    @app_commands.describe(topic="Only this topic (optional)")
    @app_commands.autocomplete(topic=topic_choices)
    async def disputed(self, interaction: discord.Interaction, topic: Text | None = None) -> None:
        await self._send(interaction, Query.of("disputed", topic))

    @app_commands.command(name="search", description="Search claims, people and quotes")
    @app_commands.describe(query="Words to look for", topic="Only this topic (optional)")
    @app_commands.autocomplete(topic=topic_choices)
    async def search(
        self,
        interaction: discord.Interaction,
        query: app_commands.Range[str, 1, SEARCH_MAX],
        topic: Text | None = None,
    ) -> None:
        await self._send(interaction, Query.of("search", topic, query))

    @app_commands.command(name="timeline", description="What happened, in date order")
    @app_commands.describe(topic="Only this topic (optional)")
    @app_commands.autocomplete(topic=topic_choices)
    async def timeline(self, interaction: discord.Interaction, topic: Text | None = None) -> None:
        await self._send(interaction, Query.of("timeline", topic))

    @app_commands.command(name="about", description="What this bot covers, how fresh it is")
    async def about(self, interaction: discord.Interaction) -> None:
        await reply(interaction, self.answers.about(member_locale(interaction)))

    @app_commands.command(
        name="help", description="How this bot works: commands, statuses, dates, corrections"
    )
    async def help(self, interaction: discord.Interaction) -> None:
        """Only the member who asks needs it: an ephemeral answer, not a channel post."""
        answer = await self.answers.help(member_locale(interaction))
        await interaction.response.send_message(embed=answer.embed, ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Briefings(bot, briefed(bot).answers))
