"""The editors' forms (Discord modals): add a claim, edit one, edit a topic, reject a
suggestion; and the members' form to suggest a correction.

A form remembers what it was opened on (the claim's version, the suggestion), so a save
based on an old version is refused by the desk with who changed it and when. Every submit
checks again who sent it: a form is an interaction of its own.
"""

from __future__ import annotations

from typing import Any

import discord

from briefing.editorial import Change, ClaimText
from briefing.i18n import EN, Words
from briefing.models import MAX_CORRECTION, MAX_STATEMENT, Actor, Claim, Topic
from briefing.render.history import topic_change_card
from cogs._bot import briefed
from cogs._desk import editor_of, private, require_editor, saved
from cogs._errors import report
from cogs._notify import announce_suggestion, settle_and_tell

FORM_TIMEOUT = 3600.0  # an editor may take a while to write; Discord keeps a form open


def _input(
    label: str,
    *,
    default: str | None = None,
    long: bool = False,
    required: bool = True,
    max_length: int = 100,
    placeholder: str | None = None,
) -> discord.ui.TextInput[Any]:
    return discord.ui.TextInput(
        label=label,
        style=discord.TextStyle.paragraph if long else discord.TextStyle.short,
        default=default,
        required=required,
        max_length=max_length,
        placeholder=placeholder,
    )


