-- A city's kinds of unit are data (issue 15): each kind in the settings' `unit_kinds` declares
-- the role code decides from (`region_office`, `validation`, `branch` or `service`, the
-- default), and may name the level of region its units serve and the kind they belong to.
-- Settings stored before listed kinds without these, and left to code the kinds they did not
-- list. What code decided for its eight kinds, and called them, is written into the stored
-- settings here, once: a listed kind without a role gets code's role, level and parent; a kind
-- a stored unit or office template names but the settings do not list is added with code's
-- labels. A kind already carrying a role is left as it is. (As SQLite's 0009.)
WITH legacy (kind, position, entry) AS (
    VALUES
        ('kelurahan', 0, '{"kind":"kelurahan","label":"Kantor Kelurahan","label_en":"Kelurahan office","role":"region_office","level":"kelurahan"}'::jsonb),
        ('kecamatan', 1, '{"kind":"kecamatan","label":"Kantor Kecamatan","label_en":"Kecamatan office","role":"region_office","level":"kecamatan"}'::jsonb),
        ('walikota', 2, '{"kind":"walikota","label":"Kantor Wali Kota","label_en":"Wali kota office","role":"region_office","level":"kota"}'::jsonb),
        ('dinas', 3, '{"kind":"dinas","label":"Dinas/Badan/Biro","label_en":"Dinas/Badan/Biro","role":"service"}'::jsonb),
        ('suku_dinas', 4, '{"kind":"suku_dinas","label":"Suku Dinas","label_en":"Suku Dinas","role":"branch","level":"kota","parent":"dinas"}'::jsonb),
        ('satpol_pp', 5, '{"kind":"satpol_pp","label":"Satpol PP","label_en":"Satpol PP","role":"service","parent":"satpol_pp"}'::jsonb),
        ('validation', 6, '{"kind":"validation","label":"Tim validasi","label_en":"Validation team","role":"validation"}'::jsonb),
        ('other', 7, '{"kind":"other","label":"Lainnya","label_en":"Other","role":"service"}'::jsonb)
),
stored AS (
    SELECT data::jsonb AS data FROM settings WHERE id = 1
),
listed (kind, position, entry) AS (
    SELECT e.entry->>'kind', e.position, e.entry
    FROM stored,
         jsonb_array_elements(COALESCE(stored.data->'unit_kinds', '[]'::jsonb))
             WITH ORDINALITY AS e(entry, position)
),
used (kind) AS (
    SELECT kind FROM units
    UNION
    SELECT t->>'kind'
    FROM stored, jsonb_array_elements(COALESCE(stored.data->'office_templates', '[]'::jsonb)) t
),
upgraded (position, entry) AS (
    SELECT l.position,
           CASE WHEN l.entry->>'role' IS NULL AND g.entry IS NOT NULL
                THEN g.entry || l.entry
                ELSE l.entry END
    FROM listed l LEFT JOIN legacy g ON g.kind = l.kind
    UNION ALL
    SELECT 1000 + g.position, g.entry
    FROM legacy g
    WHERE g.kind IN (SELECT kind FROM used)
      AND g.kind NOT IN (SELECT kind FROM listed WHERE kind IS NOT NULL)
)
UPDATE settings
SET data = jsonb_set(settings.data::jsonb, '{unit_kinds}',
    (SELECT jsonb_agg(entry ORDER BY position) FROM upgraded))::text
WHERE id = 1
  AND EXISTS (SELECT 1 FROM upgraded);
