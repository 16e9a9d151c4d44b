"""Buttons of the editorial desk. Their state is in the custom id, so they keep working
after a restart; who may press them is checked at every press.

- "Suggest a correction" on `/claim`: any member.
- The corrections queue's Accept / Reject / Next, and history's pages: editors only.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import discord

from briefing.errors import Conflict
from briefing.i18n import EN, Words, words
from briefing.render.cards import Card
from briefing.render.corrections import correction_card, empty_queue_card
from briefing.render.history import history_page
from cogs._bot import briefed, member_locale
from cogs._desk import require_editor
from cogs._embeds import to_embed
from cogs._errors import report
from cogs._forms import EditClaimForm, RejectForm, SuggestForm
from cogs._notify import settle_and_tell


class _Button(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"(?!)"):
    """Errors in a press reach the member like any command's."""

    async def run(self, interaction: discord.Interaction) -> None:
        raise NotImplementedError

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self.run(interaction)
        except Exception as error:
            await report(interaction, error)


class SuggestButton(_Button, template=r"sg:(?P<claim>[a-z0-9-]{1,64})"):
    def __init__(self, claim_id: str, w: Words = EN) -> None:
        self.claim_id = claim_id
        super().__init__(
            discord.ui.Button(
                label=w("suggest.button"),
                emoji="✏️",
                style=discord.ButtonStyle.secondary,
                custom_id=f"sg:{claim_id}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> SuggestButton:
        return cls(match["claim"])

    async def run(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(
            SuggestForm(self.claim_id, words(member_locale(interaction)))
        )


def suggest_view(claim_id: str, w: Words = EN) -> discord.ui.View:
    """The button under every `/claim` answer; stopped, so discord.py keeps nothing per
    message (presses reach `SuggestButton`, registered once)."""
    view = discord.ui.View(timeout=None)
    view.add_item(SuggestButton(claim_id, w))
    view.stop()
    return view


class QueueButton(_Button, template=r"fq:(?P<act>[arn]):(?P<id>\d{1,12}):(?P<at>\d{1,6})"):
    """Accept (`a`), reject (`r`) or skip to the next (`n`) suggestion in the queue."""

    LABELS: ClassVar[dict[str, tuple[str, discord.ButtonStyle]]] = {
        "a": ("Accept: edit the claim", discord.ButtonStyle.success),
        "r": ("Reject", discord.ButtonStyle.danger),
        "n": ("Next ▶", discord.ButtonStyle.secondary),
    }

    def __init__(self, act: str, correction_id: int, at: int, *, disabled: bool = False) -> None:
        self.act, self.correction_id, self.at = act, correction_id, at
        label, style = self.LABELS[act]
        super().__init__(
            discord.ui.Button(
                label=label,
                style=style,
                custom_id=f"fq:{act}:{correction_id}:{at}",
                disabled=disabled,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> QueueButton:
        return cls(match["act"], int(match["id"]), int(match["at"]))

    async def run(self, interaction: discord.Interaction) -> None:
        await require_editor(interaction)
        desk = briefed(interaction.client).desk
        if self.act == "r":
            await interaction.response.send_modal(RejectForm(self.correction_id))
            return
        if self.act == "a":
            correction = await desk.correction(self.correction_id)
            if correction.status != "open":
                raise Conflict(
                    f"Suggestion #{correction.id} was already {correction.status} by "
                    f"{correction.handled_by_name or 'someone'}."
                )
            if correction.claim_id is None:  # about no one claim: nothing to edit
                await settle_and_tell(interaction, correction.id, "accepted", None)
                return
            claim = await desk.claim(correction.claim_id)
            await interaction.response.send_modal(
                EditClaimForm(claim, correction_id=self.correction_id)
            )
            return
        card, view = await queue_answer(interaction, self.at + 1)
        await interaction.response.edit_message(embed=to_embed(card), view=view)


async def queue_answer(
    interaction: discord.Interaction, at: int
) -> tuple[Card, discord.ui.View | None]:
    """The queue's card at position `at` (wrapping to the start) and its buttons."""
    desk = briefed(interaction.client).desk
    correction, claim, at, total = await desk.queue_entry(at)
    if correction is None:
        return empty_queue_card(), None
    view = discord.ui.View(timeout=None)
    view.add_item(QueueButton("a", correction.id, at))
    view.add_item(QueueButton("r", correction.id, at))
    view.add_item(QueueButton("n", correction.id, at, disabled=total <= 1))
    view.stop()
    return correction_card(correction, claim, place=at + 1, total=total), view


class HistoryButton(_Button, template=r"fh:(?P<page>\d{1,4}):(?P<claim>[a-z0-9-]{1,64})"):
    def __init__(self, page: int, claim_id: str, label: str, *, disabled: bool) -> None:
        self.page, self.claim_id = page, claim_id
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"fh:{page}:{claim_id}",
                disabled=disabled,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> HistoryButton:
        return cls(int(match["page"]), match["claim"], "", disabled=False)

    async def run(self, interaction: discord.Interaction) -> None:
        await require_editor(interaction)
        card, view = await history_answer(interaction, self.claim_id, self.page)
        await interaction.response.edit_message(embed=to_embed(card), view=view)


async def history_answer(
    interaction: discord.Interaction, claim_id: str, page: int
) -> tuple[Card, discord.ui.View | None]:
    claim_id = claim_id.strip().lower()  # the custom ids below take the id as stored
    revisions = await briefed(interaction.client).desk.history(claim_id)
    card, pages = history_page(claim_id, revisions, page)
    if pages <= 1:
        return card, None
    page = min(max(page, 1), pages)
    view = discord.ui.View(timeout=None)
    view.add_item(HistoryButton(max(page - 1, 1), claim_id, "◀ Newer", disabled=page == 1))
    view.add_item(HistoryButton(min(page + 1, pages), claim_id, "Older ▶", disabled=page == pages))
    view.stop()
    return card, view


DYNAMIC_ITEMS = (SuggestButton, QueueButton, HistoryButton)
