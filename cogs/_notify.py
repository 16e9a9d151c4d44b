"""Telling people about suggestions: the editors' channel when one arrives, the member by DM
when it is handled. Either may be unreachable; the suggestion is stored all the same."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import discord

from briefing.models import Correction, CorrectionStatus
from briefing.render.cards import Card
from briefing.render.corrections import correction_card, outcome_text
from cogs._bot import briefed
from cogs._desk import editor_of, private
from cogs._embeds import to_embed

log = logging.getLogger(__name__)
UNREACHABLE = (discord.HTTPException, aiohttp.ClientError, TimeoutError)


async def to_editors(
    client: discord.Client, what: str, text: str, *, embed: discord.Embed | None = None,
    timeout: float = 10.0,  # noqa: ASYNC109
) -> None:  # fmt: skip
    """Post in BRIEFING_EDITOR_CHANNEL_ID, when one is set; a channel that is gone, refuses
    or hangs (bounded by `timeout`) is logged as `what` could not be posted, never raised."""
    channel_id = briefed(client).settings.editor_channel_id
    if channel_id is None:
        return
    try:
        async with asyncio.timeout(timeout):
            channel = client.get_channel(channel_id) or await client.fetch_channel(channel_id)
            if not isinstance(channel, discord.abc.Messageable):
                raise TypeError(f"channel {channel_id} cannot take messages")
            await channel.send(text, embeds=[embed] if embed else [])
    except (*UNREACHABLE, TypeError) as exc:
        log.warning("could not post %s in the editors' channel: %r", what, exc)


async def announce_suggestion(client: discord.Client, correction: Correction) -> None:
    """Post a new suggestion in the editors' channel, when one is set."""
    if briefed(client).settings.editor_channel_id is None:
        return
    claim = await briefed(client).desk.claim_or_none(correction.claim_id)
    embed = to_embed(correction_card(correction, claim))
    text = "New suggestion for `/facts queue`:"
    await to_editors(client, f"suggestion #{correction.id}", text, embed=embed)


async def tell_member(client: discord.Client, correction: Correction) -> bool:
    """DM the member what became of their suggestion; False when they cannot be reached."""
    try:
        user = client.get_user(correction.author_id) or await client.fetch_user(
            correction.author_id
        )
        await user.send(outcome_text(correction))
        return True
    except UNREACHABLE as exc:
        log.info("could not DM the author of suggestion #%s: %r", correction.id, exc)
        return False


async def settle_and_tell(
    interaction: discord.Interaction,
    correction_id: int,
    status: CorrectionStatus,
    reason: str | None,
) -> None:
    """Record the decision, tell the member, and tell the editor whether the DM arrived."""
    bot = briefed(interaction.client)
    correction = await bot.desk.settle(correction_id, status, editor_of(interaction), reason=reason)
    reached = await tell_member(interaction.client, correction)
    told = (
        "The member was told by DM."
        if reached
        else "The member could not be reached by DM (their DMs are closed)."
    )
    await private(
        interaction, Card(title=f"Suggestion #{correction_id} {status}", description=told)
    )
