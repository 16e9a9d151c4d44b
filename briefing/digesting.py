"""The digest desk: subscribing channels, and what a channel's digest holds for a slot.

What goes out and when is decided here, over the store; posting it is the digests cog's
business (the core knows no Discord). The ledger calls pass through so that the cog never
touches the store itself.
"""

from __future__ import annotations

import datetime as dt
import re

from pydantic import ValidationError

from briefing.digest import STALE_AFTER, Digest, compose
from briefing.errors import InvalidInput
from briefing.models import Claim
from briefing.store import Store
from briefing.subscriptions import Delivery, Frequency, Schedule, Subscription
from briefing.typed import readable, topic_key

CHANGES_MAX = 500  # revisions read for one digest; the marker moves past exactly these
STALE_MAX = 200
_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


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
    def __init__(self, store: Store) -> None:
        self.store = store

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

    # -- the ledger, for the cog that posts ----------------------------------------------

    async def claim_slot(
        self, subscription_id: int, slot: dt.datetime, *, owner: str
    ) -> Delivery | None:
        return await self.store.claim_slot(
            subscription_id, slot, owner=owner, stale_after=dt.timedelta(minutes=10)
        )

    async def delivered(
        self, subscription_id: int, slot: dt.datetime, message_ids: list[int], marker: int
    ) -> None:
        await self.store.delivered(subscription_id, slot, message_ids, marker)

    async def skipped(self, subscription_id: int, slot: dt.datetime, reason: str) -> None:
        await self.store.skipped(subscription_id, slot, reason)

    async def failed(self, subscription_id: int, slot: dt.datetime, error: str) -> None:
        await self.store.failed(subscription_id, slot, error)

    async def pause(self, subscription_id: int, reason: str) -> Subscription | None:
        return await self.store.pause(subscription_id, reason)
