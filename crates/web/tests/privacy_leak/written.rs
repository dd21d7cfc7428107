//! Issue 14, item 10: what a reporter writes about themself reaches no one else. A citizen
//! who names herself and gives her contacts in the description is masked for the officer
//! (API and page) and for the public once she makes the report public, while she reads her
//! own words; an e-mail's sender likewise; `/lacak` and the API answer a private ticket as
//! an unknown one; the duplicate helper offers no report its reader may not read.

use serde_json::json;

use aduan_domain::Role;
use aduan_domain::scrub::{MASK_IDENTITY, MASK_PLATE};

use crate::common::canary::unique_digits;
use crate::common::{Client, TestApp, ticket_of};
use crate::world::{DINAS, KECAMATAN};

fn assert_masked(what: &str, text: &str, secrets: &[&str]) {
    let lower = text.to_lowercase();
    for secret in secrets {
        assert!(
            !lower.contains(&secret.to_lowercase()),
            "{what} reveals {secret:?}: {text}"
        );
    }
}

async fn page(client: &Client, path: &str) -> String {
    let resp = client.get_url(path).await;
    assert_eq!(resp.status, 200, "{path}: {resp:?}");
    resp.text()
}

#[tokio::test]
async fn ratna_writing_her_name_and_contacts_is_not_named_to_the_officer_nor_the_public() {
    let app = TestApp::spawn().await;
    let username = format!("ratnak{}", unique_digits());
    let phone = format!("0813{}", unique_digits());
    let email = format!("ratna.{}@contoh.id", unique_digits());
    let ratna = app
        .register_client(json!({
            "username": username, "display_name": "Ratna Kanariwati",
            "phone": phone, "email": email,
        }))
        .await;
    let description = format!(
        "Saya Ratna Kanariwati (akun {username}), hubungi {phone} atau {email}. \
         Mobil B 1234 KJT parkir di trotoar setiap pagi, kata bu ratna tetangga."
    );
    let view = ratna
        .submit_report(&json!({
            "category": "jalan", "description": description,
            "location": {"region": "31.74.01"},
        }))
        .await
        .expect(201);
    let ticket = ticket_of(&view);
    assert_eq!(
        view["description"],
        description.as_str(),
        "she reads her own"
    );
    let secrets = [
        "Ratna",
        "Kanariwati",
        username.as_str(),
        &phone[1..],
        email.as_str(),
        "1234 KJT",
    ];

    let coordinator = app.staff(Role::Coordinator, Some(KECAMATAN)).await;
    let officer = app.staff(Role::Officer, Some(DINAS)).await;
    coordinator
        .act_ok(&ticket, json!({"action": "forward", "unit": DINAS}))
        .await;
    for (who, staff) in [("the coordinator", &coordinator), ("the officer", &officer)] {
        let api = staff.get_report(&ticket).await.expect(200);
        let text = api["description"].as_str().expect("a description");
        assert_masked(who, text, &secrets);
        for mask in [MASK_IDENTITY, MASK_PLATE] {
            assert!(text.contains(mask), "{who}: {text}");
        }
        assert!(text.contains("parkir di trotoar"), "the rest stays: {text}");
        let html = page(staff, &format!("/laporan/{ticket}")).await;
        assert_masked(&format!("{who}'s page"), &html, &secrets);
        // A search cannot tell staff what the mask hides.
        let found = staff.list("q=Kanariwati").await;
        assert_eq!(found["items"].as_array().map(Vec::len), Some(0), "{found}");
    }

    // Her message to the officer: her contacts masked for staff.
    ratna
        .post_json(
            &format!("/reports/{ticket}/messages"),
            &json!({"body": format!("Kalau perlu telepon {phone} ya.")}),
        )
        .await
        .expect(201);
    let messages = officer
        .get(&format!("/reports/{ticket}/messages"))
        .await
        .expect(200);
    assert_masked(
        "the officer's conversation",
        &messages.to_string(),
        &[&phone[1..]],
    );
    let own = ratna
        .get(&format!("/reports/{ticket}/messages"))
        .await
        .expect(200);
    assert!(own.to_string().contains(&phone), "{own}");

    // Public: everyone reads the same masked text.
    ratna
        .act_ok(&ticket, json!({"action": "make_public"}))
        .await;
    let anyone = app.anonymous();
    let feed = anyone.get("/public/reports").await.expect(200).to_string();
    assert!(feed.contains(MASK_IDENTITY), "{feed}");
    assert_masked("the public feed", &feed, &secrets);
    let public = anyone.get_report(&ticket).await.expect(200);
    assert_masked("the public report", &public.to_string(), &secrets);
    for path in ["/publik".to_owned(), format!("/laporan/{ticket}")] {
        assert_masked(&path, &page(&anyone, &path).await, &secrets);
    }
    let open311 = anyone
        .get_url(&format!("/open311/v2/requests/{ticket}.json"))
        .await;
    assert_masked("Open311", &open311.text(), &secrets);
    let mine = ratna.get_report(&ticket).await.expect(200);
    assert_eq!(mine["description"], description.as_str());
    assert!(
        page(&ratna, &format!("/laporan/{ticket}"))
            .await
            .contains("Kanariwati")
    );
}

