"""Discord-neutral message cards, and the one place that makes them fit Discord's limits.

Cogs turn a `Card` into a `discord.Embed`; because every card passes through `fit_card` (pages
through `Layout`), no answer can exceed an embed, field or message limit whatever the store
holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property

from briefing.i18n import EN, Words
from briefing.models import is_web_url

# Discord's documented limits (message resource docs); see DESIGN.md §7.
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000
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
    # A new attribute needs adding where a card is built field by field: Layout.fields_page
    # (a test checks it against every attribute).
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


def _usable_url(url: str | None) -> str | None:
    return url if url and len(url) <= URL_MAX and is_web_url(url) else None


def _filled(text: str, limit: int) -> str:
    """Discord refuses empty (or whitespace-only) field names and values."""
    return clip(text, limit).strip() or "\u200b"


def _fitting_text(text: str, limit: int) -> bool:
    """Whether `_filled` would leave this field text as it is."""
    return 0 < len(text) <= limit and not text[0].isspace() and not text[-1].isspace()


def _fits(card: Card) -> bool:
    """Whether `fit_card` would return the card unchanged (the common case, checked cheaply)."""
    return (
        len(card.title) <= TITLE_MAX
        and len(card.description) <= DESCRIPTION_MAX
        and len(card.footer) <= FOOTER_MAX
        and len(card.fields) <= FIELDS_MAX
        and (card.url is None or _usable_url(card.url) == card.url)
        and all(
            _fitting_text(f.name, FIELD_NAME_MAX) and _fitting_text(f.value, FIELD_VALUE_MAX)
            for f in card.fields
        )
        and card.size() <= EMBED_TOTAL_MAX
    )


def fit_card(card: Card) -> Card:
    """Clip every part to its limit; drop fields past 25 and an unusable URL."""
    if _fits(card):  # every answer passes through here, most of them already fitting
        return card
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
# Longest field name an entry may have (status badge and word, then the claim id).
ENTRY_NAME_MAX = 96
HEADER_DESCRIPTION_MAX = 1000
FOOTER_TEXT_MAX = 500


@dataclass(frozen=True)
class Layout:
    """How one page of an answer is framed: the header repeats on every page."""

    header: Card
    footer: str = ""
    w: Words = EN

    # Worked out once per layout: a page asks for them several times.
    @cached_property
    def head(self) -> Card:
        description = clip(self.header.description, HEADER_DESCRIPTION_MAX)
        return fit_card(replace(self.header, description=description, fields=()))

    @cached_property
    def fixed_size(self) -> int:
        head = self.head
        # The page note ("Page 1234/1234 · ") is budgeted separately, for any page count.
        return (
            len(head.title) + len(head.description) + len(self.footer_text(1, 1)) + _PAGE_NOTE_ROOM
        )

    def footer_text(self, page: int, pages: int) -> str:
        note = self.w("page.note", page=page, pages=pages) if pages > 1 else ""
        return " · ".join(p for p in (note, clip(self.footer, FOOTER_TEXT_MAX)) if p)

    def field_room(self, count: int) -> int:
        """Characters each of `count` entry values may use so the page stays within 6,000."""
        share = (EMBED_TOTAL_MAX - self.fixed_size) // max(count, 1) - ENTRY_NAME_MAX
        return max(0, min(FIELD_VALUE_MAX, share))

    def line_room(self, count: int) -> int:
        """Characters each of `count` description lines may use."""
        head = self.head
        intro = len(head.description) + 2 if head.description else 0
        total = min(DESCRIPTION_MAX - intro, EMBED_TOTAL_MAX - self.fixed_size)
        return max(0, total // max(count, 1) - 1)

    def fields_page(self, entries: list[CardField], page: int, pages: int) -> Card:
        """One page of entries, each already sized with `field_room(len(entries))`."""
        room = self.field_room(len(entries))
        fields = tuple(
            e  # as it is when it fits: the usual case, and no new object
            if len(e.name) <= ENTRY_NAME_MAX and len(e.value) <= room
            else CardField(clip(e.name, ENTRY_NAME_MAX), clip(e.value, room), e.inline)
            for e in entries[:FIELDS_MAX]
        )
        head = self.head
        footer = self.footer_text(page, pages)
        # Built directly: `dataclasses.replace` goes through every field by name, and every
        # page of every listing is built here.
        page_card = Card(
            title=head.title,
            description=head.description,
            fields=fields,
            footer=footer,
            url=head.url,
            color=head.color,
        )
        return fit_card(page_card)

    def lines_page(self, lines: list[str], page: int, pages: int) -> Card:
        """One page of one-line entries under the header's description."""
        head = self.head
        room = self.line_room(len(lines))
        body = "\n".join(clip(line, room) for line in lines)
        description = f"{head.description}\n\n{body}" if head.description else body
        return fit_card(
            replace(head, description=description, footer=self.footer_text(page, pages))
        )


def page_count(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


_INLINE_ESCAPES = str.maketrans({c: "\\" + c for c in "\\*_~`|[]"})
_LINE_MARKUP = re.compile(r"^(\s*)([#>-])", re.MULTILINE)


def escape_markdown(text: str) -> str:
    """Show stored text literally: curators' text must not turn into formatting or links."""
    # A translate table, not a regex: this runs for every piece of text in every answer.
    escaped = text.translate(_INLINE_ESCAPES)
    if "#" in text or ">" in text or "-" in text:  # only these can start line markup
        escaped = _LINE_MARKUP.sub(r"\1\\\2", escaped)
    return escaped
