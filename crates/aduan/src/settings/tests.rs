//! The layers resolved as `main` resolves them, on a temporary file, a given environment
//! and given flags (no process environment is read or changed).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use clap::Parser;

use super::*;
use crate::cli::Cli;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect()
}

fn flags(args: &[&str]) -> Vec<Flag> {
    let mut argv = vec!["aduan"];
    argv.extend(args);
    Cli::try_parse_from(argv)
        .expect("the arguments parse")
        .flags()
}

fn file(dir: &Path, content: &str) -> PathBuf {
    let path = dir.join("aduan.toml");
    std::fs::write(&path, content).unwrap();
    path
}

fn loaded(file: Option<&Path>, env: &[(&str, &str)], args: &[&str]) -> Settings {
    match load(file, self::env(env), flags(args), false) {
        Ok(loaded) => loaded.settings,
        Err(problems) => panic!("{problems}"),
    }
}

fn problems(file: Option<&Path>, env: &[(&str, &str)], args: &[&str]) -> String {
    match load(file, self::env(env), flags(args), false) {
        Ok(_) => panic!("the configuration was accepted"),
        Err(problems) => problems.to_string(),
    }
}

#[test]
fn defaults_then_the_file_then_the_environment_then_the_flags() {
    let dir = tempfile::tempdir().unwrap();
    let config = file(
        dir.path(),
        "data_dir = \"/srv/aduan\"\n[server]\nlisten = \"127.0.0.1:7000\"\n[backup]\nkeep = 3\n",
    );
    let defaults = loaded(None, &[], &["serve"]);
    assert_eq!(defaults.server.listen.to_string(), "127.0.0.1:8080");
    assert_eq!(defaults.data_dir, PathBuf::from("./aduan-data"));
    assert_eq!(defaults.backup.keep, 7);

    let from_file = loaded(Some(&config), &[], &["serve"]);
    assert_eq!(from_file.server.listen.to_string(), "127.0.0.1:7000");
    assert_eq!(from_file.data_dir, PathBuf::from("/srv/aduan"));
    assert_eq!(from_file.backup.keep, 3);
    assert_eq!(
        from_file.origins.of("backup.keep"),
        config.display().to_string()
    );
    assert_eq!(
        from_file.backup.every,
        Span::secs(86_400),
        "untouched keys keep their default"
    );

    let environment = [
        ("ADUAN_LISTEN", "127.0.0.1:7001"),
        ("ADUAN_BACKUP_KEEP", "4"),
    ];
    let from_env = loaded(Some(&config), &environment, &["serve"]);
    assert_eq!(from_env.server.listen.to_string(), "127.0.0.1:7001");
    assert_eq!(from_env.backup.keep, 4);
    assert_eq!(from_env.origins.of("server.listen"), "ADUAN_LISTEN");

    let from_flags = loaded(
        Some(&config),
        &environment,
        &["serve", "--listen", "127.0.0.1:7002", "--backup-keep", "5"],
    );
    assert_eq!(from_flags.server.listen.to_string(), "127.0.0.1:7002");
    assert_eq!(from_flags.backup.keep, 5);
    assert_eq!(from_flags.origins.of("backup.keep"), "--backup-keep");
    assert_eq!(from_flags.data_dir, PathBuf::from("/srv/aduan"));
}

#[test]
fn every_key_has_its_environment_variable_and_the_old_names_still_work() {
    let shape = layers::tests_support::leaf_keys();
    assert!(shape.len() > 20, "{shape:?}");
    for key in shape {
        let name = format!("ADUAN_{}", key.replace('.', "_").to_ascii_uppercase());
        assert_eq!(
            layers::tests_support::env_key(&name).as_deref(),
            Some(key.as_str()),
            "{name}"
        );
    }
    let set = loaded(
        None,
        &[
            ("ADUAN_TRUSTED_PROXIES", "10.0.0.1, ::1"),
            ("ADUAN_RATE_LIMITS", "off"),
            ("ADUAN_INSECURE_COOKIES", "true"),
            ("ADUAN_STAFF_SESSION_HOURS", "8"),
            ("ADUAN_CHANNELS", "/etc/aduan/channels.json"),
            ("ADUAN_LOG_FORMAT", "json"),
            ("ADUAN_OUTBOX_FIRST_RETRY", "1m"),
            // Not settings: left alone.
            ("ADUAN_TEST_POSTGRES_URL", "postgres://x"),
            ("ADUAN_CONFIG", "/nowhere.toml"),
            // Empty: unset.
            ("ADUAN_PUBLIC_URL", ""),
        ],
        &["backup", "--to", "x"],
    );
    assert_eq!(set.server.trusted_proxies.len(), 2);
    assert!(!set.limits.rate_limits);
    assert!(set.server.insecure_cookies);
    assert_eq!(set.sessions.staff_hours, 8);
    assert_eq!(
        set.channels.file.as_deref(),
        Some(Path::new("/etc/aduan/channels.json"))
    );
    assert_eq!(set.server.log_format, LogFormat::Json);
    assert_eq!(set.outbox.retry_policy().first_delay.as_secs(), 60);
    assert_eq!(set.server.public_url, None);
}

