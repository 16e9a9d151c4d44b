"""Reading claims: one by id, some by creation number, pages in reading order, and counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from briefing.errors import NotFound
from briefing.models import (
    MAX_KEY_CLAIMS,
    STATUSES,
    STORED,
    Actor,
    Claim,
    Status,
    StatusCount,
    Topic,
)
from briefing.store.database import Database
from briefing.store.rows import to_claim

# Reading order: when it happened, undated last. Matches the indexes of migration 0002.
CLAIM_ORDER = "ORDER BY coalesce(c.event_date, '9999-12-31'), c.id"


def _filters(
    topic: str | None, statuses: Iterable[Status] | None, *, dated: bool = False
) -> tuple[str, list[Any]]:
    where, params = ["c.retired_at IS NULL"], []
    if topic is not None:
        where.append("c.topic = ?")
        params.append(topic)
    if statuses is not None:
        wanted = list(statuses)
        where.append(f"c.status IN ({','.join('?' * len(wanted))})")
        params += wanted
    if dated:
        where.append("c.timeline_key IS NOT NULL")
    return " AND ".join(where), params


class Claims(Database):
    async def get_claim(self, claim_id: str) -> Claim:
        row = await self._row("SELECT * FROM claims WHERE id = ?", (claim_id,))
        if row is None:
            raise NotFound(f"There is no claim with id `{claim_id}`. Try `/search`.")
        return to_claim(row)

    async def claims_at(self, seqs: Sequence[int]) -> dict[int, Claim]:
        """The claims that exist of those with these creation numbers (`seq`), by seq."""
        if not seqs:
            return {}
        rows = await self._rows(
            f"SELECT * FROM claims WHERE seq IN ({','.join('?' * len(seqs))})", list(seqs)
        )
        return {r["seq"]: to_claim(r) for r in rows}

    async def claims_by_seq(self, seqs: Sequence[int]) -> list[Claim]:
        """The claims that exist of those with these creation numbers, in the order given."""
        found = await self.claims_at(seqs)
        return [found[s] for s in seqs if s in found]

    async def newest_seqs(self, limit: int) -> list[int]:
        """The creation numbers of the newest claims, newest first."""
        rows = await self._scan("SELECT seq FROM claims ORDER BY seq DESC LIMIT ?", (limit,))
        return [int(r[0]) for r in rows]

    async def list_claims(
        self,
        *,
        topic: str | None = None,
        statuses: Iterable[Status] | None = None,
        limit: int = -1,
        offset: int = 0,
    ) -> list[Claim]:
        """Claims in reading order (date, then id); a page of them with limit/offset."""
        where, params = _filters(topic, statuses)
        # Off the loop: the index walks past every claim before the page.
        rows = await self._scan(
            f"SELECT c.* FROM claims c WHERE {where} {CLAIM_ORDER} LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [to_claim(r) for r in rows]

    async def topic_claims(self, topic: Topic, *, limit: int = -1, offset: int = 0) -> list[Claim]:
        """A topic's claims as its briefing lists them: its key claims first (those an
        editor pinned, in their order; without pins, the disputed ones), then the rest, most
        recently changed first."""
        where, params = _filters(topic.slug, None)
        if topic.key_claims:
            lead = " ".join(f"WHEN ? THEN {i}" for i in range(len(topic.key_claims)))
            lead, lead_params = f"CASE c.id {lead} ELSE {MAX_KEY_CLAIMS} END", [*topic.key_claims]
        else:
            lead, lead_params = "CASE c.status WHEN 'disputed' THEN 0 ELSE 1 END", []
        rows = await self._scan(
            f"SELECT c.* FROM claims c WHERE {where} "
            f"ORDER BY {lead}, c.changed_at DESC, c.seq DESC LIMIT ? OFFSET ?",
            [*params, *lead_params, limit, offset],
        )
        return [to_claim(r) for r in rows]

    async def timeline(
        self, *, topic: str | None = None, limit: int = -1, offset: int = 0
    ) -> list[Claim]:
        """Dated claims in the order things happened."""
        where, params = _filters(topic, None, dated=True)
        rows = await self._scan(
            f"SELECT c.* FROM claims c WHERE {where} ORDER BY c.timeline_key, c.id "
            "LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [to_claim(r) for r in rows]

    # -- counts: each reads an index range as long as what it counts, so off the loop --------

    async def tally(
        self, *, topic: str | None = None, statuses: Iterable[Status] | None = None
    ) -> dict[Status, int]:
        """How many claims have each status (every status present, zero or not)."""
        where, params = _filters(topic, statuses)
        rows = await self._scan(
            f"SELECT c.status, COUNT(*) AS n FROM claims c WHERE {where} GROUP BY c.status",
            params,
        )
        counts = {r["status"]: int(r["n"]) for r in rows}
        return {s: counts.get(s, 0) for s in STATUSES}

    async def count_by_status(self) -> list[StatusCount]:
        return [StatusCount(status=s, count=n) for s, n in (await self.tally()).items()]

    async def timeline_count(self, *, topic: str | None = None) -> int:
        where, params = _filters(topic, None, dated=True)
        row = await self._scan_one(f"SELECT COUNT(*) AS n FROM claims c WHERE {where}", params)
        return int(row["n"]) if row else 0

    async def claims_after(self, seq: int, limit: int) -> list[tuple[int, Claim]]:
        """Up to `limit` claims created after creation number `seq`, oldest first: for
        reading every claim a batch at a time, without holding them all."""
        rows = await self._scan(
            "SELECT * FROM claims WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit)
        )
        return [(r["seq"], to_claim(r)) for r in rows]

    async def stale_claims(
        self, before: dt.datetime, *, topics: Sequence[str] = (), limit: int
    ) -> list[Claim]:
        """Listed claims last verified before `before` (or never), least recently first."""
        where = ["c.retired_at IS NULL", "(c.reviewed_at IS NULL OR c.reviewed_at < ?)"]
        params: list[Any] = [before.astimezone(dt.UTC).isoformat()]
        if topics:
            where.append(f"c.topic IN ({','.join('?' * len(topics))})")
            params += list(topics)
        rows = await self._scan(
            f"SELECT c.* FROM claims c WHERE {' AND '.join(where)} "
            "ORDER BY coalesce(c.reviewed_at, ''), c.id LIMIT ?",
            [*params, limit],
        )
        return [to_claim(r) for r in rows]

    async def live_ids(self) -> list[str]:
        """The ids of every listed claim: what a mistyped id is compared with."""
        rows = await self._scan("SELECT id FROM claims WHERE retired_at IS NULL")
        return [str(r[0]) for r in rows]

    async def successors(self) -> tuple[dict[str, str | None], list[str]]:
        """Every claim's successor (or None), and the ids of retired claims."""
        rows = await self._scan("SELECT id, superseded_by, retired_at FROM claims")
        return {r[0]: r[1] for r in rows}, [r[0] for r in rows if r[2] is not None]

    async def actors(self) -> list[Actor]:
        """Every party on record in any claim's stances, by name (grows with the data)."""
        rows = await self._scan(
            "SELECT DISTINCT json_extract(s.value, '$.actor') AS actor "
            "FROM claims c, json_each(c.stances) s"
        )
        found = {
            a.name.casefold(): a
            for a in (Actor.model_validate_json(r[0], context=STORED) for r in rows)
        }
        return sorted(found.values(), key=lambda a: a.name.casefold())

    async def claim_count(self) -> int:
        row = await self._scan_one("SELECT COUNT(*) AS n FROM claims")
        return int(row["n"]) if row else 0

    async def freshness(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """(latest change of what a claim says, oldest review) across all claims. Not the
        latest write: loading the file or a review is not news to a member."""
        # Two subqueries: each MIN/MAX alone is one pass; together they would not be.
        row = await self._row(
            "SELECT (SELECT MAX(changed_at) FROM claims) AS u, "
            "(SELECT MIN(reviewed_at) FROM claims WHERE reviewed_at IS NOT NULL "
            "AND retired_at IS NULL) AS r"
        )
        if row is None:
            return None, None
        return (
            dt.datetime.fromisoformat(row["u"]) if row["u"] else None,
            dt.datetime.fromisoformat(row["r"]) if row["r"] else None,
        )
