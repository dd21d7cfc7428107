//! The scene of the leak test: two reporters with accounts whose every identity field is a
//! canary, a private report with a photo carrying canary EXIF walked through the whole CRM
//! loop, a public report with contacts in its text, a desk report, and one account of every
//! role; and three reporters without accounts, whose canaries arrive through the channels
//! (SMS and WhatsApp, an X DM, a walk-in citizen's contact at a desk) and whose answers go
//! out through the outbox to a stand-in provider.

use std::sync::Arc;

use chrono::{Days, Utc};
use serde_json::{Value, json};

use aduan_channels::outbound::Deliverer;
use aduan_domain::Role;
use aduan_store::identity::IdentityKey;
use aduan_web::WebConfig;
use aduan_web::outbox::{OutboxWorker, RetryPolicy, RunSummary};

use crate::accounts::full_identity_citizen;
use crate::common::canary::{self, ExifPhoto, Needle, Person, exif_photo};
use crate::common::receiver::{self, Receiver};
use crate::common::{Client, Resp, SUDIN, TestApp, jakarta_today, jpeg, ticket_of};

pub const KECAMATAN: &str = "kecamatan-31.74.01";
pub const DINAS: &str = "dinas-bina-marga";
pub const BIRO: &str = "biro-pemerintahan";
/// A unit with nothing to do with any report here.
pub const ELSEWHERE: &str = "satpol-pp-31.71";

/// Who is asking.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Who {
    Public,
    /// A token that is no session.
    BadToken,
    /// The reporter of R1, registered over HTTP.
    ReporterA,
    /// The reporter of R2, with NIK and channel handle too.
    ReporterB,
    OtherCitizen,
    Operator,
    CoordinatorAll,
    CoordinatorKecamatan,
    OfficerSudin,
    OfficerDinas,
    OfficerElsewhere,
    Validator,
    Admin,
    /// An admin who may reveal identities: does so once per reporter while the scene is
    /// built (the control), and is refused in the sweep (a reason too short).
    IdentityAdmin,
    /// A channel's provider delivering a citizen's message to a webhook: not a viewer.
    Provider,
}

pub struct Viewer {
    pub who: Who,
    pub client: Client,
}

/// A response, with who got it and for what.
pub struct Seen {
    pub who: Who,
    pub what: String,
    pub resp: Resp,
}

pub struct World {
    pub app: TestApp,
    pub a: Person,
    pub b: Person,
    /// The EXIF of A's and B's own photos: never to be seen by anyone.
    pub reporter_exif: Vec<Needle>,
    /// The documentation photo's description and bytes: never to be seen.
    pub doc_exif: Vec<Needle>,
    /// The documentation photo's time and place: evidence for validators only.
    pub doc_evidence: Vec<Needle>,
    /// A's private report, walked through the whole loop to `completed`, with A's photo.
    pub r1: String,
    pub a_photo_url: String,
    pub doc_photo_urls: Vec<String>,
    /// B's report, made public; its text carries a phone number and an e-mail address.
    pub r2: String,
    pub b_photo_url: String,
    /// An operator's desk report, still waiting: no reporter account.
    pub r3: String,
    /// A's second report, documented by the Suku Dinas (with the documentation photo) and
    /// waiting for the validator, whose page shows the evidence beside the report.
    pub r8: String,
    /// C writes by SMS and by WhatsApp (Cloud API, with a profile name); D sends a DM on
    /// X; E walks in at the desk and leaves a name, phone, e-mail and NIK, to hear by SMS.
    /// None has an account here.
    pub c: Person,
    pub d: Person,
    pub e: Person,
    /// D's X account id.
    pub d_user_id: String,
    /// C's SMS: triage confirmed, forwarded to the Dinas, accepted there.
    pub r4: String,
    /// C's WhatsApp message, waiting in the triage queue.
    pub r5: String,
    /// D's DM, waiting in the triage queue.
    pub r6: String,
    /// E's report entered at the desk, rejected with a note.
    pub r7: String,
    /// The channels' providers, to whom the outbox delivered the answers.
    pub provider: Receiver,
    /// What the one run of the outbox worker did.
    pub delivered: RunSummary,
    /// Every photo of every report: (ticket, photo ids).
    pub photos: Vec<(String, Vec<i64>)>,
    /// Planted in R1's description: not identity, so kept in the clear at rest.
    pub plain: String,
    /// The contacts in R2's text: for its reporter only (staff read them masked).
    pub contacts: Vec<Needle>,
    pub viewers: Vec<Viewer>,
    /// The answers to the actions that built the scene.
    pub seen: Vec<Seen>,
}

