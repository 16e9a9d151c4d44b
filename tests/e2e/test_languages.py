"""Members who use Discord in Korean, Ukrainian or Russian, end to end: the command tree as
their client shows it, answers and errors in their language (no English fixed string left),
claims shown in English saying so, an editor's translation, and English for the rest.

Expected text comes from the catalogs themselves (briefing/locales/messages/*.toml) and the
seed (data/briefing.yaml), so the tests follow the wording and only check that the right
language is used. One bot serves the read-only tests; tests that change the briefing get
their own.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import yaml

from briefing.i18n import flatten
from sandbox.emulator import InteractionResult, MemberSpec
from sandbox.emulator.results import walk
from tests.e2e.newsroom import Newsroom, newsroom, text_of

pytestmark = pytest.mark.asyncio(loop_scope="module")

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ("ko", "uk", "ru")
MODAL = 9


class Catalog:
    """One language's message catalog, read from its TOML file as a translator wrote it."""

    def __init__(self, lang: str) -> None:
        path = ROOT / "briefing" / "locales" / "messages" / f"{lang}.toml"
        self.lang = lang
        self.table = flatten(tomllib.loads(path.read_text(encoding="utf-8")))

    def __call__(self, key: str, **params: object) -> str:
        text = self.table[key]
        return text.format(**params) if params else text

    def pattern(self, key: str) -> re.Pattern[str]:
        """The string with every {placeholder} matching anything."""
        parts = re.split(r"\{[^}]*\}", self.table[key])
        return re.compile(".+?".join(re.escape(p) for p in parts))

    def language(self, of: str | None = None) -> str:
        return self(f"language.{of or self.lang}")


EN = Catalog("en")
SEED = yaml.safe_load((ROOT / "data" / "briefing.yaml").read_text(encoding="utf-8"))
CLAIMS = {c["id"]: c for c in SEED["claims"]}
TOPICS = {t["slug"]: t for t in SEED["topics"]}

# Fixed strings of the English catalog that must not be left in an answer in another
# language. Curated text (names, quotes, outlets, units) may stay English; these may not.
ENGLISH_KEYS = (
    "status.confirmed", "status.reported", "status.disputed",
    "stance.asserts", "stance.confirms", "stance.disputes", "stance.denies",
    "stance_field.asserts", "stance_field.denies",
    "meaning.disputed",
    "claim.sources", "claim.disputed_since", "claim.last_changed", "claim.last_verified",
    "claim.footer",
    "listing.source", "listing.when", "listing.changed",
    "topic.title", "topic.order", "topic.footer",
    "disputed.title", "disputed.count",
    "search.title", "search.found", "search.in_statement",
    "timeline.title", "timeline.intro",
    "page.note", "page.previous", "page.next",
    "about.title", "about.coverage", "about.by_status", "about.freshness",
    "help.title", "help.commands", "help.statuses",
    "translation.machine", "suggest.button", "date.month_4",
    "find.no_claim", "find.try_search",
)  # fmt: skip


def _fixed_parts(template: str) -> list[str]:
    """The text between a template's placeholders that is worth looking for (a word or more)."""
    parts = (p.strip() for p in re.split(r"\{[^}]*\}", template))
    return [p for p in parts if len(re.findall(r"[A-Za-z]", p)) >= 4]


def _as_regex(phrase: str) -> re.Pattern[str]:
    start = r"\b" if re.match(r"\w", phrase) else ""
    end = r"\b" if re.search(r"\w$", phrase) else ""
    return re.compile(f"{start}{re.escape(phrase)}{end}")


ENGLISH_FIXED = {p: _as_regex(p) for key in ENGLISH_KEYS for p in _fixed_parts(EN.table[key])}


def english_left(text: str) -> list[str]:
    return sorted(p for p, rx in ENGLISH_FIXED.items() if rx.search(text))


