//! The test harness's own database helpers (tests/common/database.rs), on both stores
//! whatever `ADUAN_TEST_STORE` says: what they read of a database is everything a thief
//! would find, blobs byte for byte, and what they change is what the tests ask.
//!
//! The rows are written with SQL straight into the tables, the same statements on both
//! databases, so these checks do not depend on either store's implementation.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod common;

use sqlx::Connection;
use sqlx::postgres::PgConnection;

use common::canary::contains;
use common::database::{Database, sqlite_file};

const TICKET: &str = "JKT-20261129-0001";
/// The report's submission, in microseconds since the epoch.
const CREATED_AT: &str = "1764400000000000";
/// Two hours earlier.
const BACKDATED_2H: &str = "1764392800000000";
/// Only ever inside a blob: found only if blobs are read as their raw bytes (not as hex).
const SEALED_NAME: &str = "Wiryawangsa";
const SEALED: &[u8] = b"\x00\x9fsegel:Wiryawangsa\xff\x00";
const DESCRIPTION: &str = "Jalan berlubang di depan sekolah.";

/// A citizen with a sealed identity, and a report by a reporter without an account whose
/// identity is sealed. `$1` is the only parameter, the sealed blob.
const SEED: [(&str, bool); 4] = [
    (
        "INSERT INTO users (id, username, password_hash, role, created_at) \
         VALUES (7, 'saksi', 'argon2-hash', 'citizen', 1764300000000000)",
        false,
    ),
    (
        "INSERT INTO identities (user_id, sealed) VALUES (7, $1)",
        true,
    ),
    (
        "INSERT INTO reports (id, ticket, state, category, description, region, channel, \
         first_receiver, holding_unit, visibility, created_at, updated_at, version) \
         VALUES (3, 'JKT-20261129-0001', 'waiting', 'jalan', \
         'Jalan berlubang di depan sekolah.', '31.74.01', 'web', 'pusat', 'pusat', 'public', \
         1764400000000000, 1764400000000000, 1)",
        false,
    ),
    (
        "INSERT INTO report_reporters (report_id, sealed_identity) VALUES (3, $1)",
        true,
    ),
];

async fn seed(database: &Database) {
    match database {
        Database::Sqlite(dir) => {
            let conn = rusqlite::Connection::open(sqlite_file(dir)).expect("open the file");
            for (sql, blob) in SEED {
                let inserted = if blob {
                    conn.execute(sql, [SEALED])
                } else {
                    conn.execute(sql, [])
                };
                assert_eq!(inserted.expect(sql), 1, "{sql}");
            }
        }
        Database::Postgres(scratch) => {
            let mut conn = PgConnection::connect(scratch.url()).await.expect("connect");
            for (sql, blob) in SEED {
                let query = sqlx::query(sql);
                let query = if blob { query.bind(SEALED) } else { query };
                let inserted = query.execute(&mut conn).await.expect(sql);
                assert_eq!(inserted.rows_affected(), 1, "{sql}");
            }
            conn.close().await.expect("close");
        }
    }
}

async fn the_helpers_read_and_change_the_database(database: Database) {
    seed(&database).await;

    // Text and blobs as they are, wherever they are kept (a SQLite file keeps numbers in
    // binary, so they are looked for in the values only).
    for (what, bytes) in [
        ("stored bytes", database.stored_bytes().await),
        ("table values", database.table_values().await),
    ] {
        for needle in [SEALED_NAME, DESCRIPTION, TICKET, "saksi"] {
            assert!(contains(&bytes, needle.as_bytes()), "{what}: {needle}");
        }
    }
    let values = database.table_values().await;
    assert!(contains(&values, SEALED), "the blob byte for byte");
    assert!(contains(&values, CREATED_AT.as_bytes()), "numbers as text");

    let sealed = [
        database.count("SELECT count(*) FROM identities").await,
        database
            .count("SELECT count(*) FROM report_reporters WHERE sealed_identity IS NOT NULL")
            .await,
        database
            .count("SELECT count(*) FROM report_reporters WHERE sealed_identity IS NULL")
            .await,
    ];
    assert_eq!(sealed, [1, 1, 0]);

    database.backdate(TICKET, 2).await;
    let values = database.table_values().await;
    assert!(contains(&values, BACKDATED_2H.as_bytes()), "backdated");
    assert_eq!(
        database
            .count("SELECT count(*) FROM reports WHERE created_at = 1764392800000000")
            .await,
        1
    );

    // A restarted aduan opens the same database; it still holds the rows.
    let _reopened = database.reopen().await;
    assert_eq!(database.count("SELECT count(*) FROM reports").await, 1);
}

#[tokio::test]
async fn the_database_helpers_work_on_sqlite() {
    let (_store, database) = Database::sqlite();
    the_helpers_read_and_change_the_database(database).await;
}

#[tokio::test]
async fn the_database_helpers_work_on_postgresql() {
    let (_store, database) = Database::postgres().await;
    the_helpers_read_and_change_the_database(database).await;
}

#[tokio::test]
#[should_panic(expected = "backdate JKT-20261129-0002: one report")]
async fn backdating_a_ticket_that_is_not_there_fails() {
    let (_store, database) = Database::sqlite();
    seed(&database).await;
    database.backdate("JKT-20261129-0002", 2).await;
}
