//! `aduan key`: make an identity key, compare a key with the database's.

use std::path::Path;

use aduan_store::Store;
use aduan_store::identity::IdentityKey;

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
