//! The HTTP test harness: a fresh app with the Jakarta pack on port 0 per test, typed
//! helpers for accounts, reports and actions, and response assertions.
//!
//! Each test binary uses a different part of it. A helper fails its test by panicking,
//! like an assertion does.
#![allow(dead_code, clippy::expect_used, clippy::unwrap_used)]

pub mod canary;
mod client;
pub mod database;
mod fixtures;
pub mod receiver;
pub mod stats;

// Each test binary uses some of these.
#[allow(unused_imports)]
pub use client::{Client, Resp};
#[allow(unused_imports)]
pub use fixtures::*;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::Utc;
use serde_json::{Value, json};
use tokio::sync::OnceCell;

use aduan_domain::location::parse_boundaries;
use aduan_domain::report::Report;
use aduan_domain::{JurisdictionData, Role, Ticket, UnitCode};
use aduan_store::photo_store::{PhotoLocation, PhotoStore};
use aduan_store::{NewUser, Store};
use aduan_web::{AppState, Catalog, LimitsConfig, WebConfig};
use database::Database;

pub const JAKARTA_PACK: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../packs/jakarta.json"
));

/// Real kelurahan boundaries, shared with CI beside the checkout.
pub const KELURAHAN_GEOJSON: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/regions/jakarta_kelurahan.geojson"
);

/// The Suku Dinas Bina Marga of Jakarta Selatan, where Tebet's road reports go.
pub const SUDIN: &str = "sudin-bina-marga-31.74";

/// Every account of a test app has this password.
pub const PASSWORD: &str = "kata-sandi-rahasia";

/// A running aduan on 127.0.0.1:0 with its own temporary database.
pub struct TestApp {
    pub addr: SocketAddr,
    pub base: String,
    pub http: reqwest::Client,
    pub store: Arc<dyn Store>,
    /// The state the server runs on, for tests that call the services directly.
    pub state: AppState,
    names: AtomicU32,
    staff_hash: OnceCell<String>,
    database: Database,
    /// The photo store's directory (files, as a single server keeps them).
    pub photos_dir: tempfile::TempDir,
}

impl TestApp {
    /// The Jakarta pack (kota and kecamatan, no boundaries), default limits, plain-HTTP cookies.
    pub async fn spawn() -> Self {
        Self::start(test_config(), false).await
    }

    /// As [`TestApp::spawn`], with other web settings (e.g. a small body limit); the abuse
    /// limits are the tests' own (see [`test_limits`]) whatever `config` says.
    pub async fn spawn_with(config: WebConfig) -> Self {
        let config = WebConfig {
            limits: test_limits(),
            ..config
        };
        Self::start(config, false).await
    }

    /// With exactly these settings, abuse limits included (the tests of the limits).
    pub async fn spawn_with_limits(config: WebConfig) -> Self {
        Self::start(config, false).await
    }

    /// With the 267 kelurahan and their boundaries loaded, so coordinates resolve.
    pub async fn spawn_with_boundaries() -> Self {
        Self::start(test_config(), true).await
    }

    /// As [`TestApp::spawn_with_boundaries`], with other web settings (e.g. a tile server);
    /// the abuse limits are the tests' own.
    pub async fn spawn_with_boundaries_and(config: WebConfig) -> Self {
        let config = WebConfig {
            limits: test_limits(),
            ..config
        };
        Self::start(config, true).await
    }

    /// On a scratch PostgreSQL database whatever [`database::STORE_VARIABLE`] says, for
    /// tests that do to the database what only a server allows (e.g. drop it under the app).
    pub async fn spawn_on_postgres() -> Self {
        Self::start_on(Database::postgres().await, test_config(), false).await
    }

    /// On another city's pack (the text of a `packs/*.json`), without boundaries.
    pub async fn spawn_with_pack(pack: &str) -> Self {
        let data = serde_json::from_str::<JurisdictionData>(pack).expect("the pack parses");
        Self::start_with(Database::fresh().await, data, test_config(), false).await
    }

    async fn start(config: WebConfig, boundaries: bool) -> Self {
        Self::start_on(Database::fresh().await, config, boundaries).await
    }

    async fn start_on(
        (store, database): (Arc<dyn Store>, Database),
        config: WebConfig,
        boundaries: bool,
    ) -> Self {
        let data = serde_json::from_str::<JurisdictionData>(JAKARTA_PACK)
            .expect("the Jakarta pack parses");
        Self::start_with((store, database), data, config, boundaries).await
    }

