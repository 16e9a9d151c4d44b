"""Claim cards kept in the store: always the card the claim would be drawn as now."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from briefing.answers import Answers
from briefing.cards import Card, card_to_json
from briefing.models import Claim
from briefing.present import claim_card
from briefing.store import Store

from .conftest import EDITOR, TOPIC, changed, draft, opened


async def drawn_now(store: Store, claim: Claim) -> Card:
    topic = next(t for t in await store.list_topics() if t.slug == claim.topic)
    return claim_card(claim, topic)


async def test_every_seed_claim_keeps_the_card_it_would_be_drawn_as(seeded_store: Store) -> None:
    claims = await seeded_store.list_claims()
    assert len(claims) > 20
    for claim in claims:
        assert await seeded_store.kept_claim_card(claim.id) == await drawn_now(seeded_store, claim)


async def test_no_card_for_an_unknown_claim(seeded_store: Store) -> None:
    assert await seeded_store.kept_claim_card("no-such-claim") is None


async def test_an_edit_keeps_the_new_card(topic_store: Store) -> None:
    created = await topic_store.create_claim(draft("c-one"), EDITOR)
    before = await topic_store.kept_claim_card("c-one")
    assert before is not None and "Statement of c-one." in before.description
    await topic_store.update_claim(
        changed(created, statement="Drones seen.", status="disputed"),
        EDITOR,
        expected_version=1,
    )
    after = await topic_store.kept_claim_card("c-one")
    assert after == await drawn_now(topic_store, await topic_store.get_claim("c-one"))
    assert after is not None and "Drones seen." in after.description
    assert "version 2" in after.footer


async def test_renaming_a_topic_draws_its_claims_again(topic_store: Store) -> None:
    await topic_store.create_claim(draft("c-one"), EDITOR)
    await topic_store.put_topic(TOPIC.model_copy(update={"title": "Renamed"}))
    kept = await topic_store.kept_claim_card("c-one")
    assert kept is not None and kept.footer.startswith("Topic: Renamed ·")


async def test_a_claim_changed_by_another_program_is_drawn_fresh(
    seeded_store: Store, db_path: Path
) -> None:
    answers = Answers(seeded_store)
    assert "Rewritten" not in (await answers.claim("kursk-recaptured")).description
    # Another program, knowing nothing of kept cards, rewrites the claim (no version bump).
    with sqlite3.connect(db_path) as other:
        other.execute(
            "UPDATE claims SET statement = 'Rewritten elsewhere.' WHERE id = 'kursk-recaptured'"
        )
    assert await seeded_store.kept_claim_card("kursk-recaptured") is None
    assert "Rewritten elsewhere." in (await answers.claim("kursk-recaptured")).description
    # The next store to open draws the missing card.
    async with opened(db_path) as reopened:
        kept = await reopened.kept_claim_card("kursk-recaptured")
        assert kept is not None and "Rewritten elsewhere." in kept.description


async def test_a_topic_renamed_by_another_program_is_drawn_fresh(
    seeded_store: Store, db_path: Path
) -> None:
    with sqlite3.connect(db_path) as other:
        other.execute("UPDATE topics SET title = 'The fight' WHERE slug = 'kursk'")
    assert await seeded_store.kept_claim_card("kursk-recaptured") is None
    card = await Answers(seeded_store).claim("kursk-recaptured")
    assert card.footer.startswith("Topic: The fight ·")


async def test_cards_drawn_by_other_code_are_not_used_and_are_drawn_again(
    seeded_store: Store, db_path: Path
) -> None:
    # As if the renderer's code had changed since these cards were drawn.
    with sqlite3.connect(db_path) as other:
        other.execute(
            "UPDATE claim_cards SET renderer = 'older', card = ?",
            (card_to_json(Card(title="drawn by older code")),),
        )
    assert await seeded_store.kept_claim_card("kursk-recaptured") is None
    card = await Answers(seeded_store).claim("kursk-recaptured")
    assert card == await drawn_now(seeded_store, await seeded_store.get_claim("kursk-recaptured"))
    async with opened(db_path) as reopened:
        for claim in await reopened.list_claims():
            assert await reopened.kept_claim_card(claim.id) == await drawn_now(reopened, claim)


@pytest.mark.parametrize("typed", ["Kursk-Recaptured", " kursk-recaptured "])
async def test_a_kept_card_answers_however_the_id_is_typed(seeded_store: Store, typed: str) -> None:
    kept = await seeded_store.kept_claim_card("kursk-recaptured")
    assert await Answers(seeded_store).claim(typed) == kept


async def test_a_claim_replaced_by_another_program_is_drawn_fresh(
    seeded_store: Store, db_path: Path
) -> None:
    with sqlite3.connect(db_path) as other:
        other.execute(
            "INSERT OR REPLACE INTO claims SELECT id, topic, 'Replaced elsewhere.', status, "
            "stances, figure, event_date, event_precision, sources, reviewed_at, superseded_by, "
            "version, seq, created_at, updated_at FROM claims WHERE id = 'kursk-recaptured'"
        )
    card = await Answers(seeded_store).claim("kursk-recaptured")
    assert "Replaced elsewhere." in card.description


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT OR REPLACE INTO topics(slug, title, summary, command, position) "
        "SELECT slug, 'The fight', summary, command, position FROM topics WHERE slug = 'kursk'",
        "REPLACE INTO topics(slug, title, summary, command, position) "
        "SELECT slug, 'The fight', summary, command, position FROM topics WHERE slug = 'kursk'",
    ],
)
async def test_a_topic_replaced_by_another_program_is_drawn_fresh(
    seeded_store: Store, db_path: Path, sql: str
) -> None:
    with sqlite3.connect(db_path) as other:
        other.execute(sql)
    assert await seeded_store.kept_claim_card("kursk-recaptured") is None
    async with opened(db_path) as reopened:
        kept = await reopened.kept_claim_card("kursk-recaptured")
        assert kept is not None and kept.footer.startswith("Topic: The fight ·")


async def test_a_claim_whose_topic_appears_later_is_drawn_with_its_title(
    topic_store: Store, db_path: Path
) -> None:
    await topic_store.create_claim(draft("c-one"), EDITOR)
    with sqlite3.connect(db_path) as other:  # foreign keys are off on a plain connection
        other.execute("UPDATE claims SET topic = 'gamma' WHERE id = 'c-one'")
    async with opened(db_path) as reopened:
        kept = await reopened.kept_claim_card("c-one")
        assert kept is not None and kept.footer.startswith("Topic: gamma ·")  # no such topic
        gamma = TOPIC.model_copy(update={"slug": "gamma", "title": "Gamma", "command": None})
        await reopened.put_topic(gamma)
        kept = await reopened.kept_claim_card("c-one")
        assert kept is not None and kept.footer.startswith("Topic: Gamma ·")


async def test_a_topic_saved_with_the_same_title_keeps_its_cards(
    topic_store: Store, db_path: Path
) -> None:
    await topic_store.create_claim(draft("c-one"), EDITOR)
    with sqlite3.connect(db_path) as other:  # a card that can only survive if not redrawn
        other.execute("UPDATE claim_cards SET card = ?", (card_to_json(Card(title="kept")),))
    await topic_store.put_topic(TOPIC.model_copy(update={"summary": "A new summary."}))
    assert await topic_store.kept_claim_card("c-one") == Card(title="kept")


async def test_a_claim_row_that_does_not_read_gets_no_card_and_the_store_opens(
    seeded_store: Store, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with sqlite3.connect(db_path) as other:
        other.execute("UPDATE claims SET stances = 'not json' WHERE id = 'kursk-recaptured'")
    async with opened(db_path) as reopened:
        assert await reopened.kept_claim_card("kursk-recaptured") is None
        assert "claim kursk-recaptured: no card kept" in caplog.text
        assert await reopened.kept_claim_card("treaty-signed") is not None


async def test_missing_cards_are_drawn_in_batches(
    seeded_store: Store, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefing.store

    monkeypatch.setattr(briefing.store, "CARD_BATCH", 5)
    with sqlite3.connect(db_path) as other:
        other.execute("DELETE FROM claim_cards")
    batches: list[int] = []
    real_draw = Store._draw_cards

    async def counting(self: Store, db: object, **kwargs: object) -> int | None:
        after = await real_draw(self, db, **kwargs)  # type: ignore[arg-type]
        batches.append(len(batches))
        return after

    monkeypatch.setattr(Store, "_draw_cards", counting)
    async with opened(db_path) as reopened:
        claims = await reopened.list_claims()
        assert len(batches) == len(claims) // 5 + 1
        for claim in claims:
            assert await reopened.kept_claim_card(claim.id) == await drawn_now(reopened, claim)


async def test_claim_answers_read_the_kept_card_without_drawing(
    seeded_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefing.answers

    kept = await seeded_store.kept_claim_card("kursk-recaptured")

    def no_drawing(*args: object) -> Card:
        raise AssertionError("drew a card that the store keeps")

    monkeypatch.setattr(briefing.answers, "claim_card", no_drawing)
    assert await Answers(seeded_store).claim("kursk-recaptured") == kept
