"""``/users``, ``/applications/@me`` and ``/gateway``: who the bot is and where to connect."""

from __future__ import annotations

from aiohttp import web

from .base import Ctx, Resource, error, found, json_response


class Users(Resource):
    async def get_me(self, ctx: Ctx) -> web.Response:
        user = self.core.bot_user.to_dict()
        user.update({"verified": True, "mfa_enabled": False, "flags": 0, "email": None})
        return json_response(user)

    async def get_user(self, ctx: Ctx) -> web.Response:
        user = found(self.core.users.get(ctx.int_param("user_id")), 404, 10013, "Unknown User")
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
