"""Plain data model of the emulated Discord world (users, guilds, channels, messages)."""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

DISCORD_EPOCH_MS = 1420070400000

# Permission bits used by the emulator.
CREATE_INSTANT_INVITE = 1 << 0
ADMINISTRATOR = 1 << 3
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
CHANGE_NICKNAME = 1 << 26
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38
ALL_PERMISSIONS = (1 << 51) - 1

DEFAULT_EVERYONE_PERMISSIONS = (
    CREATE_INSTANT_INVITE
    | ADD_REACTIONS
    | VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_EXTERNAL_EMOJIS
    | CHANGE_NICKNAME
    | USE_APPLICATION_COMMANDS
    | SEND_MESSAGES_IN_THREADS
)
DEFAULT_BOT_PERMISSIONS = DEFAULT_EVERYONE_PERMISSIONS | MANAGE_MESSAGES


class SnowflakeGenerator:
    """Generates increasing Discord-style snowflakes from the current time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counter = itertools.count()
        self._last = 0

    def next(self) -> int:
        with self._lock:
            ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
            value = (ms << 22) | (1 << 17) | (next(self._counter) & 0xFFF)
            if value <= self._last:
                value = self._last + 1
            self._last = value
            return value


def iso_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def new_token(nbytes: int = 24) -> str:
    return secrets.token_urlsafe(nbytes)


@dataclass
class UserSpec:
    """A Discord user. ``id`` 0 means "assign one"."""

    username: str
    id: int = 0
    global_name: str | None = None
    bot: bool = False
    accepts_dms: bool = True

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "username": self.username,
            "global_name": self.global_name if self.global_name is not None else self.username,
            "discriminator": "0",
            "avatar": None,
            "public_flags": 0,
        }
        if self.bot:
            data["bot"] = True
        return data


@dataclass(frozen=True)
class Upload:
    """A file a member picks for an attachment option (type 11) of a slash command.

    ``run_command(options={"file": Upload("briefing.yaml", data, "application/x-yaml")})``:
    the emulator stores the bytes, serves them at the attachment's ``url`` and puts the
    attachment in ``data.resolved.attachments``, as Discord does.
    """

    filename: str
    data: bytes
    content_type: str = "application/octet-stream"

    def __repr__(self) -> str:
        return f"Upload({self.filename!r}, <{len(self.data)} bytes>, {self.content_type!r})"


@dataclass
class RoleSpec:
    name: str
    permissions: int = 0
    id: int = 0
    position: int = 1
    color: int = 0
    managed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": self.color,
            "colors": {
                "primary_color": self.color,
                "secondary_color": None,
                "tertiary_color": None,
            },
            "hoist": False,
            "managed": self.managed,
            "mentionable": False,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }


@dataclass
class ChannelSpec:
    """A guild channel. ``bot_can_view`` / ``bot_can_send`` control 403s for the bot."""

    name: str
    id: int = 0
    type: int = 0
    topic: str | None = None
    position: int = 0
    parent_id: int | None = None
    bot_can_view: bool = True
    bot_can_send: bool = True
    guild_id: int = 0

    def to_dict(self, bot_user_id: int | None = None) -> dict[str, Any]:
        overwrites: list[dict[str, Any]] = []
        if bot_user_id is not None and (not self.bot_can_view or not self.bot_can_send):
            deny = 0 if self.bot_can_view else VIEW_CHANNEL
            if not self.bot_can_send:
                deny |= SEND_MESSAGES
            overwrites.append({"id": str(bot_user_id), "type": 1, "allow": "0", "deny": str(deny)})
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "name": self.name,
            "position": self.position,
            "permission_overwrites": overwrites,
            "nsfw": False,
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "guild_id": str(self.guild_id),
            "flags": 0,
        }
        if self.type in (0, 5):
            data["topic"] = self.topic
            data["last_message_id"] = None
            data["rate_limit_per_user"] = 0
        return data


@dataclass
class MemberSpec:
    user: UserSpec
    guild_id: int
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=iso_now)

    @property
    def id(self) -> int:
        return self.user.id

    def to_dict(self, *, with_user: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "roles": [str(r) for r in self.roles],
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.to_dict()
        return data


@dataclass
class GuildSpec:
    """A guild. Roles and channels get ids assigned on registration when 0."""

    name: str
    id: int = 0
    channels: list[ChannelSpec] = field(default_factory=list)
    roles: list[RoleSpec] = field(default_factory=list)
    everyone_permissions: int = DEFAULT_EVERYONE_PERMISSIONS
    bot_permissions: int = DEFAULT_BOT_PERMISSIONS
    owner_id: int = 0
    locale: str = "en-US"
    members: dict[int, MemberSpec] = field(default_factory=dict)
    bot_role_id: int = 0

    def channel(self, key: int | str) -> ChannelSpec:
        for ch in self.channels:
            if ch.id == key or ch.name == key:
                return ch
        raise KeyError(f"no channel {key!r} in guild {self.name!r}")

    def role(self, key: int | str) -> RoleSpec:
        for role in self.roles:
            if role.id == key or role.name == key:
                return role
        raise KeyError(f"no role {key!r} in guild {self.name!r}")

    def everyone_role(self) -> RoleSpec:
        return RoleSpec(
            name="@everyone", permissions=self.everyone_permissions, id=self.id, position=0
        )

    def member_permissions(self, member: MemberSpec) -> int:
        if member.id == self.owner_id:
            return ALL_PERMISSIONS
        perms = self.everyone_permissions
        for role_id in member.roles:
            try:
                perms |= self.role(role_id).permissions
            except KeyError:
                continue
        if perms & ADMINISTRATOR:
            return ALL_PERMISSIONS
        return perms

    def channel_permissions(self, member: MemberSpec, channel: ChannelSpec, bot_id: int) -> int:
        perms = self.member_permissions(member)
        if perms == ALL_PERMISSIONS:
            return perms
        if member.id == bot_id:
            if not channel.bot_can_view:
                return 0
            if not channel.bot_can_send:
                perms &= ~SEND_MESSAGES
        return perms

    def to_dict(self, bot_user_id: int) -> dict[str, Any]:
        roles = [self.everyone_role(), *self.roles]
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "region": "us-east",
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [r.to_dict() for r in roles],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": self.locale,
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "max_members": 500000,
            "approximate_member_count": len(self.members),
        }

    def gateway_dict(self, bot_user_id: int) -> dict[str, Any]:
        data = self.to_dict(bot_user_id)
        data.update(
            {
                "unavailable": False,
                "large": False,
                "member_count": len(self.members),
                "joined_at": iso_now(),
                "members": [m.to_dict() for m in self.members.values()],
                "channels": [c.to_dict(bot_user_id) for c in self.channels],
                "threads": [],
                "presences": [],
                "voice_states": [],
                "stage_instances": [],
                "guild_scheduled_events": [],
                "soundboard_sounds": [],
            }
        )
        return data


@dataclass
class DMChannel:
    id: int
    recipient: UserSpec

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "type": 1,
            "last_message_id": None,
            "recipients": [self.recipient.to_dict()],
            "flags": 0,
        }


@dataclass
class RecordedRequest:
    """One HTTP request the bot sent to the emulator."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    time: float
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class SyncedCommand:
    """An application command as the bot registered it (global or per guild)."""

    id: int
    data: dict[str, Any]
    guild_id: int | None = None

    @property
    def name(self) -> str:
        return str(self.data["name"])

    @property
    def type(self) -> int:
        return int(self.data.get("type", 1))


@dataclass
class InteractionRecord:
    """An interaction the emulator dispatched, and what the bot did with it."""

    id: int
    token: str
    type: int
    payload: dict[str, Any]
    channel_id: int
    guild_id: int | None
    user: UserSpec
    created: float = field(default_factory=time.monotonic)
    created_wall: float = field(default_factory=time.time)
    source_message_id: int | None = None
    response_type: int | None = None
    callback_body: dict[str, Any] | None = None
    failed: bool = False
    failure: str | None = None
    original_message_id: int | None = None
    original_edits: int = 0
    followup_ids: list[int] = field(default_factory=list)
    choices: list[dict[str, Any]] | None = None
    modal: dict[str, Any] | None = None
    callback_attempts: int = 0

    @property
    def acknowledged(self) -> bool:
        return self.response_type is not None
