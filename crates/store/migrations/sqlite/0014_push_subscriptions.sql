-- Web Push (issue 17): the browsers a citizen asked to be told on of each step of their
-- reports. Endpoint and keys sealed (they reach a person), found again by a keyed hash of
-- the endpoint; a few per account (the store keeps the newest).
CREATE TABLE push_subscriptions (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    endpoint_key TEXT NOT NULL UNIQUE,
    sealed       BLOB NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX push_subscriptions_user ON push_subscriptions(user_id, id);
