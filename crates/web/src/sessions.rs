//! A short-lived memory of which token belongs to whom, so that a busy client does not cost
//! a database read per request.
//!
//! Entries live a few seconds at most: signing out on this instance forgets at once, and
//! another instance (several behind a load balancer) notices within that time.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use aduan_domain::UserId;
use aduan_store::User;

/// How long a looked-up session is trusted without asking the store again.
pub const TTL: Duration = Duration::from_secs(5);
/// Most sessions remembered; beyond it the memory starts over.
const CAPACITY: usize = 50_000;

#[derive(Default)]
pub struct SessionCache {
    entries: Mutex<HashMap<[u8; 32], (User, Instant)>>,
}

impl SessionCache {
    pub fn get(&self, token_hash: &[u8; 32]) -> Option<User> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(token_hash)
            .filter(|(_, at)| at.elapsed() < TTL)
            .map(|(user, _)| user.clone())
    }

    pub fn put(&self, token_hash: [u8; 32], user: User) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= CAPACITY {
                entries.retain(|_, (_, at)| at.elapsed() < TTL);
                if entries.len() >= CAPACITY {
                    entries.clear();
                }
            }
            entries.insert(token_hash, (user, Instant::now()));
        }
    }

    pub fn forget(&self, token_hash: &[u8; 32]) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(token_hash);
        }
    }

    /// Forget every session of one account (its role or unit has changed), so that its
    /// next request reads the account afresh.
    pub fn forget_user(&self, user: UserId) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|_, (cached, _)| cached.id != user);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aduan_domain::Role;

    fn user() -> User {
        User {
            id: UserId(7),
            username: "siti".into(),
            display_name: None,
            role: Role::Citizen,
            unit: None,
            can_view_identity: false,
            created_at: chrono::Utc::now(),
            disabled: false,
            must_change_password: false,
        }
    }

    #[test]
    fn remembers_until_forgotten() {
        let cache = SessionCache::default();
        assert!(cache.get(&[1; 32]).is_none());
        cache.put([1; 32], user());
        assert_eq!(cache.get(&[1; 32]).map(|u| u.id), Some(UserId(7)));
        assert!(cache.get(&[2; 32]).is_none());
        cache.forget(&[1; 32]);
        assert!(cache.get(&[1; 32]).is_none());
    }

    #[test]
    fn forgets_every_session_of_an_account() {
        let cache = SessionCache::default();
        let other = User {
            id: UserId(8),
            ..user()
        };
        cache.put([1; 32], user());
        cache.put([2; 32], user());
        cache.put([3; 32], other);
        cache.forget_user(UserId(7));
        assert!(cache.get(&[1; 32]).is_none());
        assert!(cache.get(&[2; 32]).is_none());
        assert_eq!(cache.get(&[3; 32]).map(|u| u.id), Some(UserId(8)));
    }
}
