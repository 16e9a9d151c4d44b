"""REST rules with raw aiohttp requests (no bot needed) and via discord.py."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import discord
import pytest

from sandbox.emulator import Emulator, RateLimitConfig
from sandbox.emulator.schema import SchemaValidator

from .conftest import TOKEN, TinyBot

SPEC = Path(__file__).resolve().parents[3] / "shared" / "discord-api-spec" / "openapi.json"


def _general(emu: Emulator) -> int:
    return emu.guild("Test Guild").channel("general").id


async def test_auth_required(emu: Emulator) -> None:
    async with aiohttp.ClientSession() as s, s.get(emu.api_base + "/users/@me") as r:
        assert r.status == 401
        assert (await r.json())["code"] == 0


async def test_unknown_route_404_recorded(emu: Emulator, http: aiohttp.ClientSession) -> None:
    async with http.get("nothing/here") as r:
        assert r.status == 404
        assert r.headers["Content-Type"] == "application/json"
        assert await r.json() == {"message": "404: Not Found", "code": 0}
    assert emu.unknown_requests[-1].path == "/nothing/here"


async def test_content_limit(emu: Emulator, http: aiohttp.ClientSession) -> None:
    async with http.post(f"channels/{_general(emu)}/messages", json={"content": "x" * 2001}) as r:
        body = await r.json()
    assert r.status == 400
    assert body["code"] == 50035
    assert body["errors"]["content"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"


@pytest.mark.parametrize(
    ("payload", "path"),
    [
        ({"embeds": [{"description": "x" * 4097}]}, ["embeds", "0", "description"]),
        (
            {"embeds": [{"title": "t", "fields": [{"name": "n", "value": "v" * 1025}]}]},
            ["embeds", "0", "fields", "0", "value"],
        ),
        ({"embeds": [{"title": "t", "url": "example.com/x"}]}, ["embeds", "0", "url"]),
        (
            {"embeds": [{"title": "t", "footer": {"text": "f" * 2049}}]},
            ["embeds", "0", "footer", "text"],
        ),
        ({"embeds": [{"description": "x" * 3500}, {"description": "y" * 3500}]}, ["embeds"]),
        ({"embeds": [{"title": "t"}] * 11}, ["embeds"]),
        (
            {
                "content": "c",
                "components": [
                    {
                        "type": 1,
                        "components": [
                            {"type": 2, "style": 1, "custom_id": "x" * 101, "label": "l"}
                        ],
                    }
                ],
            },
            ["components", "0", "components", "0", "custom_id"],
        ),
        (
            {
                "content": "c",
                "components": [
                    {
                        "type": 1,
                        "components": [
                            {"type": 2, "style": 1, "custom_id": f"b{i}", "label": "l"}
                            for i in range(6)
                        ],
                    }
                ],
            },
            ["components", "0", "components"],
        ),
        (
            {
                "content": "c",
                "components": [
                    {
                        "type": 1,
                        "components": [{"type": 2, "style": 1, "custom_id": f"r{i}", "label": "l"}],
                    }
                    for i in range(6)
                ],
            },
            ["components"],
        ),
    ],
)
async def test_message_limits_name_the_field(
    emu: Emulator, http: aiohttp.ClientSession, payload: dict[str, Any], path: list[str]
) -> None:
    async with http.post(f"channels/{_general(emu)}/messages", json=payload) as r:
        body = await r.json()
    assert r.status == 400, body
    node = body["errors"]
    for part in path:
        node = node[part]
    assert node["_errors"]


async def test_channel_access(emu: Emulator, http: aiohttp.ClientSession) -> None:
    guild = emu.guild("Test Guild")
    cases = [
        (guild.channel("hidden").id, 403, 50001),
        (guild.channel("readonly").id, 403, 50013),
        (123456789, 404, 10003),
    ]
    for cid, status, code in cases:
        async with http.post(f"channels/{cid}/messages", json={"content": "hi"}) as r:
            assert (r.status, (await r.json())["code"]) == (status, code)


async def test_a_message_with_an_attachment_is_stored_and_served(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    form = aiohttp.FormData()
    form.add_field("payload_json", '{"content": "see attached"}', content_type="application/json")
    form.add_field("files[0]", b"briefing,export", filename="claims.csv", content_type="text/csv")
    async with http.post(f"channels/{_general(emu)}/messages", data=form) as r:
        assert r.status == 200, await r.text()
        sent = await r.json()
    assert sent["content"] == "see attached"
    [attachment] = sent["attachments"]
    assert attachment["filename"] == "claims.csv"
    async with http.get(attachment["url"]) as r:
        assert await r.read() == b"briefing,export"


async def test_nonce_enforced(emu: Emulator, http: aiohttp.ClientSession) -> None:
    payload = {"content": "once", "nonce": "abc", "enforce_nonce": True}
    ids = []
    for _ in range(2):
        async with http.post(f"channels/{_general(emu)}/messages", json=payload) as r:
            ids.append((await r.json())["id"])
    assert ids[0] == ids[1]
    assert len(emu.channel_messages(_general(emu))) == 1


async def test_route_rate_limit_headers_and_429(emu: Emulator, http: aiohttp.ClientSession) -> None:
    url = f"channels/{_general(emu)}/messages"
    for i in range(5):
        async with http.post(url, json={"content": str(i)}) as r:
            assert r.status == 200
            assert r.headers["X-RateLimit-Limit"] == "5"
            assert r.headers["X-RateLimit-Remaining"] == str(4 - i)
            assert float(r.headers["X-RateLimit-Reset-After"]) > 0
            assert "X-RateLimit-Reset" in r.headers and "X-RateLimit-Bucket" in r.headers
    async with http.post(url, json={"content": "too many"}) as r:
        body = await r.json()
        assert r.status == 429
        assert r.headers["Via"]
        assert body["global"] is False and body["retry_after"] > 0


@pytest.mark.parametrize(
    "emulator_config", [{"rate_limits": RateLimitConfig(global_limit=10, global_per=5.0)}]
)
async def test_global_rate_limit(emu: Emulator, http: aiohttp.ClientSession) -> None:
    statuses = []
    for _ in range(12):
        async with http.get("users/@me") as r:
            statuses.append(r.status)
            if r.status == 429:
                assert r.headers["X-RateLimit-Global"] == "true"
                assert (await r.json())["global"] is True
    assert statuses[:10] == [200] * 10 and statuses[10:] == [429, 429]
    # interaction callbacks are exempt from the global limit
    guild = emu.guild("Test Guild")
    rec = emu._interaction_payload(
        2, {}, emu.add_member(guild.id, "x"), guild, guild.channels[0].id
    )
    async with http.post(
        f"interactions/{rec.id}/{rec.token}/callback", json={"type": 4, "data": {"content": "ok"}}
    ) as r:
        assert r.status == 200


async def test_double_ack_and_late_ack(emu: Emulator, http: aiohttp.ClientSession) -> None:
    guild = emu.guild("Test Guild")
    member = emu.add_member(guild.id, "x")
    rec = emu._interaction_payload(2, {}, member, guild, guild.channels[0].id)
    url = f"interactions/{rec.id}/{rec.token}/callback"
    async with http.post(url, json={"type": 4, "data": {"content": "one"}}) as r:
        data = await r.json()
        assert r.status == 200 and data["resource"]["message"]["content"] == "one"
    async with http.post(url, json={"type": 4, "data": {"content": "two"}}) as r:
        assert (r.status, (await r.json())["code"]) == (400, 40060)
    late = emu._interaction_payload(2, {}, member, guild, guild.channels[0].id)
    late.created -= 5
    async with http.post(f"interactions/{late.id}/{late.token}/callback", json={"type": 5}) as r:
        assert (r.status, (await r.json())["code"]) == (404, 10062)
    assert late.failed


async def test_autocomplete_and_modal_limits(emu: Emulator, http: aiohttp.ClientSession) -> None:
    guild = emu.guild("Test Guild")
    member = emu.add_member(guild.id, "x")
    ac = emu._interaction_payload(4, {}, member, guild, guild.channels[0].id)
    choices = [{"name": f"c{i}", "value": f"v{i}"} for i in range(26)]
    async with http.post(
        f"interactions/{ac.id}/{ac.token}/callback", json={"type": 8, "data": {"choices": choices}}
    ) as r:
        body = await r.json()
        assert r.status == 400 and "choices" in body["errors"]["data"]
    md = emu._interaction_payload(2, {}, member, guild, guild.channels[0].id)
    modal = {
        "title": "t" * 46,
        "custom_id": "m",
        "components": [
            {"type": 1, "components": [{"type": 4, "custom_id": "a", "label": "A", "style": 1}]}
        ],
    }
    async with http.post(
        f"interactions/{md.id}/{md.token}/callback", json={"type": 9, "data": modal}
    ) as r:
        body = await r.json()
        assert r.status == 400 and "title" in body["errors"]["data"]


@pytest.mark.parametrize("status", [500, 502, 504])
async def test_retried_server_errors(emu: Emulator, bot: TinyBot, status: int) -> None:
    fault = emu.faults.status(status, method="POST", path=r"/channels/\d+/messages$")
    channel = bot.get_channel(_general(emu))
    assert isinstance(channel, discord.TextChannel)
    msg = await channel.send("after a fault")
    assert fault.hits == 1
    assert msg.content == "after a fault"


async def test_503_not_retried(emu: Emulator, bot: TinyBot) -> None:
    emu.faults.status(503, method="POST", path=r"/channels/\d+/messages$")
    channel = bot.get_channel(_general(emu))
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.DiscordServerError):
        await channel.send("nope")


async def test_429_storm_then_success(emu: Emulator, bot: TinyBot) -> None:
    fault = emu.faults.ratelimit(method="POST", path=r"/messages$", times=3, retry_after=0.05)
    channel = bot.get_channel(_general(emu))
    assert isinstance(channel, discord.TextChannel)
    await channel.send("eventually")
    assert fault.hits == 3
    assert emu.channel_messages(_general(emu))[-1]["content"] == "eventually"


async def test_dropped_connection(emu: Emulator, bot: TinyBot) -> None:
    emu.faults.drop(method="POST", path=r"/messages$")
    channel = bot.get_channel(_general(emu))
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(aiohttp.ClientError):
        await channel.send("lost")
    await channel.send("fine again")
    assert [m["content"] for m in emu.channel_messages(_general(emu))] == ["fine again"]


async def test_delay_and_hang(emu: Emulator, http: aiohttp.ClientSession) -> None:
    emu.faults.delay(0.2, path="/users/@me")
    async with http.get("users/@me") as r:
        assert r.status == 200
    emu.faults.hang(path="/users/@me")
    with pytest.raises(asyncio.TimeoutError):
        async with http.get("users/@me", timeout=aiohttp.ClientTimeout(total=0.3)):
            pass


async def test_schema_validation(point_discord_at: Emulator) -> None:
    if not SPEC.is_file():
        pytest.skip("Discord OpenAPI spec not available")
    emu = Emulator(TOKEN, guilds=[], schema_path=SPEC)
    await emu.start()
    try:
        async with aiohttp.ClientSession(headers={"Authorization": f"Bot {TOKEN}"}) as s:
            url = f"{emu.api_base}/applications/{emu.application_id}/commands"
            async with s.put(url, json=[{"name": "ok", "description": "fine", "type": 1}]) as r:
                assert r.status == 200
            assert emu.schema_violations == []
            async with s.put(url, json=[{"name": "ok", "description": 5, "type": 1}]) as r:
                pass
        assert emu.schema_violations
    finally:
        await emu.stop()


async def test_schema_clean_for_real_bot(point_discord_at: Emulator) -> None:
    if not SPEC.is_file():
        pytest.skip("Discord OpenAPI spec not available")
    point_discord_at.schema = SchemaValidator(SPEC)
    bot = TinyBot()
    await bot.login(TOKEN)
    task = asyncio.create_task(bot.connect())
    try:
        emu = point_discord_at
        await emu.wait_for_ready(5)
        await emu.wait_for_commands(5)
        alice = emu.add_member("Test Guild", "alice")
        await emu.run_command(user=alice, name="hello")
        panel = await emu.run_command(user=alice, name="panel")
        await emu.press_button(user=alice, message=panel, custom_id="panel:ok")
        await emu.run_command(user=alice, name="slow")
        await emu.autocomplete(user=alice, name="pick", options={"item": "k"}, focused="item")
        assert emu.schema_violations == []
    finally:
        await bot.close()
        task.cancel()
