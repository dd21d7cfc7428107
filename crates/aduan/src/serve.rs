//! `aduan serve`: open the store, load the jurisdiction, serve HTTP until told to stop.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;

use aduan_channels::meta::GovernorAccounts;
use aduan_channels::outbound::Deliverer;
use aduan_store::Store;
use aduan_store::photo_store::PhotoStore;
use aduan_web::outbox::OutboxWorker;
use aduan_web::{AppState, Catalog, LimitsConfig, WebConfig, WebhookSecret};

use crate::backup;
use crate::cli::ServeArgs;
use crate::config;
use crate::demo;
use crate::import;
use crate::settings::{ServeChecks, Settings};

/// Move the photos an earlier version kept in the database out to the photo store.
pub async fn move_photos_out(store: &dyn Store, photos: &PhotoStore) -> anyhow::Result<u64> {
    let moved = aduan_web::photo_move::move_out(store, photos)
        .await
        .context("moving photos out of the database")?;
    if moved > 0 {
        tracing::info!(moved, "every photo is now in the photo store");
    }
    Ok(moved)
}

/// Serve with `settings`, whose files `checked` loaded (weak secrets were refused there,
/// before anything else happened); `args` brings only what a start does once (the demo,
/// region files) and the identity key as the settings resolved it.
pub async fn run(
    store: Arc<dyn Store>,
    settings: &Settings,
    checked: ServeChecks,
    database: config::Database,
    args: ServeArgs,
) -> anyhow::Result<()> {
    let data_dir = settings.data_dir.as_path();
    let channels = checked.channels;
    let server = &settings.server;
    let unset = store.jurisdiction().await?.is_none();
    if unset && !args.demo {
        anyhow::bail!(
            "this store has no jurisdiction yet: set it up with `aduan init --pack FILE \
             [--regions FILE]...` (see README \"Running aduan for a city\"), or try the demo \
             with --demo"
        );
    }
    let identity_key = crate::identity_key::for_store(store.as_ref(), data_dir, &args.key).await?;
    let fresh = unset && store.count_users().await? == 0;
    if args.demo && fresh {
        import::import_pack(store.as_ref(), import::parse_pack(import::JAKARTA_PACK)?).await?;
    }
    for file in &args.regions {
        let n = import::import_regions(store.as_ref(), file).await?;
        tracing::info!(file = %file.display(), regions = n, "imported region boundaries");
    }
    let catalog = Catalog::load(store.as_ref())
        .await
        .context("loading the jurisdiction")?;
    // What arrives on the Governor's own accounts files as the pack's channel of kind
    // meta: refuse to start rather than file it under nothing.
    if let Some(meta) = &channels.meta {
        GovernorAccounts::of(meta, &catalog.jurisdiction)?;
    }
    let deliverer = Arc::new(
        Deliverer::new(&channels)
            .map_err(|e| anyhow::anyhow!("cannot set up the channels' delivery: {e}"))?,
    );
    let public_url = server
        .public_url
        .clone()
        .or_else(|| channels.public_base_url.clone());
    let hsts = public_url
        .as_deref()
        .is_some_and(|url| url.trim().to_ascii_lowercase().starts_with("https://"));
    let config = WebConfig {
        secure_cookies: !server.insecure_cookies,
        hsts,
        staff_session_ttl: Duration::from_secs(settings.sessions.staff_hours * 3600),
        staff_idle_timeout: Duration::from_secs(settings.sessions.staff_idle_minutes * 60),
        channels,
        identity_key,
        email_webhook_secret: settings
            .channels
            .email_webhook_secret
            .as_ref()
            .map(|secret| WebhookSecret(secret.expose().to_owned())),
        limits: limits(settings),
        map: settings
            .map
            .web()
            .map_err(|e| anyhow::anyhow!("map.tiles_url: {e}"))?,
        push: settings.push.web(public_url.as_deref()),
        public_url: public_url.clone(),
        ..WebConfig::default()
    };
    if config.push.contact.is_none() && settings.push.enabled {
        tracing::info!(
            "Web Push is off: set push.contact (mailto: or https) or an https server.public_url"
        );
    }
    let photos =
        config::open_photos(data_dir, &database, settings.photos.location.as_deref()).await?;
    // Before serving: until they are moved, those photos would not show.
    move_photos_out(store.as_ref(), &photos).await?;
    let mut state = AppState::new(Arc::clone(&store), photos, catalog, config);
    let metrics = settings.metrics.listen.map(|address| {
        let metrics = aduan_web::metrics::Metrics::new(Arc::clone(&store));
        state = state.clone().with_metrics(Arc::clone(&metrics));
        (address, metrics)
    });
    if args.demo && fresh {
        let password = demo::demo_password(args.demo_password.clone());
        let seeded = demo::seed(&state, &password, args.demo_history)
            .await
            .context("seeding the demo")?;
        println!(
            "Demo: {} synthetic reports of the past year, and sample reports in every state.",
            seeded.history
        );
        println!("Demo accounts (password: {password}):");
        for line in seeded.account_lines() {
            println!("{line}");
        }
    } else if args.demo {
        println!("The store is not empty: the demo data was loaded before and is kept as it is.");
    }
    let shutdown = shutdown_signal()?;
    // Bound before the public listener, so its address is printed first.
    let metrics_server = match metrics {
        Some((address, metrics)) => Some(serve_metrics(address, metrics).await?),
        None => None,
    };
    let listener = TcpListener::bind(server.listen)
        .await
        .with_context(|| format!("cannot listen on {}", server.listen))?;
    let address = listener.local_addr()?;
    // Scripts (the benchmark, tests) read this line to find the port.
    println!("aduan listening on http://{address}");
    tracing::info!(%address, "serving");
    let (stop_worker, worker_stopped) = tokio::sync::watch::channel(false);
    let worker = OutboxWorker::new(state.clone(), deliverer, settings.outbox.retry_policy());
    let worker = tokio::spawn(worker.run(worker_stopped.clone()));
    let backups = match &settings.backup.dir {
        Some(dir) => Some(backup::spawn(
            database,
            state.photos.clone(),
            backup_schedule(dir, settings)?,
            worker_stopped.clone(),
        )),
        None => None,
    };
    let catalog_watch = tokio::spawn(follow_catalog(state.clone(), worker_stopped.clone()));
    let retention = tokio::spawn(aduan_web::app::retention::erase_daily(
        state.clone(),
        settings.privacy.identity_retention_months,
        worker_stopped.clone(),
    ));
    let gauges = state.metrics().is_some().then(|| {
        tokio::spawn(aduan_web::metrics::refresh_continuously(
            state.clone(),
            worker_stopped,
        ))
    });
    // The peer's address is what the abuse limits count by.
    let app = aduan_web::app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await?;
    // What the worker holds now is claimed with a lease: if it does not finish, another
    // start picks it up when the lease runs out.
    let _ = stop_worker.send(true);
    if let Err(e) = worker.await {
        tracing::error!(error = %e, "the outbox worker stopped abnormally");
    }
    if let Err(e) = retention.await {
        tracing::error!(error = %e, "the retention job stopped abnormally");
    }
    if let Err(e) = catalog_watch.await {
        tracing::error!(error = %e, "the catalog watch stopped abnormally");
    }
    if let Some(Err(e)) = match gauges {
        Some(task) => Some(task.await),
        None => None,
    } {
        tracing::error!(error = %e, "the metrics' store gauges stopped abnormally");
    }
    if let Some(server) = metrics_server {
        server.abort();
    }
    // A backup in progress is abandoned: its temporary file is removed, no backup is named.
    if let Some(backups) = backups {
        backups.abort();
    }
    tracing::info!("stopped");
    Ok(())
}

