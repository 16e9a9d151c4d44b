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


def posts(room: Newsroom, channel_id: int) -> list[dict]:  # type: ignore[type-arg]
    return [m for m in room.emu.channel_messages(channel_id) if "interaction_metadata" not in m]


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
    assert "sent" in text_of(sent)
    (post,) = posts(room, general.id)
    text = "\n".join(
        [e.get("title", "") + "\n" + e.get("description", "") for e in post["embeds"]]
        + [f["name"] + "\n" + f["value"] for e in post["embeds"] for f in e.get("fields", [])]
    )
    assert "Still disputed" in text and "kursk-recaptured" in text
    assert post.get("nonce")
    again = await room.run("digest send-now", admin, channel=general)  # the same minute
    assert len(posts(room, general.id)) == 1, "a slot is posted once"
    assert again.ephemeral
    listed = await room.run("digest list", admin)
    assert f"<#{general.id}>: daily at 08:30 Europe/Kyiv" in text_of(listed)
    assert "last <t:" in text_of(listed)


async def test_a_channel_that_turns_403_is_paused_and_reported(room: Newsroom) -> None:
    admin = room.emu.add_member(room.home.id, "adam", permissions=MANAGE_GUILD)
    general = room.home.channel("general")
    await room.run("digest subscribe", admin, channel=general)
    general.bot_can_send = False
    await room.run("digest send-now", admin, channel=general)
    listed = await room.run("digest list", admin)
    assert "**paused**: 403" in text_of(listed)
    emu = room.emu
    await emu.wait_until(lambda: posts(room, room.editors_channel), 10, "the editors told")
    assert "are paused" in posts(room, room.editors_channel)[-1]["content"]
    requests = len(emu.requests_to("POST", rf"/channels/{general.id}/messages"))
    await room.run("digest send-now", admin, channel=general)
    assert len(emu.requests_to("POST", rf"/channels/{general.id}/messages")) == requests
