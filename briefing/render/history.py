"""How changes read: what an edit changed, a claim's history page by page, topic edits.

Diffs are read in their stored JSON form ({field: [old, new]}), so a saved change and the
history show the same words for the same change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from briefing.models import Claim, Revision, Topic
from briefing.render.cards import FIELD_VALUE_MAX, Card, CardField, clip, escape_markdown
from briefing.render.words import COLOR, VERB, status_word, timestamp

REVISIONS_PER_PAGE = 5
LINE_MAX = 300  # one changed field's line; long statements are cut, the rest still shows
FIELD_WORDS = {
    "statement": "Statement",
    "topic": "Topic",
    "status": "Status",
    "stances": "Stances",
    "figure": "Figure",
    "event_date": "Event date",
    "sources": "Sources",
    "reviewed_at": "Last verified",
    "superseded_by": "Superseded by",
    "retired_at": "Retired",
    "id": "Id",
}
KIND_WORDS = {
    "create": "created",
    "update": "edited",
    "status": "status changed",
    "stance": "stance recorded",
    "source": "source added",
    "retire": "retired",
    "revert": "reverted",
    "import": "imported",
    "review": "re-verified",
}


def _date_text(value: Any) -> str:
    if isinstance(value, dict) and "value" in value:
        precision = value.get("precision", "day")
        return str(value["value"]) if precision == "day" else f"{value['value']} ({precision})"
    return str(value)


def _moment(value: str) -> str:
    try:
        return timestamp(dt.datetime.fromisoformat(value), "f")
    except ValueError:
        return escape_markdown(value)


def _stance_text(stance: dict[str, Any]) -> str:
    actor = stance.get("actor") or {}
    verb = VERB.get(stance.get("stance", ""), str(stance.get("stance"))).lower()
    text = f"{verb} {escape_markdown(str(actor.get('name', '?')))}"
    if stance.get("date"):
        text += f" ({_date_text(stance['date'])})"
    if stance.get("quote"):
        text += f": “{escape_markdown(clip(str(stance['quote']), 80))}”"
    return text


def _source_text(source: dict[str, Any]) -> str:
    parts = [escape_markdown(str(source.get("outlet", "?")))]
    if source.get("title"):
        parts.append(f"“{escape_markdown(str(source['title']))}”")
    if source.get("published"):
        parts.append(str(source["published"]))
    if source.get("url"):
        parts.append(f"<{source['url']}>")
    return ", ".join(parts)


def _value(field: str, value: Any) -> str:
    if value is None:
        return "(none)"
    if field == "status":
        return status_word(value)
    if field == "event_date":
        return _date_text(value)
    if field in ("reviewed_at", "retired_at"):
        return _moment(str(value))
    if field == "figure" and isinstance(value, dict):
        low, high, unit = value.get("low"), value.get("high"), value.get("unit")
        number = f"{low:,}" if low == high else f"{low:,}–{high:,}"
        return escape_markdown(f"{number} {unit}")
    if field == "superseded_by":
        return f"`{value}`"
    return f"“{escape_markdown(str(value))}”"


def _listed(old: Any, new: Any, describe: Any) -> list[str]:
    old_items = [x for x in old or [] if isinstance(x, dict)]
    new_items = [x for x in new or [] if isinstance(x, dict)]
    lines = [f"＋ {describe(x)}" for x in new_items if x not in old_items]
    lines += [f"－ {describe(x)}" for x in old_items if x not in new_items]
    return lines


def diff_lines(diff: dict[str, Any]) -> list[str]:
    """One line per changed field (stances and sources: one per item added or removed)."""
    lines: list[str] = []
    for field, change in diff.items():
        if not isinstance(change, list | tuple) or len(change) != 2:
            continue
        old, new = change
        name = FIELD_WORDS.get(field, field)
        if field == "translations":
            lines += _translation_lines(old or {}, new or {})
        elif field == "stances":
            lines += [f"{name}: {item}" for item in _listed(old, new, _stance_text)]
        elif field == "sources":
            lines += [f"{name}: {item}" for item in _listed(old, new, _source_text)]
        elif old is None:
            lines.append(f"{name}: {_value(field, new)}")
        else:
            lines.append(f"{name}: {_value(field, old)} → {_value(field, new)}")
    return [clip(line, LINE_MAX) for line in lines]


def _translation_lines(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """One line per language whose statement was added, changed, reviewed or removed."""
    lines = []
    for lang in sorted(set(old) | set(new)):
        before, after = old.get(lang), new.get(lang)
        if before == after:
            continue
        if after is None:
            lines.append(f"Statement ({lang}): removed")
            continue
        mark = " (machine-assisted)" if after.get("machine") else ""
        text = escape_markdown(clip(str(after.get("statement", "")), 200))
        lines.append(f"Statement ({lang}){mark}: “{text}”")
    return lines


def change_card(before: Claim | None, after: Claim, diff: dict[str, Any], kind: str) -> Card:
    """The editor's answer to a saved change: exactly what changed, and the new version."""
    verb = KIND_WORDS.get(kind, kind)
    title = f"Saved: `{after.id}` {verb}" if before else f"Added `{after.id}`"
    lines = diff_lines(diff) or ["(no visible change)"]
    body = clip("\n".join(f"• {line}" for line in lines), FIELD_VALUE_MAX * 3)
    return Card(
        title=clip(title, 256),
        description=body,
        footer=f"Now version {after.version} · status {after.status} · see /facts history",
        color=COLOR[after.status],
    )


