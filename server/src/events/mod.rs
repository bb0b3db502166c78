//! The workspace event log: every change worth reacting to, written in the transaction of the change
//! (`event:[workspace, ulid]`), read in pages, streamed live (SSE) and fanned out to webhooks.
//!
//! Ordering: an event's id is a ULID made by the store when the statement runs, the last statement
//! of its transaction, so ids follow commits to within the commit's own duration. Readers that
//! follow the log (the live stream, webhook fan-out) stop `events.settle_ms` short of now, so an
//! event still committing when they read is not passed over; a page of the log does the same, so a
//! cursor taken from it never skips an event either.

pub mod routes;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::db::Db;
use crate::error::ApiError;

/// Every event type, with the resource whose `read` permission shows it.
pub const TYPES: &[(&str, &str)] = &[
    ("message.queued", "messages"),
    ("message.sent", "messages"),
    ("message.delivered", "messages"),
    ("message.read", "messages"),
    ("message.failed", "messages"),
    ("message.received", "conversations"),
    ("campaign.started", "campaigns"),
    ("campaign.paused", "campaigns"),
    ("campaign.resumed", "campaigns"),
    ("campaign.completed", "campaigns"),
    ("campaign.cancelled", "campaigns"),
    ("contact.created", "contacts"),
    ("contact.updated", "contacts"),
    ("contact.deleted", "contacts"),
    ("contact.opted_out", "contacts"),
    ("contact.opted_in", "contacts"),
    ("import.completed", "contacts"),
    ("import.failed", "contacts"),
    ("channel.connected", "channels"),
    ("channel.disconnected", "channels"),
    ("channel.pairing", "channels"),
    ("webhook.disabled", "webhooks"),
];

/// The resource whose `read` permission shows events of this type; `None` for an unknown type.
pub fn resource_of(event_type: &str) -> Option<&'static str> {
    TYPES
        .iter()
        .find(|(t, _)| *t == event_type)
        .map(|(_, resource)| *resource)
}

/// The statement that records `$ulak_events` (an array of [`Draft`]) in the caller's transaction.
/// Put it last, just before `COMMIT`: the ids take their time when it runs.
/// One statement for all of them: a `CREATE` per event in a loop costs twice as much.
pub const RECORD: &str = "INSERT INTO event array::map($ulak_events, |$e| { \
     id: [$e.ws, rand::ulid()], type: $e.type, at: time::now(), data: $e.data }) RETURN NONE;";

/// As [`RECORD`], for writers of many events at once: `$ulak_event_records` holds the events
/// whole ([`records`]), ids and times included, so that the store evaluates nothing per event (a
/// closure per event was a fifth of recording a batch of sends). Only with a store on this
/// machine's clock ([`Db::is_local`]): followers of the log stop `events.settle_ms` short of the
/// store's now, and a replica's clock may differ from a SurrealDB server's. Make the records just
/// before the transaction runs, as [`RECORD`] makes its ids as it runs: the margin covers a
/// transaction's duration but not a wait before it.
pub const RECORD_BOUND: &str = "INSERT INTO event $ulak_event_records RETURN NONE;";

/// The records [`RECORD_BOUND`] inserts: ids `[workspace, ulid]` and times made now.
pub fn records(drafts: &[Draft]) -> surrealdb::types::Value {
    use surrealdb::types::{Array, Datetime, Object, RecordId, RecordIdKey, SurrealValue, Value};
    let now = Utc::now();
    let records: Vec<Value> = drafts
        .iter()
        .map(|d| {
            let key = Array::from(vec![
                d.ws.clone().into_value(),
                ulid::Ulid::new().to_string().into_value(),
            ]);
            let mut record = Object::new();
            record.insert(
                "id",
                Value::RecordId(RecordId::new("event", RecordIdKey::Array(key))),
            );
            record.insert("type", d.event_type.to_owned().into_value());
            record.insert("at", Value::Datetime(Datetime::from(now)));
            record.insert("data", d.data.clone().into_value());
            Value::Object(record)
        })
        .collect();
    records.into_value()
}

