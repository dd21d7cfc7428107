//! What supporting a report says ("Saya juga mengalami ini"), in Indonesian and English.

use crate::pages::Lang;

pub struct SupportTexts {
    pub heading: &'static str,
    pub intro: &'static str,
    /// Before the category and the place are known.
    pub need_pin: &'static str,
    pub none: &'static str,
    /// The link (and the page's button) that looks for similar reports without JavaScript.
    pub find: &'static str,
    pub search: &'static str,
    pub back_to_form: &'static str,
    pub me_too: &'static str,
    pub already: &'static str,
    pub private_report: &'static str,
    /// "{}" is a number of metres.
    pub about_metres: &'static str,
    pub within_metres: &'static str,
    pub days_ago: &'static str,
    pub hours_ago: &'static str,
    pub minutes_ago: &'static str,
    pub just_now: &'static str,
    /// "{}" is how many citizens support a report.
    pub supporters: &'static str,
    pub supported_notice: &'static str,
    pub withdrawn_notice: &'static str,
    pub mine_heading: &'static str,
    pub mine_explain: &'static str,
    pub mine_empty: &'static str,
    pub last_change: &'static str,
    pub supported_on: &'static str,
    pub progressed: &'static str,
    pub withdraw: &'static str,
    pub open_report: &'static str,
    pub not_offered: &'static str,
    pub too_many: &'static str,
}

pub static SUPPORT_ID: SupportTexts = SupportTexts {
    heading: "Laporan serupa di sekitar",
    intro: "Laporan yang belum selesai dengan kategori yang sama, dalam 250 m dari titik Anda. Jika masalahnya sama, dukung laporan itu daripada membuat laporan baru: petugas menangani satu laporan, dan Anda ikut melihat perkembangannya.",
    need_pin: "Pilih kategori dan tempatkan titik lokasi untuk melihat laporan serupa di sekitar.",
    none: "Tidak ada laporan serupa yang belum selesai di sekitar titik ini. Silakan lanjutkan laporan Anda.",
    find: "Cari laporan serupa di sekitar",
    search: "Cari",
    back_to_form: "Kembali ke formulir laporan",
    me_too: "Saya juga mengalami ini",
    already: "Anda sudah mendukung laporan ini.",
    private_report: "Laporan privat: isi dan fotonya hanya untuk pelapor dan petugas.",
    about_metres: "sekitar {} m",
    within_metres: "kurang dari {} m",
    days_ago: "{} hari lalu",
    hours_ago: "{} jam lalu",
    minutes_ago: "{} menit lalu",
    just_now: "baru saja",
    supporters: "{} warga juga mengalami ini",
    supported_notice: "Dukungan Anda tercatat. Perkembangan laporan itu tampil di bagian \"Laporan yang saya dukung\" di bawah, setiap kali statusnya berubah.",
    withdrawn_notice: "Dukungan Anda dibatalkan.",
    mine_heading: "Laporan yang saya dukung",
    mine_explain: "Laporan warga lain yang juga Anda alami. Petugas tidak pernah melihat siapa yang mendukung.",
    mine_empty: "Anda belum mendukung laporan lain.",
    last_change: "Perubahan terakhir",
    supported_on: "Didukung",
    progressed: "Ada perkembangan sejak Anda mendukung",
    withdraw: "Batal dukung",
    open_report: "Buka laporan",
    not_offered: "Laporan ini tidak dapat didukung: mungkin sudah selesai, laporan Anda sendiri, atau tautannya sudah kedaluwarsa. Muat ulang halaman lalu coba lagi.",
    too_many: "Terlalu banyak pencarian laporan serupa. Coba lagi nanti.",
};

pub static SUPPORT_EN: SupportTexts = SupportTexts {
    heading: "Similar reports nearby",
    intro: "Unfinished reports of the same category within 250 m of your pin. If it is the same problem, support that report instead of filing a new one: officers handle one report, and you follow its progress too.",
    need_pin: "Choose a category and place the pin to see similar reports nearby.",
    none: "No unfinished similar reports near this point. Please go on with your report.",
    find: "Look for similar reports nearby",
    search: "Search",
    back_to_form: "Back to the report form",
    me_too: "I have this problem too",
    already: "You support this report.",
    private_report: "Private report: its text and photos are for its reporter and officers only.",
    about_metres: "about {} m",
    within_metres: "less than {} m",
    days_ago: "{} days ago",
    hours_ago: "{} hours ago",
    minutes_ago: "{} minutes ago",
    just_now: "just now",
    supporters: "{} residents also have this problem",
    supported_notice: "Your support is recorded. That report's progress shows under \"Reports I support\" below, each time its state changes.",
    withdrawn_notice: "Your support was withdrawn.",
    mine_heading: "Reports I support",
    mine_explain: "Other citizens' reports you have the same problem with. Officers never see who supports a report.",
    mine_empty: "You do not support any other report yet.",
    last_change: "Last change",
    supported_on: "Supported",
    progressed: "Progress since you supported it",
    withdraw: "Withdraw support",
    open_report: "Open report",
    not_offered: "This report cannot be supported: it may be finished, your own report, or the link has expired. Reload the page and try again.",
    too_many: "Too many searches for similar reports. Try again later.",
};

impl SupportTexts {
    pub fn of(lang: Lang) -> &'static Self {
        match lang {
            Lang::Id => &SUPPORT_ID,
            Lang::En => &SUPPORT_EN,
        }
    }
}
