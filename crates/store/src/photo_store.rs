//! Where photos' images live: content-addressed objects outside the database, as files
//! under the data directory or in S3-compatible object storage, behind one interface (the
//! `object_store` crate). An image's key is the SHA-256 of its bytes, so storing the same
//! image twice stores it once, an object never changes, and the database keeps only the
//! hash and size ([`ImageObject`]).
//!
//! Images are written before the database row that refers to them is committed: a row is
//! never without its images. A crash between the two leaves an object no row names, which
//! costs disk space and nothing else.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ClientOptions, ObjectStore, ObjectStoreExt, PutPayload, RetryConfig};

use aduan_domain::report::ImageObject;

use crate::error::{StoreError, StoreResult};

/// The largest image the store hands back (a display image is well under 2 MiB; anything
/// larger is not one of ours).
pub const MAX_IMAGE_BYTES: u64 = 16 * 1024 * 1024;

/// Where the images are: a directory, or a bucket (with an optional prefix) of an
/// S3-compatible service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhotoLocation {
    Files(PathBuf),
    S3(S3Settings),
}

/// An S3-compatible bucket. Credentials and the endpoint come from the operator (the
/// standard `AWS_*` environment in production, see [`S3Settings::from_env`]).
#[derive(Clone, PartialEq, Eq)]
pub struct S3Settings {
    pub bucket: String,
    /// Keys are written under this prefix (no leading or trailing `/`), may be empty.
    pub prefix: String,
    /// e.g. `https://s3.ap-southeast-3.amazonaws.com` or a MinIO/Garage address; AWS's
    /// own when `None`.
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

impl S3Settings {
    /// `s3://BUCKET[/PREFIX]`, with the endpoint, region and keys from `AWS_ENDPOINT_URL`
    /// (or `AWS_ENDPOINT`), `AWS_REGION` (default `us-east-1`), `AWS_ACCESS_KEY_ID` and
    /// `AWS_SECRET_ACCESS_KEY`.
    pub fn from_env(url: &str) -> StoreResult<Self> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let (bucket, prefix) = parse_s3_url(url)?;
        let (Some(access_key_id), Some(secret_access_key)) =
            (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY"))
        else {
            return Err(StoreError::Other(
                "photos in S3 need AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY".into(),
            ));
        };
        Ok(Self {
            bucket,
            prefix,
            endpoint: var("AWS_ENDPOINT_URL").or_else(|| var("AWS_ENDPOINT")),
            region: var("AWS_REGION").unwrap_or_else(|| "us-east-1".into()),
            access_key_id,
            secret_access_key,
        })
    }
}

/// The bucket and prefix of `s3://BUCKET[/PREFIX]`.
fn parse_s3_url(url: &str) -> StoreResult<(String, String)> {
    let bad = |why: &str| StoreError::Other(format!("bad photo store URL {url:?}: {why}"));
    let rest = url
        .strip_prefix("s3://")
        .ok_or_else(|| bad("expected s3://BUCKET[/PREFIX]"))?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    let valid_bucket = (3..=63).contains(&bucket.len())
        && bucket
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
    if !valid_bucket {
        return Err(bad(
            "a bucket name is 3-63 lowercase letters, digits, '-' or '.'",
        ));
    }
    let prefix = prefix.trim_matches('/');
    if prefix
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
        && !prefix.is_empty()
    {
        return Err(bad("the prefix has an empty, '.' or '..' part"));
    }
    Ok((bucket.to_owned(), prefix.to_owned()))
}

impl PhotoLocation {
    /// `s3://BUCKET[/PREFIX]` (settings from the environment), else a directory.
    pub fn parse(raw: &str) -> StoreResult<Self> {
        if raw.starts_with("s3://") {
            return Ok(Self::S3(S3Settings::from_env(raw)?));
        }
        let path = raw.strip_prefix("file://").unwrap_or(raw);
        if path.is_empty() {
            return Err(StoreError::Other("the photo directory is empty".into()));
        }
        Ok(Self::Files(PathBuf::from(path)))
    }

    /// Where a store whose database is the SQLite file `db` keeps its photos by default:
    /// `photos/` beside it (in the data directory).
    pub fn beside(db: &Path) -> Self {
        let dir = match db.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
            _ => PathBuf::from("."),
        };
        Self::Files(dir.join("photos"))
    }

    /// Said to an operator (no credentials).
    pub fn describe(&self) -> String {
        match self {
            Self::Files(dir) => dir.display().to_string(),
            Self::S3(s3) if s3.prefix.is_empty() => format!("s3://{}", s3.bucket),
            Self::S3(s3) => format!("s3://{}/{}", s3.bucket, s3.prefix),
        }
    }
}

/// The photo store: put an image, get it back by its address.
#[derive(Clone)]
pub struct PhotoStore {
    objects: Arc<dyn ObjectStore>,
    prefix: String,
    location: PhotoLocation,
}

