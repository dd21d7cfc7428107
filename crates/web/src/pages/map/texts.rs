//! What the slippy map and the queue map say, in Indonesian and English.

use crate::pages::Lang;

pub struct PetaTexts {
    /// The map's accessible name on `/lapor`.
    pub pick_label: &'static str,
    pub pick_help: &'static str,
    pub zoom_in: &'static str,
    pub zoom_out: &'static str,
    pub resolving: &'static str,
    pub resolved: &'static str,
    pub outside: &'static str,
    pub failed: &'static str,
    pub close: &'static str,
    /// `/petugas/peta`.
    pub queue_title: &'static str,
    pub queue_intro: &'static str,
    pub queue_label: &'static str,
    pub queue_help: &'static str,
    pub queue_list: &'static str,
    pub queue_empty: &'static str,
    pub queue_no_point: &'static str,
    pub queue_more: &'static str,
    pub queue_link: &'static str,
    pub back_to_queue: &'static str,
}

pub static PETA_ID: PetaTexts = PetaTexts {
    pick_label: "Peta lokasi masalah",
    pick_help: "Ketuk peta untuk menandai tempat masalahnya; geser penanda untuk membetulkan. Geser peta dengan satu jari, perbesar dengan tombol + dan −. Dengan papan ketik: panah menggeser, + dan − memperbesar, Enter menandai tengah peta.",
    zoom_in: "Perbesar peta",
    zoom_out: "Perkecil peta",
    resolving: "Mencari kelurahan…",
    resolved: "Kelurahan:",
    outside: "Titik ini di luar wilayah layanan. Pilih kelurahan dari daftar atau pindahkan penanda.",
    failed: "Kelurahan belum dapat dicari. Pilih dari daftar.",
    close: "Tutup",
    queue_title: "Peta antrean",
    queue_intro: "Laporan terbuka di antrean Anda yang punya titik lokasi. Ketuk penanda untuk melihat laporannya.",
    queue_label: "Peta laporan terbuka",
    queue_help: "Geser peta dengan satu jari, perbesar dengan tombol + dan −. Daftar di bawah peta memuat laporan yang sama.",
    queue_list: "Daftar laporan",
    queue_empty: "Tidak ada laporan terbuka di antrean Anda.",
    queue_no_point: "tanpa titik lokasi",
    queue_more: "Hanya laporan terbaru yang ditampilkan; lihat antrean untuk semuanya.",
    queue_link: "Lihat di peta",
    back_to_queue: "Kembali ke antrean",
};

pub static PETA_EN: PetaTexts = PetaTexts {
    pick_label: "Map of where the problem is",
    pick_help: "Tap the map to mark where the problem is; drag the pin to correct it. Move the map with one finger, zoom with the + and − buttons. With a keyboard: arrows move, + and − zoom, Enter marks the middle of the map.",
    zoom_in: "Zoom in",
    zoom_out: "Zoom out",
    resolving: "Finding the kelurahan…",
    resolved: "Kelurahan:",
    outside: "This point is outside the area served. Choose the kelurahan from the list or move the pin.",
    failed: "The kelurahan cannot be found now. Choose it from the list.",
    close: "Close",
    queue_title: "Queue map",
    queue_intro: "The open reports of your queue that have a point. Tap a pin to see its report.",
    queue_label: "Map of open reports",
    queue_help: "Move the map with one finger, zoom with the + and − buttons. The list below the map holds the same reports.",
    queue_list: "List of reports",
    queue_empty: "There are no open reports in your queue.",
    queue_no_point: "no point",
    queue_more: "Only the newest reports are shown; see the queue for all of them.",
    queue_link: "See on a map",
    back_to_queue: "Back to the queue",
};

impl PetaTexts {
    pub fn of(lang: Lang) -> &'static Self {
        match lang {
            Lang::Id => &PETA_ID,
            Lang::En => &PETA_EN,
        }
    }
}
