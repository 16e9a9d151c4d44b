"""What an import would change, worked out before anything is written.

Pure: computed from the parsed file and the store's current export, so the same function
serves the dry run an editor reads and the check the store repeats inside its write
transaction. An import adds and updates; it never deletes (claims the file does not mention
stay as they are).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from briefing.errors import InvalidInput
from briefing.integrity import check_claim, successor_breach
from briefing.models import Briefing, ClaimDraft, Topic, claim_diff


@dataclass(frozen=True)
class Change:
    """One topic (by slug) or claim (by id) that exists and would change, and which fields."""

    key: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class ImportPlan:
    topics_added: tuple[str, ...] = ()
    topics_changed: tuple[Change, ...] = ()
    topics_unchanged: int = 0
    claims_added: tuple[str, ...] = ()
    claims_changed: tuple[Change, ...] = ()
    claims_unchanged: int = 0
    # In the store, absent from the file: kept as they are.
    not_in_file: tuple[str, ...] = ()

    @property
    def changes_anything(self) -> bool:
        return bool(
            self.topics_added or self.topics_changed or self.claims_added or self.claims_changed
        )

    def summary_lines(self, *, limit: int = 10) -> list[str]:
        """Plain lines for a message or a terminal: counts first, then the ids (at most
        `limit` per line). Ids and slugs are validated slugs, so they are safe to show."""
        lines = [
            f"Claims: {len(self.claims_added)} added, {len(self.claims_changed)} changed, "
            f"{self.claims_unchanged} unchanged.",
            f"Topics: {len(self.topics_added)} added, {len(self.topics_changed)} changed, "
            f"{self.topics_unchanged} unchanged.",
        ]
        if not self.changes_anything:
            lines.insert(0, "Nothing to change: the store already matches the file.")
        parts = [
            ("Added topics", list(self.topics_added)),
            ("Changed topics", [_changed(c) for c in self.topics_changed]),
            ("Added claims", list(self.claims_added)),
            ("Changed claims", [_changed(c) for c in self.claims_changed]),
            ("Kept, not in the file", list(self.not_in_file)),
        ]
        lines += [f"{label}: {_listed(items, limit)}" for label, items in parts if items]
        return lines


def _changed(change: Change) -> str:
    return f"{change.key} ({', '.join(change.fields)})"


def _listed(items: Sequence[str], limit: int) -> str:
    shown = "; ".join(items[:limit])
    return shown + (f"; and {len(items) - limit} more" if len(items) > limit else "")


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return value.astimezone(dt.UTC) if value is not None else None


def stored_form(draft: ClaimDraft) -> ClaimDraft:
    """The draft as the store will give it back: times in UTC. Compared in this form, a
    file with other UTC offsets is unchanged the second time it is applied."""
    return draft.model_copy(
        update={"reviewed_at": _utc(draft.reviewed_at), "retired_at": _utc(draft.retired_at)}
    )


def topic_fields(before: Topic, after: Topic) -> tuple[str, ...]:
    old, new = before.model_dump(), after.model_dump()
    return tuple(k for k in new if old[k] != new[k])


def _unique(values: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise InvalidInput(f"The file has the {what} `{value}` twice.")
        seen.add(value)


def plan_import(incoming: Briefing, current: Briefing) -> ImportPlan:
    """The plan for applying `incoming` over `current`; raises `InvalidInput` (or its
    `Breach`) if the result would break a rule, so nothing is applied."""
    _unique((t.slug for t in incoming.topics), "topic")
    _unique((c.id for c in incoming.claims), "claim id")
    old_topics = {t.slug: t for t in current.topics}
    old_claims = {c.id: stored_form(c) for c in current.claims}

    topics_added, topics_changed, topics_same = [], [], 0
    for topic in incoming.topics:
        if (before := old_topics.get(topic.slug)) is None:
            topics_added.append(topic.slug)
        elif fields := topic_fields(before, topic):
            topics_changed.append(Change(topic.slug, fields))
        else:
            topics_same += 1
    merged_topics = old_topics | {t.slug: t for t in incoming.topics}
    _unique((t.command for t in merged_topics.values() if t.command), "topic command")

    claims_added, claims_changed, claims_same = [], [], 0
    for claim in map(stored_form, incoming.claims):
        if claim.topic not in merged_topics:
            raise InvalidInput(f"Claim `{claim.id}`: there is no topic called `{claim.topic}`.")
        if (before_claim := old_claims.get(claim.id)) is None:
            check_claim(claim)
            claims_added.append(claim.id)
        elif diff := claim_diff(before_claim, claim):
            check_claim(claim)
            claims_changed.append(Change(claim.id, tuple(diff)))
        else:
            claims_same += 1
    _check_successors(incoming, old_claims)

    incoming_ids = {c.id for c in incoming.claims}
    return ImportPlan(
        topics_added=tuple(topics_added),
        topics_changed=tuple(topics_changed),
        topics_unchanged=topics_same,
        claims_added=tuple(claims_added),
        claims_changed=tuple(claims_changed),
        claims_unchanged=claims_same,
        not_in_file=tuple(i for i in old_claims if i not in incoming_ids),
    )


def _check_successors(incoming: Briefing, old_claims: dict[str, ClaimDraft]) -> None:
    """Successors over the store as it would be: the file's claims, and the stored claims
    that point into the file (a chain that changes must pass through one of those)."""
    merged = old_claims | {c.id: c for c in incoming.claims}
    successors = {i: c.superseded_by for i, c in merged.items()}
    retired = [i for i, c in merged.items() if c.retired_at is not None]
    incoming_ids = {c.id for c in incoming.claims}
    pointing_in = [
        c
        for i, c in old_claims.items()
        if i not in incoming_ids and c.superseded_by in incoming_ids
    ]
    for claim in [*incoming.claims, *pointing_in]:
        if breach := successor_breach(claim, successors, retired=retired):
            raise breach