#[test]
fn a_secret_file_is_read_and_a_higher_layer_replaces_the_pair() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("url");
    std::fs::write(&secret, "postgres://aduan:s3cret@db/aduan\n").unwrap();
    let config = file(
        dir.path(),
        &format!(
            "[database]\nurl_file = {:?}\n",
            secret.display().to_string()
        ),
    );
    let from_file = loaded(Some(&config), &[], &["migrate"]);
    let url = from_file.database.url.as_ref().unwrap();
    assert_eq!(url.expose(), "postgres://aduan:s3cret@db/aduan");
    assert!(!format!("{from_file:?}").contains("s3cret"));
    assert!(!from_file.to_toml().contains("s3cret"));

    let replaced = loaded(
        Some(&config),
        &[("ADUAN_DATABASE_URL", "sqlite:///tmp/a.db")],
        &["migrate"],
    );
    assert_eq!(
        replaced.database.url.unwrap().expose(),
        "sqlite:///tmp/a.db"
    );
    assert_eq!(replaced.database.url_file, None);

    let both = problems(
        None,
        &[
            ("ADUAN_DATABASE_URL", "sqlite:///tmp/a.db"),
            ("ADUAN_DATABASE_URL_FILE", &secret.display().to_string()),
        ],
        &["migrate"],
    );
    assert!(
        both.contains("database.url (in ADUAN_DATABASE_URL)"),
        "{both}"
    );
    assert!(
        both.contains("database.url_file (in ADUAN_DATABASE_URL_FILE)"),
        "{both}"
    );
}

#[test]
fn every_problem_is_listed_with_its_key_and_origin() {
    let dir = tempfile::tempdir().unwrap();
    let config = file(
        dir.path(),
        "lisen = 1\n[server]\nlisten = \"nowhere\"\ntrusted_proxies = [\"10.0.0.1\", \"proxy\"]\n\
         [limits]\nrate_limits = \"mungkin\"\nregistrations_per_hour = 0\n[backup]\nevery = \"30s\"\n",
    );
    let listed = problems(
        Some(&config),
        &[("ADUAN_SESSIONS_STAFF_HOURS", "999")],
        &["serve"],
    );
    let shown = config.display().to_string();
    for expected in [
        "lisen: unknown key",
        "server.listen: ",
        "server.trusted_proxies",
        "limits.rate_limits: ",
        "limits.registrations_per_hour (in ",
        "backup.every (in ",
        "sessions.staff_hours (in ADUAN_SESSIONS_STAFF_HOURS)",
    ] {
        assert!(listed.contains(expected), "{expected}: {listed}");
    }
    assert!(listed.contains(&shown));
    assert!(listed.lines().count() >= 7, "{listed}");
}

#[test]
fn a_missing_config_file_is_an_error_not_an_empty_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("aduan.toml");
    let said = problems(Some(&missing), &[], &["serve"]);
    assert!(
        said.contains("cannot read the configuration file"),
        "{said}"
    );
    let broken = file(dir.path(), "[database]\nurl = \"postgres://a:s3cret@db/a\n");
    let said = problems(Some(&broken), &[], &["serve"]);
    assert!(said.contains(&broken.display().to_string()), "{said}");
    assert!(said.contains("line 2"), "{said}");
    assert!(!said.contains("s3cret"), "{said}");
}
