//! The command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::settings::Flag;

mod serve_args;
pub use crate::settings::LogFormat;
pub use serve_args::ServeArgs;

#[derive(Parser, Debug)]
#[command(
    name = "aduan",
    version,
    about = "Citizens' complaints, handled: a CRM for cities"
)]
pub struct Cli {
    /// The configuration file (TOML; see `deploy/aduan.toml`). Environment variables
    /// (`ADUAN_*`) override it, flags override both. `aduan config check` validates it.
    #[arg(long, env = "ADUAN_CONFIG", value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    /// Where aduan keeps its data (the SQLite database) [default: ./aduan-data]
    /// [env: ADUAN_DATA_DIR; file: data_dir].
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database to use instead of the SQLite file in the data dir: `sqlite://PATH`, or
    /// `postgres://USER@HOST:PORT/DATABASE` for a database several instances share
    /// [env: ADUAN_DATABASE_URL, or ADUAN_DATABASE_URL_FILE naming a file holding it;
    /// file: database.url, database.url_file].
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// PostgreSQL connections each instance keeps at most; size it so that instances times
    /// this stays under the server's `max_connections` (100 by default) [default: 16]
    /// [env: ADUAN_DATABASE_POOL; file: database.pool].
    #[arg(long, global = true, value_name = "N")]
    pub database_pool: Option<u32>,
    /// Where photos' images are kept: a directory, or `s3://BUCKET[/PREFIX]` with the
    /// endpoint and keys in the standard `AWS_*` variables [default: photos/ in the data
    /// dir] [env: ADUAN_PHOTOS_LOCATION; file: photos.location].
    #[arg(long, global = true, value_name = "LOCATION")]
    pub photos: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Set up an empty store for a city: its jurisdiction pack, its region boundaries and
    /// its identity key; no demo account or sample report. Then create the first admin with
    /// `aduan user create`. See README "Running aduan for a city".
    Init(InitArgs),
    /// Run the HTTP server.
    Serve(Box<ServeArgs>),
    /// Manage administrative regions.
    #[command(subcommand)]
    Regions(RegionsCommand),
    /// Manage the jurisdiction data (settings, regions, units, categories).
    #[command(subcommand)]
    Jurisdiction(JurisdictionCommand),
    /// Manage the API keys of third-party apps (Open311 clients such as Qlue).
    #[command(subcommand, name = "api-key")]
    ApiKey(ApiKeyCommand),
    /// File reports from messages that arrived through a channel.
    #[command(subcommand)]
    Ingest(IngestCommand),
    /// Look after the photo store (`--photos`).
    #[command(subcommand)]
    Photos(PhotosCommand),
    /// Measure reports/s and latency over HTTP at high concurrency (JSON reports, or with
    /// `--channel sms` signed SMS webhooks and the answers they get), then check that every
    /// acknowledged report survived a crash. Build with `--release` first.
    Bench(BenchArgs),
    /// Figures for reports submitted in a period of local days (`--to` exclusive): counts
    /// per status, category, channel, month and kota, shares and average times.
    Stats(StatsArgs),
    /// Import the history of the previous system from NDJSON (one report a line, see
    /// README "Importing history"). The whole file is checked first: any bad line is
    /// printed with its reason and nothing is imported. Running it again changes nothing.
    Import(ImportArgs),
    /// Import synthetic years of Jakarta's volume through `aduan import` and measure the
    /// import and the statistics' latency (p50/p99) at each size. Build with `--release`.
    #[command(name = "bench-stats")]
    BenchStats(BenchStatsArgs),
    /// Copy a SQLite store into an empty PostgreSQL database in one transaction, then check
    /// every table's row count and checksum on both sides before committing.
    #[command(name = "migrate-store")]
    MigrateStore(MigrateStoreArgs),
    /// Manage accounts: create staff (a city's first admin included), disable, enable, set
    /// passwords. Passwords are read from standard input, one line. Exit status 2 when the
    /// input breaks a rule (weak password, unknown role, unit or account, a role that needs
    /// a unit, a taken username), 1 when the store fails.
    #[command(subcommand)]
    User(UserCommand),
    /// The identity key that seals reporters' identities: make one for a new database,
    /// print a key's fingerprint to compare with the one the database recorded.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Apply the store's pending schema migrations (`serve` and every other command apply
    /// them on start too). With `--check`, only list them: exit status 0 when none are
    /// pending, 3 when some are, 1 when the store cannot be read.
    Migrate(MigrateArgs),
    /// Write a consistent copy of the store (running or not) into one new file: the data as
    /// of one moment, compressed, with a manifest of every table's rows and checksum. The
    /// identity key is not in it: keep the key separately. See README "Backups and restores".
    Backup(BackupArgs),
    /// The identity access audit log: who looked at which report's reporter, when, and why.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Restore a backup into an empty data dir (`--data-dir`) or an empty PostgreSQL
    /// database (`--database-url`). The identity key given must be the one the backup
    /// needs (or `--without-key-check`). The whole file is checked first; a damaged or
    /// truncated one is refused and nothing is left behind.
    Restore(RestoreArgs),
    /// The configuration (`--config FILE`, `ADUAN_*`, flags).
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Resolve the configuration as `serve` would and check it (values, the files it names,
    /// the channels file, secrets' length), touching neither the data dir nor the database.
    /// Prints the effective configuration as TOML, each secret `<redacted>`; exit status 0
    /// when valid, 2 with every problem listed when not.
    Check,
}

#[derive(Subcommand, Debug)]
pub enum KeyCommand {
    /// Write a new identity key to FILE (mode 600; an existing file is never overwritten),
    /// to give to every instance of a new PostgreSQL database.
    Generate {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Print the fingerprint of the key given (as `serve` finds it; never created) and the
    /// one the database recorded. Exit status 0 when they match (or none is recorded), 1
    /// when they differ or no key is found.
    Fingerprint {
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Re-seal every identity under a new key in one transaction: accounts' and reporters'
    /// identities and reply routes, every reporter key recomputed (or carried over where
    /// nothing recomputes it), the new fingerprint recorded. The old key is found as `serve`
    /// finds it. Stop every instance first. A value that does not open with the old key
    /// aborts it with nothing changed. Exit status 1 when refused.
    Rotate {
        /// The new key, made with `aduan key generate --out FILE`.
        #[arg(long, value_name = "FILE")]
        new_key_file: PathBuf,
        #[command(flatten)]
        key: KeyArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Write the identity access log of a period of local days (`--to` exclusive, in the
    /// jurisdiction's time zone) to standard output, oldest first: the entry's id, when
    /// (UTC), who (account id and username), which report (ticket) and the reason given.
    /// Exit status 2 for bad dates, 1 when the store fails.
    Export(AuditExportArgs),
}

#[derive(Args, Debug)]
pub struct AuditExportArgs {
    /// First day of the period, YYYY-MM-DD, in the jurisdiction's time zone.
    #[arg(long)]
    pub from: String,
    /// The day after the period (exclusive), YYYY-MM-DD.
    #[arg(long)]
    pub to: String,
    /// `jsonl`: one JSON object a line; `csv`: a header line, then one row an entry.
    #[arg(long, value_enum, default_value_t = AuditFormat::Jsonl)]
    pub format: AuditFormat,
}

/// How `aduan audit export` writes entries.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditFormat {
    Jsonl,
    Csv,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// The city's jurisdiction pack (JSON: settings, units, categories, channels), e.g.
    /// `packs/jakarta.json`.
    #[arg(long, value_name = "FILE")]
    pub pack: PathBuf,
    /// GeoJSON boundaries of the city's regions (kota, kecamatan, kelurahan), in any
    /// order; repeatable.
    #[arg(long = "regions", value_name = "FILE")]
    pub regions: Vec<PathBuf>,
    #[command(flatten)]
    pub key: KeyArgs,
}

#[derive(Args, Debug)]
pub struct MigrateArgs {
    /// List the pending migrations without applying them.
    #[arg(long)]
    pub check: bool,
}

#[derive(Args, Debug)]
pub struct BackupArgs {
    /// The backup file to write; it must not exist. Written under a temporary name in the
    /// same directory and renamed only when complete and flushed to disk.
    #[arg(long, value_name = "FILE")]
    pub to: PathBuf,
}

#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// The backup file.
    pub file: PathBuf,
    /// The identity key the restored store will be served with: checked against the one
    /// the backup needs before anything is restored (the data dir's `identity.key` is not
    /// looked for).
    #[command(flatten)]
    pub key: KeyArgs,
    /// Restore without checking the identity key (not at hand here): the first start
    /// checks it, and refuses a wrong one.
    #[arg(long)]
    pub without_key_check: bool,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a staff account; its password is read from standard input (one line).
    Create {
        /// 3-32 characters: a-z, 0-9, '.', '_' or '-'.
        name: String,
        /// operator, coordinator, officer, validator or admin.
        #[arg(long)]
        role: String,
        /// The unit's code (required for officers and validators).
        #[arg(long, value_name = "CODE")]
        unit: Option<String>,
        #[arg(long, value_name = "TEXT")]
        display_name: Option<String>,
    },
    /// Disable an account: it cannot sign in, and its sessions end at once.
    Disable { name: String },
    /// Enable a disabled account again.
    Enable { name: String },
    /// Set an account's password, read from standard input (one line); its sessions end.
    Passwd {
        name: String,
        /// A temporary password: the account must choose its own at its next sign-in.
        #[arg(long)]
        temporary: bool,
    },
}

#[derive(Args, Debug)]
pub struct MigrateStoreArgs {
    /// The SQLite store to copy: `sqlite:PATH` or `sqlite://PATH`.
    #[arg(long, value_name = "URL")]
    pub from: String,
    /// The empty PostgreSQL database to copy into: `postgres://USER@HOST:PORT/DATABASE`.
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// Where the SQLite store's photos are [default: photos/ beside its file].
    #[arg(long, value_name = "LOCATION")]
    pub photos_from: Option<String>,
    /// Copy every photo image to this photo store (a directory, or `s3://BUCKET[/PREFIX]`
    /// with the `AWS_*` variables), each checked against its hash, before the database is
    /// committed; the PostgreSQL instances then use it (`photos.location`). Without it the
    /// photos stay where they are, and the instances must be given that location.
    #[arg(long, value_name = "LOCATION")]
    pub photos_to: Option<String>,
}

#[derive(Args, Debug)]
pub struct BenchStatsArgs {
    /// Store sizes to measure at, in synthetic years of 134,814 reports; repeatable.
    #[arg(long = "years", default_values_t = [1u32, 10])]
    pub years: Vec<u32>,
    /// How many times each question is asked at each size.
    #[arg(long, default_value_t = 200)]
    pub queries: usize,
    /// Seed of the synthetic history (the same seed makes the same reports).
    #[arg(long, default_value_t = 2021)]
    pub seed: u64,
    /// Measure on a new database on this PostgreSQL server (a URL of any of its databases,
    /// as a role that may create databases) instead of SQLite; dropped afterwards.
    #[arg(long, value_name = "URL")]
    pub postgres: Option<String>,
    /// Ask through this many instances (stores, each with its own connections) on that one
    /// PostgreSQL database at once, the queries shared between them.
    #[arg(long, default_value_t = 1, requires = "postgres",
        value_parser = clap::value_parser!(u8).range(1..=8))]
    pub instances: u8,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The NDJSON file.
    pub file: PathBuf,
    /// Check the file and say what would be imported, storing nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub key: KeyArgs,
}

#[derive(Args, Debug)]
pub struct StatsArgs {
    /// First day of the period, YYYY-MM-DD, in the jurisdiction's time zone.
    #[arg(long)]
    pub from: String,
    /// The day after the period (exclusive), YYYY-MM-DD.
    #[arg(long)]
    pub to: String,
    /// Count only this category (its Indonesian name, any case, or its code); repeatable.
    #[arg(long = "category", value_name = "NAME")]
    pub categories: Vec<String>,
    /// Print JSON (the same as `GET /api/v1/stats`) instead of a report in Indonesian.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Concurrent clients, each with its own connection (and, posting JSON reports, its own
    /// account and bearer token).
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u16).range(1..))]
    pub clients: u16,
    /// Reports (or channel messages) submitted in the measured run (the warm-up comes on
    /// top).
    #[arg(long, default_value_t = 50_000, value_parser = clap::value_parser!(u32).range(1..))]
    pub reports: u32,
    /// Unmeasured warm-up reports (or messages) per client before the run.
    #[arg(long, default_value_t = 10)]
    pub warmup: u32,
    /// Benchmark a server already running at this address (e.g. `http://127.0.0.1:8080`)
    /// instead of starting one; the crash test is then skipped.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// GeoJSON boundaries to import into the server the bench starts; with kelurahan
    /// loaded, reports carry coordinates instead of a region code.
    #[arg(long = "regions", value_name = "FILE", conflicts_with = "url")]
    pub regions: Vec<PathBuf>,
    /// Seed for the generated reports (the same seed submits the same reports).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Keep the started server's data dir and log instead of deleting them.
    #[arg(long, conflicts_with = "url")]
    pub keep_data: bool,
    /// Flood a channel's webhook instead of posting JSON reports: the bench plays the
    /// channel's gateway (it receives the server's answers) and times the answers too.
    #[arg(long, value_enum, value_name = "CHANNEL", conflicts_with = "url")]
    pub channel: Option<BenchChannel>,
    /// Run the started server on a new database on this PostgreSQL server (a URL of any of
    /// its databases, as a role that may create databases) instead of SQLite; the database
    /// is dropped afterwards.
    #[arg(long, value_name = "URL", conflicts_with_all = ["url", "channel"])]
    pub postgres: Option<String>,
    /// Measure the officers' queue instead of intake: a store of `--queue-years` synthetic
    /// years of Jakarta's volume, then a coordinator's pages over HTTP (the first page, the
    /// next one by cursor, one filtered by state and category) and the year's statistics,
    /// `--reports` requests each.
    #[arg(long, conflicts_with_all = ["url", "channel", "regions"])]
    pub queue: bool,
    /// Measure the bytes a phone photo costs in the database and in the photo store,
    /// stored as before (full size, a BLOB) and as now (display size and a thumbnail,
    /// outside the database); no server is started.
    #[arg(long, conflicts_with_all = ["url", "channel", "regions", "postgres", "queue"])]
    pub photo_bytes: bool,
    /// Measure the import of history instead of intake: `--import-years` synthetic years of
    /// Jakarta's volume imported as `aduan import` does, into a new store (SQLite, or
    /// `--postgres`), each year timed.
    #[arg(long, conflicts_with_all = ["url", "channel", "regions", "queue", "photo_bytes"])]
    pub import: bool,
    /// Synthetic years (134,814 lines each) the import bench imports.
    #[arg(long, default_value_t = 1, requires = "import",
        value_parser = clap::value_parser!(u32).range(1..=20))]
    pub import_years: u32,
    /// Synthetic years (134,814 reports each) in the queue bench's store.
    #[arg(long, default_value_t = 8, requires = "queue",
        value_parser = clap::value_parser!(u32).range(1..=20))]
    pub queue_years: u32,
    /// Start this many servers on that one PostgreSQL database, the clients spread over
    /// them in turn.
    #[arg(long, default_value_t = 1, requires = "postgres",
        value_parser = clap::value_parser!(u8).range(1..=8))]
    pub instances: u8,
}

