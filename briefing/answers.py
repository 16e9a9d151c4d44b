"""The public answers as queries the store can replay.

A paged answer is rebuilt from its `Query` whenever a page button is pressed, so pagination
keeps working after a restart and the bot holds no per-message state. `Query.key()` packs a
query into the few characters a Discord custom id allows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from briefing.cards import Card
from briefing.errors import InvalidInput
from briefing.present import disputed_pages, search_pages, timeline_pages, topic_pages
from briefing.store import Store

QueryKind = Literal["topic", "disputed", "search", "timeline"]
_CODES: dict[QueryKind, str] = {"topic": "t", "disputed": "d", "search": "s", "timeline": "l"}
_KINDS: dict[str, QueryKind] = {v: k for k, v in _CODES.items()}

SEARCH_MAX = 50  # keeps a search's page-button custom id within Discord's 100 characters


@dataclass(frozen=True)
class Query:
    kind: QueryKind
    topic: str | None = None
    text: str = ""

    def key(self) -> str:
        return f"{_CODES[self.kind]}:{self.topic or ''}:{self.text}"

    @classmethod
    def from_key(cls, key: str) -> Query:
        code, _, rest = key.partition(":")
        topic, _, text = rest.partition(":")
        if code not in _KINDS:
            raise InvalidInput("That button belongs to an answer this bot no longer knows.")
        return cls(_KINDS[code], topic or None, text)


async def pages_for(store: Store, query: Query) -> list[Card]:
    """Render every page of an answer from the store's current state."""
    topic = await store.get_topic(query.topic) if query.topic else None
    match query.kind:
        case "topic":
            if topic is None:
                raise InvalidInput("Pick a topic.")
            return topic_pages(topic, await store.list_claims(topic=topic.slug))
        case "disputed":
            claims = await store.list_claims(topic=query.topic, statuses=["disputed"])
            return disputed_pages(claims, topic)
        case "search":
            text = query.text.strip()
            if len(text) > SEARCH_MAX:
                raise InvalidInput(f"Keep searches to {SEARCH_MAX} characters or fewer.")
            return search_pages(text, await store.search(text, topic=query.topic), topic)
        case "timeline":
            return timeline_pages(await store.timeline(topic=query.topic), topic)
