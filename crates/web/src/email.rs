//! Filing an inbound e-mail (from `aduan ingest email` or the inbound-mail webhook): the
//! message is parsed here and filed like any channel message (see [`crate::intake`]):
//! triaged, with the sender sealed and answers sent back by e-mail.

use aduan_channels::email::{self, InboundEmail};
use aduan_channels::{ReplyRoute, Sender};
use aduan_domain::report::Report;

use crate::app_error::{AppError, AppResult};
use crate::intake::{ChannelMessage, submit_channel_message};
use crate::photos::{AcceptedPhoto, MAX_PHOTOS, Provenance, accept_photos};
use crate::state::AppState;

/// Parse a raw message and file it; see [`submit_email`].
pub async fn submit_raw_email(state: &AppState, raw: &[u8]) -> AppResult<Report> {
    let mail = email::parse_email(raw).map_err(|e| AppError::invalid("email", e.to_string()))?;
    submit_email(state, mail).await
}

/// File a parsed e-mail for its sender, who has no account. The Message-ID makes it
/// idempotent: the same message delivered again answers with the report filed the first time.
/// Answers go back by e-mail, threaded under the citizen's message.
pub async fn submit_email(state: &AppState, mail: InboundEmail) -> AppResult<Report> {
    let description = mail.description();
    let photos = photos(mail.attachments).await;
    let reply = ReplyRoute {
        channel: email::CHANNEL,
        address: mail.from_address.clone(),
        in_reply_to: Some(mail.message_id.clone()),
        public: false,
    };
    let message = ChannelMessage {
        channel: email::CHANNEL,
        message_id: mail.message_id,
        text: description,
        sender: Sender {
            name: mail.from_name,
            email: Some(mail.from_address),
            ..Sender::default()
        },
        reply: Some(reply),
        location: None,
        address: None,
        category_hint: None,
        photos,
        media: Vec::new(),
    };
    submit_channel_message(state, message).await
}

/// The attached images, cleaned; one that cannot be read (or an unsupported kind) is left
/// out rather than refusing the whole message, since a sender cannot fix a mail already sent.
async fn photos(attachments: Vec<Vec<u8>>) -> Vec<AcceptedPhoto> {
    let mut kept = Vec::new();
    for bytes in attachments {
        if kept.len() == MAX_PHOTOS {
            break;
        }
        match accept_photos(vec![bytes], Provenance::Reporter).await {
            Ok(photo) => kept.extend(photo),
            Err(e) => tracing::info!(error = %e, "an e-mail attachment was left out"),
        }
    }
    kept
}
