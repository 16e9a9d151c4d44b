-- Each claim's /claim card, drawn when the claim is written. Answering /claim then reads one
-- row instead of validating the claim into models and drawing its card, which with the CPU
-- caches cold (as they are between interactions) costs ~300 us. A card counts only while
-- `renderer` names the code that draws cards now. The triggers drop a card whenever its
-- claim or its topic (title) changes, whoever changes it; the store then draws it again
-- (at once for its own writes, when it next opens for anyone else's).
CREATE TABLE claim_cards (
    id       TEXT PRIMARY KEY,     -- the claim's id: /claim reads its card alone
    renderer TEXT NOT NULL,
    card     TEXT NOT NULL         -- briefing.cards.card_to_json
) STRICT;

CREATE TRIGGER claim_cards_claim_changed AFTER UPDATE ON claims BEGIN
    DELETE FROM claim_cards WHERE id IN (OLD.id, NEW.id);
END;

-- Also on insert: INSERT OR REPLACE deletes the old row without firing a delete trigger.
CREATE TRIGGER claim_cards_claim_inserted AFTER INSERT ON claims BEGIN
    DELETE FROM claim_cards WHERE id = NEW.id;
END;

CREATE TRIGGER claim_cards_claim_deleted AFTER DELETE ON claims BEGIN
    DELETE FROM claim_cards WHERE id = OLD.id;
END;

-- A topic's title is on its claims' cards. An upsert sets the title whether or not it
-- changed, hence the WHEN; INSERT OR REPLACE deletes and inserts without an update.
CREATE TRIGGER claim_cards_topic_renamed AFTER UPDATE OF title ON topics
WHEN OLD.title IS NOT NEW.title BEGIN
    DELETE FROM claim_cards WHERE id IN (SELECT id FROM claims WHERE topic = OLD.slug);
END;

CREATE TRIGGER claim_cards_topic_inserted AFTER INSERT ON topics BEGIN
    DELETE FROM claim_cards WHERE id IN (SELECT id FROM claims WHERE topic = NEW.slug);
END;

CREATE TRIGGER claim_cards_topic_deleted AFTER DELETE ON topics BEGIN
    DELETE FROM claim_cards WHERE id IN (SELECT id FROM claims WHERE topic = OLD.slug);
END;
