-- "Saya juga mengalami ini" (issue 17): a citizen supports another's open report instead of
-- filing a duplicate. One row per (report, account); the supporter removes it again. Read
-- only for the supporter's own list and for counts: no staff page ever reads who.
CREATE TABLE report_supporters (
    report_id    BIGINT NOT NULL REFERENCES reports(id),
    user_id      BIGINT NOT NULL REFERENCES users(id),
    supported_at BIGINT NOT NULL,
    PRIMARY KEY (report_id, user_id)
);
CREATE INDEX report_supporters_user ON report_supporters(user_id, supported_at);

-- The open reports of a category near a pin: narrowed by category and a band of latitudes
-- through this index of open reports only, so closed reports (most of a city's millions)
-- cost nothing; distances are measured on the few rows left.
CREATE INDEX reports_open_near ON reports(category, lat, lon)
    WHERE state NOT IN ('completed', 'rejected', 'duplicate', 'referred');
