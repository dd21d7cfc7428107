//! The command line.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "aduan",
    version,
    about = "Citizens' complaints, handled: a CRM for cities"
)]
pub struct Cli {
    /// Where aduan keeps its data (the SQLite database).
    #[arg(
        long,
        env = "ADUAN_DATA_DIR",
        default_value = "./aduan-data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// Database to use instead of the SQLite file in the data dir: `sqlite://PATH`.
    #[arg(long, env = "ADUAN_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the HTTP server.
    Serve(ServeArgs),
    /// Manage administrative regions.
    #[command(subcommand)]
    Regions(RegionsCommand),
    /// Manage the jurisdiction data (settings, regions, units, categories).
    #[command(subcommand)]
    Jurisdiction(JurisdictionCommand),
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "ADUAN_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Load the demo jurisdiction (Jakarta), accounts and sample reports into an empty store.
    #[arg(long)]
    pub demo: bool,
    /// Password of the demo accounts (random and printed when absent).
    #[arg(long, env = "ADUAN_DEMO_PASSWORD")]
    pub demo_password: Option<String>,
    /// GeoJSON files of region boundaries to import before serving.
    #[arg(long = "regions", value_name = "FILE")]
    pub regions: Vec<PathBuf>,
    /// Send session cookies without `Secure` (plain-HTTP development only).
    #[arg(long, env = "ADUAN_INSECURE_COOKIES")]
    pub insecure_cookies: bool,
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
