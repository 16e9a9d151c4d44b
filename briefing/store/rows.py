"""Models to table rows and back. Stances, figures and sources are stored as JSON in the
claim's row: a claim is always read whole, in one row."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Any

from briefing.models import STORED, Claim, ClaimDraft, Revision, Topic, first_changed
from briefing.numbers import number_tokens


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(value: dt.datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).isoformat()


def claim_columns(
    draft: ClaimDraft, version: int, at: dt.datetime, changed: dt.datetime
) -> dict[str, Any]:
    """The claim's row as written at `at` as `version`, what it says last changed at
    `changed` (created_at and seq are the caller's)."""
    return {
        "id": draft.id,
        "topic": draft.topic,
        "statement": draft.statement,
        "status": draft.status,
        "stances": json.dumps([s.model_dump(mode="json") for s in draft.stances]),
        "figure": draft.figure.model_dump_json() if draft.figure else None,
        "event_date": draft.event_date.value.isoformat() if draft.event_date else None,
        "event_precision": draft.event_date.precision if draft.event_date else None,
        "sources": json.dumps([s.model_dump(mode="json") for s in draft.sources]),
        "reviewed_at": iso(draft.reviewed_at) if draft.reviewed_at else None,
        "superseded_by": draft.superseded_by,
        "retired_at": iso(draft.retired_at) if draft.retired_at else None,
        "timeline_key": draft.timeline_key(),
        "translations": translations_json(draft.translations),
        "version": version,
        "updated_at": iso(at),
        "changed_at": iso(changed),
    }


def translations_json(translations: dict[Any, Any]) -> str:
    return json.dumps(
        {lang: text.model_dump(mode="json") for lang, text in sorted(translations.items())},
        ensure_ascii=False,
    )


def topic_columns(topic: Topic) -> dict[str, Any]:
    return topic.model_dump(exclude={"key_claims", "translations"}) | {
        "key_claims": json.dumps(list(topic.key_claims)),
        "translations": translations_json(topic.translations),
    }


def timeline_key_of(event_date: str | None, precision: str | None, stances: str) -> str | None:
    """`ClaimDraft.timeline_key` from a row's columns: SQL function for migration 0007."""
    draft = ClaimDraft.model_validate(
        {
            "id": "xx",
            "topic": "x",
            "statement": "x",
            "status": "reported",
            "event_date": {"value": event_date, "precision": precision} if event_date else None,
            "stances": json.loads(stances),
        },
        context=STORED,
    )
    return draft.timeline_key()


def people_text(draft: ClaimDraft) -> str:
    """What search finds a claim by besides its statement: actors, quotes, outlets, units."""
    parts: list[str] = []
    for s in draft.stances:
        parts += [s.actor.name, s.actor.country or "", s.quote or ""]
        if s.source:
            parts.append(s.source.outlet)
    parts += [src.outlet for src in draft.sources]
    if draft.figure:
        parts.append(draft.figure.unit)
    return " ".join(p for p in parts if p)


def _texts(draft: ClaimDraft) -> list[str]:
    """Everything written in a claim that may hold a number: the English texts search
    indexes. Not the translations: they write the same numbers with their own scale words
    ("10–12 тисяч"), which would index 10 and 12."""
    texts = [draft.statement, people_text(draft)]
    if draft.figure:
        texts += [str(draft.figure.low), str(draft.figure.high)]
    return texts


def search_columns(draft: ClaimDraft) -> tuple[str, str, str, str]:
    """The claim's row in the search index: statement, people, numbers, translations."""
    translated = " ".join(t.statement for t in draft.translations.values())
    return draft.statement, people_text(draft), number_tokens(_texts(draft)), translated


def numbers_of(statement: str, people: str, figure: str | None) -> str:
    """The number tokens of a claim from its row's columns (`people`: its search index
    column, people_text): SQL function for migration 0009, the same texts as _texts."""
    texts = [statement, people]
    if figure:
        fig = json.loads(figure)
        texts += [str(fig["low"]), str(fig["high"])]
    return number_tokens(texts)


def changed_at_of(version: int, updated_at: str, stances: str, sources: str) -> str:
    """A row's `changed_at` from its columns: SQL function for migration 0009."""
    draft = ClaimDraft.model_validate(
        {
            "id": "xx",
            "topic": "x",
            "statement": "x",
            "status": "reported",
            "stances": json.loads(stances),
            "sources": json.loads(sources),
        },
        context=STORED,
    )
    written = dt.datetime.fromisoformat(updated_at)
    return iso(written if version > 1 else first_changed(draft, written))


def to_claim(row: sqlite3.Row) -> Claim:
    # One validation call for the whole claim: pydantic-core walks the nested stances and
    # sources itself, which costs half of validating each piece from Python.
    event = (
        {"value": row["event_date"], "precision": row["event_precision"]}
        if row["event_date"]
        else None
    )
    return Claim.model_validate(
        {
            "id": row["id"],
            "topic": row["topic"],
            "statement": row["statement"],
            "status": row["status"],
            "stances": json.loads(row["stances"]),
            "figure": json.loads(row["figure"]) if row["figure"] else None,
            "event_date": event,
            "sources": json.loads(row["sources"]),
            "reviewed_at": row["reviewed_at"],
            "superseded_by": row["superseded_by"],
            "retired_at": row["retired_at"],
            "translations": json.loads(row["translations"]),
            "version": row["version"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
            "changed_at": row["changed_at"],
        },
        context=STORED,
    )


def to_topic(row: sqlite3.Row) -> Topic:
    # By field name: a row may carry more columns than the model (a count beside it).
    fields = {name: row[name] for name in Topic.model_fields}
    fields["key_claims"] = json.loads(fields["key_claims"])
    fields["translations"] = json.loads(fields["translations"])
    return Topic.model_validate(fields, context=STORED)


def to_revision(row: sqlite3.Row) -> Revision:
    fields = {name: row[name] for name in Revision.model_fields}
    return Revision.model_validate(fields | {"diff": json.loads(row["diff"])}, context=STORED)
