"""The integrity rules every claim meets: each refusal names the claim, the field and the rule.

One test per rule, each with a draft that breaks that rule and nothing else, and the same draft
mended to show the rule is not over-eager. Then the real seed, and the order of vague dates.
"""

from __future__ import annotations

from typing import Any

import pytest

from briefing.errors import InvalidInput
from briefing.integrity import (
    Breach,
    check_briefing,
    check_claim,
    claim_breaches,
    successor_breach,
)
from briefing.models import ClaimDraft, EventDate
from briefing.seed import read_seed

from .conftest import SEED_PATH

AP: dict[str, Any] = {"outlet": "Associated Press", "published": "2025-04-28"}


def draft(claim_id: str, **fields: Any) -> ClaimDraft:
    """A claim with exactly the fields given (no stances or sources unless given)."""
    data: dict[str, Any] = {
        "id": claim_id,
        "topic": "alpha",
        "statement": f"Statement of {claim_id}.",
        "status": "reported",
    }
    return ClaimDraft.model_validate(data | fields)


def voice(kind: str, name: str = "Observers", date: str | None = None, **more: Any) -> Any:
    """A stance by a named actor."""
    return {"actor": {"name": name, "kind": "observer"}, "stance": kind, "date": date, **more}


ASSERTS = voice("asserts", "Valery Gerasimov", "2025-04-26")
CONFIRMS = voice("confirms", "North Korea's Central Military Commission", "2025-04-28")
DISPUTES = voice("disputes", "Kyiv's allies")
DENIES = voice("denies", "Ukraine's General Staff", "2025-04")
DECLINES = voice("declines_to_say", "Pyongyang")


def the_breach(claim: ClaimDraft, field: str, *words: str) -> Breach:
    """The one rule `claim` breaks, named with its claim and field; `check_claim` refuses it
    with the same breach, as the domain error every layer turns into a message."""
    found = claim_breaches(claim)
    assert [(b.claim_id, b.field) for b in found] == [(claim.id, field)], [str(b) for b in found]
    (breach,) = found
    for word in words:
        assert word in breach.rule, breach.rule
    assert f"`{claim.id}`" in str(breach) and f"`{field}`" in str(breach)
    with pytest.raises(InvalidInput) as refused:
        check_claim(claim)
    assert isinstance(refused.value, Breach)
    assert (refused.value.claim_id, refused.value.field, refused.value.rule) == (
        breach.claim_id,
        breach.field,
        breach.rule,
    )
    return breach


def sound(claim: ClaimDraft) -> None:
    assert claim_breaches(claim) == [], [str(b) for b in claim_breaches(claim)]
    check_claim(claim)


# -- status agrees with stances ------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "stances", "words"),
    [
        ("disputed", [ASSERTS], ("disputed", "disputes or denies")),
        ("disputed", [DENIES], ("disputed", "asserts")),
        ("disputed", [ASSERTS, DECLINES], ("disputed",)),
        ("confirmed", [ASSERTS], ("confirmed", "confirms")),
        ("confirmed", [ASSERTS, ASSERTS], ("confirmed", "confirms")),
        ("reported", [], ("reported", "asserted")),
        ("reported", [DECLINES], ("reported", "asserted")),
        ("reported", [ASSERTS, CONFIRMS], ("reported", "confirmed")),
        ("reported", [CONFIRMS], ("reported", "confirmed")),
        ("denied", [ASSERTS], ("denied", "denies")),
        ("denied", [ASSERTS, DISPUTES], ("denied", "denies")),
        ("denied", [DENIES, CONFIRMS], ("denied", "no party that confirms")),
        ("false", [ASSERTS], ("false", "disputes or denies")),
        ("false", [], ("false",)),
    ],
)
def test_a_status_the_stances_do_not_bear_out_is_refused(
    status: str, stances: list[Any], words: tuple[str, ...]
) -> None:
    claim = draft("kursk-recaptured", status=status, stances=stances)
    breach = the_breach(claim, "status", f"`{status}`", *words)
    assert breach.rule.startswith(f"status `{status}`")


