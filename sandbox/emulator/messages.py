"""Messages as Discord stores them: built from what the bot sent, edited, and their files."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from .gateway import INTENT_DIRECT_MESSAGES, INTENT_GUILD_MESSAGES, Gateway
from .state import InteractionRecord, SnowflakeGenerator, UserSpec, iso_now


class MessageStore:
    """The emulator's messages and files (a part of ``EmulatorServer``, which sets these)."""

    host: str
    port: int
    application_id: int
    bot_user: UserSpec
    snowflakes: SnowflakeGenerator
    gateway: Gateway
    messages: dict[int, dict[int, dict[str, Any]]]
    files: dict[int, bytes]  # attachment id -> the bytes its url serves
    file_types: dict[int, str]  # attachment id -> its content type

    def notify(self) -> None:
        """Wake up whatever waits for a change (``EmulatorServer`` implements it)."""

    def build_message(
        self,
        channel_id: int,
        body: dict[str, Any],
        *,
        guild_id: int | None,
        files: Sequence[tuple[str, str, bytes]] = (),
        author: UserSpec | None = None,
        interaction: InteractionRecord | None = None,
        flags: int | None = None,
    ) -> dict[str, Any]:
        author = author or self.bot_user
        msg_id = self.snowflakes.next()
        msg: dict[str, Any] = {
            "id": str(msg_id),
            "channel_id": str(channel_id),
            "author": author.to_dict(),
            "content": body.get("content") or "",
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts", False)),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": self._attachments(channel_id, body, files),
            "embeds": [{"type": "rich", **e} for e in body.get("embeds") or []],
            "components": body.get("components") or [],
            "pinned": False,
            "type": 0,
            "flags": int(body.get("flags") or 0) if flags is None else flags,
        }
        if guild_id is not None:
            msg["guild_id"] = str(guild_id)
        if body.get("nonce") is not None:
            msg["nonce"] = body["nonce"]
        if body.get("message_reference"):
            msg["message_reference"] = body["message_reference"]
            msg["type"] = 19
        if body.get("poll"):
            msg["poll"] = body["poll"]
        if interaction is not None:
            msg["webhook_id"] = str(self.application_id)
            msg["application_id"] = str(self.application_id)
            msg["type"] = 20 if interaction.type == 2 else 0
            msg["interaction_metadata"] = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": interaction.user.to_dict(),
                "authorizing_integration_owners": (
                    {"0": str(interaction.guild_id)}
                    if interaction.guild_id
                    else {"1": str(interaction.user.id)}
                ),
            }
        self.messages.setdefault(channel_id, {})[msg_id] = msg
        self.notify()
        return msg

    def _attachments(
        self, channel_id: int, body: dict[str, Any], files: Sequence[tuple[str, str, bytes]]
    ) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for i, (filename, content_type, data) in enumerate(files):
            meta: dict[str, Any] = next(
                (a for a in body.get("attachments") or [] if str(a.get("id")) == str(i)), {}
            )
            attachment = self.store_file(filename, content_type, data, channel_id=channel_id)
            attachment["description"] = meta.get("description")
            out.append(attachment)
        return out

    def store_file(
        self,
        filename: str,
        content_type: str,
        data: bytes,
        *,
        channel_id: int,
        ephemeral: bool = False,
    ) -> dict[str, Any]:
        """Keep ``data`` and serve it like Discord's CDN; returns the attachment object.

        Discord replaces characters other than letters, digits, ``.``, ``-`` and ``_`` in a
        file name with ``_``; an upload a member attaches to a command lives under
        ``ephemeral-attachments/``.
        """
        att_id = self.snowflakes.next()
        name = re.sub(r"[^\w.-]", "_", filename) or "unknown"
        self.files[att_id] = data
        self.file_types[att_id] = content_type
        folder = "ephemeral-attachments" if ephemeral else "attachments"
        url = f"http://{self.host}:{self.port}/{folder}/{channel_id}/{att_id}/{quote(name)}"
        attachment: dict[str, Any] = {
            "id": str(att_id),
            "filename": name,
            "size": len(data),
            "url": url,
            "proxy_url": url,
            "content_type": content_type,
        }
        if ephemeral:
            attachment["ephemeral"] = True
        return attachment

    def edit_message(
        self,
        msg: dict[str, Any],
        body: dict[str, Any],
        files: Sequence[tuple[str, str, bytes]] = (),
    ) -> dict[str, Any]:
        if "content" in body:
            msg["content"] = body["content"] or ""
        if "embeds" in body:
            msg["embeds"] = [{"type": "rich", **e} for e in body["embeds"] or []]
        if "components" in body:
            msg["components"] = body["components"] or []
        if "flags" in body and body["flags"] is not None:
            keep = int(msg.get("flags", 0)) & (64 | (1 << 15))
            msg["flags"] = keep | (int(body["flags"]) & ~64)
        if "attachments" in body or files:
            kept_ids = {str(a.get("id")) for a in body.get("attachments") or []}
            kept = [a for a in msg.get("attachments", []) if a["id"] in kept_ids]
            channel_id = int(msg["channel_id"])
            msg["attachments"] = kept + self._attachments(channel_id, body, files)
        msg["flags"] = int(msg.get("flags", 0)) & ~128
        msg["edited_timestamp"] = iso_now()
        self.notify()
        return msg

    async def emit_message_event(self, event: str, msg: dict[str, Any]) -> None:
        """MESSAGE_CREATE/UPDATE/DELETE for visible messages, if the bot's intents ask for it."""
        if int(msg.get("flags", 0)) & 64:
            return
        intent = INTENT_GUILD_MESSAGES if "guild_id" in msg else INTENT_DIRECT_MESSAGES
        if not self.gateway.wants(intent):
            return
        if event == "MESSAGE_DELETE":
            data = {"id": msg["id"], "channel_id": msg["channel_id"]}
            if "guild_id" in msg:
                data["guild_id"] = msg["guild_id"]
            await self.gateway.dispatch(event, data)
        else:
            await self.gateway.dispatch(event, dict(msg))
