"""Walk the command tree the bot would sync: names unique, everything described, in limits."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord
import pytest

from bot import EXTENSIONS, BriefingBot
from briefing.seed import read_seed
from briefing.settings import load_settings
from briefing.store import Store
from cogs._translator import CatalogTranslator

ROOT = Path(__file__).resolve().parents[2]
NAME = re.compile(r"^[-_\w]{1,32}$")


@pytest.fixture
async def tree_payload(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[list[Any]]:
    monkeypatch.chdir(tmp_path)
    bot = BriefingBot(load_settings())
    bot.use_store(await Store.open(tmp_path / "tree.db"))
    await bot.store.load_seed(read_seed(ROOT / "data" / "briefing.yaml"))
    assert await bot.load_extensions(EXTENSIONS) == list(EXTENSIONS)
    yield [c.to_dict(bot.tree) for c in bot.tree.get_commands()]
    await bot.close()  # unloads the cogs (stopping their loops), then closes the store


def _walk(options: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for option in options:
        out.append(option)
        out += _walk(option.get("options", []))
    return out


def _chars(command: dict[str, Any]) -> int:
    """Discord caps a command's combined name, description and option texts at 4,000."""
    total = len(command["name"]) + len(command["description"])
    for o in _walk(command.get("options", [])):
        total += len(o["name"]) + len(o["description"])
        total += sum(len(c["name"]) + len(str(c["value"])) for c in o.get("choices", []))
    return total


ADMIN_COMMANDS = {"digest"}


async def test_public_commands_are_all_there(tree_payload: list[Any]) -> None:
    names = sorted(c["name"] for c in tree_payload if c["name"] not in ADMIN_COMMANDS)
    expected = ["about", "brief", "claim", "disputed", "help", "kursk-status", "search", "timeline"]
    assert names == sorted([*expected, "treaty", "troops"])


async def test_names_unique_and_valid(tree_payload: list[Any]) -> None:
    names = [c["name"] for c in tree_payload]
    assert len(names) == len(set(names))
    for command in tree_payload:
        assert NAME.match(command["name"]) and command["name"] == command["name"].lower()
        option_names = [o["name"] for o in command.get("options", [])]
        assert len(option_names) == len(set(option_names)), command["name"]


async def test_everything_described_within_limits(tree_payload: list[Any]) -> None:
    for command in tree_payload:
        assert 1 <= len(command["description"]) <= 100, command["name"]
        assert len(command.get("options", [])) <= 25
        for option in _walk(command.get("options", [])):
            assert NAME.match(option["name"]), option
            assert 1 <= len(option["description"]) <= 100, (command["name"], option["name"])
            assert len(option.get("choices", [])) <= 25
        assert _chars(command) <= 4000, command["name"]


async def test_digest_is_for_server_admins_in_servers_only(tree_payload: list[Any]) -> None:
    (digest,) = [c for c in tree_payload if c["name"] == "digest"]
    assert digest["contexts"] == [0] and digest["integration_types"] == [0]
    assert int(digest["default_member_permissions"]) == 1 << 5  # Manage Server
    subcommands = {o["name"] for o in digest["options"]}
    assert subcommands == {"subscribe", "unsubscribe", "list", "preview", "send-now"}


async def test_public_commands_work_everywhere(tree_payload: list[Any]) -> None:
    for command in tree_payload:
        if command["name"] in ADMIN_COMMANDS:
            continue
        # 0 guild, 1 bot DM, 2 private channel; installable to servers (0) and users (1).
        assert sorted(command["contexts"]) == [0, 1, 2], command["name"]
        assert sorted(command["integration_types"]) == [0, 1], command["name"]
        assert command.get("default_member_permissions") is None, command["name"]


