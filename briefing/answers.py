"""The one cache of answers: everything remembered lives here, and all of it is forgotten
when the data version moves.

The briefing changes when an editor acts, perhaps a few times a day, while members may ask
the same thing hundreds of times in a minute. So answers are kept rendered and finished in
the form they are sent (for the bot: an embed with its page buttons), and searches reuse the
claims and listing fields they have drawn, in bounded LRU tables. `Store.data_version()`
moves only when claims or topics change, by this process or any other; then every table is
cleared at once. That is the only rule, and nothing is remembered anywhere else. What is
kept, and what was tried and is not, follows the benchmark (bench/README.md).

The warm-up renders what members ask most before anyone asks: at start-up, and again soon
after each change (`keep_warm`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, Protocol, TypeVar, cast, overload

from briefing.errors import InvalidInput, NotFound
from briefing.finding import claim_miss, nearest, topic_miss
from briefing.i18n import EN, ENGLISH, Locale, Words, words
from briefing.lru import Lru
from briefing.models import Claim, Topic
from briefing.queries import Page, Query, page_for
from briefing.render.about import about_card
from briefing.render.cards import Card, CardField
from briefing.render.claim import claim_card
from briefing.render.help import help_card
from briefing.render.listings import LISTING_FIELD_MAX, claim_field
from briefing.render.words import autocomplete_label
from briefing.store import Store

log = logging.getLogger(__name__)

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
R = TypeVar("R")
C = TypeVar("C")
R_co = TypeVar("R_co", covariant=True)
C_co = TypeVar("C_co", covariant=True)

# /claim answers are rendered ahead for this many claims, newest first, so that asking for a
# claim by id is a lookup (each answer is a few KB).
CLAIMS_WARMED = 16_384
# Of those, the newest are also kept as models with their listing fields drawn: a broad search
# lists its newest matches, and those come from the newest claims for most words.
NEWEST_WARMED = 768
# Claims read and drawn between two chances for the loop to answer someone else.
WARM_BATCH = 8
# Claims named when what was typed for /claim matches more than one.
MATCHES_NAMED = 6


def _names(topic: Topic) -> list[str]:
    """Every name a member may know a topic by, in any language."""
    names = [topic.slug, topic.title, topic.command or ""]
    for text in topic.translations.values():
        names += [text.title, text.command or ""]
    return [n for n in names if n]


@dataclass(frozen=True)
class Paging:
    """Where a page stands in its answer, and the query that replays it."""

    key: str
    number: int
    pages: int


Suggestion = tuple[str, str]  # (value, label) for autocomplete


class Finisher(Protocol[R_co, C_co]):
    """Turns rendered answers into what is sent. The bot's finisher makes embeds, page
    buttons and autocomplete choices; the core itself never knows what those are."""

    def answer(self, card: Card, paging: Paging | None, w: Words) -> R_co: ...

    def claim(self, card: Card, claim_id: str, w: Words) -> R_co:
        """One claim's answer (the bot adds its "Suggest a correction" button)."""
        ...

    def choices(self, suggestions: list[Suggestion]) -> C_co: ...


class AsCards:
    """Answers as the cards themselves, and suggestions as (value, label) pairs."""

    def answer(self, card: Card, paging: Paging | None, w: Words) -> Card:
        return card

    def claim(self, card: Card, claim_id: str, w: Words) -> Card:
        return card

    def choices(self, suggestions: list[Suggestion]) -> list[Suggestion]:
        return suggestions


