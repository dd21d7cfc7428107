-- Which identity key this database's sealed values and reporter keys were made with: a
-- fingerprint of it (IdentityKey::fingerprint, a labelled HKDF output), never the key. One
-- row at most, recorded on the first start; an instance with another key refuses to start.
CREATE TABLE identity_key (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint TEXT NOT NULL,
    recorded_at INTEGER NOT NULL
);
