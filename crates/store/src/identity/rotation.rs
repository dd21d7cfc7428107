//! What `aduan key rotate` does to each sealed value and reporter key, apart from the stores
//! that page through the rows: open under the old key, seal again under the new one, and
//! give every reporter key its counterpart under the new key.
//!
//! A reporter key is recomputed from what its row still holds (the reply route, else the
//! identity, as [`Sealer::reporter_key_for`] makes them at filing) when that gives back the
//! row's key under the old key: the reporter's next report gets the same key as their
//! earlier ones. A key nothing recomputes (imported history, whose old-system key is not
//! stored; a report whose identity was erased) is carried: an HMAC of the old key under the
//! new hashing key, with its own label. Either way the new key is a function of the old key
//! alone (the stores decide once per key), so equal keys stay equal and distinct keys stay
//! distinct: every count of distinct reporters is unchanged. An account's key
//! (`account:<id>`) is not made with the identity key and stays as it is.

use aduan_domain::Channel;
use serde::Deserialize;

use super::{Binding, Identity, IdentityKey, Sealer};
use crate::{StoreError, StoreResult};

/// The old and the new key, for re-sealing.
pub struct KeyRotation {
    old: Sealer,
    new: Sealer,
    old_fingerprint: String,
    new_fingerprint: String,
}

/// A report's reporter as stored: what the rotation reads of each row.
#[derive(Clone, Default)]
pub struct ReporterRow {
    /// The code of the channel the report came through.
    pub channel: String,
    pub reporter_key: Option<String>,
    pub sealed_identity: Option<Vec<u8>>,
    pub sealed_reply: Option<Vec<u8>>,
}

/// A row's sealed values, opened with the old key.
pub struct OpenedReporter {
    identity: Option<Vec<u8>>,
    reply: Option<Vec<u8>>,
}

/// A row's values sealed under the new key.
pub struct Resealed {
    pub identity: Option<Vec<u8>>,
    pub reply: Option<Vec<u8>>,
}

/// What a rotation changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RotationCounts {
    /// Accounts' own identities re-sealed.
    pub accounts: u64,
    /// Reports' reporters' identities re-sealed.
    pub reporter_identities: u64,
    /// Reports' reply routes re-sealed.
    pub reply_routes: u64,
    /// Distinct reporter keys recomputed from the data.
    pub keys_recomputed: u64,
    /// Distinct reporter keys nothing recomputes, carried over (see the module's doc).
    pub keys_carried: u64,
}

/// The part of a reply route that makes its reporter key.
#[derive(Deserialize)]
struct RouteAddress {
    channel: Channel,
    address: String,
}

/// What account keys begin with: not made with the identity key.
const ACCOUNT_PREFIX: &str = "account:";

impl KeyRotation {
    /// Refused (`Conflict`) when both keys are the same.
    pub fn new(old: &IdentityKey, new: &IdentityKey) -> StoreResult<Self> {
        let (old_fingerprint, new_fingerprint) = (old.fingerprint(), new.fingerprint());
        if old_fingerprint == new_fingerprint {
            return Err(StoreError::Conflict(
                "the new identity key is the old one: make a new one with `aduan key generate`"
                    .to_owned(),
            ));
        }
        Ok(Self {
            old: Sealer::new(old),
            new: Sealer::new(new),
            old_fingerprint,
            new_fingerprint,
        })
    }

    pub fn old_fingerprint(&self) -> &str {
        &self.old_fingerprint
    }

    pub fn new_fingerprint(&self) -> &str {
        &self.new_fingerprint
    }

    /// Refuse (`Conflict`) a store whose recorded fingerprint is not the old key's.
    pub fn check_recorded(&self, recorded: Option<&str>) -> StoreResult<()> {
        match recorded {
            Some(recorded) if recorded == self.old_fingerprint => Ok(()),
            Some(recorded) => Err(StoreError::Conflict(format!(
                "the database's identity key has the fingerprint {recorded}, the old key given \
                 has {}; nothing was changed",
                self.old_fingerprint
            ))),
            None => Err(StoreError::Conflict(
                "the database has no identity key recorded yet; nothing was changed".to_owned(),
            )),
        }
    }

    /// An account's own identity, sealed again under the new key.
    pub fn reseal_account(&self, username: &str, sealed: &[u8]) -> StoreResult<Vec<u8>> {
        let binding = Binding::Account(username);
        let plain = self
            .old
            .open_bytes(sealed, binding)
            .map_err(|_| unopenable(&format!("account {username}'s identity")))?;
        self.new.seal_bytes(&plain, binding)
    }

    /// Open a row's sealed values with the old key; any that does not open is an error.
    pub fn open_reporter(&self, report: i64, row: &ReporterRow) -> StoreResult<OpenedReporter> {
        let key = row.reporter_key.as_deref();
        let open = |sealed: &Option<Vec<u8>>, binding, what: &str| {
            sealed
                .as_deref()
                .map(|s| {
                    self.old
                        .open_bytes(s, binding)
                        .map_err(|_| unopenable(&format!("report {report}'s {what}")))
                })
                .transpose()
        };
        Ok(OpenedReporter {
            identity: open(&row.sealed_identity, Binding::Reporter(key), "reporter")?,
            reply: open(&row.sealed_reply, Binding::ReplyRoute(key), "reply route")?,
        })
    }

