"""The answer cache: reused while the data stands still, fresh as soon as it changes."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from briefing.answers import MATCHES_NAMED, AnswerCache
from briefing.errors import NotFound
from briefing.models import Claim, ClaimDraft, Editor, Topic
from briefing.queries import Query
from briefing.seed import read_seed
from briefing.store import Store

SEED = Path(__file__).resolve().parents[2] / "data" / "briefing.yaml"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await Store.open(tmp_path / "answers.db")
    await opened.load_seed(read_seed(SEED))
    yield opened
    await opened.close()


async def confirm(store: Store, claim_id: str) -> None:
    """An editor records a confirmation and marks the claim confirmed."""
    claim = await store.get_claim(claim_id)
    confirmation = {
        "actor": {"name": "A confirming party", "kind": "observer"},
        "stance": "confirms",
    }
    data = claim.model_dump(include=set(ClaimDraft.model_fields))
    data.update(status="confirmed", stances=[*data["stances"], confirmation])
    await store.update_claim(
        ClaimDraft.model_validate(data),
        Editor(1, "ed"),
        expected_version=claim.version,
        kind="status",
    )


async def test_repeated_answers_are_reused(store: Store) -> None:
    answers = AnswerCache(store)
    first = await answers.page(Query("topic", "kursk"))
    assert await answers.page(Query("topic", "kursk")) is first
    assert await answers.claim("kursk-recaptured") is await answers.claim("kursk-recaptured")
    assert await answers.about() is await answers.about()


async def test_an_edit_shows_at_once(store: Store) -> None:
    answers = AnswerCache(store)
    before = await answers.claim("kursk-recaptured")
    assert "DISPUTED" in before.description
    await confirm(store, "kursk-recaptured")
    after = await answers.claim("kursk-recaptured")
    assert "CONFIRMED" in after.description
    page = await answers.page(Query("disputed", "kursk"))
    assert all(not f.name.endswith("kursk-recaptured") for f in page.card.fields)


async def test_another_process_writing_is_seen_at_once(store: Store, tmp_path: Path) -> None:
    answers = AnswerCache(store)
    assert "treaty" in [t.slug for t in await answers.topics()]
    with sqlite3.connect(tmp_path / "answers.db") as other:
        other.execute("UPDATE topics SET title = 'The pact' WHERE slug = 'treaty'")
    assert "The pact" in [t.title for t in await answers.topics()]


async def test_errors_are_not_cached(store: Store) -> None:
    answers = AnswerCache(store)
    with pytest.raises(Exception, match="no claim with id `nope`"):
        await answers.claim("nope")
    with pytest.raises(Exception, match="no claim with id `nope`"):
        await answers.claim("nope")


async def test_the_cache_is_bounded(store: Store) -> None:
    answers = AnswerCache(store, size=3)
    for claim_id in ["kursk-recaptured", "treaty-signed", "nk-troops-deployed", "nk-casualties"]:
        await answers.claim(claim_id)
    assert len(answers) == 3


async def test_broad_searches_list_the_newest_and_say_so(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefing.queries

    ranked = await AnswerCache(store).page(Query("search", None, "korea"))
    assert "best match first" in ranked.card.description
    matches = len((await store.search_hits("korea")).seqs)
    monkeypatch.setattr(briefing.queries, "SEARCH_LISTED", 7)
    assert matches > 7
    broad = await AnswerCache(store).page(Query("search", None, "korea"))
    assert broad.card.description.startswith("More than 7 claims match “korea”; the newest 7")
    assert "Add words to narrow it down" in broad.card.description
    assert broad.pages == 2  # 7 listed, 6 a page
    newest = await store.search("korea", limit=6, ranked=False)
    assert [f.name.rsplit(" · ", 1)[1] for f in broad.card.fields] == [c.id for c in newest]
    last = await AnswerCache(store).page(Query("search", None, "korea"), 2)
    seventh = (await store.search("korea", limit=7, ranked=False))[6]
    assert [f.name.rsplit(" · ", 1)[1] for f in last.card.fields] == [seventh.id]
    assert newest[0].id == (await store.search("korea", limit=1000, ranked=False))[0].id


async def test_claims_listed_by_a_broad_search_are_read_again_after_a_change(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefing.queries

    monkeypatch.setattr(briefing.queries, "SEARCH_LISTED", 7)
    answers = AnswerCache(store)
    first = await answers.page(Query("search", None, "korea"))
    assert first.card.description.startswith("More than 7")
    newest = first.card.fields[0].name.rsplit(" · ", 1)[1]
    # The same claims, listed by another broad search, come from memory...
    again = await answers.page(Query("search", None, "korean"))
    assert again.card.fields[0].name == first.card.fields[0].name
    # The field drawn for the claim is reused; only the line saying what matched differs.
    drawn = first.card.fields[0].value.rsplit("\n🔎", 1)[0]
    assert again.card.fields[0].value.rsplit("\n🔎", 1)[0] == drawn
    # ...until anyone changes anything.
    with sqlite3.connect(tmp_path / "answers.db") as other:
        other.execute("UPDATE claims SET statement = 'Korea, rewritten.' WHERE id = ?", (newest,))
    after = await answers.page(Query("search", None, "korean"))
    assert after.card.fields[0].value.startswith("Korea, rewritten.")


async def test_prewarm_reads_the_newest_claims_so_broad_searches_need_no_rows(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefing.queries

    monkeypatch.setattr(briefing.queries, "SEARCH_LISTED", 7)
    answers = AnswerCache(store)
    await answers.prewarm()
    read: list[int] = []
    real_claims_at = store.claims_at

    async def counting(seqs: Sequence[int]) -> dict[int, Claim]:
        read.extend(seqs)
        return await real_claims_at(seqs)

    monkeypatch.setattr(store, "claims_at", counting)
    page = await answers.page(Query("search", None, "korea"))
    assert page.card.description.startswith("More than 7")
    assert read == []
    # After a change, the newest claims are read again at the next prewarm.
    await confirm(store, "kursk-recaptured")
    await answers.prewarm()
    assert len(read) == await store.claim_count()


async def test_keystrokes_cannot_push_out_rendered_answers(store: Store) -> None:
    answers = AnswerCache(store, size=4)
    card = await answers.claim("kursk-recaptured")  # the card, and the topics it looked up
    rendered = len(answers)
    for typed in ["k", "ku", "kur", "kurs", "kursk", "n", "nk"]:
        assert await answers.suggestions(typed, 25)
    assert len(answers) == rendered
    assert await answers.claim("kursk-recaptured") is card


async def test_a_claim_changed_by_another_process_is_not_served_from_memory(
    store: Store, tmp_path: Path
) -> None:
    before = await store.get_claim("kursk-recaptured")
    with sqlite3.connect(tmp_path / "answers.db") as other:  # no version bump, same timestamps
        other.execute(
            "UPDATE claims SET statement = 'Rewritten elsewhere.' WHERE id = 'kursk-recaptured'"
        )
    after = await store.get_claim("kursk-recaptured")
    assert (before.version, after.version) == (after.version, before.version)
    assert after.statement == "Rewritten elsewhere."


async def test_prewarm_renders_the_common_first_pages(store: Store) -> None:
    answers = AnswerCache(store)
    await answers.prewarm()
    warmed = len(answers)
    topics = await store.list_topics()
    # /disputed and /timeline overall, each topic's three pages, /about, /help, the topic
    # list, and every claim's /claim answer.
    assert warmed == 2 + 3 * len(topics) + 3 + await store.claim_count()
    await answers.prewarm()
    assert len(answers) == warmed  # nothing new while nothing changed
    first = await answers.page(Query("topic", topics[0].slug))
    assert first is await answers.page(Query("topic", topics[0].slug))  # served as rendered


async def test_claim_by_words_needs_exactly_one_match(store: Store) -> None:
    answers = AnswerCache(store)
    # "heroism" appears in one claim only: its card comes back, as for its id.
    card = await answers.claim("heroism")
    assert card == await answers.claim("nk-troops-fought-in-kursk")
    with pytest.raises(NotFound, match="matches several claims: `") as many:
        await answers.claim("north korea")  # many claims, a few of them named
    assert many.value.args[0].count("`") == 2 * MATCHES_NAMED
    with pytest.raises(NotFound, match="Try /search"):
        await answers.claim("zeppelin")  # none, and nothing like it
    with pytest.raises(NotFound, match="Nearest: `kursk-recaptured`"):
        await answers.claim("kursk-recapturd")  # a typo
    with pytest.raises(NotFound) as two:
        await answers.claim("neo-nazi")  # the words of exactly two claims
    assert "`ukraine-neo-nazi-claim`" in str(two.value)
    assert "`nk-deployment-aim-kursk`" in str(two.value)


async def test_what_was_read_before_a_change_is_not_kept_after_it(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = AnswerCache(store)
    read_claims = store.topic_claims

    async def read_then_change(topic: Topic, **query: object) -> list[Claim]:
        claims = await read_claims(topic, **query)  # type: ignore[arg-type]
        # While this page is being drawn from what was read, the claim changes elsewhere
        # and someone else's question notices.
        with sqlite3.connect(tmp_path / "answers.db") as other:
            other.execute(
                "UPDATE claims SET statement = 'Changed meanwhile.' WHERE id = 'kursk-recaptured'"
            )
        await answers.topics()
        return claims

    monkeypatch.setattr(store, "topic_claims", read_then_change)
    await answers.page(Query("topic", "kursk"))
    monkeypatch.undo()
    again = await answers.page(Query("topic", "kursk"))
    recaptured = next(f for f in again.card.fields if f.name.endswith("kursk-recaptured"))
    assert recaptured.value.startswith("Changed meanwhile.")
