"""Input Discord would not normally send still gets a clean answer and a one-line log, not
"Something went wrong" and a traceback: a lone surrogate in a text option (and in
autocomplete, which gets no choices), and the same interaction delivered twice."""

from __future__ import annotations

from tests.e2e.conftest import Live

LONE = "kursk \ud800"


async def test_a_lone_surrogate_is_refused_plainly(live: Live) -> None:
    for name, options in (("search", {"query": LONE}), ("claim", {"id": LONE})):
        result = await live.run(name, **options)
        assert result.ephemeral, result
        assert result.content == (
            "Part of what you typed is not text (a lone surrogate); please type it again."
        )
    choices = await live.complete("claim", "id", LONE)
    assert choices == []
    assert "Traceback" not in live.bot.log() and "reference" not in live.bot.log()
    # And the bot goes on answering.
    fine = await live.run("claim", id="kursk-recaptured")
    assert fine.embeds and not fine.ephemeral


async def test_an_interaction_delivered_twice_is_answered_once_and_logged_plainly(
    live: Live,
) -> None:
    first = await live.run("about")
    record = first.record
    await live.emu.gateway.dispatch("INTERACTION_CREATE", record.payload)  # Discord repeats it
    await live.emu.wait_until(
        lambda: "was delivered twice" in live.bot.log(), 10, "the repeat to be noticed"
    )
    assert "Traceback" not in live.bot.log()
    assert record.callback_attempts == 2 and record.response_type is not None


async def test_a_malformed_gateway_event_is_skipped_not_fatal(live: Live) -> None:
    """A role event with its fields missing: discord.py's parser raises in its read loop,
    which used to end the process."""
    await live.emu.gateway.dispatch("GUILD_ROLE_CREATE", {"guild_id": str(live.guild_id)})
    await live.emu.wait_until(
        lambda: "skipped a malformed GUILD_ROLE_CREATE event" in live.bot.log(), 10, "the skip"
    )
    answer = await live.run("claim", id="kursk-recaptured")
    assert answer.embeds and live.bot.returncode is None
    assert "Traceback" not in live.bot.log()


async def _as_sent(live: Live, data: dict[str, object]) -> str:
    """Deliver an interaction with exactly this `data`, as a stale client might; its text."""
    guild = live.emu.guilds[live.guild_id]
    user = guild.members[live.alice.user.id]
    record = live.emu._interaction_payload(2, data, user, guild, live.channel_id)
    result = await live.emu._dispatch_and_wait(record, wait_followup=False)
    assert result.ephemeral
    return str(result.content)


async def test_a_command_from_a_stale_list_is_told_to_reload(live: Live) -> None:
    """Discord still shows a command the bot no longer has, or an option of another type."""
    about = (await live.run("about")).record.payload["data"]
    gone = {**about, "name": "retired-command"}
    told = await _as_sent(live, gone)
    assert told == "That command has changed since Discord showed it; reload Discord and try again."
    claim = (await live.run("claim", id="kursk-recaptured")).record.payload["data"]
    retyped = {**claim, "options": [{"name": "id", "type": 4, "value": 7}]}  # an integer now
    assert await _as_sent(live, retyped) == told  # the same: reload Discord
    log = live.bot.log()
    assert "Traceback" not in log and "reference" not in log
