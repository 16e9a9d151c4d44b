"""Gateway session handling with a real discord.py client."""

from __future__ import annotations

import asyncio
import json
import zlib

import aiohttp
import discord

from sandbox.emulator import Emulator

from .conftest import TOKEN, TinyBot


async def test_handshake_sequence(emu: Emulator, bot: TinyBot) -> None:
    sent = [(e.op, e.t) for e in emu.gateway.log if e.direction == "send"]
    recv = [e.op for e in emu.gateway.log if e.direction == "recv"]
    assert sent[0] == (10, None)
    assert (0, "READY") in sent and (0, "GUILD_CREATE") in sent
    assert sent.index((0, "READY")) < sent.index((0, "GUILD_CREATE"))
    assert 2 in recv and recv.index(2) < len(recv)
    ready = next(e.d for e in emu.gateway.log if e.t == "READY")
    assert ready["resume_gateway_url"] == emu.gateway_url
    assert ready["application"]["id"] == str(emu.application_id)
    assert bot.get_guild(emu.guild("Test Guild").id) is not None


async def test_heartbeat_ack(emu: Emulator, bot: TinyBot) -> None:
    await emu.wait_until(lambda: emu.gateway.heartbeat_count >= 2, 3, "heartbeats")
    assert any(e.op == 11 for e in emu.gateway.log if e.direction == "send")
    assert bot.latency < 1


async def _assert_still_works(emu: Emulator) -> None:
    alice = emu.add_member("Test Guild", f"user{len(emu.interactions)}")
    result = await emu.run_command(user=alice, name="hello")
    assert result.embeds[0]["title"] == "Hello"


async def test_resume_after_reconnect_op(emu: Emulator, bot: TinyBot) -> None:
    assert await emu.gateway.reconnect() == 1
    await emu.wait_for_resume(1, timeout=10)
    assert emu.gateway.identify_count == 1
    await _assert_still_works(emu)


async def test_resume_after_close_4000_replays_missed(emu: Emulator, bot: TinyBot) -> None:
    await emu.gateway.close_connections(4000)
    # dispatched while disconnected: must be replayed on RESUME
    guild = emu.guild("Test Guild")
    channel = guild.channel("general")
    missed = {
        "id": "1",
        "guild_id": str(guild.id),
        "name": "new-role",
        "role": {
            "id": "777",
            "name": "new-role",
            "permissions": "0",
            "position": 9,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
        },
    }
    await emu.gateway.dispatch("GUILD_ROLE_CREATE", missed)
    await emu.wait_for_resume(1, timeout=10)
    await emu.wait_until(
        lambda: (
            bot.get_guild(guild.id) is not None
            and bot.get_guild(guild.id).get_role(777) is not None
        ),
        5,
        "replayed event",
    )
    assert channel.id
    await _assert_still_works(emu)


async def test_reidentify_after_invalid_session(emu: Emulator, bot: TinyBot) -> None:
    await emu.gateway.invalidate_session(resumable=False)
    await emu.wait_for_identify(2, timeout=15)
    await emu.wait_for_ready(5)
    await _assert_still_works(emu)


async def test_resume_after_resumable_invalid_session(emu: Emulator, bot: TinyBot) -> None:
    await emu.gateway.invalidate_session(resumable=True)
    await emu.wait_for_resume(1, timeout=10)
    assert emu.gateway.identify_count == 1


async def test_raw_zlib_stream_and_bad_token(emu: Emulator) -> None:
    async with aiohttp.ClientSession() as s:
        async with s.ws_connect(emu.gateway_url + "?v=10&encoding=json&compress=zlib-stream") as ws:
            inflater = zlib.decompressobj()
            msg = await ws.receive()
            assert msg.type is aiohttp.WSMsgType.BINARY
            assert msg.data.endswith(b"\x00\x00\xff\xff")
            hello = json.loads(inflater.decompress(msg.data))
            assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] == 500
            await ws.send_json({"op": 1, "d": None})
            ack = json.loads(inflater.decompress((await ws.receive()).data))
            assert ack["op"] == 11
            await ws.send_json({"op": 2, "d": {"token": "wrong", "intents": 0}})
            closing = await ws.receive()
            assert closing.type is aiohttp.WSMsgType.CLOSE
            assert ws.close_code == 4004


async def test_bot_sends_messages_and_gets_own_events(emu: Emulator, bot: TinyBot) -> None:
    channel = bot.get_channel(emu.guild("Test Guild").channel("general").id)
    assert isinstance(channel, discord.TextChannel)
    waiter = asyncio.ensure_future(bot.wait_for("message", timeout=5))
    sent = await channel.send("hello world", nonce=12345)
    got = await waiter
    assert got.id == sent.id
    edited = await sent.edit(content="edited")
    assert edited.content == "edited"
    fetched = await channel.fetch_message(sent.id)
    assert fetched.content == "edited"
    await sent.delete()
    assert emu.channel_messages(channel.id) == []
    assert TOKEN
