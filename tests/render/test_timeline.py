"""/timeline: what happened in order, and claims dated only by when they were said.

Claims go through a real store on a SQLite file, so the order the store reads them in (its
`timeline_key` column) is tested with the lines that show it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from briefing.models import Claim, ClaimDraft, Editor, Topic
from briefing.queries import TIMELINE_PER_PAGE, Query
from briefing.render.listings import PageOf, timeline_date, timeline_page
from briefing.store import Store
from tests.render.strategies import (
    all_timeline_ids,
    assert_fits,
    listings,
    long_claim,
    timeline_ids,
    walk,
    with_id,
)

EDITOR = Editor(7, "Curator")
KURSK = Topic(slug="kursk", title="The fight for Kursk", summary="Who holds it.", position=1)
AP = {"outlet": "Associated Press", "published": "2025-04-28"}
APRIL_26 = 1745668800  # 26 April 2025, noon UTC
APRIL_28 = 1745841600


def stance(kind: str, name: str, date: str | None = None) -> dict[str, Any]:
    return {"actor": {"name": name, "kind": "military"}, "stance": kind, "date": date}


GERASIMOV = stance("asserts", "Valery Gerasimov", "2025-04-26")
GENERAL_STAFF = stance("denies", "Ukraine's General Staff", "2025-04")
SEOUL = stance("asserts", "South Korea's military", "2025-03")
INTEL = stance("asserts", "U.S. intelligence officials")


def claim(claim_id: str, statement: str, **fields: Any) -> ClaimDraft:
    data: dict[str, Any] = {
        "id": claim_id,
        "topic": "kursk",
        "statement": statement,
        "status": "reported",
        "stances": [INTEL],
        "sources": [AP],
    }
    data.update(fields)
    return ClaimDraft.model_validate(data)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    s = await Store.open(tmp_path / "data" / "briefing.db")
    try:
        await s.put_topic(KURSK)
        yield s
    finally:
        await s.close()


async def lines_of(store: Store, topic: str | None = None) -> dict[str, str]:
    """Each claim's timeline line by id, every page read through the answer path."""
    pages = await walk(store, Query("timeline", topic), per_page=0)
    out: dict[str, str] = {}
    for page in pages:
        for line in page.card.description.splitlines():
            if ids := timeline_ids_of(line):
                out[ids] = line
    return out


def timeline_ids_of(line: str) -> str | None:
    m = re.search(r"\([a-z]+, `([a-z0-9-]+)`\)$", line)
    return m[1] if m else None


async def test_a_claim_dated_only_by_when_it_was_said_shows_said_on(store: Store) -> None:
    await store.create_claim(
        claim(
            "kursk-recaptured",
            "Russia's top general says Ukraine's troops have been driven out of Kursk.",
            status="disputed",
            stances=[GERASIMOV, GENERAL_STAFF],
        ),
        EDITOR,
    )
    await store.create_claim(
        claim("nk-casualties", "About 4,000 soldiers were killed or wounded.", stances=[SEOUL]),
        EDITOR,
    )
    lines = await lines_of(store)
    assert lines["kursk-recaptured"].startswith(f"**said on <t:{APRIL_26}:D>** ⚖️ ")
    # A month is "said in", marked approximate like any vague date.
    assert lines["nk-casualties"].startswith("**said in ~March 2025** 📰 ")
    # Said in March comes before said on 26 April.
    assert list(lines) == ["nk-casualties", "kursk-recaptured"]


async def test_the_claim_is_placed_by_who_makes_it_not_by_who_answers(store: Store) -> None:
    # Russia's general spoke on 26 April against a claim Kyiv made later in April: the
    # claim is placed when it was made, not before anyone made it.
    await store.create_claim(
        claim(
            "kursk-fighting-continues",
            "Ukraine's forces are still fighting in parts of the Kursk region.",
            status="disputed",
            stances=[
                stance("asserts", "Ukraine's General Staff", "2025-04"),
                stance("disputes", "Valery Gerasimov", "2025-04-26"),
            ],
        ),
        EDITOR,
    )
    # Only the denial is dated: that places it, and says so.
    await store.create_claim(
        claim(
            "kursk-only-denied",
            "Russian forces hold all of the Kursk region.",
            status="disputed",
            stances=[
                stance("asserts", "Valery Gerasimov", None),
                stance("denies", "Ukraine's General Staff", "2025-04-26"),
            ],
        ),
        EDITOR,
    )
    # Declining to say is no statement of the claim: it places nothing.
    await store.create_claim(
        claim(
            "nk-numbers-unsaid",
            "North Korea sent more troops in 2025.",
            stances=[
                stance("asserts", "South Korea's military", None),
                stance("declines_to_say", "North Korea", "2025-04-26"),
            ],
        ),
        EDITOR,
    )
    lines = await lines_of(store)
    assert lines["kursk-fighting-continues"].startswith("**said in ~April 2025** ")
    assert lines["kursk-only-denied"].startswith(f"**denied on <t:{APRIL_26}:D>** ")
    assert "nk-numbers-unsaid" not in lines


async def test_event_dates_show_without_said_and_vague_ones_are_marked(store: Store) -> None:
    await store.create_claim(
        claim("nk-troops-sent", "North Korea sent troops to Russia.", event_date="autumn 2024"),
        EDITOR,
    )
    await store.create_claim(
        claim(
            "nk-announcement", "Pyongyang's statement ran in state media.", event_date="2025-04-28"
        ),
        EDITOR,
    )
    await store.create_claim(
        claim("kursk-incursion", "Ukraine's forces crossed into Kursk.", event_date="2024"),
        EDITOR,
    )
    lines = await lines_of(store)
    assert lines["nk-troops-sent"].startswith("**~autumn 2024** 📰 ")
    assert lines["kursk-incursion"].startswith("**~2024** 📰 ")
    assert lines["nk-announcement"].startswith(f"**<t:{APRIL_28}:D>** 📰 ")
    assert "said" not in " ".join(lines.values())


