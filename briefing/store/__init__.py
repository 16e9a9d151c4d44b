"""The store: SQL only. Every method returns models (or plain values), never rows, and
renders nothing. SQLite (aiosqlite, WAL) stands behind it; this interface is the seam where a
server database could stand in later.

One class per concern, all on one `Database` (connections, migrations, transactions):
topics, claims read, claims written with their revisions, search and autocomplete, and the
bot's own bookkeeping. New tables get a class of their own here in the same way (digest
subscriptions and their delivery ledger; suggested corrections).
"""

from __future__ import annotations

from briefing.store.claim_changes import ClaimChanges
from briefing.store.corrections import Corrections
from briefing.store.digests import Digests
from briefing.store.imports import Imports
from briefing.store.meta import Meta
from briefing.store.revisions import Revisions
from briefing.store.search import Search, SearchHits
from briefing.store.topics import Topics

__all__ = ["SearchHits", "Store"]


class Store(Topics, ClaimChanges, Revisions, Corrections, Digests, Search, Meta, Imports):
    """A process's database. `await Store.open(path)`; `await store.close()` when done."""
