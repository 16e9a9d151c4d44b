"""Digest subscriptions and their delivery ledger, as the store holds them (DESIGN.md §2, §5).

A subscription says where and when a channel gets its digest; the ledger has one row per
(subscription, slot), so a slot is delivered once however many schedulers race for it.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import BaseModel, ConfigDict, Field, field_validator

Frequency = Literal["hourly", "every-6h", "every-12h", "daily", "weekly"]
FREQUENCIES: tuple[Frequency, ...] = ("hourly", "every-6h", "every-12h", "daily", "weekly")
SubscriptionState = Literal["active", "paused"]
DeliveryState = Literal["pending", "sent", "skipped", "failed"]
MAX_TOPICS = 10


@functools.cache
def zone_names() -> frozenset[str]:
    return frozenset(available_timezones())  # reads the whole database: once


def zone(name: str) -> ZoneInfo:
    """An IANA time zone by name; ValueError for anything else (no local-time guessing)."""
    if name not in zone_names():
        raise ValueError(f"`{name[:60]}` is not an IANA time zone name (such as Europe/Kyiv)")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"`{name[:60]}` is not an IANA time zone name") from None


class Schedule(BaseModel):
    """When a channel's digest falls due: a frequency, a local time and a time zone."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    frequency: Frequency = "daily"
    at: dt.time = dt.time(9, 0)  # local; hourly uses only its minute
    timezone: str = "UTC"
    weekday: int = Field(default=0, ge=0, le=6)  # weekly: 0 = Monday

    @field_validator("timezone")
    @classmethod
    def _iana(cls, value: str) -> str:
        zone(value)
        return value

    @field_validator("at")
    @classmethod
    def _minutes(cls, value: dt.time) -> dt.time:
        return value.replace(second=0, microsecond=0, tzinfo=None)


class Subscription(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: int
    guild_id: int
    channel_id: int
    schedule: Schedule
    topics: tuple[str, ...] = Field(default=(), max_length=MAX_TOPICS)  # empty: every topic
    only_when_changed: bool = False
    state: SubscriptionState = "active"
    pause_reason: str | None = None
    marker: int = 0  # the last revision id a delivered digest covered
    created_by: int
    created_at: dt.datetime


class Delivery(BaseModel):
    """One (subscription, slot) in the ledger."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    subscription_id: int
    slot: dt.datetime  # the scheduled time, in UTC
    nonce: str
    state: DeliveryState = "pending"
    message_ids: tuple[int, ...] = ()
    attempts: int = 0
    last_error: str | None = None
    claimed_by: str | None = None  # the process delivering it (`briefing.owners`)
    claimed_at: dt.datetime | None = None


WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def describe(schedule: Schedule) -> str:
    """A schedule as an admin reads it: "daily at 09:00 Europe/Kyiv", "hourly at :15"."""
    at, zone_name = f"{schedule.at:%H:%M}", schedule.timezone
    match schedule.frequency:
        case "hourly":
            return f"hourly at :{schedule.at:%M}"
        case "every-6h" | "every-12h":
            hours = schedule.frequency.removeprefix("every-").removesuffix("h")
            return f"every {hours} hours from {at} {zone_name}"
        case "weekly":
            return f"weekly on {WEEKDAY_NAMES[schedule.weekday]}s at {at} {zone_name}"
        case _:
            return f"daily at {at} {zone_name}"


def slot_nonce(subscription_id: int, slot: dt.datetime, part: int = 0) -> str:
    """Discord's message nonce for one message of a slot's digest: the same on every attempt
    and in every process, so Discord itself drops a second post of it (`enforce_nonce`).
    At most 25 characters, as Discord allows."""
    key = f"{subscription_id}:{slot.astimezone(dt.UTC).isoformat()}:{part}"
    return hashlib.sha256(key.encode()).hexdigest()[:25]
