//! Accounts: registering a citizen, signing in, the rules for usernames and passwords, and
//! what admins do to accounts (create staff, disable, enable, set a temporary password).
//! The API and the pages both call these.

use chrono::Utc;
use serde::Deserialize;
use utoipa::ToSchema;

use aduan_domain::workflow::UnitDirectory;
use aduan_domain::{Jurisdiction, PhoneNumber, Role, UnitCode};
use aduan_store::identity::{Binding, Identity};
use aduan_store::{NewUser, Store, StoreError, User};

use crate::app_error::{AppError, AppResult};
use crate::auth::{hash_password, token_hash, verify_password};
use crate::limits::{ClientAddr, retry_secs};
use crate::metrics::SignInFailure;
use crate::password_policy;
use crate::state::AppState;

#[derive(Deserialize, ToSchema)]
pub struct RegisterRequest {
    /// 3-32 characters: a-z, 0-9, '.', '_' or '-'.
    pub username: String,
    /// 10-128 characters, not a common or easily guessed password, not containing the
    /// username.
    pub password: String,
    pub display_name: Option<String>,
    /// Kept private: used only to reach the reporter through the system. Written any usual
    /// Indonesian way (`0813-7777-4321`, `+62 813 7777 4321`, `021-555-1234`) or
    /// internationally (`+44 …`); stored in E.164 (`+6281377774321`).
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A store conflict on creating an account can only be the username.
pub fn username_taken(e: StoreError) -> AppError {
    match e {
        StoreError::Conflict(_) => AppError::conflict("this username is taken"),
        other => other.into(),
    }
}

pub fn check_username(username: &str) -> AppResult<()> {
    let ok = (3..=32).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(AppError::invalid(
            "username",
            "3-32 characters of a-z, 0-9, '.', '_' or '-'",
        ))
    }
}

/// A new password for `username` as the policy wants it ([`password_policy::check`]).
pub fn check_password(password: &str, username: &str) -> AppResult<()> {
    password_policy::check(password, username)
        .map_err(|weakness| AppError::invalid("password", weakness.english()))
}

pub(crate) fn optional_text(
    field: &str,
    value: Option<String>,
    max: usize,
) -> AppResult<Option<String>> {
    let value = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    if value.as_ref().is_some_and(|v| v.chars().count() > max) {
        return Err(AppError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(value)
}

/// An optional phone number, written any usual way, as E.164 ([`PhoneNumber::parse`]).
pub(crate) fn check_phone(phone: Option<String>) -> AppResult<Option<String>> {
    phone
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            PhoneNumber::parse(&p)
                .map(String::from)
                .map_err(|e| AppError::invalid("phone", e.to_string()))
        })
        .transpose()
}

pub(crate) fn check_email(email: Option<String>) -> AppResult<Option<String>> {
    let email = optional_text("email", email, 254)?;
    if let Some(e) = &email {
        let valid = e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !e.contains(' ')
        });
        if !valid {
            return Err(AppError::invalid("email", "not an e-mail address"));
        }
    }
    Ok(email)
}

