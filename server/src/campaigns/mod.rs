//! Campaigns: a template sent to an audience through a channel, on a schedule, at a safe rate.
//! Starting one renders every recipient into the outbox ([`enqueue`]); the channel's dispatcher
//! sends them under the rate policy ([`dispatcher`]). Progress is the counts per status, moved in
//! the same transactions as the messages they count.

pub mod audience;
pub mod dispatcher;
pub mod enqueue;
pub mod routes;
pub mod schedule;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::db::Db;
use crate::error::ApiError;
use crate::transports::AddressKind;
pub use audience::Audience;
pub use schedule::{Rate, Schedule};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CampaignState {
    /// Being written; can be edited.
    Draft,
    /// Waiting for its start time.
    Scheduled,
    Running,
    Paused,
    Completed,
    Cancelled,
    /// Could not go on (the reason is in `state_reason`).
    Failed,
}

impl CampaignState {
    pub fn as_str(self) -> &'static str {
        match self {
            CampaignState::Draft => "draft",
            CampaignState::Scheduled => "scheduled",
            CampaignState::Running => "running",
            CampaignState::Paused => "paused",
            CampaignState::Completed => "completed",
            CampaignState::Cancelled => "cancelled",
            CampaignState::Failed => "failed",
        }
    }
}

/// How many of a campaign's messages are in each status now.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct Counts {
    #[serde(default)]
    pub queued: i64,
    #[serde(default)]
    pub sent: i64,
    #[serde(default)]
    pub delivered: i64,
    #[serde(default)]
    pub read: i64,
    #[serde(default)]
    pub failed: i64,
    #[serde(default)]
    pub skipped: i64,
    #[serde(default)]
    pub cancelled: i64,
}

/// What the dispatcher observes while sending.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct Progress {
    /// Messages sent in the last minute.
    #[serde(default)]
    pub rate_per_minute: f64,
    /// Seconds until the last queued message should go, at the current rate and schedule.
    pub eta_seconds: Option<u64>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// A campaign as the API shows it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Campaign {
    #[schema(example = "k3j2h4g5f6d7s8a9q0w1")]
    pub id: String,
    #[schema(example = "Kasım kampanyası")]
    pub name: String,
    /// The template's id.
    pub template: String,
    /// The channel's id.
    pub channel: String,
    pub audience: Audience,
    #[serde(default)]
    pub schedule: Schedule,
    #[serde(default)]
    pub rate: Rate,
    pub state: CampaignState,
    pub state_reason: Option<String>,
    /// Recipients in the outbox so far: the audience's size once `enqueued` stops growing (every
    /// recipient is rendered into the outbox in the background after the start).
    #[serde(default)]
    pub total: i64,
    /// Recipients rendered into the outbox so far.
    #[serde(default)]
    pub enqueued: i64,
    #[serde(default)]
    pub counts: Counts,
    #[serde(default)]
    pub progress: Progress,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// A campaign's counts are its own plus those its enqueueing added (kept in `campaign_enqueue`,
/// under the campaign's id and `[id, 'b']`: one record per half of a page, see `enqueue`).
macro_rules! campaign_fields {
    () => {
        "record::id(id) AS id, name, template, channel, audience, schedule, rate, state, \
         state_reason, \
         (type::record('campaign_enqueue', record::id(id)).enqueued ?? 0) \
             + (type::record('campaign_enqueue', [record::id(id), 'b']).enqueued ?? 0) AS total, \
         (type::record('campaign_enqueue', record::id(id)).enqueued ?? 0) \
             + (type::record('campaign_enqueue', [record::id(id), 'b']).enqueued ?? 0) AS enqueued, { \
             queued: (counts.queued ?? 0) + (type::record('campaign_enqueue', record::id(id)).queued ?? 0) \
                 + (type::record('campaign_enqueue', [record::id(id), 'b']).queued ?? 0), \
             sent: counts.sent ?? 0, delivered: counts.delivered ?? 0, read: counts.read ?? 0, \
             failed: (counts.failed ?? 0) + (type::record('campaign_enqueue', record::id(id)).failed ?? 0) \
                 + (type::record('campaign_enqueue', [record::id(id), 'b']).failed ?? 0), \
             skipped: (counts.skipped ?? 0) + (type::record('campaign_enqueue', record::id(id)).skipped ?? 0) \
                 + (type::record('campaign_enqueue', [record::id(id), 'b']).skipped ?? 0), \
             cancelled: counts.cancelled ?? 0 } AS counts, \
         progress, created_at, updated_at, started_at, finished_at"
    };
}