/// An event to record: the workspace, its type (one of [`TYPES`]) and its payload.
#[derive(Debug, Clone, Serialize)]
pub struct Draft {
    pub ws: String,
    #[serde(rename = "type")]
    pub event_type: &'static str,
    pub data: Value,
}

impl Draft {
    pub fn new(ws: &str, event_type: &'static str, data: Value) -> Self {
        debug_assert!(resource_of(event_type).is_some(), "{event_type}");
        Self {
            ws: ws.to_owned(),
            event_type,
            data,
        }
    }
}

/// Records events in a transaction of their own (for changes the store makes in several steps,
/// where the last step records them).
pub async fn record(db: &Db, drafts: Vec<Draft>) -> Result<(), ApiError> {
    if drafts.is_empty() {
        return Ok(());
    }
    db.exec(
        &format!("BEGIN; {RECORD} COMMIT;"),
        json!({ "ulak_events": drafts }),
    )
    .await?;
    Ok(())
}

/// One event of the log.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Event {
    /// Ordered by time: the cursor of `…/events?after=` and the stream's `Last-Event-ID`.
    #[schema(example = "01JDZ8Q6W3A0S7T5ZK8N2M4P6R")]
    pub id: String,
    #[serde(rename = "type")]
    #[schema(example = "message.delivered")]
    pub event_type: String,
    pub at: DateTime<Utc>,
    /// The payload; its shape per type is one of `EventData`'s.
    #[schema(value_type = EventData)]
    pub data: Value,
}

/// The payload of an event, by the type's first part.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum EventData {
    Message(MessageEventData),
    Campaign(CampaignEventData),
    Contact(ContactEventData),
    Import(ImportEventData),
    Channel(ChannelEventData),
    Webhook(WebhookEventData),
}

/// `message.*`: a message moved to the status the type names, or came in (`message.received`).
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct MessageEventData {
    /// The message's id (`…/messages/{id}`).
    message: String,
    channel: String,
    /// The campaign it belongs to; none for a single send or an inbound message.
    campaign: Option<String>,
    /// The contact's id (its number in E.164 digits), when the address is a contact's.
    contact: Option<String>,
    /// The recipient (outbound) or sender (inbound): an E.164 phone or an e-mail address.
    address: String,
    /// The text, for `message.received` (its first 1,000 characters).
    text: Option<String>,
    /// Why it failed.
    reason: Option<String>,
}

/// `campaign.*`: a campaign changed state.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct CampaignEventData {
    campaign: String,
    name: String,
    /// `running`, `paused`, `completed`, `cancelled`.
    state: String,
    /// The counts by status when it happened, for `campaign.completed` and `campaign.cancelled`.
    #[schema(value_type = Option<Object>)]
    counts: Option<Value>,
}

/// `contact.*`: a contact was created, changed, deleted, or opted out or in.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct ContactEventData {
    /// The contact's id: its number in E.164 digits.
    contact: String,
    /// Its id before a change of phone number moved it (`contact.updated`).
    previous: Option<String>,
    /// How: `api` (a request), `inbound` (an unknown sender wrote), `reply` (an opt-out or opt-in
    /// word), `bulk` (a bulk action).
    source: String,
    /// The channel the opt-out or opt-in word came through.
    channel: Option<String>,
    /// The opt-out's reason.
    reason: Option<String>,
}

/// `import.*`: a contact import finished.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct ImportEventData {
    import: String,
    /// The rows by outcome.
    #[schema(value_type = Object)]
    counts: Value,
    failure: Option<String>,
}

/// `channel.*`: a channel's connection changed.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct ChannelEventData {
    channel: String,
    state: String,
    reason: Option<String>,
    /// `channel.pairing` of a WhatsApp Web channel, once per new QR code: until when that code
    /// is valid. The code itself is at `GET …/channels/{id}/qr` (for those who manage channels).
    qr_expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// `webhook.disabled`: a subscription was switched off after failing for too long.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct WebhookEventData {
    webhook: String,
    url: String,
    reason: String,
}

