//! The sign-in throttle: failures in a row, counted per address, per (account, address)
//! pair and per account, each locking with an exponential wait (see the design in
//! [`super`]).
//!
//! An attempt is counted when it is admitted, before the password is verified: a burst of
//! concurrent attempts cannot all slip through the moment a lock ends, because the first one
//! admitted already sets the next lock. A success clears what it counted.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::address::ClientAddr;

/// How one table locks: free attempts in a row, then `base` doubling up to `max`.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// Attempts in a row admitted without a wait; the next waits `base`.
    pub free: u32,
    pub base: Duration,
    pub max: Duration,
}

impl Backoff {
    /// The lock set when the `n`th attempt in a row is admitted.
    fn wait(&self, n: u32) -> Option<Duration> {
        let over = n.checked_sub(self.free)?;
        let doubled = self.base.saturating_mul(2u32.saturating_pow(over.min(30)));
        Some(doubled.min(self.max))
    }
}

/// How many addresses that signed in to an account are remembered (they are let through
/// the account-wide lock, see [`super`]).
const KNOWN_ADDRESSES: usize = 4;

#[derive(Debug)]
struct Entry {
    attempts: u32,
    locked_until: Option<Instant>,
    last: Instant,
    /// Accounts only: addresses that signed in to it.
    known: Vec<ClientAddr>,
}

impl Entry {
    fn new(now: Instant) -> Self {
        Self {
            attempts: 0,
            locked_until: None,
            last: now,
            known: Vec::new(),
        }
    }

    fn remaining(&self, now: Instant) -> Option<Duration> {
        self.locked_until
            .and_then(|until| until.checked_duration_since(now))
            .filter(|d| !d.is_zero())
    }
}

/// One table of counters, bounded to `max_entries`.
struct Table<K> {
    entries: HashMap<K, Entry>,
    backoff: Backoff,
    max_entries: usize,
    /// An entry neither locked nor used for this long is forgotten.
    forget_after: Duration,
}

impl<K: Eq + Hash + Clone> Table<K> {
    fn new(backoff: Backoff, max_entries: usize, forget_after: Duration) -> Self {
        Self {
            entries: HashMap::new(),
            backoff,
            max_entries: max_entries.max(8),
            forget_after,
        }
    }

    fn remaining(&self, key: &K, now: Instant) -> Option<Duration> {
        self.entries.get(key).and_then(|e| e.remaining(now))
    }

    fn entry(&mut self, key: &K, now: Instant) -> &mut Entry {
        if !self.entries.contains_key(key) && self.entries.len() >= self.max_entries {
            self.make_room(now);
        }
        self.entries
            .entry(key.clone())
            .or_insert_with(|| Entry::new(now))
    }

    /// Count an admitted attempt and set the lock the next one meets.
    fn count(&mut self, key: &K, now: Instant) {
        let backoff = self.backoff;
        let e = self.entry(key, now);
        e.attempts = e.attempts.saturating_add(1);
        e.last = now;
        if let Some(wait) = backoff.wait(e.attempts) {
            e.locked_until = Some(now + wait);
        }
    }

    fn clear(&mut self, key: &K) {
        self.entries.remove(key);
    }

    /// Drop the forgotten entries; if the table is still full, the eighth least recently
    /// used (a flood of new keys can thus shorten old locks, never grow the memory).
    fn make_room(&mut self, now: Instant) {
        let forget_after = self.forget_after;
        self.entries.retain(|_, e| {
            e.remaining(now).is_some() || now.saturating_duration_since(e.last) < forget_after
        });
        if self.entries.len() < self.max_entries {
            return;
        }
        let mut ages: Vec<Instant> = self.entries.values().map(|e| e.last).collect();
        let cut = ages.len() / 8;
        let (_, oldest_kept, _) = ages.select_nth_unstable(cut);
        let oldest_kept = *oldest_kept;
        self.entries.retain(|_, e| e.last >= oldest_kept);
    }
}

