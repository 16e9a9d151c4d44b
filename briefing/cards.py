"""Discord-neutral message cards, and the one place that makes them fit Discord's limits.

Cogs turn a `Card` into a `discord.Embed`; because every card passes through `fit_card` and
`paginate`, no answer can exceed an embed, field or message limit whatever the store holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

# Discord's documented limits (message resource docs); see DESIGN.md §7.
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
AUTHOR_MAX = 256
EMBED_TOTAL_MAX = 6000
EMBEDS_PER_MESSAGE = 10
CONTENT_MAX = 2000
URL_MAX = 2048

ELLIPSIS = "…"


@dataclass(frozen=True)
class CardField:
    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True)
class Card:
    title: str = ""
    description: str = ""
    fields: tuple[CardField, ...] = ()
    footer: str = ""
    url: str | None = None
    color: int | None = None

    def size(self) -> int:
        """Characters counted toward Discord's 6,000 per-message total."""
        return (
            len(self.title)
            + len(self.description)
            + len(self.footer)
            + sum(len(f.name) + len(f.value) for f in self.fields)
        )


def clip(text: str, limit: int) -> str:
    """Cut to `limit` characters, ending in an ellipsis when something was dropped."""
    if len(text) <= limit:
        return text
    if limit <= 0:
        return ""
    return text[: max(0, limit - 1)].rstrip() + ELLIPSIS


def is_web_url(url: str) -> bool:
    """An absolute http(s) URL with a host: what Discord accepts in an embed."""
    if not re.fullmatch(r"https?://\S+", url):
        return False
    try:
        return bool(urlsplit(url).hostname)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False


def _usable_url(url: str | None) -> str | None:
    return url if url and len(url) <= URL_MAX and is_web_url(url) else None


def _filled(text: str, limit: int) -> str:
    """Discord refuses empty (or whitespace-only) field names and values."""
    return clip(text, limit).strip() or "\u200b"


def fit_card(card: Card) -> Card:
    """Clip every part to its limit; drop fields past 25 and an unusable URL."""
    fields = tuple(
        CardField(
            _filled(f.name, FIELD_NAME_MAX),
            _filled(f.value, FIELD_VALUE_MAX),
            f.inline,
        )
        for f in card.fields[:FIELDS_MAX]
    )
    fitted = replace(
        card,
        title=clip(card.title, TITLE_MAX),
        description=clip(card.description, DESCRIPTION_MAX),
        footer=clip(card.footer, FOOTER_MAX),
        url=_usable_url(card.url),
        fields=fields,
    )
    while fitted.size() > EMBED_TOTAL_MAX and fitted.fields:
        fitted = replace(fitted, fields=fitted.fields[:-1])
    if fitted.size() > EMBED_TOTAL_MAX:
        room = EMBED_TOTAL_MAX - (fitted.size() - len(fitted.description))
        fitted = replace(fitted, description=clip(fitted.description, max(room, 0)))
    return fitted


# Room for the "Page i/n · " prefix of a footer.
_PAGE_NOTE_ROOM = 24


@dataclass
class _PageBuilder:
    header: Card
    fields: list[CardField] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def size(self) -> int:
        return (
            len(self.header.title)
            + len(self.header.description)
            + sum(len(f.name) + len(f.value) for f in self.fields)
            + sum(len(line) + 1 for line in self.lines)
        )


def paginate_fields(
    header: Card, entries: list[CardField], *, per_page: int = 8, footer: str = ""
) -> list[Card]:
    """Spread `entries` over as many cards as needed; each card repeats the header.

    A page holds at most `per_page` fields and never breaks the 6,000-character total.
    """
    head = fit_card(replace(header, description=clip(header.description, 1500), fields=()))
    footer = clip(footer, 1000)
    room = EMBED_TOTAL_MAX - len(footer) - _PAGE_NOTE_ROOM
    fitted = [fit_card(Card(fields=(e,))).fields[0] for e in entries]
    pages: list[_PageBuilder] = [_PageBuilder(head)]
    for entry in fitted:
        page = pages[-1]
        too_big = page.size() + len(entry.name) + len(entry.value) > room
        if page.fields and (len(page.fields) >= min(per_page, FIELDS_MAX) or too_big):
            pages.append(_PageBuilder(head))
        pages[-1].fields.append(entry)
    return _finish([replace(head, fields=tuple(p.fields)) for p in pages], footer)


def paginate_lines(header: Card, lines: list[str], *, footer: str = "") -> list[Card]:
    """Spread one-line entries over the description of as many cards as needed."""
    head = fit_card(replace(header, description=clip(header.description, 1000), fields=()))
    footer = clip(footer, 1000)
    intro = head.description + "\n\n" if head.description else ""
    room = EMBED_TOTAL_MAX - len(footer) - _PAGE_NOTE_ROOM - len(head.title)
    budget = min(DESCRIPTION_MAX, room) - len(intro)
    chunks: list[list[str]] = [[]]
    used = 0
    for raw in lines:
        line = clip(raw, min(budget, 1000))
        if chunks[-1] and used + len(line) + 1 > budget:
            chunks.append([])
            used = 0
        chunks[-1].append(line)
        used += len(line) + 1
    return _finish(
        [replace(head, description=intro + "\n".join(chunk)) for chunk in chunks], footer
    )


def _finish(cards: list[Card], footer: str) -> list[Card]:
    total = len(cards)
    out = []
    for i, card in enumerate(cards, start=1):
        page_note = f"Page {i}/{total}" if total > 1 else ""
        text = " · ".join(p for p in (page_note, footer) if p)
        out.append(fit_card(replace(card, footer=text)))
    return out


_INLINE_MARKUP = re.compile(r"([\\*_~`|\[\]])")
_LINE_MARKUP = re.compile(r"^(\s*)([#>-])", re.MULTILINE)


def escape_markdown(text: str) -> str:
    """Show stored text literally: curators' text must not turn into formatting or links."""
    return _LINE_MARKUP.sub(r"\1\\\2", _INLINE_MARKUP.sub(r"\\\1", text))
