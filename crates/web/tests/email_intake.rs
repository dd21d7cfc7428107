//! The e-mail channel end to end: a realistic message filed twice makes one private report
//! at the intake desk, with the sender sealed and shown to no staff member.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use aduan_domain::{Channel, ReportState, Role};
use common::{TestApp, png};

const SENDER_NAME: &str = "Dewi Kartikasari";
const SENDER_ADDRESS: &str = "dewi.kartikasari@contoh.co.id";

fn eml() -> Vec<u8> {
    let photo = STANDARD.encode(png());
    format!(
        "From: =?UTF-8?Q?Dewi_Kartikasari?= <{SENDER_ADDRESS}>\r\n\
To: dki@jakarta.go.id\r\n\
Subject: =?UTF-8?Q?Jalan_berlubang_di_Tebet?=\r\n\
Date: Tue, 4 Mar 2025 07:30:00 +0700\r\n\
Message-ID: <20250304073000.77@contoh.co.id>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b1\"\r\n\
\r\n\
--b1\r\n\
Content-Type: text/plain; charset=UTF-8\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
\r\n\
Lubang besar di Jalan Tebet Raya depan kaf=C3=A9, sudah dua motor jatuh.\r\n\
Mohon segera diperbaiki. Salam, Dewi\r\n\
--b1\r\n\
Content-Type: image/png; name=\"lubang.png\"\r\n\
Content-Disposition: attachment; filename=\"lubang.png\"\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
{photo}\r\n\
--b1\r\n\
Content-Type: text/csv; name=\"data.csv\"\r\n\
Content-Disposition: attachment; filename=\"data.csv\"\r\n\
\r\n\
a,b\r\n\
--b1--\r\n"
    )
    .into_bytes()
}

#[tokio::test]
async fn an_email_filed_twice_makes_one_private_report_with_a_sealed_sender() {
    let app = TestApp::spawn().await;
    let first = aduan_web::email::submit_raw_email(&app.state, &eml())
        .await
        .unwrap();
    let again = aduan_web::email::submit_raw_email(&app.state, &eml())
        .await
        .unwrap();
    assert_eq!(first.ticket, again.ticket, "a redelivery files nothing new");
    assert_eq!(first.id, again.id);

    let ticket = first.ticket.to_string();
    let stored = app.stored(&ticket).await;
    assert_eq!(stored.channel, Channel::Email);
    assert_eq!(stored.state, ReportState::Waiting);
    assert_eq!(stored.visibility.code(), "private");
    // Triage read the text: a road, in (Kecamatan) Tebet; a coordinator still confirms it.
    assert_eq!(stored.category.as_str(), "jalan");
    assert_eq!(stored.region.as_str(), "31.74.01");
    let triage = app.store.triage(stored.id).await.unwrap().unwrap();
    assert_eq!(triage.suggested_category.unwrap().as_str(), "jalan");
    assert_eq!(triage.confirmed_at, None);
    assert!(
        stored
            .description
            .starts_with("Jalan berlubang di Tebet\n\nLubang besar di Jalan Tebet Raya depan kafé, sudah dua motor jatuh.\nMohon")
    );

    // Staff handling it read the report, never who sent it.
    let coordinator = app.staff(Role::Coordinator, None).await;
    for resp in [
        coordinator.get_report(&ticket).await,
        coordinator.timeline(&ticket).await,
        coordinator.get("/reports").await,
    ] {
        let text = resp.text().to_lowercase();
        resp.expect(200);
        for secret in [SENDER_NAME, SENDER_ADDRESS, "kartikasari"] {
            assert!(
                !text.contains(&secret.to_lowercase()),
                "{secret} shown: {text}"
            );
        }
    }
    let view = coordinator.get_report(&ticket).await.expect(200);
    assert_eq!(view["channel"], "email");
    assert_eq!(view["state"], "waiting");
    assert_eq!(
        view["photos_locked"], true,
        "a private report's photos: {view}"
    );
    let photos = app.store.photos(stored.id).await.unwrap();
    assert_eq!(photos.len(), 1, "the PNG is kept, the CSV left out");

    // Not in the clear in the database either, yet sealed for an auditor with a reason.
    let db = app.stored_bytes().await;
    for secret in [SENDER_NAME, SENDER_ADDRESS, "Kartikasari"] {
        assert!(
            !common::canary::contains(&db, secret.as_bytes()),
            "{secret} in the clear"
        );
    }
    app.create_account("auditor", Role::Admin, None, None).await;
    let auditor = app.store.credentials("auditor").await.unwrap().user;
    let sealed = app
        .store
        .reveal_reporter(stored.id, auditor.id, "uji".into(), chrono::Utc::now())
        .await
        .unwrap()
        .expect("a sealed identity");
    let identity = app
        .state
        .sealer
        .open(&sealed.sealed, sealed.binding())
        .unwrap();
    assert_eq!(identity.name.as_deref(), Some(SENDER_NAME));
    assert_eq!(identity.email.as_deref(), Some(SENDER_ADDRESS));
}

#[tokio::test]
async fn what_is_not_a_mail_is_refused() {
    let app = TestApp::spawn().await;
    let err = aduan_web::email::submit_raw_email(&app.state, b"\x89PNG\r\n\x1a\n")
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("email"), "{err:?}");
}
