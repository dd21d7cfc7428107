//! Abuse limits: how many sign-in attempts, password hashes, registrations and report
//! submissions a client gets. Held in [`crate::AppState`], in memory, per instance.
//!
//! # Sign-in
//!
//! Guessing a password is slowed by three counters of attempts in a row (a success clears
//! them), each locking with a wait that doubles per further attempt:
//!
//! | counted per         | free attempts | first wait | longest wait |
//! | ------------------- | ------------- | ---------- | ------------ |
//! | (account, address)  | 10            | 1 s        | 15 min       |
//! | address             | 20            | 1 s        | 15 min       |
//! | account             | 50            | 1 s        | 1 min        |
//!
//! - The **pair** is the strict one: one address guessing one account gets 10 tries, then
//!   waits 1, 2, 4 s ... up to 15 min between tries (about 4 an hour from then on).
//! - The **address** counter catches one address spraying many accounts; it is more lenient
//!   because many people share an address (offices, mobile carriers' NAT).
//! - The **account** counter catches many addresses guessing one account. Because anyone can
//!   feed it, its lock is short (at most a minute), and it does not apply to the addresses
//!   that signed in to the account before (the last four remembered): a stranger spraying an
//!   account from a botnet slows the whole internet down to about one guess a minute, while
//!   the owner on their usual address signs in at once, and on a new address after at most
//!   a minute's wait. The owner's own pair lock is theirs alone: a stranger elsewhere never
//!   raises it.
//!
//! With these defaults, trying whenever allowed: one address against one account gets 15
//! password checks in the first minute, 22 in the first hour, then 4 an hour; the whole
//! internet against one account 55 in the first minute, then about one a minute (1,494 in
//! the first day). Measured against a release build (one address, and 100 addresses at
//! once, 60 s each): 15 and 55, every other attempt answered 429.
//!
//! An attempt is counted when admitted, before its password is checked, so concurrent
//! attempts cannot all pass when a lock ends. A refused attempt answers 429 with
//! `Retry-After` and costs no hash. Unknown usernames are counted like known ones (the
//! throttle tells nothing about which exist). The tables hold at most `max_entries` each
//! and forget an idle entry after `forget_after`; when full, the least recently used eighth
//! is dropped. The counts live in each instance's memory: with N instances behind a load
//! balancer an attacker gets up to N times the figures above, and a restart forgets them.
//!
//! # Hashing
//!
//! Argon2 costs ~20 ms of a core and ~19 MiB per hash: at most `hash_slots` (the number of
//! cores) run at once, and a request that cannot get a slot within `hash_wait` gets 503 with
//! `Retry-After` instead of queueing without end, so a login flood cannot starve the rest.
//!
//! # Registrations and submissions
//!
//! Steady hourly rates ([`rates`]): registrations per address, citizens' report submissions
//! (API and pages) per account and per address, reports filed on the web without an
//! account per address (in the same count) and per contact (the mobile number or e-mail
//! address given: 5 an hour, so that a stranger cannot use the form to flood someone
//! else's phone or inbox with acknowledgements from many addresses; counted by the
//! contact's keyed hash, never the contact itself), lookups of similar reports near a pin
//! per account (600 an hour). Staff (desk operators) are not limited: an
//! admin created their accounts, and a busy desk files many reports from one address.
//! Channels' webhooks are verified by their providers' signatures and not limited here.
//! `aduan serve --rate-limits off` switches these rates off for benchmarks, never the
//! sign-in throttle or the hashing cap.

pub mod address;
pub mod rates;
pub mod signin;

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use aduan_domain::{Actor, Role};

use crate::app_error::{AppError, AppResult};
pub use address::ClientAddr;
use rates::{PerHour, Rate};
pub use signin::{Backoff, SignInRules, SignInThrottle};

/// The limits' settings (defaults: what a city would run with).
#[derive(Debug, Clone)]
pub struct LimitsConfig {
    pub sign_in: SignInRules,
    /// Password hashes (sign-ins, registrations) computed at once.
    pub hash_slots: usize,
    /// How long a request waits for a hashing slot before it is refused as busy.
    pub hash_wait: Duration,
    pub registrations_per_address: PerHour,
    pub submissions_per_account: PerHour,
    pub submissions_per_address: PerHour,
    /// Reports filed without an account naming one contact (its reporter key): each sends
    /// the contact an acknowledgement, so this bounds what a stranger can send anyone.
    pub submissions_per_contact: PerHour,
    /// Lookups of similar reports near a pin per citizen account (`/lapor/serupa`): a pin
    /// dragged about asks often, a sweep of the city asks far more.
    pub nearby_lookups_per_account: PerHour,
    /// New reports handled at once (submissions, report forms, channels' webhooks); more
    /// are answered 503 at once (`crate::shed`).
    pub in_flight_intake: usize,
    /// Every other request handled at once (pages, reads, staff actions).
    pub in_flight_other: usize,
    /// Keys each registration or submission table keeps at most.
    pub max_keys: usize,
    /// Reverse proxies whose `X-Forwarded-For` names the client (none by default).
    pub trusted_proxies: Vec<IpAddr>,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        let backoff = |free, max| Backoff {
            free,
            base: Duration::from_secs(1),
            max: Duration::from_secs(max),
        };
        Self {
            sign_in: SignInRules {
                per_pair: backoff(10, 15 * 60),
                per_address: backoff(20, 15 * 60),
                per_account: backoff(50, 60),
                max_entries: 100_000,
                forget_after: Duration::from_secs(24 * 3600),
            },
            hash_slots: std::thread::available_parallelism().map_or(2, |n| n.get()),
            hash_wait: Duration::from_secs(2),
            registrations_per_address: NonZeroU32::new(10),
            submissions_per_account: NonZeroU32::new(30),
            submissions_per_address: NonZeroU32::new(120),
            submissions_per_contact: NonZeroU32::new(5),
            nearby_lookups_per_account: NonZeroU32::new(600),
            in_flight_intake: 128,
            in_flight_other: 512,
            max_keys: 200_000,
            trusted_proxies: Vec::new(),
        }
    }
}

