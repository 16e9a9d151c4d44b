"""When digests fall due: the slots of a schedule, in real time, across DST changes.

A slot is a local wall-clock time in the subscription's IANA zone, turned into an instant:
- daily and weekly at HH:MM, every 6 or 12 hours from HH:MM: one slot per local time of day.
  A time that does not exist (the hour skipped in spring) is taken with the offset before the
  change, so it still happens, once; a time that happens twice (the hour repeated in autumn)
  is taken the first time only. So no day has two digests or none.
- hourly at :MM: every real hour, so the repeated autumn hour has its own slot.

APScheduler's own CronTrigger (3.11, with zoneinfo) fires the repeated autumn hour twice for a
daily job, and asked for the next time after the second it answers that same time again: its
scheduler loop would then never end. `SlotTrigger` gives APScheduler these slots instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from apscheduler.triggers.base import BaseTrigger

from briefing.subscriptions import Schedule, zone

# How late a slot may still be delivered (after downtime, or a busy moment): a fair part of
# the gap to the next one, so a late digest never runs into the next.
GRACE = {
    "hourly": dt.timedelta(minutes=20),
    "every-6h": dt.timedelta(hours=2),
    "every-12h": dt.timedelta(hours=4),
    "daily": dt.timedelta(hours=6),
    "weekly": dt.timedelta(hours=24),
}
_STEP_HOURS = {"every-6h": 6, "every-12h": 12}


def grace(schedule: Schedule) -> dt.timedelta:
    return GRACE[schedule.frequency]


def _local_times(schedule: Schedule) -> list[dt.time]:
    """The local times of day a slot falls on (for the frequencies that have them)."""
    at = schedule.at
    step = _STEP_HOURS.get(schedule.frequency)
    if step is None:
        return [at]
    return sorted(dt.time((at.hour + k * step) % 24, at.minute) for k in range(24 // step))


def _instant(day: dt.date, time: dt.time, schedule: Schedule) -> dt.datetime:
    """A local wall-clock time as an instant: fold=0 takes a repeated time the first time,
    and a skipped time with the offset before the change."""
    tz = zone(schedule.timezone)
    return dt.datetime.combine(day, time, tzinfo=tz).replace(fold=0).astimezone(dt.UTC)


def slots_after(schedule: Schedule, after: dt.datetime) -> Iterator[dt.datetime]:
    """Every slot strictly after `after`, in order, as UTC instants (an endless iterator)."""
    after = after.astimezone(dt.UTC)
    if schedule.frequency == "hourly":
        # Every real hour at the local minute, which is a fixed minute of the UTC hour for
        # most zones; for a zone at a quarter or half hour offset it still is, within the hour.
        start = after.replace(minute=0, second=0, microsecond=0)
        hour = start
        while True:
            local = hour.astimezone(zone(schedule.timezone))
            slot = local.replace(minute=schedule.at.minute).astimezone(dt.UTC)
            if slot > after:
                yield slot
            hour += dt.timedelta(hours=1)
    tz = zone(schedule.timezone)
    day = after.astimezone(tz).date() - dt.timedelta(days=1)
    while True:
        if schedule.frequency != "weekly" or day.weekday() == schedule.weekday:
            for time in _local_times(schedule):
                slot = _instant(day, time, schedule)
                if slot > after:
                    yield slot
        day += dt.timedelta(days=1)


def next_slot(schedule: Schedule, after: dt.datetime) -> dt.datetime:
    return next(slots_after(schedule, after))


def slots_between(schedule: Schedule, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """The slots in (start, end]."""
    found = []
    for slot in slots_after(schedule, start):
        if slot > end:
            break
        found.append(slot)
    return found


def due(
    schedule: Schedule, now: dt.datetime, last: dt.datetime | None
) -> tuple[dt.datetime | None, list[dt.datetime]]:
    """After downtime: the one slot to deliver now (the latest since `last` that is still
    within its grace), and the older missed slots to skip (and log). `last` is the newest
    slot already handled; without one, only slots within the grace are considered."""
    start = last if last is not None else now - grace(schedule)
    missed = slots_between(schedule, start, now)
    if not missed:
        return None, []
    latest = missed[-1]
    if now - latest > grace(schedule):
        return None, missed
    return latest, missed[:-1]


class SlotTrigger(BaseTrigger):  # type: ignore[misc]  # APScheduler 3 ships no types
    """An APScheduler trigger that fires on a schedule's slots."""

    def __init__(self, schedule: Schedule) -> None:
        self.schedule = schedule

    def get_next_fire_time(
        self, previous_fire_time: dt.datetime | None, now: dt.datetime
    ) -> dt.datetime | None:
        # APScheduler asks for the next time after the previous one (catching up) or, the
        # first time, after now; a slot exactly at `now` is due.
        after = previous_fire_time if previous_fire_time is not None else now
        if previous_fire_time is None:
            after = now - dt.timedelta(microseconds=1)
        return next_slot(self.schedule, after)

    def __str__(self) -> str:
        s = self.schedule
        return f"slots[{s.frequency} at {s.at:%H:%M} {s.timezone}]"