@pytest.mark.parametrize(
    ("status", "stances"),
    [
        ("disputed", [ASSERTS, DENIES]),
        ("disputed", [CONFIRMS, DISPUTES]),
        ("confirmed", [CONFIRMS]),
        ("confirmed", [ASSERTS, CONFIRMS, DISPUTES]),
        ("reported", [ASSERTS]),
        ("reported", [ASSERTS, DECLINES]),
        ("denied", [DENIES]),
        ("denied", [ASSERTS, DENIES]),
        ("false", [ASSERTS, DISPUTES]),
        ("false", [DENIES]),
    ],
)
def test_a_status_the_stances_bear_out_passes(status: str, stances: list[Any]) -> None:
    sound(draft("kursk-recaptured", status=status, stances=stances))


# -- successors ----------------------------------------------------------------------------


def superseded(claim_id: str, by: str) -> ClaimDraft:
    return draft(claim_id, status="superseded", superseded_by=by)


def live(claim_id: str, **fields: Any) -> ClaimDraft:
    return draft(claim_id, stances=[ASSERTS], **fields)


def test_a_successor_that_does_not_exist_is_refused() -> None:
    old = superseded("old-claim", "ghost-claim")
    breach = successor_breach(old, {"old-claim": "ghost-claim", "other-claim": None})
    assert breach is not None
    assert (breach.claim_id, breach.field) == ("old-claim", "superseded_by")
    assert "no claim `ghost-claim`" in breach.rule
    with pytest.raises(Breach, match=r"old-claim.*superseded_by.*no claim `ghost-claim`"):
        check_briefing([old, live("other-claim")])


def test_a_claim_cannot_supersede_itself() -> None:
    # The model refuses this too; the rule still holds for a draft built some other way.
    loop = superseded("old-claim", "new-claim").model_copy(update={"superseded_by": "old-claim"})
    breach = successor_breach(loop, {"old-claim": "old-claim"})
    assert breach is not None
    assert (breach.claim_id, breach.field) == ("old-claim", "superseded_by")
    assert "cannot supersede itself" in breach.rule
    with pytest.raises(Breach, match=r"old-claim.*superseded_by.*itself"):
        check_briefing([loop])


def test_a_cycle_of_successors_is_refused() -> None:
    a = superseded("a-claim", "b-claim")
    b = superseded("b-claim", "c-claim")
    c = superseded("c-claim", "a-claim")
    successors = {"a-claim": "b-claim", "b-claim": "c-claim", "c-claim": "a-claim"}
    breach = successor_breach(a, successors)
    assert breach is not None
    assert (breach.claim_id, breach.field) == ("a-claim", "superseded_by")
    assert "cycle" in breach.rule and "`b-claim`" in breach.rule
    with pytest.raises(Breach, match=r"a-claim.*superseded_by.*cycle"):
        check_briefing([a, b, c])
    # Two hops to a live claim are fine.
    chain = [superseded("a-claim", "b-claim"), superseded("b-claim", "c-claim"), live("c-claim")]
    check_briefing(chain)
    assert successor_breach(chain[0], {c.id: c.superseded_by for c in chain}) is None


def test_a_retired_successor_is_refused() -> None:
    old = superseded("old-claim", "new-claim")
    gone = live("new-claim", retired_at="2025-05-01T00:00:00Z")
    breach = successor_breach(
        old, {"old-claim": "new-claim", "new-claim": None}, retired=["new-claim"]
    )
    assert breach is not None
    assert (breach.claim_id, breach.field) == ("old-claim", "superseded_by")
    assert "`new-claim` is retired" in breach.rule
    with pytest.raises(Breach, match=r"old-claim.*superseded_by.*retired"):
        check_briefing([old, gone])
    check_briefing([old, live("new-claim")])


# -- dates ---------------------------------------------------------------------------------


