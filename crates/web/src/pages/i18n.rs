//! What the pages say, in Indonesian first and English.

use serde::Deserialize;

/// The reader's language, from `?lang=`; Indonesian unless English is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Id,
    En,
}

impl Lang {
    pub fn texts(self) -> &'static Texts {
        match self {
            Self::Id => &ID,
            Self::En => &EN,
        }
    }
}

/// Every string a page shows.
pub struct Texts {
    pub lang: &'static str,
    pub other_lang: &'static str,
    pub other_lang_name: &'static str,
    pub site: &'static str,
    pub footer: &'static str,
    pub home_title: &'static str,
    pub home_intro: &'static str,
    pub home_privacy: &'static str,
    pub api_link: &'static str,
    pub feed_title: &'static str,
    pub feed_intro: &'static str,
    pub category: &'static str,
    pub region: &'static str,
    pub all: &'static str,
    pub filter: &'static str,
    pub empty: &'static str,
    pub handled_by: &'static str,
    pub photo_alt: &'static str,
    pub next_page: &'static str,
    pub error_title: &'static str,
}

pub static ID: Texts = Texts {
    lang: "id",
    other_lang: "en",
    other_lang_name: "English",
    site: "aduan",
    footer: "Setiap laporan bersifat privat kecuali pelapor memilih untuk membukanya. Identitas pelapor tidak pernah ditampilkan.",
    home_title: "Laporkan masalah di kota Anda",
    home_intro: "Jalan berlubang, parkir liar, pohon tumbang, sampah yang tidak diangkut: laporan diteruskan ke unit yang bertanggung jawab, ditindaklanjuti, lalu diverifikasi.",
    home_privacy: "Laporan Anda privat sejak awal. Petugas tidak pernah mengetahui siapa pelapornya.",
    api_link: "Dokumentasi API",
    feed_title: "Laporan publik",
    feed_intro: "Laporan yang dibuka untuk umum oleh pelapornya. Nomor telepon, e-mail, NIK, dan pelat nomor disamarkan.",
    category: "Kategori",
    region: "Wilayah",
    all: "Semua",
    filter: "Tampilkan",
    empty: "Belum ada laporan publik.",
    handled_by: "Ditangani oleh",
    photo_alt: "Foto laporan",
    next_page: "Halaman berikutnya",
    error_title: "Terjadi kesalahan",
};

pub static EN: Texts = Texts {
    lang: "en",
    other_lang: "id",
    other_lang_name: "Bahasa Indonesia",
    site: "aduan",
    footer: "Every report is private unless its reporter chooses to open it. Reporters' identities are never shown.",
    home_title: "Report a problem in your city",
    home_intro: "Potholes, illegal parking, fallen trees, uncollected rubbish: reports go to the unit responsible, are followed up, then verified.",
    home_privacy: "Your report is private from the start. Officers never learn who reported.",
    api_link: "API documentation",
    feed_title: "Public reports",
    feed_intro: "Reports their reporters opened to the public. Phone numbers, e-mail addresses, NIK and plates are masked.",
    category: "Category",
    region: "Area",
    all: "All",
    filter: "Show",
    empty: "No public reports yet.",
    handled_by: "Handled by",
    photo_alt: "Photo of report",
    next_page: "Next page",
    error_title: "Something went wrong",
};
