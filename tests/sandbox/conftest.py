"""Fixtures: a running emulator and a tiny throwaway discord.py bot connected to it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any, TypeVar

import aiohttp
import discord
import pytest
import yarl
from discord import app_commands

from sandbox.emulator import ChannelSpec, Emulator, GuildSpec, RateLimitConfig

TOKEN = "test-token-123"


class PanelView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="OK", custom_id="panel:ok", style=discord.ButtonStyle.primary)
    async def ok(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.edit_message(content=f"pressed by {interaction.user.name}")


class AnswerModal(discord.ui.Modal, title="Your answer"):
    answer: discord.ui.TextInput[Any] = discord.ui.TextInput(label="Answer", custom_id="answer")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"got {self.answer.value}", ephemeral=True)


class TinyBot(discord.Client):
    def __init__(self) -> None:
        super().__init__(
            intents=discord.Intents.default(),
            guild_ready_timeout=0.05,
            max_ratelimit_timeout=30.0,
        )
        self.tree = app_commands.CommandTree(self)
        self.errors: list[BaseException] = []
        self.late_error: BaseException | None = None
        tree = self.tree

        @tree.command(name="hello", description="Say hello with an embed")
        async def hello(interaction: discord.Interaction) -> None:
            embed = discord.Embed(title="Hello", description=f"hi {interaction.user.name}")
            await interaction.response.send_message(embed=embed)

        @tree.command(name="pick", description="Pick an item")
        async def pick(interaction: discord.Interaction, item: str, count: int = 1) -> None:
            await interaction.response.send_message(f"{item} x{count}", ephemeral=True)

        @pick.autocomplete("item")
        async def pick_ac(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            items = ["kursk-recaptured", "kursk-lost", "kyiv", "kharkiv"]
            return [app_commands.Choice(name=i, value=i) for i in items if i.startswith(current)]

        @tree.command(name="panel", description="A button panel")
        async def panel(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("panel", view=PanelView())

        @tree.command(name="slow", description="Deferred answer")
        async def slow(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await asyncio.sleep(0.05)
            await interaction.followup.send("done slowly")

        @tree.command(name="form", description="Opens a modal")
        async def form(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(AnswerModal())

        @tree.command(name="late", description="Answers too late")
        async def late(interaction: discord.Interaction) -> None:
            await asyncio.sleep(0.8)
            try:
                await interaction.response.send_message("too late")
            except discord.HTTPException as exc:
                self.late_error = exc

        @tree.command(name="big", description="Too long an embed")
        async def big(interaction: discord.Interaction) -> None:
            try:
                await interaction.response.send_message(embed=discord.Embed(title="x" * 300))
            except discord.HTTPException as exc:
                self.errors.append(exc)
                await interaction.response.send_message("fallback")

        digest = app_commands.Group(name="digest", description="Digest settings")

        @digest.command(name="subscribe", description="Subscribe")
        async def subscribe(interaction: discord.Interaction, hour: int) -> None:
            kind = type(interaction.namespace.hour).__name__
            await interaction.response.send_message(f"subscribed at {hour} ({kind})")

        tree.add_command(digest)

    async def setup_hook(self) -> None:
        self.add_view(PanelView())
        await self.tree.sync()


@pytest.fixture
def emulator_config() -> dict[str, Any]:
    return {}


@pytest.fixture
async def emu(emulator_config: dict[str, Any]) -> AsyncIterator[Emulator]:
    kwargs: dict[str, Any] = {
        "guilds": [
            GuildSpec(
                name="Test Guild",
                channels=[
                    ChannelSpec(name="general"),
                    ChannelSpec(name="hidden", bot_can_view=False),
                    ChannelSpec(name="readonly", bot_can_send=False),
                ],
            )
        ],
        "heartbeat_interval_ms": 500,
        "interaction_deadline": 3.0,
        "rate_limits": RateLimitConfig(),
    }
    kwargs.update(emulator_config)
    emulator = Emulator(TOKEN, **kwargs)
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
def point_discord_at(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    monkeypatch.setattr(discord.http.Route, "BASE", emu.api_base)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(emu.gateway_url)
    )
    return emu


ClientT = TypeVar("ClientT", bound=discord.Client)


@contextlib.asynccontextmanager
async def connected(client: ClientT, emu: Emulator) -> AsyncIterator[ClientT]:
    """``client`` logged in and connected to ``emu`` (READY, commands synced), then closed."""
    await client.login(TOKEN)
    task = asyncio.create_task(client.connect())
    try:
        await emu.wait_for_ready(timeout=10)
        await emu.wait_for_commands(timeout=10)
        await asyncio.wait_for(client.wait_until_ready(), timeout=10)
        yield client
    finally:
        await client.close()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


@pytest.fixture
async def bot(point_discord_at: Emulator) -> AsyncIterator[TinyBot]:
    async with connected(TinyBot(), point_discord_at) as client:
        yield client


@pytest.fixture
async def http(emu: Emulator) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(
        base_url=emu.api_base + "/", headers={"Authorization": f"Bot {TOKEN}"}
    ) as session:
        yield session
