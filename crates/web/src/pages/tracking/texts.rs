//! What following a report with its tracking code says, in Indonesian and English: on
//! `/lacak` and on the receipts (the desk's, and the one after filing without an account).

use crate::pages::Lang;

pub struct TrackingTexts {
    pub code_label: &'static str,
    pub code_hint: &'static str,
    /// Above a report found by its ticket and code.
    pub found_intro: &'static str,
    pub history: &'static str,
    pub photos_note: &'static str,
    pub too_many: &'static str,
    /// On the desk's receipt.
    pub receipt_code: &'static str,
    pub receipt_code_keep: &'static str,
    pub receipt_code_gone: &'static str,
}

pub static TRACKING_ID: TrackingTexts = TrackingTexts {
    code_label: "Kode pelacakan (bila ada)",
    code_hint: "Laporan yang dibuat tanpa akun (di loket, di situs ini, lewat e-mail, SMS, atau WhatsApp) mendapat kode 10 karakter, misalnya 7K3QD-M9XPA. Dengan nomor tiket dan kode itu Anda dapat melihat laporan privat Anda.",
    found_intro: "Laporan ini privat. Anda melihatnya karena memegang nomor tiket dan kode pelacakannya; jangan bagikan kode itu.",
    history: "Riwayat penanganan",
    photos_note: "Foto tidak ditampilkan di sini.",
    too_many: "Terlalu banyak percobaan. Coba lagi dalam {} menit.",
    receipt_code: "Kode pelacakan",
    receipt_code_keep: "Dengan nomor tiket dan kode ini, pelapor dapat melihat status dan riwayat laporannya di halaman Lacak laporan. Kode hanya ditampilkan sekali: cetak atau salin sekarang.",
    receipt_code_gone: "Kode pelacakan hanya ditampilkan sekali, saat laporan dicatat.",
};

pub static TRACKING_EN: TrackingTexts = TrackingTexts {
    code_label: "Tracking code (if you have one)",
    code_hint: "A report made without an account (at a desk, on this site, by e-mail, SMS or WhatsApp) gets a 10-character code, e.g. 7K3QD-M9XPA. With the ticket and that code you can see your private report.",
    found_intro: "This report is private. You see it because you hold its ticket and tracking code; do not share the code.",
    history: "Handling history",
    photos_note: "Photos are not shown here.",
    too_many: "Too many attempts. Try again in {} minutes.",
    receipt_code: "Tracking code",
    receipt_code_keep: "With the ticket and this code the reporter can see the report's state and history on the Track a report page. The code is shown only once: print or copy it now.",
    receipt_code_gone: "The tracking code is shown only once, when the report is entered.",
};

impl TrackingTexts {
    pub fn of(lang: Lang) -> &'static Self {
        match lang {
            Lang::Id => &TRACKING_ID,
            Lang::En => &TRACKING_EN,
        }
    }
}
