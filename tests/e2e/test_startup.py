"""Start-up against the emulator: what an operator sees when something is wrong."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox.emulator import Emulator, GuildSpec
from sandbox.launcher import ROOT, SANDBOX_TOKEN, BotProcess
from tests.e2e.conftest import Live, free_port


async def _run_until_exit(emu: Emulator, tmp_path: Path, **env: str) -> BotProcess:
    bot = BotProcess.against(emu, tmp_path, extra_env=env)
    await bot.start()
    assert bot.process is not None
    await emu.wait_until(lambda: bot.process.returncode is not None, 30, "the bot to exit")  # type: ignore[union-attr]
    return bot


async def test_a_malformed_seed_stops_start_up_and_loads_nothing(tmp_path: Path) -> None:
    seed = (ROOT / "data" / "briefing.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    # The last claim is broken: nothing before it may be loaded either.
    broken.write_text(seed.rstrip() + "\n  - {id: Bad Id, topic: troops}\n", encoding="utf-8")
    async with Emulator(SANDBOX_TOKEN, guilds=[GuildSpec(name="g")]) as emu:
        bot = await _run_until_exit(emu, tmp_path, BRIEFING_SEED=str(broken))
    assert bot.returncode == 3  # the data file
    lines = bot.log().strip().splitlines()
    assert lines[-1].startswith(f"error: {broken}: claim 'Bad Id' (entry ")
    assert "field id: String should match pattern" in lines[-1]
    assert "Traceback" not in bot.log()
    with sqlite3.connect(tmp_path / "briefing.db") as db:
        assert db.execute("SELECT COUNT(*) FROM claims").fetchone() == (0,)
        assert db.execute("SELECT COUNT(*) FROM topics").fetchone() == (0,)


async def test_a_rejected_token_is_one_clear_line(tmp_path: Path) -> None:
    async with Emulator("some-other-token", guilds=[GuildSpec(name="g")]) as emu:
        bot = await _run_until_exit(emu, tmp_path)
    assert bot.returncode == 5  # the token
    assert bot.log().strip().splitlines()[-1] == (
        "error: DISCORD_TOKEN was rejected by Discord (401)"
    )
    assert SANDBOX_TOKEN not in bot.log()


async def test_the_token_never_reaches_the_log(live: Live) -> None:
    await live.run("troops")
    await live.run("claim", id="missing")
    await live.emu.wait_until(lambda: "ready as" in live.bot.log(), 30, "on_ready")
    assert SANDBOX_TOKEN not in live.bot.log()
    assert SANDBOX_TOKEN.split(".")[2] not in live.bot.log()


async def test_sync_pushes_the_commands_and_exits(tmp_path: Path) -> None:
    async with Emulator(SANDBOX_TOKEN, guilds=[GuildSpec(name="g")]) as emu:
        bot = BotProcess.against(emu, tmp_path, command="sync")
        await bot.start()
        await emu.wait_until(lambda: bot.returncode is not None, 30, "bot.py sync to exit")
        assert bot.returncode == 0, bot.log()
        names = sorted(c["name"] for c in emu.requests_to("PUT", r"/commands$")[0].json)
        assert "kursk-status" in names and "claim" in names
        assert emu.gateway.identify_count == 0  # sync never opens the gateway


async def test_health_endpoint(tmp_path: Path) -> None:
    import aiohttp

    port = free_port()
    async with Emulator(SANDBOX_TOKEN, guilds=[GuildSpec(name="g")]) as emu:
        bot = BotProcess.against(
            emu,
            tmp_path,
            extra_env={"BRIEFING_HEALTH_PORT": str(port)},
        )
        await bot.start()
        try:
            await emu.wait_until(lambda: "ready as" in bot.log(), 30, "on_ready")
            async with aiohttp.ClientSession() as http:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    assert response.status == 200
                    body = await response.json()
            assert body["gateway"] == "connected" and body["store"] == "ok"
            assert body["claims"] >= 20

            # Discord goes away: the endpoint says so instead of "connected".
            await emu.gateway.close_connections(code=1001)
            await emu.stop()

            async def status() -> int:
                async with aiohttp.ClientSession() as http:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                        return response.status

            for _ in range(100):
                if await status() == 503:
                    break
                await asyncio.sleep(0.1)
            assert await status() == 503
        finally:
            await bot.stop()


async def test_an_unusable_database_path_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    async with Emulator(SANDBOX_TOKEN, guilds=[GuildSpec(name="g")]) as emu:
        bot = BotProcess.against(
            emu, tmp_path, extra_env={"BRIEFING_DATABASE": str(blocker / "briefing.db")}
        )
        await bot.start()
        await emu.wait_until(lambda: bot.returncode is not None, 30, "the bot to exit")
    assert bot.returncode == 2
    last = bot.log().strip().splitlines()[-1]
    assert last.startswith(f"error: BRIEFING_DATABASE {blocker / 'briefing.db'}: cannot open it")
    assert "Traceback" not in bot.log()


async def test_health_turns_red_when_the_database_file_is_replaced(tmp_path: Path) -> None:
    import os
    import shutil

    import aiohttp

    port = free_port()
    async with Emulator(SANDBOX_TOKEN, guilds=[GuildSpec(name="g")]) as emu:
        bot = BotProcess.against(emu, tmp_path, extra_env={"BRIEFING_HEALTH_PORT": str(port)})
        await bot.start()

        async def probe() -> tuple[int, dict[str, object], str]:
            async with aiohttp.ClientSession() as http:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    return response.status, await response.json(), response.headers["Server"]

        try:
            await emu.wait_until(lambda: "ready as" in bot.log(), 30, "on_ready")
            status, body, server = await probe()
            assert (status, body["store"]) == (200, "ok")
            assert server == "briefing-bot"  # no Python or aiohttp version
            assert f"health endpoint on 127.0.0.1:{port}" in bot.log()  # loopback by default

            database = tmp_path / "briefing.db"
            os.replace(database, tmp_path / "old.db")  # an operator restores a backup over it
            shutil.copyfile(tmp_path / "old.db", database)
            status, body, _ = await probe()
            assert (status, body["store"]) == (503, "database file replaced")
            database.unlink()
            status, body, _ = await probe()
            assert (status, body["store"]) == (503, "database file missing")
        finally:
            await bot.stop()


async def test_a_taken_health_port_is_logged_and_the_bot_serves_anyway(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with Emulator(SANDBOX_TOKEN, guilds=[GuildSpec(name="g")]) as emu:
            bot = BotProcess.against(emu, tmp_path, extra_env={"BRIEFING_HEALTH_PORT": str(port)})
            await bot.start()
            try:
                await emu.wait_for_commands(timeout=30)
                await emu.wait_until(lambda: "ready as" in bot.log(), 30, "on_ready")
            finally:
                await bot.stop()
    log = bot.log()
    assert f"no health endpoint: cannot listen on 127.0.0.1:{port}" in log
    assert "Traceback" not in log


async def test_the_file_alone_is_whole_after_start_up_and_the_log_is_clean(
    tmp_path: Path,
) -> None:
    """Copying briefing.db without its -wal while the bot runs gives the whole database;
    and a start logs nothing an operator would chase (no voice-library warnings)."""
    import shutil

    async with Emulator(SANDBOX_TOKEN, guilds=[GuildSpec(name="g")]) as emu:
        bot = BotProcess.against(emu, tmp_path)
        await bot.start()
        try:
            await emu.wait_until(lambda: "ready as" in bot.log(), 30, "on_ready")
            copy = tmp_path / "copy.db"
            shutil.copyfile(tmp_path / "briefing.db", copy)  # the main file only
        finally:
            await bot.stop()
    with sqlite3.connect(copy) as db:
        (claims,) = db.execute("SELECT COUNT(*) FROM claims").fetchone()
    assert claims > 20
    log = bot.log()
    assert "voice" not in log.lower(), log
    warnings = [line for line in log.splitlines() if " WARNING " in line]
    assert all("editing is off" in line for line in warnings), warnings  # a real setting


async def test_heartbeats_log_no_lag_and_the_latency_is_sane(tmp_path: Path) -> None:
    """Quick heartbeats: the latency discord.py measures after each beat is a round trip,
    never the time since the beat before (which, at Discord's 41 s interval, is what it
    logs as "Can't keep up … 41.3s behind"). The emulator answers after a round trip, as
    Discord does; an ACK sent at once could beat discord.py to noting its own send."""
    import aiohttp

    port = free_port()
    seen: list[int] = []
    async with Emulator(
        SANDBOX_TOKEN, guilds=[GuildSpec(name="g")], heartbeat_interval_ms=1500
    ) as emu:
        bot = BotProcess.against(emu, tmp_path, extra_env={"BRIEFING_HEALTH_PORT": str(port)})
        await bot.start()
        try:
            await emu.wait_until(lambda: "ready as" in bot.log(), 30, "on_ready")
            async with aiohttp.ClientSession() as http:
                for _ in range(12):  # one reading per beat
                    beats = emu.gateway.heartbeat_count
                    await emu.wait_until(
                        lambda b=beats: emu.gateway.heartbeat_count > b, 5, "a beat"
                    )
                    await asyncio.sleep(0.3)  # its ACK is in
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                        seen.append((await response.json())["latency_ms"])
        finally:
            await bot.stop()
    assert "Can't keep up" not in bot.log()
    assert all(isinstance(ms, int) and 0 < ms < 1000 for ms in seen), seen


async def test_an_api_base_that_is_not_discord_s_api_is_one_line_at_once(tmp_path: Path) -> None:
    """The emulator's root without /api/v10, as an operator might paste a base URL."""
    async with Emulator(SANDBOX_TOKEN, guilds=[GuildSpec(name="g")]) as emu:
        root = emu.api_base.removesuffix("/api/v10")
        bot = await _run_until_exit(emu, tmp_path, DISCORD_API_BASE=root)
    assert bot.returncode == 4
    (line,) = bot.log().strip().splitlines()
    assert line.startswith(f"error: DISCORD_API_BASE {root} is not Discord's API (GET /gateway ")
    assert "ends in /api/v10" in line


