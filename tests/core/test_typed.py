"""Reading what editors type: dates leniently but never by guessing, figures, links."""

from __future__ import annotations

import datetime as dt

import pytest

from briefing.errors import InvalidInput
from briefing.typed import given, parse_date, parse_day, parse_figure, web_url


@pytest.mark.parametrize(
    ("typed", "text"),
    [
        ("2025-04-28", "2025-04-28"),
        ("28 April 2025", "2025-04-28"),
        ("28th of April, 2025", "2025-04-28"),
        ("April 28, 2025", "2025-04-28"),
        ("Apr 28 2025", "2025-04-28"),
        ("2025/04/28", "2025-04-28"),
        ("28/04/2025", "2025-04-28"),  # only one reading: there is no 28th month
        ("04/28/2025", "2025-04-28"),
        ("04/04/2025", "2025-04-04"),  # both readings are the same day
        ("April 2025", "2025-04"),
        ("sept 2024", "2024-09"),
        ("2025-03", "2025-03"),
        ("Autumn 2024", "autumn 2024"),
        ("fall 2024", "autumn 2024"),
        ("2024", "2024"),
    ],
)
def test_dates_are_read_in_the_forms_people_write(typed: str, text: str) -> None:
    assert parse_date(typed).text() == text


@pytest.mark.parametrize("typed", ["03/04/2025", "3.4.2025", "12-11-2024"])
def test_ambiguous_dates_are_refused_not_guessed(typed: str) -> None:
    with pytest.raises(InvalidInput, match="could be day/month or month/day"):
        parse_date(typed)


@pytest.mark.parametrize(
    "typed", ["", "  ", "yesterday", "2025-02-30", "31 June 2025", "13/13/2025"]
)
def test_unreadable_dates_say_how_to_write_one(typed: str) -> None:
    with pytest.raises(InvalidInput, match=r"2025-04-28|not a date on the calendar"):
        parse_date(typed)


def test_a_publication_date_is_a_day() -> None:
    assert parse_day("28 April 2025") == dt.date(2025, 4, 28)
    with pytest.raises(InvalidInput, match="not a single day"):
        parse_day("April 2025")


@pytest.mark.parametrize(
    ("typed", "low", "high", "unit"),
    [
        ("10,000-12,000 troops", 10_000, 12_000, "troops"),
        ("10000 – 12000 troops", 10_000, 12_000, "troops"),
        ("10k to 12k troops", 10_000, 12_000, "troops"),
        ("about 3,000 additional troops", 3_000, 3_000, "additional troops"),
        ("4000 killed or wounded", 4_000, 4_000, "killed or wounded"),
        ("1.5k troops", 1_500, 1_500, "troops"),
        ("1,200,000 shells", 1_200_000, 1_200_000, "shells"),
    ],
)
def test_figures(typed: str, low: int, high: int, unit: str) -> None:
    figure = parse_figure(typed)
    assert (figure.low, figure.high, figure.unit) == (low, high, unit)


@pytest.mark.parametrize(
    "typed",
    [
        "many troops",
        "12000-10000 troops",
        "10000",
        "10.000-12.000 troops",  # ten thousand in much of Europe, ten in English
        "1,5k troops",
        "1.0005k troops",
    ],
)
def test_bad_figures_are_refused(typed: str) -> None:
    with pytest.raises(InvalidInput):
        parse_figure(typed)


@pytest.mark.parametrize(
    "typed", ["javascript:alert(1)", "ftp://example.org/x", "example.org", "https://", "/a/b"]
)
def test_only_web_links(typed: str) -> None:
    with pytest.raises(InvalidInput, match="is not a web link"):
        web_url(typed)


def test_blank_means_not_given() -> None:
    assert given(parse_date, "   ") is None
    assert given(parse_date, None) is None
    assert given(web_url, " https://example.org/a ") == "https://example.org/a"
