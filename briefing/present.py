"""What members read: claims and topics rendered as cards, attribution first.

Every claim shows its status as a word (plus a badge), who asserts and who disputes it, and
when. Full dates become Discord timestamps, which each reader sees in their own time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from briefing.cards import (
    EMBED_TOTAL_MAX,
    FIELD_VALUE_MAX,
    Card,
    CardField,
    Layout,
    clip,
    escape_markdown,
)
from briefing.lru import ByIdentity
from briefing.models import (
    Claim,
    EventDate,
    Source,
    Stance,
    StanceKind,
    Status,
    StatusCount,
    Topic,
)

BADGE: dict[Status, str] = {
    "confirmed": "✅",
    "reported": "📰",
    "disputed": "⚖️",
    "denied": "⛔",
    "false": "❌",
    "superseded": "↪️",
}
MEANING: dict[Status, str] = {
    "confirmed": "acknowledged by the party concerned or independently corroborated",
    "reported": "asserted by a named source, not independently confirmed",
    "disputed": "a named party contests it",
    "denied": "denied by the party concerned, not corroborated",
    "false": "shown to be false",
    "superseded": "replaced by a newer claim",
}
COLOR: dict[Status, int] = {
    "confirmed": 0x2E7D32,
    "reported": 0x1565C0,
    "disputed": 0xEF6C00,
    "denied": 0xC62828,
    "false": 0x6A1B9A,
    "superseded": 0x757575,
}
VERB: dict[StanceKind, str] = {
    "asserts": "Asserted by",
    "confirms": "Confirmed by",
    "denies": "Denied by",
    "disputes": "Disputed by",
    "declines_to_say": "Declined to say:",
}
# Claim listings answer "who says so" first, then "who says otherwise".
_STANCE_ORDER: tuple[StanceKind, ...] = (
    "asserts",
    "confirms",
    "disputes",
    "denies",
    "declines_to_say",
)
# A claim's field in a listing: its statement, every stance and the source line fit in this
# for all but the longest claims (the longest of the 10,000 in the benchmark store is 744).
LISTING_FIELD_MAX = 800
STATEMENT_FLOOR = 160  # a statement is shortened no further than this to make room
FIELD_NAME_ROOM = 16  # the longest stance field name ("Declined to say")
CORRECTIONS_NOTE = (
    "Spotted a mistake or a newer source? Tell the moderators of the newsroom server; "
    "every change is recorded with who made it and why, and can be reverted."
)


def status_word(status: Status) -> str:
    return f"{BADGE[status]} {status.upper()}"


def timestamp(moment: dt.datetime, style: str = "D") -> str:
    """A Discord timestamp, rendered in each reader's own time zone and locale."""
    return f"<t:{int(moment.timestamp())}:{style}>"


def when(date: EventDate, *, relative: bool = False) -> str:
    """A full date as a Discord timestamp; a vaguer one in words ("autumn 2024")."""
    if date.precision != "day":
        return date.human()
    return day_stamp(date.value, relative=relative)


def day_stamp(day: dt.date, *, relative: bool = False) -> str:
    """A calendar day as a Discord timestamp (and, with `relative`, how long ago)."""
    # Noon UTC keeps the same calendar day for readers from UTC-11 to UTC+11.
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
    text = timestamp(noon, "D")
    return f"{text} ({timestamp(noon, 'R')})" if relative else text


def actor_text(stance: Stance) -> str:
    actor = stance.actor
    name = escape_markdown(actor.name)
    if actor.country and actor.country.lower() not in actor.name.lower():
        return f"{name} ({escape_markdown(actor.country)})"
    return name


def stance_line(stance: Stance) -> str:
    dated = f" · {when(stance.date)}" if stance.date else ""
    return f"**{VERB[stance.stance]}** {actor_text(stance)}{dated}"


def source_text(source: Source, *, with_title: bool = True, linked: bool = True) -> str:
    """The outlet (a link when there is a URL and `linked`), title and publication date."""
    outlet = escape_markdown(source.outlet)
    label = f"[{outlet}]({source.url})" if source.url and linked else outlet
    parts = [label]
    if source.title and with_title:
        parts.append(f"“{escape_markdown(source.title)}”")
    if source.published:
        parts.append(day_stamp(source.published))  # not via EventDate: no model to validate
    return ", ".join(parts)


def _ordered_stances(claim: Claim) -> list[Stance]:
    return sorted(claim.stances, key=lambda s: _STANCE_ORDER.index(s.stance))


