//! The identity key belongs to the database: every command that opens identities gets its
//! key here, checked against the fingerprint the database recorded on its first start, so
//! an instance with another key (or none) refuses to start instead of answering 500 to
//! every sign-in. A shared store (PostgreSQL) never gets a key made up by one instance.

use std::path::Path;

use anyhow::bail;

use aduan_store::Store;
use aduan_store::identity::IdentityKey;

use crate::cli::KeyArgs;
use crate::config;

/// The identity key for `store`: found (or, for a new SQLite store, created) as
/// [`config::identity_key`] says, and matching the store's recorded fingerprint, which is
/// recorded now when none is. A refusal writes nothing.
pub async fn for_store(
    store: &dyn Store,
    data_dir: &Path,
    given: &KeyArgs,
) -> anyhow::Result<IdentityKey> {
    let recorded = store.identity_key_fingerprint().await?;
    let may_create = !store.is_shared() && recorded.is_none();
    let Some(found) = config::identity_key(data_dir, given, may_create)? else {
        bail!(missing_key(
            store.is_shared(),
            recorded.as_deref(),
            &config::key_file(data_dir, given)
        ));
    };
    let fingerprint = found.key.fingerprint();
    let recorded = match recorded {
        Some(recorded) => recorded,
        None => {
            opens_what_is_sealed(store, &found.key, &found.source).await?;
            store
                .record_identity_key_fingerprint(fingerprint.clone(), chrono::Utc::now())
                .await?
        }
    };
    if recorded != fingerprint {
        bail!(wrong_key(&recorded, &fingerprint, &found.source));
    }
    Ok(found.key)
}

/// A store made before fingerprints were recorded may hold identities already: the key
/// recorded for it must open them.
async fn opens_what_is_sealed(
    store: &dyn Store,
    key: &IdentityKey,
    source: &str,
) -> anyhow::Result<()> {
    let Some(sample) = store.any_sealed_identity().await? else {
        return Ok(());
    };
    let sealer = aduan_store::identity::Sealer::new(key);
    if sealer.open(&sample.sealed, sample.binding()).is_err() {
        bail!(
            "the identity key from {source} cannot open the identities this database holds: \
             it is not the key the database was made with; nothing was changed. Start with \
             that key (the identity.key kept with the data, or the ADUAN_IDENTITY_KEY the \
             instances used before)."
        );
    }
    Ok(())
}

fn missing_key(shared: bool, recorded: Option<&str>, file: &Path) -> String {
    let expected = match recorded {
        Some(fingerprint) => format!("this database's key has the fingerprint {fingerprint}"),
        None => "this database has no key yet".to_owned(),
    };
    if shared {
        format!(
            "no identity key given, and {expected}. With PostgreSQL aduan never creates the \
             identity key itself: every instance must be given the same key, with \
             --identity-key-file FILE (ADUAN_IDENTITY_KEY_FILE) or ADUAN_IDENTITY_KEY. Use the \
             key the other instances use; for a new database, make one with \
             `aduan key generate --out FILE` and give that file to every instance. \
             (Looked for {}.)",
            file.display()
        )
    } else {
        format!(
            "the identity key file {} is missing, and {expected}: restore the key from where \
             you keep it (or give it with --identity-key-file FILE or ADUAN_IDENTITY_KEY). \
             A new key cannot open the identities sealed with the old one, so none is made.",
            file.display()
        )
    }
}

fn wrong_key(recorded: &str, given: &str, source: &str) -> String {
    format!(
        "the identity key from {source} (fingerprint {given}) is not this database's key \
         (fingerprint {recorded}); nothing was changed. Start with the key the database was \
         made with: the same --identity-key-file or ADUAN_IDENTITY_KEY as the other instances, \
         or the key kept with this database's backups. `aduan key fingerprint \
         --identity-key-file FILE` prints a key file's fingerprint to compare."
    )
}
