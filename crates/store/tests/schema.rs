//! The declaration of the tables both stores hold ([`aduan_store::schema::TABLES`]) against
//! the schemas the stores' migrations build: every table and column declared is there with
//! the declared type, and nothing else is but what each store derives or keeps for itself.

// Tests may panic on a broken fixture: that is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use aduan_store::postgres::PgStore;
use aduan_store::postgres::scratch::{ScratchDatabase, server_url};
use aduan_store::schema::{
    Kind, POSTGRES_DERIVED_COLUMNS, POSTGRES_ONLY_TABLES, TABLES, is_ignored,
};
use aduan_store::sqlite::SqliteStore;
use sqlx::Connection;

/// Every table's columns and their types, as a schema has them.
type Columns = BTreeMap<String, BTreeMap<String, String>>;

/// What the declaration says a schema should have, with each kind's type in that schema.
fn declared(type_of: fn(Kind) -> &'static str) -> Columns {
    TABLES
        .iter()
        .map(|t| {
            let columns = t
                .columns
                .iter()
                .map(|c| (c.name.to_owned(), type_of(c.kind).to_owned()))
                .collect();
            (t.name.to_owned(), columns)
        })
        .collect()
}

fn sqlite_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Int | Kind::Bool => "INTEGER",
        Kind::Real | Kind::F32 => "REAL",
        Kind::Text => "TEXT",
        Kind::Bytes => "BLOB",
    }
}

fn postgres_type(kind: Kind) -> &'static str {
    match kind {
        Kind::Int => "bigint",
        Kind::Real => "double precision",
        Kind::F32 => "real",
        Kind::Text => "text",
        Kind::Bytes => "bytea",
        Kind::Bool => "boolean",
    }
}

#[test]
fn the_declaration_is_the_sqlite_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("aduan.db");
    drop(SqliteStore::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT m.name, c.name, c.type FROM sqlite_master m, pragma_table_info(m.name) c
             WHERE m.type = 'table'",
        )
        .unwrap();
    let mut found = Columns::new();
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .unwrap();
    for row in rows {
        let (table, column, kind) = row.unwrap();
        if !is_ignored(&table) {
            found.entry(table).or_default().insert(column, kind);
        }
    }
    assert_eq!(found, declared(sqlite_type));
}

#[tokio::test]
async fn the_declaration_is_the_postgres_schema() {
    let database = ScratchDatabase::create(&server_url()).await.unwrap();
    drop(PgStore::connect(database.url()).await.unwrap());
    let mut conn = sqlx::PgConnection::connect(database.url()).await.unwrap();
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text
         FROM information_schema.columns WHERE table_schema = 'public'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut found = Columns::new();
    for (table, column, kind) in rows {
        let derived = POSTGRES_DERIVED_COLUMNS.contains(&(table.as_str(), column.as_str()));
        if !is_ignored(&table) && !POSTGRES_ONLY_TABLES.contains(&table.as_str()) && !derived {
            found.entry(table).or_default().insert(column, kind);
        }
    }
    assert_eq!(found, declared(postgres_type));
}
