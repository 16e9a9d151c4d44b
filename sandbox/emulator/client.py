"""Test-facing API: the :class:`Emulator` plus helpers that act as Discord users."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Mapping
from typing import Any

from .options import ATTACHMENT_SIZE_LIMIT, Actor, Building, CommandInvoker
from .results import ApplicationDidNotRespond, CommandNotFound, InteractionResult, walk
from .state import DMChannel, GuildSpec, InteractionRecord, MemberSpec

__all__ = [
    "Actor",
    "ApplicationDidNotRespond",
    "CommandNotFound",
    "Emulator",
    "InteractionResult",
]

Message = InteractionResult | dict[str, Any] | int


class Emulator(CommandInvoker):
    """The emulator plus helpers that act as Discord users against the connected bot."""

    followup_timeout: float = 10.0
    # Gateway lag: how long after its creation an interaction reaches the bot. Discord's
    # 3-second deadline runs from creation, so lag leaves the bot less time to answer.
    dispatch_delay: float = 0.0

    # ------------------------------------------------------------------ waiting
    async def wait_for_ready(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Until a bot identified and every GUILD_CREATE was sent."""
        await self.wait_until(
            lambda: self.gateway.current is not None and self.gateway.guilds_sent,
            timeout,
            "the bot to IDENTIFY",
        )

    async def wait_for_commands(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Until the bot synced at least one command (global or guild)."""
        await self.wait_until(
            lambda: bool(self.global_commands) or any(self.guild_commands.values()),
            timeout,
            "a command sync",
        )

    async def wait_for_dms(
        self,
        user: Actor,
        count: int = 1,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> list[dict[str, Any]]:
        """Until the bot posted ``count`` messages in its DMs with ``user``; returns them all.

        A DM usually follows the answer to an interaction, so it may arrive after it.
        """
        await self.wait_until(
            lambda: len(self.dms_to(user)) >= count, timeout, f"{count} DM(s) to the user"
        )
        return self.dms_to(user)

    async def wait_for_resume(self, count: int = 1, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        await self.wait_until(lambda: self.gateway.resume_count >= count, timeout, "RESUME")

    async def wait_for_identify(self, count: int = 1, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        await self.wait_until(lambda: self.gateway.identify_count >= count, timeout, "IDENTIFY")

    # ------------------------------------------------------------------ queries
    def channel_messages(
        self, channel_id: int, *, include_ephemeral: bool = False
    ) -> list[dict[str, Any]]:
        """Messages in a channel, oldest first (bot posts and interaction responses)."""
        msgs = list(self.messages.get(channel_id, {}).values())
        if not include_ephemeral:
            msgs = [m for m in msgs if not int(m.get("flags", 0)) & 64]
        return msgs

    def requests_to(self, method: str, path_regex: str) -> list[Any]:
        rx = re.compile(path_regex)
        return [r for r in self.requests if r.method == method and rx.search(r.path)]

    def failed_interactions(self) -> list[InteractionRecord]:
        return [i for i in self.interactions.values() if i.failed]

    def dm_channel(self, user: Actor) -> DMChannel:
        return self.dm_channel_for(user.user if isinstance(user, MemberSpec) else user)

    def dms_to(self, user: Actor, *, include_interactions: bool = False) -> list[dict[str, Any]]:
        """What the bot posted in its DM channel with ``user``, oldest first.

        Only posts (``POST /channels/{dm}/messages``) by default: answers to commands the
        user ran in that DM are interaction responses, included with
        ``include_interactions``. A post Discord refused (code 50007) is not there.
        """
        base = user.user if isinstance(user, MemberSpec) else user
        dm = next((d for d in self.dm_channels.values() if d.recipient.id == base.id), None)
        if dm is None:
            return []
        msgs = list(self.messages.get(dm.id, {}).values())
        if not include_interactions:
            msgs = [m for m in msgs if "interaction_metadata" not in m]
        return msgs

    def read_attachment(self, attachment: dict[str, Any] | int | str) -> bytes:
        """The bytes an attachment's ``url`` serves (an attachment object or its id)."""
        att_id = int(attachment["id"] if isinstance(attachment, dict) else attachment)
        if att_id not in self.files:
            raise LookupError(f"no attachment {att_id}")
        return self.files[att_id]

    # ------------------------------------------------------------------ building blocks
    def _resolve_location(
        self, user: Actor, guild_id: int | str | None, channel_id: int | None
    ) -> tuple[GuildSpec | None, int]:
        if guild_id is None and isinstance(user, MemberSpec):
            guild_id = user.guild_id
        if guild_id is None:
            base = user.user if isinstance(user, MemberSpec) else user
            return None, channel_id or self.dm_channel_for(base).id
        guild = self.guild(guild_id)
        if channel_id is None:
            channel_id = guild.channels[0].id
        return guild, channel_id

    def _interaction_payload(
        self,
        itype: int,
        data: dict[str, Any],
        user: Actor,
        guild: GuildSpec | None,
        channel_id: int,
        message: dict[str, Any] | None = None,
        locale: str = "en-US",
    ) -> InteractionRecord:
        base_user, member = self._member_for(user, guild.id if guild else None)
        iid = self.snowflakes.next()
        token = f"aW50ZXJhY3Rpb246{iid}:{time.time_ns()}"
        found = self.find_channel(channel_id)
        if found is None:
            raise LookupError(f"unknown channel {channel_id}")
        _, channel = found
        payload: dict[str, Any] = {
            "id": str(iid),
            "application_id": str(self.application_id),
            "type": itype,
            "data": data,
            "token": token,
            "version": 1,
            "locale": locale,
            "channel_id": str(channel_id),
            "channel": self.channel_payload(guild, channel),
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        if guild is not None:
            if member is None:
                raise LookupError(f"{base_user.username} is not a member of {guild.name}")
            assert not isinstance(channel, DMChannel)
            payload["guild_id"] = str(guild.id)
            payload["guild_locale"] = guild.locale
            payload["guild"] = {"id": str(guild.id), "locale": guild.locale, "features": []}
            payload["member"] = self.member_payload(guild, member)
            payload["app_permissions"] = str(self.bot_permissions_in(guild, channel))
            payload["context"] = 0
            payload["authorizing_integration_owners"] = {"0": str(guild.id)}
        else:
            payload["user"] = base_user.to_dict()
            payload["app_permissions"] = str(self.bot_permissions_in_dm())
            payload["context"] = 1
            payload["authorizing_integration_owners"] = {"1": str(base_user.id)}
        if message is not None:
            payload["message"] = message
        record = InteractionRecord(
            id=iid,
            token=token,
            type=itype,
            payload=payload,
            channel_id=channel_id,
            guild_id=guild.id if guild else None,
            user=base_user,
            source_message_id=int(message["id"]) if message is not None else None,
        )
        self.interactions[iid] = record
        self.interactions_by_token[token] = record
        return record

    def bot_permissions_in_dm(self) -> int:
        return (1 << 6) | (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 31)

    async def _dispatch_and_wait(
        self, record: InteractionRecord, *, wait_followup: bool
    ) -> InteractionResult:
        if self.dispatch_delay:
            await asyncio.sleep(self.dispatch_delay)
        if not await self.gateway.dispatch("INTERACTION_CREATE", record.payload):
            raise RuntimeError("no bot is connected to the gateway")
        self.notify()
        try:
            await self.wait_until(
                lambda: record.acknowledged or record.failed,
                self.interaction_deadline - (time.monotonic() - record.created) + 0.25,
                "the interaction response",
            )
        except TimeoutError:
            pass
        if not record.acknowledged:
            record.failed = True
            record.failure = "The application did not respond"
            raise ApplicationDidNotRespond(
                f"interaction {record.id} was not acknowledged within "
                f"{self.interaction_deadline}s (the application did not respond)"
            )
        if wait_followup and record.response_type == 5:
            await self.wait_until(
                lambda: record.original_edits > 0 or bool(record.followup_ids),
                self.followup_timeout,
                "the deferred response to be completed",
            )
        return InteractionResult(self, record)

    # ------------------------------------------------------------------ user actions
    async def run_command(
        self,
        *,
        user: Actor,
        name: str,
        options: Mapping[str, Any] | None = None,
        guild_id: int | str | None = None,
        channel_id: int | None = None,
        locale: str = "en-US",
        wait_followup: bool = True,
        force: bool = False,
    ) -> InteractionResult:
        """Invoke ``/name`` (``"group sub"`` for subcommands) as ``user``; wait for the answer.

        Values: text, numbers, booleans, ``MemberSpec``/``UserSpec``/``RoleSpec``/channels,
        and ``Upload(...)`` for attachment options. Raises ``CommandNotFound`` where Discord
        would not offer the command (not synced for this guild, or a guild command in a DM)
        and ``PermissionError`` where it hides it from ``user``; ``force=True`` delivers
        the interaction anyway, as a forged or stale one would arrive.
        """
        guild, cid = self._resolve_location(user, guild_id, channel_id)
        cmd = self.find_command(name, guild.id if guild else None, force=force)
        if not force:
            self._check_can_use(cmd, name, user, guild)
        data = self._command_data(cmd, name, options or {}, Building(guild, cid))
        record = self._interaction_payload(2, data, user, guild, cid, locale=locale)
        return await self._dispatch_and_wait(record, wait_followup=wait_followup)

    async def autocomplete(
        self,
        *,
        user: Actor,
        name: str,
        options: Mapping[str, Any],
        focused: str,
        guild_id: int | str | None = None,
        channel_id: int | None = None,
        locale: str = "en-US",
        force: bool = False,
    ) -> list[dict[str, Any]]:
        """Type into option ``focused``; returns the bot's choices (list of name/value dicts)."""
        guild, cid = self._resolve_location(user, guild_id, channel_id)
        cmd = self.find_command(name, guild.id if guild else None, force=force)
        if not force:
            self._check_can_use(cmd, name, user, guild)
        data = self._command_data(cmd, name, options, Building(guild, cid), focused=focused)
        record = self._interaction_payload(4, data, user, guild, cid, locale=locale)
        result = await self._dispatch_and_wait(record, wait_followup=False)
        return result.choices

    def _message_of(self, message: Message) -> dict[str, Any]:
        if isinstance(message, InteractionResult):
            msg = message.message
        elif isinstance(message, dict):
            msg = self.find_message(int(message["id"]))
        else:
            msg = self.find_message(int(message))
        if msg is None:
            raise LookupError("message not found (deleted, or the interaction had no message)")
        return msg

    def _check_can_see(self, user: Actor, msg: dict[str, Any]) -> None:
        """PermissionError unless ``user`` sees ``msg``: an ephemeral message shows only to
        whoever the interaction answered, a DM only to its recipient."""
        base = user.user if isinstance(user, MemberSpec) else user
        if int(msg.get("flags") or 0) & 64:
            owner = (msg.get("interaction_metadata") or {}).get("user") or {}
            if owner.get("id") not in (None, str(base.id)):
                raise PermissionError(
                    f"message {msg['id']} is ephemeral: only {owner.get('username')} can see it"
                )
        located = self.find_channel(int(msg["channel_id"]))
        if located is not None and isinstance(located[1], DMChannel):
            if located[1].recipient.id != base.id:
                raise PermissionError(f"message {msg['id']} is in another user's DMs")

    async def _component(
        self,
        user: Actor,
        message: Message,
        custom_id: str,
        values: list[str] | None,
        wait_followup: bool,
        force: bool,
        locale: str = "en-US",
    ) -> InteractionResult:
        msg = self._message_of(message)
        comp = next(
            (c for c in walk(msg.get("components") or []) if c.get("custom_id") == custom_id),
            None,
        )
        if comp is None:
            raise LookupError(f"no component with custom_id {custom_id!r} on message {msg['id']}")
        if not force:
            self._check_can_see(user, msg)
            if comp.get("disabled"):
                raise PermissionError(f"component {custom_id!r} is disabled")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": int(comp["type"])}
        if values is not None:
            data["values"] = values
        guild_id = int(msg["guild_id"]) if "guild_id" in msg else None
        guild = self.guilds.get(guild_id) if guild_id else None
        record = self._interaction_payload(
            3, data, user, guild, int(msg["channel_id"]), message=msg, locale=locale
        )
        return await self._dispatch_and_wait(record, wait_followup=wait_followup)

    async def press_button(
        self,
        *,
        user: Actor,
        message: Message,
        custom_id: str,
        wait_followup: bool = True,
        force: bool = False,
        locale: str = "en-US",
    ) -> InteractionResult:
        """Press a button. ``PermissionError`` if it is disabled, or ``user`` cannot see the
        message (someone else's ephemeral answer or DM); ``force=True`` presses anyway."""
        return await self._component(user, message, custom_id, None, wait_followup, force, locale)

    async def select(
        self,
        *,
        user: Actor,
        message: Message,
        custom_id: str,
        values: list[str],
        wait_followup: bool = True,
        force: bool = False,
    ) -> InteractionResult:
        return await self._component(user, message, custom_id, values, wait_followup, force)

    async def submit_modal(
        self,
        *,
        user: Actor,
        modal: InteractionResult,
        values: Mapping[str, str | list[str]],
        wait_followup: bool = True,
        force: bool = False,
        locale: str = "en-US",
    ) -> InteractionResult:
        """Fill the modal the bot opened (``modal.type == 9``) with ``{custom_id: value}``.

        An input left out keeps its prefilled ``value``; a select in the modal takes a list.
        ``ValueError`` for what the Discord client would not send (an empty required input,
        a length outside the bounds), ``PermissionError`` if ``user`` is not who the modal
        was shown to (unless ``force``).
        """
        spec = modal.modal
        if spec is None:
            raise LookupError("that interaction did not open a modal")
        src = modal.record
        base = user.user if isinstance(user, MemberSpec) else user
        if not force and base.id != src.user.id:
            raise PermissionError(
                f"the modal was shown to {src.user.username}, not {base.username}"
            )
        data = {"custom_id": spec["custom_id"], "components": self._modal_rows(spec, values)}
        guild = self.guilds.get(src.guild_id) if src.guild_id else None
        message = (
            self.find_message(src.source_message_id) if src.source_message_id is not None else None
        )
        record = self._interaction_payload(
            5, data, user, guild, src.channel_id, message=message, locale=locale
        )
        return await self._dispatch_and_wait(record, wait_followup=wait_followup)
