//! Filing what arrives on a messaging or social channel (SMS, WhatsApp, X, Facebook,
//! Instagram, LAPOR!, e-mail): free text, perhaps a point or photos, and who wrote.
//!
//! Such messages carry no category and rarely a place. Triage suggests both from the text;
//! a confident category is used at once, otherwise the jurisdiction's `default_category`,
//! and the place is the shared point, else a place named in the text, else the
//! `default_region` (for Jakarta, Gambir, where Balai Kota stands). Either way the report
//! waits in the coordinators' triage queue until one confirms or corrects it. The sender is
//! sealed; the way to answer them goes into the outbox with each step of their report, and
//! the report's tracking code (sealed) with the first, when that answer is private.

use aduan_channels::{InboundMessage, MediaRef, ReplyRoute, Sender, strip_controls};
use aduan_domain::report::{MediaFetch, Report, TriageMark};
use aduan_domain::tracking::TrackingCode;
use aduan_domain::{CategoryCode, Channel, ChannelKind, Coordinates};
use aduan_store::identity::Identity;

use crate::app_error::{AppError, AppResult};
use crate::contact::contact_for;
use crate::photos::{AcceptedPhoto, MAX_PHOTOS};
use aduan_domain::report::MIN_DESCRIPTION;

use crate::service::{self, Intake, Place};
use crate::state::AppState;

/// Below this confidence a suggested category is only a suggestion: the report files under
/// the default category until a coordinator decides.
pub const CONFIDENT: f32 = 0.5;

/// A message from a channel, ready to file.
pub struct ChannelMessage {
    pub channel: Channel,
    pub message_id: String,
    pub text: String,
    pub sender: Sender,
    pub reply: Option<ReplyRoute>,
    pub location: Option<Coordinates>,
    pub address: Option<String>,
    /// The channel's own category name (LAPOR!), matched to ours by name or code.
    pub category_hint: Option<String>,
    /// Photos that came inline (e-mail attachments), already cleaned.
    pub photos: Vec<AcceptedPhoto>,
    /// Photos the channel holds for us, fetched by the outbox worker.
    pub media: Vec<MediaRef>,
}

impl From<InboundMessage> for ChannelMessage {
    fn from(m: InboundMessage) -> Self {
        Self {
            channel: m.channel,
            message_id: m.message_id,
            text: m.text,
            sender: m.sender,
            reply: Some(m.reply),
            // A point outside the globe's ranges is dropped rather than refusing the message.
            location: m
                .location
                .and_then(|p| Coordinates::parse(p.lat, p.lon).ok()),
            address: m.address,
            category_hint: m.category_hint,
            photos: Vec::new(),
            media: m.media,
        }
    }
}

impl ChannelMessage {
    /// The message as it may be stored: no control characters in any text (PostgreSQL
    /// cannot store U+0000), and no more photos to fetch than a report keeps (one message
    /// must not queue thousands of fetches); the extra ones are logged and left out.
    fn bounded(mut self) -> Self {
        let clean = |s: &mut String| *s = strip_controls(s);
        clean(&mut self.message_id);
        clean(&mut self.text);
        for text in [
            &mut self.address,
            &mut self.category_hint,
            &mut self.sender.name,
            &mut self.sender.phone,
            &mut self.sender.email,
            &mut self.sender.handle,
        ]
        .into_iter()
        .flatten()
        {
            clean(text);
        }
        if let Some(reply) = &mut self.reply {
            clean(&mut reply.address);
            if let Some(to) = &mut reply.in_reply_to {
                clean(to);
            }
        }
        let room = MAX_PHOTOS.saturating_sub(self.photos.len());
        if self.media.len() > room {
            tracing::warn!(
                channel = self.channel.code(),
                attachments = self.media.len(),
                kept = room,
                "a channel message brought more photos than a report keeps; the rest are ignored"
            );
            self.media.truncate(room);
        }
        for media in &mut self.media {
            clean(&mut media.reference);
        }
        self
    }
}

/// File a channel message for its sender. Idempotent on the channel's message id.
pub async fn submit_channel_message(state: &AppState, m: ChannelMessage) -> AppResult<Report> {
    submit_with_code(state, m).await.map(|(report, _)| report)
}

