"""Who may change the briefing, end to end (DESIGN.md §4): every editor command, button and
form refuses everyone but the editors and the application's owner, and a refusal changes
nothing.

The outsiders:
- a plain member of the newsroom: Discord hides /facts from them (no Manage Messages), so
  their interactions are forced, as after a server admin granted them the command;
- a moderator of the newsroom with Manage Messages but not the editor role: Discord shows
  them /facts, and the bot must still refuse them;
- the Administrator of another server: /facts is not registered there, so theirs are forged
  (an interaction naming the newsroom's command, sent from their own server).

For forms and buttons, an editor opens the real form or answer first; the outsiders then
submit or press it (forced: Discord shows an ephemeral answer or a form only to the editor).

One newsroom (one bot) serves the whole module.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
import pytest_asyncio
import yaml

from sandbox.emulator import CommandNotFound, GuildSpec, InteractionResult, MemberSpec, Upload
from tests.e2e.newsroom import Newsroom, newsroom, text_of

pytestmark = pytest.mark.asyncio(loop_scope="module")

CHANNEL_MESSAGE = 4  # an interaction answered with a message (not a form, not an edit)
MODAL = 9
UPDATE_MESSAGE = 7
NO_ROLE = "Only members with the editor role can change the briefing."
NOT_HERE = "The briefing can only be changed by its editors, in the newsroom server."


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def room(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Newsroom]:
    async with newsroom(tmp_path_factory.mktemp("authorization")) as room:
        yield room


@dataclass(frozen=True)
class Outsider:
    label: str
    user: MemberSpec
    guild: GuildSpec
    refusal: str
    hidden: bool  # Discord does not show them /facts: their commands are forced


def outsiders(room: Newsroom) -> list[Outsider]:
    return [
        Outsider("plain member", room.member, room.home, NO_ROLE, hidden=True),
        Outsider("moderator without the role", room.moderator, room.home, NO_ROLE, hidden=False),
        Outsider("admin of another server", room.outside_admin, room.elsewhere, NOT_HERE, True),
    ]


def assert_refused(result: InteractionResult, outsider: Outsider, what: str) -> None:
    where = f"{what} as the {outsider.label}"
    assert result.type == CHANNEL_MESSAGE, f"{where}: answered with type {result.type}"
    assert result.ephemeral, f"{where}: the refusal is not private"
    assert outsider.refusal in text_of(result), f"{where}: {text_of(result)!r}"
    assert "Now version" not in text_of(result), where


# -- helpers: delivering what Discord would not ------------------------------------------------


async def forged(
    room: Newsroom,
    outsider: Outsider,
    kind: int,
    data: dict[str, Any],
    message: dict[str, Any] | None = None,
) -> InteractionResult:
    """An interaction of `kind` (3: component, 5: form) from the outsider in their own server:
    what a forged or replayed request would carry. The dynamic buttons and the forms are
    routed by custom id alone, whichever server the interaction comes from."""
    emu = room.emu
    channel = outsider.guild.channel("general").id
    record = emu._interaction_payload(kind, data, outsider.user, outsider.guild, channel, message)
    return await emu._dispatch_and_wait(record, wait_followup=True)


async def press(
    room: Newsroom, outsider: Outsider, message: InteractionResult, custom_id: str
) -> InteractionResult:
    """The outsider presses a button on an editor's private answer."""
    if outsider.guild is room.home:
        return await room.emu.press_button(
            user=outsider.user, message=message, custom_id=custom_id, force=True
        )
    assert message.message is not None
    data = {"custom_id": custom_id, "component_type": 2}
    return await forged(room, outsider, 3, data, message=message.message)


async def submit(
    room: Newsroom, outsider: Outsider, form: InteractionResult, values: dict[str, str]
) -> InteractionResult:
    """The outsider submits a form that was opened for an editor."""
    if outsider.guild is room.home:
        return await room.emu.submit_modal(
            user=outsider.user, modal=form, values=values, force=True
        )
    assert form.modal is not None
    data = {
        "custom_id": form.modal["custom_id"],
        "components": room.emu._modal_rows(form.modal, values),
    }
    return await forged(room, outsider, 5, data)