class _Form(discord.ui.Modal):
    """A form whose errors reach the member like any command's."""

    # Modal's own on_error takes no item (the stubs inherit View's).
    async def on_error(  # type: ignore[override]
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        await report(interaction, error)


class AddClaimForm(_Form, title="Add a claim"):
    def __init__(self, topic: str, actor: Actor) -> None:
        super().__init__(timeout=FORM_TIMEOUT)
        self.topic, self.actor = topic, actor
        self.claim_id = _input("Id (lowercase-words-with-dashes)", max_length=64)
        self.statement = _input(
            "Statement (as the party asserts it)", long=True, max_length=MAX_STATEMENT
        )
        self.said_on = _input("When they said it (e.g. 2025-04-28)", required=False, max_length=40)
        self.quote = _input(
            "Their words, quoted (optional)", long=True, required=False, max_length=300
        )
        self.source = _input("Source link (https://…, optional)", required=False, max_length=500)
        for item in (self.claim_id, self.statement, self.said_on, self.quote, self.source):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        await require_editor(interaction)
        change = await briefed(interaction.client).desk.add(
            self.claim_id.value,
            ClaimText(statement=self.statement.value, topic=self.topic),
            self.actor,
            editor_of(interaction),
            said_on=self.said_on.value,
            quote=self.quote.value,
            source_url=self.source.value,
        )
        await saved(interaction, change)


class EditClaimForm(_Form, title="Edit a claim"):
    """Prefilled with the claim as it was when opened; saves over that version only."""

    def __init__(self, claim: Claim, *, correction_id: int | None = None) -> None:
        super().__init__(timeout=FORM_TIMEOUT)
        self.claim_id, self.based_on, self.correction_id = claim.id, claim.version, correction_id
        figure = claim.figure
        figure_text = (
            f"{figure.low}-{figure.high} {figure.unit}"
            if figure and figure.low != figure.high
            else f"{figure.low} {figure.unit}"
            if figure
            else None
        )
        self.statement = _input(
            "Statement", default=claim.statement, long=True, max_length=MAX_STATEMENT
        )
        self.topic = _input("Topic", default=claim.topic, max_length=24)
        self.event_date = _input(
            "When it happened (only if a source says)",
            default=claim.event_date.text() if claim.event_date else None,
            required=False,
            max_length=40,
        )
        self.figure = _input(
            "Figure (e.g. 10000-12000 troops)", default=figure_text, required=False, max_length=100
        )
        default_reason = f"suggestion #{correction_id}" if correction_id else None
        self.reason = _input(
            "Why (kept in the history)", default=default_reason, required=False, max_length=300
        )
        for item in (self.statement, self.topic, self.event_date, self.figure, self.reason):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        await require_editor(interaction)
        bot = briefed(interaction.client)
        text = ClaimText(
            statement=self.statement.value,
            topic=self.topic.value,
            event_date=self.event_date.value,
            figure=self.figure.value,
        )
        change = await bot.desk.edit(
            self.claim_id,
            text,
            editor_of(interaction),
            based_on=self.based_on,
            reason=self.reason.value,
        )
        await saved(interaction, change)
        if self.correction_id is not None:
            await settle_and_tell(interaction, self.correction_id, "accepted", None)


class TopicForm(_Form, title="Edit a topic"):
    def __init__(self, topic: Topic) -> None:
        super().__init__(timeout=FORM_TIMEOUT)
        self.slug, self.opened = topic.slug, topic
        self.topic_title = _input("Title", default=topic.title, max_length=100)
        self.summary = _input(
            "Summary (1–2 sentences)", default=topic.summary, long=True, max_length=400
        )
        self.reason = _input("Why (kept in the history)", required=False, max_length=300)
        for item in (self.topic_title, self.summary, self.reason):
            self.add_item(item)

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        await require_editor(interaction)
        before, after = await briefed(interaction.client).desk.edit_topic(
            self.slug,
            editor_of(interaction),
            title=self.topic_title.value,
            summary=self.summary.value,
            reason=self.reason.value,
            based_on=self.opened,
        )
        await private(interaction, topic_change_card(before, after))


class RejectForm(_Form, title="Reject a suggestion"):
    def __init__(self, correction_id: int) -> None:
        super().__init__(timeout=FORM_TIMEOUT)
        self.correction_id = correction_id
        self.reason = _input(
            "Why (the member is told)", long=True, max_length=300, placeholder="The source says…"
        )
        self.add_item(self.reason)

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        await require_editor(interaction)
        await settle_and_tell(interaction, self.correction_id, "rejected", self.reason.value)


class SuggestForm(_Form, title="Suggest a correction"):
    """Open to every member: what is wrong with a claim, and a link that shows it. In the
    member's language, as the answer it came from."""

    def __init__(self, claim_id: str, w: Words = EN) -> None:
        super().__init__(timeout=FORM_TIMEOUT, title=w("suggest.title"))
        self.claim_id = claim_id
        self.w = w
        self.what = _input(
            w("suggest.what"),
            long=True,
            max_length=MAX_CORRECTION,
            placeholder=w("suggest.what_placeholder"),
        )
        self.source = _input(w("suggest.source"), required=False, max_length=500)
        self.add_item(self.what)
        self.add_item(self.source)

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        correction = await briefed(interaction.client).desk.suggest(
            self.claim_id, self.what.value, self.source.value, editor_of(interaction)
        )
        await interaction.response.send_message(self.w("suggest.thanks"), ephemeral=True)
        await announce_suggestion(interaction.client, correction)


class TranslateClaimForm(_Form, title="Translate a claim"):
    """A claim's statement in one language, under the English it translates. Saving marks
    it reviewed; saving it empty removes it (answers then show the English, saying so)."""

    def __init__(self, claim: Claim, lang: str) -> None:
        super().__init__(timeout=FORM_TIMEOUT, title=f"Translate ({lang}): {claim.id}"[:45])
        self.claim_id, self.lang, self.version = claim.id, lang, claim.version
        current = claim.statement_in(lang)
        self.english = _input(
            "English (for reference; not saved)",
            default=claim.statement,
            long=True,
            required=False,
            max_length=MAX_STATEMENT,
        )
        self.statement = _input(
            f"Statement ({lang}); empty removes it",
            default=current.statement if current else None,
            long=True,
            required=False,
            max_length=MAX_STATEMENT,
        )
        self.add_item(self.english)
        self.add_item(self.statement)

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        await require_editor(interaction)
        before, after = await briefed(interaction.client).desk.translate_claim(
            self.claim_id,
            self.lang,
            self.statement.value,
            editor_of(interaction),
            based_on=self.version,
        )
        await saved(interaction, Change(before, after, "update"))


class TranslateTopicForm(_Form, title="Translate a topic"):
    def __init__(self, topic: Topic, lang: str) -> None:
        super().__init__(timeout=FORM_TIMEOUT, title=f"Translate ({lang}): {topic.slug}"[:45])
        self.slug, self.lang = topic.slug, lang
        current = topic.text(lang)
        self.topic_title = _input(
            f"Title ({lang})", default=current.title if current else None, max_length=100
        )
        self.summary = _input(
            f"Summary ({lang})",
            default=current.summary if current else None,
            long=True,
            max_length=400,
        )
        self.add_item(self.topic_title)
        self.add_item(self.summary)

    async def on_submit(self, interaction: discord.Interaction, /) -> None:
        await require_editor(interaction)
        before, after = await briefed(interaction.client).desk.translate_topic(
            self.slug,
            self.lang,
            self.topic_title.value,
            self.summary.value,
            editor_of(interaction),
        )
        await private(interaction, topic_change_card(before, after))
