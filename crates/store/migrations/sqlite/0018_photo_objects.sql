-- Photos leave the database (issue 18): their images are content-addressed objects in the
-- photo store (files under the data directory, or S3-compatible object storage), a display
-- image and a thumbnail for each photo, and a row keeps only their SHA-256 and size.
-- Photos stored before wait here with their bytes until `aduan migrate` (or the server, as
-- it starts) moves them out; their rows have no image until then.
CREATE TABLE photos_to_move (
    photo_id INTEGER PRIMARY KEY REFERENCES photos(id),
    bytes    BLOB NOT NULL
);
INSERT INTO photos_to_move (photo_id, bytes) SELECT id, bytes FROM photos;
ALTER TABLE photos DROP COLUMN bytes;
ALTER TABLE photos ADD COLUMN image_sha256 BLOB;
ALTER TABLE photos ADD COLUMN image_size INTEGER;
ALTER TABLE photos ADD COLUMN thumbnail_sha256 BLOB;
ALTER TABLE photos ADD COLUMN thumbnail_size INTEGER;
