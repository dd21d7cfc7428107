//! What going public says, in Indonesian and English: the warning about personal data on
//! `/lapor`, and the preview of what the public will see before a report becomes public.

use crate::pages::Lang;

pub struct PublishTexts {
    /// On `/lapor`, beside the description: what not to write in it, and why.
    pub personal_data_warning: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    /// Above the card as it will appear on `/publik`.
    pub card_heading: &'static str,
    /// Above what the report's own page will show anyone.
    pub page_heading: &'static str,
    pub no_photos: &'static str,
    /// Photos the public will not see, and why.
    pub hidden_heading: &'static str,
    pub hidden_rejected: &'static str,
    pub hidden_photo: &'static str,
    pub history_note: &'static str,
    pub identity_note: &'static str,
    pub confirm: &'static str,
    pub cancel: &'static str,
    /// A POST making a report public that did not come from the preview.
    pub needs_preview: &'static str,
    /// The report is public already, or may not be made public by this visitor.
    pub not_offered: &'static str,
}

pub static PUBLISH_ID: PublishTexts = PublishTexts {
    personal_data_warning: "Jangan tulis nama, nomor telepon, e-mail, NIK, atau alamat rumah orang di sini. Petugas membaca teks ini, dan jika nanti Anda menjadikan laporan publik, siapa pun dapat membacanya (nomor telepon, e-mail, dan NIK disamarkan, nama dan alamat tidak).",
    title: "Pratinjau sebelum menjadikan publik",
    intro: "Periksa apa yang akan dilihat semua orang. Laporan ini baru menjadi publik setelah Anda menekan tombol konfirmasi di bawah; Anda dapat menjadikannya privat lagi kapan saja.",
    card_heading: "Seperti ini laporan Anda tampil di daftar Laporan Publik",
    page_heading: "Yang juga ditampilkan di halaman laporan",
    no_photos: "Tidak ada foto yang akan ditampilkan.",
    hidden_heading: "Foto yang tidak akan ditampilkan",
    hidden_rejected: "foto tindak lanjut yang ditolak validator tetap tersembunyi dari publik.",
    hidden_photo: "Foto",
    history_note: "Riwayat penanganan juga terlihat, dengan catatan petugas yang disamarkan dengan cara yang sama.",
    identity_note: "Nama, nomor telepon, e-mail, dan akun Anda tidak pernah ditampilkan.",
    confirm: "Ya, jadikan publik",
    cancel: "Batal, tetap privat",
    needs_preview: "Laporan belum dijadikan publik: periksa dulu pratinjau apa yang akan dilihat semua orang, lalu konfirmasi.",
    not_offered: "Laporan ini tidak dapat dijadikan publik oleh akun ini, atau sudah publik.",
};

pub static PUBLISH_EN: PublishTexts = PublishTexts {
    personal_data_warning: "Do not write names, phone numbers, e-mail addresses, NIK or people's home addresses here. Officers read this text, and if you later make the report public anyone can read it (phone numbers, e-mail addresses and NIK are masked, names and addresses are not).",
    title: "Preview before making it public",
    intro: "Check what everyone will see. The report becomes public only once you press the confirm button below; you can make it private again at any time.",
    card_heading: "This is how your report appears in the Public reports list",
    page_heading: "Also shown on the report's page",
    no_photos: "No photos will be shown.",
    hidden_heading: "Photos that will not be shown",
    hidden_rejected: "photos of a follow-up the validator rejected stay hidden from the public.",
    hidden_photo: "Photo",
    history_note: "The handling history is visible too, with officers' notes masked the same way.",
    identity_note: "Your name, phone number, e-mail address and account are never shown.",
    confirm: "Yes, make it public",
    cancel: "Cancel, keep it private",
    needs_preview: "The report was not made public: first check the preview of what everyone will see, then confirm.",
    not_offered: "This account cannot make this report public, or it is public already.",
};

impl PublishTexts {
    pub fn of(lang: Lang) -> &'static Self {
        match lang {
            Lang::Id => &PUBLISH_ID,
            Lang::En => &PUBLISH_EN,
        }
    }
}
