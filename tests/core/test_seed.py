"""Reading the curated seed file: the real one loads, bad ones are refused precisely."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from briefing.errors import SeedError
from briefing.models import MAX_STATEMENT, Briefing, Figure
from briefing.seed import parse_seed, read_seed
from briefing.store import Store

from .conftest import SEED_PATH

Doc = dict[str, Any]


def valid_doc() -> Doc:
    """A small seed document that parses; each bad case below breaks one thing in it."""
    return {
        "version": 1,
        "sources": {
            "ap": {
                "outlet": "Associated Press",
                "title": "North Korea confirms it sent troops",
                "url": "https://apnews.com/article/example",
                "published": "2025-04-28",
            }
        },
        "actors": {
            "kim": {"name": "Kim Jong Un", "kind": "government", "country": "North Korea"},
            "staff": {"name": "Ukraine's General Staff", "kind": "military"},
        },
        "topics": [
            {"slug": "troops", "title": "Troops", "summary": "Who went.", "command": "troops"},
            {"slug": "kursk", "title": "Kursk", "summary": "Who holds it.", "position": 2},
        ],
        "claims": [
            {
                "id": "claim-one",
                "topic": "troops",
                "statement": "North Korea sent troops.",
                "status": "confirmed",
                "event_date": "autumn 2024",
                "figure": {"low": 10000, "high": 12000, "unit": "troops"},
                "stances": [
                    {"actor": "kim", "stance": "confirms", "date": "2025-04-28", "source": "ap"}
                ],
                "sources": ["ap"],
                "reviewed_at": "2025-04-28",
            },
            {
                "id": "claim-two",
                "topic": "kursk",
                "statement": "Kursk was recaptured.",
                "status": "disputed",
                "stances": [
                    {"actor": "kim", "stance": "asserts"},
                    {"actor": "staff", "stance": "denies", "date": "2025-04"},
                ],
                "sources": ["ap"],
            },
        ],
    }


def write(path: Path, doc: Doc) -> Path:
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


async def startup(store: Store, path: Path) -> bool:
    """The documented start-up sequence: read the seed whole, then load it."""
    seed = read_seed(path)
    return await store.load_seed(seed)


# -- the real seed ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_seed() -> Briefing:
    return read_seed(SEED_PATH)


def test_real_seed_loads(real_seed: Briefing) -> None:
    assert len(real_seed.topics) >= 3
    assert len(real_seed.claims) >= 20
    ids = [c.id for c in real_seed.claims]
    assert len(ids) == len(set(ids))
    assert parse_seed(SEED_PATH.read_text(encoding="utf-8"), SEED_PATH) == real_seed


def test_every_real_claim_is_attributed_and_sourced(real_seed: Briefing) -> None:
    slugs = {t.slug for t in real_seed.topics}
    ids = {c.id for c in real_seed.claims}
    for c in real_seed.claims:
        assert c.stances, f"{c.id} has no stance"
        assert c.sources, f"{c.id} has no source"
        assert c.topic in slugs, f"{c.id} is in unknown topic {c.topic}"
        assert len(c.statement) <= MAX_STATEMENT
        if c.superseded_by:
            assert c.superseded_by in ids
    # Every topic has something to show.
    assert {c.topic for c in real_seed.claims} == slugs


def test_real_topics_and_their_commands(real_seed: Briefing) -> None:
    commands = {t.slug: t.command for t in real_seed.topics}
    assert commands["troops"] == "troops"
    assert commands["treaty"] == "treaty"
    assert commands["kursk"] == "kursk-status"


def test_kursk_recaptured_is_disputed_both_ways(real_seed: Briefing) -> None:
    [claim] = [c for c in real_seed.claims if c.id == "kursk-recaptured"]
    assert claim.status == "disputed"
    assert claim.topic == "kursk"
    assert claim.who("asserts")
    assert claim.who("denies", "disputes")
    assert claim.who("asserts")[0].actor.name != claim.who("denies", "disputes")[0].actor.name


def test_the_false_status_survives_yaml(real_seed: Briefing) -> None:
    # `status: "false"` must stay the string, not become a YAML boolean.
    assert any(c.status == "false" for c in real_seed.claims)


def test_small_valid_doc_parses_with_references_resolved(tmp_path: Path) -> None:
    seed = read_seed(write(tmp_path / "ok.yaml", valid_doc()))
    assert [t.slug for t in seed.topics] == ["troops", "kursk"]
    one, two = seed.claims
    assert one.sources[0].outlet == "Associated Press"
    assert one.stances[0].actor.name == "Kim Jong Un"
    assert one.stances[0].source is not None and one.stances[0].source.title is not None
    assert one.event_date is not None and one.event_date.text() == "autumn 2024"
    assert one.figure == Figure(low=10_000, high=12_000, unit="troops")
    assert [s.stance for s in two.stances] == ["asserts", "denies"]


# -- bad files ------------------------------------------------------------------------------


def _set(doc: Doc, *keys: Any, value: Any) -> Doc:
    target: Any = doc
    for k in keys[:-1]:
        target = target[k]
    target[keys[-1]] = value
    return doc


def _claim(i: int, **fields: Any) -> Callable[[Doc], Doc]:
    def mutate(doc: Doc) -> Doc:
        doc["claims"][i].update(fields)
        return doc

    return mutate


def _del_claim_field(i: int, field: str) -> Callable[[Doc], Doc]:
    def mutate(doc: Doc) -> Doc:
        del doc["claims"][i][field]
        return doc

    return mutate


def _append(section: str, index: int, **changes: Any) -> Callable[[Doc], Doc]:
    def mutate(doc: Doc) -> Doc:
        entry = copy.deepcopy(doc[section][index])
        entry.update(changes)
        doc[section].append(entry)
        return doc

    return mutate


# (id, mutation of the valid doc, fragments the message must contain besides the path)
BAD_DOCS: list[tuple[str, Callable[[Doc], Doc], list[str]]] = [
    ("wrong-version", lambda d: _set(d, "version", value=2), ["field version", "must be 1"]),
    ("string-version", lambda d: _set(d, "version", value="1"), ["field version"]),
    ("missing-version", lambda d: {k: v for k, v in d.items() if k != "version"}, ["version"]),
    ("unknown-top-level", lambda d: _set(d, "claimz", value=[]), ["top-level", "claimz"]),
    (
        "duplicate-claim-id",
        _append("claims", 0, statement="Again."),
        ["duplicate claim id 'claim-one'"],
    ),
    ("duplicate-topic-slug", _append("topics", 0, command=None), ["duplicate topic 'troops'"]),
    (
        "duplicate-topic-command",
        _append("topics", 0, slug="other"),
        ["duplicate topic command 'troops'"],
    ),
    (
        "unknown-topic",
        _claim(1, topic="weather"),
        ["claim 'claim-two' (entry 2)", "field topic", "unknown topic 'weather'"],
    ),
    (
        "unknown-source-key",
        _claim(0, sources=["ap", "nyt"]),
        ["claim 'claim-one' (entry 1)", "field sources", "unknown source 'nyt'"],
    ),
    (
        "unknown-stance-source-key",
        _claim(1, stances=[{"actor": "kim", "stance": "asserts", "source": "bbc"}]),
        ["claim 'claim-two' (entry 2)", "stances.0", "unknown source 'bbc'"],
    ),
    (
        "unknown-actor-key",
        _claim(1, stances=[{"actor": "kim", "stance": "asserts"}, {"actor": "putin"}]),
        ["claim 'claim-two' (entry 2)", "stances.1", "unknown actor 'putin'"],
    ),
    (
        "bad-stance-kind",
        _claim(1, stances=[{"actor": "kim", "stance": "hints"}]),
        ["claim 'claim-two' (entry 2)", "field stances.0.stance"],
    ),
    (
        "bad-status",
        _claim(0, status="rumoured"),
        ["claim 'claim-one' (entry 1)", "field status", "confirmed"],
    ),
    (
        "bad-event-date",
        _claim(0, event_date="last spring"),
        ["claim 'claim-one' (entry 1)", "field event_date", "unreadable date 'last spring'"],
    ),
    (
        "impossible-event-date",
        _claim(0, event_date="2025-02-30"),
        ["claim 'claim-one' (entry 1)", "field event_date"],
    ),
    (
        "bad-stance-date",
        _claim(1, stances=[{"actor": "kim", "stance": "asserts", "date": "someday"}]),
        ["claim 'claim-two' (entry 2)", "field stances.0.date", "someday"],
    ),
    (
        "bad-published-date",
        lambda d: _set(d, "sources", "ap", "published", value="2025-13-01"),
        ["source 'ap'", "field published"],
    ),
    (
        "figure-high-below-low",
        _claim(0, figure={"low": 12000, "high": 10000, "unit": "troops"}),
        ["claim 'claim-one' (entry 1)", "field figure", "high must not be below low"],
    ),
    (
        "statement-too-long",
        _claim(1, statement="x" * (MAX_STATEMENT + 1)),
        ["claim 'claim-two' (entry 2)", "field statement", str(MAX_STATEMENT)],
    ),
    (
        "blank-statement",
        _claim(1, statement="   "),
        ["claim 'claim-two' (entry 2)", "field statement"],
    ),
    (
        "missing-statement",
        _del_claim_field(0, "statement"),
        ["claim 'claim-one' (entry 1)", "field statement", "required"],
    ),
    (
        "misspelt-claim-field",
        _claim(0, statment="typo"),
        ["claim 'claim-one' (entry 1)", "field statment"],
    ),
    (
        "bad-claim-id",
        _claim(1, id="Claim Two"),
        ["claim 'Claim Two' (entry 2)", "field id"],
    ),
    (
        "relative-url-in-source-table",
        lambda d: _set(d, "sources", "ap", "url", value="/article/example"),
        ["source 'ap'", "field url", "absolute"],
    ),
    (
        "relative-url-inline",
        _claim(1, sources=[{"outlet": "AP", "url": "apnews.com/x"}]),
        ["claim 'claim-two' (entry 2)", "field sources.0.url", "absolute"],
    ),
    (
        "bad-actor-kind",
        lambda d: _set(d, "actors", "staff", "kind", value="army"),
        ["actor 'staff'", "field kind"],
    ),
    (
        "bad-topic-command",
        lambda d: _set(d, "topics", 1, "command", value="Kursk Status"),
        ["topic 'kursk' (entry 2)", "field command"],
    ),
    ("no-topics", lambda d: _set(d, "topics", value=[]), ["field topics", "at least one topic"]),
    (
        "claim-not-a-mapping",
        lambda d: _set(d, "claims", value=[d["claims"][0], "just text"]),
        ["claim entry 2", "mapping"],
    ),
    (
        "sources-not-a-mapping",
        lambda d: _set(d, "sources", value=["ap"]),
        ["'sources' must be a mapping"],
    ),
    (
        "superseded-without-successor",
        _claim(0, status="superseded"),
        ["claim 'claim-one' (entry 1)", "superseded_by"],
    ),
    (
        "successor-without-superseded",
        _claim(0, superseded_by="claim-two"),
        ["claim 'claim-one' (entry 1)", "superseded_by"],
    ),
    (
        "superseded-by-unknown-claim",
        _claim(0, status="superseded", superseded_by="ghost-claim"),
        ["claim 'claim-one'", "field superseded_by", "unknown claim 'ghost-claim'"],
    ),
    (
        "superseded-by-itself",
        _claim(0, status="superseded", superseded_by="claim-one"),
        ["claim 'claim-one' (entry 1)", "supersede itself"],
    ),
]


@pytest.mark.parametrize(
    ("mutate", "fragments"), [pytest.param(m, f, id=i) for i, m, f in BAD_DOCS]
)
async def test_bad_document_is_refused_and_loads_nothing(
    store: Store, tmp_path: Path, mutate: Callable[[Doc], Doc], fragments: list[str]
) -> None:
    path = write(tmp_path / "briefing.yaml", mutate(valid_doc()))
    with pytest.raises(SeedError) as info:
        await startup(store, path)
    message = str(info.value)
    assert message.startswith(f"{path}:")
    for fragment in fragments:
        assert fragment in message
    assert "\n" not in message
    assert await store.claim_count() == 0
    assert await store.list_topics() == []


# Raw texts that cannot be produced by dumping a document.
BAD_TEXTS: list[tuple[str, str, list[str]]] = [
    ("invalid-yaml", "version: 1\ntopics:\n  - slug: a\n    title: [unclosed\n", ["line 5"]),
    ("bad-indentation", "version: 1\nclaims:\n  - id: a\n   bad: x\n", ["line 4", "YAML"]),
    ("tab-indentation", "version: 1\n\ttopics: []\n", ["line 2", "YAML"]),
    ("a-list", "- just\n- a list\n", ["expected a mapping"]),
    ("a-scalar", "hello\n", ["expected a mapping"]),
    ("empty-file", "", ["expected a mapping"]),
    ("unsafe-tag", "!!python/object/apply:os.system ['true']\n", ["not valid YAML"]),
]


@pytest.mark.parametrize(("text", "fragments"), [pytest.param(t, f, id=i) for i, t, f in BAD_TEXTS])
async def test_bad_text_is_refused_and_loads_nothing(
    store: Store, tmp_path: Path, text: str, fragments: list[str]
) -> None:
    path = tmp_path / "briefing.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SeedError) as info:
        await startup(store, path)
    message = str(info.value)
    assert message.startswith(f"{path}:")
    for fragment in fragments:
        assert fragment in message
    assert await store.claim_count() == 0


async def test_missing_file_is_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "briefing.yaml"
    with pytest.raises(SeedError, match="cannot read") as info:
        await startup(store, path)
    assert str(info.value).startswith(f"{path}:")
    assert await store.claim_count() == 0


async def test_non_utf8_file_is_refused(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "briefing.yaml"
    path.write_bytes(b"version: 1\ntopics: []\n# caf\xe9\n")
    with pytest.raises(SeedError, match="UTF-8") as info:
        await startup(store, path)
    assert str(info.value).startswith(f"{path}:")
    assert await store.claim_count() == 0


async def test_valid_doc_loads_through_startup(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "briefing.yaml", valid_doc())
    assert await startup(store, path) is True
    assert [c.id for c in await store.list_claims()] == ["claim-one", "claim-two"]
    assert await startup(store, path) is False


async def test_seed_may_name_a_successor_defined_later(store: Store, tmp_path: Path) -> None:
    doc = _claim(0, status="superseded", superseded_by="claim-two")(valid_doc())
    assert await startup(store, write(tmp_path / "briefing.yaml", doc)) is True
    assert (await store.get_claim("claim-one")).superseded_by == "claim-two"


# -- bugs: inputs that escape as something other than SeedError ---------------------------

YAML_VALUE_ERRORS = [
    pytest.param("published: 2025-02-30", id="impossible-unquoted-date"),
    pytest.param("published: 2025-13-01", id="unquoted-month-13"),
    pytest.param("low: !!int ten", id="int-tag"),
    pytest.param("low: !!float ten", id="float-tag"),
    pytest.param("ok: !!bool maybe", id="bool-tag"),
    pytest.param("at: !!timestamp soon", id="timestamp-tag"),
    pytest.param("x: !!int ''", id="empty-int-tag"),
    pytest.param("x: " + "[" * 3000 + "]" * 3000, id="deep-nesting"),
]


@pytest.mark.parametrize("text", YAML_VALUE_ERRORS)
def test_bad_yaml_scalars_are_seed_errors(tmp_path: Path, text: str) -> None:
    path = tmp_path / "briefing.yaml"
    with pytest.raises(SeedError) as info:
        parse_seed(f"version: 1\n{text}\n", path)
    assert str(info.value).startswith(f"{path}:")


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        pytest.param(lambda d: _set(d, "topics", value=5), "topics", id="topics-scalar"),
        pytest.param(lambda d: _set(d, "claims", value=5), "claims", id="claims-scalar"),
        pytest.param(_claim(0, sources=5), "sources", id="claim-sources-scalar"),
        pytest.param(_claim(0, stances=5), "stances", id="claim-stances-scalar"),
    ],
)
def test_non_list_sections_are_seed_errors(
    tmp_path: Path, mutate: Callable[[Doc], Doc], field: str
) -> None:
    path = write(tmp_path / "briefing.yaml", mutate(valid_doc()))
    with pytest.raises(SeedError, match=field) as info:
        read_seed(path)
    assert str(info.value).startswith(f"{path}:")


def test_boolean_version_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "briefing.yaml", _set(valid_doc(), "version", value=True))
    with pytest.raises(SeedError, match="field version"):
        read_seed(path)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("claims: []\nclaims: []\n", id="duplicate-section"),
        pytest.param(
            "claims:\n  - id: ab\n    topic: troops\n    statement: s\n"
            "    status: confirmed\n    status: denied\n",
            id="repeated-field",
        ),
    ],
)
def test_duplicate_keys_are_refused(tmp_path: Path, text: str) -> None:
    base = yaml.safe_dump({k: v for k, v in valid_doc().items() if k != "claims"})
    path = tmp_path / "briefing.yaml"
    with pytest.raises(SeedError, match="duplicate"):
        parse_seed(base + text, path)


# -- property-based -------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(text=st.text())
def test_random_text_only_raises_seed_error(text: str) -> None:
    try:
        seed = parse_seed(text, Path("random.yaml"))
    except SeedError as exc:
        assert str(exc).startswith("random.yaml:")
    else:
        assert seed.topics


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet="ab01-:[]{}!&*#'\" \n,.|>?%@", max_size=80))
def test_yaml_punctuation_only_raises_seed_error(text: str) -> None:
    try:
        parse_seed(text, Path("random.yaml"))
    except SeedError as exc:
        assert str(exc).startswith("random.yaml:")


_FRAGMENTS = [
    "version: 1\n",
    "topics:",
    "claims:",
    "sources:",
    "actors:",
    "\n  - ",
    "\n    ",
    "slug: a",
    "title: t",
    "summary: s",
    "id: ab",
    "topic: a",
    "statement: s",
    "status: reported",
    "published: ",
    "event_date: ",
    "stances:",
    "actor: k",
    " 5",
    " [",
    "]",
    " {",
    "}",
    ", ",
    ": ",
    "2025-13-45",
    "2025-04-28",
    "!!int ",
    "!!float ",
    "x",
    "\n",
]


@settings(max_examples=300, deadline=None)
@example(text="version: 1\ntopics: 5\n")
@example(text="published: 2025-13-45\n")
@given(text=st.lists(st.sampled_from(_FRAGMENTS), max_size=30).map("".join))
def test_yaml_shaped_text_only_raises_seed_error(text: str) -> None:
    try:
        parse_seed(text, Path("random.yaml"))
    except SeedError as exc:
        assert str(exc).startswith("random.yaml:")


def test_bare_false_status_means_the_status_false(tmp_path: Path) -> None:
    # YAML reads `status: false` as a boolean; curators mean the status "false".
    text = (
        "version: 1\n"
        "topics: [{slug: t, title: T, summary: S}]\n"
        "claims:\n"
        "  - {id: a-claim, topic: t, statement: Something untrue., status: false,\n"
        "     stances: [{actor: {name: Fact checkers, kind: observer}, stance: disputes}]}\n"
    )
    seed = parse_seed(text, tmp_path / "x.yaml")
    assert seed.claims[0].status == "false"
