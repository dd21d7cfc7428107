//! The demo: Jakarta, one account per role (and per kelurahan office that receives a sample
//! report, when the kelurahan are loaded), a synthetic year of history and sample reports in
//! every state.

mod history;
mod samples;

use std::sync::Arc;

use anyhow::Context;
use chrono::Utc;
use rand::Rng;

use aduan_domain::{Actor, Jurisdiction, RegionLevel, Role, UnitCode};
use aduan_store::identity::{Binding, Identity};
use aduan_store::{NewUser, Store};
use aduan_web::{AppState, hash_password};

pub use history::MAX_REPORTS as MAX_HISTORY;
use samples::Samples;

/// The demo's accounts: username, role, unit, display name.
const ACCOUNTS: &[(&str, Role, Option<&str>, &str)] = &[
    ("admin", Role::Admin, None, "Admin Platform"),
    ("koordinator", Role::Coordinator, None, "Koordinator CRM"),
    (
        "operator",
        Role::Operator,
        None,
        "Operator Pendopo Balai Kota",
    ),
    (
        "petugas",
        Role::Officer,
        Some("sudin-bina-marga-31.74"),
        "Petugas Sudin Bina Marga Jakarta Selatan",
    ),
    (
        "petugas-dinas",
        Role::Officer,
        Some("dinas-bina-marga"),
        "Petugas Dinas Bina Marga",
    ),
    (
        "validator",
        Role::Validator,
        Some("biro-pemerintahan"),
        "Validator Biro Pemerintahan",
    ),
    ("warga", Role::Citizen, None, "Warga Jakarta"),
];

/// A password for the demo accounts: the one given, or a fresh random one.
pub fn demo_password(given: Option<String>) -> String {
    given.unwrap_or_else(|| {
        const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        let mut rng = rand::rng();
        (0..16)
            .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
            .collect()
    })
}

/// One demo account as the start-up banner lists it.
struct Account {
    username: String,
    role: Role,
    unit: Option<UnitCode>,
    name: String,
}

/// What the demo loaded: its accounts (for the banner) and how many reports of history.
pub struct Seeded {
    accounts: Vec<Account>,
    pub history: u64,
}

impl Seeded {
    /// The accounts, one line each, for the start-up banner.
    pub fn account_lines(&self) -> impl Iterator<Item = String> + '_ {
        self.accounts.iter().map(|a| {
            let unit = a.unit.as_ref().map_or("-", UnitCode::as_str);
            format!("  {:<26} {:<12} {unit}", a.username, a.role.code())
        })
    }
}

/// The accounts of the kelurahan offices that first receive a sample report, when the
/// kelurahan are loaded: coordinators of their Kantor Kelurahan (the first receiver accepts,
/// forwards or rejects what arrives), `kelurahan-gambir` and so on.
fn kelurahan_accounts(j: &Jurisdiction) -> anyhow::Result<Vec<Account>> {
    let mut accounts: Vec<Account> = Vec::new();
    for place in samples::PLACES {
        let region = samples::region_of(j, place)?;
        let Some(kelurahan) = j
            .region(&region)
            .filter(|r| r.level == RegionLevel::Kelurahan)
        else {
            continue;
        };
        let Some(office) = j.first_receiver(&region) else {
            continue;
        };
        if accounts
            .iter()
            .any(|a| a.unit.as_ref() == Some(&office.code))
        {
            continue;
        }
        accounts.push(Account {
            username: format!("kelurahan-{}", slug(&kelurahan.name)),
            role: Role::Coordinator,
            unit: Some(office.code.clone()),
            name: office.name.clone(),
        });
    }
    Ok(accounts)
}

