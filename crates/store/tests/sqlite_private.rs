//! The SQLite files are readable by their owner only: created so, and tightened when found
//! looser (a database from before, or copied in with a wide umask).

#![cfg(unix)]
// Tests may panic on a broken fixture: that is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use chrono::Utc;

use aduan_domain::Role;
use aduan_store::sqlite::SqliteStore;
use aduan_store::{AccountStore, NewUser};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn files(db: &Path) -> [PathBuf; 3] {
    let with = |suffix: &str| PathBuf::from(format!("{}{suffix}", db.display()));
    [db.to_path_buf(), with("-wal"), with("-shm")]
}

async fn write_something(store: &SqliteStore, username: &str) {
    store
        .create_user(NewUser {
            username: username.into(),
            password_hash: "$argon2id$hash".into(),
            display_name: None,
            role: Role::Citizen,
            unit: None,
            can_view_identity: false,
            sealed_identity: Some(b"sealed".to_vec()),
            created_at: Utc::now(),
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn a_new_database_and_its_wal_and_shm_are_readable_by_their_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("aduan.db");
    let store = SqliteStore::open(&db).unwrap();
    write_something(&store, "siti").await;
    for file in files(&db) {
        assert!(file.exists(), "{} while the store is open", file.display());
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
}

#[tokio::test]
async fn a_database_others_may_read_is_tightened_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("aduan.db");
    let store = SqliteStore::open(&db).unwrap();
    write_something(&store, "siti").await;
    // Left as the code before made them: 0644 under the usual umask.
    for file in files(&db) {
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let again = SqliteStore::open(&db).unwrap();
    write_something(&again, "budi").await;
    for file in files(&db) {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    drop(store);
}
