//! What every handler shares: the store, the loaded jurisdiction and the web settings.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use aduan_channels::ChannelsConfig;
use aduan_domain::{Jurisdiction, JurisdictionData};
use aduan_store::identity::{IdentityKey, Sealer};
use aduan_store::photo_store::PhotoStore;
use aduan_store::{Store, StoreError};

use crate::catalog::{Catalog, CatalogError};
use crate::limits::{Limits, LimitsConfig};

/// Settings of the HTTP surfaces, from the binary's configuration.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark session cookies `Secure` (off only for plain-HTTP development).
    pub secure_cookies: bool,
    /// How long a citizen's session lasts.
    pub session_ttl: Duration,
    /// How long a staff session lasts at most, used or not.
    pub staff_session_ttl: Duration,
    /// How long a staff session may go unused before it ends.
    pub staff_idle_timeout: Duration,
    /// Largest request body accepted (photos included).
    pub max_body_bytes: usize,
    /// Seals reporters' identities at rest; kept outside the database.
    pub identity_key: IdentityKey,
    /// Shared secret of the inbound-mail webhook; without one the webhook is off.
    pub email_webhook_secret: Option<WebhookSecret>,
    /// Each messaging and social channel's secrets and endpoints; a channel left out is off.
    pub channels: ChannelsConfig,
    /// Sign-in throttle, hashing cap, registration and submission rates.
    pub limits: LimitsConfig,
    /// Send `Strict-Transport-Security`: the deployment's public address is https.
    pub hsts: bool,
    /// The maps' street background (a tile server the city configures) and attribution.
    pub map: crate::map_tiles::MapConfig,
    /// Web Push to citizens' browsers (off without a contact).
    pub push: crate::push::PushConfig,
    /// The site's public address (`server.public_url`), e.g. for the `/lacak` link sent
    /// with a tracking code; `None` when not configured.
    pub public_url: Option<String>,
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
            staff_session_ttl: Duration::from_secs(12 * 3600),
            staff_idle_timeout: Duration::from_secs(2 * 3600),
            max_body_bytes: 40 * 1024 * 1024,
            identity_key: IdentityKey::generate(),
            email_webhook_secret: None,
            channels: ChannelsConfig::default(),
            limits: LimitsConfig::default(),
            hsts: false,
            map: crate::map_tiles::MapConfig::default(),
            push: crate::push::PushConfig::default(),
            public_url: None,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    /// Where photos' images are (the database keeps their addresses).
    pub photos: PhotoStore,
    /// The jurisdiction in force: swapped whole when an admin changes it, so a request
    /// keeps the catalog it took for as long as it runs.
    catalog: Arc<RwLock<Arc<Catalog>>>,
    /// One change of the jurisdiction at a time: each starts from the one before it.
    catalog_changes: Arc<tokio::sync::Mutex<()>>,
    pub config: Arc<WebConfig>,
    pub sealer: Sealer,
    pub limits: Arc<Limits>,
    /// Web Push, when a contact is configured; its VAPID key derived from the identity key.
    pub push: Option<Arc<crate::push::WebPush>>,
    /// What the server counts for Prometheus; `None` (nothing counted) unless metrics are
    /// served (`aduan serve --metrics-listen`).
    pub(crate) metrics: Option<Arc<crate::metrics::Metrics>>,
    /// The requests in flight, per pool (`crate::shed`).
    pub in_flight: Arc<crate::shed::InFlight>,
    /// The categories most reported lately, leading `/lapor`'s picker.
    pub(crate) popular: Arc<crate::popular::PopularCategories>,
}

impl AsRef<LimitsConfig> for AppState {
    fn as_ref(&self) -> &LimitsConfig {
        &self.config.limits
    }
}

