//! What the admins' catalog pages say, in Indonesian and English: one field per string, so
//! a string missing in either language does not compile.

use aduan_domain::RegionLevel;

use super::super::Lang;
use super::problems::Problem;

pub struct CatalogTexts {
    pub section_label: &'static str,
    pub units_title: &'static str,
    pub units_intro: &'static str,
    pub categories_title: &'static str,
    pub categories_intro: &'static str,
    pub routing_title: &'static str,
    pub kind: &'static str,
    pub code: &'static str,
    pub code_hint: &'static str,
    pub name: &'static str,
    pub region: &'static str,
    pub parent: &'static str,
    pub none: &'static str,
    pub edit: &'static str,
    pub save: &'static str,
    pub cancel: &'static str,
    pub page_of: &'static str,
    pub previous_page: &'static str,
    pub next_page: &'static str,
    pub add_unit: &'static str,
    pub add_unit_intro: &'static str,
    pub edit_unit: &'static str,
    pub edit_unit_intro: &'static str,
    pub unit_added: &'static str,
    pub unit_saved: &'static str,
    pub unit_not_found: &'static str,
    pub name_id: &'static str,
    pub name_en: &'static str,
    pub responsible_unit: &'static str,
    pub responsible_hint: &'static str,
    pub icon: &'static str,
    pub icon_hint: &'static str,
    /// The first choice: no icon named, one guessed from the name and keywords.
    pub icon_guessed: &'static str,
    pub coordination_hours: &'static str,
    pub completion_hours: &'static str,
    pub hours_hint: &'static str,
    pub keywords: &'static str,
    pub add_category: &'static str,
    pub edit_category: &'static str,
    pub category_added: &'static str,
    pub category_saved: &'static str,
    pub category_not_found: &'static str,
    pub refused_inconsistent: &'static str,
    pub refused_stale: &'static str,
    // Routing
    pub routing_intro: &'static str,
    pub routing_step_receive: &'static str,
    pub routing_step_forward: &'static str,
    pub routing_step_dispose: &'static str,
    pub routing_editable: &'static str,
    pub routing_table: &'static str,
    pub branches: &'static str,
    pub no_branches: &'static str,
    pub try_title: &'static str,
    pub try_category: &'static str,
    pub try_region: &'static str,
    pub try_submit: &'static str,
    pub try_result: &'static str,
    pub first_receiver: &'static str,
    pub forwarded_to: &'static str,
    pub no_receiver: &'static str,
    pub pick_both: &'static str,
    levels: [&'static str; 3],
    problems: ProblemTexts,
}

struct ProblemTexts {
    required: &'static str,
    too_long: &'static str,
    bad_code: &'static str,
    code_taken: &'static str,
    code_reserved: &'static str,
    name_taken: &'static str,
    unknown_unit: &'static str,
    unknown_category: &'static str,
    cannot_be_responsible: &'static str,
    unknown_kind: &'static str,
    unknown_icon: &'static str,
    unknown_region: &'static str,
    region_needed: &'static str,
    region_level: &'static str,
    region_has_office: &'static str,
    parent_needed: &'static str,
    parent_kind: &'static str,
    branch_exists: &'static str,
    no_parent: &'static str,
    not_whole_hours: &'static str,
    not_positive: &'static str,
    too_many_hours: &'static str,
    coordination_after_completion: &'static str,
}

impl CatalogTexts {
    pub fn level(&self, level: RegionLevel) -> &'static str {
        match level {
            RegionLevel::Kota => self.levels[0],
            RegionLevel::Kecamatan => self.levels[1],
            RegionLevel::Kelurahan => self.levels[2],
        }
    }

