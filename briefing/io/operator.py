"""`python bot.py import | export | backup`: the operator's side of import and export.

Each prints what it did, or one line starting "error:" and exits non-zero (1 for a bad file
or database, 2 for a bad setting), never a traceback for something the operator can fix.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import sqlite3
import sys
from pathlib import Path

from briefing.errors import BriefingError, SettingsError
from briefing.import_plan import ImportPlan, plan_import
from briefing.io.claimreview import DEFAULT_BASE_URL, DEFAULT_PUBLISHER
from briefing.io.documents import EXPORT_FORMATS, ExportFormat, export_file, parse_briefing
from briefing.models import Briefing, Editor
from briefing.seed import SEED_FINGERPRINT_KEY, fingerprint, read_text
from briefing.settings import Settings, load_settings
from briefing.store import Store

OPERATOR = Editor(None, "operator")
DRY_RUN = "Dry run: nothing changed. Run again with --apply to apply it."


class OperatorError(BriefingError):
    """Something on the command line or the file system the operator must fix."""


def _parser(command: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"bot.py {command}")
    if command == "import":
        parser.description = "Check a briefing file (YAML or JSON) against the store."
        parser.add_argument("file", type=Path)
        parser.add_argument("--apply", action="store_true", help="apply it (default: dry run)")
        parser.add_argument("--reason", help="recorded with every revision")
    elif command == "export":
        parser.description = "Write the whole store as YAML, JSON or ClaimReview JSON-LD."
        parser.add_argument("--format", choices=EXPORT_FORMATS, default="yaml")
        parser.add_argument("--output", type=Path, help="a file (default: standard output)")
        parser.add_argument("--base-url", default=DEFAULT_BASE_URL, help="ClaimReview URLs")
        parser.add_argument("--publisher", default=DEFAULT_PUBLISHER, help="ClaimReview author")
    elif command == "backup":
        parser.description = "Copy the database, consistently even while the bot runs."
        parser.add_argument("dest", type=Path, help="a new file (never overwritten)")
    else:
        raise ValueError(f"unknown operator command {command!r}")
    return parser


def main(command: str, argv: list[str]) -> int:
    """Run `command` ("import", "export" or "backup") with its own arguments."""
    args = _parser(command).parse_args(argv)
    try:
        settings = load_settings()
        if command == "import":
            is_seed = args.file.resolve() == settings.seed.resolve()
            lines = asyncio.run(
                _import(settings, args.file, apply=args.apply, reason=args.reason, is_seed=is_seed)
            )
        elif command == "export":
            fmt: ExportFormat = args.format
            lines = asyncio.run(_export(settings, fmt, args.output, args.base_url, args.publisher))
        else:
            lines = [backup(settings.database, args.dest)]
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (BriefingError, OSError, sqlite3.Error) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for line in lines:
        print(line, file=sys.stderr if command == "export" else sys.stdout)
    return 0


async def _open(settings: Settings, *, create: bool = False) -> Store:
    if not create and not settings.database.exists():
        raise OperatorError(f"BRIEFING_DATABASE {settings.database} does not exist")
    return await Store.open(settings.database)


async def _import(
    settings: Settings, path: Path, *, apply: bool, reason: str | None, is_seed: bool = False
) -> list[str]:
    # Read and validated whole before the database is even opened.
    briefing = parse_briefing(read_text(path), path)
    if not apply and not settings.database.exists():  # a dry run creates nothing
        return _import_report(path, briefing, plan_import(briefing, Briefing((), ())), DRY_RUN)
    store = await _open(settings, create=True)
    try:
        if apply:
            why = reason or f"import of {path.name}"
            plan = await store.apply_briefing(briefing, OPERATOR, reason=why)
            done = "Applied." if plan.changes_anything else "Nothing applied."
            if is_seed:  # the store now holds the curated file: it is no longer "changed"
                await store.set_meta(SEED_FINGERPRINT_KEY, fingerprint(path))
        else:
            plan = plan_import(briefing, await store.export_briefing())
            done = DRY_RUN
    finally:
        await store.close()
    return _import_report(path, briefing, plan, done)


def _import_report(path: Path, briefing: Briefing, plan: ImportPlan, done: str) -> list[str]:
    head = f"{path}: {len(briefing.claims)} claims in {len(briefing.topics)} topics."
    return [head, *plan.summary_lines(limit=50), done]


async def _export(
    settings: Settings, fmt: ExportFormat, output: Path | None, base_url: str, publisher: str
) -> list[str]:
    store = await _open(settings)
    try:
        topics, claims = await store.list_topics(), await store.export_claims()
    finally:
        await store.close()
    today = dt.datetime.now(dt.UTC).date()
    exported = export_file(fmt, topics, claims, today=today, publisher=publisher, base_url=base_url)
    if output is None:
        sys.stdout.write(exported.text)
        sys.stdout.flush()
        return []
    _write_new_or_replace(output, exported.text)
    return [f"exported {len(claims)} claims in {len(topics)} topics to {output} ({fmt})"]


def _write_new_or_replace(path: Path, text: str) -> None:
    """Write beside the target, then rename: a reader never sees half a file."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def backup(database: Path, dest: Path) -> str:
    """Copy `database` to the new file `dest` with SQLite's online backup (consistent even
    while the bot writes), then check the copy; `dest` appears only once it checks out."""
    if not database.exists():
        raise OperatorError(f"BRIEFING_DATABASE {database} does not exist")
    if dest.exists():
        raise _taken(dest)
    if not dest.parent.is_dir():
        raise OperatorError(f"{dest.parent} is not a directory")
    partial = dest.with_name(f".{dest.name}.{os.getpid()}.partial")
    source = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    try:
        with contextlib.closing(sqlite3.connect(partial)) as copy:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            pages = int(copy.execute("PRAGMA page_count").fetchone()[0])
            verdict = [str(r[0]) for r in copy.execute("PRAGMA integrity_check")]
        if verdict != ["ok"]:
            raise OperatorError(f"the copy failed its integrity check: {'; '.join(verdict[:3])}")
        try:
            os.link(partial, dest)  # fails rather than replace a file created meanwhile
        except FileExistsError:
            raise _taken(dest) from None
        except OSError:  # no hard links on this filesystem: check, then rename
            if dest.exists():
                raise _taken(dest) from None
            partial.rename(dest)
    finally:
        source.close()
        partial.unlink(missing_ok=True)
    return f"backed up {database} to {dest} ({pages} pages, integrity ok)"


def _taken(dest: Path) -> OperatorError:
    return OperatorError(f"{dest} already exists; a backup never overwrites a file")
