"""Topics: what the briefing covers, in display order."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import aiosqlite

from briefing.errors import Conflict, InvalidInput, NotFound
from briefing.models import STORED, Editor, Topic, TopicRevision
from briefing.store.database import Database
from briefing.store.rows import iso, to_topic, topic_columns, utcnow


class Topics(Database):
    async def list_topics(self) -> list[Topic]:
        rows = await self._rows("SELECT * FROM topics ORDER BY position, slug")
        return [to_topic(r) for r in rows]

    async def get_topic(self, slug: str) -> Topic:
        row = await self._row("SELECT * FROM topics WHERE slug = ?", (slug,))
        if row is None:
            raise NotFound(f"There is no topic “{slug}”.", key="find.no_topic", typed=slug)
        return to_topic(row)

    async def topic_counts(self) -> list[tuple[Topic, int]]:
        """Every topic with how many claims it holds, in display order."""
        rows = await self._scan(
            "SELECT t.*, COUNT(c.id) AS n FROM topics t "
            "LEFT JOIN claims c ON c.topic = t.slug AND c.retired_at IS NULL "
            "GROUP BY t.slug ORDER BY t.position, t.slug"
        )
        return [(to_topic(r), int(r["n"])) for r in rows]

    async def put_topic(self, topic: Topic) -> None:
        async with self._write() as db:
            await self._put_topic(db, topic)

    @staticmethod
    async def _put_topic(db: aiosqlite.Connection, topic: Topic) -> None:
        try:
            await db.execute(
                "INSERT INTO topics(slug, title, summary, command, position, key_claims, "
                "translations) "
                "VALUES (:slug, :title, :summary, :command, :position, :key_claims, "
                ":translations) "
                "ON CONFLICT(slug) DO UPDATE SET title = excluded.title, "
                "summary = excluded.summary, command = excluded.command, "
                "position = excluded.position, key_claims = excluded.key_claims, "
                "translations = excluded.translations",
                topic_columns(topic),
            )
        except aiosqlite.IntegrityError:
            raise Conflict(f"Another topic already uses the command `/{topic.command}`.") from None

    async def update_topic(
        self,
        slug: str,
        editor: Editor,
        *,
        title: str,
        summary: str,
        reason: str | None,
        based_on: Topic | None = None,
    ) -> tuple[Topic, Topic]:
        """Change a topic's title and summary, with a history row; returns before and after.
        `based_on`: the topic as the editor saw it; if it has changed since, nothing is
        written and the refusal names who changed it and when."""
        now = iso(utcnow())
        async with self._write() as db:
            async with db.execute("SELECT * FROM topics WHERE slug = ?", (slug,)) as cur:
                row = await cur.fetchone()
            if row is None:
                raise NotFound(f"There is no topic called `{slug}`.")
            before = to_topic(row)
            if based_on is not None and (before.title, before.summary) != (
                based_on.title,
                based_on.summary,
            ):
                async with db.execute(
                    "SELECT editor_name, at FROM topic_revisions WHERE slug = ? "
                    "ORDER BY id DESC LIMIT 1",
                    (slug,),
                ) as cur:
                    last = await cur.fetchone()
                by = (
                    f" by {last['editor_name']} at {last['at'][:16].replace('T', ' ')} UTC"
                    if last
                    else ""
                )
                raise Conflict(
                    f"Topic `{slug}` was changed{by} after you opened it. Your "
                    "change was not saved: open it again to see theirs, then make yours."
                )
            after = before.model_copy(update={"title": title, "summary": summary})
            after = Topic.model_validate(after.model_dump())  # the model's limits apply
            diff = {
                name: [getattr(before, name), getattr(after, name)]
                for name in ("title", "summary")
                if getattr(before, name) != getattr(after, name)
            }
            if not diff:
                raise InvalidInput(f"Nothing changed: topic `{slug}` already reads that way.")
            await self._put_topic(db, after)
            await Topics.write_revision(db, slug, editor, now, diff, reason)
        return before, after

    async def change_topic(
        self, slug: str, editor: Editor, build: Callable[[Topic], Topic], reason: str | None
    ) -> tuple[Topic, Topic]:
        """Change a topic as `build` makes it from the stored one, with a history row, in
        one transaction (so two editors' changes never overwrite each other); returns
        before and after."""
        now = iso(utcnow())
        async with self._write() as db:
            async with db.execute("SELECT * FROM topics WHERE slug = ?", (slug,)) as cur:
                row = await cur.fetchone()
            if row is None:
                raise NotFound(f"There is no topic called `{slug}`.")
            before = to_topic(row)
            after = Topic.model_validate(build(before).model_dump())  # the model's limits
            if added := set(after.key_claims) - set(before.key_claims):
                await self._check_pins(db, slug, added)
            old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
            diff = {k: [old[k], v] for k, v in new.items() if old[k] != v}
            if not diff:
                raise InvalidInput(f"Nothing changed: topic `{slug}` already reads that way.")
            await self._put_topic(db, after)
            await Topics.write_revision(db, slug, editor, now, diff, reason)
        return before, after

    @staticmethod
    async def write_revision(
        db: aiosqlite.Connection,
        slug: str,
        editor: Editor,
        at: str,
        diff: dict[str, Any],
        reason: str | None,
    ) -> None:
        """A topic's history row, inside the caller's transaction."""
        await db.execute(
            "INSERT INTO topic_revisions(slug, editor_id, editor_name, at, diff, reason) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (slug, editor.id, editor.name, at, json.dumps(diff, ensure_ascii=False), reason),
        )

    @staticmethod
    async def _check_pins(db: aiosqlite.Connection, slug: str, claim_ids: set[str]) -> None:
        """A key claim is a live claim of its own topic, checked in the pinning
        transaction: a retire or move that came first wins."""
        marks = ", ".join("?" * len(claim_ids))
        rows = await db.execute_fetchall(
            f"SELECT id FROM claims WHERE id IN ({marks}) AND topic = ? AND retired_at IS NULL",
            (*sorted(claim_ids), slug),
        )
        if wrong := claim_ids - {r["id"] for r in rows}:
            shown = ", ".join(f"`{c}`" for c in sorted(wrong))
            raise InvalidInput(f"Only a listed claim of `{slug}` can be its key claim: {shown}.")

    @staticmethod
    async def prune_pins(db: aiosqlite.Connection, editor: Editor, at: str, reason: str) -> None:
        """Unpin every key claim that is no longer a live claim of its topic, inside the
        caller's transaction (an import may move or retire claims of topics it leaves
        out)."""
        stale = await db.execute_fetchall(
            "SELECT t.slug, p.value AS id FROM topics t, json_each(t.key_claims) p "
            "LEFT JOIN claims c ON c.id = p.value AND c.topic = t.slug "
            "AND c.retired_at IS NULL WHERE c.id IS NULL"
        )
        for row in stale:
            await Topics.drop_pin(db, row["slug"], row["id"], editor, at, reason)

    @staticmethod
    async def drop_pin(
        db: aiosqlite.Connection, slug: str, claim_id: str, editor: Editor, at: str, reason: str
    ) -> None:
        """Take `claim_id` off topic `slug`'s key claims, with a history row, inside the
        caller's transaction: a pin is only ever a live claim of its own topic."""
        async with db.execute("SELECT key_claims FROM topics WHERE slug = ?", (slug,)) as cur:
            row = await cur.fetchone()
        pinned = json.loads(row["key_claims"]) if row else []
        if claim_id not in pinned:
            return
        kept = [c for c in pinned if c != claim_id]
        await db.execute(
            "UPDATE topics SET key_claims = ? WHERE slug = ?", (json.dumps(kept), slug)
        )
        await Topics.write_revision(db, slug, editor, at, {"key_claims": [pinned, kept]}, reason)

    async def topic_history(self, slug: str) -> list[TopicRevision]:
        rows = await self._rows("SELECT * FROM topic_revisions WHERE slug = ? ORDER BY id", (slug,))
        return [
            TopicRevision.model_validate(
                {name: r[name] for name in TopicRevision.model_fields}
                | {"diff": json.loads(r["diff"])},
                context=STORED,
            )
            for r in rows
        ]
