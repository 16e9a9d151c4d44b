"""Listings: a topic's briefing, /disputed, /search and /timeline, one page at a time.

In a listing each claim is one embed field: its statement, who says what and when, then
figure, date and source. A page's header repeats on every page (`Layout`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from briefing.models import Claim, StanceKind, Status, Topic
from briefing.render.cards import FIELD_VALUE_MAX, Card, CardField, Layout, clip, escape_markdown
from briefing.render.words import (
    BADGE,
    ordered_stances,
    source_text,
    stance_line,
    status_word,
    when,
)

# A claim's field in a listing: its statement, every stance and the source line fit in this
# for all but the longest claims. One size for every page, so that a field drawn for one
# page serves every other page that lists the claim.
LISTING_FIELD_MAX = 800
STATEMENT_FLOOR = 160  # a statement is shortened no further than this to make room

# Draws a claim as a listing field: (claim, limit, with_since). `claim_field` by default; the
# answer cache passes one that remembers what it drew.
FieldDrawer = Callable[[Claim, int, bool], CardField]


def _by_priority(claim: Claim) -> list[int]:
    """Stance indexes in the order to keep them when space runs out.

    The first voice for and the first voice against come before everyone else, so a trimmed
    answer still says who claims it and who contests it.
    """
    ordered = ordered_stances(claim)
    pro = [i for i, s in enumerate(ordered) if s.stance in ("asserts", "confirms")]
    con = [i for i, s in enumerate(ordered) if s.stance in ("disputes", "denies")]
    first = pro[:1] + con[:1]
    return first + [i for i in range(len(ordered)) if i not in first]


def _closing_lines(claim: Claim, limit: int, *, linked: bool, with_since: bool) -> list[str]:
    """Figure, when, source and (for /disputed) since when: the lines a claim ends with."""
    lines = []
    if claim.figure:
        lines.append(f"**Figure:** {escape_markdown(claim.figure.text())}")
    facts = []
    if claim.event_date:
        facts.append(f"**When:** {when(claim.event_date)}")
    if claim.sources:
        source_line = source_text(claim.sources[0], with_title=False, linked=linked)
        facts.append(f"**Source:** {source_line}")
    if claim.superseded_by:
        facts.append(f"**See:** `{claim.superseded_by}`")
    cap = min(400, limit // 2)
    if linked and len(" · ".join(facts)) > cap:
        # A link cut short would show as broken markdown: show the outlet plainly instead.
        return _closing_lines(claim, limit, linked=False, with_since=with_since)
    if facts:
        lines.append(clip(" · ".join(facts), cap))
    if with_since and (since := claim.disputed_since()):
        lines.append(f"**Disputed since** {when(since)}")
    return lines


def claim_field(claim: Claim, limit: int = FIELD_VALUE_MAX, with_since: bool = False) -> CardField:
    """A claim as one embed field: statement, then who says what and when, then sources.

    When everything does not fit in a field, the least important stances give way (with a
    pointer to /claim), then the statement is shortened; the source line always stays.
    """
    ordered = ordered_stances(claim)
    voices = [stance_line(s) for s in ordered]
    # The closing lines with the source linked, and (only when room is short) plain, since
    # a clipped link would show as broken markdown.
    tails = [_closing_lines(claim, limit, linked=True, with_since=with_since)]
    plain_too = bool(claim.sources and claim.sources[0].url)
    statement = escape_markdown(claim.statement)
    priority = _by_priority(claim)
    body = ""
    for keep in range(len(ordered), -1, -1):
        lines = [voices[i] for i in sorted(priority[:keep])]
        if keep < len(ordered):
            lines.append(f"*+{len(ordered) - keep} more: /claim id:{claim.id}*")
        # The voices for and against are worth a shortened statement; others are not.
        need = len(statement) if keep > 2 else min(len(statement), STATEMENT_FLOOR)
        fits = False
        for n in range(2 if plain_too else 1):
            if n == len(tails):
                tails.append(_closing_lines(claim, limit, linked=False, with_since=with_since))
            body = "\n".join([*lines, *tails[n]])
            fits = need + 1 + len(body) <= limit
            if fits:
                break
        if fits or keep == 0:
            break
    room = limit - len(body) - 1
    return CardField(
        name=f"{status_word(claim.status)} · {claim.id}", value=f"{clip(statement, room)}\n{body}"
    )


@dataclass(frozen=True)
class PageOf:
    """One page of a listing: its claims, where it stands, and how many match in all."""

    claims: Sequence[Claim]
    page: int = 1
    pages: int = 1
    total: int = 0


def _fields_page(
    layout: Layout, listing: PageOf, draw: FieldDrawer, *, with_since: bool = False
) -> Card:
    # At most LISTING_FIELD_MAX, even where a page has room for more: the room left by a
    # header varies with its text (a search's words, a topic's summary).
    room = min(layout.field_room(len(listing.claims)), LISTING_FIELD_MAX)
    entries = [draw(c, room, with_since) for c in listing.claims]
    return layout.fields_page(entries, listing.page, listing.pages)


def topic_page(
    topic: Topic, tally: dict[Status, int], listing: PageOf, draw: FieldDrawer = claim_field
) -> Card:
    counts = ", ".join(f"{n} {s}" for s, n in tally.items() if n)
    header = Card(
        title=f"Briefing: {topic.title}",
        description=f"{escape_markdown(topic.summary)}\n\n{counts or 'No claims yet.'}",
    )
    footer = f"/claim id:<id> for details · topic: {topic.slug}"
    return _fields_page(Layout(header, footer), listing, draw)


def disputed_page(topic: Topic | None, listing: PageOf, draw: FieldDrawer = claim_field) -> Card:
    scope = f" in {topic.title}" if topic else ""
    if not listing.claims:
        return Card(title=f"Disputed claims{scope}", description="Nothing is disputed right now.")
    header = Card(
        title=f"Disputed claims{scope}",
        description=f"{listing.total} claim(s) that a named party contests.",
    )
    return _fields_page(Layout(header), listing, draw, with_since=True)


def search_page(
    query: str,
    topic: Topic | None,
    listing: PageOf,
    *,
    more: bool = False,
    draw: FieldDrawer = claim_field,
) -> Card:
    """One page of search results; `more` when the listing holds only the newest matches."""
    scope = f" in {topic.title}" if topic else ""
    shown = escape_markdown(clip(query, 100))
    if not listing.claims:
        return Card(
            title=f"Search{scope}",
            description=f"No claims match “{shown}”. Try fewer or shorter words.",
        )
    if more:
        found = (
            f"More than {listing.total:,} claims match “{shown}”; the newest {listing.total:,} "
            "are listed, newest first. Add words to narrow it down."
        )
    else:
        found = f"{listing.total:,} claim(s) match “{shown}”, best match first."
    header = Card(title=f"Search{scope}", description=found)
    return _fields_page(Layout(header), listing, draw)


# The timeline's header: what its date markers mean.
TIMELINE_INTRO = (
    "What happened, in order. A date marked ~ is a month, season or year: it is placed at the "
    "end of that period. “Said on” (or “disputed on”) marks a claim dated only by when "
    "someone first spoke of it."
)
# How a claim placed by a stance reads, by the kind of stance that placed it.
_PLACED_BY: dict[StanceKind, str] = {"disputes": "disputed", "denies": "denied"}


def timeline_date(claim: Claim) -> str | None:
    """Where a timeline line puts the claim, in words: "**<date>**" for an event date,
    "**said on <date>**" for a claim placed by its first dated stance; a vague date is marked
    "~". None when nothing about the claim is dated."""
    placed = claim.placed_at()
    if placed is None:
        return None
    date, said = placed
    shown = f"~{when(date)}" if date.approximate else when(date)
    stance = claim.placed_by()
    if not said or stance is None:
        return f"**{shown}**"
    verb = _PLACED_BY.get(stance.stance, "said")
    return f"**{verb} {'on' if date.precision == 'day' else 'in'} {shown}**"


def timeline_page(topic: Topic | None, listing: PageOf) -> Card:
    scope = f": {topic.title}" if topic else ""
    if not listing.claims:
        return Card(title=f"Timeline{scope}", description="No dated claims yet.")
    header = Card(title=f"Timeline{scope}", description=TIMELINE_INTRO)
    room = Layout(header).line_room(len(listing.claims))
    lines = []
    for c in listing.claims:
        if (placed := timeline_date(c)) is None:
            continue  # the store lists only placed claims; a stray one is left out
        # Only the statement gives way: the date, status and id always show.
        prefix = f"{placed} {BADGE[c.status]} "
        suffix = f" ({c.status}, `{c.id}`)"
        statement = clip(escape_markdown(c.statement), room - len(prefix) - len(suffix))
        lines.append(prefix + statement + suffix)
    return Layout(header).lines_page(lines, listing.page, listing.pages)
