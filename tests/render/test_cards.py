"""briefing.cards, the one place that enforces Discord's embed limits, fed arbitrary text.

Whatever goes in (huge titles, thousands of fields, multi-kilobyte footers, unicode), what
`cogs._embeds.to_embed` puts on the wire must be accepted by Discord.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from briefing.cards import (
    ELLIPSIS,
    Card,
    CardField,
    clip,
    escape_markdown,
    fit_card,
    paginate_fields,
    paginate_lines,
)
from tests.render.strategies import (
    FIELDS_MAX,
    NASTY,
    assert_fits,
    embed_dict,
    huge_texts,
    maybe,
    urls,
)

HEAVY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LIGHT = settings(max_examples=150, deadline=None)

BAD_URLS = (
    "relative/path",
    "/news/1",
    "ftp://example.com/x",
    "javascript:alert(1)",
    "http://exa mple.com",
    "https://",
    "",
    "https://example.com/" + "a" * 3000,
)


def card_fields(max_name: int = 600, max_value: int = 3000) -> st.SearchStrategy[CardField]:
    return st.builds(CardField, huge_texts(max_name), huge_texts(max_value), st.booleans())


@st.composite
def many(draw: st.DrawFn, item: st.SearchStrategy, max_size: int) -> list:  # type: ignore[type-arg]
    """Up to `max_size` items, cycling a few drawn ones (keeps hypothesis's data small)."""
    distinct = draw(st.lists(item, min_size=1, max_size=5))
    count = draw(st.one_of(st.just(max_size), st.integers(0, max_size)))
    return [distinct[i % len(distinct)] for i in range(count)]


@st.composite
def cards(draw: st.DrawFn) -> Card:
    return Card(
        title=draw(huge_texts(1000)),
        description=draw(huge_texts(10_000)),
        fields=tuple(draw(many(card_fields(), 40))),
        footer=draw(huge_texts(5000)),
        url=draw(st.one_of(st.none(), urls(), st.sampled_from(BAD_URLS))),
        color=draw(maybe(st.integers(0, 0xFFFFFF))),
    )


# -- fit_card -----------------------------------------------------------------------------


@HEAVY
@given(cards())
@example(
    Card(
        title="t" * 300,
        description="d" * 5000,
        fields=tuple(CardField("n" * 300, "v" * 2000) for _ in range(40)),
        footer="f" * 3000,
        url="https://example.com/",
    )
)
@example(Card(fields=(CardField("", ""),)))
def test_fit_card_holds_any_card_within_every_limit(card: Card) -> None:
    fitted = fit_card(card)
    embed = assert_fits(fitted)
    assert len(embed.get("fields", [])) <= FIELDS_MAX
    # to_embed fits again; fitting is idempotent, so what is sent is what was fitted.
    assert fit_card(fitted) == fitted
    assert embed_dict(card) == embed
    # Clipping keeps the start of every text and marks the cut.
    for before, after in [(card.title, fitted.title), (card.footer, fitted.footer)]:
        assert after == before or (
            after.endswith(ELLIPSIS) and before.startswith(after[:-1].rstrip())
        )


@pytest.mark.parametrize("url", BAD_URLS)
def test_fit_card_drops_an_unusable_url(url: str) -> None:
    embed = assert_fits(Card(title="t", url=url))
    assert "url" not in embed


@pytest.mark.parametrize("name, value", [(" ", "v"), ("n", "\n\t "), ("\u3000", "v")])
def test_fit_card_replaces_blank_field_text(name: str, value: str) -> None:
    field = fit_card(Card(fields=(CardField(name, value),))).fields[0]
    assert field.name.strip() and field.value.strip()


# -- clip ---------------------------------------------------------------------------------


@LIGHT
@given(huge_texts(3000), st.integers(1, 3000))
def test_clip_keeps_within_the_limit_and_marks_a_cut(text: str, limit: int) -> None:
    out = clip(text, limit)
    assert len(out) <= limit
    if len(text) <= limit:
        assert out == text
    else:
        assert out.endswith(ELLIPSIS) and text.startswith(out[:-1])


def test_clip_to_zero_is_empty() -> None:
    assert len(clip("abc", 0)) == 0


# -- paginate_fields ----------------------------------------------------------------------


def _page_notes(pages: list[Card]) -> None:
    n = len(pages)
    for i, page in enumerate(pages, start=1):
        if n > 1:
            assert page.footer.startswith(f"Page {i}/{n}"), page.footer
        else:
            assert not page.footer.startswith("Page 1/1")


@HEAVY
@given(
    header=st.builds(
        Card, title=huge_texts(1000), description=huge_texts(6000), footer=huge_texts(3000)
    ),
    entries=many(card_fields(), 60),
    per_page=st.integers(1, 30),
    footer=huge_texts(100),
)
def test_paginate_fields_fits_every_page_and_keeps_every_entry(
    header: Card, entries: list[CardField], per_page: int, footer: str
) -> None:
    pages = paginate_fields(header, entries, per_page=per_page, footer=footer)
    assert pages
    for page in pages:
        assert_fits(page)
        assert len(page.fields) <= min(per_page, FIELDS_MAX)
        assert page.title == pages[0].title
    # Each entry on exactly one page, in order (clipped exactly as a lone field would be).
    expected = [fit_card(Card(fields=(e,))).fields[0] for e in entries]
    assert [f for p in pages for f in p.fields] == expected
    _page_notes(pages)
    if footer.strip():
        assert all(clip(footer, 60)[:20] in p.footer for p in pages)


@HEAVY
@given(
    header=st.builds(Card, title=huge_texts(1000), description=huge_texts(6000)),
    entries=many(card_fields(), 60),
    footer=huge_texts(5000),
)
def test_paginate_fields_with_a_huge_footer_still_fits(
    header: Card, entries: list[CardField], footer: str
) -> None:
    for page in paginate_fields(header, entries, footer=footer):
        assert_fits(page)


def test_paginate_fields_with_a_long_footer_keeps_every_entry() -> None:
    entries = [CardField(f"entry {i}", "v" * 1024) for i in range(20)]
    pages = paginate_fields(Card(title="T", description="d"), entries, footer="f" * 2000)
    shown = [f.name for p in pages for f in p.fields]
    assert shown == [e.name for e in entries]


# -- paginate_lines -----------------------------------------------------------------------


def _no_marks(text: str) -> str:
    return text.replace("§", "S")


@HEAVY
@given(
    header=st.builds(
        Card,
        title=huge_texts(1000),
        description=huge_texts(6000).map(_no_marks),
        fields=st.lists(card_fields(50, 50), max_size=3).map(tuple),
    ),
    lines=many(huge_texts(3000).map(_no_marks), 80),
    footer=huge_texts(100).map(_no_marks),
)
def test_paginate_lines_fits_every_page_and_keeps_every_line(
    header: Card, lines: list[str], footer: str
) -> None:
    marked = [f"§{i}§ {line}" for i, line in enumerate(lines)]
    pages = paginate_lines(header, marked, footer=footer)
    assert pages
    for page in pages:
        assert_fits(page)
        assert not page.fields
    seen = [int(m) for p in pages for m in re.findall(r"§(\d+)§", p.description)]
    assert seen == list(range(len(lines)))
    _page_notes(pages)


@HEAVY
@given(
    header=st.builds(Card, title=huge_texts(1000), description=huge_texts(6000)),
    lines=many(huge_texts(3000), 80),
    footer=huge_texts(5000),
)
def test_paginate_lines_with_a_huge_footer_still_fits(
    header: Card, lines: list[str], footer: str
) -> None:
    for page in paginate_lines(header, lines, footer=footer):
        assert_fits(page)


def test_paginate_lines_with_a_long_footer_keeps_every_line() -> None:
    # Each line ends with its marker, as a timeline line ends with its claim id.
    lines = ["l" * 990 + f" §{i}§" for i in range(20)]
    pages = paginate_lines(Card(title="t" * 256, description="d" * 1000), lines, footer="f" * 2000)
    seen = [int(m) for p in pages for m in re.findall(r"§(\d+)§", p.description)]
    assert seen == list(range(20))


def test_paginate_with_nothing_gives_one_fitting_page() -> None:
    (fields_page,) = paginate_fields(Card(title="T", description="none"), [])
    (lines_page,) = paginate_lines(Card(title="T", description="none"), [])
    assert_fits(fields_page)
    assert_fits(lines_page)
    assert not fields_page.footer and not lines_page.footer


# -- escape_markdown ----------------------------------------------------------------------

_INLINE = "\\*_~`|[]"
_ESCAPED = re.compile(r"\\([\\*_~`|\[\]#>-])")


def unescape(text: str) -> str:
    return _ESCAPED.sub(r"\1", text)


markdownish = st.one_of(
    st.text(),
    st.lists(st.sampled_from(NASTY), max_size=20).map("".join),
    st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=5)), max_size=20).map("".join),
)


