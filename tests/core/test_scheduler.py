"""Digest jobs on APScheduler: one per active subscription, with the right settings, and a
run that delivers the due slot once (after downtime too) and survives a failing channel."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from briefing.digesting import Result
from briefing.schedule import next_slot
from briefing.scheduler import DigestScheduler, job_id, retry_id
from briefing.subscriptions import Schedule, Subscription

NOW = dt.datetime(2026, 6, 1, 12, 9, tzinfo=dt.UTC)


def subscription(sid: int = 1, **fields: object) -> Subscription:
    data: dict[str, object] = {
        "id": sid,
        "guild_id": 10,
        "channel_id": 100 + sid,
        "schedule": Schedule(frequency="hourly", at=dt.time(0, 5)),
        "created_by": 7,
        "created_at": NOW - dt.timedelta(days=3),
    }
    return Subscription.model_validate(data | fields)


class Recorder:
    def __init__(
        self, last: dt.datetime | None = None, fail: bool = False, result: Result | None = None
    ) -> None:
        self.calls: list[tuple[int, dt.datetime, list[dt.datetime]]] = []
        self.last, self.fail = last, fail
        self.result = result or Result("sent", message_ids=(1,))

    async def deliver(self, sid: int, slot: dt.datetime, skipped: list[dt.datetime]) -> Result:
        self.calls.append((sid, slot, skipped))
        if self.fail:
            raise RuntimeError("the channel is on fire")
        return self.result

    async def last_slot(self, sid: int) -> dt.datetime | None:
        return self.last


async def test_jobs_carry_the_settings_a_digest_needs() -> None:
    rec = Recorder()
    scheduler = DigestScheduler(rec.deliver, rec.last_slot, clock=lambda: NOW)
    scheduler.start([subscription(1), subscription(2, state="paused", pause_reason="403")])
    try:
        job = scheduler.scheduler.get_job(job_id(1))
        assert job is not None and scheduler.scheduler.get_job(job_id(2)) is None
        assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 20 * 60)
        now = dt.datetime.now(dt.UTC)
        assert scheduler.next_run(1) == next_slot(subscription(1).schedule, now)
        # Changing a subscription replaces its job; pausing removes it.
        scheduler.put(subscription(1, schedule=Schedule(frequency="daily", at=dt.time(9))))
        daily = scheduler.scheduler.get_job(job_id(1))
        assert daily is not None and daily.misfire_grace_time == 6 * 3600
        scheduler.put(subscription(1, state="paused", pause_reason="404"))
        assert scheduler.next_run(1) is None
    finally:
        scheduler.shutdown()


async def test_a_run_delivers_the_latest_due_slot_once_and_skips_older() -> None:
    rec = Recorder(last=NOW.replace(hour=8, minute=5))
    scheduler = DigestScheduler(rec.deliver, rec.last_slot, clock=lambda: NOW)
    await scheduler.run(subscription())
    ((sid, slot, skipped),) = rec.calls
    assert (sid, slot) == (1, NOW.replace(minute=5))
    assert [s.hour for s in skipped] == [9, 10, 11]


async def test_nothing_is_delivered_when_no_slot_is_due() -> None:
    rec = Recorder(last=NOW.replace(minute=5))
    await DigestScheduler(rec.deliver, rec.last_slot, clock=lambda: NOW).run(subscription())
    assert rec.calls == []


async def test_a_failing_delivery_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    rec = Recorder(fail=True)
    await DigestScheduler(rec.deliver, rec.last_slot, clock=lambda: NOW).run(subscription())
    assert len(rec.calls) == 1
    assert "delivering" in caplog.text and "failed" in caplog.text


async def test_catch_up_after_a_restart_covers_active_subscriptions_only() -> None:
    rec = Recorder()
    scheduler = DigestScheduler(rec.deliver, rec.last_slot, clock=lambda: NOW)
    await scheduler.catch_up([subscription(1), subscription(2, state="paused")])
    assert [c[0] for c in rec.calls] == [1]


async def test_catch_up_does_not_wait_on_a_slow_channel() -> None:
    """Catching up delivers every subscription at once: a channel that has not answered yet
    holds up no other (run one after another, this would wait forever)."""
    second_started = asyncio.Event()
    calls: list[int] = []

    async def deliver(sid: int, slot: dt.datetime, skipped: list[dt.datetime]) -> Result:
        calls.append(sid)
        if sid == 1:
            await second_started.wait()  # a channel that answers only once another has begun
        else:
            second_started.set()
        return Result("sent")

    async def last_slot(sid: int) -> dt.datetime | None:
        return None

    scheduler = DigestScheduler(deliver, last_slot, clock=lambda: NOW)
    await asyncio.wait_for(scheduler.catch_up([subscription(1), subscription(2)]), 5)
    assert sorted(calls) == [1, 2]


async def test_a_failed_slot_is_looked_at_again_within_its_grace() -> None:
    retry_at = NOW + dt.timedelta(minutes=2)
    rec = Recorder(result=Result("failed", "503 Service Unavailable", retry_at=retry_at))
    scheduler = DigestScheduler(rec.deliver, rec.last_slot, clock=lambda: NOW)
    scheduler.start([subscription(1)])
    try:
        await scheduler.run(subscription(1))
        job = scheduler.scheduler.get_job(retry_id(1))
        assert job is not None and job.next_run_time == retry_at
        scheduler.remove(1)  # unsubscribing drops the retry too
        assert scheduler.scheduler.get_job(retry_id(1)) is None
        scheduler.put(subscription(1))
        # A retry that would come after the slot's grace (20 minutes for hourly) is not made.
        late = NOW + dt.timedelta(minutes=30)
        rec.result = Result("busy", "being delivered", retry_at=late)
        await scheduler.run(subscription(1))
        assert scheduler.scheduler.get_job(retry_id(1)) is None
        rec.result = Result("busy", "being delivered", retry_at=retry_at)
        await scheduler.run(subscription(1))
        assert scheduler.scheduler.get_job(retry_id(1)) is not None
    finally:
        scheduler.shutdown()


async def test_no_retry_for_a_subscription_changed_while_it_was_delivered() -> None:
    """An admin unsubscribes, or moves the schedule, while a slot is being posted: a retry
    of the old slot must not come back afterwards."""
    failed = Result("failed", "503", retry_at=NOW + dt.timedelta(minutes=2))
    rec = Recorder(result=failed)
    scheduler = DigestScheduler(rec.deliver, rec.last_slot, clock=lambda: NOW)
    scheduler.start([subscription(1), subscription(2)])
    try:
        scheduler.remove(1)  # unsubscribed meanwhile
        await scheduler.run(subscription(1))
        assert scheduler.scheduler.get_job(retry_id(1)) is None
        scheduler.put(subscription(2, schedule=Schedule(frequency="daily", at=dt.time(9))))
        await scheduler.run(subscription(2))  # the run of the old, hourly schedule
        assert scheduler.scheduler.get_job(retry_id(2)) is None
    finally:
        scheduler.shutdown()
