//! The backup file, one file: a magic line, the manifest (JSON) with its length before it
//! and its SHA-256 after it, then the database compressed with zstd, whose length and
//! SHA-256 the manifest holds. Anything flipped or cut off anywhere is found before a byte
//! is restored.
//!
//! ```text
//! "ADUANBK\n" | manifest length (u32, big-endian) | manifest | SHA-256(manifest) | payload
//! ```

use std::io::{self, Read, Write};

use anyhow::{Context, bail};
use sha2::{Digest, Sha256};

use super::manifest::{Blob, FORMAT, Manifest, hex};

const MAGIC: &[u8; 8] = b"ADUANBK\n";
/// A manifest is a few kilobytes; anything larger is not one.
const MAX_MANIFEST: u32 = 1 << 20;

/// Write everything before the payload.
pub fn write_header(out: &mut impl Write, manifest: &Manifest) -> anyhow::Result<()> {
    let json = serde_json::to_vec_pretty(manifest)?;
    let len = u32::try_from(json.len())
        .ok()
        .filter(|n| *n <= MAX_MANIFEST)
        .context("the manifest is too large")?;
    out.write_all(MAGIC)?;
    out.write_all(&len.to_be_bytes())?;
    out.write_all(&json)?;
    out.write_all(&Sha256::digest(&json))?;
    Ok(())
}

/// Read and check everything before the payload; the reader is left at the payload.
pub fn read_header(input: &mut impl Read) -> anyhow::Result<Manifest> {
    let mut magic = [0u8; 8];
    read_exact(input, &mut magic)?;
    if &magic != MAGIC {
        bail!("this is not an aduan backup (it does not begin as one)");
    }
    let mut len = [0u8; 4];
    read_exact(input, &mut len)?;
    let len = u32::from_be_bytes(len);
    if len > MAX_MANIFEST {
        bail!("the backup is damaged: its manifest would be {len} bytes long");
    }
    let mut json = vec![0u8; len as usize];
    read_exact(input, &mut json)?;
    let mut recorded = [0u8; 32];
    read_exact(input, &mut recorded)?;
    if Sha256::digest(&json).as_slice() != recorded {
        bail!("the backup is damaged: its manifest does not match its checksum");
    }
    let manifest: Manifest = serde_json::from_slice(&json)
        .context("the backup is damaged: its manifest cannot be read")?;
    if manifest.format != FORMAT {
        bail!(
            "this backup is in format {}, this aduan reads format {FORMAT}: restore it with \
             aduan {} or later",
            manifest.format,
            manifest.aduan_version
        );
    }
    Ok(manifest)
}

fn read_exact(input: &mut impl Read, buf: &mut [u8]) -> anyhow::Result<()> {
    input.read_exact(buf).map_err(|e| match e.kind() {
        io::ErrorKind::UnexpectedEof => anyhow::anyhow!("the backup is truncated"),
        _ => anyhow::Error::new(e).context("cannot read the backup"),
    })
}

/// A reader or writer that counts and hashes what passes through it.
pub struct Hashing<T> {
    inner: T,
    hasher: Sha256,
    bytes: u64,
}

impl<T> Hashing<T> {
    pub fn new(inner: T) -> Self {
        Self {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    /// The inner reader or writer, and the size and SHA-256 of what passed.
    pub fn finish(self) -> (T, Blob) {
        let blob = Blob {
            bytes: self.bytes,
            sha256: hex(&self.hasher.finalize()),
        };
        (self.inner, blob)
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn manifest() -> Manifest {
        Manifest {
            format: FORMAT,
            aduan_version: "0.1.0".into(),
            created_at: "2026-12-05T01:00:00Z".into(),
            source: "sqlite".into(),
            source_schema_version: 8,
            schema_version: 8,
            identity_key_required: true,
            identity_key_note: String::new(),
            identity_key_fingerprint: Some("00112233445566778899aabbccddeeff".into()),
            database: Blob {
                bytes: 4096,
                sha256: "00".repeat(32),
            },
            payload: Blob {
                bytes: 100,
                sha256: "11".repeat(32),
            },
            tables: Vec::new(),
            images: Some(crate::backup::images::ImagesEntry {
                count: 2,
                bytes: 3000,
            }),
        }
    }

    fn header() -> Vec<u8> {
        let mut out = Vec::new();
        write_header(&mut out, &manifest()).unwrap();
        out
    }

    #[test]
    fn a_header_reads_back_as_written() {
        let bytes = header();
        assert_eq!(read_header(&mut bytes.as_slice()).unwrap(), manifest());
    }

    #[test]
    fn every_flipped_byte_and_every_cut_is_refused() {
        let bytes = header();
        for i in 0..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[i] ^= 0x01;
            assert!(read_header(&mut flipped.as_slice()).is_err(), "byte {i}");
            let cut = &bytes[..i];
            let e = read_header(&mut &cut[..]).unwrap_err().to_string();
            assert!(
                e.contains("truncated") || e.contains("not an aduan backup"),
                "{i}: {e}"
            );
        }
    }

    #[test]
    fn another_format_is_refused_by_name() {
        let mut newer = manifest();
        newer.format = FORMAT + 1;
        let mut out = Vec::new();
        write_header(&mut out, &newer).unwrap();
        let e = read_header(&mut out.as_slice()).unwrap_err().to_string();
        assert!(e.contains("format 2"), "{e}");
    }

    #[test]
    fn a_manifest_from_before_key_fingerprints_still_reads() {
        let mut older = serde_json::to_value(manifest()).unwrap();
        older
            .as_object_mut()
            .unwrap()
            .remove("identity_key_fingerprint");
        let json = serde_json::to_vec(&older).unwrap();
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&u32::try_from(json.len()).unwrap().to_be_bytes());
        out.extend_from_slice(&json);
        out.extend_from_slice(&Sha256::digest(&json));
        let read = read_header(&mut out.as_slice()).unwrap();
        assert_eq!(read.identity_key_fingerprint, None);
        assert_eq!(read.tables, manifest().tables);
    }
}
