-- Translations of curated text (JSON {lang: {...}}), and the claims an editor pinned to
-- lead a topic's briefing (JSON list of ids).
ALTER TABLE claims ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
ALTER TABLE topics ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
ALTER TABLE topics ADD COLUMN key_claims TEXT NOT NULL DEFAULT '[]';

-- The search index gains `numbers` (every number as one token, however it is written:
-- briefing/numbers.py) and `translated` (the claim's statement in other languages).
CREATE VIRTUAL TABLE claims_fts_new USING fts5(
    statement, people, numbers, translated, tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO claims_fts_new(rowid, statement, people, numbers, translated)
    SELECT f.rowid, f.statement, f.people,
           briefing_numbers(c.statement, f.people, c.figure), ''
    FROM claims_fts f JOIN claims c ON c.seq = -f.rowid;
DROP TABLE claims_fts;
ALTER TABLE claims_fts_new RENAME TO claims_fts;
-- Statements, numbers and translations rank above actors and quotes.
INSERT INTO claims_fts(claims_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0, 4.0, 4.0)');
INSERT INTO claims_fts(claims_fts) VALUES ('optimize');

-- When what a claim says last changed, as a member would mean it (models.changed_at): the
-- time of its last edit, or for a claim never edited the date of its newest source. A
-- topic's briefing lists its claims by it, newest first.
ALTER TABLE claims ADD COLUMN changed_at TEXT;
UPDATE claims SET changed_at = briefing_changed_at(version, updated_at, stances, sources);
CREATE INDEX claims_topic_changed ON claims(topic, changed_at DESC, seq DESC)
    WHERE retired_at IS NULL;
