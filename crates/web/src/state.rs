//! What every handler shares: the store, the loaded jurisdiction and the web settings.

use std::sync::Arc;
use std::time::Duration;

use aduan_channels::ChannelsConfig;
use aduan_store::Store;
use aduan_store::identity::{IdentityKey, Sealer};

use crate::catalog::Catalog;
use crate::sessions::SessionCache;

/// Settings of the HTTP surfaces, from the binary's configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark session cookies `Secure` (off only for plain-HTTP development).
    pub secure_cookies: bool,
    pub session_ttl: Duration,
    /// Largest request body accepted (photos included).
    pub max_body_bytes: usize,
    /// Seals reporters' identities at rest; kept outside the database.
    pub identity_key: IdentityKey,
    /// Shared secret of the inbound-mail webhook; without one the webhook is off.
    pub email_webhook_secret: Option<WebhookSecret>,
    /// Each messaging and social channel's secrets and endpoints; a channel left out is off.
    pub channels: ChannelsConfig,
}

/// A webhook's shared secret; never printed.
#[derive(Clone)]
pub struct WebhookSecret(pub String);

impl std::fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WebhookSecret(<redacted>)")
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: true,
            session_ttl: Duration::from_secs(30 * 24 * 3600),
            max_body_bytes: 40 * 1024 * 1024,
            identity_key: IdentityKey::generate(),
            email_webhook_secret: None,
            channels: ChannelsConfig::default(),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    catalog: Arc<Catalog>,
    pub config: Arc<WebConfig>,
    pub sealer: Sealer,
    pub sessions: Arc<SessionCache>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, catalog: Catalog, config: WebConfig) -> Self {
        Self {
            store,
            catalog: Arc::new(catalog),
            sealer: Sealer::new(&config.identity_key),
            sessions: Arc::new(SessionCache::default()),
            config: Arc::new(config),
        }
    }

    /// The jurisdiction loaded at start; cheap to call per request.
    pub fn catalog(&self) -> Arc<Catalog> {
        Arc::clone(&self.catalog)
    }
}
