-- The queue filtered by state and category, newest first (issue 18): a coordinator's
-- "in coordination, Jalan" read 51 rows of this index instead of walking one category's
-- reports (a fifth of the store) for the few in that state.
CREATE INDEX reports_state_category ON reports(state, category, id);
