"""`python bot.py import | export | backup`, as an operator runs them against a database file:
the same code (`briefing.io.operator.main`) with its real settings, store and files."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from briefing.io.documents import briefing_json, briefing_yaml, parse_briefing
from briefing.io.operator import main
from briefing.models import Briefing
from briefing.store import Store
from tests.core.conftest import EDITOR
from tests.core.test_io import claims, edit, sample, topics

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The configured database (not created yet), in a directory without a `.env`."""
    for name in list(os.environ):
        if name.startswith(("DISCORD_", "BRIEFING_")) or name == "LOG_LEVEL":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "data" / "briefing.db"
    monkeypatch.setenv("BRIEFING_DATABASE", str(path))
    return path


def fill(path: Path, briefing: Briefing) -> None:
    async def run() -> None:
        store = await Store.open(path)
        try:
            await store.apply_briefing(briefing, EDITOR)
        finally:
            await store.close()

    asyncio.run(run())


def export_of(path: Path) -> Briefing:
    async def run() -> Briefing:
        store = await Store.open(path)
        try:
            return await store.export_briefing()
        finally:
            await store.close()

    return asyncio.run(run())


def test_export_writes_each_format(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(db, sample())
    assert main("export", []) == 0
    out = capsys.readouterr().out
    assert parse_briefing(out, "stdout.yaml") == export_of(db)

    target = tmp_path / "out.json"
    assert main("export", ["--format", "json", "--output", str(target)]) == 0
    assert "exported 4 claims in 2 topics" in capsys.readouterr().err
    assert parse_briefing(target.read_text(encoding="utf-8"), target) == export_of(db)

    base = "https://example.org/claims/"
    assert main("export", ["--format", "claimreview", "--base-url", base]) == 0
    reviews = json.loads(capsys.readouterr().out)
    assert [r["url"] for r in reviews] == [
        base + c for c in ("troops-sent", "kursk-held", "old-count")
    ]


def test_import_is_a_dry_run_until_asked(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(db, sample())
    one, two, *_ = claims()
    file = tmp_path / "edited.yaml"
    changed = edit(two, statement="Ukraine says it still holds ground in Kursk.")
    file.write_text(briefing_yaml(Briefing(topics(), (one, changed))), encoding="utf-8")
    before = export_of(db)

    assert main("import", [str(file)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{file}: 2 claims in 2 topics.",
        "Claims: 0 added, 1 changed, 1 unchanged.",
        "Topics: 0 added, 0 changed, 2 unchanged.",
        "Changed claims: kursk-held (statement)",
        "Kept, not in the file: old-count; withdrawn",
        "Dry run: nothing changed. Run again with --apply to apply it.",
    ]
    assert export_of(db) == before

    assert main("import", [str(file), "--apply", "--reason", "reworded"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Applied."
    assert export_of(db).claims[1] == changed

    assert main("import", [str(file), "--apply"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "Nothing to change: the store already matches the file."
    assert out[-1] == "Nothing applied."


def test_import_reads_json_into_a_new_database(db: Path, tmp_path: Path) -> None:
    file = tmp_path / "briefing.json"
    file.write_text(briefing_json(sample()), encoding="utf-8")
    assert main("import", [str(file)]) == 0
    assert not db.exists()  # a dry run creates nothing
    assert main("import", [str(file), "--apply"]) == 0
    assert [c.id for c in export_of(db).claims] == [c.id for c in claims()]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("version: 1\ntopics: [\n", "is not valid YAML"),
        ("version: 1\ntopics: []\n", "at least one topic"),
    ],
)
def test_a_bad_file_is_one_error_line_and_changes_nothing(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, fragment: str
) -> None:
    fill(db, sample())
    before = export_of(db)
    file = tmp_path / "bad.yaml"
    file.write_text(text, encoding="utf-8")
    assert main("import", [str(file), "--apply"]) == 1
    captured = capsys.readouterr()
    [line] = captured.err.splitlines()
    assert line.startswith(f"error: {file}:") and fragment in line
    assert captured.out == ""
    assert export_of(db) == before


def test_a_file_that_breaks_a_rule_against_the_store_changes_nothing(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(db, sample())
    before = export_of(db)
    retired = edit(claims()[0], retired_at="2025-05-01T00:00:00Z")  # old-count points to it
    file = tmp_path / "retire.yaml"
    file.write_text(briefing_yaml(Briefing(topics(), (retired,))), encoding="utf-8")
    assert main("import", [str(file), "--apply"]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("error: Claim `old-count`") and "retired" in line
    assert export_of(db) == before


def test_missing_files_are_one_line(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main("import", [str(tmp_path / "nowhere.yaml")]) == 1
    assert main("export", []) == 1
    assert main("backup", [str(tmp_path / "copy.db")]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 3 and all(line.startswith("error: ") for line in lines)
    assert (
        "cannot read" in lines[0] and "does not exist" in lines[1] and "does not exist" in lines[2]
    )
    assert not db.exists()


def test_backup_copies_everything_even_while_the_store_is_open(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dest = tmp_path / "backups" / "copy.db"
    dest.parent.mkdir()

    async def run() -> int:
        store = await Store.open(db)
        try:
            await store.apply_briefing(sample(), EDITOR)  # still in the WAL, not checkpointed
            return main("backup", [str(dest)])  # runs its own loop-free sqlite3 copy
        finally:
            await store.close()

    assert asyncio.run(run()) == 0
    assert "integrity ok" in capsys.readouterr().out
    with sqlite3.connect(dest) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert export_of(dest) == export_of(db)
    assert sorted(p.name for p in dest.parent.iterdir()) == ["copy.db"]  # nothing left over


def test_backup_never_overwrites(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(db, sample())
    dest = tmp_path / "precious.db"
    dest.write_bytes(b"keep me")
    assert main("backup", [str(dest)]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line == f"error: {dest} already exists; a backup never overwrites a file"
    assert dest.read_bytes() == b"keep me"


def test_backup_of_a_file_that_is_not_a_database_fails_cleanly(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db.parent.mkdir(parents=True)
    db.write_bytes(b"not a database at all" * 100)
    dest = tmp_path / "copy.db"
    assert main("backup", [str(dest)]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("error: ")
    assert not dest.exists()


def test_a_bad_setting_names_the_variable(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOG_LEVEL", "LOUD")
    assert main("export", []) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("error: LOG_LEVEL")


def test_runs_as_its_own_process(db: Path, tmp_path: Path) -> None:
    fill(db, sample())
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from briefing.io.operator import main; "
         "sys.exit(main(sys.argv[1], sys.argv[2:]))", "export", "--format", "json"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert parse_briefing(done.stdout, "stdout.json") == export_of(db)
