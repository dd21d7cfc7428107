//! Photos an earlier version kept in the database: not shown while they wait, then moved out
//! to the photo store (cleaned into a display image and a thumbnail) by
//! `aduan_web::photo_move::move_out`, as `aduan migrate` and `aduan serve` run it, once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use serde_json::Value;

use aduan_domain::report::ImageObject;
use aduan_web::photo_move::move_out;
use common::{TestApp, jpeg, report_body};

#[tokio::test]
async fn a_photo_kept_in_the_database_is_moved_out_once_and_served_again() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga.lama").await;
    let view: Value = citizen
        .submit_with_photos(&report_body("jalan", "31.74.01"), vec![jpeg()])
        .await
        .expect(201);
    let ticket = view["ticket"].as_str().unwrap().to_owned();
    let url = view["photos"][0]["url"].as_str().unwrap().to_owned();
    let id: i64 = url.rsplit('/').next().unwrap().parse().unwrap();

    // As an earlier version stored it: the bytes in the row (its type as another), nothing
    // in the photo store.
    let kept = jpeg();
    app.keep_photo_in_database(id, kept.clone()).await;
    assert_eq!(
        citizen.get_url(&url).await.status,
        404,
        "not shown while it waits"
    );
    let listed = citizen.get_report(&ticket).await.expect(200);
    assert_eq!(listed["photos"], serde_json::json!([]), "{listed}");

    assert_eq!(
        move_out(app.store.as_ref(), &app.state.photos)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        move_out(app.store.as_ref(), &app.state.photos)
            .await
            .unwrap(),
        0
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM photos_to_move").await, 0);

    // Cleaned again as an upload is (its type from the encoder), served with its
    // thumbnail, the bytes read from the photo store.
    let photo = citizen.get_url(&url).await;
    assert_eq!(photo.status, 200, "{photo:?}");
    assert_eq!(photo.headers["content-type"], "image/jpeg");
    let report = app.stored(&ticket).await;
    let info = app.store.photo(report.id, id).await.unwrap();
    assert_eq!(info.image, ImageObject::of(&photo.body));
    assert!(app.state.photos.contains(&info.thumbnail).await.unwrap());
    assert_eq!(
        citizen.get_url(&format!("{url}/thumbnail")).await.status,
        200
    );
    assert_ne!(photo.body, kept);
}

/// Images no photo names (a submission whose database write failed after its images were
/// put) are removed once older than the cut-off; named ones and young ones stay.
#[tokio::test]
async fn images_no_photo_names_are_swept_once_old_enough() {
    use aduan_web::photo_sweep::{Swept, sweep};

    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga.sapu").await;
    let view: Value = citizen
        .submit_with_photos(&report_body("jalan", "31.74.01"), vec![jpeg()])
        .await
        .expect(201);
    let url = view["photos"][0]["url"].as_str().unwrap().to_owned();
    let photos = &app.state.photos;
    let old = photos
        .put(b"orphan of a failed follow-up".to_vec())
        .await
        .unwrap();
    let young = photos
        .put(b"orphan of a submission on its way".to_vec())
        .await
        .unwrap();
    let file = |image: &ImageObject| {
        let hex = image.hex();
        app.photos_dir
            .path()
            .join("photos/sha256")
            .join(&hex[..2])
            .join(&hex)
    };
    let two_days_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 86_400);
    std::fs::File::options()
        .write(true)
        .open(file(&old))
        .unwrap()
        .set_modified(two_days_ago)
        .unwrap();
    let cut_off = chrono::Utc::now() - chrono::Duration::hours(24);

    let counted = sweep(app.store.as_ref(), photos, cut_off, true)
        .await
        .unwrap();
    let expected = Swept {
        named: 2,
        young: 1,
        removed: 1,
        removed_bytes: old.size,
    };
    assert_eq!(counted, expected);
    assert!(file(&old).exists(), "a dry run removes nothing");

    assert_eq!(
        sweep(app.store.as_ref(), photos, cut_off, false)
            .await
            .unwrap(),
        expected
    );
    assert!(!file(&old).exists());
    assert!(file(&young).exists());
    assert_eq!(
        citizen.get_url(&url).await.status,
        200,
        "the photo's images stay"
    );
    assert_eq!(
        sweep(app.store.as_ref(), photos, cut_off, false)
            .await
            .unwrap()
            .removed,
        0
    );
}
