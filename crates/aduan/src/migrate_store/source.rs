//! The SQLite side: a read-only connection holding one read transaction, so that every
//! table is read from the same moment of a city that keeps running (WAL mode).

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, bail};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

use super::checksum::Value;
use super::tables::{Kind, TABLES, Table, is_ignored, quoted};

/// A consistent snapshot of a SQLite store.
pub struct Snapshot {
    conn: Connection,
}

impl Snapshot {
    /// Open `path` read-only and begin the read transaction every read shares.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .with_context(|| format!("cannot open {} read-only", path.display()))?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.execute_batch("BEGIN DEFERRED")?;
        Ok(Self { conn })
    }

    /// Refuse a source whose tables or columns are not all in [`TABLES`]: they would be
    /// left behind.
    pub fn check_schema(&self) -> anyhow::Result<()> {
        let mut stmt = self
            .conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")?;
        let present: BTreeSet<String> = stmt
            .query_map([], |row| row.get::<_, String>(0))?
            .collect::<Result<_, _>>()?;
        let unknown: Vec<&str> = present
            .iter()
            .map(String::as_str)
            .filter(|name| !is_ignored(name) && !TABLES.iter().any(|t| t.name == *name))
            .collect();
        if !unknown.is_empty() {
            bail!(
                "the source has tables this tool does not know, so it would not copy them: {}",
                unknown.join(", ")
            );
        }
        for table in TABLES {
            if !present.contains(table.name) {
                bail!("the source has no table {}", table.name);
            }
            let columns = self.columns(table.name)?;
            let expected: BTreeSet<&str> = table.columns.iter().map(|c| c.name).collect();
            let unknown: Vec<&str> = columns
                .iter()
                .map(String::as_str)
                .filter(|c| !expected.contains(c))
                .collect();
            if !unknown.is_empty() {
                bail!(
                    "the source table {} has columns this tool does not know: {}",
                    table.name,
                    unknown.join(", ")
                );
            }
            if let Some(missing) = expected.iter().find(|c| !columns.iter().any(|n| n == *c)) {
                bail!("the source table {} has no column {missing}", table.name);
            }
        }
        Ok(())
    }

    fn columns(&self, table: &str) -> anyhow::Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?;
        let names = stmt
            .query_map([], |row| row.get::<_, String>(0))?
            .collect::<Result<_, _>>()?;
        Ok(names)
    }

    /// `table`'s rows in primary-key order.
    pub fn rows<'a>(&'a self, table: &'a Table) -> anyhow::Result<TableRows<'a>> {
        let stmt = self.conn.prepare(&table.select_in_key_order(""))?;
        Ok(TableRows { table, stmt })
    }

    /// End the read transaction.
    pub fn close(self) -> anyhow::Result<()> {
        self.conn.execute_batch("COMMIT")?;
        Ok(())
    }
}

/// A prepared read of one table.
pub struct TableRows<'a> {
    table: &'a Table,
    stmt: rusqlite::Statement<'a>,
}

impl<'a> TableRows<'a> {
    /// Run the read; each row comes out as typed values.
    pub fn query(&mut self) -> anyhow::Result<RowCursor<'_>> {
        Ok(RowCursor {
            table: self.table,
            rows: self.stmt.query([])?,
        })
    }
}

pub struct RowCursor<'s> {
    table: &'s Table,
    rows: rusqlite::Rows<'s>,
}

impl RowCursor<'_> {
    /// The next row, or `None` after the last.
    pub fn next_row(&mut self) -> anyhow::Result<Option<Vec<Value>>> {
        let table = self.table;
        let Some(row) = self.rows.next()? else {
            return Ok(None);
        };
        let mut values = Vec::with_capacity(table.columns.len());
        for (i, column) in table.columns.iter().enumerate() {
            let value = typed(column.kind, row.get_ref(i)?).with_context(|| {
                format!(
                    "{}.{}: a value that does not fit the column",
                    quoted(table.name),
                    column.name
                )
            })?;
            values.push(value);
        }
        Ok(Some(values))
    }
}

/// A SQLite value as the column's declared type; anything SQLite's loose typing let in that
/// the column's type cannot hold is an error, not a silent conversion.
fn typed(kind: Kind, value: ValueRef<'_>) -> anyhow::Result<Value> {
    Ok(match (kind, value) {
        (_, ValueRef::Null) => Value::Null,
        (Kind::Int, ValueRef::Integer(i)) => Value::Int(i),
        (Kind::Real, ValueRef::Real(f)) => Value::Real(f),
        (Kind::Real, ValueRef::Integer(i)) => Value::Real(i as f64),
        (Kind::F32, ValueRef::Real(f)) => {
            let single = f as f32;
            if f64::from(single).to_bits() != f.to_bits() {
                bail!("{f} is not a single-precision number");
            }
            Value::F32(single)
        }
        (Kind::Text, ValueRef::Text(t)) => Value::Text(String::from_utf8(t.to_vec())?),
        (Kind::Bytes, ValueRef::Blob(b)) => Value::Bytes(b.to_vec()),
        (Kind::Bool, ValueRef::Integer(0)) => Value::Bool(false),
        (Kind::Bool, ValueRef::Integer(1)) => Value::Bool(true),
        (kind, other) => bail!("{:?} in a {kind:?} column", other.data_type()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_keep_their_declared_type_or_are_refused() {
        assert!(matches!(
            typed(Kind::Bool, ValueRef::Integer(1)),
            Ok(Value::Bool(true))
        ));
        assert!(typed(Kind::Bool, ValueRef::Integer(2)).is_err());
        assert!(typed(Kind::Int, ValueRef::Text(b"12")).is_err());
        assert!(matches!(
            typed(Kind::F32, ValueRef::Real(f64::from(0.42f32))),
            Ok(Value::F32(f)) if f == 0.42f32
        ));
        assert!(typed(Kind::F32, ValueRef::Real(0.42)).is_err());
        assert!(matches!(typed(Kind::Text, ValueRef::Null), Ok(Value::Null)));
    }
}
