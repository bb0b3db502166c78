//! What transports report back: inbound messages and delivery statuses. They arrive on one queue
//! (from the sandbox's timers, plugin webhooks, and the WhatsApp transports) and are recorded in
//! batches: statuses move a message forward only (a `delivered` after a `read` keeps `read`) and
//! the campaign's counts with it; inbound messages are stored against their contact (created,
//! tagged `inbound`, for an unknown sender), once per provider id, and checked for opt-out words.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::{INBOUND, Status, time_key};
use crate::db::Db;
use crate::error::ApiError;
use crate::pipeline::Pipeline;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    Sent,
    Delivered,
    Read,
    Failed,
}

impl DeliveryStatus {
    pub fn status(self) -> Status {
        match self {
            DeliveryStatus::Sent => Status::Sent,
            DeliveryStatus::Delivered => Status::Delivered,
            DeliveryStatus::Read => Status::Read,
            DeliveryStatus::Failed => Status::Failed,
        }
    }
}

#[derive(Debug, Clone)]
pub struct StatusUpdate {
    /// The id the provider gave the message (or, for transports that keep the sender's ids, the
    /// message id itself).
    pub provider_id: String,
    pub status: DeliveryStatus,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
    /// How often this report came back because its message was still being recorded as sent.
    pub tries: u8,
    /// Whether the last try found no message for the provider's id.
    pub unknown: bool,
}

impl StatusUpdate {
    /// A report as it arrives, before any try to record it.
    pub fn new(
        provider_id: String,
        status: DeliveryStatus,
        reason: Option<String>,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            provider_id,
            status,
            reason,
            at,
            tries: 0,
            unknown: false,
        }
    }
}

#[derive(Debug, Clone)]
pub struct InboundMessage {
    /// The provider's id for it: the same message delivered twice is recorded once.
    pub provider_id: String,
    /// The sender: a phone number (any common form) or an address.
    pub from: String,
    /// The sender's name as the provider knows it, if it does.
    pub name: Option<String>,
    pub text: String,
    pub at: DateTime<Utc>,
    /// Media the provider keeps for download (Cloud API), fetched into the library after the
    /// message is stored.
    pub media: Option<InboundMedia>,
}

/// Inbound media downloads waiting or running, by channel; past [`MEDIA_PENDING_MAX`] in all or
/// [`MEDIA_PENDING_PER_CHANNEL`] for one channel, a new one is skipped (logged) and its message
/// keeps its `[image]` text, so that one busy number cannot hold up the others'.
static MEDIA_PENDING: std::sync::LazyLock<parking_lot::Mutex<HashMap<String, Pending>>> =
    std::sync::LazyLock::new(Default::default);
const MEDIA_PENDING_MAX: usize = 1000;
const MEDIA_PENDING_PER_CHANNEL: usize = 50;
/// Downloads at once, in all and for one channel: one channel's senders cannot take every turn.
static MEDIA_DOWNLOADS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);
const MEDIA_DOWNLOADS_PER_CHANNEL: usize = 2;

/// One channel's downloads: how many wait or run, and its own turns.
struct Pending {
    count: usize,
    turns: std::sync::Arc<tokio::sync::Semaphore>,
}

/// A place among the inbound media downloads of a channel, given back when dropped.
pub struct MediaSlot {
    channel: String,
    turns: std::sync::Arc<tokio::sync::Semaphore>,
}

/// A turn to download: the channel's and one of the server's.
pub struct MediaTurn {
    _channel: tokio::sync::OwnedSemaphorePermit,
    _all: tokio::sync::SemaphorePermit<'static>,
}

impl MediaSlot {
    /// A place for one more download of this channel's, if there is room.
    pub fn take(channel: &str) -> Option<Self> {
        let mut pending = MEDIA_PENDING.lock();
        let all: usize = pending.values().map(|p| p.count).sum();
        let mine = pending
            .entry(channel.to_owned())
            .or_insert_with(|| Pending {
                count: 0,
                turns: std::sync::Arc::new(tokio::sync::Semaphore::new(
                    MEDIA_DOWNLOADS_PER_CHANNEL,
                )),
            });
        if all >= MEDIA_PENDING_MAX || mine.count >= MEDIA_PENDING_PER_CHANNEL {
            if mine.count == 0 {
                pending.remove(channel);
            }
            return None;
        }
        mine.count += 1;
        Some(Self {
            channel: channel.to_owned(),
            turns: mine.turns.clone(),
        })
    }

