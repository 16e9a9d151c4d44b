"""The message catalogs: every string in every language, with the same placeholders, and
every string of the command tree translated (tests/bot/test_command_tree.py walks the tree).
"""

from __future__ import annotations

import re
import string

import pytest

from briefing.i18n import ENGLISH, LOCALES, Locale, catalog, locale_of, words
from briefing.models import LANGS

PLACEHOLDER = re.compile(r"\{(\w*)\}")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("locale", LANGS)
def test_every_message_has_every_language_with_the_same_placeholders(locale: Locale) -> None:
    english, other = catalog("messages", ENGLISH), catalog("messages", locale)
    assert english, "the English catalog is missing"
    assert sorted(set(english) - set(other)) == [], f"{locale} lacks these"
    assert sorted(set(other) - set(english)) == [], f"{locale} has keys English does not"
    for key, text in english.items():
        assert _fields(other[key]) == _fields(text), key
        assert other[key], key


@pytest.mark.parametrize("locale", LANGS)
def test_translations_are_not_left_in_english(locale: Locale) -> None:
    english, other = catalog("messages", ENGLISH), catalog("messages", locale)
    # Text with a letter of its own (not a number pattern or a separator) must differ.
    same = [
        k
        for k, v in english.items()
        if other[k] == v and re.search(r"[A-Za-z]{3}", PLACEHOLDER.sub("", v))
    ]
    assert same == []


@pytest.mark.parametrize("locale", LANGS)
def test_command_catalogs_hold_valid_discord_names(locale: Locale) -> None:
    commands = catalog("commands", locale)
    names = {k: v for k, v in commands.items() if k.startswith("names.")}
    assert names, f"no command names in {locale}"
    for key, name in names.items():
        assert re.fullmatch(r"[-_\w]{1,32}", name) and name == name.lower(), (key, name)
    assert len(set(names.values())) == len(names), "two English names share a translation"
    for key, text in commands.items():
        if key.startswith("texts."):
            assert 1 <= len(text) <= 100, key


@pytest.mark.parametrize(
    ("discord_locale", "expected"),
    [("ko", "ko"), ("uk", "uk"), ("ru", "ru"), ("en-US", "en"), ("en-GB", "en"), ("fr", "en")],
)
def test_members_are_answered_in_their_language_or_english(
    discord_locale: str, expected: str
) -> None:
    assert locale_of(discord_locale) == expected


@pytest.mark.parametrize("locale", LOCALES)
def test_numbers_and_vague_dates_read_as_the_language_writes_them(locale: Locale) -> None:
    from briefing.dates import EventDate

    w = words(locale)
    expected_number = {"en": "10,000", "ko": "10,000", "uk": "10\u00a0000", "ru": "10\u00a0000"}
    assert w.number(10_000) == expected_number[locale]
    month = w.vague_date(EventDate.model_validate("2025-04"))
    assert "2025" in month and w("date.month_4") in month
    autumn = w.vague_date(EventDate.model_validate("autumn 2024"))
    assert "2024" in autumn and w("date.autumn") in autumn


def test_commands_in_text_use_the_members_command_names() -> None:
    assert words("en").command("claim", id="<id>") == "/claim id:<id>"
    ko = words("ko").command("claim", id="<id>")
    names = catalog("commands", "ko")
    assert ko == f"/{names['names.claim']} {names['names.id']}:<id>"
