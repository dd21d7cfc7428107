//! The delivery worker: claims due outbox messages with a lease, delivers each, and records
//! the outcome: done, again later (exponential backoff with jitter), or dead.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;
use tokio::sync::watch;

use aduan_channels::MediaRef;
use aduan_channels::outbound::{Deliverer, DeliveryError, Outgoing, StatusChange};
use aduan_domain::report::MediaFetch;
use aduan_domain::{Channel, ChannelKind, ReportState};
use aduan_store::{OutboxItem, OutboxKind, OutboxOutcome, StoreError, StoreResult};

use super::compose::{ReplyPayload, compose, with_tracking_code};
use crate::contact::open_reply;
use crate::metrics::OutboxAttempt;
use crate::photos::{AcceptedPhoto, MAX_PHOTO_BYTES, clean_photo};
use crate::state::AppState;

/// How often and how long to try.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts before a message is dead.
    pub max_attempts: u32,
    /// The wait after the first failure; doubled after each further one.
    pub first_delay: Duration,
    pub max_delay: Duration,
    /// How long a claim holds a message from other workers.
    pub lease: Duration,
    /// Messages claimed at once.
    pub batch: u32,
    /// The pause when nothing is due.
    pub idle: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 8,
            first_delay: Duration::from_secs(30),
            max_delay: Duration::from_secs(6 * 3600),
            lease: Duration::from_secs(300),
            batch: 32,
            idle: Duration::from_secs(1),
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `attempts + 1`, with ±20% jitter so that messages that
    /// failed together do not all come back together.
    fn delay(&self, attempts: u32) -> Duration {
        let doubled = self
            .first_delay
            .saturating_mul(2u32.saturating_pow(attempts.saturating_sub(1)));
        let capped = doubled.min(self.max_delay);
        capped.mul_f64(rand::rng().random_range(0.8..=1.2))
    }
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunSummary {
    pub delivered: u32,
    pub retried: u32,
    pub dead: u32,
}

impl RunSummary {
    pub fn claimed(&self) -> u32 {
        self.delivered + self.retried + self.dead
    }
}

#[derive(Clone)]
pub struct OutboxWorker {
    state: AppState,
    deliverer: Arc<Deliverer>,
    policy: RetryPolicy,
}

impl OutboxWorker {
    pub fn new(state: AppState, deliverer: Arc<Deliverer>, policy: RetryPolicy) -> Self {
        Self {
            state,
            deliverer,
            policy,
        }
    }

    /// Claim what is due at `now` and attempt each claimed message once, all of them at
    /// the same time (a batch is at most [`RetryPolicy::batch`] messages).
    pub async fn run_once(&self, now: DateTime<Utc>) -> StoreResult<RunSummary> {
        let lease = chrono::Duration::from_std(self.policy.lease)
            .unwrap_or_else(|_| chrono::Duration::minutes(5));
        let items = self
            .state
            .store
            .claim_outbox(now, lease, self.policy.batch)
            .await?;
        let mut attempts = tokio::task::JoinSet::new();
        for item in items {
            let worker = self.clone();
            attempts.spawn(async move { worker.settle(item, now).await });
        }
        let mut summary = RunSummary::default();
        while let Some(done) = attempts.join_next().await {
            if let (Ok(Ok(settled)), Some(metrics)) = (&done, self.state.metrics()) {
                metrics.outbox_attempt(match settled {
                    Settled::Delivered => OutboxAttempt::Delivered,
                    Settled::Retried => OutboxAttempt::Retried,
                    Settled::Dead => OutboxAttempt::Dead,
                });
            }
            match done {
                Ok(Ok(Settled::Delivered)) => summary.delivered += 1,
                Ok(Ok(Settled::Retried)) => summary.retried += 1,
                Ok(Ok(Settled::Dead)) => summary.dead += 1,
                Ok(Err(e)) => return Err(e),
                // A panicking attempt leaves its claim to run out and be tried again.
                Err(e) => tracing::error!(error = %e, "an outbox attempt stopped abnormally"),
            }
        }
        Ok(summary)
    }

