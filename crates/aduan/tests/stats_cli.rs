//! `aduan stats` on reports made through the store with set times: local months and years
//! in Jakarta time, category filters, empty periods, JSON and the Indonesian report, and
//! refused input.

// A broken fixture is a failed test, not a bug to handle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

use chrono::{DateTime, Duration, TimeZone, Utc};

use aduan_domain::report::{FollowupPhotos, NewReport};
use aduan_domain::stepping::ActionRecord;
use aduan_domain::workflow::Transition;
use aduan_domain::{
    ActionKind, CategoryCode, Channel, RegionCode, ReportState, Role, TicketPrefix, UnitCode,
};
use aduan_store::sqlite::SqliteStore;
use aduan_store::{AccountStore, NewUser, ReportStore};

const PACK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../packs/jakarta.json");

fn aduan(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aduan"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run aduan")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn change(action: ActionKind, from: ReportState, to: ReportState) -> Transition {
    Transition {
        action,
        from,
        to,
        new_holding_unit: None,
        marks_coordinated: to == ReportState::InProgress,
        marks_completed: to == ReportState::Completed,
        new_visibility: None,
        estimated_completion: None,
    }
}

/// The Jakarta pack and five reports at the edges of Jakarta's months and years.
async fn seed(data_dir: &Path) {
    stdout(&aduan(data_dir, &["jurisdiction", "import", PACK]));
    let store = SqliteStore::open(&data_dir.join("aduan.db")).unwrap();
    let lurah = store
        .create_user(NewUser {
            username: "koordinator".into(),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$salt$x".into(),
            display_name: Some("Koordinator".into()),
            role: Role::Coordinator,
            unit: None,
            can_view_identity: false,
            sealed_identity: None,
            created_at: utc(2020, 1, 1, 0, 0),
        })
        .await
        .unwrap();
    let file = |cat: &str, place: &str, channel: Channel, key: &str, at: DateTime<Utc>| {
        let report = NewReport {
            category: CategoryCode::parse(cat).unwrap(),
            description: "Laporan uji statistik".into(),
            staff_description: None,
            location: None,
            region: RegionCode::parse(place).unwrap(),
            address: None,
            channel,
            first_receiver: UnitCode::parse("dinas-bina-marga").unwrap(),
            reporter: None,
            entered_by: None,
            submitted_by_role: Role::Citizen,
            photos: vec![],
            reporter_identity: None,
            channel_message_id: None,
            reply_route: None,
            reporter_key: Some(key.to_owned()),
            fetch_media: Vec::new(),
            triage: None,
        };
        let date = at.with_timezone(&chrono_tz::Asia::Jakarta).date_naive();
        let jk = TicketPrefix::parse("JK").unwrap();
        let store = &store;
        async move { store.submit_report(report, jk, date, at).await.unwrap() }
    };
    let step = |report: aduan_domain::report::Report, t: Transition, at: DateTime<Utc>| {
        let rec = ActionRecord {
            actor: lurah.id,
            actor_role: lurah.role,
            actor_unit: None,
            at,
            note: None,
            target: None,
            photos: FollowupPhotos::default(),
        };
        let store = &store;
        async move {
            store
                .apply_transition(report.id, report.version, t, rec)
                .await
                .unwrap()
        }
    };
    use ReportState::*;
    // 23:59 WIB on 31 December 2020, then 00:00 WIB on 1 January 2021.
    file(
        "jalan",
        "31.74.01",
        Channel::parse("jaki").unwrap(),
        "k0",
        utc(2020, 12, 31, 16, 59),
    )
    .await;
    file(
        "sampah",
        "31.72.01",
        Channel::Sms,
        "k3",
        utc(2020, 12, 31, 17, 0),
    )
    .await;
    // 23:59 WIB on 31 January: January; forwarded, not yet taken.
    let late = file(
        "jalan",
        "31.74.01",
        Channel::parse("jaki").unwrap(),
        "k1",
        utc(2021, 1, 31, 16, 59),
    )
    .await;
    step(
        late,
        change(ActionKind::Forward, Waiting, Coordination),
        utc(2021, 2, 1, 1, 0),
    )
    .await;
    // 00:30 WIB on 1 February (31 January in UTC): February; taken after 2 hours, completed
    // after 26.
    let at = utc(2021, 1, 31, 17, 30);
    let early = file(
        "jalan",
        "31.74.01",
        Channel::parse("jaki").unwrap(),
        "k1",
        at,
    )
    .await;
    let early = step(
        early,
        change(ActionKind::Accept, Waiting, InProgress),
        at + Duration::hours(2),
    )
    .await;
    step(
        early,
        change(ActionKind::Validate, InProgress, Completed),
        at + Duration::hours(26),
    )
    .await;
    file(
        "pohon",
        "31.71.01",
        Channel::Twitter,
        "k2",
        utc(2021, 2, 10, 0, 0),
    )
    .await;
}

