-- The account lifecycle (issue 14): an admin disables an account (its sessions end with it)
-- or sets a temporary password that must be changed at the next sign-in; staff sessions
-- end when idle, so each session remembers when it was last used and how long it may idle.
ALTER TABLE users ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT NOT NULL DEFAULT 0;
-- NULL: no idle limit (a citizen's session).
ALTER TABLE sessions ADD COLUMN idle_micros BIGINT;
UPDATE sessions SET last_seen_at = created_at;
-- Staff sessions opened under the old rules lasted 30 days: staff sign in again.
DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE role <> 'citizen');
