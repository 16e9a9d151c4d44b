"""What the bot's log never holds: at LOG_LEVEL=DEBUG, where discord.py logs gateway
payloads and webhook URLs, no interaction token and no bot token appears (whoever holds an
interaction token can answer as the bot for 15 minutes)."""

from __future__ import annotations

from pathlib import Path

from sandbox.launcher import SANDBOX_TOKEN
from tests.e2e.newsroom import newsroom


async def test_debug_logs_hold_no_token(tmp_path: Path) -> None:
    async with newsroom(tmp_path, LOG_LEVEL="DEBUG") as room:
        emu = room.emu
        troops = await room.run("troops", room.member)
        await emu.press_button(user=room.member, message=troops, custom_id=troops.custom_ids()[1])
        await room.run("claim", room.member, id="kursk-recaptured")
        await emu.autocomplete(
            user=room.member, name="claim", options={"id": "kursk"}, focused="id",
            guild_id=room.home.id, channel_id=room.general,
        )  # fmt: skip
        await room.run("facts review", id="kursk-recaptured")
        tokens = [r.token for r in emu.interactions.values()]
        log = room.bot.log()
    assert len(tokens) >= 5
    assert "DEBUG" in log and "INTERACTION_CREATE" in log  # the payloads were logged
    assert "[redacted]" in log
    for token in [*tokens, SANDBOX_TOKEN]:
        assert token not in log


async def test_json_log_lines_for_log_shippers(tmp_path: Path) -> None:
    import json

    async with newsroom(tmp_path, LOG_FORMAT="json", LOG_LEVEL="DEBUG") as room:
        await room.run("claim", room.member, id="no-such-claim")
        tokens = [r.token for r in room.emu.interactions.values()]
        log = room.bot.log()
    entries = [json.loads(line) for line in log.splitlines()]  # every line is one object
    assert all(set(e) >= {"time", "level", "logger", "message"} for e in entries)
    assert any(e["logger"] == "briefing" and e["message"].startswith("synced") for e in entries)
    assert any(e["level"] == "DEBUG" for e in entries)
    for token in [*tokens, SANDBOX_TOKEN]:
        assert token not in log
