//! The admins' pages: accounts, API keys, channels, the identity access log and the outbox.
//! Admins only: anyone else signed in gets 403, a visitor not signed in is sent to sign in.
//! No page here shows who reported anything.

mod api_keys;
mod audit;
mod channels;
mod data_subject;
mod index;
mod outbox;
mod texts;
mod user_access;
mod user_forms;
mod users;

use axum::Router;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};

use aduan_domain::Role;
use aduan_store::User;

use crate::app::cursor::decode_cursor;
use crate::state::AppState;

use super::gate::signed_in_as;
use super::session::Visitor;
use super::{Chrome, Texts, error_page};

pub use texts::{AdminTexts, admin_texts};

/// Rows on one page of every list here.
const PAGE_SIZE: u32 = 25;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(index::index))
        .route(
            "/admin/pengguna",
            get(users::list_users).post(user_forms::create_user),
        )
        .route("/admin/pengguna/{id}", post(user_forms::change_user))
        .route(
            "/admin/pengguna/{id}/akses",
            post(user_access::change_access),
        )
        .route(
            "/admin/pengguna/{id}/kata-sandi",
            post(user_access::set_temporary_password),
        )
        .route(
            "/admin/kunci-api",
            get(api_keys::list_keys).post(api_keys::create_key),
        )
        .route(
            "/admin/kunci-api/cabut",
            get(api_keys::confirm_revoke).post(api_keys::revoke_key),
        )
        .route("/admin/kanal", get(channels::channels))
        .route("/admin/audit", get(audit::audit_log))
        .route(
            data_subject::PATH,
            get(data_subject::subject_page).post(data_subject::handle_request),
        )
        .route("/admin/outbox", get(outbox::outbox))
        .route("/admin/outbox/{id}/ulang", post(outbox::retry))
}

/// The admin looking at the page at `path`, with the page's frame; otherwise the answer:
/// off to sign in, or 403.
fn admin_only(
    t: &'static Texts,
    _a: &AdminTexts,
    path: &str,
    visitor: &Visitor,
) -> Result<(User, Chrome), Box<Response>> {
    signed_in_as(t, path, visitor, |role| role == Role::Admin, t.admins_only)
}

/// The id a page's `cursor` carries; a cursor this site did not make is a bad link (400).
fn cursor_after(
    t: &'static Texts,
    chrome: Chrome,
    cursor: Option<&str>,
) -> Result<(Option<i64>, Chrome), Box<Response>> {
    match cursor
        .filter(|c| !c.is_empty())
        .map(decode_cursor)
        .transpose()
    {
        Ok(after) => Ok((after, chrome)),
        Err(_) => Err(Box::new(error_page(
            t,
            chrome,
            StatusCode::BAD_REQUEST,
            t.bad_link,
        ))),
    }
}

/// Keep `limit` of `rows` (fetched one more than a page) and say whether more follow.
fn one_page<T>(mut rows: Vec<T>, limit: u32) -> (Vec<T>, bool) {
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    (rows, more)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_keeps_its_size_and_knows_whether_more_follow() {
        assert_eq!(one_page(vec![1, 2, 3], 2), (vec![1, 2], true));
        assert_eq!(one_page(vec![1, 2], 2), (vec![1, 2], false));
        assert_eq!(one_page(Vec::<i32>::new(), 2), (vec![], false));
    }
}
