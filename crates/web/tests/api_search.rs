//! Searching reports by words: `GET /reports?q=` within the caller's scope, the public
//! feed's `q` over what the feed shows, and a 422 for words that cannot be searched.

mod common;

use serde_json::{Value, json};

use aduan_domain::Role;
use common::{Client, TestApp, ticket_of, tickets_of};

const TEBET: &str = "kecamatan-31.74.01";
const GAMBIR: &str = "kecamatan-31.71.01";

async fn file(citizen: &Client, description: &str, address: Option<&str>) -> String {
    let mut body = json!({
        "category": "jalan",
        "description": description,
        "location": {"region": "31.74.01"},
    });
    if let Some(address) = address {
        body["address"] = json!(address);
    }
    ticket_of(&citizen.submit_report(&body).await.expect(201))
}

fn encoded(words: &str) -> String {
    words
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn search(client: &Client, words: &str) -> Vec<String> {
    tickets_of(&client.list(&format!("q={}", encoded(words))).await)
}

/// The tickets of the public feed's search for `words`.
async fn feed_of(anyone: &Client, words: &str) -> Vec<String> {
    let path = format!("/public/reports?q={}", encoded(words));
    let page: Value = anyone.get(&path).await.expect(200);
    tickets_of(&page)
}

#[tokio::test]
async fn staff_find_reports_by_stems_only_within_their_scope() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let broken = file(
        &citizen,
        "Jalan rusak dan belum diperbaiki sejak bulan lalu.",
        None,
    )
    .await;
    let lamp = file(
        &citizen,
        "Perbaikan lampu jalan tidak pernah selesai.",
        Some("Jl. Tebet Raya No. 5"),
    )
    .await;
    let rubbish = file(&citizen, "Sampah menumpuk di pasar sejak seminggu.", None).await;

    let officer = app.staff(Role::Officer, Some(TEBET)).await;
    assert_eq!(
        search(&officer, "perbaikan").await,
        [lamp.clone(), broken.clone()]
    );
    assert_eq!(
        search(&officer, "sampah pasar").await,
        vec![rubbish.clone()]
    );
    assert_eq!(search(&officer, "tebet raya").await, vec![lamp.clone()]);
    assert_eq!(search(&officer, "banjir").await, Vec::<String>::new());
    // Syntax of search engines is only words.
    assert_eq!(search(&officer, "jalan OR").await, Vec::<String>::new());
    assert_eq!(
        search(&officer, "\"jalan\" *").await,
        [lamp.clone(), broken.clone()]
    );
    // With other filters and pages.
    assert_eq!(
        officer.list_all("q=jalan&limit=1&state=waiting").await,
        [lamp.clone(), broken.clone()]
    );
    assert_eq!(
        citizen.list_all("q=menumpuk&limit=1").await,
        vec![rubbish.clone()]
    );
    // A blank q is no search.
    assert_eq!(tickets_of(&officer.list("q=%20").await).len(), 3);

    // An officer of another unit finds nothing of them.
    let other = app.staff(Role::Officer, Some(GAMBIR)).await;
    for words in ["perbaikan", "sampah", "jalan", "tebet"] {
        assert_eq!(search(&other, words).await, Vec::<String>::new(), "{words}");
    }
}

#[tokio::test]
async fn words_that_cannot_be_searched_are_a_422() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    file(
        &citizen,
        "Jalan rusak dan belum diperbaiki sejak bulan lalu.",
        None,
    )
    .await;
    let long = "a".repeat(201);
    for bad in ["a", "%2A%2A", "%22%22%20%28", long.as_str()] {
        let error = citizen.get(&format!("/reports?q={bad}")).await.invalid("q");
        let problem = error["fields"]["q"].as_str().unwrap_or_default().to_owned();
        assert!(problem.starts_with("the search must"), "{bad}: {error}");
    }
    app.anonymous()
        .get("/public/reports?q=x")
        .await
        .invalid("q");
}

#[tokio::test]
async fn the_public_feed_finds_only_what_it_shows() {
    let app = TestApp::spawn().await;
    let citizen = app.register_citizen("warga").await;
    let ticket = file(
        &citizen,
        "Lampu taman mati, hubungi 0812-3456-7890 kalau perlu.",
        Some("Gang Kenari 7"),
    )
    .await;
    let private = file(&citizen, "Lampu taman di sebelah juga mati.", None).await;
    citizen
        .act_ok(&ticket, json!({"action": "make_public"}))
        .await;

    let anyone = app.anonymous();
    assert_eq!(feed_of(&anyone, "lampu taman").await, vec![ticket.clone()]);
    // Masked data and the address, which the feed does not show, find nothing.
    for hidden in ["0812-3456-7890", "kenari"] {
        assert_eq!(
            feed_of(&anyone, hidden).await,
            Vec::<String>::new(),
            "{hidden}"
        );
    }
    // The reporter's own listing searches the address; the index holds the text as staff
    // read it, masked, so no one finds a report by the phone number written in it.
    assert_eq!(search(&citizen, "kenari").await, vec![ticket.clone()]);
    assert_eq!(
        search(&citizen, "0812-3456-7890").await,
        Vec::<String>::new()
    );
    assert!(!feed_of(&anyone, "sebelah").await.contains(&private));
}

#[tokio::test]
async fn the_openapi_document_describes_q() {
    let app = TestApp::spawn().await;
    let doc = app.anonymous().get("/openapi.json").await.expect(200);
    for path in ["/reports", "/public/reports"] {
        let params = doc["paths"][path]["get"]["parameters"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let q = params.iter().find(|p| p["name"] == "q");
        let description = q
            .and_then(|q| q["description"].as_str())
            .unwrap_or_default();
        assert!(
            description.contains("2-200 characters"),
            "{path}: {params:?}"
        );
    }
}
