"""REST routes under ``/api/v10``: routing, auth, faults, rate limits, then handlers."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import limits
from .state import DMChannel, InteractionRecord, RecordedRequest, SyncedCommand

if TYPE_CHECKING:
    from .server import EmulatorServer

FileTuple = tuple[str, str, bytes]


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    # discord.py only parses JSON when Content-Type is exactly "application/json".
    hdrs = {"Content-Type": "application/json"}
    hdrs.update(headers or {})
    return web.Response(body=json.dumps(data).encode(), status=status, headers=hdrs)


def error(status: int, code: int, message: str, **extra: Any) -> web.Response:
    return json_response({"message": message, "code": code, **extra}, status)


def not_found() -> web.Response:
    return error(404, 0, "404: Not Found")


@dataclass
class Ctx:
    request: web.Request
    method: str
    path: str
    params: dict[str, str]
    body: Any
    files: list[FileTuple] = field(default_factory=list)
    record: RecordedRequest | None = None

    def int_param(self, name: str) -> int:
        try:
            return int(self.params[name])
        except ValueError:
            return -1


Handler = Callable[[Ctx], Awaitable[web.Response]]


@dataclass
class Route:
    method: str
    template: str
    handler: Handler
    auth: bool = True
    global_exempt: bool = False
    regex: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.template))
        self.regex = re.compile(f"^{pattern}$")

    def major(self, params: dict[str, str]) -> str:
        for key in ("channel_id", "guild_id", "interaction_id"):
            if key in params:
                return params[key]
        if "webhook_id" in params:
            return f"{params['webhook_id']}:{params.get('webhook_token', '')}"
        return ""


class RestApi:
    def __init__(self, core: EmulatorServer) -> None:
        self.core = core
        r = self._routes = []  # type: list[Route]
        add = r.append
        add(Route("GET", "/users/@me", self.get_me))
        add(Route("GET", "/users/{user_id}", self.get_user))
        add(Route("POST", "/users/@me/channels", self.create_dm))
        add(Route("GET", "/oauth2/applications/@me", self.get_application))
        add(Route("GET", "/applications/@me", self.get_application))
        add(Route("GET", "/gateway", self.get_gateway, auth=False))
        add(Route("GET", "/gateway/bot", self.get_gateway_bot))
        for scope in (
            "/applications/{application_id}",
            "/applications/{application_id}/guilds/{guild_id}",
        ):
            add(Route("GET", scope + "/commands", self.get_commands))
            add(Route("PUT", scope + "/commands", self.put_commands))
            add(Route("POST", scope + "/commands", self.post_command))
            add(Route("GET", scope + "/commands/{command_id}", self.get_command))
            add(Route("DELETE", scope + "/commands/{command_id}", self.delete_command))
        add(
            Route(
                "POST",
                "/interactions/{interaction_id}/{interaction_token}/callback",
                self.interaction_callback,
                auth=False,
                global_exempt=True,
            )
        )
        wh = "/webhooks/{webhook_id}/{webhook_token}"
        add(Route("POST", wh, self.webhook_execute, auth=False))
        for suffix in ("/messages/@original", "/messages/{message_id}"):
            add(Route("GET", wh + suffix, self.webhook_get_message, auth=False))
            add(Route("PATCH", wh + suffix, self.webhook_edit_message, auth=False))
            add(Route("DELETE", wh + suffix, self.webhook_delete_message, auth=False))
        add(Route("GET", "/channels/{channel_id}", self.get_channel))
        add(Route("GET", "/channels/{channel_id}/messages", self.list_messages))
        add(Route("POST", "/channels/{channel_id}/messages", self.create_message))
        add(Route("GET", "/channels/{channel_id}/messages/{message_id}", self.get_message))
        add(Route("PATCH", "/channels/{channel_id}/messages/{message_id}", self.edit_message))
        add(Route("DELETE", "/channels/{channel_id}/messages/{message_id}", self.delete_message))
        add(
            Route(
                "PUT",
                "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me",
                self.add_reaction,
            )
        )
        add(Route("POST", "/channels/{channel_id}/typing", self.typing))
        add(Route("GET", "/guilds/{guild_id}", self.get_guild))
        add(Route("GET", "/guilds/{guild_id}/channels", self.get_guild_channels))
        add(Route("GET", "/guilds/{guild_id}/roles", self.get_guild_roles))
        add(Route("GET", "/guilds/{guild_id}/members/{user_id}", self.get_member))

    # ------------------------------------------------------------------ plumbing
    async def handle_outside_api(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        m = re.match(r"^/attachments/(\d+)/", path)
        if request.method == "GET" and m and int(m.group(1)) in self.core.files:
            return web.Response(body=self.core.files[int(m.group(1))])
        rec = RecordedRequest(request.method, path, dict(request.query), None, time.time(), 404)
        self.core.requests.append(rec)
        self.core.unknown_requests.append(rec)
        return not_found()

    async def _read_body(self, request: web.Request) -> tuple[Any, list[FileTuple]]:
        if not request.can_read_body:
            return None, []
        if request.content_type == "multipart/form-data":
            body: Any = None
            files: list[FileTuple] = []
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                if not isinstance(part, web.BodyPartReader):
                    continue
                data = await part.read()
                if part.name == "payload_json":
                    body = json.loads(data.decode())
                else:
                    files.append(
                        (
                            part.filename or part.name or "file",
                            part.headers.get("Content-Type", "application/octet-stream"),
                            bytes(data),
                        )
                    )
            return body, files
        raw = await request.read()
        if not raw:
            return None, []
        try:
            return json.loads(raw), []
        except ValueError:
            return raw.decode(errors="replace"), []

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body, files = await self._read_body(request)
        rec = RecordedRequest(
            request.method,
            path,
            dict(request.query),
            body,
            time.time(),
            headers={
                k: v
                for k, v in request.headers.items()
                if k.lower() in ("content-type", "x-audit-log-reason", "user-agent")
            },
        )
        self.core.requests.append(rec)
        try:
            response = await self._handle(request, path, body, files, rec)
        except asyncio.CancelledError:
            rec.status = -1
            raise
        rec.status = response.status
        self.core.notify()
        return response

    async def _handle(
        self,
        request: web.Request,
        path: str,
        body: Any,
        files: list[FileTuple],
        rec: RecordedRequest,
    ) -> web.StreamResponse:
        core = self.core
        fault = core.faults.take(request.method, path)
        if fault is not None:
            if fault.kind == "status":
                return error(fault.status, 0, f"{fault.status}: injected fault")
            if fault.kind == "ratelimit":
                headers = {
                    "Via": "1.1 google",
                    "Retry-After": str(max(1, round(fault.retry_after))),
                    "X-RateLimit-Scope": "global" if fault.global_ else "user",
                }
                if fault.global_:
                    headers["X-RateLimit-Global"] = "true"
                data = {
                    "message": "You are being rate limited.",
                    "retry_after": fault.retry_after,
                    "global": fault.global_,
                }
                return json_response(data, 429, headers)
            if fault.kind == "delay":
                await asyncio.sleep(fault.delay)
            elif fault.kind == "hang":
                await core._stopping.wait()
                return error(503, 0, "emulator stopped")
            elif fault.kind == "drop":
                if request.transport is not None:
                    request.transport.abort()
                rec.status = -1
                raise asyncio.CancelledError()

        route, params, method_mismatch = self._match(request.method, path)
        if route is None:
            core.unknown_requests.append(rec)
            if method_mismatch:
                return error(405, 0, "405: Method Not Allowed")
            return not_found()
        if route.auth and request.headers.get("Authorization") != f"Bot {core.token}":
            return error(401, 0, "401: Unauthorized")
        if not route.global_exempt:
            decision = core.rate_limits.check_global()
            if not decision.allowed:
                return json_response(decision.body, 429, decision.headers)
        decision = core.rate_limits.check_route(
            f"{route.method} {route.template}", route.major(params)
        )
        if not decision.allowed:
            return json_response(decision.body, 429, decision.headers)
        if core.schema is not None and body is not None and not isinstance(body, str):
            core.schema_violations.extend(core.schema.validate(route.method, route.template, body))
        ctx = Ctx(request, request.method, path, params, body, files, rec)
        response = await route.handler(ctx)
        for key, value in decision.headers.items():
            response.headers[key] = value
        return response

    def _match(self, method: str, path: str) -> tuple[Route | None, dict[str, str], bool]:
        mismatch = False
        for route in self._routes:
            m = route.regex.match(path)
            if m is None:
                continue
            params = m.groupdict()
            if route.method != method:
                mismatch = True
                continue
            # "@me"/"@original" literals must not be captured as ids.
            if any(v.startswith("@") for k, v in params.items() if k != "webhook_token"):
                continue
            return route, params, False
        return None, {}, mismatch

    # ------------------------------------------------------------------ users / app
    async def get_me(self, ctx: Ctx) -> web.Response:
        user = self.core.bot_user.to_dict()
        user.update({"verified": True, "mfa_enabled": False, "flags": 0, "email": None})
        return json_response(user)

    async def get_user(self, ctx: Ctx) -> web.Response:
        user = self.core.users.get(ctx.int_param("user_id"))
        if user is None:
            return error(404, 10013, "Unknown User")
        return json_response(user.to_dict())

    async def create_dm(self, ctx: Ctx) -> web.Response:
        body = ctx.body if isinstance(ctx.body, dict) else {}
        try:
            user = self.core.users.get(int(body.get("recipient_id", 0)))
        except (TypeError, ValueError):
            user = None
        if user is None:
            return error(
                400,
                50035,
                "Invalid Form Body",
                errors={
                    "recipient_id": {
                        "_errors": [
                            {"code": "NUMBER_TYPE_COERCE", "message": "Value is not a known user."}
                        ]
                    }
                },
            )
        return json_response(self.core.dm_channel_for(user).to_dict())

    async def get_application(self, ctx: Ctx) -> web.Response:
        core = self.core
        return json_response(
            {
                "id": str(core.application_id),
                "name": core.bot_user.username,
                "icon": None,
                "description": "",
                "summary": "",
                "type": None,
                "hook": True,
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "flags": core.application_flags,
                "owner": core.owner.to_dict(),
                "team": None,
                "bot": core.bot_user.to_dict(),
                "rpc_origins": [],
                "redirect_uris": [],
                "tags": [],
                "interactions_endpoint_url": None,
                "approximate_guild_count": len(core.guilds),
            }
        )

    async def get_gateway(self, ctx: Ctx) -> web.Response:
        return json_response({"url": self.core.gateway_url.rstrip("/")})

    async def get_gateway_bot(self, ctx: Ctx) -> web.Response:
        return json_response(
            {
                "url": self.core.gateway_url.rstrip("/"),
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 14_400_000,
                    "max_concurrency": 1,
                },
            }
        )

    # ------------------------------------------------------------------ commands
    def _command_scope(
        self, ctx: Ctx
    ) -> tuple[list[SyncedCommand] | None, int | None, web.Response | None]:
        if ctx.int_param("application_id") != self.core.application_id:
            return None, None, error(403, 50001, "Missing Access")
        if "guild_id" in ctx.params:
            gid = ctx.int_param("guild_id")
            if gid not in self.core.guilds:
                return None, None, error(403, 50001, "Missing Access")
            return self.core.guild_commands.setdefault(gid, []), gid, None
        return self.core.global_commands, None, None

    def _command_dict(self, cmd: SyncedCommand) -> dict[str, Any]:
        data = {
            "id": str(cmd.id),
            "application_id": str(self.core.application_id),
            "version": str(cmd.id),
            "type": 1,
            "default_member_permissions": None,
            "nsfw": False,
            "options": [],
            "contexts": None,
            "integration_types": [0],
            "description_localizations": None,
            "name_localizations": None,
            **cmd.data,
        }
        data["id"] = str(cmd.id)
        if cmd.guild_id is not None:
            data["guild_id"] = str(cmd.guild_id)
        if "description" not in data:
            data["description"] = ""
        return data

    async def get_commands(self, ctx: Ctx) -> web.Response:
        cmds, _, err = self._command_scope(ctx)
        if err is not None or cmds is None:
            return err or not_found()
        return json_response([self._command_dict(c) for c in cmds])

    async def get_command(self, ctx: Ctx) -> web.Response:
        cmds, _, err = self._command_scope(ctx)
        if err is not None or cmds is None:
            return err or not_found()
        for cmd in cmds:
            if cmd.id == ctx.int_param("command_id"):
                return json_response(self._command_dict(cmd))
        return error(404, 10063, "Unknown application command")

    async def put_commands(self, ctx: Ctx) -> web.Response:
        cmds, gid, err = self._command_scope(ctx)
        if err is not None or cmds is None:
            return err or not_found()
        problem = limits.check_commands(ctx.body)
        if problem is not None:
            return json_response(problem, 400)
        old = {(c.type, c.name): c.id for c in cmds}
        new = []
        for data in ctx.body:
            key = (int(data.get("type", 1)), str(data["name"]))
            new.append(SyncedCommand(old.get(key) or self.core.snowflakes.next(), dict(data), gid))
        cmds[:] = new
        self.core.notify()
        return json_response([self._command_dict(c) for c in cmds])

    async def post_command(self, ctx: Ctx) -> web.Response:
        cmds, gid, err = self._command_scope(ctx)
        if err is not None or cmds is None:
            return err or not_found()
        problem = limits.check_commands([ctx.body] if isinstance(ctx.body, dict) else ctx.body)
        if problem is not None:
            return json_response(problem, 400)
        key = (int(ctx.body.get("type", 1)), str(ctx.body["name"]))
        for i, cmd in enumerate(cmds):
            if (cmd.type, cmd.name) == key:
                cmds[i] = SyncedCommand(cmd.id, dict(ctx.body), gid)
                return json_response(self._command_dict(cmds[i]))
        cmd = SyncedCommand(self.core.snowflakes.next(), dict(ctx.body), gid)
        cmds.append(cmd)
        self.core.notify()
        return json_response(self._command_dict(cmd), 201)

    async def delete_command(self, ctx: Ctx) -> web.Response:
        cmds, _, err = self._command_scope(ctx)
        if err is not None or cmds is None:
            return err or not_found()
        for cmd in list(cmds):
            if cmd.id == ctx.int_param("command_id"):
                cmds.remove(cmd)
                return web.Response(status=204)
        return error(404, 10063, "Unknown application command")

    # ------------------------------------------------------------------ interactions
    async def interaction_callback(self, ctx: Ctx) -> web.Response:
        core = self.core
        itx = core.interactions.get(ctx.int_param("interaction_id"))
        if itx is None or itx.token != ctx.params["interaction_token"]:
            return error(404, 10062, "Unknown interaction")
        itx.callback_attempts += 1
        if itx.acknowledged:
            return error(400, 40060, "Interaction has already been acknowledged.")
        if itx.failed or time.monotonic() - itx.created > core.interaction_deadline:
            if not itx.failed:
                itx.failed = True
                itx.failure = "The application did not respond"
                core.notify()
            return error(404, 10062, "Unknown interaction")
        body = ctx.body if isinstance(ctx.body, dict) else {}
        rtype = body.get("type")
        allowed = {
            2: {4, 5, 9},
            3: {4, 5, 6, 7, 9},
            4: {8},
            5: {4, 5, 6, 7} if itx.source_message_id else {4, 5},
        }.get(itx.type, set())
        if rtype not in allowed:
            return json_response(
                limits.form_error(
                    {
                        "type": {
                            "_errors": [
                                {
                                    "code": "INTERACTION_RESPONSE_TYPE_INVALID",
                                    "message": "Interaction response type is invalid",
                                }
                            ]
                        }
                    }
                ),
                400,
            )
        data = body.get("data") or {}
        problem: dict[str, Any] | None = None
        if rtype in (4, 7):
            problem = limits.check_message(data, prefix=("data",), require_content=rtype == 4)
        elif rtype == 8:
            problem = limits.check_autocomplete(data)
        elif rtype == 9:
            problem = limits.check_modal(data)
        if problem is not None:
            return json_response(problem, 400)

        itx.response_type = int(rtype)
        itx.callback_body = body
        message: dict[str, Any] | None = None
        ephemeral = bool(int(data.get("flags") or 0) & 64)
        if rtype == 4:
            message = core.build_message(
                itx.channel_id, data, guild_id=itx.guild_id, files=ctx.files, interaction=itx
            )
            itx.original_message_id = int(message["id"])
            await core.emit_message_event("MESSAGE_CREATE", message)
        elif rtype == 5:
            message = core.build_message(
                itx.channel_id,
                {},
                guild_id=itx.guild_id,
                interaction=itx,
                flags=128 | (64 if ephemeral else 0),
            )
            itx.original_message_id = int(message["id"])
            await core.emit_message_event("MESSAGE_CREATE", message)
        elif rtype in (6, 7):
            itx.original_message_id = itx.source_message_id
            if itx.source_message_id is not None:
                message = core.find_message(itx.source_message_id)
                if rtype == 7 and message is not None:
                    core.edit_message(message, data, ctx.files)
                    await core.emit_message_event("MESSAGE_UPDATE", message)
        elif rtype == 8:
            itx.choices = list(data.get("choices") or [])
        elif rtype == 9:
            itx.modal = dict(data)
        core.notify()
        interaction: dict[str, Any] = {"id": str(itx.id), "type": itx.type}
        resource: dict[str, Any] = {"type": rtype}
        if message is not None:
            interaction["response_message_id"] = message["id"]
            interaction["response_message_loading"] = rtype == 5
            interaction["response_message_ephemeral"] = bool(int(message.get("flags", 0)) & 64)
            if rtype in (4, 7):
                resource["message"] = message
        return json_response({"interaction": interaction, "resource": resource})

    def _webhook_interaction(
        self, ctx: Ctx
    ) -> tuple[InteractionRecord | None, web.Response | None]:
        core = self.core
        itx = core.interactions_by_token.get(ctx.params["webhook_token"])
        if itx is None or ctx.int_param("webhook_id") != core.application_id:
            return None, error(404, 10015, "Unknown Webhook")
        if time.time() - itx.created_wall > core.interaction_token_ttl:
            return None, error(401, 50027, "Invalid Webhook Token")
        if not itx.acknowledged:
            return None, error(404, 10015, "Unknown Webhook")
        return itx, None

    def _webhook_target(
        self, ctx: Ctx, itx: InteractionRecord
    ) -> tuple[dict[str, Any] | None, web.Response | None]:
        if ctx.path.endswith("/@original"):
            mid = itx.original_message_id
        else:
            mid = ctx.int_param("message_id")
            if mid not in itx.followup_ids and mid != itx.original_message_id:
                return None, error(404, 10008, "Unknown Message")
        msg = self.core.find_message(mid) if mid is not None else None
        if msg is None:
            return None, error(404, 10008, "Unknown Message")
        return msg, None

    async def webhook_execute(self, ctx: Ctx) -> web.Response:
        itx, err = self._webhook_interaction(ctx)
        if itx is None:
            return err or not_found()
        body = ctx.body if isinstance(ctx.body, dict) else {}
        problem = limits.check_message(body if ctx.files == [] else {**body, "attachments": [1]})
        if problem is not None:
            return json_response(problem, 400)
        pending = self._pending_deferral(itx)
        if pending is not None:
            # Discord: the first followup after a deferral replaces the "thinking…" message
            # and keeps the deferral's visibility, whatever flags the followup asked for.
            keep = int(pending.get("flags") or 0) & 64
            self.core.edit_message(
                pending, {k: v for k, v in body.items() if k != "flags"}, ctx.files
            )
            pending["flags"] = keep
            itx.original_edits += 1
            itx.followup_ids.append(int(pending["id"]))
            await self.core.emit_message_event("MESSAGE_UPDATE", pending)
            msg = pending
        else:
            msg = self.core.build_message(
                itx.channel_id, body, guild_id=itx.guild_id, files=ctx.files, interaction=itx
            )
            itx.followup_ids.append(int(msg["id"]))
            await self.core.emit_message_event("MESSAGE_CREATE", msg)
        if ctx.request.query.get("wait", "").lower() in ("true", "1"):
            return json_response(msg)
        return web.Response(status=204)

    def _pending_deferral(self, itx: InteractionRecord) -> dict[str, Any] | None:
        """The deferred "thinking…" message still waiting for its answer, if any."""
        if itx.response_type != 5 or itx.original_edits or itx.original_message_id is None:
            return None
        message = self.core.find_message(itx.original_message_id)
        if message is None or not int(message.get("flags") or 0) & 128:
            return None  # deleted, or already answered
        return message

    def _webhook_message(
        self, ctx: Ctx
    ) -> tuple[InteractionRecord | None, dict[str, Any] | None, web.Response]:
        """The interaction a webhook route names and the message it targets, or an error."""
        itx, err = self._webhook_interaction(ctx)
        if itx is None:
            return None, None, err or not_found()
        msg, err = self._webhook_target(ctx, itx)
        return itx, msg, err or not_found()

    async def webhook_get_message(self, ctx: Ctx) -> web.Response:
        _, msg, err = self._webhook_message(ctx)
        return json_response(msg) if msg is not None else err

    async def webhook_edit_message(self, ctx: Ctx) -> web.Response:
        itx, msg, err = self._webhook_message(ctx)
        if itx is None or msg is None:
            return err
        body = ctx.body if isinstance(ctx.body, dict) else {}
        problem = limits.check_message(body, require_content=False)
        if problem is not None:
            return json_response(problem, 400)
        self.core.edit_message(msg, body, ctx.files)
        if int(msg["id"]) == itx.original_message_id:
            itx.original_edits += 1
        await self.core.emit_message_event("MESSAGE_UPDATE", msg)
        return json_response(msg)

    async def webhook_delete_message(self, ctx: Ctx) -> web.Response:
        _, msg, err = self._webhook_message(ctx)
        if msg is None:
            return err
        self.core.messages.get(int(msg["channel_id"]), {}).pop(int(msg["id"]), None)
        await self.core.emit_message_event("MESSAGE_DELETE", msg)
        self.core.notify()
        return web.Response(status=204)

    # ------------------------------------------------------------------ channels
    def _channel(self, ctx: Ctx, *, send: bool = False) -> tuple[Any, Any, web.Response | None]:
        found = self.core.find_channel(ctx.int_param("channel_id"))
        if found is None:
            return None, None, error(404, 10003, "Unknown Channel")
        guild, channel = found
        if isinstance(channel, DMChannel):
            if send and not channel.recipient.accepts_dms:
                return None, None, error(403, 50007, "Cannot send messages to this user")
            return guild, channel, None
        if not channel.bot_can_view:
            return None, None, error(403, 50001, "Missing Access")
        if send and not channel.bot_can_send:
            return None, None, error(403, 50013, "Missing Permissions")
        return guild, channel, None

    async def get_channel(self, ctx: Ctx) -> web.Response:
        guild, channel, err = self._channel(ctx)
        if err is not None:
            return err
        return json_response(self.core.channel_payload(guild, channel))

    async def list_messages(self, ctx: Ctx) -> web.Response:
        _, channel, err = self._channel(ctx)
        if err is not None:
            return err
        limit = int(ctx.request.query.get("limit", "50"))
        msgs = [
            m
            for m in self.core.messages.get(channel.id, {}).values()
            if not int(m.get("flags", 0)) & 64
        ]
        return json_response(list(reversed(msgs))[:limit])

    async def create_message(self, ctx: Ctx) -> web.Response:
        guild, channel, err = self._channel(ctx, send=True)
        if err is not None:
            return err
        body = ctx.body if isinstance(ctx.body, dict) else {}
        problem = limits.check_message(body if not ctx.files else {**body, "attachments": [1]})
        if problem is not None:
            return json_response(problem, 400)
        core = self.core
        nonce = body.get("nonce")
        now = time.time()
        if nonce is not None and body.get("enforce_nonce"):
            seen = core.nonces.get((channel.id, str(nonce)))
            if seen is not None and now - seen[1] < core.nonce_ttl:
                existing = core.find_message(seen[0])
                if existing is not None:
                    return json_response(existing)
        msg = core.build_message(
            channel.id, body, guild_id=guild.id if guild else None, files=ctx.files
        )
        if nonce is not None:
            core.nonces[(channel.id, str(nonce))] = (int(msg["id"]), now)
        await core.emit_message_event("MESSAGE_CREATE", msg)
        return json_response(msg)

    def _message(self, ctx: Ctx, channel_id: int) -> dict[str, Any] | None:
        return self.core.messages.get(channel_id, {}).get(ctx.int_param("message_id"))

    async def get_message(self, ctx: Ctx) -> web.Response:
        _, channel, err = self._channel(ctx)
        if err is not None:
            return err
        msg = self._message(ctx, channel.id)
        if msg is None or int(msg.get("flags", 0)) & 64:
            return error(404, 10008, "Unknown Message")
        return json_response(msg)

    async def edit_message(self, ctx: Ctx) -> web.Response:
        _, channel, err = self._channel(ctx)
        if err is not None:
            return err
        msg = self._message(ctx, channel.id)
        if msg is None:
            return error(404, 10008, "Unknown Message")
        if msg["author"]["id"] != str(self.core.bot_user.id):
            return error(403, 50005, "Cannot edit a message authored by another user")
        body = ctx.body if isinstance(ctx.body, dict) else {}
        problem = limits.check_message(body, require_content=False)
        if problem is not None:
            return json_response(problem, 400)
        self.core.edit_message(msg, body, ctx.files)
        await self.core.emit_message_event("MESSAGE_UPDATE", msg)
        return json_response(msg)

    async def delete_message(self, ctx: Ctx) -> web.Response:
        _, channel, err = self._channel(ctx)
        if err is not None:
            return err
        msg = self.core.messages.get(channel.id, {}).pop(ctx.int_param("message_id"), None)
        if msg is None:
            return error(404, 10008, "Unknown Message")
        await self.core.emit_message_event("MESSAGE_DELETE", msg)
        self.core.notify()
        return web.Response(status=204)

    async def add_reaction(self, ctx: Ctx) -> web.Response:
        _, channel, err = self._channel(ctx)
        if err is not None:
            return err
        msg = self._message(ctx, channel.id)
        if msg is None:
            return error(404, 10008, "Unknown Message")
        msg.setdefault("reactions", []).append(
            {"count": 1, "me": True, "emoji": {"id": None, "name": ctx.params["emoji"]}}
        )
        return web.Response(status=204)

    async def typing(self, ctx: Ctx) -> web.Response:
        _, _, err = self._channel(ctx, send=True)
        return err or web.Response(status=204)

    # ------------------------------------------------------------------ guilds
    async def get_guild(self, ctx: Ctx) -> web.Response:
        guild = self.core.guilds.get(ctx.int_param("guild_id"))
        if guild is None:
            return error(404, 10004, "Unknown Guild")
        return json_response(guild.to_dict(self.core.bot_user.id))

    async def get_guild_channels(self, ctx: Ctx) -> web.Response:
        guild = self.core.guilds.get(ctx.int_param("guild_id"))
        if guild is None:
            return error(404, 10004, "Unknown Guild")
        return json_response([c.to_dict(self.core.bot_user.id) for c in guild.channels])

    async def get_guild_roles(self, ctx: Ctx) -> web.Response:
        guild = self.core.guilds.get(ctx.int_param("guild_id"))
        if guild is None:
            return error(404, 10004, "Unknown Guild")
        return json_response([r.to_dict() for r in [guild.everyone_role(), *guild.roles]])

    async def get_member(self, ctx: Ctx) -> web.Response:
        guild = self.core.guilds.get(ctx.int_param("guild_id"))
        if guild is None:
            return error(404, 10004, "Unknown Guild")
        member = guild.members.get(ctx.int_param("user_id"))
        if member is None:
            return error(404, 10007, "Unknown Member")
        return json_response(member.to_dict())
