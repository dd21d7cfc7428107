//! Filing an inbound e-mail (from `aduan ingest email` or, later, an inbound-mail webhook).
//!
//! E-mail carries no category and no place. Until free-text triage exists, a report from an
//! e-mail takes the jurisdiction's `default_category` and lands at the office of its
//! `default_region` (for Jakarta, Kecamatan Gambir, where Balai Kota stands), whose staff read
//! it and forward it. The sender's name and address are sealed; staff never see them.

use aduan_channels::email::{self, InboundEmail};
use aduan_domain::report::{NewPhoto, Report};
use aduan_store::identity::Identity;

use crate::error::{ApiError, ApiResult};
use crate::photos::{MAX_PHOTOS, Provenance, accept_photos};
use crate::service::{self, Intake, Place};
use crate::state::AppState;

/// Parse a raw message and file it; see [`submit_email`].
pub async fn submit_raw_email(state: &AppState, raw: &[u8]) -> ApiResult<Report> {
    let mail = email::parse_email(raw).map_err(|e| ApiError::invalid("email", e.to_string()))?;
    submit_email(state, mail).await
}

/// File a parsed e-mail for its sender, who has no account. The Message-ID makes it
/// idempotent: the same message delivered again answers with the report filed the first time.
pub async fn submit_email(state: &AppState, mail: InboundEmail) -> ApiResult<Report> {
    let (category, region) = {
        let catalog = state.catalog();
        let settings = &catalog.jurisdiction.settings;
        match (&settings.default_category, &settings.default_region) {
            (Some(c), Some(r)) => (c.clone(), r.clone()),
            _ => {
                return Err(ApiError::invalid(
                    "channel",
                    "e-mail intake needs default_category and default_region in the \
                     jurisdiction settings",
                ));
            }
        }
    };
    let identity = Identity {
        name: mail.from_name.clone(),
        email: Some(mail.from_address.clone()),
        ..Identity::default()
    };
    let sealed = state.sealer.seal(&identity)?;
    let description = mail.description();
    let photos = photos(mail.attachments).await;
    let intake = Intake {
        category,
        description,
        place: Place::In(region),
        address: None,
        channel: email::CHANNEL,
        photos,
        message_id: Some(mail.message_id),
    };
    service::submit_without_account(state, Some(sealed), intake).await
}

/// The attached images, cleaned; one that cannot be read (or an unsupported kind) is left
/// out rather than refusing the whole message, since a sender cannot fix a mail already sent.
async fn photos(attachments: Vec<Vec<u8>>) -> Vec<NewPhoto> {
    let mut kept = Vec::new();
    for bytes in attachments {
        if kept.len() == MAX_PHOTOS {
            break;
        }
        match accept_photos(vec![bytes], Provenance::Reporter).await {
            Ok(photo) => kept.extend(photo),
            Err(e) => tracing::info!(error = %e.message, "an e-mail attachment was left out"),
        }
    }
    kept
}
