"""An extension whose setup fails, for the test that the others still load."""

from discord.ext import commands


async def setup(bot: commands.Bot) -> None:
    raise RuntimeError("this extension is broken on purpose")
