//! A report's conversation between its reporter and the staff handling it, in SQLite.

use rusqlite::{Connection, params};

use aduan_domain::message::{Message, NewMessage};
use aduan_domain::{ReportId, UserId};

use super::rows::{self, micros, parse_role, parse_unit};
use crate::{StoreError, StoreResult};

/// Append `message`; `NotFound` when its report (or author) does not exist.
pub fn insert(conn: &Connection, message: NewMessage) -> StoreResult<Message> {
    // Keep the precision the database keeps, so the answer equals what is read back.
    let at = rows::instant(micros(message.at))?;
    let body = message.body.into_string();
    conn.prepare_cached(
        "INSERT INTO report_messages (report_id, at, author_id, author_role, author_unit, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .and_then(|mut s| {
        s.execute(params![
            message.report.0,
            micros(at),
            message.author.0,
            message.author_role.code(),
            message.author_unit.as_ref().map(|u| u.as_str()),
            body,
        ])
    })
    .map_err(|e| match e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY =>
        {
            StoreError::NotFound
        }
        other => StoreError::other(other),
    })?;
    Ok(Message {
        id: conn.last_insert_rowid(),
        report: message.report,
        at,
        author: message.author,
        author_role: message.author_role,
        author_unit: message.author_unit,
        body,
    })
}

/// The messages of `report`, oldest first.
pub fn select(conn: &Connection, report: ReportId) -> StoreResult<Vec<Message>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, at, author_id, author_role, author_unit, body
             FROM report_messages WHERE report_id = ?1 ORDER BY id",
        )
        .map_err(StoreError::other)?;
    let mut found = stmt.query([report.0]).map_err(StoreError::other)?;
    let mut out = Vec::new();
    while let Some(row) = found.next().map_err(StoreError::other)? {
        let get = |e: rusqlite::Error| StoreError::other(e);
        out.push(Message {
            id: row.get(0).map_err(get)?,
            report,
            at: rows::instant(row.get(1).map_err(get)?)?,
            author: UserId(row.get(2).map_err(get)?),
            author_role: parse_role(&row.get::<_, String>(3).map_err(get)?)?,
            author_unit: parse_unit(row.get(4).map_err(get)?)?,
            body: row.get(5).map_err(get)?,
        });
    }
    Ok(out)
}