    async fn start_with(
        (store, database): (Arc<dyn Store>, Database),
        mut data: JurisdictionData,
        config: WebConfig,
        boundaries: bool,
    ) -> Self {
        let mut shapes = Vec::new();
        if boundaries {
            let text = std::fs::read_to_string(KELURAHAN_GEOJSON).expect("read the kelurahan");
            shapes = parse_boundaries(&text).expect("the kelurahan parse");
            data.regions.extend(shapes.iter().map(|b| b.region.clone()));
        }
        store
            .save_jurisdiction(data.with_offices())
            .await
            .expect("save the pack");
        if boundaries {
            store
                .save_boundaries(shapes)
                .await
                .expect("save boundaries");
        }
        let catalog = Catalog::load(store.as_ref())
            .await
            .expect("load the catalog");
        let photos_dir = tempfile::tempdir().expect("a temp dir for photos");
        let photos = PhotoStore::open(&PhotoLocation::Files(photos_dir.path().join("photos")))
            .expect("open the photo store");
        let state = AppState::new(Arc::clone(&store), photos, catalog, config);
        let served = state.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind port 0");
        let addr = listener.local_addr().expect("local address");
        tokio::spawn(async move {
            // As `aduan serve` runs it: the limits count by the connection's peer address.
            let app = aduan_web::app(served).into_make_service_with_connect_info::<SocketAddr>();
            axum::serve(listener, app).await.expect("serve");
        });
        Self {
            addr,
            base: format!("http://{addr}"),
            http: reqwest::Client::new(),
            store,
            state,
            names: AtomicU32::new(0),
            staff_hash: OnceCell::new(),
            database,
            photos_dir,
        }
    }

    /// The URL of the app's PostgreSQL database; panics on SQLite.
    pub fn postgres_url(&self) -> &str {
        self.database
            .postgres_url()
            .expect("an app on PostgreSQL (TestApp::spawn_on_postgres)")
    }

