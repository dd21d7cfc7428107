//! The PostgreSQL side, all inside the one transaction the copy runs in: lock the tables,
//! check that they are empty, insert rows in batches, move the id sequences on, and read
//! every table back for its checksum.

use anyhow::{Context, bail};
use sqlx::postgres::{PgArguments, PgRow};
use sqlx::query::Query;
use sqlx::{PgConnection, Postgres, Row};

use super::checksum::{Checksum, TableDigest, Value};
use super::tables::{Kind, TABLES, Table, quoted};

/// PostgreSQL's limit on bound parameters in one statement.
const MAX_PARAMETERS: usize = 65_535;
/// Rows per INSERT, at most.
const MAX_BATCH_ROWS: usize = 1_000;
/// Bytes of values per INSERT, roughly: photos are large.
pub const MAX_BATCH_BYTES: usize = 8 << 20;

/// Lock every table against other writers for the rest of the transaction (readers still
/// read), waiting at most `lock_timeout` for an aduan instance's open transactions.
pub async fn lock_tables(tx: &mut PgConnection) -> anyhow::Result<()> {
    sqlx::query("SET LOCAL lock_timeout = '15s'")
        .execute(&mut *tx)
        .await?;
    let names = TABLES
        .iter()
        .map(|t| quoted(t.name))
        .collect::<Vec<_>>()
        .join(", ");
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "LOCK TABLE {names} IN EXCLUSIVE MODE"
    )))
    .execute(&mut *tx)
    .await
    .context("cannot lock the target's tables (is an aduan instance writing to it?)")?;
    Ok(())
}

/// The names of the target's tables that hold any row.
pub async fn tables_with_rows(tx: &mut PgConnection) -> anyhow::Result<Vec<&'static str>> {
    let mut full = Vec::new();
    for table in TABLES {
        let any: bool = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT EXISTS (SELECT 1 FROM {})",
            quoted(table.name)
        )))
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        if any {
            full.push(table.name);
        }
    }
    Ok(full)
}

/// How many rows of `table` one INSERT takes.
pub fn batch_rows(table: &Table) -> usize {
    (MAX_PARAMETERS / table.columns.len()).min(MAX_BATCH_ROWS)
}

/// Insert `rows` into `table` with one multi-row INSERT of bound parameters.
pub async fn insert(
    tx: &mut PgConnection,
    table: &Table,
    rows: Vec<Vec<Value>>,
) -> anyhow::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let width = table.columns.len();
    let tuples = (0..rows.len())
        .map(|r| {
            let params = (1..=width)
                .map(|c| format!("${}", r * width + c))
                .collect::<Vec<_>>()
                .join(", ");
            format!("({params})")
        })
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO {} ({}) VALUES {tuples}",
        quoted(table.name),
        table.column_list()
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for row in rows {
        for (value, kind) in row.into_iter().zip(table.kinds()) {
            query = bind(query, kind, value);
        }
    }
    query
        .execute(&mut *tx)
        .await
        .with_context(|| format!("cannot insert into {}", table.name))?;
    Ok(())
}

type PgQuery<'q> = Query<'q, Postgres, PgArguments>;

