//! The aduan binary: command line, configuration, wiring.

mod at_rest;
mod audit_cli;
mod backup;
mod bench;
mod cli;
mod config;
mod demo;
mod history;
mod identity_key;
mod import;
mod ingest;
mod init;
mod key_cli;
mod keys;
mod migrate_store;
mod serve;
mod settings;
mod stats;
mod stats_bench;
mod upgrade;
mod users;

use std::path::Path;
use std::sync::Arc;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use aduan_store::Store;
use aduan_store::postgres::PgStore;
use aduan_store::sqlite::SqliteStore;

use cli::{
    ApiKeyCommand, AuditCommand, Cli, Command, ConfigCommand, IngestCommand, JurisdictionCommand,
    KeyCommand, PhotosCommand, RegionsCommand,
};

/// mimalloc: many small allocations per request, from both cores at once. Built without
/// transparent huge pages (`no_thp`): with them, every 2 MiB region the allocator touched
/// stayed resident whole, and the server held 195 MB at 2,000 connections and 188-217 MB
/// after the queue benchmark, against 139 MB and 89-104 MB without (README, Benchmark).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use config::Database;

pub(crate) async fn open_store(
    data_dir: &Path,
    database_url: Option<&str>,
    pool: u32,
) -> anyhow::Result<Arc<dyn Store>> {
    match Database::resolve(data_dir, database_url)? {
        Database::Sqlite(path) => Ok(Arc::new(SqliteStore::open(&path)?)),
        Database::Postgres(url) => Ok(Arc::new(PgStore::connect_with_pool(&url, pool).await?)),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Before anything is created: the data dir, the database and the key stay private.
    at_rest::restrict_umask();
    let cli = Cli::parse();
    let loaded = load_settings(&cli);
    let settings::Loaded {
        settings,
        serve: serve_checks,
        warnings,
    } = loaded;
    let filter = EnvFilter::try_from_default_env()
        // sqlx reports each PostgreSQL notice (e.g. "already exists, skipping" when a
        // second instance finds the schema migrated) at info; geo warns of every boundary
        // vertex its topology checks find doubtful, hundreds of lines at each start.
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx::postgres::notice=warn,geo=error"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match &cli.command {
        Command::Serve(_) if settings.server.log_format == cli::LogFormat::Json => {
            at_rest::logs_are_json();
            logs.json()
                .with_current_span(true)
                .with_span_list(false)
                .init();
        }
        _ => logs.init(),
    }
    for warning in &warnings {
        tracing::warn!("{warning}");
    }
    let command = cli.command;
    let data_dir = settings.data_dir.clone();
    let database_url = settings
        .database
        .url
        .as_ref()
        .map(|url| url.expose().to_owned());
    let database_pool = settings.database.pool;
    let photos = settings.photos.location.as_deref();
    let key = settings.identity.key_args();
    // Only the commands that work on a store open (and create) the data dir; the bench
    // never touches it.
    let open = || open_store(&data_dir, database_url.as_deref(), database_pool);
    match command {
        Command::Bench(args) => bench::run(args).await,
        Command::BenchStats(args) => stats_bench::run(args).await,
        Command::MigrateStore(args) => match migrate_store::run(args).await {
            Ok(summary) => {
                println!("{summary}");
                Ok(())
            }
            Err(failure) => {
                eprintln!("aduan migrate-store: {failure}");
                std::process::exit(failure.exit_code());
            }
        },
        Command::Stats(args) => {
            // Refused input is one line on stderr and exit status 2, nothing else (no
            // backtrace); bad dates are refused before the data dir is opened (or created).
            let result = match aduan_domain::stats::Period::parse(&args.from, &args.to) {
                Err(e) => Err(e.into()),
                Ok(_) => match open().await {
                    Ok(store) => stats::run(store.as_ref(), args).await,
                    Err(e) => Err(e),
                },
            };
            if let Err(e) = result {
                eprintln!("aduan stats: {e:#}");
                std::process::exit(2);
            }
            Ok(())
        }
        Command::Import(mut args) => {
            args.key = key;
            let result = match open().await {
                Ok(store) => history::run(store.as_ref(), &data_dir, args).await,
                Err(e) => Err(e.into()),
            };
            match result {
                Ok(summary) => {
                    println!("{summary}");
                    Ok(())
                }
                Err(history::Refusal::Lines(lines)) => {
                    eprint!("{}", history::shown(&lines));
                    eprintln!("aduan import: nothing was imported");
                    std::process::exit(1);
                }
                Err(history::Refusal::Other(e)) => {
                    eprintln!("aduan import: {e:#}");
                    std::process::exit(1);
                }
            }
        }
        Command::Init(mut args) => {
            args.key = key;
            match init(&data_dir, args, open).await {
                Ok(done) => {
                    println!("{done}");
                    Ok(())
                }
                Err(e) => {
                    eprintln!("aduan init: {e:#}");
                    std::process::exit(1);
                }
            }
        }
        Command::Serve(mut args) => {
            let Some(checked) = serve_checks else {
                anyhow::bail!("the configuration was not checked for serving");
            };
            args.key = key;
            let database = Database::resolve(&data_dir, database_url.as_deref())?;
            serve::run(open().await?, &settings, checked, database, *args).await
        }
        Command::Config(ConfigCommand::Check) => {
            // Loaded and checked as `serve` would (above): what is left is to show it.
            print!("{}", settings.to_toml());
            Ok(())
        }
        Command::Backup(args) => {
            let result = match Database::resolve(&data_dir, database_url.as_deref()) {
                Ok(database) => match config::open_photos(&data_dir, &database, photos).await {
                    Ok(photos) => backup::take(&database, &photos, &args.to).await,
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            };
            match result {
                Ok(manifest) => {
                    println!("{}", backup::taken(&args.to, &manifest));
                    Ok(())
                }
                Err(e) => {
                    eprintln!("aduan backup: {e:#}; no backup was written");
                    std::process::exit(1);
                }
            }
        }
        Command::Restore(mut args) => {
            args.key = key;
            let database = match database_url.as_deref() {
                // The data dir is checked (and created) by the restore, never before it.
                None => Database::Sqlite(data_dir.join("aduan.db")),
                Some(url) => Database::resolve(&data_dir, Some(url))?,
            };
            let photos = config::photo_location(&data_dir, &database, photos)?;
            let restored = match backup::check_key(&args.file, &args.key, args.without_key_check) {
                Ok(()) => backup::restore(&args.file, &database, &photos).await,
                Err(e) => Err(e),
            };
            match restored {
                Ok(manifest) => {
                    println!("{}", backup::restored(&database, &manifest));
                    Ok(())
                }
                Err(e) => {
                    eprintln!("aduan restore: {e:#}; nothing was restored");
                    std::process::exit(1);
                }
            }
        }
        Command::Regions(RegionsCommand::Import { files }) => {
            let store = open().await?;
            for file in files {
                let n = import::import_regions(store.as_ref(), &file).await?;
                println!("{}: {n} regions imported", file.display());
            }
            Ok(())
        }
        Command::ApiKey(ApiKeyCommand::Create { name }) => {
            let store = open().await?;
            let key = keys::create_api_key(store.as_ref(), &name).await?;
            println!("API key for {name}: {key}");
            println!("Keep it now: aduan stores only its hash and cannot show it again.");
            Ok(())
        }
        Command::Photos(PhotosCommand::Sweep {
            older_than_hours,
            dry_run,
        }) => {
            let database = Database::resolve(&data_dir, database_url.as_deref())?;
            let photos = config::open_photos(&data_dir, &database, photos).await?;
            let store = open().await?;
            let cut_off = chrono::Utc::now() - chrono::Duration::hours(older_than_hours.into());
            let swept =
                aduan_web::photo_sweep::sweep(store.as_ref(), &photos, cut_off, dry_run).await?;
            println!(
                "{} image(s) named by photos; {} unnamed written in the last {older_than_hours} h, kept; {} unnamed older, {} ({} bytes)",
                swept.named,
                swept.young,
                swept.removed,
                if dry_run { "to remove" } else { "removed" },
                swept.removed_bytes
            );
            Ok(())
        }
        Command::Ingest(IngestCommand::Email(mut args)) => {
            args.key = key;
            let database = Database::resolve(&data_dir, database_url.as_deref())?;
            let photos = config::open_photos(&data_dir, &database, photos).await?;
            ingest::email(open().await?, photos, &data_dir, args).await
        }
        Command::User(command) => {
            let result = match open().await {
                Ok(store) => users::run(store.as_ref(), command, std::io::stdin().lock()).await,
                Err(e) => Err(users::Refusal::Failed(format!("{e:#}"))),
            };
            match result {
                Ok(done) => {
                    println!("{done}");
                    Ok(())
                }
                Err(refusal) => {
                    eprintln!("aduan user: {refusal}");
                    std::process::exit(refusal.exit_code());
                }
            }
        }
        Command::Key(KeyCommand::Generate { out }) => {
            println!("{}", key_cli::generate(&out)?);
            Ok(())
        }
        Command::Key(KeyCommand::Fingerprint { .. }) => {
            if !key_cli::fingerprint(open().await?.as_ref(), &data_dir, &key).await? {
                std::process::exit(1);
            }
            Ok(())
        }
        // The old key is the one the settings resolve (the flags above are folded in).
        Command::Key(KeyCommand::Rotate { new_key_file, .. }) => {
            let old_key = key;
            let result = match open().await {
                Ok(store) => {
                    key_cli::rotate(store.as_ref(), &data_dir, &old_key, &new_key_file).await
                }
                Err(e) => Err(e),
            };
            match result {
                Ok(done) => {
                    println!("{done}");
                    Ok(())
                }
                Err(e) => {
                    eprintln!("aduan key rotate: {e:#}");
                    std::process::exit(1);
                }
            }
        }
        Command::Audit(AuditCommand::Export(args)) => {
            // Bad dates: exit status 2 before the data dir is opened (or created).
            if let Err(e) = aduan_domain::stats::Period::parse(&args.from, &args.to) {
                eprintln!("aduan audit export: {e}");
                std::process::exit(2);
            }
            let result = match open().await {
                Ok(store) => {
                    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                    audit_cli::export(store.as_ref(), &args, &mut out).await
                }
                Err(e) => Err(e),
            };
            if let Err(e) = result {
                eprintln!("aduan audit export: {e:#}");
                std::process::exit(1);
            }
            Ok(())
        }
        Command::Migrate(args) => {
            let status = upgrade::run(
                &data_dir,
                database_url.as_deref(),
                database_pool,
                photos,
                args,
            )
            .await?;
            if status != 0 {
                std::process::exit(status);
            }
            Ok(())
        }
        Command::Jurisdiction(JurisdictionCommand::Import { file }) => {
            let store = open().await?;
            let text = std::fs::read_to_string(&file)?;
            import::import_pack(store.as_ref(), import::parse_pack(&text)?).await?;
            println!("{}: jurisdiction loaded", file.display());
            Ok(())
        }
    }
}

/// The configuration, resolved once: a bad one stops every command that uses it with every
/// problem listed (exit status 2), before anything is opened or created.
fn load_settings(cli: &Cli) -> settings::Loaded {
    let uses_settings = !matches!(
        cli.command,
        Command::Bench(_)
            | Command::BenchStats(_)
            | Command::MigrateStore(_)
            | Command::Key(KeyCommand::Generate { .. })
    );
    if !uses_settings {
        return settings::Loaded::default();
    }
    // `serve` and `config check` also check the files it names, the same way.
    let for_serve = matches!(
        cli.command,
        Command::Serve(_) | Command::Config(ConfigCommand::Check)
    );
    // A variable that is not Unicode is no setting of ours (and `env::vars` would panic).
    let env = std::env::vars_os()
        .filter_map(|(name, value)| Some((name.into_string().ok()?, value.into_string().ok()?)));
    match settings::load(cli.config.as_deref(), env, cli.flags(), for_serve) {
        Ok(loaded) => loaded,
        Err(problems) => refuse_configuration(&problems),
    }
}

/// Every problem of the configuration on stderr; exit status 2, as for a bad flag.
fn refuse_configuration(problems: &settings::Problems) -> ! {
    eprintln!("aduan: the configuration is not valid:\n{problems}");
    std::process::exit(2);
}

/// `aduan init`: the input is read and checked in full before the store is opened (or
/// created), then the identity key is found or made and recorded, then the jurisdiction
/// is stored.
async fn init<F, Fut>(data_dir: &Path, args: cli::InitArgs, open: F) -> anyhow::Result<String>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<Arc<dyn Store>>>,
{
    let plan = init::plan(&args)?;
    let store = open().await?;
    let key = identity_key::for_store(store.as_ref(), data_dir, &args.key).await?;
    let summary = init::apply(store.as_ref(), plan).await?;
    Ok(format!(
        "{summary}\nIdentity key fingerprint: {} (keep a copy of the key apart from the \
         database and its backups)\n{}",
        key.fingerprint(),
        init::NEXT_STEPS
    ))
}
