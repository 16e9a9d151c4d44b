"""A briefing as the seed document (`data/briefing.yaml`'s format), in YAML or JSON, and back.

Sources and actors go into the `sources:`/`actors:` tables once each, under short readable
keys, and claims refer to them by key, as a curator writes the file. Only fields that differ
from their defaults are written, so `parse_seed` reads the text back to the very same drafts.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from briefing.errors import InvalidInput, SeedError
from briefing.io.claimreview import DEFAULT_BASE_URL, DEFAULT_PUBLISHER, claimreview_json
from briefing.models import Actor, Briefing, ClaimDraft, Source, Stance, Topic
from briefing.seed import SEED_FORMAT_VERSION, load_json, load_yaml, parse_document, shown

ExportFormat = Literal["yaml", "json", "claimreview"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("yaml", "json", "claimreview")
# Larger than any real briefing by far; a bigger upload is refused before it is parsed.
# Discord's upload limit for a bot's files (10 MiB); a 10,000-claim store exports to ~6.5 MB.
MAX_DOCUMENT_CHARS = 10 * 1024 * 1024
KEY_MAX = 40
NAME_MAX = 255


def _key_base(text: str, fallback: str) -> str:
    """A readable ASCII key from free text: "Kim Jong Un, leader" -> "kim-jong-un-leader"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:KEY_MAX].strip("-") or fallback


class _Table:
    """Values under unique keys, in order of first use; an equal value gets the same key."""

    def __init__(self, fallback: str) -> None:
        self.fallback = fallback
        self.keys: dict[Actor | Source, str] = {}
        self.taken: set[str] = set()

    def key(self, value: Actor | Source, wanted: str) -> str:
        if value in self.keys:
            return self.keys[value]
        base = _key_base(wanted, self.fallback)
        key, n = base, 1
        while key in self.taken:
            n += 1
            key = f"{base}-{n}"
        self.keys[value] = key
        self.taken.add(key)
        return key

    def document(self) -> dict[str, Any]:
        return {k: _fields(v) for v, k in self.keys.items()}


def _fields(model: Actor | Source | Topic) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_defaults=True)


def _source_key(table: _Table, source: Source) -> str:
    when = source.published.isoformat() if source.published else ""
    return table.key(source, f"{source.outlet} {when}")


def _stance(stance: Stance, actors: _Table, sources: _Table) -> dict[str, Any]:
    out: dict[str, Any] = {
        "actor": actors.key(stance.actor, stance.actor.name),
        "stance": stance.stance,
    }
    if stance.date is not None:
        out["date"] = stance.date.text()
    if stance.quote is not None:
        out["quote"] = stance.quote
    if stance.source is not None:
        out["source"] = _source_key(sources, stance.source)
    return out


def _claim(claim: ClaimDraft, actors: _Table, sources: _Table) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": claim.id,
        "topic": claim.topic,
        "statement": claim.statement,
        "status": claim.status,
    }
    if claim.event_date is not None:
        out["event_date"] = claim.event_date.text()
    if claim.figure is not None:
        out["figure"] = claim.figure.model_dump(mode="json")
    if claim.stances:
        out["stances"] = [_stance(s, actors, sources) for s in claim.stances]
    if claim.sources:
        out["sources"] = [_source_key(sources, s) for s in claim.sources]
    for name in ("reviewed_at", "superseded_by", "retired_at"):
        if (value := getattr(claim, name)) is not None:
            out[name] = value.isoformat() if isinstance(value, dt.datetime) else value
    if claim.translations:
        out["translations"] = {
            lang: text.model_dump(mode="json", exclude_defaults=True)
            for lang, text in sorted(claim.translations.items())
        }
    return out


def briefing_document(briefing: Briefing) -> dict[str, Any]:
    """The seed document of a briefing (plain JSON-able values)."""
    actors, sources = _Table("actor"), _Table("source")
    claims = [_claim(c, actors, sources) for c in briefing.claims]
    return {
        "version": SEED_FORMAT_VERSION,
        "sources": sources.document(),
        "actors": actors.document(),
        "topics": [_fields(t) for t in briefing.topics],
        "claims": claims,
    }


def briefing_yaml(briefing: Briefing, *, note: str | None = None) -> str:
    header = "# Briefing Bot export. Format: see the docstring of briefing/seed.py.\n"
    if note:
        header += "".join(f"# {line}\n" for line in note.splitlines())
    body = yaml.dump(
        briefing_document(briefing),
        Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),  # libyaml when installed
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    return header + "\n" + body


def briefing_json(briefing: Briefing) -> str:
    return json.dumps(briefing_document(briefing), ensure_ascii=False, indent=2) + "\n"


def parse_briefing(text: str, name: str | Path) -> Briefing:
    """Read an uploaded or exported file, JSON or YAML (by its name, else by its first
    character), validated whole; a `SeedError` naming the file otherwise."""
    label = shown(name, NAME_MAX)  # an uploaded file's name is the uploader's text
    if len(text) > MAX_DOCUMENT_CHARS:
        raise SeedError(f"{label}: is too large for a briefing file")
    text = text.removeprefix("\ufeff")  # a byte-order mark some editors write
    is_json = str(name).lower().endswith((".json", ".jsonld")) or text.lstrip()[:1] == "{"
    doc = load_json(text, label) if is_json else load_yaml(text, label)
    return parse_document(doc, label)


def parse_upload(data: bytes, name: str) -> Briefing:
    """`parse_briefing` for a file's bytes, as an upload arrives."""
    if len(data) > MAX_DOCUMENT_CHARS * 4:  # UTF-8: at most four bytes a character
        raise SeedError(f"{shown(name, NAME_MAX)}: is too large for a briefing file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SeedError(f"{shown(name, NAME_MAX)}: is not UTF-8 text") from None
    return parse_briefing(text, name)


@dataclass(frozen=True)
class ExportFile:
    """A file to attach or write: its suggested name and its text."""

    name: str
    text: str


def export_file(
    fmt: ExportFormat | str,
    topics: Sequence[Topic],
    claims: Iterable[ClaimDraft],
    *,
    today: dt.date,
    publisher: str = DEFAULT_PUBLISHER,
    base_url: str = DEFAULT_BASE_URL,
) -> ExportFile:
    """The whole store in one format. Pass `Claim`s (not only drafts) for ClaimReview, so
    each review carries the date its claim was published."""
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput(f"Export as one of {', '.join(EXPORT_FORMATS)}, not `{shown(fmt)}`.")
    claims = list(claims)
    stem = f"briefing-{today.isoformat()}"
    if fmt == "claimreview":
        text = claimreview_json(claims, publisher=publisher, base_url=base_url, today=today)
        return ExportFile(f"{stem}.claimreview.jsonld", text)
    briefing = Briefing(tuple(topics), tuple(claims))  # a stored claim writes its draft fields
    if fmt == "json":
        return ExportFile(f"{stem}.json", briefing_json(briefing))
    return ExportFile(f"{stem}.yaml", briefing_yaml(briefing, note=f"Exported {today}."))
