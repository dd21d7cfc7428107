-- A report filed without an account gets a secret tracking code (issue 17): only its hash
-- is kept, one per report, so that /lacak can show a private report's state and history
-- to whoever holds the ticket and the code.
CREATE TABLE tracking_codes (
    report_id INTEGER PRIMARY KEY REFERENCES reports(id),
    code_hash BLOB NOT NULL CHECK (length(code_hash) = 32)
);
