-- The statistics' counts without hot rows in the write path: a transaction that changes a
-- report appends what the report contributed before and after it here (an append-only
-- queue no two writers contend on), and the changes are folded into `stats_cells` and
-- `stats_reporter_sets` in batches, by a background folder in every instance (claiming rows
-- with FOR UPDATE SKIP LOCKED) and by every statistics read (which first folds what is
-- left, waiting for folds in flight, so the figures count every committed change).
CREATE TABLE stats_pending (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- 1 counts the contribution, -1 takes it back.
    sign            SMALLINT NOT NULL CHECK (sign IN (1, -1)),
    day             TEXT NOT NULL,
    category        TEXT NOT NULL,
    channel         TEXT NOT NULL,
    region          TEXT NOT NULL,
    state           TEXT NOT NULL,
    coordination_ms BIGINT,
    completion_ms   BIGINT,
    reporter        TEXT
);
