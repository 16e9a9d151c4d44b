"""The editorial desk under hostile text: every free-text input of every `Desk` method.

Hostile means what an editor (or a forged interaction) can type into an option or a form:
overlong text, control and zero-width characters, right-to-left marks and bidirectional
overrides, lone surrogates, mentions (`@everyone`, `<@&123>`), markdown, SQL-looking text,
emoji, and empty or whitespace-only text.

The property, for each call: it either refuses with a `BriefingError` (a clear message for the
editor) and the store is byte for byte unchanged, or it succeeds, what is stored is what was
typed (surrounding whitespace stripped; line ends as newlines and tabs as spaces, as the
models store them), and the claim, the editor's answer and the history render within
Discord's limits. No other exception, ever: anything else reaches the editor as
"Something went wrong".

Each example works on a fresh copy of one seeded database file, so examples are independent
and cheap.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from briefing import typed as reading
from briefing.editorial import Change, ClaimText, Desk
from briefing.errors import BriefingError
from briefing.models import (
    STANCE_KINDS,
    STATUSES,
    Actor,
    Editor,
    EventDate,
    Figure,
    claim_diff,
)
from briefing.render.cards import CONTENT_MAX, Card, fit_card
from briefing.render.claim import claim_card
from briefing.render.corrections import correction_card, outcome_text
from briefing.render.history import change_card, history_page, topic_change_card
from briefing.seed import read_seed
from briefing.store import Store

from .conftest import EDITOR, SEED_PATH

T = TypeVar("T")
MEMBER = Editor(7, "Mia")
ACTOR_KINDS = ("government", "military", "intelligence", "media", "observer")

# -- hostile text -----------------------------------------------------------------------------

HOSTILE_PIECES = [
    "@everyone",
    "@here",
    "<@123456789012345678>",
    "<@&123456789012345678>",
    "<#123456789012345678>",
    "</facts add:1>",
    "<t:0:R>",
    "**bold**",
    "__u__ ~~s~~",
    "||spoiler||",
    "`code`",
    "```py\nx\n```",
    "> quote",
    "# heading",
    "-# small",
    "[link](https://evil.example)",
    "'; DROP TABLE claims; --",
    '" OR 1=1 --',
    "claims_fts MATCH '*'",
    "%s%n{0}",
    "NULL",
    "\\",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\x9f",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u00ad",
    "\u200e",
    "\u200f",
    "\u061c",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\ud800",
    "\udfff",
    "a\udc80b",
    "😀",
    "👨‍👩‍👧",
    "🇺🇦",
    "e\u0301",
    "Z\u0335\u0336",
    "中文",
    "Кремль",
    "مرحبا",
    "עברית",
    "\n",
    "\r\n",
    "\t",
    " ",
    "\u3000",
    "\xa0",
    "\u2028",
]
# Pieces the models accept: text that must be stored exactly as typed.
SAFE_PIECES = [
    "North Korea",
    "troops",
    "@everyone",
    "<@&123456789012345678>",
    "**bold**",
    "`code`",
    "||spoiler||",
    "> quote",
    "# heading",
    "[link](https://evil.example)",
    "'; DROP TABLE claims; --",
    "😀",
    "👨‍👩‍👧",
    "\u200b",
    "\u200d",
    "\u200f",
    "e\u0301",
    "中文",
    "Кремль",
    "مرحبا",
]
WHITESPACE = st.text(alphabet=" \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u2028\u3000", max_size=3)

HOSTILE = st.one_of(
    st.just(""),
    WHITESPACE,
    st.lists(st.sampled_from(HOSTILE_PIECES) | st.text(max_size=4), min_size=1, max_size=8).map(
        "".join
    ),
    # Overlong: far past every model limit and Discord's input limits.
    st.builds(
        lambda piece, n: piece * n,
        st.sampled_from(HOSTILE_PIECES + SAFE_PIECES),
        st.integers(2, 1200),
    ),
)
SENTENCE = st.lists(st.sampled_from(SAFE_PIECES), min_size=1, max_size=5).map(" ".join)


def hostile_or(valid: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Text meant for one input: hostile, or valid (perhaps padded, perhaps with a hostile
    piece added)."""
    return st.one_of(
        HOSTILE,
        valid,
        st.tuples(WHITESPACE, valid, WHITESPACE).map("".join),
        st.tuples(valid, st.sampled_from(HOSTILE_PIECES)).map("".join),
    )