def seen(result: InteractionResult) -> str:
    """Everything a member reads: the message text, every embed and every button label."""
    labels = [c["label"] for c in walk(result.components) if c.get("label")]
    return "\n".join([text_of(result), *labels])


def field_names(result: InteractionResult) -> list[str]:
    return [f["name"] for e in result.embeds for f in e.get("fields", [])]


def one_line(text: str) -> str:
    return " ".join(text.split())


async def ask(
    room: Newsroom,
    name: str,
    locale: str = "en-US",
    user: MemberSpec | None = None,
    **options: Any,
) -> InteractionResult:
    result: InteractionResult = await room.ask(name, locale, user, **options)
    return result


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Newsroom]:
    """One bot for the tests that only read."""
    async with newsroom(tmp_path_factory.mktemp("languages")) as room:
        yield room


@pytest_asyncio.fixture(loop_scope="module")
async def room(tmp_path: Path) -> AsyncIterator[Newsroom]:
    """A bot of its own, for a test that changes the briefing."""
    async with newsroom(tmp_path) as room:
        yield room


# -- the command tree --------------------------------------------------------------------------

# Kept as typed in every language: an abbreviation and the export formats' own names.
NOT_WORDS = {"id", "json", "yaml", "claimreview"}
PLAIN_WORD = re.compile(r"[a-z]+(?:[-_][a-z]+)*")
SHORTCUTS = {
    "ko": {"troops": "파병", "treaty": "조약", "kursk-status": "쿠르스크-현황"},
    "uk": {"troops": "війська", "treaty": "договір", "kursk-status": "курськ-статус"},
    "ru": {"troops": "войска", "treaty": "договор", "kursk-status": "курск-статус"},
}


def _localizable(item: dict[str, Any], path: str) -> Iterator[tuple[str, dict[str, Any], bool]]:
    """Every command, option (at any depth) and choice: (where, it, is a choice)."""
    yield path, item, False
    for option in item.get("options") or []:
        yield from _localizable(option, f"{path} {option['name']}")
    for choice in item.get("choices") or []:
        yield f"{path} [{choice['name']}]", choice, True


def untranslated(commands: list[dict[str, Any]], locale: str) -> list[str]:
    problems = []
    for command in commands:
        for where, item, is_choice in _localizable(command, f"/{command['name']}"):
            name = (item.get("name_localizations") or {}).get(locale)
            if not name:
                problems.append(f"{where}: no {locale} name")
            elif name == item["name"] and PLAIN_WORD.fullmatch(name) and name not in NOT_WORDS:
                problems.append(f"{where}: {locale} name is the English {name!r}")
            if is_choice:
                continue  # Discord gives choices a name only
            english = item.get("description", "")
            local = (item.get("description_localizations") or {}).get(locale)
            if not local:
                problems.append(f"{where}: no {locale} description")
            elif local == english and re.search(r"[A-Za-z]{3}", english):
                problems.append(f"{where}: {locale} description is the English {english!r}")
    return problems


@pytest.mark.parametrize("locale", LOCALES)
async def test_every_command_option_and_choice_has_a_name_in_the_language(
    shared: Newsroom, locale: str
) -> None:
    synced = [*shared.emu.global_commands, *shared.emu.guild_commands[shared.home.id]]
    names = {c.name for c in synced}
    assert {"claim", "search", "brief", "facts", "kursk-status", "help"} <= names
    assert untranslated([c.data for c in synced], locale) == []
    for english, local in SHORTCUTS[locale].items():
        command = next(c for c in synced if c.name == english)
        assert command.data["name_localizations"][locale] == local
    # Spot checks that a plain word really is translated.
    claim = next(c for c in synced if c.name == "claim")
    search = next(c for c in synced if c.name == "search")
    assert claim.data["name_localizations"][locale] != "claim"
    assert search.data["options"][0]["name_localizations"][locale] != "query"


# -- answers in the member's language ----------------------------------------------------------