/// Serve `/metrics` on `address` (its own listener, never the public one) until aborted.
async fn serve_metrics(
    address: SocketAddr,
    metrics: Arc<aduan_web::metrics::Metrics>,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let listener = TcpListener::bind(address)
        .await
        .with_context(|| format!("cannot listen for metrics on {address}"))?;
    let bound = listener.local_addr()?;
    // Scripts and tests read this line to find the metrics' port.
    println!("aduan metrics on http://{bound}");
    tracing::info!(address = %bound, "serving metrics");
    let app = aduan_web::metrics_app(metrics);
    Ok(tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "the metrics listener stopped");
        }
    }))
}

/// The scheduled backups' settings; the directory is created (private) now, so that a wrong
/// one stops the start rather than the first backup.
fn backup_schedule(dir: &Path, settings: &Settings) -> anyhow::Result<backup::Schedule> {
    crate::at_rest::private_dir(dir).with_context(|| format!("backup.dir {}", dir.display()))?;
    Ok(backup::Schedule {
        dir: dir.to_owned(),
        every: settings.backup.every.0,
        keep: settings.backup.keep as usize,
    })
}

/// The abuse limits from the configuration (see `aduan_web::limits`).
fn limits(settings: &Settings) -> LimitsConfig {
    let limits = &settings.limits;
    let config = LimitsConfig {
        registrations_per_address: NonZeroU32::new(limits.registrations_per_hour),
        submissions_per_account: NonZeroU32::new(limits.submissions_per_account),
        submissions_per_address: NonZeroU32::new(limits.submissions_per_address),
        submissions_per_contact: NonZeroU32::new(limits.submissions_per_contact),
        in_flight_intake: limits.in_flight_intake as usize,
        in_flight_other: limits.in_flight_other as usize,
        trusted_proxies: settings.server.trusted_proxies.clone(),
        ..LimitsConfig::default()
    };
    if !limits.rate_limits {
        tracing::warn!(
            "rate limits off (limits.rate_limits, --rate-limits off): registrations and report submissions are not limited (the sign-in throttle stays on)"
        );
        return config.without_rates();
    }
    config
}

