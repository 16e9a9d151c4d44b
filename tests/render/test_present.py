"""Every answer the public commands give, rendered as discord.py would send it.

Two halves: the real curated seed in a real SQLite store (every topic, claim, /disputed,
/timeline, /search and /about answer), and hypothesis-generated claims at the model's
maximum sizes. Every page must fit Discord's limits, and members must be able to read
who claims what, who disputes it, and when.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from briefing.answers import Query, pages_for
from briefing.cards import Card, fit_card
from briefing.models import (
    MAX_QUOTE,
    MAX_SOURCES,
    MAX_STANCES,
    MAX_STATEMENT,
    STATUSES,
    Actor,
    Claim,
    Source,
    Stance,
    StatusCount,
    Topic,
)
from briefing.present import (
    about_card,
    autocomplete_label,
    claim_card,
    claim_field,
    disputed_pages,
    search_pages,
    status_word,
    timeline_pages,
    topic_pages,
)
from briefing.seed import read_seed
from briefing.store import Store
from tests.render.strategies import (
    FIELD_VALUE_MAX,
    assert_fits,
    assert_message_fits,
    claim_lists,
    claims,
    field_texts,
    huge_texts,
    maybe,
    topics,
)

ROOT = Path(__file__).resolve().parents[2]
SEED_PATH = ROOT / "data" / "briefing.yaml"

HEAVY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MEDIUM = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_TIMELINE_ID = re.compile(rf"\((?:{'|'.join(STATUSES)}), `([a-z0-9-]+)`\)")
_DATE_STAMP = re.compile(r"<t:(-?\d+):D>")


def field_ids(pages: Sequence[Card]) -> list[str]:
    """Claim ids in the order the pages list them (each field is named "<status> · <id>")."""
    return [f.name.rsplit(" · ", 1)[1] for p in pages for f in p.fields]


def timeline_ids(pages: Sequence[Card]) -> list[str]:
    return [m for p in pages for m in _TIMELINE_ID.findall(p.description)]


def check_pages(pages: Sequence[Card], *, per_page: int | None = None) -> None:
    """Every page fits as its own message; a multi-page answer numbers its pages."""
    assert pages
    n = len(pages)
    for i, page in enumerate(pages, start=1):
        assert_message_fits([page])
        for f in page.fields:
            assert f.name.strip() and f.value.strip()
        if per_page is not None:
            assert len(page.fields) <= per_page
        if n > 1:
            assert page.footer.startswith(f"Page {i}/{n}"), page.footer
        else:
            assert "Page 1/" not in page.footer


def noon_utc(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC).timestamp())


# == the curated seed =======================================================================


@pytest.fixture
async def seeded(tmp_path: Path) -> AsyncIterator[Store]:
    store = await Store.open(tmp_path / "render.db")
    try:
        assert await store.load_seed(read_seed(SEED_PATH)) is True
        yield store
    finally:
        await store.close()


async def test_every_seed_topic_shows_every_claim_with_status_and_id(seeded: Store) -> None:
    topics_ = await seeded.list_topics()
    assert len(topics_) >= 3
    for topic in topics_:
        pages = await pages_for(seeded, Query("topic", topic.slug))
        check_pages(pages, per_page=6)
        claims_ = await seeded.list_claims(topic=topic.slug)
        assert field_ids(pages) == [c.id for c in claims_]
        fields = {f.name.rsplit(" · ", 1)[1]: f for p in pages for f in p.fields}
        for claim in claims_:
            field = fields[claim.id]
            assert claim.status.upper() in field.name
            assert field.name == f"{status_word(claim.status)} · {claim.id}"
            # Seed claims are shown whole: nothing clipped.
            assert field.value == claim_field(claim).value
            assert len(field.value) <= FIELD_VALUE_MAX
        for page in pages:
            assert page.title.endswith(topic.title)
            assert topic.slug in page.footer


async def test_every_seed_claim_card_fits_whole(seeded: Store) -> None:
    claims_ = await seeded.list_claims()
    assert len(claims_) >= 20
    for claim in claims_:
        topic = await seeded.get_topic(claim.topic)
        card = claim_card(claim, topic)
        assert_message_fits([card])
        assert fit_card(card) == card, f"{claim.id}: the seed claim card had to be clipped"
        assert claim.id in card.title
        assert claim.status.upper() in card.description
        assert topic.title in card.footer
        assert len(autocomplete_label(claim.id, claim.statement)) <= 100


async def test_seed_disputed_answers_fit(seeded: Store) -> None:
    disputed = [c.id for c in await seeded.list_claims(statuses=["disputed"])]
    assert "kursk-recaptured" in disputed
    pages = await pages_for(seeded, Query("disputed"))
    check_pages(pages, per_page=6)
    assert sorted(field_ids(pages)) == sorted(disputed)
    for topic in await seeded.list_topics():
        pages = await pages_for(seeded, Query("disputed", topic.slug))
        check_pages(pages, per_page=6)
        expected = [c.id for c in await seeded.list_claims(topic=topic.slug, statuses=["disputed"])]
        assert field_ids(pages) == expected
        if not expected:
            assert "Nothing is disputed" in pages[0].description


async def test_seed_timelines_fit_and_list_every_dated_claim_once(seeded: Store) -> None:
    pages = await pages_for(seeded, Query("timeline"))
    check_pages(pages)
    dated = [c.id for c in await seeded.list_claims() if c.event_date]
    assert sorted(timeline_ids(pages)) == sorted(dated)
    for topic in await seeded.list_topics():
        pages = await pages_for(seeded, Query("timeline", topic.slug))
        check_pages(pages)
        dated = [c.id for c in await seeded.list_claims(topic=topic.slug) if c.event_date]
        assert sorted(timeline_ids(pages)) == sorted(dated)


@pytest.mark.parametrize(
    "text, topic, hit",
    [
        ("Kursk", None, "kursk-recaptured"),
        ("troops", None, "nk-troop-numbers"),
        ("Gerasimov", None, "kursk-recaptured"),
        ("treaty", "treaty", "treaty-signed"),
        ("neo-Nazi", "diplomacy", "ukraine-neo-nazi-claim"),
        ("North Korea", "troops", "nk-troops-deployed"),
        ("zzzqqxx", None, None),
        ("**@everyone** <@123> [x](https://evil.example) ||", None, None),
    ],
)
async def test_seed_searches_fit(seeded: Store, text: str, topic: str | None, hit: str) -> None:
    pages = await pages_for(seeded, Query("search", topic, text))
    check_pages(pages, per_page=6)
    found = field_ids(pages)
    if hit is None:
        assert not found
        assert "No claims match" in (pages[0].description or "")
    else:
        assert hit in found
        assert len(found) == len(set(found))


async def test_seed_about_fits(seeded: Store) -> None:
    latest, oldest = await seeded.freshness()
    card = about_card(await seeded.topic_counts(), await seeded.count_by_status(), latest, oldest)
    assert_message_fits([card])
    assert fit_card(card) == card
    total = await seeded.claim_count()
    assert f"{total} claims" in card.description
    text = field_texts(assert_fits(card))
    for topic in await seeded.list_topics():
        assert topic.title in text


async def _kursk_field_value(store: Store, claim_id: str) -> str:
    claim = await store.get_claim(claim_id)
    pages = await pages_for(store, Query("topic", claim.topic))
    (value,) = [f.value for p in pages for f in p.fields if f.name.endswith(f" · {claim_id}")]
    return value


async def test_kursk_recaptured_names_who_asserts_and_who_denies(seeded: Store) -> None:
    value = await _kursk_field_value(seeded, "kursk-recaptured")
    lines = value.split("\n")
    (asserted,) = [line for line in lines if "Asserted by" in line]
    (denied,) = [line for line in lines if "Denied by" in line]
    assert "Gerasimov" in asserted
    assert "Ukraine's General Staff" in denied
    assert lines.index(asserted) < lines.index(denied)

    claim = await seeded.get_claim("kursk-recaptured")
    embed = assert_fits(claim_card(claim, await seeded.get_topic("kursk")))
    by_name = {f["name"]: f["value"] for f in embed["fields"]}
    assert "Gerasimov" in by_name["Asserted"]
    assert "Ukraine's General Staff" in by_name["Denied"]
    assert "DISPUTED" in embed["description"]
    assert "April 2025" in by_name["Disputed since"]


async def test_full_dates_render_as_discord_timestamps_at_noon_utc(seeded: Store) -> None:
    value = await _kursk_field_value(seeded, "kursk-recaptured")
    assert f"**When:** <t:{noon_utc(dt.date(2025, 4, 26))}:D>" in value
    assert noon_utc(dt.date(2025, 4, 26)) == 1745668800

    claim = await seeded.get_claim("kursk-recaptured")
    embed = assert_fits(claim_card(claim))
    when = {f["name"]: f["value"] for f in embed["fields"]}["When"]
    assert when == "<t:1745668800:D> (<t:1745668800:R>)"

    # Every full date anywhere in the seed's answers is a timestamp at noon UTC of that day.
    stamps: set[int] = set()
    for c in await seeded.list_claims():
        for text in (claim_field(c).value, field_texts(assert_fits(claim_card(c)))):
            stamps |= {int(s) for s in _DATE_STAMP.findall(text)}
        days = [s.date for s in c.stances if s.date and s.date.precision == "day"]
        if c.event_date and c.event_date.precision == "day":
            days.append(c.event_date)
        for d in days:
            assert f"<t:{noon_utc(d.value)}:D>" in claim_field(c).value, c.id
    assert stamps
    for stamp in stamps:
        moment = dt.datetime.fromtimestamp(stamp, dt.UTC)
        assert (moment.hour, moment.minute, moment.second) == (12, 0, 0), moment


async def test_season_dates_render_as_words(seeded: Store) -> None:
    value = await _kursk_field_value(seeded, "nk-troops-deployed")
    assert "**When:** autumn 2024" in value
    embed = assert_fits(claim_card(await seeded.get_claim("nk-troops-deployed")))
    assert {f["name"]: f["value"] for f in embed["fields"]}["When"] == "autumn 2024"
    timeline = await pages_for(seeded, Query("timeline", "troops"))
    assert "**autumn 2024**" in timeline[0].description


async def test_figures_render_as_ranges(seeded: Store) -> None:
    value = await _kursk_field_value(seeded, "nk-troop-numbers")
    assert "10,000–12,000 troops" in value
    embed = assert_fits(claim_card(await seeded.get_claim("nk-troop-numbers")))
    assert {f["name"]: f["value"] for f in embed["fields"]}["Figure"] == "10,000–12,000 troops"


# == generated claims at the model's maximum sizes ===========================================


@MEDIUM
@given(claim=claims(), topic=maybe(topics()))
def test_any_claim_card_and_field_fit(claim: Claim, topic: Topic | None) -> None:
    embed = assert_fits(claim_card(claim, topic))
    assert claim.id in embed["title"]
    assert claim.status.upper() in embed["description"]
    field = claim_field(claim)
    (sent,) = assert_fits(Card(fields=(field,)))["fields"]
    assert sent["name"] == f"{status_word(claim.status)} · {claim.id}"
    assert len(autocomplete_label(claim.id, claim.statement)) <= 100


@HEAVY
@given(topic=topics(), claims_=claim_lists(60))
def test_topic_pages_fit_and_show_each_claim_once(topic: Topic, claims_: list[Claim]) -> None:
    pages = topic_pages(topic, claims_)
    check_pages(pages, per_page=6)
    assert field_ids(pages) == [c.id for c in claims_]
    for page in pages:
        assert topic.slug in page.footer
    if not claims_:
        assert "No claims yet." in pages[0].description


@HEAVY
@given(claims_=claim_lists(60), topic=maybe(topics()))
def test_disputed_pages_fit_and_show_each_claim_once(
    claims_: list[Claim], topic: Topic | None
) -> None:
    pages = disputed_pages(claims_, topic)
    check_pages(pages, per_page=6)
    assert field_ids(pages) == [c.id for c in claims_]


@HEAVY
@given(query=huge_texts(500), claims_=claim_lists(60), topic=maybe(topics()))
def test_search_pages_fit_and_show_each_claim_once(
    query: str, claims_: list[Claim], topic: Topic | None
) -> None:
    pages = search_pages(query, claims_, topic)
    check_pages(pages, per_page=6)
    assert field_ids(pages) == [c.id for c in claims_]


@HEAVY
@given(claims_=claim_lists(60), topic=maybe(topics()))
def test_timeline_pages_fit_and_show_each_dated_claim_once(
    claims_: list[Claim], topic: Topic | None
) -> None:
    pages = timeline_pages(claims_, topic)
    check_pages(pages)
    dated = [c.id for c in claims_ if c.event_date]
    assert timeline_ids(pages) == dated
    assert Counter(timeline_ids(pages)) == Counter(dated)


@MEDIUM
@given(
    topic_counts=st.lists(st.tuples(topics(), st.integers(0, 10**6)), max_size=30),
    counts=st.tuples(*[st.integers(0, 10**9) for _ in STATUSES]),
    latest=maybe(st.datetimes(timezones=st.just(dt.UTC), min_value=dt.datetime(1970, 1, 2))),
    oldest=maybe(st.datetimes(timezones=st.just(dt.UTC), min_value=dt.datetime(1970, 1, 2))),
)
def test_about_card_fits(
    topic_counts: list[tuple[Topic, int]],
    counts: tuple[int, ...],
    latest: dt.datetime | None,
    oldest: dt.datetime | None,
) -> None:
    status_counts = [StatusCount(status=s, count=n) for s, n in zip(STATUSES, counts, strict=True)]
    assert_fits(about_card(topic_counts, status_counts, latest, oldest))


def test_mention_like_text_is_shown_literally() -> None:
    now = dt.datetime(2025, 4, 28, tzinfo=dt.UTC)
    claim = Claim(
        id="pings",
        topic="troops",
        statement="@everyone @here <@123> <@&456> <#789> say so",
        status="reported",
        stances=(
            Stance(actor=Actor(name="<@!42> and @everyone", kind="observer"), stance="asserts"),
        ),
        version=1,
        created_at=now,
        updated_at=now,
    )
    value = claim_field(claim).value
    assert "@everyone @here <@123> <@&456> <#789> say so" in value
    assert "<@!42> and @everyone" in value
    assert_fits(claim_card(claim))


# == content lost at the model's maximum sizes (bugs) =======================================


def _long_claim() -> Claim:
    """Plain text (no markdown to escape), every list and string at the model's maximum."""
    now = dt.datetime(2025, 4, 28, tzinfo=dt.UTC)
    source = Source(
        outlet="O" * 100,
        title="T" * 200,
        url="https://example.com/" + "u" * 480,
        published=dt.date(2025, 4, 28),
    )
    kinds = ("asserts", "confirms", "disputes", "declines_to_say")
    stances = [
        Stance(
            actor=Actor(name=f"Official {i} " + "a" * 80, kind="government", country="C" * 60),
            stance=kinds[i % len(kinds)],
            date="2025-04-28",
            quote="q" * MAX_QUOTE,
            source=source,
        )
        for i in range(MAX_STANCES - 1)
    ]
    stances.append(
        Stance(
            actor=Actor(name="Ukraine's General Staff", kind="military", country="Ukraine"),
            stance="denies",
            date="2025-04",
            quote="d" * MAX_QUOTE,
            source=source,
        )
    )
    return Claim(
        id="long-claim",
        topic="kursk",
        statement="S" * MAX_STATEMENT,
        status="disputed",
        stances=tuple(stances),
        event_date="2025-04-26",
        sources=(source,) * MAX_SOURCES,
        reviewed_at=now,
        version=1,
        created_at=now,
        updated_at=now,
    )


