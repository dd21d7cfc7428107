-- Statistics (issue 6): counts kept up to date with every change to a report, so the
-- published figures for any period read a few rows per month instead of every report.

-- The day a report was filed in the jurisdiction's time zone (the day on its ticket),
-- YYYY-MM-DD; the unit every period is counted in. Filled for existing reports on open.
ALTER TABLE reports ADD COLUMN local_day TEXT;

-- Reports per period, category and one other dimension: `state` (with the coordination
-- and completion time sums the averages need), `channel` or `region` (the report's own
-- region, any level). `grain` 'd': `period` is a day YYYY-MM-DD; 'm': a month YYYY-MM.
-- Every report counts once per dimension at each grain.
CREATE TABLE stats_cells (
    grain           TEXT NOT NULL,
    period          TEXT NOT NULL,
    category        TEXT NOT NULL,
    dim             TEXT NOT NULL,
    value           TEXT NOT NULL,
    reports         INTEGER NOT NULL,
    -- Reports with a coordination instant, and the sum of their times to it (ms).
    coordinated     INTEGER NOT NULL,
    coordination_ms INTEGER NOT NULL,
    -- Completed reports with a completion instant, and the sum of their times to it (ms).
    completed       INTEGER NOT NULL,
    completion_ms   INTEGER NOT NULL,
    PRIMARY KEY (grain, period, category, dim, value)
) WITHOUT ROWID;

-- Who reported, per day, category and channel, for counting distinct reporters over any
-- period: the opaque reporter key only (a keyed hash or an account number).
CREATE TABLE stats_reporters (
    day      TEXT NOT NULL,
    category TEXT NOT NULL,
    channel  TEXT NOT NULL,
    reporter TEXT NOT NULL,
    reports  INTEGER NOT NULL,
    PRIMARY KEY (day, category, channel, reporter)
) WITHOUT ROWID;
