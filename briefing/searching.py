"""What a member typed into /search, as the search runs it, and why each claim matched.

A search finds claims with every word typed. Query syntax of other search engines (OR,
quotes, -word, word*, field:) is not supported; rather than searching for "OR" as a word,
it is left out and the answer says so. Numbers are searched by value (briefing/numbers.py).
Words in Korean or Cyrillic script are searched in the translations, by their beginning
(Korean attaches particles to words; Ukrainian and Russian inflect them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from briefing.i18n import Locale
from briefing.models import Claim
from briefing.numbers import number_token, numbers_in

_OPERATORS = ("OR", "AND", "NOT", "NEAR")
_FIELD = re.compile(r"\b([A-Za-z_]+):(?=\S)")
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_UKRAINIAN_ONLY = set("іїєґ")
_RUSSIAN_ONLY = set("ыэъё")
_WORD = re.compile(r"\w+")
_NUMBER_TOKEN = re.compile(r"n\d+")
_WORD_REST = re.compile(r"\w*")
SUFFIXES = ("ing", "ed", "es", "s")


@dataclass(frozen=True)
class Hint:
    """Something of the query that was not searched as typed: a catalog key and its
    parameters."""

    key: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SearchQuery:
    words: list[str]  # as the index is asked: words, and numbers as "n<value>"
    hints: list[Hint]
    # The languages the words are written in, besides English ("other": none we have).
    languages: frozenset[Locale | str]


def script_of(word: str) -> Locale | str | None:
    """The language a word's script points to: "ko", "uk", "ru", "uk/ru" (Cyrillic in
    either), "other" (a script the briefing has no language for), None for Latin/digits."""
    if _HANGUL.search(word):
        return "ko"
    if _CYRILLIC.search(word):
        letters = set(word.lower())
        if letters & _UKRAINIAN_ONLY:
            return "uk"
        if letters & _RUSSIAN_ONLY:
            return "ru"
        return "uk/ru"
    if any(ch.isalpha() and not ch.isascii() and not _latin(ch) for ch in word):
        return "other"
    return None


def _latin(ch: str) -> bool:
    return "\u00c0" <= ch <= "\u024f"  # accented Latin letters


def parse(text: str) -> SearchQuery:
    """The words to search for, and hints naming what was left out."""
    hints: list[Hint] = []
    if '"' in text or "“" in text or "”" in text or "«" in text:
        hints.append(Hint("search.unsupported_quotes"))
    if re.search(r"(^|\s)-\w", text):
        hints.append(Hint("search.unsupported_minus"))
        text = re.sub(r"(^|\s)-\w+", " ", text)
    if "*" in text:
        hints.append(Hint("search.unsupported_star"))
    for found in dict.fromkeys(m[1] for m in _FIELD.finditer(text)):
        hints.append(Hint("search.unsupported", {"syntax": f"{found}:"}))
    words_typed = text.split()
    for op in _OPERATORS:
        if op in words_typed:
            hints.append(Hint("search.unsupported", {"syntax": op}))
    if "(" in text or ")" in text:
        hints.append(Hint("search.unsupported", {"syntax": "( )"}))
    text = " ".join(w for w in words_typed if w not in _OPERATORS)
    text = _FIELD.sub(" ", text)
    # Numbers first, so that "10,000" is one number and not the words "10" and "000".
    words: list[str] = []
    rest, at = [], 0
    for value, raw, start in numbers_in(text, typed=True):
        words.append(number_token(value))
        rest.append(text[at:start])
        at = start + len(raw)
    rest.append(text[at:])
    words += _WORD.findall(" ".join(rest))
    languages = frozenset(s for w in words if (s := script_of(w)) is not None)
    return SearchQuery(list(dict.fromkeys(words)), hints, languages)


def _stem(word: str) -> str:
    word = word.lower()
    if word.isascii():
        for suffix in SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                return word[: -len(suffix)]
    return word


def matched_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Where in `text` the search's terms are: words by their beginning or stem, numbers by
    value however they are written."""
    return Finder.of(terms).find(text)[0]


