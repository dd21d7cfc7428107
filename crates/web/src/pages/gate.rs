//! Who may open a page: one rule for every page kept for some roles.

use axum::http::StatusCode;
use axum::response::Response;

use aduan_domain::Role;
use aduan_store::User;

use super::session::Visitor;
use super::{Chrome, Texts, error_page, see_other};

/// The signed-in user the page at `path` is for, with the page's frame. Someone not signed
/// in is sent to sign in (and back here after); a role `allowed` refuses gets 403 with
/// `refusal`, in the reader's language.
pub fn signed_in_as(
    t: &'static Texts,
    path: &str,
    visitor: &Visitor,
    allowed: impl Fn(Role) -> bool,
    refusal: &str,
) -> Result<(User, Chrome), Box<Response>> {
    let Some(user) = visitor.user.clone() else {
        return Err(Box::new(see_other(&format!("/masuk?next={path}"), t)));
    };
    let chrome = Chrome::new(path, t, visitor);
    if !allowed(user.role) {
        return Err(Box::new(error_page(
            t,
            chrome,
            StatusCode::FORBIDDEN,
            refusal,
        )));
    }
    Ok((user, chrome))
}
