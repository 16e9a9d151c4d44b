"""The briefing's data model: topics, attributed claims, and their revision history.

Size limits here are chosen so that any claim the store can hold renders inside one embed
page (see `briefing.render.cards`); the renderer still truncates defensively. Nothing here
renders: models are what the store holds and every other layer reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Self

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from briefing.dates import EventDate as EventDate  # re-exported: dates are part of the model
from briefing.model_text import STORED as STORED  # re-exported: read back from the store
from briefing.model_text import _Frozen, _no_blank
from briefing.model_text import is_web_url as is_web_url
from briefing.model_text import plain_text as plain_text

Status = Literal["confirmed", "reported", "disputed", "denied", "false", "superseded"]
STATUSES: tuple[Status, ...] = (
    "confirmed",
    "reported",
    "disputed",
    "denied",
    "false",
    "superseded",
)
StanceKind = Literal["asserts", "confirms", "denies", "disputes", "declines_to_say"]
STANCE_KINDS: tuple[StanceKind, ...] = (
    "asserts",
    "confirms",
    "denies",
    "disputes",
    "declines_to_say",
)
ActorKind = Literal["government", "military", "intelligence", "media", "observer"]
RevisionKind = Literal[
    "create", "update", "status", "stance", "source", "retire", "revert", "import", "review"
]

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# Discord command names: lowercase, 1-32 chars, letters/digits/-/_.
COMMAND_PATTERN = r"^[a-z0-9_-]{1,32}$"

# Languages curated text can be translated into, besides English (the briefing's own).
Lang = Literal["ko", "uk", "ru"]
LANGS: tuple[Lang, ...] = ("ko", "uk", "ru")
# A topic's key claims lead its briefing; a few, or they stop being key.
MAX_KEY_CLAIMS = 3
# Discord's localized command names: lowercase letters of any script, digits, - and _.
LOCAL_COMMAND_PATTERN = r"^[-_\w]{1,32}$"

MAX_STATEMENT = 300
MAX_QUOTE = 300
MAX_STANCES = 8
MAX_SOURCES = 5


class Actor(_Frozen):
    name: str = Field(min_length=1, max_length=100)
    kind: ActorKind
    country: str | None = Field(default=None, max_length=60)

    _blank = field_validator("name")(_no_blank)


class Source(_Frozen):
    outlet: str = Field(min_length=1, max_length=100)
    title: str | None = Field(default=None, max_length=200)
    url: str | None = Field(default=None, max_length=500)
    published: dt.date | None = None

    _blank = field_validator("outlet")(_no_blank)

    @field_validator("url")
    @classmethod
    def _absolute_url(cls, value: str | None) -> str | None:
        # Discord rejects relative embed URLs; an unusable link is refused at the door.
        if value is not None and not is_web_url(value):
            raise ValueError("must be an absolute http(s) URL with a host")
        return value


class Stance(_Frozen):
    """Who said what about a claim, and when."""

    actor: Actor
    stance: StanceKind
    date: EventDate | None = None
    quote: str | None = Field(default=None, max_length=MAX_QUOTE)
    source: Source | None = None


class Figure(_Frozen):
    """An estimate as a range: 10,000-12,000 troops. `low == high` for a point figure."""

    low: int = Field(ge=0, le=10**12)
    high: int = Field(ge=0, le=10**12)
    unit: str = Field(min_length=1, max_length=40)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.high < self.low:
            raise ValueError("high must not be below low")
        return self


class TopicTranslation(_Frozen):
    """A topic in another language. `machine`: machine-assisted, not yet reviewed."""

    title: str = Field(min_length=1, max_length=100)
    summary: str = Field(min_length=1, max_length=400)
    command: str | None = Field(default=None, pattern=LOCAL_COMMAND_PATTERN)
    machine: bool = False

    _blank = field_validator("title", "summary")(_no_blank)

    @field_validator("command")
    @classmethod
    def _lowercase(cls, value: str | None) -> str | None:
        if value is not None and value != value.lower():
            raise ValueError("a command name must be lowercase")
        return value


class ClaimTranslation(_Frozen):
    """A claim's statement in another language. `machine`: machine-assisted, not yet
    reviewed by an editor."""

    statement: str = Field(min_length=1, max_length=MAX_STATEMENT)
    machine: bool = False

    _blank = field_validator("statement")(_no_blank)


class Topic(_Frozen):
    slug: str = Field(min_length=1, max_length=24, pattern=SLUG_PATTERN)
    title: str = Field(min_length=1, max_length=100)
    summary: str = Field(min_length=1, max_length=400)
    command: str | None = Field(default=None, pattern=COMMAND_PATTERN)
    position: int = 0
    # Claims an editor pinned to lead the topic's briefing, in order.
    key_claims: tuple[str, ...] = Field(default=(), max_length=MAX_KEY_CLAIMS)
    translations: dict[Lang, TopicTranslation] = Field(default_factory=dict)

    _blank = field_validator("title", "summary")(_no_blank)

    @field_validator("key_claims")
    @classmethod
    def _distinct(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("a key claim is listed twice")
        return value

    def text(self, lang: str) -> TopicTranslation | None:
        """The topic in `lang`, if it has been translated into it."""
        return next((t for code, t in self.translations.items() if code == lang), None)


class ClaimDraft(_Frozen):
    """The editable content of a claim: what a curator writes."""

    id: str = Field(min_length=2, max_length=64, pattern=SLUG_PATTERN)
    topic: str = Field(min_length=1, max_length=24, pattern=SLUG_PATTERN)
    statement: str = Field(min_length=1, max_length=MAX_STATEMENT)
    status: Status
    stances: tuple[Stance, ...] = Field(default=(), max_length=MAX_STANCES)
    figure: Figure | None = None
    event_date: EventDate | None = None
    sources: tuple[Source, ...] = Field(default=(), max_length=MAX_SOURCES)
    reviewed_at: dt.datetime | None = None
    superseded_by: str | None = Field(default=None, max_length=64, pattern=SLUG_PATTERN)
    # Withdrawn from the briefing: kept, with its history, but no longer listed or searched.
    retired_at: dt.datetime | None = None
    translations: dict[Lang, ClaimTranslation] = Field(default_factory=dict)

    _blank = field_validator("statement")(_no_blank)

    @field_validator("reviewed_at", "retired_at")
    @classmethod
    def _aware(cls, value: dt.datetime | None) -> dt.datetime | None:
        return value.replace(tzinfo=dt.UTC) if value and value.tzinfo is None else value

    @model_validator(mode="after")
    def _superseded_consistent(self) -> Self:
        if self.status == "superseded" and not self.superseded_by:
            raise ValueError("a superseded claim needs superseded_by")
        if self.superseded_by and self.status != "superseded":
            raise ValueError("superseded_by is only for a superseded claim")
        if self.superseded_by == self.id:
            raise ValueError("a claim cannot supersede itself")
        return self

    def who(self, *kinds: StanceKind) -> list[Stance]:
        return [s for s in self.stances if s.stance in kinds]

    def disputed_since(self) -> EventDate | None:
        """The earliest dated denial or dispute: how long the claim has been contested."""
        dates = [s.date for s in self.who("disputes", "denies") if s.date]
        return min(dates, key=lambda d: d.value) if dates else None

    def editable(self) -> dict[str, Any]:
        """The editable fields (a `Claim` carries bookkeeping besides)."""
        return {name: getattr(self, name) for name in ClaimDraft.model_fields}

    def placed_by(self) -> Stance | None:
        """The stance that places an undated claim in time: the first dated one that
        asserts or confirms it, else the first that contests it (a claim is not placed by
        someone declining to say)."""
        for kinds in (("asserts", "confirms"), ("disputes", "denies")):
            dated = [s for s in self.stances if s.stance in kinds and s.date is not None]
            if dated:
                return min(dated, key=lambda s: s.date.sort_key() if s.date else "")
        return None

    def placed_at(self) -> tuple[EventDate, bool] | None:
        """Where the claim sits in time, and whether that is only when it was *said*: its
        event date if a source gives one, else the date of the stance that places it."""
        if self.event_date is not None:
            return self.event_date, False
        stance = self.placed_by()
        return (stance.date, True) if stance and stance.date else None

    def timeline_key(self) -> str | None:
        placed = self.placed_at()
        return placed[0].sort_key() if placed else None

    def statement_in(self, lang: str) -> ClaimTranslation | None:
        """The statement in `lang`, if it has been translated into it."""
        return next((t for code, t in self.translations.items() if code == lang), None)


class Claim(ClaimDraft):
    """A stored claim: the draft plus the bookkeeping the store maintains."""

    version: int = Field(ge=1)
    created_at: dt.datetime
    updated_at: dt.datetime
    # When what it says last changed (says_something_new), which the store keeps: an
    # editor's addition or change moves it; a review or a translation does not.
    changed_at: dt.datetime


# Bookkeeping: a change of these alone does not change what a claim says (a
# re-verification, a translation, the id set at creation). Digests do not report it, and a
# claim's `changed_at` stays where it was.
QUIET_FIELDS = ("reviewed_at", "id", "translations")


def says_something_new(diff: Mapping[str, Any]) -> bool:
    """Whether a revision's diff changes what the claim says."""
    return any(field not in QUIET_FIELDS for field in diff)


