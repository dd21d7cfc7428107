//! Median latency of `Triage::suggest` on a 4000-character message, with the real Jakarta pack
//! (39 categories), its 6 kota and 44 kecamatan and the 267 real kelurahan, and a classifier
//! that has learnt a few thousand confirmations.
//!
//! ```text
//! cargo run --release -p aduan-triage --example triage_bench [-- KELURAHAN_GEOJSON [RUNS]]
//! ```

use std::process::ExitCode;
use std::time::{Duration, Instant};

use aduan_domain::{CategoryCode, JurisdictionData, RegionCode};
use aduan_triage::{CategoryTerms, Model, PlaceName, Triage};

const PACK: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../packs/jakarta.json"
));

const KELURAHAN_GEOJSON: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/regions/jakarta_kelurahan.geojson"
);

const SENTENCES: &[(&str, &str)] = &[
    (
        "jalan",
        "Jalan berlubang besar di Jl. Kebon Sirih depan kantor pos, bahaya untuk motor. ",
    ),
    (
        "parkir-liar",
        "Banyak jukir liar di trotoar depan Stasiun Tebet, pejalan kaki turun ke jalan. ",
    ),
    (
        "pohon",
        "Pohon tumbang menutup jalan di Kelurahan Menteng setelah hujan angin. ",
    ),
    (
        "sampah",
        "Sampah menumpuk di TPS dekat pasar sudah tiga hari belum diangkut, baunya menyengat. ",
    ),
    (
        "banjir-genangan",
        "Banjir setinggi lutut di Kampung Melayu, air tidak surut sejak semalam. ",
    ),
    (
        "penerangan-jalan-umum",
        "Lampu PJU di Jl. Tebet Barat Dalam mati sudah seminggu, jalan jadi gelap. ",
    ),
    (
        "pkl",
        "PKL berjualan di trotoar sampai menutup jalan di depan Pasar Minggu. ",
    ),
    (
        "saluran-air",
        "Got depan rumah mampet dan meluap kalau hujan, mohon dikuras oleh petugas. ",
    ),
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let geojson_path = args.first().map_or(KELURAHAN_GEOJSON, String::as_str);
    let runs: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(2001);
    match run(geojson_path, runs) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("triage_bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(geojson_path: &str, runs: usize) -> Result<(), Box<dyn std::error::Error>> {
    let pack: JurisdictionData = serde_json::from_str(PACK)?;
    let geojson: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(geojson_path).map_err(|e| format!("{geojson_path}: {e}"))?,
    )?;
    let mut places: Vec<PlaceName> = pack.regions.iter().map(PlaceName::from).collect();
    for feature in geojson["features"].as_array().ok_or("no features")? {
        let p = &feature["properties"];
        places.push(PlaceName {
            region: RegionCode::parse(p["code"].as_str().ok_or("no code")?)?,
            name: p["name"].as_str().ok_or("no name")?.to_owned(),
        });
    }
    let categories: Vec<CategoryTerms> = pack.categories.iter().map(CategoryTerms::from).collect();
    let mut model = Model::default();
    for _ in 0..300 {
        for (code, text) in SENTENCES {
            model.learn(&CategoryCode::parse(code)?, text);
        }
    }

    let started = Instant::now();
    let triage = Triage::new(categories.clone(), places.clone(), model);
    let build = started.elapsed();

    let mut text = String::new();
    let mut i = 0;
    while text.len() < 4000 {
        text.push_str(SENTENCES[i % SENTENCES.len()].1);
        i += 1;
    }
    let text: String = text.chars().take(4000).collect();

    for _ in 0..20 {
        std::hint::black_box(triage.suggest(std::hint::black_box(&text)));
    }
    let mut times: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(triage.suggest(std::hint::black_box(&text)));
            started.elapsed()
        })
        .collect();
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    let suggestion = triage.suggest(&text);
    println!(
        "{} categories, {} place names, {} confirmed texts learnt; text of {} chars",
        categories.len(),
        places.len(),
        triage.model().documents(),
        text.chars().count()
    );
    println!("Triage::new: {build:?}");
    println!(
        "suggest over {} runs: median {:?}, p90 {:?}, min {:?}",
        times.len(),
        at(0.5),
        at(0.9),
        at(0.0)
    );
    println!(
        "suggestion: {:?} / {:?}",
        suggestion
            .category
            .map(|c| (c.code.to_string(), c.confidence, c.basis)),
        suggestion.region.map(|r| (r.region.to_string(), r.matched))
    );
    Ok(())
}