async def test_a_broken_extension_is_logged_and_the_others_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.chdir(tmp_path)
    bot = BriefingBot(load_settings())
    bot.use_store(await Store.open(tmp_path / "tree.db"))
    try:
        await bot.store.load_seed(read_seed(ROOT / "data" / "briefing.yaml"))
        loaded = await bot.load_extensions(["tests.bot.broken_extension", *EXTENSIONS])
        assert loaded == list(EXTENSIONS)
        assert "extension tests.bot.broken_extension failed to load" in caplog.text
        assert "claim" in [c.name for c in bot.tree.get_commands()]
    finally:
        await bot.store.close()


async def test_a_partial_tree_is_never_synced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Syncing without a failed extension's commands would delete them from Discord."""
    import bot as bot_module

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BRIEFING_SEED", str(ROOT / "data" / "briefing.yaml"))
    monkeypatch.setattr(
        bot_module, "EXTENSIONS", ("tests.bot.broken_extension", *bot_module.EXTENSIONS)
    )
    bot = BriefingBot(load_settings())
    synced: list[bool] = []

    async def record_sync(*, force: bool = False) -> bool:
        synced.append(force)
        return True

    monkeypatch.setattr(bot, "sync_commands", record_sync)
    try:
        await bot.setup_hook()
        assert synced == []
        assert "not syncing commands" in caplog.text
    finally:
        await bot.close()


HOME = 1234


@pytest.fixture
async def translated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[list[dict[str, Any]]]:
    """Every command as the bot syncs it, the editors' /facts included, translations and all."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BRIEFING_HOME_GUILD_IDS", str(HOME))
    bot = BriefingBot(load_settings())
    bot.use_store(await Store.open(tmp_path / "tree.db"))
    await bot.store.load_seed(read_seed(ROOT / "data" / "briefing.yaml"))
    await bot.tree.set_translator(CatalogTranslator())
    assert await bot.load_extensions(EXTENSIONS) == list(EXTENSIONS)
    translator = bot.tree.translator
    assert translator is not None
    commands = [*bot.tree.get_commands(), *bot.tree.get_commands(guild=discord.Object(HOME))]
    yield [await c.get_translated_payload(bot.tree, translator) for c in commands]
    await bot.close()


def _named(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The command and everything in it that has a name: options, subcommands, choices."""
    out = [payload]
    for option in _walk(payload.get("options", [])):
        out.append(option)
        out += option.get("choices", [])
    return out


@pytest.mark.parametrize("locale", ["ko", "uk", "ru"])
async def test_the_whole_tree_reads_in_each_language(
    translated: list[dict[str, Any]], locale: str
) -> None:
    assert any(c["name"] == "facts" for c in translated)
    for command in translated:
        for item in _named(command):
            local = (item.get("name_localizations") or {}).get(locale)
            assert local, f"{item['name']} has no {locale} name"
            if "description" in item:  # choices have none
                described = (item.get("description_localizations") or {}).get(locale)
                assert described and len(described) <= 100, f"{item['name']} ({locale})"
            if "value" not in item:
                # Names Discord checks: lowercase, letters, digits, - and _.
                assert re.fullmatch(r"[-_\w]{1,32}", local) and local == local.lower(), local
        # Names are unique among siblings, in this language too.
        for scope in [command, *_walk(command.get("options", []))]:
            siblings = [o["name_localizations"][locale] for o in scope.get("options", [])]
            assert len(siblings) == len(set(siblings)), (command["name"], siblings)
        total = len(command["name_localizations"][locale]) + len(
            command["description_localizations"][locale]
        )
        for option in _walk(command.get("options", [])):
            total += len(option["name_localizations"][locale])
            total += len(option["description_localizations"][locale])
            total += sum(len(c["name_localizations"][locale]) for c in option.get("choices", []))
        assert total <= 4000, command["name"]
    names = {c["name"]: c["name_localizations"][locale] for c in translated}
    assert len(set(names.values())) == len(names)
    # The topic shortcuts carry the names the data file gives them.
    seed = read_seed(ROOT / "data" / "briefing.yaml")
    for topic in seed.topics:
        text = topic.text(locale)
        if topic.command and text is not None and text.command:
            assert names[topic.command] == text.command
    assert names["claim"] != "claim" and names["search"] != "search"