async def run_as(room: Newsroom, outsider: Outsider, name: str, **options: Any) -> Any:
    if outsider.hidden:
        with pytest.raises((PermissionError, CommandNotFound)):  # Discord would not offer it
            await room.run(name, outsider.user, guild=outsider.guild, **options)
    return await room.run(
        name, outsider.user, guild=outsider.guild, force=outsider.hidden, **options
    )


def inputs(form: InteractionResult) -> dict[str, str]:
    """A form's text inputs: label to custom id."""
    assert form.type == MODAL and form.modal is not None, form.type
    found = {}
    for row in form.modal["components"]:
        for comp in row.get("components") or [row.get("component")]:
            found[comp["label"]] = comp["custom_id"]
    return found


def briefing_file(room: Newsroom, exported: InteractionResult, claim_id: str, text: str) -> Upload:
    """An exported briefing with one claim's statement changed: a file to import."""
    (attachment,) = exported.attachments
    doc = yaml.safe_load(room.emu.read_attachment(attachment))
    claim = next(c for c in doc["claims"] if c["id"] == claim_id)
    claim["statement"] = text
    data = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode()
    return Upload("briefing.yaml", data, "text/yaml")


# -- commands ----------------------------------------------------------------------------------

COMMANDS: list[tuple[str, dict[str, Any]]] = [
    ("facts add", {"topic": "troops", "actor": "Observers"}),
    ("facts add", {"topic": "troops", "actor": "New Party", "actor_kind": "observer"}),
    ("facts edit", {"id": "kursk-recaptured"}),
    ("facts topic", {"topic": "troops"}),
    ("facts status", {"id": "kursk-recaptured", "status": "reported", "reason": "why not"}),
    ("facts stance", {"id": "kursk-recaptured", "actor": "Observers", "stance": "disputes"}),
    ("facts source", {"id": "kursk-recaptured", "outlet": "Wire", "url": "https://e.org/x"}),
    ("facts retire", {"id": "kursk-recaptured", "reason": "gone"}),
    ("facts review", {"id": "kursk-recaptured"}),
    ("facts revert", {"id": "kursk-recaptured", "version": 1, "reason": "back"}),
    ("facts history", {"id": "kursk-recaptured"}),
    ("facts queue", {}),
    ("facts export", {"format": "yaml"}),
    ("facts export", {"format": "claimreview"}),
]


async def test_outsiders_are_refused_every_editor_command(room: Newsroom) -> None:
    exported = await room.run("facts export", format="yaml")
    upload = briefing_file(room, exported, "kursk-recaptured", "Anyone can rewrite this.")
    commands = [
        *COMMANDS,
        ("facts import", {"file": upload}),
        ("facts import", {"file": upload, "apply": True}),
    ]
    before = room.dump()
    for outsider in outsiders(room):
        for name, options in commands:
            result = await run_as(room, outsider, name, **options)
            assert_refused(result, outsider, f"/{name} {sorted(options)}")
            assert room.dump() == before, f"/{name} as the {outsider.label} changed the store"
    assert room.emu.channel_messages(room.editors_channel) == []