pub const FIELDS: &str = campaign_fields!();

/// A campaign with what only the server uses.
#[derive(Debug, Clone, Deserialize)]
pub struct StoredCampaign {
    #[serde(flatten)]
    pub campaign: Campaign,
    pub workspace: String,
    /// The contact id the enqueueing reached; empty before it starts.
    #[serde(default)]
    pub enqueue_cursor: String,
    #[serde(default)]
    pub enqueue_done: bool,
    /// The template (body, media, channel hints) as it was when the campaign started.
    #[serde(default)]
    pub snapshot: Option<serde_json::Value>,
}

pub const STORED_FIELDS: &str = concat!(
    campaign_fields!(),
    ", workspace, type::record('campaign_enqueue', record::id(id)).cursor ?? '' AS enqueue_cursor, \
     type::record('campaign_enqueue', record::id(id)).done ?? false AS enqueue_done, snapshot"
);

pub async fn find(db: &Db, workspace: &str, id: &str) -> Result<Option<StoredCampaign>, ApiError> {
    if id.is_empty() {
        return Ok(None);
    }
    Ok(db
        .row(
            &format!(
                "SELECT {STORED_FIELDS} FROM type::record('campaign', $id) WHERE workspace = $ws"
            ),
            json!({ "id": id, "ws": workspace }),
        )
        .await?)
}

/// The count buckets a change may name; anything else is a bug, refused before it reaches SQL.
const BUCKETS: &[&str] = &[
    "queued",
    "sent",
    "delivered",
    "read",
    "failed",
    "skipped",
    "cancelled",
];

/// The SET clause moving a campaign's counts by these amounts (names checked against [`BUCKETS`]).
pub fn counts_clause(deltas: &BTreeMap<&str, i64>) -> String {
    deltas
        .iter()
        .filter(|(bucket, delta)| **delta != 0 && BUCKETS.contains(bucket))
        .map(|(bucket, delta)| format!("counts.{bucket} = (counts.{bucket} ?? 0) + {delta}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Moves a campaign's counts.
pub async fn add_counts(
    db: &Db,
    campaign: &str,
    deltas: &BTreeMap<&str, i64>,
) -> Result<(), ApiError> {
    let clause = counts_clause(deltas);
    if clause.is_empty() {
        return Ok(());
    }
    let sql = format!("UPDATE type::record('campaign', $id) SET {clause}");
    let vars = json!({ "id": campaign });
    db.retrying(|| db.exec(&sql, vars.clone())).await?;
    Ok(())
}

/// A recipient's address as a channel of this kind takes it: an E.164 phone (read against the
/// workspace's region) or an e-mail address.
pub async fn address_for(
    db: &Db,
    workspace: &str,
    kind: AddressKind,
    raw: &str,
) -> Result<String, ApiError> {
    match kind {
        AddressKind::Phone => {
            let region = crate::contacts::region_of(db, workspace).await?;
            Ok(crate::contacts::model::Phone::parse("to", raw, &region)?
                .as_str()
                .to_owned())
        }
        AddressKind::Email => crate::auth::users::normalize_email("to", raw),
    }
}

/// Marks a cancelled campaign's queued messages cancelled, a group at a time, with the counts.
pub async fn cancel_queued(db: &Db, workspace: &str, campaign: &str) -> Result<(), ApiError> {
    loop {
        let changed: Vec<serde_json::Value> = db
            .retrying(|| {
                db.last_rows(
                    "BEGIN; \
                     LET $ids = (SELECT VALUE id FROM array::first([message:[$ws, $c, '']..[$ws, $c, {}]]) \
                         WHERE status = 'queued' LIMIT 2000); \
                     UPDATE $ids SET status = 'cancelled', \
                         history = array::push(history ?? [], { status: 'cancelled', at: time::now() }) \
                         RETURN NONE; \
                     UPDATE type::record('campaign', $c) SET counts.queued = (counts.queued ?? 0) - array::len($ids), \
                         counts.cancelled = (counts.cancelled ?? 0) + array::len($ids); \
                     RETURN $ids; \
                     COMMIT;",
                    json!({ "ws": workspace, "c": campaign }),
                )
            })
            .await?;
        if changed.len() < 2000 {
            return Ok(());
        }
    }
}
