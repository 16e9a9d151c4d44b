"""/facts: the editors' commands. Registered only in the home guilds; every call is checked
again at run time (`interaction_check`), since server admins can grant any command to
anyone. Each command parses, asks the desk, and says exactly what changed, privately."""

from __future__ import annotations

import logging
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from briefing.models import ActorKind, StanceKind, Status
from briefing.render.history import topic_change_card
from briefing.render.words import autocomplete_label
from cogs._bot import Choices, briefed
from cogs._buttons import DYNAMIC_ITEMS, history_answer, queue_answer
from cogs._checks import editor_refusal
from cogs._desk import editor_of, private, require_editor, saved
from cogs._files import export_answer, import_answer
from cogs._forms import (
    AddClaimForm,
    EditClaimForm,
    TopicForm,
    TranslateClaimForm,
    TranslateTopicForm,
)
from cogs._odd_input import no_choices_on_error

log = logging.getLogger(__name__)
CHOICES_MAX = 25
Id = app_commands.Range[str, 2, 64]
Reason = app_commands.Range[str, 1, 300]
Short = app_commands.Range[str, 1, 100]
DateText = app_commands.Range[str, 1, 40]
Url = app_commands.Range[str, 1, 500]
LANGUAGES = [
    app_commands.Choice(name="Korean", value="ko"),
    app_commands.Choice(name="Ukrainian", value="uk"),
    app_commands.Choice(name="Russian", value="ru"),
]


