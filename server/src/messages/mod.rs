//! Messages, outbound and inbound: the outbox (a queued message is a row with status `queued`),
//! the message log with each message's status history, conversations, and opt-out.
//!
//! A message's record id is `[workspace, batch, key]`: the batch is a campaign's id (the key is
//! then the contact's id, so a campaign reaches each contact once and its results are one range),
//! `~direct` for single sends and `~in` for inbound messages (time-ordered keys). The message id the
//! API shows, and the idempotency key transports receive, is `<batch>.<key>`.

pub mod hooks;
pub mod inbound;
pub mod optout;
pub mod routes;
pub mod send;
pub mod stats;
pub mod threads;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::db::Db;
use crate::error::ApiError;
use crate::media::MediaKind;

/// Batch of single sends.
pub const DIRECT: &str = "~direct";
/// Batch of inbound messages.
pub const INBOUND: &str = "~in";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Waiting for its turn or for a retry, or on its way: a dispatcher's claim names it and its
    /// outcome is not recorded yet.
    Queued,
    /// On its way, as versions before the claim records (`campaigns::dispatcher`) marked it:
    /// still read, claimed again once that claim's lease ran out.
    Sending,
    /// The provider accepted it.
    Sent,
    Delivered,
    Read,
    /// Given up, with the reason.
    Failed,
    /// Not sent, with the reason (opted out, no address …).
    Skipped,
    /// Its campaign was cancelled before it went.
    Cancelled,
    /// An inbound message.
    Received,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Queued => "queued",
            Status::Sending => "sending",
            Status::Sent => "sent",
            Status::Delivered => "delivered",
            Status::Read => "read",
            Status::Failed => "failed",
            Status::Skipped => "skipped",
            Status::Cancelled => "cancelled",
            Status::Received => "received",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        serde_json::from_value(json!(text)).ok()
    }

    /// The statuses a delivery report may move a message from: reports never move a status
    /// backwards (a `delivered` after a `read` keeps `read`), and nothing follows a failure. A
    /// message whose send is still being recorded (`sending`) takes its report a moment later.
    pub fn advances_from(self) -> &'static [&'static str] {
        match self {
            Status::Delivered => &["sent"],
            Status::Read => &["sent", "delivered"],
            Status::Failed => &["sent"],
            _ => &[],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Out,
    In,
}

/// One change of a message's status.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StatusChange {
    pub status: Status,
    pub at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// An attachment as a message carries it (frozen when the message was queued).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MessageAttachment {
    pub media_id: String,
    pub kind: MediaKind,
    pub mime: String,
    pub file_name: String,
    pub size: u64,
    #[serde(default)]
    pub sha256: String,
}

/// A message as the API shows it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Message {
    /// `<batch>.<key>`; also the idempotency key transports receive.
    #[schema(example = "k3j2h4g5f6d7s8a9q0w1.905321234567")]
    pub id: String,
    pub direction: Direction,
    pub channel: String,
    /// The campaign it belongs to, if any.
    pub campaign: Option<String>,
    /// The contact id, when the address belongs to a contact.
    pub contact: Option<String>,
    /// The recipient (outbound) or sender (inbound): an E.164 phone or an e-mail address.
    #[schema(example = "+905321234567")]
    pub address: String,
    #[schema(example = "Sayın Ayşe Hanım, siparişiniz yolda.")]
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default)]
    pub attachments: Vec<MessageAttachment>,
    pub status: Status,
    /// Why it failed or was skipped.
    pub reason: Option<String>,
    /// The provider's error code, when it gave one.
    pub error_code: Option<String>,
    #[serde(default)]
    pub attempts: u32,
    pub provider_id: Option<String>,
    #[serde(default)]
    pub history: Vec<StatusChange>,
    pub created_at: DateTime<Utc>,
    /// When the provider accepted, delivered and read it (from the history).
    pub sent_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub read_at: Option<DateTime<Utc>>,
}

/// The fields read back for [`Message`]; `batch` and `key` come from the record id.
pub const FIELDS: &str = "record::id(id)[1] AS batch, record::id(id)[2] AS key, direction, channel, \
     campaign, contact, address, text, subject, attachments, status, reason, error_code, attempts, \
     provider_id, history, created_at";

#[derive(Deserialize)]
pub struct StoredMessage {
    pub batch: String,
    pub key: String,
    #[serde(flatten)]
    pub rest: StoredBody,
}