async def test_editors_and_the_owner_may_use_every_command(room: Newsroom) -> None:
    for user, claim in ((room.editor, "nk-troops-gained-experience"),
                        (room.owner, "nk-troops-key-to-russian-strategy")):  # fmt: skip
        steps: list[tuple[str, dict[str, Any]]] = [
            ("facts stance", {"id": claim, "actor": "Observers", "stance": "disputes"}),
            ("facts status", {"id": claim, "status": "disputed", "reason": "contested"}),
            ("facts source", {"id": claim, "outlet": "Wire", "url": f"https://e.org/{claim}"}),
            ("facts review", {"id": claim}),
            ("facts revert", {"id": claim, "version": 4, "reason": "undo the review"}),
            ("facts retire", {"id": claim, "reason": "a duplicate"}),
        ]
        for version, (name, options) in enumerate(steps, start=2):
            before = room.dump()
            result = await room.run(name, user, **options)
            assert result.ephemeral, (name, user.user.username)
            assert f"Now version {version}" in text_of(result), (name, text_of(result))
            assert room.dump() != before
        assert room.claim_row(claim)["version"] == 7

        readers: list[tuple[str, dict[str, Any]]] = [
            ("facts history", {"id": claim}),
            ("facts queue", {}),
            ("facts export", {"format": "json"}),
        ]
        for name, options in readers:
            result = await room.run(name, user, **options)
            assert result.ephemeral and NO_ROLE not in text_of(result), (name, text_of(result))

        forms: list[tuple[str, dict[str, Any]]] = [
            ("facts add", {"topic": "troops", "actor": "Observers"}),
            ("facts edit", {"id": claim}),
            ("facts topic", {"topic": "troops"}),
        ]
        for name, options in forms:
            assert (await room.run(name, user, **options)).type == MODAL, name

        exported = await room.run("facts export", user, format="yaml")
        statement = f"Imported by {user.user.username}: the troops gained experience."
        upload = briefing_file(room, exported, "nk-troops-gained-experience", statement)
        checked = await room.run("facts import", user, file=upload)
        assert "Checked (nothing changed yet)" in text_of(checked)
        applied = await room.run("facts import", user, file=upload, apply=True)
        assert "Applied" in text_of(applied), text_of(applied)
        assert room.claim_row("nk-troops-gained-experience")["statement"] == statement


# -- forms -------------------------------------------------------------------------------------


async def forms_refuse_outsiders(
    room: Newsroom, form: InteractionResult, values: dict[str, str], what: str
) -> None:
    before = room.dump()
    for outsider in outsiders(room):
        result = await submit(room, outsider, form, values)
        assert_refused(result, outsider, what)
    assert room.dump() == before, f"{what}: a refused submission changed the store"


async def test_editor_forms_refuse_outsiders_then_save_for_the_editor(room: Newsroom) -> None:
    # Add a claim.
    form = await room.run("facts add", topic="troops", actor="Observers")
    fields = inputs(form)
    values = {
        fields["Id (lowercase-words-with-dashes)"]: "outsiders-claim",
        fields["Statement (as the party asserts it)"]: "Observers say the troops rotated.",
    }
    await forms_refuse_outsiders(room, form, values, "the add form")
    saved = await room.emu.submit_modal(user=room.editor, modal=form, values=values)
    assert "Now version 1" in text_of(saved) or "Added" in text_of(saved), text_of(saved)
    assert room.claim_row("outsiders-claim")["statement"] == "Observers say the troops rotated."

    # Edit a claim.
    form = await room.run("facts edit", id="nk-first-major-war")
    values = {inputs(form)["Statement"]: "Outsiders rewrote this."}
    await forms_refuse_outsiders(room, form, values, "the edit form")
    values = {inputs(form)["Statement"]: "This is North Korea's first major war since 1953."}
    saved = await room.emu.submit_modal(user=room.editor, modal=form, values=values)
    assert "Now version 2" in text_of(saved), text_of(saved)

    # Edit a topic.
    form = await room.run("facts topic", topic="treaty")
    values = {inputs(form)["Title"]: "Hijacked"}
    await forms_refuse_outsiders(room, form, values, "the topic form")
    values = {inputs(form)["Title"]: "The mutual defence treaty"}
    saved = await room.emu.submit_modal(user=room.editor, modal=form, values=values)
    assert saved.ephemeral and "Saved: topic `treaty`" in text_of(saved), text_of(saved)


async def test_the_app_owner_may_submit_forms(room: Newsroom) -> None:
    form = await room.run("facts edit", room.owner, id="nk-first-confirmation")
    values = {inputs(form)["Why (kept in the history)"]: "owner's edit"}
    values[inputs(form)["Statement"]] = "North Korea confirmed the deployment for the first time."
    saved = await room.emu.submit_modal(user=room.owner, modal=form, values=values)
    assert "Now version 2" in text_of(saved), text_of(saved)


# -- buttons -----------------------------------------------------------------------------------


async def suggest(room: Newsroom, claim_id: str, text: str) -> None:
    shown = await room.run("claim", room.member, id=claim_id)
    form = await room.emu.press_button(user=room.member, message=shown, custom_id=f"sg:{claim_id}")
    saved = await room.emu.submit_modal(
        user=room.member, modal=form, values={inputs(form)["What is wrong?"]: text}
    )
    assert "editors will review" in saved.content