MEMBER_COMMANDS: list[tuple[str, dict[str, Any]]] = [
    ("kursk-status", {}),
    ("claim", {"id": "kursk-recaptured"}),
    ("about", {}),
    ("help", {}),
    ("disputed", {}),
    ("timeline", {}),
    ("search", {"query": "Kursk"}),
]


@pytest.mark.parametrize("locale", LOCALES)
async def test_answers_come_in_the_members_language(shared: Newsroom, locale: str) -> None:
    local = Catalog(locale)
    answers = {name: await ask(shared, name, locale, **opts) for name, opts in MEMBER_COMMANDS}
    for name, answer in answers.items():
        assert answer.embeds, name
        assert english_left(seen(answer)) == [], (name, seen(answer))

    kursk = answers["kursk-status"]
    title = TOPICS["kursk"]["translations"][locale]["title"]
    assert kursk.embeds[0]["title"] == local("topic.title", title=title)
    assert local("topic.order") in seen(kursk)
    recaptured = next(n for n in field_names(kursk) if n.endswith("kursk-recaptured"))
    assert local("status.disputed") in recaptured

    claim = answers["claim"]
    description = one_line(claim.embeds[0]["description"])
    statement = one_line(CLAIMS["kursk-recaptured"]["translations"][locale]["statement"])
    assert statement in description
    assert CLAIMS["kursk-recaptured"]["statement"].split()[0] not in description.split()
    # The seed's translations are machine-assisted, and the card says so in the language.
    assert local("translation.machine", language=local.language()) in description
    names = field_names(claim)
    assert local("claim.last_changed") in names and local("claim.last_verified") in names
    assert local("stance_field.asserts") in names and local("stance_field.denies") in names
    assert local("suggest.button") in seen(claim)

    assert answers["about"].embeds[0]["title"] == local("about.title")
    assert answers["help"].ephemeral
    assert answers["help"].embeds[0]["title"] == local("help.title")
    assert answers["disputed"].embeds[0]["title"] == local("disputed.title")
    timeline = answers["timeline"]
    assert timeline.embeds[0]["title"] == local("timeline.title")
    assert local.pattern("page.note").search(timeline.embeds[0]["footer"]["text"])
    assert local("page.next") in seen(timeline)
    search = answers["search"]
    assert search.embeds[0]["title"] == local("search.title")
    assert local.pattern("search.found").search(search.embeds[0]["description"])
    assert "🔎" in seen(search)

    # Errors too: privately, in the language, naming what was typed.
    missing = await ask(shared, "claim", locale, id="zzzz-none")
    assert missing.ephemeral
    assert local("find.no_claim", id="zzzz-none") in missing.content
    assert english_left(missing.content) == [], missing.content


@pytest.mark.parametrize("locale", ["fr", "en-GB", "de"])
async def test_a_language_the_bot_does_not_speak_gets_english(
    shared: Newsroom, locale: str
) -> None:
    claim = await ask(shared, "claim", locale, id="kursk-recaptured")
    description = one_line(claim.embeds[0]["description"])
    assert one_line(CLAIMS["kursk-recaptured"]["statement"]) in description
    assert EN("claim.last_changed") in field_names(claim)
    assert EN("suggest.button") in seen(claim)
    assert not EN.pattern("translation.machine").search(description)
    assert not EN.pattern("translation.fallback").search(description)

    kursk = await ask(shared, "kursk-status", locale)
    assert kursk.embeds[0]["title"] == EN("topic.title", title=TOPICS["kursk"]["title"])
    assert EN("stance.asserts") in seen(kursk)

    missing = await ask(shared, "claim", locale, id="zzzz-none")
    assert missing.ephemeral
    assert EN("find.no_claim", id="zzzz-none") in missing.content


# -- claims without text in the language, and an editor's translation ----------------------------


def form_inputs(form: InteractionResult) -> list[dict[str, Any]]:
    assert form.type == MODAL and form.modal is not None, form.type
    return [c for c in walk(form.modal["components"]) if c.get("type") == 4]