/// A name as a username part: lower case letters and digits, words joined by `-`.
fn slug(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

/// Create the accounts, the synthetic year of `history` reports and the sample reports.
/// Only call on an empty store.
pub async fn seed(state: &AppState, password: &str, history: u32) -> anyhow::Result<Seeded> {
    let store: &Arc<dyn Store> = &state.store;
    let hash = hash_password(password.to_owned())
        .await
        .map_err(|e| anyhow::anyhow!("hashing the demo password: {}", e))?;
    let mut accounts: Vec<Account> = ACCOUNTS
        .iter()
        .map(|(username, role, unit, name)| {
            Ok(Account {
                username: (*username).to_owned(),
                role: *role,
                unit: unit.map(UnitCode::parse).transpose()?,
                name: (*name).to_owned(),
            })
        })
        .collect::<anyhow::Result<_>>()?;
    accounts.extend(kelurahan_accounts(&state.catalog().jurisdiction)?);
    let mut users = std::collections::BTreeMap::new();
    for account in &accounts {
        let username = account.username.as_str();
        // A citizen's name is identity: sealed like any reporter's. Staff names are not.
        let (display_name, sealed_identity) = if account.role == Role::Citizen {
            let identity = Identity {
                name: Some(account.name.clone()),
                phone: Some("081200000000".to_owned()),
                email: Some(format!("{username}@contoh.id")),
                ..Identity::default()
            };
            let sealed = state.sealer.seal(&identity, Binding::Account(username))?;
            (None, Some(sealed))
        } else {
            (Some(account.name.clone()), None)
        };
        let user = store
            .create_user(NewUser {
                username: username.to_owned(),
                password_hash: hash.clone(),
                display_name,
                role: account.role,
                unit: account.unit.clone(),
                can_view_identity: account.role == Role::Admin,
                sealed_identity,
                created_at: Utc::now(),
            })
            .await
            .with_context(|| format!("creating demo account {username}"))?;
        users.insert(username.to_owned(), user);
    }
    // The history first: the samples are filed now, ticketed after today's history.
    let outcome = history::load(state, history, Utc::now())
        .await
        .context("loading the synthetic year")?;
    let account = |name: &str| users.get(name).cloned().context("demo account missing");
    let who = |name: &str| {
        account(name).map(|user| Actor {
            user: user.id,
            role: user.role,
            unit: user.unit,
        })
    };
    let samples = Samples {
        state,
        warga: account("warga")?,
        koordinator: who("koordinator")?,
        petugas: who("petugas")?,
        petugas_dinas: who("petugas-dinas")?,
        validator: who("validator")?,
    };
    samples.create().await?;
    Ok(Seeded {
        accounts,
        history: outcome.imported,
    })
}

/// A seed for a made-up point, from a text that names what stands there (a ticket, a
/// sample's words), hashed with FNV-1a: the same text stands at the same spot every start.
fn seed_of(text: &str) -> u64 {
    text.bytes().fold(0xCBF2_9CE4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01B3)
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::import::{JAKARTA_PACK, parse_pack, read_boundaries, with_boundaries};

    const KELURAHAN: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/regions/jakarta_kelurahan.geojson"
    );

    #[test]
    fn each_kelurahan_office_receiving_a_sample_gets_one_coordinator_account() {
        let data = parse_pack(JAKARTA_PACK).unwrap();
        let boundaries = read_boundaries(std::path::Path::new(KELURAHAN)).unwrap();
        let j = Jurisdiction::stored(with_boundaries(data, &boundaries).unwrap()).unwrap();
        let accounts = kelurahan_accounts(&j).unwrap();
        let found: Vec<(&str, Role, &str, &str)> = accounts
            .iter()
            .map(|a| {
                let unit = a.unit.as_ref().map_or("", UnitCode::as_str);
                (a.username.as_str(), a.role, unit, a.name.as_str())
            })
            .collect();
        assert_eq!(
            found,
            [
                (
                    "kelurahan-tebet-timur",
                    Role::Coordinator,
                    "kelurahan-31.74.01.1001",
                    "Kantor Kelurahan Tebet Timur"
                ),
                (
                    "kelurahan-gambir",
                    Role::Coordinator,
                    "kelurahan-31.71.01.1001",
                    "Kantor Kelurahan Gambir"
                ),
                (
                    "kelurahan-setia-budi",
                    Role::Coordinator,
                    "kelurahan-31.74.02.1001",
                    "Kantor Kelurahan Setia Budi"
                ),
                (
                    "kelurahan-mampang-prapatan",
                    Role::Coordinator,
                    "kelurahan-31.74.03.1001",
                    "Kantor Kelurahan Mampang Prapatan"
                ),
            ]
        );
    }

    #[test]
    fn without_the_kelurahan_there_is_no_kelurahan_account() {
        let j = Jurisdiction::stored(parse_pack(JAKARTA_PACK).unwrap()).unwrap();
        assert!(kelurahan_accounts(&j).unwrap().is_empty());
    }

    #[test]
    fn names_become_usernames() {
        assert_eq!(slug("Gambir"), "gambir");
        assert_eq!(slug("Pulau  Harapan / Kelapa"), "pulau-harapan-kelapa");
        assert_eq!(slug("Kebon Jeruk"), "kebon-jeruk");
    }
}
