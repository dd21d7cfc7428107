//! Going public, as a browser without JavaScript does it: `/lapor` warns against personal
//! data in the description; "Jadikan publik" leads to a preview of exactly what the public
//! will see (the `/publik` card, the masked text, which photos show and which stay hidden),
//! whose form alone makes the report public; a POST without its confirmation changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod citizen_browser;
mod common;

use serde_json::{Value, json};

use aduan_domain::{Role, Visibility};
use citizen_browser::{Browser, assert_good_page, hidden, location, page};
use common::{TestApp, jpeg, png};

/// The first `<article class="report" ...>...</article>` of a page: one `/publik` card.
fn card(html: &str) -> String {
    let start = html
        .find("<article class=\"report\"")
        .unwrap_or_else(|| panic!("no card in {html}"));
    let end = html[start..].find("</article>").expect("a closed card") + start;
    html[start..end].to_owned()
}

#[tokio::test]
async fn the_report_form_warns_against_personal_data_beside_the_description() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    browser.register(&app, "warga").await;
    for (lang, words) in [
        ("id", "Jangan tulis nama, nomor telepon"),
        ("en", "Do not write names, phone numbers"),
    ] {
        let form = page(&browser.get(&format!("/lapor?lang={lang}")).await);
        assert_good_page(&form, lang);
        assert!(form.contains(words), "{form}");
        assert!(form.contains("NIK"), "{form}");
        // Read with the field by a screen reader.
        let textarea = &form[form
            .find("<textarea id=\"description\"")
            .expect("the field")..];
        let textarea = &textarea[..textarea.find('>').expect("a closed tag")];
        assert!(
            textarea.contains("aria-describedby=\"description-hint description-warning"),
            "{textarea}"
        );
        assert!(form.contains("id=\"description-warning\""), "{form}");
        // Photo first, as the city apps start; then what it is, then the words.
        let at = |id: &str| form.find(&format!("id=\"{id}\"")).expect(id);
        assert!(at("photo") < at("category-list") && at("category-list") < at("description"));
    }
}

#[tokio::test]
async fn a_report_goes_public_only_from_its_preview_which_shows_what_the_public_will_see() {
    let app = TestApp::spawn().await;
    let reporter = Browser::new(&app);
    reporter.register(&app, "warga").await;
    let ticket = reporter
        .file("Lampu jalan mati, hubungi saya di 0812-3456-7890 atau budi@contoh.id ya.")
        .await;
    let path = format!("/laporan/{ticket}");
    let preview_path = format!("{path}/publikasi");

    // The report page's button is a GET to the preview: nothing changes by following it.
    let own = page(&reporter.get(&path).await);
    assert!(
        own.contains(&format!("<form method=\"get\" action=\"{preview_path}\">")),
        "{own}"
    );
    let preview = page(&reporter.get(&format!("{preview_path}?lang=id")).await);
    assert_good_page(&preview, "id");
    assert_eq!(app.stored(&ticket).await.visibility, Visibility::Private);
    assert!(
        preview.contains("Pratinjau sebelum menjadikan publik"),
        "{preview}"
    );
    // The masked text, never what would identify the reporter.
    assert!(preview.contains("[nomor telepon disamarkan]"), "{preview}");
    assert!(preview.contains("[email disamarkan]"), "{preview}");
    assert!(
        !preview.contains("3456-7890") && !preview.contains("budi@contoh.id"),
        "{preview}"
    );
    // The reporter's photo will show, labelled; nothing is hidden.
    assert!(
        preview.contains("<figcaption>Foto laporan</figcaption>"),
        "{preview}"
    );
    assert!(!preview.contains("preview-hidden"), "{preview}");
    assert_eq!(hidden(&preview, "confirmed"), "1");
    let english = page(&reporter.get(&format!("{preview_path}?lang=en")).await);
    assert_good_page(&english, "en");
    assert!(english.contains("Yes, make it public"), "{english}");

    // A POST of `public` that did not come from the preview: refused, said why, unchanged.
    let csrf = hidden(&own, "csrf");
    let visibility = format!("{path}/visibilitas");
    for confirmed in [None, Some(""), Some("0"), Some("yes")] {
        let mut fields = vec![("csrf", csrf.as_str()), ("visibility", "public")];
        if let Some(c) = confirmed {
            fields.push(("confirmed", c));
        }
        let refused = reporter.post(&visibility, &fields).await;
        assert_eq!(refused.status, 422, "{refused:?}");
        let html = refused.text();
        assert!(html.contains("Laporan belum dijadikan publik"), "{html}");
        assert!(html.contains("name=\"confirmed\" value=\"1\""), "{html}");
        assert_eq!(app.stored(&ticket).await.visibility, Visibility::Private);
    }
    // Nobody else sees the preview of a private report: the same 404 as its page.
    let stranger = Browser::new(&app);
    assert_eq!(stranger.get(&preview_path).await.status, 404);
    let other = Browser::new(&app);
    other.register(&app, "lain").await;
    assert_eq!(other.get(&preview_path).await.status, 404);

    // The preview's own form makes it public.
    let confirm = reporter
        .post(
            &visibility,
            &[
                ("csrf", &hidden(&preview, "csrf")),
                ("visibility", "public"),
                ("confirmed", "1"),
            ],
        )
        .await;
    assert_eq!(location(&confirm), format!("{path}?done=public&lang=id"));
    assert_eq!(app.stored(&ticket).await.visibility, Visibility::Public);

    // What /publik shows anyone is the card the preview showed, to the byte.
    let feed = page(&Browser::new(&app).get("/publik").await);
    assert_eq!(card(&feed), card(&preview));
    // Public now: the preview sends back to the report.
    let again = reporter.get(&preview_path).await;
    assert_eq!(location(&again), format!("{path}?lang=id"));
}