    /// What is wrong, in words beside the field.
    pub fn problem(&self, problem: Problem) -> String {
        let p = &self.problems;
        match problem {
            Problem::Required => p.required.to_owned(),
            Problem::TooLong => p
                .too_long
                .replace("{}", &super::problems::MAX_NAME.to_string()),
            Problem::BadCode => p.bad_code.to_owned(),
            Problem::CodeTaken => p.code_taken.to_owned(),
            Problem::CodeReserved => p.code_reserved.to_owned(),
            Problem::NameTaken => p.name_taken.to_owned(),
            Problem::UnknownUnit => p.unknown_unit.to_owned(),
            Problem::UnknownCategory => p.unknown_category.to_owned(),
            Problem::CannotBeResponsible => p.cannot_be_responsible.to_owned(),
            Problem::UnknownKind => p.unknown_kind.to_owned(),
            Problem::UnknownIcon => p.unknown_icon.to_owned(),
            Problem::UnknownRegion => p.unknown_region.to_owned(),
            Problem::RegionNeeded => p.region_needed.to_owned(),
            Problem::RegionLevel(level) => p.region_level.replace("{}", self.level(level)),
            Problem::RegionHasOffice => p.region_has_office.to_owned(),
            Problem::ParentNeeded => p.parent_needed.to_owned(),
            Problem::ParentKind => p.parent_kind.to_owned(),
            Problem::BranchExists => p.branch_exists.to_owned(),
            Problem::NoParent => p.no_parent.to_owned(),
            Problem::NotWholeHours => p.not_whole_hours.to_owned(),
            Problem::NotPositive => p.not_positive.to_owned(),
            Problem::TooManyHours(max) => p.too_many_hours.replace("{}", &max.to_string()),
            Problem::CoordinationAfterCompletion => p.coordination_after_completion.to_owned(),
        }
    }
}

pub fn texts(lang: Lang) -> &'static CatalogTexts {
    match lang {
        Lang::Id => &CATALOG_ID,
        Lang::En => &CATALOG_EN,
    }
}

