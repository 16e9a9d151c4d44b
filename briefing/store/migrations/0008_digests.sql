-- Scheduled digests: which channel gets one and when, and the ledger of slots delivered.
-- No data_version triggers here: a subscription or a ledger row is not what answers show,
-- and writing one must never drop the answer cache (migration 0006).

CREATE TABLE subscriptions (
    id                INTEGER PRIMARY KEY,
    guild_id          INTEGER NOT NULL,
    channel_id        INTEGER NOT NULL UNIQUE,  -- one subscription per channel
    frequency         TEXT NOT NULL
                          CHECK (frequency IN ('hourly', 'every-6h', 'every-12h', 'daily',
                                               'weekly')),
    at                TEXT NOT NULL,  -- local 'HH:MM'
    timezone          TEXT NOT NULL,  -- IANA name
    weekday           INTEGER NOT NULL DEFAULT 0 CHECK (weekday BETWEEN 0 AND 6),
    topics            TEXT NOT NULL DEFAULT '[]',  -- JSON list of slugs; empty: every topic
    only_when_changed INTEGER NOT NULL DEFAULT 0 CHECK (only_when_changed IN (0, 1)),
    state             TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'paused')),
    pause_reason      TEXT,
    marker            INTEGER NOT NULL DEFAULT 0,  -- the last revisions.id a digest covered
    created_by        INTEGER NOT NULL,
    created_at        TEXT NOT NULL
) STRICT;
CREATE INDEX subscriptions_guild ON subscriptions(guild_id, channel_id);

-- One row per (subscription, slot): a slot is claimed once, whoever races for it.
CREATE TABLE deliveries (
    subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    slot            TEXT NOT NULL,  -- the scheduled time, UTC ISO 8601
    nonce           TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending'
                        CHECK (state IN ('pending', 'sent', 'skipped', 'failed')),
    message_ids     TEXT NOT NULL DEFAULT '[]',  -- JSON list
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    claimed_by      TEXT,
    claimed_at      TEXT,
    PRIMARY KEY (subscription_id, slot)
) STRICT;
-- The newest slot in a state (last delivery, last handled slot) without walking the rest.
CREATE INDEX deliveries_by_state ON deliveries(subscription_id, state, slot);
