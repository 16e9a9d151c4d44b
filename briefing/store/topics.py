"""Topics: what the briefing covers, in display order."""

from __future__ import annotations

import aiosqlite

from briefing.errors import Conflict, NotFound
from briefing.models import Topic
from briefing.store.database import Database
from briefing.store.rows import to_topic


class Topics(Database):
    async def list_topics(self) -> list[Topic]:
        rows = await self._rows("SELECT * FROM topics ORDER BY position, slug")
        return [to_topic(r) for r in rows]

    async def get_topic(self, slug: str) -> Topic:
        row = await self._row("SELECT * FROM topics WHERE slug = ?", (slug,))
        if row is None:
            raise NotFound(f"There is no topic called `{slug}`. Try `/brief` to see the topics.")
        return to_topic(row)

    async def topic_counts(self) -> list[tuple[Topic, int]]:
        """Every topic with how many claims it holds, in display order."""
        rows = await self._scan(
            "SELECT t.*, COUNT(c.id) AS n FROM topics t LEFT JOIN claims c ON c.topic = t.slug "
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
                "INSERT INTO topics(slug, title, summary, command, position) "
                "VALUES (:slug, :title, :summary, :command, :position) "
                "ON CONFLICT(slug) DO UPDATE SET title = excluded.title, "
                "summary = excluded.summary, command = excluded.command, "
                "position = excluded.position",
                topic.model_dump(),
            )
        except aiosqlite.IntegrityError:
            raise Conflict(f"Another topic already uses the command `/{topic.command}`.") from None
