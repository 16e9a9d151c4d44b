"""Page buttons that only the member who asked can press.

The state lives in the button's custom id (owner, target page, replayable query), so the
buttons keep working after a restart and the bot keeps nothing per message.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from briefing.answers import Answers, Page, Query
from cogs._embeds import to_embed
from cogs._errors import report, tell
from cogs._reply import Answer, reply

if TYPE_CHECKING:
    from bot import BriefingBot

CUSTOM_ID_MAX = 100


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if number == 0:
            return out


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"p(?P<dir>[<>]):(?P<owner>[0-9a-z]+):(?P<page>\d+):(?P<key>.*)",
):
    def __init__(self, direction: str, owner: int, page: int, key: str, *, disabled: bool) -> None:
        self.owner, self.page, self.key = owner, page, key
        custom_id = f"p{direction}:{_b36(owner)}:{page}:{key}"
        if len(custom_id) > CUSTOM_ID_MAX:  # Query.key() is bounded so this cannot happen
            raise ValueError("page button custom id too long")
        super().__init__(
            discord.ui.Button(
                label="◀ Previous" if direction == "<" else "Next ▶",
                style=discord.ButtonStyle.secondary,
                custom_id=custom_id,
                disabled=disabled,
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Button[Any],
        match: re.Match[str],
    ) -> PageButton:
        return cls(
            match["dir"], int(match["owner"], 36), int(match["page"]), match["key"], disabled=False
        )

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner:
            await tell(
                interaction,
                f"Only <@{self.owner}> can turn these pages. Run the command yourself to browse.",
            )
            return False
        return True

    async def callback(self, interaction: discord.Interaction) -> None:
        bot: BriefingBot = interaction.client  # type: ignore[assignment]
        try:
            query = Query.from_key(self.key)
            page = await bot.answers.page(query, self.page)
            await interaction.response.edit_message(
                embed=to_embed(page.card), view=pager(page, self.owner, query)
            )
        except Exception as error:
            await report(interaction, error)


def pager(page: Page, owner: int, query: Query) -> discord.ui.View | None:
    """Previous/Next buttons for a multi-page answer; None when it fits one page."""
    if page.pages <= 1:
        return None
    view = discord.ui.View(timeout=None)
    key = query.key()
    view.add_item(PageButton("<", owner, max(page.number - 1, 1), key, disabled=page.number == 1))
    view.add_item(
        PageButton(
            ">", owner, min(page.number + 1, page.pages), key, disabled=page.number == page.pages
        )
    )
    return view


async def send_query(interaction: discord.Interaction, answers: Answers, query: Query) -> None:
    """Answer with the first page of `query`, and buttons for the rest when there are more."""

    async def build() -> Answer:
        page = await answers.page(query)
        return Answer(to_embed(page.card), pager(page, interaction.user.id, query))

    await reply(interaction, build())
