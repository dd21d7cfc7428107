//! The sample reports: one in every state of the workflow, walked there by the demo's
//! accounts through the same service the pages use. With the kelurahan loaded they lie in
//! real kelurahan (Gambir, Tebet Timur...), each at a point in it, so a kelurahan office
//! receives them first and its officer can find the spot.

use anyhow::Context;
use chrono::{Days, Utc};

use aduan_domain::workflow::Action;
use aduan_domain::{Actor, CategoryCode, Jurisdiction, RegionCode, Ticket, UnitCode};
use aduan_store::User;
use aduan_web::AppState;
use aduan_web::service::{self, Intake, Place};

/// Where the samples lie: (kecamatan, a kelurahan of it used when the kelurahan are loaded).
const TEBET: (&str, &str) = ("31.74.01", "31.74.01.1001");
const GAMBIR: (&str, &str) = ("31.71.01", "31.71.01.1001");
const SETIABUDI: (&str, &str) = ("31.74.02", "31.74.02.1001");
const MAMPANG: (&str, &str) = ("31.74.03", "31.74.03.1001");

/// Every place a sample lies in.
pub const PLACES: [(&str, &str); 4] = [TEBET, GAMBIR, SETIABUDI, MAMPANG];

/// The region a sample is placed in: the kelurahan when the jurisdiction has it, else its
/// kecamatan (the demo without `--regions`, as before).
pub fn region_of(
    j: &Jurisdiction,
    (kecamatan, kelurahan): (&str, &str),
) -> anyhow::Result<RegionCode> {
    let kelurahan = RegionCode::parse(kelurahan)?;
    if j.region(&kelurahan).is_some() {
        Ok(kelurahan)
    } else {
        Ok(RegionCode::parse(kecamatan)?)
    }
}

/// The demo's accounts that file the samples and walk them to their states.
pub struct Samples<'a> {
    pub state: &'a AppState,
    /// The citizen, as the store holds the account (filing reads its identity to mask it).
    pub warga: User,
    pub koordinator: Actor,
    pub petugas: Actor,
    pub petugas_dinas: Actor,
    pub validator: Actor,
}

fn err(e: aduan_web::AppError) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

impl Samples<'_> {
    async fn submit(
        &self,
        category: &str,
        place: (&str, &str),
        text: &str,
    ) -> anyhow::Result<Ticket> {
        let report = service::submit(
            self.state,
            &self.warga,
            Intake {
                category: CategoryCode::parse(category)?,
                description: text.to_owned(),
                place: self.spot(category, text, place)?,
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

    /// Where a sample stands: a point in its kelurahan when the boundaries are loaded (the
    /// same point every start, drawn from its category and text), so its officer can open
    /// it on a map; else the kecamatan, with no point.
    fn spot(&self, category: &str, text: &str, place: (&str, &str)) -> anyhow::Result<Place> {
        let catalog = self.state.catalog();
        let region = region_of(&catalog.jurisdiction, place)?;
        let seed = super::seed_of(&format!("{category}:{text}"));
        Ok(match catalog.point_within(&region, seed) {
            Some(at) => Place::AtOrIn(at, region),
            None => Place::In(region),
        })
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
        let t = self.submit("jalan", TEBET, text).await?;
        let sudin = UnitCode::parse("sudin-bina-marga-31.74")?;
        self.act(&self.koordinator, &t, Action::Forward { to: sudin })
            .await?;
        self.act(&self.petugas, &t, Action::Accept).await?;
        Ok(t)
    }

    pub async fn create(&self) -> anyhow::Result<()> {
        let sudin = UnitCode::parse("sudin-bina-marga-31.74")?;
        let dinas = UnitCode::parse("dinas-bina-marga")?;
        let later = Utc::now()
            .date_naive()
            .checked_add_days(Days::new(14))
            .context("date overflow")?;

        let waiting = self
            .submit(
                "jalan",
                TEBET,
                "Jalan berlubang besar di depan sekolah, membahayakan pengendara motor.",
            )
            .await?;
        self.submit(
            "sampah",
            GAMBIR,
            "Sampah menumpuk di pinggir jalan sudah tiga hari tidak diangkut.",
        )
        .await?;

        let t = self
            .submit(
                "jalan",
                SETIABUDI,
                "Aspal jalan mengelupas sepanjang 50 meter setelah hujan deras.",
            )
            .await?;
        self.act(&self.koordinator, &t, Action::Forward { to: dinas.clone() })
            .await?;

        let t = self
            .submit(
                "jalan",
                MAMPANG,
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
            .submit("jalan", TEBET, "tes tes tes tes tes tes")
            .await?;
        let reason = "Bukan laporan: isi tidak jelas.".to_owned();
        self.act(&self.koordinator, &t, Action::Reject { reason })
            .await?;

        let t = self
            .submit(
                "jalan",
                TEBET,
                "Jalan berlubang di depan sekolah, sama seperti laporan tetangga.",
            )
            .await?;
        self.act(&self.koordinator, &t, Action::MarkDuplicate { of: waiting })
            .await?;

        let t = self
            .submit(
                "jalan",
                TEBET,
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