/// As [`submit_channel_message`], with the report's tracking code when this delivery
/// issued it (`None` for a message delivered before): for a partner whose answers carry no
/// text (LAPOR!'s status pushes) to hand on to its user.
pub async fn submit_with_code(
    state: &AppState,
    m: ChannelMessage,
) -> AppResult<(Report, Option<TrackingCode>)> {
    let m = m.bounded();
    let catalog = state.catalog();
    let j = &catalog.jurisdiction;
    let settings = &j.settings;
    let (Some(default_category), Some(default_region)) =
        (&settings.default_category, &settings.default_region)
    else {
        return Err(AppError::failed(
            "channel intake needs default_category and default_region in the jurisdiction \
             settings",
        ));
    };
    let suggestion = catalog.suggest(&m.text);
    let hinted = m.category_hint.as_deref().and_then(|hint| {
        let hint = hint.trim();
        j.categories()
            .find(|c| c.name.eq_ignore_ascii_case(hint) || c.code.as_str() == hint)
            .map(|c| c.code.clone())
    });
    let suggested_category = suggestion.category.as_ref().map(|g| g.code.clone());
    let confidence = suggestion.category.as_ref().map_or(0.0, |g| g.confidence);
    let category: CategoryCode = hinted
        .clone()
        .or_else(|| {
            suggestion
                .category
                .as_ref()
                .filter(|g| g.confidence >= CONFIDENT)
                .map(|g| g.code.clone())
        })
        .unwrap_or_else(|| default_category.clone());
    let suggested_region = suggestion
        .region
        .as_ref()
        .map(|p| p.region.clone())
        .filter(|r| j.first_receiver(r).is_some());
    let fallback_region = suggested_region
        .clone()
        .unwrap_or_else(|| default_region.clone());
    let place = match m.location {
        Some(at) => Place::AtOrIn(at, fallback_region),
        None => Place::In(fallback_region),
    };
    // A coordinator looks at every report whose category or place we had to guess.
    let needs_triage = hinted.is_none() || m.location.is_none();
    let triage = needs_triage.then_some(TriageMark {
        category: suggested_category,
        confidence,
        region: suggested_region,
    });
    let channel_label = j.channel_label(m.channel, false);
    let partner = j.channel(m.channel).map(|c| c.kind) == Some(ChannelKind::PartnerApi);
    drop(catalog);

    let identity = Identity {
        name: m.sender.name,
        phone: m.sender.phone,
        email: m.sender.email,
        nik: None,
        handle: m.sender.handle,
    };
    // Only a private answer in words may carry the tracking code: never a reply under a
    // tweet (public), nor a partner's status push (no text).
    let private_reply = m.reply.as_ref().is_some_and(|r| !r.public) && !partner;
    let mut contact = contact_for(&state.sealer, m.channel, &identity, m.reply.as_ref())?;
    contact.fetch_media = m
        .media
        .into_iter()
        .map(|media| MediaFetch {
            reference: media.reference,
            content_type: media.content_type,
        })
        .collect();
    contact.triage = triage;
    let description = describe(
        &m.text,
        &channel_label,
        !contact.fetch_media.is_empty() || !m.photos.is_empty(),
    );
    let intake = Intake {
        category,
        description,
        place,
        address: m.address,
        channel: m.channel,
        photos: m.photos,
        message_id: Some(m.message_id),
    };
    let report = service::submit_without_account(state, contact, intake).await?;
    // Every report without an account gets a code, sent with the acknowledgement when
    // the answer is private; a message delivered twice issues none the second time.
    let code = crate::tracking::issue_once(state, &report, private_reply).await?;
    Ok((report, code))
}

/// The report's description: the text, or (when it is too short to stand alone, as a
/// photo or a shared location often is) the text with a note of what came with it, so no
/// message is turned away.
fn describe(text: &str, channel: &str, has_photos: bool) -> String {
    let text = text.trim();
    if text.chars().count() >= MIN_DESCRIPTION {
        return text.to_owned();
    }
    let what = if has_photos { "foto" } else { "pesan" };
    let note = format!("({what} melalui {channel}, tanpa keterangan lebih lanjut)");
    if text.is_empty() {
        note
    } else {
        format!("{text} {note}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_messages_are_described_not_refused() {
        assert_eq!(
            describe("  Jalan rusak parah  ", "SMS", false),
            "Jalan rusak parah"
        );
        let photo_only = describe("", "WhatsApp", true);
        assert!(
            photo_only.starts_with("(foto melalui WhatsApp,"),
            "{photo_only}"
        );
        assert!(photo_only.chars().count() >= MIN_DESCRIPTION);
        assert!(describe("banjir", "X/Twitter", false).starts_with("banjir (pesan"));
    }
}
