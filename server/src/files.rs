//! Files every replica must reach: media bytes (`blobs/ab/<sha256>`, a thumbnail beside them) and
//! import files (`imports/<id>.upload`, `imports/<id>.errors.csv`). One layout of keys, two places:
//! - a directory (`storage.shared_dir`, else `data_dir`): the default; replicas mount one they share;
//! - a bucket of an S3-compatible object store (`storage.blob_store = "s3"`), through
//!   `object_store`: replicas share nothing but the bucket.
//!
//! Files are written whole under their key and never changed afterwards (media keys are content
//! digests, import keys are new ids), so a local copy of an object can never be stale. Readers
//! need files (senders attach them, downloads answer byte ranges): with a bucket, what is read is
//! copied to `<data_dir>/cache/objects/<key>` first and kept there, least recently used trimmed
//! away by [`SharedFiles::upkeep`] past `storage.s3.cache_mib`.
//!
//! The S3 endpoint is the operator's setting, like the database URL: it is not a workspace's
//! target, so its requests do not go through the outbound policy (which would refuse a bucket on
//! the private network, where self-hosters keep one).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::Context;
use futures_util::StreamExt;
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::buffered::BufWriter;
use object_store::path::Path as ObjectPath;
use object_store::{ClientOptions, ObjectStore, ObjectStoreExt, RetryConfig};
use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;

use crate::config::Settings;

/// A copy read this recently is never trimmed: a reader may be about to open it.
const CACHE_MIN_AGE: Duration = Duration::from_secs(300);
/// Files left in the scratch directory by a crash are removed after this long.
const SCRATCH_MAX_AGE: Duration = Duration::from_secs(24 * 3600);
/// Uploads larger than this go up in parts of this size.
const PART_BYTES: usize = 8 * 1024 * 1024;
/// A request without a body to move (look, delete, list) gets this long, retries included.
const SHORT_OPERATION: Duration = Duration::from_secs(45);
/// A transfer gets [`SHORT_OPERATION`] plus a second per this many bytes (256 KiB/s at worst),
/// and a download may wait this long for its next bytes.
const SLOWEST_BYTES_PER_SEC: u64 = 256 * 1024;
/// A copy not read for this long goes, whatever the cache's size: bytes deleted from the bucket
/// (a deleted workspace's media, an import's report) do not stay on other replicas for good.
const CACHE_MAX_IDLE: Duration = Duration::from_secs(24 * 3600);
/// The environment's credentials, read as AWS tools read them when the settings give no keys.
const CREDENTIAL_VARIABLES: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_ENDPOINT_URL_STS",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_METADATA_ENDPOINT",
    "AWS_IMDSV1_FALLBACK",
];

pub struct SharedFiles {
    backend: Backend,
    scratch: PathBuf,
    /// One download of a key at a time (in this process), so concurrent readers fetch it once;
    /// other keys do not wait for it.
    fetching: Arc<parking_lot::Mutex<HashMap<String, Arc<Mutex<LastFailure>>>>>,
}

enum Backend {
    Directory(PathBuf),
    Bucket(Bucket),
}

struct Bucket {
    store: Arc<dyn ObjectStore>,
    prefix: String,
    name: String,
    cache: PathBuf,
    cache_bytes: u64,
}

/// A download of a key that failed moments ago, so readers waiting for it do not each try again
/// (a chunk of sends sharing one attachment while the bucket is down).
type LastFailure = Option<(std::time::Instant, String)>;
/// How long a failed download answers for the key without a new request.
const FAILURE_MEMORY: Duration = Duration::from_secs(10);

/// What [`SharedFiles::upkeep`] removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Upkeep {
    pub trimmed: usize,
    pub trimmed_bytes: u64,
    pub leftovers: usize,
}

