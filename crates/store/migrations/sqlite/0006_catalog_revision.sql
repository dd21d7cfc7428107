-- Several instances (issue 7): the jurisdiction's revision, raised by every save, so that an
-- instance sees another's change (and reloads), and an admin's change made from an older
-- revision is refused rather than undoing a newer one.
CREATE TABLE catalog_revision (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    revision INTEGER NOT NULL
);
INSERT INTO catalog_revision (id, revision) VALUES (1, 0);
