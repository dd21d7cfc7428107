-- Channels (issue 4): triage keywords, answers on the reporter's channel through an outbox,
-- photos fetched from channels, the triage queue and what the classifier has learnt.

ALTER TABLE categories ADD COLUMN keywords TEXT NOT NULL DEFAULT '[]';

-- How to answer a reporter without an account on their channel (a phone number, an X user
-- id, a LAPOR! tracking id…), sealed like `sealed_identity`.
ALTER TABLE report_reporters ADD COLUMN sealed_reply BLOB;
-- Who reported, as an opaque key for counting distinct reporters: `account:<id>` or a
-- keyed hash of the channel address. Never reversible without the identity key.
ALTER TABLE report_reporters ADD COLUMN reporter_key TEXT;
CREATE INDEX reports_channel ON reports(channel, created_at);

-- Work to do outside the request that caused it, written in the same transaction (a
-- transactional outbox): answers to reporters (`reply`) and photos to fetch from a
-- channel (`fetch_media`). A worker claims due rows with a lease, so a crashed worker's
-- row is claimed again once its lease runs out; failures back off until `dead`.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    report_id       INTEGER NOT NULL REFERENCES reports(id),
    kind            TEXT NOT NULL,
    channel         TEXT NOT NULL,
    -- `reply`: {"action", "state", "note"}; `fetch_media`: {"reference", "content_type"}.
    payload         TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    locked_until    INTEGER,
    last_error      TEXT,
    done_at         INTEGER
);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE state = 'pending';
CREATE INDEX outbox_state ON outbox(state, id);
CREATE INDEX outbox_report ON outbox(report_id, id);

-- Reports from channels without a category or a place wait here for a coordinator to
-- confirm or correct what triage suggested.
CREATE TABLE triage (
    report_id          INTEGER PRIMARY KEY REFERENCES reports(id),
    suggested_category TEXT,
    confidence         REAL NOT NULL,
    suggested_region   TEXT,
    confirmed_by       INTEGER REFERENCES users(id),
    confirmed_at       INTEGER
);
CREATE INDEX triage_pending ON triage(report_id) WHERE confirmed_at IS NULL;

-- The triage classifier's counts: per category, confirmed texts (token '') and each
-- stemmed token's occurrences.
CREATE TABLE triage_model (
    category TEXT NOT NULL,
    token    TEXT NOT NULL,
    count    INTEGER NOT NULL,
    PRIMARY KEY (category, token)
) WITHOUT ROWID;
