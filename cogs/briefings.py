"""The public slash commands: thin wrappers that ask the core and render its cards."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands, tasks

from briefing.answers import SEARCH_MAX, Query
from briefing.cards import clip
from briefing.lru import ByIdentity
from briefing.models import Topic
from briefing.present import autocomplete_label
from cogs._embeds import to_embed
from cogs._reply import Answer, reply
from cogs._views import send_query

if TYPE_CHECKING:
    from bot import BriefingBot

log = logging.getLogger(__name__)
CHOICES_MAX = 25
# Ids, slugs and autocomplete values are at most 100 characters; longer input is refused by
# Discord's client before it reaches the bot, and echoed errors stay short.
Text = app_commands.Range[str, 1, 100]
# How soon after a change (by an editor here, or another process) the common answers are
# ready again before anyone asks.
KEEP_WARM_SECONDS = 5.0
_choices: ByIdentity[list[tuple[str, str]], list[app_commands.Choice[str]]] = ByIdentity(512)


class Briefings(commands.Cog):
    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot
        self.answers = bot.answers
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
        self.keep_warm.start()

    async def cog_unload(self) -> None:
        self.keep_warm.cancel()
        for command in self._shortcuts:
            self.bot.tree.remove_command(command.name)

    @tasks.loop(seconds=KEEP_WARM_SECONDS)
    async def keep_warm(self) -> None:
        try:
            await self.answers.prewarm()
        except Exception:  # the loop must outlive a bad moment; members' requests still work
            log.exception("could not prepare the common answers ahead of time")

    def _shortcut(self, topic: Topic) -> app_commands.Command[Briefings, ..., None]:
        slug = topic.slug

        async def shortcut(interaction: discord.Interaction) -> None:
            await self._topic(interaction, slug)

        return app_commands.Command(
            name=topic.command or slug,
            description=clip(
                f"Briefing: {topic.title} — who claims what, and who disputes it", 100
            ),
            callback=shortcut,
        )

    async def _topic(self, interaction: discord.Interaction, slug: str) -> None:
        query = Query.of("topic", slug)
        await send_query(interaction, self.answers, query)

    # -- autocomplete -----------------------------------------------------------------------

    async def topic_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        typed = current.strip().lower()
        return [
            app_commands.Choice(name=clip(f"{t.title} ({t.slug})", 100), value=t.slug)
            for t in await self.answers.topics()
            if typed in t.slug or typed in t.title.lower()
        ][:CHOICES_MAX]

    async def claim_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        found = await self.answers.suggestions(current[:100].strip(), CHOICES_MAX)
        # Suggestions asked before come back as the same list, and so get the same choices:
        # building 25 of them costs more than finding them did.
        choices = _choices.get(found)
        if choices is None:
            choices = [
                app_commands.Choice(name=autocomplete_label(i, s), value=i) for i, s in found
            ]
            _choices.put(found, choices)
        return choices

    # -- commands ---------------------------------------------------------------------------

    @app_commands.command(name="brief", description="The briefing on one topic")
    @app_commands.describe(topic="Which topic (start typing to pick one)")
    @app_commands.autocomplete(topic=topic_choices)
    async def brief(self, interaction: discord.Interaction, topic: Text) -> None:
        await self._topic(interaction, topic)

    @app_commands.command(name="claim", description="One claim in full: who says what, and when")
    @app_commands.describe(id="The claim's id or words from it (start typing to search)")
    @app_commands.autocomplete(id=claim_choices)
    async def claim(self, interaction: discord.Interaction, id: Text) -> None:
        await reply(interaction, self._claim_answer(id))

    async def _claim_answer(self, claim_id: str) -> Answer:
        return Answer(to_embed(await self.answers.claim(claim_id)))

    @app_commands.command(name="disputed", description="Claims a named party contests")
    @app_commands.describe(topic="Only this topic (optional)")
    @app_commands.autocomplete(topic=topic_choices)
    async def disputed(self, interaction: discord.Interaction, topic: Text | None = None) -> None:
        query = Query.of("disputed", topic)
        await send_query(interaction, self.answers, query)

    @app_commands.command(name="search", description="Search claims, people and quotes")
    @app_commands.describe(query="Words to look for", topic="Only this topic (optional)")
    @app_commands.autocomplete(topic=topic_choices)
    async def search(
        self,
        interaction: discord.Interaction,
        query: app_commands.Range[str, 1, SEARCH_MAX],
        topic: Text | None = None,
    ) -> None:
        q = Query.of("search", topic, query)
        await send_query(interaction, self.answers, q)

    @app_commands.command(name="timeline", description="What happened, in date order")
    @app_commands.describe(topic="Only this topic (optional)")
    @app_commands.autocomplete(topic=topic_choices)
    async def timeline(self, interaction: discord.Interaction, topic: Text | None = None) -> None:
        query = Query.of("timeline", topic)
        await send_query(interaction, self.answers, query)

    @app_commands.command(name="about", description="What this bot covers, how fresh it is")
    async def about(self, interaction: discord.Interaction) -> None:
        await reply(interaction, self._about_answer())

    async def _about_answer(self) -> Answer:
        return Answer(to_embed(await self.answers.about()))


async def setup(bot: BriefingBot) -> None:
    await bot.add_cog(Briefings(bot))
