"""Interaction callbacks and the interaction webhook: followups and ``@original``."""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from .. import limits
from ..state import InteractionRecord
from .base import Ctx, Resource, error, found, json_response, refuse


class Interactions(Resource):
    async def interaction_callback(self, ctx: Ctx) -> web.Response:
        core = self.core
        itx = core.interactions.get(ctx.int_param("interaction_id"))
        if itx is None or itx.token != ctx.params["interaction_token"]:
            refuse(404, 10062, "Unknown interaction")
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

    def _webhook_interaction(self, ctx: Ctx) -> InteractionRecord:
        """The acknowledged interaction whose token a webhook route carries."""
        core = self.core
        itx = core.interactions_by_token.get(ctx.params["webhook_token"])
        if itx is None or ctx.int_param("webhook_id") != core.application_id:
            refuse(404, 10015, "Unknown Webhook")
        if time.time() - itx.created_wall > core.interaction_token_ttl:
            refuse(401, 50027, "Invalid Webhook Token")
        if not itx.acknowledged:
            refuse(404, 10015, "Unknown Webhook")
        return itx

    def _webhook_message(self, ctx: Ctx) -> tuple[InteractionRecord, dict[str, Any]]:
        """The interaction a webhook route names and the message it targets.

        Only the interaction's own messages (``@original`` and its followups) are reachable.
        """
        itx = self._webhook_interaction(ctx)
        if ctx.path.endswith("/@original"):
            mid = itx.original_message_id
        else:
            mid = ctx.int_param("message_id")
            if mid not in itx.followup_ids and mid != itx.original_message_id:
                refuse(404, 10008, "Unknown Message")
        msg = self.core.find_message(mid) if mid is not None else None
        return itx, found(msg, 404, 10008, "Unknown Message")

    async def webhook_execute(self, ctx: Ctx) -> web.Response:
        itx = self._webhook_interaction(ctx)
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

    async def webhook_get_message(self, ctx: Ctx) -> web.Response:
        _, msg = self._webhook_message(ctx)
        return json_response(msg)

    async def webhook_edit_message(self, ctx: Ctx) -> web.Response:
        itx, msg = self._webhook_message(ctx)
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
        _, msg = self._webhook_message(ctx)
        self.core.messages.get(int(msg["channel_id"]), {}).pop(int(msg["id"]), None)
        await self.core.emit_message_event("MESSAGE_DELETE", msg)
        self.core.notify()
        return web.Response(status=204)
