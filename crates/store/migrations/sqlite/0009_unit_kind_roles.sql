-- A city's kinds of unit are data (issue 15): each kind in the settings' `unit_kinds` declares
-- the role code decides from (`region_office`, `validation`, `branch` or `service`, the
-- default), and may name the level of region its units serve and the kind they belong to.
-- Settings stored before listed kinds without these, and left to code the kinds they did not
-- list. What code decided for its eight kinds, and called them, is written into the stored
-- settings here, once: a listed kind without a role gets code's role, level and parent; a kind
-- a stored unit or office template names but the settings do not list is added with code's
-- labels. A kind already carrying a role is left as it is.
WITH legacy (kind, position, entry) AS (
    VALUES
        ('kelurahan', 0, '{"kind":"kelurahan","label":"Kantor Kelurahan","label_en":"Kelurahan office","role":"region_office","level":"kelurahan"}'),
        ('kecamatan', 1, '{"kind":"kecamatan","label":"Kantor Kecamatan","label_en":"Kecamatan office","role":"region_office","level":"kecamatan"}'),
        ('walikota', 2, '{"kind":"walikota","label":"Kantor Wali Kota","label_en":"Wali kota office","role":"region_office","level":"kota"}'),
        ('dinas', 3, '{"kind":"dinas","label":"Dinas/Badan/Biro","label_en":"Dinas/Badan/Biro","role":"service"}'),
        ('suku_dinas', 4, '{"kind":"suku_dinas","label":"Suku Dinas","label_en":"Suku Dinas","role":"branch","level":"kota","parent":"dinas"}'),
        ('satpol_pp', 5, '{"kind":"satpol_pp","label":"Satpol PP","label_en":"Satpol PP","role":"service","parent":"satpol_pp"}'),
        ('validation', 6, '{"kind":"validation","label":"Tim validasi","label_en":"Validation team","role":"validation"}'),
        ('other', 7, '{"kind":"other","label":"Lainnya","label_en":"Other","role":"service"}')
),
listed (kind, position, entry) AS (
    SELECT json_extract(e.value, '$.kind'), e.key, e.value
    FROM settings s, json_each(s.data, '$.unit_kinds') e
    WHERE s.id = 1
),
used (kind) AS (
    SELECT kind FROM units
    UNION
    SELECT json_extract(t.value, '$.kind')
    FROM settings s, json_each(s.data, '$.office_templates') t
    WHERE s.id = 1
),
upgraded (position, entry) AS (
    SELECT l.position,
           CASE WHEN json_extract(l.entry, '$.role') IS NULL AND g.entry IS NOT NULL
                THEN json_patch(g.entry, l.entry)
                ELSE l.entry END
    FROM listed l LEFT JOIN legacy g ON g.kind = l.kind
    UNION ALL
    SELECT 1000 + g.position, g.entry
    FROM legacy g
    WHERE g.kind IN (SELECT kind FROM used)
      AND g.kind NOT IN (SELECT kind FROM listed WHERE kind IS NOT NULL)
)
UPDATE settings
SET data = json_set(data, '$.unit_kinds',
    json((SELECT json_group_array(json(entry) ORDER BY position) FROM upgraded)))
WHERE id = 1
  AND EXISTS (SELECT 1 FROM upgraded);
