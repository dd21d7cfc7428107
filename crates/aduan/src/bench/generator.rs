//! Generated report bodies: realistic Indonesian descriptions, a category mix like the real
//! one, and locations the server accepts.

use anyhow::Context;
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use serde_json::json;

use super::api::CategoryInfo;
use super::setup::{KNOWN_INSIDE, Locations};

/// What citizens say about the most common categories.
const PROBLEMS: &[(&str, &[&str])] = &[
    (
        "jalan",
        &[
            "Jalan berlubang cukup dalam",
            "Aspal jalan mengelupas dan bergelombang",
            "Jalan amblas sepanjang kurang lebih 10 meter",
            "Lubang jalan tertutup genangan sehingga tidak terlihat",
        ],
    ),
    (
        "sampah",
        &[
            "Sampah menumpuk dan tidak diangkut",
            "Tumpukan sampah rumah tangga berbau menyengat",
            "Bak sampah penuh dan sampah berserakan ke jalan",
        ],
    ),
    (
        "parkir-liar",
        &[
            "Banyak mobil parkir liar memakan badan jalan",
            "Motor parkir di trotoar sehingga pejalan kaki turun ke jalan",
            "Juru parkir liar memungut tarif tanpa karcis",
        ],
    ),
    (
        "pohon",
        &[
            "Pohon besar miring dan rantingnya hampir patah",
            "Dahan pohon tumbang menutupi sebagian jalan",
            "Ranting pohon menyentuh kabel listrik",
        ],
    ),
    (
        "saluran-air",
        &[
            "Saluran air tersumbat lumpur dan sampah",
            "Got meluap dan airnya hitam berbau",
            "Tutup saluran air hilang sehingga berbahaya",
        ],
    ),
    (
        "banjir-genangan",
        &[
            "Genangan air setinggi lutut setelah hujan",
            "Banjir masuk ke rumah warga",
            "Air tidak surut berjam-jam setelah hujan reda",
        ],
    ),
    (
        "penerangan-jalan-umum",
        &[
            "Lampu penerangan jalan mati",
            "Lampu jalan berkedip dan sering padam",
            "Tiang lampu jalan miring hampir roboh",
        ],
    ),
    (
        "gangguan-kebisingan",
        &[
            "Suara musik keras dari tempat hiburan sampai larut malam",
            "Bunyi mesin proyek mengganggu warga",
        ],
    ),
    (
        "pkl",
        &[
            "Pedagang kaki lima berjualan di atas trotoar",
            "Lapak PKL menutup akses jalan masuk gang",
        ],
    ),
    (
        "trotoar",
        &[
            "Trotoar rusak dan ubinnya terlepas",
            "Trotoar dipakai berjualan dan parkir motor",
        ],
    ),
    (
        "pembakaran-sampah",
        &[
            "Warga membakar sampah dan asapnya masuk ke rumah",
            "Pembakaran sampah di lahan kosong setiap sore",
        ],
    ),
    (
        "galian-sisa-proyek",
        &[
            "Bekas galian kabel tidak ditutup kembali",
            "Sisa material proyek dibiarkan di pinggir jalan",
        ],
    ),
    (
        "arus-lalu-lintas",
        &[
            "Kemacetan parah karena lampu lalu lintas mati",
            "Kendaraan melawan arus di jalan satu arah",
        ],
    ),
    (
        "angkutan-umum-ngetem",
        &["Angkot ngetem lama dan menyebabkan macet"],
    ),
];

const PLACES: &[&str] = &[
    "di depan SD negeri",
    "dekat pintu masuk pasar",
    "di gang samping masjid",
    "di RT 05/RW 02",
    "di samping halte TransJakarta",
    "di depan minimarket",
    "di pertigaan dekat pos ronda",
    "di jalan masuk perumahan",
    "di bawah jembatan layang",
    "dekat stasiun KRL",
    "di depan kantor kelurahan",
    "di sekitar taman RPTRA",
];

