"""Page buttons that only the member who asked can press.

The state lives in the button's custom id (target page, replayable query), so the buttons
keep working after a restart and the bot keeps nothing per message. Who asked is not in
the id: Discord names them in the answer message's interaction metadata, which comes with
every press. So every answer showing the same page carries the same buttons.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from briefing.answers import Paging
from briefing.i18n import EN, Words, words
from briefing.queries import Query
from cogs._bot import briefed, member_locale
from cogs._checks import page_turn_refusal
from cogs._errors import report, tell

CUSTOM_ID_MAX = 100
_LABELS = {"<": "page.previous", ">": "page.next"}


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"p(?P<dir>[<>]):(?P<page>\d+):(?P<key>.*)",
):
    def __init__(self, direction: str, page: int, key: str, *, disabled: bool) -> None:
        self.page, self.key = page, key
        super().__init__(_page_button(direction, page, key, disabled, EN))

    @staticmethod
    def custom_id_for(direction: str, page: int, key: str) -> str:
        custom_id = f"p{direction}:{page}:{key}"
        if len(custom_id) > CUSTOM_ID_MAX:  # Query.key() is bounded so this cannot happen
            raise ValueError("page button custom id too long")
        return custom_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
    ) -> PageButton:
        return cls(match["dir"], int(match["page"]), match["key"], disabled=False)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        refusal = page_turn_refusal(interaction, words(member_locale(interaction)))
        if refusal is not None:
            await tell(interaction, refusal)
        return refusal is None

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            query = Query.from_key(self.key)
            answers = briefed(interaction.client).answers
            page = await answers.page(query, self.page, member_locale(interaction))
            await interaction.response.edit_message(embed=page.sent.embed, view=page.sent.view)
        except Exception as error:
            await report(interaction, error)


def page_buttons(paging: Paging | None, w: Words = EN) -> discord.ui.View | None:
    """Previous/Next buttons for a page of a multi-page answer; None when it fits one page.

    The view is stopped before it is ever sent, so discord.py keeps nothing per message (and
    sends it as it is); presses are answered by `PageButton`, registered once as a dynamic
    item. One view serves every message that shows the page.
    """
    if paging is None or paging.pages <= 1:
        return None
    number, pages = paging.number, paging.pages
    view = discord.ui.View(timeout=None)
    view.add_item(_page_button("<", max(number - 1, 1), paging.key, number == 1, w))
    view.add_item(_page_button(">", min(number + 1, pages), paging.key, number == pages, w))
    view.stop()
    return view


def _page_button(
    direction: str, page: int, key: str, disabled: bool, w: Words
) -> discord.ui.Button[Any]:
    return discord.ui.Button(
        label=w(_LABELS[direction]),
        style=discord.ButtonStyle.secondary,
        custom_id=PageButton.custom_id_for(direction, page, key),
        disabled=disabled,
    )