def disputed_since(claim: Claim) -> EventDate | None:
    """The earliest dated denial or dispute: how long the claim has been contested."""
    dates = [s.date for s in claim.who("disputes", "denies") if s.date]
    return min(dates, key=lambda d: d.value) if dates else None


def _by_priority(claim: Claim) -> list[int]:
    """Stance indexes in the order to keep them when space runs out.

    The first voice for and the first voice against come before everyone else, so a trimmed
    answer still says who claims it and who contests it.
    """
    ordered = _ordered_stances(claim)
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
    if with_since and (since := disputed_since(claim)):
        lines.append(f"**Disputed since** {when(since)}")
    return lines


# Drawing a claim's field costs tens of microseconds, and listings show the same claims over
# and over: a broad search lists the newest matches, which are much the same for most words.
# The store hands out one model object per unchanged row, so a field is remembered per object.
FIELD_MEMO_SIZE = 1024
_fields: ByIdentity[Claim, CardField] = ByIdentity(FIELD_MEMO_SIZE)


def claim_field(
    claim: Claim, limit: int = FIELD_VALUE_MAX, *, with_since: bool = False
) -> CardField:
    """A claim as one embed field (see `draw_claim_field`), remembered per claim object."""
    field = _fields.get(claim, (limit, with_since))
    if field is None:
        field = draw_claim_field(claim, limit, with_since=with_since)
        _fields.put(claim, field, (limit, with_since))
    return field


def draw_claim_field(
    claim: Claim, limit: int = FIELD_VALUE_MAX, *, with_since: bool = False
) -> CardField:
    """A claim as one embed field: statement, then who says what and when, then sources.

    When everything does not fit in a field, the least important stances give way (with a
    pointer to /claim), then the statement is shortened; the source line always stays.
    """
    ordered = _ordered_stances(claim)
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


def _fields_page(layout: Layout, listing: PageOf, *, with_since: bool = False) -> Card:
    # At most LISTING_FIELD_MAX, even where a page has room for more: the room left by a
    # header varies with its text (a search's words, a topic's summary), and a field drawn
    # for one room is not reused for another; at one size it is drawn once per claim.
    room = min(layout.field_room(len(listing.claims)), LISTING_FIELD_MAX)
    entries = [claim_field(c, room, with_since=with_since) for c in listing.claims]
    return layout.fields_page(entries, listing.page, listing.pages)


def topic_page(topic: Topic, tally: dict[Status, int], listing: PageOf) -> Card:
    counts = ", ".join(f"{n} {s}" for s, n in tally.items() if n)
    header = Card(
        title=f"Briefing: {topic.title}",
        description=f"{escape_markdown(topic.summary)}\n\n{counts or 'No claims yet.'}",
    )
    footer = f"/claim id:<id> for details · topic: {topic.slug}"
    return _fields_page(Layout(header, footer), listing)


def _stance_fields(claim: Claim, detail: int) -> list[CardField]:
    """One field per kind of stance. Lower `detail` drops per-stance sources, then quotes."""
    fields = []
    for kind in _STANCE_ORDER:
        lines = []
        for s in claim.who(kind):
            dated = f" · {when(s.date)}" if s.date else ""
            lines.append(f"{actor_text(s)}{dated}")
            if s.quote and detail >= 1:
                quote = s.quote if detail >= 2 else clip(s.quote, 100)
                lines.append(f"> “{escape_markdown(quote)}”")
            if s.source and detail >= 3:
                lines.append(f"Source: {source_text(s.source)}")
        if lines:
            name = VERB[kind].removesuffix(":").removesuffix(" by")
            fields.append(CardField(name, clip("\n".join(lines), FIELD_VALUE_MAX)))
    return fields


