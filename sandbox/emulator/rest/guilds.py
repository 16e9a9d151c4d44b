"""``/guilds/{guild_id}``: the guild, its channels, roles and members, as the bot sees them."""

from __future__ import annotations

from aiohttp import web

from ..state import GuildSpec
from .base import Ctx, Resource, found, json_response


class Guilds(Resource):
    def _guild(self, ctx: Ctx) -> GuildSpec:
        return found(self.core.guilds.get(ctx.int_param("guild_id")), 404, 10004, "Unknown Guild")

    async def get_guild(self, ctx: Ctx) -> web.Response:
        return json_response(self._guild(ctx).to_dict(self.core.bot_user.id))

    async def get_guild_channels(self, ctx: Ctx) -> web.Response:
        guild = self._guild(ctx)
        return json_response([c.to_dict(self.core.bot_user.id) for c in guild.channels])

    async def get_guild_roles(self, ctx: Ctx) -> web.Response:
        guild = self._guild(ctx)
        return json_response([r.to_dict() for r in [guild.everyone_role(), *guild.roles]])

    async def get_member(self, ctx: Ctx) -> web.Response:
        guild = self._guild(ctx)
        member = found(guild.members.get(ctx.int_param("user_id")), 404, 10007, "Unknown Member")
        return json_response(member.to_dict())
