"""Hypothesis strategies for the briefing's models, biased toward the worst case for rendering.

Strings come at their model's maximum length more often than not, built from pieces a curator
(or an attacker) might type: markdown, mentions, Discord timestamps, emoji, combining marks,
right-to-left overrides and line breaks. Long strings repeat a few drawn pieces, so a claim at
every maximum (300-character statement, 8 stances, 5 sources) costs hypothesis little data.

The module also holds `embed_problems`, the one check every render test applies to the embed
discord.py would really send, `listings` (claims cut into the pages the answers ask for),
`long_claim` (a fixed claim at every model maximum), and `walk`, which reads every page of an
answer from a real store as the page buttons do.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from hypothesis import strategies as st

from briefing.i18n import LOCALES, words
from briefing.models import (
    LANGS,
    MAX_QUOTE,
    MAX_SOURCES,
    MAX_STANCES,
    MAX_STATEMENT,
    STANCE_KINDS,
    STATUSES,
    Actor,
    Claim,
    ClaimTranslation,
    EventDate,
    Figure,
    Source,
    Stance,
    Topic,
    TopicTranslation,
)
from briefing.queries import Page, Query, page_for
from briefing.render.cards import Card, page_count
from briefing.render.listings import PageOf
from briefing.seed import read_seed
from briefing.store import Store
from cogs._embeds import to_embed
from sandbox.emulator.limits import ErrorTree, check_embeds

# -- text ---------------------------------------------------------------------------------

NASTY: tuple[str, ...] = (
    "@everyone",
    "@here",
    "<@123>",
    "<@!123456789012345678>",
    "<@&456>",
    "<#789>",
    "</troops:1>",
    "<t:0:R>",
    "**",
    "__",
    "*",
    "_",
    "`",
    "```",
    "~~",
    "||",
    "[",
    "]",
    "(",
    ")",
    "[click](https://evil.example/)",
    "\\",
    "\\*",
    "> ",
    ">>> ",
    "# ",
    "-# ",
    "- ",
    "1. ",
    "\n",
    "\n\n",
    "é",
    "e\u0301",
    "😀",
    "👨‍👩‍👧",
    "🇺🇦",
    "\u200b",
    "中文",
    "Кремль",
    "&amp;",
    "<",
    ">",
    ":flag_ua:",
    "https://example.com/a_b*c",
    "x",
    "Kursk",
)

INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
# What the models store: no control characters but the newline, no bidi overrides or
# isolates, no lone surrogates (briefing.models.plain_text refuses those).
STORABLE = st.characters(
    blacklist_categories=("Cs", "Cc"),
    blacklist_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
) | st.just("\n")
_PIECE = st.one_of(st.sampled_from(NASTY), st.text(STORABLE, min_size=1, max_size=12))


def _solid_ends(text: str) -> str:
    """Keep the length exact under the models' whitespace stripping."""
    if text[0].isspace():
        text = "x" + text[1:]
    if text[-1].isspace():
        text = text[:-1] + "x"
    if not text.strip(INVISIBLE):  # zero-width characters alone are blank to the models
        text = "x" + text[1:]
    return text


@st.composite
def raw_filled(draw: st.DrawFn, size: int) -> str:
    """Exactly `size` characters of anything, whitespace included, repeating drawn pieces."""
    pieces = draw(st.lists(_PIECE, min_size=1, max_size=6))
    text = "".join(pieces)
    while len(text) < size:
        text += text
    return text[:size]


def huge_texts(max_size: int) -> st.SearchStrategy[str]:
    """Any text at all, from empty to `max_size` (far past Discord's limits)."""
    return st.one_of(
        st.text(STORABLE, max_size=40),
        st.integers(1, max_size).flatmap(raw_filled),
        st.just(max_size).flatmap(raw_filled),
    )


@st.composite
def filled(draw: st.DrawFn, size: int) -> str:
    """Exactly `size` characters (no blank ends), repeating a few drawn pieces."""
    return _solid_ends(draw(raw_filled(size)))


