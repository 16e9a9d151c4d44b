"""/digest end to end: subscribe (with clear refusals), send now exactly once, list, and a
channel the bot lost access to is paused and reported, not retried."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from sandbox.emulator import ChannelSpec
from tests.e2e.newsroom import Newsroom, newsroom, text_of

pytestmark = pytest.mark.asyncio
MANAGE_GUILD = 1 << 5


@pytest.fixture
async def room(tmp_path: Path) -> AsyncIterator[Newsroom]:
    closed = ChannelSpec(name="closed", bot_can_send=False)
    async with newsroom(tmp_path, channels=(closed,)) as room:
        yield room


async def test_subscribe_refuses_bad_input_and_stores_nothing(room: Newsroom) -> None:
    admin = room.emu.add_member(room.home.id, "adam", permissions=MANAGE_GUILD)
    general = room.home.channel("general")
    before = room.dump()
    for options, expected in [
        ({"timezone": "Mars/Olympus"}, "not an IANA time zone"),
        ({"time": "25:00"}, "not a time of day"),
        ({"topics": "troops, nowhere"}, "nowhere"),
    ]:
        result = await room.run("digest subscribe", admin, channel=general, **options)
        assert result.ephemeral and expected in text_of(result), text_of(result)
    refused = await room.run("digest subscribe", room.member, force=True, channel=general)
    assert refused.ephemeral and "Manage Server" in text_of(refused)
    assert room.dump() == before


async def test_a_channel_the_bot_cannot_post_in_is_refused(room: Newsroom) -> None:
    admin = room.emu.add_member(room.home.id, "adam", permissions=MANAGE_GUILD)
    closed = room.home.channel("closed")
    result = await room.run("digest subscribe", admin, channel=closed)
    assert result.ephemeral and "cannot post digests" in text_of(result)


async def test_send_now_posts_once_and_list_shows_it(room: Newsroom) -> None:
    admin = room.emu.add_member(room.home.id, "adam", permissions=MANAGE_GUILD)
    general = room.home.channel("general")
    subscribed = await room.run(
        "digest subscribe", admin, channel=general, timezone="Europe/Kyiv", time="08:30"
    )
    assert subscribed.ephemeral and "Digests subscribed" in text_of(subscribed)
    sent = await room.run("digest send-now", admin, channel=general)
    assert f"Sent to <#{general.id}> (1 message(s))" in text_of(sent), text_of(sent)
    (post,) = room.posts(general.id)
    text = "\n".join(
        [e.get("title", "") + "\n" + e.get("description", "") for e in post["embeds"]]
        + [f["name"] + "\n" + f["value"] for e in post["embeds"] for f in e.get("fields", [])]
    )
    assert "Still disputed" in text and "kursk-recaptured" in text
    assert post.get("nonce")
    again = await room.run("digest send-now", admin, channel=general)  # the same minute
    assert len(room.posts(general.id)) == 1, "a slot is posted once"
    assert again.ephemeral and "already sent" in text_of(again)
    listed = await room.run("digest list", admin)
    assert f"<#{general.id}>: daily at 08:30 Europe/Kyiv" in text_of(listed)
    assert "last <t:" in text_of(listed)


async def test_a_channel_that_turns_403_is_paused_and_reported(room: Newsroom) -> None:
    admin = room.emu.add_member(room.home.id, "adam", permissions=MANAGE_GUILD)
    general = room.home.channel("general")
    await room.run("digest subscribe", admin, channel=general)
    general.bot_can_send = False
    sent = await room.run("digest send-now", admin, channel=general)
    assert "Not sent: digests to" in text_of(sent) and "are now paused (403" in text_of(sent)
    listed = await room.run("digest list", admin)
    assert "**paused**: 403" in text_of(listed)
    emu = room.emu
    await emu.wait_until(lambda: room.posts(room.editors_channel), 10, "the editors told")
    assert "are paused" in room.posts(room.editors_channel)[-1]["content"]
    requests = len(emu.requests_to("POST", rf"/channels/{general.id}/messages"))
    await room.run("digest send-now", admin, channel=general)
    assert len(emu.requests_to("POST", rf"/channels/{general.id}/messages")) == requests


async def test_server_errors_and_rate_limits_still_post_exactly_once(room: Newsroom) -> None:
    admin = room.emu.add_member(room.home.id, "adam", permissions=MANAGE_GUILD)
    general = room.home.channel("general")
    await room.run("digest subscribe", admin, channel=general)
    path = rf"/channels/{general.id}/messages$"
    room.emu.faults.status(503, method="POST", path=path, times=1)  # discord.py: no retry
    room.emu.faults.status(500, method="POST", path=path, times=1)  # discord.py retries
    room.emu.faults.ratelimit(method="POST", path=path, times=1, retry_after=0.2)
    room.emu.faults.drop(method="POST", path=path, times=1)
    sent = await room.run("digest send-now", admin, channel=general)
    assert "Sent to" in text_of(sent), text_of(sent)
    assert len(room.posts(general.id)) == 1
    assert len(room.emu.requests_to("POST", path)) >= 5  # every fault was met and got past


async def test_preview_is_private_and_posts_nothing(room: Newsroom) -> None:
    admin = room.emu.add_member(room.home.id, "adam", permissions=MANAGE_GUILD)
    general = room.home.channel("general")
    await room.run("digest subscribe", admin, channel=general, topics="kursk")
    preview = await room.run("digest preview", admin, channel=general)
    shown = preview.followups or [preview.message]
    assert all(m["flags"] & 64 for m in shown)
    text = "\n".join(
        e.get("title", "")
        + e.get("description", "")
        + "".join(f["value"] for f in e.get("fields", []))
        for m in shown
        for e in m.get("embeds", [])
    )
    assert "Russian forces have recaptured the Kursk region" in text
    assert "10,000 to 12,000" not in text  # a troops claim: not in this channel's topics
    assert room.posts(general.id) == []
    unsubscribed = await room.run("digest unsubscribe", admin, channel=general)
    assert "Unsubscribed" in text_of(unsubscribed)
    listed = await room.run("digest list", admin)
    assert "No channel here gets digests" in text_of(listed)


async def test_weekly_on_a_chosen_day(room: Newsroom) -> None:
    admin = room.emu.add_member(room.home.id, "adam", permissions=MANAGE_GUILD)
    general = room.home.channel("general")
    await room.run("digest subscribe", admin, channel=general, frequency="weekly", weekday="friday")
    listed = await room.run("digest list", admin)
    assert f"<#{general.id}>: weekly on Fridays at 09:00 UTC" in text_of(listed)


async def test_send_now_says_so_when_discord_keeps_failing(room: Newsroom) -> None:
    admin = room.emu.add_member(room.home.id, "adam", permissions=MANAGE_GUILD)
    general = room.home.channel("general")
    await room.run("digest subscribe", admin, channel=general)
    path = rf"/channels/{general.id}/messages$"
    room.emu.faults.status(503, method="POST", path=path, times=4)  # every try of the post
    failed = await room.run("digest send-now", admin, channel=general)
    assert failed.ephemeral and "Discord kept failing (503" in text_of(failed), text_of(failed)
    assert room.posts(general.id) == []
    listed = await room.run("digest list", admin)
    assert "paused" not in text_of(listed)  # a failing Discord is not a lost channel
