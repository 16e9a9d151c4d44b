"""Interactions through a real discord.py client."""

from __future__ import annotations

import pytest

from sandbox.emulator import ApplicationDidNotRespond, CommandNotFound, Emulator

from .conftest import TinyBot


async def test_slash_command_embed(emu: Emulator, bot: TinyBot) -> None:
    guild = emu.guild("Test Guild")
    alice = emu.add_member(guild.id, "alice")
    result = await emu.run_command(user=alice, name="hello", channel_id=guild.channel("general").id)
    assert result.type == 4
    assert result.embeds[0]["title"] == "Hello"
    assert "alice" in result.embeds[0]["description"]
    assert not result.ephemeral
    assert result.message_id is not None
    assert emu.channel_messages(guild.channel("general").id)[-1]["id"] == str(result.message_id)


async def test_options_typed_and_ephemeral(emu: Emulator, bot: TinyBot) -> None:
    alice = emu.add_member("Test Guild", "alice")
    result = await emu.run_command(user=alice, name="pick", options={"item": "kyiv", "count": "3"})
    assert result.content == "kyiv x3"
    assert result.ephemeral


async def test_subcommand_group_int_option(emu: Emulator, bot: TinyBot) -> None:
    bob = emu.add_member("Test Guild", "bob")
    result = await emu.run_command(user=bob, name="digest subscribe", options={"hour": 7})
    assert result.content == "subscribed at 7 (int)"


async def test_unknown_command_fails_clearly(emu: Emulator, bot: TinyBot) -> None:
    bob = emu.add_member("Test Guild", "bob")
    with pytest.raises(CommandNotFound):
        await emu.run_command(user=bob, name="nope")


async def test_autocomplete(emu: Emulator, bot: TinyBot) -> None:
    alice = emu.add_member("Test Guild", "alice")
    choices = await emu.autocomplete(
        user=alice, name="pick", options={"item": "kur"}, focused="item"
    )
    assert [c["value"] for c in choices] == ["kursk-recaptured", "kursk-lost"]


async def test_button_press_updates_message(emu: Emulator, bot: TinyBot) -> None:
    alice = emu.add_member("Test Guild", "alice")
    panel = await emu.run_command(user=alice, name="panel")
    assert panel.custom_ids() == ["panel:ok"]
    pressed = await emu.press_button(user=alice, message=panel, custom_id="panel:ok")
    assert pressed.type == 7
    assert pressed.content == "pressed by alice"
    assert panel.content == "pressed by alice"


async def test_deferred_followup(emu: Emulator, bot: TinyBot) -> None:
    alice = emu.add_member("Test Guild", "alice")
    result = await emu.run_command(user=alice, name="slow")
    assert result.type == 5
    assert [m["content"] for m in result.followups] == ["done slowly"]


async def test_modal_roundtrip(emu: Emulator, bot: TinyBot) -> None:
    alice = emu.add_member("Test Guild", "alice")
    opened = await emu.run_command(user=alice, name="form")
    assert opened.type == 9
    assert opened.modal is not None and opened.modal["title"] == "Your answer"
    submitted = await emu.submit_modal(user=alice, modal=opened, values={"answer": "42"})
    assert submitted.content == "got 42"
    assert submitted.ephemeral


async def test_dm_command(emu: Emulator, bot: TinyBot) -> None:
    carol = emu.add_user("carol")
    result = await emu.run_command(user=carol, name="hello")
    assert result.record.payload["context"] == 1
    assert "user" in result.record.payload and "member" not in result.record.payload
    assert result.embeds[0]["title"] == "Hello"


@pytest.mark.parametrize("emulator_config", [{"interaction_deadline": 0.4}])
async def test_deadline_application_did_not_respond(emu: Emulator, bot: TinyBot) -> None:
    alice = emu.add_member("Test Guild", "alice")
    with pytest.raises(ApplicationDidNotRespond):
        await emu.run_command(user=alice, name="late")
    await emu.wait_until(lambda: bot.late_error is not None, 5)
    assert getattr(bot.late_error, "code", None) == 10062
    assert len(emu.failed_interactions()) == 1


async def test_invalid_embed_rejected_with_field_path(emu: Emulator, bot: TinyBot) -> None:
    alice = emu.add_member("Test Guild", "alice")
    result = await emu.run_command(user=alice, name="big")
    assert result.content == "fallback"
    err = bot.errors[0]
    assert getattr(err, "code", None) == 50035
    assert "data.embeds.0.title" in str(err)
