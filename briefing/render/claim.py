"""/claim: one claim in full, attribution first."""

from __future__ import annotations

from dataclasses import replace

from briefing.models import Claim, Topic
from briefing.render.cards import (
    EMBED_TOTAL_MAX,
    FIELD_VALUE_MAX,
    Card,
    CardField,
    clip,
    escape_markdown,
)
from briefing.render.words import (
    BADGE,
    COLOR,
    MEANING,
    STANCE_ORDER,
    VERB,
    actor_text,
    source_text,
    status_word,
    timestamp,
    when,
)

FIELD_NAME_ROOM = 16  # the longest stance field name ("Declined to say")


def _stance_fields(claim: Claim, detail: int) -> list[CardField]:
    """One field per kind of stance. Lower `detail` drops per-stance sources, then quotes."""
    fields = []
    for kind in STANCE_ORDER:
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
    if since := claim.disputed_since():
        facts.append(CardField("Disputed since", when(since), inline=True))
    if claim.sources:
        sources = "\n".join(source_text(s) for s in claim.sources)
        facts.append(CardField("Sources", clip(sources, FIELD_VALUE_MAX)))
    if claim.superseded_by:
        facts.append(CardField("Superseded by", f"`{claim.superseded_by}`"))
    if claim.retired_at:
        facts.append(
            CardField(
                "Retired",
                f"{timestamp(claim.retired_at, 'D')}: no longer part of the briefing; kept for "
                "the record.",
            )
        )
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
