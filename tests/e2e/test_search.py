"""What members find, end to end: /search (numbers however written, words in Korean,
Ukrainian and Russian, what each hit matched, syntax it does not support), names that miss
(the nearest claims and topics), and what a topic's briefing leads with (disputed claims,
or the key claims editors pin).

Expected text comes from the English catalog (briefing/locales/messages/en.toml) and the
seed (data/briefing.yaml). One bot serves the searches, which only read; the tests that pin
or change claims get their own.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import yaml

from sandbox.emulator import InteractionResult, MemberSpec
from sandbox.emulator.results import walk
from tests.e2e.newsroom import Newsroom, newsroom, text_of

pytestmark = pytest.mark.asyncio(loop_scope="module")

ROOT = Path(__file__).resolve().parents[2]
SEED = yaml.safe_load((ROOT / "data" / "briefing.yaml").read_text(encoding="utf-8"))
CLAIMS = {c["id"]: c for c in SEED["claims"]}
TOPICS = {t["slug"]: t for t in SEED["topics"]}


def _catalog(lang: str) -> dict[str, dict[str, str]]:
    path = ROOT / "briefing" / "locales" / "messages" / f"{lang}.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


EN = _catalog("en")


def said(table: str, key: str, lang: str = "en", **params: object) -> str:
    text = (EN if lang == "en" else _catalog(lang))[table][key]
    return text.format(**params) if params else text


def fixed(table: str, key: str) -> list[str]:
    """The English text between a template's placeholders (what stays the same)."""
    return [p for p in re.split(r"\{[^}]*\}", EN[table][key]) if p.strip()]


async def ask(
    room: Newsroom,
    name: str,
    locale: str = "en-US",
    user: MemberSpec | None = None,
    **options: Any,
) -> InteractionResult:
    result: InteractionResult = await room.ask(name, locale, user, **options)
    return result


def fields(result: InteractionResult) -> list[dict[str, Any]]:
    return [f for e in result.embeds for f in e.get("fields", [])]


def claim_id(field_name: str) -> str:
    """The claim a listing's field is about ("📌 ⚖️ DISPUTED · kursk-recaptured")."""
    return field_name.rsplit(" · ", 1)[-1]


def hits(result: InteractionResult) -> dict[str, list[str]]:
    """Each claim listed, with its 🔎 lines (what the search matched in it)."""
    return {
        claim_id(f["name"]): [ln for ln in f["value"].splitlines() if ln.startswith("🔎")]
        for f in fields(result)
    }


def ids_in(lang: str, word: str) -> set[str]:
    """The seed's claims whose text in `lang` has a word beginning with `word`."""
    found = set()
    for claim in SEED["claims"]:
        text = (claim.get("translations", {}).get(lang) or {}).get("statement", "")
        if re.search(rf"(?<!\w){re.escape(word)}", text, re.IGNORECASE):
            found.add(claim["id"])
    return found


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Newsroom]:
    """One bot for the tests that only read."""
    async with newsroom(tmp_path_factory.mktemp("search")) as room:
        yield room


@pytest_asyncio.fixture(loop_scope="module")
async def room(tmp_path: Path) -> AsyncIterator[Newsroom]:
    """A bot of its own, for a test that changes the briefing."""
    async with newsroom(tmp_path) as room:
        yield room


# -- search ------------------------------------------------------------------------------------


def _written_10000() -> set[str]:
    found = set()
    for claim in SEED["claims"]:
        figure = claim.get("figure") or {}
        if "10,000" in claim["statement"] or 10000 in (figure.get("low"), figure.get("high")):
            found.add(claim["id"])
    return found


@pytest.mark.parametrize("query", ["10000", "10,000", "10k"])
async def test_a_number_is_found_however_it_is_written(shared: Newsroom, query: str) -> None:
    expected = _written_10000()
    assert expected  # the seed has such a claim (nk-troop-numbers)
    result = await ask(shared, "search", query=query)
    assert not result.ephemeral
    found = hits(result)
    assert set(found) == expected, text_of(result)
    for claim, lines in found.items():
        assert lines, f"{claim}: no 🔎 line saying what matched"
        assert any("**10,000**" in ln for ln in lines), lines
    assert said("search", "found", n=len(expected), query=query) in text_of(result)


SCRIPTS = [
    ("북한", "ko"),
    ("Курськ", "uk"),
    ("Курск", "ru"),
]


async def _all_pages(
    room: Newsroom, result: InteractionResult, locale: str
) -> dict[str, list[str]]:
    """Every claim of a paged answer, turning its pages as its asker."""
    found = hits(result)
    for _ in range(20):
        buttons = [c for c in walk(result.components) if c.get("custom_id")]
        if not buttons or buttons[-1].get("disabled"):
            break
        await room.emu.press_button(
            user=room.member, message=result, custom_id=buttons[-1]["custom_id"], locale=locale
        )
        found |= hits(result)
    return found