@dataclass(frozen=True)
class Input:
    """One free-text input of a desk method: what an editor usually types there (`calm`), and
    the near misses worth trying besides (`tricky`: refused dates, links, figures…)."""

    calm: st.SearchStrategy[str]
    tricky: st.SearchStrategy[str] | None = None
    optional: bool = False

    def quiet(self) -> st.SearchStrategy[str | None]:
        return st.none() | self.calm if self.optional else self.calm

    def wild(self) -> st.SearchStrategy[str | None]:
        valid = self.calm | self.tricky if self.tricky is not None else self.calm
        hostile = hostile_or(valid)
        return st.none() | hostile if self.optional else hostile


def typed_in(**inputs: Input) -> st.SearchStrategy[dict[str, str | None]]:
    """What the editor typed into each input of one call: one input (or every one) hostile,
    the others as usual, so that the saves are exercised as well as the refusals."""

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, str | None]:
        target = draw(st.sampled_from([*inputs, "every input"]))
        return {
            name: draw(spec.wild() if target in (name, "every input") else spec.quiet())
            for name, spec in inputs.items()
        }

    return build()


DATE = Input(
    calm=st.sampled_from(
        ["2025-04-28", "28 April 2025", "April 28th, 2025", "Apr. 2025", "autumn 2024",
         "2024", "2025-03", "2025/04/28", "28/04/2025", " 1 may 2025 "]
    ),
    tricky=st.sampled_from(
        ["03/04/2025", "31 February 2025", "2025-13", "0001-01-01", "٢٠٢٥-٠٤-٢٨", "9999",
         "December 9999", "April 0000", "28 Apr 0000"]
    ),
    optional=True,
)  # fmt: skip
URL = Input(
    calm=st.one_of(
        st.sampled_from(["https://example.org/report", "http://example.org", "https://例え.jp/パス"]),
        st.builds(
            "https://example.org/{}".format,
            st.text(alphabet="abc-_~.%/?=&#()*[]'@!$", max_size=30),
        ),
    ),
    tricky=st.sampled_from(
        ["https://example.org/a_b*c)<@&1>", "https://example.org/\u200b", "javascript:alert(1)",
         "ftp://example.org/x", "https://", "http://[::1", "https://example.org/" + "a" * 600]
    ),
    optional=True,
)  # fmt: skip
FIGURE = Input(
    calm=st.sampled_from(
        ["10,000-12,000 troops", "about 3,000 soldiers", "4k killed or wounded", "1.5m shells",
         "10000 to 12000 troops", "~500 <@&1> **units**", "0 troops"]
    ),
    tricky=st.one_of(
        st.sampled_from(["12000-10000 troops", "1,2.3.4 troops", "troops", "10,000-"]),
        st.builds(
            lambda digits, tail, unit: "9" * digits + tail + " " + unit,
            st.integers(1, 400),
            st.sampled_from(["", ".5", "k", "m"]),
            SENTENCE,
        ),
    ),
    optional=True,
)  # fmt: skip
TEXT = Input(calm=SENTENCE)
OPTIONAL_TEXT = Input(calm=SENTENCE, optional=True)
TOPIC = Input(
    calm=st.sampled_from(["troops", "Kursk", " treaty ", "WEAPONS"]),
    tricky=st.sampled_from(["nope", "troops-2", "trööps"]),
)
ACTOR = Input(
    calm=st.sampled_from(
        ["Observers", "  observers  ", "Kim Jong Un,   North Korean leader", "A new party",
         "@everyone", "<@&123456789012345678> Ministry", "'; DROP TABLE claims; --"]
    ),
)  # fmt: skip
CLAIM_ID = Input(
    calm=st.sampled_from(["new-claim", " New-Claim ", "claim-2"]),
    tricky=st.sampled_from(["kursk-recaptured", "a", "x" * 65, "bad id", "-bad", "ü-id"]),
)
SUCCESSOR = Input(
    calm=st.sampled_from(["nk-troops-deployed", " NK-Troop-Numbers "]),
    tricky=st.sampled_from(["no-such-claim", "nk-troops-gained-experience", "kursk-recaptured"]),
    optional=True,
)


# -- one fresh store per example --------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The curated seed in a database file, copied for every example."""
    path = tmp_path_factory.mktemp("desk-template") / "briefing.db"

    async def build() -> None:
        store = await Store.open(path)
        try:
            assert await store.load_seed(read_seed(SEED_PATH))
        finally:
            await store.close()

    asyncio.run(build())
    yield path


