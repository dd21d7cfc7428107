#![allow(clippy::unwrap_used, clippy::expect_used)]

use aduan_domain::{CategoryCode, UnitCode};
use aduan_store::CatalogStore;
use aduan_store::sqlite::SqliteStore;

use super::*;

const PACK: &str = include_str!("../../../packs/jakarta.json");

fn photos(dir: &std::path::Path) -> aduan_store::photo_store::PhotoStore {
    let location = aduan_store::photo_store::PhotoLocation::Files(dir.join("photos"));
    aduan_store::photo_store::PhotoStore::open(&location).unwrap()
}

async fn state(dir: &std::path::Path) -> AppState {
    let store = SqliteStore::open(&dir.join("aduan.db")).unwrap();
    let data: JurisdictionData = serde_json::from_str(PACK).unwrap();
    store.save_jurisdiction(data.with_offices()).await.unwrap();
    let catalog = Catalog::load(&store).await.unwrap();
    AppState::new(Arc::new(store), photos(dir), catalog, WebConfig::default())
}

fn completion_hours(catalog: &Catalog) -> u32 {
    let jalan = CategoryCode::parse("jalan").unwrap();
    catalog
        .jurisdiction
        .category(&jalan)
        .unwrap()
        .sla
        .completion_hours
}

fn with_completion(j: &Jurisdiction, hours: u32) -> JurisdictionData {
    let mut data = j.to_data();
    for c in &mut data.categories {
        if c.code.as_str() == "jalan" {
            c.sla.completion_hours = hours;
        }
    }
    data
}

#[tokio::test]
async fn a_change_is_saved_and_swapped_in_while_requests_keep_their_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;
    let jalan = CategoryCode::parse("jalan").unwrap();
    state
        .catalog()
        .learn(&jalan, "aspal mengelupas di depan pasar");
    let in_flight = state.catalog();

    let changed = state
        .change_catalog(|j| Ok::<_, ()>(with_completion(j, 48)))
        .await
        .unwrap();
    assert_eq!(completion_hours(&changed), 48);
    assert_eq!(completion_hours(&state.catalog()), 48);
    assert_eq!(
        completion_hours(&in_flight),
        336,
        "a request keeps what it took"
    );
    assert_eq!(
        state.catalog().learnt(),
        in_flight.learnt(),
        "triage keeps what it learnt"
    );
    assert_eq!(state.catalog().learnt().documents(), 1);
    let stored = Catalog::load(state.store.as_ref()).await.unwrap();
    assert_eq!(completion_hours(&stored), 48);
}

#[tokio::test]
async fn a_refused_or_inconsistent_change_saves_and_swaps_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let state = state(dir.path()).await;

    let refused = state
        .change_catalog(|_| Err::<JurisdictionData, _>("no"))
        .await;
    assert!(matches!(refused, Err(CatalogChange::Refused("no"))));

    let broken = state
        .change_catalog(|j| {
            let mut data = with_completion(j, 48);
            data.categories[0].responsible_unit = UnitCode::parse("nowhere").unwrap();
            Ok::<_, ()>(data)
        })
        .await;
    assert!(matches!(
        broken,
        Err(CatalogChange::Failed(CatalogError::Data(_)))
    ));
    assert_eq!(completion_hours(&state.catalog()), 336);
    let stored = Catalog::load(state.store.as_ref()).await.unwrap();
    assert_eq!(completion_hours(&stored), 336);
}

/// Two instances on one database: each sees the other's change, and a change made from a
/// catalog the other has moved past is refused rather than undoing it.
#[tokio::test]
async fn instances_sharing_a_store_follow_and_never_undo_each_others_changes() {
    let dir = tempfile::tempdir().unwrap();
    let first = state(dir.path()).await;
    let second = AppState::new(
        Arc::clone(&first.store),
        first.photos.clone(),
        Catalog::load(first.store.as_ref()).await.unwrap(),
        WebConfig::default(),
    );
    assert!(
        !second.refresh_catalog().await.unwrap(),
        "nothing changed yet"
    );

    first
        .change_catalog(|j| Ok::<_, ()>(with_completion(j, 48)))
        .await
        .unwrap();
    // The second still serves what it loaded; a change made from it would undo 48 hours.
    assert_eq!(completion_hours(&second.catalog()), 336);
    let stale = second
        .change_catalog(|j| Ok::<_, ()>(with_completion(j, 24)))
        .await;
    assert!(matches!(stale, Err(CatalogChange::Stale)));
    assert_eq!(
        completion_hours(&second.catalog()),
        48,
        "the newer one is in force"
    );
    let stored = Catalog::load(first.store.as_ref()).await.unwrap();
    assert_eq!(completion_hours(&stored), 48, "nothing was saved");

    // Made again from what is now in force, it goes through; the first follows it.
    second
        .change_catalog(|j| Ok::<_, ()>(with_completion(j, 24)))
        .await
        .unwrap();
    assert!(first.refresh_catalog().await.unwrap());
    assert_eq!(completion_hours(&first.catalog()), 24);
    assert!(!first.refresh_catalog().await.unwrap());
}
