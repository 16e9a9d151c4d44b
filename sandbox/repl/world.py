"""The sandbox's world: the emulator and the bot process, on an event loop in a thread."""

from __future__ import annotations

import asyncio
import copy
import os
import threading
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from dotenv import dotenv_values

from sandbox.emulator import (
    ChannelSpec,
    CommandNotFound,
    Emulator,
    GuildSpec,
    InteractionResult,
    MemberSpec,
    RoleSpec,
)
from sandbox.launcher import SANDBOX_TOKEN, BotProcess
from sandbox.repl.drawing import Names
from sandbox.repl.parsing import Invocation, SandboxError, localized, own_name, resolve_command
from sandbox.repl.values import option_values

T = TypeVar("T")

GUILD_NAME = "Sandbox News"
CHANNELS = ("general", "digests")
EDITOR_ROLE = "editor"
MANAGE_GUILD = 0x20
MANAGE_MESSAGES = 0x2000
STARTUP_TIMEOUT = 30.0
# After answering, a bot often goes on (a followup, a DM): wait until it has been quiet this
# long (at most SETTLE_MAX) so that what it sent shows with the answer, as in Discord.
SETTLE_QUIET = 0.15
SETTLE_MAX = 2.0


@dataclass
class Answer:
    """What the member sees after one interaction, copied out of the emulator's state."""

    response_type: int | None
    messages: list[tuple[dict[str, Any], str]]  # (message, note such as "updated")
    modal: dict[str, Any] | None
    result: InteractionResult


# The sandbox's own: its throwaway database and its emulated server. Everything else an
# operator set (the seed, the log level, the digest timeout…) applies as in a real run.
SANDBOX_OWNED = (
    "BRIEFING_DATABASE",
    "BRIEFING_HOME_GUILD_IDS",
    "BRIEFING_EDITOR_ROLE_IDS",
    "BRIEFING_EDITOR_CHANNEL_ID",
)


def operator_settings(folder: Path | None = None) -> dict[str, str]:
    """The bot's settings from the environment and `.env` (in `folder`, by default the
    current one, as `bot.py run` reads them), paths made absolute, less the sandbox's own."""
    here = folder or Path.cwd()
    found = {k: v for k, v in dotenv_values(here / ".env").items() if v is not None}
    found |= os.environ
    wanted = {
        k: v
        for k, v in found.items()
        if (k.startswith("BRIEFING_") or k == "LOG_LEVEL") and k not in SANDBOX_OWNED and v
    }
    if "BRIEFING_SEED" in wanted:  # the bot runs in the project folder, not here
        wanted["BRIEFING_SEED"] = str((here / wanted["BRIEFING_SEED"]).resolve())
    return wanted


