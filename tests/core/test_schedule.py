"""Digest slots with a controlled clock: each frequency, time zones, DST, downtime."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest

from briefing.schedule import GRACE, SlotTrigger, due, next_slot, slots_between
from briefing.subscriptions import Schedule, describe

UTC = dt.UTC
BERLIN = ZoneInfo("Europe/Berlin")


def at(text: str, tz: ZoneInfo | dt.timezone = UTC) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=tz)


def local(slots: list[dt.datetime], tz: ZoneInfo) -> list[str]:
    return [s.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z") for s in slots]


def test_daily_at_local_time_in_its_zone() -> None:
    schedule = Schedule(frequency="daily", at=dt.time(9, 0), timezone="America/New_York")
    slots = slots_between(schedule, at("2026-06-01 00:00"), at("2026-06-03 23:59"))
    assert [s.isoformat() for s in slots] == [
        "2026-06-01T13:00:00+00:00",
        "2026-06-02T13:00:00+00:00",
        "2026-06-03T13:00:00+00:00",
    ]


@pytest.mark.parametrize(
    ("frequency", "count"), [("hourly", 48), ("every-6h", 8), ("every-12h", 4), ("daily", 2)]
)
def test_each_frequency_over_two_days(frequency: str, count: int) -> None:
    schedule = Schedule.model_validate(
        {"frequency": frequency, "at": "07:15", "timezone": "Asia/Seoul"}
    )
    start = at("2026-06-01 00:00", ZoneInfo("Asia/Seoul"))
    slots = slots_between(schedule, start, start + dt.timedelta(days=2))
    assert len(slots) == count
    assert all(s.astimezone(ZoneInfo("Asia/Seoul")).minute == 15 for s in slots)
    assert slots == sorted(set(slots))


def test_weekly_on_its_weekday() -> None:
    schedule = Schedule(frequency="weekly", at=dt.time(18, 0), timezone="UTC", weekday=4)
    slots = slots_between(schedule, at("2026-06-01 00:00"), at("2026-06-30 23:59"))
    assert [s.date().isoformat() for s in slots] == [
        "2026-06-05",
        "2026-06-12",
        "2026-06-19",
        "2026-06-26",
    ]


def test_hourly_in_a_half_hour_zone_is_every_real_hour() -> None:
    schedule = Schedule(frequency="hourly", at=dt.time(0, 10), timezone="Asia/Kolkata")
    slots = slots_between(schedule, at("2026-06-01 00:00"), at("2026-06-01 05:59"))
    assert local(slots, ZoneInfo("Asia/Kolkata"))[0] == "2026-06-01 06:10 IST"
    assert [b - a for a, b in itertools.pairwise(slots)] == [dt.timedelta(hours=1)] * (
        len(slots) - 1
    )


@pytest.mark.parametrize("when", ["02:30", "09:00"])
def test_spring_forward_day_has_one_daily_digest(when: str) -> None:
    schedule = Schedule.model_validate(
        {"frequency": "daily", "at": when, "timezone": "Europe/Berlin"}
    )
    slots = slots_between(schedule, at("2026-03-28 12:00", BERLIN), at("2026-03-30 12:00", BERLIN))
    days = [s.astimezone(BERLIN).date().isoformat() for s in slots]
    assert days == ["2026-03-29", "2026-03-30"]  # one each, none missing


@pytest.mark.parametrize("when", ["02:30", "09:00"])
def test_fall_back_day_has_one_daily_digest(when: str) -> None:
    schedule = Schedule.model_validate(
        {"frequency": "daily", "at": when, "timezone": "Europe/Berlin"}
    )
    slots = slots_between(schedule, at("2026-10-24 12:00", BERLIN), at("2026-10-26 12:00", BERLIN))
    days = [s.astimezone(BERLIN).date().isoformat() for s in slots]
    assert days == ["2026-10-25", "2026-10-26"]  # the repeated 02:30 counts once


def test_hourly_keeps_every_real_hour_across_both_changes() -> None:
    schedule = Schedule(frequency="hourly", at=dt.time(0, 0), timezone="Europe/Berlin")
    spring = slots_between(schedule, at("2026-03-29 00:00", BERLIN), at("2026-03-30 00:00", BERLIN))
    autumn = slots_between(schedule, at("2026-10-25 00:00", BERLIN), at("2026-10-26 00:00", BERLIN))
    assert (len(spring), len(autumn)) == (23, 25)  # the day is 23 and 25 hours long


def test_every_6h_across_the_autumn_change_has_no_double() -> None:
    schedule = Schedule(frequency="every-6h", at=dt.time(0, 0), timezone="Europe/Berlin")
    slots = slots_between(schedule, at("2026-10-25 00:00", BERLIN), at("2026-10-26 00:00", BERLIN))
    assert local(slots, BERLIN) == [
        "2026-10-25 06:00 CET",
        "2026-10-25 12:00 CET",
        "2026-10-25 18:00 CET",
        "2026-10-26 00:00 CET",
    ]


def test_after_downtime_the_latest_missed_slot_is_posted_once() -> None:
    schedule = Schedule(frequency="hourly", at=dt.time(0, 5), timezone="UTC")
    last = at("2026-06-01 08:05")
    now = at("2026-06-01 12:09")  # down for four slots
    slot, skipped = due(schedule, now, last)
    assert slot == at("2026-06-01 12:05")
    assert skipped == [at("2026-06-01 09:05"), at("2026-06-01 10:05"), at("2026-06-01 11:05")]
    # Asked again at once (a second scheduler, or a restart): the slot is still the same one,
    # so the ledger's unique key holds it to one delivery.
    assert due(schedule, now + dt.timedelta(seconds=30), last)[0] == slot


def test_a_missed_slot_past_its_grace_is_skipped_not_posted_late() -> None:
    schedule = Schedule(frequency="daily", at=dt.time(9, 0), timezone="UTC")
    now = at("2026-06-01 09:00") + GRACE["daily"] + dt.timedelta(minutes=1)
    slot, skipped = due(schedule, now, at("2026-05-31 09:00"))
    assert slot is None and skipped == [at("2026-06-01 09:00")]


def test_nothing_due_between_slots() -> None:
    schedule = Schedule(frequency="daily", at=dt.time(9, 0), timezone="UTC")
    assert due(schedule, at("2026-06-01 10:00"), at("2026-06-01 09:00")) == (None, [])


def test_the_trigger_moves_strictly_forward_through_the_repeated_hour() -> None:
    """APScheduler asks `get_next_fire_time(previous, now)` until it passes now: a trigger
    that answers the same time twice would stall its loop (CronTrigger does, on this day)."""
    trigger = SlotTrigger(Schedule(frequency="daily", at=dt.time(2, 30), timezone="Europe/Berlin"))
    now = at("2026-10-24 12:00", BERLIN)
    fire = trigger.get_next_fire_time(None, now)
    seen = []
    for _ in range(4):
        assert fire is not None
        seen.append(fire)
        fire = trigger.get_next_fire_time(fire, fire + dt.timedelta(microseconds=1))
    assert seen == sorted(set(seen))
    assert [s.astimezone(BERLIN).date().day for s in seen] == [25, 26, 27, 28]


def test_a_slot_exactly_now_is_due_the_first_time() -> None:
    schedule = Schedule(frequency="daily", at=dt.time(9, 0), timezone="UTC")
    trigger = SlotTrigger(schedule)
    assert trigger.get_next_fire_time(None, at("2026-06-01 09:00")) == at("2026-06-01 09:00")
    assert next_slot(schedule, at("2026-06-01 09:00")) == at("2026-06-02 09:00")


def test_unknown_zones_and_times_are_refused() -> None:
    for bad in ({"timezone": "Mars/Olympus"}, {"timezone": "CEST"}, {"at": "25:00"}):
        with pytest.raises(ValueError):
            Schedule.model_validate(bad)


def test_a_schedule_reads_as_an_admin_typed_it() -> None:
    def read(frequency: str, **fields: object) -> str:
        return describe(Schedule.model_validate({"frequency": frequency, **fields}))

    assert read("hourly", at="07:15", timezone="Asia/Seoul") == "hourly at :15"
    assert (
        read("every-6h", at="08:30", timezone="Europe/Kyiv")
        == "every 6 hours from 08:30 Europe/Kyiv"
    )
    assert read("every-12h") == "every 12 hours from 09:00 UTC"
    assert read("daily", at="18:05", timezone="Europe/Moscow") == "daily at 18:05 Europe/Moscow"
    assert read("weekly", weekday=6) == "weekly on Sundays at 09:00 UTC"
