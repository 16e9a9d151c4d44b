"""/about: what the briefing covers, how fresh it is, how corrections work."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from briefing.models import StatusCount, Topic
from briefing.render.cards import Card, CardField, escape_markdown
from briefing.render.words import MEANING, status_word, timestamp

CORRECTIONS_NOTE = (
    "Spotted a mistake or a newer source? Open the claim with `/claim` and press "
    "**Suggest a correction**: the editors review every suggestion and tell you by DM what "
    "they decided. Every change is recorded with who made it and why, and can be reverted."
)


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
