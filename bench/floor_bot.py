"""The floor: a bare discord.py bot that answers every command with one constant embed.

    python bench/floor_bot.py run

It syncs the real bot's command names (options as strings), uses the same intents (guilds
only) and allowed_mentions (none), and reads DISCORD_TOKEN / DISCORD_API_BASE /
DISCORD_GATEWAY_URL like the real bot, so `BotProcess(script=...)` can launch it. Whatever
the real bot costs beyond this is the bot's own work.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys

import discord
import yarl
from discord import app_commands

log = logging.getLogger("floor")

EMBED = discord.Embed(
    title="Floor",
    description="A constant answer: what discord.py and the transport cost on their own.",
    color=0x37474F,
)
CHOICES = [app_commands.Choice(name=f"choice {i}", value=f"choice-{i}") for i in range(25)]


class FloorBot(discord.Client):
    def __init__(self) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(intents=intents, allowed_mentions=discord.AllowedMentions.none())
        self.tree = app_commands.CommandTree(self)
        self._add_commands()

    def _add_commands(self) -> None:
        tree = self.tree

        async def answer(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(embed=EMBED)

        async def choices(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return CHOICES

        for name in ("troops", "treaty", "kursk-status"):
            tree.add_command(
                app_commands.Command(name=name, description=f"Topic /{name}", callback=answer)
            )

        @tree.command(name="brief", description="The briefing on one topic")
        @app_commands.autocomplete(topic=choices)
        async def brief(interaction: discord.Interaction, topic: str) -> None:
            await answer(interaction)

        @tree.command(name="claim", description="One claim in full")
        @app_commands.autocomplete(id=choices)
        async def claim(interaction: discord.Interaction, id: str) -> None:
            await answer(interaction)

        @tree.command(name="disputed", description="Claims a named party contests")
        @app_commands.autocomplete(topic=choices)
        async def disputed(interaction: discord.Interaction, topic: str | None = None) -> None:
            await answer(interaction)

        @tree.command(name="search", description="Search claims, people and quotes")
        @app_commands.autocomplete(topic=choices)
        async def search(
            interaction: discord.Interaction, query: str, topic: str | None = None
        ) -> None:
            await answer(interaction)

        @tree.command(name="timeline", description="What happened, in date order")
        @app_commands.autocomplete(topic=choices)
        async def timeline(interaction: discord.Interaction, topic: str | None = None) -> None:
            await answer(interaction)

        @tree.command(name="about", description="What this bot covers")
        async def about(interaction: discord.Interaction) -> None:
            await answer(interaction)

    async def setup_hook(self) -> None:
        synced = await self.tree.sync()
        log.info("synced %d global command(s)", len(synced))

    async def on_ready(self) -> None:
        log.info("ready as %s in %d guild(s)", self.user, len(self.guilds))


async def serve() -> None:
    discord.http.Route.BASE = os.environ.get("DISCORD_API_BASE", "https://discord.com/api/v10")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(
        os.environ.get("DISCORD_GATEWAY_URL", "wss://gateway.discord.gg/")
    )
    async with FloorBot() as bot:
        await bot.start(os.environ["DISCORD_TOKEN"])


def main(argv: list[str]) -> int:
    if argv[1:] != ["run"]:
        print("usage: python bench/floor_bot.py run", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)-7s %(name)s: %(message)s"
    )
    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
