//! The citizen's pages over HTTP, as a browser without JavaScript uses them: a cookie jar,
//! forms posted and redirects read one at a time.

mod citizen_browser;
mod common;

use reqwest::multipart::Form;

use aduan_domain::{Role, Visibility};
use citizen_browser::{
    Browser, assert_good_page, hidden, location, page, photo_part, report_form, report_form_at,
    ticket_in,
};
use common::{PASSWORD, TestApp};

#[tokio::test]
async fn registering_signs_in_and_bad_input_comes_back_beside_its_field() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    let form = page(&browser.get("/daftar").await);
    assert_good_page(&form, "id");
    assert!(
        form.contains("Daftar akun") && form.contains("Masuk</a>"),
        "{form}"
    );

    let short = browser
        .post(
            "/daftar",
            &[
                ("username", "siti"),
                ("password", "pendek"),
                ("phone", "0812 abc"),
            ],
        )
        .await;
    assert_eq!(short.status, 422, "{short:?}");
    let html = short.text();
    // Every problem at once, each beside its field.
    assert!(html.contains("Kata sandi minimal 10 karakter."), "{html}");
    assert!(html.contains("Nomor telepon Indonesia diawali 0"), "{html}");
    assert_eq!(html.matches("aria-invalid=\"true\"").count(), 2, "{html}");
    // Everything typed comes back, to be corrected rather than typed again.
    assert!(html.contains("value=\"siti\"") && html.contains("value=\"0812 abc\""));
    assert!(html.contains("value=\"pendek\""), "{html}");

    let resp = browser
        .post(
            "/daftar?lang=id&next=/laporan-saya",
            &[("username", "siti"), ("password", PASSWORD), ("email", "")],
        )
        .await;
    assert_eq!(location(&resp), "/laporan-saya?lang=id");
    assert!(
        resp.header("set-cookie")
            .is_some_and(|c| c.contains("HttpOnly"))
    );
    let mine = page(&browser.follow(&resp).await);
    assert!(
        mine.contains("<strong>siti</strong>") && mine.contains("Keluar"),
        "{mine}"
    );
    assert!(mine.contains("Anda belum membuat laporan."), "{mine}");

    let taken = Browser::new(&app)
        .post("/daftar", &[("username", "siti"), ("password", PASSWORD)])
        .await;
    assert_eq!(taken.status, 409, "{taken:?}");
    assert!(taken.text().contains("sudah dipakai"));

    // A registration posted from another site is refused, and no account is made.
    let forged = Browser::new(&app)
        .http
        .post(app.url("/daftar"))
        .header("origin", "http://evil.example")
        .form(&[("username", "korban"), ("password", PASSWORD)])
        .send()
        .await
        .expect("send");
    assert_eq!(forged.status().as_u16(), 403);
    assert_eq!(app.login("korban", PASSWORD).await.status, 401);
}

