"""`python bot.py sandbox`: arguments, the start-up banner, and the session's lifetime."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from sandbox.repl.completion import install_completion
from sandbox.repl.parsing import SandboxError, chat_commands
from sandbox.repl.session import Session
from sandbox.repl.world import CHANNELS, GUILD_NAME, World


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bot.py sandbox",
        description="Try the bot in a local Discord emulator: no token, no network.",
    )
    parser.add_argument(
        "--as",
        dest="role",
        choices=("member", "editor", "admin"),
        default="member",
        help="who 'you' are in the sandbox server (default: member)",
    )
    parser.add_argument(
        "--locale",
        choices=("ko", "uk", "ru"),
        help="your Discord language: commands and answers in Korean, Ukrainian or Russian",
    )
    parser.add_argument("--script", type=Path, help="run the lines of FILE instead of a prompt")
    parser.add_argument("--verbose", "-v", action="store_true", help="print the bot log's path")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    return parser.parse_args(list(argv))


def _script_lines(args: argparse.Namespace) -> Iterator[str] | None:
    """The lines to run when not interactive: --script FILE, or stdin when it is piped."""
    if args.script is not None:
        script: Path = args.script
        return iter(script.read_text(encoding="utf-8").splitlines())
    if not sys.stdin.isatty():
        return (line.rstrip("\n") for line in sys.stdin)
    return None


def _banner(world: World, role: str) -> str:
    commands = chat_commands(world.catalog())
    channels = ", ".join("#" + c for c in CHANNELS)
    language = ""
    if world.locale:
        language = f" Your Discord language is {world.locale}: " + " ".join(
            f"/{name}" for name in sorted(commands)
        )
    return (
        f"Sandbox: Briefing Bot is online in {GUILD_NAME} ({channels}); "
        f"{len(commands)} commands synced.\n"
        f'You are "you" ({role}). Type help for commands, quit to leave.{language}'
    )


def main(argv: Sequence[str]) -> int:
    """Entry point of `python bot.py sandbox [--as ROLE] [--locale ko|uk|ru] [--script FILE]
    [--verbose]`."""
    args = parse_args(argv)
    if args.script is not None and not args.script.is_file():
        print(f"error: no such script: {args.script}", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="briefing-sandbox-"))
    world = World(args.role, workdir, args.locale)
    try:
        try:
            world.start()
        except SandboxError as exc:
            print(f"{exc} Last 30 lines of its log:", file=sys.stderr)
            print(world.log_tail(30), file=sys.stderr)
            return 1
        if args.verbose:
            print(f"emulator: {world.api_base}\nbot log: {world.log_path}")
        lines = _script_lines(args)
        session = Session(world, lines=lines, out=sys.stdout)
        if lines is None:
            install_completion(session)
        print(_banner(world, args.role), flush=True)
        return session.loop()
    except KeyboardInterrupt:
        return 130
    finally:
        world.stop()
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