impl LimitsConfig {
    /// Registrations and submissions unlimited (`--rate-limits off`); the sign-in throttle
    /// and the hashing cap stay.
    pub fn without_rates(self) -> Self {
        Self {
            registrations_per_address: None,
            submissions_per_account: None,
            submissions_per_address: None,
            submissions_per_contact: None,
            nearby_lookups_per_account: None,
            ..self
        }
    }
}

/// The limits in force, shared by every request of an instance.
pub struct Limits {
    pub sign_in: SignInThrottle,
    hashes: Arc<Semaphore>,
    hash_wait: Duration,
    registrations: Rate<ClientAddr>,
    submissions_by_account: Rate<i64>,
    submissions_by_address: Rate<ClientAddr>,
    submissions_by_contact: Rate<String>,
    nearby_lookups: Rate<i64>,
}

/// Whole seconds to announce in `Retry-After` (rounded up, at least 1).
pub fn retry_secs(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

impl Limits {
    pub fn new(config: &LimitsConfig) -> Self {
        let keys = config.max_keys;
        Self {
            sign_in: SignInThrottle::new(config.sign_in),
            hashes: Arc::new(Semaphore::new(config.hash_slots.max(1))),
            hash_wait: config.hash_wait,
            registrations: Rate::per_hour(config.registrations_per_address, keys),
            submissions_by_account: Rate::per_hour(config.submissions_per_account, keys),
            submissions_by_address: Rate::per_hour(config.submissions_per_address, keys),
            submissions_by_contact: Rate::per_hour(config.submissions_per_contact, keys),
            nearby_lookups: Rate::per_hour(config.nearby_lookups_per_account, keys),
        }
    }

    /// A slot to compute one password hash in; `Busy` when none frees up soon.
    pub async fn hash_slot(&self) -> AppResult<OwnedSemaphorePermit> {
        match tokio::time::timeout(self.hash_wait, Arc::clone(&self.hashes).acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(closed)) => Err(AppError::failed(closed)),
            Err(_) => Err(AppError::busy(
                "too many sign-ins at once; try again in a moment",
                1,
            )),
        }
    }

    /// One more registration from `addr`, or `TooManyAttempts`.
    pub fn registration(&self, addr: ClientAddr) -> AppResult<()> {
        self.registrations.check(&addr).map_err(|wait| {
            AppError::too_many_attempts(
                "too many accounts registered from this address; try again later",
                retry_secs(wait),
            )
        })
    }

    /// One more report filed by `actor` from `addr`, or `TooManyAttempts` (citizens only;
    /// see above).
    pub fn submission(&self, actor: &Actor, addr: ClientAddr) -> AppResult<()> {
        if actor.role != Role::Citizen {
            return Ok(());
        }
        let refused = |wait| {
            AppError::too_many_attempts(
                "too many reports submitted; try again later",
                retry_secs(wait),
            )
        };
        self.submissions_by_account
            .check(&actor.user.0)
            .map_err(refused)?;
        self.submissions_by_address.check(&addr).map_err(refused)
    }

    /// One more lookup of similar reports near a pin by `actor`, or `TooManyAttempts`.
    pub fn nearby_lookup(&self, actor: &Actor) -> AppResult<()> {
        self.nearby_lookups.check(&actor.user.0).map_err(|wait| {
            AppError::too_many_attempts(
                "too many lookups of similar reports; try again later",
                retry_secs(wait),
            )
        })
    }

    /// One more report filed without an account (the web form `/lapor/tanpa-akun`) from
    /// `addr`, or `TooManyAttempts`: counted with the citizens' submissions from the
    /// address, the one thing known of such a sender.
    pub fn submission_without_account(&self, addr: ClientAddr) -> AppResult<()> {
        self.submissions_by_address.check(&addr).map_err(|wait| {
            AppError::too_many_attempts(
                "too many reports submitted; try again later",
                retry_secs(wait),
            )
        })
    }

    /// One more report filed without an account for the contact whose reporter key is
    /// `key`, or `TooManyAttempts`. Asked once the form is otherwise sound, so a typo costs
    /// the contact nothing.
    pub fn submission_for_contact(&self, key: &str) -> AppResult<()> {
        self.submissions_by_contact
            .check(&key.to_owned())
            .map_err(|wait| {
                AppError::too_many_attempts(
                    "too many reports for this contact; try again later",
                    retry_secs(wait),
                )
            })
    }
}