def texts(max_size: int, min_size: int = 1) -> st.SearchStrategy[str]:
    """Non-blank text a model accepts, at `max_size` about half the time (zero-width
    characters alone count as blank, as they show as nothing)."""
    return st.one_of(
        filled(max_size),
        filled(max_size),
        st.integers(min_size, max_size).flatmap(filled),
        st.text(STORABLE, min_size=min_size, max_size=max_size).filter(
            lambda s: len(s.strip()) >= min_size
        ),
    ).filter(lambda s: bool(s.strip().strip(INVISIBLE).strip()))


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


_SLUG_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-"


@st.composite
def slugs(draw: st.DrawFn, max_size: int, min_size: int = 1) -> str:
    """A slug (`^[a-z0-9]+(-[a-z0-9]+)*$`), at `max_size` about half the time."""
    size = draw(st.one_of(st.just(max_size), st.integers(min_size, max_size)))
    chars = list(draw(st.text(alphabet=_SLUG_CHARS, min_size=size, max_size=size)))
    for i, ch in enumerate(chars):
        if ch == "-" and (i in (0, size - 1) or chars[i - 1] == "-"):
            chars[i] = "a"
    return "".join(chars)


# -- dates --------------------------------------------------------------------------------

DATES = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
DATETIMES = st.datetimes(
    min_value=dt.datetime(1, 1, 2),
    max_value=dt.datetime(9999, 12, 30),
    timezones=st.one_of(
        st.just(dt.UTC),
        st.builds(dt.timezone, st.timedeltas(dt.timedelta(hours=-14), dt.timedelta(hours=14))),
    ),
)


@st.composite
def event_dates(draw: st.DrawFn) -> EventDate:
    precision = draw(st.sampled_from(["day", "month", "season", "year"]))
    day = draw(DATES)
    match precision:
        case "day":
            value = day
        case "month":
            value = day.replace(day=1)
        case "season":
            value = day.replace(month=draw(st.sampled_from([1, 3, 6, 9])), day=1)
        case _:
            value = day.replace(month=1, day=1)
    return EventDate(value=value, precision=precision)


# -- models -------------------------------------------------------------------------------

_URL_CHARS = st.characters(
    blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp"), blacklist_characters="\x85"
)


@st.composite
def urls(draw: st.DrawFn, max_size: int = 500) -> str:
    """A well-formed absolute http(s) URL, often at the model's 500-character maximum."""
    scheme = draw(st.sampled_from(["http://", "https://"]))
    host = draw(st.sampled_from(["example.com", "news.example.org", "xn--80ak6aa92e.com"]))
    prefix = f"{scheme}{host}/"
    size = draw(st.one_of(st.just(max_size), st.integers(len(prefix), max_size)))
    tail = draw(st.text(_URL_CHARS, max_size=12))
    rest = draw(st.sampled_from(["a_b*c/", "wiki/Kursk_(region)", "?q=a|b&x=[1]", "~`", ""]))
    path = (rest + tail) or "p"
    while len(prefix) + len(path) < size:
        path += path
    return (prefix + path)[:size]


ACTOR_KINDS = ("government", "military", "intelligence", "media", "observer")


def actors(*, biggest: bool = False) -> st.SearchStrategy[Actor]:
    if biggest:
        return st.builds(
            Actor, name=filled(100), kind=st.sampled_from(ACTOR_KINDS), country=filled(60)
        )
    return st.builds(
        Actor, name=texts(100), kind=st.sampled_from(ACTOR_KINDS), country=maybe(texts(60))
    )


def sources(*, biggest: bool = False) -> st.SearchStrategy[Source]:
    if biggest:
        return st.builds(Source, outlet=filled(100), title=filled(200), url=urls(), published=DATES)
    return st.builds(
        Source,
        outlet=texts(100),
        title=maybe(texts(200)),
        url=maybe(urls()),
        published=maybe(DATES),
    )


def stances(*, biggest: bool = False) -> st.SearchStrategy[Stance]:
    if biggest:
        return st.builds(
            Stance,
            actor=actors(biggest=True),
            stance=st.sampled_from(STANCE_KINDS),
            date=event_dates(),
            quote=filled(MAX_QUOTE),
            source=sources(biggest=True),
        )
    return st.builds(
        Stance,
        actor=actors(),
        stance=st.sampled_from(STANCE_KINDS),
        date=maybe(event_dates()),
        quote=maybe(texts(MAX_QUOTE)),
        source=maybe(sources()),
    )