def test_an_event_date_needs_a_source() -> None:
    claim = live("kursk-recaptured", event_date="2025-04-26")
    the_breach(claim, "event_date", "needs a source")
    sound(live("kursk-recaptured", event_date="2025-04-26", sources=[AP]))
    # A source on the stance that gives the date serves as well.
    sound(draft("kursk-recaptured", event_date="2025-04-26", stances=[{**ASSERTS, "source": AP}]))


@pytest.mark.parametrize("event_date", ["2025-04-29", "2025-05", "summer 2025", "2026"])
def test_an_event_date_after_the_last_report_of_it_is_refused(event_date: str) -> None:
    claim = live("monument-built", event_date=event_date, sources=[AP])
    breach = the_breach(claim, "event_date", "after the latest report", "no event date")
    assert EventDate.model_validate(event_date).text() in breach.rule


@pytest.mark.parametrize("event_date", ["2025-04-28", "2025-04", "spring 2025", "2025"])
def test_an_event_date_up_to_the_report_passes(event_date: str) -> None:
    # A period that has begun by the report may hold the event ("earlier this year" = 2025).
    sound(live("extra-troops", event_date=event_date, sources=[AP]))


@pytest.mark.parametrize(
    "statement",
    [
        "Gerasimov says Russian forces have retaken Kursk.",
        "Russia's top general said Ukraine's troops had left Kursk.",
        "According to Seoul, 4,000 soldiers were killed or wounded.",
        "Ukraine denied that its troops had left.",
        "North Korea acknowledged its deployment for the first time.",
    ],
)
def test_a_statement_of_what_someone_said_has_no_event_date(statement: str) -> None:
    dated = live("kursk-recaptured", statement=statement, event_date="2025-04-26", sources=[AP])
    the_breach(dated, "event_date", "worded as what someone said", "said on")
    placed = live("kursk-recaptured", statement=statement, sources=[AP])
    sound(placed)
    # Placed by the first dated stance instead, and known to be only when it was said.
    assert placed.placed_at() == (EventDate.model_validate("2025-04-26"), True)


@pytest.mark.parametrize(
    "statement",
    [
        "North Korea will build a monument to its troops in Pyongyang.",
        "Pyongyang plans to honour its fallen soldiers.",
        "Russia may repay North Korea with weapons technology.",
        "Pyongyang is expected to receive economic aid from Moscow.",
        "Russia could transfer nuclear technology.",
        "Kim Jong Un is likely to visit Moscow.",
    ],
)
def test_a_statement_of_intent_or_prediction_must_say_whose_it_is(statement: str) -> None:
    the_breach(live("kim-plans", statement=statement), "statement", "intent", "says it will")


@pytest.mark.parametrize(
    "statement",
    [
        "Kim Jong Un says North Korea will build a monument to its troops in Pyongyang.",
        "South Korea fears Russia may repay North Korea with weapons technology.",
        "Pyongyang is expected to receive economic aid, the Associated Press reports.",
        "In May 2025 North Korea sent more troops.",  # a month, not a "may"
        "North Korea sent troops to Russia.",
    ],
)
def test_attributed_intent_and_plain_facts_pass(statement: str) -> None:
    sound(live("kim-plans", statement=statement))


@pytest.mark.parametrize(
    "title",
    [
        "Associated Press",
        "associated press ",
        "“North Korea confirms it sent troops”",
        '"North Korea confirms it sent troops"',
        "'North Korea confirms it sent troops'",
        "https://apnews.com/article/example",
    ],
)
def test_a_title_is_the_sources_own_headline(title: str) -> None:
    source = {**AP, "title": title}
    the_breach(live("nk-troops", sources=[source]), "sources.0.title", "headline")
    # The same rule for a source cited on a stance, named by where it is.
    stance = {**ASSERTS, "source": source}
    claim = draft("nk-troops", stances=[DECLINES, stance], sources=[AP])
    the_breach(claim, "stances.1.source.title", "headline")


