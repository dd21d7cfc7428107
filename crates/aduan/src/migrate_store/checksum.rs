//! Values as both stores hold them, and a table's checksum: SHA-256 over its rows in
//! primary-key order, each value in one canonical encoding whichever store it came from.

use sha2::{Digest, Sha256};

/// One column's value, already in the type its column is declared with.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    F32(f32),
    Text(String),
    Bytes(Vec<u8>),
    Bool(bool),
}

impl Value {
    /// Roughly how many bytes the value takes, to keep batches small in memory.
    pub fn size(&self) -> usize {
        match self {
            Value::Text(s) => s.len(),
            Value::Bytes(b) => b.len(),
            _ => 8,
        }
    }
}

// Tags of the canonical encoding. Booleans are integers and f32s their f64, so that a value
// has one encoding whatever type a store gives it.
const NULL: u8 = 0;
const INTEGER: u8 = 1;
const FLOAT: u8 = 2;
const TEXT: u8 = 3;
const BYTES: u8 = 4;

/// A table's row count and running checksum.
#[derive(Clone, Default)]
pub struct TableDigest {
    rows: u64,
    hasher: Sha256,
}

impl TableDigest {
    pub fn add_row(&mut self, row: &[Value]) {
        self.rows += 1;
        for value in row {
            self.add_value(value);
        }
    }

    fn add_value(&mut self, value: &Value) {
        let h = &mut self.hasher;
        match value {
            Value::Null => h.update([NULL]),
            Value::Int(i) => integer(h, *i),
            Value::Bool(b) => integer(h, i64::from(*b)),
            Value::Real(f) => float(h, *f),
            Value::F32(f) => float(h, f64::from(*f)),
            Value::Text(s) => sized(h, TEXT, s.as_bytes()),
            Value::Bytes(b) => sized(h, BYTES, b),
        }
    }

    pub fn finish(self) -> Checksum {
        Checksum {
            rows: self.rows,
            sha256: self.hasher.finalize().into(),
        }
    }
}

fn integer(h: &mut Sha256, i: i64) {
    h.update([INTEGER]);
    h.update(i.to_be_bytes());
}

fn float(h: &mut Sha256, f: f64) {
    h.update([FLOAT]);
    h.update(f.to_bits().to_be_bytes());
}

fn sized(h: &mut Sha256, tag: u8, bytes: &[u8]) {
    h.update([tag]);
    h.update((bytes.len() as u64).to_be_bytes());
    h.update(bytes);
}

/// A table's row count and SHA-256.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Checksum {
    pub rows: u64,
    pub sha256: [u8; 32],
}

impl Checksum {
    /// The first 12 hex digits of the SHA-256.
    pub fn short(&self) -> String {
        self.sha256[..6]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checksum(rows: &[Vec<Value>]) -> Checksum {
        let mut digest = TableDigest::default();
        for row in rows {
            digest.add_row(row);
        }
        digest.finish()
    }

    #[test]
    fn a_boolean_is_its_integer_and_an_f32_its_double() {
        assert_eq!(
            checksum(&[vec![Value::Bool(true)]]),
            checksum(&[vec![Value::Int(1)]])
        );
        assert_eq!(
            checksum(&[vec![Value::F32(0.42)]]),
            checksum(&[vec![Value::Real(f64::from(0.42f32))]])
        );
        assert_ne!(
            checksum(&[vec![Value::F32(0.42)]]),
            checksum(&[vec![Value::Real(0.42)]])
        );
    }

    #[test]
    fn values_cannot_run_into_each_other() {
        let split = |a: &str, b: &str| vec![Value::Text(a.into()), Value::Text(b.into())];
        assert_ne!(checksum(&[split("ab", "c")]), checksum(&[split("a", "bc")]));
        assert_ne!(
            checksum(&[vec![Value::Null]]),
            checksum(&[vec![Value::Text(String::new())]])
        );
        assert_ne!(
            checksum(&[vec![Value::Text("x".into())]]),
            checksum(&[vec![Value::Bytes(b"x".to_vec())]])
        );
    }

    #[test]
    fn order_and_count_matter() {
        let a = vec![Value::Int(1)];
        let b = vec![Value::Int(2)];
        assert_ne!(
            checksum(&[a.clone(), b.clone()]),
            checksum(&[b.clone(), a.clone()])
        );
        assert_eq!(checksum(&[a.clone(), b]).rows, 2);
        assert_eq!(checksum(&[]).rows, 0);
        assert_eq!(checksum(&[a]).short().len(), 12);
    }
}