@app_commands.guild_only()
@app_commands.default_permissions(manage_messages=True)
class Facts(commands.GroupCog, group_name="facts", group_description="Edit the briefing"):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self.desk = briefed(bot).desk
        super().__init__()

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        if interaction.type is not discord.InteractionType.autocomplete:
            await require_editor(interaction)
        return True

    # -- autocomplete -----------------------------------------------------------------------

    @no_choices_on_error
    async def claim_ids(self, interaction: discord.Interaction, current: str) -> Choices:
        if await _not_editor(interaction):
            return []
        found = await self.desk.claim_choices(current[:100], CHOICES_MAX)
        return [app_commands.Choice(name=autocomplete_label(i, s), value=i) for i, s in found]

    @no_choices_on_error
    async def topic_slugs(self, interaction: discord.Interaction, current: str) -> Choices:
        if await _not_editor(interaction):
            return []
        typed = current.strip().lower()
        return [
            app_commands.Choice(name=f"{t.title} ({t.slug})"[:100], value=t.slug)
            for t in await self.desk.topics()
            if typed in t.slug or typed in t.title.lower()
        ][:CHOICES_MAX]

    @no_choices_on_error
    async def actors(self, interaction: discord.Interaction, current: str) -> Choices:
        if await _not_editor(interaction):
            return []
        names = await self.desk.actor_names(current[:100], CHOICES_MAX)
        return [app_commands.Choice(name=n[:100], value=n[:100]) for n in names]

    # -- claims -----------------------------------------------------------------------------

    @app_commands.command(name="add", description="Add a claim (opens a form)")
    @app_commands.describe(
        topic="The topic it belongs to",
        actor="Who asserts it (a party on record, or a new one with actor_kind)",
        actor_kind="For a new party: what kind it is",
        country="For a new party: its country, if any",
    )
    @app_commands.autocomplete(topic=topic_slugs, actor=actors)
    async def add(
        self,
        interaction: discord.Interaction,
        topic: Short,
        actor: Short,
        actor_kind: ActorKind | None = None,
        country: app_commands.Range[str, 1, 60] | None = None,
    ) -> None:
        await self.desk.topic(topic)  # an unknown topic is refused before the form opens
        party = await self.desk.actor(actor, actor_kind, country)
        await interaction.response.send_modal(AddClaimForm(topic.strip().lower(), party))

    @app_commands.command(name="edit", description="Edit a claim's text, topic, date, figure")
    @app_commands.describe(id="The claim (start typing)")
    @app_commands.autocomplete(id=claim_ids)
    async def edit(self, interaction: discord.Interaction, id: Id) -> None:
        await interaction.response.send_modal(EditClaimForm(await self.desk.claim(id)))

    @app_commands.command(name="status", description="Change a claim's status")
    @app_commands.describe(
        id="The claim",
        status="The new status",
        reason="Why (kept in the history)",
        superseded_by="For `superseded`: the claim that replaces it",
    )
    @app_commands.autocomplete(id=claim_ids, superseded_by=claim_ids)
    async def status(
        self,
        interaction: discord.Interaction,
        id: Id,
        status: Status,
        reason: Reason,
        superseded_by: Id | None = None,
    ) -> None:
        change = await self.desk.set_status(
            id, status, editor_of(interaction), reason=reason, superseded_by=superseded_by
        )
        await saved(interaction, change)

    @app_commands.command(name="stance", description="Record who asserts, confirms or disputes")
    @app_commands.describe(
        id="The claim",
        actor="Who (a party on record, or a new one with actor_kind)",
        stance="What they say about it",
        quote="Their words, exactly as the source quotes them",
        source_url="Where they said it (https://…)",
        date="When they said it (2025-04-28, April 2025, …)",
        actor_kind="For a new party: what kind it is",
        country="For a new party: its country, if any",
        reason="Why (kept in the history)",
        status="Change the status with it (e.g. to confirmed, for a confirmation)",
    )
    @app_commands.autocomplete(id=claim_ids, actor=actors)
    async def stance(
        self,
        interaction: discord.Interaction,
        id: Id,
        actor: Short,
        stance: StanceKind,
        quote: app_commands.Range[str, 1, 300] | None = None,
        source_url: Url | None = None,
        date: DateText | None = None,
        actor_kind: ActorKind | None = None,
        country: app_commands.Range[str, 1, 60] | None = None,
        reason: Reason | None = None,
        status: Status | None = None,
    ) -> None:
        party = await self.desk.actor(actor, actor_kind, country)
        change = await self.desk.add_stance(
            id, party, stance, editor_of(interaction),
            quote=quote, source_url=source_url, date=date, reason=reason, status=status,
        )  # fmt: skip
        await saved(interaction, change)

    @app_commands.command(name="source", description="Cite a source for a claim")
    @app_commands.describe(
        id="The claim",
        outlet="Who published it (Associated Press, …)",
        url="A link to it (https://…)",
        published="When it was published (2025-04-28)",
        title="Its headline, only if it has one",
    )
    @app_commands.autocomplete(id=claim_ids)
    async def source(
        self,
        interaction: discord.Interaction,
        id: Id,
        outlet: Short,
        url: Url | None = None,
        published: DateText | None = None,
        title: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        change = await self.desk.add_source(
            id, outlet, editor_of(interaction), url=url, published=published, title=title
        )
        await saved(interaction, change)

    @app_commands.command(name="retire", description="Withdraw a claim from the briefing")
    @app_commands.describe(
        id="The claim",
        reason="Why (kept in the history)",
        superseded_by="The claim that replaces it, if any",
    )
    @app_commands.autocomplete(id=claim_ids, superseded_by=claim_ids)
    async def retire(
        self,
        interaction: discord.Interaction,
        id: Id,
        reason: Reason,
        superseded_by: Id | None = None,
    ) -> None:
        change = await self.desk.retire(
            id, editor_of(interaction), reason=reason, superseded_by=superseded_by
        )
        await saved(interaction, change)

    @app_commands.command(name="review", description="Mark a claim re-verified today")
    @app_commands.describe(id="The claim")
    @app_commands.autocomplete(id=claim_ids)
    async def review(self, interaction: discord.Interaction, id: Id) -> None:
        await saved(interaction, await self.desk.review(id, editor_of(interaction)))

    @app_commands.command(name="history", description="Every change to a claim: who, when, why")
    @app_commands.describe(id="The claim")
    @app_commands.autocomplete(id=claim_ids)
    async def history(self, interaction: discord.Interaction, id: Id) -> None:
        card, view = await history_answer(interaction, id, 1)
        await private(interaction, card, view)

    @app_commands.command(name="revert", description="Make a claim read as an earlier version")
    @app_commands.describe(
        id="The claim",
        version="The version to go back to (see /facts history)",
        reason="Why (kept in the history)",
    )
    @app_commands.autocomplete(id=claim_ids)
    async def revert(
        self,
        interaction: discord.Interaction,
        id: Id,
        version: app_commands.Range[int, 1, 1_000_000],
        reason: Reason | None = None,
    ) -> None:
        change = await self.desk.revert(id, version, editor_of(interaction), reason=reason)
        await saved(interaction, change)

    # -- topics, suggestions, files ---------------------------------------------------------

    @app_commands.command(name="topic", description="Edit a topic's title and summary")
    @app_commands.describe(topic="The topic")
    @app_commands.autocomplete(topic=topic_slugs)
    async def topic(self, interaction: discord.Interaction, topic: Short) -> None:
        await interaction.response.send_modal(TopicForm(await self.desk.topic(topic)))

    @app_commands.command(
        name="pin", description="Make a claim one of its topic's key claims (up to 3)"
    )
    @app_commands.describe(id="The claim (start typing)")
    @app_commands.autocomplete(id=claim_ids)
    async def pin(self, interaction: discord.Interaction, id: Id) -> None:
        before, after = await self.desk.pin(id, editor_of(interaction))
        await private(interaction, topic_change_card(before, after))

    @app_commands.command(
        name="unpin", description="Stop showing a claim among its topic's key claims"
    )
    @app_commands.describe(id="The claim (start typing)")
    @app_commands.autocomplete(id=claim_ids)
    async def unpin(self, interaction: discord.Interaction, id: Id) -> None:
        before, after = await self.desk.unpin(id, editor_of(interaction))
        await private(interaction, topic_change_card(before, after))

    @app_commands.command(
        name="translate", description="Translate a claim's statement (opens a form)"
    )
    @app_commands.describe(id="The claim (start typing)", language="Which language")
    @app_commands.choices(language=LANGUAGES)
    @app_commands.autocomplete(id=claim_ids)
    async def translate(
        self, interaction: discord.Interaction, id: Id, language: app_commands.Choice[str]
    ) -> None:
        claim = await self.desk.claim(id)
        await interaction.response.send_modal(TranslateClaimForm(claim, language.value))

    @app_commands.command(
        name="translate-topic", description="Translate a topic's title and summary (opens a form)"
    )
    @app_commands.describe(topic="The topic", language="Which language")
    @app_commands.choices(language=LANGUAGES)
    @app_commands.autocomplete(topic=topic_slugs)
    async def translate_topic(
        self, interaction: discord.Interaction, topic: Short, language: app_commands.Choice[str]
    ) -> None:
        opened = await self.desk.topic(topic)
        await interaction.response.send_modal(TranslateTopicForm(opened, language.value))

    @app_commands.command(name="queue", description="Suggested corrections waiting for review")
    async def queue(self, interaction: discord.Interaction) -> None:
        card, view = await queue_answer(interaction, 0)
        await private(interaction, card, view)

    @app_commands.command(name="export", description="The whole briefing as a file")
    @app_commands.describe(format="YAML (as data/briefing.yaml), JSON, or ClaimReview JSON-LD")
    async def export(
        self,
        interaction: discord.Interaction,
        format: Literal["yaml", "json", "claimreview"] = "yaml",
    ) -> None:
        await export_answer(interaction, format)

    @app_commands.command(name="import", description="Check a briefing file, then apply it")
    @app_commands.describe(
        file="A briefing file (YAML or JSON, as /facts export writes)",
        apply="Apply it (otherwise only show what would change)",
    )
    async def import_(
        self, interaction: discord.Interaction, file: discord.Attachment, apply: bool = False
    ) -> None:
        await import_answer(interaction, file, apply=apply)


async def _not_editor(interaction: discord.Interaction) -> bool:
    """Autocomplete shows nothing to those who may not edit (and cannot answer an error)."""
    return await editor_refusal(interaction) is not None


async def setup(bot: commands.Bot) -> None:
    settings = briefed(bot).settings
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    if not settings.home_guild_ids:
        log.warning(
            "editing is off: no BRIEFING_HOME_GUILD_IDS, so /facts is not registered anywhere"
        )
        return
    guilds = [discord.Object(g) for g in settings.home_guild_ids]
    await bot.add_cog(Facts(bot), guilds=guilds)
