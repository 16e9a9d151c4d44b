"""The whole briefing out of the store, and a whole file into it, atomically.

An import is planned again inside its one write transaction (`briefing.import_plan`, which is
pure), so what is applied is exactly what the store held at that moment plus the file: an
edit made between an editor's dry run and their "apply" is never overwritten unseen.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterable
from typing import Any

import aiosqlite

from briefing.errors import InvalidInput
from briefing.import_plan import ImportPlan, plan_import, stored_form
from briefing.models import (
    STORED,
    Briefing,
    Claim,
    ClaimDraft,
    Editor,
    Topic,
    changed_after,
    claim_diff,
    first_changed,
)
from briefing.store.claim_changes import INSERT_CLAIM, INSERT_REVISION, UPDATE_CLAIM, ClaimChanges
from briefing.store.database import Database
from briefing.store.rows import claim_columns, iso, to_claim, to_topic, utcnow
from briefing.store.topics import Topics

TOPICS_IN_ORDER = "SELECT * FROM topics ORDER BY position, slug"
CLAIMS_IN_ORDER = "SELECT * FROM claims ORDER BY seq"
IMPORT_REASON = "import"


def _draft(claim: Claim) -> ClaimDraft:
    return ClaimDraft.model_validate(claim.editable(), context=STORED)


class Imports(Database):
    async def export_claims(self) -> list[Claim]:
        """Every claim, retired ones too, in creation order (off the loop: it is all of
        them)."""
        return [to_claim(r) for r in await self._scan(CLAIMS_IN_ORDER)]

    async def export_briefing(self) -> Briefing:
        """The whole store as a briefing file holds it: topics in display order, then every
        claim (retired ones too) in creation order."""
        topics = [to_topic(r) for r in await self._scan(TOPICS_IN_ORDER)]
        claims = await self.export_claims()
        return Briefing(tuple(topics), tuple(_draft(c) for c in claims))

    async def apply_briefing(
        self, briefing: Briefing, editor: Editor, *, reason: str | None = None
    ) -> ImportPlan:
        """Apply a validated file all or nothing: topics upserted, new claims created,
        changed claims updated (version + 1), each with its revision; nothing deleted."""
        try:
            async with self._write() as db:
                return await self._apply(db, briefing, editor, reason or IMPORT_REASON)
        except (aiosqlite.IntegrityError, sqlite3.IntegrityError) as exc:
            # The plan checks every reference first; this is the database's last word.
            raise InvalidInput(f"The file cannot be stored: {exc}") from None

    async def _apply(
        self, db: aiosqlite.Connection, briefing: Briefing, editor: Editor, reason: str
    ) -> ImportPlan:
        old_topics = {r["slug"]: to_topic(r) for r in await db.execute_fetchall(TOPICS_IN_ORDER)}
        rows = list(await db.execute_fetchall(CLAIMS_IN_ORDER))
        old_claims = {r["id"]: to_claim(r) for r in rows}
        seqs = {str(r["id"]): int(r["seq"]) for r in rows}
        current = Briefing(
            tuple(old_topics.values()), tuple(_draft(c) for c in old_claims.values())
        )
        # A large file takes a while to compare: off the loop (the write lock is held).
        plan = await asyncio.to_thread(plan_import, briefing, current)
        if not plan.changes_anything:
            return plan
        now = utcnow()
        await self._put_topics(db, briefing.topics, old_topics, plan, editor, reason)
        # A new claim may name as successor one that comes later in the file.
        await db.execute("PRAGMA defer_foreign_keys = ON")
        added, changed = set(plan.claims_added), {c.key for c in plan.claims_changed}
        next_seq = max(seqs.values(), default=0) + 1
        for claim in map(stored_form, briefing.claims):
            if claim.id in added:
                cols = claim_columns(claim, 1, now, first_changed(claim, now))
                cols |= {"seq": next_seq, "created_at": iso(now)}
                await db.execute(INSERT_CLAIM, cols)
                await ClaimChanges._index(db, claim, next_seq, new=True)
                diff, version, next_seq = claim_diff(None, claim), 1, next_seq + 1
            elif claim.id in changed:
                before = old_claims[claim.id]
                version = before.version + 1
                diff = claim_diff(stored_form(before), claim)
                cols = claim_columns(claim, version, now, changed_after(before, diff, now))
                await db.execute(UPDATE_CLAIM, cols)
                await ClaimChanges._index(db, claim, seqs[claim.id], new=False)
            else:
                continue
            await db.execute(
                INSERT_REVISION,
                (claim.id, version, editor.id, editor.name, iso(now), "import", json.dumps(diff),
                 reason),
            )  # fmt: skip
        await Topics.prune_pins(db, editor, iso(now), "key claim moved or retired by an import")
        return plan

    @staticmethod
    async def _put_topics(
        db: aiosqlite.Connection,
        topics: Iterable[Topic],
        old: dict[str, Topic],
        plan: ImportPlan,
        editor: Editor,
        reason: str,
    ) -> None:
        changed = {c.key: c.fields for c in plan.topics_changed}
        # Commands are unique at every statement: free those that move first, so two topics
        # may swap their commands in one file.
        for slug, fields in changed.items():
            if "command" in fields:
                await db.execute("UPDATE topics SET command = NULL WHERE slug = ?", (slug,))
        now = iso(utcnow())
        for topic in topics:
            if topic.slug not in changed and topic.slug not in plan.topics_added:
                continue
            await Topics._put_topic(db, topic)
            before: dict[str, Any] = old[topic.slug].model_dump() if topic.slug in old else {}
            diff = {
                k: [before.get(k), v] for k, v in topic.model_dump().items() if before.get(k) != v
            }
            await Topics.write_revision(db, topic.slug, editor, now, diff, reason)
