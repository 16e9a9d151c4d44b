"""Reading what an editor typed: dates, figures and links, leniently but never by guessing.

A date such as `03/04/2025` is refused, not guessed: it is 3 April in most of the world and
4 March in the United States. Everything else that has one reading is accepted.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import ParamSpec, TypeVar

from pydantic import ValidationError

from briefing.errors import InvalidInput, NotFound
from briefing.model_text import as_code
from briefing.models import SLUG_PATTERN, EventDate, Figure, is_web_url, plain_text

T = TypeVar("T")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
FORMS = "2025-04-28, 28 April 2025, April 2025, autumn 2024 or 2024"


def _day(year: int, month: int, day: int, typed: str) -> EventDate:
    try:
        return EventDate(value=dt.date(year, month, day), precision="day")
    except ValueError:
        raise InvalidInput(f"`{typed}` is not a date on the calendar.") from None


def parse_date(typed: str) -> EventDate:
    """A date of any precision, from the forms people write; refuses ambiguous numbers."""
    text = " ".join(typed.strip().lower().replace(",", " ").split())
    if not text:
        raise InvalidInput(f"A date is needed: write it as {FORMS}.")
    try:
        return EventDate.model_validate(text)  # 2025-04-28, 2025-04, autumn 2024, 2024
    except ValueError:
        pass
    if m := re.fullmatch(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})", text):
        return _day(int(m[1]), int(m[2]), int(m[3]), typed)
    if m := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text):
        first, second, year = int(m[1]), int(m[2]), int(m[3])
        if first <= 12 and second <= 12 and first != second:
            raise InvalidInput(f"`{typed}` could be day/month or month/day. Write it as {FORMS}.")
        day, month = (first, second) if first > 12 or first == second else (second, first)
        return _day(year, month, day, typed)
    if m := re.fullmatch(rf"(\d{{1,2}})(?:st|nd|rd|th)? (?:of )?({_MONTH})\.? (\d{{4}})", text):
        return _day(int(m[3]), _MONTHS[m[2]], int(m[1]), typed)
    if m := re.fullmatch(rf"({_MONTH})\.? (\d{{1,2}})(?:st|nd|rd|th)? (\d{{4}})", text):
        return _day(int(m[3]), _MONTHS[m[1]], int(m[2]), typed)
    if m := re.fullmatch(rf"({_MONTH})\.? (\d{{4}})", text):
        start = _day(int(m[2]), _MONTHS[m[1]], 1, typed).value
        return EventDate(value=start, precision="month")
    raise InvalidInput(f"`{typed}` is not a date I can read. Write it as {FORMS}.")


def parse_day(typed: str) -> dt.date:
    """A calendar day (a publication date): vaguer dates are refused."""
    date = parse_date(typed)
    if date.precision != "day":
        raise InvalidInput(f"`{typed}` is not a single day: write it as 2025-04-28.")
    return date.value


def optional(typed: str | None) -> str | None:
    """Blank input (an emptied modal field, an option left out) is no value."""
    return typed.strip() if typed and typed.strip() else None


def given(parse: Callable[[str], T], typed: str | None) -> T | None:
    """`parse` what was typed, or None when nothing was."""
    text = optional(typed)
    return parse(text) if text is not None else None


def web_url(typed: str) -> str:
    url = typed.strip()
    if not is_web_url(url):
        shown = as_code(url, 100)
        raise InvalidInput(
            f"`{shown}` is not a web link: it must start with https://.",
            key="error.not_web_link",
            url=shown,
        )
    return url


_NUMBER = r"(\d[\d,. ]*)(k|m)?"


def _number(digits: str, scale: str | None) -> int:
    """A whole number as written in English: `10,000`, `10000`, `1.5k`. `10.000` (ten
    thousand in much of Europe, ten in English) and `1,5k` are refused, not guessed."""
    written = digits.strip().replace(" ", "")
    if "," in written and not re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", written):
        raise ValueError(f"`{written}`: write thousands as 10,000 and decimals as 1.5")
    cleaned = written.replace(",", "")
    if re.fullmatch(r"\d+\.\d{3}", cleaned) and not scale:
        raise ValueError(f"`{written}` could be a decimal or thousands: write 10000 or 10,000")
    if len(cleaned) > 20:  # far past any figure the model takes (10**12)
        raise ValueError("the number is too large")
    value = Decimal(cleaned) * {"k": 1_000, "m": 1_000_000}.get(scale or "", 1)
    if value != value.to_integral_value():
        raise ValueError(f"`{written}{scale or ''}` is not a whole number")
    return int(value)


def parse_figure(typed: str) -> Figure:
    """`10,000-12,000 troops`, `about 3000 soldiers`, `4k killed or wounded`."""
    text = " ".join(typed.strip().split())
    m = re.fullmatch(
        rf"(?:about |around |some |roughly |~)?{_NUMBER}(?: ?[-–—] ?| to ){_NUMBER} (.+)"
        rf"|(?:about |around |some |roughly |~)?{_NUMBER} (.+)",
        text,
        re.IGNORECASE,
    )
    if m is None:
        raise InvalidInput(
            f"`{typed[:100]}` is not a figure: write `10,000-12,000 troops` or `about 3,000 "
            "troops`."
        )
    try:
        if m[1] is not None:
            low, high = _number(m[1], m[2] and m[2].lower()), _number(m[3], m[4] and m[4].lower())
            unit = m[5]
        else:
            low = high = _number(m[6], m[7] and m[7].lower())
            unit = m[8]
        return Figure(low=low, high=high, unit=unit)
    except (ValueError, OverflowError) as exc:
        raise InvalidInput(f"`{typed[:100]}` is not a usable figure ({exc}).") from None


# -- ids, reasons, and the models' own refusals --------------------------------------------

MAX_REASON = 300
P = ParamSpec("P")
R = TypeVar("R")


def readable(exc: ValidationError) -> InvalidInput:
    """A model's refusal in the words an editor needs: which field, and what is wrong."""
    err = exc.errors()[0]
    field = ".".join(str(p) for p in err["loc"]) or "value"
    message = str(err["msg"]).removeprefix("Value error, ")
    return InvalidInput(f"Field `{field}`: {message}.")


def refusals(method: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Turn a model's validation error inside a desk call into a plain refusal."""

    @functools.wraps(method)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await method(*args, **kwargs)
        except ValidationError as exc:
            raise readable(exc) from None

    return wrapper


def claim_key(typed: str) -> str:
    """A claim id as typed, checked before it reaches the store: an id is lowercase words
    joined by dashes, so anything else names no claim (and is not echoed back)."""
    key = typed.strip().lower()
    if len(key) > 64 or not re.fullmatch(SLUG_PATTERN, key):
        raise NotFound("There is no claim with that id: ids are lowercase words joined by dashes.")
    return key


def topic_key(typed: str) -> str:
    key = typed.strip().lower()
    if len(key) > 24 or not re.fullmatch(SLUG_PATTERN, key):
        raise NotFound("There is no topic with that name: start typing to pick one.")
    return key


def reason_text(typed: str | None) -> str | None:
    """Why a change was made, as the history keeps it: plain text, at most MAX_REASON."""
    text = optional(typed)
    if text is None:
        return None
    try:
        text = plain_text(text)
    except ValueError as exc:
        raise InvalidInput(f"The reason {exc}.") from None
    if len(text) > MAX_REASON:
        raise InvalidInput(f"The reason is too long: at most {MAX_REASON} characters.")
    return text
