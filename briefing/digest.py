"""What a digest says (DESIGN.md §5): still disputed, changed since the last digest, stale.

Composition only, over models: no I/O and no rendering (`briefing.render.digest` draws it).
Attribution comes from stances alone: a disputed claim names who asserts or confirms it and
who disputes or denies it, and it is "disputed since" the earliest *dated* dispute or denial
on record; nothing is inferred from when an editor changed the status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeGuard

from briefing.models import QUIET_FIELDS, Claim, EventDate, Revision, Stance, StanceKind

# A claim last verified (or, never re-verified, added) this long ago is listed as stale.
STALE_AFTER = dt.timedelta(days=30)

ChangeKind = Literal["new", "reverted", "retired", "restored", "status", "edit", "stance", "source"]
# Fields whose change is a correction or edit of what the claim says.
EDIT_FIELDS = ("statement", "topic", "figure", "event_date")
CLAIMANT_KINDS: tuple[StanceKind, ...] = ("asserts", "confirms")
DISPUTER_KINDS: tuple[StanceKind, ...] = ("disputes", "denies")


@dataclass(frozen=True)
class DisputedEntry:
    """A disputed claim: who claims it, who disputes it, and since when (from stances)."""

    claim: Claim
    claimants: tuple[Stance, ...]  # asserts or confirms
    disputers: tuple[Stance, ...]  # disputes or denies
    since: EventDate | None  # the earliest dated dispute or denial; None if none is dated


@dataclass(frozen=True)
class ChangeNote:
    """One revision as a reader hears of it: what kinds of change, and the readable diff."""

    kinds: tuple[ChangeKind, ...]
    at: dt.datetime
    revision_id: int
    version: int
    diff: dict[str, Any]  # the revision's diff without bookkeeping fields


@dataclass(frozen=True)
class ChangedClaim:
    """Every change to one claim since the last digest, newest first."""

    claim_id: str
    claim: Claim | None  # as it reads now (None if the caller did not have it)
    notes: tuple[ChangeNote, ...]

    @property
    def kinds(self) -> tuple[ChangeKind, ...]:
        """Every kind of change, once each, newest first."""
        return tuple(dict.fromkeys(k for n in self.notes for k in n.kinds))

    @property
    def is_new(self) -> bool:
        return any("new" in n.kinds for n in self.notes)


@dataclass(frozen=True)
class Digest:
    disputed: tuple[DisputedEntry, ...]
    changed: tuple[ChangedClaim, ...]  # newest change first
    stale: tuple[Claim, ...]  # longest unverified first
    since: dt.datetime | None  # when the last digest went out, if there was one
    now: dt.datetime
    topics: tuple[str, ...] = ()  # empty: every topic

    @property
    def has_changes(self) -> bool:
        """Whether anything changed since the last digest (for `only_when_changed`)."""
        return bool(self.changed)

    @property
    def is_empty(self) -> bool:
        return not (self.disputed or self.changed or self.stale)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def last_verified(claim: Claim) -> dt.datetime:
    """When the claim was last verified: its review, else when it was added."""
    return _aware(claim.reviewed_at or claim.created_at)


def is_stale(claim: Claim, now: dt.datetime, after: dt.timedelta = STALE_AFTER) -> bool:
    """A live claim (neither retired nor superseded) not re-verified for `after` or more."""
    if claim.retired_at is not None or claim.status == "superseded":
        return False
    return _aware(now) - last_verified(claim) >= after


def stale_claims(
    claims: Iterable[Claim], now: dt.datetime, after: dt.timedelta = STALE_AFTER
) -> list[Claim]:
    """The stale claims among `claims`, longest unverified first (then by id)."""
    found = [c for c in claims if is_stale(c, now, after)]
    return sorted(found, key=lambda c: (last_verified(c), c.id))


def disputed_entry(claim: Claim) -> DisputedEntry:
    disputers = tuple(claim.who(*DISPUTER_KINDS))
    claimants = tuple(claim.who(*CLAIMANT_KINDS))
    return DisputedEntry(claim, claimants, disputers, claim.disputed_since())


def _pair(change: Any) -> TypeGuard[list[Any] | tuple[Any, ...]]:
    return isinstance(change, list | tuple) and len(change) == 2


def is_creation(revision: Revision) -> bool:
    """A claim's first revision: added by an editor, by an import or by the seed."""
    created = revision.diff.get("id")
    return revision.kind == "create" or (_pair(created) and created[0] is None)


