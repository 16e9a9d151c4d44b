"""Fixtures for the core's unit tests: a real SQLite file in tmp_path, real migrations."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from briefing.models import ClaimDraft, Editor, Topic
from briefing.seed import read_seed
from briefing.store import Store

ROOT = Path(__file__).resolve().parents[2]
SEED_PATH = ROOT / "data" / "briefing.yaml"
MIGRATIONS_DIR = ROOT / "briefing" / "store" / "migrations"

EDITOR = Editor(42, "Ada")
TOPIC = Topic(slug="alpha", title="Alpha", summary="The alpha topic.", command="alpha", position=1)
OTHER_TOPIC = Topic(slug="beta", title="Beta", summary="The beta topic.", position=2)


# Stances that bear out each status under the integrity rules (briefing/integrity.py).
STANCES_FOR = {
    "reported": ["asserts"],
    "confirmed": ["confirms"],
    "disputed": ["asserts", "disputes"],
    "denied": ["denies"],
    "false": ["disputes"],
    "superseded": ["asserts"],
}
WIRE = {"outlet": "Test Wire"}


def stances_for(status: str) -> list[dict[str, Any]]:
    return [
        {"actor": {"name": f"Party {i}", "kind": "observer"}, "stance": kind}
        for i, kind in enumerate(STANCES_FOR.get(status, ["asserts"]), start=1)
    ]


def draft(claim_id: str = "c-one", **fields: Any) -> ClaimDraft:
    """A valid claim draft in topic `alpha`, with any field overridden. Unless given, it has
    the stances its status needs and one source, so it meets the integrity rules."""
    status = fields.get("status", "reported")
    data: dict[str, Any] = {
        "id": claim_id,
        "topic": "alpha",
        "statement": f"Statement of {claim_id}.",
        "status": status,
        "stances": stances_for(status),
        "sources": [WIRE],
    }
    data.update(fields)
    return ClaimDraft.model_validate(data)


def changed(base: ClaimDraft, **fields: Any) -> ClaimDraft:
    """`base` (draft fields only) with some fields replaced, validated again."""
    data = base.model_dump(include=set(ClaimDraft.model_fields))
    data.update(fields)
    return ClaimDraft.model_validate(data)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "briefing.db"


@asynccontextmanager
async def opened(db_path: Path) -> AsyncIterator[Store]:
    """The store at `db_path`, open for the block (as another process would open it)."""
    store = await Store.open(db_path)
    try:
        yield store
    finally:
        await store.close()


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[Store]:
    async with opened(db_path) as s:
        yield s


@pytest.fixture
async def topic_store(store: Store) -> Store:
    """A store holding the topics `alpha` and `beta` and no claims."""
    await store.put_topic(TOPIC)
    await store.put_topic(OTHER_TOPIC)
    return store


@pytest.fixture
async def seeded_store(store: Store) -> Store:
    """A store loaded with the real curated seed."""
    assert await store.load_seed(read_seed(SEED_PATH)) is True
    return store


@pytest.fixture
def reviewed() -> dt.datetime:
    return dt.datetime(2025, 4, 28, 9, 30, tzinfo=dt.UTC)
