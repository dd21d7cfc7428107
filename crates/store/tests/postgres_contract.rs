//! The store contract run against `PgStore`, each check on a new database of its own on the
//! server named by `ADUAN_TEST_POSTGRES_URL` (this machine's by default). A server that
//! cannot be reached fails every check: nothing here is skipped.

// Tests may panic on a broken fixture: that is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod contract;

use std::sync::Arc;

use aduan_store::Store;
use aduan_store::postgres::PgStore;
use aduan_store::postgres::scratch::{ScratchDatabase, server_url};

/// A fresh store on a new database; the database is dropped with the returned guard.
async fn fresh_store() -> (Arc<dyn Store>, ScratchDatabase) {
    let database = ScratchDatabase::create(&server_url()).await.unwrap();
    let store = PgStore::connect(database.url()).await.unwrap();
    (Arc::new(store), database)
}

store_contract_tests!(fresh_store);
