"""End-to-end fixtures: the emulator in this process, the real bot as a child process."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sandbox.emulator import ChannelSpec, Emulator, GuildSpec, MemberSpec
from sandbox.launcher import SANDBOX_TOKEN, BotProcess

SCHEMA = Path(__file__).resolve().parents[3] / "shared" / "discord-api-spec" / "openapi.json"


@dataclass
class Live:
    emu: Emulator
    bot: BotProcess
    guild_id: int
    channel_id: int
    alice: MemberSpec
    bob: MemberSpec
    expect_traceback: bool = False  # set by tests that break the bot on purpose

    async def run(self, name: str, user: MemberSpec | None = None, **options: Any) -> Any:
        return await self.emu.run_command(
            user=user or self.alice,
            name=name,
            options=options,
            guild_id=self.guild_id,
            channel_id=self.channel_id,
        )

    async def complete(
        self, name: str, focused: str, typed: str, user: MemberSpec | None = None
    ) -> list[dict[str, Any]]:
        """Type `typed` into option `focused` of /name; the bot's autocomplete choices."""
        return await self.emu.autocomplete(
            user=user or self.alice,
            name=name,
            options={focused: typed},
            focused=focused,
            guild_id=self.guild_id,
            channel_id=self.channel_id,
        )


@pytest.fixture
def emulator_options() -> dict[str, Any]:
    return {}


@pytest.fixture
async def live(tmp_path: Path, emulator_options: dict[str, Any]) -> AsyncIterator[Live]:
    emu = Emulator(
        SANDBOX_TOKEN,
        guilds=[GuildSpec(name="Briefing Lounge", channels=[ChannelSpec(name="general")])],
        heartbeat_interval_ms=2000,
        schema_path=SCHEMA if SCHEMA.exists() else None,
        **emulator_options,
    )
    await emu.start()
    guild = next(iter(emu.guilds.values()))
    channel = guild.channels[0]
    bot = BotProcess.against(emu, tmp_path)
    await bot.start()
    try:
        await emu.wait_for_commands(timeout=30)
        await emu.wait_for_ready(timeout=30)
    except BaseException:
        await bot.stop()
        await emu.stop()
        raise RuntimeError(f"the bot did not come up; its log:\n{bot.log()}") from None
    state = Live(
        emu=emu,
        bot=bot,
        guild_id=guild.id,
        channel_id=channel.id,
        alice=emu.add_member(guild.id, "alice"),
        bob=emu.add_member(guild.id, "bob"),
    )
    yield state
    await state.bot.stop()
    await emu.stop()
    assert emu.schema_violations == [], emu.schema_violations
    if not state.expect_traceback:
        assert "Traceback" not in state.bot.log(), state.bot.log()


def free_port() -> int:
    """A loopback port nothing listens on now (for the health endpoint)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
