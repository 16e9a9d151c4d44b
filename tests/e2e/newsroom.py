"""A newsroom for end-to-end tests of the editorial desk: a home guild with an editor role
and an editors' channel, another guild whose admin is no editor, and the real bot."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox.emulator import ChannelSpec, Emulator, GuildSpec, MemberSpec, RoleSpec
from sandbox.launcher import SANDBOX_TOKEN, BotProcess

SCHEMA = Path(__file__).resolve().parents[3] / "shared" / "discord-api-spec" / "openapi.json"
ADMINISTRATOR = 1 << 3
MANAGE_MESSAGES = 1 << 13


@dataclass
class Newsroom:
    emu: Emulator
    bot: BotProcess
    database: Path
    home: GuildSpec
    elsewhere: GuildSpec
    editor: MemberSpec
    second_editor: MemberSpec
    member: MemberSpec
    moderator: MemberSpec  # Manage Messages but not the editor role: not an editor here
    outside_admin: MemberSpec  # Administrator of the other guild
    owner: MemberSpec  # the application's owner, in the home guild without any role

    @property
    def general(self) -> int:
        return self.home.channel("general").id

    @property
    def editors_channel(self) -> int:
        return self.home.channel("editors").id

    async def run(
        self,
        name: str,
        user: MemberSpec | None = None,
        *,
        guild: GuildSpec | None = None,
        force: bool = False,
        locale: str = "en-US",
        **options: Any,
    ) -> Any:
        guild = guild or self.home
        return await self.emu.run_command(
            user=user or self.editor,
            name=name,
            options=options,
            guild_id=guild.id,
            channel_id=guild.channel("general").id,
            force=force,
            locale=locale,
        )

    async def ask(
        self, name: str, locale: str = "en-US", user: MemberSpec | None = None, **options: Any
    ) -> Any:
        """/name as a member (not an editor) whose Discord speaks `locale`."""
        return await self.run(name, user or self.member, locale=locale, **options)

    def posts(self, channel_id: int) -> list[dict[str, Any]]:
        """What the bot posted in a channel itself (digests, reports), not its answers."""
        messages = self.emu.channel_messages(channel_id)
        return [m for m in messages if "interaction_metadata" not in m]

    def restarted(self, log_name: str, **env: str) -> BotProcess:
        """A new bot process on this newsroom's emulator and database, configured as the
        first (plus `env`); not started."""
        settings = {k: v for k, v in self.bot.env.items() if k.startswith("BRIEFING_")}
        return BotProcess.against(
            self.emu, self.database.parent, extra_env=settings | env, log_name=log_name
        )

    def dump(self) -> str:
        """Every row of every table, as SQL: equal dumps mean an unchanged store."""
        db = sqlite3.connect(f"{self.database.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return "\n".join(db.iterdump())
        finally:
            db.close()

    def claim_row(self, claim_id: str) -> sqlite3.Row:
        db = sqlite3.connect(f"{self.database.resolve().as_uri()}?mode=ro", uri=True)
        db.row_factory = sqlite3.Row
        try:
            row = db.execute("SELECT * FROM claims WHERE id = ?", (claim_id,)).fetchone()
            assert row is not None, claim_id
            return row  # type: ignore[no-any-return]
        finally:
            db.close()


def text_of(result: Any) -> str:
    """Everything a member reads in an answer: content and every embed's text."""
    parts = [result.content]
    for embed in result.embeds:
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
        parts.append((embed.get("footer") or {}).get("text", ""))
    return "\n".join(p for p in parts if p)


@asynccontextmanager
async def newsroom(
    tmp_path: Path, *, channels: tuple[ChannelSpec, ...] = (), **env: str
) -> AsyncIterator[Newsroom]:
    home = GuildSpec(
        name="Newsroom",
        channels=[ChannelSpec(name="general"), ChannelSpec(name="editors"), *channels],
        roles=[RoleSpec(name="editor", permissions=MANAGE_MESSAGES)],
    )
    elsewhere = GuildSpec(name="Elsewhere", channels=[ChannelSpec(name="general")])
    emu = Emulator(
        SANDBOX_TOKEN,
        guilds=[home, elsewhere],
        heartbeat_interval_ms=2000,
        schema_path=SCHEMA if SCHEMA.exists() else None,
    )
    await emu.start()
    editor_role = home.role("editor")
    extra = {
        "BRIEFING_HOME_GUILD_IDS": str(home.id),
        "BRIEFING_EDITOR_ROLE_IDS": str(editor_role.id),
        "BRIEFING_EDITOR_CHANNEL_ID": str(home.channel("editors").id),
    } | env
    bot = BotProcess.against(emu, tmp_path, extra_env=extra)
    room = Newsroom(
        emu=emu,
        bot=bot,
        database=tmp_path / "briefing.db",
        home=home,
        elsewhere=elsewhere,
        editor=emu.add_member(home.id, "erin", roles=["editor"]),
        second_editor=emu.add_member(home.id, "ed", roles=["editor"]),
        member=emu.add_member(home.id, "mia"),
        moderator=emu.add_member(home.id, "moe", permissions=MANAGE_MESSAGES),
        outside_admin=emu.add_member(elsewhere.id, "ada", permissions=ADMINISTRATOR),
        owner=emu.add_member(home.id, emu.owner),
    )
    await bot.start()
    try:
        await emu.wait_for_commands(timeout=30)
        await emu.wait_for_ready(timeout=30)
        await emu.wait_until(lambda: bool(emu.guild_commands.get(home.id)), 30, "/facts sync")
        yield room
    finally:
        await bot.stop()
        await emu.stop()
    assert emu.schema_violations == [], emu.schema_violations
    assert "Traceback" not in bot.log(), bot.log()
