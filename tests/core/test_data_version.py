"""The data version: answers are kept until what they show changes, and only then."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from briefing.answers import AnswerCache
from briefing.queries import Query
from briefing.store import Store

from .conftest import EDITOR, OTHER_TOPIC, TOPIC, changed, draft


def another_process(db_path: Path, sql: str) -> None:
    """Run one statement in a separate Python process, as another program would."""
    script = (
        "import sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1], timeout=10)\n"
        "db.execute(sys.argv[2])\n"
        "db.commit()\n"
    )
    subprocess.run([sys.executable, "-c", script, str(db_path), sql], check=True, timeout=60)


async def test_a_write_to_anything_else_keeps_every_answer(
    seeded_store: Store, db_path: Path
) -> None:
    answers = AnswerCache(seeded_store)
    page = await answers.page(Query("topic", "kursk"))
    claim = await answers.claim("kursk-recaptured")
    about = await answers.about()
    version = await seeded_store.data_version()

    await seeded_store.set_meta("command_tree", "abc")  # this process
    another_process(db_path, "INSERT INTO meta(key, value) VALUES ('elsewhere', '1')")

    assert await seeded_store.data_version() == version
    # The very same answers: nothing was rendered again.
    assert await answers.page(Query("topic", "kursk")) is page
    assert await answers.claim("kursk-recaptured") is claim
    assert await answers.about() is about


async def test_an_edit_by_another_process_is_seen_on_the_next_question(
    seeded_store: Store, db_path: Path
) -> None:
    answers = AnswerCache(seeded_store)
    before = await answers.claim("kursk-recaptured")
    assert "Rewritten elsewhere" not in before.description
    page = await answers.page(Query("topic", "kursk"))
    # No version bump, no timestamps: a program that knows nothing of this bot.
    another_process(
        db_path,
        "UPDATE claims SET statement = 'Rewritten elsewhere.' WHERE id = 'kursk-recaptured'",
    )
    after = await answers.claim("kursk-recaptured")
    assert "Rewritten elsewhere." in after.description
    again = await answers.page(Query("topic", "kursk"))
    assert again is not page
    assert any(f.value.startswith("Rewritten elsewhere.") for f in again.card.fields)
    # A topic renamed elsewhere shows too.
    another_process(db_path, "UPDATE topics SET title = 'The fight' WHERE slug = 'kursk'")
    renamed = await answers.page(Query("topic", "kursk"))
    assert renamed.card.title == "Briefing: The fight"


async def test_every_change_to_claims_or_topics_moves_it(topic_store: Store, db_path: Path) -> None:
    seen = [await topic_store.data_version()]

    async def moved() -> bool:
        seen.append(await topic_store.data_version())
        return seen[-1] != seen[-2]

    created = await topic_store.create_claim(draft("c-one"), EDITOR)
    assert await moved()
    await topic_store.update_claim(
        changed(created, statement="Edited."), EDITOR, expected_version=1
    )
    assert await moved()
    await topic_store.put_topic(TOPIC.model_copy(update={"title": "Renamed"}))
    assert await moved()
    another_process(db_path, "DELETE FROM revisions")  # history alone is not shown
    assert not await moved()
    another_process(db_path, "DELETE FROM claims")
    assert await moved()
    another_process(db_path, f"DELETE FROM topics WHERE slug = '{OTHER_TOPIC.slug}'")
    assert await moved()
    another_process(
        db_path,
        "INSERT OR REPLACE INTO topics(slug, title, summary) VALUES ('alpha', 'Alpha', 'A.')",
    )
    assert await moved()
