//! Web Push to citizens' browsers (issue 17): the deployment's VAPID key, derived from the
//! identity key so every instance has the same; the subscriptions sealed at rest for their
//! account; and what a push says (ticket and state only: it shows on a lock screen).

use serde::{Deserialize, Serialize};

use aduan_channels::media_hosts::LocalOrigin;
use aduan_channels::outbound::push::{MAX_PAYLOAD, Refused, Subscription};
use aduan_channels::outbound::vapid::VapidKey;
use aduan_domain::{ReportState, Ticket, UserId};
use aduan_store::StoreResult;
use aduan_store::identity::{Binding, IdentityKey, Sealer};

/// Push settings from the binary's configuration.
#[derive(Debug, Clone, Default)]
pub struct PushConfig {
    /// The VAPID contact (`mailto:…` or the site's `https://` address) the push services
    /// may write to; push is off without one.
    pub contact: Option<String>,
}

/// Push, when it is on: the VAPID key and contact.
#[derive(Debug, Clone)]
pub struct WebPush {
    vapid: VapidKey,
    contact: String,
}

impl WebPush {
    /// On when a contact is configured; `None` otherwise.
    pub fn new(key: &IdentityKey, config: &PushConfig) -> Option<Self> {
        let contact = config.contact.as_deref()?.trim();
        if contact.is_empty() {
            return None;
        }
        Some(Self {
            vapid: VapidKey::derive(|attempt| key.vapid_seed(attempt))?,
            contact: contact.to_owned(),
        })
    }

    /// What browsers subscribe with (`applicationServerKey`).
    pub fn public_key(&self) -> String {
        self.vapid.public_key()
    }

    pub fn vapid(&self) -> &VapidKey {
        &self.vapid
    }

    pub fn contact(&self) -> &str {
        &self.contact
    }
}

/// A subscription as sealed at rest.
#[derive(Serialize, Deserialize)]
struct Stored {
    endpoint: String,
    p256dh: String,
    auth: String,
}

/// A browser's subscription from what it posted, if it is one aduan may send to.
pub fn parse(
    endpoint: &str,
    p256dh: &str,
    auth: &str,
    local: &[LocalOrigin],
) -> Result<Subscription, Refused> {
    Subscription::parse(endpoint, p256dh, auth, local)
}

/// `(endpoint key, sealed)` of `subscription` for `user`'s account.
pub fn seal(
    sealer: &Sealer,
    user: UserId,
    subscription: &Subscription,
) -> StoreResult<(String, Vec<u8>)> {
    let stored = Stored {
        endpoint: subscription.endpoint().to_owned(),
        p256dh: subscription.p256dh(),
        auth: subscription.auth(),
    };
    let plain = serde_json::to_vec(&stored).map_err(aduan_store::StoreError::other)?;
    let sealed = sealer.seal_bytes(&plain, Binding::PushSubscription(user.0))?;
    Ok((sealer.push_endpoint_key(&stored.endpoint), sealed))
}

/// The subscription sealed for `user`; `None` when it does not open or is no longer one
/// aduan may send to.
pub fn open(
    sealer: &Sealer,
    user: UserId,
    sealed: &[u8],
    local: &[LocalOrigin],
) -> Option<Subscription> {
    let plain = sealer
        .open_bytes(sealed, Binding::PushSubscription(user.0))
        .ok()?;
    let stored: Stored = serde_json::from_slice(&plain).ok()?;
    Subscription::parse(&stored.endpoint, &stored.p256dh, &stored.auth, local).ok()
}

/// The outbox row of a push.
#[derive(Debug, Clone, Deserialize)]
pub struct PushPayload {
    pub state: String,
    pub account: i64,
    /// The account supports the report ("Saya juga mengalami ini") rather than filed it.
    #[serde(default)]
    pub supporter: bool,
}

