"""Import and export: the seed format round-trips exactly, an import is planned, shown and
applied all or nothing, and the ClaimReview export has what fact-check markup requires."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import yaml

from briefing.errors import InvalidInput, SeedError
from briefing.import_plan import Change, ImportPlan, plan_import, stored_form
from briefing.integrity import Breach
from briefing.io.claimreview import claim_reviews
from briefing.io.documents import (
    MAX_DOCUMENT_CHARS,
    briefing_document,
    briefing_json,
    briefing_yaml,
    export_file,
    parse_briefing,
    parse_upload,
)
from briefing.models import Briefing, ClaimDraft, Topic
from briefing.seed import parse_json, parse_seed
from briefing.store import Store

from .conftest import EDITOR, SEED_PATH, opened

TODAY = dt.date(2025, 5, 1)
AP = {
    "outlet": "Associated Press",
    "title": "North Korea confirms it sent troops",
    "url": "https://apnews.com/article/example",
    "published": "2025-04-28",
}
BARE = {"outlet": "Yonhap"}  # no title, URL or date
KIM = {"name": "Kim Jong Un", "kind": "government", "country": "North Korea"}
STAFF = {"name": "Ukraine's General Staff", "kind": "military", "country": "Ukraine"}
WATCHERS = {"name": "Observers", "kind": "observer"}
WATCHERS_MEDIA = {"name": "Observers", "kind": "media"}  # same name: a second key


def topics() -> tuple[Topic, ...]:
    return (
        Topic(slug="troops", title="Troops", summary="Who went.", command="troops", position=1),
        Topic(slug="kursk", title="Kursk — курск", summary="Who holds it.", position=2),
    )


def claims() -> tuple[ClaimDraft, ...]:
    raw: list[dict[str, Any]] = [
        {
            "id": "troops-sent",
            "topic": "troops",
            "statement": "North Korea sent troops to Russia.",
            "status": "confirmed",
            "event_date": "autumn 2024",
            "figure": {"low": 10000, "high": 12000, "unit": "troops"},
            "stances": [
                {"actor": KIM, "stance": "confirms", "date": "2025-04-28", "source": AP},
                {"actor": WATCHERS, "stance": "asserts", "quote": "“They went.” @everyone"},
            ],
            "sources": [AP],
            "reviewed_at": "2025-04-28T09:30:00.123456+00:00",
        },
        {
            "id": "kursk-held",
            "topic": "kursk",
            "statement": "Ukraine still holds ground in Kursk — **bold** <@&123> ‏.",
            "status": "disputed",
            "stances": [
                {"actor": KIM, "stance": "asserts", "date": "2025-04"},
                {"actor": STAFF, "stance": "denies", "date": "spring 2025"},
                {"actor": WATCHERS_MEDIA, "stance": "declines_to_say", "date": "2025"},
            ],
            "sources": [BARE, AP],
        },
        {
            "id": "old-count",
            "topic": "troops",
            "statement": "An earlier count of the troops.",
            "status": "superseded",
            "superseded_by": "troops-sent",
            "sources": [BARE],
        },
        {
            "id": "withdrawn",
            "topic": "kursk",
            "statement": "A claim taken out of the briefing.",
            "status": "reported",
            "stances": [{"actor": STAFF, "stance": "asserts"}],
            "retired_at": "2025-04-30T12:00:00+00:00",
        },
    ]
    return tuple(ClaimDraft.model_validate(c) for c in raw)


def sample() -> Briefing:
    return Briefing(topics(), claims())


def with_claims(briefing: Briefing, *replaced: ClaimDraft) -> Briefing:
    by_id = {c.id: c for c in replaced}
    kept = tuple(by_id.pop(c.id, c) for c in briefing.claims)
    return Briefing(briefing.topics, kept + tuple(by_id.values()))


def edit(claim: ClaimDraft, **fields: Any) -> ClaimDraft:
    return ClaimDraft.model_validate(
        claim.model_dump(include=set(ClaimDraft.model_fields)) | fields
    )


async def revisions(store: Store) -> list[tuple[Any, ...]]:
    rows = await store._rows("SELECT claim_id, version, kind, diff FROM revisions ORDER BY id")
    return [tuple(r) for r in rows]


# -- the document -------------------------------------------------------------------------


def test_yaml_round_trip_is_exact() -> None:
    text = briefing_yaml(sample(), note="a test")
    assert parse_seed(text, Path("export.yaml")) == sample()
    assert parse_briefing(text, "upload.txt") == sample()


def test_json_round_trip_is_exact() -> None:
    text = briefing_json(sample())
    assert parse_json(text, "export.json") == sample()
    assert parse_briefing(text, "upload.json") == sample()
    assert parse_briefing(text, "no-extension") == sample()  # sniffed by its first character


def test_sources_and_actors_are_tables_of_readable_deduplicated_keys() -> None:
    doc = briefing_document(sample())
    assert list(doc["sources"]) == ["associated-press-2025-04-28", "yonhap"]
    assert list(doc["actors"]) == ["kim-jong-un", "observers", "ukraine-s-general-staff",
                                   "observers-2"]  # fmt: skip
    assert doc["actors"]["observers-2"] == WATCHERS_MEDIA
    first = doc["claims"][0]
    assert first["sources"] == ["associated-press-2025-04-28"]
    assert first["stances"][0] == {
        "actor": "kim-jong-un",
        "stance": "confirms",
        "date": "2025-04-28",
        "source": "associated-press-2025-04-28",
    }
    assert first["event_date"] == "autumn 2024"
    assert "retired_at" not in first and doc["claims"][3]["retired_at"].startswith("2025-04-30")


def test_yaml_is_what_a_curator_would_write() -> None:
    text = briefing_yaml(sample())
    assert text.startswith("# Briefing Bot export.")
    assert "курск" in text  # written as is, not escaped
    assert "status: 'false'" not in text
    doc = yaml.safe_load(text)
    assert doc["version"] == 1 and [t["slug"] for t in doc["topics"]] == ["troops", "kursk"]


def test_false_status_stays_a_string_in_yaml() -> None:
    false = ClaimDraft.model_validate(
        {
            "id": "a-lie",
            "topic": "troops",
            "statement": "Something untrue.",
            "status": "false",
            "stances": [{"actor": STAFF, "stance": "denies"}],
        }
    )
    briefing = Briefing(topics(), (false,))
    assert parse_seed(briefing_yaml(briefing), "x.yaml") == briefing


def test_real_seed_round_trips() -> None:
    try:
        seed = parse_seed(SEED_PATH.read_text(encoding="utf-8"), SEED_PATH)
    except SeedError as exc:  # being curated elsewhere; the round trip is tested above
        pytest.skip(f"the curated seed does not parse right now: {exc}")
    assert parse_seed(briefing_yaml(seed), "x.yaml") == seed
    assert parse_json(briefing_json(seed), "x.json") == seed


@pytest.mark.parametrize(
    ("text", "name", "fragment"),
    [
        ('{"version": 1, "version": 1}', "x.json", "duplicate key"),
        ('{"version": NaN}', "x.json", "NaN"),
        ('{"version": 1,', "x.json", "line 1 is not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, "x.json", "x.json:"),
        ('{"version": 1, "topics": []}', "x.json", "at least one topic"),
        ("version: 1\ntopics: [", "x.yaml", "not valid YAML"),
    ],
)
def test_bad_json_and_yaml_are_seed_errors(text: str, name: str, fragment: str) -> None:
    with pytest.raises(SeedError) as info:
        parse_briefing(text, name)
    assert str(info.value).startswith(f"{name}:") and fragment in str(info.value)


def test_oversized_upload_is_refused_before_parsing() -> None:
    with pytest.raises(SeedError, match="too large"):
        parse_briefing("#" * (MAX_DOCUMENT_CHARS + 1), "big.yaml")


# -- the store ---------------------------------------------------------------------------


async def test_apply_into_an_empty_store_then_export_gives_the_file_back(store: Store) -> None:
    plan = await store.apply_briefing(sample(), EDITOR, reason="first import")
    assert plan.claims_added == ("troops-sent", "kursk-held", "old-count", "withdrawn")
    assert plan.topics_added == ("troops", "kursk")
    exported = await store.export_briefing()
    assert exported == Briefing(topics(), tuple(map(stored_form, claims())))
    [rev] = await store.history("kursk-held")
    assert (rev.kind, rev.version, rev.editor_name, rev.reason) == (
        "import",
        1,
        "Ada",
        "first import",
    )
    assert [t.diff["title"] for t in await store.topic_history("kursk")] == [
        [None, "Kursk — курск"]
    ]
    # The retired claim is kept but not searched; the others are.
    assert [c.id for c in await store.search("Kursk")] == ["kursk-held"]
    assert await store.search("taken out of the briefing") == []
    assert (await store.get_claim("withdrawn")).retired_at is not None


async def test_export_then_import_into_another_store_is_lossless(
    store: Store, tmp_path: Path
) -> None:
    await store.apply_briefing(sample(), EDITOR)
    for fmt in ("yaml", "json"):
        exported = export_file(
            fmt, await store.list_topics(), await store.export_claims(), today=TODAY
        )
        async with opened(tmp_path / f"copy-{fmt}.db") as other:
            await other.apply_briefing(parse_briefing(exported.text, exported.name), EDITOR)
            assert await other.export_briefing() == await store.export_briefing()


async def test_plan_and_its_summary(store: Store) -> None:
    await store.apply_briefing(sample(), EDITOR)
    one, two, _three, _four = claims()
    changed = edit(two, status="denied", stances=[two.stances[1].model_dump()])
    added = edit(one, id="troops-new", statement="A second group of troops arrived.")
    renamed = (topics()[0].model_copy(update={"title": "North Korean troops"}), topics()[1])
    new_topic = Topic(slug="aid", title="Aid", summary="What went back.", position=3)
    file = Briefing((*renamed, new_topic), (one, changed, added))
    plan = plan_import(file, await store.export_briefing())
    assert plan == ImportPlan(
        topics_added=("aid",),
        topics_changed=(Change("troops", ("title",)),),
        topics_unchanged=1,
        claims_added=("troops-new",),
        claims_changed=(Change("kursk-held", ("status", "stances")),),
        claims_unchanged=1,
        not_in_file=("old-count", "withdrawn"),
    )
    assert plan.summary_lines() == [
        "Claims: 1 added, 1 changed, 1 unchanged.",
        "Topics: 1 added, 1 changed, 1 unchanged.",
        "Added topics: aid",
        "Changed topics: troops (title)",
        "Added claims: troops-new",
        "Changed claims: kursk-held (status, stances)",
        "Kept, not in the file: old-count; withdrawn",
    ]
    assert plan.summary_lines(limit=1)[-1] == "Kept, not in the file: old-count; and 1 more"
    # Planning wrote nothing; applying carries out exactly that plan.
    assert (await store.get_claim("kursk-held")).status == "disputed"
    assert await store.apply_briefing(file, EDITOR) == plan
    after = await store.get_claim("kursk-held")
    assert (after.status, after.version) == ("denied", 2)
    history = await store.history("kursk-held")
    assert [(r.kind, r.version) for r in history] == [("import", 1), ("import", 2)]
    assert set(history[-1].diff) == {"status", "stances"}
    assert await store.claim_as_of("kursk-held", 1) == two
    assert (await store.get_topic("troops")).title == "North Korean troops"
    assert (await store.get_claim("old-count")).version == 1  # kept, untouched


async def test_applying_the_same_file_twice_changes_nothing_the_second_time(store: Store) -> None:
    # Other UTC offsets are stored in UTC; the second run must still see no change.
    offset = dt.timezone(dt.timedelta(hours=9))
    first = edit(claims()[0], reviewed_at=dt.datetime(2025, 4, 28, 18, 30, tzinfo=offset))
    file = with_claims(sample(), first)
    await store.apply_briefing(file, EDITOR)
    before = (await store.export_briefing(), await revisions(store), await store.data_version())
    plan = await store.apply_briefing(file, EDITOR)
    assert not plan.changes_anything
    assert plan.claims_unchanged == 4 and plan.topics_unchanged == 2
    assert plan.summary_lines()[0] == "Nothing to change: the store already matches the file."
    assert (
        await store.export_briefing(),
        await revisions(store),
        await store.data_version(),
    ) == before


async def test_topics_may_swap_their_commands(store: Store) -> None:
    await store.apply_briefing(sample(), EDITOR)
    a, b = topics()
    swapped = (
        a.model_copy(update={"command": "kursk"}),
        b.model_copy(update={"command": "troops"}),
    )
    plan = await store.apply_briefing(Briefing(swapped, claims()), EDITOR)
    assert [c.fields for c in plan.topics_changed] == [("command",), ("command",)]
    assert {t.slug: t.command for t in await store.list_topics()} == {
        "troops": "kursk",
        "kursk": "troops",
    }


async def test_retiring_a_claim_takes_it_out_of_search(store: Store) -> None:
    await store.apply_briefing(sample(), EDITOR)
    gone = edit(claims()[1], retired_at="2025-05-01T00:00:00Z")
    await store.apply_briefing(with_claims(sample(), gone), EDITOR)
    assert await store.search("Kursk") == []
    back = edit(gone, retired_at=None)
    await store.apply_briefing(with_claims(sample(), back), EDITOR)
    assert [c.id for c in await store.search("Kursk")] == ["kursk-held"]


async def snapshot(store: Store, db_path: Path) -> tuple[Any, ...]:
    """Everything an import could touch, read as another program would."""
    with sqlite3.connect(db_path) as db:
        tables = tuple(
            tuple(db.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall())
            for t in ("topics", "claims", "revisions", "topic_revisions", "claims_fts")
        )
    return (await store.export_briefing(), await store.data_version(), tables)


BAD_AGAINST_THE_STORE: list[tuple[str, Any, type[Exception], str]] = [
    (
        "breach-in-one-claim",
        lambda b: with_claims(b, edit(b.claims[1], status="confirmed")),
        Breach,
        "kursk-held",
    ),
    (
        "command-taken-by-a-stored-topic",
        lambda b: Briefing((Topic(slug="aid", title="Aid", summary="S.", command="troops"),), ()),
        InvalidInput,
        "topic command `troops`",
    ),
    (
        "retires-the-successor-of-a-stored-claim",
        lambda b: Briefing(b.topics, (edit(b.claims[0], retired_at="2025-05-01T00:00:00Z"),)),
        Breach,
        "old-count",
    ),
    (
        "unknown-topic",
        lambda b: Briefing((), (edit(b.claims[0], id="new-one", topic="weather"),)),
        InvalidInput,
        "no topic called `weather`",
    ),
    (
        "duplicate-claim-id",
        lambda b: Briefing(b.topics, (b.claims[0], b.claims[0])),
        InvalidInput,
        "twice",
    ),
]


@pytest.mark.parametrize(
    ("make", "error", "fragment"),
    [pytest.param(m, e, f, id=i) for i, m, e, f in BAD_AGAINST_THE_STORE],
)
async def test_a_file_that_cannot_be_applied_changes_nothing(
    store: Store, db_path: Path, make: Any, error: type[Exception], fragment: str
) -> None:
    await store.apply_briefing(sample(), EDITOR)
    before = await snapshot(store, db_path)
    bad = make(sample())
    # A good new claim first: it must be rolled back with the rest.
    bad = Briefing(bad.topics, (edit(claims()[0], id="would-be-new"), *bad.claims))
    with pytest.raises(error, match=fragment):
        await store.apply_briefing(bad, EDITOR)
    assert await snapshot(store, db_path) == before


async def test_a_failure_halfway_through_rolls_everything_back(store: Store, db_path: Path) -> None:
    await store.apply_briefing(sample(), EDITOR)
    with sqlite3.connect(db_path) as db:  # another program forbids one id
        db.execute(
            "CREATE TRIGGER no_z AFTER INSERT ON claims WHEN NEW.id = 'z-last' "
            "BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END"
        )
    before = await snapshot(store, db_path)
    changed = edit(claims()[1], statement="Changed before the failure.")
    late = edit(claims()[0], id="z-last")
    file = with_claims(sample(), edit(claims()[0], id="a-first"), changed, late)
    with pytest.raises(InvalidInput, match="refused by a trigger"):
        await store.apply_briefing(file, EDITOR)
    assert await snapshot(store, db_path) == before


def test_a_bad_file_is_refused_whole_before_the_store_is_touched(tmp_path: Path) -> None:
    doc = briefing_document(sample())
    doc["claims"][2]["statement"] = "x" * 301  # one bad claim among good ones
    with pytest.raises(SeedError, match="claim 'old-count' \\(entry 3\\): field statement"):
        parse_briefing(json.dumps(doc), "bad.json")


# -- ClaimReview -------------------------------------------------------------------------


def assert_claim_review(review: dict[str, Any]) -> None:
    """What Google's fact-check markup requires (and reads when present)."""
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["claimReviewed"].strip()
    assert review["url"].startswith("https://")
    assert review["author"]["@type"] == "Organization" and review["author"]["name"]
    dt.date.fromisoformat(review["datePublished"])
    rating = review["reviewRating"]
    assert rating["@type"] == "Rating" and rating["alternateName"]
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"]["@type"] in ("Person", "Organization") and item["author"]["name"]
    assert item["appearance"]
    for work in item["appearance"]:
        assert work["@type"] == "CreativeWork"
        assert work.get("url") or work.get("name") or work.get("headline")


