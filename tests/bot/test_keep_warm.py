"""Keeping the common answers rendered: before the bot connects, and again soon after every
change; the loop survives errors and stops with the bot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import bot as bot_module
from bot import BriefingBot
from briefing.answers import AnswerCache
from briefing.models import Editor
from briefing.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]


async def _set_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> BriefingBot:
    """A bot through setup_hook, as on start, with command sync left out."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BRIEFING_SEED", str(ROOT / "data" / "briefing.yaml"))
    monkeypatch.setattr(bot_module, "KEEP_WARM_SECONDS", 0.02)
    b = BriefingBot(load_settings())

    async def no_sync(*, force: bool = False) -> bool:
        return False

    monkeypatch.setattr(b, "sync_commands", no_sync)
    await b.setup_hook()
    return b


@pytest.fixture
async def bot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[BriefingBot]:
    b = await _set_up(tmp_path, monkeypatch)
    yield b
    await b.close()


async def expected_answers(bot: BriefingBot) -> int:
    # /disputed and /timeline overall, each topic's three first pages, /about, /help, the
    # topics, and every claim's /claim answer.
    topics = len(await bot.store.list_topics())
    return 2 + 3 * topics + 3 + await bot.store.claim_count()


async def test_the_common_answers_are_ready_before_connecting(bot: BriefingBot) -> None:
    assert len(bot.answers) == await expected_answers(bot)


async def test_after_a_change_they_are_rendered_again_before_anyone_asks(
    bot: BriefingBot,
) -> None:
    claim = await bot.store.get_claim("kursk-recaptured")
    await bot.store.update_claim(
        claim.model_copy(update={"statement": "Edited."}), Editor(1, "ed"), expected_version=1
    )
    expected = await expected_answers(bot)
    await bot.answers.topics()  # the first question after the change forgets the rest
    for _ in range(200):
        if len(bot.answers) >= expected:
            break
        await asyncio.sleep(0.01)
    assert len(bot.answers) == expected


async def test_a_failed_round_is_logged_and_the_loop_goes_on(
    bot: BriefingBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    rounds = 0

    async def broken() -> None:
        nonlocal rounds
        rounds += 1
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(bot.answers, "prewarm", broken)
    for _ in range(200):
        if rounds >= 2:
            break
        await asyncio.sleep(0.01)
    assert rounds >= 2  # it went on after the first failure
    assert "could not prepare the common answers ahead of time" in caplog.text
    assert "disk on fire" in caplog.text


async def test_closing_the_bot_stops_the_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    b = await _set_up(tmp_path, monkeypatch)
    task = b._keep_warm
    assert task is not None and not task.done()
    await b.close()
    await asyncio.sleep(0)
    assert task.done()


async def test_a_failed_prewarm_on_start_is_logged_and_the_bot_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(self: AnswerCache[object, object]) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(AnswerCache, "prewarm", broken)
    b = await _set_up(tmp_path, monkeypatch)
    try:
        assert "could not prepare the common answers ahead of time" in caplog.text
        assert b.get_cog("Briefings") is not None
    finally:
        await b.close()
