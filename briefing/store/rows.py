"""Models to table rows and back. Stances, figures and sources are stored as JSON in the
claim's row: a claim is always read whole, in one row."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from typing import Any

from briefing.models import STORED, Claim, ClaimDraft, Revision, Topic


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(value: dt.datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).isoformat()


def claim_columns(draft: ClaimDraft) -> dict[str, Any]:
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
            "version": row["version"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        },
        context=STORED,
    )


def to_topic(row: sqlite3.Row) -> Topic:
    # By field name: a row may carry more columns than the model (a count beside it).
    return Topic.model_validate({name: row[name] for name in Topic.model_fields}, context=STORED)


def to_revision(row: sqlite3.Row) -> Revision:
    fields = {name: row[name] for name in Revision.model_fields}
    return Revision.model_validate(fields | {"diff": json.loads(row["diff"])}, context=STORED)