async def test_the_header_explains_the_markers(store: Store) -> None:
    await store.create_claim(
        claim("nk-troops-sent", "North Korea sent troops to Russia.", event_date="autumn 2024"),
        EDITOR,
    )
    (page,) = await walk(store, Query("timeline"), per_page=0)
    intro = page.card.description.split("\n\n")[0]
    assert "~" in intro and "end of" in intro and "Said on" in intro


async def test_vague_dates_come_after_the_precise_dates_they_contain(store: Store) -> None:
    dated = {
        "a-year": "2024",  # ends 31 December 2024, after everything it contains
        "b-june": "2024-06",
        "c-last-day": "2024-12-31",
        "d-autumn": "autumn 2024",  # ends 30 November 2024
        "e-october-day": "2024-10-05",
        "f-next-year": "2025-01-01",
        "g-winter": "winter 2025",  # January and February 2025
    }
    # Created in an order unlike the timeline's, so the store's order is what is tested.
    for claim_id, date in dated.items():
        await store.create_claim(claim(claim_id, f"Event {claim_id}.", event_date=date), EDITOR)
    # Placed by a stance on the last day of autumn: before autumn itself, as the vaguer date.
    said = stance("asserts", "Observers", "2024-11-30")
    await store.create_claim(claim("h-said", "Observers say so.", stances=[said]), EDITOR)
    # Nothing dated at all: not on the timeline.
    await store.create_claim(claim("i-undated", "Undated."), EDITOR)

    expected = [
        "b-june",
        "e-october-day",
        "h-said",
        "d-autumn",
        "c-last-day",
        "a-year",
        "f-next-year",
        "g-winter",
    ]
    assert [c.id for c in await store.timeline()] == expected
    assert await store.timeline_count() == len(expected)
    assert await store.timeline_count(topic="kursk") == len(expected)
    pages = await walk(store, Query("timeline"), per_page=0)
    assert all_timeline_ids(pages) == expected
    lines = await lines_of(store, "kursk")
    assert list(lines) == expected
    assert lines["h-said"].startswith("**said on <t:")


async def test_an_edit_moves_a_claim_on_the_timeline(store: Store) -> None:
    first = await store.create_claim(
        claim("moving-claim", "Troops moved.", event_date="2025-01-10"), EDITOR
    )
    await store.create_claim(
        claim("fixed-claim", "Troops stayed.", event_date="2025-02-01"), EDITOR
    )
    assert [c.id for c in await store.timeline()] == ["moving-claim", "fixed-claim"]
    # The event date was only when it was said: without it the stance (March) places it.
    data = first.model_dump(include=set(ClaimDraft.model_fields))
    data.update(
        statement="South Korea's military says troops moved.", event_date=None, stances=[SEOUL]
    )
    await store.update_claim(ClaimDraft.model_validate(data), EDITOR, expected_version=1)
    assert [c.id for c in await store.timeline()] == ["fixed-claim", "moving-claim"]
    lines = await lines_of(store)
    assert lines["moving-claim"].startswith("**said in ~March 2025** ")


def _stored(draft: ClaimDraft) -> Claim:
    now = dt.datetime(2025, 4, 28, tzinfo=dt.UTC)
    return Claim(**draft.model_dump(), version=1, created_at=now, updated_at=now, changed_at=now)


def test_timeline_date_words() -> None:
    assert timeline_date(_stored(claim("no-date", "Undated."))) is None
    assert timeline_date(_stored(claim("a-day", "x", event_date="2025-04-26"))) == (
        f"**<t:{APRIL_26}:D>**"
    )
    assert timeline_date(_stored(claim("a-season", "x", event_date="summer 2024"))) == (
        "**~summer 2024**"
    )
    said = _stored(claim("said-claim", "x", stances=[GERASIMOV]))
    assert timeline_date(said) == f"**said on <t:{APRIL_26}:D>**"
    denied = _stored(claim("denied-claim", "x", status="denied", stances=[INTEL, GENERAL_STAFF]))
    assert timeline_date(denied) == "**denied in ~April 2025**"


def test_long_said_on_lines_keep_their_date_status_and_id() -> None:
    # At every maximum, placed only by its stances (the longest date prefix a line can have).
    said = [
        with_id(long_claim().model_copy(update={"event_date": None}), f"{'x' * 50}-{i:02d}")
        for i in range(TIMELINE_PER_PAGE)
    ]
    (listing,) = listings(said, TIMELINE_PER_PAGE)
    card = timeline_page(None, listing)
    assert_fits(card)
    assert timeline_ids(card) == [c.id for c in said]
    body = card.description.split("\n\n", 1)[1].splitlines()
    assert len(body) == TIMELINE_PER_PAGE
    # The stance of 28 April places them (the April denial ends later, on the 30th).
    assert all(line.startswith(f"**said on <t:{APRIL_28}:D>** ⚖️ ") for line in body)


def test_a_claim_with_nothing_dated_is_left_off_a_page() -> None:
    undated = _stored(claim("no-date", "Undated."))
    dated = _stored(claim("a-day", "Dated.", event_date="2025-04-26"))
    card = timeline_page(None, PageOf([undated, dated], 1, 1, 2))
    assert timeline_ids(card) == ["a-day"]