@st.composite
def figures(draw: st.DrawFn, *, biggest: bool = False) -> Figure:
    top = 10**12
    a = draw(st.one_of(st.just(top), st.integers(0, top)))
    b = draw(st.one_of(st.just(top), st.integers(0, top)))
    unit = draw(filled(40) if biggest else texts(40))
    return Figure(low=min(a, b), high=max(a, b), unit=unit)


def topic_translations() -> st.SearchStrategy[dict[str, TopicTranslation]]:
    """Some languages, each at any size up to the limits (as the data format allows)."""
    one = st.builds(
        TopicTranslation,
        title=texts(100),
        summary=texts(400),
        command=maybe(st.from_regex(r"[a-z0-9_-]{1,32}", fullmatch=True)),
        machine=st.booleans(),
    )
    return st.dictionaries(st.sampled_from(LANGS), one, max_size=len(LANGS))


def claim_translations(*, biggest: bool = False) -> st.SearchStrategy[dict[str, ClaimTranslation]]:
    text = filled(MAX_STATEMENT) if biggest else texts(MAX_STATEMENT)
    one = st.builds(ClaimTranslation, statement=text, machine=st.booleans())
    return st.dictionaries(st.sampled_from(LANGS), one, max_size=len(LANGS))


def topics() -> st.SearchStrategy[Topic]:
    return st.builds(
        Topic,
        slug=slugs(24),
        title=texts(100),
        summary=texts(400),
        command=maybe(st.from_regex(r"[a-z0-9_-]{1,32}", fullmatch=True)),
        position=st.integers(-(2**31), 2**31),
        translations=topic_translations(),
    )


@st.composite
def claims(draw: st.DrawFn, *, biggest: bool | None = None) -> Claim:
    """A valid stored claim. `biggest=True` fills every field to its maximum."""
    if biggest is None:
        biggest = draw(st.booleans())
    claim_id = draw(slugs(64, min_size=2))
    status = draw(st.sampled_from(STATUSES))
    superseded_by = None
    if status == "superseded":
        superseded_by = draw(slugs(64).filter(lambda s: s != claim_id))
    created = draw(DATETIMES)
    if biggest:
        data: dict[str, Any] = {
            "statement": draw(filled(MAX_STATEMENT)),
            "stances": draw(st.lists(stances(biggest=True), min_size=MAX_STANCES, max_size=8)),
            "figure": draw(figures(biggest=True)),
            "event_date": draw(event_dates()),
            "sources": draw(st.lists(sources(biggest=True), min_size=MAX_SOURCES, max_size=5)),
            "reviewed_at": draw(DATETIMES),
            "translations": draw(claim_translations(biggest=True)),
        }
    else:
        data = {
            "statement": draw(texts(MAX_STATEMENT)),
            "stances": draw(st.lists(stances(), max_size=MAX_STANCES)),
            "figure": draw(maybe(figures())),
            "event_date": draw(maybe(event_dates())),
            "sources": draw(st.lists(sources(), max_size=MAX_SOURCES)),
            "reviewed_at": draw(maybe(DATETIMES)),
            "translations": draw(claim_translations()),
        }
    return Claim(
        id=claim_id,
        topic=draw(slugs(24)),
        status=status,
        superseded_by=superseded_by,
        version=draw(st.integers(1, 2**31)),
        created_at=created,
        updated_at=draw(DATETIMES),
        changed_at=draw(DATETIMES),
        **data,
    )


def with_id(claim: Claim, claim_id: str) -> Claim:
    data = claim.model_dump()
    data["id"] = claim_id
    if data["superseded_by"] == claim_id:
        data["superseded_by"] = claim_id[:-1] + ("b" if claim_id[-1] == "a" else "a")
    return Claim.model_validate(data)


@st.composite
def claim_lists(draw: st.DrawFn, max_size: int = 60, *, biggest: bool | None = None) -> list[Claim]:
    """Up to `max_size` claims with distinct 64-character ids, cycling a few drawn claims.

    Drawing 60 independent maximum-size claims would overrun hypothesis's data budget; the
    renderer cannot tell copies apart anyway, and the ids still differ.
    """
    bases = draw(st.lists(claims(biggest=biggest), min_size=1, max_size=3))
    count = draw(st.one_of(st.just(max_size), st.integers(0, max_size)))
    out = []
    for i in range(count):
        base = bases[i % len(bases)]
        prefix = (base.id + "-" + "x" * 64)[:59].rstrip("-")
        out.append(with_id(base, f"{prefix}-n{i:03d}"))
    return out


