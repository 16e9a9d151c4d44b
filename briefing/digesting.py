"""The digest desk: subscribing channels, what a channel's digest holds for a slot, and
delivering a slot exactly once.

What goes out and when is decided here, over the store; the one Discord call, posting the
messages, is the caller's (`Post`, given by the digests cog: the core knows no Discord).

`deliver` keeps this order, which is what makes a slot go out once, even across a crash or
two processes on one database: claim the slot in the ledger (only one claimant wins) →
compose → post → record it sent and move the channel's marker, together. A crash after the
post and before the record leaves the claim pending; whoever takes it over posts again with
the same nonce (`slot_nonce`), which Discord drops as a repeat.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from pydantic import ValidationError

from briefing import owners
from briefing.digest import STALE_AFTER, Digest, compose
from briefing.errors import InvalidInput
from briefing.models import Claim
from briefing.render.cards import Card
from briefing.render.digest import digest_messages
from briefing.store import Store
from briefing.store.digests import MAX_ATTEMPTS
from briefing.subscriptions import Delivery, Frequency, Schedule, Subscription
from briefing.typed import readable, topic_key

log = logging.getLogger(__name__)

CHANGES_MAX = 500  # revisions read for one digest; the marker moves past exactly these
STALE_MAX = 200
_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
# A claim older than this is taken over even if its owner may be alive (on another machine,
# say): far longer than one slot's posting takes, retries included.
STALE_CLAIM = dt.timedelta(minutes=10)
RETRY_AFTER = dt.timedelta(minutes=2)  # a failed attempt is tried again this much later

Clock = Callable[[], dt.datetime]
Outcome = Literal["sent", "skipped", "done", "busy", "paused", "failed"]


class ChannelGone(Exception):
    """Raised by a `Post`: the channel takes no posts from the bot any more (403, 404, no
    longer a text channel). The subscription is paused with this reason."""


class PostFailed(Exception):
    """Raised by a `Post`: Discord kept failing (5xx, timeouts) through the post's own
    retries. The attempt is recorded, and the slot is tried again later within its grace."""


# Post a slot's messages in the subscription's channel; the ids of the messages posted.
Post = Callable[[Subscription, dt.datetime, list[list[Card]]], Awaitable[list[int]]]


@dataclass(frozen=True)
class Result:
    """What became of one slot: `sent`; `skipped` (nothing changed, or unsubscribed);
    `done` (already sent or given up); `busy` (another claimant is on it); `paused` (the
    channel is gone: `detail` says why); `failed` (`detail`; `retry_at` says when to try
    again, if it should be)."""

    outcome: Outcome
    detail: str = ""
    retry_at: dt.datetime | None = None
    message_ids: tuple[int, ...] = ()


def digest_title(slot: dt.datetime) -> str:
    return f"Briefing digest · {slot.astimezone(dt.UTC):%d %B %Y, %H:%M} UTC"


def schedule_of(frequency: Frequency, at: str, timezone: str, weekday: int = 0) -> Schedule:
    """A schedule from what an admin typed; a clear refusal for `25:00` or `Mars/Base`."""
    if not _TIME.fullmatch(at.strip()):
        raise InvalidInput(f"`{at[:20]}` is not a time of day: write it as HH:MM, 00:00 to 23:59.")
    hour, minute = (int(p) for p in at.strip().split(":"))
    try:
        return Schedule(
            frequency=frequency,
            at=dt.time(hour, minute),
            timezone=timezone.strip(),
            weekday=weekday,
        )
    except ValidationError as exc:
        raise readable(exc) from None


def topics_of(typed: str | None) -> tuple[str, ...]:
    """`troops, kursk` → ("troops", "kursk"); nothing typed → every topic."""
    if not typed or not typed.strip():
        return ()
    return tuple(topic_key(t) for t in re.split(r"[,\s]+", typed.strip()) if t)


class DigestDesk:
    def __init__(
        self,
        store: Store,
        *,
        owner: str | None = None,
        clock: Clock = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.store = store
        self.owner = owner or owners.this_process()
        self._clock = clock

    async def subscribe(
        self,
        guild_id: int,
        channel_id: int,
        schedule: Schedule,
        *,
        topics: tuple[str, ...],
        only_when_changed: bool,
        by: int,
    ) -> Subscription:
        return await self.store.subscribe(
            guild_id,
            channel_id,
            schedule,
            topics=topics,
            only_when_changed=only_when_changed,
            created_by=by,
        )

    async def unsubscribe(self, channel_id: int) -> bool:
        return await self.store.unsubscribe(channel_id)

    async def subscriptions(self, guild_id: int | None = None) -> list[Subscription]:
        return await self.store.subscriptions(guild_id)

    async def subscription(self, channel_id: int) -> Subscription | None:
        return await self.store.subscription(channel_id)

    async def subscription_by_id(self, subscription_id: int) -> Subscription | None:
        return await self.store.subscription_by_id(subscription_id)

    async def last_delivery(self, subscription_id: int) -> Delivery | None:
        return await self.store.last_delivery(subscription_id)

    async def delivery(self, subscription_id: int, slot: dt.datetime) -> Delivery | None:
        return await self.store.delivery(subscription_id, slot)

    async def last_handled_slot(self, subscription_id: int) -> dt.datetime | None:
        return await self.store.last_handled_slot(subscription_id)

    async def digest(self, subscription: Subscription, now: dt.datetime) -> tuple[Digest, int]:
        """What the channel's digest says now, and the marker it moves the channel to."""
        topics = subscription.topics
        disputed: list[Claim] = []
        for topic in topics or (None,):
            disputed += await self.store.list_claims(topic=topic, statuses=["disputed"])
        changes = await self.store.revisions_after(
            subscription.marker, topics=topics, limit=CHANGES_MAX
        )
        changed_ids = sorted({r.claim_id for r in changes})
        claims_by_id = {c.id: c for c in [await self.store.get_claim(i) for i in changed_ids]}
        stale = await self.store.stale_claims(now - STALE_AFTER, topics=topics, limit=STALE_MAX)
        last = await self.store.last_delivery(subscription.id)
        digest = compose(
            disputed,
            changes,
            claims_by_id,
            stale,
            since=last.slot if last else None,
            now=now,
            topics=topics,
        )
        marker = changes[-1].id if changes else subscription.marker
        return digest, marker

    async def topic_titles(self) -> dict[str, str]:
        return {t.slug: t.title for t in await self.store.list_topics()}

    async def messages(self, digest: Digest, slot: dt.datetime) -> list[list[Card]]:
        """The digest as it is posted for `slot` (and previewed)."""
        return digest_messages(
            digest, title=digest_title(slot), topic_titles=await self.topic_titles()
        )

    # -- delivering a slot ------------------------------------------------------------------

    async def deliver(
        self,
        subscription_id: int,
        slot: dt.datetime,
        post: Post,
        *,
        skipped: list[dt.datetime] | None = None,
    ) -> Result:
        """Deliver one slot of one subscription, once (see the module's docstring)."""
        store = self.store
        for old in skipped or ():
            await store.skipped(subscription_id, old, "superseded by a later slot")
        claim = await store.claim_slot(
            subscription_id,
            slot,
            owner=self.owner,
            stale_after=STALE_CLAIM,
            gone=owners.is_gone,
        )
        if claim is None:
            return await self._not_ours(subscription_id, slot)
        subscription = await store.subscription_by_id(subscription_id)
        if subscription is None or subscription.state != "active":
            await store.skipped(subscription_id, slot, "unsubscribed or paused")
            return Result("skipped", "unsubscribed or paused")
        digest, marker = await self.digest(subscription, self._clock())
        if subscription.only_when_changed and not digest.has_changes:
            await store.skipped(subscription_id, slot, "nothing changed")
            return Result("skipped", "nothing changed since the last digest")
        messages = await self.messages(digest, slot)
        try:
            ids = await post(subscription, slot, messages)
        except ChannelGone as exc:
            reason = str(exc)
            await store.failed(subscription_id, slot, reason, owner=self.owner)
            await store.pause(subscription_id, reason)
            return Result("paused", reason)
        except PostFailed as exc:
            await store.failed(subscription_id, slot, str(exc), owner=self.owner)
            again = self._clock() + RETRY_AFTER if claim.attempts < MAX_ATTEMPTS else None
            return Result("failed", str(exc), retry_at=again)
        except asyncio.CancelledError:
            # Shutting down: the claim stays pending (the store may be closing); the next
            # process sees this one gone and takes the slot over.
            raise
        except Exception as exc:  # a bug: recorded, then raised for its traceback
            await store.failed(subscription_id, slot, repr(exc), owner=self.owner)
            raise
        await store.delivered(subscription_id, slot, ids, marker)
        return Result("sent", message_ids=tuple(ids))

    async def _not_ours(self, subscription_id: int, slot: dt.datetime) -> Result:
        """Why a claim was refused: the slot is done or given up, or someone is on it."""
        found = await self.store.delivery(subscription_id, slot)
        if found is None:
            return Result("done", "unsubscribed")
        if found.state in ("sent", "skipped"):
            return Result("done", found.state)
        if found.attempts >= MAX_ATTEMPTS:
            return Result("done", f"given up after {found.attempts} attempts")
        # Pending: another claimant is posting; look again once its claim could be taken
        # over. Failed a moment ago (released between our claim and this read): soon.
        soon = self._clock() + RETRY_AFTER
        if found.state == "pending" and found.claimed_at is not None:
            return Result(
                "busy", "being delivered", retry_at=max(found.claimed_at + STALE_CLAIM, soon)
            )
        return Result("busy", "being delivered", retry_at=soon)
