//! Delivering a push: one encrypted message to each browser the account subscribed (the
//! reporter's, telling the ticket and the new state; a supporter's, the new state alone). A
//! browser its push service no longer knows (404, 410) is forgotten. Once any browser took
//! the message the row is done (sending it again would show the others it twice); when none
//! did, the failure decides: temporary (5xx, 429, timeouts) is retried like any outbox
//! message, anything else is dead.

use chrono::{DateTime, Utc};

use aduan_channels::outbound::DeliveryError;
use aduan_channels::outbound::push::{PushError, send};
use aduan_domain::UserId;
use aduan_store::OutboxItem;

use super::worker::Failure;
use crate::push::{PushPayload, compose, open};
use crate::state::AppState;

pub(super) async fn deliver(
    state: &AppState,
    item: &OutboxItem,
    now: DateTime<Utc>,
) -> Result<(), Failure> {
    // Turned off since it was queued: nothing to send, and nothing to retry later.
    let Some(push) = state.push.as_deref() else {
        return Ok(());
    };
    let payload: PushPayload = serde_json::from_str(&item.payload)
        .map_err(|e| Failure::Permanent(format!("unreadable push payload: {e}")))?;
    let account = UserId(payload.account);
    let rows = state
        .store
        .push_subscriptions(account)
        .await
        .map_err(|e| Failure::Temporary(e.to_string()))?;
    let site = state.catalog().jurisdiction.settings.name.clone();
    let message = compose(&site, &item.ticket, &payload);
    let local = state.config.channels.unsafe_local_fetch.as_slice();
    let (mut delivered, mut temporary, mut permanent) = (0u32, None, None);
    for row in rows {
        let Some(subscription) = open(&state.sealer, account, &row.sealed, local) else {
            // Sealed under another key, or no longer an allowed endpoint: of no use.
            forget(state, row.id).await?;
            continue;
        };
        match send(
            &subscription,
            &message,
            push.vapid(),
            push.contact(),
            now.timestamp(),
            local,
        )
        .await
        {
            Ok(()) => delivered += 1,
            Err(PushError::Gone) => forget(state, row.id).await?,
            Err(PushError::Failed(DeliveryError::Temporary(e))) => temporary = Some(e),
            Err(PushError::Failed(e)) => permanent = Some(e.to_string()),
        }
    }
    match (delivered, temporary, permanent) {
        (0, Some(e), _) => Err(Failure::Temporary(e)),
        (0, None, Some(e)) => Err(Failure::Permanent(e)),
        _ => Ok(()),
    }
}

async fn forget(state: &AppState, id: i64) -> Result<(), Failure> {
    tracing::info!(subscription = id, "a push subscription is gone: forgotten");
    state
        .store
        .drop_push_subscription(id)
        .await
        .map_err(|e| Failure::Temporary(e.to_string()))
}