/// The channels `aduan bench --channel` can flood.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum BenchChannel {
    /// SMS through a Twilio-style gateway: signed form webhooks in, `Messages.json` out.
    Sms,
}

#[derive(Subcommand, Debug)]
pub enum RegionsCommand {
    /// Import regions with boundaries from GeoJSON FeatureCollections.
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum JurisdictionCommand {
    /// Load a jurisdiction pack (JSON): settings, regions, units, categories.
    Import { file: PathBuf },
}

#[derive(Subcommand, Debug)]
pub enum ApiKeyCommand {
    /// Issue a key for the app NAME and print it once (only its hash is stored).
    Create { name: String },
}

#[derive(Subcommand, Debug)]
pub enum PhotosCommand {
    /// Remove the images no photo names (put for a submission whose database write then
    /// failed), when last written more than `--older-than-hours` ago; print what was found.
    Sweep {
        /// Leave images written more recently than this alone: their submission may still
        /// be on its way to the database.
        #[arg(long, default_value_t = 24, value_parser = clap::value_parser!(u32).range(1..=8760))]
        older_than_hours: u32,
        /// Count what would be removed, and remove nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum IngestCommand {
    /// File each `.eml` file (an RFC 5322 message) as a report; a message filed before
    /// (same Message-ID) files nothing new.
    Email(IngestEmailArgs),
}

#[derive(Args, Debug)]
pub struct IngestEmailArgs {
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub key: KeyArgs,
}

/// Where the identity key comes from: the key itself, or a file holding it. On the command
/// line these set `identity.key` and `identity.key_file` (`Cli::flags`); the commands read
/// the resolved pair from [`crate::settings::IdentitySettings::key_args`].
#[derive(Args, Debug, Clone, Default)]
pub struct KeyArgs {
    /// The key (base64, 32 bytes) that seals reporters' identities and keys reporter
    /// counts; the same for every command and instance on one database. Better given as a
    /// file [env: ADUAN_IDENTITY_KEY; file: identity.key].
    #[arg(long, value_name = "KEY")]
    pub identity_key: Option<String>,
    /// A file holding the key (base64). Created (mode 600) when missing only for a new
    /// SQLite store; with PostgreSQL the key must be given (`aduan key generate`). Without this or
    /// `--identity-key`, `identity.key` in the data dir: keep it elsewhere, apart from the
    /// database and its backups, so a copy of one does not bring the other [env:
    /// ADUAN_IDENTITY_KEY_FILE; file: identity.key_file].
    #[arg(long, value_name = "PATH")]
    pub identity_key_file: Option<PathBuf>,
}

impl Cli {
    /// The configuration keys the command line sets: the top layer of the configuration.
    pub fn flags(&self) -> Vec<Flag> {
        let mut flags = vec![
            Flag::given("data_dir", "--data-dir", self.data_dir.as_ref()),
            Flag::given("database.url", "--database-url", self.database_url.as_ref()),
            Flag::given("database.pool", "--database-pool", self.database_pool),
            Flag::given("photos.location", "--photos", self.photos.as_ref()),
        ];
        let key = match &self.command {
            Command::Serve(args) => Some(&args.key),
            Command::Import(args) => Some(&args.key),
            Command::Ingest(IngestCommand::Email(args)) => Some(&args.key),
            Command::Key(KeyCommand::Fingerprint { key }) => Some(key),
            Command::Init(args) => Some(&args.key),
            Command::Restore(args) => Some(&args.key),
            Command::Key(KeyCommand::Rotate { key, .. }) => Some(key),
            _ => None,
        };
        if let Some(key) = key {
            flags.push(Flag::given(
                "identity.key",
                "--identity-key",
                key.identity_key.as_ref(),
            ));
            flags.push(Flag::given(
                "identity.key_file",
                "--identity-key-file",
                key.identity_key_file.as_ref(),
            ));
        }
        if let Command::Serve(args) = &self.command {
            flags.extend(args.flags());
        }
        flags.into_iter().flatten().collect()
    }
}