const SINCE: &[&str] = &[
    "sejak tiga hari lalu",
    "sudah seminggu",
    "sejak kemarin sore",
    "sudah lebih dari dua minggu",
    "hampir setiap malam",
    "sejak hujan deras minggu lalu",
    "sejak pagi tadi",
];

const PLEAS: &[&str] = &[
    "Mohon segera ditindaklanjuti.",
    "Warga sangat terganggu, mohon bantuannya.",
    "Sudah pernah disampaikan ke RT tetapi belum ada tindakan.",
    "Mohon petugas segera mengecek ke lokasi.",
    "Membahayakan anak-anak yang lewat.",
    "Terima kasih atas perhatiannya.",
    "",
];

/// Report bodies, generated from `rng` so that a seed gives the same reports.
pub(super) struct Generator<'a> {
    pub(super) rng: StdRng,
    pub(super) categories: &'a [CategoryInfo],
    pub(super) locations: &'a Locations,
}

impl<'a> Generator<'a> {
    fn description(&mut self, category: &CategoryInfo) -> String {
        let rng = &mut self.rng;
        let problem = match PROBLEMS.iter().find(|(code, _)| *code == category.code) {
            Some((_, phrases)) => phrases.choose(rng).copied().unwrap_or("Ada masalah"),
            None => {
                return format!(
                    "Mohon ditindaklanjuti, ada keluhan terkait {} {} {}. {}",
                    category.name.to_lowercase(),
                    PLACES.choose(rng).copied().unwrap_or_default(),
                    SINCE.choose(rng).copied().unwrap_or_default(),
                    PLEAS.choose(rng).copied().unwrap_or_default(),
                )
                .trim()
                .to_owned();
            }
        };
        format!(
            "{problem} {} {}. {}",
            PLACES.choose(rng).copied().unwrap_or_default(),
            SINCE.choose(rng).copied().unwrap_or_default(),
            PLEAS.choose(rng).copied().unwrap_or_default(),
        )
        .trim()
        .to_owned()
    }

    fn location(&mut self) -> serde_json::Value {
        match self.locations {
            Locations::Regions(codes) => {
                json!({ "region": codes.choose(&mut self.rng).cloned().unwrap_or_default() })
            }
            Locations::Points => {
                let (_, lat, lon) = KNOWN_INSIDE[self.rng.random_range(0..KNOWN_INSIDE.len())];
                json!({ "lat": lat, "lon": lon })
            }
        }
    }

    /// A complaint as citizens word it, in a category drawn like [`Self::body`]'s.
    pub(super) fn any_description(&mut self) -> anyhow::Result<String> {
        let category = self.category()?;
        Ok(self.description(category))
    }

    /// Half the reports from the categories citizens use most, like the real mix.
    fn category(&mut self) -> anyhow::Result<&'a CategoryInfo> {
        let categories = self.categories;
        let common = if self.rng.random_bool(0.5) {
            let code = PROBLEMS[self.rng.random_range(0..PROBLEMS.len())].0;
            categories.iter().find(|c| c.code == code)
        } else {
            None
        };
        match common {
            Some(c) => Ok(c),
            None => categories
                .choose(&mut self.rng)
                .context("the server has no categories"),
        }
    }

    fn body(&mut self) -> anyhow::Result<String> {
        let category = self.category()?;
        let body = json!({
            "category": category.code,
            "description": self.description(category),
            "location": self.location(),
        });
        Ok(body.to_string())
    }

    /// `per_client` bodies for each of `clients`, or `total` dealt round-robin.
    pub(super) fn deal(
        &mut self,
        clients: usize,
        total: usize,
    ) -> anyhow::Result<Vec<Vec<String>>> {
        let mut dealt = vec![Vec::with_capacity(total / clients + 1); clients];
        for i in 0..total {
            dealt[i % clients].push(self.body()?);
        }
        Ok(dealt)
    }
}