def button(result: InteractionResult, prefix: str) -> str:
    return next(c for c in result.custom_ids() if c.startswith(prefix))


async def buttons_refuse_outsiders(
    room: Newsroom, answer: InteractionResult, custom_ids: list[str]
) -> None:
    before, shown = room.dump(), answer.message
    for outsider in outsiders(room):
        for custom_id in custom_ids:
            result = await press(room, outsider, answer, custom_id)
            assert_refused(result, outsider, f"button {custom_id}")
    assert room.dump() == before, "a refused press changed the store"
    assert answer.message == shown, "a refused press changed the editor's answer"


async def test_queue_buttons_and_their_forms_refuse_outsiders(room: Newsroom) -> None:
    await suggest(room, "treaty-invoked", "The treaty was invoked later.")
    await suggest(room, "treaty-reaffirmed", "Reaffirmed by both sides.")
    queue = await room.run("facts queue")
    assert "1 of 2 open" in text_of(queue), text_of(queue)
    accept, reject, after = (button(queue, p) for p in ("fq:a:", "fq:r:", "fq:n:"))
    await buttons_refuse_outsiders(room, queue, [accept, reject, after])

    # Reject: the form opens for the editor only; others' submissions are refused.
    form = await room.emu.press_button(user=room.editor, message=queue, custom_id=reject)
    values = {inputs(form)["Why (the member is told)"]: "Outsiders say no."}
    await forms_refuse_outsiders(room, form, values, "the reject form")
    values = {inputs(form)["Why (the member is told)"]: "Already recorded."}
    done = await room.emu.submit_modal(user=room.editor, modal=form, values=values)
    assert done.ephemeral and "rejected" in text_of(done), text_of(done)

    # Accept the other: its edit form refuses outsiders too.
    queue = await room.run("facts queue")
    assert "1 of 1 open" in text_of(queue), text_of(queue)
    accept = button(queue, "fq:a:")
    await buttons_refuse_outsiders(room, queue, [accept])
    form = await room.emu.press_button(user=room.editor, message=queue, custom_id=accept)
    values = {inputs(form)["Statement"]: "Outsiders accept it their way."}
    await forms_refuse_outsiders(room, form, values, "the accept form")
    values = {inputs(form)["Statement"]: "Both sides reaffirmed the treaty."}
    saved = await room.emu.submit_modal(user=room.editor, modal=form, values=values)
    assert "Now version 2" in text_of(saved), text_of(saved)
    # The suggestion is settled once the member has been told (the form's second answer).
    await room.emu.wait_until(lambda: saved.followups, 10, "the suggestion to be settled")
    assert "No open suggestions" in text_of(await room.run("facts queue"))


async def test_next_in_queue_refuses_outsiders_and_works_for_the_editor(room: Newsroom) -> None:
    await suggest(room, "nk-weapons-supply", "Shells, not missiles.")
    await suggest(room, "nk-expects-russian-aid", "Aid was promised, not expected.")
    queue = await room.run("facts queue")
    after = button(queue, "fq:n:")
    await buttons_refuse_outsiders(room, queue, [after])
    for user in (room.editor, room.owner):
        queue = await room.run("facts queue", user)
        assert "1 of 2 open" in text_of(queue), text_of(queue)
        turned = await room.emu.press_button(user=user, message=queue, custom_id=after)
        assert turned.type == UPDATE_MESSAGE
        assert "2 of 2 open" in text_of(queue), text_of(queue)  # the same message, edited


async def test_history_pages_refuse_outsiders_and_turn_for_editors(room: Newsroom) -> None:
    claim = "pyongyang-monument-planned"
    for _ in range(5):
        assert "Now version" in text_of(await room.run("facts review", id=claim))
    for user in (room.editor, room.owner):
        history = await room.run("facts history", user, id=claim)
        older = f"fh:2:{claim}"
        assert older in history.custom_ids(), history.custom_ids()
        await buttons_refuse_outsiders(room, history, [older])
        turned = await room.emu.press_button(user=user, message=history, custom_id=older)
        assert turned.type == UPDATE_MESSAGE
        assert "Page 2 of 2" in text_of(history), text_of(history)