@dataclass(frozen=True)
class Finder:
    """A search's terms made ready to look for in many texts: every field of every hit
    shown (made once per page, not per claim)."""

    numbers: frozenset[str]  # the index's tokens, "n<value>"
    # Words by their beginning without an English ending ("troops" marks "troop" and
    # "trooped"), as the index's stemmer would find them; lowercase.
    starts: tuple[str, ...]

    @classmethod
    def of(cls, terms: list[str]) -> Finder:
        numbers = frozenset(t for t in terms if _NUMBER_TOKEN.fullmatch(t))
        return cls(numbers, tuple(dict.fromkeys(_stem(t) for t in terms if t not in numbers)))

    @property
    def terms(self) -> int:
        return len(self.numbers) + len(self.starts)

    def find(self, text: str) -> tuple[list[tuple[int, int]], int]:
        """The spans of `text` that match, and how many of the terms they are."""
        found: set[tuple[int, int]] = set()
        hit: set[str] = set()
        if self.numbers:
            for value, raw, start in numbers_in(text):
                if (token := number_token(value)) in self.numbers:
                    found.add((start, start + len(raw)))
                    hit.add(token)
        if self.starts:
            # str.find, not a pattern compiled per search: compiling cost more than the
            # looking (bench/README.md).
            low = _lower_in_place(text)
            for prefix in self.starts:
                at = low.find(prefix)
                while at != -1:
                    if at == 0 or not _is_word_char(low[at - 1]):
                        end = _WORD_REST.match(low, at + len(prefix))
                        found.add((at, end.end() if end else at + len(prefix)))
                        hit.add(prefix)
                    at = low.find(prefix, at + 1)
        return sorted(found), len(hit)


def _lower_in_place(text: str) -> str:
    """`text` in lowercase, each character where it was (a few, such as "İ", lowercase to
    two characters: those stay as they are)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(lc := c.lower()) != 1 else lc for c in text)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


@dataclass(frozen=True)
class Match:
    """Where a claim matched: the catalog key naming the field, its parameters, the
    field's text and the spans that matched in it."""

    key: str
    params: dict[str, str]
    text: str
    spans: list[tuple[int, int]]


def where_matched(claim: Claim, finder: Finder, locale: Locale) -> Match | None:
    """The field of `claim` that matched the most terms, in the order a reader cares:
    the statement as shown to them, then the other texts (the first of those that match
    as many). A field with every term ends the looking."""
    best: Match | None = None
    most = 0
    for candidate in _fields(claim, locale):
        spans, terms = finder.find(candidate.text)
        if terms > most:
            best, most = Match(candidate.key, candidate.params, candidate.text, spans), terms
            if terms >= finder.terms:
                break
    return best


def _fields(claim: Claim, locale: Locale) -> Iterator[Match]:
    own = claim.statement_in(locale) if locale != "en" else None
    if own is not None:
        yield Match("search.in_statement", {}, own.statement, [])
        yield Match("search.in_translation", {"language": "en"}, claim.statement, [])
    else:
        yield Match("search.in_statement", {}, claim.statement, [])
    for lang, text in claim.translations.items():
        if lang != locale:
            yield Match("search.in_translation", {"language": lang}, text.statement, [])
    for s in claim.stances:
        if s.quote:
            yield Match("search.in_quote", {"actor": s.actor.name}, s.quote, [])
    actors = dict.fromkeys(
        f"{s.actor.name} ({s.actor.country})" if s.actor.country else s.actor.name
        for s in claim.stances
    )
    if actors:
        yield Match("search.in_actor", {}, "; ".join(actors), [])
    sources = [*claim.sources, *(s.source for s in claim.stances if s.source)]
    outlets = dict.fromkeys(part for s in sources for part in (s.outlet, s.title) if part)
    if outlets:
        yield Match("search.in_source", {}, "; ".join(outlets), [])
    if claim.figure:
        low, high, unit = claim.figure.low, claim.figure.high, claim.figure.unit
        shown = f"{low:,}" if low == high else f"{low:,}–{high:,}"
        yield Match("search.in_figure", {}, f"{shown} {unit}", [])