#[derive(Deserialize)]
pub struct StoredBody {
    pub direction: Direction,
    pub channel: String,
    pub campaign: Option<String>,
    pub contact: Option<String>,
    pub address: String,
    pub text: String,
    pub subject: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub attachments: Vec<MessageAttachment>,
    pub status: Status,
    pub reason: Option<String>,
    pub error_code: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub attempts: u32,
    pub provider_id: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub history: Vec<StatusChange>,
    pub created_at: DateTime<Utc>,
}

/// A field the store answers as null (never written) reads as its default.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + serde::Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

impl From<StoredMessage> for Message {
    fn from(s: StoredMessage) -> Self {
        let mut b = s.rest;
        // A campaign's recipients queued at its start carry no `queued` entry (one value less to
        // write for each): it is their creation. Those skipped or failed there carry theirs, at
        // the moment of their creation.
        if b.direction == Direction::Out
            && b.campaign.is_some()
            && b.history.first().is_none_or(|h| h.at != b.created_at)
        {
            b.history.insert(
                0,
                StatusChange {
                    status: Status::Queued,
                    at: b.created_at,
                    reason: None,
                },
            );
        }
        let first = |status: Status| b.history.iter().find(|h| h.status == status).map(|h| h.at);
        let (sent_at, delivered_at, read_at) = (
            first(Status::Sent),
            first(Status::Delivered),
            first(Status::Read),
        );
        Message {
            id: message_id(&s.batch, &s.key),
            direction: b.direction,
            channel: b.channel,
            campaign: b.campaign,
            contact: b.contact,
            address: b.address,
            text: b.text,
            subject: b.subject,
            attachments: b.attachments,
            status: b.status,
            reason: b.reason,
            error_code: b.error_code,
            attempts: b.attempts,
            // Unless a transport said otherwise, a sent message's provider id is its own.
            provider_id: b.provider_id.or_else(|| {
                (b.direction == Direction::Out && sent_at.is_some())
                    .then(|| message_id(&s.batch, &s.key))
            }),
            history: b.history,
            created_at: b.created_at,
            sent_at,
            delivered_at,
            read_at,
        }
    }
}

impl Message {
    pub fn status_text(&self) -> &'static str {
        self.status.as_str()
    }
}

pub fn message_id(batch: &str, key: &str) -> String {
    format!("{batch}.{key}")
}

/// `<batch>.<key>` back into its parts.
pub fn split_id(id: &str) -> Option<(&str, &str)> {
    let (batch, key) = id.split_once('.')?;
    (!batch.is_empty() && !key.is_empty()).then_some((batch, key))
}

/// A time-ordered key for single sends and inbound messages: milliseconds, then randomness.
pub fn time_key() -> String {
    format!(
        "{:013}{}",
        Utc::now().timestamp_millis(),
        &crate::db::new_id()[..8]
    )
}

/// The workspace's media entries as attachments, in order; an unknown id is a 400 naming
/// `<field>[i]`.
pub async fn attachments(
    db: &Db,
    workspace: &str,
    ids: &[String],
    field: &str,
) -> Result<Vec<MessageAttachment>, ApiError> {
    if ids.len() > 10 {
        return Err(ApiError::invalid_field(field, "at most 10 attachments"));
    }
    let mut out = Vec::with_capacity(ids.len());
    for (index, id) in ids.iter().enumerate() {
        let media = crate::media::find_in(db, workspace, id)
            .await?
            .ok_or_else(|| {
                ApiError::invalid_field(
                    &format!("{field}[{index}]"),
                    format!("no media `{id}` in this workspace"),
                )
            })?;
        out.push(MessageAttachment {
            media_id: media.id,
            kind: media.kind,
            mime: media.mime,
            file_name: media.file_name,
            size: media.size,
            sha256: media.sha256,
        });
    }
    Ok(out)
}

