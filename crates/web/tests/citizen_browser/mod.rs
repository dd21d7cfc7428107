//! A browser without JavaScript for the page tests: its own cookie jar, forms posted as a
//! browser posts them, redirects read one at a time, and checks of the HTML it gets.
// Helpers fail their test by panicking, as assertions do.
// Each test file uses some of the helpers.
#![allow(dead_code, clippy::expect_used)]

use reqwest::multipart::{Form, Part};
use reqwest::redirect::Policy;

use crate::common::{self, PASSWORD, Resp, TestApp};

/// A browser: its own cookies, redirects not followed (the tests look at each).
pub struct Browser {
    pub http: reqwest::Client,
    base: String,
}

impl Browser {
    pub fn new(app: &TestApp) -> Self {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .expect("a client");
        Self {
            http,
            base: app.base.clone(),
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        let resp = self.http.get(format!("{}{path}", self.base)).send().await;
        Resp::read(resp.expect("send")).await
    }

    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let req = self.http.post(format!("{}{path}", self.base)).form(fields);
        Resp::read(req.send().await.expect("send")).await
    }

    pub async fn post_multipart(&self, path: &str, form: Form) -> Resp {
        let req = self
            .http
            .post(format!("{}{path}", self.base))
            .multipart(form);
        Resp::read(req.send().await.expect("send")).await
    }

    /// GET where a 303 points.
    pub async fn follow(&self, resp: &Resp) -> Resp {
        assert_eq!(resp.status, 303, "{resp:?}");
        self.get(&location(resp)).await
    }

    /// Register through the form; signed in afterwards.
    pub async fn register(&self, app: &TestApp, name: &str) -> String {
        let username = app.unique(name);
        let resp = self
            .post(
                "/daftar",
                &[("username", &username), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(resp.status, 303, "{resp:?}");
        username
    }

    /// The form's CSRF value, from the page at `path`.
    pub async fn csrf(&self, path: &str) -> String {
        hidden(&page(&self.get(path).await), "csrf")
    }

    /// File a report through `/lapor` with one real photo; returns its ticket.
    pub async fn file(&self, description: &str) -> String {
        let form_page = page(&self.get("/lapor").await);
        let form = report_form(&form_page, description, "31.74.01")
            .part("photo", photo_part(common::png()));
        let resp = self.post_multipart("/lapor", form).await;
        ticket_in(&location(&resp))
    }
}

/// A staff member with a fresh account, signed in through the form.
pub async fn staff_browser(app: &TestApp, role: aduan_domain::Role, unit: Option<&str>) -> Browser {
    let username = app.unique(role.code());
    app.create_account(&username, role, unit, None).await;
    let browser = Browser::new(app);
    let resp = browser
        .post("/masuk", &[("username", &username), ("password", PASSWORD)])
        .await;
    assert_eq!(resp.status, 303, "{resp:?}");
    browser
}

pub fn location(resp: &Resp) -> String {
    resp.header("location")
        .unwrap_or_else(|| panic!("a Location: {resp:?}"))
}

#[track_caller]
pub fn page(resp: &Resp) -> String {
    assert_eq!(resp.status, 200, "{resp:?}");
    let content_type = resp.header("content-type").unwrap_or_default();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    resp.text()
}

/// The value of the first hidden field `name`.
#[track_caller]
pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no hidden {name} in {html}"))
        + marker.len();
    let end = html[start..].find('"').expect("a closing quote");
    html[start..start + end].to_owned()
}

pub fn ticket_in(location: &str) -> String {
    let rest = location
        .strip_prefix("/laporan/")
        .unwrap_or_else(|| panic!("a report page: {location}"));
    rest.split('?').next().unwrap_or_default().to_owned()
}

pub fn photo_part(bytes: Vec<u8>) -> Part {
    Part::bytes(bytes)
        .file_name("kamera.png")
        .mime_str("image/png")
        .expect("a mime type")
}

/// The report form's fields as a browser sends them (no photo chosen yet).
pub fn report_form(form_page: &str, description: &str, region: &str) -> Form {
    report_form_at(form_page, description, region, "", "")
}

/// The report form with coordinates, as the "use my location" button fills them.
pub fn report_form_at(
    form_page: &str,
    description: &str,
    region: &str,
    lat: &str,
    lon: &str,
) -> Form {
    Form::new()
        .text("csrf", hidden(form_page, "csrf"))
        .text("submission", hidden(form_page, "submission"))
        .text("category", "jalan")
        .text("description", description.to_owned())
        .text("region", region.to_owned())
        .text("lat", lat.to_owned())
        .text("lon", lon.to_owned())
        .text("address", "")
}

/// Every `<input>` (but hidden ones), `<select>` and `<textarea>` has an id that a
/// `<label for>` names.
#[track_caller]
pub fn assert_labelled(html: &str) {
    for tag in ["<input", "<select", "<textarea"] {
        for (at, _) in html.match_indices(tag) {
            let end = html[at..].find('>').expect("a closed tag") + at;
            let element = &html[at..end];
            if element.contains("type=\"hidden\"") {
                continue;
            }
            let id = element
                .split(" id=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or_else(|| panic!("no id on {element}"));
            assert!(
                html.contains(&format!("<label for=\"{id}\"")),
                "no label for {element}"
            );
        }
    }
}

/// A link to OpenStreetMap the staff may follow (navigation by the reader, nothing loaded).
const OSM_LINK: &str = "<a href=\"https://www.openstreetmap.org/?";

/// Indonesian, labelled, nothing from another host (links to OpenStreetMap aside).
#[track_caller]
pub fn assert_good_page(html: &str, lang: &str) {
    assert!(html.contains(&format!("<html lang=\"{lang}\">")), "{html}");
    let own = html.replace(OSM_LINK, "");
    assert!(
        !own.contains("http://") && !own.contains("https://"),
        "{html}"
    );
    assert_labelled(html);
}
