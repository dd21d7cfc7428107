-- A report's description as everyone but its reporter reads it: masked by the application
-- when the report is filed, with the reporter's identity at hand (aduan_domain::scrub::
-- staff_text), which SQL cannot do. NULL for reports stored before it existed and for
-- imported ones: the application masks those by the generic rules on read
-- (Report::description_for_others).
ALTER TABLE reports ADD COLUMN staff_description TEXT;
