"""The words every answer shares: statuses, dates, actors and sources.

Every claim shows its status as a word (plus a badge). Full dates become Discord timestamps,
which each reader sees in their own time zone; vaguer dates are words ("autumn 2024").
"""

from __future__ import annotations

import datetime as dt

from briefing.i18n import EN, Words
from briefing.models import (
    STANCE_KINDS,
    Claim,
    EventDate,
    Figure,
    Source,
    Stance,
    StanceKind,
    Status,
)
from briefing.render.cards import clip, escape_markdown

BADGE: dict[Status, str] = {
    "confirmed": "✅",
    "reported": "📰",
    "disputed": "⚖️",
    "denied": "⛔",
    "false": "❌",
    "superseded": "↪️",
}
COLOR: dict[Status, int] = {
    "confirmed": 0x2E7D32,
    "reported": 0x1565C0,
    "disputed": 0xEF6C00,
    "denied": 0xC62828,
    "false": 0x6A1B9A,
    "superseded": 0x757575,
}
# English, for what only editors and digest channels read.
VERB: dict[StanceKind, str] = {k: EN(f"stance.{k}") for k in STANCE_KINDS}
# Claims answer "who says so" first, then "who says otherwise".
STANCE_ORDER: tuple[StanceKind, ...] = (
    "asserts",
    "confirms",
    "disputes",
    "denies",
    "declines_to_say",
)


def status_word(status: Status, w: Words = EN) -> str:
    return f"{BADGE[status]} {w(f'status.{status}')}"


def timestamp(moment: dt.datetime, style: str = "D") -> str:
    """A Discord timestamp, rendered in each reader's own time zone and locale."""
    return f"<t:{int(moment.timestamp())}:{style}>"


def when(date: EventDate, *, relative: bool = False, w: Words = EN) -> str:
    """A full date as a Discord timestamp (which each reader's client writes in their own
    language); a vaguer one in words ("autumn 2024")."""
    if date.precision != "day":
        return w.vague_date(date)
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


def stance_line(stance: Stance, w: Words = EN) -> str:
    dated = f" · {when(stance.date, w=w)}" if stance.date else ""
    return f"**{w(f'stance.{stance.stance}')}** {actor_text(stance)}{dated}"


def figure_text(figure: Figure, w: Words = EN) -> str:
    """An estimate as the language writes numbers; its unit is curated text, as written."""
    if figure.low == figure.high:
        return w("number.about", number=w.number(figure.low), unit=figure.unit)
    return w("number.range", low=w.number(figure.low), high=w.number(figure.high), unit=figure.unit)


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


def ordered_stances(claim: Claim) -> list[Stance]:
    return sorted(claim.stances, key=lambda s: STANCE_ORDER.index(s.stance))


def autocomplete_label(claim_id: str, statement: str) -> str:
    """An autocomplete choice name (≤ 100 characters): the id, then the statement."""
    return clip(f"{claim_id} — {statement}", 100)
