use std::net::IpAddr;
use std::time::Duration;

use super::*;

fn rules(free_pair: u32, free_account: u32) -> SignInRules {
    let hour = Duration::from_secs(3600);
    SignInRules {
        per_address: Backoff {
            free: 100,
            base: hour,
            max: hour,
        },
        per_pair: Backoff {
            free: free_pair,
            base: hour,
            max: hour,
        },
        per_account: Backoff {
            free: free_account,
            base: Duration::from_secs(60),
            max: Duration::from_secs(60),
        },
        max_entries: 1000,
        forget_after: hour,
    }
}

fn addr(last: u8) -> ClientAddr {
    ClientAddr(IpAddr::from([198, 51, 100, last]))
}

#[test]
fn the_wait_doubles_from_base_up_to_max() {
    let b = Backoff {
        free: 10,
        base: Duration::from_secs(1),
        max: Duration::from_secs(900),
    };
    assert_eq!(b.wait(9), None);
    assert_eq!(b.wait(10), Some(Duration::from_secs(1)));
    assert_eq!(b.wait(11), Some(Duration::from_secs(2)));
    assert_eq!(b.wait(19), Some(Duration::from_secs(512)));
    assert_eq!(b.wait(20), Some(Duration::from_secs(900)));
    assert_eq!(b.wait(u32::MAX), Some(Duration::from_secs(900)));
}

#[test]
fn the_pair_locks_after_its_free_attempts_and_a_success_clears_it() {
    let t = SignInThrottle::new(rules(3, 50));
    for _ in 0..3 {
        assert!(t.admit("budi", addr(1)).is_ok());
    }
    assert!(t.admit("budi", addr(1)).is_err());
    assert!(t.locked("BUDI", addr(1)).is_some());
    // Another address is not held by this pair's lock.
    assert!(t.admit("budi", addr(2)).is_ok());
    t.succeeded("budi", addr(2));
    assert!(t.locked("budi", addr(2)).is_none());
}

#[test]
fn the_account_lock_spares_an_address_that_signed_in_before() {
    let t = SignInThrottle::new(rules(10, 4));
    t.succeeded("budi", addr(200));
    for i in 0..4 {
        assert!(t.admit("budi", addr(i)).is_ok());
    }
    // The spray from many addresses locks the account for strangers...
    assert!(t.admit("budi", addr(50)).is_err());
    // ...not for the owner's own address.
    assert!(t.admit("budi", addr(200)).is_ok());
}

#[test]
fn the_tables_stay_bounded() {
    let mut r = rules(3, 3);
    r.max_entries = 64;
    let t = SignInThrottle::new(r);
    for i in 0..10_000u32 {
        let _ = t.admit(&format!("user-{i}"), addr((i % 250) as u8));
    }
    let tables = t.tables();
    assert!(tables.pairs.entries.len() <= 64);
    assert!(tables.accounts.entries.len() <= 64);
}
