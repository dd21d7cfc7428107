//! The conversation on a report's page: the officer handling it asks, the reporter answers;
//! each reads the other as a role (the officer never learns who reported); bystanders see
//! no conversation and cannot write into it.

mod citizen_browser;
mod common;

use aduan_domain::Role;
use citizen_browser::{Browser, hidden, location, page, staff_browser};
use common::{SUDIN, TestApp};

async fn say(browser: &Browser, ticket: &str, body: &str) -> common::Resp {
    let html = page(&browser.get(&format!("/laporan/{ticket}")).await);
    let csrf = hidden(&html, "csrf");
    browser
        .post(
            &format!("/laporan/{ticket}/pesan"),
            &[("csrf", &csrf), ("body", body)],
        )
        .await
}

#[tokio::test]
async fn the_reporter_and_the_officer_talk_without_learning_each_other() {
    let app = TestApp::spawn().await;
    let citizen = Browser::new(&app);
    let reporter = citizen.register(&app, "warga").await;
    let ticket = citizen.file("Lampu jalan mati di gang sempit.").await;
    app.take_up(&ticket).await;

    let officer = staff_browser(&app, Role::Officer, Some(SUDIN)).await;
    let html = page(&officer.get(&format!("/laporan/{ticket}")).await);
    assert!(html.contains("Belum ada pesan."), "{html}");
    let resp = say(
        &officer,
        &ticket,
        "Di gang sebelah mana tepatnya, Bapak/Ibu?",
    )
    .await;
    assert_eq!(resp.status, 303, "{resp:?}");
    assert_eq!(
        location(&resp),
        format!("/laporan/{ticket}?done=message&lang=id")
    );
    let html = page(&officer.follow(&resp).await);
    assert!(html.contains("Pesan terkirim."), "{html}");
    assert!(html.contains("Anda · "), "{html}");

    // The reporter reads the officer as a role and a unit, and answers.
    let mine = page(&citizen.get(&format!("/laporan/{ticket}")).await);
    assert!(
        mine.contains("Petugas · Suku Dinas Bina Marga"),
        "the officer's unit: {mine}"
    );
    assert!(mine.contains("Di gang sebelah mana tepatnya"), "{mine}");
    assert_eq!(
        say(&citizen, &ticket, "Gang Mawar, dekat musala.")
            .await
            .status,
        303
    );

    // The officer reads the answer from "Pelapor", never the account.
    let html = page(&officer.get(&format!("/laporan/{ticket}")).await);
    assert!(html.contains("Pelapor · "), "{html}");
    assert!(html.contains("Gang Mawar, dekat musala."), "{html}");
    assert!(!html.contains(&reporter), "the reporter leaked: {html}");

    // An empty message is refused beside the field; nothing is stored.
    let resp = say(&officer, &ticket, "   ").await;
    assert_eq!(resp.status, 422, "{resp:?}");
    assert!(
        resp.text().contains("1 sampai 2000 karakter"),
        "{}",
        resp.text()
    );
    let stored = app.stored(&ticket).await;
    let messages = app.store.messages(stored.id).await.unwrap_or_default();
    assert_eq!(messages.len(), 2);

    // An admin reads the report but is no party to it: no conversation, no writing in it.
    let admin = staff_browser(&app, Role::Admin, None).await;
    let html = page(&admin.get(&format!("/laporan/{ticket}")).await);
    assert!(!html.contains("Percakapan"), "{html}");
    let csrf = hidden(&html, "csrf");
    let resp = admin
        .post(
            &format!("/laporan/{ticket}/pesan"),
            &[("csrf", &csrf), ("body", "Halo")],
        )
        .await;
    assert_eq!(resp.status, 403, "{resp:?}");
    assert_eq!(
        app.store
            .messages(stored.id)
            .await
            .unwrap_or_default()
            .len(),
        2
    );
}
