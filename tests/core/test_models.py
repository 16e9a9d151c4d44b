"""The data model: dates of any precision, figures, and what a claim draft accepts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from briefing.models import (
    MAX_SOURCES,
    MAX_STANCES,
    MAX_STATEMENT,
    Actor,
    ClaimDraft,
    EventDate,
    Figure,
    Source,
    Topic,
)

from .conftest import draft


def refused(fn: Any, *args: Any, **kwargs: Any) -> set[str]:
    """The dotted locations of the fields a validation error names."""
    with pytest.raises(ValidationError) as info:
        fn(*args, **kwargs)
    return {".".join(map(str, e["loc"])) for e in info.value.errors()}


# -- EventDate ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_", "value", "precision", "text"),
    [
        ("2025-04-28", dt.date(2025, 4, 28), "day", "2025-04-28"),
        ("2025-04-01", dt.date(2025, 4, 1), "day", "2025-04-01"),
        ("2025-03", dt.date(2025, 3, 1), "month", "2025-03"),
        ("winter 2025", dt.date(2025, 1, 1), "season", "winter 2025"),
        ("spring 2025", dt.date(2025, 3, 1), "season", "spring 2025"),
        ("summer 2024", dt.date(2024, 6, 1), "season", "summer 2024"),
        ("autumn 2024", dt.date(2024, 9, 1), "season", "autumn 2024"),
        ("Fall 2024", dt.date(2024, 9, 1), "season", "autumn 2024"),
        ("  AUTUMN 2024 ", dt.date(2024, 9, 1), "season", "autumn 2024"),
        ("2024", dt.date(2024, 1, 1), "year", "2024"),
        (2024, dt.date(2024, 1, 1), "year", "2024"),
        (dt.date(2025, 4, 28), dt.date(2025, 4, 28), "day", "2025-04-28"),
        (dt.datetime(2025, 4, 28, 23, 59), dt.date(2025, 4, 28), "day", "2025-04-28"),
        (
            {"value": "2025-03-01", "precision": "month"},
            dt.date(2025, 3, 1),
            "month",
            "2025-03",
        ),
    ],
)
def test_event_date_forms(given_: Any, value: dt.date, precision: str, text: str) -> None:
    d = EventDate.model_validate(given_)
    assert (d.value, d.precision) == (value, precision)
    assert d.text() == text
    assert EventDate.model_validate(d.text()) == d
    assert EventDate.model_validate(d.model_dump(mode="json")) == d


@pytest.mark.parametrize(
    "bad",
    [
        "2025-13",
        "2025-00",
        "2025-02-30",
        "2025-4-28",
        "28/04/2025",
        "2025/04/28",
        "April 2025",
        "spring",
        "spring 25",
        "monsoon 2025",
        "someday",
        "24",
        "",
        "   ",
        "2025-04-28T10:00",
        12345,
    ],
)
def test_unreadable_dates_are_refused(bad: Any) -> None:
    with pytest.raises(ValidationError):
        EventDate.model_validate(bad)


def test_unreadable_date_message_shows_the_accepted_forms() -> None:
    with pytest.raises(ValidationError, match=r"unreadable date 'someday'.*YYYY-MM-DD"):
        EventDate.model_validate("someday")


@pytest.mark.parametrize(
    ("value", "precision", "message"),
    [
        ("2025-04-02", "month", "must start on day 1"),
        ("2025-02-01", "year", "January"),
        ("2025-02-01", "season", "January, March, June or September"),
        ("2025-01-01", "week", "precision"),
    ],
)
def test_misaligned_periods_are_refused(value: str, precision: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        EventDate.model_validate({"value": value, "precision": precision})


def test_dates_of_any_precision_sort_by_their_first_day() -> None:
    texts = ["2025-04-28", "2024", "2025-03", "autumn 2024", "winter 2025"]
    ordered = sorted((EventDate.model_validate(t) for t in texts), key=lambda d: d.value)
    assert [d.text() for d in ordered] == [
        "2024",
        "autumn 2024",
        "winter 2025",
        "2025-03",
        "2025-04-28",
    ]


_years = st.integers(min_value=1, max_value=9999)
event_dates = st.one_of(
    st.dates().map(lambda v: EventDate(value=v, precision="day")),
    st.builds(
        lambda y, m: EventDate(value=dt.date(y, m, 1), precision="month"),
        _years,
        st.integers(1, 12),
    ),
    st.builds(
        lambda y, m: EventDate(value=dt.date(y, m, 1), precision="season"),
        _years,
        st.sampled_from([1, 3, 6, 9]),
    ),
    _years.map(lambda y: EventDate(value=dt.date(y, 1, 1), precision="year")),
)


@given(event_dates)
def test_any_event_date_text_parses_back_equal(d: EventDate) -> None:
    assert EventDate.model_validate(d.text()) == d
    assert EventDate.model_validate(d.model_dump(mode="json")) == d


@given(st.text(max_size=30))
def test_random_date_text_is_refused_cleanly_or_canonical(text: str) -> None:
    try:
        d = EventDate.model_validate(text)
    except ValidationError:
        return
    assert EventDate.model_validate(d.text()) == d


# -- Figure ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"low": 12_000, "high": 10_000, "unit": "troops"},
        {"low": -1, "high": 5, "unit": "troops"},
        {"low": 1, "high": 10**13, "unit": "troops"},
        {"low": 1, "high": 2, "unit": ""},
        {"low": 1, "high": 2},
    ],
)
def test_bad_figures_are_refused(fields: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Figure.model_validate(fields)


def test_figure_high_below_low_message() -> None:
    with pytest.raises(ValidationError, match="high must not be below low"):
        Figure(low=2, high=1, unit="troops")


# -- ClaimDraft -----------------------------------------------------------------------------


def stance(name: str = "Observers", kind: str = "asserts") -> dict[str, Any]:
    return {"actor": {"name": name, "kind": "observer"}, "stance": kind}


@pytest.mark.parametrize("claim_id", ["ab", "kursk-recaptured", "nk-troops-2024", "a1-b2-c3"])
def test_slug_ids_are_accepted(claim_id: str) -> None:
    assert draft(claim_id).id == claim_id


@pytest.mark.parametrize(
    "claim_id",
    ["a", "Kursk", "kursk_recaptured", "-ab", "ab-", "a--b", "a b", "ab!", "é-claim", "x" * 65],
)
def test_non_slug_ids_are_refused(claim_id: str) -> None:
    assert "id" in refused(lambda: draft(claim_id))


def test_topic_must_be_a_slug() -> None:
    assert "topic" in refused(lambda: draft("ab", topic="Kursk Region"))


def test_superseded_needs_superseded_by() -> None:
    with pytest.raises(ValidationError, match="superseded claim needs superseded_by"):
        draft("old-claim", status="superseded")
    ok = draft("old-claim", status="superseded", superseded_by="new-claim")
    assert ok.superseded_by == "new-claim"


@pytest.mark.parametrize("status", ["confirmed", "reported", "disputed", "denied", "false"])
def test_superseded_by_only_for_superseded(status: str) -> None:
    with pytest.raises(ValidationError, match="only for a superseded claim"):
        draft("old-claim", status=status, superseded_by="new-claim")


def test_a_claim_cannot_supersede_itself() -> None:
    with pytest.raises(ValidationError, match="cannot supersede itself"):
        draft("old-claim", status="superseded", superseded_by="old-claim")


def test_superseded_by_must_be_a_slug() -> None:
    assert "superseded_by" in refused(
        lambda: draft("old-claim", status="superseded", superseded_by="New Claim")
    )


def test_stance_limit() -> None:
    assert len(draft("ab", stances=[stance(f"A{i}") for i in range(MAX_STANCES)]).stances) == 8
    assert "stances" in refused(
        lambda: draft("ab", stances=[stance(f"A{i}") for i in range(MAX_STANCES + 1)])
    )


def test_source_limit() -> None:
    sources = [{"outlet": f"Outlet {i}"} for i in range(MAX_SOURCES + 1)]
    assert len(draft("ab", sources=sources[:MAX_SOURCES]).sources) == MAX_SOURCES
    assert "sources" in refused(lambda: draft("ab", sources=sources))


@pytest.mark.parametrize("blank", ["", " ", "\n\t "])
def test_blank_statement_is_refused(blank: str) -> None:
    assert "statement" in refused(lambda: draft("ab", statement=blank))


def test_statement_length_limit() -> None:
    assert len(draft("ab", statement="x" * MAX_STATEMENT).statement) == MAX_STATEMENT
    with pytest.raises(ValidationError, match=rf"statement[\s\S]*at most {MAX_STATEMENT}"):
        draft("ab", statement="x" * (MAX_STATEMENT + 1))


def test_statement_is_trimmed() -> None:
    assert draft("ab", statement="  Troops crossed.\n").statement == "Troops crossed."


def test_unknown_status_and_fields_are_refused() -> None:
    assert "status" in refused(lambda: draft("ab", status="rumoured"))
    assert "statment" in refused(lambda: draft("ab", statment="typo"))


def test_naive_reviewed_at_becomes_utc() -> None:
    d = draft("ab", reviewed_at=dt.datetime(2025, 4, 28, 12, 0))
    assert d.reviewed_at == dt.datetime(2025, 4, 28, 12, 0, tzinfo=dt.UTC)


def test_drafts_are_frozen() -> None:
    d = draft("ab")
    with pytest.raises(ValidationError):
        d.statement = "changed"  # type: ignore[misc]


def test_who_filters_stances_by_kind() -> None:
    d = draft(
        "ab",
        stances=[
            stance("Gerasimov", "asserts"),
            stance("Staff", "denies"),
            stance("AP", "disputes"),
        ],
    )
    assert [s.actor.name for s in d.who("asserts")] == ["Gerasimov"]
    assert [s.actor.name for s in d.who("denies", "disputes")] == ["Staff", "AP"]
    assert d.who("confirms") == []


def test_quote_length_limit() -> None:
    ok = {**stance(), "quote": "q" * 300}
    assert draft("ab", stances=[ok]).stances[0].quote == "q" * 300
    assert "stances.0.quote" in refused(
        lambda: draft("ab", stances=[{**stance(), "quote": "q" * 301}])
    )


# -- Source, Actor, Topic -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["https://apnews.com/article/x", "http://yna.co.kr/view?id=1", "https://a.b"]
)
def test_absolute_urls_are_accepted(url: str) -> None:
    assert Source(outlet="AP", url=url).url == url


@pytest.mark.parametrize(
    "url",
    ["/article/x", "apnews.com/article", "ftp://apnews.com/x", "javascript:alert(1)", "https://"],
)
def test_unusable_urls_are_refused(url: str) -> None:
    with pytest.raises(ValidationError, match="absolute http"):
        Source(outlet="AP", url=url)


def test_blank_names_are_refused() -> None:
    assert "name" in refused(lambda: Actor(name="   ", kind="media"))
    assert "outlet" in refused(lambda: Source(outlet=" "))
    assert "kind" in refused(lambda: Actor(name="AP", kind="press"))  # type: ignore[arg-type]


@pytest.mark.parametrize("command", ["troops", "kursk-status", "a_b", "x" * 32])
def test_topic_commands_are_discord_names(command: str) -> None:
    assert Topic(slug="t", title="T", summary="S", command=command).command == command


@pytest.mark.parametrize("command", ["Kursk", "kursk status", "x" * 33, "", "/troops"])
def test_bad_topic_commands_are_refused(command: str) -> None:
    assert "command" in refused(lambda: Topic(slug="t", title="T", summary="S", command=command))


def test_topic_slug_and_text_are_checked() -> None:
    assert "slug" in refused(lambda: Topic(slug="Troops", title="T", summary="S"))
    assert "summary" in refused(lambda: Topic(slug="troops", title="T", summary="  "))


def test_claim_draft_from_seed_shaped_data() -> None:
    d = ClaimDraft.model_validate(
        {
            "id": "nk-troop-numbers",
            "topic": "troops",
            "statement": "North Korea sent 10,000 to 12,000 soldiers.",
            "status": "reported",
            "event_date": "autumn 2024",
            "figure": {"low": 10000, "high": 12000, "unit": "troops"},
            "stances": [{**stance("U.S. intelligence officials"), "date": "2025-03"}],
            "sources": [{"outlet": "Associated Press", "published": dt.date(2025, 4, 28)}],
            "reviewed_at": dt.date(2025, 4, 28),
        }
    )
    assert d.event_date is not None and d.event_date.text() == "autumn 2024"
    assert d.stances[0].date is not None and d.stances[0].date.precision == "month"
    assert d.reviewed_at == dt.datetime(2025, 4, 28, tzinfo=dt.UTC)