@dataclass
class Scene:
    store: Store
    desk: Desk
    path: Path

    def dump(self) -> str:
        """Every row of every table, as SQL: equal dumps mean an unchanged store."""
        db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return "\n".join(db.iterdump())
        finally:
            db.close()

    async def attempt(self, call: Callable[[], Awaitable[T]]) -> T | None:
        """The call's result, or None when it refused with a `BriefingError` and changed
        nothing. Any other exception propagates: a failure of the property."""
        before = self.dump()
        try:
            result = await call()
        except BriefingError as refusal:
            event(f"refused: {type(refusal).__name__}")
            assert str(refusal).strip(), "a refusal must say why"
            assert self.dump() == before, f"refused ({refusal}) but the store changed"
            return None
        event("saved")
        return result


# Memory-backed when the system has it: a commit's fsync there costs nothing, so an example
# costs a few milliseconds instead of tens.
SCRATCH = Path("/dev/shm")


def on_fresh_store(template: Path, work: Callable[[Scene], Awaitable[None]]) -> None:
    async def run() -> None:
        scratch = SCRATCH if os.access(SCRATCH, os.W_OK) else template.parent
        folder = Path(tempfile.mkdtemp(prefix="desk-hostile-", dir=scratch))
        path = folder / "briefing.db"
        shutil.copyfile(template, path)
        store = await Store.open(path)
        try:
            await work(Scene(store, Desk(store), path))
        finally:
            await store.close()
            shutil.rmtree(folder, ignore_errors=True)

    asyncio.run(run())


def fits(card: Card) -> None:
    assert fit_card(card) == card, f"does not fit Discord's limits: {card!r}"


async def renders(scene: Scene, change: Change) -> None:
    """The claim as members see it, the editor's answer and the claim's history all fit."""
    claim = await scene.desk.claim(change.after.id)
    assert claim == change.after
    topic = await scene.desk.topic(claim.topic)
    fits(claim_card(claim, topic))
    diff = claim_diff(change.before, change.after)
    fits(change_card(change.before, change.after, diff, change.kind))
    revisions = await scene.desk.history(claim.id)
    assert revisions[-1].version == claim.version
    card, pages = history_page(claim.id, revisions, 1)
    fits(card)
    fits(history_page(claim.id, revisions, pages)[0])


def as_typed(value: str) -> str:
    """What a text input is stored as: what was typed, without surrounding whitespace, with
    its line ends as newlines and tabs as spaces (pasted text carries them; see
    `briefing.models.plain_text`)."""
    return value.strip().replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")


def stripped(value: str | None) -> str | None:
    """What an optional input is stored as: as typed, and blank is no value."""
    optional = reading.optional(value)
    return as_typed(optional) if optional is not None else None


def typed_date(value: str | None) -> EventDate | None:
    return reading.given(reading.parse_date, value)


def typed_day(value: str | None) -> dt.date | None:
    return reading.given(reading.parse_day, value)


def typed_figure(value: str | None) -> Figure | None:
    return reading.given(reading.parse_figure, value)


async def expected_actor(desk: Desk, name: str, kind: str | None, country: str | None) -> Actor:
    """A party on record by that name (whitespace runs collapsed, any case), or a new one."""
    wanted = " ".join(name.split())
    for known in await desk.store.actors():
        if known.name.casefold() == wanted.casefold():
            return known
    return Actor(name=wanted, kind=kind, country=stripped(country))


SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- the desk's methods -----------------------------------------------------------------------

Typed = dict[str, str | None]


def text(typed: Typed, name: str) -> str:
    value = typed[name]
    assert value is not None
    return value


async def party(scene: Scene, typed: Typed, kind: str) -> Actor | None:
    """The actor the editor named (`desk.actor`, as /facts add and stance call it)."""
    name, country = text(typed, "actor"), typed["country"]
    expected = None
    try:
        expected = await expected_actor(scene.desk, name, kind, country)
    except ValueError:
        pass  # the models refuse such a party: the desk must refuse it too
    actor = await scene.attempt(lambda: scene.desk.actor(name, kind, country))  # type: ignore[arg-type]
    assert actor == expected
    return actor


ADD = typed_in(
    claim_id=CLAIM_ID, statement=TEXT, topic=TOPIC, actor=ACTOR, country=OPTIONAL_TEXT,
    said_on=DATE, quote=OPTIONAL_TEXT, source_url=URL,
)  # fmt: skip
CALM_ADD: Typed = {
    "claim_id": "new-claim", "statement": "It happened.", "topic": "troops",
    "actor": "Observers", "country": None, "said_on": None, "quote": None, "source_url": None,
}  # fmt: skip


