"""The loop that keeps the common answers rendered: it survives errors and stops with its cog."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import cast

import pytest

from bot import EXTENSIONS, BriefingBot
from briefing.seed import read_seed
from briefing.settings import load_settings
from briefing.store import Store
from cogs.briefings import Briefings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def bot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[BriefingBot]:
    monkeypatch.chdir(tmp_path)
    b = BriefingBot(load_settings())
    b.use_store(await Store.open(tmp_path / "warm.db"))
    await b.store.load_seed(read_seed(ROOT / "data" / "briefing.yaml"))
    assert await b.load_extensions(EXTENSIONS) == list(EXTENSIONS)
    yield b
    await b.close()


def briefings(bot: BriefingBot) -> Briefings:
    cog = bot.get_cog("Briefings")
    # load_extension imports its own copy of the module, so isinstance cannot be used.
    assert type(cog).__name__ == "Briefings"
    return cast(Briefings, cog)


async def test_the_common_answers_are_rendered_soon_after_loading(bot: BriefingBot) -> None:
    assert briefings(bot).keep_warm.is_running()
    topics = await bot.store.list_topics()
    # Every first page, /about and the topic list (which the cog had already asked for).
    expected = 2 + 3 * len(topics) + 2
    for _ in range(200):  # the first round starts at once, yielding between pages
        if len(bot.answers) >= expected:
            break
        await asyncio.sleep(0.01)
    assert len(bot.answers) == expected


async def test_a_failed_round_is_logged_and_the_loop_goes_on(
    bot: BriefingBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken() -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(bot.answers, "prewarm", broken)
    await briefings(bot).keep_warm()  # one round, as the loop runs it
    assert "could not prepare the common answers ahead of time" in caplog.text
    assert "disk on fire" in caplog.text
    assert briefings(bot).keep_warm.is_running()


async def test_unloading_the_cog_stops_the_loop(bot: BriefingBot) -> None:
    loop = briefings(bot).keep_warm
    await bot.unload_extension("cogs.briefings")
    await asyncio.sleep(0)
    assert not loop.is_running()


async def _set_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> BriefingBot:
    """A bot through setup_hook, as on start, with command sync left out."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BRIEFING_SEED", str(ROOT / "data" / "briefing.yaml"))
    b = BriefingBot(load_settings())

    async def no_sync(*, force: bool = False) -> bool:
        return False

    monkeypatch.setattr(b, "sync_commands", no_sync)
    await b.setup_hook()
    return b


async def test_the_common_answers_are_ready_before_connecting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    b = await _set_up(tmp_path, monkeypatch)
    try:
        topics = await b.store.list_topics()
        assert len(b.answers) == 2 + 3 * len(topics) + 2
    finally:
        await b.close()


async def test_a_failed_prewarm_on_start_is_logged_and_the_bot_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from briefing.answers import Answers

    async def broken(self: Answers) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Answers, "prewarm", broken)
    b = await _set_up(tmp_path, monkeypatch)
    try:
        assert "could not prepare the common answers ahead of time" in caplog.text
        assert b.get_cog("Briefings") is not None
    finally:
        await b.close()
