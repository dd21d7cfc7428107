//! `/admin/pengguna`: staff accounts page by page (filtered by role), the form creating one,
//! and each account's form changing its role and unit. Citizens' accounts are not listed:
//! a citizen's username is part of who reported, which no admin page shows.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use aduan_domain::workflow::UnitDirectory;
use aduan_domain::{Role, UserId};
use aduan_store::User;

use crate::app::cursor::encode_cursor;
use crate::pages::forms::FieldErrors;
use crate::pages::labels::{local_time, role_label};
use crate::pages::session::Visitor;
use crate::pages::{Chrome, Lang, Texts, failure, render_with};
use crate::state::AppState;

use super::{AdminTexts, PAGE_SIZE, admin_only, admin_texts, cursor_after, one_page};

pub(super) const PATH: &str = "/admin/pengguna";

/// Every role but a citizen's, in the order the forms offer them.
pub(super) const STAFF_ROLES: [Role; 5] = [
    Role::Operator,
    Role::Coordinator,
    Role::Officer,
    Role::Validator,
    Role::Admin,
];

#[derive(Deserialize)]
pub struct UsersQuery {
    #[serde(default)]
    lang: Lang,
    role: Option<String>,
    cursor: Option<String>,
    done: Option<String>,
}

/// Which part of the list is shown: the role filter and the page's cursor, as given.
#[derive(Default)]
pub(super) struct Listing {
    pub role: String,
    pub cursor: String,
}

impl Listing {
    fn role(&self) -> Option<Role> {
        Role::parse(&self.role).filter(|r| r.is_staff())
    }

    /// `role=…&cursor=…` for links and redirects back to this part of the list.
    pub fn query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(role) = self.role() {
            parts.push(format!("role={}", role.code()));
        }
        if !self.cursor.is_empty() && self.cursor.bytes().all(is_cursor_byte) {
            parts.push(format!("cursor={}", self.cursor));
        }
        parts.join("&")
    }
}

fn is_cursor_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// The create form as typed (never the password) and its problems.
#[derive(Default)]
pub(super) struct CreateState {
    pub username: String,
    pub role: String,
    pub unit: String,
    pub errors: FieldErrors,
}

/// One account's change form as typed, with its problems.
pub(super) struct Edit {
    pub id: UserId,
    pub role: String,
    pub unit: String,
    pub errors: FieldErrors,
}

struct RoleOption {
    code: &'static str,
    label: &'static str,
    selected: bool,
}

fn role_options(chosen: &str, lang: Lang) -> Vec<RoleOption> {
    STAFF_ROLES
        .into_iter()
        .map(|r| RoleOption {
            code: r.code(),
            label: role_label(r, lang),
            selected: r.code() == chosen,
        })
        .collect()
}

struct Row {
    id: i64,
    username: String,
    role: &'static str,
    unit: Option<String>,
    created: String,
    disabled: bool,
    roles: Vec<RoleOption>,
    unit_value: String,
    errors: FieldErrors,
}

struct UnitOption {
    code: String,
    name: String,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    t: &'static Texts,
    a: &'static AdminTexts,
    chrome: Chrome,
    notice: Option<&'static str>,
    filter_roles: Vec<RoleOption>,
    /// `&role=…&cursor=…` of the shown part of the list, for the forms' hidden fields.
    list_role: String,
    list_cursor: String,
    rows: Vec<Row>,
    next_href: Option<String>,
    units: Vec<UnitOption>,
    create: CreateState,
    create_roles: Vec<RoleOption>,
    has_errors: bool,
}

