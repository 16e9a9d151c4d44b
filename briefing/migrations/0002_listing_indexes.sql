-- Answers are read a page at a time (LIMIT/OFFSET) in event-date order.
CREATE INDEX claims_topic_date ON claims(topic, event_date, id);
CREATE INDEX claims_status_date ON claims(status, event_date, id);
CREATE INDEX claims_date ON claims(event_date, id);
