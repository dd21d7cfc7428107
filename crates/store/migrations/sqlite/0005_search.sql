-- Full-text search over reports: one row per report (rowid = reports.id) holding the terms of
-- its description and address, stemmed by the application (aduan_domain::search::index_terms,
-- Snowball Indonesian, as PostgreSQL's `indonesian` configuration stems). Written in the same
-- transaction as the report; existing reports are indexed when this migration runs.
-- `terms` is what staff and reporters search (description and address); `public_terms` what
-- the public feed searches: the description as the public sees it, personal data masked
-- (aduan_domain::search::public_index_terms), so a search cannot probe what a mask hides.
-- Diacritics are kept, as PostgreSQL keeps them.
CREATE VIRTUAL TABLE reports_fts USING fts5(
    terms,
    public_terms,
    tokenize = 'unicode61 remove_diacritics 0'
);
