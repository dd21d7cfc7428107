//! The statistics' queue on PostgreSQL: vacuumed when folding leaves it full of dead rows,
//! and folded under plans that hold whatever PostgreSQL believes of its size.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::postgres::PgStore;
use crate::postgres::scratch::{ScratchDatabase, server_url};

async fn dead_and_vacuums(pool: &PgPool) -> (i64, i64) {
    sqlx::query_as(
        "SELECT n_dead_tup, vacuum_count FROM pg_stat_user_tables
         WHERE relid = 'stats_pending'::regclass",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

/// A scratch database with aduan's schema, and a pool on it without the store's folder
/// (which would fold and vacuum the queue too).
async fn schema_only() -> (ScratchDatabase, PgPool) {
    let database = ScratchDatabase::create(&server_url()).await.unwrap();
    drop(PgStore::connect(database.url()).await.unwrap());
    let pool = PgPool::connect(database.url()).await.unwrap();
    (database, pool)
}

/// Queue `rows` changes.
fn queue(rows: i64) -> String {
    format!(
        "INSERT INTO stats_pending (sign, day, category, channel, region, state)
         SELECT 1, '2026-12-05', 'jalan', 'jaki', '31.74.01.1001', 'waiting'
         FROM generate_series(1, {rows})"
    )
}

/// Queue `rows` changes and delete them again, as folding does, on one connection, and
/// flush its counts to PostgreSQL's shared statistics (when its next statement ends).
async fn queue_and_fold_away(conn: &mut PgConnection, rows: i64) {
    for sql in [
        queue(rows),
        "DELETE FROM stats_pending".into(),
        "SELECT pg_stat_force_next_flush()".into(),
        "SELECT 1".into(),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *conn)
            .await
            .unwrap();
    }
}

/// A queue emptied of many folded changes is vacuumed by the next round, and one with
/// few dead rows is left to autovacuum.
#[tokio::test]
async fn a_queue_left_with_many_dead_rows_is_vacuumed() {
    let (_database, pool) = schema_only().await;
    let pool = &pool;
    let mut conn = pool.acquire().await.unwrap();
    queue_and_fold_away(&mut conn, 100).await;
    let (dead, vacuums) = dead_and_vacuums(pool).await;
    assert_eq!(dead, 100);
    vacuum_queue_if_dead(pool).await.unwrap();
    assert_eq!(
        dead_and_vacuums(pool).await.1,
        vacuums,
        "few dead rows: left alone"
    );

    queue_and_fold_away(&mut conn, VACUUM_PAST_DEAD + 1).await;
    assert!(dead_and_vacuums(pool).await.0 > VACUUM_PAST_DEAD);
    vacuum_queue_if_dead(pool).await.unwrap();
    let (dead, after) = dead_and_vacuums(pool).await;
    assert_eq!(after, vacuums + 1, "vacuumed once");
    assert_eq!(dead, 0);
    drop(conn);
    pool.close().await;
}

/// The plans of the fold's statements, when PostgreSQL last saw the queue empty (a
/// vacuum of it left 0 rows over its pages) and many changes wait in it: each reads the
/// queue by its index, never a loop over the queue per row, which the single statement
/// the fold used before was planned as.
#[tokio::test]
async fn the_folds_plans_hold_when_the_queue_was_last_seen_empty() {
    let (_database, pool) = schema_only().await;
    let pool = &pool;
    for sql in [
        queue(30_000),
        "DELETE FROM stats_pending".into(),
        "VACUUM (TRUNCATE false) stats_pending".into(),
        queue(30_000),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(pool)
            .await
            .unwrap();
    }
    let plan = |sql: &'static str, ids: Option<Vec<i64>>| async move {
        let mut tx = pool.begin().await.unwrap();
        let explain = format!("EXPLAIN {sql}");
        let query = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(explain));
        let query = match ids {
            Some(ids) => {
                sqlx::query(INDEXES_ONLY).execute(&mut *tx).await.unwrap();
                query.bind(ids)
            }
            None => query.bind(FOLD_BATCH),
        };
        query.fetch_all(&mut *tx).await.unwrap().join("\n")
    };
    let before = plan(
        "DELETE FROM stats_pending WHERE id IN
             (SELECT id FROM stats_pending ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)",
        None,
    )
    .await;
    assert!(before.contains("Nested Loop"), "{before}");
    for (sql, ids) in [
        (CLAIM_SKIP_LOCKED, None),
        (CLAIM_WAIT, None),
        (DELETE_CLAIMED, Some((1..=5_000).collect())),
    ] {
        let plan = plan(sql, ids).await;
        assert!(!plan.contains("Nested Loop"), "{plan}");
        assert!(!plan.contains("Seq Scan"), "{plan}");
        assert!(plan.contains("stats_pending_pkey"), "{plan}");
    }
    pool.close().await;
}