@SETTINGS
@given(typed=ADD, kind=st.sampled_from(ACTOR_KINDS))
@example(typed=CALM_ADD | {"said_on": "December 9999"}, kind="observer")
@example(typed=CALM_ADD | {"said_on": "April 0000"}, kind="observer")
def test_add(template: Path, typed: Typed, kind: str) -> None:
    async def work(scene: Scene) -> None:
        actor = await party(scene, typed, kind)
        if actor is None:
            return
        claim_id, statement, topic = (
            text(typed, "claim_id"),
            text(typed, "statement"),
            text(typed, "topic"),
        )
        said_on, quote, source_url = typed["said_on"], typed["quote"], typed["source_url"]
        change = await scene.attempt(
            lambda: scene.desk.add(
                claim_id,
                ClaimText(statement=statement, topic=topic),
                actor,
                EDITOR,
                said_on=said_on,
                quote=quote,
                source_url=source_url,
            )
        )
        if change is None:
            return
        claim = change.after
        assert claim.id == claim_id.strip().lower()
        assert claim.statement == as_typed(statement)
        assert claim.topic == topic.strip().lower()
        (stance,) = claim.stances
        assert stance.actor == actor and stance.stance == "asserts"
        assert stance.quote == stripped(quote)
        assert stance.date == typed_date(said_on)
        url = stripped(source_url)
        assert (stance.source.url if stance.source else None) == url
        assert [s.url for s in claim.sources] == ([url] if url else [])
        await renders(scene, change)

    on_fresh_store(template, work)


EDIT = typed_in(statement=TEXT, topic=TOPIC, event_date=DATE, figure=FIGURE, reason=OPTIONAL_TEXT)
CALM_EDIT: Typed = {
    "statement": "Troops arrived.", "topic": "troops", "event_date": None, "figure": None,
    "reason": None,
}  # fmt: skip


@SETTINGS
@given(typed=EDIT)
@example(typed=CALM_EDIT | {"reason": "\u202ereads backwards"})
@example(typed=CALM_EDIT | {"figure": "9" * 400 + ".5 troops"})
def test_edit(template: Path, typed: Typed) -> None:
    async def work(scene: Scene) -> None:
        statement, topic = text(typed, "statement"), text(typed, "topic")
        event_date, figure, reason = typed["event_date"], typed["figure"], typed["reason"]
        change = await scene.attempt(
            lambda: scene.desk.edit(
                "nk-troop-numbers",
                ClaimText(statement=statement, topic=topic, event_date=event_date, figure=figure),
                EDITOR,
                based_on=1,
                reason=reason,
            )
        )
        if change is None:
            return
        claim = change.after
        assert claim.version == 2
        assert claim.statement == as_typed(statement)
        assert claim.topic == topic.strip().lower()
        assert claim.event_date == typed_date(event_date)
        assert claim.figure == typed_figure(figure)
        await renders(scene, change)
        assert (await scene.desk.history(claim.id))[-1].reason == stripped(reason)

    on_fresh_store(template, work)


STATUS = typed_in(reason=TEXT, superseded_by=SUCCESSOR)


@SETTINGS
@given(typed=STATUS, status=st.sampled_from(STATUSES))
@example(typed={"reason": "\u202ereads backwards", "superseded_by": None}, status="reported")
@example(typed={"reason": "bell\x07", "superseded_by": None}, status="reported")
@example(typed={"reason": "lone \ud800 surrogate", "superseded_by": None}, status="reported")
def test_set_status(template: Path, typed: Typed, status: str) -> None:
    async def work(scene: Scene) -> None:
        reason, superseded_by = text(typed, "reason"), typed["superseded_by"]
        change = await scene.attempt(
            lambda: scene.desk.set_status(
                "kursk-recaptured",
                status,  # type: ignore[arg-type]
                EDITOR,
                reason=reason,
                superseded_by=superseded_by,
            )
        )
        if change is None:
            return
        claim = change.after
        assert claim.status == status
        successor = stripped(superseded_by) if status == "superseded" else None
        assert claim.superseded_by == (successor.lower() if successor else None)
        await renders(scene, change)
        assert (await scene.desk.history(claim.id))[-1].reason == as_typed(reason)

    on_fresh_store(template, work)