def changed_after(before: Claim, diff: Mapping[str, Any], now: dt.datetime) -> dt.datetime:
    """A claim's `changed_at` once a revision with `diff` is written at `now`."""
    return now if says_something_new(diff) else before.changed_at


def first_changed(draft: ClaimDraft, written: dt.datetime) -> dt.datetime:
    """When a claim loaded from a curated file changed, as a member would mean it: when its
    newest dated source or stance says it did. The time it was loaded into this database
    means nothing to a reader."""
    dated = [s.published for s in draft.sources if s.published]
    dated += [s.source.published for s in draft.stances if s.source and s.source.published]
    # Only whole days: "April 2025" says nothing of which day in April.
    dated += [s.date.value for s in draft.stances if s.date and s.date.precision == "day"]
    if not dated:
        return written
    # Noon UTC of that day, or the load itself for a source dated today.
    return min(dt.datetime.combine(max(dated), dt.time(12), tzinfo=dt.UTC), written)


@dataclass(frozen=True)
class Editor:
    """Who made a change: a Discord user, or a tool such as the seed loader."""

    id: int | None
    name: str


def claim_diff(before: ClaimDraft | None, after: ClaimDraft) -> dict[str, Any]:
    """Changed fields as {field: [old, new]} in JSON form (old is null on create)."""
    new = after.model_dump(mode="json", include=set(ClaimDraft.model_fields))
    old = before.model_dump(mode="json", include=set(ClaimDraft.model_fields)) if before else {}
    return {k: [old.get(k), v] for k, v in new.items() if old.get(k) != v}


