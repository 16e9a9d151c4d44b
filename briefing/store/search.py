"""Full-text search and autocomplete over statements, actors, quotes and outlets (FTS5).

The index stores each claim under its creation number negated (migration 0003), so its own
order is newest first and a broad search stops after the newest matches. Every query over
it runs off the loop: a search for common words, or for word beginnings, reads index lists
as long as the briefing.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from briefing.errors import InvalidInput
from briefing.models import Claim
from briefing.searching import parse
from briefing.store.claims import CLAIM_ORDER, Claims

MAX_SEARCH_TERMS = 12
NUMBER_TERM = re.compile(r"n\d+")
WORD_MATCH_MIN = 3
SUGGEST_BY_ID = (
    "SELECT id, statement FROM claims WHERE id >= ? AND id < ? AND retired_at IS NULL "
    "ORDER BY id LIMIT ?"
)
# Editors reach retired claims too (to see their history, or bring them back).
SUGGEST_ANY_BY_ID = "SELECT id, statement FROM claims WHERE id >= ? AND id < ? ORDER BY id LIMIT ?"


@dataclass(frozen=True)
class SearchHits:
    """The claims a search matched, by creation number, in the order to list them: best
    match first when `ranked`, else newest first."""

    seqs: list[int]
    ranked: bool = False


def search_words(text: str) -> list[str]:
    """The words of what a member typed, as FTS5 will see them (at most MAX_SEARCH_TERMS):
    numbers as their value's token, query syntax left out (briefing/searching.py)."""
    words = parse(text).words[:MAX_SEARCH_TERMS]
    if not words:
        raise InvalidInput("Search for at least one word (letters or digits).", key="search.empty")
    return words


def _term(word: str, prefix: bool) -> str:
    """One word of an FTS5 query. A number is looked up by value in its own column; a word
    in another script than Latin by its beginning, since Korean attaches particles and
    Ukrainian and Russian inflect (the porter stemmer knows only English)."""
    if NUMBER_TERM.fullmatch(word):  # always exact: a search for 10 must not find 100
        return f'numbers : "{word}"'
    return f'"{word}"*' if prefix or not word.isascii() else f'"{word}"'


def fts_query(words: Sequence[str], *, prefix: Literal["none", "last", "all"] = "none") -> str:
    """A safe FTS5 query in which every word must match: whole (stemmed) words, or prefixes.

    Whole words are cheap: FTS5 reads one list per word. A prefix makes it merge the lists
    of every word that starts with it, which for a short prefix is most of the index.
    """
    last = len(words) - 1
    return " ".join(
        _term(w, prefix == "all" or (prefix == "last" and i == last)) for i, w in enumerate(words)
    )


def _hit_seqs(db: sqlite3.Connection, match: str, topic: str | None, cap: int) -> list[int]:
    """Matching claims, newest first, at most `cap` (-1: all)."""
    if topic is None:
        hits = "SELECT rowid FROM claims_fts WHERE claims_fts MATCH ? ORDER BY rowid LIMIT ?"
        args: list[Any] = [match, cap]
    else:
        hits = (
            "SELECT f.rowid FROM claims_fts f JOIN claims c ON c.seq = -f.rowid "
            "WHERE claims_fts MATCH ? AND c.topic = ? ORDER BY f.rowid LIMIT ?"
        )
        args = [match, topic, cap]
    # One row of text instead of a row per match: less work for a broad search.
    # group_concat's order is not defined, so they are sorted again.
    text = db.execute(f"SELECT group_concat(-rowid) FROM ({hits})", args).fetchone()[0]
    return sorted(map(int, text.split(",")), reverse=True) if text else []


def _ranked_seqs(db: sqlite3.Connection, match: str, topic: str | None) -> list[int]:
    """Every match, best first; equal scores newest first (rowid is -seq)."""
    if topic is None:
        sql = "SELECT -rowid FROM claims_fts WHERE claims_fts MATCH ? ORDER BY rank, rowid"
        args: list[Any] = [match]
    else:
        sql = (
            "SELECT -f.rowid FROM claims_fts f JOIN claims c ON c.seq = -f.rowid "
            "WHERE claims_fts MATCH ? AND c.topic = ? ORDER BY f.rank, f.rowid"
        )
        args = [match, topic]
    return [int(r[0]) for r in db.execute(sql, args)]


