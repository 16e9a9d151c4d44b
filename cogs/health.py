"""An HTTP health endpoint for container orchestrators, when BRIEFING_HEALTH_PORT is set.

GET /healthz answers 200 once the bot is connected to the gateway and its store answers
from the database file on disk, 503 otherwise, with a small JSON body saying which part is
not ready. GET /metrics is the same state and the bot's counters in Prometheus's text
format (`cogs._metrics`). It listens on BRIEFING_HEALTH_HOST (loopback by default), names
no software versions, and a port it cannot have is logged, never a reason to stop the bot.
"""

from __future__ import annotations

import logging
import math

from aiohttp import web
from discord.ext import commands
from prometheus_client import CONTENT_TYPE_LATEST

from cogs._bot import briefed

log = logging.getLogger(__name__)


class Health(commands.Cog):
    def __init__(self, bot: commands.Bot, port: int) -> None:
        self.bot = bot
        self.port = port
        self.runner: web.AppRunner | None = None
        # discord.py's is_ready() stays true while it reconnects; follow the gateway itself.
        self.connected = bot.is_ready()
        self.gauges: dict[str, float] = {}  # read by the metrics registry at each scrape

    async def cog_load(self) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/metrics", self.metrics)
        briefed(self.bot).metrics.watch(lambda: self.gauges)
        app.on_response_prepare.append(_anonymous)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        host = briefed(self.bot).settings.health_host
        try:
            await web.TCPSite(self.runner, host, self.port).start()
        except OSError as exc:
            log.error("no health endpoint: cannot listen on %s:%d (%s)", host, self.port, exc)
            return
        log.info("health endpoint on %s:%d", host, self.port)

    async def cog_unload(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    @commands.Cog.listener()
    async def on_connect(self) -> None:  # answering before on_ready's guild wait is over
        self.connected = True

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        self.connected = True

    @commands.Cog.listener()
    async def on_resumed(self) -> None:
        self.connected = True

    @commands.Cog.listener()
    async def on_disconnect(self) -> None:
        self.connected = False

    async def _state(self) -> tuple[bool, int | None, str, float]:
        """What both endpoints report: connected, claims (None if the store does not
        answer), the store's state ("ok", "unavailable", "database file replaced"…), latency."""
        connected = self.connected and not self.bot.is_closed()
        try:
            claims: int | None = await briefed(self.bot).claims_stored()
            file = briefed(self.bot).store_file_problem()
        except Exception:
            claims, file = None, None
        store = "unavailable" if claims is None else f"database file {file}" if file else "ok"
        return connected, claims, store, self.bot.latency

    async def healthz(self, request: web.Request) -> web.Response:
        connected, claims, store, latency = await self._state()
        body = {
            "gateway": "connected" if connected else "not connected",
            "store": store,
            "claims": claims,
            "latency_ms": round(latency * 1000) if math.isfinite(latency) else None,
        }
        healthy = connected and store == "ok"
        return web.json_response(body, status=200 if healthy else 503)

    async def metrics(self, request: web.Request) -> web.Response:
        connected, claims, _, latency = await self._state()
        database = briefed(self.bot).settings.database
        sizes = [p.stat().st_size for p in (database, database.with_name(database.name + "-wal"))
                 if p.exists()]  # fmt: skip
        self.gauges = {
            "gateway_connected": float(connected),
            "gateway_latency_seconds": latency if math.isfinite(latency) else math.nan,
            "store_claims": float(claims) if claims is not None else math.nan,
            "store_bytes": float(sum(sizes)),
        }
        return web.Response(
            body=briefed(self.bot).metrics.exposition(),
            headers={"Content-Type": CONTENT_TYPE_LATEST},
        )


async def _anonymous(request: web.Request, response: web.StreamResponse) -> None:
    """No "Server: Python/3.x aiohttp/3.x": versions tell an attacker what to try."""
    response.headers["Server"] = "briefing-bot"


async def setup(bot: commands.Bot) -> None:
    port = briefed(bot).settings.health_port
    if port is not None:
        await bot.add_cog(Health(bot, port))
