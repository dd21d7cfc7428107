//! A report's conversation between its reporter and the staff handling it, in PostgreSQL.

use sqlx::PgConnection;
use sqlx::postgres::PgRow;

use aduan_domain::message::{Message, NewMessage};
use aduan_domain::{ReportId, UserId};

use super::db_error;
use super::rows::{self, get, micros, parse_role, parse_unit};
use crate::{StoreError, StoreResult};

/// Append `message`; `NotFound` when its report (or author) does not exist. One statement,
/// so concurrent posts need no lock: each takes the next id of the table's identity.
pub(super) async fn insert(conn: &mut PgConnection, message: NewMessage) -> StoreResult<Message> {
    // Keep the precision the database keeps, so the answer equals what is read back.
    let at = rows::instant(micros(message.at))?;
    let body = message.body.into_string();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO report_messages (report_id, at, author_id, author_role, author_unit, body)
         VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING id",
    )
    .bind(message.report.0)
    .bind(micros(at))
    .bind(message.author.0)
    .bind(message.author_role.code())
    .bind(message.author_unit.as_ref().map(|u| u.as_str()))
    .bind(&body)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| match &e {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
        _ => db_error(e),
    })?;
    Ok(Message {
        id,
        report: message.report,
        at,
        author: message.author,
        author_role: message.author_role,
        author_unit: message.author_unit,
        body,
    })
}

fn message(row: &PgRow, report: ReportId) -> StoreResult<Message> {
    let role: String = get(row, 2)?;
    Ok(Message {
        id: get(row, 0)?,
        report,
        at: rows::instant(get(row, 1)?)?,
        author: UserId(get(row, 3)?),
        author_role: parse_role(&role)?,
        author_unit: parse_unit(get(row, 4)?)?,
        body: get(row, 5)?,
    })
}

/// The messages of `report`, oldest first.
pub(super) async fn select(conn: &mut PgConnection, report: ReportId) -> StoreResult<Vec<Message>> {
    let found = sqlx::query(
        "SELECT id, at, author_role, author_id, author_unit, body
         FROM report_messages WHERE report_id = $1 ORDER BY id",
    )
    .bind(report.0)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_error)?;
    found.iter().map(|row| message(row, report)).collect()
}