def listings(items: list[Claim], per_page: int) -> list[PageOf]:
    """`items` cut into pages as `answers.page_for` reads them: one `PageOf` per page."""
    pages = page_count(len(items), per_page)
    return [
        PageOf(items[(i - 1) * per_page : i * per_page], i, pages, len(items))
        for i in range(1, pages + 1)
    ]


def long_claim(claim_id: str = "long-claim") -> Claim:
    """Plain text (no markdown to escape), every list and string at the model's maximum.

    Stances in reading order: asserts (Official 0, 4), confirms (1, 5), disputes (2, 6),
    denies (Ukraine's General Staff), declines to say (3).
    """
    now = dt.datetime(2025, 4, 28, tzinfo=dt.UTC)
    source = Source(
        outlet="O" * 100,
        title="T" * 200,
        url="https://example.com/" + "u" * 480,
        published=dt.date(2025, 4, 28),
    )
    kinds = ("asserts", "confirms", "disputes", "declines_to_say")
    stances = [
        Stance(
            actor=Actor(name=f"Official {i} " + "a" * 80, kind="government", country="C" * 60),
            stance=kinds[i % len(kinds)],
            date="2025-04-28",
            quote="q" * MAX_QUOTE,
            source=source,
        )
        for i in range(MAX_STANCES - 1)
    ]
    stances.append(
        Stance(
            actor=Actor(name="Ukraine's General Staff", kind="military", country="Ukraine"),
            stance="denies",
            date="2025-04",
            quote="d" * MAX_QUOTE,
            source=source,
        )
    )
    return Claim(
        id=claim_id,
        topic="kursk",
        statement="S" * MAX_STATEMENT,
        status="disputed",
        stances=tuple(stances),
        event_date="2025-04-26",
        sources=(source,) * MAX_SOURCES,
        reviewed_at=now,
        version=1,
        created_at=now,
        updated_at=now,
        changed_at=now,
    )


# -- the check every rendered card must pass -----------------------------------------------

TITLE_MAX, DESCRIPTION_MAX, FIELDS_MAX = 256, 4096, 25
FIELD_NAME_MAX, FIELD_VALUE_MAX, FOOTER_MAX, AUTHOR_MAX = 256, 1024, 2048, 256
EMBED_TOTAL_MAX, EMBEDS_PER_MESSAGE, CONTENT_MAX = 6000, 10, 2000


def embed_dict(card: Card) -> dict[str, Any]:
    """What discord.py would put on the wire for this card."""
    return to_embed(card).to_dict()  # type: ignore[return-value]


def _well_formed_url(url: Any) -> bool:
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(host) and url == url.strip()


def embed_problems(embed: dict[str, Any]) -> list[str]:
    """Every way `embed` breaks a Discord limit (empty when it would be accepted)."""
    problems: list[str] = []

    def too_long(what: str, value: Any, limit: int) -> None:
        if value is not None and len(value) > limit:
            problems.append(f"{what}: {len(value)} > {limit}")

    too_long("title", embed.get("title"), TITLE_MAX)
    too_long("description", embed.get("description"), DESCRIPTION_MAX)
    fields = embed.get("fields") or []
    if len(fields) > FIELDS_MAX:
        problems.append(f"{len(fields)} fields > {FIELDS_MAX}")
    for i, f in enumerate(fields):
        for part, limit in (("name", FIELD_NAME_MAX), ("value", FIELD_VALUE_MAX)):
            text = f.get(part)
            if not isinstance(text, str) or not text:
                problems.append(f"field {i} {part} is empty")
            else:
                too_long(f"field {i} {part}", text, limit)
    footer = (embed.get("footer") or {}).get("text")
    if "footer" in embed and not footer:
        problems.append("footer text is empty")
    too_long("footer", footer, FOOTER_MAX)
    author = (embed.get("author") or {}).get("name")
    too_long("author", author, AUTHOR_MAX)
    total = (
        len(embed.get("title") or "")
        + len(embed.get("description") or "")
        + sum(len(f.get("name") or "") + len(f.get("value") or "") for f in fields)
        + len(footer or "")
        + len(author or "")
    )
    if total > EMBED_TOTAL_MAX:
        problems.append(f"total {total} > {EMBED_TOTAL_MAX}")
    if "url" in embed and not _well_formed_url(embed["url"]):
        problems.append(f"url {embed['url']!r} is not an absolute http(s) URL")
    # A second opinion: the sandbox emulator answers 50035 exactly like Discord would.
    tree = ErrorTree()
    try:
        check_embeds(tree, (), [embed])
    except ValueError as exc:  # urlparse raises on e.g. "http://[oops"
        problems.append(f"emulator cannot check it: {exc}")
    if tree:
        problems.append(f"emulator rejects: {tree.root}")
    try:
        json.dumps(embed)
    except (TypeError, ValueError) as exc:
        problems.append(f"not JSON: {exc}")
    return problems