impl SharedFiles {
    /// The place the settings name. Nothing is contacted yet: see [`SharedFiles::check`].
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        let backend = if settings.storage.blob_store == "s3" {
            let s3 = &settings.storage.s3;
            // Only the settings and, without keys in them, the environment's credentials: other
            // `AWS_*` variables (an endpoint, unsigned requests …) must not redirect the bucket.
            let mut builder = AmazonS3Builder::new()
                .with_bucket_name(&s3.bucket)
                .with_region(region(&s3.region, |name| std::env::var(name).ok()))
                .with_client_options(
                    // No limit on a whole request (a large file takes long on a slow link): each
                    // operation is bounded below, by its size.
                    ClientOptions::new()
                        .with_connect_timeout(Duration::from_secs(5))
                        .with_timeout_disabled()
                        .with_allow_http(s3.endpoint.starts_with("http://")),
                )
                .with_retry(RetryConfig {
                    max_retries: 4,
                    retry_timeout: Duration::from_secs(30),
                    ..RetryConfig::default()
                });
            if !s3.endpoint.is_empty() {
                // Other S3-compatible stores answer on paths, not on per-bucket host names.
                builder = builder
                    .with_endpoint(&s3.endpoint)
                    .with_virtual_hosted_style_request(false);
            }
            if s3.access_key_id.is_empty() {
                for name in CREDENTIAL_VARIABLES {
                    if let Ok(value) = std::env::var(name)
                        && !value.is_empty()
                        && let Ok(key) = name.to_ascii_lowercase().parse::<AmazonS3ConfigKey>()
                    {
                        builder = builder.with_config(key, value);
                    }
                }
            } else {
                builder = builder
                    .with_access_key_id(&s3.access_key_id)
                    .with_secret_access_key(s3.secret_access_key.expose());
            }
            let store = builder
                .build()
                .context("storage.s3: cannot set up the S3 client")?;
            Backend::Bucket(Bucket {
                store: Arc::new(store),
                prefix: s3.prefix.trim_matches('/').to_owned(),
                name: s3.bucket.clone(),
                cache: settings.storage.data_dir.join("cache").join("objects"),
                cache_bytes: s3.cache_mib.saturating_mul(1024 * 1024),
            })
        } else {
            Backend::Directory(settings.shared_dir().to_owned())
        };
        Ok(Self::new(backend))
    }

    fn new(backend: Backend) -> Self {
        let scratch = match &backend {
            // Beside the files, so putting one in place is a rename.
            Backend::Directory(dir) => dir.join("blobs").join("incoming"),
            Backend::Bucket(bucket) => bucket.cache.join("incoming"),
        };
        Self {
            backend,
            scratch,
            fetching: Default::default(),
        }
    }

    /// Makes the scratch directory and, with a bucket, checks that it answers, so a wrong bucket
    /// name or credentials stop the start with a clear message instead of failing uploads later.
    pub async fn check(&self) -> anyhow::Result<()> {
        tokio::fs::create_dir_all(&self.scratch)
            .await
            .with_context(|| format!("cannot create {}", self.scratch.display()))?;
        if let Backend::Bucket(bucket) = &self.backend {
            let prefix =
                (!bucket.prefix.is_empty()).then(|| ObjectPath::from(bucket.prefix.as_str()));
            let listed = bounded(SHORT_OPERATION, async {
                bucket
                    .store
                    .list_with_delimiter(prefix.as_ref())
                    .await
                    .map_err(anyhow::Error::new)
            })
            .await;
            listed.with_context(|| {
                format!(
                    "cannot list the S3 bucket `{}` (storage.s3): does it exist, and may these \
                     credentials read and write it?",
                    bucket.name
                )
            })?;
        }
        Ok(())
    }

    /// `directory` or `s3`, for logs.
    pub fn kind(&self) -> &'static str {
        match self.backend {
            Backend::Directory(_) => "directory",
            Backend::Bucket(_) => "s3",
        }
    }

    /// Where files are written while they arrive, before [`SharedFiles::put`].
    pub fn scratch_dir(&self) -> &Path {
        &self.scratch
    }

    /// A new file name in the scratch directory.
    pub fn scratch_file(&self) -> PathBuf {
        self.scratch.join(crate::db::new_id())
    }

    /// Puts the local `file` under `key`. With `if_absent`, keeps what is there already (a content
    /// digest's bytes). The file is moved when it can be; the caller removes what is left.
    pub async fn put(&self, key: &str, file: &Path, if_absent: bool) -> anyhow::Result<()> {
        debug_assert!(is_our_key(key), "{key}");
        match &self.backend {
            Backend::Directory(dir) => {
                let target = dir.join(key);
                if let Some(parent) = target.parent() {
                    tokio::fs::create_dir_all(parent).await?;
                }
                if !(if_absent && tokio::fs::try_exists(&target).await.unwrap_or(false)) {
                    tokio::fs::rename(file, &target).await?;
                }
            }
            Backend::Bucket(bucket) => {
                let location = bucket.location(key);
                if if_absent {
                    let found = bounded(SHORT_OPERATION, async {
                        match bucket.store.head(&location).await {
                            Ok(_) => Ok(true),
                            Err(object_store::Error::NotFound { .. }) => Ok(false),
                            Err(e) => Err(bucket.failed(e, "look for", key)),
                        }
                    })
                    .await?;
                    if found {
                        return Ok(());
                    }
                }
                let mut source = tokio::fs::File::open(file).await?;
                let size = source.metadata().await?.len();
                let mut writer =
                    BufWriter::with_capacity(bucket.store.clone(), location, PART_BYTES);
                let uploaded = bounded(transfer_time(size), async {
                    if let Err(e) = tokio::io::copy(&mut source, &mut writer).await {
                        // Parts already sent are dropped (an upload not finished is invisible).
                        let _ = writer.abort().await;
                        return Err(e.into());
                    }
                    // A failed finish aborts the upload itself; `abort` after it would panic.
                    writer.shutdown().await.map_err(anyhow::Error::new)
                })
                .await;
                uploaded.with_context(|| {
                    format!("cannot upload `{key}` to the S3 bucket `{}`", bucket.name)
                })?;
                // Kept as the local copy: whoever stored it is likely to read it soon.
                let cached = bucket.cache.join(key);
                if let Some(parent) = cached.parent() {
                    tokio::fs::create_dir_all(parent).await?;
                }
                let _ = tokio::fs::rename(file, &cached).await;
            }
        }
        Ok(())
    }

    /// A local file with the bytes under `key`; `None` when there are none.
    pub async fn local(&self, key: &str) -> anyhow::Result<Option<PathBuf>> {
        debug_assert!(is_our_key(key), "{key}");
        let bucket = match &self.backend {
            Backend::Directory(dir) => {
                let path = dir.join(key);
                return Ok(tokio::fs::try_exists(&path)
                    .await
                    .unwrap_or(false)
                    .then_some(path));
            }
            Backend::Bucket(bucket) => bucket,
        };
        let cached = bucket.cache.join(key);
        if touch(&cached).await {
            return Ok(Some(cached));
        }
        // The download runs as its own task: a reader that goes away (a closed connection) does
        // not leave half a file behind, and the next reader finds the copy made.
        let lock = self
            .fetching
            .lock()
            .entry(key.to_owned())
            .or_default()
            .clone();
        let mut guard = lock.lock_owned().await;
        if let Some((at, failure)) = guard.as_ref()
            && at.elapsed() < FAILURE_MEMORY
        {
            return Err(anyhow::anyhow!("{failure} (a moment ago)"));
        }
        let download = Download {
            store: bucket.store.clone(),
            location: bucket.location(key),
            name: bucket.name.clone(),
            key: key.to_owned(),
            temp: self.scratch_file(),
            cached: cached.clone(),
        };
        let fetching = self.fetching.clone();
        let key_owned = key.to_owned();
        let found = tokio::spawn(async move {
            let found = if touch(&download.cached).await {
                Ok(true)
            } else {
                download.run().await
            };
            *guard = found
                .as_ref()
                .err()
                .map(|e| (std::time::Instant::now(), format!("{e:#}")));
            drop(guard);
            let mut locks = fetching.lock();
            if locks
                .get(&key_owned)
                .is_some_and(|l| Arc::strong_count(l) == 1)
            {
                locks.remove(&key_owned);
            }
            found
        })
        .await
        .context("a download stopped")??;
        Ok(found.then_some(cached))
    }

    /// Removes what is under `key`, if anything.
    pub async fn remove(&self, key: &str) -> anyhow::Result<()> {
        debug_assert!(is_our_key(key), "{key}");
        match &self.backend {
            Backend::Directory(dir) => remove_file(&dir.join(key)).await,
            Backend::Bucket(bucket) => {
                bounded(SHORT_OPERATION, async {
                    match bucket.store.delete(&bucket.location(key)).await {
                        Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                        Err(e) => Err(bucket.failed(e, "delete", key)),
                    }
                })
                .await?;
                remove_file(&bucket.cache.join(key)).await
            }
        }
    }

    /// Removes scratch files a crash left behind and, with a bucket, the local copies not read
    /// for a day, then more, least recently read first, down to the configured size.
    pub async fn upkeep(&self) -> anyhow::Result<Upkeep> {
        let scratch = self.scratch.clone();
        let cache = match &self.backend {
            Backend::Directory(_) => None,
            Backend::Bucket(bucket) => Some((bucket.cache.clone(), bucket.cache_bytes)),
        };
        tokio::task::spawn_blocking(move || {
            let now = SystemTime::now();
            let mut done = Upkeep::default();
            for (path, _, modified) in files_under(&scratch) {
                if age(now, modified) > SCRATCH_MAX_AGE && std::fs::remove_file(&path).is_ok() {
                    done.leftovers += 1;
                }
            }
            let Some((cache, limit)) = cache else {
                return done;
            };
            let mut copies: Vec<_> = files_under(&cache)
                .into_iter()
                .filter(|(path, _, _)| !path.starts_with(&scratch))
                .collect();
            copies.sort_by_key(|(_, _, modified)| *modified);
            let mut total: u64 = copies.iter().map(|(_, size, _)| size).sum();
            let trimming = total > limit;
            // Down to nine tenths, so the next reads do not trim again at once.
            let goal = limit / 10 * 9;
            for (path, size, _) in copies {
                // Read again just before: a reader may have touched it since the listing.
                let Ok(modified) = std::fs::metadata(&path).and_then(|m| m.modified()) else {
                    continue;
                };
                let idle = age(now, modified);
                let over = trimming && total > goal;
                if !(idle > CACHE_MAX_IDLE || (over && idle >= CACHE_MIN_AGE)) {
                    continue;
                }
                if std::fs::remove_file(&path).is_ok() {
                    total -= size;
                    done.trimmed += 1;
                    done.trimmed_bytes += size;
                }
            }
            done
        })
        .await
        .context("the upkeep of shared files stopped")
    }
}

