"""Telling people about suggestions: the editors' channel when one arrives, the member by DM
when it is handled. Either may be unreachable; the suggestion is stored all the same."""

from __future__ import annotations

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


async def announce_suggestion(client: discord.Client, correction: Correction) -> None:
    """Post a new suggestion in BRIEFING_EDITOR_CHANNEL_ID, when one is set."""
    channel_id = briefed(client).settings.editor_channel_id
    if channel_id is None:
        return
    claim = await briefed(client).desk.claim_or_none(correction.claim_id)
    embed = to_embed(correction_card(correction, claim))
    try:
        channel = client.get_channel(channel_id) or await client.fetch_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            raise TypeError(f"channel {channel_id} cannot take messages")
        await channel.send("New suggestion for `/facts queue`:", embed=embed)
    except (*UNREACHABLE, TypeError) as exc:
        log.warning(
            "could not announce suggestion #%s in the editors' channel: %r", correction.id, exc
        )


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
