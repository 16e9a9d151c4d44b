"""Listings: a topic's briefing, /disputed, /search and /timeline, one page at a time.

In a listing each claim is one embed field: its statement, who says what and when, then
figure, date and source. A page's header repeats on every page (`Layout`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from briefing.i18n import EN, Words
from briefing.models import Claim, StanceKind, Status, Topic
from briefing.render.cards import FIELD_VALUE_MAX, Card, CardField, Layout, clip, escape_markdown
from briefing.render.claim import statement_for, topic_title, translation_notes, with_notes
from briefing.render.words import (
    BADGE,
    figure_text,
    ordered_stances,
    source_text,
    stance_line,
    status_word,
    timestamp,
    when,
)

# A claim's field in a listing: its statement, every stance and the source line fit in this
# for all but the longest claims. One size for every page, so that a field drawn for one
# page serves every other page that lists the claim.
LISTING_FIELD_MAX = 800
STATEMENT_FLOOR = 160  # a statement is shortened no further than this to make room

# Draws a claim as a listing field: (claim, limit, with_since, words). `claim_field` by
# default; the answer cache passes one that remembers what it drew.
FieldDrawer = Callable[[Claim, int, bool, Words], CardField]


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


def _closing_lines(
    claim: Claim, limit: int, w: Words, *, linked: bool, with_since: bool
) -> list[str]:
    """Figure, when, source, when it last changed and (for /disputed) since when it has
    been disputed: the lines a claim ends with."""
    lines = []
    if claim.figure:
        lines.append(f"**{w('listing.figure')}** {escape_markdown(figure_text(claim.figure, w))}")
    facts = []
    if claim.event_date:
        facts.append(f"**{w('listing.when')}** {when(claim.event_date, w=w)}")
    if claim.sources:
        source_line = source_text(claim.sources[0], with_title=False, linked=linked)
        facts.append(f"**{w('listing.source')}** {source_line}")
    if claim.superseded_by:
        facts.append(f"**{w('listing.see')}** `{claim.superseded_by}`")
    facts.append(f"**{w('listing.changed')}** {timestamp(claim.changed_at, 'd')}")
    cap = min(400, limit // 2)
    if linked and len(" · ".join(facts)) > cap:
        # A link cut short would show as broken markdown: show the outlet plainly instead.
        return _closing_lines(claim, limit, w, linked=False, with_since=with_since)
    lines.append(clip(" · ".join(facts), cap))
    if with_since and (since := claim.disputed_since()):
        lines.append(f"**{w('listing.disputed_since')}** {when(since, w=w)}")
    return lines


def claim_field(
    claim: Claim, limit: int = FIELD_VALUE_MAX, with_since: bool = False, w: Words = EN
) -> CardField:
    """A claim as one embed field: statement, then who says what and when, then sources.

    When everything does not fit in a field, the least important stances give way (with a
    pointer to /claim), then the statement is shortened; the source line always stays.
    """
    ordered = ordered_stances(claim)
    voices = [stance_line(s, w) for s in ordered]
    # The closing lines with the source linked, and (only when room is short) plain, since
    # a clipped link would show as broken markdown.
    tails = [_closing_lines(claim, limit, w, linked=True, with_since=with_since)]
    plain_too = bool(claim.sources and claim.sources[0].url)
    statement = escape_markdown(statement_for(claim, w)[0])
    priority = _by_priority(claim)
    body = ""
    for keep in range(len(ordered), -1, -1):
        lines = [voices[i] for i in sorted(priority[:keep])]
        if keep < len(ordered):
            more = w.command("claim", id=claim.id)
            lines.append(f"*{w('listing.more', n=len(ordered) - keep, command=more)}*")
        # The voices for and against are worth a shortened statement; others are not.
        need = len(statement) if keep > 2 else min(len(statement), STATEMENT_FLOOR)
        fits = False
        for n in range(2 if plain_too else 1):
            if n == len(tails):
                tails.append(_closing_lines(claim, limit, w, linked=False, with_since=with_since))
            body = "\n".join([*lines, *tails[n]])
            fits = need + 1 + len(body) <= limit
            if fits:
                break
        if fits or keep == 0:
            break
    room = limit - len(body) - 1
    return CardField(
        name=f"{status_word(claim.status, w)} · {claim.id}",
        value=f"{clip(statement, room)}\n{body}",
    )


@dataclass(frozen=True)
class PageOf:
    """One page of a listing: its claims, where it stands, and how many match in all."""

    claims: Sequence[Claim]
    page: int = 1
    pages: int = 1
    total: int = 0


def _fields_page(
    layout: Layout,
    listing: PageOf,
    draw: FieldDrawer,
    w: Words,
    *,
    with_since: bool = False,
    marked: Sequence[str] = (),
    matches: Mapping[str, str] | None = None,
) -> Card:
    # At most LISTING_FIELD_MAX, even where a page has room for more: the room left by a
    # header varies with its text (a search's words, a topic's summary).
    room = min(layout.field_room(len(listing.claims)), LISTING_FIELD_MAX)
    entries = []
    for claim in listing.claims:
        match = (matches or {}).get(claim.id, "")
        # Drawn for the whole room first: the same for every search, so the drawer's memo
        # serves it. Only a field too long to take its match line is drawn again, shorter.
        field = draw(claim, room, with_since, w)
        if match and len(field.value) + 1 + len(match) > room:
            field = draw(claim, room - len(match) - 1, with_since, w)
        if match:
            field = CardField(field.name, f"{field.value}\n{match}", field.inline)
        if claim.id in marked:
            field = CardField(f"📌 {field.name}", field.value, field.inline)
        entries.append(field)
    return layout.fields_page(entries, listing.page, listing.pages)


def topic_page(
    topic: Topic,
    tally: dict[Status, int],
    listing: PageOf,
    draw: FieldDrawer = claim_field,
    w: Words = EN,
) -> Card:
    counts = ", ".join(
        w("topic.count", status=w(f"status_lower.{s}"), n=w.number(n))
        for s, n in tally.items()
        if n
    )
    local = None if w.english else topic.text(w.locale)
    summary = local.summary if local else topic.summary
    notes = [w("topic.order")]
    notes += [f"*{n}*" for n in translation_notes(w, listing.claims, [topic], topic_page=True)]
    header = Card(
        title=w("topic.title", title=topic_title(topic, w)),
        description="\n\n".join(
            [escape_markdown(summary), "\n".join(notes), counts or w("topic.no_claims")]
        ),
    )
    footer = w("topic.footer", command=w.command("claim", id="<id>"), slug=topic.slug)
    return _fields_page(Layout(header, footer, w), listing, draw, w, marked=topic.key_claims)


def _scoped(key: str, topic: Topic | None, w: Words) -> str:
    return w(f"{key}_in", topic=topic_title(topic, w)) if topic else w(key)


def disputed_page(
    topic: Topic | None, listing: PageOf, draw: FieldDrawer = claim_field, w: Words = EN
) -> Card:
    title = _scoped("disputed.title", topic, w)
    if not listing.claims:
        return Card(title=title, description=w("disputed.none"))
    count = w("disputed.count", n=w.number(listing.total))
    header = Card(title=title, description=with_notes(count, translation_notes(w, listing.claims)))
    return _fields_page(Layout(header, w=w), listing, draw, w, with_since=True)


def search_page(
    query: str,
    topic: Topic | None,
    listing: PageOf,
    *,
    more: bool = False,
    draw: FieldDrawer = claim_field,
    w: Words = EN,
    hints: Sequence[str] = (),
    matches: Mapping[str, str] | None = None,
) -> Card:
    """One page of search results; `more` when the listing holds only the newest matches.
    `hints` say what of the query was not searched as typed; `matches` show, per claim id,
    the words that matched and where."""
    title = _scoped("search.title", topic, w)
    shown = escape_markdown(clip(query, 100))
    said = [f"*{h}*" for h in hints]
    if not listing.claims:
        # "Try fewer words" would mislead when the hints say what went wrong.
        none = w("search.nothing" if hints else "search.none", query=shown)
        return Card(title=title, description="\n".join([none, *said]))
    if more:
        found = w("search.more", n=w.number(listing.total), query=shown)
    else:
        found = w("search.found", n=w.number(listing.total), query=shown)
    description = "\n".join([found, *said])
    header = Card(
        title=title, description=with_notes(description, translation_notes(w, listing.claims))
    )
    return _fields_page(Layout(header, w=w), listing, draw, w, matches=matches)


# How a claim placed by a stance reads, by the kind of stance that placed it.
_PLACED_BY: dict[StanceKind, str] = {"disputes": "disputed", "denies": "denied"}


def timeline_date(claim: Claim, w: Words = EN) -> str | None:
    """Where a timeline line puts the claim, in words: "**<date>**" for an event date,
    "**said on <date>**" for a claim placed by its first dated stance; a vague date is marked
    "~". None when nothing about the claim is dated."""
    placed = claim.placed_at()
    if placed is None:
        return None
    date, said = placed
    shown = f"~{when(date, w=w)}" if date.approximate else when(date, w=w)
    stance = claim.placed_by()
    if not said or stance is None:
        return f"**{shown}**"
    verb = _PLACED_BY.get(stance.stance, "said")
    on = "on" if date.precision == "day" else "in"
    return f"**{w(f'timeline.{verb}_{on}', date=shown)}**"


def timeline_page(topic: Topic | None, listing: PageOf, w: Words = EN) -> Card:
    title = _scoped("timeline.title", topic, w)
    if not listing.claims:
        return Card(title=title, description=w("timeline.none"))
    intro = with_notes(w("timeline.intro"), translation_notes(w, listing.claims))
    header = Card(title=title, description=intro)
    room = Layout(header, w=w).line_room(len(listing.claims))
    lines = []
    for c in listing.claims:
        if (placed := timeline_date(c, w)) is None:
            continue  # the store lists only placed claims; a stray one is left out
        # Only the statement gives way: the date, status and id always show.
        prefix = f"{placed} {BADGE[c.status]} "
        suffix = " " + w("timeline.line", status=w(f"status_lower.{c.status}"), id=c.id)
        statement = statement_for(c, w)[0]
        statement = clip(escape_markdown(statement), room - len(prefix) - len(suffix))
        lines.append(prefix + statement + suffix)
    return Layout(header, w=w).lines_page(lines, listing.page, listing.pages)
