//! A test app's database, the same way on SQLite and on PostgreSQL: a fresh one per app,
//! what a thief of it would read, and the few changes a test makes behind the app's back.
//!
//! [`STORE_VARIABLE`] picks the store; every helper here works on both, so no test needs to
//! know which one it runs on.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use sqlx::postgres::PgConnection;
use sqlx::{Connection, Row};
use tempfile::TempDir;

use aduan_store::Store;
use aduan_store::postgres::PgStore;
use aduan_store::postgres::scratch::{ScratchDatabase, server_url};
use aduan_store::sqlite::SqliteStore;

/// The variable that runs the HTTP suites on PostgreSQL: `ADUAN_TEST_STORE=postgres` gives
/// every app a scratch database on the server `ADUAN_TEST_POSTGRES_URL` names; unset (or
/// `sqlite`), a SQLite file in a temporary directory.
pub const STORE_VARIABLE: &str = "ADUAN_TEST_STORE";

/// The SQLite file's name in its temporary directory.
const SQLITE_FILE: &str = "aduan.db";

/// What keeps a test app's database alive, and removes it afterwards.
pub(crate) enum Database {
    Sqlite(TempDir),
    /// Boxed: a scratch database's connection options are large.
    Postgres(Box<ScratchDatabase>),
}

impl Database {
    /// A new, empty store of the kind [`STORE_VARIABLE`] asks for.
    pub(crate) async fn fresh() -> (Arc<dyn Store>, Self) {
        match std::env::var(STORE_VARIABLE).as_deref() {
            Err(_) | Ok("sqlite") => Self::sqlite(),
            Ok("postgres") => Self::postgres().await,
            Ok(other) => panic!("{STORE_VARIABLE}={other}: expected sqlite or postgres"),
        }
    }

    /// A new, empty SQLite store in a temporary directory.
    pub(crate) fn sqlite() -> (Arc<dyn Store>, Self) {
        let dir = tempfile::tempdir().expect("a temp dir");
        let store = SqliteStore::open(&dir.path().join(SQLITE_FILE)).expect("open the store");
        (Arc::new(store), Self::Sqlite(dir))
    }

    /// A new, empty PostgreSQL store on a scratch database.
    pub(crate) async fn postgres() -> (Arc<dyn Store>, Self) {
        let database = ScratchDatabase::create(&server_url())
            .await
            .expect("a scratch PostgreSQL database");
        let store = PgStore::connect(database.url())
            .await
            .expect("connect to the scratch database");
        (Arc::new(store), Self::Postgres(Box::new(database)))
    }

    /// The PostgreSQL database's URL; `None` on SQLite.
    pub(crate) fn postgres_url(&self) -> Option<&str> {
        match self {
            Self::Sqlite(_) => None,
            Self::Postgres(database) => Some(database.url()),
        }
    }

    /// A second store on the same database, as a restarted aduan would open it.
    pub(crate) async fn reopen(&self) -> Arc<dyn Store> {
        match self {
            Self::Sqlite(dir) => {
                Arc::new(SqliteStore::open(&sqlite_file(dir)).expect("reopen the SQLite database"))
            }
            Self::Postgres(database) => Arc::new(
                PgStore::connect(database.url())
                    .await
                    .expect("reconnect to the scratch database"),
            ),
        }
    }

    /// Everything a thief of the database gets. SQLite: the file's bytes and its WAL's (where
    /// recent writes are until a checkpoint). PostgreSQL, whose files are the server's: every
    /// value of every table, as [`Database::table_values`] reads them.
    pub(crate) async fn stored_bytes(&self) -> Vec<u8> {
        match self {
            Self::Sqlite(dir) => {
                let file = sqlite_file(dir);
                let mut bytes = std::fs::read(&file).expect("read the database file");
                let wal = PathBuf::from(format!("{}-wal", file.display()));
                bytes.extend(std::fs::read(wal).unwrap_or_default());
                bytes
            }
            Self::Postgres(_) => self.table_values().await,
        }
    }

    /// Every value of every table, read through the database itself: text as UTF-8, blobs
    /// (bytea) as their raw bytes, numbers as text, each followed by a tab.
    pub(crate) async fn table_values(&self) -> Vec<u8> {
        match self {
            Self::Sqlite(dir) => sqlite_values(&sqlite_file(dir)),
            Self::Postgres(database) => postgres_values(database.url()).await,
        }
    }

