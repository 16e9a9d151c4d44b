"""Delivering one digest slot (`DigestDesk.deliver`) on a real database: posted once, the
marker moved only after the post, a gone channel paused, a failing one retried, a slot held
by a dead process taken over at once and one held by a live process left alone."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import socket
import subprocess
import sys

import pytest

from briefing import owners
from briefing.digesting import (
    RETRY_AFTER,
    STALE_CLAIM,
    ChannelGone,
    DigestDesk,
    PostFailed,
)
from briefing.render.cards import Card
from briefing.store import Store
from briefing.store.digests import MAX_ATTEMPTS
from briefing.subscriptions import Subscription

from .conftest import EDITOR, draft
from .test_digests_store import SLOT, subscribe

NOW = SLOT + dt.timedelta(minutes=1)


class Channel:
    """A stand-in for the digests cog's `Post`: records what was posted, or fails."""

    def __init__(self, fail: BaseException | None = None) -> None:
        self.posts: list[tuple[int, dt.datetime, list[list[Card]]]] = []
        self.fail = fail

    async def post(
        self, subscription: Subscription, slot: dt.datetime, messages: list[list[Card]]
    ) -> list[int]:
        if self.fail is not None:
            raise self.fail
        self.posts.append((subscription.id, slot, messages))
        return [1000 + len(self.posts) * 10 + i for i in range(len(messages))]


def desk_of(store: Store, owner: str | None = None) -> DigestDesk:
    return DigestDesk(store, owner=owner, clock=lambda: NOW)


def dead_pid() -> int:
    """The pid of a process of this machine that has exited (and been reaped)."""
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                           capture_output=True, text=True)  # fmt: skip
    return int(child.stdout)


async def test_a_slot_is_posted_once_and_the_marker_moves_with_it(topic_store: Store) -> None:
    sub = await subscribe(topic_store)
    await topic_store.create_claim(draft("c-new", status="disputed"), EDITOR)
    desk, channel = desk_of(topic_store), Channel()
    result = await desk.deliver(sub.id, SLOT, channel.post)
    assert result.outcome == "sent" and result.message_ids == (1010,)
    ((sid, slot, messages),) = channel.posts
    assert (sid, slot) == (sub.id, SLOT)
    text = "\n".join(f"{c.title}\n{c.description}" for cards in messages for c in cards)
    assert "07:00 UTC" in text and "Still disputed" in text
    again = await desk.deliver(sub.id, SLOT, channel.post)
    assert again.outcome == "done" and len(channel.posts) == 1
    delivery = await topic_store.delivery(sub.id, SLOT)
    assert delivery is not None and delivery.state == "sent" and delivery.message_ids == (1010,)
    moved = await topic_store.subscription_by_id(sub.id)
    assert moved is not None and moved.marker > sub.marker


async def test_nothing_new_skips_a_slot_that_only_wants_changes(topic_store: Store) -> None:
    sub = await subscribe(topic_store, only_when_changed=True)
    channel = Channel()
    result = await desk_of(topic_store).deliver(sub.id, SLOT, channel.post)
    assert (result.outcome, channel.posts) == ("skipped", [])
    delivery = await topic_store.delivery(sub.id, SLOT)
    assert delivery is not None and delivery.state == "skipped"
    assert delivery.last_error == "nothing changed"


async def test_a_gone_channel_pauses_the_subscription(topic_store: Store) -> None:
    sub = await subscribe(topic_store)
    gone = Channel(ChannelGone("403 Missing Access"))
    result = await desk_of(topic_store).deliver(sub.id, SLOT, gone.post)
    assert (result.outcome, result.detail) == ("paused", "403 Missing Access")
    paused = await topic_store.subscription_by_id(sub.id)
    assert paused is not None and paused.state == "paused"
    assert paused.pause_reason == "403 Missing Access"
    assert paused.marker == sub.marker  # nothing was posted: nothing is covered
    # A later slot of a paused subscription is not posted either.
    later = await desk_of(topic_store).deliver(sub.id, SLOT + dt.timedelta(days=1), Channel().post)
    assert later.outcome == "skipped"


async def test_a_failing_channel_is_retried_then_given_up(topic_store: Store) -> None:
    sub = await subscribe(topic_store)
    desk, failing = desk_of(topic_store), Channel(PostFailed("503 Service Unavailable"))
    for attempt in range(1, MAX_ATTEMPTS + 1):
        result = await desk.deliver(sub.id, SLOT, failing.post)
        assert result.outcome == "failed" and result.detail == "503 Service Unavailable"
        assert result.retry_at == (NOW + RETRY_AFTER if attempt < MAX_ATTEMPTS else None)
    given_up = await desk.deliver(sub.id, SLOT, Channel().post)
    assert (given_up.outcome, given_up.detail) == (
        "done",
        f"given up after {MAX_ATTEMPTS} attempts",
    )
    unchanged = await topic_store.subscription_by_id(sub.id)
    assert unchanged is not None and unchanged.marker == sub.marker


