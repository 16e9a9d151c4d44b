"""Finding what a member named: a claim by id or words, a topic by slug, title or words.

A miss says what is nearest, in the member's language, rather than pointing elsewhere.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from briefing.errors import NotFound
from briefing.i18n import Words
from briefing.model_text import as_code
from briefing.render.cards import clip, escape_markdown

NEAREST_MAX = 5


def nearest(typed: str, names: Sequence[str], limit: int = NEAREST_MAX) -> list[str]:
    """The names most like `typed`: close spellings first, then names containing it."""
    folded = typed.casefold()
    close = difflib.get_close_matches(folded, [n.casefold() for n in names], limit, 0.6)
    by_fold = {n.casefold(): n for n in names}
    found = [by_fold[c] for c in close]
    found += [n for n in names if folded in n.casefold() and n not in found]
    return found[:limit]


def listed(names: Sequence[str]) -> str:
    return ", ".join(f"`{n}`" for n in names)


def claim_miss(typed: str, matches: Sequence[str], near: Sequence[str], w: Words) -> NotFound:
    """No single claim for what was typed: several matched, or none (and which are near)."""
    shown = escape_markdown(clip(typed, 60))
    if len(matches) > 1:
        return NotFound(w("find.many_claims", typed=shown, ids=listed(matches)))
    text = w("find.no_claim", id=as_code(typed))
    hint = w("find.nearest", names=listed(near)) if near else ""
    hint = hint or w("find.try_search", command=w.command("search"))
    return NotFound(f"{text} {hint}")


def topic_miss(typed: str, matches: Sequence[str], slugs: Sequence[str], w: Words) -> NotFound:
    shown = escape_markdown(clip(typed, 60))
    if len(matches) > 1:
        return NotFound(w("find.many_topics", typed=shown, names=listed(matches)))
    near = nearest(typed, slugs)
    text = w("find.no_topic", typed=shown)
    hint = w("find.nearest", names=listed(near)) if near else w("find.topics", names=listed(slugs))
    return NotFound(f"{text} {hint}")