/// A reporter: every spelling that gives them away, and what they filed.
pub struct Reporter<'a> {
    pub label: &'static str,
    /// Everything, their account name included.
    pub needles: Vec<Needle>,
    /// Their account, which reads them in its own profile.
    pub account: Option<Who>,
    pub tickets: Vec<&'a str>,
}

/// What the audited reveal of `ticket`'s reporter is recorded as.
pub fn reveal(ticket: &str) -> String {
    format!("POST /reports/{ticket}/reporter (the audited reveal)")
}

impl World {
    /// Every report of the scene.
    pub fn tickets(&self) -> [&String; 8] {
        [
            &self.r1, &self.r2, &self.r3, &self.r4, &self.r5, &self.r6, &self.r7, &self.r8,
        ]
    }

    pub fn reporters(&self) -> Vec<Reporter<'_>> {
        let mut d = self.d.all("D");
        d.push(Needle::text("D's X user id", &self.d_user_id));
        vec![
            Reporter {
                label: "A",
                needles: self.a.all("A"),
                account: Some(Who::ReporterA),
                tickets: vec![&self.r1, &self.r8],
            },
            Reporter {
                label: "B",
                needles: self.b.all("B"),
                account: Some(Who::ReporterB),
                tickets: vec![&self.r2],
            },
            Reporter {
                label: "C",
                needles: self.c.all("C"),
                account: None,
                tickets: vec![&self.r4, &self.r5],
            },
            Reporter {
                label: "D",
                needles: d,
                account: None,
                tickets: vec![&self.r6],
            },
            Reporter {
                label: "E",
                needles: self.e.all("E"),
                account: None,
                tickets: vec![&self.r7],
            },
        ]
    }

    /// What must never be at rest in the clear: every reporter's identity (A's account
    /// name aside, which is not identity and is kept in the clear).
    pub fn personal(&self) -> Vec<Needle> {
        let mut out = self.a.personal("A");
        out.extend(self.b.personal("B"));
        out.extend(self.c.personal("C"));
        out.extend(self.d.personal("D"));
        out.push(Needle::text("D's X user id", &self.d_user_id));
        out.extend(self.e.personal("E"));
        out
    }

    /// C's and E's numbers as the SMS gateway spells them.
    pub fn c_number(&self) -> String {
        format!("+62{}", &self.c.phone[1..])
    }

    pub fn e_number(&self) -> String {
        format!("+62{}", &self.e.phone[1..])
    }

    pub fn client(&self, who: Who) -> &Client {
        &self
            .viewers
            .iter()
            .find(|v| v.who == who)
            .unwrap_or_else(|| panic!("no {who:?}"))
            .client
    }

    pub(crate) async fn act(
        &mut self,
        who: Who,
        ticket: &str,
        body: Value,
        photos: Vec<Vec<u8>>,
    ) -> Value {
        let client = self.client(who).clone();
        let resp = if photos.is_empty() {
            client.act(ticket, &body).await
        } else {
            client.act_with_photos(ticket, &body, photos).await
        };
        let view = resp.expect(200);
        self.seen.push(Seen {
            who,
            what: format!("POST {ticket} {}", body["action"]),
            resp,
        });
        view
    }

    /// A message in a report's conversation, as `who`.
    async fn say(&mut self, who: Who, ticket: &str, body: &str) {
        let client = self.client(who).clone();
        let resp = client
            .post_json(
                &format!("/reports/{ticket}/messages"),
                &json!({ "body": body }),
            )
            .await;
        resp.expect(201);
        self.seen.push(Seen {
            who,
            what: format!("POST {ticket}/messages"),
            resp,
        });
    }
}