async def test_claimreview_has_every_required_field(store: Store) -> None:
    await store.apply_briefing(sample(), EDITOR)
    exported = export_file(
        "claimreview",
        await store.list_topics(),
        await store.export_claims(),
        today=TODAY,
        base_url="https://example.org/briefing",
    )
    assert exported.name == f"briefing-{TODAY}.claimreview.jsonld"
    reviews = json.loads(exported.text)
    # One per claim still in the briefing: the retired one is not published.
    assert [r["identifier"] for r in reviews] == ["troops-sent", "kursk-held", "old-count"]
    for review in reviews:
        assert_claim_review(review)
        assert review["datePublished"] == dt.datetime.now(dt.UTC).date().isoformat()
    sent, held, old = reviews
    assert sent["url"] == "https://example.org/briefing/troops-sent"
    assert sent["reviewRating"]["alternateName"] == "Confirmed"
    assert sent["itemReviewed"]["author"]["name"] == "Kim Jong Un"
    assert sent["itemReviewed"]["datePublished"] == "2025-04-28"
    assert sent["itemReviewed"]["appearance"] == [
        {
            "@type": "CreativeWork",
            "publisher": {"@type": "Organization", "name": "Associated Press"},
            "url": AP["url"],
            "name": AP["title"],
            "headline": AP["title"],
            "datePublished": "2025-04-28",
        }
    ]
    assert held["reviewRating"]["alternateName"] == "Disputed"
    assert held["itemReviewed"]["datePublished"] == "2025-04"  # only as precise as known
    assert held["itemReviewed"]["appearance"][0]["name"] == "Yonhap"  # no URL, no title
    # No stance at all, a source without URL or date: still every required field.
    assert old["itemReviewed"]["author"]["name"] == "Yonhap"
    assert "datePublished" not in old["itemReviewed"]
    assert old["reviewRating"]["ratingExplanation"].endswith("/troops-sent")


