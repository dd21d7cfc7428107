//! Throwaway databases on a PostgreSQL server, for tests and benchmarks: each gets a new,
//! empty database of its own, dropped when it is no longer needed.

use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};

use crate::{StoreError, StoreResult};

/// The variable naming the server tests and benchmarks use: a URL of any database on it
/// (usually `postgres`) as a role that may create databases.
pub const SERVER_URL_VARIABLE: &str = "ADUAN_TEST_POSTGRES_URL";

/// Where that server is when the variable is not set: this machine's, with trust auth.
pub const DEFAULT_SERVER_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// The server named by [`SERVER_URL_VARIABLE`], else [`DEFAULT_SERVER_URL`].
pub fn server_url() -> String {
    std::env::var(SERVER_URL_VARIABLE).unwrap_or_else(|_| DEFAULT_SERVER_URL.to_string())
}

/// A database created for one test or one benchmark run; dropped (with any connections
/// still open to it) when this value is.
pub struct ScratchDatabase {
    server: PgConnectOptions,
    name: String,
    url: String,
}

static CREATED: AtomicU64 = AtomicU64::new(0);

impl ScratchDatabase {
    /// Create a new, empty database on the server at `server_url`.
    pub async fn create(server_url: &str) -> StoreResult<Self> {
        let server: PgConnectOptions = server_url
            .parse()
            .map_err(|e| StoreError::Other(format!("bad PostgreSQL URL {server_url}: {e}")))?;
        let name = format!(
            "aduan_scratch_{}_{}_{}",
            std::process::id(),
            CREATED.fetch_add(1, Ordering::Relaxed),
            rand::random::<u32>()
        );
        let mut admin = server.connect().await.map_err(|e| {
            StoreError::Other(format!(
                "cannot reach the PostgreSQL server at {server_url} ({SERVER_URL_VARIABLE}): {e}"
            ))
        })?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .map_err(|e| StoreError::Other(format!("cannot create database {name}: {e}")))?;
        let _ = admin.close().await;
        let url = with_database(server_url, &name);
        Ok(Self { server, name, url })
    }

    /// The URL of the new database.
    pub fn url(&self) -> &str {
        &self.url
    }
}

/// `url` with its database replaced by `database` (the query string kept).
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_end = base
        .find("://")
        .map(|scheme| scheme + 3)
        .and_then(|start| base[start..].find('/').map(|slash| start + slash))
        .unwrap_or(base.len());
    let mut out = format!("{}/{database}", &base[..authority_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let server = self.server.clone();
        let name = std::mem::take(&mut self.name);
        // Drop runs outside any async context we could rely on: a thread of its own with a
        // small runtime, joined so the database is gone when this returns.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(async move {
                let mut admin = server.connect().await.map_err(|e| e.to_string())?;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&mut admin)
                .await
                .map_err(|e| e.to_string())?;
                let _ = admin.close().await;
                Ok::<(), String>(())
            })
        })
        .join();
        match dropped {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "cannot drop a scratch database"),
            Err(_) => tracing::warn!("dropping a scratch database panicked"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_in_a_url_is_replaced() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("postgres://u:p@db:5432/postgres?sslmode=disable", "x"),
            "postgres://u:p@db:5432/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://db", "x"), "postgres://db/x");
    }
}
