"""What start-up meets before the bot connects, said in one line each: Discord's API base,
the database (a full disk named as such), and whether the curated file and the store agree.
"""

from __future__ import annotations

import base64
import errno
import json
import logging
import os
import shutil
import sqlite3
from pathlib import Path

import aiohttp

from briefing.errors import SettingsError
from briefing.seed import SEED_FINGERPRINT_KEY, fingerprint
from briefing.settings import Settings
from briefing.store import Store

log = logging.getLogger("briefing")


class DiscordUnusable(Exception):
    """DISCORD_API_BASE answers, but not as Discord's API would."""


async def preflight(settings: Settings) -> None:
    """One unauthenticated GET /gateway before logging in, so that a wrong API base (404)
    is one line at once rather than a traceback, and a Discord in trouble (5xx) is said
    before discord.py's own retries (about 25 s) rather than after."""
    url = f"{settings.discord_api_base}/gateway"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
        async with http.get(url) as response:
            status, kind = response.status, response.content_type
    if status == 404 or (status < 400 and kind != "application/json"):
        raise DiscordUnusable(
            f"DISCORD_API_BASE {settings.discord_api_base} is not Discord's API (GET /gateway "
            f"answered {status} {kind}); it ends in /api/v10, such as "
            "https://discord.com/api/v10"
        )
    if status >= 500:
        log.warning("Discord answers %d at %s; retrying for about 25 s", status, url)
        return
    await _hello(settings.discord_gateway_url)


async def _hello(gateway: str) -> None:
    """Open the gateway and wait for its HELLO, then leave (no IDENTIFY: nothing counts
    against the bot). discord.py itself, when its very first connection fails, ends in an
    AttributeError traceback instead of saying so."""
    url = f"{gateway.rstrip('/')}/?v=10&encoding=json"
    problem = None
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
            async with http.ws_connect(url) as ws:
                first = await ws.receive(timeout=10)
        hello = first.type is aiohttp.WSMsgType.TEXT and json.loads(first.data).get("op") == 10
        if not hello:
            problem = "it did not greet like Discord's gateway (no HELLO)"
    except (aiohttp.ClientError, TimeoutError, OSError, ValueError) as exc:
        problem = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if problem is not None:
        raise DiscordUnusable(
            f"cannot use Discord's gateway at DISCORD_GATEWAY_URL {gateway} ({problem})"
        )


def database_problem(path: Path, exc: BaseException) -> str:
    """One line on why the database cannot be used, naming the disk when it is full."""
    if "disk is full" in str(exc) or getattr(exc, "errno", None) == errno.ENOSPC:
        free = shutil.disk_usage(path.parent).free if path.parent.exists() else 0
        return f"BRIEFING_DATABASE {path}: the disk is full ({free:,} bytes free in {path.parent})"
    read_only = path.exists() and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))
    if read_only or "readonly" in str(exc) or getattr(exc, "errno", None) == errno.EROFS:
        return f"BRIEFING_DATABASE {path}: the bot cannot write to it (read-only)"
    return f"BRIEFING_DATABASE {path}: cannot open it ({exc})"


async def seed_drift(store: Store, seed: Path) -> str | None:
    """What to tell an operator when the curated file is not what the store was loaded or
    last updated from; None when they agree. The store is never overwritten for it."""
    if await store.get_meta(SEED_FINGERPRINT_KEY) == fingerprint(seed):
        return None
    return (
        f"{seed} differs from what this database was loaded from; the database (with every "
        f"editor's change) is used as it is. To see what the file would change: bot.py "
        f"import {seed}; to apply it: bot.py import {seed} --apply"
    )


def application_id(token: str) -> int:
    """The application's id, which a bot token's first part carries (base64 of the id)."""
    first = token.split(".", 1)[0]
    try:
        text = base64.urlsafe_b64decode(first + "=" * (-len(first) % 4)).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        text = ""
    if not text.isdigit():
        raise SettingsError("DISCORD_TOKEN does not start with the application's id")
    return int(text)


async def check_database(settings: Settings) -> list[str]:
    path = settings.database
    if not path.exists():
        folder = next(p for p in path.absolute().parents if p.exists())
        if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
            raise SettingsError(f"BRIEFING_DATABASE {path}: cannot create it in {folder}")
        return [f"{path}: not there yet; run creates it and loads {settings.seed}"]
    try:
        store = await Store.open(path)
    except (OSError, sqlite3.Error) as exc:
        raise SettingsError(database_problem(path, exc)) from None
    try:
        lines = [f"{path}: {await store.claim_count()} claims, OK"]
        if (note := await seed_drift(store, settings.seed)) is not None:
            lines.append(f"note: {note}")
    finally:
        await store.close()
    return lines
