"""Digest subscriptions and their delivery ledger (DESIGN.md §2, §5).

Nothing here moves the data version: subscriptions and ledger rows are not what answers show.

The ledger makes a slot's digest go out once, even with several processes on one database:
`claim_slot` decides in one `BEGIN IMMEDIATE` transaction who delivers a slot, and only the
winner posts. A claim is a row in state `pending` with its owner and the time it was made:

- no row yet: the caller wins (attempts 1);
- `sent` or `skipped`: the slot is done, nobody wins;
- `pending`, claimed less than `stale_after` ago by an owner that is not known to be gone:
  someone is delivering it, nobody else wins, whatever its owner (two tasks of one process
  share an owner, and must not both post);
- `pending` and stale, or claimed by an owner the caller knows is gone (`gone`, see
  `briefing.owners`: it died mid-delivery), or `failed` (its owner gave up after its
  retries within the slot): the caller takes it over (attempts + 1), unless the slot
  has been claimed `max_attempts` times already, when it is given up and nobody wins. The
  message nonce is the same on every attempt (`slot_nonce`), so Discord drops a second post
  of a slot whose earlier attempt did post before its owner died (within Discord's nonce
  window, a few minutes).

How long a slot may be retried at all is the scheduler's business: it asks only for slots
still within their grace (`schedule.due`), and `last_handled_slot` leaves failed and
unfinished slots out so that they are asked for again.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import aiosqlite

from briefing.errors import InvalidInput, NotFound
from briefing.models import STORED, Revision
from briefing.store.database import Database
from briefing.store.rows import iso, to_revision, utcnow
from briefing.subscriptions import (
    MAX_TOPICS,
    Delivery,
    Schedule,
    Subscription,
    slot_nonce,
)

MAX_ATTEMPTS = 3
MAX_ERROR = 500  # characters of an error or reason kept in the ledger

UPSERT_SUBSCRIPTION = (
    "INSERT INTO subscriptions(guild_id, channel_id, frequency, at, timezone, weekday, topics, "
    "only_when_changed, state, pause_reason, marker, created_by, created_at) "
    "VALUES (:guild_id, :channel_id, :frequency, :at, :timezone, :weekday, :topics, "
    ":only_when_changed, 'active', NULL, "
    "(SELECT COALESCE(MAX(id), 0) FROM revisions), :created_by, :created_at) "
    # Re-subscribing a channel changes its schedule and topics and un-pauses it; its marker
    # (what its digests have covered) and who first set it up stay.
    "ON CONFLICT(channel_id) DO UPDATE SET guild_id = excluded.guild_id, "
    "frequency = excluded.frequency, at = excluded.at, timezone = excluded.timezone, "
    "weekday = excluded.weekday, topics = excluded.topics, "
    "only_when_changed = excluded.only_when_changed, state = 'active', pause_reason = NULL "
    "RETURNING *"
)


def to_subscription(row: sqlite3.Row | aiosqlite.Row) -> Subscription:
    schedule = {
        "frequency": row["frequency"],
        "at": row["at"],
        "timezone": row["timezone"],
        "weekday": row["weekday"],
    }
    fields: dict[str, Any] = {
        "id": row["id"],
        "guild_id": row["guild_id"],
        "channel_id": row["channel_id"],
        "schedule": schedule,
        "topics": json.loads(row["topics"]),
        "only_when_changed": bool(row["only_when_changed"]),
        "state": row["state"],
        "pause_reason": row["pause_reason"],
        "marker": row["marker"],
        "created_by": row["created_by"],
        "created_at": row["created_at"],
    }
    return Subscription.model_validate(fields, context=STORED)


def to_delivery(row: sqlite3.Row | aiosqlite.Row) -> Delivery:
    fields = {name: row[name] for name in Delivery.model_fields}
    fields["message_ids"] = json.loads(row["message_ids"])
    return Delivery.model_validate(fields, context=STORED)


def slot_key(slot: dt.datetime) -> str:
    """The ledger's key for a slot: UTC ISO 8601. A naive time is refused, not guessed."""
    if slot.tzinfo is None or slot.utcoffset() is None:
        raise ValueError("a digest slot must be an aware datetime (UTC)")
    return iso(slot)


def _clip(text: str) -> str:
    return text if len(text) <= MAX_ERROR else text[: MAX_ERROR - 1] + "…"


