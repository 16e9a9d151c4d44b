-- Each claim's /claim card, drawn when the claim is written. Answering /claim then reads one
-- row instead of validating the claim into models and drawing its card, which with the CPU
-- caches cold (as they are between interactions) costs ~300 us. A card counts only while
-- `renderer` names the code that draws cards now. The triggers drop a card whenever its
-- claim or its topic's title changes, whoever changes it; the store then draws it again
-- (at once for its own writes, when it next opens for anyone else's).
CREATE TABLE claim_cards (
    seq      INTEGER PRIMARY KEY,  -- the claim's seq
    renderer TEXT NOT NULL,
    card     TEXT NOT NULL         -- briefing.cards.card_to_json
) STRICT;

CREATE TRIGGER claim_cards_claim_changed AFTER UPDATE ON claims BEGIN
    DELETE FROM claim_cards WHERE seq IN (OLD.seq, NEW.seq);
END;

CREATE TRIGGER claim_cards_claim_deleted AFTER DELETE ON claims BEGIN
    DELETE FROM claim_cards WHERE seq = OLD.seq;
END;

CREATE TRIGGER claim_cards_topic_renamed AFTER UPDATE OF title ON topics BEGIN
    DELETE FROM claim_cards WHERE seq IN (SELECT seq FROM claims WHERE topic = OLD.slug);
END;
