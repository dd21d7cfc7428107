//! The photo store in S3, against a real S3-compatible server: `s3s-fs` (crates.io), which
//! keeps a bucket as a directory. Each test starts its own server on a free port, with its
//! own directory and random keys, so the objects' files show what the server stored (the
//! harness is support/s3_server.rs).
//!
//! The server is `$ADUAN_S3S_FS`, else `s3s-fs` on PATH; scripts/test installs it. A
//! missing server fails the tests: they are never skipped.

// A broken fixture is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/s3_server.rs"]
mod s3_server;

use aduan_domain::report::ImageObject;
use aduan_store::StoreError;
use aduan_store::photo_store::{PhotoLocation, PhotoStore, S3Settings};

use s3_server::{S3Server, files_under, object_file, random_key};

/// Bytes that are not all alike and span several reads (300 KB).
fn photo_bytes() -> Vec<u8> {
    (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect()
}

#[tokio::test]
async fn an_image_round_trips_and_lands_under_the_prefix_in_the_servers_bucket() {
    let server = S3Server::start();
    let store = server.store("jakarta/2026");
    let bytes = photo_bytes();

    let image = store.put(bytes.clone()).await.unwrap();
    assert_eq!(image, ImageObject::of(&bytes));
    assert_eq!(store.get(&image).await.unwrap(), bytes);

    let file = object_file(&server.bucket_dir(), "jakarta/2026", &image);
    assert_eq!(std::fs::read(&file).unwrap(), bytes, "{}", file.display());
    assert_eq!(files_under(&server.bucket_dir()), vec![file]);

    // Another prefix is another store.
    assert!(!server.store("").contains(&image).await.unwrap());
    assert!(matches!(
        server.store("bogor").get(&image).await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test]
async fn the_same_bytes_put_twice_are_stored_once() {
    let server = S3Server::start();
    let store = server.store("photos");

    let first = store.put(b"one photo".to_vec()).await.unwrap();
    let again = store.put(b"one photo".to_vec()).await.unwrap();
    assert_eq!(first, again);
    assert_eq!(
        files_under(&server.bucket_dir()),
        vec![object_file(&server.bucket_dir(), "photos", &first)]
    );
    assert_eq!(store.get(&first).await.unwrap(), b"one photo");

    let other = store.put(b"another photo".to_vec()).await.unwrap();
    assert_ne!(other, first);
    assert_eq!(files_under(&server.bucket_dir()).len(), 2);
}

#[tokio::test]
async fn a_missing_image_is_not_found() {
    let server = S3Server::start();
    let store = server.store("photos");
    store.put(b"stored".to_vec()).await.unwrap();

    let missing = ImageObject::of(b"never stored");
    assert!(matches!(
        store.get(&missing).await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test]
async fn contains_says_whether_the_image_is_there_at_its_size() {
    let server = S3Server::start();
    let store = server.store("photos");
    let image = ImageObject::of(b"a photo");
    assert!(!store.contains(&image).await.unwrap());

    assert_eq!(store.put(b"a photo".to_vec()).await.unwrap(), image);
    assert!(store.contains(&image).await.unwrap());
    let wrong_size = ImageObject {
        size: image.size + 1,
        ..image
    };
    assert!(!store.contains(&wrong_size).await.unwrap());
}

#[tokio::test]
async fn an_image_of_another_size_than_recorded_is_an_error() {
    let server = S3Server::start();
    let store = server.store("photos");
    let image = store.put(b"a photo".to_vec()).await.unwrap();

    for size in [image.size - 1, image.size + 1] {
        let recorded = ImageObject { size, ..image };
        match store.get(&recorded).await {
            Err(StoreError::Other(why)) => assert!(why.contains("bytes"), "{why}"),
            other => panic!("size {size}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn wrong_credentials_are_refused() {
    let server = S3Server::start();
    let image = server
        .store("photos")
        .put(b"a photo".to_vec())
        .await
        .unwrap();
    let stored = files_under(&server.bucket_dir());

    let wrong_secret = S3Settings {
        secret_access_key: random_key(40),
        ..server.settings("photos")
    };
    let unknown_key = S3Settings {
        access_key_id: random_key(20),
        ..server.settings("photos")
    };
    for settings in [wrong_secret, unknown_key] {
        let store = PhotoStore::open(&PhotoLocation::S3(settings)).unwrap();
        let put = store.put(b"an intruder's photo".to_vec()).await;
        assert!(matches!(put, Err(StoreError::Other(_))), "{put:?}");
        // Refused, not "not there": the image is stored.
        let got = store.get(&image).await;
        assert!(matches!(got, Err(StoreError::Other(_))), "{got:?}");
        let contains = store.contains(&image).await;
        assert!(
            matches!(contains, Err(StoreError::Other(_))),
            "{contains:?}"
        );
    }
    assert_eq!(files_under(&server.bucket_dir()), stored);
}