pub static CATALOG_ID: CatalogTexts = CatalogTexts {
    section_label: "Katalog",
    units_title: "Unit kerja",
    units_intro: "Kantor yang menerima dan menindaklanjuti laporan. Kode, jenis, wilayah dan induk \
                  unit tidak diubah setelah dibuat, karena laporan dan akun merujuk kodenya; \
                  namanya boleh diubah.",
    categories_title: "Kategori",
    categories_intro: "Jenis masalah yang dilaporkan warga, unit penanggung jawabnya dan target \
                       waktunya. Perubahan target berlaku seketika untuk semua laporan kategori \
                       itu.",
    routing_title: "Rute laporan",
    kind: "Jenis",
    code: "Kode",
    code_hint: "Huruf kecil a-z, angka, '-', '_' atau '.'; tidak bisa diubah nanti.",
    name: "Nama",
    region: "Wilayah",
    parent: "Induk",
    none: "—",
    edit: "Ubah",
    save: "Simpan",
    cancel: "Batal",
    page_of: "Halaman {page} dari {pages}",
    previous_page: "Halaman sebelumnya",
    next_page: "Halaman berikutnya",
    add_unit: "Tambah unit",
    add_unit_intro: "Kantor kelurahan, kecamatan dan wali kota memerlukan wilayah setingkat yang \
                     belum punya kantor; Suku Dinas memerlukan kota dan Dinas induknya.",
    edit_unit: "Ubah unit",
    edit_unit_intro: "Hanya nama yang bisa diubah.",
    unit_added: "Unit ditambahkan.",
    unit_saved: "Nama unit disimpan.",
    unit_not_found: "Unit ini tidak ada.",
    name_id: "Nama (bahasa Indonesia)",
    name_en: "Nama (bahasa Inggris)",
    responsible_unit: "Unit penanggung jawab",
    responsible_hint: "Dinas, Satpol PP atau instansi lain yang menangani masalah ini.",
    icon: "Ikon",
    icon_hint: "Gambar pada pilihan kategori di halaman Lapor.",
    icon_guessed: "Otomatis, menurut nama dan kata kunci",
    coordination_hours: "Target koordinasi (jam)",
    completion_hours: "Target penyelesaian (jam)",
    hours_hint: "Jam bulat, paling sedikit 1.",
    keywords: "Kata kunci",
    add_category: "Tambah kategori",
    edit_category: "Ubah kategori",
    category_added: "Kategori ditambahkan.",
    category_saved: "Kategori disimpan; berlaku seketika.",
    category_not_found: "Kategori ini tidak ada.",
    refused_stale: "Data ini baru saja diubah oleh admin lain; tidak ada yang disimpan. Periksa data \
        terbaru di bawah, lalu simpan lagi.",
    refused_inconsistent: "Perubahan ditolak karena data wilayah tidak lagi konsisten; tidak ada \
                           yang disimpan.",
    routing_intro: "Beginilah sebuah laporan sampai ke unit yang menanganinya:",
    routing_step_receive: "Laporan baru diterima kantor wilayah tempat masalahnya: kantor \
                           kelurahan, atau kecamatan bila kelurahan belum dimuat, atau wali kota.",
    routing_step_forward: "Koordinator meneruskannya (Koordinasi) ke unit penanggung jawab \
                           kategorinya; yang disarankan adalah Suku Dinas-nya di kota laporan \
                           itu, bila ada, atau Dinas-nya sendiri.",
    routing_step_dispose: "Dinas dapat mendisposisikannya ke salah satu Suku Dinas-nya.",
    routing_editable: "Yang dapat diubah dalam rute ini adalah unit penanggung jawab tiap \
                       kategori (di halaman Kategori) dan kantor wilayah (di halaman Unit kerja). \
                       Tidak ada aturan rute lain.",
    routing_table: "Penanggung jawab tiap kategori",
    branches: "Suku Dinas / kantor kota",
    no_branches: "tidak ada; diteruskan ke unit ini sendiri",
    try_title: "Coba rute",
    try_category: "Kategori",
    try_region: "Wilayah laporan",
    try_submit: "Tampilkan rute",
    try_result: "Rute untuk laporan ini",
    first_receiver: "Diterima pertama oleh",
    forwarded_to: "Diteruskan (disarankan) ke",
    no_receiver: "Belum ada kantor yang menerima laporan di wilayah ini.",
    pick_both: "Pilih kategori dan wilayah yang ada.",
    levels: ["kota", "kecamatan", "kelurahan"],
    problems: ProblemTexts {
        required: "Wajib diisi.",
        too_long: "Paling banyak {} karakter.",
        bad_code: "Hanya huruf kecil a-z, angka, '-', '_' atau '.', diawali huruf atau angka, \
                   paling banyak 64 karakter.",
        code_taken: "Kode ini sudah dipakai.",
        code_reserved: "Kode ini dipakai alamat halaman; pilih kode lain.",
        name_taken: "Kategori lain sudah memakai nama ini.",
        unknown_unit: "Unit ini tidak ada.",
        unknown_category: "Kategori ini tidak ada.",
        cannot_be_responsible: "Pilih Dinas, Satpol PP atau instansi lain; kantor wilayah dan tim \
                                validasi tidak bisa menjadi penanggung jawab.",
        unknown_kind: "Pilih jenis unit.",
        unknown_icon: "Pilih salah satu ikon dari daftar.",
        unknown_region: "Wilayah ini tidak ada.",
        region_needed: "Unit jenis ini memerlukan wilayah.",
        region_level: "Wilayahnya harus sebuah {}.",
        region_has_office: "Wilayah ini sudah punya kantor yang menerima laporannya.",
        parent_needed: "Suku Dinas memerlukan Dinas induknya.",
        parent_kind: "Induk Suku Dinas harus Dinas; induk Satpol PP wilayah harus Satpol PP.",
        branch_exists: "Dinas ini sudah punya Suku Dinas di kota ini.",
        no_parent: "Unit jenis ini tidak punya induk.",
        not_whole_hours: "Isi jumlah jam bulat, misalnya 6.",
        not_positive: "Paling sedikit 1 jam.",
        too_many_hours: "Paling banyak {} jam.",
        coordination_after_completion: "Target koordinasi tidak boleh lebih lama dari target \
                                        penyelesaian.",
    },
};

