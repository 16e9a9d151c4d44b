"""The public answers as queries the store can replay, one page at a time.

A paged answer is rebuilt from its `Query` whenever a page button is pressed, so pagination
keeps working after a restart and the bot holds no per-message state. `Query.key()` packs a
query into the few characters a Discord custom id allows.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from briefing.errors import InvalidInput
from briefing.i18n import EN, Words
from briefing.models import Claim
from briefing.render.cards import Card, escape_markdown, page_count
from briefing.render.listings import (
    FieldDrawer,
    PageOf,
    claim_field,
    disputed_page,
    search_page,
    timeline_page,
    topic_page,
)
from briefing.searching import Finder, Match, parse, where_matched
from briefing.store import Store

QueryKind = Literal["topic", "disputed", "search", "timeline"]
_CODES: dict[QueryKind, str] = {"topic": "t", "disputed": "d", "search": "s", "timeline": "l"}
_KINDS: dict[str, QueryKind] = {v: k for k, v in _CODES.items()}

SEARCH_MAX = 50  # keeps a search's page-button custom id within Discord's 100 characters
# Entries per page: 6 claim fields fit Discord's 6,000 characters at a readable length.
PER_PAGE = 6
TIMELINE_PER_PAGE = 15
# A search lists at most this many claims. Up to it they are ranked by relevance; past it
# they are the newest, since ranking scores every match and a reader facing hundreds of
# matches is better served by newer ones and a hint to add words.
SEARCH_LISTED = 100

R = TypeVar("R")


@dataclass(frozen=True)
class Query:
    kind: QueryKind
    topic: str | None = None
    text: str = ""

    @classmethod
    def of(cls, kind: QueryKind, topic: str | None = None, text: str = "") -> Query:
        """A query from what a member typed: topic slugs are lowercase, blank means none."""
        return cls(kind, (topic or "").strip().lower() or None, text.strip())

    def key(self) -> str:
        return f"{_CODES[self.kind]}:{self.topic or ''}:{self.text}"

    @classmethod
    def from_key(cls, key: str) -> Query:
        code, _, rest = key.partition(":")
        topic, _, text = rest.partition(":")
        if code not in _KINDS:
            raise InvalidInput(
                "That button belongs to an answer this bot no longer knows.",
                key="error.stale_button",
            )
        return cls(_KINDS[code], topic or None, text)


@dataclass(frozen=True)
class Page(Generic[R]):
    """One page of an answer: as rendered (`card`), where it stands, and as it is sent
    (`sent`: the card itself, unless the answer cache was given a way to finish it)."""

    card: Card
    number: int  # 1-based
    pages: int
    sent: R


ClaimsBySeq = Callable[[Sequence[int]], Awaitable[list[Claim]]]


async def page_for(
    store: Store,
    query: Query,
    number: int = 1,
    *,
    by_seq: ClaimsBySeq | None = None,
    draw: FieldDrawer = claim_field,
    w: Words = EN,
) -> Page[Card]:
    """Render one page of an answer from the store's current state.

    Only that page's claims are read: an answer over thousands of claims costs a count and
    one page. A page number past the end (the data shrank) shows the last page. `by_seq`
    reads claims by creation number and `draw` draws their fields; the answer cache passes
    ones that remember.
    """
    by_seq = by_seq or store.claims_by_seq
    topic = await store.get_topic(query.topic) if query.topic else None
    words = w
    match query.kind:
        case "topic":
            if topic is None:
                raise InvalidInput("Pick a topic.", key="error.pick_topic")
            tally = await store.tally(topic=topic.slug)
            listing = await _listing(
                sum(tally.values()),
                PER_PAGE,
                number,
                lambda limit, offset: store.topic_claims(topic, limit=limit, offset=offset),
            )
            card = topic_page(topic, tally, listing, draw, words)
        case "disputed":
            total = (await store.tally(topic=query.topic, statuses=["disputed"]))["disputed"]
            listing = await _listing(
                total,
                PER_PAGE,
                number,
                lambda limit, offset: store.list_claims(
                    topic=query.topic, statuses=["disputed"], limit=limit, offset=offset
                ),
            )
            card = disputed_page(topic, listing, draw, words)
        case "search":
            text = query.text.strip()
            if len(text) > SEARCH_MAX:
                raise InvalidInput(
                    f"Keep searches to {SEARCH_MAX} characters or fewer.",
                    key="search.too_long",
                    n=SEARCH_MAX,
                )
            parsed = parse(text)
            hints = [words(h.key, **h.params) for h in parsed.hints]
            hints += await _language_hints(store, parsed.languages, words)
            hits = await store.search_hits(
                text, topic=query.topic, cap=SEARCH_LISTED + 1, rank=True
            )
            listing = await _listing(
                min(len(hits.seqs), SEARCH_LISTED),
                PER_PAGE,
                number,
                lambda limit, offset: by_seq(hits.seqs[offset : offset + limit]),
            )
            finder = Finder.of(parsed.words)
            matches = {
                c.id: line
                for c in listing.claims
                if (line := match_line(c, finder, words)) is not None
            }
            card = search_page(
                text,
                topic,
                listing,
                more=not hits.ranked,
                draw=draw,
                w=words,
                hints=hints,
                matches=matches,
            )
        case "timeline":
            listing = await _listing(
                await store.timeline_count(topic=query.topic),
                TIMELINE_PER_PAGE,
                number,
                lambda limit, offset: store.timeline(topic=query.topic, limit=limit, offset=offset),
            )
            card = timeline_page(topic, listing, words)
    return Page(card, listing.page, listing.pages, card)


async def _language_hints(store: Store, languages: frozenset[str], w: Words) -> list[str]:
    """Words in a script the briefing has no text in: say so, rather than "no match"."""
    if "other" in languages:
        return [w("search.other_script")]
    have = await store.languages() if languages else frozenset()
    hints = []
    for found in sorted(languages):
        wanted = found.split("/")  # Cyrillic alone may be Ukrainian or Russian
        if not have.intersection(wanted):
            names = " / ".join(w.language(lang) for lang in wanted)
            hints.append(w("search.no_language", language=names))
    return hints


def match_line(claim: Claim, finder: Finder, w: Words) -> str | None:
    """🔎 where the claim matched, with the matching words in bold."""
    match = where_matched(claim, finder, w.locale)
    if match is None:
        return None
    params = dict(match.params)
    if "language" in params:
        params["language"] = w.language(params["language"])
    where = w(match.key, **params)
    return w("search.matched", where=escape_markdown(where), text=snippet(match))


SNIPPET_MAX = 120


def snippet(match: Match) -> str:
    """The part of the field around its first match, matched words in bold."""
    text, spans = match.text, match.spans
    start = max(0, spans[0][0] - 30)
    end = min(len(text), start + SNIPPET_MAX)
    parts = ["…" if start else ""]
    at = start
    for a, b in spans:
        if a < at or b > end:
            continue
        parts += [escape_markdown(text[at:a]), f"**{escape_markdown(text[a:b])}**"]
        at = b
    parts.append(escape_markdown(text[at:end]) + ("…" if end < len(text) else ""))
    return "".join(parts).replace("\n", " ")


async def _listing(
    total: int,
    per_page: int,
    number: int,
    fetch: Callable[[int, int], Awaitable[list[Claim]]],
) -> PageOf:
    pages = page_count(total, per_page)
    page = min(max(number, 1), pages)
    offset = (page - 1) * per_page
    # Never past `total`: a capped listing (a broad search) must stop where it said it would.
    claims = await fetch(max(min(per_page, total - offset), 0), offset)
    return PageOf(claims, page, pages, total)
