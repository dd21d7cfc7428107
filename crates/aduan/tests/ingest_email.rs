//! `aduan ingest email FILE`: a message ingested twice prints the same ticket twice; the
//! report it files is an e-mail report, private, triaged, and its sender sealed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/server.rs"]
mod server;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use aduan_domain::{Channel, Ticket, Visibility};
use aduan_store::identity::{IdentityKey, Sealer};
use aduan_store::sqlite::SqliteStore;
use aduan_store::{AccountStore, ReportStore, TriageStore};
use serde_json::{Value, json};
use server::serve;

const PACK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../packs/jakarta.json");

const EML: &[u8] = b"From: =?UTF-8?Q?Rina_Maharani?= <rina@contoh.co.id>\r\n\
To: dki@jakarta.go.id\r\n\
Subject: =?UTF-8?Q?Pohon_tumbang_di_Menteng?=\r\n\
Message-ID: <cli-test-1@contoh.co.id>\r\n\
Content-Type: text/plain; charset=UTF-8\r\n\
\r\n\
Pohon besar tumbang menutup Jalan Teuku Umar sejak pagi.\r\n";

fn aduan(dir: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_aduan"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("ADUAN_IDENTITY_KEY")
        .env_remove("ADUAN_DATABASE_URL")
        .output()
        .expect("run aduan");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "aduan {args:?}: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn ingesting_an_email_twice_files_one_report() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("pohon.eml");
    std::fs::write(&file, EML).unwrap();
    let file = file.to_str().unwrap();
    aduan(&data, &["jurisdiction", "import", PACK]);
    let first = aduan(&data, &["ingest", "email", file]);
    let ticket = first
        .trim()
        .strip_prefix(&format!("{file}: "))
        .unwrap_or_else(|| panic!("FILE: TICKET, got {first:?}"))
        .to_owned();
    assert!(ticket.starts_with("JK"), "{first}");
    let second = aduan(&data, &["ingest", "email", file]);
    assert_eq!(
        second.trim(),
        format!("{file}: already filed as {ticket}"),
        "the same ticket again"
    );
    assert!(
        data.join("identity.key").exists(),
        "the key serve would use"
    );
}

/// The sender as the message gives them: none of it may be stored or shown in clear.
const SENDER: [&str; 3] = ["rina@contoh.co.id", "Rina Maharani", "Maharani"];
const PASSWORD: &str = "kunci-rahasia-kantor-42";