    /// The number a `SELECT count(*) ...` returns; the same SQL on both stores.
    pub(crate) async fn count(&self, sql: &'static str) -> i64 {
        match self {
            Self::Sqlite(dir) => {
                let conn = rusqlite::Connection::open_with_flags(
                    sqlite_file(dir),
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
                )
                .expect("open the database file");
                conn.query_row(sql, [], |r| r.get(0))
                    .unwrap_or_else(|e| panic!("{sql}: {e}"))
            }
            Self::Postgres(database) => {
                let mut conn = postgres(database.url()).await;
                let count = sqlx::query(sql)
                    .fetch_one(&mut conn)
                    .await
                    .and_then(|row| row.try_get::<i64, _>(0))
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
                let _ = conn.close().await;
                count
            }
        }
    }

    /// Put photo `photo` back as a version before photos left the database stored it: its
    /// `bytes` in the row (waiting in `photos_to_move`), no image in the photo store named.
    pub(crate) async fn keep_photo_in_database(&self, photo: i64, bytes: Vec<u8>) {
        const FORGET: &str = "UPDATE photos SET image_sha256 = NULL, image_size = NULL, \
             thumbnail_sha256 = NULL, thumbnail_size = NULL, content_type = 'image/png' \
             WHERE id = $1";
        match self {
            Self::Sqlite(dir) => {
                let conn = rusqlite::Connection::open(sqlite_file(dir)).expect("open the database");
                conn.execute(
                    "INSERT INTO photos_to_move (photo_id, bytes) VALUES (?1, ?2)",
                    rusqlite::params![photo, bytes],
                )
                .expect("keep the bytes");
                let changed = conn
                    .execute(&FORGET.replace("$1", "?1"), [photo])
                    .expect("forget the images");
                assert_eq!(changed, 1);
            }
            Self::Postgres(database) => {
                let mut conn = postgres(database.url()).await;
                sqlx::query("INSERT INTO photos_to_move (photo_id, bytes) VALUES ($1, $2)")
                    .bind(photo)
                    .bind(bytes)
                    .execute(&mut conn)
                    .await
                    .expect("keep the bytes");
                let done = sqlx::query(FORGET)
                    .bind(photo)
                    .execute(&mut conn)
                    .await
                    .expect("forget the images");
                assert_eq!(done.rows_affected(), 1);
                let _ = conn.close().await;
            }
        }
    }

    /// Move a report's submission back by `hours`, as if it had waited that long.
    pub(crate) async fn backdate(&self, ticket: &str, hours: i64) {
        let micros = hours * 3_600_000_000;
        let changed = match self {
            Self::Sqlite(dir) => {
                let conn = rusqlite::Connection::open(sqlite_file(dir)).expect("open the database");
                let changed = conn
                    .execute(
                        "UPDATE reports SET created_at = created_at - ?1 WHERE ticket = ?2",
                        rusqlite::params![micros, ticket],
                    )
                    .expect("backdate");
                u64::try_from(changed).expect("a row count")
            }
            Self::Postgres(database) => {
                let mut conn = postgres(database.url()).await;
                let done = sqlx::query(
                    "UPDATE reports SET created_at = created_at - $1 WHERE ticket = $2",
                )
                .bind(micros)
                .bind(ticket)
                .execute(&mut conn)
                .await
                .expect("backdate");
                let _ = conn.close().await;
                done.rows_affected()
            }
        };
        assert_eq!(changed, 1, "backdate {ticket}: one report");
    }
}