pub async fn list_users(
    State(state): State<AppState>,
    Query(q): Query<UsersQuery>,
    visitor: Visitor,
) -> Response {
    let (t, a) = (q.lang.texts(), admin_texts(q.lang));
    let chrome = match admin_only(t, a, PATH, &visitor) {
        Ok((_, chrome)) => chrome,
        Err(refused) => return *refused,
    };
    let notice = match q.done.as_deref() {
        Some("created") => Some(a.user_created),
        Some("changed") => Some(a.user_changed),
        Some("disabled") => Some(a.user_disabled),
        Some("enabled") => Some(a.user_enabled),
        Some("temporary_password") => Some(a.temp_password_set),
        _ => None,
    };
    let listing = Listing {
        role: q.role.unwrap_or_default(),
        cursor: q.cursor.unwrap_or_default(),
    };
    let page = Page {
        lang: q.lang,
        notice,
        create: CreateState::default(),
        edit: None,
    };
    users_page(&state, chrome, &listing, page, StatusCode::OK).await
}

/// What a users page shows besides the list.
pub(super) struct Page {
    pub lang: Lang,
    pub notice: Option<&'static str>,
    pub create: CreateState,
    pub edit: Option<Edit>,
}

/// The users page at `listing`, with `status` (422 when a form is shown again with errors).
pub(super) async fn users_page(
    state: &AppState,
    chrome: Chrome,
    listing: &Listing,
    page: Page,
    status: StatusCode,
) -> Response {
    let (t, a) = (page.lang.texts(), admin_texts(page.lang));
    let (after, chrome) = match cursor_after(t, chrome, Some(&listing.cursor)) {
        Ok(found) => found,
        Err(refused) => return *refused,
    };
    let roles = match listing.role() {
        Some(role) => vec![role],
        None => STAFF_ROLES.to_vec(),
    };
    let found = state
        .store
        .list_users(roles, after.map(UserId), PAGE_SIZE + 1)
        .await;
    let users = match found {
        Ok(users) => users,
        Err(e) => return failure(t, chrome, e.into(), t.server_error),
    };
    let (users, more) = one_page(users, PAGE_SIZE);
    let next_href = more.then(|| users.last()).flatten().map(|last| {
        let next = Listing {
            role: listing.role.clone(),
            cursor: encode_cursor(last.id.0),
        };
        format!("{PATH}?lang={}&{}", t.lang, next.query())
    });
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    let mut edit = page.edit;
    let rows = users
        .into_iter()
        .map(|u| {
            let edited = edit.take_if(|e| e.id == u.id);
            row(j, &u, edited, page.lang)
        })
        .collect();
    let mut units: Vec<UnitOption> = j
        .units()
        .map(|u| UnitOption {
            code: u.code.as_str().to_owned(),
            name: u.name.clone(),
        })
        .collect();
    units.sort_by(|x, y| x.code.cmp(&y.code));
    let has_errors = status == StatusCode::UNPROCESSABLE_ENTITY;
    let filter = listing.role().map(Role::code).unwrap_or_default();
    render_with(
        status,
        &UsersPage {
            t,
            a,
            chrome,
            notice: page.notice,
            filter_roles: role_options(filter, page.lang),
            list_role: filter.to_owned(),
            list_cursor: listing.cursor.clone(),
            rows,
            next_href,
            units,
            create_roles: role_options(&page.create.role, page.lang),
            create: page.create,
            has_errors,
        },
    )
}

fn row(j: &aduan_domain::Jurisdiction, u: &User, edit: Option<Edit>, lang: Lang) -> Row {
    let unit_code = u.unit.as_ref().map(|c| c.as_str().to_owned());
    let (chosen, unit_value, errors) = match edit {
        Some(e) => (e.role, e.unit, e.errors),
        None => (
            u.role.code().to_owned(),
            unit_code.clone().unwrap_or_default(),
            FieldErrors::default(),
        ),
    };
    Row {
        id: u.id.0,
        username: u.username.clone(),
        role: role_label(u.role, lang),
        unit: u.unit.as_ref().map(|code| match j.unit(code) {
            Some(unit) => format!("{} ({})", unit.name, code.as_str()),
            None => code.as_str().to_owned(),
        }),
        created: local_time(j, u.created_at),
        disabled: u.disabled,
        roles: role_options(&chosen, lang),
        unit_value,
        errors,
    }
}