class Digests(Database):
    # -- subscriptions -------------------------------------------------------------------

    async def subscribe(
        self,
        guild_id: int,
        channel_id: int,
        schedule: Schedule,
        *,
        topics: Iterable[str] = (),
        only_when_changed: bool = False,
        created_by: int,
    ) -> Subscription:
        """Subscribe a channel, or change its subscription (and un-pause it). A new one's
        marker is the newest revision: its first "changed since" starts now."""
        wanted = tuple(dict.fromkeys(topics))  # once each, in the order given
        if len(wanted) > MAX_TOPICS:
            raise InvalidInput(f"A digest follows at most {MAX_TOPICS} topics.")
        now = utcnow()
        async with self._write() as db:
            if wanted:
                marks = ", ".join("?" * len(wanted))
                async with db.execute(
                    f"SELECT slug FROM topics WHERE slug IN ({marks})", wanted
                ) as cur:
                    known = {r[0] for r in await cur.fetchall()}
                if missing := [t for t in wanted if t not in known]:
                    raise InvalidInput(f"There is no topic called `{missing[0]}`.")
            params = {
                "guild_id": guild_id,
                "channel_id": channel_id,
                "frequency": schedule.frequency,
                "at": schedule.at.strftime("%H:%M"),
                "timezone": schedule.timezone,
                "weekday": schedule.weekday,
                "topics": json.dumps(list(wanted)),
                "only_when_changed": int(only_when_changed),
                "created_by": created_by,
                "created_at": iso(now),
            }
            async with db.execute(UPSERT_SUBSCRIPTION, params) as cur:
                row = await cur.fetchone()
            assert row is not None  # an upsert with RETURNING always returns its row
            # Built inside the transaction: a row the model refuses is never committed.
            return to_subscription(row)

    async def unsubscribe(self, channel_id: int) -> bool:
        """Remove a channel's subscription and its ledger; False if it had none."""
        async with self._write() as db:
            async with db.execute(
                "DELETE FROM subscriptions WHERE channel_id = ?", (channel_id,)
            ) as cur:
                return cur.rowcount > 0

    async def subscription(self, channel_id: int) -> Subscription | None:
        row = await self._row("SELECT * FROM subscriptions WHERE channel_id = ?", (channel_id,))
        return to_subscription(row) if row is not None else None

    async def subscription_by_id(self, subscription_id: int) -> Subscription | None:
        row = await self._row("SELECT * FROM subscriptions WHERE id = ?", (subscription_id,))
        return to_subscription(row) if row is not None else None

    async def subscriptions(self, guild_id: int | None = None) -> list[Subscription]:
        """A guild's subscriptions by channel, or every one (to rebuild jobs at start-up)."""
        if guild_id is None:
            rows = await self._scan("SELECT * FROM subscriptions ORDER BY id")
        else:
            rows = await self._rows(
                "SELECT * FROM subscriptions WHERE guild_id = ? ORDER BY channel_id", (guild_id,)
            )
        return [to_subscription(r) for r in rows]

    async def pause(self, subscription_id: int, reason: str) -> Subscription | None:
        """Pause a subscription (the bot lost access to its channel, say), saying why; None
        if there is no such subscription. Subscribing the channel again resumes it."""
        async with self._write() as db:
            async with db.execute(
                "UPDATE subscriptions SET state = 'paused', pause_reason = ? WHERE id = ? "
                "RETURNING *",
                (_clip(reason), subscription_id),
            ) as cur:
                row = await cur.fetchone()
            return to_subscription(row) if row is not None else None

    # -- the ledger ------------------------------------------------------------------------

    async def claim_slot(
        self,
        subscription_id: int,
        slot: dt.datetime,
        *,
        owner: str,
        stale_after: dt.timedelta,
        gone: Callable[[str], bool] = lambda owner: False,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> Delivery | None:
        """Claim a slot to deliver it: the pending delivery if the caller is to post it, None
        if it is done, someone else is on it, or it failed `max_attempts` times (see the
        module's docstring for the rules)."""
        key = slot_key(slot)
        async with self._write() as db:
            now = utcnow()  # once the write lock is ours: waiting for it takes time
            async with db.execute(
                "SELECT state, attempts, claimed_by, claimed_at FROM deliveries "
                "WHERE subscription_id = ? AND slot = ?",
                (subscription_id, key),
            ) as cur:
                found = await cur.fetchone()
            if found is None:
                try:
                    cur = await db.execute(
                        "INSERT INTO deliveries(subscription_id, slot, nonce, state, attempts, "
                        "claimed_by, claimed_at) VALUES (?, ?, ?, 'pending', 1, ?, ?) "
                        "RETURNING *",
                        (subscription_id, key, slot_nonce(subscription_id, slot), owner, iso(now)),
                    )
                except aiosqlite.IntegrityError:  # unsubscribed meanwhile: nothing to post
                    return None
            else:
                if not self._may_take_over(found, now, stale_after, gone, max_attempts):
                    return None
                cur = await db.execute(
                    "UPDATE deliveries SET state = 'pending', attempts = attempts + 1, "
                    "claimed_by = ?, claimed_at = ? WHERE subscription_id = ? AND slot = ? "
                    "RETURNING *",
                    (owner, iso(now), subscription_id, key),
                )
            async with cur:
                row = await cur.fetchone()
            assert row is not None  # the row was just written
            return to_delivery(row)

    @staticmethod
    def _may_take_over(
        found: aiosqlite.Row,
        now: dt.datetime,
        stale_after: dt.timedelta,
        gone: Callable[[str], bool],
        max_attempts: int,
    ) -> bool:
        if int(found["attempts"]) >= max_attempts or found["state"] in ("sent", "skipped"):
            return False
        if found["state"] == "pending":
            claimed = found["claimed_at"]
            if claimed is None or now - dt.datetime.fromisoformat(claimed) >= stale_after:
                return True
            return found["claimed_by"] is not None and gone(found["claimed_by"])
        return True  # failed: retry

    async def delivered(
        self, subscription_id: int, slot: dt.datetime, message_ids: Sequence[int], marker: int
    ) -> None:
        """Record a slot as posted, with its messages, and move the subscription's marker to
        `marker` (the newest revision the digest covered), together: the marker moves only
        once the post is recorded. The marker never moves back (an older slot finishing
        late leaves a newer one's marker)."""
        key = slot_key(slot)
        async with self._write() as db:
            async with db.execute(
                "UPDATE deliveries SET state = 'sent', message_ids = ? "
                "WHERE subscription_id = ? AND slot = ?",
                (json.dumps([int(m) for m in message_ids]), subscription_id, key),
            ) as cur:
                changed = cur.rowcount
            if changed == 0:
                raise NotFound(f"Slot {key} of subscription #{subscription_id} was never claimed.")
            await db.execute(
                "UPDATE subscriptions SET marker = MAX(marker, ?) WHERE id = ?",
                (marker, subscription_id),
            )

    async def skipped(self, subscription_id: int, slot: dt.datetime, reason: str) -> None:
        """Record a slot as not posted on purpose: nothing changed, or missed in downtime.
        A slot never claimed gets its row now; a slot already sent stays sent."""
        key = slot_key(slot)
        async with self._write() as db:
            try:
                await db.execute(
                    "INSERT INTO deliveries(subscription_id, slot, nonce, state, last_error) "
                    "VALUES (?, ?, ?, 'skipped', ?) "
                    "ON CONFLICT(subscription_id, slot) DO UPDATE SET state = 'skipped', "
                    "last_error = excluded.last_error WHERE deliveries.state != 'sent'",
                    (subscription_id, key, slot_nonce(subscription_id, slot), _clip(reason)),
                )
            except aiosqlite.IntegrityError:  # unsubscribed meanwhile: nothing to record
                return

    async def failed(
        self, subscription_id: int, slot: dt.datetime, error: str, *, owner: str | None = None
    ) -> None:
        """Record that an attempt at a claimed slot failed (after its retries within the
        slot); a later claim may retry it, up to `max_attempts`. A sent slot stays sent, and
        with `owner`, only that owner's claim is marked (a claimant whose slot was taken
        over meanwhile must not release the new claimant's)."""
        key = slot_key(slot)
        async with self._write() as db:
            await db.execute(
                "UPDATE deliveries SET state = 'failed', last_error = ? "
                "WHERE subscription_id = ? AND slot = ? AND state = 'pending' "
                "AND (? IS NULL OR claimed_by = ?)",
                (_clip(error), subscription_id, key, owner, owner),
            )

    async def delivery(self, subscription_id: int, slot: dt.datetime) -> Delivery | None:
        row = await self._row(
            "SELECT * FROM deliveries WHERE subscription_id = ? AND slot = ?",
            (subscription_id, slot_key(slot)),
        )
        return to_delivery(row) if row is not None else None

    async def last_delivery(self, subscription_id: int) -> Delivery | None:
        """The newest slot actually posted, if any."""
        row = await self._row(
            "SELECT * FROM deliveries WHERE subscription_id = ? AND state = 'sent' "
            "ORDER BY slot DESC LIMIT 1",
            (subscription_id,),
        )
        return to_delivery(row) if row is not None else None

    async def last_handled_slot(self, subscription_id: int) -> dt.datetime | None:
        """The newest slot sent or skipped: the scheduler's `last` (a failed or unfinished
        slot is not handled, so it may still be retried while within its grace)."""
        row = await self._row(
            "SELECT MAX(slot) FROM deliveries WHERE subscription_id = ? "
            "AND state IN ('sent', 'skipped')",
            (subscription_id,),
        )
        return dt.datetime.fromisoformat(row[0]) if row is not None and row[0] else None

    # -- what changed since a digest ---------------------------------------------------------

    async def revisions_after(
        self, marker: int, *, topics: Iterable[str] = (), limit: int
    ) -> list[Revision]:
        """Claim revisions newer than `marker`, oldest first, at most `limit`; with `topics`,
        only those of claims now in one of them."""
        wanted = tuple(dict.fromkeys(topics))
        if not wanted:  # a range of the primary key: bounded by `limit`
            rows = await self._rows(
                "SELECT * FROM revisions WHERE id > ? ORDER BY id LIMIT ?", (marker, limit)
            )
        else:  # may walk many revisions of other topics: off the loop
            marks = ", ".join("?" * len(wanted))
            rows = await self._scan(
                "SELECT r.* FROM revisions r JOIN claims c ON c.id = r.claim_id "
                f"WHERE r.id > ? AND c.topic IN ({marks}) ORDER BY r.id LIMIT ?",
                (marker, *wanted, limit),
            )
        return [to_revision(r) for r in rows]

    async def newest_revision_id(self) -> int:
        row = await self._row("SELECT COALESCE(MAX(id), 0) FROM revisions")
        return int(row[0]) if row is not None else 0
