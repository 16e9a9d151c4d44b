"""``/channels/{channel_id}``: the channel, its messages, reactions and typing."""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from .. import limits
from ..state import ChannelSpec, DMChannel, GuildSpec
from .base import Ctx, Resource, found, json_response, refuse


class Channels(Resource):
    def _channel(
        self, ctx: Ctx, *, send: bool = False
    ) -> tuple[GuildSpec | None, ChannelSpec | DMChannel]:
        """The channel a route names (and its guild), if the bot may see it (``send``: post)."""
        located = self.core.find_channel(ctx.int_param("channel_id"))
        guild, channel = found(located, 404, 10003, "Unknown Channel")
        if isinstance(channel, DMChannel):
            # Discord: 50007 when the user turned DMs off (or blocked the bot), or is a bot.
            recipient = channel.recipient
            if send and (not recipient.accepts_dms or recipient.bot):
                refuse(403, 50007, "Cannot send messages to this user")
            return guild, channel
        if not channel.bot_can_view:
            refuse(403, 50001, "Missing Access")
        if send and not channel.bot_can_send:
            refuse(403, 50013, "Missing Permissions")
        return guild, channel

    def _message(self, ctx: Ctx) -> tuple[ChannelSpec | DMChannel, dict[str, Any]]:
        """The channel a route names and the message in it (Unknown Message if absent).

        An ephemeral message is not in the channel for the bot: only the interaction's
        webhook (``/webhooks/{app}/{token}/messages/...``) reaches it, as on Discord.
        """
        _, channel = self._channel(ctx)
        msg = self.core.messages.get(channel.id, {}).get(ctx.int_param("message_id"))
        if msg is not None and int(msg.get("flags", 0)) & 64:
            msg = None
        return channel, found(msg, 404, 10008, "Unknown Message")

    async def get_channel(self, ctx: Ctx) -> web.Response:
        guild, channel = self._channel(ctx)
        return json_response(self.core.channel_payload(guild, channel))

    async def list_messages(self, ctx: Ctx) -> web.Response:
        _, channel = self._channel(ctx)
        limit = int(ctx.request.query.get("limit", "50"))
        msgs = [
            m
            for m in self.core.messages.get(channel.id, {}).values()
            if not int(m.get("flags", 0)) & 64
        ]
        return json_response(list(reversed(msgs))[:limit])

    async def create_message(self, ctx: Ctx) -> web.Response:
        guild, channel = self._channel(ctx, send=True)
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

    async def get_message(self, ctx: Ctx) -> web.Response:
        _, msg = self._message(ctx)
        return json_response(msg)

    async def edit_message(self, ctx: Ctx) -> web.Response:
        _, msg = self._message(ctx)
        if msg["author"]["id"] != str(self.core.bot_user.id):
            refuse(403, 50005, "Cannot edit a message authored by another user")
        body = ctx.body if isinstance(ctx.body, dict) else {}
        problem = limits.check_message(body, require_content=False)
        if problem is not None:
            return json_response(problem, 400)
        self.core.edit_message(msg, body, ctx.files)
        await self.core.emit_message_event("MESSAGE_UPDATE", msg)
        return json_response(msg)

    async def delete_message(self, ctx: Ctx) -> web.Response:
        channel, msg = self._message(ctx)
        self.core.messages[channel.id].pop(ctx.int_param("message_id"))
        await self.core.emit_message_event("MESSAGE_DELETE", msg)
        self.core.notify()
        return web.Response(status=204)

    async def add_reaction(self, ctx: Ctx) -> web.Response:
        _, msg = self._message(ctx)
        msg.setdefault("reactions", []).append(
            {"count": 1, "me": True, "emoji": {"id": None, "name": ctx.params["emoji"]}}
        )
        return web.Response(status=204)

    async def typing(self, ctx: Ctx) -> web.Response:
        self._channel(ctx, send=True)
        return web.Response(status=204)