class World:
    """The emulator and the bot process on an event loop in a background thread.

    Every method that touches the emulator runs on that loop (via `call`), because the loop
    mutates the same dictionaries while it serves the bot.
    """

    def __init__(self, role: str, workdir: Path, locale: str | None = None) -> None:
        self.role = role
        # The member's Discord language: commands show and answers come in it.
        self.locale = locale
        self.workdir = workdir
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.emu: Emulator | None = None
        self.bot: BotProcess | None = None
        self.guild = GuildSpec(
            GUILD_NAME,
            channels=[ChannelSpec(name) for name in CHANNELS],
            roles=[RoleSpec(EDITOR_ROLE, permissions=MANAGE_MESSAGES)],
        )
        self._you: MemberSpec | None = None
        self.seen_posts: set[str] = set()

    @property
    def log_path(self) -> Path:
        return self.workdir / "bot.log"

    def call(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run a coroutine on the world's loop and wait for its result here."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def read(self, fn: Callable[[], T]) -> T:
        """Run a plain function on the loop thread (a consistent view of the emulator)."""

        async def run() -> T:
            return fn()

        return self.call(run())

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Emulator up, bot started and synced; raises SandboxError with the log tail if not."""
        self.thread.start()
        self.call(self._start())

    async def _start(self) -> None:
        emu = self.emu = Emulator(SANDBOX_TOKEN, guilds=[self.guild], bot_name="Briefing Bot")
        await emu.start()
        editor = self.guild.role(EDITOR_ROLE)
        emu.add_member(self.guild.id, emu.owner)
        self._you = self._add_you(emu)
        self.bot = BotProcess(
            api_base=emu.api_base,
            gateway_url=emu.gateway_url,
            database=self.workdir / "briefing.db",
            log_path=self.log_path,
            extra_env=operator_settings()
            | {
                "BRIEFING_HOME_GUILD_IDS": str(self.guild.id),
                "BRIEFING_EDITOR_ROLE_IDS": str(editor.id),
            },
            own_session=True,
        )
        await self.bot.start()
        bot = self.bot

        def up() -> bool:
            ready = emu.gateway.current is not None and bool(emu.gateway.guilds_sent)
            synced = bool(emu.global_commands) or any(emu.guild_commands.values())
            return (ready and synced) or bot.returncode is not None

        try:
            await emu.wait_until(up, STARTUP_TIMEOUT, "the bot to sync and connect")
        except TimeoutError:
            raise SandboxError(f"The bot did not come up within {STARTUP_TIMEOUT:.0f} s.") from None
        if bot.returncode is not None:
            raise SandboxError(f"The bot exited during start-up (exit code {bot.returncode}).")

    def _add_you(self, emu: Emulator) -> MemberSpec:
        if self.role == "editor":
            return emu.add_member(self.guild.id, "you", roles=[EDITOR_ROLE])
        if self.role == "admin":
            return emu.add_member(self.guild.id, "you", permissions=MANAGE_GUILD)
        return emu.add_member(self.guild.id, "you")

    def stop(self) -> None:
        """Bot first (SIGINT, clean shutdown), then the emulator, then the loop."""
        if self.thread.is_alive():
            try:
                self.call(self._stop(), timeout=30)
            finally:
                self.loop.call_soon_threadsafe(self.loop.stop)
                self.thread.join(timeout=10)
        if not self.loop.is_running():
            self.loop.close()

    async def _stop(self) -> None:
        if self.bot is not None:
            await self.bot.stop()
        if self.emu is not None:
            await self.emu.stop()

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log was written)"
        return "\n".join(text.splitlines()[-lines:])

    def bot_exit_code(self) -> int | None:
        return self.read(lambda: self.bot.returncode if self.bot else None)

    # -- lookups ---------------------------------------------------------------------------

    @property
    def you(self) -> MemberSpec:
        """The member at the prompt, as chosen with --as."""
        if self._you is None:
            raise RuntimeError("the world is not started")
        return self._you

    @property
    def api_base(self) -> str:
        return self._emu.api_base

    @property
    def _emu(self) -> Emulator:
        if self.emu is None:
            raise RuntimeError("the world is not started")
        return self.emu

    def catalog(self, in_dm: bool = False) -> list[dict[str, Any]]:
        """The command JSON the bot synced, as seen in the guild (or in a DM).

        A command synced for the guild only carries its `guild_id`, as Discord returns it.
        """
        gid = None if in_dm else self.guild.id

        def commands() -> list[dict[str, Any]]:
            out = []
            for cmd in self._emu.commands_for(gid):
                data = copy.deepcopy(cmd.data)
                if cmd.guild_id is not None:
                    data["guild_id"] = str(cmd.guild_id)
                out.append(data)
            return localized(out, self.locale)

        return self.read(commands)

    def names(self) -> Names:
        def collect() -> Names:
            return Names(
                users={u.id: u.username for u in self._emu.users.values()},
                channels={c.id: c.name for c in self.guild.channels},
                roles={r.id: r.name for r in self.guild.roles},
            )

        return self.read(collect)

    def member(self, name: str) -> MemberSpec:
        """A member of the sandbox guild by name, created (as a plain member) if new."""

        def find_or_add() -> MemberSpec:
            for member in self.guild.members.values():
                if member.user.username.lower() == name.lower() and not member.user.bot:
                    return member
            return self._emu.add_member(self.guild.id, name)

        return self.read(find_or_add)

    def message(self, message_id: int) -> dict[str, Any] | None:
        return self.read(lambda: copy.deepcopy(self._emu.find_message(message_id)))

    def member_names(self) -> list[str]:
        return self.read(
            lambda: sorted(m.user.username for m in self.guild.members.values() if not m.user.bot)
        )

    def channel_names(self) -> list[str]:
        return [c.name for c in self.guild.channels]

    def _place(self, actor: MemberSpec, in_dm: bool) -> dict[str, Any]:
        if in_dm:
            return {"user": actor.user, "guild_id": None}
        return {"user": actor, "guild_id": self.guild.id, "channel_id": self.guild.channels[0].id}

    # -- actions ---------------------------------------------------------------------------

    def run(self, actor: MemberSpec, inv: Invocation, in_dm: bool) -> Answer:
        return self.call(self._run(actor, inv, in_dm))

    def _resolve(self, inv: Invocation, in_dm: bool) -> tuple[str, list[dict[str, Any]]]:
        """The command a line names where it is typed; a guild command is not in DMs."""
        catalog = [c.data for c in self._emu.commands_for(None if in_dm else self.guild.id)]
        catalog = localized(catalog, self.locale)
        top = inv.path[0].lower()
        if in_dm and all(c["name"] != top for c in catalog):
            if any(c.name == top for c in self._emu.guild_commands.get(self.guild.id, [])):
                raise SandboxError(
                    f"/{top} is a command of {GUILD_NAME} only: Discord does not offer it "
                    "in DMs. Run it without dm."
                )
        return resolve_command(catalog, inv.path)

    async def _run(self, actor: MemberSpec, inv: Invocation, in_dm: bool) -> Answer:
        name, options = self._resolve(inv, in_dm)
        values = self._own_names(options, option_values(self.guild, name, options, inv.options))
        try:
            result = await self._emu.run_command(
                name=name, options=values, locale=self._locale, **self._place(actor, in_dm)
            )
        except PermissionError as exc:
            raise SandboxError(f"Discord would not offer /{name} to you here ({exc}).") from None
        except (ValueError, CommandNotFound) as exc:
            raise SandboxError(f"Discord would refuse this: {exc}.") from None
        return await self._settled(result)

    @property
    def _locale(self) -> str:
        return self.locale or "en-US"

    @staticmethod
    def _own_names(options: list[dict[str, Any]], values: dict[str, Any]) -> dict[str, Any]:
        """Option values under the names the bot knows them by (typed in the member's
        language)."""
        by_name = {o["name"]: own_name(o) for o in options}
        return {by_name.get(k, k): v for k, v in values.items()}

    def autocomplete(
        self, actor: MemberSpec, inv: Invocation, in_dm: bool
    ) -> tuple[str, list[dict[str, Any]]]:
        """(focused option, the bot's choices) for the line's last option."""
        return self.call(self._autocomplete(actor, inv, in_dm))

    async def _autocomplete(
        self, actor: MemberSpec, inv: Invocation, in_dm: bool
    ) -> tuple[str, list[dict[str, Any]]]:
        name, options = self._resolve(inv, in_dm)
        focused = inv.last_option or next(
            (o["name"] for o in options if o.get("autocomplete")), None
        )
        option = next((o for o in options if o["name"] == focused), None)
        if option is None or not option.get("autocomplete"):
            if option is not None and option.get("choices"):
                return option["name"], list(option["choices"])
            raise SandboxError(f"/{name} has no autocomplete for {focused or 'any option'}.")
        typed = {**inv.options, option["name"]: inv.options.get(option["name"], "")}
        values = option_values(self.guild, name, options, typed, focused=option["name"])
        place = self._place(actor, in_dm)
        try:
            choices = await self._emu.autocomplete(
                name=name,
                options=self._own_names(options, values),
                focused=own_name(option),
                locale=self._locale,
                **place,
            )
        except PermissionError as exc:
            raise SandboxError(f"Discord would not offer /{name} to you here ({exc}).") from None
        except (ValueError, CommandNotFound) as exc:
            raise SandboxError(f"Discord would refuse this: {exc}.") from None
        return option["name"], choices

    def press(self, actor: MemberSpec, message_id: int, custom_id: str) -> Answer:
        async def press() -> Answer:
            try:
                result = await self._emu.press_button(
                    user=actor, message=message_id, custom_id=custom_id, locale=self._locale
                )
            except PermissionError as exc:
                if "disabled" in str(exc):
                    raise SandboxError("That button is disabled.") from None
                raise SandboxError(f"You cannot see that message: {exc}.") from None
            except LookupError as exc:
                raise SandboxError(f"Cannot press that: {exc}.") from None
            return await self._settled(result)

        return self.call(press())

    def submit(
        self, actor: MemberSpec, answer: Answer, values: dict[str, str | list[str]]
    ) -> Answer:
        async def submit() -> Answer:
            try:
                result = await self._emu.submit_modal(
                    user=actor, modal=answer.result, values=values, locale=self._locale
                )
            except (ValueError, LookupError, PermissionError) as exc:
                raise SandboxError(f"Discord would not send this form: {exc}.") from None
            return await self._settled(result)

        return self.call(submit())

    async def _settled(self, result: InteractionResult) -> Answer:
        """The answer, once the bot stopped sending requests for a moment."""
        emu, clock = self._emu, asyncio.get_running_loop().time
        deadline = clock() + SETTLE_MAX
        seen, quiet_since = len(emu.requests), clock()
        while clock() < deadline and clock() - quiet_since < SETTLE_QUIET:
            await asyncio.sleep(0.03)
            if len(emu.requests) != seen:
                seen, quiet_since = len(emu.requests), clock()
        return self._answer(result)

    def _answer(self, result: InteractionResult) -> Answer:
        record = result.record
        messages: list[tuple[dict[str, Any], str]] = []
        if record.response_type == 7 or (record.response_type == 6 and record.original_edits):
            if result.message is not None:
                messages.append((copy.deepcopy(result.message), "updated"))
        elif result.message is not None:
            messages.append((copy.deepcopy(result.message), ""))
        # The first followup after a deferral is the original message itself, edited.
        shown = {m["id"] for m, _ in messages}
        messages.extend((copy.deepcopy(m), "") for m in result.followups if m["id"] not in shown)
        modal = copy.deepcopy(result.modal) if record.response_type == 9 else None
        return Answer(record.response_type, messages, modal, result)

    def new_posts(self, channel: str | None = None) -> list[tuple[str, dict[str, Any]]]:
        """Bot posts (not interaction answers) not shown yet, oldest first."""

        def collect() -> list[tuple[str, dict[str, Any]]]:
            found = []
            for chan in self.guild.channels:
                if channel is not None and chan.name != channel:
                    continue
                for msg in self._emu.channel_messages(chan.id):
                    if "interaction_metadata" in msg or msg["id"] in self.seen_posts:
                        continue
                    found.append((chan.name, copy.deepcopy(msg)))
            return found

        return self.read(collect)

    def wait_for_post(self, channel: str | None, seconds: float) -> bool:
        """Block until the bot posts something not shown yet (in `channel`, or anywhere),
        for at most `seconds`; False if nothing came. Ctrl-C stops the wait."""
        emu = self._emu

        def arrived() -> bool:
            for chan in self.guild.channels:
                if channel is None or chan.name == channel:
                    for msg in emu.channel_messages(chan.id):
                        if "interaction_metadata" not in msg and msg["id"] not in self.seen_posts:
                            return True
            return False

        future = asyncio.run_coroutine_threadsafe(
            emu.wait_until(arrived, seconds, "a post"), self.loop
        )
        try:
            future.result()
        except TimeoutError:
            return False
        except KeyboardInterrupt:
            future.cancel()
            raise
        return True

    def mark_seen(self, posts: Sequence[tuple[str, dict[str, Any]]]) -> None:
        self.seen_posts.update(msg["id"] for _, msg in posts)

    # -- direct messages and files -----------------------------------------------------------

    def new_dms(self, actor: MemberSpec, *, everything: bool = False) -> list[dict[str, Any]]:
        """What the bot posted in `actor`'s DMs and was not shown yet (or `everything`)."""

        def collect() -> list[dict[str, Any]]:
            dms = self._emu.dms_to(actor)
            return [copy.deepcopy(m) for m in dms if everything or m["id"] not in self.seen_posts]

        return self.read(collect)

    def set_accepts_dms(self, actor: MemberSpec, accepts: bool) -> None:
        """Discord's "Allow direct messages from server members" for `actor`."""

        def switch() -> None:
            actor.user.accepts_dms = accepts

        self.read(switch)

    def attachment_bytes(self, attachment: dict[str, Any]) -> bytes:
        """The bytes a message's attachment serves (what Discord's Download gives)."""
        try:
            return self.read(lambda: self._emu.read_attachment(attachment))
        except LookupError:
            raise SandboxError(f"{attachment.get('filename')} is no longer available.") from None
