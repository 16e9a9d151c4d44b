"""/claim: one claim in full, attribution first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from briefing.i18n import EN, Words
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
    STANCE_ORDER,
    actor_text,
    day_stamp,
    figure_text,
    source_text,
    status_word,
    timestamp,
    when,
)

FIELD_NAME_ROOM = 32  # the longest stance field name, in any language


def _stance_fields(claim: Claim, detail: int, w: Words) -> list[CardField]:
    """One field per kind of stance. Lower `detail` drops per-stance sources, then quotes."""
    fields = []
    for kind in STANCE_ORDER:
        lines = []
        for s in claim.who(kind):
            dated = f" · {when(s.date, w=w)}" if s.date else ""
            lines.append(f"{actor_text(s)}{dated}")
            if s.quote and detail >= 1:
                quote = s.quote if detail >= 2 else clip(s.quote, 100)
                lines.append(f"> “{escape_markdown(quote)}”")
            if s.source and detail >= 3:
                lines.append(f"{w('listing.source')} {source_text(s.source)}")
        if lines:
            fields.append(
                CardField(w(f"stance_field.{kind}"), clip("\n".join(lines), FIELD_VALUE_MAX))
            )
    return fields


def statement_for(claim: Claim, w: Words) -> tuple[str, str | None]:
    """The claim's statement in the member's language, and the note that goes with it: a
    translation marked machine-assisted, or English shown for want of one."""
    if w.english:
        return claim.statement, None
    text = claim.statement_in(w.locale)
    if text is None:
        return claim.statement, w("translation.fallback", language=w.language())
    note = w("translation.machine", language=w.language()) if text.machine else None
    return text.statement, note


def translation_notes(
    w: Words,
    claims: Sequence[Claim] = (),
    topics: Sequence[Topic] = (),
    *,
    topic_page: bool = False,
) -> list[str]:
    """What a page says, once each, of the text it shows in the member's language: the
    claims and topics shown in English for want of a translation, and the translations
    shown that are machine-assisted."""
    if w.english:
        return []
    claim_texts = [c.statement_in(w.locale) for c in claims]
    topic_texts = [t.text(w.locale) for t in topics]
    notes = []
    if any(t is None for t in claim_texts):
        notes.append(w("translation.fallback_some", language=w.language()))
    if any(t is None for t in topic_texts):
        # A topic's own page shows its summary; /about and /help show titles only.
        key = "translation.topic_fallback" if topic_page else "translation.topics_fallback"
        notes.append(w(key, language=w.language()))
    if any(t is not None and t.machine for t in [*claim_texts, *topic_texts]):
        notes.append(w("translation.machine", language=w.language()))
    return notes


def with_notes(description: str, notes: Sequence[str]) -> str:
    return "\n\n".join([description, *(f"*{n}*" for n in notes)])


def topic_title(topic: Topic, w: Words) -> str:
    text = None if w.english else topic.text(w.locale)
    return text.title if text else topic.title


def claim_card(claim: Claim, topic: Topic | None = None, w: Words = EN) -> Card:
    """One claim in full. Attribution comes first; if the whole would pass Discord's
    6,000-character limit, stance details are shortened so the facts and sources still show."""
    statement, note = statement_for(claim, w)
    lines = [
        f"**{status_word(claim.status, w)}**: {w(f'meaning.{claim.status}')}.",
        "",
        escape_markdown(statement),
    ]
    if note:
        lines += ["", f"*{note}*"]
    facts: list[CardField] = []
    if claim.figure:
        figure = escape_markdown(figure_text(claim.figure, w))
        facts.append(CardField(w("claim.figure"), figure, inline=True))
    if claim.event_date:
        facts.append(
            CardField(w("claim.when"), when(claim.event_date, relative=True, w=w), inline=True)
        )
    if since := claim.disputed_since():
        facts.append(CardField(w("claim.disputed_since"), when(since, w=w), inline=True))
    if claim.sources:
        sources = "\n".join(source_text(s) for s in claim.sources)
        facts.append(CardField(w("claim.sources"), clip(sources, FIELD_VALUE_MAX)))
    if claim.superseded_by:
        facts.append(CardField(w("claim.superseded_by"), f"`{claim.superseded_by}`"))
    if claim.retired_at:
        retired = w("claim.retired_note", date=timestamp(claim.retired_at, "D"))
        facts.append(CardField(w("claim.retired"), retired))
    # A change made here is a moment; a claim unchanged since it was loaded from a file
    # changed on the day of its newest source, before it was stored.
    changed = claim.changed_at
    here = changed >= claim.created_at
    shown = _moment(changed) if here else day_stamp(changed.date(), relative=True)
    facts.append(CardField(w("claim.last_changed"), shown, inline=True))
    verified = (
        day_stamp(claim.reviewed_at.date(), relative=True)
        if claim.reviewed_at
        else w("claim.never_verified")
    )
    facts.append(CardField(w("claim.last_verified"), verified, inline=True))
    topic_name = topic_title(topic, w) if topic else claim.topic
    base = Card(
        title=clip(f"{BADGE[claim.status]} {claim.id}", 256),
        description="\n".join(lines),
        fields=tuple(facts),
        footer=w("claim.footer", topic=topic_name, version=claim.version),
        url=next((s.url for s in claim.sources if s.url), None),
        color=COLOR[claim.status],
    )
    room = EMBED_TOTAL_MAX - base.size()
    for detail in (3, 2, 1, 0):
        stances = _stance_fields(claim, detail, w)
        if sum(len(f.name) + len(f.value) for f in stances) <= room:
            break
    else:
        share = room // max(len(stances), 1) - FIELD_NAME_ROOM
        stances = [CardField(f.name, clip(f.value, share)) for f in stances]
    return replace(base, fields=(*stances, *facts))


def _moment(moment: dt.datetime) -> str:
    """A day and how long ago: each reader's client writes both in their own language."""
    return f"{timestamp(moment, 'f')} ({timestamp(moment, 'R')})"
