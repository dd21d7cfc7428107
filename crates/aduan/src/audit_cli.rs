//! `aduan audit export`: the identity access log of a period of local days (who looked at
//! which report's reporter, when, and why), as JSON lines or CSV, streamed a page at a time.

use std::io::Write;

use anyhow::{Context, bail};
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use aduan_domain::Jurisdiction;
use aduan_domain::stats::Period;
use aduan_store::{IdentityAccess, Store};

use crate::cli::{AuditExportArgs, AuditFormat};

/// Entries read from the store at once.
const PAGE: u32 = 500;

/// Write the entries of `[from, to)` to `out`; how many were written.
pub async fn export(
    store: &dyn Store,
    args: &AuditExportArgs,
    out: &mut impl Write,
) -> anyhow::Result<u64> {
    let period = Period::parse(&args.from, &args.to)?;
    let Some(data) = store.jurisdiction().await? else {
        bail!("no jurisdiction is loaded yet: run `aduan jurisdiction import FILE` first");
    };
    let jurisdiction = Jurisdiction::stored(data).context("the stored jurisdiction is invalid")?;
    let zone = jurisdiction.settings.time_zone;
    let (from, to) = (start_of(zone, period.from())?, start_of(zone, period.to())?);
    if args.format == AuditFormat::Csv {
        writeln!(out, "id,at,action,actor_id,actor,ticket,reason,detail")?;
    }
    let (mut after, mut written) = (None, 0u64);
    loop {
        let page = store.identity_access_between(from, to, after, PAGE).await?;
        let Some(last) = page.last() else {
            break;
        };
        after = Some(last.id);
        for entry in &page {
            match args.format {
                AuditFormat::Jsonl => writeln!(out, "{}", json_line(entry))?,
                AuditFormat::Csv => writeln!(out, "{}", csv_line(entry))?,
            }
            written += 1;
        }
    }
    out.flush()?;
    Ok(written)
}

/// The first instant of a local day.
fn start_of(zone: Tz, day: NaiveDate) -> anyhow::Result<DateTime<Utc>> {
    zone.from_local_datetime(&day.and_time(NaiveTime::MIN))
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .with_context(|| format!("{day} has no midnight in {}", zone.name()))
}

fn at(entry: &IdentityAccess) -> String {
    entry
        .at
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

fn json_line(entry: &IdentityAccess) -> serde_json::Value {
    serde_json::json!({
        "id": entry.id,
        "at": at(entry),
        "action": entry.action.code(),
        "actor_id": entry.actor.map(|a| a.0),
        "actor": entry.actor_username,
        "ticket": entry.ticket.as_ref().map(|t| t.as_str()),
        "reason": entry.reason,
        "detail": entry.detail,
    })
}

fn csv_line(entry: &IdentityAccess) -> String {
    [
        entry.id.to_string(),
        at(entry),
        entry.action.code().to_owned(),
        entry.actor.map(|a| a.0.to_string()).unwrap_or_default(),
        csv_field(entry.actor_username.as_deref().unwrap_or_default()),
        csv_field(
            entry
                .ticket
                .as_ref()
                .map(|t| t.as_str())
                .unwrap_or_default(),
        ),
        csv_field(&entry.reason),
        csv_field(entry.detail.as_deref().unwrap_or_default()),
    ]
    .join(",")
}

/// A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. A field
/// a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return first)
/// gets a leading `'`: the reasons are typed by people.
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("perintah pengadilan"), "perintah pengadilan");
        assert_eq!(csv_field("a, \"b\"\nc"), "\"a, \"\"b\"\"\nc\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-1"), "'-1");
    }
}
