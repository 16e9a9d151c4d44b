"""The claim store against a real SQLite file with the real migrations."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.errors import BriefingError, Conflict, InvalidInput, NotFound
from briefing.models import STATUSES, Briefing, ClaimDraft, Editor, Figure, Topic
from briefing.seed import read_seed
from briefing.store import Store
from briefing.store.search import SUGGEST_ANY_BY_ID, SUGGEST_BY_ID

from .conftest import EDITOR, MIGRATIONS_DIR, OTHER_TOPIC, SEED_PATH, TOPIC, changed, draft

DRAFT_FIELDS = set(ClaimDraft.model_fields)


def content(claim: ClaimDraft) -> dict[str, object]:
    """The editable content of a claim or draft, as comparable Python values."""
    return claim.model_dump(include=DRAFT_FIELDS)


def full_draft(claim_id: str = "full-claim", **fields: object) -> ClaimDraft:
    """A claim using every field: stances with quotes, dates and sources, a figure, sources."""
    data: dict[str, object] = {
        "statement": "Ten thousand soldiers crossed the border in autumn.",
        "status": "disputed",
        "stances": [
            {
                "actor": {"name": "Valery Gerasimov", "kind": "military", "country": "Russia"},
                "stance": "asserts",
                "date": "2025-04-26",
                "quote": "showed fortitude, courage and heroism in battle",
                "source": {
                    "outlet": "Associated Press",
                    "title": "North Korea confirms it sent troops",
                    "url": "https://apnews.com/article/example",
                    "published": "2025-04-28",
                },
            },
            {
                "actor": {"name": "Ukraine's General Staff", "kind": "military"},
                "stance": "denies",
                "date": "2025-04",
            },
            {
                "actor": {"name": "Observers", "kind": "observer"},
                "stance": "declines_to_say",
                "date": "autumn 2024",
            },
            {
                "actor": {"name": "Kim Jong Un", "kind": "government", "country": "North Korea"},
                "stance": "confirms",
                "date": "2024",
            },
        ],
        "figure": {"low": 10_000, "high": 12_000, "unit": "troops"},
        "event_date": "autumn 2024",
        "sources": [
            {"outlet": "Associated Press", "published": "2025-04-28"},
            {"outlet": "Yonhap", "title": "Briefing", "url": "http://yna.co.kr/x?y=1"},
        ],
        "reviewed_at": dt.datetime(2025, 4, 28, 9, 30, tzinfo=dt.UTC),
    }
    data.update(fields)
    return draft(claim_id, **data)


def table_names(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table')").fetchall()
    return {r[0] for r in rows}


# -- migrations ---------------------------------------------------------------------------


def highest_migration() -> int:
    numbers = [
        int(m[1])
        for p in MIGRATIONS_DIR.iterdir()
        if (m := re.fullmatch(r"(\d{4})_\w+\.sql", p.name))
    ]
    assert numbers, "no migrations found"
    return max(numbers)


async def test_migrations_from_empty_create_the_schema(store: Store, db_path: Path) -> None:
    assert await store.schema_version() == highest_migration()
    names = table_names(db_path)
    assert {"topics", "claims", "revisions", "claims_fts", "meta"} <= names
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == highest_migration()
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    async with store._writer.execute("PRAGMA foreign_keys") as cur:
        row = await cur.fetchone()
    assert row is not None and row[0] == 1


async def test_plain_reads_use_a_connection_that_cannot_write(topic_store: Store) -> None:
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        topic_store._reader.execute("DELETE FROM topics")
    # ... and it sees the writer's commits at once.
    await topic_store.create_claim(draft("seen-at-once"), EDITOR)
    assert (await topic_store.get_claim("seen-at-once")).version == 1


async def test_a_failed_migration_closes_every_connection(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing.store import database

    readers: list[sqlite3.Connection] = []
    open_reader = database.open_reader

    def recording(path: Path, *, in_thread: bool = False) -> sqlite3.Connection:
        readers.append(open_reader(path, in_thread=in_thread))
        return readers[-1]

    monkeypatch.setattr(database, "open_reader", recording)
    monkeypatch.setattr(database, "migrations", lambda: [(1, "0001_bad.sql", "NOT SQL")])
    with pytest.raises(sqlite3.OperationalError):
        await Store.open(db_path)
    assert len(readers) == 2  # on the loop and in the worker thread
    for reader in readers:
        with pytest.raises(sqlite3.ProgrammingError, match="closed"):
            reader.execute("SELECT 1")


async def test_an_in_memory_database_is_refused_plainly() -> None:
    with pytest.raises(sqlite3.OperationalError, match="needs a database file"):
        await Store.open(":memory:")


async def test_reopening_applies_nothing_twice(db_path: Path) -> None:
    first = await Store.open(db_path)
    try:
        await first.put_topic(TOPIC)
        await first.create_claim(draft("kept-claim", statement="Sentinel words survive"), EDITOR)
        await first.set_meta("synced_hash", "abc")
    finally:
        await first.close()

    for _ in range(2):
        again = await Store.open(db_path)
        try:
            assert await again.schema_version() == highest_migration()
            assert [t.slug for t in await again.list_topics()] == ["alpha"]
            assert (await again.get_claim("kept-claim")).statement == "Sentinel words survive"
            assert [c.id for c in await again.search("sentinel")] == ["kept-claim"]
            assert await again.get_meta("synced_hash") == "abc"
            assert len(await again.history("kept-claim")) == 1
        finally:
            await again.close()


async def _write_old_claims(db_path: Path) -> None:
    """Three claims as the code of that schema wrote them (today's writes need later
    columns)."""
    await (await Store.open(db_path)).close()  # the schema of that version
    stances = json.dumps([{"actor": {"name": "Party 1", "kind": "observer"}, "stance": "asserts"}])
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "INSERT INTO topics(slug, title, summary, position) VALUES (?, ?, ?, ?)",
            (TOPIC.slug, TOPIC.title, TOPIC.summary, TOPIC.position),
        )
        for n in range(3):
            conn.execute(
                "INSERT INTO claims(id, topic, statement, status, stances, sources, version, "
                "seq, created_at, updated_at) VALUES (?, 'alpha', ?, 'reported', ?, '[]', 1, ?, "
                "'2025-04-28T00:00:00+00:00', '2025-04-28T00:00:00+00:00')",
                (f"old-{n}", f"Shells fell, day {n}.", stances, n + 1),
            )


async def test_migration_3_keeps_the_search_index_and_lists_newest_first(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing.store import database

    every = database.migrations()
    monkeypatch.setattr(database, "migrations", lambda: every[:2])
    await _write_old_claims(db_path)
    # The index as versions 1-2 wrote it: rowid = seq, with the claim id stored.
    with sqlite3.connect(db_path) as conn:
        conn.execute("DELETE FROM claims_fts")
        conn.execute(
            "INSERT INTO claims_fts(rowid, claim_id, statement, people) "
            "SELECT seq, id, statement, '' FROM claims"
        )
    monkeypatch.setattr(database, "migrations", lambda: every)
    store = await Store.open(db_path)
    try:
        assert await store.schema_version() == highest_migration()
        newest = await store.search("shells", ranked=False)
        assert [c.id for c in newest] == ["old-2", "old-1", "old-0"]
        assert {c.id for c in await store.search("shells")} == {"old-0", "old-1", "old-2"}
        # Edits after the migration index the claim again under its new rowid.
        edit = changed(await store.get_claim("old-0"), statement="Drones seen.")
        await store.update_claim(edit, EDITOR, expected_version=1)
        assert [c.id for c in await store.search("drones")] == ["old-0"]
        assert [c.id for c in await store.search("shells", ranked=False)] == ["old-2", "old-1"]
    finally:
        await store.close()


async def test_open_creates_missing_parent_directories(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "briefing.db"
    s = await Store.open(path)
    try:
        assert path.exists()
        assert await s.claim_count() == 0
    finally:
        await s.close()


# -- topics -------------------------------------------------------------------------------


async def test_topic_round_trip_in_position_order(store: Store) -> None:
    late = Topic(slug="late", title="Late", summary="Shown last.", command=None, position=9)
    await store.put_topic(late)
    await store.put_topic(OTHER_TOPIC)
    await store.put_topic(TOPIC)
    assert await store.list_topics() == [TOPIC, OTHER_TOPIC, late]
    assert await store.get_topic("alpha") == TOPIC


async def test_put_topic_updates_an_existing_topic(store: Store) -> None:
    await store.put_topic(TOPIC)
    renamed = TOPIC.model_copy(update={"title": "Alpha, renamed", "command": "alpha2"})
    await store.put_topic(renamed)
    assert await store.list_topics() == [renamed]


async def test_topic_command_clash_is_a_conflict(topic_store: Store) -> None:
    clash = Topic(slug="gamma", title="Gamma", summary="Gamma.", command="alpha")
    with pytest.raises(Conflict, match="/alpha"):
        await topic_store.put_topic(clash)
    assert [t.slug for t in await topic_store.list_topics()] == ["alpha", "beta"]


async def test_unknown_topic_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound, match="nope"):
        await store.get_topic("nope")


# -- claims: round trips ------------------------------------------------------------------


async def test_claim_round_trip_every_field(topic_store: Store) -> None:
    target = await topic_store.create_claim(draft("newer-claim"), EDITOR)
    d = full_draft(status="superseded", superseded_by=target.id)
    created = await topic_store.create_claim(d, EDITOR, reason="first entry")
    got = await topic_store.get_claim("full-claim")

    assert content(got) == content(d)
    assert got == created
    assert got.version == 1
    assert got.created_at == got.updated_at
    assert got.created_at.tzinfo is not None
    # Spot-check what a reader sees, not just equality of dumps.
    assert got.stances[0].quote == "showed fortitude, courage and heroism in battle"
    assert got.stances[0].source is not None
    assert got.stances[0].source.url == "https://apnews.com/article/example"
    assert got.stances[0].source.published == dt.date(2025, 4, 28)
    assert [s.date.precision for s in got.stances if s.date] == ["day", "month", "season", "year"]
    assert got.figure == Figure(low=10_000, high=12_000, unit="troops")
    assert got.event_date is not None and got.event_date.text() == "autumn 2024"
    assert [s.outlet for s in got.sources] == ["Associated Press", "Yonhap"]
    assert got.reviewed_at == dt.datetime(2025, 4, 28, 9, 30, tzinfo=dt.UTC)
    assert got.superseded_by == "newer-claim"
    assert [c.id for c in await topic_store.list_claims()] == ["full-claim", "newer-claim"]


@pytest.mark.parametrize("when", ["2025-04-28", "2025-03", "winter 2025", "autumn 2024", "2024"])
async def test_event_date_of_every_precision_round_trips(topic_store: Store, when: str) -> None:
    d = draft("dated-claim", event_date=when)
    await topic_store.create_claim(d, EDITOR)
    got = await topic_store.get_claim("dated-claim")
    assert got.event_date == d.event_date
    assert got.event_date is not None and got.event_date.text() == when


async def test_claim_without_optional_fields_round_trips(topic_store: Store) -> None:
    # Only the one asserting party a reported claim needs (integrity rules).
    d = draft("bare-claim", sources=[])
    await topic_store.create_claim(d, EDITOR)
    got = await topic_store.get_claim("bare-claim")
    assert content(got) == content(d)
    assert got.figure is None and got.event_date is None and got.reviewed_at is None
    assert len(got.stances) == 1 and got.sources == () and got.retired_at is None


async def test_reviewed_at_in_another_timezone_keeps_its_instant(topic_store: Store) -> None:
    seoul = dt.timezone(dt.timedelta(hours=9))
    when = dt.datetime(2025, 4, 28, 18, 0, tzinfo=seoul)
    await topic_store.create_claim(draft("tz-claim", reviewed_at=when), EDITOR)
    got = await topic_store.get_claim("tz-claim")
    assert got.reviewed_at == when
    assert got.reviewed_at is not None
    assert got.reviewed_at.utcoffset() == dt.timedelta(0)


async def test_naive_reviewed_at_is_taken_as_utc(topic_store: Store) -> None:
    await topic_store.create_claim(
        draft("naive-claim", reviewed_at=dt.datetime(2025, 4, 28, 9, 30)), EDITOR
    )
    got = await topic_store.get_claim("naive-claim")
    assert got.reviewed_at == dt.datetime(2025, 4, 28, 9, 30, tzinfo=dt.UTC)


async def test_create_writes_one_create_revision(topic_store: Store) -> None:
    d = full_draft()
    await topic_store.create_claim(d, EDITOR, reason="from the AP report")
    [rev] = await topic_store.history("full-claim")
    assert (rev.claim_id, rev.version, rev.kind) == ("full-claim", 1, "create")
    assert (rev.editor_id, rev.editor_name, rev.reason) == (42, "Ada", "from the AP report")
    assert rev.at.tzinfo is not None
    assert rev.diff["statement"] == [None, d.statement]
    assert rev.diff["status"] == [None, "disputed"]
    assert rev.diff["event_date"] == [None, {"value": "2024-09-01", "precision": "season"}]
    assert rev.diff["figure"] == [None, {"low": 10000, "high": 12000, "unit": "troops"}]
    assert rev.diff["stances"][0] is None and len(rev.diff["stances"][1]) == 4
    # Unset fields are not part of a create diff.
    assert "superseded_by" not in rev.diff


async def test_create_with_a_taken_id_is_a_conflict(topic_store: Store) -> None:
    await topic_store.create_claim(draft("dup-claim", statement="The original."), EDITOR)
    with pytest.raises(Conflict, match="dup-claim"):
        await topic_store.create_claim(draft("dup-claim", statement="An impostor."), EDITOR)
    assert (await topic_store.get_claim("dup-claim")).statement == "The original."
    assert await topic_store.claim_count() == 1
    assert len(await topic_store.history("dup-claim")) == 1
    assert [c.id for c in await topic_store.search("impostor")] == []


async def test_create_in_an_unknown_topic_writes_nothing(topic_store: Store) -> None:
    with pytest.raises(InvalidInput, match="nowhere"):
        await topic_store.create_claim(draft("lost-claim", topic="nowhere"), EDITOR)
    assert await topic_store.claim_count() == 0
    with pytest.raises(NotFound):
        await topic_store.history("lost-claim")


async def test_create_pointing_to_an_unknown_successor_is_refused(topic_store: Store) -> None:
    d = draft("old-claim", status="superseded", superseded_by="ghost-claim")
    with pytest.raises(InvalidInput, match="ghost-claim"):
        await topic_store.create_claim(d, EDITOR)
    assert await topic_store.claim_count() == 0


async def test_unknown_claim_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound, match="no-such-claim"):
        await store.get_claim("no-such-claim")
    with pytest.raises(NotFound, match="no-such-claim"):
        await store.history("no-such-claim")


# -- claims: updates ----------------------------------------------------------------------


async def test_update_increments_version_and_records_the_diff(topic_store: Store) -> None:
    original = await topic_store.create_claim(draft("upd-claim"), EDITOR)
    new = changed(
        original,
        status="confirmed",
        statement="Now confirmed by both sides.",
        stances=[{"actor": {"name": "Party 1", "kind": "observer"}, "stance": "confirms"}],
    )
    other = Editor(7, "Grace")
    updated = await topic_store.update_claim(
        new, other, expected_version=1, kind="status", reason="Pyongyang confirmed"
    )
    assert updated.version == 2
    got = await topic_store.get_claim("upd-claim")
    assert got == updated
    assert content(got) == content(new)
    assert got.created_at == original.created_at
    assert got.updated_at >= original.updated_at

    first, second = await topic_store.history("upd-claim")
    assert first.kind == "create" and first.version == 1
    assert (second.version, second.kind, second.reason) == (2, "status", "Pyongyang confirmed")
    assert (second.editor_id, second.editor_name) == (7, "Grace")
    assert second.diff["statement"] == ["Statement of upd-claim.", "Now confirmed by both sides."]
    assert second.diff["status"] == ["reported", "confirmed"]
    assert set(second.diff) == {"statement", "status", "stances"}


async def test_update_reindexes_search(topic_store: Store) -> None:
    original = await topic_store.create_claim(draft("idx-claim", statement="Zebras run"), EDITOR)
    await topic_store.update_claim(
        changed(original, statement="Giraffes walk"), EDITOR, expected_version=1
    )
    assert await topic_store.search("zebras") == []
    assert [c.id for c in await topic_store.search("giraffes")] == ["idx-claim"]


async def test_successive_updates_chain_versions(topic_store: Store) -> None:
    c = await topic_store.create_claim(draft("chain-claim"), EDITOR)
    for n in range(2, 5):
        c = await topic_store.update_claim(
            changed(c, statement=f"Take {n}."), EDITOR, expected_version=c.version
        )
        assert c.version == n
    assert [r.version for r in await topic_store.history("chain-claim")] == [1, 2, 3, 4]


async def test_stale_version_is_a_conflict_and_changes_nothing(topic_store: Store) -> None:
    c = await topic_store.create_claim(draft("stale-claim"), EDITOR)
    c2 = await topic_store.update_claim(
        changed(c, statement="The first edit."), Editor(7, "Grace"), expected_version=1
    )
    with pytest.raises(Conflict, match=r"`stale-claim` was changed by Grace at .* UTC"):
        await topic_store.update_claim(
            changed(c, statement="A late edit."), EDITOR, expected_version=1
        )
    assert await topic_store.get_claim("stale-claim") == c2
    assert len(await topic_store.history("stale-claim")) == 2
    assert await topic_store.search("late edit") == []


async def test_nothing_changed_is_invalid_input(topic_store: Store) -> None:
    c = await topic_store.create_claim(full_draft(), EDITOR)
    with pytest.raises(InvalidInput, match="Nothing changed"):
        await topic_store.update_claim(changed(c), EDITOR, expected_version=1)
    with pytest.raises(InvalidInput, match="Nothing changed"):
        await topic_store.update_claim(c, EDITOR, expected_version=1)
    assert (await topic_store.get_claim("full-claim")).version == 1
    assert len(await topic_store.history("full-claim")) == 1


async def test_update_to_an_unknown_topic_writes_nothing(topic_store: Store) -> None:
    c = await topic_store.create_claim(draft("moving-claim"), EDITOR)
    with pytest.raises(InvalidInput, match="nowhere"):
        await topic_store.update_claim(
            changed(c, topic="nowhere", statement="Moved away."), EDITOR, expected_version=1
        )
    assert await topic_store.get_claim("moving-claim") == c
    assert len(await topic_store.history("moving-claim")) == 1
    assert await topic_store.search("moved away") == []


async def test_update_to_an_unknown_successor_leaves_db_untouched(topic_store: Store) -> None:
    c = await topic_store.create_claim(draft("retiring-claim"), EDITOR)
    bad = changed(c, status="superseded", superseded_by="ghost-claim", statement="Obsolete by now.")
    with pytest.raises(InvalidInput, match="ghost-claim"):
        await topic_store.update_claim(bad, EDITOR, expected_version=1, kind="retire")
    assert await topic_store.get_claim("retiring-claim") == c
    assert len(await topic_store.history("retiring-claim")) == 1
    assert await topic_store.search("obsolete") == []
    # The store is still usable: the transaction was closed.
    ok = await topic_store.create_claim(draft("successor"), EDITOR)
    retired = await topic_store.update_claim(
        changed(c, status="superseded", superseded_by=ok.id), EDITOR, expected_version=1
    )
    assert retired.superseded_by == "successor"


async def test_update_of_an_unknown_claim_is_not_found(topic_store: Store) -> None:
    with pytest.raises(NotFound, match="never-created"):
        await topic_store.update_claim(draft("never-created"), EDITOR, expected_version=1)
    assert await topic_store.claim_count() == 0


async def test_failure_mid_transaction_rolls_back_earlier_writes(topic_store: Store) -> None:
    # The first topic is written, then the second clashes on its command: nothing stays.
    seed = Briefing(
        topics=(
            Topic(slug="gamma", title="Gamma", summary="Gamma."),
            Topic(slug="delta", title="Delta", summary="Delta.", command="alpha"),
        ),
        claims=(draft("seeded-claim", topic="gamma"),),
    )
    with pytest.raises(Conflict):
        await topic_store.load_seed(seed)
    assert [t.slug for t in await topic_store.list_topics()] == ["alpha", "beta"]
    assert await topic_store.claim_count() == 0
    await topic_store.create_claim(draft("after-failure"), EDITOR)
    assert await topic_store.claim_count() == 1


async def test_failed_commit_is_rolled_back_and_store_stays_usable(store: Store) -> None:
    seed = Briefing(
        topics=(Topic(slug="gamma", title="Gamma", summary="Gamma."),),
        claims=(draft("orphan-claim", topic="not-in-seed"),),
    )
    with pytest.raises((BriefingError, sqlite3.Error)):
        await store.load_seed(seed)
    assert await store.claim_count() == 0
    assert await store.list_topics() == []
    await store.put_topic(TOPIC)
    await store.create_claim(draft("after-failure"), EDITOR)
    assert await store.claim_count() == 1


async def test_load_seed_dangling_reference_is_a_typed_error(store: Store) -> None:
    seed = Briefing(
        topics=(Topic(slug="gamma", title="Gamma", summary="Gamma."),),
        claims=(draft("orphan-claim", topic="gamma", status="superseded", superseded_by="gone"),),
    )
    with pytest.raises(BriefingError, match="orphan-claim"):
        await store.load_seed(seed)


# -- search -------------------------------------------------------------------------------


async def test_search_finds_by_statement_words(seeded_store: Store) -> None:
    assert [c.id for c in await seeded_store.search("recaptured Kursk")] == ["kursk-recaptured"]


async def test_search_finds_by_actor_name(seeded_store: Store) -> None:
    found = [c.id for c in await seeded_store.search("Gerasimov")]
    assert set(found) == {
        "kursk-recaptured",
        "ukraine-kursk-operation-continues",
        "nk-troops-deployed",
        "nk-troops-fought-in-kursk",
    }


async def test_search_finds_by_quote(seeded_store: Store) -> None:
    assert [c.id for c in await seeded_store.search("heroism")] == ["nk-troops-fought-in-kursk"]
    assert [c.id for c in await seeded_store.search("motherland")] == ["nk-fallen-honoured"]


async def test_search_matches_word_prefixes_and_ignores_case(seeded_store: Store) -> None:
    assert [c.id for c in await seeded_store.search("RECAPT")] == ["kursk-recaptured"]
    assert [c.id for c in await seeded_store.search("shoig")] != []


async def test_search_requires_every_word(seeded_store: Store) -> None:
    assert await seeded_store.search("Gerasimov monument") == []


async def test_search_topic_filter(seeded_store: Store) -> None:
    everywhere = await seeded_store.search("North Korea")
    in_treaty = await seeded_store.search("North Korea", topic="treaty")
    assert in_treaty
    assert {c.topic for c in in_treaty} == {"treaty"}
    assert {c.id for c in in_treaty} == {c.id for c in everywhere if c.topic == "treaty"}
    assert len(everywhere) > len(in_treaty)


async def test_search_limit(seeded_store: Store) -> None:
    assert len(await seeded_store.search("North", limit=3)) == 3


async def test_search_puts_statement_matches_first(topic_store: Store) -> None:
    people_only = draft(
        "aaa-people-match",
        statement="A parade was held.",
        stances=[{"actor": {"name": "Pyongyang radio", "kind": "media"}, "stance": "asserts"}],
    )
    in_statement = draft("zzz-statement-match", statement="Pyongyang builds a monument.")
    await topic_store.create_claim(people_only, EDITOR)
    await topic_store.create_claim(in_statement, EDITOR)
    found = [c.id for c in await topic_store.search("pyongyang")]
    assert found == ["zzz-statement-match", "aaa-people-match"]


@pytest.mark.parametrize("typed", ['"', "*", "()", "...", "   ", "", "-", "^", ":", "%"])
async def test_search_without_words_is_invalid_input(seeded_store: Store, typed: str) -> None:
    with pytest.raises(InvalidInput, match="at least one word"):
        await seeded_store.search(typed)


async def test_fts_operators_are_searched_as_words(topic_store: Store) -> None:
    await topic_store.create_claim(
        draft("ops-claim", statement="Troops stand near the border and not or rarely move."),
        EDITOR,
    )
    await topic_store.create_claim(draft("other-claim", statement="Quiet day."), EDITOR)
    for typed in ["NEAR(", '"and', "troops*", "border)", "and OR not"]:
        assert [c.id for c in await topic_store.search(typed)] == ["ops-claim"], typed
    for typed in [
        "a OR quiet",
        "NEAR(quiet day)",
        "{statement}: quiet",
        "statement: troops",
    ]:
        # As operators these would find something; as words they must all match.
        assert await topic_store.search(typed) == [], typed
    # Operators alone are left out (the answer names them), leaving nothing to search.
    for typed in ["AND OR", "NOT"]:
        with pytest.raises(InvalidInput, match="at least one word"):
            await topic_store.search(typed)
    # "-word" cannot exclude; it is left out rather than required.
    assert [c.id for c in await topic_store.search("-troops quiet")] == ["other-claim"]


async def test_search_ignores_diacritics(topic_store: Store) -> None:
    await topic_store.create_claim(draft("accent-claim", statement="Kyiv's café talks."), EDITOR)
    assert [c.id for c in await topic_store.search("cafe")] == ["accent-claim"]
    assert [c.id for c in await topic_store.search("CAFÉ")] == ["accent-claim"]


@pytest.fixture(scope="module")
def seeded_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seeded") / "briefing.db"

    async def build() -> None:
        s = await Store.open(path)
        try:
            await s.load_seed(read_seed(SEED_PATH))
        finally:
            await s.close()

    asyncio.run(build())
    return path


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(typed=st.text(max_size=60))
def test_free_text_search_only_raises_invalid_input(seeded_db_file: Path, typed: str) -> None:
    async def check() -> None:
        s = await Store.open(seeded_db_file)
        try:
            try:
                found = await s.search(typed)
            except InvalidInput:
                found = []
            assert all(c.id for c in found)
            suggestions = await s.suggest_claims(typed)
            assert len(suggestions) <= 25
            assert len({i for i, _ in suggestions}) == len(suggestions)
        finally:
            await s.close()

    asyncio.run(check())


# -- autocomplete -------------------------------------------------------------------------


async def test_suggest_empty_input_lists_claims_in_briefing_order(seeded_store: Store) -> None:
    ordered = [(c.id, c.statement) for c in await seeded_store.list_claims()]
    assert await seeded_store.suggest_claims("") == ordered[:25]
    assert await seeded_store.suggest_claims("   ", limit=4) == ordered[:4]


async def test_suggest_puts_id_prefix_matches_first(topic_store: Store) -> None:
    await topic_store.create_claim(
        draft("aaa-text", statement="Fighting in Kursk continues."), EDITOR
    )
    await topic_store.create_claim(draft("kursk-held", statement="The region is held."), EDITOR)
    await topic_store.create_claim(draft("kursk-lost", statement="The region is lost."), EDITOR)
    await topic_store.create_claim(draft("unrelated", statement="Nothing here."), EDITOR)
    got = await topic_store.suggest_claims("Kursk")
    assert got == [
        ("kursk-held", "The region is held."),
        ("kursk-lost", "The region is lost."),
        ("aaa-text", "Fighting in Kursk continues."),
    ]


async def test_suggestions_by_id_read_one_index_only(seeded_store: Store) -> None:
    # Ids and statements side by side in one index (migrations 0004 and 0007), not a row
    # per claim; the public one skips retired claims within the index.
    for sql, index in (
        (SUGGEST_BY_ID, "claims_live_ids"),
        (SUGGEST_ANY_BY_ID, "claims_id_statement"),
    ):
        plan = seeded_store._reader.execute(
            f"EXPLAIN QUERY PLAN {sql}", ("kursk", "kursk\U0010ffff", 25)
        ).fetchall()
        assert any(f"COVERING INDEX {index}" in row["detail"] for row in plan), plan


async def test_suggest_respects_limit_without_duplicates(seeded_store: Store) -> None:
    for typed, limit in [("nk", 3), ("north", 5), ("kursk", 2), ("", 1)]:
        got = await seeded_store.suggest_claims(typed, limit=limit)
        assert len(got) == limit, typed
        assert len({i for i, _ in got}) == len(got)
    # An id prefix and text both matching the same claim list it once.
    got = await seeded_store.suggest_claims("kursk", limit=25)
    assert [i for i, _ in got].count("kursk-recaptured") == 1
    assert got[0][0] == "kursk-recaptured"


async def hit_count(store: Store, query: str, *, topic: str | None = None, cap: int = -1) -> int:
    return len((await store.search_hits(query, topic=topic, cap=cap)).seqs)


async def test_search_prefers_whole_words_and_falls_back_to_beginnings(
    topic_store: Store,
) -> None:
    await topic_store.create_claim(draft("cat-claim", statement="A cat was seen."), EDITOR)
    await topic_store.create_claim(draft("cats-claim", statement="Two cats were seen."), EDITOR)
    await topic_store.create_claim(draft("catalog-claim", statement="A catalog appeared."), EDITOR)
    # Whole words in any form (cat, cats); "catalog" only starts with the word.
    assert sorted(c.id for c in await topic_store.search("cat")) == ["cat-claim", "cats-claim"]
    assert await hit_count(topic_store, "cat") == 2
    # No claim has the whole word "catal": every claim with a word starting so is found.
    assert [c.id for c in await topic_store.search("catal")] == ["catalog-claim"]
    assert await hit_count(topic_store, "catal") == 1


async def test_a_topic_search_falls_back_to_beginnings_only_when_no_claim_has_the_words(
    topic_store: Store,
) -> None:
    await topic_store.create_claim(draft("cat-alpha", statement="A cat was seen."), EDITOR)
    await topic_store.create_claim(
        draft("catalog-beta", topic="beta", statement="A catalog appeared."), EDITOR
    )
    # "cat" is a whole word in alpha, so in beta it means the word, and beta has none ...
    assert await topic_store.search("cat", topic="beta") == []
    assert await hit_count(topic_store, "cat", topic="beta") == 0
    # ... while no claim anywhere has the whole word "catal": beginnings, then the topic.
    assert [c.id for c in await topic_store.search("catal", topic="beta")] == ["catalog-beta"]
    assert await hit_count(topic_store, "catal", topic="beta") == 1


async def test_search_hits_are_newest_first_and_stop_at_the_cap(topic_store: Store) -> None:
    for n in range(5):
        await topic_store.create_claim(draft(f"same-{n}", statement="Shells fell."), EDITOR)
    assert await hit_count(topic_store, "shells") == 5
    assert await hit_count(topic_store, "shells", cap=3) == 3
    assert await hit_count(topic_store, "shells", topic=TOPIC.slug, cap=2) == 2
    assert await hit_count(topic_store, "shells", cap=10) == 5
    hits = await topic_store.search_hits("shells", cap=3)
    newest = await topic_store.claims_at(hits.seqs)
    assert [newest[s].id for s in hits.seqs] == ["same-4", "same-3", "same-2"]
    # A page of the newest is a slice of the hits, read in their order.
    page = await topic_store.search("shells", limit=2, offset=1, ranked=False)
    assert [c.id for c in page] == ["same-3", "same-2"]


async def test_suggest_matches_the_last_word_as_it_is_typed(topic_store: Store) -> None:
    await topic_store.create_claim(draft("bridge-claim", statement="The bridge fell."), EDITOR)
    await topic_store.create_claim(draft("other-claim", statement="A bridgehead held."), EDITOR)
    # The last word is a beginning ("brid" finds bridge and bridgehead) ...
    assert sorted(i for i, _ in await topic_store.suggest_claims("brid")) == [
        "bridge-claim",
        "other-claim",
    ]
    # ... earlier words are whole ("bridge" is not "bridgehead") ...
    assert [i for i, _ in await topic_store.suggest_claims("bridge fel")] == ["bridge-claim"]
    # ... and words under three letters are left out, so "bridge" is the last one here.
    assert sorted(i for i, _ in await topic_store.suggest_claims("bridge fe")) == [
        "bridge-claim",
        "other-claim",
    ]


async def test_suggest_treats_like_wildcards_literally(topic_store: Store) -> None:
    await topic_store.create_claim(draft("x-y", statement="Nothing relevant here."), EDITOR)
    await topic_store.create_claim(draft("xay", statement="Nothing relevant here."), EDITOR)
    assert await topic_store.suggest_claims("%") == []
    assert await topic_store.suggest_claims("_") == []
    assert await topic_store.suggest_claims("x_y") == []
    assert await topic_store.suggest_claims("x%") == []
    assert await topic_store.suggest_claims("\\") == []
    assert [i for i, _ in await topic_store.suggest_claims("x-")] == ["x-y"]


# -- counts, timeline, metadata -------------------------------------------------------------


async def test_count_by_status_on_an_empty_store(store: Store) -> None:
    counts = await store.count_by_status()
    assert [(c.status, c.count) for c in counts] == [(s, 0) for s in STATUSES]


async def test_count_by_status_covers_every_status(topic_store: Store) -> None:
    await topic_store.create_claim(draft("target"), EDITOR)  # reported
    for status in STATUSES:
        extra = {"superseded_by": "target"} if status == "superseded" else {}
        await topic_store.create_claim(draft(f"s-{status}", status=status, **extra), EDITOR)
    counts = {c.status: c.count for c in await topic_store.count_by_status()}
    assert list(counts) == list(STATUSES)
    assert counts == {s: 2 if s == "reported" else 1 for s in STATUSES}


async def test_count_by_status_matches_the_seed(seeded_store: Store) -> None:
    seed = read_seed(SEED_PATH)
    expected = Counter(c.status for c in seed.claims)
    counts = {c.status: c.count for c in await seeded_store.count_by_status()}
    assert counts == {s: expected.get(s, 0) for s in STATUSES}
    assert sum(counts.values()) == len(seed.claims)


async def test_timeline_orders_by_event_date(topic_store: Store) -> None:
    for claim_id, when, topic in [
        ("t-day", "2025-04-28", "alpha"),
        ("t-year", "2024", "alpha"),
        ("t-month", "2025-03", "beta"),
        ("t-season", "autumn 2024", "alpha"),
        ("t-undated", None, "alpha"),
        ("t-winter", "winter 2025", "alpha"),
    ]:
        await topic_store.create_claim(draft(claim_id, event_date=when, topic=topic), EDITOR)
    got = [c.id for c in await topic_store.timeline()]
    # A vague date sits at the end of its period: "2024" after "autumn 2024".
    assert got == ["t-season", "t-year", "t-winter", "t-month", "t-day"]
    assert [c.id for c in await topic_store.timeline(topic="beta")] == ["t-month"]


async def test_seed_timeline_is_chronological(seeded_store: Store) -> None:
    timeline = await seeded_store.timeline()
    keys = [c.timeline_key() for c in timeline]
    assert all(keys) and len(keys) > 0
    assert keys == sorted(k for k in keys if k)
    placed = [c for c in read_seed(SEED_PATH).claims if c.placed_at()]
    assert {c.id for c in timeline} == {c.id for c in placed}


async def test_meta_round_trip(store: Store) -> None:
    assert await store.get_meta("tree_hash") is None
    await store.set_meta("tree_hash", "one")
    await store.set_meta("tree_hash", "two")
    assert await store.get_meta("tree_hash") == "two"


async def test_freshness(topic_store: Store) -> None:
    assert await topic_store.freshness() == (None, None)
    older = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    newer = dt.datetime(2025, 4, 1, tzinfo=dt.UTC)
    one = await topic_store.create_claim(draft("f-one", reviewed_at=newer), EDITOR)
    two = await topic_store.create_claim(draft("f-two", reviewed_at=older), EDITOR)
    assert await topic_store.freshness() == (max(one.changed_at, two.changed_at), older)
    # A review writes the claim but changes nothing it says: the latest change stays.
    before = await topic_store.get_claim("f-one")
    await topic_store.update_claim(
        changed(before, reviewed_at=dt.datetime.now(dt.UTC)), EDITOR, expected_version=1
    )
    assert await topic_store.freshness() == (two.changed_at, older)


async def test_the_seed_s_latest_change_is_its_newest_source_not_the_load(
    seeded_store: Store,
) -> None:
    latest, _ = await seeded_store.freshness()
    assert latest is not None and latest < dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


# -- the curated seed -----------------------------------------------------------------------


async def test_load_seed_loads_every_topic_and_claim(store: Store) -> None:
    seed = read_seed(SEED_PATH)
    assert await store.load_seed(seed) is True

    assert await store.list_topics() == sorted(seed.topics, key=lambda t: (t.position, t.slug))
    assert await store.claim_count() == len(seed.claims)
    for expected in seed.claims:
        got = await store.get_claim(expected.id)
        assert content(got) == content(expected), expected.id
        assert got.version == 1
        [rev] = await store.history(expected.id)
        assert (rev.kind, rev.version, rev.editor_id, rev.editor_name) == (
            "import",
            1,
            None,
            "seed",
        )
        assert rev.reason == "curated seed"


async def test_load_seed_refuses_a_second_time(store: Store) -> None:
    seed = read_seed(SEED_PATH)
    assert await store.load_seed(seed) is True
    before = [(c.id, c.version, c.updated_at) for c in await store.list_claims()]
    assert await store.load_seed(seed) is False
    assert [(c.id, c.version, c.updated_at) for c in await store.list_claims()] == before
    assert len(await store.list_topics()) == len(seed.topics)
    for c in seed.claims:
        assert len(await store.history(c.id)) == 1
    assert len(await store.search("Gerasimov")) == 4


async def test_load_seed_refuses_a_store_with_claims(topic_store: Store) -> None:
    await topic_store.create_claim(draft("editor-made"), EDITOR)
    assert await topic_store.load_seed(read_seed(SEED_PATH)) is False
    assert [c.id for c in await topic_store.list_claims()] == ["editor-made"]
    assert [t.slug for t in await topic_store.list_topics()] == ["alpha", "beta"]