/// Refuses attachments a channel cannot deliver: a kind it does not take, or a file too large.
pub fn check_attachments(
    attachments: &[MessageAttachment],
    capabilities: &crate::transports::Capabilities,
    field: &str,
) -> Result<(), ApiError> {
    for (index, attachment) in attachments.iter().enumerate() {
        if !capabilities.media_kinds.contains(&attachment.kind) {
            return Err(ApiError::new(
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                "unsupported_attachment",
                format!(
                    "the channel does not deliver {} attachments (`{}`)",
                    serde_json::to_value(attachment.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                    attachment.file_name
                ),
            )
            .with_details(json!({ "field": format!("{field}[{index}]") })));
        }
        if attachment.size > capabilities.max_attachment_bytes {
            return Err(ApiError::new(
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                "unsupported_attachment",
                format!(
                    "`{}` is larger than the channel's {} bytes",
                    attachment.file_name, capabilities.max_attachment_bytes
                ),
            )
            .with_details(json!({ "field": format!("{field}[{index}]") })));
        }
    }
    Ok(())
}

pub async fn find(db: &Db, workspace: &str, id: &str) -> Result<Option<Message>, ApiError> {
    let Some((batch, key)) = split_id(id) else {
        return Ok(None);
    };
    let row: Option<StoredMessage> = db
        .row(
            &format!("SELECT {FIELDS} FROM type::record('message', [$ws, $batch, $key])"),
            json!({ "ws": workspace, "batch": batch, "key": key }),
        )
        .await?;
    Ok(row.map(Message::from))
}

/// What the message log is filtered by.
#[derive(Debug, Default, Clone)]
pub struct LogFilter {
    pub contact: Option<String>,
    pub campaign: Option<String>,
    pub channel: Option<String>,
    pub status: Option<Status>,
    pub direction: Option<Direction>,
}

/// A page of the message log after the cursor (a message id), in id order: a campaign's messages
/// by contact, single sends and inbound messages by time.
pub async fn log(
    db: &Db,
    workspace: &str,
    filter: &LogFilter,
    after: Option<&str>,
    limit: usize,
) -> Result<Vec<Message>, ApiError> {
    let mut conditions = Vec::new();
    let mut vars = serde_json::Map::new();
    vars.insert("ws".into(), json!(workspace));
    vars.insert("limit".into(), json!(limit));
    if let Some(contact) = &filter.contact {
        conditions.push("contact = $contact");
        vars.insert("contact".into(), json!(contact));
    }
    if let Some(channel) = &filter.channel {
        conditions.push("channel = $channel");
        vars.insert("channel".into(), json!(channel));
    }
    if let Some(status) = filter.status {
        conditions.push("status = $status");
        vars.insert("status".into(), json!(status));
    }
    if let Some(direction) = filter.direction {
        conditions.push("direction = $direction");
        vars.insert("direction".into(), json!(direction));
    }
    let (after_batch, after_key) = after.and_then(split_id).unwrap_or(("", ""));
    // A campaign's messages are one range of record ids; otherwise the workspace's.
    let range = match &filter.campaign {
        Some(campaign) => {
            vars.insert("batch".into(), json!(campaign));
            vars.insert(
                "after".into(),
                json!(if after_batch == campaign {
                    after_key
                } else {
                    ""
                }),
            );
            "array::first([message:[$ws, $batch, $after]>..[$ws, $batch, {}]])"
        }
        // A contact's messages: see `threads`.
        None if filter.contact.is_some() => {
            conditions.push(
                "workspace = $ws AND id > type::record('message', [$ws, $after_batch, $after])",
            );
            vars.insert("after_batch".into(), json!(after_batch));
            vars.insert("after".into(), json!(after_key));
            "$thread_ids"
        }
        None => {
            vars.insert("after_batch".into(), json!(after_batch));
            vars.insert("after".into(), json!(after_key));
            "array::first([message:[$ws, $after_batch, $after]>..[$ws, {}]])"
        }
    };
    let clause = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let ids = if range == "$thread_ids" {
        threads::THREAD_IDS
    } else {
        ""
    };
    let sql = format!("{ids} SELECT {FIELDS} FROM {range} {clause} ORDER BY id LIMIT $limit");
    let rows: Vec<StoredMessage> = db.last_rows(&sql, Value::Object(vars)).await?;
    Ok(rows.into_iter().map(Message::from).collect())
}

/// Removes what the pipeline keeps only for a while: inbound ids seen (a provider redelivers
/// within days, not weeks: Meta for up to 7, so they are kept 8), provider ids of messages older than a month (reports stop long
/// before), per-recipient gaps past the longest allowed gap, channels' day counts older than a
/// week, and workspaces' message statistics older than 400 days.
pub async fn sweep(db: &Db) -> Result<(), ApiError> {
    let week_ago = (chrono::Utc::now() - chrono::Duration::days(7))
        .format("%Y-%m-%d")
        .to_string();
    let stats_from = (chrono::Utc::now() - chrono::Duration::days(400))
        .format("%Y-%m-%d")
        .to_string();
    db.exec(
        "DELETE inbound_seen WHERE at < time::now() - 8d; \
         DELETE provider_ref WHERE at = NONE OR at < time::now() - 30d; \
         DELETE recipient_gap WHERE at < time::now() - 31d; \
         DELETE channel_day WHERE record::id(id)[1] < $week_ago; \
         DELETE message_day WHERE record::id(id)[1] < $stats_from;",
        json!({ "week_ago": week_ago, "stats_from": stats_from }),
    )
    .await?;
    Ok(())
}
