"""Corrections members suggest, and how editors handle them. Nothing here moves the data
version: a suggestion changes no answer until an editor acts on it."""

from __future__ import annotations

import datetime as dt
import sqlite3

from briefing.errors import Conflict, Forbidden, NotFound
from briefing.models import STORED, Correction, CorrectionStatus, Editor
from briefing.store.database import Database
from briefing.store.rows import iso, utcnow

DAILY_LIMIT = 5


def to_correction(row: sqlite3.Row) -> Correction:
    fields = {name: row[name] for name in Correction.model_fields}
    return Correction.model_validate(fields, context=STORED)


class Corrections(Database):
    async def suggest(
        self,
        claim_id: str | None,
        text: str,
        source_url: str | None,
        author: Editor,
        *,
        daily_limit: int = DAILY_LIMIT,
    ) -> Correction:
        """Store a member's suggestion; refuses past `daily_limit` in the last 24 hours."""
        if author.id is None:
            raise Forbidden("Suggestions need a Discord member to reply to.")
        now = utcnow()
        draft = Correction(
            id=1,
            claim_id=claim_id,
            text=text,
            source_url=source_url,
            author_id=author.id,
            author_name=author.name,
            created_at=now,
        )  # validated before anything is written
        async with self._write() as db:
            if claim_id is not None:
                async with db.execute("SELECT 1 FROM claims WHERE id = ?", (claim_id,)) as cur:
                    if await cur.fetchone() is None:
                        raise NotFound(f"There is no claim with id `{claim_id}`.")
            async with db.execute(
                "SELECT COUNT(*), MIN(created_at) FROM suggestions "
                "WHERE author_id = ? AND created_at > ?",
                (author.id, iso(now - dt.timedelta(days=1))),
            ) as cur:
                count, oldest = tuple(await cur.fetchone() or (0, None))
            if count >= daily_limit:
                again = dt.datetime.fromisoformat(oldest) + dt.timedelta(days=1)
                raise Forbidden(
                    f"You have sent {count} suggestions in the last 24 hours, the most we "
                    f"take from one member. You can send another after "
                    f"{again:%Y-%m-%d %H:%M} UTC.",
                    key="suggest.daily_limit",
                    count=count,
                    # Discord shows it in the member's own time and language.
                    when=f"<t:{int(again.timestamp())}:R>",
                )
            async with db.execute(
                "INSERT INTO suggestions(claim_id, text, source_url, author_id, author_name, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (claim_id, draft.text, draft.source_url, author.id, author.name, iso(now)),
            ) as cur:
                row = await cur.fetchone()
        return draft.model_copy(update={"id": int(row[0]) if row else 0})

    async def correction(self, correction_id: int) -> Correction:
        row = await self._row("SELECT * FROM suggestions WHERE id = ?", (correction_id,))
        if row is None:
            raise NotFound(f"There is no suggestion #{correction_id}.")
        return to_correction(row)

    async def open_corrections(self, *, limit: int, offset: int = 0) -> list[Correction]:
        """Open suggestions, oldest first: the queue editors work through."""
        rows = await self._rows(
            "SELECT * FROM suggestions WHERE status = 'open' ORDER BY id LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [to_correction(r) for r in rows]

    async def open_count(self) -> int:
        row = await self._row("SELECT COUNT(*) FROM suggestions WHERE status = 'open'")
        return int(row[0]) if row else 0

    async def settle(
        self,
        correction_id: int,
        status: CorrectionStatus,
        editor: Editor,
        *,
        reason: str | None,
    ) -> Correction:
        """Mark an open suggestion accepted or rejected; refuses one already handled."""
        now = utcnow()
        async with self._write() as db:
            async with db.execute(
                "UPDATE suggestions SET status = ?, handled_by_id = ?, handled_by_name = ?, "
                "reason = ?, handled_at = ? WHERE id = ? AND status = 'open' RETURNING *",
                (status, editor.id, editor.name, reason, iso(now), correction_id),
            ) as cur:
                row = await cur.fetchone()
            if row is None:
                async with db.execute(
                    "SELECT * FROM suggestions WHERE id = ?", (correction_id,)
                ) as cur:
                    found = await cur.fetchone()
                if found is None:
                    raise NotFound(f"There is no suggestion #{correction_id}.")
                done = to_correction(found)
                raise Conflict(
                    f"Suggestion #{correction_id} was already {done.status} by "
                    f"{done.handled_by_name or 'someone'}."
                )
            # Built inside the transaction: a value the model refuses is never committed.
            return to_correction(row)
