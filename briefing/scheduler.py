"""Digest jobs on APScheduler 3.11: one job per subscription, rebuilt from the store at
start-up and changed when admins change subscriptions. What a job does (deliver one slot)
is given by the caller, so the core knows nothing of Discord.

A job only says "this subscription may be due"; the slot itself comes from `schedule.due`,
which also sorts out downtime (the latest missed slot within its grace, once; older ones
skipped), and the store's ledger makes sure a slot is posted once whoever asks. A slot that
failed, or that another process holds, is looked at again once (`retry:` jobs) when the
delivery says so, if that is still within the slot's grace.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Iterable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger

from briefing.digesting import Result
from briefing.schedule import SlotTrigger, due, grace
from briefing.subscriptions import Subscription

log = logging.getLogger(__name__)

# Deliver one subscription's slot; `skipped` are older missed slots, for the log and ledger.
Deliver = Callable[[int, dt.datetime, list[dt.datetime]], Awaitable[Result]]
# The newest slot already handled for a subscription (from the ledger), or None.
LastSlot = Callable[[int], Awaitable[dt.datetime | None]]


# Slots being delivered at once, however many fall due together: enough to keep the pacing
# rate busy while some wait on slow channels, few enough that a fan-out of thousands holds
# only this many digests in memory and queues this many store reads ahead of members.
MAX_IN_FLIGHT = 32


def job_id(subscription_id: int) -> str:
    return f"digest:{subscription_id}"


def retry_id(subscription_id: int) -> str:
    return f"retry:{subscription_id}"


class DigestScheduler:
    def __init__(
        self,
        deliver: Deliver,
        last_slot: LastSlot,
        *,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        max_in_flight: int = MAX_IN_FLIGHT,
    ) -> None:
        self._deliver = deliver
        self._in_flight = asyncio.Semaphore(max_in_flight)
        self._last_slot = last_slot
        self._clock = clock
        self.scheduler = AsyncIOScheduler(timezone=dt.UTC)

    def start(self, subscriptions: Iterable[Subscription]) -> None:
        """Jobs for every active subscription; call on the bot's running loop."""
        for subscription in subscriptions:
            self.put(subscription)
        self.scheduler.start()

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def put(self, subscription: Subscription) -> None:
        """Add or replace the subscription's job (a paused one has none); a retry pending
        for its old schedule is dropped."""
        jid = job_id(subscription.id)
        self.remove(subscription.id)
        if subscription.state != "active":
            return
        self.scheduler.add_job(
            self.run,
            SlotTrigger(subscription.schedule),
            args=(subscription,),
            id=jid,
            replace_existing=True,
            coalesce=True,  # a run of missed times is one call; `due` picks the slot
            max_instances=1,
            misfire_grace_time=int(grace(subscription.schedule).total_seconds()),
        )

    def remove(self, subscription_id: int) -> None:
        for jid in (job_id(subscription_id), retry_id(subscription_id)):
            if self.scheduler.get_job(jid) is not None:
                self.scheduler.remove_job(jid)

    def next_run(self, subscription_id: int) -> dt.datetime | None:
        job = self.scheduler.get_job(job_id(subscription_id))
        return job.next_run_time if job is not None else None

    async def run(self, subscription: Subscription) -> None:
        """Deliver whatever slot is due now: the job's own, or after downtime the latest
        one still within its grace (this is also called once per subscription at start-up)."""
        try:
            last = await self._last_slot(subscription.id)
            slot, skipped = due(subscription.schedule, self._clock(), last)
            if skipped:
                log.info(
                    "subscription %s: %d missed slot(s) skipped (%s … %s)",
                    subscription.id,
                    len(skipped),
                    skipped[0].isoformat(),
                    skipped[-1].isoformat(),
                )
            if slot is None:
                return
            async with self._in_flight:
                result = await self._deliver(subscription.id, slot, skipped)
            if result.outcome == "failed":
                log.warning(
                    "subscription %s: slot %s failed: %s", subscription.id, slot, result.detail
                )
            if result.retry_at is not None:
                self._retry(subscription, slot, result.retry_at)
        except Exception:  # one channel's failure never stops the others' jobs
            log.exception("subscription %s: delivering its slot failed", subscription.id)

    def _retry(self, subscription: Subscription, slot: dt.datetime, at: dt.datetime) -> None:
        """Look at the subscription again at `at`, if its slot is still within grace then,
        and it is still subscribed on the same schedule (an admin may have changed it while
        the slot was being delivered)."""
        job = self.scheduler.get_job(job_id(subscription.id)) if self.scheduler.running else None
        if job is None or getattr(job.trigger, "schedule", None) != subscription.schedule:
            return  # stopped, unsubscribed, paused or rescheduled: nothing to retry
        at = max(at, self._clock() + dt.timedelta(seconds=1))
        if at - slot > grace(subscription.schedule):
            log.warning(
                "subscription %s: slot %s given up (its grace ends first)", subscription.id, slot
            )
            return
        self.scheduler.add_job(
            self.run,
            DateTrigger(at),
            args=(subscription,),
            id=retry_id(subscription.id),
            replace_existing=True,
            misfire_grace_time=int(grace(subscription.schedule).total_seconds()),
        )

    async def catch_up(self, subscriptions: Iterable[Subscription]) -> None:
        """After a restart: each active subscription's missed slot, if one is still due;
        all at once, like slots falling due together (pacing is the poster's business)."""
        await asyncio.gather(*(self.run(s) for s in subscriptions if s.state == "active"))