    /// Attempt one message and record the outcome.
    async fn settle(&self, item: OutboxItem, now: DateTime<Utc>) -> StoreResult<Settled> {
        let settled = match self.attempt(&item, now).await {
            Attempt::Attached => return Ok(Settled::Delivered),
            Attempt::Finished(outcome) => {
                let settled = match &outcome {
                    OutboxOutcome::Delivered => Settled::Delivered,
                    OutboxOutcome::RetryAt { .. } => Settled::Retried,
                    OutboxOutcome::Dead { error } => {
                        tracing::warn!(id = item.id, ticket = %item.ticket,
                            channel = item.channel.code(), error = %error,
                            "an outbox message is dead");
                        Settled::Dead
                    }
                };
                match self.state.store.finish_outbox(item.id, outcome, now).await {
                    Ok(()) => settled,
                    // Our lease ran out and another worker settled the message meanwhile.
                    Err(StoreError::Conflict(_)) => {
                        tracing::info!(id = item.id, "an outbox message was settled elsewhere");
                        settled
                    }
                    Err(e) => return Err(e),
                }
            }
        };
        Ok(settled)
    }

    /// Deliver until `shutdown` turns true.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            if *shutdown.borrow() {
                return;
            }
            let pause = match self.run_once(Utc::now()).await {
                Ok(summary) if summary.claimed() > 0 => Duration::ZERO,
                Ok(_) => self.policy.idle,
                Err(e) => {
                    tracing::error!(error = %e, "the outbox worker cannot reach the store");
                    self.policy.idle * 5
                }
            };
            if pause > Duration::ZERO {
                tokio::select! {
                    _ = tokio::time::sleep(pause) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
    }

    async fn attempt(&self, item: &OutboxItem, now: DateTime<Utc>) -> Attempt {
        let result = match item.kind {
            OutboxKind::Reply => self
                .reply(item, now)
                .await
                .map(|()| Attempt::Finished(OutboxOutcome::Delivered)),
            OutboxKind::FetchMedia => self.fetch(item, now).await,
            OutboxKind::Push => super::push::deliver(&self.state, item, now)
                .await
                .map(|()| Attempt::Finished(OutboxOutcome::Delivered)),
        };
        match result {
            Ok(done) => done,
            Err(Failure::Temporary(error)) if item.attempts + 1 < self.policy.max_attempts => {
                let wait = self.policy.delay(item.attempts + 1);
                let at = now + chrono::Duration::from_std(wait).unwrap_or_default();
                Attempt::Finished(OutboxOutcome::RetryAt { at, error })
            }
            Err(Failure::Temporary(error) | Failure::Permanent(error)) => {
                Attempt::Finished(OutboxOutcome::Dead { error })
            }
        }
    }

    async fn reply(&self, item: &OutboxItem, now: DateTime<Utc>) -> Result<(), Failure> {
        let payload: ReplyPayload = serde_json::from_str(&item.payload)
            .map_err(|e| Failure::Permanent(format!("unreadable reply payload: {e}")))?;
        let sealed = item
            .sealed_reply
            .as_deref()
            .ok_or_else(|| Failure::Permanent("the reporter left no way to answer".into()))?;
        let route = open_reply(&self.state.sealer, sealed, item.reporter_key.as_deref())
            .map_err(Failure::Permanent)?;
        let jurisdiction = self.state.catalog().jurisdiction.settings.name.clone();
        let (subject, text) = compose(&jurisdiction, &item.ticket, &payload, route.public);
        let text = match self.tracking_code(item, &payload, route.public) {
            Some(code) => with_tracking_code(text, &code, self.public_url()),
            None => text,
        };
        let state = ReportState::parse(&payload.state);
        let status = StatusChange {
            state: payload.state.clone(),
            label: state.map_or_else(|| payload.state.clone(), |s| s.label_id().to_owned()),
            note: payload
                .note
                .as_deref()
                .map(aduan_domain::scrub::public_text),
            at: now,
        };
        let message = Outgoing {
            route,
            ticket: item.ticket.to_string(),
            subject,
            text,
            status: Some(status),
            key: format!("aduan-outbox-{}", item.id),
        };
        let kind = self.kind(message.route.channel)?;
        self.deliverer
            .deliver(&message, kind)
            .await
            .map_err(Failure::from)
    }

    /// The tracking code sealed for this answer, opened; never for an answer in public (a
    /// reply under a tweet, a comment), which anyone reads. A code that does not open is
    /// left out rather than holding the answer back.
    fn tracking_code(
        &self,
        item: &OutboxItem,
        payload: &ReplyPayload,
        public: bool,
    ) -> Option<aduan_domain::tracking::TrackingCode> {
        let sealed = payload.sealed_code.as_deref().filter(|_| !public)?;
        crate::tracking::open(&self.state.sealer, &item.ticket, sealed)
            .map_err(|error| {
                tracing::warn!(id = item.id, ticket = %item.ticket, %error,
                    "a tracking code sealed for an answer does not open; sent without it");
            })
            .ok()
    }

    /// The site's public address, for the link to `/lacak`.
    fn public_url(&self) -> Option<&str> {
        let config = &self.state.config;
        config
            .public_url
            .as_deref()
            .or(config.channels.public_base_url.as_deref())
    }

    /// What a channel is in the city in force, which decides the provider that answers
    /// and fetches on it (a city's own `meta` channel through Meta).
    fn kind(&self, channel: Channel) -> Result<ChannelKind, Failure> {
        self.state
            .catalog()
            .jurisdiction
            .channel(channel)
            .map(|c| c.kind)
            .ok_or_else(|| Failure::Permanent(format!("{channel} is no channel of this city")))
    }

    async fn fetch(&self, item: &OutboxItem, now: DateTime<Utc>) -> Result<Attempt, Failure> {
        let wanted: MediaFetch = serde_json::from_str(&item.payload)
            .map_err(|e| Failure::Permanent(format!("unreadable media payload: {e}")))?;
        let media = MediaRef {
            channel: item.channel,
            reference: wanted.reference,
            content_type: wanted.content_type,
        };
        let kind = self.kind(media.channel)?;
        let fetched = self
            .deliverer
            .fetch_media(&media, kind, MAX_PHOTO_BYTES)
            .await
            .map_err(Failure::from)?;
        // Decoded a few at a time, like uploads, and refused from the header when huge.
        let clean = clean_photo(fetched.bytes)
            .await
            .map_err(Failure::Temporary)?
            .map_err(|e| Failure::Permanent(format!("the fetched photo is unusable: {e}")))?;
        // A reporter's photo keeps no capture place: it may be their home.
        let photo = AcceptedPhoto::fetched(clean)
            .store(&self.state.photos)
            .await
            .map_err(|e| Failure::Temporary(e.to_string()))?;
        self.state
            .store
            .attach_fetched_photo(item.id, photo, now)
            .await
            .map_err(|e| Failure::Temporary(e.to_string()))?;
        Ok(Attempt::Attached)
    }
}

enum Settled {
    Delivered,
    Retried,
    Dead,
}

/// How an attempt ended; `Attached` already recorded itself.
enum Attempt {
    Finished(OutboxOutcome),
    Attached,
}

pub(super) enum Failure {
    Temporary(String),
    Permanent(String),
}

impl From<DeliveryError> for Failure {
    fn from(e: DeliveryError) -> Self {
        match e {
            DeliveryError::Temporary(_) => Self::Temporary(e.to_string()),
            // Dead at once, visible to admins, who retry once the channel is configured.
            DeliveryError::Permanent(_) | DeliveryError::NotConfigured(_) => {
                Self::Permanent(e.to_string())
            }
        }
    }
}
