-- The icon a category is shown with on /lapor (issue 17): one of aduan's own SVG icons by
-- name (`pohon`, `jalan`...); NULL when the pack names none and the icon is guessed from the
-- category's names and keywords.
ALTER TABLE categories ADD COLUMN icon TEXT;