async def test_a_failing_discord_is_said_before_and_after_in_one_line_each(
    tmp_path: Path,
) -> None:
    """503 (which discord.py does not retry) on every request: a warning as it starts, then
    one line naming the answer, no traceback."""
    async with Emulator(SANDBOX_TOKEN, guilds=[GuildSpec(name="g")]) as emu:
        emu.faults.status(503, times=None)
        bot = await _run_until_exit(emu, tmp_path)
    assert bot.returncode == 4
    log = bot.log()
    assert "WARNING briefing: Discord answers 503 at" in log
    assert log.strip().splitlines()[-1] == (
        f"error: Discord at DISCORD_API_BASE {emu.api_base} answered 503 Service Unavailable"
    )
    assert "Traceback" not in log


async def test_a_changed_seed_is_noticed_not_applied_until_an_operator_imports_it(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys

    original = (ROOT / "data" / "briefing.yaml").read_text(encoding="utf-8")
    seed = tmp_path / "briefing.yaml"
    seed.write_text(original, encoding="utf-8")
    env = {"BRIEFING_SEED": str(seed)}

    async def start_and_stop(log_name: str) -> str:
        async with Emulator(SANDBOX_TOKEN, guilds=[GuildSpec(name="g")]) as emu:
            bot = BotProcess.against(emu, tmp_path, extra_env=env, log_name=log_name)
            await bot.start()
            try:
                await emu.wait_until(lambda: "ready as" in bot.log(), 30, "on_ready")
            finally:
                await bot.stop()
        return bot.log()

    def operator(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, str(ROOT / "bot.py"), *args],
            env={**bot_env(), **env, "BRIEFING_DATABASE": str(tmp_path / "briefing.db")},
            capture_output=True, text=True, timeout=60, cwd=tmp_path,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "differs from what this database was loaded from" not in await start_and_stop("1.log")
    seed.write_text(original.replace("title: The fight for Kursk", "title: Kursk, retold"))
    log = await start_and_stop("2.log")
    assert log.count(f"{seed} differs from what this database was loaded from") == 1
    assert f"bot.py import {seed} --apply" in log
    assert f"note: {seed} differs" in operator("check")
    with sqlite3.connect(tmp_path / "briefing.db") as db:  # nothing was overwritten
        titles = [t for (t,) in db.execute("SELECT title FROM topics")]
    assert "The fight for Kursk" in titles and "Kursk, retold" not in titles
    assert "Applied." in operator("import", str(seed), "--apply")
    assert "differs" not in await start_and_stop("3.log")
    assert "note:" not in operator("check")


def bot_cli(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`bot.py ARGS` as an operator runs it, with the project's seed unless told."""
    seed = {"BRIEFING_SEED": str(ROOT / "data" / "briefing.yaml")}
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), *args],
        env={**bot_env(), **seed, **env},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=folder,
    )


