"""Writing claims. Every change writes the claim and its append-only revision in one
transaction, so history and state cannot drift apart."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import aiosqlite

from briefing.errors import Conflict, InvalidInput, NotFound, StaleVersion
from briefing.integrity import Breach, check_briefing, check_claim, successor_breach
from briefing.models import (
    Briefing,
    Claim,
    ClaimDraft,
    Editor,
    RevisionKind,
    changed_after,
    claim_diff,
    first_changed,
)
from briefing.store.database import Database
from briefing.store.rows import claim_columns, iso, search_columns, to_claim, utcnow
from briefing.store.topics import Topics

SEED_EDITOR = Editor(None, "seed")
INSERT_CLAIM = (
    "INSERT INTO claims(id, topic, statement, status, stances, figure, event_date, "
    "event_precision, sources, reviewed_at, superseded_by, retired_at, timeline_key, "
    "translations, version, created_at, updated_at, changed_at, seq) "
    "VALUES (:id, :topic, :statement, :status, :stances, :figure, :event_date, "
    ":event_precision, :sources, :reviewed_at, :superseded_by, :retired_at, :timeline_key, "
    ":translations, :version, :created_at, :updated_at, :changed_at, :seq)"
)
UPDATE_CLAIM = (
    "UPDATE claims SET topic=:topic, statement=:statement, status=:status, "
    "stances=:stances, figure=:figure, event_date=:event_date, "
    "event_precision=:event_precision, sources=:sources, reviewed_at=:reviewed_at, "
    "superseded_by=:superseded_by, retired_at=:retired_at, timeline_key=:timeline_key, "
    "translations=:translations, version=:version, updated_at=:updated_at, "
    "changed_at=:changed_at WHERE id=:id"
)
# The search index's rowid is the claim's seq negated: its own order is newest first.
INDEX_CLAIM = (
    "INSERT INTO claims_fts(rowid, statement, people, numbers, translated) VALUES (?, ?, ?, ?, ?)"
)
INSERT_REVISION = (
    "INSERT INTO revisions(claim_id, version, editor_id, editor_name, at, kind, diff, reason) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


class ClaimChanges(Database):
    async def create_claim(
        self,
        draft: ClaimDraft,
        editor: Editor,
        *,
        reason: str | None = None,
        kind: RevisionKind = "create",
    ) -> Claim:
        check_claim(draft)
        now = utcnow()
        # Added by an editor now: to a member, it changed now (a file's claims keep the
        # date their sources give: load_seed, import_briefing).
        cols = claim_columns(draft, 1, now, now) | {"created_at": iso(now)}
        async with self._write() as db:
            await self._check_refs(db, draft)
            async with db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM claims") as cur:
                cols["seq"] = seq = int((await cur.fetchone() or [1])[0])  # the next number
            try:
                await db.execute(INSERT_CLAIM, cols)
            except aiosqlite.IntegrityError:
                raise Conflict(f"A claim with id `{draft.id}` already exists.") from None
            await self._index(db, draft, seq, new=True)
            await self._revision(
                db, draft.id, 1, editor, now, kind, claim_diff(None, draft), reason
            )
        return Claim(**draft.editable(), version=1, created_at=now, updated_at=now, changed_at=now)

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
        _, after = await self.change_claim(
            draft.id,
            lambda _: draft,
            editor,
            kind=kind,
            reason=reason,
            expected_version=expected_version,
        )
        return after

    async def change_claim(
        self,
        claim_id: str,
        change: Callable[[Claim], ClaimDraft],
        editor: Editor,
        *,
        kind: RevisionKind,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> tuple[Claim, Claim]:
        """Read, change and write a claim in one transaction, with its revision; returns it
        before and after. `expected_version`: the version the editor saw (a modal opened
        earlier); a newer one refuses, naming who saved it and when. `change` may refuse by
        raising; nothing is written then."""
        now = utcnow()
        async with self._write() as db:
            async with db.execute("SELECT * FROM claims WHERE id = ?", (claim_id,)) as cur:
                row = await cur.fetchone()
            if row is None:
                raise NotFound(f"There is no claim with id `{claim_id}`.")
            before = to_claim(row)
            if expected_version is not None and before.version != expected_version:
                raise await self._stale(db, claim_id, expected_version, before.version)
            draft = change(before)
            if draft.id != claim_id:
                raise InvalidInput("A claim's id cannot change; add a new claim instead.")
            diff = claim_diff(before, draft)
            if not diff:
                raise InvalidInput(f"Nothing changed: `{claim_id}` already reads that way.")
            check_claim(draft)
            await self._check_refs(db, draft)
            if draft.retired_at is not None and before.retired_at is None:
                await self._check_not_succeeding(db, claim_id)
                await Topics.drop_pin(db, before.topic, claim_id, editor, iso(now), "claim retired")
            elif draft.topic != before.topic:
                why = f"claim moved to {draft.topic}"
                await Topics.drop_pin(db, before.topic, claim_id, editor, iso(now), why)
            version = before.version + 1
            changed = changed_after(before, diff, now)
            await db.execute(UPDATE_CLAIM, claim_columns(draft, version, now, changed))
            await self._index(db, draft, row["seq"], new=False)
            await self._revision(db, claim_id, version, editor, now, kind, diff, reason)
        after = Claim(
            **draft.editable(),
            version=version,
            created_at=before.created_at,
            updated_at=now,
            changed_at=changed,
        )
        return before, after

    async def load_seed(self, briefing: Briefing) -> bool:
        """Load a curated briefing into an empty store, all or nothing. False if not empty.

        Written in bulk: one statement per table for all the claims, not one per claim.
        """
        check_briefing(briefing.claims)
        now = utcnow()
        async with self._write() as db:
            async with db.execute("SELECT EXISTS (SELECT 1 FROM claims)") as cur:
                row = await cur.fetchone()
            if row and row[0]:
                return False
            for topic in briefing.topics:
                await Topics._put_topic(db, topic)
            # The briefing was validated whole; a claim may name its successor before it
            # appears.
            await db.execute("PRAGMA defer_foreign_keys = ON")
            claims = [
                claim_columns(c, 1, now, first_changed(c, now))
                | {"seq": seq, "created_at": iso(now)}
                for seq, c in enumerate(briefing.claims, start=1)
            ]
            try:
                await db.executemany(INSERT_CLAIM, claims)
            except aiosqlite.IntegrityError as exc:
                raise InvalidInput(f"The seed cannot be stored: {exc}") from None
            await db.executemany(
                INDEX_CLAIM,
                [
                    (-seq, *search_columns(c))
                    for seq, c in enumerate(briefing.claims, 1)
                    if c.retired_at is None
                ],
            )
            await db.executemany(
                INSERT_REVISION,
                [
                    (c.id, 1, SEED_EDITOR.id, SEED_EDITOR.name, iso(now), "import",
                     json.dumps(claim_diff(None, c)), "curated seed")
                    for c in briefing.claims
                ],
            )  # fmt: skip
            await self._check_all_refs(db)
            # Many claims at once leave the search index in many pieces; one piece is read
            # with one seek per word instead of one per piece.
            await db.execute("INSERT INTO claims_fts(claims_fts) VALUES ('optimize')")
            return True

    # -- inside a write transaction ----------------------------------------------------------

    @staticmethod
    async def _check_refs(db: aiosqlite.Connection, draft: ClaimDraft) -> None:
        async with db.execute("SELECT 1 FROM topics WHERE slug = ?", (draft.topic,)) as cur:
            if await cur.fetchone() is None:
                raise InvalidInput(f"There is no topic called `{draft.topic}`.")
        if draft.superseded_by:
            # The chain of successors from the one named, to check it exists and loops back
            # to nothing (UNION stops at a claim already seen).
            async with db.execute(
                "WITH RECURSIVE chain(id) AS (SELECT ? UNION "
                "SELECT c.superseded_by FROM claims c JOIN chain ON c.id = chain.id "
                "WHERE c.superseded_by IS NOT NULL) "
                "SELECT c.id, c.superseded_by, c.retired_at FROM chain JOIN claims c USING (id)",
                (draft.superseded_by,),
            ) as cur:
                chain = list(await cur.fetchall())
            successors = {r["id"]: r["superseded_by"] for r in chain} | {
                draft.id: draft.superseded_by
            }
            retired = [r["id"] for r in chain if r["retired_at"] and r["id"] != draft.id]
            if breach := successor_breach(draft, successors, retired=retired):
                raise breach

    @staticmethod
    async def _check_not_succeeding(db: aiosqlite.Connection, claim_id: str) -> None:
        """A claim that live claims name as their successor stays live: retiring it would
        leave them pointing at a withdrawn claim."""
        async with db.execute(
            "SELECT id FROM claims WHERE superseded_by = ? AND retired_at IS NULL "
            "AND id != ? ORDER BY id LIMIT 5",
            (claim_id, claim_id),
        ) as cur:
            pointing = [row[0] for row in await cur.fetchall()]
        if pointing:
            names = ", ".join(f"`{p}`" for p in pointing)
            raise Breach(
                claim_id,
                "retired_at",
                f"it supersedes {names}; retire or re-point those first.",
            )

    @staticmethod
    async def _check_all_refs(db: aiosqlite.Connection) -> None:
        """`_check_refs` for every claim at once, after a bulk write: one query, and the
        first broken claim in creation order named."""
        async with db.execute(
            "SELECT c.id, c.topic, c.superseded_by, "
            "EXISTS (SELECT 1 FROM topics t WHERE t.slug = c.topic) AS has_topic "
            "FROM claims c WHERE NOT EXISTS (SELECT 1 FROM topics t WHERE t.slug = c.topic) "
            "OR (c.superseded_by IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM claims s WHERE s.id = c.superseded_by)) "
            "ORDER BY c.seq LIMIT 1"
        ) as cur:
            broken = await cur.fetchone()
        if broken is None:
            return
        problem = (
            f"There is no claim `{broken['superseded_by']}` to point to."
            if broken["has_topic"]
            else f"There is no topic called `{broken['topic']}`."
        )
        raise InvalidInput(f"Seed claim `{broken['id']}`: {problem}")

    @staticmethod
    async def _index(db: aiosqlite.Connection, draft: ClaimDraft, seq: int, *, new: bool) -> None:
        """Index the claim for search (again, after an edit)."""
        if not new:
            await db.execute("DELETE FROM claims_fts WHERE rowid = ?", (-seq,))
        if draft.retired_at is None:  # a retired claim is no longer searched
            await db.execute(INDEX_CLAIM, (-seq, *search_columns(draft)))

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
            INSERT_REVISION,
            (claim_id, version, editor.id, editor.name, iso(now), kind, json.dumps(diff), reason),
        )

    @staticmethod
    async def _stale(
        db: aiosqlite.Connection, claim_id: str, based_on: int, current: int
    ) -> StaleVersion:
        """The refusal for an edit based on an old version, naming the last change."""
        async with db.execute(
            "SELECT editor_name, at FROM revisions WHERE claim_id = ? ORDER BY version DESC "
            "LIMIT 1",
            (claim_id,),
        ) as cur:
            last = await cur.fetchone()
        by = last["editor_name"] if last else "someone"
        at = (
            dt.datetime.fromisoformat(last["at"]).strftime("%Y-%m-%d %H:%M UTC")
            if last
            else "an unknown time"
        )
        return StaleVersion(claim_id, based_on, current, by, at)
