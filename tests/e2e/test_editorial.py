"""The editorial desk end to end: the real bot, the emulator, editors and members."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.newsroom import Newsroom, newsroom, text_of

pytestmark = pytest.mark.asyncio


@pytest.fixture
async def room(tmp_path: Path) -> AsyncIterator[Newsroom]:
    async with newsroom(tmp_path) as room:
        yield room


async def test_facts_is_registered_only_in_the_home_guild(room: Newsroom) -> None:
    home = {c.name for c in room.emu.guild_commands.get(room.home.id, [])}
    elsewhere = {c.name for c in room.emu.guild_commands.get(room.elsewhere.id, [])}
    global_names = {c.name for c in room.emu.global_commands}
    assert "facts" in home
    assert "facts" not in elsewhere | global_names
    facts = next(c for c in room.emu.guild_commands[room.home.id] if c.name == "facts")
    subcommands = {o["name"] for o in facts.data.get("options", [])}
    assert {
        "add", "edit", "status", "stance", "source", "retire", "review", "history", "revert",
        "topic", "queue", "export", "import",
    } <= subcommands  # fmt: skip


async def test_status_change_says_what_changed_and_reaches_members(room: Newsroom) -> None:
    result = await room.run("facts status", id="nk-troop-numbers", status="disputed", reason="test")
    assert result.ephemeral
    assert "Status: ⚖️ DISPUTED" not in text_of(result)  # not disputed: no one disputes it
    assert "disputed claim needs" in text_of(result)
    assert room.claim_row("nk-troop-numbers")["status"] == "reported"

    result = await room.run(
        "facts stance",
        id="nk-troop-numbers",
        actor="Observers",
        stance="disputes",
        date="28 April 2025",
    )
    assert result.ephemeral
    text = text_of(result)
    assert "Stances: ＋ disputed by Observers (2025-04-28)" in text
    assert "Now version 2" in text

    result = await room.run(
        "facts status", id="nk-troop-numbers", status="disputed", reason="Observers dispute it"
    )
    assert "Status: 📰 REPORTED → ⚖️ DISPUTED" in text_of(result)
    # Members see the change at once: the cached answer was dropped.
    shown = await room.run("claim", room.member, id="nk-troop-numbers")
    assert "DISPUTED" in text_of(shown)
    assert not shown.ephemeral


async def test_edit_form_is_prefilled_and_two_editors_cannot_overwrite(room: Newsroom) -> None:
    first = await room.run("facts edit", id="kursk-recaptured")
    second = await room.run("facts edit", room.second_editor, id="kursk-recaptured")
    assert first.type == 9 and second.type == 9
    inputs = {c["custom_id"]: c for row in first.modal["components"] for c in row["components"]}
    statement = next(c for c in inputs.values() if c["label"] == "Statement")
    assert statement["value"].startswith("Russian forces have recaptured")
    new = "Russia says its forces have recaptured the Kursk region from Ukraine."
    saved = await room.emu.submit_modal(
        user=room.editor, modal=first, values={statement["custom_id"]: new}
    )
    assert saved.ephemeral and "Now version 2" in text_of(saved)
    second_inputs = [c for row in second.modal["components"] for c in row["components"]]
    other = next(c for c in second_inputs if c["label"] == "Statement")
    refused = await room.emu.submit_modal(
        user=room.second_editor, modal=second, values={other["custom_id"]: "Something else."}
    )
    text = text_of(refused)
    assert refused.ephemeral
    assert "was changed by erin" in text and "not saved" in text
    row = room.claim_row("kursk-recaptured")
    assert row["statement"] == new and row["version"] == 2


async def test_history_and_revert(room: Newsroom) -> None:
    await room.run("facts review", id="treaty-signed")
    await room.run(
        "facts source",
        id="treaty-signed",
        outlet="Example Wire",
        url="https://example.org/treaty",
        published="2025-04-29",
    )
    history = await room.run("facts history", id="treaty-signed")
    text = text_of(history)
    assert history.ephemeral
    assert "v3 · source added by erin" in text
    assert "v2 · re-verified by erin" in text
    assert "v1 · imported by seed" in text
    reverted = await room.run("facts revert", id="treaty-signed", version=2, reason="wrong wire")
    assert "Sources: － Example Wire" in text_of(reverted)
    assert "Now version 4" in text_of(reverted)
    history = await room.run("facts history", id="treaty-signed")
    assert "v4 · reverted by erin" in text_of(history) and "wrong wire" in text_of(history)
    assert "Example Wire" not in room.claim_row("treaty-signed")["sources"]


async def test_retire_hides_a_claim_but_keeps_it(room: Newsroom) -> None:
    result = await room.run("facts retire", id="nk-troops-gained-experience", reason="duplicate")
    assert "Retired:" in text_of(result)
    listing = await room.run("brief", room.member, topic="troops")
    assert "nk-troops-gained-experience" not in text_of(listing)
    shown = await room.run("claim", room.member, id="nk-troops-gained-experience")
    assert "no longer part of the briefing" in text_of(shown)


async def test_bad_input_is_refused_and_changes_nothing(room: Newsroom) -> None:
    before = room.dump()
    cases = [
        ("facts stance", {"id": "kursk-recaptured", "actor": "Observers", "stance": "asserts",
                          "date": "03/04/2025"}, "could be day/month or month/day"),
        ("facts source", {"id": "kursk-recaptured", "outlet": "X", "url": "javascript:alert(1)"},
         "is not a web link"),
        ("facts status", {"id": "no-such-claim", "status": "denied", "reason": "x"},
         "There is no claim with id `no-such-claim`"),
        ("facts stance", {"id": "kursk-recaptured", "actor": "Someone New", "stance": "asserts"},
         "give its `actor_kind`"),
        ("facts revert", {"id": "kursk-recaptured", "version": 9}, "has no version 9"),
        ("facts retire", {"id": "kursk-recaptured", "reason": "x", "superseded_by":
                          "kursk-recaptured"}, "cannot supersede itself"),
        ("facts status", {"id": "kursk-recaptured", "status": "confirmed", "reason": "x"},
         "confirmed claim needs a party that confirms it"),
    ]  # fmt: skip
    for name, options, expected in cases:
        result = await room.run(name, **options)
        assert result.ephemeral, name
        assert expected in text_of(result), (name, text_of(result))
    assert room.dump() == before


async def test_stored_text_never_pings(room: Newsroom) -> None:
    result = await room.run(
        "facts stance",
        id="kursk-recaptured",
        actor="@everyone <@&1> **Bold**",
        actor_kind="observer",
        stance="disputes",
        quote="@here <@123> `code`",
    )
    assert "Now version 2" in text_of(result)
    shown = await room.run("claim", room.member, id="kursk-recaptured")
    message = shown.message
    assert message["mentions"] == [] and message["mention_roles"] == []
    assert not message.get("mention_everyone")
    stored = json.loads(room.claim_row("kursk-recaptured")["stances"])
    assert stored[-1]["actor"]["name"] == "@everyone <@&1> **Bold**"  # stored as typed


async def test_without_home_guilds_editing_is_off_and_said_once(live: Any) -> None:
    names = {c.name for c in live.emu.global_commands}
    names |= {c.name for cmds in live.emu.guild_commands.values() for c in cmds}
    assert "facts" not in names
    assert live.bot.log().count("editing is off") == 1
