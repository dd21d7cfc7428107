//! Prometheus metrics: what the server counts, and the text a scraper reads.
//!
//! Every label value comes from a bounded set: routes are the router's templates (never
//! the path a client sent, so tickets never become label values), methods the standard
//! ones, channels, actions and units the catalog's codes. Counting is off unless
//! `aduan serve --metrics-listen` is given; the metrics are then served only there, on a
//! listener of their own, never on the public one.

mod refresh;
mod requests;
mod writer;

use std::sync::Arc;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use aduan_store::Store;

pub use refresh::{REFRESH_EVERY, refresh, refresh_continuously};
pub(crate) use requests::track_requests;

/// Upper bounds of the request latency buckets, in seconds.
const LATENCY_BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 60.0,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: &'static str,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ChannelLabel {
    channel: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ActionLabel {
    action: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabel {
    reason: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabel {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabel {
    state: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct UnitLabel {
    unit: String,
}

/// Why a sign-in was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInFailure {
    /// Unknown username, wrong password or disabled account (one answer for all three).
    WrongCredentials,
    /// Too many failures in a row from the address or on the account.
    Throttled,
}

/// How an outbox attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxAttempt {
    Delivered,
    Retried,
    Dead,
}

/// Everything the server counts, registered once in its own registry.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    filed: Family<ChannelLabel, Counter>,
    steps: Family<ActionLabel, Counter>,
    sign_in_failures: Family<ReasonLabel, Counter>,
    session_rejections: Counter,
    identities_erased: Counter,
    outbox_attempts: Family<OutcomeLabel, Counter>,
    outbox_messages: Family<StateLabel, Gauge>,
    past_sla: Family<UnitLabel, Gauge>,
    refreshed_at: Gauge,
}

impl Metrics {
    /// A registry with every metric at zero; the store's writer (when it has one) is read
    /// at each scrape.
    pub fn new(store: Arc<dyn Store>) -> Arc<Self> {
        let mut registry = Registry::with_prefix("aduan");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status",
            requests.clone(),
        );
        let latency: Family<RouteLabels, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(latency_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route template",
            latency.clone(),
        );
        let filed = Family::<ChannelLabel, Counter>::default();
        registry.register("reports_filed", "Reports filed, by channel", filed.clone());
        let steps = Family::<ActionLabel, Counter>::default();
        registry.register(
            "workflow_steps",
            "Workflow steps taken on reports, by action",
            steps.clone(),
        );
        let sign_in_failures = Family::<ReasonLabel, Counter>::default();
        registry.register(
            "sign_in_failures",
            "Sign-ins refused: wrong_credentials or throttled",
            sign_in_failures.clone(),
        );
        let session_rejections = Counter::default();
        registry.register(
            "session_rejections",
            "Requests presenting a session or bearer token that is unknown, expired or ended",
            session_rejections.clone(),
        );
        let identities_erased = Counter::default();
        registry.register(
            "retention_identities_erased",
            "Reporters' identities the retention job erased from reports closed past the retention period",
            identities_erased.clone(),
        );
        let outbox_attempts = Family::<OutcomeLabel, Counter>::default();
        registry.register(
            "outbox_attempts",
            "Outbox delivery attempts by this instance: delivered (sent), retried or dead",
            outbox_attempts.clone(),
        );
        let outbox_messages = Family::<StateLabel, Gauge>::default();
        registry.register(
            "outbox_messages",
            "Outbox messages in the store waiting (pending) or given up on (dead); refreshed on a timer",
            outbox_messages.clone(),
        );
        let past_sla = Family::<UnitLabel, Gauge>::default();
        registry.register(
            "reports_past_sla",
            "Open reports past their SLA deadline, by holding unit; refreshed on a timer",
            past_sla.clone(),
        );
        let refreshed_at = Gauge::default();
        registry.register(
            "store_gauges_refreshed_timestamp_seconds",
            "When the outbox and SLA gauges were last read from the store (Unix time)",
            refreshed_at.clone(),
        );
        registry.register_collector(Box::new(writer::WriteQueueCollector::new(store)));
        Arc::new(Self {
            registry,
            requests,
            latency,
            filed,
            steps,
            sign_in_failures,
            session_rejections,
            identities_erased,
            outbox_attempts,
            outbox_messages,
            past_sla,
            refreshed_at,
        })
    }

    /// The metrics in the Prometheus text format (version 0.0.4).
    pub fn render(&self) -> String {
        let mut text = String::new();
        if let Err(e) =
            prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry)
        {
            tracing::error!(error = %e, "cannot encode the metrics");
        }
        text
    }

    /// One report filed through `channel` (its code).
    pub fn report_filed(&self, channel: &str) {
        self.filed
            .get_or_create(&ChannelLabel {
                channel: channel.to_owned(),
            })
            .inc();
    }

    /// One workflow step of `action` (its code).
    pub fn workflow_step(&self, action: &'static str) {
        self.steps.get_or_create(&ActionLabel { action }).inc();
    }

    pub fn sign_in_failed(&self, why: SignInFailure) {
        let reason = match why {
            SignInFailure::WrongCredentials => "wrong_credentials",
            SignInFailure::Throttled => "throttled",
        };
        self.sign_in_failures
            .get_or_create(&ReasonLabel { reason })
            .inc();
    }

    /// Reports whose reporter's identity the retention job erased.
    pub fn identities_erased(&self, reports: u64) {
        self.identities_erased.inc_by(reports);
    }

    pub fn session_rejected(&self) {
        self.session_rejections.inc();
    }

    pub fn outbox_attempt(&self, how: OutboxAttempt) {
        let outcome = match how {
            OutboxAttempt::Delivered => "delivered",
            OutboxAttempt::Retried => "retried",
            OutboxAttempt::Dead => "dead",
        };
        self.outbox_attempts
            .get_or_create(&OutcomeLabel { outcome })
            .inc();
    }
}

fn latency_histogram() -> Histogram {
    Histogram::new(LATENCY_BUCKETS)
}
