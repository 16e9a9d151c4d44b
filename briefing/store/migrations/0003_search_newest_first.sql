-- The search index's rowid becomes the claim's seq negated, so the index's own order
-- (ascending rowid) is newest first: a broad search reads its newest matches from the
-- front of each list and stops there, instead of loading whole lists to walk them
-- backwards. Claims are found by seq, so the index no longer stores their ids.
CREATE VIRTUAL TABLE claims_fts_new USING fts5(
    statement, people, tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO claims_fts_new(rowid, statement, people)
    SELECT -rowid, statement, people FROM claims_fts;
DROP TABLE claims_fts;
ALTER TABLE claims_fts_new RENAME TO claims_fts;
-- Statements still rank above actors and quotes.
INSERT INTO claims_fts(claims_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0)');
-- One merged segment: each query seeks once instead of once per segment.
INSERT INTO claims_fts(claims_fts) VALUES ('optimize');
