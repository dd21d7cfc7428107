//! What filing without an account says, in Indonesian and English: the form's contact
//! fields and the receipt with the tracking code.

use crate::pages::Lang;

pub struct AnonymousTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub sign_in_instead: &'static str,
    pub contact_legend: &'static str,
    pub contact_hint: &'static str,
    pub phone: &'static str,
    pub phone_hint: &'static str,
    pub email: &'static str,
    pub err_contact_needed: &'static str,
    pub err_phone: &'static str,
    pub err_email: &'static str,
    /// The contact has had its hour's reports (see `LimitsConfig::submissions_per_contact`).
    pub err_contact_too_many: &'static str,
    pub receipt_title: &'static str,
    pub receipt_sent: &'static str,
    pub receipt_ticket: &'static str,
    /// "Simpan kode ini": the code is shown once.
    pub receipt_keep: &'static str,
    pub receipt_updates: &'static str,
    pub receipt_track: &'static str,
    pub receipt_new: &'static str,
}

pub static ANONYMOUS_ID: AnonymousTexts = AnonymousTexts {
    title: "Lapor tanpa akun",
    intro: "Anda dapat melapor tanpa membuat akun: cukup nomor ponsel atau alamat e-mail untuk menerima kabar laporan Anda. Petugas tidak pernah melihat siapa pelapornya.",
    sign_in_instead: "Sudah punya akun? Masuk",
    contact_legend: "Kabari saya lewat",
    contact_hint: "Isi salah satu atau keduanya. Kami mengirim nomor tiket, kode pelacakan, dan setiap perkembangan laporan ke sini.",
    phone: "Nomor ponsel (SMS/WhatsApp)",
    phone_hint: "Contoh: 0813-7777-4321 atau +62 813 7777 4321.",
    email: "Alamat e-mail",
    err_contact_needed: "Isi nomor ponsel atau alamat e-mail agar kami dapat mengabari Anda.",
    err_phone: "Nomor ponsel tidak dikenali. Tulis seperti 0813-7777-4321 atau +62 813 7777 4321.",
    err_email: "Alamat e-mail tidak dikenali. Tulis seperti nama@contoh.id.",
    err_contact_too_many: "Sudah banyak laporan yang dikirim dengan nomor ponsel atau alamat e-mail ini dalam satu jam terakhir. Coba lagi nanti, atau masuk dengan akun Anda.",
    receipt_title: "Laporan terkirim",
    receipt_sent: "Terima kasih. Laporan Anda sudah kami terima dan bersifat privat.",
    receipt_ticket: "Nomor tiket",
    receipt_keep: "Simpan kode ini. Dengan nomor tiket dan kode ini Anda dapat melihat status dan riwayat laporan Anda di halaman Lacak laporan. Kode hanya ditampilkan sekali: salin, foto, atau cetak sekarang.",
    receipt_updates: "Kami juga mengirim nomor tiket dan kode ini ke kontak yang Anda berikan, beserta setiap perkembangannya.",
    receipt_track: "Lacak laporan ini",
    receipt_new: "Buat laporan lain",
};

pub static ANONYMOUS_EN: AnonymousTexts = AnonymousTexts {
    title: "Report without an account",
    intro: "You can report without creating an account: a mobile number or an e-mail address is enough to hear how your report goes. Officers never see who reported.",
    sign_in_instead: "Have an account? Sign in",
    contact_legend: "Tell me through",
    contact_hint: "Fill in one or both. We send the ticket, the tracking code and each step of the report here.",
    phone: "Mobile number (SMS/WhatsApp)",
    phone_hint: "For example 0813-7777-4321 or +62 813 7777 4321.",
    email: "E-mail address",
    err_contact_needed: "Give a mobile number or an e-mail address so that we can tell you how it goes.",
    err_phone: "This mobile number is not recognised. Write it like 0813-7777-4321 or +62 813 7777 4321.",
    err_email: "This e-mail address is not recognised. Write it like name@example.id.",
    err_contact_too_many: "Many reports were sent with this mobile number or e-mail address in the last hour. Try again later, or sign in with your account.",
    receipt_title: "Report sent",
    receipt_sent: "Thank you. Your report was received and is private.",
    receipt_ticket: "Ticket",
    receipt_keep: "Keep this code. With the ticket and this code you can see your report's state and history on the Track a report page. The code is shown only once: copy it, photograph it or print it now.",
    receipt_updates: "We also send the ticket and this code to the contact you gave, and each step after.",
    receipt_track: "Track this report",
    receipt_new: "Make another report",
};

impl AnonymousTexts {
    pub fn of(lang: Lang) -> &'static Self {
        match lang {
            Lang::Id => &ANONYMOUS_ID,
            Lang::En => &ANONYMOUS_EN,
        }
    }
}
