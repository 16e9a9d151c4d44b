"""Issue 13 in the core: key claims first, search that explains itself, time that means
something, names that find what a member meant, and curated text in other languages."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

import pytest

from briefing.answers import AnswerCache
from briefing.editorial import ClaimText, Desk
from briefing.errors import Forbidden, InvalidInput, NotFound
from briefing.finding import claim_miss
from briefing.i18n import words
from briefing.models import Claim, ClaimDraft, Editor
from briefing.numbers import numbers_in
from briefing.queries import Query, page_for
from briefing.render.about import about_card
from briefing.render.claim import claim_card
from briefing.render.help import help_card
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


async def test_a_retired_or_moved_claim_stops_being_a_key_claim_in_the_same_change(
    topic_store: Store, tmp_path: Path
) -> None:
    from briefing.io.documents import briefing_yaml

    for i in range(4):
        await topic_store.create_claim(
            draft(f"c-{i}", status="disputed" if i == 3 else "reported"), EDITOR
        )
    desk = Desk(topic_store)
    for claim_id in ("c-0", "c-1", "c-2"):
        await desk.pin(claim_id, EDITOR)
    await desk.retire("c-0", EDITOR, reason="Wrong.")
    c1 = await topic_store.get_claim("c-1")
    await topic_store.update_claim(changed(c1, topic="beta"), EDITOR, expected_version=1)
    alpha = await topic_store.get_topic("alpha")
    assert alpha.key_claims == ("c-2",)
    history = await topic_store.topic_history("alpha")
    assert [r.reason for r in history][-2:] == ["claim retired", "claim moved to beta"]
    # A pin decided on an older read (the claim retired or moved since) is refused by the
    # store, inside the pinning transaction.
    for stale in ("c-0", "c-1"):
        with pytest.raises(InvalidInput, match="Only a listed claim of `alpha`"):
            await topic_store.change_topic(
                "alpha",
                EDITOR,
                lambda t, c=stale: t.model_copy(update={"key_claims": (*t.key_claims, c)}),
                "race",
            )
    assert (await topic_store.get_topic("alpha")).key_claims == ("c-2",)
    # The freed places can be pinned again, and the file exported reads back.
    await desk.pin("c-3", EDITOR)
    path = tmp_path / "export.yaml"
    path.write_text(briefing_yaml(await topic_store.export_briefing()), encoding="utf-8")
    assert read_seed(path).topics[0].key_claims == ("c-2", "c-3")


async def test_an_import_that_moves_a_key_claim_away_unpins_it(topic_store: Store) -> None:
    from briefing.models import Briefing

    await topic_store.create_claim(draft("c-0"), EDITOR)
    await Desk(topic_store).pin("c-0", EDITOR)
    moved = changed(await topic_store.get_claim("c-0"), topic="beta")
    beta = await topic_store.get_topic("beta")
    await topic_store.apply_briefing(Briefing((beta,), (moved,)), EDITOR)  # no alpha in it
    assert (await topic_store.get_topic("alpha")).key_claims == ()
    reasons = [r.reason for r in await topic_store.topic_history("alpha")]
    assert reasons[-1] == "key claim moved or retired by an import"


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
    assert claim.changed_at == dt.datetime(2025, 4, 28, 12, tzinfo=dt.UTC)
    card = claim_card(claim)
    fields = {f.name: f.value for f in card.fields}
    assert fields["Last changed"].startswith("<t:1745841600:D>")
    assert fields["Last verified"].startswith("<t:1745841600:D>")
    assert f"{claim.updated_at:%Y-%m-%d}" not in card.footer
    assert "updated" not in card.footer
    edited = await seeded_store.update_claim(
        changed(claim, statement="Edited now."), EDITOR, expected_version=claim.version
    )
    assert edited.changed_at == edited.updated_at
    assert (await seeded_store.get_claim("kursk-recaptured")).changed_at == edited.updated_at
    stamp = f"<t:{int(edited.updated_at.timestamp())}:f>"
    assert stamp in {f.name: f.value for f in claim_card(edited).fields}["Last changed"]


async def test_a_review_or_a_translation_does_not_change_when_a_claim_last_changed(
    seeded_store: Store,
) -> None:
    desk = Desk(seeded_store)
    source_day = dt.datetime(2025, 4, 28, 12, tzinfo=dt.UTC)
    await desk.review("kursk-recaptured", EDITOR)
    claim = await seeded_store.get_claim("kursk-recaptured")
    await desk.translate_claim(
        "kursk-recaptured",
        "ko",
        "러시아가 쿠르스크를 탈환했다고 밝혔다.",
        EDITOR,
        based_on=claim.version,
    )
    after = await seeded_store.get_claim("kursk-recaptured")
    assert after.version == claim.version + 1 and after.reviewed_at is not None
    assert after.changed_at == source_day
    assert "<t:1745841600:D>" in {f.name: f.value for f in claim_card(after).fields}["Last changed"]


async def test_a_claim_an_editor_adds_changed_when_it_was_added(topic_store: Store) -> None:
    await topic_store.create_claim(
        draft("new", sources=[{**WIRE, "published": dt.date(2024, 1, 5)}]), EDITOR
    )
    claim = await topic_store.get_claim("new")
    assert claim.changed_at == claim.created_at
    assert claim.changed_at.date() == dt.datetime.now(dt.UTC).date()


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


async def test_a_new_english_statement_drops_the_translations_of_the_old_one(
    seeded_store: Store,
) -> None:
    desk = Desk(seeded_store)
    claim = await seeded_store.get_claim("kursk-recaptured")
    assert claim.translations
    event = claim.event_date.text() if claim.event_date else None
    same = ClaimText(claim.statement, "troops", event_date=event)
    moved = await desk.edit(claim.id, same, EDITOR, based_on=claim.version)
    assert moved.after.translations == claim.translations  # the words did not change
    reworded = ClaimText("Russia says it has retaken all of Kursk.", "troops", event_date=event)
    change = await desk.edit(claim.id, reworded, EDITOR, based_on=moved.after.version)
    assert change.after.translations == {}
    history = await seeded_store.history(claim.id)
    assert set(history[-1].diff) >= {"statement", "translations"}  # kept in the history
    uk = words("uk")
    card = claim_card(change.after, None, uk)
    assert card.description is not None
    assert "Russia says it has retaken all of Kursk." in card.description
    assert uk("translation.fallback", language=uk.language()) in card.description


async def test_a_page_names_every_kind_of_text_it_shows_in_the_members_language(
    seeded_store: Store,
) -> None:
    desk = Desk(seeded_store)
    claim = await seeded_store.get_claim("kursk-recaptured")
    await desk.translate_claim(claim.id, "ko", "", EDITOR, based_on=claim.version)
    ko = words("ko")
    page = await page_for(seeded_store, Query("topic", "kursk"), w=ko)
    assert page.card.description is not None
    # One claim has no Korean, the others are machine-assisted: both are said.
    assert ko("translation.fallback_some", language=ko.language()) in page.card.description
    assert ko("translation.machine", language=ko.language()) in page.card.description
    topic = await seeded_store.get_topic("kursk")
    assert topic.translations["ko"].machine
    about = about_card([(topic, 1)], [], None, None, ko)
    assert ko("translation.machine", language=ko.language()) in (about.description or "")
    helped = help_card([topic], ko)
    assert ko("translation.machine", language=ko.language()) in (helped.description or "")
    english = help_card([topic])
    assert "Machine-assisted" not in (english.description or "")


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
        assert claim.changed_at == dt.datetime(2025, 3, 2, 12, tzinfo=dt.UTC)
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


# -- errors a member reads ----------------------------------------------------------------


async def test_a_members_suggestion_errors_read_in_their_language(topic_store: Store) -> None:
    from briefing.store.corrections import DAILY_LIMIT

    await topic_store.create_claim(draft("c-1"), EDITOR)
    desk, member, uk = Desk(topic_store), Editor(7, "member"), words("uk")
    with pytest.raises(InvalidInput) as bad_link:
        await desk.suggest("c-1", "Wrong.", "ftp://x`@everyone`", member)
    assert bad_link.value.key == "error.not_web_link"
    shown = uk("error.not_web_link", **bad_link.value.params)
    assert shown.count("`") == 2 and "вебпосилання" in shown  # the typed text stays inside
    with pytest.raises(InvalidInput) as empty:
        await desk.suggest("c-1", "  \n ", None, member)
    assert empty.value.key == "suggest.empty"
    for i in range(DAILY_LIMIT):
        await desk.suggest("c-1", f"Wrong, {i}.", None, member)
    with pytest.raises(Forbidden) as limit:
        await desk.suggest("c-1", "Once more.", None, member)
    assert limit.value.key == "suggest.daily_limit"
    text = uk("suggest.daily_limit", **limit.value.params)
    assert re.search(r"<t:\d+:R>", text) and f"пропозицій: {DAILY_LIMIT}." in text
    assert await topic_store.open_count() == DAILY_LIMIT  # nothing more stored


def test_typed_text_cannot_close_the_code_span_it_is_shown_in() -> None:
    miss = claim_miss("a`b ` c", [], [], words("ru"))
    assert str(miss).count("`") == 2


async def test_numbers_are_read_from_the_english_not_from_translations(
    seeded_store: Store,
) -> None:
    # Its Ukrainian reads "10–12 тисяч": read there, 10 and 12 would find it.
    claim = await seeded_store.get_claim("nk-troop-numbers")
    assert claim.translations
    assert "nk-troop-numbers" in [c.id for c in await seeded_store.search("12,000", limit=100)]
    for typed in ("10", "12"):
        assert "nk-troop-numbers" not in [c.id for c in await seeded_store.search(typed)]
