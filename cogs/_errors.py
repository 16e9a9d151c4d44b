"""One way to tell a member something went wrong: ephemerally, whatever state the reply is in."""

from __future__ import annotations

import logging
import secrets

import aiohttp
import discord
from discord import app_commands

from briefing.errors import BriefingError
from briefing.i18n import EN, Words, locale_of, words
from briefing.model_text import as_code
from briefing.render.cards import CONTENT_MAX, clip
from cogs._bot import briefed
from cogs._reply import PENDING_KEY

log = logging.getLogger("briefing.errors")


async def tell(interaction: discord.Interaction, message: str) -> None:
    """Send an ephemeral message whether or not the interaction was already answered."""
    if interaction.client.is_closed():
        return  # shutting down: there is no connection left to answer on
    message = clip(message, CONTENT_MAX)
    try:
        if interaction.extras.pop(PENDING_KEY, False):
            # A public "thinking…" is waiting; drop it so the error can stay private.
            await interaction.delete_original_response()
            await interaction.followup.send(message, ephemeral=True)
        elif interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True)
        else:
            await interaction.response.send_message(message, ephemeral=True)
    except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
        log.warning("could not tell interaction %s about an error: %r", interaction.id, exc)


UNKNOWN_INTERACTION = 10062
ALREADY_ACKNOWLEDGED = 40060  # Discord delivered the interaction twice; the first answered
# Failures of Discord or of the connection to it, not of the bot.
DISCORD_TROUBLE = (discord.DiscordServerError, aiohttp.ClientError, TimeoutError)


def _original(error: BaseException) -> BaseException:
    if isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        return error.__cause__ or error
    return error


def describe(error: BaseException, w: Words = EN) -> str | None:
    """The member-facing text for an expected error, in the member's language, or None for
    a bug. A domain error without a catalog key (the editors' desk) reads as it was raised."""
    original = _original(error)
    if isinstance(original, BriefingError):
        return w(original.key, **original.params) if original.key else str(original)
    if isinstance(original, discord.DiscordServerError):
        return w("error.discord", status=original.status)
    if isinstance(original, aiohttp.ClientError | TimeoutError):
        return w("error.connection")
    if isinstance(error, app_commands.NoPrivateMessage):
        return w("error.server_only")
    if isinstance(error, app_commands.MissingPermissions):
        needed = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"You need the {needed} permission to do that."
    if isinstance(error, app_commands.CommandOnCooldown):
        return w("error.cooldown", seconds=f"{error.retry_after:.0f}")
    if isinstance(error, app_commands.CheckFailure):
        return str(error) or w("error.not_allowed")
    if isinstance(error, app_commands.TransformerError):
        return w("error.bad_value", value=as_code(str(error.value)))
    if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
        # Discord's cached command list is older than the bot's: not a bug of the bot.
        return w("error.reload")
    return None


async def report(interaction: discord.Interaction, error: BaseException) -> None:
    """Domain errors become a plain ephemeral message; bugs get a reference id we also log."""
    if interaction.client.is_closed():
        log.debug("interaction %s failed during shutdown: %r", interaction.id, error)
        return
    original = _original(error)
    if isinstance(original, discord.HTTPException) and original.code == ALREADY_ACKNOWLEDGED:
        log.info("interaction %s was delivered twice; the first delivery answered", interaction.id)
        return
    if isinstance(original, discord.NotFound) and original.code == UNKNOWN_INTERACTION:
        # Too late (Discord's 3 s passed, e.g. the event arrived late): nobody can be told.
        log.warning("interaction %s expired before it could be answered", interaction.id)
        return
    w = words(locale_of(interaction.locale))
    text = describe(error, w)
    kind = (
        "bug"
        if text is None
        else "discord"
        if isinstance(original, DISCORD_TROUBLE)
        else "expected"
    )
    briefed(interaction.client).metrics.errors.labels(kind).inc()
    if text is None:
        ref = secrets.token_hex(4)
        command = interaction.command.qualified_name if interaction.command else "component"
        log.error(
            "unexpected error [ref %s] in %s (interaction %s)",
            ref,
            command,
            interaction.id,
            exc_info=error,
        )
        text = w("error.bug", ref=ref)
    elif isinstance(_original(error), DISCORD_TROUBLE):
        log.warning("could not answer interaction %s: %r", interaction.id, _original(error))
    elif isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
        log.warning("interaction %s: %s (a stale command list in Discord)", interaction.id, error)
    await tell(interaction, text)
