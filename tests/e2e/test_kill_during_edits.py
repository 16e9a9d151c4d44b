"""The bot killed (SIGKILL, no goodbye) in the middle of a stream of edits: the database is
intact, every edit the editor was told about ("Now version N") is in the history, and the bot
started again on the same file answers with the last saved version and goes on editing."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.newsroom import Newsroom, newsroom, text_of

pytestmark = pytest.mark.asyncio

CLAIM = "nk-troop-numbers"
EDITS = 40
ACKED_BEFORE_KILL = 10
SAVED = re.compile(r"Now version (\d+)")


async def edit(room: Newsroom, n: int) -> tuple[int, Any]:
    """Edit number `n`: a re-verification, or a stance whose quote names the edit."""
    await asyncio.sleep(n * 0.005)  # a stream: each edit a little after the one before
    if n % 2:
        return n, await room.run("facts review", id=CLAIM)
    return n, await room.run(
        "facts stance", id=CLAIM, actor="Observers", stance="asserts", quote=f"edit {n}"
    )


def revisions(database: Path) -> list[sqlite3.Row]:
    db = sqlite3.connect(database)
    db.row_factory = sqlite3.Row
    try:
        return db.execute(
            "SELECT version, kind, diff FROM revisions WHERE claim_id = ? ORDER BY version",
            (CLAIM,),
        ).fetchall()
    finally:
        db.close()


def quote_of(revision: sqlite3.Row) -> str | None:
    """The quote of the Observers' stance a stance revision recorded."""
    _old, new = json.loads(revision["diff"])["stances"]
    quote: str | None = next(s["quote"] for s in new if s["actor"]["name"] == "Observers")
    return quote


async def test_sigkill_mid_stream_loses_no_acknowledged_edit(tmp_path: Path) -> None:
    async with newsroom(tmp_path) as room:
        process = room.bot.process
        assert process is not None
        emu = room.emu
        tasks = [asyncio.create_task(edit(room, n)) for n in range(EDITS)]

        def answered() -> int:
            return sum(r.acknowledged for r in emu.interactions.values())

        await emu.wait_until(lambda: answered() >= ACKED_BEFORE_KILL, 30, "the first answers")
        process.kill()  # SIGKILL: no shutdown, no flush, nothing
        await process.wait()
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)

        # What the editor was told: which edit saved which version.
        told: dict[int, int] = {}
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                continue  # unanswered: the bot died first
            n, result = outcome
            match = SAVED.search(text_of(result))
            assert result.ephemeral and match, f"edit {n} was answered: {text_of(result)!r}"
            assert int(match[1]) not in told, f"version {match[1]} acknowledged twice"
            told[int(match[1])] = n
        assert len(told) >= ACKED_BEFORE_KILL
        assert len(told) < EDITS, "the bot was killed too late to test anything"

        # The file survived, and holds every acknowledged edit as it was made.
        db = sqlite3.connect(room.database)
        try:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert db.execute("PRAGMA foreign_key_check").fetchall() == []
            (current,) = db.execute("SELECT version FROM claims WHERE id = ?", (CLAIM,)).fetchone()
        finally:
            db.close()
        history = revisions(room.database)
        assert [r["version"] for r in history] == list(range(1, current + 1))
        by_version = {r["version"]: r for r in history}
        for version, n in told.items():
            revision = by_version[version]
            assert revision["kind"] == ("review" if n % 2 else "stance"), (version, n)
            if not n % 2:
                assert quote_of(revision) == f"edit {n}"
        assert current >= max(told)
        last_quote = next(quote_of(r) for r in reversed(history) if r["kind"] == "stance")

        # Started again on the same file, the bot shows the last saved version.
        again = room.restarted("restarted.log")
        await again.start()
        try:
            await room.emu.wait_until(lambda: "ready as" in again.log(), 30, "the restart")
            shown = await room.run("claim", room.member, id=CLAIM)
            text = text_of(shown)
            assert shown.embeds[0]["footer"]["text"].endswith(f"· version {current}"), text
            assert f"“{last_quote}”" in text
            more = await room.run(
                "facts stance", id=CLAIM, actor="Observers", stance="asserts", quote="after"
            )
            assert f"Now version {current + 1}" in text_of(more), text_of(more)
        finally:
            await again.stop()
        assert "Traceback" not in again.log(), again.log()