/// Create a staff account with the CLI.
fn staff(dir: &Path, username: &str, role: &str) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aduan"))
        .arg("--data-dir")
        .arg(dir)
        .args(["user", "create", username, "--role", role])
        .env_remove("ADUAN_IDENTITY_KEY")
        .env_remove("ADUAN_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Sign in and GET each path; every answer must be a success, and is returned as text.
async fn staff_reads(base: &str, username: &str, paths: &[String]) -> Vec<String> {
    let http = reqwest::Client::new();
    let login: Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": username, "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().expect("a token").to_owned();
    let mut answers = Vec::new();
    for path in paths {
        let resp = http
            .get(format!("{base}/api/v1{path}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        assert!(
            status.is_success(),
            "{username} GET {path}: {status} {text}"
        );
        answers.push(text);
    }
    answers
}

#[tokio::test(flavor = "multi_thread")]
async fn an_ingested_email_is_a_private_triaged_report_with_its_sender_sealed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("pohon.eml");
    std::fs::write(&file, EML).unwrap();
    let file = file.to_str().unwrap();
    aduan(&data, &["jurisdiction", "import", PACK]);
    let said = aduan(&data, &["ingest", "email", file]);
    let ticket = said.trim().strip_prefix(&format!("{file}: ")).unwrap();
    let ticket = Ticket::parse(ticket).unwrap();
    staff(&data, "koordinator", "coordinator");
    staff(&data, "pengawas", "admin");

    // Nothing of the sender is in the database file in clear (nor in its journal).
    for entry in std::fs::read_dir(&data).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("aduan.db") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        for clear in SENDER {
            assert!(
                !bytes
                    .windows(clear.len())
                    .any(|w| w.eq_ignore_ascii_case(clear.as_bytes())),
                "{clear:?} is in {name} in clear"
            );
        }
    }

    let store = SqliteStore::open(&data.join("aduan.db")).unwrap();
    let report = store.report(&ticket).await.unwrap();
    assert_eq!(report.channel, Channel::Email);
    assert_eq!(report.visibility, Visibility::Private);
    assert_eq!(report.reporter, None, "the sender has no account");
    assert!(
        report.description.contains("Pohon besar tumbang"),
        "{}",
        report.description
    );

    // Routed as the triage routes this text: the suggested category when it is confident
    // (the jurisdiction's default otherwise), its first receiver, and in the triage queue
    // with the suggestion, since an e-mail names no point.
    let catalog = aduan_web::Catalog::load(&store).await.unwrap();
    let suggestion = catalog.suggest(&report.description);
    let guess = suggestion
        .category
        .clone()
        .expect("the text names a category");
    let settings = &catalog.jurisdiction.settings;
    let want_category = if guess.confidence >= aduan_web::intake::CONFIDENT {
        guess.code.clone()
    } else {
        settings.default_category.clone().unwrap()
    };
    let suggested_region = suggestion
        .region
        .as_ref()
        .map(|p| p.region.clone())
        .filter(|r| catalog.jurisdiction.first_receiver(r).is_some());
    let want_region = suggested_region
        .clone()
        .or_else(|| settings.default_region.clone())
        .unwrap();
    assert_eq!(report.category, want_category);
    assert_eq!(report.region, want_region);
    // Which is, for this text and the Jakarta pack: a fallen tree, in Kecamatan Menteng
    // (named in the subject).
    assert_eq!(report.category.as_str(), "pohon");
    assert_eq!(report.region.as_str(), "31.71.06");
    assert_eq!(
        Some(&report.first_receiver),
        catalog
            .jurisdiction
            .first_receiver(&want_region)
            .map(|unit| &unit.code)
    );
    assert_eq!(report.holding_unit, report.first_receiver);
    let triage = store.triage(report.id).await.unwrap().expect("triaged");
    assert_eq!(triage.suggested_category, Some(guess.code));
    assert_eq!(triage.confidence, guess.confidence);
    assert_eq!(triage.suggested_region, suggested_region);
    assert_eq!(triage.confirmed_by, None);

    // Staff who read the report, its history and the triage queue see no sender.
    let server = serve(&data);
    let report_path = format!("/reports/{ticket}");
    let timeline = format!("/reports/{ticket}/timeline");
    let messages = format!("/reports/{ticket}/messages");
    let triage_queue = "/triage".to_owned();
    // An admin takes no part in a report's messages.
    let reads = [
        (
            "koordinator",
            vec![
                report_path.clone(),
                timeline.clone(),
                messages,
                triage_queue.clone(),
            ],
        ),
        ("pengawas", vec![report_path, timeline, triage_queue]),
    ];
    for (username, paths) in reads {
        let answers = staff_reads(&server.base, username, &paths).await;
        assert!(
            answers[0].contains(ticket.as_str()),
            "{username} reads the report: {}",
            answers[0]
        );
        for (path, answer) in paths.iter().zip(&answers) {
            for clear in SENDER {
                assert!(
                    !answer.to_lowercase().contains(&clear.to_lowercase()),
                    "{username} GET {path} shows {clear:?}: {answer}"
                );
            }
        }
    }
    drop(server);

    // The audited reveal opens the sealed sender, with the key `aduan serve` uses, and
    // logs who looked and why.
    let admin = store.credentials("pengawas").await.unwrap().user;
    let reason = "Pemeriksaan ancaman terhadap petugas lapangan".to_owned();
    let sealed = store
        .reveal_reporter(report.id, admin.id, reason.clone(), chrono::Utc::now())
        .await
        .unwrap()
        .expect("a sealed sender");
    let key = std::fs::read_to_string(data.join("identity.key")).unwrap();
    let sealer = Sealer::new(&IdentityKey::from_base64(&key).unwrap());
    let identity = sealer.open(&sealed.sealed, sealed.binding()).unwrap();
    assert_eq!(identity.email.as_deref(), Some("rina@contoh.co.id"));
    assert_eq!(identity.name.as_deref(), Some("Rina Maharani"));
    let log = store.identity_access_log(None, 10).await.unwrap();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0].actor, Some(admin.id));
    assert_eq!(log[0].ticket.as_ref(), Some(&ticket));
    assert_eq!(log[0].reason, reason);
}

#[test]
fn a_file_that_is_not_a_mail_fails_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("foto.eml");
    std::fs::write(&file, b"\x89PNG\r\n\x1a\n").unwrap();
    aduan(&data, &["jurisdiction", "import", PACK]);
    let out = Command::new(env!("CARGO_BIN_EXE_aduan"))
        .arg("--data-dir")
        .arg(&data)
        .args(["ingest", "email"])
        .arg(&file)
        .env_remove("ADUAN_IDENTITY_KEY")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an e-mail"));
}
