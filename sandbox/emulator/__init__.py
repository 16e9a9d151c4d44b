"""Loopback Discord emulator for testing a discord.py bot over real sockets."""

from .client import (
    ApplicationDidNotRespond,
    CommandNotFound,
    Emulator,
    InteractionResult,
)
from .faults import Fault, FaultQueue
from .gateway import GatewayLogEntry
from .ratelimit import RateLimitConfig
from .state import (
    ADMINISTRATOR,
    ALL_PERMISSIONS,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    ChannelSpec,
    GuildSpec,
    InteractionRecord,
    MemberSpec,
    RecordedRequest,
    RoleSpec,
    Upload,
    UserSpec,
)

__all__ = [
    "ADMINISTRATOR",
    "ALL_PERMISSIONS",
    "DEFAULT_BOT_PERMISSIONS",
    "DEFAULT_EVERYONE_PERMISSIONS",
    "ApplicationDidNotRespond",
    "ChannelSpec",
    "CommandNotFound",
    "Emulator",
    "Fault",
    "FaultQueue",
    "GatewayLogEntry",
    "GuildSpec",
    "InteractionRecord",
    "InteractionResult",
    "MemberSpec",
    "RateLimitConfig",
    "RecordedRequest",
    "RoleSpec",
    "Upload",
    "UserSpec",
]
