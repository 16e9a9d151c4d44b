"""Page buttons that only the member who asked can press.

The state lives in the button's custom id (target page, replayable query), so the buttons
keep working after a restart and the bot keeps nothing per message. Who asked is not in
the id: Discord names them in the answer message's interaction metadata, which comes with
every press. So every answer showing the same page carries the same buttons, built once.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import discord

from briefing.answers import Answers, Page, Query
from cogs._embeds import to_embed
from cogs._errors import report, tell
from cogs._reply import Answer, reply

if TYPE_CHECKING:
    from bot import BriefingBot

CUSTOM_ID_MAX = 100
_LABELS = {"<": "◀ Previous", ">": "Next ▶"}


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"p(?P<dir>[<>]):(?P<page>\d+):(?P<key>.*)",
):
    def __init__(self, direction: str, page: int, key: str, *, disabled: bool) -> None:
        self.page, self.key = page, key
        super().__init__(_page_button(direction, page, key, disabled))

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
        item: discord.ui.Button[Any],
        match: re.Match[str],
    ) -> PageButton:
        return cls(match["dir"], int(match["page"]), match["key"], disabled=False)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        asker = _asker(interaction)
        if asker is None:
            await tell(
                interaction,
                "Discord did not say who asked for this answer, so its pages stay as they "
                "are. Run the command yourself to browse.",
            )
            return False
        if interaction.user.id != asker:
            await tell(
                interaction,
                f"Only <@{asker}> can turn these pages. Run the command yourself to browse.",
            )
            return False
        return True

    async def callback(self, interaction: discord.Interaction) -> None:
        bot: BriefingBot = interaction.client  # type: ignore[assignment]
        try:
            query = Query.from_key(self.key)
            page = await bot.answers.page(query, self.page)
            await interaction.response.edit_message(
                embed=to_embed(page.card), view=pager(page, query)
            )
        except Exception as error:
            await report(interaction, error)


def _asker(interaction: discord.Interaction) -> int | None:
    """Who ran the command whose answer holds the pressed button, as Discord reports it."""
    message = interaction.message
    metadata = message.interaction_metadata if message is not None else None
    return metadata.user.id if metadata is not None else None


def pager(page: Page, query: Query) -> discord.ui.View | None:
    """Previous/Next buttons for a multi-page answer; None when it fits one page."""
    if page.pages <= 1:
        return None
    return _buttons(query.key(), page.number, page.pages)


# One view per page of an answer, shared by every message that shows it: building one costs
# more than a cached answer does. It is stopped before it is ever sent, so discord.py keeps
# nothing per message (and sends it as it is); presses are answered by `PageButton`,
# registered once as a dynamic item.
@lru_cache(maxsize=1024)
def _buttons(key: str, number: int, pages: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(_page_button("<", max(number - 1, 1), key, number == 1))
    view.add_item(_page_button(">", min(number + 1, pages), key, number == pages))
    view.stop()
    return view


def _page_button(direction: str, page: int, key: str, disabled: bool) -> discord.ui.Button[Any]:
    return discord.ui.Button(
        label=_LABELS[direction],
        style=discord.ButtonStyle.secondary,
        custom_id=PageButton.custom_id_for(direction, page, key),
        disabled=disabled,
    )


async def send_query(interaction: discord.Interaction, answers: Answers, query: Query) -> None:
    """Answer with the first page of `query`, and buttons for the rest when there are more."""

    async def build() -> Answer:
        page = await answers.page(query)
        return Answer(to_embed(page.card), pager(page, query))

    await reply(interaction, build())
