"""Answering inside Discord's 3-second window, even when the answer is slow to build.

Discord drops an interaction that gets no response within 3 s of its creation. Most
answers take milliseconds, so they go out as one response. If building one runs close to
the deadline (a busy store, a late gateway delivery), the bot acknowledges with "thinking…"
first and replaces it with the answer when ready.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

import discord

RESPONSE_DEADLINE = 3.0
# Time kept for the acknowledgement itself to reach Discord.
SAFETY_MARGIN = 1.0
PENDING_KEY = "briefing_deferred_pending"


@dataclass(frozen=True)
class Reply:
    """What an answer is sent as: an embed, and page buttons when it has more pages."""

    embed: discord.Embed
    view: discord.ui.View | None = None


def seconds_left(interaction: discord.Interaction) -> float:
    # The id's top bits are its creation time in ms since Discord's epoch; plain arithmetic
    # instead of `created_at`'s datetimes, since every answer asks.
    created = ((interaction.id >> 22) + discord.utils.DISCORD_EPOCH) / 1000
    return RESPONSE_DEADLINE - (time.time() - created)


async def reply(interaction: discord.Interaction, build: Awaitable[Reply]) -> None:
    """Send `build`'s answer, deferring first if it is not ready in time.

    A timer, not a task race: the common fast answer costs one cancelled timer.
    """
    loop = asyncio.get_running_loop()
    deferral: asyncio.Task[Any] | None = None

    def defer() -> None:
        nonlocal deferral
        deferral = asyncio.ensure_future(interaction.response.defer(thinking=True))

    spare = seconds_left(interaction) - SAFETY_MARGIN
    timer: asyncio.TimerHandle | None = None
    if spare <= 0:
        # Already late (a slow gateway): acknowledge before building anything. A timer
        # would not fire in time, since a fast answer is built without yielding to it.
        await interaction.response.defer(thinking=True)
        interaction.extras[PENDING_KEY] = True
    else:
        timer = loop.call_later(spare, defer)
    try:
        answer = await build
    finally:
        if timer is not None:
            timer.cancel()
        if deferral is not None:
            await deferral  # settled before any answer or error goes out
            interaction.extras[PENDING_KEY] = True
    if interaction.extras.get(PENDING_KEY):
        await interaction.edit_original_response(embed=answer.embed, view=answer.view)
        # Only now: if the edit failed, the error handler still knows "thinking…" is pending.
        interaction.extras.pop(PENDING_KEY)
    elif answer.view is None:
        await interaction.response.send_message(embed=answer.embed)
    else:
        await interaction.response.send_message(embed=answer.embed, view=answer.view)