/// Live streams open at once: per caller (a user's sessions, or one token) and on the server.
pub struct Streams {
    open: parking_lot::Mutex<std::collections::HashMap<String, usize>>,
    per_caller: usize,
    total: usize,
}

/// One open stream's place; given back when the stream ends.
pub struct StreamSlot {
    streams: std::sync::Arc<Streams>,
    caller: String,
}

impl Streams {
    pub fn new(per_caller: usize, total: usize) -> Self {
        Self {
            open: Default::default(),
            per_caller,
            total,
        }
    }

    /// A place for one more stream of this caller, or 429 when they (or the server) have as many
    /// as allowed.
    pub fn open(self: &std::sync::Arc<Self>, caller: &str) -> Result<StreamSlot, ApiError> {
        let mut open = self.open.lock();
        let total: usize = open.values().sum();
        let mine = open.get(caller).copied().unwrap_or(0);
        if mine >= self.per_caller || total >= self.total {
            return Err(ApiError::rate_limited(5).with_details(json!({
                "open_streams": mine,
                "limit": self.per_caller,
            })));
        }
        *open.entry(caller.to_owned()).or_default() += 1;
        Ok(StreamSlot {
            streams: self.clone(),
            caller: caller.to_owned(),
        })
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self.streams.open.lock();
        if let Some(count) = open.get_mut(&self.caller) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.caller);
            }
        }
    }
}

pub(crate) const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The smallest ULID of a moment: events with smaller ids happened before it.
pub fn ulid_floor(at: DateTime<Utc>) -> String {
    let mut ms = at.timestamp_millis().max(0) as u64;
    let mut time = [b'0'; 10];
    for slot in time.iter_mut().rev() {
        *slot = CROCKFORD[(ms & 31) as usize];
        ms >>= 5;
    }
    let mut text = String::from_utf8_lossy(&time).into_owned();
    text.push_str("0000000000000000");
    text
}

/// Whether a text is a ULID as the store writes them (26 Crockford characters, upper case).
pub fn is_event_id(text: &str) -> bool {
    text.len() == 26 && text.bytes().all(|b| CROCKFORD.contains(&b))
}

/// Events of a workspace after `after` (exclusive; from the start when none) that are at least
/// `settle` old by the store's clock (so replicas with clocks apart agree), of the given types,
/// oldest first. At most `scan` entries are looked at; the second value is the last id looked at,
/// where the next read continues even when nothing matched.
pub async fn read_after(
    db: &Db,
    workspace: &str,
    after: Option<&str>,
    settle: std::time::Duration,
    types: &[String],
    limit: usize,
    scan: usize,
) -> Result<(Vec<Event>, Option<String>), ApiError> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        #[serde(rename = "type")]
        event_type: String,
        at: DateTime<Utc>,
        data: Value,
    }
    let rows: Vec<Row> = db
        .last_rows(
            "LET $upper = rand::ulid(time::now() - <duration>$settle); \
             SELECT record::id(id)[1] AS id, type, at, data \
             FROM array::first([event:[$ws, $after]>..[$ws, $upper]]) LIMIT $scan",
            json!({
                "ws": workspace,
                "after": after.unwrap_or(""),
                "settle": format!("{}ms", settle.as_millis()),
                "scan": scan,
            }),
        )
        .await?;
    let last = rows.last().map(|r| r.id.clone());
    let mut events = Vec::new();
    for row in rows {
        if types.is_empty() || types.contains(&row.event_type) {
            events.push(Event {
                id: row.id,
                event_type: row.event_type,
                at: row.at,
                data: row.data,
            });
            if events.len() == limit {
                let last = events.last().map(|e| e.id.clone());
                return Ok((events, last));
            }
        }
    }
    Ok((events, last))
}

