"""Briefing Bot: entry point and command line.

python bot.py run       connect to Discord (or DISCORD_API_BASE / DISCORD_GATEWAY_URL) and serve
python bot.py sandbox   run the bot against the local Discord emulator, no token needed
python bot.py sync      push the slash commands to Discord now, then exit
python bot.py check     validate the configuration and the curated data file, then exit
python bot.py invite    print the link that adds the bot to a server, with what it needs
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
import signal
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
from briefing.i18n import locale_of, words
from briefing.logs import setup_logging
from briefing.seed import SEED_FINGERPRINT_KEY, fingerprint, read_seed
from briefing.settings import Settings, load_settings
from briefing.startup import (
    DiscordUnusable,
    application_id,
    check_database,
    database_problem,
    preflight,
    seed_drift,
)
from briefing.store import Store
from cogs._bot import BotAnswers
from cogs._drain import drain, in_flight
from cogs._errors import report
from cogs._finish import ForDiscord
from cogs._metrics import Metrics
from cogs._odd_input import guard_parsers, has_lone_surrogate, stale_option
from cogs._translator import CatalogTranslator
from cogs._views import PageButton
from cogs.digests import POSTING

log = logging.getLogger("briefing")

EXTENSIONS: tuple[str, ...] = ("cogs.briefings", "cogs.facts", "cogs.digests", "cogs.health")
TREE_HASH_KEY = "command_tree_sha256:{app}"
# How soon after a change (by an editor here, or another process) the common answers are
# rendered again, before anyone asks.
KEEP_WARM_SECONDS = 5.0
# Exit codes, one per kind of start-up failure (1 is left to the unexpected: a bug).
EXIT_SETTINGS = 2  # a setting is missing or wrong, BRIEFING_DATABASE unusable included
EXIT_DATA = 3  # the curated data file (BRIEFING_SEED) is malformed
EXIT_DISCORD = 4  # DISCORD_API_BASE unreachable, not Discord's API, or failing
EXIT_TOKEN = 5  # Discord rejected DISCORD_TOKEN
# On SIGTERM: how long the interactions in flight may take to finish, inside the 10 s that
# `docker stop` and most supervisors give before SIGKILL (closing takes the rest).
DRAIN_SECONDS = 6.0


class BriefingTree(app_commands.CommandTree["BriefingBot"]):
    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await report(interaction, error)

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """While stopping, a new command is answered at once, not started and cut off. Text
        that is not text (a lone surrogate, which no keyboard types) is refused before any
        command sees it; autocomplete gets no choices (Discord accepts nothing else)."""
        command = interaction.type is discord.InteractionType.application_command
        w = words(locale_of(interaction.locale))
        if self.client.stopping and command:
            raise app_commands.CheckFailure(w("error.restarting"))
        if command and (name := stale_option(interaction)) is not None:
            log.warning(
                "interaction %s: option %r is not what the command takes", interaction.id, name
            )
            raise app_commands.CommandSignatureMismatch(interaction.command)  # type: ignore[arg-type]
        if has_lone_surrogate(interaction.data):
            log.info("interaction %s: an option holds a lone surrogate", interaction.id)
            if interaction.type is discord.InteractionType.autocomplete:
                await interaction.response.autocomplete([])
                return False
            raise app_commands.CheckFailure(w("error.surrogate"))
        return True


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
        self.metrics = Metrics()
        guard_parsers(self._connection.parsers)
        self._store: Store | None = None
        self._answers: BotAnswers | None = None
        self._desk: Desk | None = None
        self._digests: DigestDesk | None = None
        self._keep_warm: asyncio.Task[None] | None = None
        self._checked: asyncio.Task[None] | None = None
        self._stopping: asyncio.Task[None] | None = None

    @property
    def stopping(self) -> bool:
        return self._stopping is not None

    def stop_on(self, signum: int) -> None:
        """SIGTERM or SIGINT: stop gracefully, once (a second signal changes nothing)."""
        if self._stopping is None:
            self._stopping = asyncio.create_task(self.shutdown(signal.Signals(signum).name))

    async def stopped(self) -> None:
        """Wait for a graceful stop under way, if any, to finish (the store closed)."""
        if self._stopping is not None:
            await self._stopping

    async def shutdown(self, reason: str) -> None:
        """No new digests; let the interactions in flight get their answers (new commands
        are told to ask again); then close the gateway, the HTTP session and the store."""
        log.info("%s: stopping; %d interaction(s) in flight", reason, len(in_flight()))
        if "cogs.digests" in self.extensions:
            await self.unload_extension("cogs.digests")  # its deliveries resume elsewhere
        left = await drain(DRAIN_SECONDS)
        if left:
            log.warning("stopping with %d interaction(s) unfinished", left)
        await self.close()

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

    def store_file_problem(self) -> str | None:
        return self.store.file_problem()

    async def setup_hook(self) -> None:
        try:
            self.use_store(await Store.open(self.settings.database))
        except (OSError, sqlite3.Error) as exc:
            raise SettingsError(database_problem(self.settings.database, exc)) from None
        seed = self.settings.seed
        if await self.store.claim_count() == 0:
            if await self.store.load_seed(read_seed(seed)):
                log.info("loaded the curated seed from %s", seed)
                await self.store.set_meta(SEED_FINGERPRINT_KEY, fingerprint(seed))
        elif (note := await seed_drift(self.store, seed)) is not None:
            log.warning("%s", note)
        await self.store.checkpoint()  # the schema and seed in the file itself, not the -wal
        self.add_dynamic_items(PageButton)
        await self.tree.set_translator(CatalogTranslator())
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
        translator = self.tree.translator
        assert translator is not None  # set in setup_hook, before any sync
        # As Discord gets it, translations included: a changed translation is a change.
        payload = {
            str(scope.id if scope else "global"): [
                await c.get_translated_payload(self.tree, translator)
                for c in self.tree.get_commands(guild=scope)
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

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        command = interaction.command.qualified_name if interaction.command else "-"
        self.metrics.interactions.labels(interaction.type.name, command).inc()

    async def on_app_command_completion(
        self, interaction: discord.Interaction, command: object
    ) -> None:
        name = getattr(command, "qualified_name", "-")
        self.metrics.answered.labels(name).inc()
        took = discord.utils.utcnow() - interaction.created_at
        self.metrics.latency.labels(name).observe(max(took.total_seconds(), 0.0))

    async def close(self) -> None:
        for task in (self._keep_warm, self._checked):
            if task is not None:
                task.cancel()
        self._keep_warm = self._checked = None
        await super().close()
        store, self._store = self._store, None  # closed once, however many ask
        if store is not None:
            await store.close()


def point_discord_at(settings: Settings) -> None:
    """Aim discord.py's REST and gateway at the configured endpoints (proxy, sandbox, tests)."""
    discord.http.Route.BASE = settings.discord_api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)
    # The bot never joins voice: discord.py's warnings about missing voice libraries would
    # only send an operator looking for a problem that is not there.
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False


