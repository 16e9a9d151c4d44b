"""Digests falling due together, end to end: a scheduled slot fires on its own; a fan-out
whose bot is killed (SIGKILL) midway ends, after a restart, with exactly one digest in every
channel; and in one fan-out a channel answering 500, 503, 429, a dropped connection or
nothing at all still gets its one digest without holding up the others, while 403 and 404
channels are paused and not asked again.

Slots due "now" come from the catch-up after a start: subscriptions are made hourly at a
minute a few minutes past, so the bot, started again, finds that slot due within its grace.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest

from sandbox.emulator import ChannelSpec, MemberSpec
from sandbox.launcher import BotProcess
from tests.e2e.newsroom import Newsroom, newsroom, text_of

pytestmark = pytest.mark.asyncio
MANAGE_GUILD = 1 << 5
POST = r"/channels/{}/messages$"


def hourly_slot_past(minutes: int = 3) -> dt.datetime:
    """The start of the minute `minutes` ago: an hourly slot that is due and within grace."""
    return (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes)).replace(
        second=0, microsecond=0
    )


async def subscribe_hourly(
    room: Newsroom, admin: MemberSpec, names: Sequence[str], slot: dt.datetime
) -> None:
    for name in names:
        channel = room.home.channel(name)
        result = await room.run(
            "digest subscribe", admin, channel=channel, frequency="hourly", time=f"00:{slot:%M}"
        )
        assert "Digests subscribed" in text_of(result), text_of(result)


def ledger(database: Path, slot: dt.datetime) -> dict[int, sqlite3.Row]:
    """The slot's ledger rows by channel id."""
    db = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    try:
        rows = db.execute(
            "SELECT s.channel_id, d.* FROM deliveries d JOIN subscriptions s "
            "ON s.id = d.subscription_id WHERE d.slot = ?",
            (slot.isoformat(),),
        ).fetchall()
    finally:
        db.close()
    return {r["channel_id"]: r for r in rows}


def digests_in(room: Newsroom, channel_id: int, slot: dt.datetime) -> list[dict[str, object]]:
    title = f"Briefing digest · {slot:%d %B %Y, %H:%M} UTC"
    return [
        m
        for m in room.posts(channel_id)
        if any(e.get("title") == title for e in m.get("embeds", []))  # type: ignore[attr-defined]
    ]


async def settled(room: Newsroom, slot: dt.datetime) -> dict[int, sqlite3.Row]:
    """The slot's ledger once no delivery of it is in flight (the post comes before its
    record)."""

    def done() -> bool:
        rows = ledger(room.database, slot).values()
        return bool(rows) and all(r["state"] != "pending" for r in rows)

    await room.emu.wait_until(done, 30, "the ledger")
    return ledger(room.database, slot)


async def started(room: Newsroom, bot: BotProcess) -> None:
    await bot.start()
    await room.emu.wait_until(lambda: "ready as" in bot.log(), 30, f"{bot.log_path.name} ready")


async def test_a_scheduled_digest_fires_on_its_own(tmp_path: Path) -> None:
    """No send-now, no restart: APScheduler fires the subscription's next hourly slot."""
    async with newsroom(tmp_path) as room:
        admin = room.emu.add_member(room.home.id, "adam", permissions=MANAGE_GUILD)
        now = dt.datetime.now(dt.UTC)
        slot = now.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
        if (slot - now).total_seconds() < 10:  # leave time to subscribe first
            slot += dt.timedelta(minutes=1)
        await subscribe_hourly(room, admin, ["general"], slot)
        listed = text_of(await room.run("digest list", admin))
        assert f"next <t:{int(slot.timestamp())}:R>" in listed, listed
        general = room.general
        await room.emu.wait_until(lambda: digests_in(room, general, slot), 150, "the digest")
        (post,) = room.posts(general)
        assert post["nonce"]
        (row,) = (await settled(room, slot)).values()
        assert row["state"] == "sent" and json.loads(row["message_ids"]) == [int(post["id"])]


