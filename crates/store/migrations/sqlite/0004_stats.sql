-- Statistics (issue 6): counts kept up to date with every change to a report, so the
-- published figures for any period read a few rows per month instead of every report.

-- The day a report was filed in the jurisdiction's time zone (the day on its ticket),
-- YYYY-MM-DD; the unit every period is counted in. Filled for existing reports on open.
ALTER TABLE reports ADD COLUMN local_day TEXT;

-- Reports per period and category along one dimension. `grain` 'd': `period` is a day
-- YYYY-MM-DD; 'm': a month YYYY-MM. `category` is a category code, or '*' for all of them.
-- `dim`: `state` (with the coordination and completion time sums the averages need),
-- `channel`, `region` (the report's own region, any level) and, under '*' only,
-- `category`. Every report counts once per dimension, grain and category row.
CREATE TABLE stats_cells (
    grain           TEXT NOT NULL,
    category        TEXT NOT NULL,
    period          TEXT NOT NULL,
    dim             TEXT NOT NULL,
    value           TEXT NOT NULL,
    reports         INTEGER NOT NULL,
    -- Reports with a coordination instant, and the sum of their times to it (ms).
    coordinated     INTEGER NOT NULL,
    coordination_ms INTEGER NOT NULL,
    -- Completed reports with a completion instant, and the sum of their times to it (ms).
    completed       INTEGER NOT NULL,
    completion_ms   INTEGER NOT NULL,
    PRIMARY KEY (grain, category, period, dim, value)
) WITHOUT ROWID;

-- Distinct reporters: each opaque reporter key (a keyed hash or an account number) gets a
-- small number; per grain, category ('*' too), period and channel, the set of reporters
-- with any report there (a Roaring bitmap), so the reporters of a year are the union of a
-- few dozen sets. A set only loses a member when a report changes category (triage), and
-- then only if that reporter has no other report there: asked of the reports themselves.
CREATE TABLE stats_reporter_ids (
    id  INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE
);
CREATE TABLE stats_reporter_sets (
    id       INTEGER PRIMARY KEY,
    grain    TEXT NOT NULL,
    category TEXT NOT NULL,
    period   TEXT NOT NULL,
    channel  TEXT NOT NULL,
    members  BLOB NOT NULL,
    UNIQUE (grain, category, period, channel)
);
CREATE INDEX report_reporters_key ON report_reporters(reporter_key)
    WHERE reporter_key IS NOT NULL;