STANCE = typed_in(
    actor=ACTOR, country=OPTIONAL_TEXT, quote=OPTIONAL_TEXT, source_url=URL, date=DATE,
    reason=OPTIONAL_TEXT,
)  # fmt: skip
CALM_STANCE: Typed = {
    "actor": "Observers", "country": None, "quote": None, "source_url": None, "date": None,
    "reason": None,
}  # fmt: skip


@SETTINGS
@given(
    typed=STANCE,
    kind=st.sampled_from(ACTOR_KINDS),
    stance=st.sampled_from(STANCE_KINDS),
    status=st.none() | st.sampled_from(STATUSES),
)
@example(typed=CALM_STANCE | {"date": "9999"}, kind="observer", stance="asserts", status=None)
@example(
    typed=CALM_STANCE | {"reason": "\u2066isolated\u2069"},
    kind="observer",
    stance="asserts",
    status=None,
)
def test_add_stance(
    template: Path, typed: Typed, kind: str, stance: str, status: str | None
) -> None:
    async def work(scene: Scene) -> None:
        actor = await party(scene, typed, kind)
        if actor is None:
            return
        quote, source_url, date, reason = (
            typed["quote"], typed["source_url"], typed["date"], typed["reason"]
        )  # fmt: skip
        change = await scene.attempt(
            lambda: scene.desk.add_stance(
                "nk-troop-numbers",
                actor,
                stance,  # type: ignore[arg-type]
                EDITOR,
                quote=quote,
                source_url=source_url,
                date=date,
                reason=reason,
                status=status,  # type: ignore[arg-type]
            )
        )
        if change is None:
            return
        claim = change.after
        (recorded,) = [s for s in claim.stances if s.actor == actor]
        assert recorded.stance == stance
        assert recorded.quote == stripped(quote)
        assert recorded.date == typed_date(date)
        assert (recorded.source.url if recorded.source else None) == stripped(source_url)
        await renders(scene, change)
        assert (await scene.desk.history(claim.id))[-1].reason == stripped(reason)

    on_fresh_store(template, work)


SOURCE = typed_in(outlet=TEXT, url=URL, published=DATE, title=OPTIONAL_TEXT)


@SETTINGS
@given(typed=SOURCE)
@example(typed={"outlet": "Wire", "url": None, "published": "April 0000", "title": None})
def test_add_source(template: Path, typed: Typed) -> None:
    async def work(scene: Scene) -> None:
        outlet, url, published, title = (
            text(typed, "outlet"), typed["url"], typed["published"], typed["title"]
        )  # fmt: skip
        change = await scene.attempt(
            lambda: scene.desk.add_source(
                "treaty-signed", outlet, EDITOR, url=url, published=published, title=title
            )
        )
        if change is None:
            return
        source = change.after.sources[-1]
        assert source.outlet == as_typed(outlet)
        assert source.url == stripped(url)
        assert source.published == typed_day(published)
        assert source.title == stripped(title)
        await renders(scene, change)

    on_fresh_store(template, work)


RETIRE = typed_in(reason=TEXT, superseded_by=SUCCESSOR)


@SETTINGS
@given(typed=RETIRE)
@example(typed={"reason": "\x1b[31mred", "superseded_by": None})
def test_retire(template: Path, typed: Typed) -> None:
    async def work(scene: Scene) -> None:
        reason, superseded_by = text(typed, "reason"), typed["superseded_by"]
        change = await scene.attempt(
            lambda: scene.desk.retire(
                "nk-troops-gained-experience", EDITOR, reason=reason, superseded_by=superseded_by
            )
        )
        if change is None:
            return
        claim = change.after
        assert claim.retired_at is not None
        successor = stripped(superseded_by)
        assert claim.superseded_by == (successor.lower() if successor else None)
        assert claim.status == ("superseded" if successor else "reported")
        await renders(scene, change)
        assert (await scene.desk.history(claim.id))[-1].reason == as_typed(reason)

    on_fresh_store(template, work)


