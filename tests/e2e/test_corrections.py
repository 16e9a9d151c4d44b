"""Suggested corrections end to end: a member suggests from /claim, the editors' channel
hears of it, an editor accepts (editing the claim) or rejects it, the member is told."""

from __future__ import annotations

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


def inputs(modal: Any) -> dict[str, dict[str, Any]]:
    """A modal's text inputs by label."""
    found = {}
    for row in modal.modal["components"]:
        for comp in row.get("components") or [row.get("component")]:
            found[comp["label"]] = comp
    return found


async def suggest(room: Newsroom, who: Any, claim_id: str, text: str, url: str = "") -> Any:
    shown = await room.run("claim", who, id=claim_id)
    assert f"sg:{claim_id}" in shown.custom_ids()
    form = await room.emu.press_button(user=who, message=shown, custom_id=f"sg:{claim_id}")
    assert form.type == 9
    fields = inputs(form)
    values = {fields["What is wrong?"]["custom_id"]: text}
    if url:
        values[fields["A source link (https://…)"]["custom_id"]] = url
    return await room.emu.submit_modal(user=who, modal=form, values=values)


async def test_accepted_suggestion_edits_the_claim_and_tells_the_member(room: Newsroom) -> None:
    thanks = await suggest(
        room, room.member, "nk-casualties", "The figure is for killed and wounded.",
        "https://example.org/report",
    )  # fmt: skip
    assert thanks.ephemeral and "editors will review" in thanks.content
    emu = room.emu
    await emu.wait_until(lambda: emu.channel_messages(room.editors_channel), 10, "the notice")
    posted = emu.channel_messages(room.editors_channel)
    assert "The figure is for killed and wounded." in text_of_message(posted[-1])

    queue = await room.run("facts queue")
    assert queue.ephemeral
    assert "1 of 1 open" in text_of(queue)
    accept = next(c for c in queue.custom_ids() if c.startswith("fq:a:"))
    form = await room.emu.press_button(user=room.editor, message=queue, custom_id=accept)
    assert form.type == 9
    fields = inputs(form)
    assert fields["Statement"]["value"].startswith("By March 2025")
    assert fields["Why (kept in the history)"]["value"].startswith("suggestion #")
    saved = await room.emu.submit_modal(
        user=room.editor,
        modal=form,
        values={fields["Figure (e.g. 10000-12000 troops)"]["custom_id"]: "about 4,000 casualties"},
    )
    assert "Now version 2" in text_of(saved)
    await emu.wait_until(lambda: emu.dms_to(room.member), 10, "the member's DM")
    assert "was accepted" in emu.dms_to(room.member)[-1]["content"]
    await emu.wait_until(lambda: saved.followups, 10, "the editor told of the DM")
    assert "told by DM" in text_of_message(saved.followups[-1])
    again = await room.run("facts queue")
    assert "No open suggestions" in text_of(again)


async def test_rejected_suggestion_with_closed_dms_says_so(room: Newsroom) -> None:
    room.member.user.accepts_dms = False
    await suggest(room, room.member, "kursk-recaptured", "Ukraine says otherwise.")
    queue = await room.run("facts queue")
    reject = next(c for c in queue.custom_ids() if c.startswith("fq:r:"))
    form = await room.emu.press_button(user=room.editor, message=queue, custom_id=reject)
    reason = inputs(form)["Why (the member is told)"]["custom_id"]
    done = await room.emu.submit_modal(
        user=room.editor, modal=form, values={reason: "Already recorded as disputed."}
    )
    assert done.ephemeral
    assert "could not be reached by DM" in text_of(done)
    assert room.emu.dms_to(room.member) == []
    # Handled once only: a second press on the old queue message is refused.
    form = await room.emu.press_button(user=room.editor, message=queue, custom_id=reject)
    reason = inputs(form)["Why (the member is told)"]["custom_id"]
    twice = await room.emu.submit_modal(user=room.editor, modal=form, values={reason: "again"})
    assert "already rejected by erin" in text_of(twice)


async def test_members_are_limited_to_five_suggestions_a_day(room: Newsroom) -> None:
    for n in range(5):
        result = await suggest(room, room.member, "treaty-signed", f"Point {n}.")
        assert "editors will review" in result.content
    before = room.dump()
    refused = await suggest(room, room.member, "treaty-signed", "One more.")
    assert refused.ephemeral and "5 suggestions in the last 24 hours" in text_of(refused)
    assert room.dump() == before
    # Another member is not held to the first one's count.
    other = await suggest(room, room.moderator, "treaty-signed", "Mine.")
    assert "editors will review" in other.content


async def test_a_bad_link_is_refused_and_nothing_stored(room: Newsroom) -> None:
    before = room.dump()
    refused = await suggest(room, room.member, "treaty-signed", "Wrong.", "ftp://example.org/x")
    assert refused.ephemeral and "is not a web link" in text_of(refused)
    assert room.dump() == before


def text_of_message(message: dict[str, Any]) -> str:
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
    return "\n".join(parts)
