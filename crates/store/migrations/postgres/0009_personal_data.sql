-- Personal-data duties (issue 16): the identity access log also records what was done to
-- identities besides revealing one: a data subject's reports searched, exported or erased
-- by an admin, a citizen's account erased, the retention job's runs. `action` says which
-- (`reveal` for every entry written before); `actor_id` is NULL for aduan itself (the
-- retention job), `report_id` NULL for an entry about no single report; `detail` holds
-- what the entry counts (e.g. the retention job's cutoff and how many it erased).
ALTER TABLE identity_access_log ALTER COLUMN actor_id DROP NOT NULL;
ALTER TABLE identity_access_log ALTER COLUMN report_id DROP NOT NULL;
ALTER TABLE identity_access_log ADD COLUMN action TEXT NOT NULL DEFAULT 'reveal';
ALTER TABLE identity_access_log ADD COLUMN detail TEXT;

-- The retention job looks for closed reports by when they last changed.
CREATE INDEX reports_closed ON reports(updated_at, id)
    WHERE state IN ('completed', 'rejected', 'duplicate', 'referred');