    /// A username no other account of this app has.
    pub fn unique(&self, prefix: &str) -> String {
        let n = self.names.fetch_add(1, Ordering::Relaxed);
        format!("{prefix}-{n}")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Not signed in.
    pub fn anonymous(&self) -> Client {
        Client {
            http: self.http.clone(),
            base: self.base.clone(),
            token: None,
            username: String::new(),
        }
    }

    /// A GET outside `/api/v1` (e.g. `/healthz`).
    pub async fn get_raw(&self, path: &str) -> Resp {
        Resp::read(self.http.get(self.url(path)).send().await.expect("send")).await
    }

    pub async fn register(&self, body: &Value) -> Resp {
        self.anonymous().post_json("/auth/register", body).await
    }

    /// Register a citizen over HTTP; signed in with the token the registration returns.
    pub async fn register_citizen(&self, name: &str) -> Client {
        let username = self.unique(name);
        let body = json!({"username": username, "password": PASSWORD});
        self.register_client(body).await
    }

    /// Register with the given body (username, password added when missing).
    pub async fn register_client(&self, mut body: Value) -> Client {
        if body.get("password").is_none() {
            body["password"] = json!(PASSWORD);
        }
        let resp = self.register(&body).await;
        let token = resp.expect(201)["token"]
            .as_str()
            .expect("a token")
            .to_owned();
        Client {
            http: self.http.clone(),
            base: self.base.clone(),
            token: Some(token),
            username: body["username"].as_str().unwrap_or_default().to_owned(),
        }
    }

    /// Create a staff account in the store and sign it in over HTTP.
    pub async fn staff(&self, role: Role, unit: Option<&str>) -> Client {
        let username = self.unique(role.code());
        self.create_account(&username, role, unit, None).await;
        self.login_as(&username).await
    }

    /// Everything a thief of this app's database gets: on SQLite the file (and its WAL), on
    /// PostgreSQL every value of every table, bytea as raw bytes.
    pub async fn stored_bytes(&self) -> Vec<u8> {
        self.database.stored_bytes().await
    }

    /// Every value of every table of this app's database, read through the database itself
    /// (text as UTF-8, blobs as raw bytes, numbers as text), each followed by a tab.
    pub async fn table_values(&self) -> Vec<u8> {
        self.database.table_values().await
    }

    /// What a `SELECT count(*) ...` returns on this app's database (the same SQL on both
    /// stores).
    pub async fn count(&self, sql: &'static str) -> i64 {
        self.database.count(sql).await
    }

    /// A second store on this app's database, as a restarted aduan would open it.
    pub async fn reopen_store(&self) -> Arc<dyn Store> {
        self.database.reopen().await
    }

    /// Put photo `photo` back in the database as an earlier version kept it (see
    /// `Database::keep_photo_in_database`).
    pub async fn keep_photo_in_database(&self, photo: i64, bytes: Vec<u8>) {
        self.database.keep_photo_in_database(photo, bytes).await;
    }

    /// Move the submission of `ticket` back by `hours` in the database, as if it had waited
    /// that long.
    pub async fn backdate(&self, ticket: &str, hours: i64) {
        self.database.backdate(ticket, hours).await;
    }

    /// Age the sessions of `username` (see `Database::age_sessions`).
    pub async fn age_sessions(&self, username: &str, opened_minutes: i64, idle_minutes: i64) {
        self.database
            .age_sessions(username, opened_minutes, idle_minutes)
            .await;
    }

    /// The argon2 hash of [`PASSWORD`], computed once per app.
    pub async fn password_hash(&self) -> String {
        self.staff_hash
            .get_or_init(|| async {
                aduan_web::hash_password(PASSWORD.to_owned())
                    .await
                    .expect("hash a password")
            })
            .await
            .clone()
    }

    /// An account straight in the store (as an admin or the demo would create it).
    pub async fn create_account(
        &self,
        username: &str,
        role: Role,
        unit: Option<&str>,
        display_name: Option<&str>,
    ) {
        let hash = self.password_hash().await;
        self.store
            .create_user(NewUser {
                username: username.to_owned(),
                password_hash: hash,
                display_name: display_name.map(str::to_owned),
                role,
                unit: unit.map(|u| UnitCode::parse(u).expect("a unit code")),
                can_view_identity: false,
                sealed_identity: None,
                created_at: Utc::now(),
            })
            .await
            .expect("create the account");
    }

    /// An admin allowed to see identities, created as the platform's operators would; its
    /// username.
    pub async fn create_identity_admin(&self) -> String {
        let username = self.unique("admin-identitas");
        self.store
            .create_user(NewUser {
                username: username.clone(),
                password_hash: self.password_hash().await,
                display_name: Some("Admin Identitas".into()),
                role: Role::Admin,
                unit: None,
                can_view_identity: true,
                sealed_identity: None,
                created_at: Utc::now(),
            })
            .await
            .expect("create the identity admin");
        username
    }

    /// `person` registered as a citizen with every contact they have, signed in.
    pub async fn register_person(&self, person: &canary::Person) -> Client {
        self.register_client(json!({
            "username": person.username, "display_name": person.name,
            "phone": person.phone, "email": person.email,
        }))
        .await
    }

    /// [`TestApp::create_identity_admin`], signed in.
    pub async fn identity_admin(&self) -> Client {
        let username = self.create_identity_admin().await;
        self.login_as(&username).await
    }

    pub async fn login(&self, username: &str, password: &str) -> Resp {
        self.anonymous()
            .post_json(
                "/auth/login",
                &json!({"username": username, "password": password}),
            )
            .await
    }

    pub async fn login_as(&self, username: &str) -> Client {
        let body = self.login(username, PASSWORD).await.expect(200);
        Client {
            http: self.http.clone(),
            base: self.base.clone(),
            token: Some(body["token"].as_str().expect("a token").to_owned()),
            username: username.to_owned(),
        }
    }

    /// Forward `ticket` to the Suku Dinas Bina Marga Jakarta Selatan and have one of its
    /// officers accept it; returns that officer.
    pub async fn take_up(&self, ticket: &str) -> Client {
        let coordinator = self.staff(Role::Coordinator, None).await;
        coordinator
            .act_ok(ticket, json!({"action": "forward", "unit": SUDIN}))
            .await;
        let officer = self.staff(Role::Officer, Some(SUDIN)).await;
        officer.act_ok(ticket, json!({"action": "accept"})).await;
        officer
    }

    /// Take `ticket` up and document the follow-up (awaiting_validation); returns the officer.
    pub async fn document(&self, ticket: &str) -> Client {
        let officer = self.take_up(ticket).await;
        let followup = json!({"action": "submit_followup", "note": "Sudah ditambal."});
        officer.act_ok(ticket, followup).await;
        officer
    }

    /// The report as stored, bypassing every view.
    pub async fn stored(&self, ticket: &str) -> Report {
        let ticket = Ticket::parse(ticket).expect("a ticket");
        self.store.report(&ticket).await.expect("the report")
    }
}

fn test_config() -> WebConfig {
    WebConfig {
        secure_cookies: false,
        limits: test_limits(),
        ..Default::default()
    }
}

/// The tests make many accounts and reports from 127.0.0.1 in seconds: registrations are
/// limited high and submissions not at all; the sign-in throttle is as in production (a
/// success clears it), and a hash may wait for a slot as long as a loaded CI needs.
/// tests/abuse_limits.rs sets low limits of its own.
pub fn test_limits() -> LimitsConfig {
    LimitsConfig {
        registrations_per_address: std::num::NonZeroU32::new(100_000),
        submissions_per_account: None,
        submissions_per_address: None,
        submissions_per_contact: None,
        hash_wait: std::time::Duration::from_secs(120),
        ..LimitsConfig::default()
    }
}
