//! Installed components live in the store, so that every replica loads what any replica installed:
//! `plugin_chunk:[sha256, n]` {sha256, n, data: base64 of at most 256 KiB} for the bytes, then
//! `plugin_component:<sha256>` {size, chunks, stored_at}, written last, so a component whose head
//! is there is whole. Written (or touched) before the plugin row that names them; swept once no
//! plugin row has named them for a grace period, so that one replica's uninstall cannot remove
//! what another is installing that moment.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::db::{Db, DbError};

/// Bytes per chunk: well under what one message to a SurrealDB server may carry.
const CHUNK: usize = 256 * 1024;

#[derive(Deserialize)]
struct Head {
    size: u64,
    chunks: u64,
}

#[derive(Deserialize)]
struct Chunk {
    n: u64,
    data: String,
}

fn damaged(sha256: &str, why: impl std::fmt::Display) -> DbError {
    DbError::Store(format!("the stored component {sha256} is damaged: {why}"))
}

/// Whether the store holds the whole component.
pub async fn exists(db: &Db, sha256: &str) -> Result<bool, DbError> {
    let head: Option<Head> = db
        .row(
            "SELECT size, chunks FROM type::record('plugin_component', $sha)",
            json!({ "sha": sha256 }),
        )
        .await?;
    Ok(head.is_some())
}

/// Stores a component's bytes (`sha256` is their digest) unless the store has them already, in
/// which case they are touched, so the sweep leaves them for another grace period.
pub async fn put(db: &Db, sha256: &str, bytes: &[u8]) -> Result<(), DbError> {
    if exists(db, sha256).await? {
        return db
            .exec(
                "UPDATE type::record('plugin_component', $sha) SET stored_at = time::now()",
                json!({ "sha": sha256 }),
            )
            .await;
    }
    let mut chunks = 0u64;
    for (n, chunk) in bytes.chunks(CHUNK).enumerate() {
        db.exec(
            "UPSERT type::record('plugin_chunk', [$sha, $n]) CONTENT { sha256: $sha, n: $n, data: $data }",
            json!({ "sha": sha256, "n": n, "data": B64.encode(chunk) }),
        )
        .await?;
        chunks += 1;
    }
    db.exec(
        "UPSERT type::record('plugin_component', $sha) CONTENT { size: $size, chunks: $chunks, \
         stored_at: time::now() }",
        json!({ "sha": sha256, "size": bytes.len(), "chunks": chunks }),
    )
    .await
}

/// A component's bytes, checked against their digest; `None` when the store does not have it.
pub async fn get(db: &Db, sha256: &str) -> Result<Option<Vec<u8>>, DbError> {
    let head: Option<Head> = db
        .row(
            "SELECT size, chunks FROM type::record('plugin_component', $sha)",
            json!({ "sha": sha256 }),
        )
        .await?;
    let Some(head) = head else {
        return Ok(None);
    };
    let rows: Vec<Chunk> = db
        .rows(
            "SELECT n, data FROM plugin_chunk WHERE sha256 = $sha ORDER BY n",
            json!({ "sha": sha256 }),
        )
        .await?;
    if rows.len() as u64 != head.chunks || rows.iter().enumerate().any(|(i, c)| c.n != i as u64) {
        return Err(damaged(
            sha256,
            format!("{} of {} chunks", rows.len(), head.chunks),
        ));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(head.size).unwrap_or(0));
    for chunk in rows {
        let decoded = B64.decode(chunk.data).map_err(|e| damaged(sha256, e))?;
        bytes.extend_from_slice(&decoded);
    }
    if bytes.len() as u64 != head.size || hex::encode(Sha256::digest(&bytes)) != sha256 {
        return Err(damaged(sha256, "its bytes do not match its digest"));
    }
    Ok(Some(bytes))
}

/// Removes the components no plugin row has named for `grace`; answers how many. Each one goes in
/// a transaction of its own that checks again that it is unnamed and untouched: an install that
/// touched or stored it again meanwhile keeps it (or, having touched it just before it went, finds
/// it gone in its own transaction and asks for the upload again), never half of it.
pub async fn sweep(db: &Db, grace: std::time::Duration) -> Result<usize, DbError> {
    let grace = format!("{}s", grace.as_secs());
    let unused: Vec<String> = db
        .rows_at(
            "LET $named = (SELECT VALUE sha256 FROM plugin); \
             SELECT VALUE record::id(id) FROM plugin_component \
                 WHERE stored_at < time::now() - <duration>$grace AND record::id(id) NOTINSIDE $named;",
            json!({ "grace": grace }),
            1,
        )
        .await?;
    let mut removed = 0;
    for sha in unused {
        let gone: Vec<bool> = db
            .last_rows(
                "BEGIN; \
                 LET $head = type::record('plugin_component', $sha); \
                 LET $go = $head.stored_at != NONE \
                     AND $head.stored_at < time::now() - <duration>$grace \
                     AND array::len(SELECT VALUE id FROM plugin WHERE sha256 = $sha) = 0; \
                 IF $go { DELETE $head; DELETE plugin_chunk WHERE sha256 = $sha; }; \
                 RETURN $go; \
                 COMMIT;",
                json!({ "sha": sha, "grace": grace }),
            )
            .await?;
        if gone.first().copied().unwrap_or(false) {
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store() -> Db {
        let settings = crate::config::Settings::for_tests().unwrap();
        Db::connect(&settings).await.unwrap()
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_component_over_several_chunks_comes_back_whole_and_checked() {
        let db = store().await;
        let bytes: Vec<u8> = (0..(2 * CHUNK + 123)).map(|i| (i % 251) as u8).collect();
        let sha = hex::encode(Sha256::digest(&bytes));
        assert!(get(&db, &sha).await.unwrap().is_none());
        put(&db, &sha, &bytes).await.unwrap();
        assert_eq!(get(&db, &sha).await.unwrap().as_deref(), Some(&bytes[..]));

        // A chunk altered in the store is found out, not loaded.
        db.exec(
            "UPDATE type::record('plugin_chunk', [$sha, 1]) SET data = $data",
            json!({ "sha": sha, "data": B64.encode(vec![0u8; CHUNK]) }),
        )
        .await
        .unwrap();
        let error = get(&db, &sha).await.unwrap_err().to_string();
        assert!(error.contains("do not match its digest"), "{error}");

        // Named by a plugin, it stays; unnamed, it stays for the grace period, then goes.
        db.exec(
            "CREATE plugin:x SET name = 'x', version = '1.0.0', kind = 'variable-resolver', \
             manifest = '', sha256 = $sha, source = 'upload'",
            json!({ "sha": sha }),
        )
        .await
        .unwrap();
        let none = std::time::Duration::ZERO;
        assert_eq!(sweep(&db, none).await.unwrap(), 0);
        assert!(exists(&db, &sha).await.unwrap());
        db.exec("DELETE plugin:x", json!({})).await.unwrap();
        assert_eq!(
            sweep(&db, std::time::Duration::from_secs(3600))
                .await
                .unwrap(),
            0
        );
        assert!(exists(&db, &sha).await.unwrap());
        assert_eq!(sweep(&db, none).await.unwrap(), 1);
        assert!(!exists(&db, &sha).await.unwrap());
        let left: Vec<serde_json::Value> = db
            .rows("SELECT id FROM plugin_chunk", json!({}))
            .await
            .unwrap();
        assert!(left.is_empty(), "{left:?}");
    }
}
