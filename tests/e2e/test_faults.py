"""The member-facing suite again, under each fault Discord can throw at a bot.

Each case injects one fault, then runs commands as a member would and checks they still
see correct answers, or a clear error where Discord itself would have failed.
"""

from __future__ import annotations

import pytest

from sandbox.emulator import ApplicationDidNotRespond
from tests.e2e.conftest import Live

CALLBACK = r"/interactions/\d+/[^/]+/callback"
ORIGINAL = r"/webhooks/\d+/[^/]+/messages/@original"


async def assert_members_served(live: Live) -> None:
    """A short tour of the public commands with the answers a member expects."""
    kursk = await live.run("kursk-status")
    assert any(f["name"].endswith("kursk-recaptured") for f in kursk.embeds[0]["fields"])
    claim = await live.run("claim", id="kursk-recaptured")
    assert claim.embeds[0]["description"].startswith("**⚖️ DISPUTED**")
    choices = await live.complete("claim", "id", "treaty")
    assert any(c["value"] == "treaty-signed" for c in choices)
    troops = await live.run("troops")
    turned = await live.emu.press_button(
        user=live.alice, message=troops, custom_id=troops.custom_ids()[1]
    )
    assert turned.type == 7 and troops.embeds[0]["footer"]["text"].startswith("Page 2/")


async def test_baseline(live: Live) -> None:
    await assert_members_served(live)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_server_errors_on_callbacks_are_retried(live: Live, status: int) -> None:
    # Interaction responses go through discord.py's webhook adapter, which retries every
    # 5xx (its main REST client does not retry 503; channel posts meet that in digests).
    fault = live.emu.faults.status(status, method="POST", path=CALLBACK, times=1)
    result = await live.run("claim", id="treaty-signed")
    assert fault.hits == 1
    assert result.embeds[0]["title"].endswith("treaty-signed")
    await assert_members_served(live)


async def test_rate_limit_storm_on_callbacks(live: Live) -> None:
    fault = live.emu.faults.ratelimit(times=3, retry_after=0.2, method="POST", path=CALLBACK)
    result = await live.run("disputed")
    assert fault.hits == 3
    assert "DISPUTED" in result.embeds[0]["fields"][0]["name"]
    await assert_members_served(live)


async def test_slow_discord_still_answers(live: Live) -> None:
    live.emu.faults.delay(1.0, method="POST", path=CALLBACK, times=2)
    await assert_members_served(live)


async def test_dropped_connection_on_a_callback(live: Live) -> None:
    fault = live.emu.faults.drop(method="POST", path=CALLBACK, times=1)
    result = await live.run("about")
    assert fault.hits == 1
    # discord.py does not retry a dropped connection: the member is told plainly.
    assert result.ephemeral
    assert result.content == (
        "The answer could not reach Discord (connection lost); please try again."
    )
    await assert_members_served(live)


async def test_a_hung_callback_fails_like_discord_and_the_bot_moves_on(live: Live) -> None:
    live.emu.faults.hang(method="POST", path=CALLBACK, times=1)
    with pytest.raises(ApplicationDidNotRespond):
        await live.run("about")
    await assert_members_served(live)


async def test_gateway_lag_defers_then_a_429_on_the_followup(live: Live) -> None:
    # The interaction reaches the bot 2.5 s after creation: too late to build the answer
    # inside Discord's deadline, so the bot says "thinking…" and edits the answer in.
    live.emu.dispatch_delay = 2.5
    fault = live.emu.faults.ratelimit(times=2, retry_after=0.3, method="PATCH", path=ORIGINAL)
    result = await live.run("claim", id="kursk-recaptured")
    assert result.type == 5  # deferred
    assert fault.hits == 2
    assert result.embeds[0]["title"] == "⚖️ kursk-recaptured"
    assert not result.ephemeral
    # A private error under lag stays private: the public "thinking…" is removed.
    missing = await live.run("claim", id="no-such-claim")
    assert missing.type == 5
    assert missing.followups and missing.followups[-1]["flags"] & 64
    assert "There is no claim with id `no-such-claim`" in missing.followups[-1]["content"]
    live.emu.dispatch_delay = 0.0
    await assert_members_served(live)


@pytest.mark.parametrize(
    "fault",
    ["reconnect", "invalid-session-resumable", "invalid-session", "close-4000"],
)
async def test_gateway_faults_mid_session(live: Live, fault: str) -> None:
    await live.run("about")
    identifies = live.emu.gateway.identify_count
    resumes = live.emu.gateway.resume_count
    match fault:
        case "reconnect":
            await live.emu.gateway.reconnect()
        case "invalid-session-resumable":
            await live.emu.gateway.invalidate_session(resumable=True)
        case "invalid-session":
            await live.emu.gateway.invalidate_session(resumable=False)
        case "close-4000":
            await live.emu.gateway.close_connections(code=4000)
    if fault == "invalid-session":
        await live.emu.wait_for_identify(count=identifies + 1, timeout=30)
    else:
        await live.emu.wait_for_resume(count=resumes + 1, timeout=30)
    await assert_members_served(live)