#[tokio::test]
async fn an_e_mail_senders_address_and_phone_in_the_body_are_masked_for_staff() {
    let app = TestApp::spawn().await;
    let address = format!("budi.santoso.{}@contoh.co.id", unique_digits());
    let phone = format!("0812{}", unique_digits());
    let raw = format!(
        "From: Budi Santoso <{address}>\r\n\
To: dki@jakarta.go.id\r\n\
Subject: Lampu jalan mati\r\n\
Message-ID: <{}@contoh.co.id>\r\n\
Content-Type: text/plain; charset=UTF-8\r\n\
\r\n\
Lampu jalan di gang kami mati sejak seminggu, gelap dan rawan.\r\n\
Saya Budi Santoso, bisa dihubungi di {address} atau {phone}.\r\n",
        unique_digits()
    );
    let report = aduan_web::email::submit_raw_email(&app.state, raw.as_bytes())
        .await
        .expect("filed");
    let coordinator = app.staff(Role::Coordinator, None).await;
    let view = coordinator
        .get_report(&report.ticket.to_string())
        .await
        .expect(200);
    let text = view["description"].as_str().expect("a description");
    assert_masked("staff", text, &["Budi", "Santoso", &address, &phone[1..]]);
    assert!(text.contains("Lampu jalan"), "{text}");
}

/// A body with the ticket taken out, to compare two answers.
fn without(text: &str, ticket: &str) -> String {
    text.replace(ticket, "TICKET")
}

#[tokio::test]
async fn a_private_ticket_answers_like_an_unknown_one_to_whoever_may_not_read_it() {
    let app = TestApp::spawn().await;
    let reporter = app.register_citizen("pelapor").await;
    let ticket = reporter.file_road_report().await;
    // The next ticket of the day: no report has it.
    let seq: u64 = ticket[ticket.len() - 4..].parse().expect("a sequence");
    let unknown = format!("{}{:04}", &ticket[..ticket.len() - 4], seq + 1);
    let other = app.register_citizen("tetangga").await;
    for (who, client) in [("anyone", app.anonymous()), ("another citizen", other)] {
        let probes = [
            "/lacak?ticket={}".to_owned(),
            "/api/v1/reports/{}".to_owned(),
            "/open311/v2/requests/{}.json".to_owned(),
        ];
        for probe in probes {
            let private = client.get_url(&probe.replace("{}", &ticket)).await;
            let none = client.get_url(&probe.replace("{}", &unknown)).await;
            assert_eq!(private.status, none.status, "{who} {probe}");
            assert_eq!(private.status, 404, "{who} {probe}");
            assert_eq!(
                without(&private.text(), &ticket),
                without(&none.text(), &unknown),
                "{who} {probe}: a private ticket tells itself apart"
            );
        }
    }
    let own = reporter.get_url(&format!("/lacak?ticket={ticket}")).await;
    assert_eq!(own.status, 200, "{own:?}");
    assert!(own.text().contains(&ticket));
}

#[tokio::test]
async fn the_duplicate_helper_offers_no_report_its_reader_may_not_read() {
    // With the kelurahan loaded: each receives the reports filed in it.
    let app = TestApp::spawn_with_boundaries().await;
    let citizen = app.register_citizen("warga").await;
    let file = |region: &'static str, text: &'static str| {
        let citizen = citizen.clone();
        async move {
            ticket_of(
                &citizen
                    .submit_report(&json!({
                        "category": "jalan", "description": text,
                        "location": {"region": region},
                    }))
                    .await
                    .expect(201),
            )
        }
    };
    // Held by the kecamatan: the kelurahan's coordinator may not read it.
    let elsewhere = file(
        "31.74.01",
        "Lubang besar di Jalan Tebet Raya, rahasia kecamatan.",
    )
    .await;
    let here = file(
        "31.74.01.1001",
        "Lubang besar di Jalan Tebet Raya dekat halte.",
    )
    .await;
    let nearby = file(
        "31.74.01.1001",
        "Ada lubang di Jalan Tebet Raya, dekat halte.",
    )
    .await;
    let receiver = citizen.get_report(&here).await.expect(200)["first_receiver"]["code"]
        .as_str()
        .expect("a unit")
        .to_owned();
    let kelurahan = app.staff(Role::Coordinator, Some(&receiver)).await;
    assert_eq!(kelurahan.get_report(&elsewhere).await.status, 404);
    let html = page(&kelurahan, &format!("/laporan/{here}")).await;
    assert!(html.contains(&format!("id=\"dup-{nearby}\"")), "{html}");
    assert!(!html.contains(&elsewhere), "{html}");
    assert!(!html.contains("rahasia kecamatan"), "{html}");
}