/// What the notification shows: `{"title", "body", "url", "tag"}` with the state
/// (Indonesian, then English). The reporter reads their ticket and is taken to the report's
/// page; a supporter is told only that a report they support moved, and taken to
/// "Laporan yang saya dukung": a private report's ticket is not theirs to know. No note, no
/// name: a notification can be read on a locked phone.
pub fn compose(site: &str, ticket: &Ticket, payload: &PushPayload) -> Vec<u8> {
    let (label_id, label_en) = ReportState::parse(&payload.state)
        .map_or(("diperbarui", "updated"), |s| (s.label_id(), s.label_en()));
    let title: String = site.chars().take(60).collect();
    let message = if payload.supporter {
        serde_json::json!({
            "title": title,
            "body": format!(
                "Laporan yang Anda dukung: {label_id}\nA report you support: {label_en}"
            ),
            "url": "/laporan-saya#didukung",
            "tag": "laporan-didukung",
        })
    } else {
        serde_json::json!({
            "title": title,
            "body": format!("Laporan {ticket}: {label_id}\nReport {ticket}: {label_en}"),
            "url": format!("/laporan/{ticket}"),
            "tag": ticket.to_string(),
        })
    };
    let mut bytes = message.to_string().into_bytes();
    bytes.truncate(MAX_PAYLOAD);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_push_tells_the_ticket_and_state_and_nothing_else() {
        let ticket = Ticket::parse("JK2611280001").unwrap();
        let bytes = compose(
            "Pemprov DKI Jakarta",
            &ticket,
            &payload("in_progress", false),
        );
        assert!(bytes.len() <= MAX_PAYLOAD);
        let message: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let object = message.as_object().unwrap();
        let mut fields: Vec<&str> = object.keys().map(String::as_str).collect();
        fields.sort_unstable();
        assert_eq!(fields, ["body", "tag", "title", "url"]);
        assert_eq!(message["title"], "Pemprov DKI Jakarta");
        let body = message["body"].as_str().unwrap();
        assert!(body.starts_with("Laporan JK2611280001: "), "{body}");
        assert!(body.contains(ReportState::InProgress.label_id()), "{body}");
        assert_eq!(message["url"], "/laporan/JK2611280001");
        // A site name of any length still makes a bounded message.
        let long = compose(&"x".repeat(10_000), &ticket, &payload("completed", false));
        assert!(long.len() < 400, "{}", long.len());
    }

    fn payload(state: &str, supporter: bool) -> PushPayload {
        PushPayload {
            state: state.into(),
            account: 7,
            supporter,
        }
    }

    #[test]
    fn a_supporter_is_told_the_state_without_the_ticket() {
        let ticket = Ticket::parse("JK2611280001").unwrap();
        let bytes = compose(
            "Pemprov DKI Jakarta",
            &ticket,
            &payload("in_progress", true),
        );
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(!text.contains("JK2611280001"), "{text}");
        let message: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let body = message["body"].as_str().unwrap();
        assert!(body.starts_with("Laporan yang Anda dukung: "), "{body}");
        assert!(body.contains(ReportState::InProgress.label_id()), "{body}");
        assert_eq!(message["url"], "/laporan-saya#didukung");
    }

    #[test]
    fn the_vapid_key_is_the_identity_keys_and_push_is_off_without_a_contact() {
        let key = IdentityKey::generate();
        let on = PushConfig {
            contact: Some("mailto:crm@jakarta.go.id".into()),
        };
        let a = WebPush::new(&key, &on).unwrap();
        let b = WebPush::new(&IdentityKey::from_base64(&key.to_base64()).unwrap(), &on).unwrap();
        assert_eq!(a.public_key(), b.public_key());
        let other = WebPush::new(&IdentityKey::generate(), &on).unwrap();
        assert_ne!(a.public_key(), other.public_key());
        assert!(WebPush::new(&key, &PushConfig::default()).is_none());
        assert!(
            WebPush::new(
                &key,
                &PushConfig {
                    contact: Some(" ".into())
                }
            )
            .is_none()
        );
    }

    #[test]
    fn a_subscription_opens_only_for_its_account() {
        let sealer = Sealer::new(&IdentityKey::generate());
        let sub = parse(
            "https://fcm.googleapis.com/fcm/send/abc",
            "BLn9b-VR0ca83knDNZ32dCHGyjJp-1riX9ZTN40MqV8K_LpQmLqxC_DoHvqvFXO_nGdAB4W9dogZb_sM-uV4JbY",
            "_ordMnz7uTCmrpBTeUV4Bw",
            &[],
        )
        .unwrap();
        let (key, sealed) = seal(&sealer, UserId(7), &sub).unwrap();
        assert!(!String::from_utf8_lossy(&sealed).contains("fcm"));
        assert!(!key.contains("fcm"));
        let opened = open(&sealer, UserId(7), &sealed, &[]).unwrap();
        assert_eq!(opened.endpoint(), sub.endpoint());
        assert!(open(&sealer, UserId(8), &sealed, &[]).is_none());
    }
}
