"""Briefing Bot: entry point and command line.

python bot.py run       connect to Discord (or DISCORD_API_BASE / DISCORD_GATEWAY_URL) and serve
python bot.py sandbox   run the bot against the local Discord emulator, no token needed
python bot.py sync      push the slash commands to Discord now, then exit
python bot.py check     validate the configuration and the curated data file, then exit
python bot.py import FILE [--apply]        check a briefing file, and apply it with --apply
python bot.py export [--format F] [--output FILE]   the whole store as yaml, json or claimreview
python bot.py backup DEST                  a consistent copy of the database (online backup)
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import hashlib
import json
import logging
import sqlite3
import sys
from collections.abc import Sequence

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.ext import commands

from briefing.answers import AnswerCache
from briefing.digesting import DigestDesk
from briefing.editorial import Desk
from briefing.errors import BriefingError, SettingsError
from briefing.seed import read_seed
from briefing.settings import Settings, load_settings
from briefing.store import Store
from cogs._bot import BotAnswers
from cogs._errors import report
from cogs._finish import ForDiscord
from cogs._views import PageButton

log = logging.getLogger("briefing")

EXTENSIONS: tuple[str, ...] = ("cogs.briefings", "cogs.facts", "cogs.digests", "cogs.health")
TREE_HASH_KEY = "command_tree_sha256:{app}"
# How soon after a change (by an editor here, or another process) the common answers are
# rendered again, before anyone asks.
KEEP_WARM_SECONDS = 5.0


class BriefingTree(app_commands.CommandTree["BriefingBot"]):
    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await report(interaction, error)


class BriefingBot(commands.Bot):
    """The bot. `store` and `answers` are set up in `setup_hook` and last until `close`."""

    def __init__(self, settings: Settings, *, force_sync: bool = False) -> None:
        # Slash commands need no privileged intents; `guilds` keeps channels and roles cached.
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=BriefingTree,
            allowed_contexts=app_commands.AppCommandContext(
                guild=True, dm_channel=True, private_channel=True
            ),
            allowed_installs=app_commands.AppInstallationType(guild=True, user=True),
        )
        self.settings = settings
        self.force_sync = force_sync
        self._store: Store | None = None
        self._answers: BotAnswers | None = None
        self._desk: Desk | None = None
        self._digests: DigestDesk | None = None
        self._keep_warm: asyncio.Task[None] | None = None
        self._checked: asyncio.Task[None] | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("the store is opened in setup_hook")
        return self._store

    @property
    def answers(self) -> BotAnswers:
        if self._answers is None:
            raise RuntimeError("answers are set up in setup_hook")
        return self._answers

    @property
    def desk(self) -> Desk:
        if self._desk is None:
            raise RuntimeError("the desk is set up in setup_hook")
        return self._desk

    @property
    def digests(self) -> DigestDesk:
        if self._digests is None:
            raise RuntimeError("the digest desk is set up in setup_hook")
        return self._digests

    def use_store(self, store: Store) -> None:
        self._store = store
        self._answers = AnswerCache(store, ForDiscord())
        self._desk = Desk(store)
        self._digests = DigestDesk(store)

    async def claims_stored(self) -> int:
        return await self.store.claim_count()

    async def setup_hook(self) -> None:
        try:
            self.use_store(await Store.open(self.settings.database))
        except (OSError, sqlite3.Error) as exc:
            raise SettingsError(
                f"BRIEFING_DATABASE {self.settings.database}: cannot open it ({exc})"
            ) from None
        if await self.store.claim_count() == 0:
            if await self.store.load_seed(read_seed(self.settings.seed)):
                log.info("loaded the curated seed from %s", self.settings.seed)
        self.add_dynamic_items(PageButton)
        loaded = await self.load_extensions(EXTENSIONS)
        if len(loaded) < len(EXTENSIONS):
            # Syncing a partial tree would delete the missing commands from Discord.
            log.error("not syncing commands: %s failed to load", set(EXTENSIONS) - set(loaded))
        else:
            await self.sync_commands(force=self.force_sync)
        try:
            # The common answers and the newest claims, ready before anyone asks, and
            # frozen below with the rest (they are most of what the collector would scan).
            await self.answers.prewarm()
        except Exception:  # answers are still built on demand
            log.exception("could not prepare the common answers ahead of time")
        # What exists now (modules, pydantic schemas, the command tree; the prewarmed answers
        # and claims until the data first changes, then freed by reference counting, as they
        # hold no cycles) is kept out of the collector's full passes, which shortens the
        # pauses that land on answers. Before connecting, so no gateway session's objects are
        # frozen (a later session replaces them, and frozen cycles are never collected).
        gc.collect()
        gc.freeze()
        self._keep_warm = asyncio.create_task(self.answers.keep_warm(KEEP_WARM_SECONDS))
        self._checked = asyncio.create_task(self.report_breaches())

    async def report_breaches(self) -> None:
        """Say once, after start-up, if stored claims break the integrity rules (stored before
        a rule existed, say): editors must mend them, or an operator re-imports the file."""
        try:
            found = await self.desk.breaches()
        except Exception:
            log.exception("could not check the stored claims against the integrity rules")
            return
        if found:
            log.warning(
                "%d stored claim(s) break an integrity rule, first: %s. Edits to them must "
                "mend it. `python bot.py import data/briefing.yaml` shows what a corrected "
                "file would change (it overwrites editors' changes to the claims it holds); "
                "add --apply to apply it.",
                len(found),
                found[0],
            )

    async def load_extensions(self, names: Sequence[str]) -> list[str]:
        """Load each extension; one that fails is logged and skipped. Returns those loaded."""
        loaded = []
        for name in names:
            try:
                await self.load_extension(name)
                loaded.append(name)
            except commands.ExtensionError:
                log.exception("extension %s failed to load; the others still load", name)
        return loaded

    async def sync_commands(self, *, force: bool = False) -> bool:
        """Sync the command tree (global, and each home guild's) when it differs from the
        last synced one. True if synced."""
        guilds = [discord.Object(g) for g in self.settings.home_guild_ids]
        payload = {
            str(scope.id if scope else "global"): [
                c.to_dict(self.tree) for c in self.tree.get_commands(guild=scope)
            ]
            for scope in [None, *guilds]
        }
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        key = TREE_HASH_KEY.format(app=self.application_id)
        if not force and await self.store.get_meta(key) == digest:
            log.info("command tree unchanged; not syncing")
            return False
        synced = await self.tree.sync()
        complete = True
        for guild in guilds:
            try:
                here = await self.tree.sync(guild=guild)
                log.info("synced %d command(s) in home guild %s", len(here), guild.id)
            except discord.HTTPException as exc:  # e.g. the bot is not in that guild
                complete = False
                log.error("could not sync /facts in home guild %s: %s", guild.id, exc)
        if complete:  # otherwise try again at the next start
            await self.store.set_meta(key, digest)
        log.info("synced %d global command(s)", len(synced))
        return True

    async def on_ready(self) -> None:
        log.info("ready as %s in %d guild(s)", self.user, len(self.guilds))

    async def close(self) -> None:
        for task in (self._keep_warm, self._checked):
            if task is not None:
                task.cancel()
        self._keep_warm = self._checked = None
        await super().close()
        if self._store is not None:
            await self._store.close()
            self._store = None


def point_discord_at(settings: Settings) -> None:
    """Aim discord.py's REST and gateway at the configured endpoints (proxy, sandbox, tests)."""
    discord.http.Route.BASE = settings.discord_api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


class _RedactSecrets(logging.Filter):
    """Belt and braces: the token must never reach a log line, whoever logs it."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secret and self.secret in record.getMessage():
            record.msg = record.getMessage().replace(self.secret, "[redacted]")
            record.args = ()
        return True


def setup_logging(settings: Settings) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    if settings.discord_token is not None:
        handler.addFilter(_RedactSecrets(settings.discord_token.get_secret_value()))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)


async def run_bot(settings: Settings, *, sync_only: bool = False) -> None:
    point_discord_at(settings)
    bot = BriefingBot(settings, force_sync=sync_only)
    async with bot:
        if sync_only:
            await bot.login(settings.token())  # login runs setup_hook, which syncs
        else:
            await bot.start(settings.token())


def check(settings: Settings) -> None:
    seed = read_seed(settings.seed)
    print(f"{settings.seed}: {len(seed.topics)} topics, {len(seed.claims)} claims, OK")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bot.py", description="Briefing Bot")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="connect and serve")
    sub.add_parser("sync", help="sync slash commands now, then exit")
    sub.add_parser("check", help="validate configuration and the curated data file")
    sub.add_parser(
        "sandbox", help="try the bot in a local Discord emulator (no token)", add_help=False
    )
    sub.add_parser("import", help="check a briefing file; --apply to apply it", add_help=False)
    sub.add_parser("export", help="write the store as YAML, JSON or ClaimReview", add_help=False)
    sub.add_parser("backup", help="copy the database (SQLite online backup)", add_help=False)
    args, rest = parser.parse_known_args(argv)
    if args.command in ("import", "export", "backup"):
        from briefing.io.operator import main as operator_main

        return operator_main(args.command, rest)
    if args.command == "sandbox":
        from sandbox.repl import main as sandbox_main

        return sandbox_main(rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    try:
        settings = load_settings()
        if args.command == "check":
            check(settings)
            return 0
        settings.token()  # fail before connecting, with the variable named
        setup_logging(settings)
        asyncio.run(run_bot(settings, sync_only=args.command == "sync"))
    except (SettingsError, BriefingError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, SettingsError) else 1
    except discord.LoginFailure:
        print("error: DISCORD_TOKEN was rejected by Discord (401)", file=sys.stderr)
        return 1
    except (aiohttp.ClientConnectionError, TimeoutError) as exc:
        base = settings.discord_api_base
        print(f"error: cannot reach Discord at DISCORD_API_BASE {base} ({exc})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