class Revision(_Frozen):
    """One append-only entry in a claim's history. A revert is a new revision."""

    id: int
    claim_id: str
    version: int
    editor_id: int | None
    editor_name: str
    at: dt.datetime
    kind: RevisionKind
    diff: dict[str, Any]
    reason: str | None = None


CorrectionStatus = Literal["open", "accepted", "rejected"]
MAX_CORRECTION = 1000


class Correction(_Frozen):
    """A member's suggested correction to a claim, and what the editors made of it."""

    id: int
    claim_id: str | None
    text: str = Field(min_length=1, max_length=MAX_CORRECTION)
    source_url: str | None = Field(default=None, max_length=500)
    author_id: int
    author_name: str
    status: CorrectionStatus = "open"
    handled_by_id: int | None = None
    handled_by_name: str | None = None
    reason: str | None = None
    created_at: dt.datetime
    handled_at: dt.datetime | None = None

    _blank = field_validator("text")(_no_blank)

    @field_validator("source_url")
    @classmethod
    def _web(cls, value: str | None) -> str | None:
        if value is not None and not is_web_url(value):
            raise ValueError("must be an absolute http(s) URL with a host")
        return value


class TopicRevision(_Frozen):
    id: int
    slug: str
    editor_id: int | None
    editor_name: str
    at: dt.datetime
    diff: dict[str, Any]
    reason: str | None = None


class StatusCount(_Frozen):
    status: Status
    count: int


@dataclass(frozen=True)
class Briefing:
    """A whole briefing as a curated file holds it: its topics, then its claims."""

    topics: tuple[Topic, ...]
    claims: tuple[ClaimDraft, ...]
