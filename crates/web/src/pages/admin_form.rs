//! The opening every admin form shares, as an extractor: the reader's language, the form,
//! then the guards in order: signed in (else off to sign in), not forged (403 before
//! anything is read or changed), an admin (403). A handler that takes an [`AdminForm`]
//! starts where the work starts.

use axum::Form;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use aduan_domain::Role;
use aduan_store::User;

use crate::state::AppState;

use super::forms::refuse_forgery;
use super::gate::signed_in_as;
use super::{Chrome, Lang, LangQuery, Texts, Visitor, see_other};

/// A form an admin's page posts.
pub trait AdminFormFields: DeserializeOwned + Default + Send {
    /// The CSRF value the form carries.
    fn csrf(&self) -> &str;

    /// The page the form belongs to (a link to sign in returns there, a refusal wears its
    /// frame): the address it is posted to, unless that address has no page of its own.
    fn page(posted_to: &str) -> String {
        posted_to.to_owned()
    }
}

/// Declares `$form` an admin form whose CSRF value is its `csrf` field, belonging to the
/// page it is posted to, or to the page `page = PATH` names.
macro_rules! admin_form_fields {
    ($form:ty) => {
        impl $crate::pages::admin_form::AdminFormFields for $form {
            fn csrf(&self) -> &str {
                &self.csrf
            }
        }
    };
    ($form:ty, page = $page:expr) => {
        impl $crate::pages::admin_form::AdminFormFields for $form {
            fn csrf(&self) -> &str {
                &self.csrf
            }

            fn page(_posted_to: &str) -> String {
                $page.to_owned()
            }
        }
    };
}
pub(crate) use admin_form_fields;

/// An admin's posted form, checked: who posted it, the frame of its page, the language.
/// A form that cannot be read counts as empty (and so as forged: it has no CSRF value).
pub struct AdminForm<F> {
    pub admin: User,
    pub visitor: Visitor,
    pub chrome: Chrome,
    pub lang: Lang,
    pub t: &'static Texts,
    pub form: F,
}

impl<F: AdminFormFields> FromRequest<AppState> for AdminForm<F> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let Query(LangQuery { lang }) = Query::<LangQuery>::from_request_parts(&mut parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let visitor = Visitor::from_request_parts(&mut parts, state).await?;
        let page = F::page(parts.uri.path());
        let headers = parts.headers.clone();
        let form = Form::<F>::from_request(Request::from_parts(parts, body), state)
            .await
            .map(|Form(form)| form)
            .unwrap_or_default();
        let t = lang.texts();
        if visitor.user.is_none() {
            return Err(see_other(&format!("/masuk?next={page}"), t));
        }
        if let Some(refused) = refuse_forgery(t, &page, &visitor, &headers, Some(form.csrf()), true)
        {
            return Err(refused);
        }
        let (admin, chrome) = signed_in_as(
            t,
            &page,
            &visitor,
            |role| role == Role::Admin,
            t.admins_only,
        )
        .map_err(|refused| *refused)?;
        Ok(Self {
            admin,
            visitor,
            chrome,
            lang,
            t,
            form,
        })
    }
}