fn photo_urls(view: &Value, kind: &str) -> Vec<String> {
    view["photos"]
        .as_array()
        .unwrap_or_else(|| panic!("photos: {view}"))
        .iter()
        .filter(|p| p["kind"] == kind)
        .map(|p| p["url"].as_str().expect("a url").to_owned())
        .collect()
}

fn photo_ids(view: &Value) -> Vec<i64> {
    view["photos"]
        .as_array()
        .unwrap_or_else(|| panic!("photos: {view}"))
        .iter()
        .map(|p| p["id"].as_i64().expect("an id"))
        .collect()
}

pub async fn build() -> World {
    let key = IdentityKey::generate();
    let provider = Receiver::start().await;
    let channels = receiver::channels(&provider.base);
    let app = TestApp::spawn_with(WebConfig {
        identity_key: key.clone(),
        ..receiver::web_config(channels.clone())
    })
    .await;
    let (a, b) = (Person::new(), Person::new());
    let reporter_a = app
        .register_client(json!({
            "username": a.username, "display_name": a.name, "phone": a.phone, "email": a.email,
        }))
        .await;
    let reporter_b = full_identity_citizen(&app, &key, &b).await;
    let bad_token = Client {
        token: Some("bm90LWEtcmVhbC10b2tlbi1hdC1hbGwtMDAwMDAwMDAwMDA".into()),
        ..app.anonymous()
    };
    let mut viewers = vec![
        (Who::Public, app.anonymous()),
        (Who::BadToken, bad_token),
        (Who::ReporterA, reporter_a),
        (Who::ReporterB, reporter_b),
        (Who::OtherCitizen, app.register_citizen("warga").await),
        (Who::Operator, app.staff(Role::Operator, None).await),
        (
            Who::CoordinatorAll,
            app.staff(Role::Coordinator, None).await,
        ),
        (
            Who::CoordinatorKecamatan,
            app.staff(Role::Coordinator, Some(KECAMATAN)).await,
        ),
        (
            Who::OfficerSudin,
            app.staff(Role::Officer, Some(SUDIN)).await,
        ),
        (
            Who::OfficerDinas,
            app.staff(Role::Officer, Some(DINAS)).await,
        ),
        (
            Who::OfficerElsewhere,
            app.staff(Role::Officer, Some(ELSEWHERE)).await,
        ),
        (Who::Validator, app.staff(Role::Validator, Some(BIRO)).await),
        (Who::Admin, app.staff(Role::Admin, None).await),
        (Who::IdentityAdmin, app.identity_admin().await),
    ];
    let viewers = viewers
        .drain(..)
        .map(|(who, client)| Viewer { who, client })
        .collect();

    // The photos: the reporters' own, whose EXIF says where they live, and an officer's.
    let a_photo = exif_photo(
        &format!("exif-kanari-{}", canary::unique_digits()),
        (6, 15, 4123),
        (106, 50, 1111),
        "2019:07:14 05:43:21",
        ["6.2614527", "106.8364194"],
    );
    let b_photo = exif_photo(
        &format!("exif-kanari-{}", canary::unique_digits()),
        (6, 21, 1717),
        (106, 47, 2929),
        "2018:03:09 22:10:05",
        ["6.3547694", "106.7914694"],
    );
    let doc_photo: ExifPhoto = exif_photo(
        &format!("exif-dokumentasi-{}", canary::unique_digits()),
        (6, 10, 3144),
        (106, 49, 3792),
        "2024:11:28 09:15:30",
        ["6.1754", "106.8272"],
    );
    let plain = format!("deskripsi-kanari-{}", canary::unique_digits());
    let contact_phone = format!("0857{}", canary::unique_digits());
    let contact_email = format!("kontak.{}@example.net", canary::unique_digits());
    let mut reporter_exif = a_photo.needles.clone();
    reporter_exif.extend(b_photo.needles.iter().cloned());
    let (doc_exif, doc_evidence) = doc_photo
        .needles
        .iter()
        .cloned()
        .partition(|n| n.label.contains("description") || n.label.contains("raw"));
    let mut world = World {
        app,
        a,
        b,
        reporter_exif,
        doc_exif,
        doc_evidence,
        r1: String::new(),
        a_photo_url: String::new(),
        doc_photo_urls: Vec::new(),
        r2: String::new(),
        b_photo_url: String::new(),
        r3: String::new(),
        r8: String::new(),
        c: Person::new(),
        d: Person::new(),
        e: Person::new(),
        d_user_id: format!("19{}{}", canary::unique_digits(), canary::unique_digits()),
        r4: String::new(),
        r5: String::new(),
        r6: String::new(),
        r7: String::new(),
        provider,
        delivered: RunSummary::default(),
        photos: Vec::new(),
        plain: plain.clone(),
        contacts: vec![
            Needle::text("R2's contact phone", &contact_phone),
            Needle::text("R2's contact phone (857...)", &contact_phone[1..]),
            Needle::text("R2's contact e-mail", &contact_email),
        ],
        viewers,
        seen: Vec::new(),
    };

    // R1: A's private report with A's photo, through the whole loop.
    let body = json!({
        "category": "jalan",
        "description": format!("Jalan berlubang dalam di depan gang, {plain}, membahayakan motor."),
        "location": {"region": "31.74.01"},
    });
    let resp = world
        .client(Who::ReporterA)
        .submit_with_photos(&body, vec![a_photo.jpeg.clone()])
        .await;
    let view = resp.expect(201);
    world.r1 = ticket_of(&view);
    world.a_photo_url = photo_urls(&view, "report").pop().expect("A's photo");
    world.seen.push(Seen {
        who: Who::ReporterA,
        what: "POST /reports".into(),
        resp,
    });
    let r1 = world.r1.clone();
    let ews = jakarta_today()
        .checked_add_days(Days::new(7))
        .expect("a date")
        .to_string();
    let steps = [
        (
            Who::CoordinatorAll,
            json!({"action": "forward", "unit": DINAS}),
        ),
        (
            Who::OfficerDinas,
            json!({"action": "dispose", "unit": SUDIN}),
        ),
        (Who::OfficerSudin, json!({"action": "accept"})),
        (
            Who::OfficerSudin,
            json!({"action": "schedule", "estimated_completion": ews}),
        ),
    ];
    for (who, body) in steps {
        world.act(who, &r1, body, vec![]).await;
    }
    let note = json!({"action": "submit_followup", "note": "Lubang sudah ditambal."});
    world
        .act(Who::OfficerSudin, &r1, note, vec![doc_photo.jpeg.clone()])
        .await;
    let reason = "Foto tidak menunjukkan lokasi yang dilaporkan.";
    let steps = [
        (
            Who::Validator,
            json!({"action": "reject_followup", "reason": reason}),
        ),
        (Who::OfficerSudin, json!({"action": "accept"})),
    ];
    for (who, body) in steps {
        world.act(who, &r1, body, vec![]).await;
    }
    let redo =
        json!({"action": "submit_followup", "note": "Ditambal ulang, foto dengan papan nama."});
    world.act(Who::OfficerSudin, &r1, redo, vec![jpeg()]).await;
    let done = world
        .act(Who::Validator, &r1, json!({"action": "validate"}), vec![])
        .await;
    assert_eq!(done["state"], "completed", "{done}");
    // A talks with the Suku Dinas through the system: what staff read of it is swept too.
    world
        .say(
            Who::ReporterA,
            &r1,
            "Terima kasih, jalannya sudah rata kembali.",
        )
        .await;
    world
        .say(
            Who::OfficerSudin,
            &r1,
            "Sama-sama, terima kasih atas laporannya.",
        )
        .await;
    let mine = world
        .client(Who::ReporterA)
        .get_report(&r1)
        .await
        .expect(200);
    assert_eq!(mine["visibility"], "private");
    world.doc_photo_urls = photo_urls(&mine, "followup");
    assert_eq!(world.doc_photo_urls.len(), 2, "{mine}");
    world.photos.push((r1.clone(), photo_ids(&mine)));

    // R2: B's report, forwarded to the Dinas by the kecamatan, then made public by B.
    let body = json!({
        "category": "jalan",
        "description": format!(
            "Trotoar rusak parah. Kalau perlu hubungi {contact_phone} atau {contact_email}."
        ),
        "location": {"region": "31.74.01"},
    });
    let resp = world
        .client(Who::ReporterB)
        .submit_with_photos(&body, vec![b_photo.jpeg.clone()])
        .await;
    let view = resp.expect(201);
    world.r2 = ticket_of(&view);
    world.b_photo_url = photo_urls(&view, "report").pop().expect("B's photo");
    world.seen.push(Seen {
        who: Who::ReporterB,
        what: "POST /reports".into(),
        resp,
    });
    let r2 = world.r2.clone();
    let forward = json!({"action": "forward", "unit": DINAS});
    world
        .act(Who::CoordinatorKecamatan, &r2, forward, vec![])
        .await;
    let public = world
        .act(
            Who::ReporterB,
            &r2,
            json!({"action": "make_public"}),
            vec![],
        )
        .await;
    world
        .say(
            Who::ReporterB,
            &r2,
            "Apakah trotoarnya akan diperbaiki bulan ini?",
        )
        .await;
    world
        .say(
            Who::OfficerDinas,
            &r2,
            "Sudah masuk jadwal perbaikan bulan ini.",
        )
        .await;
    world.photos.push((r2, photo_ids(&public)));

    // R3: entered at the Balai Kota desk for a walk-in citizen.
    let resp = world
        .client(Who::Operator)
        .submit_report(&json!({
            "category": "jalan",
            "description": "Warga datang ke Balai Kota: lampu jalan mati sepanjang gang.",
            "location": {"region": "31.74.01"},
        }))
        .await;
    world.r3 = ticket_of(&resp.expect(201));
    world.seen.push(Seen {
        who: Who::Operator,
        what: "POST /reports".into(),
        resp,
    });

    // R8: A's again, documented and waiting for the validator.
    let resp = world
        .client(Who::ReporterA)
        .submit_report(&json!({
            "category": "jalan",
            "description": "Saluran di tepi jalan tertutup tanah sisa galian, air menggenang.",
            "location": {"region": "31.74.01"},
        }))
        .await;
    world.r8 = ticket_of(&resp.expect(201));
    world.seen.push(Seen {
        who: Who::ReporterA,
        what: "POST /reports (R8)".into(),
        resp,
    });
    let r8 = world.r8.clone();
    let steps = [
        (
            Who::CoordinatorAll,
            json!({"action": "forward", "unit": DINAS}),
        ),
        (
            Who::OfficerDinas,
            json!({"action": "dispose", "unit": SUDIN}),
        ),
        (Who::OfficerSudin, json!({"action": "accept"})),
    ];
    for (who, body) in steps {
        world.act(who, &r8, body, vec![]).await;
    }
    let note = json!({"action": "submit_followup", "note": "Saluran sudah dibersihkan."});
    let documented = world
        .act(Who::OfficerSudin, &r8, note, vec![doc_photo.jpeg.clone()])
        .await;
    assert_eq!(documented["state"], "awaiting_validation", "{documented}");
    world.photos.push((r8, photo_ids(&documented)));

    crate::channel_reporters::without_accounts(&mut world).await;
    crate::channel_reporters::reveal_every_reporter(&mut world).await;
    // The outbox worker answers everyone on their channel, once.
    let deliverer = Arc::new(Deliverer::new(&channels).expect("a deliverer"));
    let worker = OutboxWorker::new(world.app.state.clone(), deliverer, RetryPolicy::default());
    world.delivered = worker.run_once(Utc::now()).await.expect("run the outbox");
    world
}
