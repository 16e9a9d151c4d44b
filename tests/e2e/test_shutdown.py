"""Stopping the bot (SIGTERM, as `docker stop` does) in the middle of a burst: every
interaction it acknowledged gets its answer, a command that arrives while it stops is told
to ask again, it exits 0 within Discord-friendly 10 s, and the database file alone is whole.
"""

from __future__ import annotations

import asyncio
import shutil
import signal
import sqlite3
import time
from pathlib import Path

from sandbox.emulator import ChannelSpec, Emulator, GuildSpec
from sandbox.launcher import SANDBOX_TOKEN, BotProcess

CALLBACK = r"/interactions/\d+/[^/]+/callback"
BURST = 40
COMMANDS = (("claim", {"id": "kursk-recaptured"}), ("troops", {}), ("about", {}), ("disputed", {}))


async def test_sigterm_during_a_burst_loses_no_acknowledged_answer(tmp_path: Path) -> None:
    guild = GuildSpec(name="g", channels=[ChannelSpec(name="general")])
    async with Emulator(SANDBOX_TOKEN, guilds=[guild]) as emu:
        member = emu.add_member(guild.id, "mia")
        bot = BotProcess.against(emu, tmp_path)
        await bot.start()
        assert bot.process is not None
        await emu.wait_for_commands(timeout=30)
        await emu.wait_for_ready(timeout=30)
        await emu.wait_until(lambda: "ready as" in bot.log(), 30, "ready")
        # Slow answers, so that the whole burst is still in flight when the signal comes.
        emu.faults.delay(1.0, method="POST", path=CALLBACK, times=None)
        burst = [
            asyncio.create_task(emu.run_command(user=member, name=name, options=options))
            for name, options in (COMMANDS[n % len(COMMANDS)] for n in range(BURST))
        ]
        await emu.wait_until(
            lambda: len(emu.requests_to("POST", CALLBACK)) >= BURST // 2, 10, "the burst"
        )
        signalled = time.monotonic()
        bot.process.send_signal(signal.SIGTERM)
        await asyncio.sleep(0.2)
        late = await emu.run_command(user=member, name="about")  # while it stops
        await emu.wait_until(lambda: bot.returncode is not None, 15, "the bot to exit")
        took = time.monotonic() - signalled
        answers = await asyncio.gather(*burst)

    assert bot.returncode == 0, bot.log()
    assert took < 10, f"took {took:.1f} s to stop"
    for answer in answers:  # every one acknowledged, and answered in full
        assert answer.embeds and not answer.ephemeral, answer
    assert late.ephemeral and late.content == "The bot is restarting; please ask again in a moment."
    log = bot.log()
    assert "SIGTERM: stopping" in log and log.rstrip().endswith("stopped"), log[-2000:]
    assert "Traceback" not in log and "unfinished" not in log

    # The write-ahead log was folded in: the main file alone is the whole database.
    wal = tmp_path / "briefing.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    alone = tmp_path / "copy" / "briefing.db"
    alone.parent.mkdir()
    shutil.copyfile(tmp_path / "briefing.db", alone)
    with sqlite3.connect(alone) as db:
        (claims,) = db.execute("SELECT COUNT(*) FROM claims").fetchone()
    assert claims > 20
