"""Every public command, run by members through the emulator against the real bot process."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

import pytest

from sandbox.emulator import ApplicationDidNotRespond
from tests.e2e.conftest import Live


def field_names(embed: dict[str, Any]) -> list[str]:
    return [f["name"] for f in embed.get("fields", [])]


def text_of(embed: dict[str, Any]) -> str:
    parts = [embed.get("title", ""), embed.get("description", "")]
    parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
    parts.append(embed.get("footer", {}).get("text", ""))
    return "\n".join(parts)


async def test_kursk_status_leads_with_attribution(live: Live) -> None:
    result = await live.run("kursk-status")
    assert not result.ephemeral
    [embed] = result.embeds
    assert embed["title"] == "Briefing: The fight for Kursk" or embed["title"].startswith(
        "Briefing:"
    )
    body = text_of(embed)
    # The claim members ask about leads: Kursk's key claim (pinned in the data file).
    assert field_names(embed)[0] == "📌 ⚖️ DISPUTED · kursk-recaptured"
    recapture = next(f for f in embed["fields"] if f["name"].endswith("kursk-recaptured"))
    assert "**Asserted by** Valery Gerasimov" in recapture["value"]
    assert "**Denied by** Ukraine's General Staff" in recapture["value"]
    # 26 April 2025 is a full date: a Discord timestamp at noon UTC.
    assert "<t:1745668800:D>" in recapture["value"]
    assert "Associated Press" in body


async def test_treaty_and_troops_shortcuts(live: Live) -> None:
    treaty = await live.run("treaty")
    assert any("treaty-signed" in n for n in field_names(treaty.embeds[0]))
    troops = await live.run("troops")
    body = text_of(troops.embeds[0])
    assert "10,000–12,000 troops" in body or "Page 1/" in body


async def test_troops_pages_only_for_the_caller(live: Live) -> None:
    first = await live.run("troops")
    embed = first.embeds[0]
    assert embed["footer"]["text"].startswith("Page 1/")
    total = int(re.search(r"Page 1/(\d+)", embed["footer"]["text"])[1])  # type: ignore[index]
    ids = first.custom_ids()
    assert len(ids) == 2
    _prev_id, next_id = ids
    buttons = [c for row in first.components for c in row["components"]]
    assert buttons[0]["disabled"] is True  # nothing before page 1

    # Bob cannot turn Alice's pages; he is told so privately and nothing changes.
    refused = await live.emu.press_button(user=live.bob, message=first, custom_id=next_id)
    assert refused.ephemeral
    assert "Only" in refused.content and "can turn these pages" in refused.content
    assert first.embeds[0]["footer"]["text"].startswith("Page 1/")

    turned = await live.emu.press_button(user=live.alice, message=first, custom_id=next_id)
    assert turned.type == 7  # the original message is updated in place
    assert first.embeds[0]["footer"]["text"].startswith(f"Page 2/{total}")
    page_one_names = field_names(embed)
    assert not set(field_names(first.embeds[0])) & set(page_one_names)

    # Still Alice's after the turn: Discord keeps naming who asked on the updated message.
    back_id = first.custom_ids()[0]
    refused = await live.emu.press_button(user=live.bob, message=first, custom_id=back_id)
    assert refused.ephemeral and f"Only <@{live.alice.id}>" in refused.content
    assert first.embeds[0]["footer"]["text"].startswith(f"Page 2/{total}")


async def test_the_same_page_for_two_members_turns_only_for_each_asker(live: Live) -> None:
    alices = await live.run("troops")
    bobs = await live.run("troops", user=live.bob)
    # The same page of the same answer: the same buttons (who asked is not in them).
    assert alices.custom_ids() == bobs.custom_ids()
    next_id = bobs.custom_ids()[1]
    refused = await live.emu.press_button(user=live.alice, message=bobs, custom_id=next_id)
    assert refused.ephemeral and f"Only <@{live.bob.id}>" in refused.content
    turned = await live.emu.press_button(user=live.bob, message=bobs, custom_id=next_id)
    assert turned.type == 7
    assert bobs.embeds[0]["footer"]["text"].startswith("Page 2/")
    assert alices.embeds[0]["footer"]["text"].startswith("Page 1/")


async def test_pages_stay_put_when_discord_does_not_say_who_asked(live: Live) -> None:
    first = await live.run("troops")
    stored = live.emu.find_message(int(first.message["id"]))
    assert stored is not None
    del stored["interaction_metadata"]
    refused = await live.emu.press_button(
        user=live.alice, message=first, custom_id=first.custom_ids()[1]
    )
    assert refused.ephemeral and "did not say who asked" in refused.content
    assert first.embeds[0]["footer"]["text"].startswith("Page 1/")


async def test_brief_with_topic_autocomplete(live: Live) -> None:
    choices = await live.complete("brief", "topic", "tre")
    assert [c["value"] for c in choices] == ["treaty"]
    result = await live.run("brief", topic="treaty")
    assert result.embeds[0]["title"].startswith("Briefing:")
    unknown = await live.run("brief", topic="mars")
    assert unknown.ephemeral
    assert unknown.content.startswith("There is no topic “mars”. Topics: `troops`, `kursk`")
    assert "/brief" not in unknown.content


async def test_claim_in_full(live: Live) -> None:
    result = await live.run("claim", id="kursk-recaptured")
    [embed] = result.embeds
    assert embed["title"] == "⚖️ kursk-recaptured"
    assert embed["description"].startswith("**⚖️ DISPUTED**: a named party contests it.")
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "Valery Gerasimov" in fields["Asserted"]
    assert "Ukraine's General Staff" in fields["Denied"]
    assert "Disputed since" in fields
    assert "Associated Press" in fields["Sources"]


async def test_claim_autocomplete_by_id_and_words(live: Live) -> None:
    by_id = await live.complete("claim", "id", "kursk")
    assert by_id[0]["value"] == "kursk-recaptured"
    by_words = await live.complete("claim", "id", "monument")
    assert "pyongyang-monument-planned" in [c["value"] for c in by_words]
    everything = await live.complete("claim", "id", "")
    assert len(everything) == 25
    assert all(len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in everything)
    # Asked again (the answer remembered), the same choices.
    assert await live.complete("claim", "id", "kursk") == by_id
    assert await live.complete("claim", "id", "") == everything


async def test_unknown_claim_is_a_private_clear_error(live: Live) -> None:
    result = await live.run("claim", id="moon-landing")
    assert result.ephemeral
    assert result.content == "There is no claim with id `moon-landing`. Try /search."
    assert result.embeds == []


async def test_disputed_lists_who_disputes_since_when(live: Live) -> None:
    result = await live.run("disputed")
    embed = result.embeds[0]
    names = field_names(embed)
    assert names and all("DISPUTED" in n for n in names)
    assert any(n.endswith("kursk-recaptured") for n in names)
    assert "**Disputed since**" in text_of(embed)
    scoped = await live.run("disputed", topic="treaty")
    assert "Nothing is disputed right now." in scoped.embeds[0]["description"]


async def test_search(live: Live) -> None:
    result = await live.run("search", query="Gerasimov")
    assert "kursk-recaptured" in text_of(result.embeds[0])
    none = await live.run("search", query="zeppelin")
    assert "No claims match “zeppelin”" in none.embeds[0]["description"]
    bad = await live.run("search", query="!!!")
    assert bad.ephemeral
    assert "at least one word" in bad.content


async def test_timeline_is_in_date_order(live: Live) -> None:
    result = await live.run("timeline", topic="kursk")
    lines = [ln for ln in result.embeds[0]["description"].splitlines() if ln.startswith("**")]
    assert len(lines) >= 3
    assert "2024" in lines[0]
    stamps = [int(m) for ln in lines for m in re.findall(r"<t:(\d+):D>", ln)]
    assert stamps == sorted(stamps)


async def test_about(live: Live) -> None:
    result = await live.run("about")
    fields = {f["name"]: f["value"] for f in result.embeds[0]["fields"]}
    assert "`/kursk-status`" in fields["Coverage"]
    assert re.search(r"DISPUTED: \d+", fields["Claims by status"])
    assert "Corrections" in fields


async def test_works_in_direct_messages(live: Live) -> None:
    user = live.emu.add_user("carol")
    result = await live.emu.run_command(user=user, name="claim", options={"id": "treaty-signed"})
    assert result.embeds[0]["title"].endswith("treaty-signed")


async def test_every_response_disables_mentions(live: Live) -> None:
    troops = await live.run("troops")
    await live.run("claim", id="nope")
    await live.emu.press_button(user=live.alice, message=troops, custom_id=troops.custom_ids()[1])
    callbacks = live.emu.requests_to("POST", r"/interactions/\d+/[^/]+/callback")
    bodies = [r.json for r in callbacks if r.json and r.json.get("type") in (4, 7)]
    assert {b["type"] for b in bodies} == {4, 7}  # new messages and page turns
    assert all(b["data"]["allowed_mentions"] == {"parse": []} for b in bodies)


async def test_unexpected_error_shows_a_reference_that_is_logged(live: Live, tmp_path: Any) -> None:
    # Break the search index behind the bot's back: the bot must not crash or go silent.
    live.expect_traceback = True
    with sqlite3.connect(tmp_path / "briefing.db") as db:
        db.execute("DROP TABLE claims_fts")
    result = await live.run("search", query="kursk")
    assert result.ephemeral
    match = re.search(r"reference `([0-9a-f]{8})`", result.content)
    assert match, result.content
    assert f"[ref {match[1]}]" in live.bot.log()
    # The bot still answers other commands afterwards.
    assert (await live.run("about")).embeds


async def test_commands_are_not_resynced_when_unchanged(live: Live, tmp_path: Any) -> None:
    puts = lambda: live.emu.requests_to("PUT", r"/applications/\d+/commands")  # noqa: E731
    assert len(puts()) == 1
    first = await live.run("troops")
    await live.bot.stop()
    from sandbox.launcher import BotProcess

    again = BotProcess.against(live.emu, tmp_path, log_name="bot2.log")
    await again.start()
    live.bot = again
    await live.emu.wait_for_identify(count=2, timeout=30)
    await live.emu.wait_until(lambda: "ready as" in again.log(), 30, "the restarted bot")
    assert len(puts()) == 1, "an unchanged command tree must not be synced again"
    assert "command tree unchanged" in again.log()
    # Page buttons sent before the restart still work.
    next_id = first.custom_ids()[1]
    turned = await live.emu.press_button(user=live.alice, message=first, custom_id=next_id)
    assert turned.type == 7
    assert first.embeds[0]["footer"]["text"].startswith("Page 2/")


async def test_never_leaves_an_interaction_unanswered(live: Live) -> None:
    for name, options in [("troops", {}), ("claim", {"id": "x"}), ("search", {"query": "*"})]:
        try:
            await live.run(name, **options)
        except ApplicationDidNotRespond:  # pragma: no cover - the failure being tested
            pytest.fail(f"/{name} went unanswered")
    assert live.emu.failed_interactions() == []


async def test_claim_by_words_and_topics_in_any_case(live: Live) -> None:
    # Typing words instead of picking a suggestion works when they name one claim.
    by_words = await live.run("claim", id="Pyongyang monument")
    assert by_words.embeds[0]["title"].endswith("pyongyang-monument-planned")
    ambiguous = await live.run("claim", id="north korea")
    assert ambiguous.ephemeral
    assert ambiguous.content.startswith("“north korea” matches several claims: `")
    assert ambiguous.content.endswith(
        "Ask again with one of them, or pick one of the suggestions as you type."
    )
    upper = await live.run("brief", topic="  Treaty ")
    assert upper.embeds[0]["title"].startswith("Briefing:")
    assert any(f["name"].endswith("treaty-signed") for f in upper.embeds[0]["fields"])


async def test_options_are_capped_so_errors_stay_short(live: Live) -> None:
    command = live.emu.find_command("claim", None)
    [option] = command["options"]
    assert option["max_length"] == 100
    long_id = "x" * 100
    result = await live.run("claim", id=long_id)
    assert result.ephemeral and len(result.content) < 200