def test_claimreview_of_bare_drafts_uses_the_review_date_else_today() -> None:
    bare = ClaimDraft(id="no-one", topic="troops", statement="Said by nobody.", status="superseded",
                      superseded_by="troops-sent")  # fmt: skip
    reviews = claim_reviews([claims()[0], bare], today=TODAY)
    assert [r["datePublished"] for r in reviews] == ["2025-04-28", TODAY.isoformat()]
    for review in reviews:
        assert_claim_review(review)
    assert reviews[1]["itemReviewed"]["author"]["name"] == "Unattributed"


def test_an_upload_is_read_from_its_bytes() -> None:
    data = ("\ufeff" + briefing_yaml(sample())).encode()
    assert parse_upload(data, "briefing.yaml") == sample()
    with pytest.raises(SeedError, match=r"^caf\\u0000\.yaml: is not UTF-8 text$"):
        parse_upload(b"version: 1\n\xe9\n", "caf\x00.yaml")


async def test_the_seeded_store_exports_a_file_that_changes_nothing(
    seeded_store: Store, tmp_path: Path
) -> None:
    exported = await seeded_store.export_briefing()
    text = briefing_yaml(exported)
    assert parse_seed(text, "export.yaml") == exported
    plan = plan_import(parse_seed(text, "export.yaml"), exported)
    assert not plan.changes_anything and plan.claims_unchanged == len(exported.claims)
    async with opened(tmp_path / "copy.db") as other:
        await other.apply_briefing(parse_seed(text, "export.yaml"), EDITOR)
        assert await other.export_briefing() == exported


def test_an_unknown_export_format_is_refused() -> None:
    with pytest.raises(InvalidInput, match="one of yaml, json, claimreview"):
        export_file("xml", topics(), claims(), today=TODAY)