def bot_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "BRIEFING_"))}


def _mount(folder: Path, size: str) -> None:
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a filesystem here (needs root)")


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB filesystem (tmpfs), or a skip where mounting is not allowed (not root)."""
    tiny = tmp_path / "tiny"
    _mount(tiny, "64k")
    try:
        yield tiny
    finally:
        subprocess.run(["umount", str(tiny)], check=False)


@pytest.fixture
def read_only_database(tmp_path: Path) -> Iterator[Path]:
    """A database with the seed in it, on a filesystem then made read-only (as root,
    `chmod` alone would not stop SQLite)."""
    from briefing.seed import read_seed
    from briefing.store import Store

    folder = tmp_path / "ro"
    _mount(folder, "8m")
    database = folder / "briefing.db"

    async def fill() -> None:
        store = await Store.open(database)
        await store.load_seed(read_seed(ROOT / "data" / "briefing.yaml"))
        await store.close()

    try:
        asyncio.run(fill())
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield database
    finally:
        subprocess.run(["umount", str(folder)], check=False)


async def test_a_read_only_database_stops_start_up_in_one_line(
    tmp_path: Path, read_only_database: Path
) -> None:
    expected = (
        f"error: BRIEFING_DATABASE {read_only_database}: the bot cannot write to it (read-only)"
    )
    async with Emulator(SANDBOX_TOKEN, guilds=[GuildSpec(name="g")]) as emu:
        bot = await _run_until_exit(emu, tmp_path, BRIEFING_DATABASE=str(read_only_database))
    assert bot.returncode == 2
    assert bot.log().strip().splitlines()[-1] == expected
    assert "Traceback" not in bot.log()
    check = bot_cli(tmp_path, "check", BRIEFING_DATABASE=str(read_only_database))
    assert check.returncode == 2
    assert check.stderr.strip().splitlines() == [expected]


async def test_a_full_disk_at_start_up_names_the_disk(tmp_path: Path, tiny_disk: Path) -> None:
    """A 64 KiB filesystem cannot hold the schema: one line saying the disk is full, not
    SQLite's "cannot rollback - no transaction is active" after a traceback."""
    database = tiny_disk / "b.db"
    async with Emulator(SANDBOX_TOKEN, guilds=[GuildSpec(name="g")]) as emu:
        bot = await _run_until_exit(emu, tmp_path, BRIEFING_DATABASE=str(database))
    assert bot.returncode == 2
    (line,) = bot.log().strip().splitlines()[-1:]
    assert line.startswith(f"error: BRIEFING_DATABASE {database}: the disk is full (")
    assert "Traceback" not in bot.log()


async def test_an_unreachable_gateway_is_one_line(tmp_path: Path) -> None:
    """discord.py alone ends in an AttributeError traceback when its first gateway
    connection fails; the bot says which setting is wrong instead."""
    async with Emulator(SANDBOX_TOKEN, guilds=[GuildSpec(name="g")]) as emu:
        bot = await _run_until_exit(emu, tmp_path, DISCORD_GATEWAY_URL="ws://127.0.0.1:9/")
    assert bot.returncode == 4
    (line,) = bot.log().strip().splitlines()
    assert line.startswith(
        "error: cannot use Discord's gateway at DISCORD_GATEWAY_URL ws://127.0.0.1:9/"
    )
    assert emu.gateway.identify_count == 0
