-- Full-text search over reports, stemmed by the `indonesian` configuration (Snowball
-- Indonesian, as the SQLite store's index stems with aduan_domain::search::index_terms).
--
-- `search`: what staff and reporters search, the description and the address; generated, so
-- every insert keeps it.
ALTER TABLE reports
    ADD COLUMN search tsvector
    GENERATED ALWAYS AS (
        to_tsvector('indonesian', description || ' ' || COALESCE(address, ''))
    ) STORED;
CREATE INDEX reports_search ON reports USING GIN (search);

-- `public_search`: what the public feed searches, the description as the public sees it with
-- personal data masked (aduan_domain::scrub::public_text, applied by the application, which
-- SQL cannot do) and no address, so a search cannot probe what a mask hides. Written with the
-- report (postgres/search.rs); NULL matches no public search.
ALTER TABLE reports ADD COLUMN public_search tsvector;
CREATE INDEX reports_public_search ON reports USING GIN (public_search);
