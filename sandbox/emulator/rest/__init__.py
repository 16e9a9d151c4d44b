"""REST routes under ``/api/v10``: routing, auth, faults, rate limits, then handlers.

The router lives here; the handlers live in one module per resource (``users``,
``commands``, ``interactions``, ``channels``, ``guilds``), over helpers from ``base``.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import BodyPartReader, web

from ..state import RecordedRequest
from .base import Ctx, FileTuple, Refusal, error, json_response, not_found
from .channels import Channels
from .commands import Commands
from .guilds import Guilds
from .interactions import Interactions
from .users import Users

if TYPE_CHECKING:
    from ..server import EmulatorServer

__all__ = ["RestApi"]

Handler = Callable[[Ctx], Awaitable[web.Response]]

# Where Discord's CDN serves a file: attachments/{channel}/{attachment}/{name}, and
# ephemeral-attachments/ for what a member attached to a command.
_CDN_FILE = re.compile(r"^/(?:ephemeral-)?attachments/(?:\d+/)?(?P<id>\d+)/[^/]+$")


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
        users, commands, interactions = Users(core), Commands(core), Interactions(core)
        channels, guilds = Channels(core), Guilds(core)
        # Order matters: _match takes the first route whose template and method fit.
        r = self._routes = []  # type: list[Route]
        add = r.append
        add(Route("GET", "/users/@me", users.get_me))
        add(Route("GET", "/users/{user_id}", users.get_user))
        add(Route("POST", "/users/@me/channels", users.create_dm))
        add(Route("GET", "/oauth2/applications/@me", users.get_application))
        add(Route("GET", "/applications/@me", users.get_application))
        add(Route("GET", "/gateway", users.get_gateway, auth=False))
        add(Route("GET", "/gateway/bot", users.get_gateway_bot))
        for scope in (
            "/applications/{application_id}",
            "/applications/{application_id}/guilds/{guild_id}",
        ):
            add(Route("GET", scope + "/commands", commands.get_commands))
            add(Route("PUT", scope + "/commands", commands.put_commands))
            add(Route("POST", scope + "/commands", commands.post_command))
            add(Route("GET", scope + "/commands/{command_id}", commands.get_command))
            add(Route("DELETE", scope + "/commands/{command_id}", commands.delete_command))
        add(
            Route(
                "POST",
                "/interactions/{interaction_id}/{interaction_token}/callback",
                interactions.interaction_callback,
                auth=False,
                global_exempt=True,
            )
        )
        wh = "/webhooks/{webhook_id}/{webhook_token}"
        add(Route("POST", wh, interactions.webhook_execute, auth=False))
        for suffix in ("/messages/@original", "/messages/{message_id}"):
            add(Route("GET", wh + suffix, interactions.webhook_get_message, auth=False))
            add(Route("PATCH", wh + suffix, interactions.webhook_edit_message, auth=False))
            add(Route("DELETE", wh + suffix, interactions.webhook_delete_message, auth=False))
        msg = "/channels/{channel_id}/messages/{message_id}"
        add(Route("GET", "/channels/{channel_id}", channels.get_channel))
        add(Route("GET", "/channels/{channel_id}/messages", channels.list_messages))
        add(Route("POST", "/channels/{channel_id}/messages", channels.create_message))
        add(Route("GET", msg, channels.get_message))
        add(Route("PATCH", msg, channels.edit_message))
        add(Route("DELETE", msg, channels.delete_message))
        add(Route("PUT", msg + "/reactions/{emoji}/@me", channels.add_reaction))
        add(Route("POST", "/channels/{channel_id}/typing", channels.typing))
        add(Route("GET", "/guilds/{guild_id}", guilds.get_guild))
        add(Route("GET", "/guilds/{guild_id}/channels", guilds.get_guild_channels))
        add(Route("GET", "/guilds/{guild_id}/roles", guilds.get_guild_roles))
        add(Route("GET", "/guilds/{guild_id}/members/{user_id}", guilds.get_member))

    # ------------------------------------------------------------------ plumbing
    async def handle_outside_api(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        m = _CDN_FILE.match(path)
        if request.method in ("GET", "HEAD") and m and int(m["id"]) in self.core.files:
            att_id = int(m["id"])
            content_type = self.core.file_types.get(att_id, "application/octet-stream")
            return web.Response(
                body=self.core.files[att_id], headers={"Content-Type": content_type}
            )
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
                if not isinstance(part, BodyPartReader):
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
                text = fault.message or f"{fault.status}: injected fault"
                return error(fault.status, fault.code, text)
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
        try:
            response = await route.handler(ctx)
        except Refusal as refusal:
            response = refusal.response
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
