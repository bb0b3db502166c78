//! Media bytes: one file per content digest under the key `blobs/ab/<sha256>` (and its thumbnail
//! beside it) of the shared files (a directory or an S3-compatible bucket, [`crate::files`]),
//! shared by every media entry and workspace with the same bytes.
//!
//! A blob lives as long as some media entry references it. Storing a reference and placing the
//! bytes happen under a lock on the digest, and so do checking for references and removing bytes,
//! so an upload can never lose its bytes to a concurrent delete of an entry with the same content.
//! Unreferenced blobs are not removed at once: they are scheduled (`blob_gc`) and swept after a
//! grace period, re-checked under the lock. The lock is per process: replicas sharing one blob
//! store rely on the grace period alone (an upload of the same bytes exactly as the sweep
//! removes them, minutes after they were last used, would need the upload retried).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use tokio::sync::{Mutex, MutexGuard, Semaphore};

use crate::config::MediaSettings;
use crate::db::Db;
use crate::error::ApiError;
use crate::files::SharedFiles;

const LOCK_STRIPES: usize = 64;

pub struct Blobs {
    files: Arc<SharedFiles>,
    locks: Vec<Mutex<()>>,
    thumbnails: Arc<Semaphore>,
    max_image_dimension: u32,
    /// How long an unreferenced blob is kept before the sweep removes it.
    grace: Duration,
}

impl Blobs {
    pub fn new(files: Arc<SharedFiles>, settings: &MediaSettings) -> Self {
        Self {
            files,
            locks: (0..LOCK_STRIPES).map(|_| Mutex::new(())).collect(),
            thumbnails: Arc::new(Semaphore::new(settings.concurrent_thumbnails.max(1))),
            max_image_dimension: settings.max_image_dimension,
            grace: Duration::from_secs(settings.unreferenced_grace_secs),
        }
    }

    /// How long unreferenced bytes are kept before the sweep removes them, as a store duration.
    pub fn grace(&self) -> String {
        format!("{}s", self.grace.as_secs())
    }

    /// Where uploads are written while they arrive.
    pub fn incoming_dir(&self) -> PathBuf {
        self.files.scratch_dir().to_owned()
    }

    /// A local file with the bytes of this digest (`None`: they are gone); with a bucket, read
    /// from it unless a copy is here.
    pub async fn local(&self, sha256: &str) -> Result<Option<PathBuf>, ApiError> {
        self.files
            .local(&key(sha256))
            .await
            .map_err(ApiError::unavailable)
    }

    pub async fn local_thumbnail(&self, sha256: &str) -> Result<Option<PathBuf>, ApiError> {
        self.files
            .local(&thumbnail_key(sha256))
            .await
            .map_err(ApiError::unavailable)
    }

    /// Serialises every change of the blob with this digest (in this process).
    pub async fn lock(&self, sha256: &str) -> MutexGuard<'_, ()> {
        let stripe = sha256.bytes().fold(0usize, |acc, b| {
            acc.wrapping_mul(31).wrapping_add(usize::from(b))
        });
        self.locks[stripe % self.locks.len()].lock().await
    }

    /// Makes a thumbnail of an image file at `source` into `target` (a temporary path), at most a
    /// few at a time. `false` when the image is too large or cannot be decoded.
    pub async fn thumbnail(&self, source: PathBuf, target: PathBuf) -> Result<bool, ApiError> {
        let _permit = self
            .thumbnails
            .clone()
            .acquire_owned()
            .await
            .map_err(ApiError::internal)?;
        let max = self.max_image_dimension;
        tokio::task::spawn_blocking(move || super::make_thumbnail(&source, &target, max))
            .await
            .map_err(ApiError::internal)
    }

    /// Puts the bytes in place from `temp` unless they are there already (then `temp` is left for the
    /// caller to remove), with the thumbnail made from them if one was. Call with the digest's lock
    /// held, after the referencing entry is stored.
    pub async fn place(
        &self,
        sha256: &str,
        temp: &Path,
        thumbnail: Option<&Path>,
    ) -> Result<(), ApiError> {
        self.files
            .put(&key(sha256), temp, true)
            .await
            .map_err(ApiError::unavailable)?;
        if let Some(thumbnail) = thumbnail {
            self.files
                .put(&thumbnail_key(sha256), thumbnail, true)
                .await
                .map_err(ApiError::unavailable)?;
        }
        Ok(())
    }

    /// After a media entry was deleted: schedules its bytes for the sweep when nothing else
    /// references them.
    pub async fn release(&self, db: &Db, sha256: &str) -> Result<(), ApiError> {
        let _guard = self.lock(sha256).await;
        self.release_locked(db, sha256).await
    }

    /// As [`Blobs::release`], with the digest's lock already held by the caller.
    pub async fn release_locked(&self, db: &Db, sha256: &str) -> Result<(), ApiError> {
        db.exec(
            "IF array::len(SELECT VALUE id FROM media WHERE sha256 = $sha LIMIT 1) = 0 { \
                 UPSERT type::record('blob_gc', $sha) SET sha256 = $sha, \
                 due = time::now() + <duration>$grace; \
             };",
            json!({ "sha": sha256, "grace": self.grace() }),
        )
        .await?;
        Ok(())
    }

    /// Removes the bytes scheduled before now that are still unreferenced. Returns how many.
    pub async fn sweep(&self, db: &Db) -> Result<usize, ApiError> {
        let due: Vec<String> = db
            .rows(
                "SELECT VALUE sha256 FROM blob_gc WHERE due <= time::now() LIMIT 500",
                json!({}),
            )
            .await?;
        let mut removed = 0;
        for sha256 in due {
            let _guard = self.lock(&sha256).await;
            let referenced: Vec<serde_json::Value> = db
                .rows_at(
                    "DELETE type::record('blob_gc', $sha); \
                     SELECT VALUE id FROM media WHERE sha256 = $sha LIMIT 1;",
                    json!({ "sha": sha256 }),
                    1,
                )
                .await?;
            if referenced.is_empty() {
                let gone = async {
                    self.files.remove(&key(&sha256)).await?;
                    self.files.remove(&thumbnail_key(&sha256)).await
                }
                .await;
                if let Err(e) = gone {
                    // Scheduled again, so bytes the store could not delete now are not kept for good.
                    db.exec(
                        "UPSERT type::record('blob_gc', $sha) SET sha256 = $sha, \
                         due = time::now() + <duration>$grace;",
                        json!({ "sha": sha256, "grace": self.grace() }),
                    )
                    .await?;
                    return Err(ApiError::unavailable(e));
                }
                removed += 1;
            }
        }
        Ok(removed)
    }
}

/// The key of a digest's bytes. The digest is ours (hex), never user input.
fn key(sha256: &str) -> String {
    format!("blobs/{}/{sha256}", &sha256[..2.min(sha256.len())])
}

fn thumbnail_key(sha256: &str) -> String {
    format!("{}.thumb.jpg", key(sha256))
}
