"""Two processes on one database file: start-up races and edits seen across connections."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from briefing.models import Editor
from briefing.seed import read_seed
from briefing.store import Store
from tests.core.test_store import highest_migration

ROOT = Path(__file__).resolve().parents[2]

OPEN_ONE = """
import asyncio, sys
from briefing.store import Store
async def main():
    store = await Store.open(sys.argv[1])
    print(await store.schema_version())
    await store.close()
asyncio.run(main())
"""


def test_two_processes_opening_a_fresh_database_both_succeed(tmp_path: Path) -> None:
    db = str(tmp_path / "fresh.db")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN_ONE, db],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert out.strip() == str(highest_migration())


async def test_search_order_newest_first_is_creation_order(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "order.db")
    try:
        await store.load_seed(read_seed(ROOT / "data" / "briefing.yaml"))
        newest = await store.search("korea", limit=1000, ranked=False)
        created = {c.id: i for i, c in enumerate(read_seed(ROOT / "data" / "briefing.yaml").claims)}
        assert [created[c.id] for c in newest] == sorted(
            (created[c.id] for c in newest), reverse=True
        )
        # Editing an old claim does not make it "newest".
        oldest = newest[-1]
        await store.update_claim(
            oldest.model_copy(update={"statement": oldest.statement + " (edited)"}),
            Editor(1, "ed"),
            expected_version=oldest.version,
        )
        again = await store.search("korea", limit=1000, ranked=False)
        assert again[-1].id == oldest.id
        assert (await store.search("edited"))[0].id == oldest.id
    finally:
        await store.close()
