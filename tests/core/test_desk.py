"""The editorial desk over a real store: every change with its revision, conflicts that
name who and when, reverts, retirement, topics and suggestions."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from briefing.editorial import ClaimText, Desk
from briefing.errors import BriefingError, Conflict, Forbidden, InvalidInput, NotFound
from briefing.integrity import Breach
from briefing.models import Actor, Editor, claim_diff
from briefing.render.history import change_card, diff_lines, history_page
from briefing.store import Store
from tests.core.conftest import EDITOR

GRACE = Editor(7, "Grace")
OBSERVERS = Actor(name="Observers", kind="observer")


@pytest.fixture
def desk(seeded_store: Store) -> Desk:
    return Desk(seeded_store)


async def test_add_creates_a_reported_claim_with_its_party(desk: Desk) -> None:
    change = await desk.add(
        "nk-new-claim",
        ClaimText(statement="A new claim about troops.", topic="Troops"),
        OBSERVERS,
        EDITOR,
        said_on="28 April 2025",
        quote="we saw them",
        source_url="https://www.example.org/story",
    )
    claim = change.after
    assert (claim.status, claim.version, claim.topic) == ("reported", 1, "troops")
    (stance,) = claim.stances
    assert stance.actor == OBSERVERS and stance.stance == "asserts"
    assert stance.date is not None and stance.date.text() == "2025-04-28"
    assert claim.sources[0].outlet == "example.org" and claim.sources[0].title is None
    (revision,) = await desk.history("nk-new-claim")
    assert (revision.kind, revision.editor_name) == ("create", "Ada")


async def test_a_taken_id_and_an_unknown_topic_are_refused(desk: Desk) -> None:
    text = ClaimText(statement="Again.", topic="troops")
    with pytest.raises(Conflict, match="already exists"):
        await desk.add("kursk-recaptured", text, OBSERVERS, EDITOR)
    with pytest.raises(InvalidInput, match="no topic called `nowhere`"):
        await desk.add("new-one", ClaimText("Again.", "nowhere"), OBSERVERS, EDITOR)


async def test_an_edit_on_an_old_version_names_who_changed_it(desk: Desk) -> None:
    claim = await desk.claim("kursk-recaptured")
    text = ClaimText(statement="Russia says it retook Kursk.", topic="kursk")
    await desk.edit(claim.id, text, GRACE, based_on=claim.version)
    late = ClaimText(statement="Someone else's words.", topic="kursk")
    with pytest.raises(Conflict) as refused:
        await desk.edit(claim.id, late, EDITOR, based_on=claim.version)
    assert "changed by Grace at" in str(refused.value) and "now version 2" in str(refused.value)
    assert (await desk.claim(claim.id)).statement == "Russia says it retook Kursk."


async def test_concurrent_edits_lose_nothing(desk: Desk) -> None:
    """Many stance commands at once: each reads the newest version in its transaction."""
    parties = [Actor(name=f"Observer {n}", kind="observer") for n in range(6)]
    await asyncio.gather(
        *(desk.add_stance("kursk-recaptured", p, "disputes", EDITOR) for p in parties)
    )
    claim = await desk.claim("kursk-recaptured")
    assert {p.name for p in parties} <= {s.actor.name for s in claim.stances}
    assert [r.version for r in await desk.history(claim.id)] == list(range(1, 8))


async def test_status_must_agree_with_stances(desk: Desk) -> None:
    with pytest.raises(Breach, match="`kursk-recaptured`, field `status`"):
        await desk.set_status("kursk-recaptured", "confirmed", EDITOR, reason="sure")
    confirmer = Actor(name="Ukraine's General Staff", kind="military", country="Ukraine")
    change = await desk.add_stance(
        "kursk-recaptured", confirmer, "confirms", EDITOR, date="2025-05-01", status="confirmed"
    )
    assert change.after.status == "confirmed" and change.after.version == 2
    assert len(await desk.history("kursk-recaptured")) == 2  # one revision for both


async def test_a_stance_by_the_same_party_replaces_theirs(desk: Desk) -> None:
    before = await desk.claim("kursk-recaptured")
    gerasimov = next(s.actor for s in before.stances if s.actor.name.startswith("Valery"))
    change = await desk.add_stance(
        "kursk-recaptured", gerasimov, "asserts", EDITOR, quote="Kursk is liberated"
    )
    assert len(change.after.stances) == len(before.stances)
    assert any(s.quote == "Kursk is liberated" for s in change.after.stances)


async def test_revert_is_a_new_revision_with_the_old_content(desk: Desk) -> None:
    original = await desk.claim("treaty-signed")
    await desk.add_source("treaty-signed", "Example Wire", EDITOR, published="2025-04-29")
    await desk.review("treaty-signed", GRACE)
    reverted = await desk.revert("treaty-signed", 1, EDITOR, reason="undo")
    assert reverted.after.version == 4 and reverted.kind == "revert"
    assert reverted.after.sources == original.sources
    assert reverted.after.reviewed_at == original.reviewed_at
    history = await desk.history("treaty-signed")
    assert [r.kind for r in history] == ["import", "source", "review", "revert"]
    assert history[-1].reason == "undo"
    with pytest.raises(InvalidInput, match="has no version 9"):
        await desk.revert("treaty-signed", 9, EDITOR)
    with pytest.raises(InvalidInput, match="Nothing changed"):
        await desk.revert("treaty-signed", 4, EDITOR)


async def test_retire_hides_from_listings_and_search_but_keeps_the_claim(
    desk: Desk, seeded_store: Store
) -> None:
    assert [c.id for c in await seeded_store.search("combat experience")] == [
        "nk-troops-gained-experience"
    ]
    change = await desk.retire("nk-troops-gained-experience", EDITOR, reason="duplicate")
    assert change.after.retired_at is not None
    assert await seeded_store.search("combat experience") == []
    listed = await seeded_store.list_claims(topic="troops")
    assert "nk-troops-gained-experience" not in {c.id for c in listed}
    assert (await desk.claim("nk-troops-gained-experience")).retired_at is not None
    # Members' autocomplete no longer offers it; editors' still does (to see or revert it).
    assert await seeded_store.suggest_claims("nk-troops-gained") == []
    assert [i for i, _ in await desk.claim_choices("nk-troops-gained", 5)] == [
        "nk-troops-gained-experience"
    ]
    with pytest.raises(InvalidInput, match="already retired"):
        await desk.retire("nk-troops-gained-experience", EDITOR, reason="again")
    # A revert brings it back, to listings and search.
    await desk.revert("nk-troops-gained-experience", 1, EDITOR)
    assert [c.id for c in await seeded_store.search("combat experience")] == [
        "nk-troops-gained-experience"
    ]


async def test_superseded_needs_a_live_successor_and_no_cycle(desk: Desk) -> None:
    with pytest.raises(Breach, match="no claim `nope`"):
        await desk.retire("kursk-recaptured", EDITOR, reason="x", superseded_by="nope")
    await desk.retire(
        "ukraine-kursk-operation-continues", EDITOR, reason="x", superseded_by="kursk-recaptured"
    )
    with pytest.raises(Breach, match=r"cycle|retired"):
        await desk.set_status(
            "kursk-recaptured",
            "superseded",
            EDITOR,
            reason="x",
            superseded_by="ukraine-kursk-operation-continues",
        )


async def test_reasons_are_required_and_bounded(desk: Desk) -> None:
    with pytest.raises(InvalidInput, match="Say why"):
        await desk.set_status("kursk-recaptured", "reported", EDITOR, reason="  ")
    with pytest.raises(InvalidInput, match="too long"):
        await desk.set_status("kursk-recaptured", "reported", EDITOR, reason="x" * 301)


async def test_model_limits_become_plain_refusals(desk: Desk) -> None:
    with pytest.raises(InvalidInput, match="quote"):
        await desk.add_stance("kursk-recaptured", OBSERVERS, "disputes", EDITOR, quote="q" * 301)
    with pytest.raises(InvalidInput, match="hidden or control character"):
        await desk.add_source("kursk-recaptured", "Wire\u202e", EDITOR)


async def test_topics_are_edited_with_history(desk: Desk, seeded_store: Store) -> None:
    before, after = await desk.edit_topic(
        "kursk", EDITOR, title="The fight for Kursk", summary="New summary.", reason="tidy"
    )
    assert before.summary != after.summary == "New summary."
    assert (await seeded_store.get_topic("kursk")).summary == "New summary."
    (revision,) = await seeded_store.topic_history("kursk")
    assert revision.diff == {"summary": [before.summary, "New summary."]}
    with pytest.raises(InvalidInput, match="Nothing changed"):
        await desk.edit_topic(
            "kursk", EDITOR, title=after.title, summary=after.summary, reason=None
        )


async def test_suggestions_are_limited_per_member_and_settled_once(desk: Desk) -> None:
    member = Editor(99, "Mia")
    for n in range(5):
        await desk.suggest("kursk-recaptured", f"Point {n}.", None, member)
    with pytest.raises(Forbidden, match="5 suggestions in the last 24 hours"):
        await desk.suggest("kursk-recaptured", "One more.", None, member)
    first, claim, at, total = await desk.queue_entry(0)
    assert first is not None and claim is not None
    assert (first.text, claim.id, at, total) == ("Point 0.", "kursk-recaptured", 0, 5)
    last, _, at, _ = await desk.queue_entry(4)
    assert last is not None and (last.text, at) == ("Point 4.", 4)
    again, _, at, _ = await desk.queue_entry(5)  # past the last: round to the oldest
    assert again == first and at == 0
    done = await desk.settle(first.id, "rejected", EDITOR, reason="already covered")
    assert (done.status, done.handled_by_name, done.reason) == (
        "rejected",
        "Ada",
        "already covered",
    )
    with pytest.raises(Conflict, match="already rejected by Ada"):
        await desk.settle(first.id, "accepted", EDITOR)
    with pytest.raises(NotFound):
        await desk.suggest("no-such-claim", "x", None, Editor(5, "Kim"))
    with pytest.raises(InvalidInput, match="web link"):
        await desk.suggest("kursk-recaptured", "x", "mailto:a@b.c", Editor(5, "Kim"))


async def test_unknown_party_needs_a_kind(desk: Desk) -> None:
    known = await desk.actor("observers")
    assert known.name == "Observers"
    with pytest.raises(NotFound, match="actor_kind"):
        await desk.actor("Someone New")
    new = await desk.actor("  Someone   New ", "media", "Canada")
    assert (new.name, new.kind, new.country) == ("Someone New", "media", "Canada")


async def test_every_desk_error_is_a_briefing_error(desk: Desk) -> None:
    """What the cogs show members: never a raw exception from below."""
    calls = [
        lambda: desk.set_status("kursk-recaptured", "confirmed", EDITOR, reason="x"),
        lambda: desk.add_stance(
            "kursk-recaptured", OBSERVERS, "disputes", EDITOR, date="03/04/2025"
        ),
        lambda: desk.edit("kursk-recaptured", ClaimText("", "kursk"), EDITOR, based_on=1),
        lambda: desk.edit(
            "kursk-recaptured", ClaimText("x", "kursk", figure="lots"), EDITOR, based_on=1
        ),
        lambda: desk.edit("kursk-recaptured", ClaimText("x", "kursk"), EDITOR, based_on=0),
    ]
    for call in calls:
        with pytest.raises(BriefingError):
            await call()


async def test_change_and_history_read_as_what_changed(desk: Desk) -> None:
    change = await desk.add_stance(
        "kursk-recaptured", OBSERVERS, "disputes", EDITOR, date="28 April 2025", quote="no"
    )
    diff = claim_diff(change.before, change.after)
    assert diff_lines(diff) == ["Stances: ＋ disputed by Observers (2025-04-28): “no”"]
    card = change_card(change.before, change.after, diff, change.kind)
    assert card.title == "Saved: `kursk-recaptured` stance recorded"
    assert "Now version 2" in card.footer
    await desk.review("kursk-recaptured", EDITOR)
    page, pages = history_page("kursk-recaptured", await desk.history("kursk-recaptured"), 1)
    assert pages == 1
    assert [f.name for f in page.fields] == [
        "v3 · re-verified by Ada",
        "v2 · stance recorded by Ada",
        "v1 · imported by seed",
    ]
    assert "Last verified: <t:" in page.fields[0].value
    assert dt.datetime.now(dt.UTC).year >= 2025


async def test_claims_stored_before_a_rule_are_found(desk: Desk, db_path: Path) -> None:
    assert await desk.breaches() == []
    with sqlite3.connect(db_path) as conn:  # as an older bot or another program wrote it
        conn.execute("UPDATE claims SET status = 'confirmed' WHERE id = 'kursk-recaptured'")
    (found,) = await desk.breaches()
    assert (found.claim_id, found.field) == ("kursk-recaptured", "status")
    with pytest.raises(Breach, match="confirmed claim needs"):  # an edit must mend it
        await desk.review("kursk-recaptured", EDITOR)


async def test_a_claim_that_supersedes_a_live_one_cannot_be_retired(desk: Desk) -> None:
    await desk.set_status(
        "nk-troop-numbers", "superseded", EDITOR, reason="newer", superseded_by="nk-casualties"
    )
    with pytest.raises(Breach, match="supersedes `nk-troop-numbers`"):
        await desk.retire("nk-casualties", EDITOR, reason="gone")
    assert (await desk.claim("nk-casualties")).retired_at is None


async def test_a_topic_form_on_an_old_topic_is_refused(desk: Desk) -> None:
    opened = await desk.topic("kursk")
    await desk.edit_topic(
        "kursk", GRACE, title=opened.title, summary="Grace's summary.", reason=None
    )
    with pytest.raises(Conflict, match=r"changed by Grace at .* UTC after you opened it"):
        await desk.edit_topic(
            "kursk", EDITOR, title="A new title", summary=opened.summary, reason=None,
            based_on=opened,
        )  # fmt: skip
    assert (await desk.topic("kursk")).summary == "Grace's summary."
