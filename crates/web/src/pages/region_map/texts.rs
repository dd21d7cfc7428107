//! What the region map says, in Indonesian and English.

use crate::pages::Lang;

pub struct MapTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub list_instead: &'static str,
    pub back_to_form: &'static str,
    pub zoom: &'static str,
    pub whole: &'static str,
    pub map_label: &'static str,
    /// On `/lapor`: the link to the map, and what it does.
    pub pick_on_map: &'static str,
    pub pick_hint: &'static str,
    /// On `/lapor` after a click on the map.
    pub chosen: &'static str,
    /// Under a kota's map: its kelurahan as a list of links (large tap targets).
    pub list_title: &'static str,
}

pub static MAP_ID: MapTexts = MapTexts {
    title: "Pilih kelurahan di peta",
    intro: "Ketuk atau klik kelurahan tempat masalahnya; kelurahan itu langsung terpilih di formulir laporan. Di bawah peta, pilih satu kota untuk memperbesarnya.",
    list_instead: "Lebih mudah memilih dari daftar? Formulir laporan juga punya daftar kelurahan.",
    back_to_form: "Kembali ke formulir",
    zoom: "Perbesar satu kota",
    whole: "Seluruh wilayah",
    map_label: "Peta kelurahan",
    pick_on_map: "Pilih di peta",
    pick_hint: "Tanpa JavaScript, isian lain di formulir ini tidak tersimpan saat Anda membuka peta; pilih lokasi lebih dulu.",
    chosen: "Dipilih dari peta:",
    list_title: "Kelurahan di kota ini",
};

pub static MAP_EN: MapTexts = MapTexts {
    title: "Choose the kelurahan on the map",
    intro: "Tap or click the kelurahan where the problem is; it is chosen on the report form at once. Below the map, choose one city to zoom into it.",
    list_instead: "Easier to choose from a list? The report form has the list of kelurahan too.",
    back_to_form: "Back to the form",
    zoom: "Zoom into one city",
    whole: "Whole area",
    map_label: "Map of the kelurahan",
    pick_on_map: "Choose on the map",
    pick_hint: "Without JavaScript, other fields of this form are not kept when you open the map; choose the place first.",
    chosen: "Chosen on the map:",
    list_title: "The kelurahan of this city",
};

impl MapTexts {
    pub fn of(lang: Lang) -> &'static Self {
        match lang {
            Lang::Id => &MAP_ID,
            Lang::En => &MAP_EN,
        }
    }
}
