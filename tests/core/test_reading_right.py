"""Issue 13 in the core: key claims first, search that explains itself, time that means
something, names that find what a member meant, and curated text in other languages."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from briefing.answers import AnswerCache
from briefing.editorial import Desk
from briefing.errors import InvalidInput, NotFound
from briefing.i18n import words
from briefing.models import Claim, ClaimDraft
from briefing.numbers import numbers_in
from briefing.queries import Query, page_for
from briefing.render.claim import claim_card
from briefing.searching import matched_spans, parse, script_of
from briefing.seed import read_seed
from briefing.store import Store
from tests.core.conftest import EDITOR, SEED_PATH, TOPIC, WIRE, changed, draft


def ids(card_fields: object) -> list[str]:
    return [f.name.rsplit(" · ", 1)[1] for f in card_fields]  # type: ignore[attr-defined]


# -- order ------------------------------------------------------------------------------


async def test_a_topic_leads_with_disputed_claims_then_the_most_recently_changed(
    topic_store: Store,
) -> None:
    for i, status in enumerate(["reported", "disputed", "reported", "disputed"]):
        day = dt.date(2025, 4, 10 + i)
        await topic_store.create_claim(
            draft(f"c-{i}", status=status, sources=[{"outlet": "Wire", "published": day}]),
            EDITOR,
        )
    topic = await topic_store.get_topic("alpha")
    # Disputed first, newest source first; then the rest, newest first.
    assert [c.id for c in await topic_store.topic_claims(topic)] == ["c-3", "c-1", "c-2", "c-0"]
    # An edit is a change: the edited claim moves up within its group.
    before = await topic_store.get_claim("c-0")
    await topic_store.update_claim(
        changed(before, statement="Now edited."), EDITOR, expected_version=1
    )
    assert [c.id for c in await topic_store.topic_claims(topic)] == ["c-3", "c-1", "c-0", "c-2"]


async def test_pinned_claims_lead_in_their_order_and_three_at_most(topic_store: Store) -> None:
    for i in range(5):
        await topic_store.create_claim(
            draft(f"c-{i}", status="disputed" if i == 4 else "reported"), EDITOR
        )
    desk = Desk(topic_store)
    await desk.pin("c-1", EDITOR)
    await desk.pin("c-0", EDITOR)
    topic = await topic_store.get_topic("alpha")
    assert topic.key_claims == ("c-1", "c-0")
    listed = [c.id for c in await topic_store.topic_claims(topic)]
    assert listed[:2] == ["c-1", "c-0"] and len(listed) == 5
    page = await page_for(topic_store, Query("topic", "alpha"))
    assert [f.name.startswith("📌 ") for f in page.card.fields][:3] == [True, True, False]
    await desk.pin("c-2", EDITOR)
    before = await topic_store.get_topic("alpha")
    with pytest.raises(InvalidInput, match="already has 3 key claims"):
        await desk.pin("c-3", EDITOR)
    with pytest.raises(InvalidInput, match="already a key claim"):
        await desk.pin("c-2", EDITOR)
    assert await topic_store.get_topic("alpha") == before
    await desk.unpin("c-1", EDITOR)
    assert (await topic_store.get_topic("alpha")).key_claims == ("c-0", "c-2")
    history = await topic_store.topic_history("alpha")
    assert [r.reason for r in history][-1] == "unpinned c-1"
    assert history[-1].diff == {"key_claims": [["c-1", "c-0", "c-2"], ["c-0", "c-2"]]}


async def test_kursk_status_leads_with_the_disputed_recapture_claim(seeded_store: Store) -> None:
    page = await page_for(seeded_store, Query("topic", "kursk"))
    assert ids(page.card.fields)[0] == "kursk-recaptured"
    assert page.card.fields[0].name.startswith("📌 ⚖️ DISPUTED")
    # /timeline stays in the order things happened.
    timeline = await seeded_store.timeline(topic="kursk")
    keys = [c.timeline_key() or "" for c in timeline]
    assert keys == sorted(keys)


def test_a_key_claim_in_the_data_file_must_be_a_live_claim_of_its_topic(tmp_path: Path) -> None:
    text = SEED_PATH.read_text(encoding="utf-8").replace(
        "key_claims: [kursk-recaptured]", "key_claims: [treaty-signed]"
    )
    path = tmp_path / "briefing.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(Exception, match="key_claims: 'treaty-signed' belongs to topic 'treaty'"):
        read_seed(path)


# -- time -------------------------------------------------------------------------------


async def test_a_claim_shows_when_it_changed_and_was_verified_not_when_it_was_loaded(
    seeded_store: Store,
) -> None:
    claim = await seeded_store.get_claim("kursk-recaptured")
    assert claim.updated_at.date() == dt.datetime.now(dt.UTC).date()  # loaded today
    # Never edited: it changed when its newest source says (AP, 28 April 2025).
    assert claim.last_changed() == dt.datetime(2025, 4, 28, 12, tzinfo=dt.UTC)
    card = claim_card(claim)
    fields = {f.name: f.value for f in card.fields}
    assert fields["Last changed"].startswith("<t:1745841600:D>")
    assert fields["Last verified"].startswith("<t:1745841600:D>")
    assert f"{claim.updated_at:%Y-%m-%d}" not in card.footer
    assert "updated" not in card.footer
    edited = await seeded_store.update_claim(
        changed(claim, statement="Edited now."), EDITOR, expected_version=claim.version
    )
    assert edited.last_changed() == edited.updated_at
    stamp = f"<t:{int(edited.updated_at.timestamp())}:f>"
    assert stamp in {f.name: f.value for f in claim_card(edited).fields}["Last changed"]


# -- search -----------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["10000", "10,000", "10k", "10 000", "10K"])
async def test_numbers_match_however_they_are_written(topic_store: Store, typed: str) -> None:
    await topic_store.create_claim(draft("ten", statement="About 10,000 soldiers went."), EDITOR)
    await topic_store.create_claim(draft("eleven", statement="Some 11,000 went."), EDITOR)
    await topic_store.create_claim(draft("year", statement="In 2024, 10 units moved."), EDITOR)
    assert [c.id for c in await topic_store.search(typed)] == ["ten"]


def test_numbers_are_read_by_value() -> None:
    assert [v for v, _, _ in numbers_in("10,000–12,000 troops, 1.5 million shells, 2024")] == [
        10_000,
        12_000,
        1_500_000,
        2024,
    ]
    assert [v for v, _, _ in numbers_in("10 000", typed=True)] == [10_000]
    assert [v for v, _, _ in numbers_in("28 100")] == [28, 100]  # stored text: two numbers
    assert [v for v, _, _ in numbers_in("16.1k and 2.5")] == [16_100]  # 2.5 counts nothing


def test_a_number_is_found_where_it_is_written_after_a_skipped_decimal() -> None:
    text = "Ratio 1.5 to 1, then 1 more"
    assert [(v, start) for v, _, start in numbers_in(text)] == [(1, 13), (1, 21)]
    assert matched_spans(text, ["n1"]) == [(13, 14), (21, 22)]


async def test_a_number_matches_only_its_own_value_never_a_longer_one(topic_store: Store) -> None:
    await topic_store.create_claim(draft("hundred", statement="About 100 soldiers went."), EDITOR)
    await topic_store.create_claim(draft("thousand", statement="Some 1,000 went."), EDITOR)
    await topic_store.create_claim(draft("shells", statement="It fired 16,100 shells."), EDITOR)
    assert await topic_store.search("10") == []
    assert [c.id for c in await topic_store.search("16.1k")] == ["shells"]


async def test_numbers_in_outlet_and_actor_names_are_found(topic_store: Store) -> None:
    await topic_store.create_claim(
        draft("ch4", statement="Troops moved.", sources=[{**WIRE, "outlet": "Channel 4 News"}]),
        EDITOR,
    )
    assert [c.id for c in await topic_store.search("4")] == ["ch4"]


def test_query_syntax_is_named_and_left_out() -> None:
    parsed = parse('kursk OR "troops" -north region:east tank*')
    assert parsed.words == ["kursk", "troops", "east", "tank"]
    keys = [(h.key, h.params.get("syntax")) for h in parsed.hints]
    assert ("search.unsupported", "OR") in keys
    assert ("search.unsupported", "region:") in keys
    assert ("search.unsupported_quotes", None) in keys
    assert ("search.unsupported_minus", None) in keys
    assert ("search.unsupported_star", None) in keys


def test_scripts_point_to_their_language() -> None:
    assert script_of("북한") == "ko"
    assert script_of("Україна") == "uk"
    assert script_of("Курськ") == "uk/ru"  # no letter only one of them has
    assert script_of("Курский") == "uk/ru"
    assert script_of("войска") == "uk/ru"
    assert script_of("ёлка") == "ru"
    assert script_of("クルスク") == "other"
    assert script_of("Kyiv") is None and script_of("café") is None


@pytest.mark.parametrize(
    ("typed", "hit"),
    [("북한", "nk-troops-deployed"), ("Курськ", "kursk-recaptured"), ("Курск", "kursk-recaptured")],
)
async def test_other_scripts_find_the_translations(
    seeded_store: Store, typed: str, hit: str
) -> None:
    page = await page_for(seeded_store, Query("search", None, typed))
    assert all("🔎" in f.value for f in page.card.fields)
    assert hit in [c.id for c in await seeded_store.search(typed, limit=1000)]


async def test_a_language_with_no_text_yet_is_named(topic_store: Store) -> None:
    await topic_store.create_claim(draft("plain", statement="Troops moved."), EDITOR)
    page = await page_for(topic_store, Query("search", None, "북한"))
    assert "The briefing has no Korean text yet; search in English." in page.card.description
    assert "Try fewer or shorter words" not in page.card.description
    other = await page_for(topic_store, Query("search", None, "クルスク"))
    assert "no text in that script" in other.card.description


async def test_or_is_named_not_searched(seeded_store: Store) -> None:
    page = await page_for(seeded_store, Query("search", None, "kursk OR troops"))
    assert "`OR` is not supported" in page.card.description
    assert "Try fewer or shorter words" not in page.card.description


async def test_each_hit_shows_the_words_that_matched_and_where(seeded_store: Store) -> None:
    page = await page_for(seeded_store, Query("search", None, "Gerasimov"))
    recaptured = next(f for f in page.card.fields if f.name.endswith("kursk-recaptured"))
    assert "🔎 On record: " in recaptured.value and "**Gerasimov**" in recaptured.value
    quote = await page_for(seeded_store, Query("search", None, "annihilate"))
    field = next(f for f in quote.card.fields if f.name.endswith("nk-deployment-aim-kursk"))
    assert "🔎 Quote (Kim Jong Un, North Korean leader): " in field.value
    assert "**annihilate**" in field.value


# -- names ------------------------------------------------------------------------------


async def test_a_topic_is_found_by_title_command_or_words_in_any_language(
    seeded_store: Store,
) -> None:
    answers = AnswerCache(seeded_store)
    for typed in ["The fight for Kursk", "kursk-status", "fight kursk", "쿠르스크-현황"]:
        page = await answers.page(Query.of("topic", typed))
        assert page.card.title == "Briefing: The fight for Kursk", typed
    with pytest.raises(NotFound) as miss:
        await answers.page(Query.of("topic", "kurks"))
    assert "Nearest: `kursk`" in str(miss.value) and "/brief" not in str(miss.value)
    with pytest.raises(NotFound) as many:
        await answers.page(Query.of("topic", "north korea"))
    assert "matches several topics" in str(many.value)


# -- languages --------------------------------------------------------------------------


async def test_a_claim_reads_in_the_members_language_or_says_it_falls_back(
    seeded_store: Store,
) -> None:
    answers = AnswerCache(seeded_store)
    ko = words("ko")
    card = await answers.claim("kursk-recaptured", "ko")
    translated = (await seeded_store.get_claim("kursk-recaptured")).statement_in("ko")
    assert translated is not None and translated.machine
    assert translated.statement in card.description
    assert ko("translation.machine", language=ko.language()) in card.description
    await seeded_store.create_claim(draft("untranslated", topic="kursk"), EDITOR)
    plain = await answers.claim("untranslated", "ko")
    assert "Statement of untranslated." in plain.description
    assert ko("translation.fallback", language=ko.language()) in plain.description


async def test_an_editor_reviews_a_translation_and_can_remove_it(seeded_store: Store) -> None:
    desk = Desk(seeded_store)
    claim = await seeded_store.get_claim("kursk-recaptured")
    _, after = await desk.translate_claim(
        claim.id, "uk", "Росія заявляє, що повернула Курщину.", EDITOR, based_on=claim.version
    )
    text = after.statement_in("uk")
    assert text is not None and not text.machine
    assert after.statement_in("ko") == claim.statement_in("ko")  # the others kept
    history = await seeded_store.history(claim.id)
    assert history[-1].reason == "translation (uk) reviewed"
    # Searched in its new words at once.
    assert [c.id for c in await seeded_store.search("повернула")] == [claim.id]
    _, removed = await desk.translate_claim(claim.id, "uk", "", EDITOR, based_on=after.version)
    assert removed.statement_in("uk") is None
    with pytest.raises(InvalidInput, match="Translations are in ko, uk, ru"):
        await desk.translate_claim(claim.id, "fr", "x", EDITOR, based_on=removed.version)
    stored = await seeded_store.get_claim(claim.id)
    assert stored == removed


async def test_translations_survive_export_and_import_unchanged(
    seeded_store: Store, tmp_path: Path
) -> None:
    from briefing.io.documents import briefing_yaml

    briefing = await seeded_store.export_briefing()
    path = tmp_path / "export.yaml"
    path.write_text(briefing_yaml(briefing), encoding="utf-8")
    again = read_seed(path)
    assert again.topics == briefing.topics
    assert [c.translations for c in again.claims] == [c.translations for c in briefing.claims]


async def test_migration_9_indexes_numbers_of_claims_written_before_it(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing.store import database

    every = database.migrations()
    monkeypatch.setattr(database, "migrations", lambda: every[:8])
    old = await Store.open(db_path)
    await old.close()
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "INSERT INTO topics(slug, title, summary, position) VALUES (?, ?, ?, ?)",
            (TOPIC.slug, TOPIC.title, TOPIC.summary, TOPIC.position),
        )
        conn.execute(
            "INSERT INTO claims(id, topic, statement, status, stances, sources, version, seq, "
            "created_at, updated_at) VALUES ('old', 'alpha', 'About 12,000 went.', 'reported', "
            '\'[{"actor": {"name": "P", "kind": "observer"}, "stance": "asserts", '
            '"date": {"value": "2025-03-02", "precision": "day"}}]\', \'[]\', 1, 1, '
            "'2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')"
        )
        conn.execute(
            "INSERT INTO claims_fts(rowid, statement, people) "
            "VALUES (-1, 'About 12,000 went.', 'P')"
        )
    monkeypatch.setattr(database, "migrations", lambda: every)
    store = await Store.open(db_path)
    try:
        assert [c.id for c in await store.search("12000")] == ["old"]
        claim: Claim = await store.get_claim("old")
        assert claim.translations == {}
        assert claim.last_changed() == dt.datetime(2025, 3, 2, 12, tzinfo=dt.UTC)
        topic = await store.get_topic("alpha")
        assert topic.key_claims == () and topic.translations == {}
        assert [c.id for c in await store.topic_claims(topic)] == ["old"]
    finally:
        await store.close()


def test_a_translated_statement_keeps_the_statement_limits() -> None:
    with pytest.raises(ValueError):
        ClaimDraft.model_validate(
            draft("x-1").model_dump() | {"translations": {"ko": {"statement": "가" * 301}}}
        )
    with pytest.raises(ValueError):
        ClaimDraft.model_validate(
            draft("x-1").model_dump() | {"translations": {"fr": {"statement": "Bonjour"}}}
        )