class AnswerCache(Generic[R, C]):
    """Every public answer, rendered from the store and reused until the data changes."""

    @overload
    def __init__(
        self: AnswerCache[Card, list[Suggestion]],
        store: Store,
        *,
        size: int = ...,
    ) -> None: ...

    @overload
    def __init__(self, store: Store, finish: Finisher[R, C], *, size: int = ...) -> None: ...

    def __init__(
        self,
        store: Store,
        finish: Finisher[Any, Any] | None = None,
        *,
        size: int = CLAIMS_WARMED + 2048,
    ) -> None:
        self.store = store
        self._finish: Finisher[Any, Any] = finish or AsCards()
        self._answers: Lru[tuple[str, ...], Any] = Lru(size)
        # Claims by creation number, and their listing fields as drawn: a broad search lists
        # the newest matches, much the same claims for most words.
        self._claims: Lru[int, Claim] = Lru(2048)
        self._fields: Lru[tuple[str, int, bool, str], CardField] = Lru(2048)
        self._warmed: int | None = None  # the data version whose claims are warmed
        self._version: int | None = None

    def __len__(self) -> int:
        return len(self._answers)

    async def _sync(self) -> int:
        """The store's data version, having forgotten everything if it moved."""
        version = await self.store.data_version()
        if version != self._version:
            for table in (self._answers, self._claims, self._fields):
                table.clear()
            self._version = version
        return version

    async def _cached(self, key: tuple[str, ...], build: Callable[[int], Awaitable[T]]) -> T:
        """The answer under `key`, built (from the data of `version`) if it is not kept."""
        version = await self._sync()
        hit = self._answers.get(key)  # answers are never None
        if hit is not None:
            return cast(T, hit)
        value = await build(version)
        self._keep(self._answers, key, value, version)
        return value

    def _keep(self, table: Lru[K, V], key: K, value: V, version: int) -> None:
        """Remember what was built from the data of `version`, unless the data has moved on
        since (and the tables were cleared meanwhile): it would outlive the clearing."""
        if self._version == version:
            table.put(key, value)

    # -- answers ----------------------------------------------------------------------------

    async def page(self, query: Query, number: int = 1, locale: Locale = ENGLISH) -> Page[R]:
        w = words(locale)
        query = await self._topic_named(query, w)

        async def build(version: int) -> Page[R]:
            page = await page_for(
                self.store,
                query,
                number,
                by_seq=lambda seqs: self._claims_by_seq(seqs, version),
                draw=lambda claim, limit, since, w: self._field(claim, limit, since, w, version),
                w=w,
            )
            paging = Paging(query.key(), page.number, page.pages)
            sent = self._finish.answer(page.card, paging, w)
            return Page(page.card, page.number, page.pages, sent)

        return await self._cached(("page", query.key(), str(number), locale), build)

    async def claim(self, typed: str, locale: Locale = ENGLISH) -> R:
        """/claim's answer. Words instead of an id work when exactly one claim matches them."""
        typed = typed.strip()
        w = words(locale)

        async def build(version: int) -> R:
            claim = await self._find_claim(typed, version, w)
            key = ("claim", claim.id, locale)
            if typed.lower() != claim.id and (kept := self._answers.get(key)):
                return cast(R, kept)
            topic = next((t for t in await self.topics() if t.slug == claim.topic), None)
            return self._claim_answer(claim, topic, w)

        return await self._cached(("claim", typed.lower(), locale), build)

    def _claim_answer(self, claim: Claim, topic: Topic | None, w: Words = EN) -> R:
        return cast(R, self._finish.claim(claim_card(claim, topic, w), claim.id, w))

    async def about(self, locale: Locale = ENGLISH) -> R:
        w = words(locale)

        async def build(version: int) -> R:
            latest, oldest = await self.store.freshness()
            counts = await self.store.count_by_status()
            card = about_card(await self.store.topic_counts(), counts, latest, oldest, w)
            return cast(R, self._finish.answer(card, None, w))

        return await self._cached(("about", locale), build)

    async def help(self, locale: Locale = ENGLISH) -> R:
        w = words(locale)

        async def build(version: int) -> R:
            return cast(R, self._finish.answer(help_card(await self.topics(), w), None, w))

        return await self._cached(("help", locale), build)

    async def _topic_named(self, query: Query, w: Words) -> Query:
        """The query with its topic as a slug, when the member typed a title, a command or
        words of one; a miss names the nearest topics."""
        if query.topic is None:
            return query
        topics = await self.topics()
        if any(t.slug == query.topic for t in topics):
            return query
        typed = query.topic.casefold()
        exact = [t for t in topics if typed in {n.casefold() for n in _names(t)}]
        fits = exact or [
            t
            for t in topics
            if all(part in " ".join(_names(t)).casefold() for part in typed.split())
        ]
        if len(fits) == 1:
            return replace(query, topic=fits[0].slug)
        raise topic_miss(query.topic, [t.slug for t in fits], [t.slug for t in topics], w)

    async def topics(self) -> list[Topic]:
        return await self._cached(("topics",), lambda version: self.store.list_topics())

    async def suggestions(self, typed: str, limit: int) -> C:
        """Autocomplete choices, from the store at every keystroke: remembering them made no
        difference the benchmark could see (bench/README.md)."""
        found = await self.store.suggest_claims(typed, limit)
        return cast(C, self._finish.choices([(i, autocomplete_label(i, s)) for i, s in found]))

    async def _find_claim(self, typed: str, version: int, w: Words) -> Claim:
        try:
            return await self.store.get_claim(typed.lower())
        except NotFound:
            pass
        try:
            # Only whether exactly one claim matches, and a few to name if more do: not a
            # ranked search (ranking "kursk" would score thousands of matches to learn that).
            matches = (await self.store.search_hits(typed, cap=MATCHES_NAMED)).seqs
        except InvalidInput:
            matches = []
        if len(matches) == 1:
            return (await self._claims_by_seq(matches, version))[0]
        named = [c.id for c in await self._claims_by_seq(matches, version)]
        near = [] if named else nearest(typed.lower(), await self.store.live_ids())
        raise claim_miss(typed, named, near, w)

    # -- what listings are made of ------------------------------------------------------------

    async def _claims_by_seq(self, seqs: Sequence[int], version: int) -> list[Claim]:
        """Claims by creation number, read once per data version."""
        found = {s: c for s in seqs if (c := self._claims.get(s)) is not None}
        if missing := [s for s in seqs if s not in found]:
            for seq, claim in (await self.store.claims_at(missing)).items():
                found[seq] = claim
                self._keep(self._claims, seq, claim, version)
        return [found[s] for s in seqs if s in found]

    def _field(
        self, claim: Claim, limit: int, with_since: bool, w: Words, version: int
    ) -> CardField:
        """A claim's listing field, drawn once per data version."""
        key = (claim.id, limit, with_since, w.locale)
        field = self._fields.get(key)
        if field is None:
            field = claim_field(claim, limit, with_since, w)
            self._keep(self._fields, key, field, version)
        return field

    # -- warm-up ------------------------------------------------------------------------------

    async def prewarm(self) -> None:
        """Render the first page of every topic, /disputed and /timeline, /about, and every
        claim's /claim answer.

        These are what members ask most; after a change, the first member to ask would
        otherwise wait for them to be read and drawn. A few cache hits while nothing has
        changed.
        """
        queries = [Query("disputed"), Query("timeline")]
        for topic in await self.topics():
            queries += [Query(kind, topic.slug) for kind in ("topic", "disputed", "timeline")]
        for query in queries:
            await self.page(query)
            await asyncio.sleep(0)  # let interactions that arrived meanwhile go first
        await self.about()
        await self.help()
        await self._warm_claims()

    async def _warm_claims(self) -> None:
        """Render every claim's /claim answer, newest first, once per data version; keep the
        newest as models with their listing fields drawn."""
        version = await self._sync()
        if version == self._warmed:
            return
        topics = {t.slug: t for t in await self.topics()}
        seqs = await self.store.newest_seqs(CLAIMS_WARMED)
        for start in range(0, len(seqs), WARM_BATCH):
            claims = await self.store.claims_at(seqs[start : start + WARM_BATCH])
            if self._version != version:
                return  # the data moved on (and all this was forgotten): the next round
            for seq, claim in claims.items():
                if start < NEWEST_WARMED:
                    self._claims.put(seq, claim)
                    self._field(claim, LISTING_FIELD_MAX, False, EN, version)
                if ("claim", claim.id, ENGLISH) not in self._answers:
                    answer = self._claim_answer(claim, topics.get(claim.topic))
                    self._answers.put(("claim", claim.id, ENGLISH), answer)
            await asyncio.sleep(0)  # let interactions that arrived meanwhile go first
        self._warmed = version

    async def keep_warm(self, every: float) -> None:
        """Warm up every `every` seconds, for ever: soon after a change, by an editor here or
        another process, the common answers are ready again before anyone asks."""
        while True:
            try:
                await self.prewarm()
            except Exception:  # the loop must outlive a bad moment; questions still work
                log.exception("could not prepare the common answers ahead of time")
            await asyncio.sleep(every)
