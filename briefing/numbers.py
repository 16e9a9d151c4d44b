"""Numbers as search sees them: "10000", "10,000" and "10k" are the same number.

The search index tokenizes "10,000" as two words, "10" and "000", so a member who types
10000 would not find it. Every number in a claim's text is therefore also indexed as one
token naming its value ("n10000"), and a number in a search is looked up by that token.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

# Thousands written with separators: 10,000 · 10 000 (no-break or narrow no-break space,
# as Ukrainian and Russian text writes them). A plain space separates thousands only in
# what a member types (`loose`): in stored text "28 100" is more likely two numbers.
_GROUPED = r"\d{1,3}(?:[,\u00a0\u202f]\d{3})+"
_GROUPED_LOOSE = r"\d{1,3}(?:[,\u00a0\u202f ]\d{3})+"
_SCALE = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "million": 1_000_000}
_SUFFIX = r"(?:\s?(k|m|thousand|million)\b)?"


def _pattern(grouped: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\d.,])({grouped}|\d+)(?:\.(\d+))?{_SUFFIX}(?![\d])", re.IGNORECASE)


_IN_TEXT = _pattern(_GROUPED)
_IN_QUERY = _pattern(_GROUPED_LOOSE)
NUMBER_MAX = 10**15


def _value(whole: str, fraction: str | None, scale: str | None) -> int | None:
    digits = re.sub(r"\D", "", whole)
    factor = _SCALE[scale.lower()] if scale else 1
    # Decimal, not float: "16.1k" is exactly 16100.
    value = Decimal(f"{digits}.{fraction}" if fraction else digits) * factor
    # "1.5" alone is not a whole number anyone counts by; "1.5 million" is.
    if value != value.to_integral_value() or value > NUMBER_MAX:
        return None
    return int(value)


def numbers_in(text: str, *, typed: bool = False) -> list[tuple[int, str, int]]:
    """Every whole number in `text`: its value, how it was written and where, in order."""
    pattern = _IN_QUERY if typed else _IN_TEXT
    found = []
    for m in pattern.finditer(text):
        value = _value(m[1], m[2], m[3])
        if value is not None:
            found.append((value, m[0], m.start()))
    return found


def number_token(value: int) -> str:
    return f"n{value}"


def number_tokens(texts: Iterable[str]) -> str:
    """The index's number tokens for these texts, each value once."""
    seen: dict[int, None] = {}
    for text in texts:
        for value, _, _ in numbers_in(text):
            seen.setdefault(value)
    return " ".join(number_token(v) for v in seen)
