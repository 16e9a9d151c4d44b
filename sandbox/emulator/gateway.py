"""Gateway websocket: HELLO/IDENTIFY/READY/RESUME, heartbeats, dispatch with replay."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import WSMsgType, web

_log = logging.getLogger(__name__)

OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE = 3
OP_VOICE_STATE = 4
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11

INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12


@dataclass
class GatewayLogEntry:
    """One gateway frame: ``direction`` is "send" (emulator→bot) or "recv" (bot→emulator)."""

    direction: Literal["send", "recv"]
    op: int
    t: str | None
    s: int | None
    time: float
    d: Any = None


class _Compressor:
    def __init__(self, mode: str | None) -> None:
        self.mode = mode
        self._zlib: Any = None
        self._zstd: Any = None
        if mode == "zlib-stream":
            self._zlib = zlib.compressobj()
        elif mode == "zstd-stream":
            import zstandard  # type: ignore[import-not-found]  # only if discord.py picked it

            self._zstd = zstandard.ZstdCompressor().compressobj()

    def pack(self, text: str) -> str | bytes:
        raw = text.encode()
        if self._zlib is not None:
            return bytes(self._zlib.compress(raw) + self._zlib.flush(zlib.Z_SYNC_FLUSH))
        if self._zstd is not None:
            import zstandard

            return bytes(
                self._zstd.compress(raw) + self._zstd.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK)
            )
        return text


class Connection:
    def __init__(self, ws: web.WebSocketResponse, compress: str | None) -> None:
        self.ws = ws
        self.compressor = _Compressor(compress)
        self.session: Session | None = None
        self.closed = False

    async def send(self, payload: dict[str, Any]) -> bool:
        if self.closed or self.ws.closed:
            return False
        packed = self.compressor.pack(json.dumps(payload, separators=(",", ":")))
        try:
            if isinstance(packed, bytes):
                await self.ws.send_bytes(packed)
            else:
                await self.ws.send_str(packed)
        except (ConnectionError, RuntimeError):
            return False
        return True


@dataclass
class Session:
    session_id: str
    intents: int
    seq: int = 0
    buffer: list[dict[str, Any]] = field(default_factory=list)
    connection: Connection | None = None
    invalidated: bool = False
    shard: list[int] | None = None


class Gateway:
    """Websocket sessions. ``world`` callbacks supply READY / GUILD_CREATE payloads."""

    def __init__(
        self,
        *,
        token: Callable[[], str],
        ready_payload: Callable[[Session], dict[str, Any]],
        guild_payloads: Callable[[], list[dict[str, Any]]],
        members_chunk: Callable[[dict[str, Any]], list[dict[str, Any]]],
        heartbeat_interval_ms: int = 41250,
    ) -> None:
        self._token = token
        self._ready_payload = ready_payload
        self._guild_payloads = guild_payloads
        self._members_chunk = members_chunk
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.heartbeat_ack_delay = 0.04  # seconds: a plausible round trip to Discord
        self._acks: set[asyncio.Task[None]] = set()
        self.sessions: dict[str, Session] = {}
        self.connections: list[Connection] = []
        self.log: list[GatewayLogEntry] = []
        self.identify_count = 0
        self.resume_count = 0
        self.heartbeat_count = 0
        self.guilds_sent = False
        self.current: Session | None = None

    # ------------------------------------------------------------------ frames
    async def _ack_later(self, conn: Connection) -> None:
        await asyncio.sleep(self.heartbeat_ack_delay)
        await self._send(conn, {"op": OP_HEARTBEAT_ACK, "d": None, "s": None, "t": None})

    async def _send(self, conn: Connection, payload: dict[str, Any]) -> bool:
        self.log.append(
            GatewayLogEntry(
                "send",
                payload["op"],
                payload.get("t"),
                payload.get("s"),
                time.time(),
                payload.get("d"),
            )
        )
        return await conn.send(payload)

    async def dispatch(
        self, event: str, data: dict[str, Any], session: Session | None = None
    ) -> bool:
        """Dispatch an event to ``session`` (default: the live bot session). Buffered for RESUME."""
        session = session or self.current
        if session is None or session.invalidated:
            return False
        session.seq += 1
        payload = {"op": OP_DISPATCH, "t": event, "s": session.seq, "d": data}
        session.buffer.append(payload)
        if len(session.buffer) > 1000:
            del session.buffer[:-1000]
        if session.connection is not None:
            await self._send(session.connection, payload)
        return True

    def wants(self, intent: int) -> bool:
        return self.current is not None and bool(self.current.intents & intent)

    # ------------------------------------------------------------------ faults
    async def send_op(self, op: int, d: Any = None) -> int:
        """Send a raw opcode to every open connection; returns how many got it."""
        sent = 0
        for conn in list(self.connections):
            if await self._send(conn, {"op": op, "d": d, "s": None, "t": None}):
                sent += 1
        return sent

    async def reconnect(self) -> int:
        return await self.send_op(OP_RECONNECT)

    async def invalidate_session(self, resumable: bool) -> int:
        for conn in list(self.connections):
            if conn.session is not None and not resumable:
                conn.session.invalidated = True
                if self.current is conn.session:
                    self.current = None
        return await self.send_op(OP_INVALID_SESSION, resumable)

    async def close_connections(self, code: int = 4000) -> int:
        closed = 0
        for conn in list(self.connections):
            if not conn.ws.closed:
                await conn.ws.close(code=code, message=b"emulator close")
                closed += 1
        return closed

    async def shutdown(self) -> None:
        for conn in list(self.connections):
            conn.closed = True
            if not conn.ws.closed:
                await conn.ws.close(code=1001, message=b"going away")

    # ------------------------------------------------------------------ handler
    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        compress = request.query.get("compress")
        if compress not in (None, "zlib-stream", "zstd-stream"):
            await ws.close(code=4000, message=b"unknown compression")
            return ws
        try:
            conn = Connection(ws, compress)
        except ImportError:
            await ws.close(code=4000, message=b"zstd not available")
            return ws
        self.connections.append(conn)
        try:
            await self._send(
                conn,
                {
                    "op": OP_HELLO,
                    "d": {"heartbeat_interval": self.heartbeat_interval_ms, "_trace": ["emulator"]},
                    "s": None,
                    "t": None,
                },
            )
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    try:
                        payload = json.loads(msg.data)
                    except ValueError:
                        await ws.close(code=4002, message=b"Error while decoding payload.")
                        break
                    await self._on_frame(conn, payload)
                elif msg.type is WSMsgType.BINARY:
                    await ws.close(code=4002, message=b"Error while decoding payload.")
                    break
                else:
                    break
        finally:
            conn.closed = True
            if conn.session is not None and conn.session.connection is conn:
                conn.session.connection = None
            if conn in self.connections:
                self.connections.remove(conn)
        return ws

    async def _on_frame(self, conn: Connection, payload: dict[str, Any]) -> None:
        op = payload.get("op")
        d = payload.get("d")
        self.log.append(GatewayLogEntry("recv", int(op or -1), None, None, time.time(), d))
        if op == OP_HEARTBEAT:
            self.heartbeat_count += 1
            # After a round trip, as Discord does: an ACK sent at once can reach discord.py
            # before its keep-alive thread has noted when it sent the beat, and it then
            # measures the ACK against the beat before ("Can't keep up … 41 s behind").
            ack = asyncio.create_task(self._ack_later(conn))
            self._acks.add(ack)
            ack.add_done_callback(self._acks.discard)
        elif op == OP_IDENTIFY:
            await self._identify(conn, d or {})
        elif op == OP_RESUME:
            await self._resume(conn, d or {})
        elif op == OP_REQUEST_MEMBERS:
            await self._request_members(conn, d or {})
        elif op in (OP_PRESENCE, OP_VOICE_STATE):
            return
        else:
            await conn.ws.close(code=4001, message=b"Unknown opcode.")

    async def _identify(self, conn: Connection, d: dict[str, Any]) -> None:
        if d.get("token") != self._token():
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        if conn.session is not None:
            await conn.ws.close(code=4005, message=b"Already authenticated.")
            return
        if self.current is not None:
            # A fresh IDENTIFY supersedes the previous session.
            self.current.invalidated = True
        session = Session(
            session_id=secrets.token_hex(16), intents=int(d.get("intents", 0)), shard=d.get("shard")
        )
        self.sessions[session.session_id] = session
        session.connection = conn
        conn.session = session
        self.current = session
        self.identify_count += 1
        await self.dispatch("READY", self._ready_payload(session), session)
        for guild in self._guild_payloads():
            await self.dispatch("GUILD_CREATE", guild, session)
        self.guilds_sent = True

    async def _resume(self, conn: Connection, d: dict[str, Any]) -> None:
        session = self.sessions.get(str(d.get("session_id")))
        if d.get("token") != self._token():
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        if session is None or session.invalidated:
            await self._send(conn, {"op": OP_INVALID_SESSION, "d": False, "s": None, "t": None})
            return
        last = int(d.get("seq") or 0)
        if last > session.seq:
            await conn.ws.close(code=4007, message=b"Invalid seq.")
            return
        if session.connection is not None and session.connection is not conn:
            session.connection.closed = True
        session.connection = conn
        conn.session = session
        self.current = session
        self.resume_count += 1
        for payload in list(session.buffer):
            if int(payload["s"]) > last:
                await self._send(conn, payload)
        await self.dispatch("RESUMED", {"_trace": ["emulator"]}, session)

    async def _request_members(self, conn: Connection, d: dict[str, Any]) -> None:
        if conn.session is None:
            await conn.ws.close(code=4003, message=b"Not authenticated.")
            return
        members = self._members_chunk(d)
        await self.dispatch(
            "GUILD_MEMBERS_CHUNK",
            {
                "guild_id": str(d.get("guild_id")),
                "members": members,
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [],
                "nonce": d.get("nonce"),
            },
            conn.session,
        )
