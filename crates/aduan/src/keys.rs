//! API keys for third-party apps: 32 random bytes, base64url; only the SHA-256 is stored.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;

use aduan_store::{Store, StoreError};

/// Issue a key named `name` and return it (the only time it exists in the clear).
pub async fn create_api_key(store: &dyn Store, name: &str) -> anyhow::Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        anyhow::bail!("the key's name must be 1 to 100 characters");
    }
    let mut raw = [0u8; 32];
    rand::rng().fill_bytes(&mut raw);
    let key = URL_SAFE_NO_PAD.encode(raw);
    match store
        .create_api_key(
            name.to_owned(),
            aduan_web::token_hash(&key),
            chrono::Utc::now(),
        )
        .await
    {
        Ok(_) => Ok(key),
        Err(StoreError::Conflict(_)) => anyhow::bail!("an API key named {name} exists already"),
        Err(e) => Err(e.into()),
    }
}
