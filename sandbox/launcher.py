"""Start the real bot (`python bot.py run`) as a child process aimed at an emulator.

Used by the end-to-end tests, the benchmarks and `python bot.py sandbox`: the bot is the same
program a deployment runs, only DISCORD_API_BASE and DISCORD_GATEWAY_URL differ.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parent.parent

# Shaped like a real token (three base64url parts) so the bot's settings accept it;
# it is worthless anywhere but the emulator.
SANDBOX_TOKEN = "MTAwMDAwMDAwMDAwMDAwMDAx.c2FuZGJveA.c2FuZGJveC1ub3QtYS1yZWFsLXRva2Vu"


class Endpoints(Protocol):
    """Where a Discord (real or emulated) answers: what the bot needs to be pointed at it."""

    @property
    def api_base(self) -> str: ...

    @property
    def gateway_url(self) -> str: ...


class BotProcess:
    """The bot as a subprocess; its combined output goes to `log_path`."""

    def __init__(
        self,
        *,
        api_base: str,
        gateway_url: str,
        database: Path,
        log_path: Path,
        token: str = SANDBOX_TOKEN,
        extra_env: Mapping[str, str] | None = None,
        script: Path | None = None,
        command: str = "run",
        own_session: bool = False,
    ) -> None:
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "BRIEFING_"))},
            "DISCORD_TOKEN": token,
            "DISCORD_API_BASE": api_base,
            "DISCORD_GATEWAY_URL": gateway_url,
            "BRIEFING_DATABASE": str(database),
            "BRIEFING_SEED": str(ROOT / "data" / "briefing.yaml"),
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            **(extra_env or {}),
        }
        self.log_path = log_path
        self.script = script or ROOT / "bot.py"
        self.command = command
        # In its own session, Ctrl-C at an interactive prompt reaches the prompt, not the bot.
        self.own_session = own_session
        self.process: asyncio.subprocess.Process | None = None

    @classmethod
    def against(cls, emulator: Endpoints, folder: Path, **options: Any) -> BotProcess:
        """The bot aimed at `emulator`, with its database and log in `folder`."""
        return cls(
            api_base=emulator.api_base,
            gateway_url=emulator.gateway_url,
            database=folder / "briefing.db",
            log_path=folder / options.pop("log_name", "bot.log"),
            **options,
        )

    async def start(self) -> None:
        log = self.log_path.open("ab")
        try:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                str(self.script),
                self.command,
                cwd=str(ROOT),
                env=self.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=self.own_session,
            )
        finally:
            log.close()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    @property
    def returncode(self) -> int | None:
        return self.process.returncode if self.process else None

    async def stop(self, timeout: float = 10.0) -> int | None:  # noqa: ASYNC109
        """Ask for a clean shutdown (SIGINT, like Ctrl-C); kill if it does not come."""
        proc = self.process
        if proc is None or proc.returncode is not None:
            return proc.returncode if proc else None
        proc.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(proc.wait(), timeout)
        except TimeoutError:
            proc.kill()
            await proc.wait()
        return proc.returncode
