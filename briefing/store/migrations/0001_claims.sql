-- Topics, claims, their append-only revisions, a full-text index, and bot metadata.
CREATE TABLE topics (
    slug      TEXT PRIMARY KEY,
    title     TEXT NOT NULL,
    summary   TEXT NOT NULL,
    command   TEXT UNIQUE,
    position  INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE claims (
    id              TEXT PRIMARY KEY,
    topic           TEXT NOT NULL REFERENCES topics(slug) ON UPDATE CASCADE,
    statement       TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN
                        ('confirmed','reported','disputed','denied','false','superseded')),
    stances         TEXT NOT NULL DEFAULT '[]',   -- JSON list of Stance, read whole with the claim
    figure          TEXT,                         -- JSON Figure or NULL
    event_date      TEXT,                         -- ISO date of the period's first day
    event_precision TEXT CHECK (event_precision IN ('day','month','season','year')),
    sources         TEXT NOT NULL DEFAULT '[]',   -- JSON list of Source
    reviewed_at     TEXT,
    superseded_by   TEXT REFERENCES claims(id),
    version         INTEGER NOT NULL DEFAULT 1,
    seq             INTEGER NOT NULL UNIQUE,      -- creation order; the claim's search rowid
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX claims_topic ON claims(topic);
CREATE INDEX claims_status ON claims(status);

CREATE TABLE revisions (
    id          INTEGER PRIMARY KEY,
    claim_id    TEXT NOT NULL REFERENCES claims(id),
    version     INTEGER NOT NULL,
    editor_id   INTEGER,
    editor_name TEXT NOT NULL,
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    diff        TEXT NOT NULL,
    reason      TEXT,
    UNIQUE (claim_id, version)
) STRICT;

-- Full-text index over what people search for: statement, actors, quotes, outlets.
-- Its rowid is the claim's seq, so "newest first" is creation order and an edit replaces
-- one row by rowid instead of scanning for the claim id.
CREATE VIRTUAL TABLE claims_fts USING fts5(
    claim_id UNINDEXED, statement, people, tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
