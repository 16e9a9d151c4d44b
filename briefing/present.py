"""What members read: claims and topics rendered as cards, attribution first.

Every claim shows its status as a word (plus a badge), who asserts and who disputes it, and
when. Full dates become Discord timestamps, which each reader sees in their own time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from briefing.cards import Card, CardField, clip, escape_markdown, paginate_fields, paginate_lines
from briefing.models import (
    STATUSES,
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
    # Noon UTC keeps the same calendar day for readers from UTC-11 to UTC+11.
    noon = dt.datetime.combine(date.value, dt.time(12), tzinfo=dt.UTC)
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


def source_text(source: Source, *, with_title: bool = True) -> str:
    """The outlet (a link when there is a URL), title and publication date."""
    outlet = escape_markdown(source.outlet)
    label = f"[{outlet}]({source.url})" if source.url else outlet
    parts = [label]
    if source.title and with_title:
        parts.append(f"“{escape_markdown(source.title)}”")
    if source.published:
        parts.append(when(EventDate(value=source.published)))
    return ", ".join(parts)


def _ordered_stances(claim: Claim) -> list[Stance]:
    return sorted(claim.stances, key=lambda s: _STANCE_ORDER.index(s.stance))


def disputed_since(claim: Claim) -> EventDate | None:
    """The earliest dated denial or dispute: how long the claim has been contested."""
    dates = [s.date for s in claim.who("disputes", "denies") if s.date]
    return min(dates, key=lambda d: d.value) if dates else None


def claim_field(claim: Claim) -> CardField:
    """A claim as one embed field: statement, then who says what and when, then sources."""
    lines = [escape_markdown(claim.statement)]
    lines += [stance_line(s) for s in _ordered_stances(claim)]
    if claim.figure:
        lines.append(f"**Figure:** {escape_markdown(claim.figure.text())}")
    facts = []
    if claim.event_date:
        facts.append(f"**When:** {when(claim.event_date)}")
    if claim.sources:
        facts.append(f"**Source:** {source_text(claim.sources[0], with_title=False)}")
    if claim.superseded_by:
        facts.append(f"**See:** `{claim.superseded_by}`")
    if facts:
        lines.append(" · ".join(facts))
    return CardField(name=f"{status_word(claim.status)} · {claim.id}", value="\n".join(lines))


def topic_pages(topic: Topic, claims: Sequence[Claim]) -> list[Card]:
    counts = _count(claims)
    tally = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    header = Card(
        title=f"Briefing: {topic.title}",
        description=f"{escape_markdown(topic.summary)}\n\n{tally or 'No claims yet.'}",
    )
    footer = f"/claim id:<id> for details · topic: {topic.slug}"
    return paginate_fields(header, [claim_field(c) for c in claims], per_page=6, footer=footer)


def claim_card(claim: Claim, topic: Topic | None = None) -> Card:
    description = [
        f"**{status_word(claim.status)}**: {MEANING[claim.status]}.",
        "",
        escape_markdown(claim.statement),
    ]
    fields: list[CardField] = []
    for kind in _STANCE_ORDER:
        stances = claim.who(kind)
        if not stances:
            continue
        lines = []
        for s in stances:
            dated = f" · {when(s.date)}" if s.date else ""
            lines.append(f"{actor_text(s)}{dated}")
            if s.quote:
                lines.append(f"> “{escape_markdown(s.quote)}”")
            if s.source:
                lines.append(f"Source: {source_text(s.source)}")
        fields.append(CardField(VERB[kind].removesuffix(":").removesuffix(" by"), "\n".join(lines)))
    if claim.figure:
        fields.append(CardField("Figure", escape_markdown(claim.figure.text()), inline=True))
    if claim.event_date:
        fields.append(CardField("When", when(claim.event_date, relative=True), inline=True))
    if since := disputed_since(claim):
        fields.append(CardField("Disputed since", when(since), inline=True))
    if claim.sources:
        fields.append(CardField("Sources", "\n".join(source_text(s) for s in claim.sources)))
    if claim.superseded_by:
        fields.append(CardField("Superseded by", f"`{claim.superseded_by}`"))
    if claim.reviewed_at:
        fields.append(CardField("Last verified", timestamp(claim.reviewed_at, "R"), inline=True))
    topic_name = topic.title if topic else claim.topic
    first_url = next((s.url for s in claim.sources if s.url), None)
    return Card(
        title=clip(f"{BADGE[claim.status]} {claim.id}", 256),
        description="\n".join(description),
        fields=tuple(fields),
        footer=f"Topic: {topic_name} · version {claim.version} · updated "
        f"{claim.updated_at:%Y-%m-%d}",
        url=first_url,
        color=COLOR[claim.status],
    )


def disputed_pages(claims: Sequence[Claim], topic: Topic | None) -> list[Card]:
    scope = f" in {topic.title}" if topic else ""
    if not claims:
        return [Card(title=f"Disputed claims{scope}", description="Nothing is disputed right now.")]
    entries = []
    for c in claims:
        field = claim_field(c)
        since = disputed_since(c)
        if since:
            field = CardField(field.name, f"{field.value}\n**Disputed since** {when(since)}")
        entries.append(field)
    header = Card(
        title=f"Disputed claims{scope}",
        description=f"{len(claims)} claim(s) that a named party contests.",
    )
    return paginate_fields(header, entries, per_page=6)


def search_pages(query: str, claims: Sequence[Claim], topic: Topic | None) -> list[Card]:
    scope = f" in {topic.title}" if topic else ""
    shown = escape_markdown(clip(query, 100))
    if not claims:
        return [
            Card(
                title=f"Search{scope}",
                description=f"No claims match “{shown}”. Try fewer or shorter words.",
            )
        ]
    header = Card(title=f"Search{scope}", description=f"{len(claims)} claim(s) match “{shown}”.")
    return paginate_fields(header, [claim_field(c) for c in claims], per_page=6)


def timeline_pages(claims: Sequence[Claim], topic: Topic | None) -> list[Card]:
    scope = f": {topic.title}" if topic else ""
    if not claims:
        return [Card(title=f"Timeline{scope}", description="No dated claims yet.")]
    lines = [
        f"**{when(c.event_date)}** {BADGE[c.status]} {escape_markdown(c.statement)} "
        f"({c.status}, `{c.id}`)"
        for c in claims
        if c.event_date
    ]
    header = Card(title=f"Timeline{scope}", description="What happened, in order.")
    return paginate_lines(header, lines)


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


def _count(claims: Sequence[Claim]) -> dict[Status, int]:
    counts: dict[Status, int] = dict.fromkeys(STATUSES, 0)
    for c in claims:
        counts[c.status] += 1
    return counts


def autocomplete_label(claim_id: str, statement: str) -> str:
    """An autocomplete choice name (≤ 100 characters): the id, then the statement."""
    return clip(f"{claim_id} — {statement}", 100)