/// The parameters of the throttle (see [`super::LimitsConfig`]).
#[derive(Debug, Clone, Copy)]
pub struct SignInRules {
    pub per_address: Backoff,
    pub per_pair: Backoff,
    pub per_account: Backoff,
    pub max_entries: usize,
    pub forget_after: Duration,
}

struct Tables {
    addresses: Table<ClientAddr>,
    pairs: Table<(String, ClientAddr)>,
    accounts: Table<String>,
}

/// The three tables behind one lock: an admission checks and counts them all at once.
pub struct SignInThrottle {
    tables: Mutex<Tables>,
}

/// Usernames longer than any valid one are counted by this prefix (bounds the keys).
const MAX_KEY: usize = 64;

fn account_key(username: &str) -> String {
    let mut key = username.trim().to_lowercase();
    if key.len() > MAX_KEY {
        let mut end = MAX_KEY;
        while !key.is_char_boundary(end) {
            end -= 1;
        }
        key.truncate(end);
    }
    key
}

impl SignInThrottle {
    pub fn new(rules: SignInRules) -> Self {
        let (max, forget) = (rules.max_entries, rules.forget_after);
        Self {
            tables: Mutex::new(Tables {
                addresses: Table::new(rules.per_address, max, forget),
                pairs: Table::new(rules.per_pair, max, forget),
                accounts: Table::new(rules.per_account, max, forget),
            }),
        }
    }

    fn tables(&self) -> std::sync::MutexGuard<'_, Tables> {
        match self.tables.lock() {
            Ok(t) => t,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// The longest lock in force for this attempt, if any.
    fn lock_in_force(
        t: &Tables,
        account: &String,
        addr: ClientAddr,
        now: Instant,
    ) -> Option<Duration> {
        let pair = (account.clone(), addr);
        let known = t
            .accounts
            .entries
            .get(account)
            .is_some_and(|e| e.known.contains(&addr));
        [
            t.addresses.remaining(&addr, now),
            t.pairs.remaining(&pair, now),
            (!known)
                .then(|| t.accounts.remaining(account, now))
                .flatten(),
        ]
        .into_iter()
        .flatten()
        .max()
    }

    /// Whether an attempt would be refused now, and for how long (counts nothing: asked
    /// before waiting for a hashing slot, so a locked caller never takes one).
    pub fn locked(&self, username: &str, addr: ClientAddr) -> Option<Duration> {
        let t = self.tables();
        Self::lock_in_force(&t, &account_key(username), addr, Instant::now())
    }

    /// Admit an attempt (counting it everywhere) or refuse it with the wait.
    pub fn admit(&self, username: &str, addr: ClientAddr) -> Result<(), Duration> {
        let now = Instant::now();
        let account = account_key(username);
        let mut t = self.tables();
        if let Some(wait) = Self::lock_in_force(&t, &account, addr, now) {
            return Err(wait);
        }
        let known = t
            .accounts
            .entries
            .get(&account)
            .is_some_and(|e| e.known.contains(&addr));
        t.addresses.count(&addr, now);
        t.pairs.count(&(account.clone(), addr), now);
        if !known {
            t.accounts.count(&account, now);
        }
        Ok(())
    }

    /// The attempt signed in: its counts are cleared, and the address is remembered as
    /// one the account's owner uses.
    pub fn succeeded(&self, username: &str, addr: ClientAddr) {
        let now = Instant::now();
        let account = account_key(username);
        let mut t = self.tables();
        t.addresses.clear(&addr);
        t.pairs.clear(&(account.clone(), addr));
        let e = t.accounts.entry(&account, now);
        e.attempts = 0;
        e.locked_until = None;
        e.last = now;
        if !e.known.contains(&addr) {
            if e.known.len() >= KNOWN_ADDRESSES {
                e.known.remove(0);
            }
            e.known.push(addr);
        }
    }
}

#[cfg(test)]
#[path = "signin_tests.rs"]
mod tests;
