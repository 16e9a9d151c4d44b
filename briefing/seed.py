"""Reading the curated briefing file (`data/briefing.yaml`), and imports of the same format.

The file is validated whole before anything is written, so a bad file loads nothing. Errors
name the file, the entry (topic slug or claim id, with its position) and the field.

Format (see README "The data file"); a JSON document of the same structure reads the same:

    version: 1
    sources:   {key: {outlet, title, url, published}}   # referenced by key below
    actors:    {key: {name, kind, country}}             # referenced by key below
    topics:    [{slug, title, summary, command, position, key_claims,
                 translations: {ko|uk|ru: {title, summary, command, machine}}}]
    claims:    [{id, topic, statement, status, event_date, figure, stances, sources,
                 reviewed_at, superseded_by, retired_at,
                 translations: {ko|uk|ru: {statement, machine}}}]

`key_claims` (at most 3 claim ids of the topic) lead its briefing. `machine: true` marks a
translation as machine-assisted, not yet reviewed by an editor.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from briefing.errors import SeedError
from briefing.integrity import Breach, check_briefing
from briefing.models import LANGS, Actor, Briefing, ClaimDraft, Source, Topic

SEED_FORMAT_VERSION = 1
TOP_LEVEL_KEYS = ("version", "sources", "actors", "topics", "claims")
# Echoed input is cut short: an error message must stay one readable line.
SHOWN_MAX = 60
DETAIL_MAX = 300
# Control, format (zero-width, bidirectional), surrogate and line-separator characters.
_UNSHOWN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def shown(value: Any, limit: int = SHOWN_MAX) -> str:
    """`value` as it may appear in an error message: short, one line, with control, format
    and line-separator characters spelled out (they could hide or reorder the message)."""
    text, used = str(value), 0
    out: list[str] = []
    for ch in text[:limit]:
        piece = f"\\u{ord(ch):04x}" if unicodedata.category(ch) in _UNSHOWN else ch
        if used + len(piece) > limit:
            return "".join(out) + "…"
        out.append(piece)
        used += len(piece)
    return "".join(out) + ("…" if len(text) > limit else "")


def _loc(err: Any) -> str:
    return ".".join(shown(p) for p in err["loc"]) or "(entry)"


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    msg = shown(str(err["msg"]).removeprefix("Value error, "), DETAIL_MAX)
    more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
    return f"field {_loc(err)}: {msg}{more}"


def _table(
    raw: Any, name: str, path: Path | str, model: type[Actor] | type[Source]
) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise SeedError(f"{path}: '{name}' must be a mapping of key -> {name[:-1]}")
    table: dict[str, Any] = {}
    for key, value in raw.items():
        try:
            table[str(key)] = model.model_validate(value)
        except ValidationError as exc:
            raise SeedError(f"{path}: {name[:-1]} '{shown(key)}': {_first_error(exc)}") from None
    return table


def _resolve(value: Any, table: dict[str, Any], what: str, where: str) -> Any:
    if isinstance(value, str):
        if value not in table:
            raise SeedError(f"{where}: unknown {what} '{shown(value)}'")
        return table[value]
    return value


# libyaml's parser when PyYAML was built with it: the pure-Python one takes ~20 s for a
# 10,000-claim file. The constructor (and so the checks below) is Python either way.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SafeLoader):  # type: ignore[misc]  # the base is chosen at run time
    """Safe YAML that refuses duplicate keys and reports bad scalars with their line.

    PyYAML would keep the last of two equal keys (silently dropping a curator's entry) and
    raises plain ValueErrors for values such as the date 2025-02-30.
    """

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"unreadable value ({exc})", node.start_mark
            ) from None

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:  # a list, mapping or set as a key: no file of ours has one
                raise yaml.constructor.ConstructorError(
                    None, None, "a key must be plain text", key_node.start_mark
                ) from None
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep)
        return mapping


def load_yaml(text: str, path: Path | str) -> Any:
    """The YAML document in `text`; a `SeedError` with its line if it is not readable."""
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        problem = shown(getattr(exc, "problem", None) or exc, DETAIL_MAX)
        raise SeedError(f"{path}:{line} is not valid YAML: {problem}") from None
    except RecursionError:
        raise SeedError(f"{path}: is nested too deeply to be a briefing file") from None
    except UnicodeEncodeError:  # libyaml reads UTF-8: a lone surrogate is not text
        raise SeedError(f"{path}: is not valid text (a lone surrogate character)") from None


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            # Caught below: JSON, like the YAML loader, must not drop an entry silently.
            raise ValueError(f"duplicate key {key!r}")
        found[key] = value
    return found


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a briefing can hold")


def load_json(text: str, path: Path | str) -> Any:
    """The JSON document in `text`; a `SeedError` with its line if it is not readable."""
    try:
        return json.loads(text, object_pairs_hook=_unique_pairs, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise SeedError(f"{path}: line {exc.lineno} is not valid JSON: {exc.msg}") from None
    except ValueError as exc:  # a duplicate key, NaN, or an integer too long to convert
        raise SeedError(f"{path}: is not valid JSON: {shown(exc, DETAIL_MAX)}") from None
    except RecursionError:
        raise SeedError(f"{path}: is nested too deeply to be a briefing file") from None


def _list(value: Any, where: str, name: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise SeedError(f"{where}: field {name}: must be a list")
    return value


def parse_seed(text: str, path: Path | str) -> Briefing:
    """Validate a whole seed document; raise `SeedError` naming file, entry and field."""
    return parse_document(load_yaml(text, path), path)


def parse_json(text: str, path: Path | str) -> Briefing:
    """`parse_seed` for the same document written as JSON."""
    return parse_document(load_json(text, path), path)


def parse_document(doc: Any, path: Path | str) -> Briefing:
    """Validate a whole loaded document (YAML or JSON); `path` names it in errors."""
    if not isinstance(doc, dict):
        raise SeedError(f"{path}: expected a mapping with 'topics' and 'claims'")
    unknown = set(doc) - set(TOP_LEVEL_KEYS)
    if unknown:
        names = ", ".join(sorted(shown(k) for k in unknown))
        raise SeedError(f"{path}: unknown top-level key(s): {names}")
    version = doc.get("version")
    if isinstance(version, bool) or version != SEED_FORMAT_VERSION:
        raise SeedError(f"{path}: field version: must be {SEED_FORMAT_VERSION}")

    sources = _table(doc.get("sources"), "sources", path, Source)
    actors = _table(doc.get("actors"), "actors", path, Actor)
    topics = _topics(doc.get("topics"), path)
    slugs = {t.slug for t in topics}

    claims: list[ClaimDraft] = []
    for i, raw in enumerate(_list(doc.get("claims"), str(path), "claims")):
        claims.append(_claim(raw, i, path, sources, actors, slugs))
    _unique([c.id for c in claims], path, "claim id")
    ids = {c.id for c in claims}
    for i, claim in enumerate(claims):
        if claim.superseded_by and claim.superseded_by not in ids:
            raise SeedError(
                f"{path}: claim '{claim.id}' (entry {i + 1}): field superseded_by: "
                f"unknown claim '{claim.superseded_by}'"
            )
    _check_key_claims(topics, claims, path)
    try:
        check_briefing(claims)
    except Breach as breach:
        raise SeedError(f"{path}: {breach}") from None
    return Briefing(tuple(topics), tuple(claims))


def _check_key_claims(topics: list[Topic], claims: list[ClaimDraft], path: Path | str) -> None:
    """A topic's key claims are live claims of that topic, in the same file."""
    by_id = {c.id: c for c in claims}
    for topic in topics:
        for claim_id in topic.key_claims:
            claim = by_id.get(claim_id)
            problem = (
                "is not a claim in this file"
                if claim is None
                else f"belongs to topic '{claim.topic}'"
                if claim.topic != topic.slug
                else "is retired"
                if claim.retired_at is not None
                else None
            )
            if problem:
                raise SeedError(
                    f"{path}: topic '{topic.slug}': field key_claims: '{shown(claim_id)}' {problem}"
                )


def _topics(raw_topics: Any, path: Path | str) -> list[Topic]:
    topics: list[Topic] = []
    for i, raw in enumerate(_list(raw_topics, str(path), "topics")):
        name = raw.get("slug", f"#{i + 1}") if isinstance(raw, dict) else f"#{i + 1}"
        try:
            topics.append(Topic.model_validate(raw))
        except ValidationError as exc:
            raise SeedError(
                f"{path}: topic '{shown(name)}' (entry {i + 1}): {_first_error(exc)}"
            ) from None
    if not topics:
        raise SeedError(f"{path}: field topics: at least one topic is required")
    _unique([t.slug for t in topics], path, "topic")
    _unique([t.command for t in topics if t.command], path, "topic command")
    for lang in LANGS:
        local = [t.translations[lang].command for t in topics if lang in t.translations]
        _unique([c for c in local if c], path, f"topic command ({lang})")
    return topics


def _claim(
    raw: Any,
    i: int,
    path: Path | str,
    sources: dict[str, Any],
    actors: dict[str, Any],
    slugs: set[str],
) -> ClaimDraft:
    if not isinstance(raw, dict):
        raise SeedError(f"{path}: claim entry {i + 1}: must be a mapping")
    where = f"{path}: claim '{shown(raw.get('id', f'#{i + 1}'))}' (entry {i + 1})"
    data = dict(raw)
    if data.get("status") is False:  # YAML reads a bare `status: false` as a boolean
        data["status"] = "false"
    data["sources"] = [
        _resolve(s, sources, "source", f"{where}: field sources")
        for s in _list(data.get("sources"), where, "sources")
    ]
    stances = []
    for j, st in enumerate(_list(data.get("stances"), where, "stances")):
        if isinstance(st, dict):
            st = dict(st)
            st["actor"] = _resolve(st.get("actor"), actors, "actor", f"{where}: stances.{j}")
            if "source" in st:
                st["source"] = _resolve(st["source"], sources, "source", f"{where}: stances.{j}")
        stances.append(st)
    data["stances"] = stances
    try:
        claim = ClaimDraft.model_validate(data)
    except ValidationError as exc:
        raise SeedError(f"{where}: {_first_error(exc)}") from None
    if claim.topic not in slugs:
        raise SeedError(f"{where}: field topic: unknown topic '{claim.topic}'")
    return claim


def _unique(values: list[str], path: Path | str, what: str) -> None:
    seen: set[str] = set()
    for v in values:
        if v in seen:
            raise SeedError(f"{path}: duplicate {what} '{v}'")
        seen.add(v)


def read_text(path: Path) -> str:
    """A file's UTF-8 text, or a `SeedError` that names the file."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SeedError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise SeedError(f"{path}: is not UTF-8 text") from None


def read_seed(path: Path) -> Briefing:
    return parse_seed(read_text(path), path)


# Where the store keeps the fingerprint of the curated file it was last loaded or updated
# from, so that a changed file is noticed (and never applied over editors' work unasked).
SEED_FINGERPRINT_KEY = "seed_sha256"


def fingerprint(path: Path) -> str:
    """The file's SHA-256: the same bytes, the same briefing."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        raise SeedError(f"{path}: cannot read it ({exc.strerror})") from None
