"""Every answer the public commands give, rendered as discord.py would send it.

Two halves: the real curated seed in a real SQLite store (every page of every topic, claim,
/disputed, /timeline, /search and /about answer, read one page at a time as the page buttons
do), and hypothesis-generated claims at the model's maximum sizes, cut into pages. Every page
must fit Discord's limits, and members must be able to read who claims what, who disputes it,
and when.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from briefing.i18n import LOCALES, Locale, words
from briefing.models import (
    STATUSES,
    Actor,
    Claim,
    EventDate,
    Figure,
    Source,
    Stance,
    Status,
    StatusCount,
    Topic,
)
from briefing.queries import PER_PAGE, TIMELINE_PER_PAGE, Query
from briefing.render.about import about_card
from briefing.render.cards import Card, Layout, clip, escape_markdown, fit_card
from briefing.render.claim import claim_card
from briefing.render.help import help_card
from briefing.render.listings import (
    LISTING_FIELD_MAX,
    PageOf,
    claim_field,
    disputed_page,
    search_page,
    timeline_page,
    topic_page,
)
from briefing.render.words import autocomplete_label, figure_text, status_word, when
from briefing.store import Store
from tests.render.strategies import (
    FIELD_VALUE_MAX,
    all_field_ids,
    all_timeline_ids,
    assert_fits,
    assert_message_fits,
    check_page,
    claim_lists,
    claims,
    event_dates,
    field_ids,
    field_texts,
    huge_texts,
    listings,
    long_claim,
    maybe,
    seeded_store,
    texts,
    timeline_ids,
    topics,
    walk,
    with_id,
)

# Every hint a search can give (with the longest parameters it is given).
HINT_KEYS = [
    "search.unsupported",
    "search.unsupported_quotes",
    "search.unsupported_minus",
    "search.unsupported_star",
    "search.no_language",
    "search.other_script",
]
HEAVY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MEDIUM = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_DATE_STAMP = re.compile(r"<t:(-?\d+):D>")


def noon_utc(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC).timestamp())


def tally_of(claims_: list[Claim]) -> dict[Status, int]:
    """What `Store.tally` answers for these claims: every status, in order."""
    counts = Counter(c.status for c in claims_)
    return {s: counts[s] for s in STATUSES}


def tally_text(tally: dict[Status, int]) -> str:
    return ", ".join(f"{n} {s}" for s, n in tally.items() if n)


# == the curated seed =======================================================================


@pytest.fixture
async def seeded(tmp_path: Path) -> AsyncIterator[Store]:
    async with seeded_store(tmp_path / "render.db") as store:
        yield store


async def test_every_seed_topic_shows_every_claim_with_status_and_id(seeded: Store) -> None:
    topics_ = await seeded.list_topics()
    assert len(topics_) >= 3
    multi_page = False
    for topic in topics_:
        pages = await walk(seeded, Query("topic", topic.slug), per_page=PER_PAGE)
        multi_page |= len(pages) > 1
        claims_ = await seeded.topic_claims(topic)
        assert all_field_ids(pages) == [c.id for c in claims_]
        fields = {f.name.rsplit(" · ", 1)[1]: f for p in pages for f in p.card.fields}
        for claim in claims_:
            field = fields[claim.id]
            assert claim.status.upper() in field.name
            pin = "📌 " if claim.id in topic.key_claims else ""
            assert field.name == f"{pin}{status_word(claim.status)} · {claim.id}"
            # Seed claims are shown whole: nothing clipped.
            assert field.value == claim_field(claim).value
            assert len(field.value) <= FIELD_VALUE_MAX
        for page in pages:
            assert page.card.title.endswith(topic.title)
            assert topic.slug in page.card.footer
            assert page.card.description.endswith(tally_text(await seeded.tally(topic=topic.slug)))
    assert multi_page, "the seed should have a topic long enough for two pages"


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
    pages = await walk(seeded, Query("disputed"), per_page=PER_PAGE)
    assert all_field_ids(pages) == disputed
    assert f"{len(disputed)} claim(s)" in pages[0].card.description
    for topic in await seeded.list_topics():
        pages = await walk(seeded, Query("disputed", topic.slug), per_page=PER_PAGE)
        expected = [c.id for c in await seeded.list_claims(topic=topic.slug, statuses=["disputed"])]
        assert all_field_ids(pages) == expected
        if not expected:
            assert "Nothing is disputed" in pages[0].card.description
        for page in pages:
            for field in page.card.fields:
                claim = await seeded.get_claim(field.name.rsplit(" · ", 1)[1])
                if since := claim.disputed_since():
                    assert f"**Disputed since** {when(since)}" in field.value


async def test_seed_timelines_fit_and_list_every_dated_claim_once(seeded: Store) -> None:
    pages = await walk(seeded, Query("timeline"), per_page=0)
    dated = [c.id for c in await seeded.timeline()]
    # Every claim with a date of its own or a dated stance ("said on"), none without.
    assert len(dated) == len([c for c in await seeded.list_claims() if c.placed_at()])
    assert len(pages) > 1, "the seed timeline should run over two pages"
    assert all_timeline_ids(pages) == dated
    for page in pages:
        assert len(timeline_ids(page.card)) <= TIMELINE_PER_PAGE
    for topic in await seeded.list_topics():
        pages = await walk(seeded, Query("timeline", topic.slug), per_page=0)
        dated = [c.id for c in await seeded.list_claims(topic=topic.slug) if c.placed_at()]
        assert sorted(all_timeline_ids(pages)) == sorted(dated)


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
    pages = await walk(seeded, Query("search", topic, text), per_page=PER_PAGE)
    found = all_field_ids(pages)
    assert found == [c.id for c in await seeded.search(text, topic=topic, limit=1000)]
    if hit is None:
        assert not found
        assert "No claims match" in (pages[0].card.description or "")
    else:
        assert hit in found
        assert len(found) == len(set(found))
        assert f"{len(found)} claim(s) match" in pages[0].card.description


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
    """The claim's field on its topic's answer, wherever in the pages it is."""
    claim = await store.get_claim(claim_id)
    pages = await walk(store, Query("topic", claim.topic), per_page=PER_PAGE)
    (value,) = [f.value for p in pages for f in p.card.fields if f.name.endswith(f" · {claim_id}")]
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
    # The report dates Gerasimov's claim only by when he made it (Saturday 26 April 2025).
    value = await _kursk_field_value(seeded, "kursk-recaptured")
    (asserted,) = [line for line in value.split("\n") if "Asserted by" in line]
    assert asserted.endswith(f" · <t:{noon_utc(dt.date(2025, 4, 26))}:D>")
    assert noon_utc(dt.date(2025, 4, 26)) == 1745668800

    claim = await seeded.get_claim("kursk-recaptured")
    assert claim.event_date is None
    fields = {f["name"]: f["value"] for f in assert_fits(claim_card(claim))["fields"]}
    assert fields["Asserted"].startswith("Valery Gerasimov")
    assert "<t:1745668800:D>" in fields["Asserted"]
    # An event date of a full day shows as a timestamp and how long ago (no seed claim has
    # one: the report gives days only for when things were said).
    dated = claim.model_copy(update={"event_date": EventDate.model_validate("2025-04-26")})
    embed = assert_fits(claim_card(dated))
    when = {f["name"]: f["value"] for f in embed["fields"]}["When"]
    assert when == "<t:1745668800:D> (<t:1745668800:R>)"
    assert "**When:** <t:1745668800:D>" in claim_field(dated).value

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
    timeline = await walk(seeded, Query("timeline", "troops"), per_page=0)
    assert any("**~autumn 2024**" in p.card.description for p in timeline)


async def test_figures_render_as_ranges(seeded: Store) -> None:
    value = await _kursk_field_value(seeded, "nk-troop-numbers")
    assert "10,000–12,000 troops" in value
    embed = assert_fits(claim_card(await seeded.get_claim("nk-troop-numbers")))
    assert {f["name"]: f["value"] for f in embed["fields"]}["Figure"] == "10,000–12,000 troops"


# == generated claims at the model's maximum sizes ===========================================


# Each entry's share of a page: from a roomy page of one claim down to the least a full page
# (PER_PAGE entries) leaves under the longest header and footer a layout keeps.
_WORST_LAYOUT = Layout(Card(title="t" * 256, description="d" * 1000), "f" * 500)
SMALLEST_ROOM = _WORST_LAYOUT.field_room(PER_PAGE)


def test_smallest_room_is_what_a_worst_case_full_page_leaves() -> None:
    assert 500 < SMALLEST_ROOM < FIELD_VALUE_MAX
    header = Card(title="x" * 300, description="y" * 5000)
    assert Layout(header, "z" * 3000).field_room(PER_PAGE) == SMALLEST_ROOM


@pytest.mark.parametrize("locale", LOCALES)
@MEDIUM
@given(claim=claims(), topic=maybe(topics()))
def test_any_claim_card_and_field_fit(locale: Locale, claim: Claim, topic: Topic | None) -> None:
    w = words(locale)
    embed = assert_fits(claim_card(claim, topic, w))
    assert claim.id in embed["title"]
    assert w(f"status.{claim.status}") in embed["description"]
    field = claim_field(claim, w=w)
    (sent,) = assert_fits(Card(fields=(field,)))["fields"]
    assert sent["name"] == f"{status_word(claim.status, w)} · {claim.id}"
    assert len(autocomplete_label(claim.id, claim.statement)) <= 100


@pytest.mark.parametrize("locale", LOCALES)
@MEDIUM
@given(
    claim=claims(),
    limit=st.one_of(st.just(SMALLEST_ROOM), st.integers(SMALLEST_ROOM, FIELD_VALUE_MAX)),
    with_since=st.booleans(),
)
def test_claim_field_stays_within_its_limit(
    locale: Locale, claim: Claim, limit: int, with_since: bool
) -> None:
    w = words(locale)
    field = claim_field(claim, limit, with_since=with_since, w=w)
    assert len(field.value) <= limit
    assert field.name == f"{status_word(claim.status, w)} · {claim.id}"
    (sent,) = assert_fits(Card(fields=(field,)))["fields"]
    assert sent["value"] == field.value.strip()
    since = claim.disputed_since()
    label = f"**{w('listing.disputed_since')}**"
    assert (label in field.value) == (with_since and since is not None)
    if with_since and since:
        assert field.value.endswith(f"{label} {when(since, w=w)}")


def _check_listing_pages(cards: list[Card], chunks: list[PageOf]) -> None:
    """Each page fits, numbers itself, and shows exactly its own claims in order."""
    assert len(cards) == len(chunks)
    for card, listing in zip(cards, chunks, strict=True):
        check_page(card, listing.page, listing.pages, per_page=PER_PAGE)
        assert field_ids(card) == [c.id for c in listing.claims]


@pytest.mark.parametrize("locale", LOCALES)
@HEAVY
@given(topic=topics(), claims_=claim_lists(60))
def test_topic_pages_fit_and_show_each_claim_once(
    locale: Locale, topic: Topic, claims_: list[Claim]
) -> None:
    w = words(locale)
    tally = tally_of(claims_)
    chunks = listings(claims_, PER_PAGE)
    cards = [topic_page(topic, tally, listing, w=w) for listing in chunks]
    _check_listing_pages(cards, chunks)
    for card in cards:
        assert topic.slug in card.footer
        assert card.title == cards[0].title
    if not claims_:
        assert cards[0].description.endswith(w("topic.no_claims"))
    elif w.english:
        assert cards[0].description.endswith(tally_text(tally))


@pytest.mark.parametrize("locale", LOCALES)
@HEAVY
@given(claims_=claim_lists(60), topic=maybe(topics()))
def test_disputed_pages_fit_and_show_each_claim_once(
    locale: Locale, claims_: list[Claim], topic: Topic | None
) -> None:
    w = words(locale)
    chunks = listings(claims_, PER_PAGE)
    cards = [disputed_page(topic, listing, w=w) for listing in chunks]
    _check_listing_pages(cards, chunks)
    if claims_:
        assert w("disputed.count", n=w.number(len(claims_))) in cards[0].description
    label = f"**{w('listing.disputed_since')}**"
    for card, listing in zip(cards, chunks, strict=True):
        for field, claim in zip(card.fields, listing.claims, strict=True):
            since = claim.disputed_since()
            assert (label in field.value) == (since is not None)


@pytest.mark.parametrize("locale", LOCALES)
@HEAVY
@given(
    query=huge_texts(500),
    claims_=claim_lists(60),
    topic=maybe(topics()),
    hints=st.lists(st.sampled_from(HINT_KEYS), max_size=4),
)
def test_search_pages_fit_and_show_each_claim_once(
    locale: Locale, query: str, claims_: list[Claim], topic: Topic | None, hints: list[str]
) -> None:
    w = words(locale)
    chunks = listings(claims_, PER_PAGE)
    said = [w(k, syntax="OR", language=w.language()) for k in hints]
    # Every claim matched in its longest text: the match line at its longest.
    matches = {
        c.id: w("search.matched", where=w("search.in_statement"), text=c.statement[:120])
        for c in claims_
    }
    cards = [
        search_page(query, topic, listing, w=w, hints=said, matches=matches) for listing in chunks
    ]
    _check_listing_pages(cards, chunks)
    if not claims_:
        shown = escape_markdown(clip(query, 100))
        none = w("search.nothing" if hints else "search.none", query=shown)
        assert cards[0].description.startswith(none)


def _dated(claims_: list[Claim]) -> list[Claim]:
    """What `Store.timeline` lists: the claims with a date of their own or a dated stance."""
    return [c for c in claims_ if c.placed_at()]


@HEAVY
@given(claims_=claim_lists(60), topic=maybe(topics()))
def test_timeline_pages_fit_and_list_no_claim_off_its_page(
    claims_: list[Claim], topic: Topic | None
) -> None:
    chunks = listings(_dated(claims_), TIMELINE_PER_PAGE)
    for listing in chunks:
        card = timeline_page(topic, listing)
        check_page(card, listing.page, listing.pages, per_page=0)
        ids = timeline_ids(card)
        # A claim id shows at most once, and only on its own page (long lines have their own test).
        own = [c.id for c in listing.claims]
        assert len(ids) == len(set(ids)) and set(ids) <= set(own)
        assert ids == [i for i in own if i in ids]


@st.composite
def timeline_claims(draw: st.DrawFn) -> list[Claim]:
    """Up to 60 dated claims (often at every maximum) whose statements fit a timeline line."""
    out = []
    for claim in draw(claim_lists(60)):
        data = claim.model_dump()
        data["statement"] = draw(texts(60))
        data["event_date"] = claim.event_date or draw(event_dates())
        out.append(Claim.model_validate(data))
    return out


@HEAVY
@given(claims_=timeline_claims(), topic=maybe(topics()))
def test_timeline_pages_fit_and_show_each_dated_claim_on_its_page(
    claims_: list[Claim], topic: Topic | None
) -> None:
    chunks = listings(claims_, TIMELINE_PER_PAGE)
    for listing in chunks:
        card = timeline_page(topic, listing)
        check_page(card, listing.page, listing.pages, per_page=0)
        assert timeline_ids(card) == [c.id for c in listing.claims]
        assert Counter(timeline_ids(card)) == Counter(c.id for c in listing.claims)
    if not claims_:
        assert "No dated claims yet." in timeline_page(topic, chunks[0]).description


def test_timeline_lines_of_long_statements_keep_their_status_and_id() -> None:
    dated = [with_id(long_claim(), f"long-claim-{i:02d}") for i in range(TIMELINE_PER_PAGE)]
    (listing,) = listings(dated, TIMELINE_PER_PAGE)
    card = timeline_page(None, listing)
    assert_fits(card)
    assert timeline_ids(card) == [c.id for c in dated]


@pytest.mark.parametrize("locale", LOCALES)
@MEDIUM
@given(
    topic_counts=st.lists(st.tuples(topics(), st.integers(0, 10**6)), max_size=30),
    counts=st.tuples(*[st.integers(0, 10**9) for _ in STATUSES]),
    latest=maybe(st.datetimes(timezones=st.just(dt.UTC), min_value=dt.datetime(1970, 1, 2))),
    oldest=maybe(st.datetimes(timezones=st.just(dt.UTC), min_value=dt.datetime(1970, 1, 2))),
)
def test_about_card_fits(
    locale: Locale,
    topic_counts: list[tuple[Topic, int]],
    counts: tuple[int, ...],
    latest: dt.datetime | None,
    oldest: dt.datetime | None,
) -> None:
    status_counts = [StatusCount(status=s, count=n) for s, n in zip(STATUSES, counts, strict=True)]
    assert_fits(about_card(topic_counts, status_counts, latest, oldest, words(locale)))


@pytest.mark.parametrize("locale", LOCALES)
@MEDIUM
@given(topics_=st.lists(topics(), max_size=30))
def test_help_card_fits(locale: Locale, topics_: list[Topic]) -> None:
    assert_fits(help_card(topics_, words(locale)))


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
        changed_at=now,
    )
    value = claim_field(claim).value
    assert "@everyone @here <@123> <@&456> <#789> say so" in value
    assert "<@!42> and @everyone" in value
    assert_fits(claim_card(claim))


# == content lost at the model's maximum sizes (bugs) =======================================

KURSK = Topic(slug="kursk", title="K", summary="s")


def _long_claims(count: int) -> list[Claim]:
    return [with_id(long_claim(), f"long-claim-{i:02d}") for i in range(count)]


def _keeps_for_and_against(value: str) -> bool:
    return "**Asserted by** Official 0" in value and (
        "**Disputed by** Official 2" in value or "**Denied by** Ukraine's General Staff" in value
    )


def test_long_claim_still_fits() -> None:
    claim = long_claim()
    assert_fits(claim_card(claim))
    assert_fits(Card(fields=(claim_field(claim),)))
    for count in (1, 3, PER_PAGE, 60):
        claims_ = _long_claims(count)
        chunks = listings(claims_, PER_PAGE)
        _check_listing_pages([topic_page(KURSK, tally_of(claims_), c) for c in chunks], chunks)
        _check_listing_pages([disputed_page(None, c) for c in chunks], chunks)


@pytest.mark.parametrize("limit", [SMALLEST_ROOM, 700, 800, 891, 950, FIELD_VALUE_MAX])
@pytest.mark.parametrize("with_since", [False, True])
def test_long_claim_field_keeps_within_its_limit_and_its_source(
    limit: int, with_since: bool
) -> None:
    value = claim_field(long_claim(), limit, with_since=with_since).value
    assert len(value) <= limit
    assert "**Source:**" in value
    assert "more: /claim id:long-claim*" in value
    assert ("**Disputed since**" in value) == with_since
    if with_since:
        # Its earliest contesting stance is dated April 2025.
        assert value.endswith("**Disputed since** April 2025")


def test_topic_answer_keeps_who_contests_and_the_source_of_a_long_claim() -> None:
    claim = long_claim()
    listing = PageOf([claim], 1, 1, 1)
    (embed_field,) = assert_fits(topic_page(KURSK, tally_of([claim]), listing))["fields"]
    value = embed_field["value"]
    # Trimmed to fit, it still says who claims it, who contests it, and where to see the rest.
    assert "**Asserted by** Official 0" in value
    assert "**Disputed by** Official 2" in value or "**Denied by** Ukraine's General Staff" in value
    assert "more: /claim id:long-claim*" in value
    assert "**Source:**" in value
    # A listing draws a claim at one size, whatever room its page leaves.
    assert value == claim_field(claim, LISTING_FIELD_MAX).value
    assert _keeps_for_and_against(claim_field(claim, FIELD_VALUE_MAX, with_since=True).value)


@pytest.mark.parametrize("count", range(1, PER_PAGE))
def test_pages_of_a_few_long_claims_keep_who_is_for_and_against(count: int) -> None:
    claims_ = _long_claims(count)
    (listing,) = listings(claims_, PER_PAGE)
    for card in (topic_page(KURSK, tally_of(claims_), listing), disputed_page(None, listing)):
        embed = assert_fits(card)
        assert len(embed["fields"]) == count
        for f in embed["fields"]:
            assert _keeps_for_and_against(f["value"]), f["value"]
            assert "**Source:**" in f["value"]


@pytest.mark.parametrize("answer", ["topic", "disputed"])
def test_a_full_page_of_long_claims_keeps_who_is_for_and_against(answer: str) -> None:
    claims_ = _long_claims(PER_PAGE)
    (listing,) = listings(claims_, PER_PAGE)
    if answer == "topic":
        card = topic_page(KURSK, tally_of(claims_), listing)
    else:
        card = disputed_page(None, listing)
    embed = assert_fits(card)
    assert len(embed["fields"]) == PER_PAGE
    for f in embed["fields"]:
        assert "**Source:**" in f["value"]
        assert _keeps_for_and_against(f["value"]), f["value"]


def test_claim_card_of_a_long_claim_keeps_its_sources() -> None:
    embed = assert_fits(claim_card(long_claim()))
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
        changed_at=now,
    )
    assert "url" not in assert_fits(claim_card(claim))


def test_a_long_source_link_is_never_cut_into_broken_markdown() -> None:
    now = dt.datetime(2025, 4, 28, tzinfo=dt.UTC)
    url = "https://example.com/" + "x" * 470
    claim = Claim(
        id="long-link",
        topic="kursk",
        statement="A claim whose source has a very long address.",
        status="reported",
        event_date="2025-04-26",
        sources=(Source(outlet="AP", url=url, published=dt.date(2025, 4, 28)),),
        version=1,
        created_at=now,
        updated_at=now,
        changed_at=now,
    )
    value = claim_field(claim).value
    assert "**Source:** AP" in value
    assert "](" not in value or url in value  # either the whole link or none of it


async def test_listings_draw_a_claim_the_same_whatever_room_their_header_leaves() -> None:
    claims_ = [long_claim()] * 6  # a full page: less room than a field may hold
    listing = PageOf(claims_, 1, 1, 6)
    short = search_page("kursk", None, listing)
    long = search_page("kursk " * 8, None, listing)
    assert short.fields[0] == long.fields[0]
    assert short.fields[0].value == claim_field(claims_[0], LISTING_FIELD_MAX).value


def test_an_estimate_reads_as_a_range_or_about_one_number_in_each_language() -> None:
    assert figure_text(Figure(low=10_000, high=12_000, unit="troops")) == "10,000–12,000 troops"
    assert figure_text(Figure(low=4000, high=4000, unit="killed or wounded")) == (
        "about 4,000 killed or wounded"
    )
    assert figure_text(Figure(low=0, high=0, unit="casualties")) == "about 0 casualties"
    for locale in ("ko", "uk", "ru"):
        text = figure_text(Figure(low=4000, high=4000, unit="troops"), words(locale))
        assert "about" not in text and "troops" in text
