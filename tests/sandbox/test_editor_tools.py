"""What issue 10's editor tools need from the emulator, against a small discord.py bot.

Attachment options (an `Upload` resolved and served like Discord's CDN), a file in an answer,
guild-only command groups (and `force=True` for what Discord would not offer), a modal from a
button on an ephemeral message, and DMs, including a member who refuses them (50007).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from sandbox.emulator import (
    ChannelSpec,
    CommandNotFound,
    Emulator,
    GuildSpec,
    MemberSpec,
    RoleSpec,
    Upload,
)

from .conftest import connected
from .facts_bot import CLAIMS, EXPORT, FactsBot

MANAGE_MESSAGES = 1 << 13
YAML = b"claims:\n  - id: kursk-recaptured\n    status: disputed\n"


@pytest.fixture
def emulator_config() -> dict[str, Any]:
    def guild(name: str, channel: str) -> GuildSpec:
        editor = RoleSpec("editor", permissions=MANAGE_MESSAGES)
        return GuildSpec(name, channels=[ChannelSpec(channel)], roles=[editor])

    return {"guilds": [guild("Home", "general"), guild("Elsewhere", "lobby")]}


@pytest.fixture
async def facts(point_discord_at: Emulator) -> AsyncIterator[FactsBot]:
    emu = point_discord_at
    home = emu.guild("Home")
    async with connected(FactsBot(home.id), emu) as client:
        await emu.wait_until(
            lambda: bool(emu.guild_commands.get(home.id)) and bool(emu.global_commands),
            10,
            "the guild and the global sync",
        )
        yield client


@pytest.fixture
def editor(emu: Emulator) -> MemberSpec:
    return emu.add_member("Home", "eve", roles=["editor"])


# ---------------------------------------------------------------------------------- files


async def test_an_uploaded_file_is_resolved_and_served_like_discords_cdn(
    emu: Emulator, facts: FactsBot, editor: MemberSpec
) -> None:
    upload = Upload("briefing.yaml", YAML, "application/x-yaml")
    result = await emu.run_command(
        user=editor, name="facts import", options={"file": upload, "apply": True}
    )
    assert result.content == (
        f"read briefing.yaml: {len(YAML)} bytes, application/x-yaml, apply=True, "
        "first line 'claims:'"
    )
    data = result.record.payload["data"]
    [sub] = data["options"]
    assert (sub["name"], sub["type"]) == ("import", 1)
    file_option = next(o for o in sub["options"] if o["name"] == "file")
    assert file_option["type"] == 11
    attachment = data["resolved"]["attachments"][file_option["value"]]
    assert attachment["id"] == file_option["value"]
    assert attachment["filename"] == "briefing.yaml"
    assert attachment["size"] == len(YAML)
    assert attachment["content_type"] == "application/x-yaml"
    assert attachment["ephemeral"] is True
    assert "/ephemeral-attachments/" in attachment["url"]
    async with aiohttp.ClientSession() as cdn, cdn.get(attachment["url"]) as r:
        assert r.status == 200
        assert r.headers["Content-Type"] == "application/x-yaml"
        assert await r.read() == YAML
    assert emu.read_attachment(file_option["value"]) == YAML


async def test_attachment_options_take_only_what_the_discord_client_uploads(
    emu: Emulator, facts: FactsBot, editor: MemberSpec
) -> None:
    before = len(emu.interactions)
    with pytest.raises(ValueError, match=r"attachment \(type 11\): pass Upload"):
        await emu.run_command(user=editor, name="facts import", options={"file": "a.yaml"})
    with pytest.raises(ValueError, match="is not an attachment"):
        await emu.run_command(
            user=editor, name="facts status", options={"id": Upload("a.yaml", b"x")}
        )
    huge = Upload("big.yaml", b"x" * (10 * 1024 * 1024 + 1))
    with pytest.raises(ValueError, match="uploads at most"):
        await emu.run_command(user=editor, name="facts import", options={"file": huge})
    with pytest.raises(ValueError, match="required option 'file' missing"):
        await emu.run_command(user=editor, name="facts import", options={"apply": True})
    assert len(emu.interactions) == before  # nothing reached the bot


async def test_an_answer_with_a_file(emu: Emulator, facts: FactsBot, editor: MemberSpec) -> None:
    result = await emu.run_command(user=editor, name="facts export", options={"format": "csv"})
    assert result.ephemeral and result.content == "The briefing:"
    [attachment] = result.attachments
    assert attachment["filename"] == "briefing_export.csv"  # Discord's file name rules
    assert f"/attachments/{result.channel_id}/" in attachment["url"]
    assert emu.read_attachment(attachment) == EXPORT
    async with aiohttp.ClientSession() as cdn, cdn.get(attachment["url"]) as r:
        assert await r.read() == EXPORT


# ---------------------------------------------------------------------------------- guild commands


async def test_a_guild_command_group_runs_and_completes_only_in_its_guild(
    emu: Emulator, facts: FactsBot, editor: MemberSpec
) -> None:
    home = emu.guild("Home")
    status = await emu.run_command(
        user=editor.user, name="facts status", options={"id": "kyiv-held"}, guild_id=home.id
    )
    assert status.content == f"kyiv-held: {CLAIMS['kyiv-held']}"
    assert status.record.payload["data"]["guild_id"] == str(home.id)
    choices = await emu.autocomplete(
        user=editor, name="facts status", options={"id": "kursk"}, focused="id"
    )
    assert [c["value"] for c in choices] == ["kursk-recaptured", "kursk-lost"]

    elsewhere = emu.add_member("Elsewhere", editor.user, roles=["editor"])
    with pytest.raises(CommandNotFound, match="guild command of Home"):
        await emu.run_command(user=elsewhere, name="facts status", options={"id": "kyiv-held"})
    with pytest.raises(CommandNotFound):
        await emu.autocomplete(user=elsewhere, name="facts status", options={}, focused="id")
    with pytest.raises(CommandNotFound, match="in DMs"):
        await emu.run_command(user=editor.user, name="facts status", options={"id": "x"})
    with pytest.raises(CommandNotFound, match="is a group"):
        await emu.run_command(user=editor, name="facts")
    claim = await emu.run_command(user=elsewhere, name="claim", options={"id": "kyiv-held"})
    assert claim.content.startswith("kyiv-held:")  # a global command is everywhere


async def test_force_delivers_what_discord_would_not_offer(
    emu: Emulator, facts: FactsBot, editor: MemberSpec
) -> None:
    home, other = emu.guild("Home"), emu.guild("Elsewhere")
    elsewhere = emu.add_member(other.id, editor.user, roles=["editor"])
    forged = await emu.run_command(
        user=elsewhere, name="facts status", options={"id": "kyiv-held"}, force=True
    )
    assert forged.content == "Not in this server."
    payload = forged.record.payload
    assert payload["guild_id"] == str(other.id)
    assert payload["data"]["guild_id"] == str(home.id)  # what the forged interaction names
    in_dm = await emu.run_command(
        user=editor.user, name="facts status", options={"id": "x"}, force=True
    )
    assert in_dm.content == "Not in this server."

    member = emu.add_member(home.id, "mo")
    with pytest.raises(PermissionError, match="default_member_permissions"):
        await emu.run_command(user=member, name="facts queue")
    with pytest.raises(PermissionError):
        await emu.autocomplete(user=member, name="facts status", options={}, focused="id")
    hidden = await emu.run_command(user=member, name="facts queue", force=True)
    assert hidden.content == "Editors only."


async def test_default_member_permissions_zero_is_for_administrators(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    guild = emu.guild("Home")
    command = {"name": "purge", "description": "x", "type": 1, "default_member_permissions": "0"}
    url = f"applications/{emu.application_id}/guilds/{guild.id}/commands"
    async with http.put(url, json=[command]) as r:
        assert r.status == 200
    editor = emu.add_member(guild.id, "ed", roles=["editor"])
    with pytest.raises(PermissionError):
        await emu.run_command(user=editor, name="purge")
    admin = emu.add_member(guild.id, "ada", administrator=True)
    with pytest.raises(RuntimeError, match="no bot is connected"):  # past Discord's check
        await emu.run_command(user=admin, name="purge")


# ---------------------------------------------------------------------------------- modals, DMs


async def test_review_a_suggestion_from_an_ephemeral_message_and_dm_the_outcome(
    emu: Emulator, facts: FactsBot, editor: MemberSpec
) -> None:
    alice = emu.add_member("Home", "alice")
    card = await emu.run_command(user=alice, name="claim", options={"id": "kursk-recaptured"})
    opened = await emu.press_button(user=alice, message=card, custom_id="suggest:kursk-recaptured")
    assert opened.type == 9 and opened.modal is not None
    text_input = next(c for row in opened.modal["components"] for c in row["components"])
    assert text_input["value"] == CLAIMS["kursk-recaptured"]  # prefilled
    with pytest.raises(PermissionError, match="shown to alice"):
        await emu.submit_modal(user=editor, modal=opened, values={})
    with pytest.raises(LookupError, match="no inputs"):
        await emu.submit_modal(user=alice, modal=opened, values={"nope": "x"})
    with pytest.raises(ValueError, match="required"):
        await emu.submit_modal(user=alice, modal=opened, values={"text": ""})
    thanks = await emu.submit_modal(
        user=alice, modal=opened, values={"source": "https://apnews.com/x"}
    )
    assert thanks.ephemeral and thanks.content == "Thanks: suggestion #1 is queued."
    assert facts.suggestions[0].text == CLAIMS["kursk-recaptured"]  # left as prefilled

    queue = await emu.run_command(user=editor, name="facts queue")
    assert queue.ephemeral and queue.custom_ids() == ["queue:accept:1", "queue:reject:1"]
    with pytest.raises(PermissionError, match="ephemeral"):
        await emu.press_button(user=alice, message=queue, custom_id="queue:accept:1")
    note = await emu.press_button(user=editor, message=queue, custom_id="queue:accept:1")
    assert note.type == 9
    done = await emu.submit_modal(user=editor, modal=note, values={"note": "Fixed, thanks."})
    assert done.type == 7
    assert done.record.payload["message"]["id"] == str(queue.message_id)
    assert queue.content == "#1 accepted: Fixed, thanks." and queue.components == []
    assert queue.ephemeral
    [dm] = await emu.wait_for_dms(alice)  # sent after the answer
    assert dm["content"] == "Your suggestion #1 on kursk-recaptured was accepted: Fixed, thanks."
    assert dm["channel_id"] == str(emu.dm_channel(alice).id) and "guild_id" not in dm


async def test_a_member_who_refuses_dms_gets_none_and_the_bot_hears_50007(
    emu: Emulator, facts: FactsBot, editor: MemberSpec
) -> None:
    bob = emu.add_member("Home", "bob", accepts_dms=False)
    card = await emu.run_command(user=bob, name="claim", options={"id": "kyiv-held"})
    opened = await emu.press_button(user=bob, message=card, custom_id="suggest:kyiv-held")
    await emu.submit_modal(user=bob, modal=opened, values={"text": "Kyiv was not encircled."})
    queue = await emu.run_command(user=editor, name="facts queue")
    rejected = await emu.press_button(user=editor, message=queue, custom_id="queue:reject:1")
    assert rejected.type == 7 and queue.content == "#1 rejected"
    await emu.wait_until(lambda: bool(rejected.followups), 5, "the bot's followup")
    [told] = rejected.followups
    assert told["content"] == f"Could not DM <@{bob.id}> (code 50007)."
    assert emu.dms_to(bob) == []


async def test_dm_channels_over_raw_http(emu: Emulator, http: aiohttp.ClientSession) -> None:
    dora = emu.add_user("dora", accepts_dms=False)
    async with http.post("users/@me/channels", json={"recipient_id": str(dora.id)}) as r:
        assert r.status == 200
        channel = await r.json()
    assert channel["type"] == 1 and channel["recipients"][0]["id"] == str(dora.id)
    url = f"channels/{channel['id']}/messages"
    async with http.post(url, json={"content": "hello"}) as r:
        assert r.status == 403
        assert await r.json() == {"message": "Cannot send messages to this user", "code": 50007}
    dora.accepts_dms = True
    async with http.post(url, json={"content": "hello again"}) as r:
        assert r.status == 200
    assert [m["content"] for m in emu.dms_to(dora)] == ["hello again"]
    bot_dm = emu.dm_channel(emu.bot_user)
    async with http.post(f"channels/{bot_dm.id}/messages", json={"content": "x"}) as r:
        assert (r.status, (await r.json())["code"]) == (403, 50007)  # bots do not DM bots


async def test_an_ephemeral_message_is_reachable_only_through_its_webhook(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    guild = emu.guild("Home")
    member = emu.add_member(guild.id, "x")
    rec = emu._interaction_payload(2, {}, member, guild, guild.channels[0].id)
    body = {"type": 4, "data": {"content": "secret", "flags": 64}}
    async with http.post(f"interactions/{rec.id}/{rec.token}/callback", json=body) as r:
        message = (await r.json())["resource"]["message"]
    url = f"channels/{guild.channels[0].id}/messages/{message['id']}"
    for method in ("GET", "PATCH", "DELETE"):
        async with http.request(method, url, json={"content": "edited"}) as r:
            assert (r.status, (await r.json())["code"]) == (404, 10008), method
    webhook = f"webhooks/{emu.application_id}/{rec.token}/messages/@original"
    async with http.patch(webhook, json={"content": "edited"}) as r:
        assert r.status == 200 and (await r.json())["content"] == "edited"
