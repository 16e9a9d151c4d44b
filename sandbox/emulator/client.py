"""Test-facing API: the :class:`Emulator` plus helpers that act as Discord users."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .server import EmulatorServer
from .state import DMChannel, GuildSpec, InteractionRecord, MemberSpec, RoleSpec, UserSpec

Actor = MemberSpec | UserSpec


class ApplicationDidNotRespond(AssertionError):
    """The bot did not acknowledge an interaction in time (the member sees an error)."""


class CommandNotFound(LookupError):
    """The bot never synced a command with this name (for this guild or globally)."""


@dataclass
class InteractionResult:
    """What a user sees after an interaction; reads the emulator's live state."""

    emulator: Emulator
    record: InteractionRecord

    @property
    def type(self) -> int | None:
        return self.record.response_type

    @property
    def interaction_id(self) -> int:
        return self.record.id

    @property
    def channel_id(self) -> int:
        return self.record.channel_id

    @property
    def guild_id(self) -> int | None:
        return self.record.guild_id

    @property
    def message_id(self) -> int | None:
        return self.record.original_message_id

    @property
    def message(self) -> dict[str, Any] | None:
        mid = self.record.original_message_id
        return self.emulator.find_message(mid) if mid is not None else None

    @property
    def content(self) -> str:
        return str((self.message or {}).get("content") or "")

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return list((self.message or {}).get("embeds") or [])

    @property
    def components(self) -> list[dict[str, Any]]:
        return list((self.message or {}).get("components") or [])

    @property
    def flags(self) -> int:
        return int((self.message or {}).get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & 64)

    @property
    def followups(self) -> list[dict[str, Any]]:
        out = []
        for mid in self.record.followup_ids:
            msg = self.emulator.find_message(mid)
            if msg is not None:
                out.append(msg)
        return out

    @property
    def choices(self) -> list[dict[str, Any]]:
        return list(self.record.choices or [])

    @property
    def modal(self) -> dict[str, Any] | None:
        return self.record.modal

    def custom_ids(self) -> list[str]:
        """All custom_ids of components on the response message (buttons, selects...)."""
        return [c["custom_id"] for c in _walk(self.components) if "custom_id" in c]


