"""``/applications/{application_id}[/guilds/{guild_id}]/commands``: command sync."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .. import limits
from ..state import SyncedCommand
from .base import Ctx, Resource, error, json_response, refuse


class Commands(Resource):
    def _command_scope(self, ctx: Ctx) -> tuple[list[SyncedCommand], int | None]:
        """The global or guild command list a route names, and the guild id (if any)."""
        if ctx.int_param("application_id") != self.core.application_id:
            refuse(403, 50001, "Missing Access")
        if "guild_id" in ctx.params:
            gid = ctx.int_param("guild_id")
            if gid not in self.core.guilds:
                refuse(403, 50001, "Missing Access")
            return self.core.guild_commands.setdefault(gid, []), gid
        return self.core.global_commands, None

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
        cmds, _ = self._command_scope(ctx)
        return json_response([self._command_dict(c) for c in cmds])

    async def get_command(self, ctx: Ctx) -> web.Response:
        cmds, _ = self._command_scope(ctx)
        for cmd in cmds:
            if cmd.id == ctx.int_param("command_id"):
                return json_response(self._command_dict(cmd))
        return error(404, 10063, "Unknown application command")

    async def put_commands(self, ctx: Ctx) -> web.Response:
        cmds, gid = self._command_scope(ctx)
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
        cmds, gid = self._command_scope(ctx)
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
        cmds, _ = self._command_scope(ctx)
        for cmd in list(cmds):
            if cmd.id == ctx.int_param("command_id"):
                cmds.remove(cmd)
                return web.Response(status=204)
        return error(404, 10063, "Unknown application command")
