-- aduan schema, SQLite. Instants are INTEGER microseconds since the Unix epoch (UTC);
-- calendar dates are TEXT YYYY-MM-DD in the jurisdiction's time zone.

CREATE TABLE settings (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    data TEXT NOT NULL
);

CREATE TABLE regions (
    code     TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    level    TEXT NOT NULL,
    boundary TEXT
) WITHOUT ROWID;

CREATE TABLE units (
    code   TEXT PRIMARY KEY,
    name   TEXT NOT NULL,
    kind   TEXT NOT NULL,
    region TEXT,
    parent TEXT
) WITHOUT ROWID;

CREATE TABLE categories (
    code               TEXT PRIMARY KEY,
    name               TEXT NOT NULL,
    name_en            TEXT NOT NULL,
    responsible_unit   TEXT NOT NULL,
    coordination_hours INTEGER NOT NULL,
    completion_hours   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    unit          TEXT,
    -- Staff names only; a citizen's name is identity and lives sealed in `identities`.
    display_name  TEXT,
    -- May reveal a reporter's identity (with a reason, audited): a court order, say.
    can_view_identity INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);

-- Who a person is (name, phone, e-mail, NIK, handle), sealed with a key that is not in
-- the database; kept apart from everything staff read.
CREATE TABLE identities (
    user_id INTEGER PRIMARY KEY REFERENCES users(id),
    sealed  BLOB NOT NULL
);

-- Every reveal of a reporter's identity, with who, when and why. Append-only.
CREATE TABLE identity_access_log (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor_id  INTEGER NOT NULL REFERENCES users(id),
    report_id INTEGER NOT NULL REFERENCES reports(id),
    reason    TEXT NOT NULL
);
CREATE TRIGGER identity_access_log_no_update BEFORE UPDATE ON identity_access_log
BEGIN SELECT RAISE(ABORT, 'the identity access log is append-only'); END;
CREATE TRIGGER identity_access_log_no_delete BEFORE DELETE ON identity_access_log
BEGIN SELECT RAISE(ABORT, 'the identity access log is append-only'); END;

CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE ticket_days (
    day  TEXT PRIMARY KEY,
    last INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE reports (
    id                   INTEGER PRIMARY KEY,
    ticket               TEXT NOT NULL UNIQUE,
    state                TEXT NOT NULL,
    category             TEXT NOT NULL,
    description          TEXT NOT NULL,
    lat                  REAL,
    lon                  REAL,
    region               TEXT NOT NULL,
    address              TEXT,
    channel              TEXT NOT NULL,
    first_receiver       TEXT NOT NULL,
    holding_unit         TEXT NOT NULL,
    visibility           TEXT NOT NULL,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    coordinated_at       INTEGER,
    completed_at         INTEGER,
    estimated_completion TEXT,
    duplicate_of         TEXT,
    referred_to          TEXT,
    version              INTEGER NOT NULL
);
CREATE INDEX reports_holding_unit ON reports(holding_unit, id);
CREATE INDEX reports_state ON reports(state, id);
CREATE INDEX reports_category ON reports(category, id);
CREATE INDEX reports_region ON reports(region, id);
CREATE INDEX reports_created_at ON reports(created_at);
CREATE INDEX reports_public ON reports(id) WHERE visibility = 'public';
CREATE INDEX reports_duplicate_of ON reports(duplicate_of) WHERE duplicate_of IS NOT NULL;

-- Who reported: apart from the report, read only to authorize the reporter themself.
CREATE TABLE report_reporters (
    report_id  INTEGER PRIMARY KEY REFERENCES reports(id),
    user_id    INTEGER REFERENCES users(id),
    entered_by INTEGER REFERENCES users(id),
    -- The identity a channel gave for a reporter without an account (e.g. Open311's
    -- email/name/phone), sealed like `identities.sealed`; NULL when there is none.
    sealed_identity BLOB
);
CREATE INDEX report_reporters_user ON report_reporters(user_id, report_id);
CREATE INDEX report_reporters_entered_by ON report_reporters(entered_by, report_id);

CREATE TABLE report_events (
    id         INTEGER PRIMARY KEY,
    report_id  INTEGER NOT NULL REFERENCES reports(id),
    at         INTEGER NOT NULL,
    action     TEXT NOT NULL,
    actor_id   INTEGER REFERENCES users(id),
    actor_role TEXT NOT NULL,
    actor_unit TEXT,
    from_state TEXT,
    to_state   TEXT NOT NULL,
    note       TEXT,
    target     TEXT
);
CREATE INDEX report_events_report ON report_events(report_id, id);

CREATE TABLE photos (
    id           INTEGER PRIMARY KEY,
    report_id    INTEGER NOT NULL REFERENCES reports(id),
    event_id     INTEGER NOT NULL REFERENCES report_events(id),
    kind         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    bytes        BLOB NOT NULL,
    created_at   INTEGER NOT NULL,
    -- Evidence read from a documentation photo's EXIF before stripping (validators only).
    captured_at  TEXT,
    evidence_lat REAL,
    evidence_lon REAL
);
CREATE INDEX photos_report ON photos(report_id, id);
CREATE INDEX photos_event ON photos(event_id);

-- Messages between a report's reporter and the staff handling it, relayed by the system so
-- that no contact is handed over. The author is kept to authorize and to mark one's own
-- messages; views show a role and a unit for staff, "the reporter" for the reporter.
CREATE TABLE report_messages (
    id          INTEGER PRIMARY KEY,
    report_id   INTEGER NOT NULL REFERENCES reports(id),
    at          INTEGER NOT NULL,
    author_id   INTEGER NOT NULL REFERENCES users(id),
    author_role TEXT NOT NULL,
    author_unit TEXT,
    body        TEXT NOT NULL
);
CREATE INDEX report_messages_report ON report_messages(report_id, id);

-- Keys of third-party apps (Open311 clients such as Qlue): only the SHA-256 of the key is
-- kept; the key itself is shown once, when it is created.
CREATE TABLE api_keys (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    key_hash   BLOB NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

-- Which channel message each report came from: a message delivered twice files one report.
CREATE TABLE channel_messages (
    channel    TEXT NOT NULL,
    message_id TEXT NOT NULL,
    report_id  INTEGER NOT NULL REFERENCES reports(id),
    PRIMARY KEY (channel, message_id)
) WITHOUT ROWID;
