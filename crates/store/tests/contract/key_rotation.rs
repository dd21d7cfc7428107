//! Contract: rotating the identity key re-seals every sealed value under the new key, gives
//! every reporter key its counterpart (recomputed where the data allows, carried where it
//! does not), leaves every statistic as it was, and changes nothing when refused.

use std::sync::Arc;

use chrono::Duration;

use aduan_domain::stats::{Period, StatsQuery};
use aduan_domain::{Channel, ReportId, Role, UserId};
use aduan_store::identity::{Binding, Identity, IdentityKey, KeyRotation, Sealer};
use aduan_store::{Store, StoreError};

use super::{day1, jk, new_user, now, report_at};

const PHONE: &str = "+6281234567890";
const NIK: &str = "3174010101900001";

/// The store as the rotation test fills it, sealed with `old`.
struct Filled {
    auditor: UserId,
    /// Reports by the SMS reporter (reply route and identity), then one of theirs whose
    /// identity was erased, an imported one, a desk one known by NIK, an account's.
    sms: Vec<ReportId>,
    desk: ReportId,
    account: ReportId,
}

fn sms_route() -> Vec<u8> {
    format!(r#"{{"channel":"sms","address":"{PHONE}","public":false}}"#).into_bytes()
}

async fn fill(store: &dyn Store, old: &Sealer) -> Filled {
    let mut siti = new_user("siti", Role::Citizen, None);
    siti.sealed_identity = Some(
        old.seal(
            &Identity {
                name: Some("Siti".into()),
                ..Identity::default()
            },
            Binding::Account("siti"),
        )
        .unwrap(),
    );
    let siti = store.create_user(siti).await.unwrap();
    let mut auditor = new_user("auditor", Role::Admin, None);
    auditor.can_view_identity = true;
    // Staff have no sealed identity (the fixture's is not sealed with any key).
    auditor.sealed_identity = None;
    let auditor = store.create_user(auditor).await.unwrap();

    let file = |channel: &str, key: Option<String>, identity: Option<Identity>, reply: bool| {
        let mut report = report_at("jalan", "31.74.01.1001", "kel-31.74.01.1001", None, None);
        report.channel = Channel::parse(channel).unwrap();
        report.reporter_identity =
            identity.map(|i| old.seal(&i, Binding::Reporter(key.as_deref())).unwrap());
        report.reply_route = reply.then(|| {
            old.seal_bytes(&sms_route(), Binding::ReplyRoute(key.as_deref()))
                .unwrap()
        });
        report.reporter_key = key;
        async move {
            store
                .submit_report(report, jk(), day1(), now())
                .await
                .unwrap()
        }
    };
    let sms_key = old.reporter_key("sms", PHONE);
    let phone = Identity {
        phone: Some(PHONE.into()),
        ..Identity::default()
    };
    let mut sms = Vec::new();
    for _ in 0..2 {
        sms.push(
            file("sms", Some(sms_key.clone()), Some(phone.clone()), true)
                .await
                .id,
        );
    }
    // Erased: only the key is left, nothing to recompute it from.
    sms.push(file("sms", Some(sms_key.clone()), None, false).await.id);
    for raw in ["old-1", "old-1", "old-2"] {
        file("jaki", Some(old.reporter_key("import", raw)), None, false).await;
    }
    let nik = Identity {
        name: Some("Budi".into()),
        nik: Some(NIK.into()),
        ..Identity::default()
    };
    let desk = file(
        "kecamatan",
        Some(old.reporter_key("nik", NIK)),
        Some(nik),
        false,
    )
    .await
    .id;
    let mut by_account = report_at(
        "jalan",
        "31.74.01.1001",
        "kel-31.74.01.1001",
        Some(siti.id),
        None,
    );
    by_account.reporter_key = Some(format!("account:{}", siti.id.0));
    let account = store
        .submit_report(by_account, jk(), day1(), now())
        .await
        .unwrap()
        .id;
    Filled {
        auditor: auditor.id,
        sms,
        desk,
        account,
    }
}

async fn counts(store: &dyn Store) -> aduan_domain::stats::StatsCounts {
    let period = Period::new(day1(), day1() + Duration::days(1)).unwrap();
    store
        .stats_counts(StatsQuery::new(period, vec![]))
        .await
        .unwrap()
}

/// Record `key`'s fingerprint, as the first start does.
async fn fresh_with(store: &dyn Store, key: &IdentityKey) {
    assert_eq!(
        store
            .record_identity_key_fingerprint(key.fingerprint(), now())
            .await
            .unwrap(),
        key.fingerprint()
    );
}

pub async fn rotating_the_identity_key_reseals_everything_and_keeps_the_counts(
    store: Arc<dyn Store>,
) {
    let store = store.as_ref();
    let (old_key, new_key) = (IdentityKey::generate(), IdentityKey::generate());
    let (old, new) = (Sealer::new(&old_key), Sealer::new(&new_key));
    fresh_with(store, &old_key).await;
    let filled = fill(store, &old).await;
    let before = counts(store).await;
    assert_eq!(before.reports, 8);
    // SMS (one reporter, 3 reports), two imported, the desk's, the account.
    assert_eq!(before.reporters, 5);

    let rotation = KeyRotation::new(&old_key, &new_key).unwrap();
    let done = store.rotate_identity_key(rotation, now()).await.unwrap();
    assert_eq!(done.accounts, 1);
    assert_eq!(done.reporter_identities, 3);
    assert_eq!(done.reply_routes, 2);
    assert_eq!(done.keys_recomputed, 2, "the SMS number and the NIK");
    assert_eq!(done.keys_carried, 2, "the two imported reporters");
    assert_eq!(
        store.identity_key_fingerprint().await.unwrap(),
        Some(new_key.fingerprint())
    );
    assert_eq!(counts(store).await, before, "every statistic is unchanged");

    // Every identity opens with the new key, none with the old.
    let account = store.any_sealed_identity().await.unwrap().unwrap();
    assert!(new.open(&account.sealed, account.binding()).is_ok());
    assert!(old.open(&account.sealed, account.binding()).is_err());
    for report in [filled.sms[0], filled.sms[1], filled.desk] {
        let revealed = store
            .reveal_reporter(report, filled.auditor, "audit".into(), now())
            .await
            .unwrap()
            .unwrap();
        let identity = new.open(&revealed.sealed, revealed.binding()).unwrap();
        assert!(identity.phone.is_some() || identity.nik.is_some());
        assert!(old.open(&revealed.sealed, revealed.binding()).is_err());
    }
    let sms = store
        .reveal_reporter(filled.sms[0], filled.auditor, "audit".into(), now())
        .await
        .unwrap()
        .unwrap();
    // What a new report from the same number gets.
    assert_eq!(sms.reporter_key, Some(new.reporter_key("sms", PHONE)));
    let desk = store
        .reveal_reporter(filled.desk, filled.auditor, "audit".into(), now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(desk.reporter_key, Some(new.reporter_key("nik", NIK)));
    assert!(
        store
            .reveal_reporter(filled.account, filled.auditor, "audit".into(), now())
            .await
            .unwrap()
            .is_some_and(|r| r.account.as_deref() == Some("siti"))
    );

    // The same number files again after the rotation: the same reporter as before.
    let mut again = report_at("jalan", "31.74.01.1001", "kel-31.74.01.1001", None, None);
    again.channel = Channel::Sms;
    again.reporter_key = Some(new.reporter_key("sms", PHONE));
    store
        .submit_report(again, jk(), day1(), now())
        .await
        .unwrap();
    let after = counts(store).await;
    assert_eq!(after.reports, before.reports + 1);
    assert_eq!(after.reporters, before.reporters);
    let sms_channel = |c: &aduan_domain::stats::StatsCounts| {
        c.by_channel
            .iter()
            .find(|(channel, ..)| *channel == Channel::Sms)
            .map(|&(_, reports, reporters)| (reports, reporters))
    };
    assert_eq!(sms_channel(&before), Some((3, 1)));
    assert_eq!(sms_channel(&after), Some((4, 1)));
}

pub async fn a_rotation_refused_changes_nothing(store: Arc<dyn Store>) {
    let store = store.as_ref();
    let (old_key, new_key) = (IdentityKey::generate(), IdentityKey::generate());
    let old = Sealer::new(&old_key);
    fresh_with(store, &old_key).await;
    let filled = fill(store, &old).await;
    let before = counts(store).await;
    let sealed = store
        .reveal_reporter(filled.sms[0], filled.auditor, "audit".into(), now())
        .await
        .unwrap();

    // A wrong old key: refused by the fingerprint.
    let wrong = IdentityKey::generate();
    let refused = store
        .rotate_identity_key(KeyRotation::new(&wrong, &new_key).unwrap(), now())
        .await;
    assert!(
        matches!(refused, Err(StoreError::Conflict(_))),
        "{refused:?}"
    );

    // A value sealed with another key, halfway through: everything before it rolls back.
    let mut stray = report_at("jalan", "31.74.01.1001", "kel-31.74.01.1001", None, None);
    stray.reporter_key = Some("sms:stray".into());
    stray.reporter_identity = Some(
        Sealer::new(&wrong)
            .seal(&Identity::default(), Binding::Reporter(Some("sms:stray")))
            .unwrap(),
    );
    store
        .submit_report(stray, jk(), day1(), now())
        .await
        .unwrap();
    let refused = store
        .rotate_identity_key(KeyRotation::new(&old_key, &new_key).unwrap(), now())
        .await;
    assert!(
        matches!(refused, Err(StoreError::Conflict(_))),
        "{refused:?}"
    );

    assert_eq!(
        store.identity_key_fingerprint().await.unwrap(),
        Some(old_key.fingerprint())
    );
    let account = store.any_sealed_identity().await.unwrap().unwrap();
    assert!(old.open(&account.sealed, account.binding()).is_ok());
    assert_eq!(
        store
            .reveal_reporter(filled.sms[0], filled.auditor, "audit".into(), now())
            .await
            .unwrap(),
        sealed
    );
    let after = counts(store).await;
    assert_eq!(
        after.reports,
        before.reports + 1,
        "only the stray report is new"
    );
    assert_eq!(after.reporters, before.reporters + 1);
}
