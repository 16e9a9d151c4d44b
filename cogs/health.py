"""An HTTP health endpoint for container orchestrators, when BRIEFING_HEALTH_PORT is set.

GET /healthz answers 200 once the bot is connected to the gateway and its store answers,
503 otherwise, with a small JSON body saying which part is not ready.
"""

from __future__ import annotations

import logging
import math

from aiohttp import web
from discord.ext import commands

from cogs._bot import briefed

log = logging.getLogger(__name__)


class Health(commands.Cog):
    def __init__(self, bot: commands.Bot, port: int) -> None:
        self.bot = bot
        self.port = port
        self.runner: web.AppRunner | None = None
        # discord.py's is_ready() stays true while it reconnects; follow the gateway itself.
        self.connected = bot.is_ready()

    async def cog_load(self) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self.healthz)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        # All interfaces: in a container the orchestrator probes from outside.
        await web.TCPSite(self.runner, "0.0.0.0", self.port).start()
        log.info("health endpoint on port %d", self.port)

    async def cog_unload(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        self.connected = True

    @commands.Cog.listener()
    async def on_resumed(self) -> None:
        self.connected = True

    @commands.Cog.listener()
    async def on_disconnect(self) -> None:
        self.connected = False

    async def healthz(self, request: web.Request) -> web.Response:
        connected = self.connected and not self.bot.is_closed()
        try:
            claims: int | None = await briefed(self.bot).claims_stored()
        except Exception:
            claims = None
        latency = self.bot.latency
        body = {
            "gateway": "connected" if connected else "not connected",
            "store": "ok" if claims is not None else "unavailable",
            "claims": claims,
            "latency_ms": round(latency * 1000) if math.isfinite(latency) else None,
        }
        healthy = connected and claims is not None
        return web.json_response(body, status=200 if healthy else 503)


async def setup(bot: commands.Bot) -> None:
    port = briefed(bot).settings.health_port
    if port is not None:
        await bot.add_cog(Health(bot, port))
