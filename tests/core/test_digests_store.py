"""Digest subscriptions and the delivery ledger, on a real database file."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from briefing.errors import InvalidInput, NotFound
from briefing.store import Store
from briefing.subscriptions import Schedule, Subscription, slot_nonce

from .conftest import EDITOR, changed, draft
from .test_data_version import another_process

ROOT = Path(__file__).resolve().parents[2]
GUILD, CHANNEL, ADMIN = 1001, 2002, 3003
DAILY = Schedule(frequency="daily", at=dt.time(9, 0), timezone="Europe/Kyiv")
WEEKLY = Schedule(frequency="weekly", at=dt.time(18, 30), timezone="UTC", weekday=4)
SLOT = dt.datetime(2026, 11, 30, 7, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


async def subscribe(
    store: Store,
    channel: int = CHANNEL,
    *,
    schedule: Schedule = DAILY,
    topics: Sequence[str] = (),
    only_when_changed: bool = False,
) -> Subscription:
    return await store.subscribe(
        GUILD,
        channel,
        schedule,
        topics=topics,
        only_when_changed=only_when_changed,
        created_by=ADMIN,
    )


async def test_subscribe_update_pause_resubscribe_and_unsubscribe(topic_store: Store) -> None:
    first = await subscribe(topic_store, topics=["alpha"], only_when_changed=True)
    assert first.schedule == DAILY and first.topics == ("alpha",) and first.only_when_changed
    assert first.state == "active" and first.pause_reason is None and first.created_by == ADMIN
    assert await topic_store.subscription(CHANNEL) == first
    assert await topic_store.subscription_by_id(first.id) == first

    paused = await topic_store.pause(first.id, "Missing Access (403)")
    assert paused is not None and paused.state == "paused"
    assert (await topic_store.subscription(CHANNEL)) == paused
    assert paused.pause_reason == "Missing Access (403)"
    assert await topic_store.pause(first.id + 99, "nope") is None

    # Subscribing the channel again changes it in place, and is how an admin resumes it.
    await topic_store.create_claim(draft("c-one"), EDITOR)
    again = await topic_store.subscribe(GUILD, CHANNEL, WEEKLY, topics=(), created_by=ADMIN + 1)
    assert again.id == first.id and again.schedule == WEEKLY and again.topics == ()
    assert again.state == "active" and again.pause_reason is None
    assert again.marker == first.marker  # what it covered stays
    assert again.created_by == ADMIN and again.created_at == first.created_at
    assert not again.only_when_changed

    other = await subscribe(topic_store, CHANNEL + 1)
    assert other.id != first.id
    assert [s.channel_id for s in await topic_store.subscriptions(GUILD)] == [CHANNEL, CHANNEL + 1]
    assert [s.id for s in await topic_store.subscriptions()] == [first.id, other.id]
    assert await topic_store.subscriptions(GUILD + 1) == []

    await topic_store.claim_slot(first.id, SLOT, owner="a", stale_after=HOUR)
    assert await topic_store.unsubscribe(CHANNEL) is True
    assert await topic_store.unsubscribe(CHANNEL) is False
    assert await topic_store.subscription(CHANNEL) is None
    assert await topic_store.delivery(first.id, SLOT) is None  # its ledger went with it
    assert [s.id for s in await topic_store.subscriptions()] == [other.id]


async def test_unknown_topics_and_too_many_are_refused(topic_store: Store) -> None:
    with pytest.raises(InvalidInput, match="no topic called `gamma`"):
        await subscribe(topic_store, topics=["alpha", "gamma"])
    with pytest.raises(InvalidInput, match="at most 10 topics"):
        await subscribe(topic_store, topics=[f"t{i}" for i in range(11)])
    assert await topic_store.subscriptions() == []
    both = await subscribe(topic_store, topics=["beta", "alpha", "beta"])
    assert both.topics == ("beta", "alpha")


async def test_a_new_subscription_starts_at_the_newest_revision(topic_store: Store) -> None:
    assert await topic_store.newest_revision_id() == 0
    assert (await subscribe(topic_store)).marker == 0
    created = await topic_store.create_claim(draft("c-one"), EDITOR)
    await topic_store.update_claim(
        changed(created, statement="Edited."), EDITOR, expected_version=1
    )
    newest = await topic_store.newest_revision_id()
    assert newest == 2
    later = await subscribe(topic_store, CHANNEL + 1)
    assert later.marker == newest
    assert await topic_store.revisions_after(later.marker, limit=10) == []


async def test_a_slot_is_claimed_once(topic_store: Store) -> None:
    sub = await subscribe(topic_store)
    won = await topic_store.claim_slot(sub.id, SLOT, owner="one", stale_after=HOUR)
    assert won is not None and won.state == "pending" and won.attempts == 1
    assert won.nonce == slot_nonce(sub.id, SLOT) and won.slot == SLOT
    # Another process, or this one again: someone is on it.
    assert await topic_store.claim_slot(sub.id, SLOT, owner="two", stale_after=HOUR) is None
    assert await topic_store.claim_slot(sub.id, SLOT, owner="one", stale_after=HOUR) is None
    # The same instant in another zone is the same slot.
    kyiv = SLOT.astimezone(dt.timezone(dt.timedelta(hours=2)))
    assert await topic_store.claim_slot(sub.id, kyiv, owner="two", stale_after=HOUR) is None
    with pytest.raises(ValueError, match="aware"):
        await topic_store.claim_slot(
            sub.id, SLOT.replace(tzinfo=None), owner="two", stale_after=HOUR
        )
    # A subscription removed meanwhile has nothing to post.
    assert await topic_store.claim_slot(sub.id + 9, SLOT, owner="one", stale_after=HOUR) is None


async def test_a_stale_claim_is_taken_over_and_a_done_slot_never(
    topic_store: Store, db_path: Path
) -> None:
    sub = await subscribe(topic_store)
    await topic_store.claim_slot(sub.id, SLOT, owner="crashed", stale_after=HOUR)
    # Claimed two hours ago, by a process that died since.
    another_process(
        db_path,
        "UPDATE deliveries SET claimed_at = '"
        + (dt.datetime.now(dt.UTC) - 2 * HOUR).isoformat()
        + "'",
    )
    assert await topic_store.claim_slot(sub.id, SLOT, owner="late", stale_after=3 * HOUR) is None
    taken = await topic_store.claim_slot(sub.id, SLOT, owner="late", stale_after=HOUR)
    assert taken is not None and taken.attempts == 2 and taken.nonce == slot_nonce(sub.id, SLOT)
    assert await topic_store.claim_slot(sub.id, SLOT, owner="third", stale_after=HOUR) is None
    # A slot whose every claim died is given up after `max_attempts` claims.
    never = dt.timedelta(0)  # even a claim made this instant counts as stale
    assert (
        await topic_store.claim_slot(sub.id, SLOT, owner="x", stale_after=never, max_attempts=2)
        is None
    )

    await topic_store.delivered(sub.id, SLOT, [11, 12], marker=0)
    sent = await topic_store.delivery(sub.id, SLOT)
    assert sent is not None and sent.state == "sent" and sent.message_ids == (11, 12)
    assert await topic_store.claim_slot(sub.id, SLOT, owner="x", stale_after=never) is None

    later = SLOT + dt.timedelta(days=1)
    await topic_store.skipped(sub.id, later, "nothing changed")
    assert await topic_store.claim_slot(sub.id, later, owner="x", stale_after=never) is None
    skipped = await topic_store.delivery(sub.id, later)
    assert skipped is not None and skipped.state == "skipped"
    assert skipped.last_error == "nothing changed" and skipped.attempts == 0
    await topic_store.skipped(sub.id, SLOT, "too late")  # a sent slot stays sent
    assert (await topic_store.delivery(sub.id, SLOT)) == sent


async def test_a_failed_slot_is_retried_up_to_the_limit(topic_store: Store) -> None:
    sub = await subscribe(topic_store)
    for attempt in (1, 2, 3):
        claim = await topic_store.claim_slot(sub.id, SLOT, owner="p", stale_after=HOUR)
        assert claim is not None and claim.attempts == attempt
        await topic_store.failed(sub.id, SLOT, f"503 Service Unavailable ({attempt})")
    assert await topic_store.claim_slot(sub.id, SLOT, owner="p", stale_after=HOUR) is None
    given_up = await topic_store.delivery(sub.id, SLOT)
    assert given_up is not None and given_up.state == "failed" and given_up.attempts == 3
    assert given_up.last_error == "503 Service Unavailable (3)"
    assert await topic_store.last_delivery(sub.id) is None
    assert await topic_store.last_handled_slot(sub.id) is None


async def test_delivered_moves_the_marker_with_the_ledger(topic_store: Store) -> None:
    sub = await subscribe(topic_store)
    await topic_store.create_claim(draft("c-one"), EDITOR)
    await topic_store.create_claim(draft("c-two"), EDITOR)
    with pytest.raises(NotFound, match="never claimed"):
        await topic_store.delivered(sub.id, SLOT, [1], marker=2)
    # Refused as a whole: neither the ledger nor the marker moved.
    assert (await topic_store.subscription(CHANNEL)) == sub
    assert await topic_store.delivery(sub.id, SLOT) is None

    await topic_store.claim_slot(sub.id, SLOT, owner="p", stale_after=HOUR)
    assert (await topic_store.subscription(CHANNEL)) == sub  # claiming moves nothing
    await topic_store.delivered(sub.id, SLOT, [1, 2], marker=2)
    after = await topic_store.subscription(CHANNEL)
    assert after is not None and after.marker == 2
    last = await topic_store.last_delivery(sub.id)
    assert last is not None and last.slot == SLOT and last.message_ids == (1, 2)

    # An older slot finishing late does not move the marker back.
    earlier = SLOT - dt.timedelta(days=1)
    await topic_store.claim_slot(sub.id, earlier, owner="p", stale_after=HOUR)
    await topic_store.delivered(sub.id, earlier, [3], marker=1)
    after = await topic_store.subscription(CHANNEL)
    assert after is not None and after.marker == 2
    last = await topic_store.last_delivery(sub.id)
    assert last is not None and last.slot == SLOT
    assert await topic_store.last_handled_slot(sub.id) == SLOT


async def test_delivered_is_one_transaction(topic_store: Store, db_path: Path) -> None:
    """If moving the marker fails, the slot is not recorded as sent either."""
    sub = await subscribe(topic_store)
    await topic_store.claim_slot(sub.id, SLOT, owner="p", stale_after=HOUR)
    another_process(
        db_path,
        "CREATE TRIGGER refuse_marker BEFORE UPDATE OF marker ON subscriptions "
        "BEGIN SELECT RAISE(ABORT, 'marker refused'); END",
    )
    with pytest.raises(sqlite3.IntegrityError, match="marker refused"):
        await topic_store.delivered(sub.id, SLOT, [1], marker=5)
    still = await topic_store.delivery(sub.id, SLOT)
    assert still is not None and still.state == "pending" and still.message_ids == ()
    assert (await topic_store.subscription(CHANNEL)) == sub


async def test_subscriptions_and_the_ledger_never_move_the_data_version(
    topic_store: Store,
) -> None:
    await topic_store.create_claim(draft("c-one"), EDITOR)
    version = await topic_store.data_version()
    sub = await subscribe(topic_store, topics=["alpha"])
    await subscribe(topic_store, schedule=WEEKLY)
    await topic_store.pause(sub.id, "gone")
    await topic_store.claim_slot(sub.id, SLOT, owner="p", stale_after=HOUR)
    await topic_store.failed(sub.id, SLOT, "timeout")
    await topic_store.claim_slot(sub.id, SLOT, owner="p", stale_after=HOUR)
    await topic_store.delivered(sub.id, SLOT, [1], marker=1)
    await topic_store.skipped(sub.id, SLOT + HOUR, "nothing changed")
    await topic_store.unsubscribe(CHANNEL)
    assert await topic_store.data_version() == version


async def test_revisions_after_a_marker_by_topic(topic_store: Store) -> None:
    a1 = await topic_store.create_claim(draft("a-one"), EDITOR)  # revision 1
    await topic_store.create_claim(draft("b-one", topic="beta"), EDITOR)  # 2
    await topic_store.update_claim(changed(a1, statement="Edited."), EDITOR, expected_version=1)
    await topic_store.create_claim(draft("b-two", topic="beta"), EDITOR)  # 4

    every = await topic_store.revisions_after(0, limit=10)
    assert [(r.id, r.claim_id) for r in every] == [
        (1, "a-one"),
        (2, "b-one"),
        (3, "a-one"),
        (4, "b-two"),
    ]
    assert [r.id for r in await topic_store.revisions_after(1, limit=2)] == [2, 3]
    alpha = await topic_store.revisions_after(0, topics=["alpha"], limit=10)
    assert [(r.claim_id, r.kind) for r in alpha] == [("a-one", "create"), ("a-one", "update")]
    beta = await topic_store.revisions_after(2, topics=("beta",), limit=10)
    assert [r.id for r in beta] == [4]
    assert [r.id for r in await topic_store.revisions_after(0, topics=["beta"], limit=1)] == [2]
    both = await topic_store.revisions_after(0, topics=["alpha", "beta"], limit=10)
    assert [r.id for r in both] == [1, 2, 3, 4]
    assert await topic_store.revisions_after(4, limit=10) == []


# Claims slot i for each line "i" it reads, answering 1 (won) or 0; the test sends each
# round to both processes at once, so that they race for the very same slot every time.
RACER = """
import asyncio, datetime as dt, sys
from briefing.store import Store

