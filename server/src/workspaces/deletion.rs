//! Deleting a workspace and everything it owns. The workspace disappears for everyone at once (its
//! policy, tokens and invitations go first); its data is then purged in the background, table by
//! table, in groups small enough for one transaction. The workspace row is marked `deleting_since`
//! before anything else and removed last, so a crash midway leaves a mark that the next start (or
//! the periodic upkeep of any replica) finds and finishes.

use serde_json::json;

use crate::app::AppState;
use crate::auth::tokens;
use crate::error::ApiError;

/// Tables whose rows carry `workspace` and hold nothing outside the store.
const OWNED_TABLES: &[&str] = &[
    "contact_field",
    "variable",
    "template",
    "plugin_setting",
    "plugin_kv",
    "invitation",
    "role",
];

/// Marks the workspace deleted, takes it away from everyone, and purges it in the background.
pub async fn start(state: actix_web::web::Data<AppState>, workspace: &str) -> Result<(), ApiError> {
    state
        .db
        .exec(
            "UPDATE type::record('workspace', $ws) SET deleting_since = time::now() \
             WHERE deleting_since IS NONE; DELETE invitation WHERE workspace = $ws;",
            json!({ "ws": workspace }),
        )
        .await?;
    tokens::revoke_for_member(&state, workspace, None).await?;
    state.authz.drop_workspace(workspace).await?;
    state.imports.cancel_workspace(workspace);
    let workspace = workspace.to_owned();
    tokio::spawn(async move {
        if let Err(e) = purge(&state, &workspace).await {
            tracing::warn!(%workspace, error = %e, "workspace purge interrupted; it resumes later");
        }
    });
    Ok(())
}

/// The purges under way in this process, so the periodic resume does not start a second one.
#[derive(Default)]
pub struct Purges(parking_lot::Mutex<std::collections::HashSet<String>>);

struct PurgeGuard<'a>(&'a Purges, String);

impl Drop for PurgeGuard<'_> {
    fn drop(&mut self) {
        self.0.0.lock().remove(&self.1);
    }
}

/// Removes everything of a workspace marked for deletion. Safe to run again, and by several
/// replicas at once: every step deletes what is still there.
pub async fn purge(state: &AppState, workspace: &str) -> Result<(), ApiError> {
    if !state.purges.0.lock().insert(workspace.to_owned()) {
        return Ok(());
    }
    let _running = PurgeGuard(&state.purges, workspace.to_owned());
    state.imports.cancel_workspace(workspace);
    // Webhooks first: nothing more leaves for the workspace's receivers.
    crate::webhooks::purge_workspace(&state.db, workspace).await?;
    let jobs: Vec<String> = state
        .db
        .rows(
            "SELECT VALUE record::id(id) FROM import_job WHERE workspace = $ws",
            json!({ "ws": workspace }),
        )
        .await?;
    for job in &jobs {
        // Failing here leaves the deletion to be resumed: no file of the workspace is left behind.
        for key in [
            crate::contacts::imports::upload_key(job),
            crate::contacts::imports::report_key(job),
        ] {
            state
                .files
                .remove(&key)
                .await
                .map_err(ApiError::unavailable)?;
        }
    }
    state
        .db
        .exec(
            "DELETE import_job WHERE workspace = $ws",
            json!({ "ws": workspace }),
        )
        .await?;
    purge_messaging(state, workspace).await?;
    crate::contacts::delete_all(state, workspace).await?;
    purge_media(state, workspace).await?;
    for table in OWNED_TABLES {
        state
            .db
            .exec(
                &format!("DELETE {table} WHERE workspace = $ws"),
                json!({ "ws": workspace }),
            )
            .await?;
    }
    state
        .db
        .exec(
            "DELETE type::record('plugin_kv_usage', $ws); DELETE type::record('media_usage', $ws); \
             DELETE type::record('notice_cursor', $ws);",
            json!({ "ws": workspace }),
        )
        .await?;
    // An import that was writing when the purge began may have added contacts since.
    crate::contacts::delete_all(state, workspace).await?;
    // The event log last: the steps above may have recorded a last few.
    crate::webhooks::purge_workspace(&state.db, workspace).await?;
    state
        .db
        .exec(
            "DELETE type::record('workspace', $ws)",
            json!({ "ws": workspace }),
        )
        .await?;
    state.imports.forget_cancelled(workspace);
    tracing::info!(%workspace, "workspace purged");
    Ok(())
}