@pytest.mark.parametrize("locale", ["en-US", "own"])
@pytest.mark.parametrize(("query", "lang"), SCRIPTS)
async def test_words_in_korean_ukrainian_and_russian_find_the_claims_translated(
    shared: Newsroom, query: str, lang: str, locale: str
) -> None:
    locale = lang if locale == "own" else locale
    reader = "en" if locale == "en-US" else lang
    expected = ids_in(lang=lang, word=query)
    assert expected
    if lang != "ko":  # the Kursk claims
        assert {"kursk-recaptured", "ukraine-kursk-operation-continues"} <= expected
    result = await ask(shared, "search", locale, query=query)
    assert not result.ephemeral
    found = await _all_pages(shared, result, locale)
    assert set(found) == expected
    # Where it matched: the statement in the reader's own language, or in another one named.
    if reader == lang:
        where = said("search", "in_statement", reader)
    else:
        where = said("search", "in_translation", reader, language=said("language", lang, reader))
    for claim, lines in found.items():
        assert lines, f"{claim}: no 🔎 line"
        assert any(ln.startswith(f"🔎 {where}: ") for ln in lines), (claim, lines)
        assert any(f"**{query}".casefold() in ln.casefold() for ln in lines), (claim, lines)


async def test_each_hit_shows_the_words_that_matched(shared: Newsroom) -> None:
    result = await ask(shared, "search", query="Gerasimov")
    found = hits(result)
    assert "kursk-recaptured" in found
    assert all("gerasimov" in str(CLAIMS[c]).casefold() for c in found)
    for claim, lines in found.items():
        assert any("**Gerasimov**" in ln for ln in lines), (claim, lines)
        assert all(ln.startswith("🔎 ") for ln in lines)
    # Where it matched is named: here, the parties on record.
    on_record = said("search", "in_actor")
    assert any(ln.startswith(f"🔎 {on_record}: ") for lines in found.values() for ln in lines)


async def test_unsupported_syntax_is_named_not_blamed_on_the_words(shared: Newsroom) -> None:
    result = await ask(shared, "search", query="kursk OR troops")
    text = text_of(result)
    assert said("search", "unsupported", syntax="OR") in text
    assert "Try fewer or shorter words" not in text
    assert fixed("search", "none")[-1].strip() not in text
    found = hits(result)
    assert found  # the other words still search, all of them
    for claim in found:
        statement = CLAIMS[claim]["statement"].casefold()
        assert "kursk" in statement and "troops" in statement, claim


@pytest.mark.parametrize("query", ["クルスク", "كورسك"])
async def test_a_script_the_briefing_has_no_text_in_is_said(shared: Newsroom, query: str) -> None:
    result = await ask(shared, "search", query=query)
    text = text_of(result)
    assert said("search", "other_script") in text
    assert fields(result) == []
    assert "Try fewer or shorter words" not in text


# -- names that miss ---------------------------------------------------------------------------


async def test_claims_and_topics_that_miss_name_the_nearest(shared: Newsroom) -> None:
    both = await ask(shared, "claim", id="neo-nazi")
    assert both.ephemeral and both.embeds == []
    assert "`ukraine-neo-nazi-claim`" in both.content
    assert "`nk-deployment-aim-kursk`" in both.content

    typo = await ask(shared, "claim", id="kursk-recapturd")
    assert typo.ephemeral
    assert said("find", "no_claim", id="kursk-recapturd") in typo.content
    assert said("find", "nearest", names="`kursk-recaptured`") in typo.content

    by_title = await ask(shared, "brief", topic=TOPICS["kursk"]["title"])
    assert not by_title.ephemeral
    assert by_title.embeds[0]["title"] == said("topic", "title", title=TOPICS["kursk"]["title"])
    assert any(f["name"].endswith("kursk-recaptured") for f in fields(by_title))

    nonsense = await ask(shared, "brief", topic="xyzzy plugh")
    assert nonsense.ephemeral and nonsense.embeds == []
    assert said("find", "no_topic", typed="xyzzy plugh") in nonsense.content
    assert all(f"`{slug}`" in nonsense.content for slug in TOPICS)
    assert "/brief" not in nonsense.content

    typo = await ask(shared, "brief", topic="kurks")
    assert typo.ephemeral and typo.embeds == []
    assert said("find", "nearest", names="`kursk`") in typo.content
    assert "/brief" not in typo.content

    # Words of one topic's names find it: the start of its command is enough.
    words = await ask(shared, "brief", topic="kursk-stat")
    assert not words.ephemeral, text_of(words)
    assert words.embeds[0]["title"] == by_title.embeds[0]["title"]


# -- what a briefing leads with ----------------------------------------------------------------