async def main():
    store = await Store.open(sys.argv[1])
    subscription, owner = int(sys.argv[2]), sys.argv[3]
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    print("ready", flush=True)
    for line in sys.stdin:
        slot = base + dt.timedelta(hours=int(line))
        claim = await store.claim_slot(
            subscription, slot, owner=owner, stale_after=dt.timedelta(hours=1)
        )
        print(int(claim is not None), flush=True)
    await store.close()

asyncio.run(main())
"""


async def test_two_processes_racing_for_slots_each_win_a_slot_once(
    topic_store: Store, db_path: Path
) -> None:
    sub = await subscribe(topic_store)
    rounds = 200
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            RACER,
            str(db_path),
            str(sub.id),
            owner,
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for owner in ("left", "right")
    ]

    async def answer(proc: asyncio.subprocess.Process) -> bytes:
        assert proc.stdout is not None
        return await asyncio.wait_for(proc.stdout.readline(), 60)

    wins = {"left": 0, "right": 0}
    try:
        assert [await answer(p) for p in procs] == [b"ready\n"] * 2
        for i in range(rounds):
            for proc in procs:
                assert proc.stdin is not None
                proc.stdin.write(f"{i}\n".encode())
            won = await asyncio.gather(*(answer(p) for p in procs))
            assert sorted(won) == [b"0\n", b"1\n"], (i, won)  # exactly one winner
            wins["left" if won[0] == b"1\n" else "right"] += 1
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.close()
        done = await asyncio.wait_for(asyncio.gather(*(p.communicate() for p in procs)), 60)
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    for proc, (_out, err) in zip(procs, done, strict=True):
        assert proc.returncode == 0, err.decode()
    # The ledger agrees: one row per slot, claimed once, by the process that said it won.
    with sqlite3.connect(db_path) as db:
        counts = db.execute(
            "SELECT COUNT(*), MIN(attempts), MAX(attempts) FROM deliveries "
            "WHERE subscription_id = ?",
            (sub.id,),
        ).fetchone()
        owners = dict(db.execute("SELECT claimed_by, COUNT(*) FROM deliveries GROUP BY claimed_by"))
    assert counts == (rounds, 1, 1)
    assert owners == {owner: n for owner, n in wins.items() if n}