def _walk(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for comp in components:
        out.append(comp)
        for key in ("components", "items"):
            if isinstance(comp.get(key), list):
                out.extend(_walk(comp[key]))
        for key in ("accessory", "component"):
            if isinstance(comp.get(key), dict):
                out.extend(_walk([comp[key]]))
    return out


class Emulator(EmulatorServer):
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
        import re

        rx = re.compile(path_regex)
        return [r for r in self.requests if r.method == method and rx.search(r.path)]

    def failed_interactions(self) -> list[InteractionRecord]:
        return [i for i in self.interactions.values() if i.failed]

    def dm_channel(self, user: Actor) -> DMChannel:
        return self.dm_channel_for(user.user if isinstance(user, MemberSpec) else user)

    # ------------------------------------------------------------------ building blocks
    def find_command(self, name: str, guild_id: int | None, ctype: int = 1) -> dict[str, Any]:
        top = name.split()[0]
        for cmd in self.commands_for(guild_id):
            if cmd.name == top and cmd.type == ctype:
                return {**cmd.data, "id": str(cmd.id), "_guild_id": cmd.guild_id}
        synced = sorted({c.name for c in self.commands_for(guild_id)})
        raise CommandNotFound(f"bot did not sync a command named {top!r}; synced: {synced}")

    def _member_for(self, user: Actor, guild_id: int | None) -> tuple[UserSpec, MemberSpec | None]:
        if isinstance(user, MemberSpec):
            return user.user, user
        if guild_id is not None:
            return user, self.guilds[guild_id].members.get(user.id)
        return user, None

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
            "attachment_size_limit": 10 * 1024 * 1024,
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

    # ------------------------------------------------------------------ options
    def _build_options(
        self,
        registered: list[dict[str, Any]],
        values: Mapping[str, Any],
        guild: GuildSpec | None,
        resolved: dict[str, dict[str, Any]],
        focused: str | None = None,
    ) -> list[dict[str, Any]]:
        by_name = {o["name"]: o for o in registered}
        for key in values:
            if key not in by_name:
                raise ValueError(f"option {key!r} is not registered; known: {sorted(by_name)}")
        out: list[dict[str, Any]] = []
        for opt in registered:
            name = opt["name"]
            if name not in values:
                if opt.get("required") and focused is None:
                    raise ValueError(f"required option {name!r} missing")
                continue
            otype = int(opt["type"])
            raw = values[name]
            entry: dict[str, Any] = {"name": name, "type": otype}
            if name == focused:
                entry["value"] = str(raw)
                entry["focused"] = True
            else:
                entry["value"] = self._convert(opt, raw, guild, resolved)
            out.append(entry)
        return out

    def _convert(
        self,
        opt: dict[str, Any],
        raw: Any,
        guild: GuildSpec | None,
        resolved: dict[str, dict[str, Any]],
    ) -> Any:
        otype = int(opt["type"])
        value: Any
        if otype == 3:
            value = str(raw)
        elif otype == 4:
            value = int(raw)
        elif otype == 10:
            value = float(raw)
        elif otype == 5:
            value = bool(raw)
        elif otype in (6, 9) and isinstance(raw, MemberSpec | UserSpec):
            user, member = self._member_for(raw, guild.id if guild else None)
            resolved.setdefault("users", {})[str(user.id)] = user.to_dict()
            if member is not None and guild is not None:
                mdata = self.member_payload(guild, member)
                mdata.pop("user", None)
                resolved.setdefault("members", {})[str(user.id)] = mdata
            return str(user.id)
        elif otype in (8, 9) and isinstance(raw, RoleSpec):
            resolved.setdefault("roles", {})[str(raw.id)] = raw.to_dict()
            return str(raw.id)
        elif otype == 7:
            cid = raw.id if hasattr(raw, "id") else int(raw)
            found = self.find_channel(cid)
            if found is None:
                raise ValueError(f"unknown channel {raw!r}")
            g, ch = found
            resolved.setdefault("channels", {})[str(cid)] = self.channel_payload(g, ch)
            return str(cid)
        elif otype in (6, 8, 9):
            uid = int(raw)
            if uid in self.users:
                return self._convert(opt, self.users[uid], guild, resolved)
            if guild is not None:
                return self._convert(opt, guild.role(uid), guild, resolved)
            raise ValueError(f"cannot resolve {raw!r}")
        else:
            raise ValueError(f"option type {otype} not supported by the emulator")
        choices = opt.get("choices")
        if choices and value not in [c["value"] for c in choices]:
            raise ValueError(f"{value!r} is not one of the choices of option {opt['name']!r}")
        if otype == 3:
            if len(value) < int(opt.get("min_length", 0)) or len(value) > int(
                opt.get("max_length", 6000)
            ):
                raise ValueError(f"option {opt['name']!r}: length outside the registered bounds")
        if otype in (4, 10):
            if "min_value" in opt and value < opt["min_value"]:
                raise ValueError(f"option {opt['name']!r} below min_value")
            if "max_value" in opt and value > opt["max_value"]:
                raise ValueError(f"option {opt['name']!r} above max_value")
        return value

    def _command_data(
        self,
        name: str,
        options: Mapping[str, Any],
        guild: GuildSpec | None,
        focused: str | None = None,
    ) -> dict[str, Any]:
        cmd = self.find_command(name, guild.id if guild else None)
        parts = name.split()
        resolved: dict[str, dict[str, Any]] = {}
        registered = list(cmd.get("options") or [])
        path: list[dict[str, Any]] = []
        for part in parts[1:]:
            sub = next(
                (o for o in registered if o["name"] == part and int(o["type"]) in (1, 2)), None
            )
            if sub is None:
                raise CommandNotFound(f"{name!r}: no subcommand {part!r}")
            path.append({"name": part, "type": int(sub["type"]), "options": []})
            registered = list(sub.get("options") or [])
        leaf = self._build_options(registered, options, guild, resolved, focused)
        data: dict[str, Any] = {"id": cmd["id"], "name": parts[0], "type": 1}
        if cmd.get("_guild_id"):
            data["guild_id"] = str(cmd["_guild_id"])
        if path:
            path[-1]["options"] = leaf
            for i in range(len(path) - 1, 0, -1):
                path[i - 1]["options"] = [path[i]]
            data["options"] = [path[0]]
        else:
            data["options"] = leaf
        if resolved:
            data["resolved"] = resolved
        return data

    def _check_can_use(self, name: str, user: Actor, guild: GuildSpec | None) -> None:
        cmd = self.find_command(name, guild.id if guild else None)
        required = cmd.get("default_member_permissions")
        if guild is not None and required not in (None, ""):
            _, member = self._member_for(user, guild.id)
            if member is not None:
                perms = guild.member_permissions(member)
                if perms & int(required) != int(required):
                    raise PermissionError(f"member lacks default_member_permissions for {name!r}")
        contexts = cmd.get("contexts")
        ctx = 0 if guild is not None else 1
        if contexts is not None and ctx not in contexts:
            raise PermissionError(f"{name!r} is not available in context {ctx}")
        if guild is None and contexts is None and cmd.get("dm_permission") is False:
            raise PermissionError(f"{name!r} is not available in DMs")

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
    ) -> InteractionResult:
        """Invoke ``/name`` (``"group sub"`` for subcommands) as ``user``; wait for the answer."""
        guild, cid = self._resolve_location(user, guild_id, channel_id)
        self._check_can_use(name, user, guild)
        data = self._command_data(name, options or {}, guild)
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
    ) -> list[dict[str, Any]]:
        """Type into option ``focused``; returns the bot's choices (list of name/value dicts)."""
        guild, cid = self._resolve_location(user, guild_id, channel_id)
        data = self._command_data(name, options, guild, focused=focused)
        record = self._interaction_payload(4, data, user, guild, cid, locale=locale)
        result = await self._dispatch_and_wait(record, wait_followup=False)
        return result.choices

    def _message_of(self, message: InteractionResult | dict[str, Any] | int) -> dict[str, Any]:
        if isinstance(message, InteractionResult):
            msg = message.message
        elif isinstance(message, dict):
            msg = self.find_message(int(message["id"]))
        else:
            msg = self.find_message(int(message))
        if msg is None:
            raise LookupError("message not found (deleted, or the interaction had no message)")
        return msg

    async def _component(
        self,
        user: Actor,
        message: InteractionResult | dict[str, Any] | int,
        custom_id: str,
        values: list[str] | None,
        wait_followup: bool,
    ) -> InteractionResult:
        msg = self._message_of(message)
        comp = next(
            (c for c in _walk(msg.get("components") or []) if c.get("custom_id") == custom_id),
            None,
        )
        if comp is None:
            raise LookupError(f"no component with custom_id {custom_id!r} on message {msg['id']}")
        if comp.get("disabled"):
            raise PermissionError(f"component {custom_id!r} is disabled")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": int(comp["type"])}
        if values is not None:
            data["values"] = values
        guild_id = int(msg["guild_id"]) if "guild_id" in msg else None
        guild = self.guilds.get(guild_id) if guild_id else None
        record = self._interaction_payload(
            3, data, user, guild, int(msg["channel_id"]), message=msg
        )
        return await self._dispatch_and_wait(record, wait_followup=wait_followup)

    async def press_button(
        self,
        *,
        user: Actor,
        message: InteractionResult | dict[str, Any] | int,
        custom_id: str,
        wait_followup: bool = True,
    ) -> InteractionResult:
        return await self._component(user, message, custom_id, None, wait_followup)

    async def select(
        self,
        *,
        user: Actor,
        message: InteractionResult | dict[str, Any] | int,
        custom_id: str,
        values: list[str],
        wait_followup: bool = True,
    ) -> InteractionResult:
        return await self._component(user, message, custom_id, values, wait_followup)

    async def submit_modal(
        self,
        *,
        user: Actor,
        modal: InteractionResult,
        values: Mapping[str, str],
        wait_followup: bool = True,
    ) -> InteractionResult:
        """Fill the modal the bot opened (``modal.type == 9``) with ``{custom_id: value}``."""
        spec = modal.modal
        if spec is None:
            raise LookupError("that interaction did not open a modal")
        rows: list[dict[str, Any]] = []
        for comp in spec.get("components") or []:
            if comp.get("type") == 1:
                inner = [
                    {
                        "type": c["type"],
                        "custom_id": c["custom_id"],
                        "value": values.get(c["custom_id"], ""),
                    }
                    for c in comp.get("components") or []
                    if "custom_id" in c
                ]
                rows.append({"type": 1, "components": inner})
            elif comp.get("type") == 18 and isinstance(comp.get("component"), dict):
                c = comp["component"]
                rows.append(
                    {
                        "type": 18,
                        "component": {
                            "type": c["type"],
                            "custom_id": c["custom_id"],
                            "value": values.get(c["custom_id"], ""),
                        },
                    }
                )
        unknown = set(values) - {c.get("custom_id") for c in _walk(spec.get("components") or [])}
        if unknown:
            raise LookupError(f"modal has no inputs {sorted(unknown)}")
        data = {"custom_id": spec["custom_id"], "components": rows}
        src = modal.record
        guild = self.guilds.get(src.guild_id) if src.guild_id else None
        message = (
            self.find_message(src.source_message_id) if src.source_message_id is not None else None
        )
        actor: Actor = user
        record = self._interaction_payload(5, data, actor, guild, src.channel_id, message=message)
        return await self._dispatch_and_wait(record, wait_followup=wait_followup)