impl std::fmt::Debug for PhotoStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PhotoStore({})", self.location.describe())
    }
}

/// How long one request to object storage may take, and how often it is retried.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const RETRIES: usize = 3;

impl PhotoStore {
    /// Open the store at `location`; a directory is created (private to the owner).
    pub fn open(location: &PhotoLocation) -> StoreResult<Self> {
        let (objects, prefix): (Arc<dyn ObjectStore>, String) = match location {
            PhotoLocation::Files(dir) => (Arc::new(files(dir)?), String::new()),
            PhotoLocation::S3(s3) => (Arc::new(bucket(s3)?), s3.prefix.clone()),
        };
        Ok(Self {
            objects,
            prefix,
            location: location.clone(),
        })
    }

    pub fn location(&self) -> &PhotoLocation {
        &self.location
    }

    /// An image's key: `sha256/ab/abcdef…` under the prefix (two hex digits of fan-out keep
    /// directories small).
    fn key(&self, image: &ImageObject) -> ObjectPath {
        let hex = image.hex();
        let key = format!("sha256/{}/{hex}", &hex[..2]);
        if self.prefix.is_empty() {
            ObjectPath::from(key)
        } else {
            ObjectPath::from(format!("{}/{key}", self.prefix))
        }
    }

    /// Store `bytes` (durably: files are fsynced) and return their address. Storing an
    /// image already there writes the same bytes again under the same key.
    pub async fn put(&self, bytes: Vec<u8>) -> StoreResult<ImageObject> {
        let image = ImageObject::of(&bytes);
        self.objects
            .put(&self.key(&image), PutPayload::from(bytes))
            .await
            .map_err(failure("store", &image))?;
        Ok(image)
    }

    /// The bytes of `image`, checked against its size (`NotFound` when the store has no
    /// such object).
    pub async fn get(&self, image: &ImageObject) -> StoreResult<Vec<u8>> {
        if image.size > MAX_IMAGE_BYTES {
            return Err(StoreError::Other(format!(
                "image {} is {} bytes, more than an image may be",
                image.hex(),
                image.size
            )));
        }
        let found = self.objects.get(&self.key(image)).await;
        let found = match found {
            Err(object_store::Error::NotFound { .. }) => return Err(StoreError::NotFound),
            other => other.map_err(failure("read", image))?,
        };
        if found.meta.size != image.size {
            return Err(StoreError::Other(format!(
                "image {} is {} bytes in the photo store, {} in the database",
                image.hex(),
                found.meta.size,
                image.size
            )));
        }
        let bytes = found.bytes().await.map_err(failure("read", image))?;
        Ok(bytes.to_vec())
    }

    /// Whether the store answers: lists the prefix's top level, which fails on a missing
    /// bucket or refused credentials (where reading an image would only say "not found").
    pub async fn check(&self) -> StoreResult<()> {
        let prefix = (!self.prefix.is_empty()).then(|| ObjectPath::from(self.prefix.as_str()));
        self.objects
            .list_with_delimiter(prefix.as_ref())
            .await
            .map(|_| ())
            .map_err(|e| {
                StoreError::Other(format!(
                    "the photo store at {} does not answer: {e}",
                    self.location.describe()
                ))
            })
    }

    /// The images under one two-hex-digit fan-out (`fan`, 0-255) of the store, each with when
    /// it was last written; objects whose names are not an image's are left out.
    pub async fn images_in_fan(&self, fan: u8) -> StoreResult<Vec<StoredImage>> {
        let dir = format!("sha256/{fan:02x}");
        let dir = if self.prefix.is_empty() {
            ObjectPath::from(dir)
        } else {
            ObjectPath::from(format!("{}/{dir}", self.prefix))
        };
        let listed = self
            .objects
            .list_with_delimiter(Some(&dir))
            .await
            .map_err(|e| StoreError::Other(format!("cannot list the photo store: {e}")))?;
        Ok(listed
            .objects
            .into_iter()
            .filter_map(|meta| {
                let sha256 = parse_hex(meta.location.filename()?)?;
                (sha256[0] == fan).then_some(StoredImage {
                    image: ImageObject {
                        sha256,
                        size: meta.size,
                    },
                    written_at: meta.last_modified,
                })
            })
            .collect())
    }

    /// Delete `image` (nothing when it is not there).
    pub async fn delete(&self, image: &ImageObject) -> StoreResult<()> {
        match self.objects.delete(&self.key(image)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(failure("delete", image)(e)),
        }
    }

    /// Whether the store holds `image` (by key and size; the bytes are not read).
    pub async fn contains(&self, image: &ImageObject) -> StoreResult<bool> {
        match self.objects.head(&self.key(image)).await {
            Ok(meta) => Ok(meta.size == image.size),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(failure("look up", image)(e)),
        }
    }
}