/// Bind one value; a NULL gets its column's type.
fn bind(query: PgQuery<'_>, kind: Kind, value: Value) -> PgQuery<'_> {
    match value {
        Value::Null => match kind {
            Kind::Int => query.bind(None::<i64>),
            Kind::Real => query.bind(None::<f64>),
            Kind::F32 => query.bind(None::<f32>),
            Kind::Text => query.bind(None::<String>),
            Kind::Bytes => query.bind(None::<Vec<u8>>),
            Kind::Bool => query.bind(None::<bool>),
        },
        Value::Int(i) => query.bind(i),
        Value::Real(f) => query.bind(f),
        Value::F32(f) => query.bind(f),
        Value::Text(s) => query.bind(s),
        Value::Bytes(b) => query.bind(b),
        Value::Bool(b) => query.bind(b),
    }
}

/// Reports whose public search text is written per batch.
const SEARCH_BATCH: i64 = 1_000;

/// Fill every copied report's public search text: the description as the public feed shows
/// it, personal data masked, which only the application can compute (PostgreSQL generates
/// the staff's search text itself). A report without it would never match a public search.
pub async fn index_public_search(tx: &mut PgConnection) -> anyhow::Result<u64> {
    let mut after = 0_i64;
    let mut indexed = 0;
    loop {
        let rows = sqlx::query(
            "SELECT id, COALESCE(staff_description, description) FROM reports \
             WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(SEARCH_BATCH)
        .fetch_all(&mut *tx)
        .await
        .context("cannot read the copied reports")?;
        let Some(last) = rows.last() else {
            return Ok(indexed);
        };
        after = last.try_get(0)?;
        let mut ids = Vec::with_capacity(rows.len());
        let mut texts = Vec::with_capacity(rows.len());
        for row in &rows {
            ids.push(row.try_get::<i64, _>(0)?);
            texts.push(aduan_domain::scrub::public_text(
                &row.try_get::<String, _>(1)?,
            ));
        }
        sqlx::query(
            "UPDATE reports r SET public_search = to_tsvector('indonesian', v.text)
             FROM UNNEST($1::bigint[], $2::text[]) AS v(id, text) WHERE r.id = v.id",
        )
        .bind(&ids)
        .bind(&texts)
        .execute(&mut *tx)
        .await
        .context("cannot index the copied reports for search")?;
        indexed += rows.len() as u64;
    }
}

/// Move each identity sequence past the largest copied id, so new rows get new ids.
pub async fn advance_sequences(tx: &mut PgConnection) -> anyhow::Result<()> {
    for table in TABLES.iter().filter(|t| t.identity) {
        let name = quoted(table.name);
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT setval(pg_get_serial_sequence('{name}', 'id'), COALESCE(MAX(id), 0) + 1, \
             false) FROM {name}"
        )))
        .execute(&mut *tx)
        .await
        .with_context(|| format!("cannot move the id sequence of {}", table.name))?;
    }
    Ok(())
}

/// Read `table` back in primary-key order (text ordered byte by byte, as SQLite does)
/// through a cursor, and checksum it. The cursor is named after the table and its FETCH is
/// not kept prepared: a prepared FETCH keeps the row shape of the first table it read.
pub async fn checksum(tx: &mut PgConnection, table: &Table) -> anyhow::Result<Checksum> {
    let cursor = format!("migrate_read_{}", table.name);
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DECLARE {cursor} NO SCROLL CURSOR FOR {}",
        table.select_in_key_order(" COLLATE \"C\"")
    )))
    .execute(&mut *tx)
    .await?;
    let fetch = if table.has_bytes() { 64 } else { 2_000 };
    let mut digest = TableDigest::default();
    loop {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "FETCH FORWARD {fetch} FROM {cursor}"
        )))
        .persistent(false)
        .fetch_all(&mut *tx)
        .await
        .with_context(|| format!("cannot read {} back", table.name))?;
        for row in &rows {
            digest.add_row(&read_row(table, row)?);
        }
        if rows.len() < fetch {
            break;
        }
    }
    sqlx::query(sqlx::AssertSqlSafe(format!("CLOSE {cursor}")))
        .persistent(false)
        .execute(&mut *tx)
        .await?;
    Ok(digest.finish())
}

pub fn read_row(table: &Table, row: &PgRow) -> anyhow::Result<Vec<Value>> {
    table
        .columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            let value = match column.kind {
                Kind::Int => row.try_get::<Option<i64>, _>(i)?.map(Value::Int),
                Kind::Real => row.try_get::<Option<f64>, _>(i)?.map(Value::Real),
                Kind::F32 => row.try_get::<Option<f32>, _>(i)?.map(Value::F32),
                Kind::Text => row.try_get::<Option<String>, _>(i)?.map(Value::Text),
                Kind::Bytes => row.try_get::<Option<Vec<u8>>, _>(i)?.map(Value::Bytes),
                Kind::Bool => row.try_get::<Option<bool>, _>(i)?.map(Value::Bool),
            };
            Ok(value.unwrap_or(Value::Null))
        })
        .collect()
}

/// Refuse a target holding data: the copy keeps ids, and would mix two cities.
/// Refuse a database at `url` that holds data, before anything else is written for it (a
/// restore's photos); migrate-store checks again under its locks.
pub async fn refuse_unless_empty(url: &str) -> anyhow::Result<()> {
    let target = aduan_store::postgres::PgStore::connect(url)
        .await
        .context("cannot open the PostgreSQL store")?;
    let mut conn = target.pool().acquire().await?;
    refuse_if_full(&tables_with_rows(&mut conn).await?)
}

pub fn refuse_if_full(full: &[&str]) -> anyhow::Result<()> {
    if !full.is_empty() {
        bail!(
            "the target already holds data (in {}); migrate into an empty database",
            full.join(", ")
        );
    }
    Ok(())
}