@LIGHT
@given(markdownish)
@example("**bold** __under__ *it* _it_ `code` ~~gone~~ ||spoiler|| [x](https://e.x)")
@example("# head\n> quote\n- item\n  -# small\n>>> all\n\\*")
def test_escape_markdown_round_trips_and_leaves_no_markup(text: str) -> None:
    escaped = escape_markdown(text)
    assert unescape(escaped) == text
    # Outside escape pairs, no inline markup character is left.
    bare = re.sub(r"\\.", "", escaped, flags=re.DOTALL)
    assert not set(bare) & set(_INLINE), bare
    # No line starts (after indentation) with heading, quote or list markup.
    for line in escaped.split("\n"):
        assert line.lstrip()[:1] not in ("#", ">", "-"), line


@pytest.mark.parametrize("char", list("*_`~|[]"))
def test_escape_markdown_escapes_each_markdown_character(char: str) -> None:
    assert escape_markdown(f"a{char}b") == f"a\\{char}b"


def test_escape_markdown_leaves_plain_text_and_mentions_alone() -> None:
    text = "Kim Jong Un's troops: 10,000 (est.) @everyone <@123> <#9> 😀"
    assert escape_markdown(text) == text


@HEAVY
@given(st.lists(st.sampled_from(NASTY), min_size=1, max_size=40).map("".join))
def test_escaped_text_in_a_card_still_fits(text: str) -> None:
    # Escaping can double the length; fitting must still hold whatever the result.
    body = escape_markdown(text * 200)
    assert_fits(Card(title=body, description=body, fields=(CardField(body, body),), footer=body))
