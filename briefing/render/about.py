"""/about: what the briefing covers, how fresh it is, how corrections work."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from briefing.i18n import EN, Words
from briefing.models import StatusCount, Topic
from briefing.render.cards import Card, CardField, escape_markdown
from briefing.render.claim import topic_title, translation_notes, with_notes
from briefing.render.words import status_word, timestamp


def about_card(
    topics: Sequence[tuple[Topic, int]],
    counts: Sequence[StatusCount],
    latest_change: dt.datetime | None,
    oldest_review: dt.datetime | None,
    w: Words = EN,
) -> Card:
    total = sum(c.count for c in counts)
    coverage = "\n".join(
        f"**{escape_markdown(topic_title(t, w))}** ({w.number(n)}) · `{shortcut(t, w)}`"
        for t, n in topics
    )
    by_status = "\n".join(
        f"{status_word(c.status, w)}: {w.number(c.count)} — {w(f'meaning.{c.status}')}"
        for c in counts
    )
    fresh = []
    if latest_change:
        fresh.append(w("about.last_change", when=timestamp(latest_change, "R")))
    if oldest_review:
        fresh.append(w("about.oldest_review", when=timestamp(oldest_review, "D")))
    note = w("about.corrections_note", command=w.command("claim"), button=w("suggest.button"))
    return Card(
        title=w("about.title"),
        description=with_notes(
            w("about.description", n=w.number(total)),
            translation_notes(w, topics=[t for t, _ in topics]),
        ),
        fields=(
            CardField(w("about.coverage"), coverage or w("about.no_topics")),
            CardField(w("about.by_status"), by_status),
            CardField(w("about.freshness"), ", ".join(fresh) or w("about.nothing_yet")),
            CardField(w("about.corrections"), note),
        ),
        color=0x37474F,
    )


def shortcut(topic: Topic, w: Words) -> str:
    """How a member asks for a topic: its own command, or /brief with it."""
    local = None if w.english else topic.text(w.locale)
    if topic.command:
        return f"/{local.command if local and local.command else topic.command}"
    return w.command("brief", topic=topic.slug)