    /// Waits for a turn to download: the channel's first, then the server's.
    pub async fn download(&self) -> Result<MediaTurn, tokio::sync::AcquireError> {
        let channel = self.turns.clone().acquire_owned().await?;
        let all = MEDIA_DOWNLOADS.acquire().await?;
        Ok(MediaTurn {
            _channel: channel,
            _all: all,
        })
    }
}

impl Drop for MediaSlot {
    fn drop(&mut self) {
        let mut pending = MEDIA_PENDING.lock();
        if let Some(mine) = pending.get_mut(&self.channel) {
            mine.count = mine.count.saturating_sub(1);
            if mine.count == 0 {
                pending.remove(&self.channel);
            }
        }
    }
}

/// Attaches media kept in the library to an inbound message recorded before it was downloaded.
pub async fn attach(
    db: &Db,
    workspace: &str,
    message_id: &str,
    attachment: super::MessageAttachment,
) -> Result<(), String> {
    let (batch, key) = super::split_id(message_id).ok_or("an unexpected message id")?;
    db.exec(
        "UPDATE type::record('message', [$ws, $batch, $key]) SET attachments = [$attachment] RETURN NONE",
        json!({ "ws": workspace, "batch": batch, "key": key, "attachment": attachment }),
    )
    .await
    .map_err(|e| e.to_string())
}

/// Keeps a downloaded inbound file in the workspace's library (the same bytes sent again, a
/// forwarded image or a sticker, reuse their entry), as a message's attachment.
pub async fn keep_media(
    library: &crate::media::routes::Library<'_>,
    workspace: &str,
    file: crate::transports::whatsapp_cloud::Downloaded,
    file_name: &str,
) -> Result<super::MessageAttachment, String> {
    if crate::workspaces::is_being_deleted(library.db, workspace)
        .await
        .unwrap_or(true)
    {
        return Err("the workspace is being deleted".into());
    }
    let existing: Option<crate::media::Media> = library
        .db
        .row(
            &format!(
                "SELECT {} FROM media WHERE sha256 = $sha AND workspace = $ws LIMIT 1",
                crate::media::FIELDS
            ),
            json!({ "sha": file.sha256, "ws": workspace }),
        )
        .await
        .map_err(|e| e.to_string())?;
    let stored = match existing {
        Some(media) => media,
        None => crate::media::routes::store_received(
            library,
            workspace,
            file.temp.keep(),
            file.size,
            file.head,
            file.sha256,
            file_name,
        )
        .await
        .map_err(|e| e.message().to_owned())?,
    };
    Ok(super::MessageAttachment {
        media_id: stored.id,
        kind: stored.kind,
        mime: stored.mime,
        file_name: stored.file_name,
        size: stored.size,
        sha256: stored.sha256,
    })
}

/// An inbound message's media as the provider refers to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundMedia {
    pub provider_media_id: String,
    /// The sender's file name, or `whatsapp-<kind>`.
    pub file_name: String,
}

#[derive(Debug, Clone)]
pub enum Feedback {
    Status(StatusUpdate),
    Inbound(InboundMessage),
}

/// Where transports send feedback, tagged with their channel's id.
pub type FeedbackSink = mpsc::Sender<(String, Feedback)>;

/// Most feedback recorded in one batch.
const BATCH: usize = 500;

/// Records feedback until every sender is gone.
pub async fn record_feedback(
    pipeline: std::sync::Weak<Pipeline>,
    mut queue: mpsc::Receiver<(String, Feedback)>,
) {
    let mut batch = Vec::with_capacity(BATCH);
    while queue.recv_many(&mut batch, BATCH).await > 0 {
        let Some(pipeline) = pipeline.upgrade() else {
            return;
        };
        if let Err(e) = record_batch(&pipeline, std::mem::take(&mut batch)).await {
            tracing::warn!(error = %e, "delivery reports not recorded");
        }
    }
}

