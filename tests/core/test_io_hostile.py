"""The import format under hostile input: every file either fails with one clear
`BriefingError` line, or is stored exactly as it validated, and exports back the same.

Hostile means what an upload can carry: overlong text, control and zero-width characters,
bidirectional marks and overrides, mentions, markdown, SQL-looking text, values of the wrong
type in any field, and YAML or JSON that is broken in any way.
"""

from __future__ import annotations

import asyncio
import copy
import json
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from briefing.errors import BriefingError
from briefing.import_plan import plan_import, stored_form
from briefing.io.documents import briefing_document, briefing_json, briefing_yaml, parse_briefing
from briefing.models import Briefing
from briefing.store import Store

from .conftest import EDITOR
from .test_io import sample

HOSTILE_PIECES = [
    "@everyone",
    "@here",
    "<@123456789012345678>",
    "<@&123456789012345678>",
    "<#123456789012345678>",
    "**bold** __u__ ~~s~~ ||spoiler|| `code` ```block```",
    "> quote\n# heading",
    "[link](https://evil.example)",
    "'; DROP TABLE claims; --",
    '" OR 1=1 --',
    "claims_fts MATCH '*'",
    "\x00",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\u200b",
    "\u200c\u200d",
    "\u200e",
    "\u200f",
    "\u202e",
    "\u2066",
    "\u2028",
    "\ufeff",
    "\ud800",
    "\n",
    "\t",
    "\r\n",
    " ",
    "مرحبا",
    "курск",
    "🇰🇵",
    "e\u0301",
    "${{ env }}",
    "{{x}}",
    "%s%n",
    "&a",
    "*a",
    "!!python/object:os.system",
    "- ",
    ": ",
    "#",
]

hostile_text = st.one_of(
    st.lists(st.sampled_from(HOSTILE_PIECES) | st.text(max_size=4), max_size=8).map("".join),
    st.builds(lambda piece, n: piece * n, st.sampled_from(HOSTILE_PIECES), st.integers(1, 400)),
    st.text(max_size=40),
)
hostile_value = st.one_of(
    hostile_text,
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.lists(hostile_text, max_size=3),
    st.dictionaries(hostile_text, hostile_text, max_size=2),
)

# Where a value can go in the sample's document (paths into briefing_document(sample())).
SLOTS: list[tuple[Any, ...]] = [
    ("claims", 0, "statement"),
    ("claims", 0, "id"),
    ("claims", 0, "topic"),
    ("claims", 0, "status"),
    ("claims", 0, "event_date"),
    ("claims", 0, "reviewed_at"),
    ("claims", 0, "figure", "unit"),
    ("claims", 0, "figure", "low"),
    ("claims", 0, "sources", 0),
    ("claims", 0, "stances", 1, "quote"),
    ("claims", 1, "stances", 0, "actor"),
    ("claims", 1, "stances", 0, "date"),
    ("claims", 1, "stances", 0, "stance"),
    ("claims", 2, "superseded_by"),
    ("claims", 3, "retired_at"),
    ("actors", "kim-jong-un", "name"),
    ("actors", "kim-jong-un", "country"),
    ("actors", "kim-jong-un", "kind"),
    ("sources", "yonhap", "outlet"),
    ("sources", "associated-press-2025-04-28", "title"),
    ("sources", "associated-press-2025-04-28", "url"),
    ("topics", 0, "title"),
    ("topics", 0, "summary"),
    ("topics", 0, "slug"),
    ("topics", 0, "command"),
    ("topics", 1, "position"),
    ("claims", 0),
    ("topics", 0),
    ("version",),
]