def _revision_field(revision: Revision) -> CardField:
    who = escape_markdown(revision.editor_name)
    name = f"v{revision.version} · {KIND_WORDS.get(revision.kind, revision.kind)} by {who}"
    lines = [timestamp(revision.at, "f")]
    if revision.reason:
        lines.append(f"Why: {escape_markdown(clip(revision.reason, 300))}")
    changes = diff_lines(revision.diff)
    if revision.kind in ("create", "import") and len(changes) > 4:
        changes = [*changes[:3], f"… and {len(changes) - 3} more fields set"]
    lines += [f"• {line}" for line in changes]
    return CardField(clip(name, 256), clip("\n".join(lines), FIELD_VALUE_MAX))


def history_page(claim_id: str, revisions: Sequence[Revision], page: int) -> tuple[Card, int]:
    """Page `page` (from 1) of a claim's history, newest first; and how many pages."""
    newest_first = list(reversed(revisions))
    pages = max(1, -(-len(newest_first) // REVISIONS_PER_PAGE))
    page = min(max(page, 1), pages)
    shown = newest_first[(page - 1) * REVISIONS_PER_PAGE : page * REVISIONS_PER_PAGE]
    card = Card(
        title=f"History of `{claim_id}`",
        description=(
            f"{len(revisions)} revision(s), newest first. `/facts revert` makes a claim read "
            "as an earlier version did (as a new revision)."
        ),
        fields=tuple(_revision_field(r) for r in shown),
        footer=f"Page {page} of {pages}",
    )
    return card, pages


def topic_change_card(before: Topic, after: Topic) -> Card:
    lines = [
        f"• {FIELD_WORDS.get(name, name.title())}: “{escape_markdown(clip(old, 400))}” → "
        f"“{escape_markdown(clip(new, 400))}”"
        for name, old, new in (
            ("Title", before.title, after.title),
            ("Summary", before.summary, after.summary),
        )
        if old != new
    ]
    if before.key_claims != after.key_claims:
        pinned = ", ".join(f"`{c}`" for c in after.key_claims) or "none (disputed claims lead)"
        lines.append(f"• Key claims: {pinned}")
    for lang in sorted(set(before.translations) | set(after.translations)):
        old_text, new_text = before.translations.get(lang), after.translations.get(lang)
        if old_text != new_text and new_text is not None:
            lines.append(
                f"• {lang}: “{escape_markdown(clip(new_text.title, 100))}” — "
                f"{escape_markdown(clip(new_text.summary, 300))}"
            )
    return Card(title=f"Saved: topic `{after.slug}`", description="\n".join(lines))