#[derive(Deserialize, Clone)]
struct ChannelOwner {
    workspace: String,
}

async fn record_batch(pipeline: &Pipeline, batch: Vec<(String, Feedback)>) -> Result<(), ApiError> {
    let mut owners: HashMap<String, Option<String>> = HashMap::new();
    let mut statuses: BTreeMap<String, Vec<(String, StatusUpdate)>> = BTreeMap::new();
    for (channel, feedback) in batch {
        if !owners.contains_key(&channel) {
            let owner: Option<ChannelOwner> = pipeline
                .db
                .row(
                    "SELECT workspace FROM type::record('channel', $id)",
                    json!({ "id": channel }),
                )
                .await?;
            owners.insert(channel.clone(), owner.map(|o| o.workspace));
        }
        let Some(Some(workspace)) = owners.get(&channel).cloned() else {
            continue;
        };
        match feedback {
            Feedback::Status(update) => statuses
                .entry(workspace)
                .or_default()
                .push((channel, update)),
            Feedback::Inbound(message) => {
                if let Err(e) = record_inbound(pipeline, &workspace, &channel, message).await {
                    tracing::warn!(%channel, error = %e, "inbound message not recorded");
                }
            }
        }
    }
    for (workspace, updates) in statuses {
        let early = apply_statuses(&pipeline.db, &workspace, updates).await?;
        // Reports that came before their message was recorded as sent: again in a moment, in
        // the order they came.
        let again: Vec<(String, StatusUpdate)> = early
            .into_iter()
            .filter_map(|(channel, mut update)| {
                update.tries += 1;
                // A report for an id nobody knows yet may be early (its send is being recorded),
                // or made up: it gets two seconds. One whose message is being sent gets ten.
                let limit = if update.unknown { 8 } else { 40 };
                if update.tries > limit {
                    tracing::debug!(%channel, provider = %update.provider_id, "report for a message never recorded as sent; dropped");
                    return None;
                }
                Some((channel, update))
            })
            .collect();
        if !again.is_empty() {
            let sink = pipeline.feedback.clone();
            tokio::spawn(async move {
                tokio::time::sleep(std::time::Duration::from_millis(250)).await;
                for (channel, update) in again {
                    report(&sink, &channel, Feedback::Status(update)).await;
                }
            });
        }
    }
    Ok(())
}

struct Moved {
    channel: String,
    campaign: Option<String>,
    before: Status,
    after: Status,
}

/// What one report did: the message as it was before it moved (none when it did not), and
/// whether to try again shortly (the message is still being recorded as sent, or the provider's id
/// is not known yet, which it will be when that recording commits).
#[derive(Deserialize)]
struct Applied {
    #[serde(default)]
    moved: Vec<Before>,
    #[serde(default)]
    sending: bool,
    #[serde(default)]
    unknown: bool,
}

/// A message as it was before a report moved it.
#[derive(Deserialize)]
struct Before {
    campaign: Option<String>,
    status: Status,
}

