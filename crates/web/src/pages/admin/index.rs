//! `/admin`: the admins' start page, linking every admin page (the catalog's pages
//! included).

use askama::Template;
use axum::extract::Query;
use axum::response::Response;

use crate::pages::session::Visitor;
use crate::pages::{Chrome, LangQuery, Texts, render};

use super::{AdminTexts, admin_only, admin_texts};

struct Link {
    path: &'static str,
    title: &'static str,
    desc: &'static str,
}

#[derive(Template)]
#[template(path = "admin_index.html")]
struct IndexPage {
    t: &'static Texts,
    a: &'static AdminTexts,
    chrome: Chrome,
    links: Vec<Link>,
}

pub async fn index(Query(q): Query<LangQuery>, visitor: Visitor) -> Response {
    let (t, a) = (q.lang.texts(), admin_texts(q.lang));
    let chrome = match admin_only(t, a, "/admin", &visitor) {
        Ok((_, chrome)) => chrome,
        Err(refused) => return *refused,
    };
    let link = |path, title, desc| Link { path, title, desc };
    let links = vec![
        link("/admin/pengguna", a.users_title, a.users_desc),
        link("/admin/unit", a.units_title, a.units_desc),
        link("/admin/kategori", a.categories_title, a.categories_desc),
        link("/admin/rute", a.routes_title, a.routes_desc),
        link("/admin/kanal", a.channels_title, a.channels_desc),
        link("/admin/kunci-api", a.keys_title, a.keys_desc),
        link("/admin/outbox", a.outbox_title, a.outbox_desc),
        link("/admin/audit", a.audit_title, a.audit_desc),
        link(
            super::data_subject::PATH,
            super::data_subject::texts(q.lang).title,
            super::data_subject::texts(q.lang).desc,
        ),
    ];
    render(&IndexPage {
        t,
        a,
        chrome,
        links,
    })
}