async def test_a_failure_then_success_posts_once(topic_store: Store) -> None:
    sub = await subscribe(topic_store)
    desk = desk_of(topic_store)
    await desk.deliver(sub.id, SLOT, Channel(PostFailed("timed out")).post)
    channel = Channel()
    assert (await desk.deliver(sub.id, SLOT, channel.post)).outcome == "sent"
    delivery = await topic_store.delivery(sub.id, SLOT)
    assert delivery is not None and (delivery.state, delivery.attempts) == ("sent", 2)


async def test_a_bug_in_posting_is_recorded_and_raised(topic_store: Store) -> None:
    sub = await subscribe(topic_store)
    with pytest.raises(ZeroDivisionError):
        await desk_of(topic_store).deliver(sub.id, SLOT, Channel(ZeroDivisionError()).post)
    delivery = await topic_store.delivery(sub.id, SLOT)
    assert delivery is not None and delivery.state == "failed"
    assert delivery.last_error == "ZeroDivisionError()"


async def test_a_slot_held_by_a_dead_process_is_taken_over_at_once(topic_store: Store) -> None:
    sub = await subscribe(topic_store)
    machine = owners.this_process().split(":")[0]
    dead = f"{machine}:{dead_pid()}:0badc0de"
    crashed = await topic_store.claim_slot(sub.id, SLOT, owner=dead, stale_after=STALE_CLAIM)
    assert crashed is not None  # claimed, then the process died before posting
    channel = Channel()
    result = await desk_of(topic_store).deliver(sub.id, SLOT, channel.post)
    assert result.outcome == "sent" and len(channel.posts) == 1
    delivery = await topic_store.delivery(sub.id, SLOT)
    assert delivery is not None and delivery.attempts == 2
    assert delivery.claimed_by == owners.this_process()


async def test_a_slot_held_by_a_live_process_is_left_to_it(topic_store: Store) -> None:
    sub = await subscribe(topic_store)
    machine = owners.this_process().split(":")[0]
    alive = f"{machine}:{os.getppid()}:0badc0de"  # our parent: alive
    await topic_store.claim_slot(sub.id, SLOT, owner=alive, stale_after=STALE_CLAIM)
    channel = Channel()
    result = await desk_of(topic_store).deliver(sub.id, SLOT, channel.post)
    assert result.outcome == "busy" and channel.posts == []
    held = await topic_store.delivery(sub.id, SLOT)
    assert held is not None and held.claimed_at is not None
    assert result.retry_at == held.claimed_at + STALE_CLAIM


def test_which_owners_are_known_to_be_gone() -> None:
    me = owners.this_process()
    host, pid, token = me.split(":")
    assert not owners.is_gone(me)  # another task of this process holds it
    assert owners.is_gone(f"{host}:{pid}:other")  # a predecessor with our pid (PID 1)
    assert owners.is_gone(f"{host}:{dead_pid()}:{token}")
    assert not owners.is_gone(f"{host}:{os.getppid()}:{token}")
    assert not owners.is_gone(f"elsewhere.example#1:{dead_pid()}:{token}")  # only time tells
    # The same host name in another PID namespace (two containers): pids mean nothing here.
    assert not owners.is_gone(f"{socket.gethostname()}#1:{dead_pid()}:{token}")
    for malformed in ("", "host", f"{host}:abc:x", f"{host}:{pid}", f"{host}:{pid}:"):
        assert not owners.is_gone(malformed)


async def test_a_slot_at_its_attempt_limit_is_given_up_even_if_left_pending(
    topic_store: Store,
) -> None:
    """Its third claimant died mid-post: nobody may take it over, and nobody is told it is
    still being delivered."""
    sub = await subscribe(topic_store)
    for _ in range(MAX_ATTEMPTS):
        await topic_store.claim_slot(sub.id, SLOT, owner="x", stale_after=dt.timedelta(0))
    held = await topic_store.delivery(sub.id, SLOT)
    assert held is not None and (held.state, held.attempts) == ("pending", MAX_ATTEMPTS)
    channel = Channel()
    result = await desk_of(topic_store).deliver(sub.id, SLOT, channel.post)
    assert (result.outcome, result.retry_at, channel.posts) == ("done", None, [])
    assert result.detail == f"given up after {MAX_ATTEMPTS} attempts"


async def test_a_cancelled_delivery_leaves_its_claim_for_the_next_process(
    topic_store: Store,
) -> None:
    sub = await subscribe(topic_store)
    with pytest.raises(asyncio.CancelledError):
        await desk_of(topic_store).deliver(sub.id, SLOT, Channel(asyncio.CancelledError()).post)
    held = await topic_store.delivery(sub.id, SLOT)
    assert held is not None and held.state == "pending"
    assert held.claimed_by == owners.this_process()


async def test_a_displaced_claimant_cannot_release_the_new_one_s_claim(topic_store: Store) -> None:
    sub = await subscribe(topic_store)
    await topic_store.claim_slot(sub.id, SLOT, owner="old", stale_after=STALE_CLAIM)
    await topic_store.claim_slot(sub.id, SLOT, owner="new", stale_after=dt.timedelta(0))
    await topic_store.failed(sub.id, SLOT, "503 after a long wait", owner="old")
    held = await topic_store.delivery(sub.id, SLOT)
    assert held is not None and (held.state, held.claimed_by) == ("pending", "new")
