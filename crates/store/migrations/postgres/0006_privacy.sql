-- A report's description as everyone but its reporter reads it: masked by the application
-- when the report is filed, with the reporter's identity at hand (aduan_domain::scrub::
-- staff_text), which SQL cannot do. NULL for reports stored before it existed and for
-- imported ones: the application masks those by the generic rules on read
-- (Report::description_for_others).
ALTER TABLE reports ADD COLUMN staff_description TEXT;

-- Staff search what staff read: the masked description (the original where none was stored)
-- and the address, so a search cannot tell an officer what a mask hides (the reporter's
-- name, say). Regenerated for every row.
DROP INDEX IF EXISTS reports_search;
ALTER TABLE reports DROP COLUMN search;
ALTER TABLE reports
    ADD COLUMN search tsvector
    GENERATED ALWAYS AS (
        to_tsvector('indonesian',
            COALESCE(staff_description, description) || ' ' || COALESCE(address, ''))
    ) STORED;
CREATE INDEX reports_search ON reports USING GIN (search);