/// One object copied from the bucket to the local cache.
struct Download {
    store: Arc<dyn ObjectStore>,
    location: ObjectPath,
    name: String,
    key: String,
    temp: PathBuf,
    cached: PathBuf,
}

impl Download {
    /// `false` when there is no such object.
    async fn run(&self) -> anyhow::Result<bool> {
        let fetched = async {
            let result = match bounded(SHORT_OPERATION, async {
                self.store
                    .get(&self.location)
                    .await
                    .map_err(anyhow::Error::new)
            })
            .await
            {
                Ok(result) => result,
                Err(e)
                    if e.downcast_ref::<object_store::Error>()
                        .is_some_and(|e| matches!(e, object_store::Error::NotFound { .. })) =>
                {
                    return Ok(false);
                }
                Err(e) => return Err(e),
            };
            let mut file = tokio::fs::File::create(&self.temp).await?;
            let mut stream = result.into_stream();
            let idle = transfer_time(PART_BYTES as u64);
            while let Some(chunk) = tokio::time::timeout(idle, stream.next())
                .await
                .map_err(|_| anyhow::anyhow!("no bytes for {} s", idle.as_secs()))?
            {
                file.write_all(&chunk?).await?;
            }
            file.flush().await?;
            if let Some(parent) = self.cached.parent() {
                tokio::fs::create_dir_all(parent).await?;
            }
            tokio::fs::rename(&self.temp, &self.cached).await?;
            anyhow::Ok(true)
        }
        .await;
        if fetched.is_err() {
            let _ = tokio::fs::remove_file(&self.temp).await;
        }
        fetched.with_context(|| {
            format!(
                "cannot download `{}` from the S3 bucket `{}`",
                self.key, self.name
            )
        })
    }
}

