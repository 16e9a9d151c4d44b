-- The editorial desk: retired claims, timeline placement, topic history and suggestions.

-- A retired claim keeps its row and history but leaves every listing and search.
ALTER TABLE claims ADD COLUMN retired_at TEXT;
-- Where the claim sits in time (EventDate.sort_key of its event date, or of its earliest
-- dated stance when a source says only when it was said); NULL when nothing is dated.
ALTER TABLE claims ADD COLUMN timeline_key TEXT;
UPDATE claims SET timeline_key = briefing_timeline_key(event_date, event_precision, stances);

-- The listing indexes again, over the claims still listed, so a page walks only those.
DROP INDEX claims_topic_order;
DROP INDEX claims_status_order;
DROP INDEX claims_order;
DROP INDEX claims_topic_date;
DROP INDEX claims_date;
CREATE INDEX claims_topic_order ON claims(topic, coalesce(event_date, '9999-12-31'), id)
    WHERE retired_at IS NULL;
CREATE INDEX claims_status_order ON claims(status, coalesce(event_date, '9999-12-31'), id)
    WHERE retired_at IS NULL;
CREATE INDEX claims_order ON claims(coalesce(event_date, '9999-12-31'), id)
    WHERE retired_at IS NULL;
CREATE INDEX claims_topic_timeline ON claims(topic, timeline_key, id)
    WHERE retired_at IS NULL AND timeline_key IS NOT NULL;
CREATE INDEX claims_timeline ON claims(timeline_key, id)
    WHERE retired_at IS NULL AND timeline_key IS NOT NULL;
-- Autocomplete by id over the claims still listed, covering as 0004's index does
-- (retired_at is in it only so that SQLite reads nothing else).
CREATE INDEX claims_live_ids ON claims(id, statement, retired_at) WHERE retired_at IS NULL;

-- Topic edits keep a history as claims do (no versions: topics are edited rarely, whole).
CREATE TABLE topic_revisions (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL REFERENCES topics(slug) ON UPDATE CASCADE,
    editor_id   INTEGER,
    editor_name TEXT NOT NULL,
    at          TEXT NOT NULL,
    diff        TEXT NOT NULL,
    reason      TEXT
) STRICT;

-- Corrections suggested by members; editors accept or reject them. Writing here never
-- moves the data version: suggestions are not what answers show.
CREATE TABLE suggestions (
    id              INTEGER PRIMARY KEY,
    claim_id        TEXT REFERENCES claims(id),
    text            TEXT NOT NULL,
    source_url      TEXT,
    author_id       INTEGER NOT NULL,
    author_name     TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'open'
                        CHECK (status IN ('open', 'accepted', 'rejected')),
    handled_by_id   INTEGER,
    handled_by_name TEXT,
    reason          TEXT,
    created_at      TEXT NOT NULL,
    handled_at      TEXT
) STRICT;
CREATE INDEX suggestions_open ON suggestions(status, id);
CREATE INDEX suggestions_by_author ON suggestions(author_id, created_at);