def put(doc: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    target: Any = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return doc


def assert_clear(error: BriefingError, name: str) -> None:
    """One line, naming the file, short, with nothing hidden in it."""
    message = str(error)
    assert message.startswith(f"{name}:"), message
    assert len(message) < 1200, message
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") for ch in message)


def parse_or_refuse(text: str, name: str) -> Briefing | None:
    try:
        briefing = parse_briefing(text, name)
    except BriefingError as exc:
        assert_clear(exc, name)
        event("refused")
        return None
    event("parsed")
    return briefing


def stores_safely(briefing: Briefing) -> None:
    """Applied to an empty store, the briefing comes back exactly, and exports again to
    a file that reads back the same."""

    async def run() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            store = await Store.open(Path(tmp) / "briefing.db")
            try:
                await store.apply_briefing(briefing, EDITOR, reason="hostile")
                back = await store.export_briefing()
                assert back == Briefing(briefing.topics, tuple(map(stored_form, briefing.claims)))
                assert parse_briefing(briefing_yaml(back), "again.yaml") == back
                assert not plan_import(back, await store.export_briefing()).changes_anything
            finally:
                await store.close()

    asyncio.run(run())


def dumped(doc: Any, as_json: bool) -> tuple[str, str]:
    if as_json:
        return json.dumps(doc, ensure_ascii=False), "upload.json"
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "upload.yaml"


@settings(max_examples=300, deadline=None)
@given(slot=st.sampled_from(SLOTS), value=hostile_value, as_json=st.booleans())
@example(slot=("claims", 0, "statement"), value="x" * 301, as_json=False)
@example(slot=("claims", 0, "statement"), value="@everyone <@&1> **x**", as_json=True)
@example(slot=("claims", 0, "statement"), value="North\u202eKorea", as_json=False)
@example(slot=("actors", "kim-jong-un", "name"), value="\u200bKim\u200f", as_json=True)
@example(slot=("claims", 0, "id"), value="'; DROP TABLE claims; --", as_json=False)
@example(slot=("claims", 0, "figure", "low"), value=10**4301, as_json=True)
@example(slot=("version",), value=float("nan"), as_json=False)
def test_a_hostile_value_anywhere_is_refused_clearly_or_parsed(
    slot: tuple[Any, ...], value: Any, as_json: bool
) -> None:
    doc = put(briefing_document(sample()), slot, value)
    try:
        text, name = dumped(doc, as_json)
    except ValueError:  # JSON cannot even write this value (an integer too long)
        return
    parse_or_refuse(text, name)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)  # each example opens a database
@given(
    slot=st.sampled_from(
        [s for s in SLOTS if s[-1] in ("statement", "quote", "name", "title", "summary", "outlet")]
    ),
    value=hostile_text,
    as_json=st.booleans(),
)
@example(slot=("claims", 0, "statement"), value="@everyone '; DROP TABLE claims; --", as_json=False)
@example(slot=("claims", 0, "stances", 1, "quote"), value="\u200f\u200b<@&1>\u2028", as_json=True)
def test_hostile_text_that_validates_is_stored_exactly(
    slot: tuple[Any, ...], value: str, as_json: bool
) -> None:
    text, name = dumped(put(briefing_document(sample()), slot, value), as_json)
    briefing = parse_or_refuse(text, name)
    if briefing is not None:
        stores_safely(briefing)


@settings(max_examples=300, deadline=None)
@given(
    cut=st.integers(0, 10_000),
    length=st.integers(0, 200),
    insert=hostile_text,
    as_json=st.booleans(),
)
@example(cut=0, length=0, insert="\t", as_json=False)
@example(cut=0, length=0, insert="? !!set {a}\n: 1\n", as_json=False)
@example(cut=0, length=0, insert="&a [*a, *a]\n", as_json=False)
def test_broken_yaml_and_json_are_refused_clearly_or_parsed(
    cut: int, length: int, insert: str, as_json: bool
) -> None:
    """A real export with a slice replaced by junk."""
    text = briefing_json(sample()) if as_json else briefing_yaml(sample())
    cut %= len(text)
    broken = text[:cut] + insert + text[cut + length :]
    parse_or_refuse(broken, "upload.json" if as_json else "upload.yaml")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | hostile_text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(hostile_text, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(doc=json_values, as_json=st.booleans())
@example(doc={"version": 1, "topics": [[]], "claims": {}}, as_json=True)
@example(doc={"version": 1, "topics": [{"slug": "a", "title": "t", "summary": "s"}],
              "claims": [{"id": "ab", "topic": "a", "statement": "s", "status": "reported",
                          "stances": [{"actor": {"name": "x", "kind": "media"},
                                       "stance": "asserts"}], "sources": [[]]}]},
          as_json=False)  # fmt: skip
def test_any_json_shaped_document_is_refused_clearly_or_parsed(doc: Any, as_json: bool) -> None:
    try:
        text, name = dumped(doc, as_json)
    except (ValueError, yaml.YAMLError):
        return
    parse_or_refuse(text, name)


@settings(max_examples=200, deadline=None)
@given(name=hostile_text.filter(bool))
def test_a_hostile_file_name_is_shown_safely(name: str) -> None:
    try:
        parse_briefing("version: 2\n", name)
    except BriefingError as exc:
        message = str(exc)
        assert "\n" not in message and len(message) < 1200
        assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") for ch in message)