#[tokio::test]
async fn stats_count_by_local_days_and_categories() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path()).await;
    let json = |args: &[&str]| {
        let mut all = vec!["stats", "--json"];
        all.extend_from_slice(args);
        stdout(&aduan(dir.path(), &all))
    };

    assert_eq!(
        json(&["--from", "2021-01-01", "--to", "2021-03-01"]),
        concat!(
            r#"{"from":"2021-01-01","to":"2021-03-01","reports":4,"reporters":3,"#,
            r#""by_status":{"waiting":2,"coordination":1,"disposition":0,"in_progress":0,"#,
            r#""scheduled":0,"awaiting_validation":0,"followup_rejected":0,"completed":1,"#,
            r#""rejected":0,"duplicate":0,"referred":0},"#,
            r#""completed_pct":25.0,"coordination_pct":25.0,"#,
            r#""avg_coordination_hours":2.0,"avg_completion_hours":26.0,"#,
            r#""by_category":[{"category":"Jalan","reports":2},{"category":"Pohon","reports":1},"#,
            r#"{"category":"Sampah","reports":1}],"#,
            r#""by_channel":[{"channel":"jaki","reports":2,"reporters":1},"#,
            r#"{"channel":"sms","reports":1,"reporters":1},"#,
            r#"{"channel":"twitter","reports":1,"reporters":1}],"#,
            r#""by_month":[{"month":"2021-01","reports":2},{"month":"2021-02","reports":2}],"#,
            r#""by_kota":[{"kota":"Kota Administrasi Jakarta Selatan","reports":2},"#,
            r#"{"kota":"Kota Administrasi Jakarta Pusat","reports":1},"#,
            r#"{"kota":"Kota Administrasi Jakarta Utara","reports":1}]}"#,
            "\n"
        )
    );

    // Categories by name in any case, or by code.
    let filtered: serde_json::Value = serde_json::from_str(&json(&[
        "--from",
        "2021-01-01",
        "--to",
        "2021-03-01",
        "--category",
        "JALAN",
        "--category",
        "pohon",
    ]))
    .unwrap();
    assert_eq!(filtered["reports"], 3);
    assert_eq!(filtered["reporters"], 2);
    assert_eq!(filtered["completed_pct"], 33.3);
    assert_eq!(
        filtered["by_month"],
        serde_json::json!([
        {"month": "2021-01", "reports": 1}, {"month": "2021-02", "reports": 2}])
    );

    // The year's edge: 23:59 WIB belongs to the old year, 00:00 WIB to the new.
    let eve: serde_json::Value =
        serde_json::from_str(&json(&["--from", "2020-12-01", "--to", "2021-01-01"])).unwrap();
    assert_eq!(
        eve["by_month"],
        serde_json::json!([{"month": "2020-12", "reports": 1}])
    );
    assert_eq!(
        eve["by_category"],
        serde_json::json!([{"category": "Jalan", "reports": 1}])
    );
    let new_year: serde_json::Value =
        serde_json::from_str(&json(&["--from", "2021-01-01", "--to", "2021-01-02"])).unwrap();
    assert_eq!(
        new_year["by_category"],
        serde_json::json!([{"category": "Sampah", "reports": 1}])
    );

    // An empty period: zeros, averages null.
    let empty: serde_json::Value =
        serde_json::from_str(&json(&["--from", "2022-01-01", "--to", "2022-01-02"])).unwrap();
    assert_eq!(empty["reports"], 0);
    assert_eq!(empty["reporters"], 0);
    assert_eq!(empty["completed_pct"], 0.0);
    assert_eq!(empty["avg_coordination_hours"], serde_json::Value::Null);
    assert_eq!(empty["avg_completion_hours"], serde_json::Value::Null);
    assert_eq!(empty["by_status"]["waiting"], 0);
    assert_eq!(empty["by_category"], serde_json::json!([]));
    assert_eq!(
        empty["by_month"],
        serde_json::json!([{"month": "2022-01", "reports": 0}])
    );

    let report = stdout(&aduan(
        dir.path(),
        &[
            "stats",
            "--from",
            "2021-01-01",
            "--to",
            "2021-03-01",
            "--category",
            "Jalan",
        ],
    ));
    for line in [
        "Statistik laporan 1 Januari 2021 s.d. 28 Februari 2021",
        "Kategori: Jalan",
        "Jumlah laporan: 2 dari 1 pelapor",
        "Selesai: 50,0%",
        "Koordinasi: 50,0%",
        "Rata-rata waktu koordinasi: 2,00 jam",
        "Rata-rata waktu penyelesaian: 26,00 jam",
        "  Menunggu: 0",
        "  Selesai: 1",
        "  JAKI: 2 laporan dari 1 pelapor",
        "  Januari 2021: 1",
        "  Februari 2021: 1",
        "  Kota Administrasi Jakarta Selatan: 2",
    ] {
        assert!(
            report.lines().any(|l| l == line),
            "{line:?} missing from\n{report}"
        );
    }
}

#[tokio::test]
async fn bad_input_prints_a_reason_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path()).await;
    for (args, reason) in [
        (
            vec!["--from", "2021-13-01", "--to", "2022-01-01"],
            "2021-13-01",
        ),
        (
            vec!["--from", "2021-01-01", "--to", "31-12-2021"],
            "31-12-2021",
        ),
        (
            vec!["--from", "2021-02-01", "--to", "2021-02-01"],
            "must be after",
        ),
        (
            vec![
                "--from",
                "2021-01-01",
                "--to",
                "2022-01-01",
                "--category",
                "Banjir Kanal",
            ],
            "Banjir Kanal",
        ),
    ] {
        let mut all = vec!["stats", "--json"];
        all.extend_from_slice(&args);
        // Even with backtraces asked for, the reason is all that is printed.
        let output = Command::new(env!("CARGO_BIN_EXE_aduan"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(&all)
            .env("RUST_LOG", "warn")
            .env("RUST_BACKTRACE", "1")
            .output()
            .expect("run aduan");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("aduan stats: "), "{args:?}: {stderr}");
        assert!(stderr.contains(reason), "{args:?}: {stderr}");
    }
}
