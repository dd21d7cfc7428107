//! The demo: Jakarta, one account per role, and sample reports in every state.

use std::sync::Arc;

use anyhow::Context;
use chrono::{Days, Utc};
use rand::Rng;

use aduan_domain::workflow::Action;
use aduan_domain::{Actor, CategoryCode, RegionCode, Role, Ticket, UnitCode};
use aduan_store::identity::{Binding, Identity};
use aduan_store::{NewUser, Store};
use aduan_web::service::{self, Intake, Place};
use aduan_web::{AppState, hash_password};

/// The demo's accounts: username, role, unit, display name.
const ACCOUNTS: &[(&str, Role, Option<&str>, &str)] = &[
    ("admin", Role::Admin, None, "Admin Platform"),
    ("koordinator", Role::Coordinator, None, "Koordinator CRM"),
    (
        "operator",
        Role::Operator,
        None,
        "Operator Pendopo Balai Kota",
    ),
    (
        "petugas",
        Role::Officer,
        Some("sudin-bina-marga-31.74"),
        "Petugas Sudin Bina Marga Jakarta Selatan",
    ),
    (
        "petugas-dinas",
        Role::Officer,
        Some("dinas-bina-marga"),
        "Petugas Dinas Bina Marga",
    ),
    (
        "validator",
        Role::Validator,
        Some("biro-pemerintahan"),
        "Validator Biro Pemerintahan",
    ),
    ("warga", Role::Citizen, None, "Warga Jakarta"),
];

/// A password for the demo accounts: the one given, or a fresh random one.
pub fn demo_password(given: Option<String>) -> String {
    given.unwrap_or_else(|| {
        const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        let mut rng = rand::rng();
        (0..16)
            .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
            .collect()
    })
}

/// Create the accounts and the sample reports. Only call on an empty store.
pub async fn seed(state: &AppState, password: &str) -> anyhow::Result<()> {
    let store: &Arc<dyn Store> = &state.store;
    let hash = hash_password(password.to_owned())
        .await
        .map_err(|e| anyhow::anyhow!("hashing the demo password: {}", e))?;
    let mut actors = std::collections::BTreeMap::new();
    for (username, role, unit, name) in ACCOUNTS {
        // A citizen's name is identity: sealed like any reporter's. Staff names are not.
        let (display_name, sealed_identity) = if *role == Role::Citizen {
            let identity = Identity {
                name: Some((*name).to_owned()),
                phone: Some("081200000000".to_owned()),
                email: Some(format!("{username}@contoh.id")),
                ..Identity::default()
            };
            let sealed = state.sealer.seal(&identity, Binding::Account(username))?;
            (None, Some(sealed))
        } else {
            (Some((*name).to_owned()), None)
        };
        let user = store
            .create_user(NewUser {
                username: (*username).to_owned(),
                password_hash: hash.clone(),
                display_name,
                role: *role,
                unit: unit.map(UnitCode::parse).transpose()?,
                can_view_identity: *role == Role::Admin,
                sealed_identity,
                created_at: Utc::now(),
            })
            .await
            .with_context(|| format!("creating demo account {username}"))?;
        actors.insert(
            *username,
            Actor {
                user: user.id,
                role: user.role,
                unit: user.unit,
            },
        );
    }
    let who = |name: &str| actors.get(name).cloned().context("demo account missing");
    let samples = Samples {
        state,
        warga: who("warga")?,
        koordinator: who("koordinator")?,
        petugas: who("petugas")?,
        petugas_dinas: who("petugas-dinas")?,
        validator: who("validator")?,
    };
    samples.create().await
}

struct Samples<'a> {
    state: &'a AppState,
    warga: Actor,
    koordinator: Actor,
    petugas: Actor,
    petugas_dinas: Actor,
    validator: Actor,
}