impl Bucket {
    fn location(&self, key: &str) -> ObjectPath {
        if self.prefix.is_empty() {
            ObjectPath::from(key)
        } else {
            ObjectPath::from(format!("{}/{key}", self.prefix))
        }
    }

    fn failed(&self, e: object_store::Error, doing: &str, key: &str) -> anyhow::Error {
        anyhow::Error::new(e).context(format!(
            "cannot {doing} `{key}` in the S3 bucket `{}`",
            self.name
        ))
    }
}

/// The region: the setting, else the environment's as AWS tools read it, else `us-east-1`.
fn region(setting: &str, env: impl Fn(&str) -> Option<String>) -> String {
    if !setting.is_empty() {
        return setting.to_owned();
    }
    env("AWS_REGION")
        .or_else(|| env("AWS_DEFAULT_REGION"))
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| "us-east-1".to_owned())
}

/// How long moving `bytes` may take.
fn transfer_time(bytes: u64) -> Duration {
    SHORT_OPERATION + Duration::from_secs(bytes / SLOWEST_BYTES_PER_SEC)
}

/// `work`, failed when it takes longer than `limit`.
async fn bounded<T>(
    limit: Duration,
    work: impl std::future::Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    tokio::time::timeout(limit, work)
        .await
        .map_err(|_| anyhow::anyhow!("no answer within {} s", limit.as_secs()))?
}

