"""The member's language: message catalogs, and numbers and dates written for it.

Answers follow the locale Discord sends with each interaction: Korean, Ukrainian or
Russian when it is one of those, English otherwise. Fixed strings come from the catalogs in
`briefing/locales/messages/` (one TOML file per language, same keys); the slash commands'
own names and descriptions from `briefing/locales/commands/`. A key missing from a language
falls back to English, though the catalog check (tests/core/test_catalogs.py) keeps every
language complete.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

from briefing.dates import EventDate

Locale = Literal["en", "ko", "uk", "ru"]
LOCALES: tuple[Locale, ...] = ("en", "ko", "uk", "ru")
ENGLISH: Locale = "en"
# Discord's locale codes for the languages answered in (others are answered in English).
DISCORD_LOCALES: dict[str, Locale] = {"ko": "ko", "uk": "uk", "ru": "ru"}
_SEASON_OF_MONTH = {1: "winter", 3: "spring", 6: "summer", 9: "autumn"}


def locale_of(discord_locale: object) -> Locale:
    """The language to answer in for a Discord locale ("ko", "en-US", a `discord.Locale`)."""
    code = str(getattr(discord_locale, "value", discord_locale) or "")
    return DISCORD_LOCALES.get(code.split("-")[0], ENGLISH)


def flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            flat |= flatten(value, f"{prefix}{key}.")
        else:
            flat[f"{prefix}{key}"] = str(value)
    return flat


@cache
def catalog(kind: Literal["messages", "commands"], locale: Locale) -> dict[str, str]:
    """One language's catalog, flattened to "table.key" (read once)."""
    path = resources.files("briefing.locales").joinpath(kind, f"{locale}.toml")
    if not path.is_file():
        return {}
    return flatten(tomllib.loads(path.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Words:
    """The fixed strings of one language, and numbers and dates as it writes them."""

    locale: Locale = ENGLISH
    _messages: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        messages = catalog("messages", ENGLISH) | catalog("messages", self.locale)
        object.__setattr__(self, "_messages", messages)

    @property
    def english(self) -> bool:
        return self.locale == ENGLISH

    def __call__(self, key: str, **params: object) -> str:
        text = self._messages[key]
        return text.format(**params) if params else text

    def command(self, name: str, **options: str) -> str:
        """A slash command as the member's Discord shows it: "/claim id:<id>" in English,
        the localized names in another language."""
        names = catalog("commands", self.locale)
        words = [f"/{' '.join(names.get(f'names.{part}', part) for part in name.split())}"]
        words += [f"{names.get(f'names.{k}', k)}:{v}" for k, v in options.items()]
        return " ".join(words)

    def language(self, locale: str | None = None) -> str:
        return self(f"language.{locale or self.locale}")

    def number(self, value: int) -> str:
        """A whole number with the language's thousands separator: 10,000 · 10 000."""
        return f"{value:,}".replace(",", self("number.group"))

    def vague_date(self, date: EventDate) -> str:
        """A month, season or year in words: "April 2025", "2025년 4월", "квітень 2025"."""
        v = date.value
        year = f"{v.year:04d}"
        match date.precision:
            case "month":
                return self("date.month_year", month=self(f"date.month_{v.month}"), year=year)
            case "season":
                season = self(f"date.{_SEASON_OF_MONTH[v.month]}")
                return self("date.season_year", season=season, year=year)
            case _:
                return self("date.year", year=year)


@cache
def words(locale: Locale = ENGLISH) -> Words:
    return Words(locale)


EN = words(ENGLISH)