async def test_a_claim_without_a_translation_says_so_until_an_editor_translates_it(
    room: Newsroom,
) -> None:
    ko = Catalog("ko")
    english = "Observers say the treaty was quietly extended for ten years."
    korean = "관찰자들은 조약이 10년 더 조용히 연장됐다고 말한다."

    # An editor adds a claim: it has English text only.
    form = await ask(room, "facts add", user=room.editor, topic="treaty", actor="Observers")
    fields = {c["label"]: c["custom_id"] for c in form_inputs(form)}
    added = await room.emu.submit_modal(
        user=room.editor,
        modal=form,
        values={
            fields["Id (lowercase-words-with-dashes)"]: "treaty-extended",
            fields["Statement (as the party asserts it)"]: english,
        },
    )
    assert added.ephemeral and "Now version 1" in text_of(added), text_of(added)

    # A Korean member sees the English statement, told why, in Korean.
    shown = await ask(room, "claim", "ko", id="treaty-extended")
    assert not shown.ephemeral
    description = shown.embeds[0]["description"]
    assert english in description
    assert ko("translation.fallback", language=ko("language.ko")) in description
    assert ko("translation.machine", language=ko("language.ko")) not in description
    assert english_left(seen(shown).replace(english, "")) == [], seen(shown)

    # An editor translates it: the form's second input is the statement in Korean.
    form = await ask(room, "facts translate", user=room.editor, id="treaty-extended", language="ko")
    inputs = form_inputs(form)
    assert len(inputs) == 2
    assert inputs[0].get("value") == english  # the English, for reference
    saved = await room.emu.submit_modal(
        user=room.editor, modal=form, values={inputs[1]["custom_id"]: korean}
    )
    assert saved.ephemeral and "Now version 2" in text_of(saved), text_of(saved)

    shown = await ask(room, "claim", "ko", id="treaty-extended")
    description = shown.embeds[0]["description"]
    assert korean in description
    assert english not in description
    assert not ko.pattern("translation.fallback").search(description)
    assert not ko.pattern("translation.machine").search(description)
    # The card's footer, in Korean, names the new version.
    assert ko("claim.footer", topic=TOPICS["treaty"]["translations"]["ko"]["title"], version=2) in (
        seen(shown)
    )

    # English readers still read the English; the history keeps the change.
    assert english in (await ask(room, "claim", id="treaty-extended")).embeds[0]["description"]
    history = text_of(await ask(room, "facts history", user=room.editor, id="treaty-extended"))
    assert "v2" in history and "translation (ko)" in history, history
    assert korean in history
    assert "v1" in history and english in history


async def test_an_editor_translation_replaces_a_machine_one(room: Newsroom) -> None:
    uk = Catalog("uk")
    machine = await ask(room, "claim", "uk", id="kursk-recaptured")
    assert uk("translation.machine", language=uk.language()) in machine.embeds[0]["description"]
    reviewed = "Росія заявляє, що відвоювала Курську область."
    form = await ask(
        room, "facts translate", user=room.editor, id="kursk-recaptured", language="uk"
    )
    inputs = form_inputs(form)
    old = one_line(CLAIMS["kursk-recaptured"]["translations"]["uk"]["statement"])
    assert one_line(inputs[1].get("value") or "") == old  # prefilled with the current text
    await room.emu.submit_modal(
        user=room.editor, modal=form, values={inputs[1]["custom_id"]: reviewed}
    )
    shown = await ask(room, "claim", "uk", id="kursk-recaptured")
    description = shown.embeds[0]["description"]
    assert reviewed in description and old not in one_line(description)
    assert not uk.pattern("translation.machine").search(description)
    # Other languages keep their own text.
    ru = one_line(CLAIMS["kursk-recaptured"]["translations"]["ru"]["statement"])
    ru_shown = await ask(room, "claim", "ru", id="kursk-recaptured")
    assert ru in one_line(ru_shown.embeds[0]["description"])