pub static CATALOG_EN: CatalogTexts = CatalogTexts {
    section_label: "Catalog",
    units_title: "Units",
    units_intro: "The offices that receive and follow up reports. A unit's code, kind, region and \
                  parent stay as created, since reports and accounts refer to its code; its name \
                  may change.",
    categories_title: "Categories",
    categories_intro: "The kinds of problem citizens report, the unit responsible for each and \
                       its time targets. A changed target applies at once to every report of the \
                       category.",
    routing_title: "Report routing",
    kind: "Kind",
    code: "Code",
    code_hint: "Lower-case a-z, digits, '-', '_' or '.'; cannot be changed later.",
    name: "Name",
    region: "Region",
    parent: "Parent",
    none: "—",
    edit: "Edit",
    save: "Save",
    cancel: "Cancel",
    page_of: "Page {page} of {pages}",
    previous_page: "Previous page",
    next_page: "Next page",
    add_unit: "Add a unit",
    add_unit_intro: "Kelurahan, kecamatan and wali kota offices need a region of their level that \
                     has no office yet; a Suku Dinas needs a kota and its parent Dinas.",
    edit_unit: "Edit unit",
    edit_unit_intro: "Only the name can be changed.",
    unit_added: "Unit added.",
    unit_saved: "Unit name saved.",
    unit_not_found: "There is no such unit.",
    name_id: "Name (Indonesian)",
    name_en: "Name (English)",
    responsible_unit: "Responsible unit",
    responsible_hint: "The Dinas, Satpol PP or other agency that handles this problem.",
    icon: "Icon",
    icon_hint: "The picture on the category's tile on the Report page.",
    icon_guessed: "Automatic, from the name and keywords",
    coordination_hours: "Coordination target (hours)",
    completion_hours: "Completion target (hours)",
    hours_hint: "Whole hours, at least 1.",
    keywords: "Keywords",
    add_category: "Add a category",
    edit_category: "Edit category",
    category_added: "Category added.",
    category_saved: "Category saved; in force at once.",
    category_not_found: "There is no such category.",
    refused_stale: "Another admin has just changed this data; nothing was saved. Check the latest \
        data below, then save again.",
    refused_inconsistent: "The change was refused because the jurisdiction data would no longer \
                           hang together; nothing was saved.",
    routing_intro: "This is how a report reaches the unit that handles it:",
    routing_step_receive: "A new report is received by the office of the place of the problem: \
                           the kelurahan office, or the kecamatan's where kelurahan are not \
                           loaded, or the wali kota's.",
    routing_step_forward: "A coordinator forwards it (Coordination) to the category's responsible \
                           unit; the suggestion is that unit's Suku Dinas in the report's kota \
                           when there is one, else the unit itself.",
    routing_step_dispose: "A Dinas may dispose it to one of its Suku Dinas.",
    routing_editable: "What can change in this routing is each category's responsible unit (on \
                       the Categories page) and the regional offices (on the Units page). There \
                       are no other routing rules.",
    routing_table: "Who answers for each category",
    branches: "Suku Dinas / kota offices",
    no_branches: "none; forwarded to this unit itself",
    try_title: "Try the routing",
    try_category: "Category",
    try_region: "Where the report is",
    try_submit: "Show the route",
    try_result: "The route of this report",
    first_receiver: "First received by",
    forwarded_to: "Forwarded (suggested) to",
    no_receiver: "No office receives reports for this region yet.",
    pick_both: "Choose a category and a region that exist.",
    levels: ["kota", "kecamatan", "kelurahan"],
    problems: ProblemTexts {
        required: "Required.",
        too_long: "At most {} characters.",
        bad_code: "Only lower-case a-z, digits, '-', '_' or '.', starting with a letter or digit, \
                   at most 64 characters.",
        code_taken: "This code is already taken.",
        code_reserved: "This code is used by a page address; choose another.",
        name_taken: "Another category already has this name.",
        unknown_unit: "There is no such unit.",
        unknown_category: "There is no such category.",
        cannot_be_responsible: "Choose a Dinas, Satpol PP or another agency; regional offices and \
                                the validation team cannot be responsible.",
        unknown_kind: "Choose the kind of unit.",
        unknown_icon: "Choose one of the icons listed.",
        unknown_region: "There is no such region.",
        region_needed: "A unit of this kind needs a region.",
        region_level: "The region must be a {}.",
        region_has_office: "This region already has an office receiving its reports.",
        parent_needed: "A Suku Dinas needs its parent Dinas.",
        parent_kind: "A Suku Dinas's parent must be a Dinas; a regional Satpol PP's must be Satpol \
                      PP.",
        branch_exists: "This Dinas already has a Suku Dinas in this kota.",
        no_parent: "A unit of this kind has no parent.",
        not_whole_hours: "Enter a whole number of hours, e.g. 6.",
        not_positive: "At least 1 hour.",
        too_many_hours: "At most {} hours.",
        coordination_after_completion: "The coordination target cannot be longer than the \
                                        completion target.",
    },
};
