//! Before the clock starts: where reports go, one account per client, and a check that the
//! server accepts every known point.

use std::sync::Arc;

use anyhow::bail;
use rand::Rng;
use reqwest::header::HeaderValue;
use serde_json::json;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::api::{Api, CategoryInfo, Submitted};

/// Registrations run argon2 on the server (about 19 MiB each): a few at a time.
const REGISTER_CONCURRENCY: usize = 8;

/// Places well inside a Jakarta kelurahan (checked against the Kemendagri boundaries), used
/// as report coordinates when kelurahan boundaries are loaded: random points in a bounding
/// box would fall in the sea or outside the city and be refused.
pub(super) const KNOWN_INSIDE: &[(&str, f64, f64)] = &[
    ("Monas", -6.1754, 106.8272),
    ("Bundaran HI", -6.1950, 106.8230),
    ("Masjid Istiqlal", -6.1702, 106.8314),
    ("Kota Tua", -6.1352, 106.8133),
    ("Stasiun Gambir", -6.1767, 106.8306),
    ("Gelora Bung Karno", -6.2186, 106.8020),
    ("Blok M", -6.2443, 106.7983),
    ("Taman Mini Indonesia Indah", -6.3025, 106.8952),
    ("Ragunan", -6.3125, 106.8203),
    ("Salemba", -6.1950, 106.8500),
    ("Stasiun Jatinegara", -6.2150, 106.8703),
    ("Pasar Tanah Abang", -6.1870, 106.8136),
    ("Taman Ismail Marzuki", -6.1900, 106.8390),
    ("Kemang", -6.2620, 106.8130),
    ("Kelapa Gading", -6.1575, 106.9080),
    ("Pluit", -6.1270, 106.7900),
    ("Grogol", -6.1675, 106.7910),
    ("Puri Indah", -6.1880, 106.7340),
    ("Cilandak", -6.2915, 106.8000),
    ("Halim Perdanakusuma", -6.2666, 106.8910),
    ("Stasiun Tanjung Priok", -6.1106, 106.8814),
    ("Terminal Pulo Gadung", -6.1830, 106.9080),
    ("Mega Kuningan", -6.2300, 106.8270),
    ("Pasar Minggu", -6.2840, 106.8440),
];

/// Where the generated reports say the problem is.
pub(super) enum Locations {
    /// Region codes (kecamatan): no boundaries are needed.
    Regions(Vec<String>),
    /// Points inside kelurahan, located by the server.
    Points,
}

fn random_word(len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..len)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

pub(super) async fn register_clients(
    api: &Api,
    clients: usize,
) -> anyhow::Result<Vec<HeaderValue>> {
    let run = random_word(6);
    let password = random_word(24);
    let gate = Arc::new(Semaphore::new(REGISTER_CONCURRENCY));
    let mut tasks = JoinSet::new();
    for i in 0..clients {
        let (api, gate, password) = (api.clone(), Arc::clone(&gate), password.clone());
        let username = format!("bench-{run}-{i:05}");
        tasks.spawn(async move {
            let _permit = gate.acquire_owned().await?;
            Ok::<_, anyhow::Error>((i, api.register(username, password).await?))
        });
    }
    let mut tokens = vec![HeaderValue::from_static(""); clients];
    while let Some(done) = tasks.join_next().await {
        let (i, token) = done??;
        tokens[i] = token;
    }
    Ok(tokens)
}

/// Submit one report at each known point; every one must be accepted.
pub(super) async fn check_points(
    api: &Api,
    auth: &HeaderValue,
    category: &CategoryInfo,
) -> anyhow::Result<Vec<String>> {
    let mut tickets = Vec::new();
    let mut refused = Vec::new();
    for (name, lat, lon) in KNOWN_INSIDE {
        let body = json!({
            "category": category.code,
            "description": format!("Pemeriksaan lokasi sebelum uji beban: {name}."),
            "location": { "lat": lat, "lon": lon },
        });
        match api.submit(auth, body.to_string()).await {
            Submitted::Acknowledged(ticket) => tickets.push(ticket),
            Submitted::Shed(_) => refused.push(format!("{name} ({lat}, {lon}): shed (503)")),
            Submitted::Failed(kind, why) => {
                refused.push(format!("{name} ({lat}, {lon}): {kind} {why}"))
            }
        }
    }
    if !refused.is_empty() {
        bail!(
            "the server refused known points inside Jakarta:\n  {}",
            refused.join("\n  ")
        );
    }
    Ok(tickets)
}
