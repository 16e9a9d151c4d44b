-- Rendered answers are no longer kept in the database: the answer cache keeps them in
-- memory. Dropping the triggers first, since they name the table.
DROP TRIGGER claim_cards_claim_changed;
DROP TRIGGER claim_cards_claim_inserted;
DROP TRIGGER claim_cards_claim_deleted;
DROP TRIGGER claim_cards_topic_renamed;
DROP TRIGGER claim_cards_topic_inserted;
DROP TRIGGER claim_cards_topic_deleted;
DROP TABLE claim_cards;

-- The data version: a number that moves whenever what answers show changes, and only then.
-- Answers are cached until it moves. Triggers bump it, so a change made by any program
-- counts, not only by a bot that knows about caches. Claims hold their stances, sources and
-- actors; a table added for any of those, or for anything else answers show, needs the same
-- three triggers. Subscriptions, deliveries, suggestions and meta do not move it.
CREATE TABLE data_version (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
) STRICT;
INSERT INTO data_version(id, value) VALUES (1, 1);

CREATE TRIGGER data_version_claim_inserted AFTER INSERT ON claims BEGIN
    UPDATE data_version SET value = value + 1;
END;
CREATE TRIGGER data_version_claim_updated AFTER UPDATE ON claims BEGIN
    UPDATE data_version SET value = value + 1;
END;
CREATE TRIGGER data_version_claim_deleted AFTER DELETE ON claims BEGIN
    UPDATE data_version SET value = value + 1;
END;
CREATE TRIGGER data_version_topic_inserted AFTER INSERT ON topics BEGIN
    UPDATE data_version SET value = value + 1;
END;
CREATE TRIGGER data_version_topic_updated AFTER UPDATE ON topics BEGIN
    UPDATE data_version SET value = value + 1;
END;
CREATE TRIGGER data_version_topic_deleted AFTER DELETE ON topics BEGIN
    UPDATE data_version SET value = value + 1;
END;