async def test_sigkill_mid_fanout_then_restart_posts_each_digest_once(tmp_path: Path) -> None:
    names = [f"digest-{i:02}" for i in range(60)]
    async with newsroom(tmp_path, channels=tuple(ChannelSpec(name=n) for n in names)) as room:
        emu = room.emu
        admin = emu.add_member(room.home.id, "adam", permissions=MANAGE_GUILD)
        slot = hourly_slot_past()
        await subscribe_hourly(room, admin, names, slot)
        await room.bot.stop()
        ids = [room.home.channel(n).id for n in names]

        def posted() -> int:
            return sum(bool(digests_in(room, c, slot)) for c in ids)

        # Slow posts, so that many are in flight when the bot dies: some posted and not yet
        # recorded in the ledger, some claimed and not yet posted.
        emu.faults.delay(0.3, method="POST", path=POST.format(r"\d+"), times=None)
        doomed = room.restarted("killed.log")
        await started(room, doomed)
        await emu.wait_until(lambda: posted() >= 15, 60, "the fan-out under way")
        assert doomed.process is not None
        doomed.process.kill()
        await doomed.process.wait()
        at_kill = posted()
        assert at_kill < len(ids), "killed too late to test anything"
        in_limbo = ledger(room.database, slot)
        assert any(r["state"] == "pending" for r in in_limbo.values()), "nothing was in flight"

        emu.faults.clear()
        again = room.restarted("again.log")
        await started(room, again)
        try:
            await emu.wait_until(lambda: posted() == len(ids), 60, "every digest")
            rows = await settled(room, slot)
        finally:
            await again.stop()
        for channel_id in ids:
            (post,) = digests_in(room, channel_id, slot)  # exactly one: none lost, none twice
            row = rows[channel_id]
            assert row["state"] == "sent"
            assert json.loads(row["message_ids"]) == [int(post["id"])]  # type: ignore[call-overload]
        assert "Traceback" not in again.log(), again.log()
        # Posts in flight at the kill were sent again after the restart, with the same nonce:
        # the emulator, like Discord, returned the first message instead of a second one.
        assert len(emu.requests_to("POST", POST.format(r"\d+"))) > len(ids)


async def test_faults_in_one_fanout(tmp_path: Path) -> None:
    kinds = ["ok-1", "ok-2", "e500", "e503", "e429", "drop", "hang", "e403", "e404"]
    async with newsroom(tmp_path, channels=tuple(ChannelSpec(name=n) for n in kinds)) as room:
        emu = room.emu
        admin = emu.add_member(room.home.id, "adam", permissions=MANAGE_GUILD)
        slot = hourly_slot_past()
        await subscribe_hourly(room, admin, kinds, slot)
        await room.bot.stop()
        cid = {n: room.home.channel(n).id for n in kinds}

        def path(name: str) -> str:
            return POST.format(cid[name])

        emu.faults.status(500, method="POST", path=path("e500"), times=2)
        emu.faults.status(503, method="POST", path=path("e503"), times=2)
        emu.faults.ratelimit(method="POST", path=path("e429"), times=2, retry_after=0.5)
        emu.faults.drop(method="POST", path=path("drop"), times=1)
        emu.faults.hang(method="POST", path=path("hang"), times=1)
        emu.faults.status(403, method="POST", path=path("e403"), times=None,
                          code=50001, message="Missing Access")  # fmt: skip
        emu.faults.status(404, method="POST", path=path("e404"), times=None,
                          code=10003, message="Unknown Channel")  # fmt: skip
        bot = room.restarted("faults.log", BRIEFING_DIGEST_TIMEOUT="3")
        await started(room, bot)
        try:
            good = [n for n in kinds if not n.startswith("e40")]
            await emu.wait_until(
                lambda: all(digests_in(room, cid[n], slot) for n in good), 60, "the digests"
            )
            # The hung channel waited out its timeout; the others did not wait for it.
            hung = digests_in(room, cid["hang"], slot)[0]
            for name in ("ok-1", "ok-2"):
                assert int(digests_in(room, cid[name], slot)[0]["id"]) < int(hung["id"])  # type: ignore[call-overload]
            await emu.wait_until(
                lambda: len(room.posts(room.editors_channel)) >= 2, 20, "the editors told"
            )
            rows = await settled(room, slot)
            listed = text_of(await room.run("digest list", admin))
        finally:
            await bot.stop()
        for name in good:
            assert len(digests_in(room, cid[name], slot)) == 1, name
        for name, reason in (("e403", "403 Missing Access"), ("e404", "404 Unknown Channel")):
            assert room.posts(cid[name]) == []
            assert len(emu.requests_to("POST", path(name))) == 1, f"{name} was asked again"
            assert f"<#{cid[name]}>" in listed and f"**paused**: {reason}" in listed, listed
        reports = "\n".join(str(m["content"]) for m in room.posts(room.editors_channel))
        assert f"<#{cid['e403']}> are paused" in reports and f"<#{cid['e404']}>" in reports
        assert {n: rows[cid[n]]["state"] for n in kinds} == {
            n: ("failed" if n.startswith("e40") else "sent") for n in kinds
        }
        assert "Traceback" not in bot.log(), bot.log()
