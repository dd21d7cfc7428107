//! Before a restore writes anything: the identity key the operator will serve the restored
//! store with must be the one the backup needs (its manifest records the fingerprint), or
//! the restored identities could not be opened and reporter counts would start again.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use anyhow::{Context, bail};

use super::container;
use crate::cli::KeyArgs;
use crate::config;

/// Check the key `given` (only the key or key file named: the data dir is not read, nor
/// created) against the one `file` needs. `skip` (`--without-key-check`) restores without
/// a key, when it is not at hand on this machine; the key is then checked at the first
/// start, which refuses a wrong one.
pub fn check_key(file: &Path, given: &KeyArgs, skip: bool) -> anyhow::Result<()> {
    let mut input = BufReader::new(
        File::open(file).with_context(|| format!("cannot open {}", file.display()))?,
    );
    let manifest = container::read_header(&mut input)?;
    let Some(needed) = manifest.identity_key_fingerprint else {
        // Taken before backups said which key they need: nothing to compare with.
        return Ok(());
    };
    if skip {
        return Ok(());
    }
    let key = match (&given.identity_key, &given.identity_key_file) {
        (Some(text), _) => aduan_store::identity::IdentityKey::from_base64(text)
            .map_err(|e| anyhow::anyhow!("ADUAN_IDENTITY_KEY: {e}"))?,
        (None, Some(path)) => match config::key_from_file(path, false)? {
            Some(key) => key,
            None => bail!("the identity key file {} does not exist", path.display()),
        },
        (None, None) => bail!(
            "this backup needs the identity key with the fingerprint {needed}, and none was \
             given: give it with --identity-key-file FILE (ADUAN_IDENTITY_KEY_FILE) or \
             ADUAN_IDENTITY_KEY, as to `aduan serve`. To restore without it (it is then \
             checked at the first start), pass --without-key-check"
        ),
    };
    let given = key.fingerprint();
    if given != needed {
        bail!(
            "the identity key given (fingerprint {given}) is not the one this backup needs \
             (fingerprint {needed}): with it the restored identities could not be read. Give \
             the key the backed-up database was made with (a key rotated since is not it)"
        );
    }
    Ok(())
}