    /// The row's key under the new key, when what the row holds gives back its key under
    /// the old one; `None` when it does not (or there is no key).
    pub fn recomputed_key(&self, row: &ReporterRow, opened: &OpenedReporter) -> Option<String> {
        let stored = row.reporter_key.as_deref()?;
        if stored.starts_with(ACCOUNT_PREFIX) {
            return None;
        }
        let identity: Identity = match &opened.identity {
            Some(plain) => serde_json::from_slice(plain).ok()?,
            None => Identity::default(),
        };
        let route: Option<RouteAddress> = match &opened.reply {
            Some(plain) => Some(serde_json::from_slice(plain).ok()?),
            None => None,
        };
        let reply = route
            .as_ref()
            .map(|r| (r.channel.code(), r.address.as_str()));
        let old = self.old.reporter_key_for(&row.channel, &identity, reply)?;
        (old == stored).then(|| self.new.reporter_key_for(&row.channel, &identity, reply))?
    }

    /// What a key nothing recomputes becomes: an account's key stays; any other is carried
    /// (an HMAC of it under the new hashing key, keeping its channel prefix).
    pub fn carried_key(&self, old: &str) -> String {
        if old.starts_with(ACCOUNT_PREFIX) {
            return old.to_owned();
        }
        let prefix = old.split_once(':').map_or("carried", |(prefix, _)| prefix);
        let hex = self
            .new
            .keyed_hex(b"aduan carried reporter key\0", &[old.as_bytes()]);
        format!("{prefix}:{hex}")
    }

    /// Whether a key is carried over unchanged (an account's).
    pub fn keeps(old: &str) -> bool {
        old.starts_with(ACCOUNT_PREFIX)
    }

    /// The row's values sealed again under the new key, for its new reporter key.
    pub fn reseal_reporter(
        &self,
        opened: &OpenedReporter,
        new_key: Option<&str>,
    ) -> StoreResult<Resealed> {
        let identity = opened
            .identity
            .as_deref()
            .map(|plain| self.new.seal_bytes(plain, Binding::Reporter(new_key)))
            .transpose()?;
        let reply = opened
            .reply
            .as_deref()
            .map(|plain| self.new.seal_bytes(plain, Binding::ReplyRoute(new_key)))
            .transpose()?;
        Ok(Resealed { identity, reply })
    }
}

fn unopenable(what: &str) -> StoreError {
    StoreError::Conflict(format!(
        "{what} does not open with the old identity key; nothing was changed"
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn rotation() -> (KeyRotation, Sealer, Sealer) {
        let (old, new) = (IdentityKey::generate(), IdentityKey::generate());
        (
            KeyRotation::new(&old, &new).unwrap(),
            Sealer::new(&old),
            Sealer::new(&new),
        )
    }

    #[test]
    fn the_same_key_is_refused() {
        let key = IdentityKey::generate();
        assert!(KeyRotation::new(&key, &key).is_err());
    }

    #[test]
    fn a_reply_route_gives_back_the_key_a_new_report_gets() {
        let (rotation, old, new) = rotation();
        let route = br#"{"channel":"sms","address":"+6281234567890","public":false}"#;
        let old_key = old.reporter_key("sms", "+6281234567890");
        let row = ReporterRow {
            channel: "sms".into(),
            reporter_key: Some(old_key.clone()),
            sealed_identity: None,
            sealed_reply: Some(
                old.seal_bytes(route, Binding::ReplyRoute(Some(&old_key)))
                    .unwrap(),
            ),
        };
        let opened = rotation.open_reporter(1, &row).unwrap();
        let new_key = rotation.recomputed_key(&row, &opened).unwrap();
        assert_eq!(new_key, new.reporter_key("sms", "+6281234567890"));
        let resealed = rotation.reseal_reporter(&opened, Some(&new_key)).unwrap();
        assert!(resealed.identity.is_none());
        let reply = resealed.reply.unwrap();
        assert_eq!(
            new.open_bytes(&reply, Binding::ReplyRoute(Some(&new_key)))
                .unwrap(),
            route
        );
        assert!(
            old.open_bytes(&reply, Binding::ReplyRoute(Some(&old_key)))
                .is_err()
        );
    }

    #[test]
    fn a_key_nothing_recomputes_is_carried_and_accounts_stay() {
        let (rotation, old, _) = rotation();
        let imported = old.reporter_key("import", "old-system-42");
        let row = ReporterRow {
            channel: "jaki".into(),
            reporter_key: Some(imported.clone()),
            ..ReporterRow::default()
        };
        let opened = rotation.open_reporter(1, &row).unwrap();
        assert_eq!(rotation.recomputed_key(&row, &opened), None);
        let carried = rotation.carried_key(&imported);
        assert!(carried.starts_with("import:"));
        assert_ne!(carried, imported);
        assert_eq!(carried, rotation.carried_key(&imported));
        assert_ne!(
            carried,
            rotation.carried_key(&old.reporter_key("import", "x"))
        );
        assert_eq!(rotation.carried_key("account:7"), "account:7");
    }

    #[test]
    fn a_value_sealed_with_another_key_is_an_error() {
        let (rotation, _, new) = rotation();
        let row = ReporterRow {
            channel: "sms".into(),
            reporter_key: Some("sms:00".into()),
            sealed_identity: Some(
                new.seal(&Identity::default(), Binding::Reporter(Some("sms:00")))
                    .unwrap(),
            ),
            sealed_reply: None,
        };
        assert!(rotation.open_reporter(1, &row).is_err());
        assert!(
            rotation
                .reseal_account(
                    "ani",
                    &new.seal(&Identity::default(), Binding::Account("ani"))
                        .unwrap()
                )
                .is_err()
        );
    }
}
