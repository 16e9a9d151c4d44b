"""/help: the commands, what each status means, how dates and figures read, and how to
suggest a correction, in the member's language."""

from __future__ import annotations

from collections.abc import Sequence

from briefing.i18n import EN, Words
from briefing.models import STATUSES, Topic
from briefing.render.about import shortcut
from briefing.render.cards import Card, CardField, clip, escape_markdown
from briefing.render.claim import topic_title, translation_notes, with_notes
from briefing.render.words import status_word


def help_card(topics: Sequence[Topic], w: Words = EN) -> Card:
    shortcuts = "\n".join(
        f"{shortcut(t, w)} — {escape_markdown(topic_title(t, w))}" for t in topics if t.command
    )
    commands = w(
        "help.commands_text",
        brief=w.command("brief"),
        topics=shortcuts,
        claim=w.command("claim"),
        disputed=w.command("disputed"),
        search=w.command("search"),
        timeline=w.command("timeline"),
        about=w.command("about"),
    ).strip()
    statuses = "\n".join(f"{status_word(s, w)}: {w(f'meaning.{s}')}" for s in STATUSES)
    corrections = w("help.corrections_text", claim=w.command("claim"), button=w("suggest.button"))
    return Card(
        title=w("help.title"),
        description=with_notes(
            w("help.intro"), translation_notes(w, topics=[t for t in topics if t.command])
        ),
        fields=(
            CardField(w("help.commands"), clip(commands, 1024)),
            CardField(w("help.statuses"), statuses),
            CardField(w("help.dates"), w("help.dates_text")),
            CardField(w("help.translations"), w("help.translations_text")),
            CardField(w("help.corrections"), corrections),
        ),
        color=0x37474F,
    )
