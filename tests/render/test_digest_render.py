"""How a digest reads, and that any store's digest fits Discord's limits message by message."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.digest import Digest, compose
from briefing.models import Claim, ClaimDraft, Revision, RevisionKind, claim_diff
from briefing.render.cards import EMBED_TOTAL_MAX, Card, fit_card
from briefing.render.digest import (
    CHANGED_TITLE,
    DISPUTED_TITLE,
    LEFT_OUT_TITLE,
    STALE_TITLE,
    digest_messages,
)
from tests.render.strategies import assert_message_fits, claims, long_claim

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
SINCE = dt.datetime(2026, 11, 29, 9, 0, tzinfo=dt.UTC)
TITLES = {"kursk": "The fight for Kursk", "alpha": "Alpha"}
SECTIONS = (DISPUTED_TITLE, CHANGED_TITLE, STALE_TITLE)


def claim(claim_id: str, **fields: Any) -> Claim:
    data = {
        "id": claim_id,
        "topic": "kursk",
        "statement": f"Statement of {claim_id}.",
        "status": "reported",
        "stances": [party("Moscow", "asserts", "2025-01-01")],
        "version": 1,
        "created_at": NOW,
        "updated_at": NOW,
        "changed_at": NOW,
        "reviewed_at": NOW,
    }
    return Claim.model_validate(data | fields)


def party(name: str, stance: str, date: str | None = None) -> dict[str, Any]:
    return {"actor": {"name": name, "kind": "government"}, "stance": stance, "date": date}


def rev(n: int, before: ClaimDraft | None, after: ClaimDraft, kind: RevisionKind) -> Revision:
    return Revision(
        id=n,
        claim_id=after.id,
        version=n,
        editor_id=7,
        editor_name="Secret Editor",
        at=NOW - dt.timedelta(hours=10 - n),
        kind=kind,
        diff=claim_diff(before, after),
    )


def render(digest: Digest, **kw: Any) -> list[list[Card]]:
    messages = digest_messages(digest, title="Briefing digest", topic_titles=TITLES, **kw)
    check_messages(messages)
    return messages


def check_messages(messages: list[list[Card]]) -> None:
    """Every limit of every message, as Discord and the emulator count them."""
    assert messages
    for cards in messages:
        assert 1 <= len(cards) <= 10
        assert sum(c.size() for c in cards) <= EMBED_TOTAL_MAX
        assert all(fit_card(c) == c for c in cards)
        assert_message_fits(cards)


def text(messages: list[list[Card]]) -> str:
    parts = []
    for card in (c for m in messages for c in m):
        parts += [card.title, card.description, card.footer]
        parts += [f"{f.name}\n{f.value}" for f in card.fields]
    return "\n".join(parts)


def fields_of(messages: list[list[Card]], section: str) -> list[tuple[str, str]]:
    return [
        (f.name, f.value)
        for m in messages
        for c in m
        if c.title.startswith(section)
        for f in c.fields
    ]


# -- what each section says ------------------------------------------------------------------


def test_a_disputed_claim_says_who_claims_who_disputes_and_since_when() -> None:
    contested = claim(
        "kursk-recaptured",
        status="disputed",
        stances=[
            party("Moscow", "asserts", "2025-01-01"),
            party("Pyongyang", "confirms"),
            party("Kyiv", "disputes", "2025-03-05"),
            party("Seoul", "denies", "2025-04-01"),
        ],
    )
    undated = claim(
        "c-undated", status="disputed", stances=[party("A", "asserts"), party("B", "disputes")]
    )
    digest = compose([contested, undated], [], {}, [], since=SINCE, now=NOW, topics=())
    messages = render(digest)
    [(name, value), (_, other)] = fields_of(messages, DISPUTED_TITLE)
    assert name == "⚖️ kursk-recaptured · The fight for Kursk"
    lines = value.splitlines()
    assert lines[0] == "Statement of kursk-recaptured."
    assert lines[1] == "**Asserted by** Moscow · **Confirmed by** Pyongyang"
    assert lines[2] == "**Disputed by** Kyiv · **Denied by** Seoul"
    noon = int(dt.datetime(2025, 3, 5, 12, tzinfo=dt.UTC).timestamp())
    assert lines[3] == f"**Disputed since** <t:{noon}:D> (<t:{noon}:R>)"
    assert other.splitlines()[-1] == "**Disputed since:** no date on record"
    assert "⚖️ 2 claims still disputed." in messages[0][0].description


def test_each_change_reads_right_and_collapses_per_claim() -> None:
    base = claim("c-one")
    disputed = base.model_copy(
        update={
            "status": "disputed",
            "stances": (*base.stances, *claim("xx", stances=[party("Kyiv", "disputes")]).stances),
        }
    )
    sourced = disputed.model_copy(
        update={"sources": claim("xx", sources=[{"outlet": "Wire"}]).sources}
    )
    retired = claim("c-two", retired_at=NOW)
    revisions = [
        rev(1, None, claim("c-new"), "create"),
        rev(2, base, base.model_copy(update={"statement": "Statement, corrected."}), "update"),
        rev(3, base, disputed, "stance"),
        rev(4, disputed, sourced, "source"),
        rev(5, claim("c-two"), retired, "retire"),
        rev(6, retired, claim("c-two"), "revert"),
        rev(7, claim("c-two"), claim("c-two", reviewed_at=SINCE), "review"),
    ]
    by_id = {c.id: c for c in (sourced, claim("c-two"), claim("c-new"))}
    digest = compose([], revisions, by_id, [], since=SINCE, now=NOW, topics=())
    messages = render(digest)
    changed = fields_of(messages, CHANGED_TITLE)
    assert [name for name, _ in changed] == [
        "📰 c-two · The fight for Kursk",
        "⚖️ c-one · The fight for Kursk",
        "📰 c-new · The fight for Kursk",
    ]
    two, one, new = (value for _, value in changed)
    assert "reverted to an earlier version, returned to the briefing" in two
    assert "retired from the briefing\n• Retired: <t:" in two
    assert "re-verified" not in two.lower()
    heads = [line.split(" · ", 1)[1] for line in one.splitlines() if line.startswith("<t:")]
    assert heads == ["new source", "status changed, new stance", "edited"]
    assert "• Status: 📰 REPORTED → ⚖️ DISPUTED" in one
    assert "• Stances: ＋ disputed by Kyiv" in one
    assert "• Sources: ＋ Wire" in one
    assert "• Statement: “Statement of c-one.” → “Statement, corrected.”" in one
    assert one.splitlines()[1] == "**Asserted by** Moscow · **Disputed by** Kyiv"
    assert new.splitlines()[-1].endswith("· added to the briefing")
    intro = next(c for m in messages for c in m if c.title == CHANGED_TITLE).description
    assert intro.startswith(f"Since <t:{int(SINCE.timestamp())}:f>: 3 claims changed.")
    assert "Secret Editor" not in text(messages)  # who edited is for /facts history


def test_stale_claims_say_when_they_were_last_verified() -> None:
    old = claim("c-old", reviewed_at=NOW - dt.timedelta(days=40))
    never = claim("c-never", reviewed_at=None, created_at=NOW - dt.timedelta(days=50))
    digest = compose([], [], {}, [old, never, claim("c-fresh")], since=None, now=NOW, topics=())
    stale = fields_of(render(digest), STALE_TITLE)
    assert [name for name, _ in stale] == [
        "📰 c-never · The fight for Kursk",
        "📰 c-old · The fight for Kursk",
    ]
    assert "**Not re-verified since it was added** <t:" in stale[0][1]
    assert "**Last verified** <t:" in stale[1][1]


def test_an_empty_digest_says_so_plainly() -> None:
    digest = compose([], [], {}, [], since=SINCE, now=NOW, topics=("alpha",))
    [[card]] = render(digest)
    assert card.title == "Briefing digest"
    assert card.description.splitlines()[2:] == [
        "⚖️ Nothing is disputed right now.",
        f"📝 Nothing changed since <t:{int(SINCE.timestamp())}:f>.",
        "🕰️ Every claim was re-verified in the last 30 days.",
    ]
    assert card.description.startswith("Topics: Alpha · as of <t:")
    first = compose([], [], {}, [], since=None, now=NOW, topics=())
    assert "📝 Nothing changed recently." in render(first)[0][0].description


def test_stored_text_is_escaped() -> None:
    nasty = claim(
        "c-nasty",
        status="disputed",
        statement="**Bold** @everyone [click](https://evil.example/) `code`",
        stances=[party("__Under__", "asserts"), party("> Quote", "disputes")],
    )
    messages = render(compose([nasty], [], {}, [], since=None, now=NOW, topics=()))
    [(_, value)] = fields_of(messages, DISPUTED_TITLE)
    assert r"\*\*Bold\*\* @everyone \[click\](https://evil.example/) \`code\`" in value
    assert r"\_\_Under\_\_" in value and r"**Disputed by** \> Quote" in value


# -- any store: every limit, nothing lost without a word ------------------------------------

_MORE = re.compile(r"^…and ([\d,]+) more$")
_LEFT = re.compile(r"^\*\*(.+)\*\*: ([\d,]+) more left out$", re.MULTILINE)


def accounted(messages: list[list[Card]], section: str) -> int:
    """Claims a section shows, plus those it says it left out."""
    total = 0
    for name, _ in fields_of(messages, section):
        more = _MORE.match(name)
        total += int(more[1].replace(",", "")) if more else 1
    for card in (c for m in messages for c in m if c.title == LEFT_OUT_TITLE):
        total += sum(
            int(n.replace(",", "")) for t, n in _LEFT.findall(card.description) if t == section
        )
    return total


def many(base: Claim, count: int, **fields: Any) -> list[Claim]:
    """`count` copies with distinct ids (no validation: thousands of them, quickly)."""
    prefix = base.id[:50].rstrip("-")
    return [base.model_copy(update={"id": f"{prefix}-n{i:05d}", **fields}) for i in range(count)]


def heavy_digest(bases: list[Claim], count: int, *, since: dt.datetime | None) -> Digest:
    claims_ = [c for i, b in enumerate(bases) for c in many(b, count, topic=f"t{i % 2}")]
    disputed = [c.model_copy(update={"status": "disputed", "retired_at": None}) for c in claims_]
    stale = [
        c.model_copy(
            update={
                "reviewed_at": NOW - dt.timedelta(days=90),
                "retired_at": None,
                "status": "reported",
            }
        )
        for c in claims_
    ]
    revisions = []
    for i, c in enumerate(claims_):
        bare = c.model_copy(update={"stances": (), "sources": (), "statement": "x", "figure": None})
        revisions.append(rev(i * 3 + 1, None, c, "import"))
        revisions.append(rev(i * 3 + 2, bare, c, "update"))
        revisions.append(rev(i * 3 + 3, c, c.model_copy(update={"retired_at": NOW}), "retire"))
    return compose(
        disputed, revisions, {c.id: c for c in claims_}, stale, since=since, now=NOW, topics=()
    )


def check_accounted(digest: Digest, messages: list[list[Card]]) -> None:
    assert accounted(messages, DISPUTED_TITLE) == len(digest.disputed)
    assert accounted(messages, CHANGED_TITLE) == len(digest.changed)
    assert accounted(messages, STALE_TITLE) == len(digest.stale)


def test_thousands_of_the_longest_claims_fit_and_are_all_accounted_for() -> None:
    digest = heavy_digest([long_claim("long-one"), long_claim("long-two")], 1500, since=SINCE)
    assert len(digest.disputed) == len(digest.changed) == len(digest.stale) == 3000
    messages = render(digest)
    check_accounted(digest, messages)
    assert len(messages) <= 8
    # Each section shows its share and counts the rest; none crowds out another.
    for section in SECTIONS:
        names = [name for name, _ in fields_of(messages, section)]
        assert len(names) > 1 and _MORE.match(names[-1]), (section, names[-1:])
    # Turned down to one message, the digest still fits and still counts what it left out.
    short = render(digest, max_messages=1)
    assert len(short) == 1 and short[0][-1].title == LEFT_OUT_TITLE
    check_accounted(digest, short)


HEAVY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@HEAVY
@given(
    bases=st.lists(claims(biggest=True), min_size=1, max_size=2)
    | st.lists(claims(), min_size=1, max_size=3),
    count=st.sampled_from([0, 1, 3, 16, 40, 700]),
    since=st.none() | st.just(SINCE),
    max_messages=st.integers(1, 10),
    topic_titles=st.dictionaries(st.sampled_from(["t0", "t1"]), st.text(max_size=200)),
)
def test_any_digest_keeps_every_limit_and_counts_what_it_leaves_out(
    bases: list[Claim],
    count: int,
    since: dt.datetime | None,
    max_messages: int,
    topic_titles: dict[str, str],
) -> None:
    digest = heavy_digest(bases, count, since=since)
    messages = digest_messages(
        digest, title="Digest " * 50, topic_titles=topic_titles, max_messages=max_messages
    )
    check_messages(messages)
    assert len(messages) <= max_messages
    check_accounted(digest, messages)
    if digest.is_empty:
        assert len(messages) == 1 and len(messages[0]) == 1
