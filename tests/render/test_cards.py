"""briefing.cards, the one place that enforces Discord's embed limits, fed arbitrary text.

Whatever goes in (huge titles, thousands of fields, multi-kilobyte footers, unicode), what
`cogs._embeds.to_embed` puts on the wire must be accepted by Discord.
"""

from __future__ import annotations

import re
from dataclasses import fields
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from briefing.models import is_web_url
from briefing.render.cards import (
    ELLIPSIS,
    Card,
    CardField,
    Layout,
    clip,
    escape_markdown,
    fit_card,
    page_count,
)
from tests.render.strategies import (
    FIELDS_MAX,
    NASTY,
    assert_fits,
    embed_dict,
    filled,
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


def test_a_fields_page_carries_every_attribute_of_its_header() -> None:
    header = Card(
        title="Title",
        description="Description",
        footer="Footer",
        url="https://example.com/",
        color=0x123456,
    )
    # Every attribute but the page's own is set: one added to Card must be added here too.
    own = {"fields", "footer"}
    assert all(getattr(header, f.name) != f.default for f in fields(Card) if f.name not in own)
    layout = Layout(header, "footer")
    page = layout.fields_page([CardField("name", "value")], 1, 2)
    for f in fields(Card):
        if f.name not in own:
            assert getattr(page, f.name) == getattr(layout.head, f.name)
    assert page.fields == (CardField("name", "value"),)
    assert page.footer == "Page 1/2 · footer"


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
    assert fit_card(fitted) is fitted  # a card that fits is passed on as it is
    assert embed_dict(card) == embed
    # Clipping keeps the start of every text and marks the cut.
    for before, after in [(card.title, fitted.title), (card.footer, fitted.footer)]:
        assert after == before or (
            after.endswith(ELLIPSIS) and before.startswith(after[:-1].rstrip())
        )


URLISH = r"https?://[A-Za-z0-9.\-]{0,20}(:\d{0,6})?([/?#@\[\]:]\S{0,20})?"


def _parses_with_a_host(url: str) -> bool:
    """The full check, without the shortcut for plain URLs."""
    if not re.fullmatch(r"https?://\S+", url):
        return False
    try:
        return bool(urlsplit(url).hostname)
    except ValueError:
        return False


@given(
    st.one_of(
        st.from_regex(URLISH, fullmatch=True),
        st.text(max_size=40).map(lambda t: "https://" + t),
        st.text(max_size=40),
    )
)
@example("https://[::1/x")
@example("https://a.b:99999/")
def test_plain_urls_are_judged_as_parsing_would_judge_them(url: str) -> None:
    assert is_web_url(url) == _parses_with_a_host(url)


@pytest.mark.parametrize("url", BAD_URLS)
def test_fit_card_drops_an_unusable_url(url: str) -> None:
    embed = assert_fits(Card(title="t", url=url))
    assert "url" not in embed


@pytest.mark.parametrize("name, value", [(" ", "v"), ("n", "\n\t "), ("\u3000", "v")])
def test_fit_card_replaces_blank_field_text(name: str, value: str) -> None:
    field = fit_card(Card(fields=(CardField(name, value),))).fields[0]
    assert field.name.strip() and field.value.strip()


def test_fit_card_trims_field_text_edged_with_space() -> None:
    # Discord trims these; a card that otherwise fits is still tidied the same way.
    field = fit_card(Card(fields=(CardField(" name\n", "value "),))).fields[0]
    assert (field.name, field.value) == ("name", "value")


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


# -- Layout: one page at a time ----------------------------------------------------------

FOOTER_TEXT_MAX = 500  # what a layout keeps of its own footer text
ENTRY_NAME_MAX = 96  # the longest entry name a layout budgets for


def headers() -> st.SearchStrategy[Card]:
    return st.builds(
        Card,
        title=huge_texts(1000),
        description=huge_texts(6000).map(_no_marks),
        fields=st.lists(card_fields(50, 50), max_size=3).map(tuple),
        footer=huge_texts(3000),
        url=st.one_of(st.none(), urls(), st.sampled_from(BAD_URLS)),
    )


def layouts() -> st.SearchStrategy[Layout]:
    return st.builds(Layout, headers(), huge_texts(5000).map(_no_marks))


@st.composite
def page_numbers(draw: st.DrawFn, max_pages: int = 10_000) -> tuple[int, int]:
    pages = draw(st.one_of(st.just(1), st.integers(1, 99), st.integers(1, max_pages)))
    return draw(st.integers(1, pages)), pages


def check_page_note(card: Card, page: int, pages: int) -> None:
    if pages > 1:
        assert card.footer.startswith(f"Page {page}/{pages}"), card.footer
    else:
        assert not card.footer.startswith("Page "), card.footer


def _no_marks(text: str) -> str:
    return text.replace("§", "S")


@HEAVY
@given(layout=layouts(), entries=many(card_fields(), 40), numbers=page_numbers())
def test_fields_page_fits_whatever_goes_in(
    layout: Layout, entries: list[CardField], numbers: tuple[int, int]
) -> None:
    page, pages = numbers
    card = layout.fields_page(entries, page, pages)
    assert_fits(card)
    assert len(card.fields) <= min(len(entries), FIELDS_MAX)
    assert card.title == fit_card(layout.header).title
    assert card.url == fit_card(layout.header).url
    check_page_note(card, page, pages)
    # Each field is its entry cut to the page's budget, in order.
    room = layout.field_room(len(entries))
    for shown, entry in zip(card.fields, entries, strict=False):
        assert shown.name == (clip(entry.name, ENTRY_NAME_MAX).strip() or "\u200b")
        assert shown.value == (clip(entry.value, room).strip() or "\u200b")


@HEAVY
@given(layout=layouts(), lines=many(huge_texts(3000).map(_no_marks), 80), numbers=page_numbers())
def test_lines_page_fits_whatever_goes_in(
    layout: Layout, lines: list[str], numbers: tuple[int, int]
) -> None:
    page, pages = numbers
    card = layout.lines_page(lines, page, pages)
    assert_fits(card)
    assert not card.fields
    assert card.title == fit_card(layout.header).title
    check_page_note(card, page, pages)


@st.composite
def budgeted_entries(draw: st.DrawFn, layout: Layout) -> list[CardField]:
    """1 to 25 entries sized as the layout's budget allows: names of up to 96 characters,
    values of up to `field_room(count)` (often exactly that)."""
    count = draw(st.integers(1, FIELDS_MAX))
    room = layout.field_room(count)
    names = st.integers(1, ENTRY_NAME_MAX).flatmap(filled)
    values = st.one_of(st.just(room), st.integers(1, max(room, 1))).flatmap(filled)
    distinct = draw(st.lists(st.builds(CardField, names, values), min_size=1, max_size=3))
    return [distinct[i % len(distinct)] for i in range(count)]


@HEAVY
@given(data=st.data(), layout=layouts(), numbers=page_numbers(max_pages=99))
def test_fields_page_keeps_entries_sized_to_its_budget_whole(
    data: st.DataObject, layout: Layout, numbers: tuple[int, int]
) -> None:
    entries = data.draw(budgeted_entries(layout))
    room = layout.field_room(len(entries))
    assert all(len(e.value) <= max(room, 1) for e in entries)
    card = layout.fields_page(entries, *numbers)
    assert_fits(card)
    if room > 0:
        # Nothing is cut further and no entry is dropped to hold the 6,000 total.
        assert card.fields == tuple(entries)
    check_page_note(card, *numbers)


@HEAVY
@given(layout=layouts(), count=st.integers(1, 40), numbers=page_numbers(max_pages=99))
def test_lines_page_keeps_lines_sized_to_its_budget_whole(
    layout: Layout, count: int, numbers: tuple[int, int]
) -> None:
    room = layout.line_room(count)
    # Each line ends with its marker, as a timeline line ends with its claim id.
    lines = [("l" * room + f" §{i}§")[-room:] if room else "" for i in range(count)]
    card = layout.lines_page(lines, *numbers)
    assert_fits(card)
    body = "\n".join(lines)
    assert card.description.endswith(body)
    if room >= len(f" §{count - 1}§"):
        seen = [int(m) for m in re.findall(r"§(\d+)§", card.description)]
        assert seen[-count:] == list(range(count))


def test_fields_page_keeps_budgeted_entries_past_a_hundred_pages() -> None:
    layout = Layout(Card(title="t" * 256, description="d" * 1000), "f" * 500)
    room = layout.field_room(6)
    entries = [CardField(f"n{i}".ljust(ENTRY_NAME_MAX, "n"), "v" * room) for i in range(6)]
    card = layout.fields_page(entries, 100, 1667)
    assert_fits(card)
    assert card.fields == tuple(entries)


@pytest.mark.parametrize("count", [1, 2, 6, 15, 25])
def test_budgets_share_what_the_header_and_footer_leave(count: int) -> None:
    small = Layout(Card(title="T", description="d"))
    big = Layout(Card(title="t" * 1000, description="d" * 6000), "f" * 5000)
    for layout in (small, big):
        head = layout.head
        assert len(head.description) <= 1000
        # The budget covers the footer of any page, however many pages there are.
        fixed = len(head.title) + len(head.description) + len(layout.footer_text(9999, 9999))
        assert layout.fixed_size >= fixed
        room = layout.field_room(count)
        assert 0 <= room <= 1024
        assert fixed + count * (room + ENTRY_NAME_MAX) <= 6000
        line = layout.line_room(count)
        intro = len(head.description) + 2
        assert intro + count * (line + 1) <= 4096 + 1
        assert fixed + count * (line + 1) <= 6000 + 1
    assert small.field_room(count) >= big.field_room(count)
    assert small.field_room(1) == 1024


def test_footer_text_notes_the_page_only_when_there_are_several() -> None:
    layout = Layout(Card(title="T"), "f" * 3000)
    assert layout.footer_text(1, 1) == "f" * 499 + ELLIPSIS
    assert layout.footer_text(2, 3) == "Page 2/3 · " + "f" * 499 + ELLIPSIS
    assert Layout(Card(title="T")).footer_text(1, 1) == ""
    assert Layout(Card(title="T")).footer_text(7, 9) == "Page 7/9"


def test_empty_pages_fit_and_carry_no_page_note() -> None:
    layout = Layout(Card(title="T", description="none"))
    for card in (layout.fields_page([], 1, 1), layout.lines_page([], 1, 1)):
        assert_fits(card)
        assert not card.footer


@pytest.mark.parametrize(
    "total, per_page, pages",
    [(0, 6, 1), (1, 6, 1), (6, 6, 1), (7, 6, 2), (60, 6, 10), (61, 6, 11), (15, 15, 1)],
)
def test_page_count(total: int, per_page: int, pages: int) -> None:
    assert page_count(total, per_page) == pages


@LIGHT
@given(st.integers(0, 10**6), st.integers(1, 100))
def test_page_count_holds_every_entry_with_no_empty_page(total: int, per_page: int) -> None:
    pages = page_count(total, per_page)
    assert pages >= 1
    assert (pages - 1) * per_page < max(total, 1) <= pages * per_page


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
