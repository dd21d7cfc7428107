//! `aduan key`: make an identity key, compare a key with the database's.

use std::path::Path;

use aduan_store::Store;
use aduan_store::identity::{IdentityKey, KeyRotation};

use crate::cli::KeyArgs;
use crate::config;

/// Make a new key in `out`, which must not exist.
pub fn generate(out: &Path) -> anyhow::Result<String> {
    let key = IdentityKey::generate();
    config::write_new_key(out, &key)?;
    Ok(format!(
        "{}: a new identity key, fingerprint {}. Give this file to every instance \
         (--identity-key-file) and keep a copy apart from the database's backups.",
        out.display(),
        key.fingerprint()
    ))
}

/// Print the given key's fingerprint and the database's; `Ok(false)` when they differ or
/// no key is found.
pub async fn fingerprint(
    store: &dyn Store,
    data_dir: &Path,
    given: &KeyArgs,
) -> anyhow::Result<bool> {
    let recorded = store.identity_key_fingerprint().await?;
    match &recorded {
        Some(fingerprint) => println!("database: {fingerprint}"),
        None => println!("database: none recorded yet (recorded on the first start)"),
    }
    let Some(found) = config::identity_key(data_dir, given, false)? else {
        println!(
            "key: none found ({} does not exist)",
            config::key_file(data_dir, given).display()
        );
        return Ok(false);
    };
    let fingerprint = found.key.fingerprint();
    println!("key: {fingerprint} (from {})", found.source);
    Ok(recorded.is_none_or(|recorded| recorded == fingerprint))
}

/// Re-seal every identity under the key in `new_key_file` (made by `aduan key generate`),
/// the old key found as `serve` finds it; see [`aduan_store::KeyStore::rotate_identity_key`].
/// Only with every instance stopped: one still running with the old key would seal new
/// reports with it.
pub async fn rotate(
    store: &dyn Store,
    data_dir: &Path,
    old: &KeyArgs,
    new_key_file: &Path,
) -> anyhow::Result<String> {
    let Some(new) = config::key_from_file(new_key_file, false)? else {
        anyhow::bail!(
            "{} does not exist: make the new key with `aduan key generate --out FILE`",
            new_key_file.display()
        );
    };
    let old = crate::identity_key::for_store(store, data_dir, old).await?;
    let rotation = KeyRotation::new(&old, &new)?;
    let old_fingerprint = rotation.old_fingerprint().to_owned();
    let started = std::time::Instant::now();
    let counts = store
        .rotate_identity_key(rotation, chrono::Utc::now())
        .await?;
    Ok(format!(
        "re-sealed under the new identity key in {:.1?}: {} account identities, {} reporter \
         identities, {} reply routes; {} reporter keys recomputed, {} carried over (imported \
         history, erased identities).\n\
         The database's key is now {} (it was {old_fingerprint}).\n\
         Now replace the identity key on every instance with {} before starting any, and \
         keep the old key until a backup taken after this rotation exists: the backups taken \
         before it need the old key.",
        started.elapsed(),
        counts.accounts,
        counts.reporter_identities,
        counts.reply_routes,
        counts.keys_recomputed,
        counts.keys_carried,
        new.fingerprint(),
        new_key_file.display(),
    ))
}