/// Every problem with a registration, one per field: the API answers with the first, a form
/// shows them all at once.
pub(crate) fn registration_problems(req: &RegisterRequest) -> Vec<AppError> {
    let username = req.username.trim().to_ascii_lowercase();
    [
        check_username(&username).err(),
        check_password(&req.password, &username).err(),
        optional_text("display_name", req.display_name.clone(), 100).err(),
        check_phone(req.phone.clone()).err(),
        check_email(req.email.clone()).err(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Check a registration from `addr` and create the citizen account it asks for.
pub(crate) async fn create_citizen(
    state: &AppState,
    addr: ClientAddr,
    req: RegisterRequest,
) -> AppResult<User> {
    let username = req.username.trim().to_ascii_lowercase();
    check_username(&username)?;
    check_password(&req.password, &username)?;
    let display_name = optional_text("display_name", req.display_name, 100)?;
    let phone = check_phone(req.phone)?;
    let email = check_email(req.email)?;
    let identity = Identity {
        name: display_name,
        phone,
        email,
        ..Identity::default()
    };
    let sealed_identity = (!identity.is_empty())
        .then(|| state.sealer.seal(&identity, Binding::Account(&username)))
        .transpose()?;
    state.limits.registration(addr)?;
    // An erased account's username stays taken: nobody may pass for its former holder.
    if crate::app::personal_data::username_erased(state, &username).await? {
        return Err(AppError::conflict("this username is taken"));
    }
    let password_hash = {
        let _slot = state.limits.hash_slot().await?;
        hash_password(req.password).await?
    };
    state
        .store
        .create_user(NewUser {
            username,
            password_hash,
            // A citizen's name is identity: sealed, never in the clear.
            display_name: None,
            role: Role::Citizen,
            unit: None,
            can_view_identity: false,
            sealed_identity,
            created_at: Utc::now(),
        })
        .await
        .map_err(username_taken)
}

/// The refusal of a sign-in the throttle holds back.
pub(crate) fn too_many_sign_ins(wait: std::time::Duration) -> AppError {
    let secs = retry_secs(wait);
    AppError::too_many_attempts(
        format!("too many sign-in attempts; try again in {secs} seconds"),
        secs,
    )
}

/// The account a username and password belong to; `NotSignedIn` when they do not match (as
/// long for an unknown username as for a wrong password), `TooManyAttempts` when `addr` or
/// the account has failed too often in a row (see [`crate::limits`]).
pub(crate) async fn authenticate(
    state: &AppState,
    addr: ClientAddr,
    username: &str,
    password: String,
) -> AppResult<User> {
    let username = username.trim().to_ascii_lowercase();
    let throttle = &state.limits.sign_in;
    let failed = |why: SignInFailure| {
        if let Some(metrics) = state.metrics() {
            metrics.sign_in_failed(why);
        }
    };
    if let Some(wait) = throttle.locked(&username, addr) {
        failed(SignInFailure::Throttled);
        return Err(too_many_sign_ins(wait));
    }
    let _slot = state.limits.hash_slot().await?;
    throttle.admit(&username, addr).map_err(|wait| {
        failed(SignInFailure::Throttled);
        too_many_sign_ins(wait)
    })?;
    let found = match state.store.credentials(&username).await {
        Ok(c) => Some(c),
        Err(StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let hash = found.as_ref().map(|c| c.password_hash.clone());
    if !verify_password(hash, password).await? {
        failed(SignInFailure::WrongCredentials);
        return Err(AppError::not_signed_in("wrong username or password"));
    }
    // A disabled account is refused in the same words as a wrong password, after the same
    // work: the answer tells nobody which accounts exist or are disabled.
    let user = found
        .map(|c| c.user)
        .filter(|user| !user.disabled)
        .ok_or_else(|| {
            failed(SignInFailure::WrongCredentials);
            AppError::not_signed_in("wrong username or password")
        })?;
    throttle.succeeded(&username, addr);
    Ok(user)
}

/// The account named `username`; `NotFound` when there is none.
pub async fn account_named(store: &dyn Store, username: &str) -> AppResult<User> {
    let username = username.trim().to_ascii_lowercase();
    match store.credentials(&username).await {
        Ok(found) => Ok(found.user),
        Err(StoreError::NotFound) => Err(AppError::not_found("no such account")),
        Err(e) => Err(e.into()),
    }
}

/// Disable or enable the account named `username` (disabling ends its sessions); returns it
/// as stored. The command line calls it too.
pub async fn set_disabled(store: &dyn Store, username: &str, disabled: bool) -> AppResult<User> {
    let user = account_named(store, username).await?;
    let changed = store.set_disabled(user.id, disabled).await?;
    Ok(changed)
}

/// Give the account named `username` a new password, ending its sessions; `temporary`
/// flags it to be changed at the next sign-in.
pub async fn set_password(
    store: &dyn Store,
    username: &str,
    password: String,
    temporary: bool,
) -> AppResult<User> {
    let user = account_named(store, username).await?;
    check_password(&password, &user.username)?;
    let hash = hash_password(password).await?;
    store.set_password(user.id, hash, temporary, None).await?;
    Ok(user)
}

/// Change one's own password: the current one must match. Every other session of the
/// account ends; this one stays. Clears a temporary password's flag.
pub async fn change_own_password(
    state: &AppState,
    user: &User,
    current_token: Option<&str>,
    current_password: String,
    new_password: String,
) -> AppResult<()> {
    // Up to three argon2 runs: they take one of the few hashing slots, as signing in does.
    let _slot = state.limits.hash_slot().await?;
    let stored = match state.store.credentials(&user.username).await {
        Ok(found) => found.password_hash,
        Err(StoreError::NotFound) => return Err(AppError::not_signed_in("sign in first")),
        Err(e) => return Err(e.into()),
    };
    if !verify_password(Some(stored.clone()), current_password).await? {
        return Err(AppError::not_allowed("the current password is wrong"));
    }
    check_password(&new_password, &user.username)?;
    if verify_password(Some(stored), new_password.clone()).await? {
        return Err(AppError::invalid(
            "new_password",
            "must differ from the current password",
        ));
    }
    let hash = hash_password(new_password).await?;
    let keep = current_token.map(token_hash);
    state.store.set_password(user.id, hash, false, keep).await?;
    Ok(())
}

/// Check a request for a staff account by the rules every surface shares (username,
/// password, role and unit, who may see identities) and create it. Whoever calls it has
/// already decided the requester may create accounts.
pub async fn create_staff(
    store: &dyn Store,
    jurisdiction: &Jurisdiction,
    req: CreateUserRequest,
) -> AppResult<User> {
    let username = req.username.trim().to_ascii_lowercase();
    check_username(&username)?;
    check_password(&req.password, &username)?;
    let (role, unit) = role_and_unit_in(jurisdiction, &req.role, req.unit.as_deref())?;
    if req.can_view_identity && role != Role::Admin {
        return Err(AppError::invalid(
            "can_view_identity",
            "only an admin may be allowed to see identities",
        ));
    }
    let display_name = req
        .display_name
        .map(|d| d.trim().to_owned())
        .filter(|d| !d.is_empty());
    if display_name
        .as_ref()
        .is_some_and(|d| d.chars().count() > 100)
    {
        return Err(AppError::invalid(
            "display_name",
            "must be at most 100 characters",
        ));
    }
    let password_hash = hash_password(req.password).await?;
    store
        .create_user(NewUser {
            username,
            password_hash,
            display_name,
            role,
            unit,
            can_view_identity: req.can_view_identity,
            sealed_identity: None,
            created_at: Utc::now(),
        })
        .await
        .map_err(username_taken)
}

/// A staff account's role and unit as the rules allow them: a known role other than
/// citizen (citizens register themselves), a unit the jurisdiction has, and a unit
/// wherever the role needs one. The account pages use the same rules.
pub fn staff_role_and_unit(
    state: &AppState,
    role: &str,
    unit: Option<&str>,
) -> AppResult<(Role, Option<UnitCode>)> {
    role_and_unit_in(&state.catalog().jurisdiction, role, unit)
}

/// [`staff_role_and_unit`] against a given jurisdiction (the command line has no server).
pub fn role_and_unit_in(
    jurisdiction: &Jurisdiction,
    role: &str,
    unit: Option<&str>,
) -> AppResult<(Role, Option<UnitCode>)> {
    let role = Role::parse(role.trim()).ok_or_else(|| AppError::invalid("role", "no such role"))?;
    let unit = unit
        .map(|u| UnitCode::parse(u.trim()).map_err(|e| AppError::invalid("unit", e.to_string())))
        .transpose()?;
    if let Some(code) = &unit
        && jurisdiction.unit(code).is_none()
    {
        return Err(AppError::invalid("unit", "no such unit"));
    }
    if role.requires_unit() && unit.is_none() {
        return Err(AppError::invalid(
            "unit",
            format!("a {} needs a unit", role.code()),
        ));
    }
    if role == Role::Citizen {
        return Err(AppError::invalid(
            "role",
            "citizens register themselves at /auth/register",
        ));
    }
    Ok((role, unit))
}

#[derive(Deserialize, ToSchema)]
pub struct CreateUserRequest {
    pub username: String,
    pub password: String,
    /// citizen, operator, coordinator, officer, validator or admin.
    pub role: String,
    /// Required for officers and validators; a coordinator without one is jurisdiction-wide.
    pub unit: Option<String>,
    pub display_name: Option<String>,
    /// Admins only: may reveal who reported (with a reason, audited).
    #[serde(default)]
    pub can_view_identity: bool,
}