fn err(e: aduan_web::AppError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

impl Samples<'_> {
    async fn submit(&self, category: &str, region: &str, text: &str) -> anyhow::Result<Ticket> {
        let report = service::submit(
            self.state,
            &self.warga,
            Intake {
                category: CategoryCode::parse(category)?,
                description: text.to_owned(),
                place: Place::In(RegionCode::parse(region)?),
                address: None,
                channel: self.state.catalog().jurisdiction.citizen_channel(),
                photos: Vec::new(),
                message_id: None,
            },
            service::ReporterContact::default(),
        )
        .await
        .map_err(err)?;
        Ok(report.ticket)
    }

    async fn act(&self, actor: &Actor, ticket: &Ticket, action: Action) -> anyhow::Result<()> {
        let report = self.state.store.report(ticket).await?;
        service::act(self.state, actor, &report, action, Default::default())
            .await
            .map_err(err)?;
        Ok(())
    }

    /// Walk a report to in_progress at the demo officer's Suku Dinas.
    async fn taken_up(&self, text: &str) -> anyhow::Result<Ticket> {
        let t = self.submit("jalan", "31.74.01", text).await?;
        let sudin = UnitCode::parse("sudin-bina-marga-31.74")?;
        self.act(&self.koordinator, &t, Action::Forward { to: sudin })
            .await?;
        self.act(&self.petugas, &t, Action::Accept).await?;
        Ok(t)
    }

    async fn create(&self) -> anyhow::Result<()> {
        let sudin = UnitCode::parse("sudin-bina-marga-31.74")?;
        let dinas = UnitCode::parse("dinas-bina-marga")?;
        let later = Utc::now()
            .date_naive()
            .checked_add_days(Days::new(14))
            .context("date overflow")?;

        let waiting = self
            .submit(
                "jalan",
                "31.74.01",
                "Jalan berlubang besar di depan sekolah, membahayakan pengendara motor.",
            )
            .await?;
        self.submit(
            "sampah",
            "31.71.01",
            "Sampah menumpuk di pinggir jalan sudah tiga hari tidak diangkut.",
        )
        .await?;

        let t = self
            .submit(
                "jalan",
                "31.74.02",
                "Aspal jalan mengelupas sepanjang 50 meter setelah hujan deras.",
            )
            .await?;
        self.act(&self.koordinator, &t, Action::Forward { to: dinas.clone() })
            .await?;

        let t = self
            .submit(
                "jalan",
                "31.74.03",
                "Trotoar rusak dan jalan amblas dekat halte bus.",
            )
            .await?;
        self.act(&self.koordinator, &t, Action::Forward { to: dinas })
            .await?;
        self.act(&self.petugas_dinas, &t, Action::Dispose { to: sudin })
            .await?;

        self.taken_up("Lubang jalan di tikungan, sudah ada pengendara yang jatuh.")
            .await?;

        let t = self
            .taken_up("Jalan rusak parah sepanjang 200 meter, perlu pengaspalan ulang.")
            .await?;
        self.act(
            &self.petugas,
            &t,
            Action::Schedule {
                estimated_completion: later,
            },
        )
        .await?;

        let followup = Action::SubmitFollowup {
            note: "Lubang sudah ditambal dan diaspal ulang oleh tim.".into(),
        };
        let t = self.taken_up("Jalan berlubang di depan pasar.").await?;
        self.act(&self.petugas, &t, followup.clone()).await?;

        let t = self
            .taken_up("Jalan retak dan bergelombang di depan kantor kelurahan.")
            .await?;
        self.act(&self.petugas, &t, followup.clone()).await?;
        let reason = "Foto sesudah tidak menunjukkan lokasi yang dilaporkan.".to_owned();
        self.act(&self.validator, &t, Action::RejectFollowup { reason })
            .await?;

        let t = self
            .taken_up("Lubang besar di jalan lingkungan RT 05.")
            .await?;
        self.act(&self.petugas, &t, followup).await?;
        self.act(&self.validator, &t, Action::Validate).await?;

        let t = self
            .submit("jalan", "31.74.01", "tes tes tes tes tes tes")
            .await?;
        let reason = "Bukan laporan: isi tidak jelas.".to_owned();
        self.act(&self.koordinator, &t, Action::Reject { reason })
            .await?;

        let t = self
            .submit(
                "jalan",
                "31.74.01",
                "Jalan berlubang di depan sekolah, sama seperti laporan tetangga.",
            )
            .await?;
        self.act(&self.koordinator, &t, Action::MarkDuplicate { of: waiting })
            .await?;

        let t = self
            .submit(
                "jalan",
                "31.74.01",
                "Jalan tol dalam kota rusak di KM 5 arah Cawang.",
            )
            .await?;
        let refer = Action::Refer {
            to: "LAPOR! (Kementerian Pekerjaan Umum)".into(),
            reason: "Jalan tol adalah kewenangan pemerintah pusat.".into(),
        };
        self.act(&self.koordinator, &t, refer).await?;
        Ok(())
    }
}

/// The accounts, for the start-up banner.
pub fn account_lines() -> impl Iterator<Item = String> {
    ACCOUNTS
        .iter()
        .map(|(u, role, unit, _)| format!("  {u:<14} {:<12} {}", role.code(), unit.unwrap_or("-")))
}