/// Keys are made by Ulak from digests and ids: relative, without `..`.
fn is_our_key(key: &str) -> bool {
    !key.is_empty()
        && !key.starts_with('/')
        && key
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

/// Marks a local copy as just read (for the trimming); `false` when there is none.
async fn touch(path: &Path) -> bool {
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || {
        std::fs::File::open(&path)
            .and_then(|file| file.set_modified(SystemTime::now()))
            .is_ok()
    })
    .await
    .unwrap_or(false)
}

async fn remove_file(path: &Path) -> anyhow::Result<()> {
    match tokio::fs::remove_file(path).await {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}

fn age(now: SystemTime, then: SystemTime) -> Duration {
    now.duration_since(then).unwrap_or_default()
}

/// Every file under `dir` (recursively) with its size and modification time.
fn files_under(dir: &Path) -> Vec<(PathBuf, u64, SystemTime)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                pending.push(entry.path());
            } else if meta.is_file() {
                let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                found.push((entry.path(), meta.len(), modified));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn in_dir(dir: &Path) -> SharedFiles {
        SharedFiles::new(Backend::Directory(dir.to_owned()))
    }

    #[tokio::test]
    async fn a_directory_keeps_the_first_bytes_of_a_digest_and_removes_them() {
        let dir = std::env::temp_dir().join(format!("ulak-files-{}", crate::db::new_id()));
        let files = in_dir(&dir);
        files.check().await.unwrap();
        let first = files.scratch_file();
        std::fs::write(&first, b"first").unwrap();
        files.put("blobs/ab/abc", &first, true).await.unwrap();
        let second = files.scratch_file();
        std::fs::write(&second, b"second").unwrap();
        files.put("blobs/ab/abc", &second, true).await.unwrap();
        let local = files.local("blobs/ab/abc").await.unwrap().unwrap();
        assert_eq!(local, dir.join("blobs/ab/abc"));
        assert_eq!(std::fs::read(&local).unwrap(), b"first");
        assert!(second.exists(), "left for the caller");
        files.remove("blobs/ab/abc").await.unwrap();
        files.remove("blobs/ab/abc").await.unwrap();
        assert_eq!(files.local("blobs/ab/abc").await.unwrap(), None);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn the_region_is_the_settings_else_the_environments_else_us_east_1() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(
            region("eu-west-1", env(&[("AWS_REGION", "x")])),
            "eu-west-1"
        );
        assert_eq!(
            region("", env(&[("AWS_DEFAULT_REGION", "eu-central-1")])),
            "eu-central-1"
        );
        assert_eq!(
            region(
                "",
                env(&[("AWS_REGION", "ap-south-1"), ("AWS_DEFAULT_REGION", "x")])
            ),
            "ap-south-1"
        );
        assert_eq!(region("", env(&[])), "us-east-1");
    }

    #[test]
    fn only_our_keys_pass() {
        assert!(is_our_key("blobs/ab/abcdef"));
        assert!(is_our_key("imports/x1.errors.csv"));
        for bad in ["", "/etc/passwd", "a/../b", "a//b", "./a", "a/"] {
            assert!(!is_our_key(bad), "{bad}");
        }
    }

    #[tokio::test]
    async fn the_upkeep_trims_the_oldest_copies_and_old_scratch_files() {
        let dir = std::env::temp_dir().join(format!("ulak-files-{}", crate::db::new_id()));
        let bucket = Bucket {
            store: Arc::new(object_store::memory::InMemory::new()),
            prefix: String::new(),
            name: "test".into(),
            cache: dir.clone(),
            cache_bytes: 2500,
        };
        let files = SharedFiles::new(Backend::Bucket(bucket));
        files.check().await.unwrap();
        let old = SystemTime::now() - Duration::from_secs(3600);
        for (i, name) in ["a", "b", "c", "d"].iter().enumerate() {
            let path = dir.join("blobs").join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, vec![0u8; 1000]).unwrap();
            let file = std::fs::File::open(&path).unwrap();
            file.set_modified(old + Duration::from_secs(i as u64))
                .unwrap();
        }
        let left = files.scratch_file();
        std::fs::write(&left, b"partial").unwrap();
        std::fs::File::open(&left)
            .unwrap()
            .set_modified(SystemTime::now() - Duration::from_secs(2 * 24 * 3600))
            .unwrap();
        let done = files.upkeep().await.unwrap();
        // 4,000 bytes against 2,500: the two oldest go (down to 2,250 at most).
        assert_eq!(
            done,
            Upkeep {
                trimmed: 2,
                trimmed_bytes: 2000,
                leftovers: 1
            }
        );
        assert!(!dir.join("blobs/a").exists() && !dir.join("blobs/b").exists());
        assert!(dir.join("blobs/c").exists() && dir.join("blobs/d").exists());
        // Within the size, a copy not read for over a day goes all the same.
        std::fs::File::open(dir.join("blobs/c"))
            .unwrap()
            .set_modified(SystemTime::now() - Duration::from_secs(25 * 3600))
            .unwrap();
        let done = files.upkeep().await.unwrap();
        assert_eq!((done.trimmed, done.trimmed_bytes), (1, 1000));
        assert!(!dir.join("blobs/c").exists() && dir.join("blobs/d").exists());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn a_bucket_serves_what_was_put_from_a_fresh_copy() {
        let dir = std::env::temp_dir().join(format!("ulak-files-{}", crate::db::new_id()));
        let store: Arc<dyn ObjectStore> = Arc::new(object_store::memory::InMemory::new());
        let bucket = |cache: &str| Bucket {
            store: store.clone(),
            prefix: "ulak".into(),
            name: "test".into(),
            cache: dir.join(cache),
            cache_bytes: 1 << 20,
        };
        let a = SharedFiles::new(Backend::Bucket(bucket("a")));
        let b = SharedFiles::new(Backend::Bucket(bucket("b")));
        a.check().await.unwrap();
        b.check().await.unwrap();
        let file = a.scratch_file();
        std::fs::write(&file, b"bytes").unwrap();
        a.put("imports/x.upload", &file, false).await.unwrap();
        assert!(
            store
                .head(&ObjectPath::from("ulak/imports/x.upload"))
                .await
                .is_ok()
        );
        let copy = b.local("imports/x.upload").await.unwrap().unwrap();
        assert!(copy.starts_with(dir.join("b")));
        assert_eq!(std::fs::read(&copy).unwrap(), b"bytes");
        assert_eq!(b.local("imports/y.upload").await.unwrap(), None);
        a.remove("imports/x.upload").await.unwrap();
        assert!(
            store
                .head(&ObjectPath::from("ulak/imports/x.upload"))
                .await
                .is_err()
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}