/// Moves messages forward by their providers' reports, and their campaigns' counts with them;
/// answers the reports whose messages are still being recorded as sent.
async fn apply_statuses(
    db: &Db,
    workspace: &str,
    updates: Vec<(String, StatusUpdate)>,
) -> Result<Vec<(String, StatusUpdate)>, ApiError> {
    // A message is found by the provider's id through `provider_ref`, or directly when the id is
    // the message's own (`<batch>.<key>`). One small query per report: a status moves only forward.
    let mut moved: Vec<Moved> = Vec::with_capacity(updates.len());
    let mut early = Vec::new();
    for (channel, u) in &updates {
        let status = u.status.status();
        // The event the move makes, recorded with it.
        let event_type = match status {
            Status::Sent => Some("message.sent"),
            Status::Delivered => Some("message.delivered"),
            Status::Read => Some("message.read"),
            Status::Failed => Some("message.failed"),
            _ => None,
        };
        let outcome: Vec<Applied> = db
            .last_rows(
                "BEGIN; \
                 LET $ref = (SELECT VALUE message FROM ONLY type::record('provider_ref', [$channel, $provider])); \
                 LET $parts = string::split($provider, '.'); \
                 LET $target = IF $ref != NONE { $ref } \
                     ELSE IF array::len($parts) = 2 { type::record('message', [$ws, $parts[0], $parts[1]]) } \
                     ELSE { NONE }; \
                 LET $moved = IF $target = NONE { [] } ELSE { \
                     (UPDATE $target SET status = $status, \
                         history = array::push(history ?? [], { status: $status, at: <datetime>$at, reason: $reason }), \
                         reason = IF $status = 'failed' { $reason } ELSE { reason } \
                         WHERE status IN $from AND channel = $channel RETURN BEFORE) }; \
                 IF $event_type != NONE AND array::len($moved) > 0 { \
                     CREATE type::record('event', [$ws, rand::ulid()]) SET type = $event_type, at = time::now(), \
                         data = { message: string::concat(record::id($target)[1], '.', record::id($target)[2]), \
                             channel: $channel, campaign: $moved[0].campaign, contact: $moved[0].contact, \
                             address: $moved[0].address, reason: $reason }; \
                 }; \
                 RETURN IF $target = NONE { { moved: [], sending: true, unknown: true } } ELSE { { \
                     moved: $moved, \
                     sending: (SELECT VALUE status FROM ONLY $target) IN ['sending', 'queued', 'cancelled'] \
                 } }; \
                 COMMIT;",
                crate::db::without_nulls(json!({
                    "ws": workspace,
                    "channel": channel,
                    "provider": u.provider_id,
                    "status": status,
                    "from": status.advances_from(),
                    "at": u.at.to_rfc3339(),
                    "reason": u.reason,
                    "event_type": event_type,
                })),
            )
            .await?;
        for applied in outcome {
            if applied.moved.is_empty() && applied.sending {
                let mut again = u.clone();
                again.unknown = applied.unknown;
                early.push((channel.clone(), again));
            }
            moved.extend(applied.moved.into_iter().map(|b| Moved {
                channel: channel.clone(),
                campaign: b.campaign,
                before: b.status,
                after: status,
            }));
        }
    }
    // Per campaign: how many left each status and entered each status.
    let mut deltas: BTreeMap<String, BTreeMap<&'static str, i64>> = BTreeMap::new();
    for m in &moved {
        if let Some(campaign) = &m.campaign {
            let counts = deltas.entry(campaign.clone()).or_default();
            *counts.entry(count_bucket(m.before)).or_default() -= 1;
            *counts.entry(count_bucket(m.after)).or_default() += 1;
        }
    }
    for (campaign, counts) in deltas {
        crate::campaigns::add_counts(db, &campaign, &counts).await?;
    }
    // The workspace's day, per channel: what reached each status (a message read without a
    // delivery report was delivered too).
    let mut days: BTreeMap<&str, BTreeMap<&str, i64>> = BTreeMap::new();
    for m in &moved {
        let day = days.entry(m.channel.as_str()).or_default();
        if matches!(m.after, Status::Delivered | Status::Read | Status::Failed) {
            *day.entry(m.after.as_str()).or_default() += 1;
        }
        if m.after == Status::Read && m.before != Status::Delivered {
            *day.entry("delivered").or_default() += 1;
        }
    }
    for (channel, counts) in days {
        super::stats::add(db, workspace, channel, "reports", &counts).await;
    }
    Ok(early)
}

/// The campaign count a status belongs to (`sending` is still counted as queued).
pub fn count_bucket(status: Status) -> &'static str {
    match status {
        Status::Sending => "queued",
        other => other.as_str(),
    }
}