#[tokio::test]
async fn registering_takes_the_phone_number_as_written_and_a_refused_form_keeps_every_field() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    // The hint says how to write the number before anything goes wrong.
    let form = page(&browser.get("/daftar").await);
    assert!(
        form.contains("id=\"phone-hint\"") && form.contains("misalnya 0813-7777-4321"),
        "{form}"
    );
    assert!(form.contains("aria-describedby=\"phone-hint\""), "{form}");
    let form = page(&browser.get("/daftar?lang=en").await);
    assert!(
        form.contains("As you usually write it, e.g. 0813-7777-4321"),
        "{form}"
    );

    // A refused form comes back with every field as typed, the password too (escaped).
    let password = "Kata\"sandi<b>panjang&2026";
    let refused = browser
        .post(
            "/daftar?lang=en",
            &[
                ("username", "rina"),
                ("password", password),
                ("display_name", "Rina Wati"),
                ("phone", "0813-7777"),
                ("email", "rina@example.id"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{refused:?}");
    assert_eq!(refused.header("cache-control").as_deref(), Some("no-store"));
    let html = refused.text();
    assert!(
        html.contains("An Indonesian phone number starts with 0, 62 or +62"),
        "{html}"
    );
    assert_eq!(html.matches("aria-invalid=\"true\"").count(), 1, "{html}");
    for kept in [
        "value=\"rina\"",
        "value=\"Kata&#34;sandi&#60;b&#62;panjang&#38;2026\"",
        "value=\"Rina Wati\"",
        "value=\"0813-7777\"",
        "value=\"rina@example.id\"",
    ] {
        assert!(html.contains(kept), "{kept} in {html}");
    }
    assert!(!html.contains("<b>panjang"), "{html}");
    assert_eq!(app.login("rina", password).await.status, 401);

    // Written the usual way, the number is taken and stored in E.164.
    let resp = browser
        .post(
            "/daftar",
            &[
                ("username", "rina"),
                ("password", password),
                ("phone", "0813-7777-4321"),
            ],
        )
        .await;
    assert_eq!(resp.status, 303, "{resp:?}");
    let me = app.login("rina", password).await.expect(200);
    assert_eq!(me["user"]["phone"], "+6281377774321", "{me}");
}

#[tokio::test]
async fn signing_in_and_out() {
    let app = TestApp::spawn().await;
    let account = app.register_citizen("budi").await;
    let browser = Browser::new(&app);
    let wrong = browser
        .post(
            "/masuk?lang=en",
            &[
                ("username", &account.username),
                ("password", "salah-sekali"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 401, "{wrong:?}");
    let html = wrong.text();
    assert!(html.contains("Wrong username or password.") && html.contains("lang=\"en\""));
    assert!(html.contains(&format!("value=\"{}\"", account.username)));
    assert!(!html.contains("salah-sekali"));

    let resp = browser
        .post(
            "/masuk?lang=en",
            &[("username", &account.username), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(location(&resp), "/laporan-saya?lang=en");
    let mine = page(&browser.follow(&resp).await);
    assert!(
        mine.contains("My reports") && mine.contains("Sign out"),
        "{mine}"
    );

    // Signing out needs the form's token; without it nothing happens.
    let refused = browser.post("/keluar", &[]).await;
    assert_eq!(refused.status, 403, "{refused:?}");
    assert_eq!(browser.get("/laporan-saya").await.status, 200);
    let csrf = browser.csrf("/laporan-saya").await;
    let out = browser.post("/keluar?lang=en", &[("csrf", &csrf)]).await;
    assert_eq!(location(&out), "/?lang=en");
    let after = browser.get("/laporan-saya").await;
    assert_eq!(location(&after), "/masuk?next=/laporan-saya&lang=id");
}

#[tokio::test]
async fn a_citizen_files_through_the_form_and_follows_the_report() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    browser.register(&app, "warga").await;
    let form_page = page(&browser.get("/lapor").await);
    assert_good_page(&form_page, "id");
    assert!(form_page.contains("enctype=\"multipart/form-data\""));
    assert!(
        form_page.contains("<optgroup label=\"Kota Administrasi Jakarta Selatan\">"),
        "{form_page}"
    );
    assert!(form_page.contains("<option value=\"31.74.01\">Tebet</option>"));
    assert!(
        form_page.contains("Gunakan lokasi saya") && form_page.contains("capture=\"environment\"")
    );

    let description = "Jalan berlubang dalam di depan sekolah, motor sering jatuh.";
    let form =
        report_form(&form_page, description, "31.74.01").part("photo", photo_part(common::png()));
    let resp = browser.post_multipart("/lapor", form).await;
    let to = location(&resp);
    assert!(to.ends_with("?sent=1&lang=id"), "{to}");
    let ticket = ticket_in(&to);
    let report = page(&browser.follow(&resp).await);
    assert_good_page(&report, "id");
    assert!(report.contains("Laporan Anda terkirim") && report.contains(&ticket));
    assert!(report.contains("state-red\">Menunggu"), "{report}");
    assert!(report.contains(description) && report.contains("Riwayat"));
    assert!(report.contains("Laporan dikirim") && report.contains("oleh Pelapor"));
    assert!(report.contains("Kantor Kecamatan Tebet"), "{report}");
    let photo_url = format!("/api/v1/reports/{ticket}/photos/");
    let start = report.find(&photo_url).expect("a photo link");
    let end = report[start..].find('"').expect("the link ends") + start;
    let photo = browser.get(&report[start..end]).await;
    assert_eq!(photo.status, 200, "{photo:?}");
    assert!(
        photo
            .header("content-type")
            .is_some_and(|t| t.starts_with("image/"))
    );
    assert_eq!(app.get_raw(&report[start..end]).await.status, 404);
    let stored = app.stored(&ticket).await;
    assert_eq!(stored.channel.code(), "web");
    assert_eq!(stored.visibility, Visibility::Private);

    // The same filled-in form sent twice (a double tap) files one report.
    let again = report_form(&form_page, description, "31.74.01");
    let resp = browser.post_multipart("/lapor", again).await;
    assert_eq!(ticket_in(&location(&resp)), ticket);

    let mine = page(&browser.get("/laporan-saya").await);
    assert_good_page(&mine, "id");
    assert!(
        mine.contains(&format!("/laporan/{ticket}?lang=id")),
        "{mine}"
    );
    assert!(mine.contains("state-red\">Menunggu"));
    assert_eq!(mine.matches("class=\"report\"").count(), 1);
}

#[tokio::test]
async fn the_reporter_makes_it_public_and_private_and_forged_posts_change_nothing() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    browser.register(&app, "warga").await;
    let ticket = browser
        .file("Pohon tumbang menutup jalan di dekat pasar.")
        .await;
    let path = format!("/laporan/{ticket}");
    let visibility = format!("{path}/visibilitas");
    let report = page(&browser.get(&path).await);
    assert!(report.contains("Jadikan publik") && !report.contains("Jadikan privat"));
    let csrf = hidden(&report, "csrf");

    // No token, a wrong token, another session's token: 403, still private.
    let other = Browser::new(&app);
    other.register(&app, "lain").await;
    let others_token = other.csrf("/laporan-saya").await;
    for token in [None, Some("salah"), Some(others_token.as_str())] {
        let mut fields = vec![("visibility", "public"), ("confirmed", "1")];
        if let Some(token) = token {
            fields.push(("csrf", token));
        }
        let resp = browser.post(&visibility, &fields).await;
        assert_eq!(resp.status, 403, "{resp:?}");
        assert_eq!(app.stored(&ticket).await.visibility, Visibility::Private);
    }
    // A report form without the token files nothing.
    let form_page = page(&browser.get("/lapor").await);
    let forged = Form::new()
        .text("category", "jalan")
        .text(
            "description",
            "Laporan palsu dari situs lain, tidak boleh masuk.",
        )
        .text("region", "31.74.01")
        .text("submission", hidden(&form_page, "submission"));
    assert_eq!(browser.post_multipart("/lapor", forged).await.status, 403);
    assert!(
        page(&browser.get("/laporan-saya").await)
            .matches("class=\"report\"")
            .count()
            == 1
    );

    let resp = browser
        .post(
            &visibility,
            &[
                ("csrf", &csrf),
                ("visibility", "public"),
                ("confirmed", "1"),
            ],
        )
        .await;
    assert_eq!(location(&resp), format!("{path}?done=public&lang=id"));
    assert_eq!(app.stored(&ticket).await.visibility, Visibility::Public);
    let public = page(&browser.follow(&resp).await);
    assert!(public.contains("sekarang publik") && public.contains("Jadikan privat"));
    let anyone = page(&Browser::new(&app).get(&path).await);
    assert!(anyone.contains("Pohon tumbang") && !anyone.contains("Jadikan"));
    let tracked = Browser::new(&app)
        .get(&format!("/lacak?ticket={ticket}"))
        .await;
    assert_eq!(location(&tracked), format!("{path}?lang=id"));

    let resp = browser
        .post(&visibility, &[("csrf", &csrf), ("visibility", "private")])
        .await;
    assert_eq!(resp.status, 303, "{resp:?}");
    assert_eq!(app.stored(&ticket).await.visibility, Visibility::Private);
    let history = page(&browser.get(&path).await);
    assert!(
        history.contains("Dijadikan publik oleh pelapor") && history.contains("Dijadikan privat")
    );

    // Private again: another citizen gets 404, the public's tracking answers as for no report.
    let hidden_page = other.get(&path).await;
    assert_eq!(hidden_page.status, 404, "{hidden_page:?}");
    assert!(!hidden_page.text().contains("Pohon tumbang"));
    let tracked = Browser::new(&app)
        .get(&format!("/lacak?ticket={}", ticket.to_lowercase()))
        .await;
    assert_eq!(tracked.status, 404);
    let tracked = tracked.text();
    assert!(
        tracked.contains("Tidak ada laporan yang dapat Anda lihat") && tracked.contains(&ticket)
    );
    assert!(!tracked.contains("Pohon tumbang") && !tracked.contains("31.74.01"));
    let unknown = Browser::new(&app).get("/lacak?ticket=JK0001010001").await;
    assert_eq!(unknown.status, 404);
    assert!(
        unknown
            .text()
            .contains("Tidak ada laporan yang dapat Anda lihat dengan nomor tiket ini.")
    );
}

#[tokio::test]
async fn bad_report_input_comes_back_with_field_errors_and_the_values_kept() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    browser.register(&app, "warga").await;
    let form_page = page(&browser.get("/lapor?lang=en").await);
    let form = report_form(&form_page, "pendek", "").part("photo", photo_part(common::gif()));
    let resp = browser.post_multipart("/lapor?lang=en", form).await;
    assert_eq!(resp.status, 422, "{resp:?}");
    let html = resp.text();
    assert_good_page(&html, "en");
    assert!(
        html.contains("The description must be 10–4000 characters."),
        "{html}"
    );
    assert!(html.contains("Choose an area from the list"));
    assert!(
        html.contains("Photos must be JPEG, PNG or WebP")
            && html.contains("Choose your photos again")
    );
    assert!(html.contains(">pendek</textarea>") && html.contains("value=\"jalan\" checked"));
    assert_eq!(html.matches("aria-invalid=\"true\"").count(), 3, "{html}");

    // Staff do not file here.
    let officer = app.unique("petugas");
    app.create_account(&officer, Role::Officer, Some(common::SUDIN), None)
        .await;
    let staff = Browser::new(&app);
    let resp = staff
        .post("/masuk", &[("username", &officer), ("password", PASSWORD)])
        .await;
    assert_eq!(resp.status, 303);
    assert_eq!(staff.get("/lapor").await.status, 403);
    // Not signed in: sent to sign in, and back here afterwards.
    let anonymous = Browser::new(&app).get("/lapor?lang=en").await;
    assert_eq!(location(&anonymous), "/masuk?next=/lapor&lang=en");
}

#[tokio::test]
async fn every_page_is_indonesian_first_english_on_request_and_self_contained() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    browser.register(&app, "warga").await;
    let ticket = browser
        .file("Sampah tidak diangkut selama seminggu di gang.")
        .await;
    let paths = [
        "/".to_owned(),
        "/publik".to_owned(),
        "/daftar".to_owned(),
        "/masuk".to_owned(),
        "/lacak".to_owned(),
        format!("/lacak?ticket={ticket}"),
        "/lapor".to_owned(),
        "/laporan-saya".to_owned(),
        format!("/laporan/{ticket}"),
    ];
    let anonymous = Browser::new(&app);
    for path in &paths {
        // Sign-in pages send a signed-in visitor on; see them as the public does.
        let who = if path.starts_with("/masuk") {
            &anonymous
        } else {
            &browser
        };
        let resp = who.get(path).await;
        let resp = if resp.status == 303 {
            who.follow(&resp).await
        } else {
            resp
        };
        let id = page(&resp);
        assert_good_page(&id, "id");
        let csp = resp.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        let sep = if path.contains('?') { '&' } else { '?' };
        let resp = who.get(&format!("{path}{sep}lang=en")).await;
        let resp = if resp.status == 303 {
            who.follow(&resp).await
        } else {
            resp
        };
        let en = page(&resp);
        assert_good_page(&en, "en");
        // Links keep the language.
        assert!(en.contains("href=\"/lacak?lang=en\""), "{path}: {en}");
        // Only the switch to Indonesian leads out of English.
        assert_eq!(en.matches("lang=id").count(), 1, "{path}: {en}");
    }
}

#[tokio::test]
async fn the_devices_location_wins_when_it_is_inside_the_city() {
    let app = TestApp::spawn_with_boundaries().await;
    let browser = Browser::new(&app);
    browser.register(&app, "warga").await;
    let form_page = page(&browser.get("/lapor").await);
    assert!(form_page.contains("<label for=\"region\">Kelurahan</label>"));
    assert!(
        form_page.contains("<optgroup label=\"Gambir, Kota Administrasi Jakarta Pusat\">"),
        "{form_page}"
    );
    let chosen = "31.74.01.1001";
    assert!(form_page.contains(&format!("<option value=\"{chosen}\">")));
    // Monas, with a Tebet kelurahan chosen as well: the point decides.
    let description = "Sampah menumpuk di pintu masuk Monas.";
    let form = report_form_at(&form_page, description, chosen, "-6,1754", "106.8272");
    let resp = browser.post_multipart("/lapor", form).await;
    let ticket = ticket_in(&location(&resp));
    assert_eq!(app.stored(&ticket).await.region.as_str(), "31.71.01.1001");
}