def _find(
    db: sqlite3.Connection, words: list[str], topic: str | None, cap: int, rank: bool
) -> SearchHits:
    """Runs in the worker thread, in one read transaction so that both steps see the same
    data."""
    db.execute("BEGIN")
    try:
        match = fts_query(words)
        seqs = _hit_seqs(db, match, topic, cap)
        # Word beginnings ("shoig") only when no claim at all has the whole words: members
        # type whole words far more often, and those cost a fraction of prefixes. With a
        # topic, whole words that match elsewhere keep their meaning: the topic shows
        # nothing rather than switching to prefixes.
        if not seqs and (topic is None or not _hit_seqs(db, match, None, 1)):
            match = fts_query(words, prefix="all")
            seqs = _hit_seqs(db, match, topic, cap)
        # Ranking scores every match, so only a search that has them all is ranked.
        ranked = rank and (cap < 0 or len(seqs) < cap)
        if ranked and len(seqs) > 1:
            seqs = _ranked_seqs(db, match, topic)
        return SearchHits(seqs, ranked)
    finally:
        db.execute("COMMIT")


def _word_suggestions(
    db: sqlite3.Connection, words: list[str], limit: int
) -> list[tuple[str, str]]:
    # The member is still typing, so the last word is a prefix; the others are whole.
    # Newest first rather than ranked: ranking would score every match on each keystroke.
    rows = db.execute(
        "SELECT c.id, c.statement FROM (SELECT rowid FROM claims_fts "
        "WHERE claims_fts MATCH ? ORDER BY rowid LIMIT ?) f "
        "JOIN claims c ON c.seq = -f.rowid ORDER BY f.rowid",
        (fts_query(words[:MAX_SEARCH_TERMS], prefix="last"), limit),
    )
    return [(r["id"], r["statement"]) for r in rows]


class Search(Claims):
    async def languages(self) -> frozenset[str]:
        """The languages some listed claim has a translation in."""
        rows = await self._scan(
            "SELECT DISTINCT t.key FROM claims c, json_each(c.translations) t "
            "WHERE c.retired_at IS NULL"
        )
        return frozenset(str(r[0]) for r in rows)

    async def search_hits(
        self, text: str, *, topic: str | None = None, cap: int = -1, rank: bool = False
    ) -> SearchHits:
        """Which claims match every word of `text` (in any form: troop finds troops), newest
        first, at most `cap` (-1: all). With `rank`, a search that found fewer than `cap`
        (so all there are) lists them best match first."""
        words = search_words(text)
        return await self._off_loop(lambda db: _find(db, words, topic, cap, rank))

    async def search(
        self,
        text: str,
        *,
        topic: str | None = None,
        limit: int = 50,
        offset: int = 0,
        ranked: bool = True,
    ) -> list[Claim]:
        """A page of the claims that match, best match first or (`ranked=False`) newest
        first."""
        cap = -1 if ranked or limit < 0 else offset + limit
        hits = await self.search_hits(text, topic=topic, cap=cap, rank=ranked)
        wanted = hits.seqs[offset:] if limit < 0 else hits.seqs[offset : offset + limit]
        return await self.claims_by_seq(wanted)

    async def suggest_claims(
        self, typed: str, limit: int = 25, *, retired: bool = False
    ) -> list[tuple[str, str]]:
        """(id, statement) pairs for autocomplete: id prefix matches first, then text matches.
        Retired claims only with `retired` (and then by id only: they are not searched)."""
        typed = typed.strip()
        if not typed:  # the front of the reading-order index: bounded, on the loop
            rows = await self._rows(
                f"SELECT c.id, c.statement FROM claims c WHERE c.retired_at IS NULL "
                f"{CLAIM_ORDER} LIMIT ?",
                (limit,),
            )
            return [(r["id"], r["statement"]) for r in rows]
        prefix = typed.lower()
        # A range over ids walks an index that holds the statements too (migrations 0004,
        # 0007); LIKE would scan every id.
        by_id = SUGGEST_ANY_BY_ID if retired else SUGGEST_BY_ID
        rows = await self._rows(by_id, (prefix, prefix + "\U0010ffff", limit))
        found = [(r["id"], r["statement"]) for r in rows]
        # Words count from three letters on: a one-letter prefix would match every claim.
        words = [w for w in parse(typed).words if len(w) >= WORD_MATCH_MIN]
        if len(found) < limit and words:
            seen = {i for i, _ in found}
            more = await self._off_loop(lambda db: _word_suggestions(db, words, limit))
            found += [(i, s) for i, s in more if i not in seen]
        return found[:limit]
