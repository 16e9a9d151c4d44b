"""One process's connections to the database file, and which kind of work uses which.

- Writes (and reads inside a write) go through one aiosqlite connection, on its own thread,
  in explicit `BEGIN IMMEDIATE` transactions: one writer per process.
- Bounded reads (a row by its key, a page from the front of an index) use a read-only
  connection on the event loop's own thread. They take tens of microseconds, less than a
  trip to another thread and back.
- Reads whose cost grows with the data (counts, full-text search, deep pages) use a second
  read-only connection in a worker thread of its own, so that the loop answers others
  meanwhile. SQLite lets go of the GIL while it steps through a query; the worker returns
  plain rows, and models are built from them back on the loop.

WAL lets both readers run beside the writer. The database must be a file on a local
filesystem: WAL needs shared memory that network filesystems do not give.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any, Self, TypeVar

import aiosqlite

from briefing.store.rows import changed_at_of, numbers_of, timeline_key_of

log = logging.getLogger(__name__)

T = TypeVar("T")
Params = Sequence[Any]


def open_reader(path: Path, *, in_thread: bool = False) -> sqlite3.Connection:
    """A read-only connection; `in_thread`: for a worker thread other than the opener's."""
    reader = sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=ro",
        uri=True,
        isolation_level=None,
        check_same_thread=not in_thread,
    )
    reader.row_factory = sqlite3.Row
    # WAL readers wait only in rare cases (the writer recovering a crashed WAL); on the loop
    # thread a wait blocks every answer, so it is short and surfaces as an error instead.
    reader.execute("PRAGMA busy_timeout=250")
    return reader