/// How often an instance asks the store whether the jurisdiction changed elsewhere.
const CATALOG_CHECK: std::time::Duration = std::time::Duration::from_secs(2);

/// Reload the jurisdiction when another instance (or a command such as `aduan regions
/// import`) changed it, until `stop` turns true: every instance on a shared database serves
/// the same categories, units and SLA within seconds of a change.
async fn follow_catalog(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        tokio::select! {
            () = tokio::time::sleep(CATALOG_CHECK) => {}
            _ = stop.changed() => return,
        }
        if *stop.borrow() {
            return;
        }
        if let Err(e) = state.refresh_catalog().await {
            tracing::warn!(error = %e, "cannot check the jurisdiction for changes");
        }
    }
}

/// Ctrl-C or SIGTERM: stop accepting, finish what is in flight. The handlers are in place
/// when this returns, before anyone is told the server listens: a `systemctl stop` right
/// after the start still stops it gracefully instead of killing it.
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    let (mut interrupt, mut terminate) = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt()).context("cannot listen for Ctrl-C")?,
            signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?,
        )
    };
    Ok(async move {
        #[cfg(unix)]
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
        #[cfg(not(unix))]
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
        tracing::info!("shutting down: finishing requests in flight");
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used)]

    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    fn limits_of(args: &[&str]) -> LimitsConfig {
        let cli = Cli::try_parse_from(args).expect("the arguments parse");
        assert!(matches!(cli.command, Command::Serve(_)));
        let loaded =
            crate::settings::load(None, Vec::new(), cli.flags(), false).expect("valid settings");
        limits(&loaded.settings)
    }

    #[test]
    fn rate_limits_off_lifts_the_rates_but_never_the_sign_in_throttle() {
        let on = limits_of(&["aduan", "serve"]);
        assert_eq!(on.registrations_per_address, NonZeroU32::new(10));
        assert_eq!(on.submissions_per_account, NonZeroU32::new(30));
        assert_eq!(on.submissions_per_address, NonZeroU32::new(120));
        assert_eq!(on.submissions_per_contact, NonZeroU32::new(5));
        assert_eq!((on.in_flight_intake, on.in_flight_other), (128, 512));
        assert!(on.trusted_proxies.is_empty());
        let off = limits_of(&["aduan", "serve", "--rate-limits", "off"]);
        assert_eq!(off.registrations_per_address, None);
        assert_eq!(off.submissions_per_account, None);
        assert_eq!(off.submissions_per_address, None);
        assert_eq!(off.submissions_per_contact, None);
        assert_eq!(off.sign_in.per_pair.free, 10);
        assert_eq!(off.sign_in.per_pair.max, on.sign_in.per_pair.max);
        assert_eq!(off.sign_in.per_account.free, on.sign_in.per_account.free);
        assert_eq!(off.hash_slots, on.hash_slots);
    }

    #[test]
    fn the_limits_and_trusted_proxies_are_configurable() {
        let set = limits_of(&[
            "aduan",
            "serve",
            "--registrations-per-hour",
            "3",
            "--submissions-per-account",
            "7",
            "--trusted-proxy",
            "10.0.0.1",
            "--trusted-proxy",
            "::1",
        ]);
        assert_eq!(set.registrations_per_address, NonZeroU32::new(3));
        assert_eq!(set.submissions_per_account, NonZeroU32::new(7));
        assert_eq!(set.trusted_proxies.len(), 2);
    }
}