/// Stores one inbound message: against its contact (created for an unknown sender), once per
/// provider id, into its conversation, and as an opt-out or opt-in when it says so.
pub async fn record_inbound(
    pipeline: &Pipeline,
    workspace: &str,
    channel: &str,
    message: InboundMessage,
) -> Result<Option<String>, ApiError> {
    let db = &pipeline.db;
    let first: Vec<Value> = db
        .rows(
            "INSERT IGNORE INTO inbound_seen { id: [$channel, $provider], at: time::now() } RETURN AFTER",
            json!({ "channel": channel, "provider": message.provider_id }),
        )
        .await?;
    if first.is_empty() {
        return Ok(None);
    }
    let contact =
        crate::contacts::for_inbound(db, workspace, &message.from, message.name.as_deref())
            .await
            .ok();
    let key = time_key();
    let text: String = message.text.chars().take(10_000).collect();
    db.exec(
        "BEGIN; \
         CREATE type::record('message', [$ws, $batch, $key]) SET workspace = $ws, direction = 'in', channel = $channel, \
         campaign = NONE, contact = $contact, address = $address, text = $text, attachments = [], status = 'received', \
         attempts = 0, provider_id = $provider, history = [{ status: 'received', at: <datetime>$at }], \
         created_at = <datetime>$at; \
         IF $contact != NONE { \
             CREATE type::record('contact_message', [$ws, $contact, $batch, $key]) \
                 SET message = type::record('message', [$ws, $batch, $key]) RETURN NONE; \
             UPSERT type::record('conversation', [$ws, $contact]) SET workspace = $ws, contact = $contact, \
                 channel = $channel, last_at = <datetime>$at, last_in_at = IF last_in_at = NONE OR last_in_at < <datetime>$at { <datetime>$at } ELSE { last_in_at }, \
                 last_text = $text, last_direction = 'in', \
                 unread = (unread ?? 0) + 1; \
             UPSERT type::record('inbound_last', [$channel, $contact]) SET \
                 at = IF at = NONE OR at < <datetime>$at { <datetime>$at } ELSE { at } RETURN NONE; \
         }; \
         CREATE type::record('event', [$ws, rand::ulid()]) SET type = 'message.received', at = time::now(), \
             data = { message: string::concat($batch, '.', $key), channel: $channel, campaign: NONE, \
                 contact: $contact, address: $address, text: $excerpt }; \
         COMMIT;",
        crate::db::without_nulls(json!({
            "ws": workspace,
            "batch": INBOUND,
            "key": key,
            "channel": channel,
            "contact": contact.as_ref().map(|c| c.id.clone()),
            "address": contact.as_ref().map_or(message.from.clone(), |c| c.phone.clone()),
            "excerpt": text.chars().take(1000).collect::<String>(),
            "text": text,
            "provider": message.provider_id,
            "at": message.at.to_rfc3339(),
        })),
    )
    .await?;
    if let Some(contact) = &contact {
        super::optout::apply_keywords(db, workspace, channel, &contact.id, &message.text).await?;
    }
    super::stats::add(
        db,
        workspace,
        channel,
        "inbound",
        &BTreeMap::from([("received", 1)]),
    )
    .await;
    Ok(Some(super::message_id(INBOUND, &key)))
}

/// A queue for feedback and the task that records it.
pub fn feedback_queue() -> (FeedbackSink, mpsc::Receiver<(String, Feedback)>) {
    mpsc::channel(10_000)
}

/// Sends feedback without waiting long: a full queue is logged rather than blocking a transport.
pub async fn report(sink: &FeedbackSink, channel: &str, feedback: Feedback) {
    if tokio::time::timeout(
        Duration::from_secs(5),
        sink.send((channel.to_owned(), feedback)),
    )
    .await
    .is_err()
    {
        tracing::warn!(%channel, "delivery report queue full; report dropped");
    }
}

#[cfg(test)]
mod media_turn_tests {
    use super::*;

    /// One channel's senders get two of the four turns at most: another channel still gets one.
    #[tokio::test]
    async fn a_busy_channel_leaves_turns_for_the_others() {
        let busy: Vec<MediaSlot> = (0..3)
            .map(|_| MediaSlot::take("busy-channel").unwrap())
            .collect();
        let first = busy[0].download().await.unwrap();
        let _second = busy[1].download().await.unwrap();
        let third = tokio::time::timeout(Duration::from_millis(100), busy[2].download()).await;
        assert!(third.is_err(), "a third turn for the same channel");
        let other = MediaSlot::take("quiet-channel").unwrap();
        let turn = tokio::time::timeout(Duration::from_millis(100), other.download()).await;
        assert!(turn.is_ok_and(|t| t.is_ok()), "no turn for another channel");
        // A turn given back goes to the channel's next download.
        drop(first);
        let third = tokio::time::timeout(Duration::from_secs(1), busy[2].download()).await;
        assert!(third.is_ok_and(|t| t.is_ok()));
    }
}
