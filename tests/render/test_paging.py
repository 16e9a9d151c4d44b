"""Answers read one page at a time from a real store, as the page buttons ask for them.

The curated seed plus enough extra Kursk claims (half at every model maximum) for every answer
to run over several pages. Walking pages 1..n must show each matching claim exactly once, in
the store's order; a page number past the end shows the last page; headers count what matches.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from briefing.models import STATUSES, Claim, ClaimDraft, Editor, Status
from briefing.queries import PER_PAGE, TIMELINE_PER_PAGE, Query, page_for
from briefing.render.cards import page_count
from briefing.store import Store
from tests.render.strategies import (
    all_field_ids,
    all_timeline_ids,
    field_ids,
    long_claim,
    seeded_store,
    walk,
)

EDITOR = Editor(1, "paging-test")
EXTRA = 40
_CYCLE: tuple[Status, ...] = ("confirmed", "reported", "disputed", "denied", "false")


def extra_claim(i: int) -> ClaimDraft:
    """An extra Kursk claim: statuses cycle, every third is undated, dates collide in pairs.

    Statements stay short enough for a whole timeline line (long ones: see the test in
    test_present); stances and sources are at the maximum on every other claim.
    """
    data = long_claim().model_dump(include=set(ClaimDraft.model_fields))
    status = _CYCLE[i % len(_CYCLE)]
    if i % 2:
        stances = [*data["stances"][:2], data["stances"][-1]]  # asserts, confirms, denies
        data.update(sources=data["sources"][:1], figure=None)
    else:
        stances = data["stances"]
    if status in ("reported", "denied"):  # not confirmed, as the integrity rules require
        stances = [s for s in stances if s["stance"] != "confirms"]
    data.update(
        id=f"extra-{i:02d}",
        status=status,
        stances=stances,
        statement=f"Kursk extra claim {i}: " + "S" * (60 if i % 2 else 120),
        event_date=None if i % 3 == 0 else dt.date(2024, 8, 1) + dt.timedelta(days=i // 2 * 9),
    )
    return ClaimDraft.model_validate(data)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with seeded_store(tmp_path / "paging.db") as store:
        for i in range(EXTRA):
            await store.create_claim(extra_claim(i), EDITOR)
        yield store


async def test_store_pages_join_up_to_the_whole_listing(store: Store) -> None:
    for topic in [None, *[t.slug for t in await store.list_topics()]]:
        whole = [c.id for c in await store.list_claims(topic=topic)]
        paged = [
            c.id
            for offset in range(0, len(whole) + PER_PAGE, PER_PAGE)
            for c in await store.list_claims(topic=topic, limit=PER_PAGE, offset=offset)
        ]
        assert paged == whole
        tally = await store.tally(topic=topic)
        assert list(tally) == list(STATUSES)
        assert sum(tally.values()) == len(whole)
    whole = [c.id for c in await store.timeline()]
    assert await store.timeline_count() == len(whole)
    paged = [
        c.id
        for offset in range(0, len(whole), TIMELINE_PER_PAGE)
        for c in await store.timeline(limit=TIMELINE_PER_PAGE, offset=offset)
    ]
    assert paged == whole
    whole = [c.id for c in await store.search("Kursk", limit=1000)]
    assert len((await store.search_hits("Kursk")).seqs) == len(whole) > PER_PAGE
    paged = [
        c.id
        for offset in range(0, len(whole), PER_PAGE)
        for c in await store.search("Kursk", limit=PER_PAGE, offset=offset)
    ]
    assert paged == whole


async def test_walking_a_topic_shows_each_claim_once_in_store_order(store: Store) -> None:
    for topic in await store.list_topics():
        claims = await store.topic_claims(topic)
        pages = await walk(store, Query("topic", topic.slug), per_page=PER_PAGE)
        assert len(pages) == page_count(len(claims), PER_PAGE)
        shown = all_field_ids(pages)
        assert shown == [c.id for c in claims]
        assert len(shown) == len(set(shown))
        # Every page but the last is full.
        assert all(len(p.card.fields) == PER_PAGE for p in pages[:-1])
    kursk = await walk(store, Query("topic", "kursk"))
    assert len(kursk) == page_count(5 + EXTRA, PER_PAGE) > 2


def _counts_line(claims: list[Claim]) -> str:
    counts = Counter(c.status for c in claims)
    return ", ".join(f"{counts[s]} {s}" for s in STATUSES if counts[s])


async def test_topic_header_tallies_its_claims_on_every_page(store: Store) -> None:
    for topic in await store.list_topics():
        claims = await store.list_claims(topic=topic.slug)
        tally = await store.tally(topic=topic.slug)
        assert {s: n for s, n in tally.items() if n} == dict(Counter(c.status for c in claims))
        line = _counts_line(claims)
        for page in await walk(store, Query("topic", topic.slug)):
            assert page.card.description.split("\n\n")[-1] == line
    kursk = await page_for(store, Query("topic", "kursk"))
    disputed = len(await store.list_claims(topic="kursk", statuses=["disputed"]))
    assert f"{disputed} disputed" in kursk.card.description


async def test_other_answers_walk_every_match_once_in_store_order(store: Store) -> None:
    disputed = [c.id for c in await store.list_claims(statuses=["disputed"])]
    pages = await walk(store, Query("disputed"), per_page=PER_PAGE)
    assert len(pages) > 1
    assert all_field_ids(pages) == disputed
    assert all(f"{len(disputed)} claim(s)" in p.card.description for p in pages)

    found = [c.id for c in await store.search("Kursk", limit=1000)]
    pages = await walk(store, Query("search", None, "Kursk"), per_page=PER_PAGE)
    assert len(pages) > 1
    assert all_field_ids(pages) == found
    assert all(f"{len(found)} claim(s) match" in p.card.description for p in pages)

    dated = [c.id for c in await store.timeline()]
    pages = await walk(store, Query("timeline"), per_page=0)
    assert len(pages) == page_count(len(dated), TIMELINE_PER_PAGE) > 2
    assert all_timeline_ids(pages) == dated


QUERIES = [
    Query("topic", "kursk"),
    Query("topic", "weapons"),
    Query("disputed"),
    Query("disputed", "treaty"),
    Query("search", None, "Kursk"),
    Query("search", None, "zzzqqxx"),
    Query("timeline"),
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.key())
async def test_page_numbers_out_of_range_give_the_nearest_page(store: Store, query: Query) -> None:
    first = await page_for(store, query, 1)
    last = await page_for(store, query, first.pages)
    for number in (first.pages + 1, first.pages + 7, 10**9):
        past = await page_for(store, query, number)
        assert (past.number, past.pages) == (first.pages, first.pages)
        assert past.card == last.card
    for number in (0, -1, -(10**9)):
        before = await page_for(store, query, number)
        assert (before.number, before.card) == (1, first.card)


async def test_a_page_past_the_end_after_the_data_shrank_is_the_new_last_page(
    store: Store,
) -> None:
    query = Query("disputed", "kursk")
    before = await walk(store, query)
    assert len(before) == 2
    # Mark enough disputed claims confirmed that one page holds the rest.
    shown = all_field_ids(before)
    for claim_id in shown[PER_PAGE - 1 :]:
        claim = await store.get_claim(claim_id)
        data = claim.model_dump(include=set(ClaimDraft.model_fields))
        data["status"] = "confirmed"
        confirms = {
            "actor": {"name": "A confirming party", "kind": "observer"},
            "stance": "confirms",
        }
        data["stances"] = [*data["stances"][:7], confirms]
        await store.update_claim(
            ClaimDraft.model_validate(data), EDITOR, expected_version=claim.version
        )
    page = await page_for(store, query, 2)
    assert (page.number, page.pages) == (1, 1)
    assert field_ids(page.card) == shown[: PER_PAGE - 1]
    assert "Page " not in page.card.footer
