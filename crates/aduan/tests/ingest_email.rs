//! `aduan ingest email FILE`: a message ingested twice prints the same ticket twice.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

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