async def run_bot(settings: Settings, *, sync_only: bool = False) -> None:
    point_discord_at(settings)
    await preflight(settings)
    bot = BriefingBot(settings, force_sync=sync_only)
    async with bot:
        if sync_only:
            await bot.login(settings.token())  # login runs setup_hook, which syncs
        else:
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, bot.stop_on, signum)
            await bot.start(settings.token())
            await bot.stopped()  # start() returns once the gateway is closed; the rest follows
            log.info("stopped")


def invite_url(settings: Settings) -> str:
    """The link a server owner opens to add the bot: its two scopes, and exactly the
    permissions digests need (public answers and editors' forms need none)."""
    return discord.utils.oauth_url(
        application_id(settings.token()),
        permissions=discord.Permissions(**dict.fromkeys(POSTING, True)),
        scopes=("bot", "applications.commands"),
    )


def check(settings: Settings) -> None:
    """What `run` would meet before connecting: the data file, the database, and whether
    the two agree."""
    seed = read_seed(settings.seed)
    print(f"{settings.seed}: {len(seed.topics)} topics, {len(seed.claims)} claims, OK")
    for line in asyncio.run(check_database(settings)):
        print(line)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bot.py", description="Briefing Bot")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="connect and serve")
    sub.add_parser("sync", help="sync slash commands now, then exit")
    sub.add_parser("check", help="validate configuration and the curated data file")
    sub.add_parser("invite", help="print the link that adds the bot to a server")
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
        if args.command == "invite":
            print(invite_url(settings))
            return 0
        settings.token()  # fail before connecting, with the variable named
        setup_logging(settings)
        asyncio.run(run_bot(settings, sync_only=args.command == "sync"))
    except SettingsError as exc:
        return fail(f"error: {exc}", EXIT_SETTINGS)
    except BriefingError as exc:
        return fail(f"error: {exc}", EXIT_DATA)
    except discord.LoginFailure:
        return fail("error: DISCORD_TOKEN was rejected by Discord (401)", EXIT_TOKEN)
    except DiscordUnusable as exc:
        return fail(f"error: {exc}", EXIT_DISCORD)
    except discord.HTTPException as exc:  # after discord.py's retries, at login or sync
        base = settings.discord_api_base
        what = f"{exc.status} {exc.response.reason}"
        return fail(f"error: Discord at DISCORD_API_BASE {base} answered {what}", EXIT_DISCORD)
    except (aiohttp.ClientError, TimeoutError) as exc:
        base = settings.discord_api_base
        return fail(f"error: cannot reach Discord at DISCORD_API_BASE {base} ({exc})", EXIT_DISCORD)
    except KeyboardInterrupt:  # before the bot's own handler was installed
        return 130
    return 0


def fail(line: str, code: int) -> int:
    print(line, file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