def test_long_claim_still_fits() -> None:
    claim = _long_claim()
    assert_fits(claim_card(claim))
    assert_fits(Card(fields=(claim_field(claim),)))
    for pages in (
        topic_pages(Topic(slug="kursk", title="K", summary="s"), [claim] * 3),
        disputed_pages([claim] * 3, None),
    ):
        check_pages(pages, per_page=6)


def test_topic_answer_keeps_who_contests_and_the_source_of_a_long_claim() -> None:
    claim = _long_claim()
    (page,) = topic_pages(Topic(slug="kursk", title="K", summary="s"), [claim])
    (embed_field,) = assert_fits(page)["fields"]
    value = embed_field["value"]
    # Trimmed to fit, it still says who claims it, who contests it, and where to see the rest.
    assert "**Asserted by** Official 0" in value
    assert "**Disputed by** Official 2" in value or "**Denied by** Ukraine's General Staff" in value
    assert "more: /claim id:long-claim*" in value
    assert "**Source:**" in value


def test_claim_card_of_a_long_claim_keeps_its_sources() -> None:
    embed = assert_fits(claim_card(_long_claim()))
    names = [f["name"] for f in embed["fields"]]
    assert "Sources" in names
    assert "Last verified" in names


@pytest.mark.parametrize("url", ["https://@", "http://:80/x", "http://[oops"])
def test_claim_card_url_is_well_formed(url: str) -> None:
    # The model refuses such a URL, and a card built around the model still drops it.
    with pytest.raises(ValidationError, match="absolute http"):
        Source(outlet="Outlet", url=url)
    now = dt.datetime(2025, 4, 28, tzinfo=dt.UTC)
    claim = Claim(
        id="bad-url",
        topic="troops",
        statement="A claim with an odd source link.",
        status="reported",
        sources=(Source.model_construct(outlet="Outlet", url=url),),
        version=1,
        created_at=now,
        updated_at=now,
    )
    assert "url" not in assert_fits(claim_card(claim))