/// Removes events older than `keep_days` in every workspace, a group at a time, and every event
/// of a workspace that no longer exists (a last few may be written while it is purged).
pub async fn sweep(db: &Db, keep_days: u32) -> Result<u64, ApiError> {
    sweep_logs(db, Log::Events, keep_days).await
}

/// A table of per-workspace logs keyed `[workspace, ulid]`.
#[derive(Clone, Copy)]
pub(crate) enum Log {
    /// `event`: keys are ULIDs.
    Events,
    /// `audit`: keys are mirrored ULIDs (newest first); the instance's log (`''`) is not a
    /// workspace and stays.
    Audit,
}

/// Removes a log's entries older than `keep_days`, a group at a time, and every entry of a
/// workspace that no longer exists. The workspaces are found in the log itself, one key look-up
/// each.
pub(crate) async fn sweep_logs(db: &Db, log: Log, keep_days: u32) -> Result<u64, ApiError> {
    let cut = ulid_floor(Utc::now() - chrono::Duration::days(i64::from(keep_days)));
    let (table, old) = match log {
        Log::Events => ("event", ("".to_owned(), cut)),
        Log::Audit => ("audit", (crate::audit::mirror(&cut), "~".to_owned())),
    };
    let mut removed = 0;
    let mut after: Option<String> = None;
    loop {
        // The first key past the last workspace's entries: keys are upper-case Crockford
        // characters, which sort before `~`.
        #[derive(Deserialize)]
        struct Next {
            ws: String,
            exists: bool,
        }
        let next: Option<Next> = db
            .last_rows(
                &format!(
                    "LET $first = (SELECT VALUE record::id(id)[0] \
                         FROM array::first([{table}:[$after, '~']..[{{}}]]) LIMIT 1)[0]; \
                     RETURN IF $first = NONE {{ NONE }} ELSE {{ {{ ws: $first, \
                         exists: $first = '' OR record::exists(type::record('workspace', $first)) }} }};"
                ),
                crate::db::without_nulls(json!({ "after": after })),
            )
            .await?
            .into_iter()
            .next()
            .flatten();
        let Some(Next { ws, exists }) = next else {
            break;
        };
        let (from, upto) = if exists {
            old.clone()
        } else {
            ("".to_owned(), "~".to_owned())
        };
        loop {
            let gone: Option<u64> = db
                .last_rows(
                    &format!(
                        "LET $old = (SELECT VALUE id FROM array::first([{table}:[$ws, $from]..[$ws, $upto]]) LIMIT 2000); \
                         FOR $e IN $old {{ DELETE $e; }}; \
                         RETURN array::len($old);"
                    ),
                    json!({ "ws": ws, "from": from, "upto": upto }),
                )
                .await?
                .into_iter()
                .next();
            let gone = gone.unwrap_or(0);
            removed += gone;
            if gone < 2000 {
                break;
            }
        }
        after = Some(ws);
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ulid_floors_order_like_time_and_look_like_ulids() {
        let a = ulid_floor("2026-12-02T10:00:00Z".parse().unwrap());
        let b = ulid_floor("2026-12-02T10:00:00.001Z".parse().unwrap());
        assert!(a < b);
        assert!(is_event_id(&a));
        // The ULID of the Unix epoch plus one millisecond.
        assert_eq!(
            ulid_floor("1970-01-01T00:00:00.001Z".parse().unwrap()),
            "00000000010000000000000000"
        );
        assert!(!is_event_id("01jdz8q6w3a0s7t5zk8n2m4p6r"));
        assert!(!is_event_id("01JDZ8Q6W3A0S7T5ZK8N2M4P6"));
    }

    #[test]
    fn every_type_names_a_catalogue_resource() {
        for (event_type, resource) in TYPES {
            assert!(
                crate::auth::permissions::CATALOGUE
                    .iter()
                    .any(|(r, actions, _)| r == resource && actions.contains(&"read")),
                "{event_type}"
            );
        }
    }
}
