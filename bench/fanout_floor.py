"""The fan-out floor: a bare discord.py client that posts one message in every channel named
`digest-*`, all at once, paced like the bot's digests (`briefing.pacing.Pace` at
`DIGEST_RATE`), then logs `floor done`.

    FANOUT_PAYLOAD=embeds.json python bench/fanout_floor.py run

Each post carries the embeds in FANOUT_PAYLOAD (the real bot's digest for the same store, as
JSON) and a nonce, as the bot's posts do. Reads DISCORD_TOKEN / DISCORD_API_BASE /
DISCORD_GATEWAY_URL like the bot, so `BotProcess(script=...)` can launch it. What the bot
takes beyond this is its own work: the ledger, composing, scheduling.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import time
from pathlib import Path

import discord
import yarl

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from briefing.pacing import DIGEST_RATE, Pace  # noqa: E402

log = logging.getLogger("fanout-floor")


class FloorPoster(discord.Client):
    def __init__(self, messages: list[list[dict[str, object]]]) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(intents=intents, allowed_mentions=discord.AllowedMentions.none())
        self.messages = messages
        self.pace = Pace(DIGEST_RATE)
        self.started = False

    async def on_ready(self) -> None:
        if self.started:  # a resume: the fan-out is already under way
            return
        self.started = True
        log.info("ready as %s", self.user)
        channels = [c for g in self.guilds for c in g.text_channels if c.name.startswith("digest-")]
        log.info("fan-out starts at %.6f", time.time())  # the bench times from here
        began = time.monotonic()
        await asyncio.gather(*(self.post(n, c) for n, c in enumerate(channels)))
        log.info("floor done: %d channels in %.2f s", len(channels), time.monotonic() - began)

    async def post(self, n: int, channel: discord.TextChannel) -> None:
        for part, embeds in enumerate(self.messages):
            await self.pace.wait()
            await channel.send(
                embeds=[discord.Embed.from_dict(e) for e in embeds],  # type: ignore[arg-type]
                nonce=f"floor-{n}-{part}",
            )


async def serve(messages: list[list[dict[str, object]]]) -> None:
    discord.http.Route.BASE = os.environ["DISCORD_API_BASE"].rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["DISCORD_GATEWAY_URL"])
    async with FloorPoster(messages) as client:
        await client.start(os.environ["DISCORD_TOKEN"])


def main(argv: list[str]) -> int:
    if argv[1:] != ["run"]:
        print("usage: FANOUT_PAYLOAD=embeds.json python bench/fanout_floor.py run", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)-7s %(name)s: %(message)s"
    )
    messages = json.loads(Path(os.environ["FANOUT_PAYLOAD"]).read_text(encoding="utf-8"))
    try:
        asyncio.run(serve(messages))
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