impl AppState {
    pub fn new(
        store: Arc<dyn Store>,
        photos: PhotoStore,
        catalog: Catalog,
        config: WebConfig,
    ) -> Self {
        Self {
            store,
            photos,
            catalog: Arc::new(RwLock::new(Arc::new(catalog))),
            catalog_changes: Arc::new(tokio::sync::Mutex::new(())),
            sealer: Sealer::new(&config.identity_key),
            limits: Arc::new(Limits::new(&config.limits)),
            in_flight: Arc::new(crate::shed::InFlight::new(
                config.limits.in_flight_intake,
                config.limits.in_flight_other,
            )),
            push: crate::push::WebPush::new(&config.identity_key, &config.push).map(Arc::new),
            config: Arc::new(config),
            metrics: None,
            popular: Arc::default(),
        }
    }

    /// The same state, counting into `metrics`.
    pub fn with_metrics(self, metrics: Arc<crate::metrics::Metrics>) -> Self {
        Self {
            metrics: Some(metrics),
            ..self
        }
    }

    /// The metrics being counted, when they are on.
    pub fn metrics(&self) -> Option<&crate::metrics::Metrics> {
        self.metrics.as_deref()
    }

    /// The jurisdiction in force; cheap to call per request.
    pub fn catalog(&self) -> Arc<Catalog> {
        let current = match self.catalog.read() {
            Ok(current) => current,
            Err(poisoned) => poisoned.into_inner(),
        };
        Arc::clone(&current)
    }

    fn swap_catalog(&self, catalog: Arc<Catalog>) {
        match self.catalog.write() {
            Ok(mut slot) => *slot = catalog,
            Err(poisoned) => *poisoned.into_inner() = catalog,
        }
    }

    /// Reload the catalog when the store's revision has moved past the one in force (another
    /// instance, or a command, changed it); whether it did.
    pub async fn refresh_catalog(&self) -> Result<bool, CatalogError> {
        let _one_at_a_time = self.catalog_changes.lock().await;
        if self.store.catalog_revision().await? <= self.catalog().revision {
            return Ok(false);
        }
        let fresh = Catalog::load(self.store.as_ref()).await?;
        tracing::info!(
            revision = fresh.revision,
            "reloaded the jurisdiction changed elsewhere"
        );
        self.swap_catalog(Arc::new(fresh));
        Ok(true)
    }

    /// Change the jurisdiction: `edit` turns the one in force into new data (or refuses);
    /// the result is checked as a loaded jurisdiction is, saved in one go, and only then
    /// swapped in. Changes run one at a time, so none is lost to a concurrent one; a change
    /// made from a revision another instance has moved past is refused (`Stale`) and the
    /// newer catalog loaded, so the admin decides again on what is now in force.
    pub async fn change_catalog<E>(
        &self,
        edit: impl FnOnce(&Jurisdiction) -> Result<JurisdictionData, E>,
    ) -> Result<Arc<Catalog>, CatalogChange<E>> {
        let _one_at_a_time = self.catalog_changes.lock().await;
        let current = self.catalog();
        let data = edit(&current.jurisdiction).map_err(CatalogChange::Refused)?;
        Jurisdiction::stored(data.clone()).map_err(|e| CatalogChange::Failed(e.into()))?;
        let revision = match self
            .store
            .change_jurisdiction(data.clone(), current.revision)
            .await
        {
            Ok(revision) => revision,
            Err(StoreError::Conflict(_)) => {
                let fresh = Catalog::load(self.store.as_ref())
                    .await
                    .map_err(CatalogChange::Failed)?;
                self.swap_catalog(Arc::new(fresh));
                return Err(CatalogChange::Stale);
            }
            Err(e) => return Err(CatalogChange::Failed(e.into())),
        };
        // Built only now, so that triage carries over what it learnt while the store was
        // writing; from here to the swap nothing waits.
        let revised = Arc::new(
            current
                .revised(data, revision)
                .map_err(CatalogChange::Failed)?,
        );
        self.swap_catalog(Arc::clone(&revised));
        Ok(revised)
    }
}

/// Why a change of the jurisdiction was not made; nothing was saved.
#[derive(Debug)]
pub enum CatalogChange<E> {
    /// The edit refused its input.
    Refused(E),
    /// The changed data does not hang together, or the store failed.
    Failed(CatalogError),
    /// Another instance changed the jurisdiction since the one in force was loaded; the
    /// newer one is now in force.
    Stale,
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