def note_for(revision: Revision) -> ChangeNote | None:
    """How a revision reads in a digest; None when it changes nothing a reader sees (a
    re-verification, say)."""
    diff = {k: v for k, v in revision.diff.items() if k not in QUIET_FIELDS and _pair(v)}
    kinds: list[ChangeKind] = []
    if is_creation(revision):
        kinds.append("new")
    else:
        if revision.kind == "revert":
            kinds.append("reverted")
        if "retired_at" in diff:
            old, new = diff["retired_at"]
            kinds.append("retired" if new is not None and old is None else "restored")
        if "status" in diff or "superseded_by" in diff:
            kinds.append("status")
        if any(f in diff for f in EDIT_FIELDS):
            kinds.append("edit")
        if "stances" in diff:
            kinds.append("stance")
        if "sources" in diff:
            kinds.append("source")
    if not kinds:
        return None
    return ChangeNote(tuple(kinds), revision.at, revision.id, revision.version, diff)


def _topics_touched(claim: Claim | None, revisions: Sequence[Revision]) -> set[str]:
    """The claim's topic now, and any topic it moved from or to: a subscriber to the old
    topic hears that it moved away."""
    found = {claim.topic} if claim else set()
    for r in revisions:
        moved = r.diff.get("topic")
        if _pair(moved):
            found.update(t for t in moved if isinstance(t, str))
    return found


def group_changes(
    changes: Iterable[Revision], claims_by_id: Mapping[str, Claim], topics: Sequence[str] = ()
) -> list[ChangedClaim]:
    """Revisions grouped per claim, newest first, each claim's notes newest first."""
    by_claim: dict[str, list[Revision]] = {}
    for r in {r.id: r for r in changes}.values():
        by_claim.setdefault(r.claim_id, []).append(r)
    out = []
    for claim_id, revisions in by_claim.items():
        claim = claims_by_id.get(claim_id)
        if topics and not _topics_touched(claim, revisions) & set(topics):
            continue
        revisions.sort(key=lambda r: r.id, reverse=True)
        notes = tuple(n for r in revisions if (n := note_for(r)) is not None)
        if notes:
            out.append(ChangedClaim(claim_id, claim, notes))
    out.sort(key=lambda c: c.notes[0].revision_id, reverse=True)
    return out


def _in_topics(claim: Claim, topics: Sequence[str]) -> bool:
    return not topics or claim.topic in topics


def _unique(claims: Iterable[Claim]) -> list[Claim]:
    return list({c.id: c for c in claims}.values())


def _dispute_order(entry: DisputedEntry) -> tuple[int, dt.date, str]:
    # Longest disputed first; a dispute with no date on record after every dated one.
    since = entry.since
    return (0, since.value, entry.claim.id) if since else (1, dt.date.max, entry.claim.id)


def compose(
    claims_disputed: list[Claim],
    changes: list[Revision],
    claims_by_id: Mapping[str, Claim],
    stale: list[Claim],
    *,
    since: dt.datetime | None,
    now: dt.datetime,
    topics: tuple[str, ...],
) -> Digest:
    """A digest for the subscribed `topics` (empty: all).

    `claims_disputed`: the disputed claims (only live claims with status "disputed" count);
    `changes`: the revisions after the subscription's marker; `claims_by_id`: the changed
    claims as they read now; `stale`: candidates for the freshness section (the stale ones
    are picked here with `stale_claims`, so passing every claim is fine); `since`: when the
    last digest went out (None before the first).
    """
    disputed = [
        disputed_entry(c)
        for c in _unique(claims_disputed)
        if c.status == "disputed" and c.retired_at is None and _in_topics(c, topics)
    ]
    return Digest(
        disputed=tuple(sorted(disputed, key=_dispute_order)),
        changed=tuple(group_changes(changes, claims_by_id, topics)),
        stale=tuple(stale_claims((c for c in _unique(stale) if _in_topics(c, topics)), now)),
        since=since,
        now=now,
        topics=topics,
    )
