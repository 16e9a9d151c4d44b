"""The claim store: one aiosqlite connection, numbered migrations, explicit write transactions.

Repository methods return models, never rows. Every mutation writes its revision row in the
same transaction, so history and state cannot drift apart.

Writes (and reads inside a write) go through the single aiosqlite connection. Plain reads go
through a second, read-only connection on the event loop's own thread: a row or a page takes
tens of microseconds and a count over a topic of 10,000 claims a few milliseconds, while
handing a query to aiosqlite's thread and back costs 75-160 us and a GIL hand-off each way.
WAL lets that reader run beside the writer, and it never writes, so "one writer, explicit
transactions" still holds.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import aiosqlite

from briefing import cards, models, present
from briefing.cards import Card, card_from_json, card_to_json
from briefing.errors import Conflict, InvalidInput, NotFound
from briefing.lru import Lru
from briefing.models import (
    STATUSES,
    Claim,
    ClaimDraft,
    Revision,
    RevisionKind,
    Status,
    StatusCount,
    Topic,
)
from briefing.present import claim_card
from briefing.seed import Seed

log = logging.getLogger(__name__)

MAX_SEARCH_TERMS = 12
CLAIM_CACHE_SIZE = 1024  # claim models kept (~10 KB each with their rows)
WORD_MATCH_MIN = 3


@dataclass(frozen=True)
class Editor:
    """Who made a change: a Discord user, or a tool such as the seed loader."""

    id: int | None
    name: str


SEED_EDITOR = Editor(None, "seed")


@dataclass(frozen=True)
class SearchHits:
    """What a search matched: the FTS5 expression that did, and the claims' `seq`s, newest
    first."""

    match: str
    topic: str | None
    seqs: list[int]


def _renderer() -> str:
    """Names the code that draws cards: a kept card drawn by other code is drawn again."""
    digest = hashlib.sha256()
    for module in (cards, models, present):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()[:16]


RENDERER = _renderer()
_KEPT_CARD = "SELECT card FROM claim_cards WHERE id = ? AND renderer = ?"
# Claims (of one topic, or all) after a seq whose card is missing or drawn by other code.
_MISSING_CARDS = (
    "SELECT c.* FROM claims c LEFT JOIN claim_cards k ON k.id = c.id AND k.renderer = ? "
    "WHERE k.id IS NULL AND c.seq > ? AND (? IS NULL OR c.topic = ?) ORDER BY c.seq LIMIT ?"
)
CARD_BATCH = 500


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(value: dt.datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).isoformat()


def _open_reader(path: Path) -> sqlite3.Connection:
    reader = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    reader.row_factory = sqlite3.Row
    # WAL readers wait only in rare cases (the writer recovering a crashed WAL); this wait
    # blocks the event loop, so it is short and surfaces as an error instead of a stall.
    reader.execute("PRAGMA busy_timeout=250")
    return reader


def _migrations() -> list[tuple[int, str, str]]:
    found = []
    for entry in resources.files("briefing.migrations").iterdir():
        if m := re.fullmatch(r"(\d{4})_\w+\.sql", entry.name):
            found.append((int(m[1]), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def search_words(text: str) -> list[str]:
    """The words of what a member typed, as FTS5 will see them (at most MAX_SEARCH_TERMS)."""
    words = re.findall(r"\w+", text, flags=re.UNICODE)[:MAX_SEARCH_TERMS]
    if not words:
        raise InvalidInput("Search for at least one word (letters or digits).")
    return words


def fts_query(words: Sequence[str], *, prefix: Literal["none", "last", "all"] = "none") -> str:
    """A safe FTS5 query in which every word must match: whole (stemmed) words, or prefixes.

    Whole words are cheap: FTS5 reads one list per word. A prefix makes it merge the lists
    of every word that starts with it, which for a short prefix is most of the index.
    """
    last = len(words) - 1
    return " ".join(
        f'"{w}"*' if prefix == "all" or (prefix == "last" and i == last) else f'"{w}"'
        for i, w in enumerate(words)
    )


def _people_text(draft: ClaimDraft) -> str:
    parts: list[str] = []
    for s in draft.stances:
        parts += [s.actor.name, s.actor.country or "", s.quote or ""]
        if s.source:
            parts.append(s.source.outlet)
    parts += [src.outlet for src in draft.sources]
    if draft.figure:
        parts.append(draft.figure.unit)
    return " ".join(p for p in parts if p)


def _claim_columns(draft: ClaimDraft) -> dict[str, Any]:
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
        "reviewed_at": _iso(draft.reviewed_at) if draft.reviewed_at else None,
        "superseded_by": draft.superseded_by,
    }


def _row_to_claim(row: sqlite3.Row) -> Claim:
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
            "version": row["version"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }
    )


def _draft_fields(draft: ClaimDraft) -> dict[str, Any]:
    """Only the editable fields (a `Claim` passed as a draft carries bookkeeping too)."""
    return {name: getattr(draft, name) for name in ClaimDraft.model_fields}


def _row_to_topic(row: sqlite3.Row) -> Topic:
    return Topic(
        slug=row["slug"],
        title=row["title"],
        summary=row["summary"],
        command=row["command"],
        position=row["position"],
    )


def _row_to_revision(row: sqlite3.Row) -> Revision:
    return Revision(
        id=row["id"],
        claim_id=row["claim_id"],
        version=row["version"],
        editor_id=row["editor_id"],
        editor_name=row["editor_name"],
        at=dt.datetime.fromisoformat(row["at"]),
        kind=row["kind"],
        diff=json.loads(row["diff"]),
        reason=row["reason"],
    )


def claim_diff(before: ClaimDraft | None, after: ClaimDraft) -> dict[str, Any]:
    """Changed fields as {field: [old, new]} in JSON form (old is null on create)."""
    new = after.model_dump(mode="json", include=set(ClaimDraft.model_fields))
    old = before.model_dump(mode="json", include=set(ClaimDraft.model_fields)) if before else {}
    return {k: [old.get(k), v] for k, v in new.items() if old.get(k) != v}


# Reading order: when it happened, undated last. Matches the indexes of migration 0002.
_CLAIM_ORDER = "ORDER BY coalesce(c.event_date, '9999-12-31'), c.id"
SUGGEST_BY_ID = "SELECT id, statement FROM claims WHERE id >= ? AND id < ? ORDER BY id LIMIT ?"
_CLAIM_SELECT = "SELECT c.* FROM claims c"


class Store:
    """A process's database: one writer, one reader. `await Store.open(path)`; close when done."""

    def __init__(self, db: aiosqlite.Connection, reader: sqlite3.Connection) -> None:
        self._db = db
        self._reader = reader
        # aiosqlite runs calls one at a time on its thread, but a transaction spans several
        # awaits; the lock keeps other tasks from interleaving statements into it.
        self._lock = asyncio.Lock()
        self._claims: Lru[tuple[Any, ...], Claim] = Lru(CLAIM_CACHE_SIZE)
        # Every answer asks for the data version: one cursor, plain tuples.
        self._version = reader.cursor()
        self._version.row_factory = None

    @classmethod
    async def open(cls, path: Path | str) -> Store:
        """Open (creating and migrating as needed) the database file at `path`."""
        if str(path) == ":memory:":  # the reader would open a second, empty database
            raise sqlite3.OperationalError("the store needs a database file, not :memory:")
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(path, isolation_level=None)
        reader: sqlite3.Connection | None = None
        try:
            db.row_factory = aiosqlite.Row
            await db.execute("PRAGMA busy_timeout=5000")  # first: the others may wait on a lock
            mode = next(iter(await db.execute_fetchall("PRAGMA journal_mode=WAL")))[0]
            if str(mode).lower() != "wal":  # e.g. some network filesystems
                raise sqlite3.OperationalError(
                    f"{path}: cannot use write-ahead logging here (journal mode {mode}); "
                    "put the database on a local filesystem"
                )
            await db.execute("PRAGMA foreign_keys=ON")
            store = cls(db, _open_reader(path))  # after WAL is on: the reader needs the file
            reader = store._reader
            await store._migrate()
            await store._draw_missing_cards()
        except BaseException:
            if reader is not None:
                reader.close()
            await db.close()
            raise
        return store

    async def close(self) -> None:
        self._reader.close()
        await self._db.close()

    async def _migrate(self) -> None:
        for number, _name, sql in _migrations():
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                # Read under the write lock: another process may have migrated meanwhile.
                current = next(iter(await self._db.execute_fetchall("PRAGMA user_version")))[0]
                if number <= current:
                    await self._db.execute("COMMIT")
                    continue
                # Statement by statement (executescript would commit early on its own).
                for statement in _split_sql(sql):
                    await self._db.execute(statement)
                await self._db.execute(f"PRAGMA user_version = {number}")
                await self._db.execute("COMMIT")
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise

    async def generation(self) -> int:
        """Changes whenever the data may have changed, by this process or any other.

        SQLite bumps a connection's data_version for every commit made by other connections,
        and the reader never writes, so every commit counts, our own writer's included.
        """
        return int(self._version.execute("PRAGMA data_version").fetchone()[0])

    async def schema_version(self) -> int:
        row = await self._fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
                # Inside the try: deferred foreign keys are checked here, and a failed
                # COMMIT must still roll back rather than leave the transaction open.
                await self._db.execute("COMMIT")
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise

    async def _fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        # Async so that callers need not change if reads ever move off this thread again.
        return self._reader.execute(sql, params).fetchall()

    async def _fetchone(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        return self._reader.execute(sql, params).fetchone()  # type: ignore[no-any-return]

    # -- metadata -------------------------------------------------------------------------

    async def get_meta(self, key: str) -> str | None:
        row = await self._fetchone("SELECT value FROM meta WHERE key = ?", (key,))
        return str(row["value"]) if row else None

    async def set_meta(self, key: str, value: str) -> None:
        async with self._write() as db:
            await db.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- topics ---------------------------------------------------------------------------

    async def list_topics(self) -> list[Topic]:
        rows = await self._fetchall("SELECT * FROM topics ORDER BY position, slug")
        return [_row_to_topic(r) for r in rows]

    async def get_topic(self, slug: str) -> Topic:
        row = await self._fetchone("SELECT * FROM topics WHERE slug = ?", (slug,))
        if row is None:
            raise NotFound(f"There is no topic called `{slug}`. Try `/brief` to see the topics.")
        return _row_to_topic(row)

    async def put_topic(self, topic: Topic) -> None:
        async with self._write() as db:
            await self._put_topic(db, topic)
            # Claim cards name their topic's title: a new title's trigger dropped them.
            await self._draw_cards(db, topic=topic.slug)

    @staticmethod
    async def _put_topic(db: aiosqlite.Connection, topic: Topic) -> None:
        try:
            await db.execute(
                "INSERT INTO topics(slug, title, summary, command, position) "
                "VALUES (:slug, :title, :summary, :command, :position) "
                "ON CONFLICT(slug) DO UPDATE SET title = excluded.title, "
                "summary = excluded.summary, command = excluded.command, "
                "position = excluded.position",
                topic.model_dump(),
            )
        except aiosqlite.IntegrityError:
            raise Conflict(f"Another topic already uses the command `/{topic.command}`.") from None

    # -- claims: reading ------------------------------------------------------------------

    async def get_claim(self, claim_id: str) -> Claim:
        row = await self._fetchone("SELECT * FROM claims WHERE id = ?", (claim_id,))
        if row is None:
            raise NotFound(f"There is no claim with id `{claim_id}`. Try `/search`.")
        return self._claim(row)

    async def kept_claim_card(self, claim_id: str) -> Card | None:
        """The claim's card as drawn when it was written; None if there is none up to date
        (no such claim, or another program changed it since this store opened), and the
        caller draws it instead."""
        row = await self._fetchone(_KEPT_CARD, (claim_id, RENDERER))
        return card_from_json(row[0]) if row else None

    def _claim(self, row: sqlite3.Row) -> Claim:
        """The model for a claim row, reused while the row is unchanged.

        Validating a row into a model costs ~45 us, more than reading it; the newest and
        most asked-about claims come up again and again in searches and listings. The key
        is the whole row, so any change to it, by any process, misses.
        """
        key = tuple(row)
        claim = self._claims.get(key)
        if claim is None:
            claim = _row_to_claim(row)
            self._claims.put(key, claim)
        return claim

    @staticmethod
    def _filters(
        topic: str | None, statuses: Iterable[Status] | None, *, dated: bool = False
    ) -> tuple[str, list[Any]]:
        where, params = ["1"], []
        if topic is not None:
            where.append("c.topic = ?")
            params.append(topic)
        if statuses is not None:
            wanted = list(statuses)
            where.append(f"c.status IN ({','.join('?' * len(wanted))})")
            params += wanted
        if dated:
            where.append("c.event_date IS NOT NULL")
        return " AND ".join(where), params

    async def list_claims(
        self,
        *,
        topic: str | None = None,
        statuses: Iterable[Status] | None = None,
        limit: int = -1,
        offset: int = 0,
    ) -> list[Claim]:
        """Claims in reading order (topic, then date); a page of them with limit/offset."""
        where, params = self._filters(topic, statuses)
        rows = await self._fetchall(
            f"{_CLAIM_SELECT} WHERE {where} {_CLAIM_ORDER} LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [self._claim(r) for r in rows]

    async def tally(
        self, *, topic: str | None = None, statuses: Iterable[Status] | None = None
    ) -> dict[Status, int]:
        """How many claims have each status (every status present, zero or not)."""
        where, params = self._filters(topic, statuses)
        rows = await self._fetchall(
            f"SELECT c.status, COUNT(*) AS n FROM claims c WHERE {where} GROUP BY c.status",
            params,
        )
        counts = {r["status"]: int(r["n"]) for r in rows}
        return {s: counts.get(s, 0) for s in STATUSES}

    async def timeline(
        self, *, topic: str | None = None, limit: int = -1, offset: int = 0
    ) -> list[Claim]:
        """Dated claims in the order things happened."""
        where, params = self._filters(topic, None, dated=True)
        rows = await self._fetchall(
            f"{_CLAIM_SELECT} WHERE {where} ORDER BY c.event_date, c.id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [self._claim(r) for r in rows]

    async def timeline_count(self, *, topic: str | None = None) -> int:
        where, params = self._filters(topic, None, dated=True)
        row = await self._fetchone(f"SELECT COUNT(*) AS n FROM claims c WHERE {where}", params)
        return int(row["n"]) if row else 0

    async def search_hits(
        self, query: str, *, topic: str | None = None, cap: int = -1
    ) -> SearchHits:
        """Which claims match, newest first, up to `cap` (-1: all).

        Whole (stemmed) words are tried first; word beginnings ("shoig") only when no claim
        at all has the whole words. Members type whole words far more often, and those cost
        a fraction of prefixes, which make FTS5 merge the lists of every word starting so.
        With a topic, whole words that match elsewhere keep their meaning: the topic then
        shows nothing rather than switching to prefixes.

        One query answers both "how many" (capped) and, for a broad search, which claims to
        list: the newest come first in the index's own order, so it stops at the cap.
        """
        words = search_words(query)
        whole = fts_query(words)
        seqs = await self._hit_seqs(whole, topic, cap)
        if seqs or (topic is not None and await self._matches_whole(whole)):
            return SearchHits(whole, topic, seqs)
        prefixes = fts_query(words, prefix="all")
        return SearchHits(prefixes, topic, await self._hit_seqs(prefixes, topic, cap))

    async def _hit_seqs(self, match: str, topic: str | None, cap: int) -> list[int]:
        # The index's rowid is -seq, so its own order is newest first (migration 0003).
        if topic is None:
            hits = "SELECT rowid FROM claims_fts WHERE claims_fts MATCH ? ORDER BY rowid LIMIT ?"
            args: list[Any] = [match, cap]
        else:
            hits = (
                "SELECT f.rowid FROM claims_fts f JOIN claims c ON c.seq = -f.rowid "
                "WHERE claims_fts MATCH ? AND c.topic = ? ORDER BY f.rowid LIMIT ?"
            )
            args = [match, topic, cap]
        # One row of text instead of a row per match (a broad search has 101): a third less
        # work. group_concat's order is not defined, so they are sorted again.
        row = await self._fetchone(f"SELECT group_concat(-rowid) FROM ({hits})", args)
        text = row[0] if row else None
        return sorted(map(int, text.split(",")), reverse=True) if text else []

    async def _matches_whole(self, match: str) -> bool:
        """Whether any claim at all matches (whole words: any form, troop finds troops)."""
        found = await self._fetchone(
            "SELECT 1 FROM claims_fts WHERE claims_fts MATCH ? LIMIT 1", (match,)
        )
        return found is not None

    async def search_results(
        self, hits: SearchHits, *, limit: int, offset: int = 0, ranked: bool = True
    ) -> list[Claim]:
        """A page of what `search_hits` found: best match first, or newest first.

        Newest first is a slice of `hits` (which must hold at least offset + limit of them).
        Ranking scores every match (~5 us each), so it suits narrow searches.
        """
        if not hits.seqs:
            return []
        if not ranked:
            return await self.claims_by_seq(hits.seqs[offset : offset + limit])
        if hits.topic is None:
            # Order inside FTS5 first, so it can stop at the page instead of joining every
            # match. Equal scores go newest first (rowid is -seq), the same on every page.
            sql = (
                "SELECT c.* FROM (SELECT rowid, rank FROM claims_fts WHERE claims_fts MATCH ? "
                "ORDER BY rank, rowid LIMIT ? OFFSET ?) f "
                "JOIN claims c ON c.seq = -f.rowid ORDER BY f.rank, f.rowid"
            )
            args: list[Any] = [hits.match, limit, offset]
        else:
            sql = (
                "SELECT c.* FROM claims_fts f JOIN claims c ON c.seq = -f.rowid "
                "WHERE claims_fts MATCH ? AND c.topic = ? ORDER BY f.rank, f.rowid LIMIT ? OFFSET ?"
            )
            args = [hits.match, hits.topic, limit, offset]
        return [self._claim(r) for r in await self._fetchall(sql, args)]

    async def search(
        self,
        query: str,
        *,
        topic: str | None = None,
        limit: int = 50,
        offset: int = 0,
        ranked: bool = True,
    ) -> list[Claim]:
        """Full-text search over statements, actors, quotes and outlets.

        Best match first; with `ranked=False`, newest first.
        """
        cap = 1 if ranked else (-1 if limit < 0 else offset + limit)
        hits = await self.search_hits(query, topic=topic, cap=cap)
        return await self.search_results(hits, limit=limit, offset=offset, ranked=ranked)

    async def claims_by_seq(self, seqs: Sequence[int]) -> list[Claim]:
        """Claims by their `seq` (creation order), in the order given."""
        found = await self.claims_at(seqs)
        return [found[s] for s in seqs if s in found]

    async def newest_seqs(self, limit: int) -> list[int]:
        """The `seq`s of the newest claims, newest first."""
        rows = await self._fetchall("SELECT seq FROM claims ORDER BY seq DESC LIMIT ?", (limit,))
        return [int(r[0]) for r in rows]

    async def claims_at(self, seqs: Sequence[int]) -> dict[int, Claim]:
        """The claims that exist of those with these `seq`s, by seq."""
        if not seqs:
            return {}
        rows = await self._fetchall(
            f"SELECT * FROM claims WHERE seq IN ({','.join('?' * len(seqs))})", list(seqs)
        )
        return {r["seq"]: self._claim(r) for r in rows}

    async def suggest_claims(self, typed: str, limit: int = 25) -> list[tuple[str, str]]:
        """(id, statement) pairs for autocomplete: id prefix matches first, then text matches."""
        typed = typed.strip()
        if not typed:
            rows = await self._fetchall(
                f"SELECT c.id, c.statement FROM claims c {_CLAIM_ORDER} LIMIT ?",
                (limit,),
            )
            return [(r["id"], r["statement"]) for r in rows]
        prefix = typed.lower()
        # A range over ids walks an index that holds the statements too (migration 0004);
        # LIKE would scan every id.
        rows = await self._fetchall(SUGGEST_BY_ID, (prefix, prefix + "\U0010ffff", limit))
        found = [(r["id"], r["statement"]) for r in rows]
        # Words count from three letters on: a one-letter prefix would match every claim.
        # The member is still typing, so the last word is a prefix; the others are whole.
        words = [w for w in re.findall(r"\w+", typed) if len(w) >= WORD_MATCH_MIN]
        if len(found) < limit and words:
            match = fts_query(words[:MAX_SEARCH_TERMS], prefix="last")
            seen = {i for i, _ in found}
            # Newest first rather than ranked: ranking would score every match on each keystroke.
            rows = await self._fetchall(
                "SELECT c.id, c.statement FROM (SELECT rowid FROM claims_fts "
                "WHERE claims_fts MATCH ? ORDER BY rowid LIMIT ?) f "
                "JOIN claims c ON c.seq = -f.rowid ORDER BY f.rowid",
                (match, limit),
            )
            found += [(r["id"], r["statement"]) for r in rows if r["id"] not in seen]
        return found[:limit]

    async def count_by_status(self) -> list[StatusCount]:
        return [StatusCount(status=s, count=n) for s, n in (await self.tally()).items()]

    async def freshness(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """(latest change, oldest review) across all claims."""
        # Two subqueries: each MIN/MAX alone is an index lookup; together they would scan.
        row = await self._fetchone(
            "SELECT (SELECT MAX(updated_at) FROM claims) AS u, "
            "(SELECT MIN(reviewed_at) FROM claims WHERE reviewed_at IS NOT NULL) AS r"
        )
        if row is None:
            return None, None
        return (
            dt.datetime.fromisoformat(row["u"]) if row["u"] else None,
            dt.datetime.fromisoformat(row["r"]) if row["r"] else None,
        )

    async def topic_counts(self) -> list[tuple[Topic, int]]:
        """Every topic with how many claims it holds, in display order."""
        rows = await self._fetchall(
            "SELECT t.*, COUNT(c.id) AS n FROM topics t LEFT JOIN claims c ON c.topic = t.slug "
            "GROUP BY t.slug ORDER BY t.position, t.slug"
        )
        return [(_row_to_topic(r), int(r["n"])) for r in rows]

    async def claim_count(self) -> int:
        row = await self._fetchone("SELECT COUNT(*) AS n FROM claims")
        return int(row["n"]) if row else 0

    # -- claims: writing ------------------------------------------------------------------

    async def create_claim(
        self,
        draft: ClaimDraft,
        editor: Editor,
        *,
        reason: str | None = None,
        kind: RevisionKind = "create",
    ) -> Claim:
        async with self._write() as db:
            return await self._insert_claim(db, draft, editor, reason, kind, utcnow())

    async def update_claim(
        self,
        draft: ClaimDraft,
        editor: Editor,
        *,
        expected_version: int,
        kind: RevisionKind = "update",
        reason: str | None = None,
    ) -> Claim:
        """Replace a claim's content; refuses if someone else changed it since it was read."""
        now = utcnow()
        async with self._write() as db:
            async with db.execute("SELECT * FROM claims WHERE id = ?", (draft.id,)) as cur:
                row = await cur.fetchone()
            if row is None:
                raise NotFound(f"There is no claim with id `{draft.id}`.")
            before = _row_to_claim(row)
            if before.version != expected_version:
                raise Conflict(
                    f"`{draft.id}` changed since you opened it (now version {before.version}); "
                    "reload and try again."
                )
            diff = claim_diff(before, draft)
            if not diff:
                raise InvalidInput("Nothing changed.")
            await self._check_refs(db, draft)
            cols = _claim_columns(draft)
            cols.update(version=before.version + 1, updated_at=_iso(now))
            await db.execute(
                "UPDATE claims SET topic=:topic, statement=:statement, status=:status, "
                "stances=:stances, figure=:figure, event_date=:event_date, "
                "event_precision=:event_precision, sources=:sources, reviewed_at=:reviewed_at, "
                "superseded_by=:superseded_by, version=:version, updated_at=:updated_at "
                "WHERE id=:id",
                cols,
            )
            await self._keep_card(db, await self._index(db, draft))
            await self._revision(db, draft.id, before.version + 1, editor, now, kind, diff, reason)
            return Claim(
                **_draft_fields(draft),
                version=before.version + 1,
                created_at=before.created_at,
                updated_at=now,
            )

    async def history(self, claim_id: str) -> list[Revision]:
        rows = await self._fetchall(
            "SELECT * FROM revisions WHERE claim_id = ? ORDER BY version", (claim_id,)
        )
        if not rows:
            await self.get_claim(claim_id)  # raises NotFound for an unknown id
        return [_row_to_revision(r) for r in rows]

    async def load_seed(self, seed: Seed) -> bool:
        """Load the curated seed into an empty store, all or nothing. False if not empty."""
        now = utcnow()
        async with self._write() as db:
            async with db.execute("SELECT COUNT(*) FROM claims") as cur:
                row = await cur.fetchone()
            if row and row[0]:
                return False
            for topic in seed.topics:
                await self._put_topic(db, topic)
            # The seed was validated whole; a claim may name its successor before it appears.
            await db.execute("PRAGMA defer_foreign_keys = ON")
            for claim in seed.claims:
                await self._insert_claim(
                    db, claim, SEED_EDITOR, "curated seed", "import", now, check_refs=False
                )
            for claim in seed.claims:
                try:
                    await self._check_refs(db, claim)
                except InvalidInput as exc:
                    raise InvalidInput(f"Seed claim `{claim.id}`: {exc}") from None
            # Many claims at once leave the search index in many pieces; one piece is read
            # with one seek per word instead of one per piece.
            await db.execute("INSERT INTO claims_fts(claims_fts) VALUES ('optimize')")
            return True

    # -- helpers --------------------------------------------------------------------------

    async def _insert_claim(
        self,
        db: aiosqlite.Connection,
        draft: ClaimDraft,
        editor: Editor,
        reason: str | None,
        kind: RevisionKind,
        now: dt.datetime,
        *,
        check_refs: bool = True,
    ) -> Claim:
        if check_refs:
            await self._check_refs(db, draft)
        cols = _claim_columns(draft)
        cols.update(version=1, created_at=_iso(now), updated_at=_iso(now))
        try:
            await db.execute(
                "INSERT INTO claims(id, topic, statement, status, stances, figure, event_date, "
                "event_precision, sources, reviewed_at, superseded_by, version, created_at, "
                "updated_at, seq) VALUES (:id, :topic, :statement, :status, :stances, :figure, "
                ":event_date, :event_precision, :sources, :reviewed_at, :superseded_by, "
                ":version, :created_at, :updated_at, "
                "(SELECT COALESCE(MAX(seq), 0) + 1 FROM claims))",
                cols,
            )
        except aiosqlite.IntegrityError:
            raise Conflict(f"A claim with id `{draft.id}` already exists.") from None
        await self._keep_card(db, await self._index(db, draft, new=True))
        await self._revision(db, draft.id, 1, editor, now, kind, claim_diff(None, draft), reason)
        return Claim(**_draft_fields(draft), version=1, created_at=now, updated_at=now)

    @staticmethod
    async def _check_refs(db: aiosqlite.Connection, draft: ClaimDraft) -> None:
        async with db.execute("SELECT 1 FROM topics WHERE slug = ?", (draft.topic,)) as cur:
            if await cur.fetchone() is None:
                raise InvalidInput(f"There is no topic called `{draft.topic}`.")
        if draft.superseded_by:
            async with db.execute(
                "SELECT 1 FROM claims WHERE id = ?", (draft.superseded_by,)
            ) as cur:
                if await cur.fetchone() is None:
                    raise InvalidInput(f"There is no claim `{draft.superseded_by}` to point to.")

    @staticmethod
    async def _index(
        db: aiosqlite.Connection, draft: ClaimDraft, *, new: bool = False
    ) -> sqlite3.Row:
        """Index the claim for search; returns its row as now written."""
        rows = list(await db.execute_fetchall("SELECT * FROM claims WHERE id = ?", (draft.id,)))
        row = rows[0]
        seq = row["seq"]
        # Indexed as -seq, so that the index's own order is newest first.
        if not new:
            await db.execute("DELETE FROM claims_fts WHERE rowid = ?", (-seq,))
        await db.execute(
            "INSERT INTO claims_fts(rowid, statement, people) VALUES (?, ?, ?)",
            (-seq, draft.statement, _people_text(draft)),
        )
        return row

    @staticmethod
    async def _keep_card(db: aiosqlite.Connection, row: sqlite3.Row) -> None:
        """Draw the claim's /claim card from its row as written and keep it beside it."""
        claim = _row_to_claim(row)
        topics = list(
            await db.execute_fetchall("SELECT * FROM topics WHERE slug = ?", (claim.topic,))
        )
        card = claim_card(claim, _row_to_topic(topics[0]) if topics else None)
        await db.execute(
            "INSERT OR REPLACE INTO claim_cards(id, renderer, card) VALUES (?, ?, ?)",
            (row["id"], RENDERER, card_to_json(card)),
        )

    async def _draw_missing_cards(self) -> None:
        """Draw the cards that are missing or stale: written by a program that kept none, or
        drawn by other code (after an upgrade, all of them).

        In transactions of CARD_BATCH claims, so that other writers wait for one batch at
        most (~0.15 s), not for all of them.
        """
        if await self._fetchone(_MISSING_CARDS, (RENDERER, 0, None, None, 1)) is None:
            return  # the common case: no write transaction just to find nothing to do
        after: int | None = 0
        while after is not None:
            async with self._write() as db:
                after = await self._draw_cards(db, after=after, limit=CARD_BATCH)

    async def _draw_cards(
        self,
        db: aiosqlite.Connection,
        *,
        topic: str | None = None,
        after: int = 0,
        limit: int = -1,
    ) -> int | None:
        """Draw missing cards in a write transaction (rows read inside it, so no other
        writer can change them meanwhile). Returns the last seq seen if `limit` was reached.

        A row that cannot be read (changed by hand, say) gets no card: /claim then reports
        that one claim's error, as it would without cards, instead of the store not opening.
        """
        rows = list(
            await db.execute_fetchall(_MISSING_CARDS, (RENDERER, after, topic, topic, limit))
        )
        for row in rows:
            try:
                await self._keep_card(db, row)
            except ValueError as exc:  # pydantic's ValidationError, a JSON error
                log.warning("claim %s: no card kept, its row does not read: %s", row["id"], exc)
        return int(rows[-1]["seq"]) if limit > 0 and len(rows) == limit else None

    @staticmethod
    async def _revision(
        db: aiosqlite.Connection,
        claim_id: str,
        version: int,
        editor: Editor,
        now: dt.datetime,
        kind: RevisionKind,
        diff: dict[str, Any],
        reason: str | None,
    ) -> None:
        await db.execute(
            "INSERT INTO revisions(claim_id, version, editor_id, editor_name, at, kind, diff, "
            "reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (claim_id, version, editor.id, editor.name, _iso(now), kind, json.dumps(diff), reason),
        )


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements (our migrations keep ';' out of string literals).

    A trigger's body holds ';' too: pieces are joined until SQLite calls them complete.
    """
    without_comments = re.sub(r"--[^\n]*", "", script)
    statements, pending = [], ""
    for piece in without_comments.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \t\n;"):
                statements.append(pending.strip().removesuffix(";").strip())
            pending = ""
    if pending.strip(" \t\n;"):
        statements.append(pending.strip().removesuffix(";").strip())
    return statements
