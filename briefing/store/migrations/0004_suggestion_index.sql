-- Autocomplete lists up to 25 claims whose id starts with what was typed, with their
-- statements. With both in one index the 25 are read side by side from its pages, instead
-- of from one table page each (about half the time with a cold cache).
CREATE INDEX claims_id_statement ON claims(id, statement);
