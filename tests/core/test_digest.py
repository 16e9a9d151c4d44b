"""What a digest says: who disputes what and since when, what changed, what is stale."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from briefing.digest import (
    STALE_AFTER,
    compose,
    is_stale,
    last_verified,
    note_for,
    stale_claims,
)
from briefing.editorial import Desk
from briefing.models import Actor, Claim, ClaimDraft, Revision, RevisionKind, claim_diff
from briefing.store import Store

from .conftest import EDITOR, changed, draft

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
_ids = itertools.count(1)


def stored(base: ClaimDraft, **fields: Any) -> Claim:
    data = {
        "version": 1,
        "created_at": NOW,
        "updated_at": NOW,
        "changed_at": NOW,
        "reviewed_at": NOW,
    } | fields
    return Claim(**changed(base).editable() | data)


def party(name: str, stance: str, date: str | None = None) -> dict[str, Any]:
    return {"actor": {"name": name, "kind": "government"}, "stance": stance, "date": date}


def revision(
    before: ClaimDraft | None, after: ClaimDraft, kind: RevisionKind, version: int = 2
) -> Revision:
    return Revision(
        id=next(_ids),
        claim_id=after.id,
        version=version if before else 1,
        editor_id=EDITOR.id,
        editor_name=EDITOR.name,
        at=NOW,
        kind=kind,
        diff=claim_diff(before, after),
    )


def only_changes(revisions: list[Revision], claims: list[Claim], **kw: Any) -> Any:
    return compose(
        [], revisions, {c.id: c for c in claims}, [], since=None, now=NOW, topics=kw.get("t", ())
    )


# -- still disputed ---------------------------------------------------------------------------


def test_a_disputed_claim_names_both_sides_and_since_from_its_stances() -> None:
    claim = stored(
        draft(
            "c-contested",
            status="disputed",
            stances=[
                party("Moscow", "asserts", "2025-01-01"),
                party("Pyongyang", "confirms"),
                party("Kyiv", "disputes", "2025-03-05"),
                party("Seoul", "denies", "2025-02"),
                party("Beijing", "declines_to_say", "2024-01-01"),
            ],
        ),
        updated_at=NOW,  # when the status changed says nothing about since when
    )
    digest = compose([claim], [], {}, [], since=None, now=NOW, topics=())
    [entry] = digest.disputed
    assert [s.actor.name for s in entry.claimants] == ["Moscow", "Pyongyang"]
    assert [s.actor.name for s in entry.disputers] == ["Kyiv", "Seoul"]
    assert entry.since is not None
    assert (entry.since.value, entry.since.precision) == (dt.date(2025, 2, 1), "month")


def test_an_undated_dispute_has_no_since_and_order_puts_it_last() -> None:
    undated = stored(draft("c-undated", status="disputed"))  # Party 2 disputes, no date
    old = stored(
        draft(
            "c-old",
            status="disputed",
            stances=[party("A", "asserts"), party("B", "disputes", "2020-05-01")],
        )
    )
    digest = compose([undated, old, old], [], {}, [], since=None, now=NOW, topics=())
    assert [e.claim.id for e in digest.disputed] == ["c-old", "c-undated"]
    assert digest.disputed[1].since is None


def test_only_live_disputed_claims_are_listed() -> None:
    reported = stored(draft("c-reported"))
    retired = stored(draft("c-retired", status="disputed"), retired_at=NOW)
    digest = compose([reported, retired], [], {}, [], since=None, now=NOW, topics=())
    assert digest.disputed == ()


# -- changed since the last digest --------------------------------------------------------


def test_each_kind_of_revision_reads_as_its_kind_of_change() -> None:
    base = draft("c-one")
    disputed = changed(
        base, status="disputed", stances=[*base.model_dump()["stances"], party("K", "disputes")]
    )
    cases: list[tuple[ClaimDraft | None, ClaimDraft, RevisionKind, tuple[str, ...]]] = [
        (None, base, "create", ("new",)),
        (None, base, "import", ("new",)),
        (base, changed(base, statement="Corrected."), "update", ("edit",)),
        (base, changed(base, topic="beta"), "import", ("edit",)),
        (base, changed(base, status="confirmed"), "status", ("status",)),
        (base, disputed, "stance", ("status", "stance")),
        (
            base,
            changed(base, sources=[{"outlet": "Wire"}, {"outlet": "Two"}]),
            "source",
            ("source",),
        ),
        (base, changed(base, retired_at=NOW), "retire", ("retired",)),
        (changed(base, retired_at=NOW), base, "revert", ("reverted", "restored")),
        (changed(base, statement="Wrong."), base, "revert", ("reverted", "edit")),
    ]
    for before, after, kind, expected in cases:
        note = note_for(revision(before, after, kind))
        assert note is not None and note.kinds == expected, (kind, note)
        assert "id" not in note.diff and "reviewed_at" not in note.diff


def test_a_re_verification_alone_is_not_a_change() -> None:
    base = draft("c-one")
    review = revision(base, changed(base, reviewed_at=NOW), "review")
    assert note_for(review) is None
    digest = only_changes([review], [stored(base)])
    assert digest.changed == () and not digest.has_changes


def test_changes_collapse_per_claim_newest_first() -> None:
    one, two = draft("c-one"), draft("c-two")
    edited = changed(one, statement="Edited.")
    revisions = [
        revision(None, one, "create"),
        revision(None, two, "create"),
        revision(one, edited, "update"),
        revision(edited, changed(edited, status="confirmed"), "status", 3),
        revision(two, changed(two, retired_at=NOW), "retire"),
    ]
    digest = only_changes(revisions, [stored(one), stored(two)])
    assert digest.has_changes
    assert [c.claim_id for c in digest.changed] == ["c-two", "c-one"]
    first, second = digest.changed
    assert [n.kinds for n in first.notes] == [("retired",), ("new",)]
    assert [n.kinds for n in second.notes] == [("status",), ("edit",), ("new",)]
    assert second.kinds == ("status", "edit", "new") and second.is_new
    assert second.claim == stored(one)
    # A revision passed twice counts once; a claim the caller did not have still shows.
    again = only_changes([*revisions, revisions[2]], [])
    assert [len(c.notes) for c in again.changed] == [2, 3]
    assert all(c.claim is None for c in again.changed)


# -- topics, freshness, nothing at all -------------------------------------------------------


def test_topics_filter_every_section_and_a_move_away_is_still_news() -> None:
    alpha = draft("c-alpha", status="disputed")
    beta = draft("c-beta", topic="beta", status="disputed")
    moved = draft("c-moved", topic="beta")
    claims = [stored(alpha), stored(beta), stored(moved, reviewed_at=None)]
    revisions = [
        revision(None, alpha, "create"),
        revision(None, beta, "create"),
        revision(changed(moved, topic="alpha"), moved, "update"),
    ]
    by_id = {c.id: c for c in claims}
    every = compose(claims, revisions, by_id, claims, since=None, now=NOW, topics=())
    assert {e.claim.id for e in every.disputed} == {"c-alpha", "c-beta"}
    digest = compose(claims, revisions, by_id, claims, since=None, now=NOW, topics=("alpha",))
    assert [e.claim.id for e in digest.disputed] == ["c-alpha"]
    assert [c.claim_id for c in digest.changed] == ["c-moved", "c-alpha"]
    assert digest.stale == ()  # c-moved is stale-free (added now) and in beta anyway
    later = NOW + STALE_AFTER
    digest = compose([], [], {}, claims, since=None, now=later, topics=("beta",))
    assert [c.id for c in digest.stale] == ["c-beta", "c-moved"]


def test_stale_means_30_days_unverified_and_live() -> None:
    def aged(claim_id: str, days: float, **fields: Any) -> Claim:
        return stored(draft(claim_id), reviewed_at=NOW - dt.timedelta(days=days), **fields)

    fresh = aged("c-fresh", 29.9)
    edge = aged("c-edge", 30)
    oldest = aged("c-oldest", 400)
    never = stored(draft("c-never"), reviewed_at=None, created_at=NOW - dt.timedelta(days=45))
    new = stored(draft("c-new"), reviewed_at=None, created_at=NOW - dt.timedelta(days=2))
    retired = aged("c-retired", 90, retired_at=NOW)
    superseded = stored(
        draft("c-gone", status="superseded", superseded_by="c-fresh"),
        reviewed_at=NOW - dt.timedelta(days=90),
    )
    naive = aged("c-naive", 60, created_at=dt.datetime(2020, 1, 1))
    claims = [fresh, edge, oldest, never, new, retired, superseded, naive]
    assert [c.id for c in stale_claims(claims, NOW)] == ["c-oldest", "c-naive", "c-never", "c-edge"]
    assert last_verified(never) == never.created_at
    assert not is_stale(fresh, NOW) and is_stale(fresh, NOW, dt.timedelta(days=1))
    digest = compose([], [], {}, claims, since=None, now=NOW, topics=())
    assert [c.id for c in digest.stale] == ["c-oldest", "c-naive", "c-never", "c-edge"]


def test_an_empty_store_makes_an_empty_digest() -> None:
    digest = compose([], [], {}, [], since=NOW, now=NOW, topics=("alpha",))
    assert digest.is_empty and not digest.has_changes
    assert (digest.since, digest.now, digest.topics) == (NOW, NOW, ("alpha",))


# -- on a real store, with the editorial desk ------------------------------------------------


async def test_a_real_week_of_edits_reads_as_its_changes(topic_store: Store) -> None:
    desk = Desk(topic_store)
    await topic_store.create_claim(draft("c-kept"), EDITOR)
    await topic_store.create_claim(draft("c-quiet"), EDITOR)
    marker = max([r.id for r in await topic_store.history("c-quiet")])

    await topic_store.create_claim(draft("c-new"), EDITOR)
    kyiv = Actor(name="Kyiv", kind="government", country="Ukraine")
    await desk.add_stance(
        "c-kept", kyiv, "disputes", EDITOR, date="2025-03-01", status="disputed", reason="Kyiv"
    )
    await desk.add_source("c-kept", "Second Wire", EDITOR, url="https://example.com/two")
    await desk.review("c-quiet", EDITOR)
    await desk.retire("c-new", EDITOR, reason="duplicate")
    await desk.revert("c-new", 1, EDITOR)

    claims = await topic_store.export_claims()
    revisions = [r for c in claims for r in await topic_store.history(c.id) if r.id > marker]
    disputed = [c for c in claims if c.status == "disputed"]
    by_id = {c.id: c for c in claims}
    now = dt.datetime.now(dt.UTC)
    digest = compose(disputed, revisions, by_id, claims, since=NOW, now=now, topics=("alpha",))

    assert [(c.claim_id, [n.kinds for n in c.notes]) for c in digest.changed] == [
        ("c-new", [("reverted", "restored"), ("retired",), ("new",)]),
        ("c-kept", [("source",), ("status", "stance")]),
    ]
    [entry] = digest.disputed
    assert [s.actor.name for s in entry.claimants] == ["Party 1"]
    assert [s.actor.name for s in entry.disputers] == ["Kyiv"]
    assert entry.since is not None and entry.since.value == dt.date(2025, 3, 1)
    assert digest.has_changes and digest.stale == ()
    quiet = compose([], revisions, by_id, [], since=NOW, now=now, topics=("beta",))
    assert not quiet.has_changes