/// Channels first (their dispatchers stop within the supervisor's tick), then what is keyed by
/// channel, the campaigns, the messages a group at a time, the conversations and the settings.
async fn purge_messaging(state: &AppState, workspace: &str) -> Result<(), ApiError> {
    let db = &state.db;
    let channels: Vec<String> = db
        .rows(
            "SELECT VALUE record::id(id) FROM channel WHERE workspace = $ws",
            json!({ "ws": workspace }),
        )
        .await?;
    // Dispatchers stop for a channel in this state; the rows go only after what they keep, so a
    // purge interrupted here finds the channels again when it resumes.
    db.exec(
        "UPDATE channel SET state = 'disconnected', state_reason = 'the workspace is being deleted' \
         WHERE workspace = $ws",
        json!({ "ws": workspace }),
    )
    .await?;
    state.pipeline.wake();
    for channel in &channels {
        crate::channels::purge_data(db, channel).await?;
    }
    db.exec(
        "DELETE channel WHERE workspace = $ws",
        json!({ "ws": workspace }),
    )
    .await?;
    // Once more, for what a dispatcher finishing its last batch wrote meanwhile.
    for channel in &channels {
        crate::channels::purge_data(db, channel).await?;
    }
    let campaigns: Vec<String> = db
        .rows(
            "SELECT VALUE record::id(id) FROM campaign WHERE workspace = $ws",
            json!({ "ws": workspace }),
        )
        .await?;
    for campaign in &campaigns {
        db.exec(
            "DELETE type::record('campaign_enqueue', $c); DELETE type::record('campaign_enqueue', [$c, 'b']);",
            json!({ "c": campaign }),
        )
        .await?;
    }
    db.exec(
        "DELETE campaign WHERE workspace = $ws",
        json!({ "ws": workspace }),
    )
    .await?;
    // Messages, and the records that find a contact's (`messages::threads`).
    for table in ["message", "contact_message"] {
        loop {
            let removed: Vec<serde_json::Value> = db
                .last_rows(
                    &format!(
                        "LET $batch = (SELECT VALUE id FROM array::first([{table}:[$ws, NONE]..[$ws, {{}}]]) LIMIT 2000); \
                         FOR $m IN $batch {{ DELETE $m; }}; \
                         RETURN $batch;"
                    ),
                    json!({ "ws": workspace }),
                )
                .await?;
            if removed.len() < 2000 {
                break;
            }
        }
    }
    db.exec(
        "DELETE conversation WHERE workspace = $ws; DELETE type::record('messaging_settings', $ws); \
         FOR $d IN (SELECT VALUE id FROM array::first([message_day:[$ws, NONE]..[$ws, {}]])) { DELETE $d; }; \
         FOR $d IN (SELECT VALUE id FROM array::first([claim:[$ws, NONE]..[$ws, {}]])) { DELETE $d; }; \
         FOR $d IN (SELECT VALUE id FROM array::first([claim_head:[$ws, NONE]..[$ws, {}]])) { DELETE $d; }; \
         FOR $d IN (SELECT VALUE id FROM array::first([outcome_tally:[$ws, NONE]..[$ws, {}]])) { DELETE $d; }; \
         FOR $d IN (SELECT VALUE id FROM array::first([message_batch:[$ws, NONE]..[$ws, {}]])) { DELETE $d; };",
        json!({ "ws": workspace }),
    )
    .await?;
    Ok(())
}

/// Media entries go a group at a time; their bytes are handed to the blob sweep in the same
/// statement, so no entry is gone with its bytes unscheduled (a crash in between once left them
/// on disk for good). The sweep removes them once no other workspace's entry shares them: it
/// checks that again under the digest's lock.
async fn purge_media(state: &AppState, workspace: &str) -> Result<(), ApiError> {
    loop {
        let digests: Vec<String> = state
            .db
            .last_rows(
                "LET $batch = (SELECT id, sha256 FROM media WHERE workspace = $ws LIMIT 500); \
                 FOR $m IN $batch { \
                     DELETE $m.id; \
                     UPSERT type::record('blob_gc', $m.sha256) SET sha256 = $m.sha256, \
                         due = time::now() + <duration>$grace; \
                 }; \
                 RETURN $batch.sha256;",
                json!({ "ws": workspace, "grace": state.blobs.grace() }),
            )
            .await?;
        if digests.is_empty() {
            return Ok(());
        }
    }
}

/// Finishes deletions that a crash or restart interrupted (at start, and from the periodic
/// upkeep, so a purge that failed midway is retried).
pub async fn resume_interrupted(state: &AppState) {
    let pending: Vec<String> = match state
        .db
        .rows(
            "SELECT VALUE record::id(id) FROM workspace WHERE deleting_since IS NOT NONE",
            json!({}),
        )
        .await
    {
        Ok(pending) => pending,
        Err(e) => {
            tracing::warn!(error = %e, "cannot look for interrupted workspace deletions");
            return;
        }
    };
    for workspace in pending {
        if let Err(e) = purge(state, &workspace).await {
            tracing::warn!(%workspace, error = %e, "workspace purge interrupted; it resumes later");
        }
    }
}