@SETTINGS
@given(typed=typed_in(reason=OPTIONAL_TEXT))
@example(typed={"reason": "\u202ereads backwards"})
def test_revert(template: Path, typed: Typed) -> None:
    async def work(scene: Scene) -> None:
        reason = typed["reason"]
        first = await scene.desk.claim("treaty-signed")
        await scene.desk.review("treaty-signed", EDITOR)  # a version 2 to go back from
        change = await scene.attempt(
            lambda: scene.desk.revert("treaty-signed", 1, EDITOR, reason=reason)
        )
        if change is None:
            return
        assert change.after.version == 3
        assert change.after.reviewed_at == first.reviewed_at
        await renders(scene, change)
        last = (await scene.desk.history("treaty-signed"))[-1]
        assert last.reason == (stripped(reason) or "reverted to version 1")

    on_fresh_store(template, work)


TOPIC_FORM = typed_in(title=TEXT, summary=TEXT, reason=OPTIONAL_TEXT)


@SETTINGS
@given(typed=TOPIC_FORM)
@example(typed={"title": "Troops", "summary": "Who sent whom.", "reason": "\u202ebackwards"})
def test_edit_topic(template: Path, typed: Typed) -> None:
    async def work(scene: Scene) -> None:
        title, summary, reason = text(typed, "title"), text(typed, "summary"), typed["reason"]
        desk = scene.desk
        changed = await scene.attempt(
            lambda: desk.edit_topic("troops", EDITOR, title=title, summary=summary, reason=reason)
        )
        if changed is None:
            return
        before, after = changed
        assert after.title == as_typed(title) and after.summary == as_typed(summary)
        assert await desk.topic("troops") == after
        fits(topic_change_card(before, after))
        fits(claim_card(await desk.claim("nk-troop-numbers"), after))
        history = await scene.store.topic_history("troops")
        assert history[-1].reason == stripped(reason)

    on_fresh_store(template, work)


@SETTINGS
@given(
    typed=typed_in(text=TEXT, source_url=URL),
    claim_id=st.sampled_from([None, "kursk-recaptured"]),
)
def test_suggest(template: Path, typed: Typed, claim_id: str | None) -> None:
    async def work(scene: Scene) -> None:
        what, source_url = text(typed, "text"), typed["source_url"]
        desk = scene.desk
        correction = await scene.attempt(lambda: desk.suggest(claim_id, what, source_url, MEMBER))
        if correction is None:
            return
        assert correction.text == as_typed(what)
        assert correction.source_url == stripped(source_url)
        assert await desk.correction(correction.id) == correction
        claim = await desk.claim_or_none(claim_id)
        fits(correction_card(correction, claim))
        fits(correction_card(correction, claim, place=1, total=1))

    on_fresh_store(template, work)


@SETTINGS
@given(typed=typed_in(reason=OPTIONAL_TEXT), status=st.sampled_from(["accepted", "rejected"]))
@example(typed={"reason": "bell\x07"}, status="rejected")
def test_settle(template: Path, typed: Typed, status: str) -> None:
    async def work(scene: Scene) -> None:
        reason = typed["reason"]
        desk = scene.desk
        open_one = await desk.suggest("kursk-recaptured", "It is wrong.", None, MEMBER)
        settled = await scene.attempt(
            lambda: desk.settle(open_one.id, status, EDITOR, reason=reason)  # type: ignore[arg-type]
        )
        if settled is None:
            assert (await desk.correction(open_one.id)).status == "open"
            return
        assert settled.status == status and settled.reason == stripped(reason)
        assert await desk.correction(open_one.id) == settled
        assert len(outcome_text(settled)) <= CONTENT_MAX
        fits(correction_card(settled, await desk.claim("kursk-recaptured")))

    on_fresh_store(template, work)


EXISTING_ID = Input(
    calm=st.sampled_from(["kursk-recaptured", " Treaty-Signed ", "NK-CASUALTIES"]),
    tricky=st.sampled_from(["no-such", "kursk_recaptured"]),
)


@SETTINGS
@given(typed=typed_in(id=EXISTING_ID))
@example(typed={"id": "kursk\ud800"})
def test_claim_ids(template: Path, typed: Typed) -> None:
    """The id typed into every /facts command that names a claim: a claim is found by it,
    or there is none by that name; nothing else."""

    async def work(scene: Scene) -> None:
        claim_id, desk = text(typed, "id"), scene.desk
        shown = await scene.attempt(lambda: desk.claim(claim_id))
        history = await scene.attempt(lambda: desk.history(claim_id))
        change = await scene.attempt(lambda: desk.review(claim_id, EDITOR))
        if change is None:
            return
        assert shown is not None and history is not None
        assert change.after.id == shown.id == claim_id.strip().lower()
        assert change.after.reviewed_at is not None
        await renders(scene, change)

    on_fresh_store(template, work)
