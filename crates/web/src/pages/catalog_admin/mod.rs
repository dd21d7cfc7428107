//! The admins' catalog pages: units (`/admin/unit`), categories with their responsible unit
//! and SLA targets (`/admin/kategori`), and how reports are routed (`/admin/rute`).
//!
//! Every change is checked here (each problem beside its field, 422), then by the domain as
//! a loaded jurisdiction is, saved in one go and swapped in for every later request
//! ([`AppState::change_catalog`]); it is logged with the admin's name and what changed.
//! Nothing is deleted and no code changes: reports, accounts and history name units and
//! categories by code. These pages show no reporter: they never read a report.

mod categories;
mod category_edit;
mod problems;
mod routing;
mod texts;
mod unit_edit;
mod units;

use axum::Router;
use axum::response::Response;
use axum::routing::get;

use aduan_domain::Role;

use crate::state::{AppState, CatalogChange};

use super::forms::FieldErrors;
use super::gate::signed_in_as;
use super::session::Visitor;
use super::{Chrome, Texts, failure};
use problems::{Edited, Problems};
use texts::CatalogTexts;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/unit", get(units::list_units))
        .route(
            "/admin/unit/baru",
            get(units::new_unit_form).post(units::add_unit),
        )
        .route(
            "/admin/unit/{code}",
            get(units::unit_form).post(units::rename_unit),
        )
        .route("/admin/kategori", get(categories::list_categories))
        .route(
            "/admin/kategori/baru",
            get(categories::new_category_form).post(categories::add_category),
        )
        .route(
            "/admin/kategori/{code}",
            get(categories::category_form).post(categories::change_category),
        )
        .route("/admin/rute", get(routing::routing))
}

/// The signed-in admin's username: anyone else is sent to sign in or refused.
fn admin_only(
    t: &'static Texts,
    _ct: &CatalogTexts,
    path: &str,
    visitor: &Visitor,
) -> Result<String, Box<Response>> {
    signed_in_as(t, path, visitor, |role| role == Role::Admin, t.admins_only)
        .map(|(user, _)| user.username)
}

/// How a change ended, for the page that asked for it.
enum Outcome {
    Done,
    /// Problems by field, in the reader's language (also the domain's refusal, under "").
    Refused(FieldErrors),
    Failed(Response),
}

/// Make `edit` as `admin`: checked, saved, swapped in and logged, or refused.
async fn change(
    state: &AppState,
    t: &'static Texts,
    ct: &CatalogTexts,
    chrome: impl FnOnce() -> Chrome,
    admin: &str,
    edit: impl FnOnce(&aduan_domain::Jurisdiction) -> Result<Edited, Problems>,
) -> Outcome {
    let mut summary = String::new();
    let changed = state
        .change_catalog(|j| {
            edit(j).map(|edited| {
                summary = edited.summary;
                edited.data
            })
        })
        .await;
    match changed {
        Ok(_) => {
            tracing::info!(admin, change = %summary, "catalog changed");
            Outcome::Done
        }
        Err(CatalogChange::Refused(problems)) => {
            let mut errors = FieldErrors::default();
            for (field, problem) in problems.iter() {
                errors.add(field, ct.problem(*problem));
            }
            Outcome::Refused(errors)
        }
        Err(CatalogChange::Failed(crate::catalog::CatalogError::Data(e))) => {
            tracing::warn!(admin, error = %e, "catalog change refused by the domain");
            Outcome::Refused(FieldErrors::one("", ct.refused_inconsistent))
        }
        Err(CatalogChange::Stale) => {
            tracing::info!(admin, "catalog change refused: changed elsewhere meanwhile");
            Outcome::Refused(FieldErrors::one("", ct.refused_stale))
        }
        Err(CatalogChange::Failed(e)) => Outcome::Failed(failure(
            t,
            chrome(),
            crate::app_error::AppError::failed(e),
            t.server_error,
        )),
    }
}

/// One page of a list, and the links to its neighbours.
struct Pager {
    label: String,
    previous_href: Option<String>,
    next_href: Option<String>,
}

/// The `page`th (from 1) `size` items, and the links to the pages around it; `href` gives
/// a page's address.
fn paginate<T>(
    ct: &CatalogTexts,
    items: Vec<T>,
    page: usize,
    size: usize,
    href: impl Fn(usize) -> String,
) -> (Vec<T>, Pager) {
    let pages = items.len().div_ceil(size).max(1);
    let page = page.clamp(1, pages);
    let shown = items
        .into_iter()
        .skip((page - 1) * size)
        .take(size)
        .collect();
    let pager = Pager {
        label: ct
            .page_of
            .replace("{page}", &page.to_string())
            .replace("{pages}", &pages.to_string()),
        previous_href: (page > 1).then(|| href(page - 1)),
        next_href: (page < pages).then(|| href(page + 1)),
    };
    (shown, pager)
}

/// An option of a select.
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use texts::CATALOG_ID;

    #[test]
    fn pages_are_cut_and_linked_and_out_of_range_pages_clamp() {
        let href = |p: usize| format!("/x?hal={p}");
        let (shown, pager) = paginate(&CATALOG_ID, (1..=45).collect(), 2, 20, href);
        assert_eq!(shown, (21..=40).collect::<Vec<_>>());
        assert_eq!(pager.label, "Halaman 2 dari 3");
        assert_eq!(pager.previous_href.as_deref(), Some("/x?hal=1"));
        assert_eq!(pager.next_href.as_deref(), Some("/x?hal=3"));

        let (shown, pager) = paginate(&CATALOG_ID, (1..=45).collect(), 9, 20, href);
        assert_eq!(shown, (41..=45).collect::<Vec<_>>());
        assert!(pager.next_href.is_none());

        let (shown, pager) = paginate(&CATALOG_ID, Vec::<u8>::new(), 0, 20, href);
        assert!(shown.is_empty());
        assert_eq!(pager.label, "Halaman 1 dari 1");
        assert!(pager.previous_href.is_none() && pager.next_href.is_none());
    }
}