def assert_fits(card: Card) -> dict[str, Any]:
    """Render `card` as discord.py would send it (one embed, no content) and check limits."""
    embed = embed_dict(card)
    problems = embed_problems(embed)
    assert not problems, f"{problems}\n{embed!r}"[:4000]
    return embed


def assert_message_fits(cards: list[Card], content: str = "") -> None:
    """A message carrying these cards' embeds together."""
    assert len(cards) <= EMBEDS_PER_MESSAGE
    assert len(content) <= CONTENT_MAX
    embeds = [assert_fits(c) for c in cards]
    tree = ErrorTree()
    check_embeds(tree, (), embeds)
    assert not tree, tree.root


def field_texts(embed: dict[str, Any]) -> str:
    """All the visible text of an embed, for content checks."""
    parts = [embed.get("title") or "", embed.get("description") or ""]
    for f in embed.get("fields") or []:
        parts += [f["name"], f["value"]]
    parts.append((embed.get("footer") or {}).get("text") or "")
    return "\n".join(parts)


# -- answers, page by page -----------------------------------------------------------------

SEED_PATH = Path(__file__).resolve().parents[2] / "data" / "briefing.yaml"

_TIMELINE_ID = re.compile(rf"\((?:{'|'.join(STATUSES)}), `([a-z0-9-]+)`\)")


@asynccontextmanager
async def seeded_store(path: Path) -> AsyncIterator[Store]:
    """A real SQLite store at `path`, loaded with the curated seed."""
    store = await Store.open(path)
    try:
        assert await store.load_seed(read_seed(SEED_PATH)) is True
        yield store
    finally:
        await store.close()


def field_ids(card: Card) -> list[str]:
    """Claim ids in the order a page lists them (each field is named "<status> · <id>")."""
    return [f.name.rsplit(" · ", 1)[1] for f in card.fields]


def timeline_ids(card: Card) -> list[str]:
    """Claim ids in the order a timeline page lists them (each line ends "(<status>, `<id>`)")."""
    return _TIMELINE_ID.findall(card.description)


def check_page(card: Card, page: int, pages: int, *, per_page: int | None = None) -> None:
    """One page fits as its own message; a multi-page answer numbers its pages."""
    assert_message_fits([card])
    for f in card.fields:
        assert f.name.strip() and f.value.strip()
    if per_page is not None:
        assert len(card.fields) <= per_page
    # In whichever language the page is in.
    notes = [words(locale)("page.note", page=page, pages=pages) for locale in LOCALES]
    if pages > 1:
        assert any(card.footer.startswith(note) for note in notes), card.footer
    else:
        assert not any(note in card.footer for note in notes), card.footer


async def walk(store: Store, query: Query, *, per_page: int | None = None) -> list[Page[Card]]:
    """Every page of an answer, asked for by number 1..pages as the page buttons do."""
    first = await page_for(store, query, 1)
    out = [first]
    for number in range(2, first.pages + 1):
        out.append(await page_for(store, query, number))
    for number, page in enumerate(out, start=1):
        assert (page.number, page.pages) == (number, first.pages)
        check_page(page.card, number, first.pages, per_page=per_page)
    return out


def all_field_ids(pages: Sequence[Page[Card]]) -> list[str]:
    return [i for p in pages for i in field_ids(p.card)]


def all_timeline_ids(pages: Sequence[Page[Card]]) -> list[str]:
    return [i for p in pages for i in timeline_ids(p.card)]