def claim_card(claim: Claim, topic: Topic | None = None) -> Card:
    """One claim in full. Attribution comes first; if the whole would pass Discord's
    6,000-character limit, stance details are shortened so the facts and sources still show."""
    description = "\n".join(
        [
            f"**{status_word(claim.status)}**: {MEANING[claim.status]}.",
            "",
            escape_markdown(claim.statement),
        ]
    )
    facts: list[CardField] = []
    if claim.figure:
        facts.append(CardField("Figure", escape_markdown(claim.figure.text()), inline=True))
    if claim.event_date:
        facts.append(CardField("When", when(claim.event_date, relative=True), inline=True))
    if since := disputed_since(claim):
        facts.append(CardField("Disputed since", when(since), inline=True))
    if claim.sources:
        sources = "\n".join(source_text(s) for s in claim.sources)
        facts.append(CardField("Sources", clip(sources, FIELD_VALUE_MAX)))
    if claim.superseded_by:
        facts.append(CardField("Superseded by", f"`{claim.superseded_by}`"))
    if claim.reviewed_at:
        facts.append(CardField("Last verified", timestamp(claim.reviewed_at, "R"), inline=True))
    topic_name = topic.title if topic else claim.topic
    base = Card(
        title=clip(f"{BADGE[claim.status]} {claim.id}", 256),
        description=description,
        fields=tuple(facts),
        footer=f"Topic: {topic_name} · version {claim.version} · updated "
        f"{claim.updated_at:%Y-%m-%d}",
        url=next((s.url for s in claim.sources if s.url), None),
        color=COLOR[claim.status],
    )
    room = EMBED_TOTAL_MAX - base.size()
    for detail in (3, 2, 1, 0):
        stances = _stance_fields(claim, detail)
        if sum(len(f.name) + len(f.value) for f in stances) <= room:
            break
    else:
        share = room // max(len(stances), 1) - FIELD_NAME_ROOM
        stances = [CardField(f.name, clip(f.value, share)) for f in stances]
    return replace(base, fields=(*stances, *facts))


def disputed_page(topic: Topic | None, listing: PageOf) -> Card:
    scope = f" in {topic.title}" if topic else ""
    if not listing.claims:
        return Card(title=f"Disputed claims{scope}", description="Nothing is disputed right now.")
    header = Card(
        title=f"Disputed claims{scope}",
        description=f"{listing.total} claim(s) that a named party contests.",
    )
    return _fields_page(Layout(header), listing, with_since=True)


def search_page(query: str, topic: Topic | None, listing: PageOf, *, more: bool = False) -> Card:
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
    return _fields_page(Layout(header), listing)


def timeline_page(topic: Topic | None, listing: PageOf) -> Card:
    scope = f": {topic.title}" if topic else ""
    if not listing.claims:
        return Card(title=f"Timeline{scope}", description="No dated claims yet.")
    header = Card(title=f"Timeline{scope}", description="What happened, in order.")
    room = Layout(header).line_room(len(listing.claims))
    lines = []
    for c in listing.claims:
        if c.event_date is None:
            continue
        # Only the statement gives way: the date, status and id always show.
        prefix = f"**{when(c.event_date)}** {BADGE[c.status]} "
        suffix = f" ({c.status}, `{c.id}`)"
        statement = clip(escape_markdown(c.statement), room - len(prefix) - len(suffix))
        lines.append(prefix + statement + suffix)
    return Layout(header).lines_page(lines, listing.page, listing.pages)


def about_card(
    topics: Sequence[tuple[Topic, int]],
    counts: Sequence[StatusCount],
    latest_change: dt.datetime | None,
    oldest_review: dt.datetime | None,
) -> Card:
    total = sum(c.count for c in counts)
    coverage = "\n".join(
        f"**{escape_markdown(t.title)}** ({n}) · "
        + (f"`/{t.command}`" if t.command else f"`/brief topic:{t.slug}`")
        for t, n in topics
    )
    by_status = "\n".join(
        f"{status_word(c.status)}: {c.count} — {MEANING[c.status]}" for c in counts
    )
    fresh = []
    if latest_change:
        fresh.append(f"Last change {timestamp(latest_change, 'R')}")
    if oldest_review:
        fresh.append(f"oldest re-verification {timestamp(oldest_review, 'D')}")
    return Card(
        title="About Briefing Bot",
        description=(
            "A curated briefing on North Korea's troops in Russia, the Russia–North Korea "
            "treaty and the fight over Kursk. Every answer says who claims what, who disputes "
            f"it, and when. {total} claims are tracked."
        ),
        fields=(
            CardField("Coverage", coverage or "No topics yet."),
            CardField("Claims by status", by_status),
            CardField("Freshness", ", ".join(fresh) or "Nothing recorded yet."),
            CardField("Corrections", CORRECTIONS_NOTE),
        ),
        color=0x37474F,
    )


def autocomplete_label(claim_id: str, statement: str) -> str:
    """An autocomplete choice name (≤ 100 characters): the id, then the statement."""
    return clip(f"{claim_id} — {statement}", 100)