/// The URL of the one photo of `kind` the view lists that `known` does not hold.
fn new_photo(view: &Value, kind: &str, known: &[String]) -> String {
    let urls: Vec<String> = view["photos"]
        .as_array()
        .expect("photos")
        .iter()
        .filter(|p| p["kind"] == kind)
        .map(|p| p["url"].as_str().expect("a url").to_owned())
        .filter(|u| !known.contains(u))
        .collect();
    assert_eq!(urls.len(), 1, "{view}");
    urls[0].clone()
}

#[tokio::test]
async fn the_preview_says_which_photos_stay_hidden_and_shows_the_rest() {
    let app = TestApp::spawn().await;
    let reporter = Browser::new(&app);
    reporter.register(&app, "warga").await;
    let ticket = reporter
        .file("Saluran air tersumbat sampah di ujung gang.")
        .await;
    let officer = app.take_up(&ticket).await;
    let first = officer
        .act_with_photos(
            &ticket,
            &json!({"action": "submit_followup", "note": "Sudah dibersihkan."}),
            vec![png()],
        )
        .await
        .expect(200);
    let rejected = new_photo(&first, "followup", &[]);
    let validator = app.staff(Role::Validator, Some("biro-pemerintahan")).await;
    validator
        .act_ok(
            &ticket,
            json!({"action": "reject_followup", "reason": "Foto ini diambil di tempat lain."}),
        )
        .await;
    let second = officer
        .act_with_photos(
            &ticket,
            &json!({"action": "submit_followup", "note": "Dibersihkan ulang."}),
            vec![jpeg()],
        )
        .await
        .expect(200);
    let accepted = new_photo(&second, "followup", std::slice::from_ref(&rejected));

    let preview = page(&reporter.get(&format!("/laporan/{ticket}/publikasi")).await);
    assert_good_page(&preview, "id");
    assert!(preview.contains(&accepted), "{preview}");
    assert!(!preview.contains(&rejected), "{preview}");
    let hidden_list = &preview[preview
        .find("id=\"preview-hidden\"")
        .expect("hidden photos")..];
    let hidden_list = &hidden_list[..hidden_list.find("</ul>").expect("a closed list")];
    assert_eq!(hidden_list.matches("<li>").count(), 1, "{hidden_list}");
    assert!(hidden_list.contains("Sesudah"), "{hidden_list}");

    // Made public: anyone sees exactly the photos the preview showed.
    let csrf = hidden(&preview, "csrf");
    let resp = reporter
        .post(
            &format!("/laporan/{ticket}/visibilitas"),
            &[
                ("csrf", &csrf),
                ("visibility", "public"),
                ("confirmed", "1"),
            ],
        )
        .await;
    assert_eq!(resp.status, 303, "{resp:?}");
    let anyone = page(&Browser::new(&app).get(&format!("/laporan/{ticket}")).await);
    assert!(
        anyone.contains(&accepted) && !anyone.contains(&rejected),
        "{anyone}"
    );
    let feed = page(&Browser::new(&app).get("/publik").await);
    assert_eq!(card(&feed), card(&preview));
}