def migrations() -> list[tuple[int, str, str]]:
    """(number, file name, SQL) of every migration, in order."""
    found = []
    for entry in resources.files("briefing.store.migrations").iterdir():
        if m := re.fullmatch(r"(\d{4})_\w+\.sql", entry.name):
            found.append((int(m[1]), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def split_sql(script: str) -> list[str]:
    """Split a migration into statements (our migrations keep ';' out of string literals).

    A trigger's body holds ';' too: pieces are joined until SQLite calls them complete.
    """
    without_comments = re.sub(r"--[^\n]*", "", script)
    statements, pending = [], ""
    for piece in without_comments.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \t\n;"):
                statements.append(pending.strip().removesuffix(";").strip())
            pending = ""
    if pending.strip(" \t\n;"):
        statements.append(pending.strip().removesuffix(";").strip())
    return statements


def _identity(path: Path) -> tuple[int, int]:
    found = path.stat()
    return found.st_dev, found.st_ino


class Database:
    """The three connections and the ways to use them; `Store` adds what to ask."""

    _file: tuple[Path, tuple[int, int]]

    def __init__(
        self,
        writer: aiosqlite.Connection,
        reader: sqlite3.Connection,
        scanner: sqlite3.Connection,
    ) -> None:
        self._writer = writer
        self._reader = reader
        # aiosqlite runs calls one at a time on its thread, but a transaction spans several
        # awaits; the lock keeps other tasks from interleaving statements into it.
        self._lock = asyncio.Lock()
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="briefing-reads")
        self._scanner = scanner  # used by the worker's thread only
        # Every question asks for the data version: one cursor, plain tuples.
        self._version = reader.cursor()
        self._version.row_factory = None

    @classmethod
    async def open(cls, path: Path | str) -> Self:
        """Open (creating and migrating as needed) the database file at `path`."""
        if str(path) == ":memory:":  # the readers would open databases of their own
            raise sqlite3.OperationalError("the store needs a database file, not :memory:")
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        writer = await aiosqlite.connect(path, isolation_level=None)
        readers: list[sqlite3.Connection] = []
        opened: Self | None = None
        try:
            writer.row_factory = aiosqlite.Row
            await writer.execute("PRAGMA busy_timeout=5000")  # first: the rest may wait
            mode = next(iter(await writer.execute_fetchall("PRAGMA journal_mode=WAL")))[0]
            if str(mode).lower() != "wal":  # e.g. some network filesystems
                raise sqlite3.OperationalError(
                    f"{path}: cannot use write-ahead logging here (journal mode {mode}); "
                    "put the database on a local filesystem"
                )
            await writer.execute("PRAGMA foreign_keys=ON")
            await writer.create_function(
                "briefing_timeline_key", 3, timeline_key_of, deterministic=True
            )
            await writer.create_function("briefing_numbers", 3, numbers_of, deterministic=True)
            await writer.create_function(
                "briefing_changed_at", 4, changed_at_of, deterministic=True
            )
            # After WAL is on: a read-only connection cannot switch the file to it.
            readers.append(open_reader(path))
            readers.append(open_reader(path, in_thread=True))
            opened = cls(writer, *readers)
            opened._file = (path, _identity(path))
            await opened._migrate()
            await opened._probe_write()
        except BaseException:
            if opened is not None:
                opened._worker.shutdown(wait=True)
            for reader in readers:
                reader.close()
            await writer.close()
            raise
        return opened

    def file_problem(self) -> str | None:
        """None while the database file is the one opened; "missing" or "replaced" once it
        was deleted or swapped under the running bot, which would go on using the old one
        (SQLite holds it open) while nothing it writes reaches the file on disk."""
        path, opened = self._file
        try:
            now = _identity(path)
        except FileNotFoundError:
            return "missing"
        return None if now == opened else "replaced"

    def _close_readers(self) -> None:
        self._worker.shutdown(wait=True)  # the scanner's last query, if any, ends first
        self._scanner.close()
        self._reader.close()

    async def checkpoint(self) -> bool:
        """Fold the write-ahead log into the main file, so that the file alone is the whole
        database (for a copy of it, or a backup that forgets the -wal); False if readers in
        another process kept part of it back (a later checkpoint folds the rest)."""
        async with self._lock:
            try:
                rows = await self._writer.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as exc:
                log.warning("could not checkpoint the database: %s", exc)
                return False
        busy = next(iter(rows))[0]
        return not busy

    async def close(self) -> None:
        """Close, with the write-ahead log folded in first (`checkpoint`)."""
        self._close_readers()
        await self.checkpoint()
        await self._writer.close()

    async def _migrate(self) -> None:
        for number, _name, sql in migrations():
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                # Read under the write lock: another process may have migrated meanwhile.
                rows = await self._writer.execute_fetchall("PRAGMA user_version")
                if number <= next(iter(rows))[0]:
                    await self._writer.execute("COMMIT")
                    continue
                # Statement by statement (executescript would commit early on its own).
                for statement in split_sql(sql):
                    await self._writer.execute(statement)
                await self._writer.execute(f"PRAGMA user_version = {number}")
                await self._writer.execute("COMMIT")
            except BaseException:
                await self._rollback()
                raise

    async def _probe_write(self) -> None:
        """Write one row and roll it back: a read-only file (or filesystem) opens, and even
        takes write locks, but would fail the first real write, long after start-up."""
        await self._writer.execute("BEGIN IMMEDIATE")
        try:
            await self._writer.execute(
                "INSERT INTO meta(key, value) VALUES ('write_probe', '') "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
            )
        finally:
            await self._rollback()

    async def _rollback(self) -> None:
        """Roll back what is open. SQLite itself has already rolled back after some errors
        (a full disk, say), and a second ROLLBACK would raise, hiding the real cause."""
        if self._writer.in_transaction:
            await self._writer.execute("ROLLBACK")

    async def data_version(self) -> int:
        """A number that moves whenever what answers show may have changed: claims or topics,
        written by this process or any other (triggers count every change, migration 0006).
        Writes to anything else leave it as it is."""
        row = self._version.execute("SELECT value FROM data_version").fetchone()
        return int(row[0])

    async def schema_version(self) -> int:
        row = await self._row("PRAGMA user_version")
        return int(row[0]) if row else 0

    @asynccontextmanager
    async def _write(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            await self._writer.execute("BEGIN IMMEDIATE")
            try:
                yield self._writer
                # Inside the try: deferred foreign keys are checked here, and a failed
                # COMMIT must still roll back rather than leave the transaction open.
                await self._writer.execute("COMMIT")
            except BaseException:
                await self._rollback()
                raise

    # Bounded reads, on the loop thread. Async so that callers need not change if they move.
    async def _rows(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return self._reader.execute(sql, params).fetchall()

    async def _row(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        return self._reader.execute(sql, params).fetchone()  # type: ignore[no-any-return]

    # Reads that grow with the data, in the worker thread.
    async def _off_loop(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` with the worker's connection; it must return plain values, not models
        (building those holds the GIL, which the loop needs)."""
        return await asyncio.get_running_loop().run_in_executor(self._worker, work, self._scanner)

    async def _scan(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return await self._off_loop(lambda db: db.execute(sql, params).fetchall())

    async def _scan_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        rows = await self._off_loop(lambda db: db.execute(sql, params).fetchmany(1))
        return rows[0] if rows else None
