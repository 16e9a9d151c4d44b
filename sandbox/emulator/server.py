"""The emulator core: world state, REST + gateway on one aiohttp server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from aiohttp import web

from .faults import FaultQueue
from .gateway import Gateway, Session
from .messages import MessageStore
from .ratelimit import RateLimitConfig, RateLimiter
from .rest import RestApi
from .schema import SchemaValidator
from .state import (
    ALL_PERMISSIONS,
    ChannelSpec,
    DMChannel,
    GuildSpec,
    InteractionRecord,
    MemberSpec,
    RecordedRequest,
    RoleSpec,
    SnowflakeGenerator,
    SyncedCommand,
    UserSpec,
)

API_PREFIX = "/api/v10"


class EmulatorServer(MessageStore):
    """Loopback Discord: one aiohttp server, REST under ``/api/v10``, gateway at ``/``."""

    def __init__(
        self,
        token: str = "emulator-bot-token",
        *,
        guilds: Sequence[GuildSpec] = (),
        bot_name: str = "EmulatedBot",
        application_id: int = 0,
        application_flags: int = 0,
        host: str = "127.0.0.1",
        port: int = 0,
        heartbeat_interval_ms: int = 41250,
        interaction_deadline: float = 3.0,
        interaction_token_ttl: float = 15 * 60.0,
        nonce_ttl: float = 300.0,
        rate_limits: RateLimitConfig | None = None,
        schema_path: str | Path | None = None,
    ) -> None:
        self.token = token
        self.host = host
        self._requested_port = port
        self.port = 0
        self.snowflakes = SnowflakeGenerator()
        self.application_id = application_id or self.snowflakes.next()
        self.application_flags = application_flags
        self.bot_user = UserSpec(username=bot_name, id=self.application_id, bot=True)
        self.owner = UserSpec(username="app-owner", id=self.snowflakes.next())
        self.interaction_deadline = interaction_deadline
        self.interaction_token_ttl = interaction_token_ttl
        self.nonce_ttl = nonce_ttl
        self.users: dict[int, UserSpec] = {self.bot_user.id: self.bot_user}
        self.guilds: dict[int, GuildSpec] = {}
        self.dm_channels: dict[int, DMChannel] = {}
        self.messages: dict[int, dict[int, dict[str, Any]]] = {}
        self.files: dict[int, bytes] = {}  # attachment id -> the bytes its url serves
        self.file_types: dict[int, str] = {}  # attachment id -> its content type
        self.nonces: dict[tuple[int, str], tuple[int, float]] = {}
        self.interactions: dict[int, InteractionRecord] = {}
        self.interactions_by_token: dict[str, InteractionRecord] = {}
        self.global_commands: list[SyncedCommand] = []
        self.guild_commands: dict[int, list[SyncedCommand]] = {}
        self.requests: list[RecordedRequest] = []
        self.unknown_requests: list[RecordedRequest] = []
        self.schema_violations: list[str] = []
        self.faults = FaultQueue()
        self.rate_limits = RateLimiter(rate_limits or RateLimitConfig())
        self.schema = SchemaValidator.maybe(schema_path)
        self.gateway = Gateway(
            token=lambda: self.token,
            ready_payload=self._ready_payload,
            guild_payloads=self._guild_payloads,
            members_chunk=self._members_chunk,
            heartbeat_interval_ms=heartbeat_interval_ms,
        )
        self._runner: web.AppRunner | None = None
        self._stopping = asyncio.Event()
        self._changed = asyncio.Event()
        for guild in guilds:
            self.add_guild(guild)

    # ------------------------------------------------------------------ lifecycle
    @property
    def api_base(self) -> str:
        return f"http://{self.host}:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/"

    async def start(self) -> None:
        self._stopping = asyncio.Event()
        rest = RestApi(self)
        app = web.Application(client_max_size=64 * 1024 * 1024, middlewares=self._middlewares())
        app.router.add_route("GET", "/", self._root)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", rest.handle)
        app.router.add_route("*", "/{tail:.*}", rest.handle_outside_api)
        self._runner = web.AppRunner(
            app, handle_signals=False, access_log=None, shutdown_timeout=0.5
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self._requested_port)
        await site.start()
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or []
        self.port = int(sockets[0].getsockname()[1])

    def _middlewares(self) -> list[Any]:
        """aiohttp middlewares around every request (none here; a subclass may add some)."""
        return []

    async def stop(self) -> None:
        self._stopping.set()
        await self.gateway.shutdown()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> EmulatorServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _root(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return await self.gateway.handle(request)
        return web.json_response({"message": "404: Not Found", "code": 0}, status=404)

    def notify(self) -> None:
        """Wake up anything waiting in :meth:`wait_until`."""
        self._changed.set()

    async def wait_until(
        self,
        predicate: Any,
        timeout: float,  # noqa: ASYNC109
        what: str = "condition",
    ) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), timeout=min(remaining, 0.05))
            except TimeoutError:
                pass

    # ------------------------------------------------------------------ world setup
    def add_guild(self, guild: GuildSpec) -> GuildSpec:
        guild.id = guild.id or self.snowflakes.next()
        guild.owner_id = guild.owner_id or self.owner.id
        for i, channel in enumerate(guild.channels):
            channel.id = channel.id or self.snowflakes.next()
            channel.guild_id = guild.id
            channel.position = channel.position or i
        for i, role in enumerate(guild.roles):
            role.id = role.id or self.snowflakes.next()
            role.position = role.position or i + 1
        bot_role = RoleSpec(
            name=self.bot_user.username,
            permissions=guild.bot_permissions,
            id=self.snowflakes.next(),
            position=len(guild.roles) + 1,
            managed=True,
        )
        guild.roles.append(bot_role)
        guild.bot_role_id = bot_role.id
        guild.members[self.bot_user.id] = MemberSpec(self.bot_user, guild.id, roles=[bot_role.id])
        self.guilds[guild.id] = guild
        return guild

    def guild(self, key: int | str) -> GuildSpec:
        for guild in self.guilds.values():
            if guild.id == key or guild.name == key:
                return guild
        raise KeyError(f"no guild {key!r}")

    def add_user(self, name: str, *, accepts_dms: bool = True) -> UserSpec:
        user = UserSpec(username=name, id=self.snowflakes.next(), accepts_dms=accepts_dms)
        self.users[user.id] = user
        return user

    def add_member(
        self,
        guild_id: int | str,
        name: str | UserSpec,
        *,
        permissions: int | None = None,
        roles: Iterable[int | str] = (),
        nick: str | None = None,
        administrator: bool = False,
        accepts_dms: bool = True,
    ) -> MemberSpec:
        """Add a member. ``permissions`` becomes a personal role; ``roles`` are names or ids.

        ``accepts_dms=False``: the member turned off DMs from server members, so the bot's
        posts to their DM channel get 403 / code 50007 (``user.accepts_dms`` switches it).
        """
        guild = self.guild(guild_id)
        user = name if isinstance(name, UserSpec) else self.add_user(name, accepts_dms=accepts_dms)
        self.users[user.id] = user
        role_ids = [guild.role(r).id for r in roles]
        if administrator:
            permissions = (permissions or 0) | (1 << 3)
        if permissions is not None:
            role = RoleSpec(
                name=f"{user.username}-permissions",
                permissions=permissions,
                id=self.snowflakes.next(),
                position=len(guild.roles) + 1,
            )
            guild.roles.append(role)
            role_ids.append(role.id)
        member = MemberSpec(user, guild.id, roles=role_ids, nick=nick)
        guild.members[user.id] = member
        return member

    def add_channel(self, guild_id: int | str, channel: ChannelSpec) -> ChannelSpec:
        guild = self.guild(guild_id)
        channel.id = channel.id or self.snowflakes.next()
        channel.guild_id = guild.id
        guild.channels.append(channel)
        return channel

    # ------------------------------------------------------------------ lookups
    def find_channel(
        self, channel_id: int
    ) -> tuple[GuildSpec | None, ChannelSpec | DMChannel] | None:
        dm = self.dm_channels.get(channel_id)
        if dm is not None:
            return None, dm
        for guild in self.guilds.values():
            for channel in guild.channels:
                if channel.id == channel_id:
                    return guild, channel
        return None

    def dm_channel_for(self, user: UserSpec) -> DMChannel:
        for dm in self.dm_channels.values():
            if dm.recipient.id == user.id:
                return dm
        dm = DMChannel(self.snowflakes.next(), user)
        self.dm_channels[dm.id] = dm
        return dm

    def bot_permissions_in(self, guild: GuildSpec, channel: ChannelSpec) -> int:
        return guild.channel_permissions(guild.members[self.bot_user.id], channel, self.bot_user.id)

    def commands_for(self, guild_id: int | None) -> list[SyncedCommand]:
        cmds = list(self.guild_commands.get(guild_id, [])) if guild_id else []
        return cmds + self.global_commands

    def find_message(self, message_id: int) -> dict[str, Any] | None:
        for msgs in self.messages.values():
            if message_id in msgs:
                return msgs[message_id]
        return None

    # ------------------------------------------------------------------ gateway payloads
    def _ready_payload(self, session: Session) -> dict[str, Any]:
        user = self.bot_user.to_dict()
        user.update({"verified": True, "mfa_enabled": False, "flags": 0, "email": None})
        data: dict[str, Any] = {
            "v": 10,
            "user": user,
            "guilds": [{"id": str(g), "unavailable": True} for g in self.guilds],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": self.application_flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "user_settings": {},
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["emulated"],
            "_trace": ["emulator"],
        }
        if session.shard is not None:
            data["shard"] = session.shard
        return data

    def _guild_payloads(self) -> list[dict[str, Any]]:
        return [g.gateway_dict(self.bot_user.id) for g in self.guilds.values()]

    def _members_chunk(self, d: dict[str, Any]) -> list[dict[str, Any]]:
        guild = self.guilds.get(int(d.get("guild_id") or 0))
        if guild is None:
            return []
        query = str(d.get("query") or "").lower()
        user_ids = {int(u) for u in d.get("user_ids") or []}
        limit = int(d.get("limit") or 0) or len(guild.members)
        out = []
        for member in guild.members.values():
            if user_ids and member.id not in user_ids:
                continue
            if query and not member.user.username.lower().startswith(query):
                continue
            out.append(member.to_dict())
        return out[:limit]

    # ------------------------------------------------------------------ payload pieces
    def member_payload(self, guild: GuildSpec, member: MemberSpec) -> dict[str, Any]:
        data = member.to_dict()
        data["permissions"] = str(guild.member_permissions(member))
        return data

    def channel_payload(
        self, guild: GuildSpec | None, channel: ChannelSpec | DMChannel
    ) -> dict[str, Any]:
        if isinstance(channel, DMChannel):
            return channel.to_dict()
        data = channel.to_dict(self.bot_user.id)
        if guild is not None:
            data["permissions"] = str(self.bot_permissions_in(guild, channel))
        return data

    def all_permissions(self) -> int:
        return ALL_PERMISSIONS
