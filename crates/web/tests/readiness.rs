//! `/readyz` says whether an instance may take traffic: its store answers and every
//! migration this build knows is applied. 503 soon otherwise, like `/healthz`.

mod common;

use std::time::{Duration, Instant};

use sqlx::Connection;

use common::TestApp;

/// `/readyz` with a deadline of its own: a readiness check that hangs tells a load
/// balancer nothing.
async fn readyz_within(app: &TestApp, bound: Duration) -> (u16, String) {
    let started = Instant::now();
    let resp = app
        .http
        .get(app.url("/readyz"))
        .timeout(bound)
        .send()
        .await
        .unwrap_or_else(|e| panic!("/readyz did not answer within {bound:?}: {e}"));
    let status = resp.status().as_u16();
    let body = resp.text().await.unwrap_or_default();
    assert!(started.elapsed() < bound, "{:?}", started.elapsed());
    (status, body)
}

#[tokio::test]
async fn readyz_is_ok_on_a_migrated_store() {
    let app = TestApp::spawn().await;
    let resp = app.get_raw("/readyz").await;
    assert_eq!(resp.status, 200, "{resp:?}");
    assert_eq!(resp.text(), "ready");
}

/// A migration the database does not record makes the instance not ready (and says how
/// many); recorded again, ready. The database dropped under the app: 503, soon.
#[tokio::test]
async fn readyz_is_503_with_a_migration_missing_or_the_store_gone() {
    let app = TestApp::spawn_on_postgres().await;
    let bound = Duration::from_secs(15);
    assert_eq!(readyz_within(&app, bound).await, (200, "ready".to_owned()));

    let mut db = sqlx::PgConnection::connect(app.postgres_url())
        .await
        .unwrap();
    let latest: i64 = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(&mut db)
        .await
        .unwrap();
    sqlx::query("UPDATE _sqlx_migrations SET success = false WHERE version = $1")
        .bind(latest)
        .execute(&mut db)
        .await
        .unwrap();
    assert_eq!(
        readyz_within(&app, bound).await,
        (503, "1 migrations not applied".to_owned())
    );
    sqlx::query("UPDATE _sqlx_migrations SET success = true WHERE version = $1")
        .bind(latest)
        .execute(&mut db)
        .await
        .unwrap();
    db.close().await.unwrap();
    assert_eq!(readyz_within(&app, bound).await, (200, "ready".to_owned()));

    let options: sqlx::postgres::PgConnectOptions = app.postgres_url().parse().unwrap();
    let name = options.get_database().unwrap().to_owned();
    let mut admin = sqlx::PgConnection::connect(&aduan_store::postgres::scratch::server_url())
        .await
        .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE \"{name}\" WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await
    .unwrap();
    admin.close().await.unwrap();
    for _ in 0..2 {
        assert_eq!(
            readyz_within(&app, bound).await,
            (503, "store unavailable".to_owned())
        );
    }
}
