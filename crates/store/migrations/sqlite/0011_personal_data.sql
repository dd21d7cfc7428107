-- Personal-data duties (issue 16): the identity access log also records what was done to
-- identities besides revealing one: a data subject's reports searched, exported or erased
-- by an admin, a citizen's account erased, the retention job's runs. `action` says which
-- (`reveal` for every entry written before); `actor_id` is NULL for aduan itself (the
-- retention job), `report_id` NULL for an entry about no single report; `detail` holds
-- what the entry counts (e.g. the retention job's cutoff and how many it erased).
-- SQLite cannot drop NOT NULL in place: the table is rebuilt, rows and ids kept, and stays
-- append-only.
DROP TRIGGER identity_access_log_no_update;
DROP TRIGGER identity_access_log_no_delete;
CREATE TABLE identity_access_log_next (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor_id  INTEGER REFERENCES users(id),
    report_id INTEGER REFERENCES reports(id),
    reason    TEXT NOT NULL,
    action    TEXT NOT NULL DEFAULT 'reveal',
    detail    TEXT
);
INSERT INTO identity_access_log_next (id, at, actor_id, report_id, reason)
    SELECT id, at, actor_id, report_id, reason FROM identity_access_log;
DROP TABLE identity_access_log;
ALTER TABLE identity_access_log_next RENAME TO identity_access_log;
CREATE TRIGGER identity_access_log_no_update BEFORE UPDATE ON identity_access_log
BEGIN SELECT RAISE(ABORT, 'the identity access log is append-only'); END;
CREATE TRIGGER identity_access_log_no_delete BEFORE DELETE ON identity_access_log
BEGIN SELECT RAISE(ABORT, 'the identity access log is append-only'); END;

-- The retention job looks for closed reports by when they last changed.
CREATE INDEX reports_closed ON reports(updated_at, id)
    WHERE state IN ('completed', 'rejected', 'duplicate', 'referred');