/// An image found in the store, and when it was last written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredImage {
    pub image: ImageObject,
    pub written_at: chrono::DateTime<chrono::Utc>,
}

/// 32 bytes from 64 lowercase hex digits.
fn parse_hex(name: &str) -> Option<[u8; 32]> {
    let lower = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    if name.len() != 64 || !name.bytes().all(lower) {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(name.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

fn failure(
    what: &'static str,
    image: &ImageObject,
) -> impl FnOnce(object_store::Error) -> StoreError {
    let hex = image.hex();
    move |e| StoreError::Other(format!("cannot {what} image {hex} in the photo store: {e}"))
}

fn files(dir: &Path) -> StoreResult<LocalFileSystem> {
    create_private_dir(dir)?;
    LocalFileSystem::new_with_prefix(dir)
        .map(|fs| fs.with_fsync(true))
        .map_err(|e| StoreError::Other(format!("cannot use {} for photos: {e}", dir.display())))
}

/// Create `dir` (and its parents) readable by its owner only; an existing one is left as it
/// is.
fn create_private_dir(dir: &Path) -> StoreResult<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| StoreError::Other(format!("cannot create {}: {e}", dir.display())))
}

fn bucket(s3: &S3Settings) -> StoreResult<object_store::aws::AmazonS3> {
    let mut builder = AmazonS3Builder::new()
        .with_bucket_name(&s3.bucket)
        .with_region(&s3.region)
        .with_access_key_id(&s3.access_key_id)
        .with_secret_access_key(&s3.secret_access_key)
        .with_retry(RetryConfig {
            max_retries: RETRIES,
            retry_timeout: REQUEST_TIMEOUT * 2,
            ..RetryConfig::default()
        })
        .with_client_options(
            ClientOptions::new()
                .with_timeout(REQUEST_TIMEOUT)
                .with_connect_timeout(CONNECT_TIMEOUT),
        );
    if let Some(endpoint) = &s3.endpoint {
        builder = builder
            .with_endpoint(endpoint)
            .with_allow_http(endpoint.starts_with("http://"));
    }
    builder
        .build()
        .map_err(|e| StoreError::Other(format!("cannot use the S3 bucket {}: {e}", s3.bucket)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_image_is_stored_once_under_its_hash_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = PhotoStore::open(&PhotoLocation::Files(dir.path().join("photos"))).unwrap();
        let image = store.put(b"not really a jpeg".to_vec()).await.unwrap();
        assert_eq!(image, ImageObject::of(b"not really a jpeg"));
        assert_eq!(
            store.put(b"not really a jpeg".to_vec()).await.unwrap(),
            image
        );
        let hex = image.hex();
        let file = dir.path().join("photos/sha256").join(&hex[..2]).join(&hex);
        assert_eq!(std::fs::read(file).unwrap(), b"not really a jpeg");
        assert_eq!(store.get(&image).await.unwrap(), b"not really a jpeg");
        assert!(store.contains(&image).await.unwrap());

        let missing = ImageObject::of(b"never stored");
        assert!(matches!(
            store.get(&missing).await,
            Err(StoreError::NotFound)
        ));
        assert!(!store.contains(&missing).await.unwrap());
        let wrong_size = ImageObject {
            size: image.size + 1,
            ..image
        };
        assert!(matches!(
            store.get(&wrong_size).await,
            Err(StoreError::Other(_))
        ));

        // Listed under its fan-out with its size, and deleted (twice is fine).
        let fan = image.sha256[0];
        let listed = store.images_in_fan(fan).await.unwrap();
        assert_eq!(listed.iter().map(|i| i.image).collect::<Vec<_>>(), [image]);
        assert!(
            store
                .images_in_fan(fan.wrapping_add(1))
                .await
                .unwrap()
                .is_empty()
        );
        store.delete(&image).await.unwrap();
        store.delete(&image).await.unwrap();
        assert!(!store.contains(&image).await.unwrap());
    }

    #[test]
    fn s3_urls_name_a_bucket_and_a_clean_prefix() {
        assert_eq!(
            parse_s3_url("s3://aduan-photos").unwrap(),
            ("aduan-photos".into(), String::new())
        );
        assert_eq!(
            parse_s3_url("s3://aduan-photos/jakarta/2026/").unwrap(),
            ("aduan-photos".into(), "jakarta/2026".into())
        );
        for bad in [
            "s3://",
            "s3://A_B",
            "https://bucket",
            "s3://bucket/a//b",
            "s3://bucket/../x",
        ] {
            assert!(parse_s3_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_sqlite_stores_photos_sit_beside_it() {
        assert_eq!(
            PhotoLocation::beside(Path::new("/var/lib/aduan/aduan.db")),
            PhotoLocation::Files(PathBuf::from("/var/lib/aduan/photos"))
        );
        assert_eq!(
            PhotoLocation::beside(Path::new("aduan.db")),
            PhotoLocation::Files(PathBuf::from("./photos"))
        );
    }
}
