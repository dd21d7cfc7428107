//! What the demo's synthetic reporters write: a few plausible descriptions per category,
//! naming no person, no address and no number, and a plain one for the rest.

use rand::Rng;
use rand::rngs::StdRng;

/// (category name, descriptions to choose from).
const TEXTS: [(&str, &[&str]); 12] = [
    (
        "Gangguan Ketenteraman dan Ketertiban",
        &[
            "Ada keributan dan orang mabuk di pinggir jalan hampir setiap malam, warga merasa tidak aman.",
            "Tawuran remaja sering terjadi di dekat jembatan pada malam minggu.",
            "Banyak pengamen dan manusia silver di lampu merah, mengganggu pengendara.",
        ],
    ),
    (
        "Jalan",
        &[
            "Jalan berlubang cukup dalam, berbahaya untuk pengendara motor terutama saat hujan.",
            "Aspal jalan mengelupas dan bergelombang sepanjang puluhan meter.",
            "Jalan amblas di dekat saluran air, sudah ada pengendara yang jatuh.",
        ],
    ),
    (
        "Parkir Liar",
        &[
            "Mobil parkir di bahu jalan sepanjang hari sehingga jalan menyempit dan macet.",
            "Parkir liar di depan minimarket memakan separuh badan jalan.",
        ],
    ),
    (
        "Pohon",
        &[
            "Dahan pohon besar sudah rapuh dan menjorok ke jalan, dikhawatirkan tumbang saat hujan angin.",
            "Pohon tumbang menutup sebagian jalan dan belum dibersihkan.",
        ],
    ),
    (
        "Sampah",
        &[
            "Sampah menumpuk di pinggir jalan dan sudah beberapa hari tidak diangkut.",
            "Tempat pembuangan sampah sementara penuh, baunya menyengat sampai ke rumah warga.",
        ],
    ),
    (
        "Saluran Air",
        &["Saluran air tersumbat sampah sehingga air meluap ke jalan saat hujan."],
    ),
    (
        "Banjir/Genangan",
        &["Genangan air setinggi mata kaki tidak surut berjam-jam setelah hujan reda."],
    ),
    (
        "Penerangan Jalan Umum",
        &["Lampu penerangan jalan mati sudah seminggu, jalan gelap di malam hari."],
    ),
    (
        "Trotoar",
        &["Trotoar rusak dan dipakai berjualan, pejalan kaki terpaksa turun ke jalan."],
    ),
    (
        "PKL (Pedagang Kaki Lima)",
        &["Pedagang kaki lima berjualan di atas trotoar dan sebagian badan jalan."],
    ),
    (
        "Gangguan dan Kebisingan",
        &["Suara bising dari kegiatan usaha sampai larut malam mengganggu istirahat warga."],
    ),
    (
        "Kesehatan Lingkungan/Jentik Nyamuk",
        &["Banyak genangan dan jentik nyamuk di lingkungan, khawatir demam berdarah."],
    ),
];

/// A description for a report of `category` (its name).
pub fn describe(category: &str, rng: &mut StdRng) -> String {
    match TEXTS.iter().find(|(name, _)| *name == category) {
        Some((_, texts)) if !texts.is_empty() => texts[rng.random_range(0..texts.len())].to_owned(),
        _ => format!(
            "Mohon ditindaklanjuti: keluhan warga tentang {} di lingkungan ini.",
            category.to_lowercase()
        ),
    }
}
