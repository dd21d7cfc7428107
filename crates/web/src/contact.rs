//! A reporter without an account, as far as we may know them: the identity a channel or a
//! desk gave (sealed), how to answer them on their channel (sealed), and an opaque key to
//! count distinct reporters. Nothing here is ever shown to staff.

use aduan_channels::ReplyRoute;
use aduan_domain::{Channel, PhoneNumber};
use aduan_store::identity::{Binding, Identity, Sealer};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::app_error::{AppError, AppResult};
use crate::service::ReporterContact;

/// Seal what is known of a reporter who reached us on `channel`.
pub fn contact_for(
    sealer: &Sealer,
    channel: Channel,
    identity: &Identity,
    reply: Option<&ReplyRoute>,
) -> AppResult<ReporterContact> {
    let reporter_key = sealer.reporter_key_for(
        channel.code(),
        identity,
        reply.map(|r| (r.channel.code(), r.address.as_str())),
    );
    // Both sealed for this reporter key, stored in the same row: copied into another
    // reporter's row, neither opens.
    let sealed_identity = if identity.is_empty() {
        None
    } else {
        Some(sealer.seal(identity, Binding::Reporter(reporter_key.as_deref()))?)
    };
    let sealed_reply = reply
        .map(|r| seal_reply(sealer, r, reporter_key.as_deref()))
        .transpose()?;
    Ok(ReporterContact {
        sealed_identity,
        sealed_reply,
        reporter_key,
        written_as: crate::written::of_identity(identity),
        ..ReporterContact::default()
    })
}

/// Seal how to answer a reporter, for the report whose reporter key is `reporter_key`.
pub fn seal_reply(
    sealer: &Sealer,
    route: &ReplyRoute,
    reporter_key: Option<&str>,
) -> AppResult<Vec<u8>> {
    let plain = serde_json::to_vec(route).map_err(|e| AppError::failed(e.to_string()))?;
    Ok(sealer.seal_bytes(&plain, Binding::ReplyRoute(reporter_key))?)
}

/// Open a reply route sealed for the report whose reporter key is `reporter_key`.
pub fn open_reply(
    sealer: &Sealer,
    sealed: &[u8],
    reporter_key: Option<&str>,
) -> Result<ReplyRoute, String> {
    let plain = sealer
        .open_bytes(sealed, Binding::ReplyRoute(reporter_key))
        .map_err(|e| e.to_string())?;
    serde_json::from_slice(&plain).map_err(|e| format!("a sealed reply route is unreadable: {e}"))
}

/// A walk-in citizen at a desk, as the operator records them: how to reach them, and on
/// which channel they want to hear of their report.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeskCitizen {
    pub name: Option<String>,
    /// An Indonesian mobile number (`08…`, `628…` or `+628…`).
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Nomor Induk Kependudukan: 16 digits.
    pub nik: Option<String>,
    /// `sms`, `whatsapp` or `email`: where the citizen wants updates (needs that contact).
    pub notify_by: Option<String>,
}

/// Check and seal a walk-in citizen's details.
pub fn desk_contact(
    sealer: &Sealer,
    channel: Channel,
    citizen: DeskCitizen,
) -> AppResult<ReporterContact> {
    let clean = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let name = clean(citizen.name);
    if name.as_ref().is_some_and(|n| n.chars().count() > 200) {
        return Err(AppError::invalid("citizen.name", "at most 200 characters"));
    }
    let phone = clean(citizen.phone)
        .map(|p| {
            PhoneNumber::parse(&p)
                .map(String::from)
                .map_err(|e| AppError::invalid("citizen.phone", e.to_string()))
        })
        .transpose()?;
    let email = clean(citizen.email);
    if email
        .as_ref()
        .is_some_and(|e| !e.contains('@') || e.len() > 254 || e.contains(char::is_whitespace))
    {
        return Err(AppError::invalid("citizen.email", "not an e-mail address"));
    }
    let nik = clean(citizen.nik);
    if nik
        .as_ref()
        .is_some_and(|n| n.len() != 16 || !n.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(AppError::invalid("citizen.nik", "16 digits"));
    }
    let reply = match clean(citizen.notify_by).as_deref() {
        None => None,
        Some(by @ ("sms" | "whatsapp")) => Some(ReplyRoute {
            channel: if by == "sms" {
                Channel::Sms
            } else {
                Channel::Whatsapp
            },
            address: phone.clone().ok_or_else(|| {
                AppError::invalid("citizen.phone", "needed to send updates by SMS or WhatsApp")
            })?,
            in_reply_to: None,
            public: false,
        }),
        Some("email") => Some(ReplyRoute {
            channel: Channel::Email,
            address: email.clone().ok_or_else(|| {
                AppError::invalid("citizen.email", "needed to send updates by e-mail")
            })?,
            in_reply_to: None,
            public: false,
        }),
        Some(_) => {
            return Err(AppError::invalid(
                "citizen.notify_by",
                "one of sms, whatsapp, email",
            ));
        }
    };
    let identity = Identity {
        name,
        phone,
        email,
        nik,
        handle: None,
    };
    contact_for(sealer, channel, &identity, reply.as_ref())
}
