//! Steady rates per key (GCRA, from `governor`): registrations per address, submissions per
//! account and per address. A quota of N an hour lets N through at once, then one more every
//! hour/N.

use std::hash::Hash;
use std::num::NonZeroU32;
use std::sync::RwLock;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// A number of events per hour; `None` is no limit.
pub type PerHour = Option<NonZeroU32>;

/// One keyed rate, its memory bounded to about `max_keys` keys.
pub struct Rate<K: Eq + Hash + Clone> {
    quota: Option<Quota>,
    limiter: RwLock<DefaultKeyedRateLimiter<K>>,
    max_keys: usize,
    clock: DefaultClock,
}

impl<K: Eq + Hash + Clone> Rate<K> {
    pub fn per_hour(per_hour: PerHour, max_keys: usize) -> Self {
        let quota = per_hour.map(Quota::per_hour);
        // An unused limiter for a rate that is off: it is never asked.
        let limiter = RateLimiter::keyed(quota.unwrap_or(Quota::per_hour(NonZeroU32::MIN)));
        Self {
            quota,
            limiter: RwLock::new(limiter),
            max_keys: max_keys.max(8),
            clock: DefaultClock::default(),
        }
    }

    /// Take one event for `key`, or say how long until the next is allowed.
    pub fn check(&self, key: &K) -> Result<(), Duration> {
        let Some(quota) = self.quota else {
            return Ok(());
        };
        let outcome = {
            let limiter = match self.limiter.read() {
                Ok(l) => l,
                Err(poisoned) => poisoned.into_inner(),
            };
            if limiter.len() >= self.max_keys {
                // Keys whose allowance is whole again carry nothing worth keeping.
                limiter.retain_recent();
                limiter.shrink_to_fit();
            }
            let full = limiter.len() >= self.max_keys;
            (
                limiter
                    .check_key(key)
                    .map_err(|not_until| not_until.wait_time_from(self.clock.now())),
                full,
            )
        };
        if outcome.1 {
            // Still full of keys that are all in use: more clients than the bound within
            // one period. Start afresh rather than grow without end or refuse everyone.
            tracing::warn!(
                keys = self.max_keys,
                "a rate limit table is full; its counts are reset"
            );
            let mut limiter = match self.limiter.write() {
                Ok(l) => l,
                Err(poisoned) => poisoned.into_inner(),
            };
            *limiter = RateLimiter::keyed(quota);
        }
        outcome.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_the_hourly_burst_then_refuses_with_a_wait() {
        let rate = Rate::per_hour(NonZeroU32::new(3), 100);
        for _ in 0..3 {
            assert!(rate.check(&"a").is_ok());
        }
        let wait = rate.check(&"a").err().unwrap_or_default();
        assert!(wait > Duration::from_secs(1000) && wait <= Duration::from_secs(1200));
        assert!(rate.check(&"b").is_ok());
    }

    #[test]
    fn off_allows_everything() {
        let rate: Rate<u32> = Rate::per_hour(None, 100);
        assert!((0..10_000).all(|_| rate.check(&1).is_ok()));
    }

    #[test]
    fn stays_bounded() {
        let rate = Rate::per_hour(NonZeroU32::new(1), 50);
        for i in 0..10_000u32 {
            let _ = rate.check(&i);
        }
        let len = match rate.limiter.read() {
            Ok(l) => l.len(),
            Err(p) => p.into_inner().len(),
        };
        assert!(len <= 51, "{len} keys");
    }
}
