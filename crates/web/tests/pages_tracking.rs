//! Following a report filed without an account: the desk's receipt shows a tracking code
//! once; `/lacak` with the ticket and that code shows the private report's state and
//! history; a wrong code answers exactly as an unknown ticket; guesses are throttled.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod citizen_browser;
mod common;

use reqwest::multipart::Form;

use aduan_domain::Role;
use citizen_browser::{Browser, assert_good_page, hidden, page};
use common::{PASSWORD, TestApp};

/// A walk-in's report entered at the desk; returns its ticket and tracking code.
async fn desk_report(app: &TestApp) -> (String, String) {
    let username = app.unique("operator");
    app.create_account(&username, Role::Operator, None, None)
        .await;
    let desk = Browser::new(app);
    let resp = desk
        .post("/masuk", &[("username", &username), ("password", PASSWORD)])
        .await;
    assert_eq!(resp.status, 303, "{resp:?}");
    let html = page(&desk.get("/meja").await);
    let form = Form::new()
        .text("csrf", hidden(&html, "csrf"))
        .text("submission", hidden(&html, "submission"))
        .text("channel", "kecamatan")
        .text("category", "jalan")
        .text(
            "description",
            "Jalan berlubang di depan sekolah, kabari saya di 0813-7777-4321.",
        )
        .text("region", "31.74.01");
    let receipt = page(&desk.post_multipart("/meja", form).await);
    let ticket = between(&receipt, "<p class=\"ticket-big\">", "</p>");
    let code = between(&receipt, "id=\"tracking-code\">", "</p>");
    (ticket, code)
}

#[track_caller]
fn between(html: &str, start: &str, end: &str) -> String {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in {html}"))
        + start.len();
    let to = html[from..].find(end).expect("the end") + from;
    html[from..to].to_owned()
}

fn track(ticket: &str, code: &str) -> String {
    format!("/lacak?ticket={ticket}&code={code}")
}

#[tokio::test]
async fn the_ticket_and_its_code_show_a_private_reports_state_and_history() {
    let app = TestApp::spawn().await;
    let (ticket, code) = desk_report(&app).await;
    assert!(
        code.len() == 11 && code.as_bytes()[5] == b'-',
        "two groups of five: {code}"
    );
    // The officer takes it up: the history grows.
    app.take_up(&ticket).await;

    let anyone = Browser::new(&app);
    let html = page(&anyone.get(&track(&ticket, &code)).await);
    assert_good_page(&html, "id");
    assert!(html.contains("id=\"dilacak\""), "{html}");
    assert!(html.contains("Laporan dikirim"), "{html}");
    assert!(
        html.contains("state-yellow\">Proses") || html.contains(">Proses<"),
        "{html}"
    );
    // Masked as the public reads it; the code itself is not echoed back.
    assert!(html.contains("[nomor telepon disamarkan]"), "{html}");
    assert!(!html.contains("7777-4321"), "{html}");
    assert!(!html.contains(&code), "{html}");
    // Typed as people type: lower case, no dash, O for 0, spaces.
    let typed = code.to_lowercase().replace('-', " ").replace('0', "o");
    let html = page(&anyone.get(&track(&ticket, &typed.replace(' ', "+"))).await);
    assert!(html.contains("id=\"dilacak\""), "{html}");
    let english = page(
        &anyone
            .get(&format!("{}&lang=en", track(&ticket, &code)))
            .await,
    );
    assert_good_page(&english, "en");
    assert!(
        english.contains("Report sent") || english.contains("Handling history"),
        "{english}"
    );

    // Without the code, a private report is not found, as before.
    let resp = anyone.get(&format!("/lacak?ticket={ticket}")).await;
    assert_eq!(resp.status, 404, "{resp:?}");
}

#[tokio::test]
async fn a_wrong_code_answers_as_an_unknown_ticket_and_guesses_are_throttled() {
    let app = TestApp::spawn().await;
    let (ticket, code) = desk_report(&app).await;
    let wrong = if code.starts_with('A') { "B" } else { "A" }.to_owned() + &code[1..];
    let unknown = format!("{}9999", &ticket[..ticket.len() - 4]);

    let guesser = Browser::new(&app);
    let by_wrong = guesser.get(&track(&ticket, &wrong)).await;
    let by_unknown = Browser::new(&app).get(&track(&unknown, &code)).await;
    assert_eq!(by_wrong.status, 404, "{by_wrong:?}");
    assert_eq!(by_unknown.status, 404, "{by_unknown:?}");
    // The same page, but for the ticket typed (and the session's own form values).
    let same = |html: String, typed: &str| {
        html.replace(typed, "TICKET")
            .split('\n')
            .filter(|l| !l.contains("name=\"csrf\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        same(by_wrong.text(), &ticket),
        same(by_unknown.text(), &unknown)
    );
    // A report filed with an account has no code: any code is wrong.
    let citizen = app.register_citizen("warga").await;
    let theirs = common::ticket_of(&citizen.file("jalan", "31.74.01").await);
    let resp = Browser::new(&app).get(&track(&theirs, &code)).await;
    assert_eq!(resp.status, 404, "{resp:?}");

    // Guessing from one address is slowed down as sign-ins are: 429 with Retry-After,
    // and then even the right code waits.
    let mut refused = None;
    for _ in 0..15 {
        let resp = guesser.get(&track(&ticket, &wrong)).await;
        if resp.status == 429 {
            refused = Some(resp);
            break;
        }
        assert_eq!(resp.status, 404, "{resp:?}");
    }
    let refused = refused.expect("a guess refused");
    assert!(refused.header("retry-after").is_some(), "{refused:?}");
    assert!(
        refused.text().contains("Terlalu banyak percobaan"),
        "{refused:?}"
    );
    let resp = guesser.get(&track(&ticket, &code)).await;
    assert_eq!(resp.status, 429, "{resp:?}");
}
