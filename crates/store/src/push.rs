//! Citizens' Web Push subscriptions: the browsers an account asked to be told on of each step
//! of its reports. The endpoint and keys reach a person, so they are kept sealed (bound to
//! the account, see [`crate::identity::Binding::PushSubscription`]) beside a keyed hash of
//! the endpoint that finds the same browser again; nothing here is shown to staff.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use aduan_domain::UserId;

use crate::StoreResult;

/// The most browsers one account is told on; a new one replaces the oldest.
pub const MAX_SUBSCRIPTIONS: u32 = 5;

/// One stored subscription, still sealed.
#[derive(Clone, PartialEq, Eq)]
pub struct PushSubscriptionRow {
    pub id: i64,
    pub sealed: Vec<u8>,
}

/// Never print the sealed value.
impl std::fmt::Debug for PushSubscriptionRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushSubscriptionRow")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

#[async_trait]
pub trait PushStore: Send + Sync {
    /// Keep a browser's subscription for a citizen's account `user`: `endpoint_key` (a keyed
    /// hash of the endpoint) finds the same browser again, whose row is replaced (even when
    /// it was another account's: the browser now belongs to this one); beyond
    /// [`MAX_SUBSCRIPTIONS`] the oldest are removed. `NotFound` unless `user` is a citizen.
    async fn add_push_subscription(
        &self,
        user: UserId,
        endpoint_key: String,
        sealed: Vec<u8>,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The account's subscriptions, oldest first.
    async fn push_subscriptions(&self, user: UserId) -> StoreResult<Vec<PushSubscriptionRow>>;
    /// Forget the account's subscription with this endpoint key; whether there was one.
    async fn remove_push_subscription(
        &self,
        user: UserId,
        endpoint_key: String,
    ) -> StoreResult<bool>;
    /// Forget every subscription of the account (turned off on all its devices at once, as
    /// a page without JavaScript can); how many there were.
    async fn remove_push_subscriptions_of(&self, user: UserId) -> StoreResult<u64>;
    /// Forget a subscription the push service no longer knows (404, 410).
    async fn drop_push_subscription(&self, id: i64) -> StoreResult<()>;
}
