//! How long `aduan key rotate` takes on a large store: files `ADUAN_ROTATION_REPORTS`
//! reports (100,000 by default), each with a sealed identity and reply route under its own
//! SMS number's reporter key, into a SQLite store (or PostgreSQL with
//! `ADUAN_ROTATION_POSTGRES=1`), then times the rotation and checks a sample. A benchmark
//! (minutes), not a test: `cargo bench -p aduan-store --bench key_rotation`.

// A broken fixture is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::Instant;

use chrono::{NaiveDate, Utc};
use tokio::task::JoinSet;

use aduan_domain::report::NewReport;
use aduan_domain::{CategoryCode, Channel, Coordinates, RegionCode, Role, TicketPrefix, UnitCode};
use aduan_store::Store;
use aduan_store::identity::{Binding, Identity, IdentityKey, KeyRotation, Sealer};
use aduan_store::postgres::PgStore;
use aduan_store::postgres::scratch::{ScratchDatabase, server_url};
use aduan_store::sqlite::SqliteStore;

fn report(sealer: &Sealer, n: usize) -> NewReport {
    // A reporter files three reports on average.
    let phone = format!("+62812{:07}", n / 3);
    let key = sealer.reporter_key("sms", &phone);
    let identity = Identity {
        phone: Some(phone.clone()),
        ..Identity::default()
    };
    let route = format!(r#"{{"channel":"sms","address":"{phone}","public":false}}"#);
    NewReport {
        category: CategoryCode::parse("jalan").unwrap(),
        description: format!("Jalan berlubang nomor {n}, membahayakan pengendara motor"),
        staff_description: None,
        location: Some(Coordinates::parse(-6.2297, 106.8532).unwrap()),
        region: RegionCode::parse("31.74.01.1001").unwrap(),
        address: None,
        channel: Channel::Sms,
        first_receiver: UnitCode::parse("kel-31.74.01.1001").unwrap(),
        reporter: None,
        entered_by: None,
        submitted_by_role: Role::Citizen,
        photos: vec![],
        reporter_identity: Some(
            sealer
                .seal(&identity, Binding::Reporter(Some(&key)))
                .unwrap(),
        ),
        channel_message_id: None,
        reply_route: Some(
            sealer
                .seal_bytes(route.as_bytes(), Binding::ReplyRoute(Some(&key)))
                .unwrap(),
        ),
        reporter_key: Some(key),
        fetch_media: Vec::new(),
        triage: None,
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let count: usize = std::env::var("ADUAN_ROTATION_REPORTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let scratch;
    let store: Arc<dyn Store> = if std::env::var("ADUAN_ROTATION_POSTGRES").is_ok() {
        scratch = ScratchDatabase::create(&server_url()).await.unwrap();
        Arc::new(PgStore::connect_with_pool(scratch.url(), 8).await.unwrap())
    } else {
        Arc::new(SqliteStore::open(&dir.path().join("aduan.db")).unwrap())
    };
    let (old_key, new_key) = (IdentityKey::generate(), IdentityKey::generate());
    store
        .record_identity_key_fingerprint(old_key.fingerprint(), Utc::now())
        .await
        .unwrap();
    let sealer = Sealer::new(&old_key);
    let started = Instant::now();
    let day = NaiveDate::from_ymd_opt(2025, 3, 5).unwrap();
    let prefix = TicketPrefix::parse("JK").unwrap();
    let mut writers = JoinSet::new();
    for w in 0..32 {
        let (store, sealer, prefix) = (Arc::clone(&store), sealer.clone(), prefix.clone());
        writers.spawn(async move {
            for n in (w..count).step_by(32) {
                store
                    .submit_report(report(&sealer, n), prefix.clone(), day, Utc::now())
                    .await
                    .unwrap();
            }
        });
    }
    while let Some(done) = writers.join_next().await {
        done.unwrap();
    }
    println!("filed {count} reports in {:.1?}", started.elapsed());

    let started = Instant::now();
    let done = store
        .rotate_identity_key(KeyRotation::new(&old_key, &new_key).unwrap(), Utc::now())
        .await
        .unwrap();
    println!("rotated in {:.1?}: {done:?}", started.elapsed());
    assert_eq!(done.reporter_identities, count as u64);
    assert_eq!(done.reply_routes, count as u64);
    assert_eq!(done.keys_recomputed, count.div_ceil(3) as u64);
    let sample = store.any_sealed_identity().await.unwrap().unwrap();
    assert!(
        Sealer::new(&new_key)
            .open(&sample.sealed, sample.binding())
            .is_ok()
    );
}
