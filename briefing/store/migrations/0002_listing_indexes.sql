-- Answers are read a page at a time (LIMIT/OFFSET) in event-date order, undated last.
-- These indexes let SQLite walk straight to a page instead of sorting every match.
CREATE INDEX claims_topic_order ON claims(topic, coalesce(event_date, '9999-12-31'), id);
CREATE INDEX claims_status_order ON claims(status, coalesce(event_date, '9999-12-31'), id);
CREATE INDEX claims_order ON claims(coalesce(event_date, '9999-12-31'), id);
CREATE INDEX claims_topic_date ON claims(topic, event_date, id);
CREATE INDEX claims_date ON claims(event_date, id);
-- Search ranks statements above actors and quotes; as the table's default rank, FTS5 can
-- stop after the best N matches.
INSERT INTO claims_fts(claims_fts, rank) VALUES ('rank', 'bm25(0.0, 4.0, 1.0)');
-- Covering indexes for the per-status tallies and for /about's freshness (MAX/MIN).
CREATE INDEX claims_topic_status ON claims(topic, status);
CREATE INDEX claims_updated ON claims(updated_at);
CREATE INDEX claims_reviewed ON claims(reviewed_at);