impl Database {
    /// Move the sessions of `username` back in time: their opening and expiry by
    /// `opened_minutes`, their last use by `idle_minutes`, as if that much time had passed.
    pub(crate) async fn age_sessions(
        &self,
        username: &str,
        opened_minutes: i64,
        idle_minutes: i64,
    ) {
        let (opened, idle) = (opened_minutes * 60_000_000, idle_minutes * 60_000_000);
        let changed = match self {
            Self::Sqlite(dir) => {
                let conn = rusqlite::Connection::open(sqlite_file(dir)).expect("open the database");
                let changed = conn
                    .execute(
                        "UPDATE sessions SET created_at = created_at - ?1, expires_at = expires_at - ?1,
                             last_seen_at = last_seen_at - ?2
                         WHERE user_id = (SELECT id FROM users WHERE username = ?3)",
                        rusqlite::params![opened, idle, username],
                    )
                    .expect("age the sessions");
                u64::try_from(changed).expect("a row count")
            }
            Self::Postgres(database) => {
                let mut conn = postgres(database.url()).await;
                let done = sqlx::query(
                    "UPDATE sessions SET created_at = created_at - $1, expires_at = expires_at - $1,
                         last_seen_at = last_seen_at - $2
                     WHERE user_id = (SELECT id FROM users WHERE username = $3)",
                )
                .bind(opened)
                .bind(idle)
                .bind(username)
                .execute(&mut conn)
                .await
                .expect("age the sessions");
                let _ = conn.close().await;
                done.rows_affected()
            }
        };
        assert!(changed > 0, "age the sessions of {username}: none found");
    }
}

/// The SQLite file in its temporary directory.
pub(crate) fn sqlite_file(dir: &TempDir) -> PathBuf {
    dir.path().join(SQLITE_FILE)
}

/// [`Database::table_values`] on SQLite.
fn sqlite_values(file: &std::path::Path) -> Vec<u8> {
    use rusqlite::types::ValueRef;
    let conn =
        rusqlite::Connection::open_with_flags(file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open the database file");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("list the tables");
    let mut values = Vec::new();
    for table in &tables {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {}", quoted(table)))
            .expect("select");
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).expect("query");
        while let Some(row) = rows.next().expect("a row") {
            for i in 0..columns {
                match row.get_ref(i).expect("a value") {
                    ValueRef::Text(t) | ValueRef::Blob(t) => values.extend_from_slice(t),
                    ValueRef::Integer(n) => values.extend(n.to_string().into_bytes()),
                    ValueRef::Real(x) => values.extend(x.to_string().into_bytes()),
                    ValueRef::Null => {}
                }
                values.push(b'\t');
            }
        }
    }
    values
}

/// [`Database::table_values`] on PostgreSQL: bytea columns read as bytes, every other
/// column as the server's text for it.
async fn postgres_values(url: &str) -> Vec<u8> {
    let mut conn = postgres(url).await;
    let columns = sqlx::query(
        "SELECT c.table_name::text, c.column_name::text, c.data_type = 'bytea' \
         FROM information_schema.columns c \
         JOIN information_schema.tables t \
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' \
         ORDER BY c.table_name, c.ordinal_position",
    )
    .fetch_all(&mut conn)
    .await
    .expect("list the columns");
    let mut tables: BTreeMap<String, Vec<(String, bool)>> = BTreeMap::new();
    for row in &columns {
        let table: String = row.try_get(0).expect("a table name");
        let column: String = row.try_get(1).expect("a column name");
        let bytea: bool = row.try_get(2).expect("a type");
        tables.entry(table).or_default().push((column, bytea));
    }
    assert!(!tables.is_empty(), "the scratch database has tables");
    let mut values = Vec::new();
    for (table, columns) in &tables {
        let select = columns
            .iter()
            .map(|(column, bytea)| {
                if *bytea {
                    quoted(column)
                } else {
                    format!("{}::text", quoted(column))
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("SELECT {select} FROM {}", quoted(table));
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("read {table}: {e}"));
        for row in &rows {
            for (i, (column, bytea)) in columns.iter().enumerate() {
                let value = if *bytea {
                    row.try_get::<Option<Vec<u8>>, _>(i)
                } else {
                    row.try_get::<Option<String>, _>(i)
                        .map(|text| text.map(String::into_bytes))
                };
                let value = value.unwrap_or_else(|e| panic!("{table}.{column}: {e}"));
                values.extend(value.unwrap_or_default());
                values.push(b'\t');
            }
        }
    }
    let _ = conn.close().await;
    values
}

async fn postgres(url: &str) -> PgConnection {
    PgConnection::connect(url)
        .await
        .expect("connect to the scratch database")
}

/// A table or column name as an SQL identifier (the same quoting on both databases).
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
