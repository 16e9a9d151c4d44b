"""The public answers as queries the store can replay.

A paged answer is rebuilt from its `Query` whenever a page button is pressed, so pagination
keeps working after a restart and the bot holds no per-message state. `Query.key()` packs a
query into the few characters a Discord custom id allows.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, cast

from briefing.cards import Card, clip, page_count
from briefing.errors import InvalidInput, NotFound
from briefing.lru import Lru
from briefing.models import Claim, Topic
from briefing.present import (
    LISTING_FIELD_MAX,
    PageOf,
    about_card,
    claim_card,
    claim_field,
    disputed_page,
    search_page,
    timeline_page,
    topic_page,
)
from briefing.store import Store

QueryKind = Literal["topic", "disputed", "search", "timeline"]
_CODES: dict[QueryKind, str] = {"topic": "t", "disputed": "d", "search": "s", "timeline": "l"}
_KINDS: dict[str, QueryKind] = {v: k for k, v in _CODES.items()}

T = TypeVar("T")
SEARCH_MAX = 50  # keeps a search's page-button custom id within Discord's 100 characters


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
            raise InvalidInput("That button belongs to an answer this bot no longer knows.")
        return cls(_KINDS[code], topic or None, text)


# Entries per page: 6 claim fields fit Discord's 6,000 characters at a readable length.
PER_PAGE = 6
TIMELINE_PER_PAGE = 15
# A search lists at most this many claims. Up to it they are ranked by relevance; past it
# they are the newest, since ranking costs ~5 us per match and a reader facing hundreds of
# matches is better served by newer ones and a hint to add words.
SEARCH_LISTED = 100
# How many of the newest claims are read and drawn ahead (within the store's model cache
# and the memo of drawn fields, 1,024 each).
NEWEST_WARMED = 768


@dataclass(frozen=True)
class Page:
    card: Card
    number: int  # 1-based
    pages: int


ClaimsBySeq = Callable[[Sequence[int]], Awaitable[list[Claim]]]


async def page_for(
    store: Store, query: Query, number: int = 1, *, by_seq: ClaimsBySeq | None = None
) -> Page:
    """Render one page of an answer from the store's current state.

    Only that page's claims are read: an answer over thousands of claims costs a count and
    one LIMIT/OFFSET query. A page number past the end (the data shrank) shows the last page.
    `by_seq` reads claims by seq for newest-first searches (default: `store.claims_by_seq`).
    """
    topic = await store.get_topic(query.topic) if query.topic else None
    match query.kind:
        case "topic":
            if topic is None:
                raise InvalidInput("Pick a topic.")
            tally = await store.tally(topic=topic.slug)
            listing = await _listing(
                sum(tally.values()),
                PER_PAGE,
                number,
                lambda limit, offset: store.list_claims(
                    topic=topic.slug, limit=limit, offset=offset
                ),
            )
            card = topic_page(topic, tally, listing)
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
            card = disputed_page(topic, listing)
        case "search":
            text = query.text.strip()
            if len(text) > SEARCH_MAX:
                raise InvalidInput(f"Keep searches to {SEARCH_MAX} characters or fewer.")
            hits = await store.search_hits(text, topic=query.topic, cap=SEARCH_LISTED + 1)
            ranked = len(hits.seqs) <= SEARCH_LISTED
            listing = await _listing(
                min(len(hits.seqs), SEARCH_LISTED),
                PER_PAGE,
                number,
                lambda limit, offset: (
                    store.search_results(hits, limit=limit, offset=offset)
                    if ranked
                    else (by_seq or store.claims_by_seq)(hits.seqs[offset : offset + limit])
                ),
            )
            card = search_page(text, topic, listing, more=not ranked)
        case "timeline":
            listing = await _listing(
                await store.timeline_count(topic=query.topic),
                TIMELINE_PER_PAGE,
                number,
                lambda limit, offset: store.timeline(topic=query.topic, limit=limit, offset=offset),
            )
            card = timeline_page(topic, listing)
    return Page(card, listing.page, listing.pages)


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


_Table = Lru[tuple[str, ...], Any]


class Answers:
    """Every public answer, rendered from the store and reused until the data changes.

    The briefing changes when an editor acts, perhaps a few times a day, while members may
    ask the same thing hundreds of times in a minute: rendered cards are kept in a bounded
    LRU and dropped wholesale whenever `Store.generation()` moves.
    """

    def __init__(self, store: Store, *, size: int = 2048) -> None:
        self.store = store
        self._answers: _Table = Lru(size)
        # Keystrokes get their own, smaller table so typing cannot push out rendered answers.
        self._suggestions: _Table = Lru(size // 4)
        # Claims by seq: a broad search lists the newest matches, much the same claims for
        # most words, so most of a page's claims need no reading at all.
        self._by_seq: Lru[int, Claim] = Lru(size)
        self._warmed: int | None = None  # the generation whose newest claims are drawn
        self._generation: int | None = None

    def __len__(self) -> int:
        return len(self._answers) + len(self._suggestions)

    async def _cached(
        self, key: tuple[str, ...], build: Callable[[], Awaitable[T]], table: _Table | None = None
    ) -> T:
        if table is None:  # not `table or ...`: an empty table is falsy
            table = self._answers
        generation = await self._sync()
        hit = table.get(key)  # answers are never None
        if hit is not None:
            return cast(T, hit)
        value = await build()
        if self._generation == generation:  # not if the data moved on while building
            table.put(key, value)
        return value

    async def _sync(self) -> int:
        """The store's generation, having dropped everything remembered if it moved."""
        generation = await self.store.generation()
        if generation != self._generation:
            self._answers.clear()
            self._suggestions.clear()
            self._by_seq.clear()
            self._generation = generation
        return generation

    async def page(self, query: Query, number: int = 1) -> Page:
        return await self._cached(
            ("page", query.key(), str(number)),
            lambda: page_for(self.store, query, number, by_seq=self._claims_by_seq),
        )

    async def _claims_by_seq(self, seqs: Sequence[int]) -> list[Claim]:
        """`Store.claims_by_seq`, remembered until the data changes (like every answer)."""
        found = {s: c for s in seqs if (c := self._by_seq.get(s)) is not None}
        if missing := [s for s in seqs if s not in found]:
            for seq, claim in (await self.store.claims_at(missing)).items():
                found[seq] = claim
                self._by_seq.put(seq, claim)
        return [found[s] for s in seqs if s in found]

    async def claim(self, typed: str) -> Card:
        """/claim's answer. Words instead of an id work when exactly one claim matches them."""
        typed = typed.strip()

        async def build() -> Card:
            # Drawn when the claim was written: asked by id, a claim is one row to read.
            if kept := await self.store.kept_claim_card(typed.lower()):
                return kept
            claim = await self._find_claim(typed)
            topic = next((t for t in await self.topics() if t.slug == claim.topic), None)
            return claim_card(claim, topic)

        return await self._cached(("claim", typed.lower()), build)

    async def _find_claim(self, typed: str) -> Claim:
        try:
            return await self.store.get_claim(typed.lower())
        except NotFound:
            pass
        try:
            # Only whether exactly one claim matches: two hits at most, not a ranked search
            # (ranking "kursk" would score thousands of matches to learn that).
            matches = (await self.store.search_hits(typed, cap=2)).seqs
        except InvalidInput:
            matches = []
        if len(matches) == 1:
            return (await self.store.claims_by_seq(matches))[0]
        hint = "pick one of the suggestions" if matches else "try `/search`"
        raise NotFound(f"There is no claim with id `{clip(typed, 60)}`; {hint}.")

    async def about(self) -> Card:
        async def build() -> Card:
            latest, oldest = await self.store.freshness()
            counts = await self.store.count_by_status()
            return about_card(await self.store.topic_counts(), counts, latest, oldest)

        return await self._cached(("about",), build)

    async def prewarm(self) -> None:
        """Render the first page of every topic, /disputed and /timeline, and /about.

        These are what members ask most; after a change, the first member to ask would
        otherwise wait for a page of fifteen claims to be read and drawn. A no-op (a few
        cache hits) while nothing has changed.
        """
        queries = [Query("disputed"), Query("timeline")]
        for topic in await self.topics():
            queries += [Query(kind, topic.slug) for kind in ("topic", "disputed", "timeline")]
        for query in queries:
            await self.page(query)
            await asyncio.sleep(0)  # let interactions that arrived meanwhile go first
        await self.about()
        await self._warm_newest()

    async def _warm_newest(self) -> None:
        """Read and draw the newest claims once per change of the data.

        A broad search lists its newest matches, drawn from the newest claims for most
        words; a claim new to the bot costs ~300 us to read and draw while a member waits.
        """
        generation = await self._sync()
        if generation == self._warmed:
            return
        seqs = await self.store.newest_seqs(NEWEST_WARMED)
        for start in range(0, len(seqs), 64):
            for claim in await self._claims_by_seq(seqs[start : start + 64]):
                claim_field(claim, LISTING_FIELD_MAX)
            await asyncio.sleep(0)
        self._warmed = generation

    async def topics(self) -> list[Topic]:
        return await self._cached(("topics",), self.store.list_topics)

    async def suggestions(self, typed: str, limit: int) -> list[tuple[str, str]]:
        return await self._cached(
            ("suggest", typed, str(limit)),
            lambda: self.store.suggest_claims(typed, limit),
            self._suggestions,
        )