def timeline_ids(result: InteractionResult) -> list[str]:
    return re.findall(r"`([a-z0-9-]+)`\)$", result.embeds[0]["description"], re.MULTILINE)


def names_of(result: InteractionResult) -> list[str]:
    return [f["name"] for f in fields(result)]


KURSK = [c["id"] for c in SEED["claims"] if c["topic"] == "kursk"]
DISPUTED = {i for i in KURSK if CLAIMS[i]["status"] == "disputed"}


async def test_a_briefing_leads_with_its_key_claims_then_the_latest(room: Newsroom) -> None:
    first = await ask(room, "kursk-status")
    names = names_of(first)
    # /kursk-status leads with the disputed recapture claim.
    assert names[0].endswith("kursk-recaptured"), names
    assert sorted(claim_id(n) for n in names) == sorted(KURSK)
    assert EN["topic"]["order"] in first.embeds[0]["description"]
    # The seed's key claims lead, marked; without any, the disputed claims do.
    key = list(TOPICS["kursk"].get("key_claims") or [])
    lead = [claim_id(n) for n in names[: len(key) or len(DISPUTED)]]
    if key:
        assert lead == key and all(n.startswith("📌 ") for n in names[: len(key)])
    else:
        assert set(lead) == DISPUTED
    assert not any(n.startswith("📌") for n in names[len(key) :])

    # The rest: most recently changed first. A new source changes the last one listed.
    last = claim_id(names[-1])
    cited = await ask(
        room,
        "facts source",
        user=room.editor,
        id=last,
        outlet="Example Wire",
        url="https://example.org/kursk",
    )
    assert "Now version 2" in text_of(cited), text_of(cited)
    after = [claim_id(n) for n in names_of(await ask(room, "kursk-status"))]
    assert after[: len(lead)] == lead
    assert after[len(lead)] == last

    # The timeline stays in date order: the 2024 incursion first, whatever leads a briefing.
    timeline = timeline_ids(await ask(room, "timeline", topic="kursk"))
    assert timeline and timeline[0] == "ukraine-kursk-incursion"


async def test_editors_pin_key_claims_to_lead_a_briefing(room: Newsroom) -> None:
    # Start from no key claims (the seed may pin some): the disputed claims lead.
    for claim in TOPICS["kursk"].get("key_claims") or []:
        assert (await ask(room, "facts unpin", user=room.editor, id=claim)).ephemeral
    before = names_of(await ask(room, "kursk-status"))
    assert {claim_id(n) for n in before[: len(DISPUTED)]} == DISPUTED
    assert not any(n.startswith("📌") for n in before)
    timeline_before = timeline_ids(await ask(room, "timeline", topic="kursk"))

    lead = "ukraine-kursk-operation-continues"
    pinned = await ask(room, "facts pin", user=room.editor, id=lead)
    assert pinned.ephemeral and lead in text_of(pinned)
    names = names_of(await ask(room, "kursk-status"))
    assert names[0].startswith("📌 ") and claim_id(names[0]) == lead, names
    assert [n for n in names if n.startswith("📌")] == [names[0]]
    assert sorted(claim_id(n) for n in names) == sorted(KURSK)
    korean = names_of(await ask(room, "kursk-status", "ko"))
    assert korean[0].startswith("📌 ") and claim_id(korean[0]) == lead, korean
    # The timeline is not a briefing: still in date order, pins or not.
    assert timeline_ids(await ask(room, "timeline", topic="kursk")) == timeline_before

    # Key claims lead in the order they were pinned.
    await ask(room, "facts pin", user=room.editor, id="kursk-recaptured")
    names = names_of(await ask(room, "kursk-status"))
    assert [claim_id(n) for n in names[:2]] == [lead, "kursk-recaptured"], names
    assert all(n.startswith("📌 ") for n in names[:2])

    # At most three a topic: a fourth is refused, privately, and nothing changes.
    three = ["nk-casualties", "nk-troops-deployed", "nk-troop-numbers"]
    for claim in three:
        assert (await ask(room, "facts pin", user=room.editor, id=claim)).ephemeral
    troops = names_of(await ask(room, "troops"))
    assert [claim_id(n) for n in troops[:3]] == three, troops
    assert all(n.startswith("📌 ") for n in troops[:3])
    assert not any(n.startswith("📌") for n in troops[3:])
    store = room.dump()
    fourth = await ask(room, "facts pin", user=room.editor, id="nk-troops-killed")
    assert fourth.ephemeral
    assert "3 key claims" in text_of(fourth) and "`troops`" in text_of(fourth), text_of(fourth)
    assert room.dump() == store
    assert names_of(await ask(room, "troops"))[:3] == troops[:3]

    # Unpinned, the briefing reads as before.
    for claim in (lead, "kursk-recaptured"):
        assert (await ask(room, "facts unpin", user=room.editor, id=claim)).ephemeral
    assert names_of(await ask(room, "kursk-status")) == before