@pytest.mark.parametrize(
    "title",
    [
        None,
        "North Korea confirms it sent troops to Russia",
        "“Heroes”: Kim honours troops killed in Kursk",  # starts with a quoted word: a headline
    ],
)
def test_a_real_headline_or_none_passes(title: str | None) -> None:
    sound(live("nk-troops", sources=[{**AP, "title": title}]))


def test_every_breach_of_a_claim_is_listed_and_the_first_is_raised() -> None:
    claim = draft(
        "kim-plans",
        statement="Kim says North Korea will build a monument.",
        status="confirmed",
        stances=[ASSERTS],
        event_date="2025-04-28",
        sources=[{**AP, "title": "Associated Press"}],
    )
    fields = [b.field for b in claim_breaches(claim)]
    assert fields == ["status", "event_date", "sources.0.title"]
    with pytest.raises(Breach) as refused:
        check_claim(claim)
    assert refused.value.field == "status"


# -- the real seed -------------------------------------------------------------------------


def test_the_seed_meets_every_rule() -> None:
    claims = read_seed(SEED_PATH).claims
    assert claims
    for claim in claims:
        assert claim_breaches(claim) == [], [str(b) for b in claim_breaches(claim)]
    check_briefing(claims)
    # Every claim a source dates only by when it was said is placed by that, not dropped.
    for claim in claims:
        if claim.event_date is None and any(s.date for s in claim.stances):
            placed = claim.placed_at()
            assert placed is not None and placed[1] is True


# -- ordering dates of any precision -------------------------------------------------------


def key(text: str) -> str:
    return EventDate.model_validate(text).sort_key()


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        ("2024-06", "2024"),  # "June 2024" before "2024"
        ("2024-12-31", "2024"),  # a year sorts after every day it contains
        ("2024-01-01", "2024"),
        ("autumn 2024", "2024"),
        ("2024-10-05", "autumn 2024"),
        ("2024-11-30", "autumn 2024"),  # the same last day: the more precise first
        ("2024-11", "autumn 2024"),
        ("autumn 2024", "2024-12-01"),
        ("2024", "2025-01-01"),
        ("winter 2025", "2025-03-01"),
        ("2025-02-28", "winter 2025"),
        ("2025-04-26", "2025-04"),
        ("2025-04", "2025-05-01"),
    ],
)
def test_a_vague_date_never_sorts_before_a_precise_date_it_contains(
    earlier: str, later: str
) -> None:
    assert key(earlier) < key(later)


def test_dates_sort_by_the_end_of_their_period() -> None:
    dates = ["2024", "2024-12-31", "autumn 2024", "2024-10-05", "2024-06", "2024-06-12"]
    ordered = sorted(dates, key=key)
    assert ordered == ["2024-06-12", "2024-06", "2024-10-05", "autumn 2024", "2024-12-31", "2024"]
    ends = {d: EventDate.model_validate(d).end().isoformat() for d in dates}
    assert ends["2024"] == "2024-12-31" and ends["autumn 2024"] == "2024-11-30"
    assert EventDate.model_validate("winter 2024").end().isoformat() == "2024-02-29"


@pytest.mark.parametrize(
    ("text", "approximate"),
    [("2025-04-28", False), ("2025-04", True), ("autumn 2024", True), ("2024", True)],
)
def test_dates_coarser_than_a_day_are_approximate(text: str, approximate: bool) -> None:
    assert EventDate.model_validate(text).approximate is approximate


def test_a_claim_is_placed_by_its_event_date_else_its_first_dated_stance() -> None:
    stances = [DENIES, ASSERTS, DECLINES]  # April 2025, then 26 April 2025, then undated
    said = draft("kursk-recaptured", status="disputed", stances=stances)
    assert said.placed_at() == (EventDate.model_validate("2025-04-26"), True)
    assert said.timeline_key() == key("2025-04-26")
    happened = draft("kursk-recaptured", status="disputed", stances=stances, event_date="2024")
    assert happened.placed_at() == (EventDate.model_validate("2024"), False)
    assert draft("undated-claim", stances=[DECLINES]).placed_at() is None
