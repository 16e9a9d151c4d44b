"""Which commands Discord offers a member, and the interaction ``data`` it builds for one.

The Discord client only shows a command where it was synced (globally, or for that guild)
and to members who have its ``default_member_permissions``; it checks option types, choices
and bounds, and uploads the files picked for attachment options. ``force=True`` skips what
the client would hide, to deliver what a forged or stale interaction would carry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .results import CommandNotFound, walk
from .server import EmulatorServer
from .state import ADMINISTRATOR, GuildSpec, MemberSpec, RoleSpec, Upload, UserSpec

Actor = MemberSpec | UserSpec

# What Discord tells the bot (``attachment_size_limit``) and refuses to upload beyond.
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
_SELECTS = (3, 5, 6, 7, 8)


@dataclass
class Building:
    """One interaction's ``data`` under construction: where it happens, what it resolved."""

    guild: GuildSpec | None
    channel_id: int
    resolved: dict[str, dict[str, Any]] = field(default_factory=dict)


class CommandInvoker(EmulatorServer):
    """Finding synced commands and turning ``{option: value}`` into Discord's payload."""

    def find_command(
        self, name: str, guild_id: int | None, ctype: int = 1, *, force: bool = False
    ) -> dict[str, Any]:
        """The synced command ``name`` (its first word) as Discord offers it in ``guild_id``.

        ``force``: also a command synced only for another guild, as a forged or stale
        interaction could carry (``data.guild_id`` then names that other guild).
        """
        top = name.split()[0]
        for cmd in self.commands_for(guild_id):
            if cmd.name == top and cmd.type == ctype:
                return {**cmd.data, "id": str(cmd.id), "_guild_id": cmd.guild_id}
        if force:
            for cmds in self.guild_commands.values():
                for cmd in cmds:
                    if cmd.name == top and cmd.type == ctype:
                        return {**cmd.data, "id": str(cmd.id), "_guild_id": cmd.guild_id}
        synced = sorted({c.name for c in self.commands_for(guild_id)})
        elsewhere = sorted(
            self.guilds[gid].name if gid in self.guilds else str(gid)
            for gid, cmds in self.guild_commands.items()
            if gid != guild_id and any(c.name == top for c in cmds)
        )
        hint = f" (it is a guild command of {', '.join(elsewhere)})" if elsewhere else ""
        where = "in this guild" if guild_id is not None else "in DMs"
        raise CommandNotFound(f"Discord offers no command {top!r} {where}{hint}; offered: {synced}")

    def _member_for(self, user: Actor, guild_id: int | None) -> tuple[UserSpec, MemberSpec | None]:
        if isinstance(user, MemberSpec):
            if guild_id is None or user.guild_id == guild_id:
                return user.user, user
            user = user.user  # a member of another guild: their membership here, if any
        if guild_id is not None:
            return user, self.guilds[guild_id].members.get(user.id)
        return user, None

    def _check_can_use(
        self, cmd: dict[str, Any], name: str, user: Actor, guild: GuildSpec | None
    ) -> None:
        """PermissionError where the Discord client hides the command from ``user``."""
        required = cmd.get("default_member_permissions")
        if guild is not None and required not in (None, ""):
            _, member = self._member_for(user, guild.id)
            if member is not None:
                perms = guild.member_permissions(member)
                needed = int(required)
                # "0": nobody but administrators (and the owner) sees the command.
                allowed = bool(perms & ADMINISTRATOR) or (needed and perms & needed == needed)
                if not allowed:
                    raise PermissionError(f"member lacks default_member_permissions for {name!r}")
        contexts = cmd.get("contexts")
        ctx = 0 if guild is not None else 1
        if contexts is not None and ctx not in contexts:
            raise PermissionError(f"{name!r} is not available in context {ctx}")
        if guild is None and contexts is None and cmd.get("dm_permission") is False:
            raise PermissionError(f"{name!r} is not available in DMs")

    # ------------------------------------------------------------------ options
    def _command_data(
        self,
        cmd: dict[str, Any],
        name: str,
        options: Mapping[str, Any],
        where: Building,
        focused: str | None = None,
    ) -> dict[str, Any]:
        parts = name.split()
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
        if any(int(o["type"]) in (1, 2) for o in registered):
            subs = sorted(o["name"] for o in registered if int(o["type"]) in (1, 2))
            raise CommandNotFound(f"{name!r} is a group: name one of its subcommands {subs}")
        leaf = self._build_options(registered, options, where, focused)
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
        if where.resolved:
            data["resolved"] = where.resolved
        return data

    def _build_options(
        self,
        registered: list[dict[str, Any]],
        values: Mapping[str, Any],
        where: Building,
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
                entry["value"] = self._convert(opt, raw, where)
            out.append(entry)
        return out

    def _upload(self, opt: dict[str, Any], raw: Any, where: Building) -> str:
        """A file picked for an attachment option: stored, served, resolved; its id."""
        if not isinstance(raw, Upload):
            raise ValueError(
                f"option {opt['name']!r} is an attachment (type 11): pass "
                f"Upload(filename, data, content_type), not {type(raw).__name__}"
            )
        if len(raw.data) > ATTACHMENT_SIZE_LIMIT:
            raise ValueError(
                f"option {opt['name']!r}: {raw.filename} is {len(raw.data)} bytes; Discord "
                f"uploads at most {ATTACHMENT_SIZE_LIMIT} bytes"
            )
        attachment = self.store_file(
            raw.filename, raw.content_type, raw.data, channel_id=where.channel_id, ephemeral=True
        )
        where.resolved.setdefault("attachments", {})[attachment["id"]] = attachment
        return str(attachment["id"])

    def _convert(self, opt: dict[str, Any], raw: Any, where: Building) -> Any:
        otype = int(opt["type"])
        guild, resolved = where.guild, where.resolved
        if isinstance(raw, Upload) and otype != 11:
            raise ValueError(f"option {opt['name']!r} (type {otype}) is not an attachment")
        value: Any
        if otype == 3:
            value = str(raw)
        elif otype == 4:
            value = int(raw)
        elif otype == 10:
            value = float(raw)
        elif otype == 5:
            value = bool(raw)
        elif otype == 11:
            return self._upload(opt, raw, where)
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
                return self._convert(opt, self.users[uid], where)
            if guild is not None:
                return self._convert(opt, guild.role(uid), where)
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

    # ------------------------------------------------------------------ modals
    @staticmethod
    def _modal_answer(
        comp: dict[str, Any], values: Mapping[str, str | list[str]]
    ) -> dict[str, Any]:
        """What Discord sends back for one input of a modal the member filled in.

        A text input left alone keeps its prefilled ``value``; the Discord client refuses
        to send an empty required input or one outside its length bounds.
        """
        cid = comp["custom_id"]
        if int(comp["type"]) in _SELECTS:
            picked = values.get(cid, [])
            chosen = [picked] if isinstance(picked, str) else list(picked)
            low = int(comp.get("min_values", 1 if comp.get("required", True) else 0))
            high = int(comp.get("max_values", 1))
            if not low <= len(chosen) <= high:
                raise ValueError(f"modal select {cid!r} takes {low} to {high} values")
            return {"type": comp["type"], "custom_id": cid, "values": chosen}
        given = values.get(cid, comp.get("value") or "")
        if not isinstance(given, str):
            raise ValueError(f"modal input {cid!r} takes text, not {type(given).__name__}")
        if comp.get("required", True) and not given:
            raise ValueError(f"modal input {cid!r} is required")
        if given and not (
            int(comp.get("min_length", 0)) <= len(given) <= int(comp.get("max_length", 4000))
        ):
            raise ValueError(f"modal input {cid!r}: length outside its min/max_length")
        return {"type": comp["type"], "custom_id": cid, "value": given}

    def _modal_rows(
        self, spec: dict[str, Any], values: Mapping[str, str | list[str]]
    ) -> list[dict[str, Any]]:
        """The ``components`` of a modal submission, in the modal's own layout."""
        known = {c.get("custom_id") for c in walk(spec.get("components") or [])}
        unknown = set(values) - known
        if unknown:
            raise LookupError(f"modal has no inputs {sorted(unknown)}")
        rows: list[dict[str, Any]] = []
        for comp in spec.get("components") or []:
            if comp.get("type") == 1:
                inner = [
                    self._modal_answer(c, values)
                    for c in comp.get("components") or []
                    if "custom_id" in c
                ]
                rows.append({"type": 1, "components": inner})
            elif comp.get("type") == 18 and isinstance(comp.get("component"), dict):
                rows.append(
                    {"type": 18, "component": self._modal_answer(comp["component"], values)}
                )
        return rows
