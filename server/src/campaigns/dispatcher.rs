//! One channel's dispatcher: claims due messages from the outbox under a lease, applies the rate
//! policy (messages per minute as a token bucket, a random pause after each send, the sending
//! window, the channel's daily cap, a minimum gap per recipient), sends, and records the outcomes
//! in batches: sent with the provider's id, failed with the reason, or back in the queue with a
//! backed-off retry.
//!
//! It runs on the replica that holds the channel's lease ([`crate::channels::runner`]). Messages it
//! claimed carry a lease of their own; after a crash they become due again when it expires and are
//! sent again with the same idempotency key, which transports pass on so providers can recognise
//! the resend. Single sends (`~direct`) go before campaign traffic.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use backon::BackoffBuilder;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use futures_util::StreamExt;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::watch;

use super::schedule::{OpenHours, Rate};
use super::{CampaignState, STORED_FIELDS, StoredCampaign};
use crate::channels::{ChannelState, StoredChannel};
use crate::error::ApiError;
use crate::messages::{DIRECT, MessageAttachment, message_id};
use crate::pipeline::Pipeline;
use crate::transports::{Attachment, Capabilities, OutboundMessage, SendError, Transport};

/// How long a claimed message stays with this dispatcher before another may take it.
const CLAIM_LEASE_SECS: i64 = 120;

/// Which messages a dispatcher may claim: due and queued, or `sending` under a per-message
/// claim (as releases before claim records made them) that lapsed or that an earlier incarnation
/// of this node left behind. Messages named by another live claim are left out by the caller.
const CLAIMABLE: &str = "channel = $ch AND ((status = 'queued' AND (next_attempt_at IS NONE \
    OR next_attempt_at <= time::now())) OR (status = 'sending' AND (lease_until < time::now() \
    OR (string::starts_with(claimed_by ?? '', $node) AND claimed_by != $me))))";

/// The start of a claim's transaction: claims that lapsed or that an earlier incarnation of this
/// node made are removed (never those whose outcomes this dispatcher is recording,
/// `$recording`); `$busy` is what the live ones name after `$after` (a dispatcher's own earlier
/// claims lie before its cursor). A claimer that takes messages also writes one record common to
/// the batch on the channel ([`CLAIM_HEAD`]), so that two of them at once conflict and one claims
/// again after the other; one that finds nothing writes nothing.
const CLAIM: &str = "LET $claims = (SELECT id, keys, last, claimed_by, lease_until \
        FROM array::first([claim:[$ws, $batch, $ch, '']..[$ws, $batch, $ch, {}]])); \
    LET $stale = array::filter($claims, |$c| record::id($c.id)[3] NOTINSIDE $recording \
        AND ($c.lease_until < time::now() \
            OR (string::starts_with($c.claimed_by, $node) AND $c.claimed_by != $me))); \
    FOR $c IN $stale { DELETE $c.id; }; \
    LET $busy = array::flatten(array::map(array::filter($claims, |$c| $c.last > $after \
        AND $c.id NOTINSIDE $stale.id), |$c| $c.keys));";

/// The record every claimer of a batch on a channel writes (see [`CLAIM`]).
const CLAIM_HEAD: &str =
    "UPSERT type::record('claim_head', [$ws, $batch, $ch]) SET at = time::now();";

/// The start of a recording transaction: the claim must still be this dispatcher's. A claim
/// that lapsed and was taken over (or removed) refuses the outcomes: the new claimant sends those
/// messages again, with the same idempotency keys. Writing the claim record (which renews its
/// lease, as long as its messages are being sent) makes a takeover running at the same time
/// conflict with this transaction. The lease is [`CLAIM_LEASE_SECS`].
const RECORD_CLAIM: &str = "LET $held = (UPDATE type::record('claim', [$ws, $batch, $ch, $claim]) \
        SET recorded = (recorded ?? 0) + $n, lease_until = time::now() + 120s \
        WHERE claimed_by = $me RETURN VALUE id); \
    IF array::len($held) = 0 { THROW 'ulak:claim-lost' };";

/// What a claim returns of each message it won.
const CLAIMED_FIELDS: &str = "record::id(id)[2] AS key, address, contact, text, subject, html, \
    attachments, approved, attempts, (lease_until != NONE OR next_attempt_at != NONE) AS leftovers";

/// Longest one send may take before it counts as a transient failure.
const SEND_TIMEOUT: Duration = Duration::from_secs(60);
/// How often campaign states, windows and counts are read back.
const REFRESH: Duration = Duration::from_millis(400);
/// Messages claimed at once when nothing slows sending down.
const UNLIMITED_CLAIM: usize = 1000;
/// How long one chunk of unpaced sends should take before its outcomes are recorded.
const CHUNK_TIME: Duration = Duration::from_millis(250);
/// Recordings of outcomes under way at once, each of its own claim: the store runs one
/// transaction on one core, and a recording is most of what dispatching costs.
const RECORDINGS: usize = 2;

/// A message as the dispatcher claims it.
#[derive(Debug, Clone, Deserialize)]
struct Claimed {
    key: String,
    address: String,
    contact: Option<String>,
    #[serde(default)]
    text: String,
    subject: Option<String>,
    // Left out when at their defaults (see `enqueue`): absent fields read as null.
    #[serde(default, deserialize_with = "crate::messages::null_as_default")]
    html: bool,
    #[serde(default, deserialize_with = "crate::messages::null_as_default")]
    attachments: Vec<MessageAttachment>,
    #[serde(default)]
    approved: Option<crate::transports::ApprovedMessage>,
    #[serde(default, deserialize_with = "crate::messages::null_as_default")]
    attempts: u32,
    /// It carries a retry's time or an earlier kind of claim's lease, cleared once it is sent.
    #[serde(default)]
    leftovers: bool,
}

/// Messages claimed together, and the claim's id.
struct Claim {
    id: String,
    messages: Vec<Claimed>,
}

/// What happened to one claimed message.
#[derive(Debug)]
enum Outcome {
    Sent {
        provider_id: String,
    },
    Failed {
        reason: String,
        code: Option<String>,
    },
    Retry {
        reason: String,
        at: DateTime<Utc>,
        counts_attempt: bool,
    },
    Skipped {
        reason: &'static str,
    },
    /// Not tried: the campaign paused, the window closed, the cap was reached.
    Released,
    /// The channel cannot send at all: the message goes back, the channel stops.
    Broken {
        reason: String,
    },
}

/// A campaign (or the single sends) this dispatcher sends for.
struct Source {
    campaign: Option<StoredCampaign>,
    /// The last message key claimed; claims continue after it.
    cursor: String,
    limiter: Option<DefaultDirectRateLimiter>,
    window: Option<OpenHours>,
    /// Nothing was left to claim when this cursor began at the start.
    drained_at: Option<Instant>,
    /// Send instants of the last minute, for the progress rate.
    recent: VecDeque<Instant>,
}

impl Source {
    fn new(campaign: Option<StoredCampaign>, zone: Tz) -> Self {
        let (limiter, window) = match &campaign {
            Some(c) => (
                limiter_for(&c.campaign.rate),
                c.campaign
                    .schedule
                    .window
                    .as_ref()
                    .and_then(|w| w.compile(zone).ok()),
            ),
            None => (None, None),
        };
        Self {
            campaign,
            cursor: String::new(),
            limiter,
            window,
            drained_at: None,
            recent: VecDeque::new(),
        }
    }

    fn rate(&self) -> Option<&Rate> {
        self.campaign.as_ref().map(|c| &c.campaign.rate)
    }
}

fn limiter_for(rate: &Rate) -> Option<DefaultDirectRateLimiter> {
    let per_minute = rate.per_minute?;
    let period = Duration::from_secs_f64(60.0 / f64::from(per_minute.max(1)));
    Quota::with_period(period).map(|quota| RateLimiter::direct(quota.allow_burst(NonZeroU32::MIN)))
}

pub struct Dispatcher {
    pipeline: Arc<Pipeline>,
    channel: StoredChannel,
    transport: Arc<dyn Transport>,
    capabilities: Capabilities,
    zone: Tz,
    stop: watch::Receiver<bool>,
    sources: BTreeMap<String, Source>,
    /// Campaign states as last read, checked before every send.
    states: HashMap<String, CampaignState>,
    /// Campaigns whose recipients this replica is queueing now.
    enqueueing: HashMap<String, tokio::task::JoinHandle<()>>,
    /// The outcomes of the last chunks being written (by claim, oldest first), while the next
    /// is claimed and sent; at most [`RECORDINGS`].
    recordings: VecDeque<(String, tokio::task::JoinHandle<Result<(), Stop>>)>,
    /// [`Pipeline::changes`] as last seen.
    changes_seen: u64,
    max_attempts: u32,
    concurrency: usize,
    refreshed: Option<Instant>,
    /// Sends counted today (in the workspace's time zone), for the daily cap.
    sent_today: (String, i64),
    progress_saved: Instant,
}

impl Dispatcher {
    pub async fn new(
        pipeline: Arc<Pipeline>,
        channel: StoredChannel,
        transport: Arc<dyn Transport>,
        stop: watch::Receiver<bool>,
    ) -> Result<Self, ApiError> {
        let zone = crate::templates::render_settings(&pipeline.db, &channel.workspace)
            .await?
            .time_zone;
        let capabilities = transport.capabilities();
        let messaging = &pipeline.settings.messaging;
        let concurrency = match channel.kind {
            crate::channels::ChannelKind::Sandbox => 256,
            _ => messaging.sends_in_flight.max(1),
        };
        let mut sources = BTreeMap::new();
        sources.insert(DIRECT.to_owned(), Source::new(None, zone));
        Ok(Self {
            max_attempts: messaging.max_attempts.max(1),
            pipeline,
            channel,
            transport,
            capabilities,
            zone,
            stop,
            sources,
            states: HashMap::new(),
            enqueueing: HashMap::new(),
            recordings: VecDeque::new(),
            changes_seen: 0,
            concurrency,
            refreshed: None,
            sent_today: (String::new(), 0),
            progress_saved: Instant::now(),
        })
    }

    fn stopped(&self) -> bool {
        *self.stop.borrow()
    }

    /// Sends until stopped, or until the channel breaks (its state then says why).
    pub async fn run(mut self) {
        tracing::info!(channel = %self.channel.id, "dispatcher started");
        // Idle rounds in a row: an idle dispatcher looks less and less often (up to every two
        // seconds), and at once when this replica has something to send.
        let mut idle = 0u32;
        while !self.stopped() {
            let worked = match self.round().await {
                Ok(worked) => worked,
                Err(Stop::Broken(reason)) => {
                    tracing::warn!(channel = %self.channel.id, %reason, "channel cannot send");
                    let _ = crate::channels::set_state(
                        &self.pipeline.db,
                        &self.channel.id,
                        ChannelState::Error,
                        Some(&reason),
                    )
                    .await;
                    break;
                }
                Err(Stop::Lost) => true,
                Err(Stop::Store(e)) => {
                    tracing::warn!(channel = %self.channel.id, error = %e, "dispatching paused by a store error");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    false
                }
            };
            if worked {
                idle = 0;
            } else {
                idle = idle.saturating_add(1);
                let pause = Duration::from_millis(200 * u64::from(idle.min(10)));
                let pipeline = self.pipeline.clone();
                let mut stop = self.stop.clone();
                tokio::select! {
                    _ = tokio::time::sleep(pause) => {}
                    _ = pipeline.work.notified() => { idle = 0; }
                    _ = stop.changed() => {}
                }
            }
        }
        if let Err(Stop::Store(e)) = self.settle().await {
            tracing::warn!(channel = %self.channel.id, error = %e, "the last outcomes were not recorded");
        }
        for (_, task) in self.enqueueing.drain() {
            task.abort();
        }
        tracing::info!(channel = %self.channel.id, "dispatcher stopped");
    }

    /// One pass over every source; whether anything was sent or recorded.
    async fn round(&mut self) -> Result<bool, Stop> {
        let changes = self
            .pipeline
            .changes
            .load(std::sync::atomic::Ordering::Relaxed);
        if changes != self.changes_seen {
            // A campaign or channel changed on this replica: look at once (a start queues its
            // recipients without waiting for the next refresh).
            self.changes_seen = changes;
            self.refreshed = None;
        }
        if self.refreshed.is_none_or(|at| at.elapsed() >= REFRESH) {
            self.refresh().await?;
        }
        if self.channel.state != ChannelState::Active {
            return Ok(false);
        }
        let mut worked = self.retries().await?;
        let batches: Vec<String> = self.sources.keys().cloned().collect();
        // Single sends first (`~direct` sorts before campaign ids), then each campaign in turn.
        for batch in batches {
            if self.stopped() {
                break;
            }
            worked |= self.dispatch(&batch).await?;
        }
        Ok(worked)
    }

    /// Reads the channel's campaigns back: starts those whose time came, queues recipients of
    /// running ones, completes the finished, and drops paused and ended ones from the sources.
    async fn refresh(&mut self) -> Result<(), Stop> {
        // Counts read below must include what was sent: the daily cap depends on them. Tallies a
        // fold did not add in (a crash between a recording and its fold) are added now.
        self.settle().await?;
        fold_tallies(&self.pipeline.db, &self.channel.workspace, &self.channel.id).await?;
        self.refreshed = Some(Instant::now());
        let db = self.pipeline.db.clone();
        if let Some(channel) = crate::channels::find_any(&db, &self.channel.id).await? {
            self.channel.state = channel.state;
        }
        db.exec(
            "BEGIN; \
             LET $started = (UPDATE campaign SET state = 'running', started_at = time::now(), updated_at = time::now() \
                 WHERE channel = $ch AND state = 'scheduled' AND (start_at IS NONE OR start_at <= time::now()) \
                 RETURN record::id(id) AS id, workspace, name); \
             FOR $c IN $started { \
                 CREATE type::record('event', [$c.workspace, rand::ulid()]) SET type = 'campaign.started', \
                     at = time::now(), data = { campaign: $c.id, name: $c.name, state: 'running', counts: NONE }; \
             }; \
             COMMIT;",
            json!({ "ch": self.channel.id }),
        )
        .await?;
        let campaigns: Vec<StoredCampaign> = db
            .rows(
                &format!(
                    "SELECT {STORED_FIELDS} FROM campaign WHERE channel = $ch \
                     AND state IN ['running', 'paused', 'scheduled']"
                ),
                json!({ "ch": self.channel.id }),
            )
            .await?;
        self.states = campaigns
            .iter()
            .map(|c| (c.campaign.id.clone(), c.campaign.state))
            .collect();
        // Sources: the single sends and every running campaign.
        let running: HashMap<String, StoredCampaign> = campaigns
            .into_iter()
            .filter(|c| c.campaign.state == CampaignState::Running)
            .map(|c| (c.campaign.id.clone(), c))
            .collect();
        self.sources
            .retain(|batch, _| batch == DIRECT || running.contains_key(batch));
        for (id, campaign) in running {
            let finished = campaign.enqueue_done && campaign.campaign.counts.queued <= 0;
            if !campaign.enqueue_done && !self.enqueueing.contains_key(&id) {
                self.start_enqueue(campaign.clone());
            }
            if finished {
                db.exec(
                    "BEGIN; \
                     LET $done = (UPDATE type::record('campaign', $id) SET state = 'completed', \
                         finished_at = time::now(), updated_at = time::now(), \
                         progress.eta_seconds = 0 WHERE state = 'running' RETURN workspace, name, counts); \
                     FOR $c IN $done { \
                         CREATE type::record('event', [$c.workspace, rand::ulid()]) SET type = 'campaign.completed', \
                             at = time::now(), data = { campaign: $id, name: $c.name, state: 'completed', counts: $c.counts }; \
                     }; \
                     FOR $d IN (SELECT VALUE id FROM array::first([claim:[$ws, $id, NONE]..[$ws, $id, {}]])) { DELETE $d; }; \
                     FOR $d IN (SELECT VALUE id FROM array::first([claim_head:[$ws, $id, NONE]..[$ws, $id, {}]])) { DELETE $d; }; \
                     COMMIT;",
                    json!({ "id": id, "ws": campaign.workspace }),
                )
                .await?;
                tracing::info!(campaign = %id, "campaign completed");
                self.sources.remove(&id);
                continue;
            }
            match self.sources.get_mut(&id) {
                Some(source) => source.campaign = Some(campaign),
                None => {
                    self.sources
                        .insert(id, Source::new(Some(campaign), self.zone));
                }
            }
        }
        self.enqueueing.retain(|_, task| !task.is_finished());
        self.count_today().await?;
        if self.progress_saved.elapsed() >= Duration::from_secs(2) {
            self.save_progress().await?;
        }
        Ok(())
    }

    fn start_enqueue(&mut self, campaign: StoredCampaign) {
        let pipeline = self.pipeline.clone();
        let capabilities = self.capabilities.clone();
        let id = campaign.campaign.id.clone();
        let task = tokio::spawn(async move {
            if let Err(e) = super::enqueue::run(&pipeline, &campaign, &capabilities).await {
                tracing::warn!(campaign = %campaign.campaign.id, error = %e, "campaign cannot be queued");
                let _ = pipeline
                    .db
                    .exec(
                        "UPDATE type::record('campaign', $id) SET state = 'failed', state_reason = $reason, \
                         finished_at = time::now(), updated_at = time::now()",
                        json!({ "id": campaign.campaign.id, "reason": e.message() }),
                    )
                    .await;
            }
        });
        self.enqueueing.insert(id, task);
    }

    fn today(&self) -> String {
        Utc::now()
            .with_timezone(&self.zone)
            .format("%Y-%m-%d")
            .to_string()
    }

    async fn count_today(&mut self) -> Result<(), Stop> {
        let day = self.today();
        let sent: Option<i64> = self
            .pipeline
            .db
            .row(
                "SELECT VALUE sent FROM type::record('channel_day', [$ch, $day])",
                json!({ "ch": self.channel.id, "day": day }),
            )
            .await?;
        self.sent_today = (day, sent.unwrap_or(0));
        Ok(())
    }

    /// Messages the daily cap still allows today (all campaigns together; the lowest cap counts).
    fn cap_left(&self, rate: Option<&Rate>) -> Option<i64> {
        let cap = rate.and_then(|r| r.daily_cap)?;
        let sent = if self.sent_today.0 == self.today() {
            self.sent_today.1
        } else {
            0
        };
        Some((i64::from(cap) - sent).max(0))
    }

    /// Sends what one source has due; whether anything happened.
    async fn dispatch(&mut self, batch: &str) -> Result<bool, Stop> {
        let Some(source) = self.sources.get(batch) else {
            return Ok(false);
        };
        if let Some(window) = &source.window
            && !window.is_open(Utc::now())
        {
            return Ok(false);
        }
        if source
            .drained_at
            .is_some_and(|at| at.elapsed() < Duration::from_millis(500))
        {
            return Ok(false);
        }
        let cap = self.cap_left(source.rate());
        if cap == Some(0) {
            return Ok(false);
        }
        let limited = source.rate().is_some_and(|r| !r.unlimited());
        let want = if limited {
            // About two seconds' worth, so a pause takes effect at once.
            source
                .rate()
                .and_then(|r| r.per_minute)
                .map_or(1, |n| (n as usize / 30).clamp(1, 50))
        } else {
            UNLIMITED_CLAIM
        };
        let want = cap.map_or(want, |left| want.min(left as usize));
        let cursor = source.cursor.clone();
        if cursor.is_empty() {
            // From the start: the claim being recorded must be settled first (its messages are
            // `queued` until it is).
            self.settle().await?;
        }
        let started = Instant::now();
        let claim = self.claim(batch, &cursor, None, want).await?;
        tracing::debug!(channel = %self.channel.id, batch, claimed = claim.messages.len(),
            ms = started.elapsed().as_millis() as u64, "claimed");
        let Some(source) = self.sources.get_mut(batch) else {
            return Ok(false);
        };
        if claim.messages.is_empty() {
            if cursor.is_empty() {
                source.drained_at = Some(Instant::now());
            } else {
                // Start over once: messages whose lease expired, or that came due, lie behind.
                source.cursor.clear();
            }
            return Ok(false);
        }
        source.drained_at = None;
        if let Some(last) = claim.messages.last() {
            source.cursor = last.key.clone();
        }
        self.send_all(batch, claim).await?;
        Ok(true)
    }

    /// Claims up to `limit` due messages of a batch after the cursor (`keys`: only these).
    ///
    /// A claim is one record naming the messages it took, its claimant and its lease
    /// ([`CLAIM`]); the messages themselves are not written until their outcomes are. Messages
    /// of claims this node made before a restart are taken back at once; another replica's only
    /// when their lease ran out (a replica that lost the channel's lease while stalled may still
    /// be sending them: its outcomes are then refused, see [`RECORD_CLAIM`]).
    async fn claim(
        &self,
        batch: &str,
        after: &str,
        keys: Option<&[String]>,
        limit: usize,
    ) -> Result<Claim, Stop> {
        let id = crate::db::new_id();
        let source = match keys {
            Some(_) => "array::map($keys, |$k| type::record('message', [$ws, $batch, $k]))",
            None => "array::first([message:[$ws, $batch, $after]>..[$ws, $batch, {}]])",
        };
        let db = &self.pipeline.db;
        let vars = json!({ "ws": self.channel.workspace, "batch": batch, "after": after,
                "keys": keys, "claim": id, "ch": self.channel.id, "limit": limit,
                "recording": self.recordings.iter().map(|(claim, _)| claim.as_str()).collect::<Vec<_>>(),
                "node": format!("{}/", self.pipeline.node), "me": self.pipeline.incarnation });
        let sql = format!(
            "BEGIN; {CLAIM} LET $rows = (SELECT {CLAIMED_FIELDS} FROM {source} \
             WHERE {CLAIMABLE} AND record::id(id)[2] NOTINSIDE $busy ORDER BY id LIMIT $limit); \
             IF array::len($rows) > 0 {{ \
                 {CLAIM_HEAD} \
                 CREATE type::record('claim', [$ws, $batch, $ch, $claim]) SET keys = $rows.key, \
                     last = array::last($rows.key), claimed_by = $me, \
                     lease_until = time::now() + {CLAIM_LEASE_SECS}s; \
             }}; \
             RETURN $rows; COMMIT;"
        );
        let messages: Vec<Claimed> = db.retrying(|| db.last_rows(&sql, vars.clone())).await?;
        Ok(Claim { id, messages })
    }

    /// Retries whose time came: claimed by key and sent like the rest.
    async fn retries(&mut self) -> Result<bool, Stop> {
        #[derive(Deserialize)]
        struct Due {
            batch: String,
            key: String,
        }
        let due: Vec<Due> = self
            .pipeline
            .db
            .last_rows(
                "LET $due = (SELECT id, record::id(id)[2] AS batch, record::id(id)[3] AS key \
                     FROM array::first([retry:[$ch, 0]..=[$ch, $now]]) LIMIT 200); \
                 FOR $r IN $due { DELETE $r.id; }; \
                 RETURN $due;",
                json!({ "ch": self.channel.id, "now": Utc::now().timestamp_millis() }),
            )
            .await?;
        if due.is_empty() {
            return Ok(false);
        }
        let mut by_batch: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for d in due {
            by_batch.entry(d.batch).or_default().push(d.key);
        }
        // Claims of the batch still being recorded must be settled first: their messages are
        // still `queued` until then.
        self.settle().await?;
        for (batch, keys) in by_batch {
            if !self.sources.contains_key(&batch) {
                // Its campaign is paused or over: the message waits (or is cancelled) with it.
                continue;
            }
            let claim = self.claim(&batch, "", Some(&keys), keys.len()).await?;
            if !claim.messages.is_empty() {
                self.send_all(&batch, claim).await?;
            }
        }
        Ok(true)
    }

    /// Whether the source may still send now (its campaign running, its window open).
    fn may_send(&self, batch: &str) -> bool {
        if batch == DIRECT {
            return self.channel.state == ChannelState::Active;
        }
        let running = self.states.get(batch) == Some(&CampaignState::Running);
        let open = self
            .sources
            .get(batch)
            .and_then(|s| s.window.as_ref())
            .is_none_or(|w| w.is_open(Utc::now()));
        running && open && self.channel.state == ChannelState::Active
    }

    /// Sends claimed messages of one source under its rate policy and records what happened.
    async fn send_all(&mut self, batch: &str, claim: Claim) -> Result<(), Stop> {
        let Claim {
            id: claim,
            messages: claimed,
        } = claim;
        let skip = self.opted_out(&claimed).await?;
        let gaps = self.gaps(batch, &claimed).await?;
        let limited = self
            .sources
            .get(batch)
            .and_then(Source::rate)
            .is_some_and(|r| !r.unlimited());
        if !limited {
            // No pacing: send concurrently and record a chunk at a time. Chunks aim at a quarter
            // of a second, so that a pause is obeyed quickly and a crash leaves little in flight.
            let mut queue: VecDeque<Claimed> = claimed.into();
            let mut chunk = self.concurrency * 4;
            while !queue.is_empty() {
                if !self.may_send(batch) || self.stopped() {
                    let rest = queue.drain(..).map(|m| (m, Outcome::Released)).collect();
                    return self.record(batch, &claim, rest, true).await;
                }
                let take: Vec<Claimed> = queue.drain(..chunk.min(queue.len())).collect();
                let count = take.len() as u32;
                let started = Instant::now();
                let finish = queue.is_empty();
                self.send_chunk(batch, &claim, take, finish, &skip, &gaps)
                    .await?;
                let each = (started.elapsed() / count.max(1)).as_micros().max(1);
                chunk = ((CHUNK_TIME.as_micros() / each) as usize)
                    .clamp(self.concurrency, UNLIMITED_CLAIM);
                if self.refreshed.is_none_or(|at| at.elapsed() >= REFRESH) {
                    self.refresh().await?;
                }
            }
            return Ok(());
        }
        self.send_paced(batch, &claim, claimed, &skip, &gaps).await
    }

    /// Sends a chunk concurrently and records the outcomes together; the recording goes on
    /// while the next messages are claimed and sent.
    async fn send_chunk(
        &mut self,
        batch: &str,
        claim: &str,
        claimed: Vec<Claimed>,
        finish: bool,
        skip: &std::collections::HashSet<String>,
        gaps: &HashMap<String, DateTime<Utc>>,
    ) -> Result<(), Stop> {
        let transport = self.transport.clone();
        let blobs = self.pipeline.blobs.clone();
        let batch_owned = batch.to_owned();
        let started = Instant::now();
        let attempts: Vec<(Claimed, Outcome)> = futures_util::stream::iter(claimed)
            .map(|message| {
                let transport = transport.clone();
                let blobs = blobs.clone();
                let batch = batch_owned.clone();
                let skipped = message
                    .contact
                    .as_ref()
                    .is_some_and(|c| skip.contains(c.as_str()));
                let gap = gaps.get(&message.address).copied();
                async move {
                    let outcome = if skipped {
                        Outcome::Skipped {
                            reason: "opted_out",
                        }
                    } else if let Some(until) = gap {
                        Outcome::Retry {
                            reason: "waiting for the gap between messages to this recipient".into(),
                            at: until,
                            counts_attempt: false,
                        }
                    } else {
                        send_one(&*transport, &blobs, &batch, &message).await
                    };
                    (message, outcome)
                }
            })
            .buffer_unordered(self.concurrency)
            .collect()
            .await;
        tracing::debug!(channel = %self.channel.id, batch, sent = attempts.len(),
            ms = started.elapsed().as_millis() as u64, "sent");
        let job = self.prepare_record(batch, claim, attempts, finish);
        // Recordings of different claims go on at once (they share no record: the counts are
        // tallied, see [`FOLD`]); one of the same claim waits for the one before, which writes
        // the same claim record and, finishing, removes it. These messages were sent: their
        // outcomes are written even when an earlier recording failed.
        let same_claim = self.recordings.iter().any(|(c, _)| c == claim);
        let keep = if same_claim { 0 } else { RECORDINGS - 1 };
        let mut previous = self.settle_within(claim, keep).await;
        if job.broken.is_some() || previous.is_err() {
            let rest = self.settle_within(claim, 0).await;
            previous = previous.and(rest);
            let current = job.run(self.pipeline.clone()).await;
            return previous.and(current);
        }
        let pipeline = self.pipeline.clone();
        self.recordings
            .push_back((claim.to_owned(), tokio::spawn(job.run(pipeline))));
        Ok(())
    }

    /// Waits for the oldest recordings under way until `keep` are left, for a recording of
    /// `claim`, and says how they ended (the first failure): a claim lost is news only for that
    /// claim.
    async fn settle_within(&mut self, claim: &str, keep: usize) -> Result<(), Stop> {
        let mut result = Ok(());
        while self.recordings.len() > keep {
            let Some((of, task)) = self.recordings.pop_front() else {
                break;
            };
            let ended = task
                .await
                .map_err(|e| Stop::Store(ApiError::internal(e)))
                .and_then(|ended| ended);
            match ended {
                Err(Stop::Lost) if of != claim => {}
                Err(e) if result.is_ok() => result = Err(e),
                Err(e) => log_dropped(&self.channel.id, &e),
                Ok(()) => {}
            }
        }
        result
    }

    /// Waits for every recording under way and says how they ended (the first failure).
    async fn settle(&mut self) -> Result<(), Stop> {
        let mut result = Ok(());
        while let Some((_, task)) = self.recordings.pop_front() {
            let ended = task
                .await
                .map_err(|e| Stop::Store(ApiError::internal(e)))
                .and_then(|ended| ended);
            match ended {
                Err(e) if result.is_ok() => result = Err(e),
                Err(e) => log_dropped(&self.channel.id, &e),
                Ok(()) => {}
            }
        }
        result
    }

    /// Paced sending: one at a time, each outcome recorded before the next send, so progress,
    /// pauses and the cap hold message by message.
    async fn send_paced(
        &mut self,
        batch: &str,
        claim: &str,
        claimed: Vec<Claimed>,
        skip: &std::collections::HashSet<String>,
        gaps: &HashMap<String, DateTime<Utc>>,
    ) -> Result<(), Stop> {
        let mut queue: VecDeque<Claimed> = claimed.into();
        while let Some(message) = queue.pop_front() {
            let released = !self.may_send(batch)
                || self.stopped()
                || self.cap_left(self.sources.get(batch).and_then(Source::rate)) == Some(0);
            if released {
                let mut rest = vec![(message, Outcome::Released)];
                rest.extend(queue.drain(..).map(|m| (m, Outcome::Released)));
                return self.record(batch, claim, rest, true).await;
            }
            let skipped = message
                .contact
                .as_ref()
                .is_some_and(|c| skip.contains(c.as_str()));
            let outcome = if skipped {
                Outcome::Skipped {
                    reason: "opted_out",
                }
            } else if let Some(until) = gaps.get(&message.address) {
                Outcome::Retry {
                    reason: "waiting for the gap between messages to this recipient".into(),
                    at: *until,
                    counts_attempt: false,
                }
            } else {
                if let Some(limiter) = self.sources.get(batch).and_then(|s| s.limiter.as_ref()) {
                    limiter.until_ready().await;
                }
                if !self.may_send(batch) {
                    Outcome::Released
                } else {
                    send_one(&*self.transport, &self.pipeline.blobs, batch, &message).await
                }
            };
            let sent = matches!(outcome, Outcome::Sent { .. });
            self.record(batch, claim, vec![(message, outcome)], queue.is_empty())
                .await?;
            if sent {
                let rate = self.sources.get(batch).and_then(Source::rate);
                let (min, max) = rate.map_or((0, 0), |r| (r.jitter_min_ms, r.jitter_max_ms));
                if max > 0 {
                    // The jitter comes on top of the rate's interval: were it a pause running
                    // beside the rate limiter's wait, any jitter shorter than the interval
                    // would vanish and the sends would tick like a clock.
                    let interval = rate
                        .and_then(|r| r.per_minute)
                        .filter(|n| *n > 0)
                        .map_or(0, |n| 60_000 / u64::from(n));
                    let pause = interval + u64::from(rand::random_range(min..=max));
                    let mut stop = self.stop.clone();
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_millis(pause)) => {}
                        _ = stop.changed() => {}
                    }
                }
            }
            // A pause or cancel made while this batch was sending applies within the refresh.
            if self.refreshed.is_none_or(|at| at.elapsed() >= REFRESH) {
                self.refresh().await?;
            }
        }
        Ok(())
    }

    /// The contacts among these who opted out since their messages were queued.
    async fn opted_out(
        &self,
        claimed: &[Claimed],
    ) -> Result<std::collections::HashSet<String>, Stop> {
        let ids: Vec<&String> = claimed.iter().filter_map(|m| m.contact.as_ref()).collect();
        if ids.is_empty() {
            return Ok(Default::default());
        }
        let out: Vec<String> = self
            .pipeline
            .db
            .rows(
                "SELECT VALUE record::id(id)[1] FROM array::map($ids, |$id| type::record('contact', [$ws, $id])) \
                 WHERE opted_out = true",
                json!({ "ws": self.channel.workspace, "ids": ids }),
            )
            .await?;
        Ok(out.into_iter().collect())
    }

    /// For a source with a minimum gap per recipient: the addresses that must wait, until when.
    async fn gaps(
        &self,
        batch: &str,
        claimed: &[Claimed],
    ) -> Result<HashMap<String, DateTime<Utc>>, Stop> {
        let Some(gap) = self
            .sources
            .get(batch)
            .and_then(Source::rate)
            .and_then(|r| r.min_gap_per_recipient_secs)
        else {
            return Ok(HashMap::new());
        };
        #[derive(Deserialize)]
        struct Last {
            address: String,
            at: DateTime<Utc>,
        }
        let addresses: Vec<&String> = claimed.iter().map(|m| &m.address).collect();
        let last: Vec<Last> = self
            .pipeline
            .db
            .rows(
                "SELECT record::id(id)[1] AS address, at FROM \
                 array::map($addresses, |$a| type::record('recipient_gap', [$ch, $a])) WHERE at != NONE",
                json!({ "ch": self.channel.id, "addresses": addresses }),
            )
            .await?;
        let gap = chrono::Duration::seconds(i64::from(gap));
        let now = Utc::now();
        Ok(last
            .into_iter()
            .filter(|l| l.at + gap > now)
            .map(|l| (l.address, l.at + gap))
            .collect())
    }

    /// Records outcomes now (after the recording under way).
    async fn record(
        &mut self,
        batch: &str,
        claim: &str,
        outcomes: Vec<(Claimed, Outcome)>,
        finish: bool,
    ) -> Result<(), Stop> {
        let job = self.prepare_record(batch, claim, outcomes, finish);
        let previous = self.settle_within(claim, 0).await;
        let current = job.run(self.pipeline.clone()).await;
        previous.and(current)
    }

    /// The transaction that writes a claim's outcomes: each message's status and history,
    /// retries, the provider's ids, the campaign's counts, the day's count, the channel's health
    /// and the events; with `finish`, the claim is removed. The dispatcher's own sent count and
    /// rate window move here already.
    fn prepare_record(
        &mut self,
        batch: &str,
        claim: &str,
        outcomes: Vec<(Claimed, Outcome)>,
        finish: bool,
    ) -> RecordJob {
        let now = Utc::now();
        let mut rows = Vec::new();
        let mut sent = 0i64;
        let mut last_error: Option<String> = None;
        let mut broken: Option<String> = None;
        let record_gap = self
            .sources
            .get(batch)
            .and_then(Source::rate)
            .is_some_and(|r| r.min_gap_per_recipient_secs.is_some());
        // Sent messages, the bulk of every batch, are written by a few statements over all of
        // them; the rest one by one.
        let mut sent_keys: Vec<&str> = Vec::new();
        let mut cleared_keys: Vec<&str> = Vec::new();
        let mut refs: Vec<serde_json::Value> = Vec::new();
        let mut gap_addresses: Vec<&str> = Vec::new();
        let mut drafts: Vec<crate::events::Draft> = Vec::new();
        // Failures and skips, by key; counted in the transaction only for messages it finds
        // still waiting there (see below).
        let mut counted: Vec<serde_json::Value> = Vec::new();
        let mut other_keys: Vec<&str> = Vec::new();
        let campaign_id = (batch != DIRECT).then_some(batch);
        let event = |message: &Claimed, event_type: &'static str, reason: Option<&str>| {
            crate::events::Draft::new(
                &self.channel.workspace,
                event_type,
                json!({
                    "message": message_id(batch, &message.key),
                    "channel": self.channel.id,
                    "campaign": campaign_id,
                    "contact": message.contact,
                    "address": message.address,
                    "reason": reason,
                }),
            )
        };
        for (message, outcome) in &outcomes {
            let attempts = message.attempts + 1;
            let mut row = json!({ "key": message.key, "address": message.address });
            match outcome {
                Outcome::Sent { provider_id } => {
                    drafts.push(event(message, "message.sent", None));
                    sent += 1;
                    if message.leftovers {
                        cleared_keys.push(&message.key);
                    } else {
                        sent_keys.push(&message.key);
                    }
                    // The provider's own id, when it is not the message's: reports come by it.
                    if *provider_id != message_id(batch, &message.key) {
                        refs.push(json!({ "k": message.key, "p": provider_id }));
                    }
                    if record_gap {
                        gap_addresses.push(&message.address);
                    }
                    continue;
                }
                Outcome::Failed { reason, code } => {
                    drafts.push(event(message, "message.failed", Some(reason)));
                    last_error = Some(reason.clone());
                    counted.push(json!({ "k": message.key, "s": "failed" }));
                    row["status"] = json!("failed");
                    row["attempts"] = json!(attempts);
                    row["reason"] = json!(reason);
                    row["code"] = json!(code);
                    row["history"] = json!({ "status": "failed", "at": now, "reason": reason });
                }
                Outcome::Retry {
                    reason,
                    at,
                    counts_attempt,
                } => {
                    let attempts = if *counts_attempt {
                        attempts
                    } else {
                        message.attempts
                    };
                    if *counts_attempt {
                        last_error = Some(reason.clone());
                    }
                    if attempts >= self.max_attempts {
                        counted.push(json!({ "k": message.key, "s": "failed" }));
                        let reason = format!("gave up after {attempts} attempts: {reason}");
                        drafts.push(event(message, "message.failed", Some(&reason)));
                        row["status"] = json!("failed");
                        row["attempts"] = json!(attempts);
                        row["history"] = json!({ "status": "failed", "at": now, "reason": reason });
                        row["reason"] = json!(reason);
                    } else {
                        row["status"] = json!("queued");
                        row["attempts"] = json!(attempts);
                        row["reason"] = json!(reason);
                        row["next"] = json!(at);
                        row["retry"] = json!(at.timestamp_millis());
                    }
                }
                Outcome::Skipped { reason } => {
                    counted.push(json!({ "k": message.key, "s": "skipped" }));
                    row["status"] = json!("skipped");
                    row["attempts"] = json!(message.attempts);
                    row["reason"] = json!(reason);
                    row["history"] = json!({ "status": "skipped", "at": now, "reason": reason });
                }
                // Not tried: the message waits, `queued` as it is, for a later claim.
                Outcome::Released => continue,
                Outcome::Broken { reason } => {
                    last_error = Some(reason.clone());
                    broken = Some(reason.clone());
                    continue;
                }
            }
            other_keys.push(&message.key);
            rows.push(row);
        }
        // Counts move only for messages this transaction finds still waiting (`queued`, or
        // `sending` under a claim of the earlier kind): an outcome must neither count twice
        // nor overwrite a later state. A message sent although its campaign was cancelled while
        // it was on its way counts as sent, no longer as cancelled.
        // The provider's id is the message's unless `refs` says otherwise (`messages::Message`'s
        // reading); the retry's time and an earlier claim's lease are cleared where there are.
        // The sent messages' record ids, the history entry and the events are bound whole
        // (`RecordJob::vars`): the store then evaluates nothing per message but the guard, which
        // halved what recording a batch costs (`bench/src/bin/outbox_costs.rs`).
        let sent_sql = match (sent_keys.is_empty(), cleared_keys.is_empty()) {
            (true, true) => "LET $was = [];",
            (false, true) => {
                "LET $was = (UPDATE $sent_ids SET status = 'sent', attempts += 1, history += $sent_entry \
                     WHERE status IN ['queued', 'sending', 'cancelled'] RETURN VALUE $before.status);"
            }
            _ => {
                "LET $was = array::concat( \
                     (UPDATE $sent_ids SET status = 'sent', attempts += 1, history += $sent_entry \
                         WHERE status IN ['queued', 'sending', 'cancelled'] RETURN VALUE $before.status), \
                     (UPDATE $cleared_ids SET status = 'sent', attempts += 1, lease_until = NONE, \
                         next_attempt_at = NONE, history += $sent_entry \
                         WHERE status IN ['queued', 'sending', 'cancelled'] RETURN VALUE $before.status));"
            }
        };
        let others_sql = if rows.is_empty() {
            "LET $moved = [];"
        } else {
            "LET $live = (SELECT VALUE record::id(id)[2] \
                 FROM array::map($other_keys, |$k| type::record('message', [$ws, $batch, $k])) \
                 WHERE status IN ['queued', 'sending']); \
             LET $moved = array::filter($counted, |$o| $o.k IN $live); \
             FOR $o IN $rows { \
                 LET $m = type::record('message', [$ws, $batch, $o.key]); \
                 UPDATE $m SET status = $o.status, attempts = $o.attempts, lease_until = NONE, \
                     reason = $o.reason ?? reason, error_code = $o.code ?? error_code, \
                     next_attempt_at = IF $o.next != NONE { <datetime>$o.next } ELSE { NONE }, \
                     history = IF $o.history != NONE { array::push(history ?? [], $o.history) } ELSE { history } \
                     WHERE status IN ['queued', 'sending']; \
                 IF $o.retry != NONE { \
                     UPSERT type::record('retry', [$ch, $o.retry, $batch, $o.key]) SET at = time::now(); \
                 }; \
             };"
        };
        let counts = "LET $n_sent = array::len($was); \
             LET $n_uncancelled = array::len(array::filter($was, |$s| $s = 'cancelled')); \
             LET $n_failed = array::len(array::filter($moved, |$o| $o.s = 'failed')); \
             LET $n_skipped = array::len(array::filter($moved, |$o| $o.s = 'skipped'));";
        let nothing_counted = sent == 0 && counted.is_empty();
        // What the campaign's, the day's and the channel's counts gain, for the fold that adds
        // it in (see [`FOLD`]): recordings then share no record and run at once.
        let tally = if nothing_counted && last_error.is_none() {
            ""
        } else {
            "CREATE type::record('outcome_tally', [$ws, $ch, $tally]) CONTENT { \
                 batch: $batch, campaign: $is_campaign, day: $day, sent: $n_sent, \
                 uncancelled: $n_uncancelled, failed: $n_failed, skipped: $n_skipped, \
                 moved: array::len($moved), error: $error, at: time::now() } RETURN NONE;"
        };
        let extra = [
            (!refs.is_empty()).then_some(
                "FOR $r IN $refs { \
                     LET $m = type::record('message', [$ws, $batch, $r.k]); \
                     UPDATE $m SET provider_id = $r.p; \
                     UPSERT type::record('provider_ref', [$ch, $r.p]) SET message = $m, at = time::now(); \
                 };",
            ),
            (!gap_addresses.is_empty()).then_some(
                "FOR $a IN $gap_addresses { \
                     UPSERT type::record('recipient_gap', [$ch, $a]) SET at = time::now(); \
                 };",
            ),
        ];
        let extra: String = extra
            .iter()
            .flatten()
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        let sql = format!(
            "BEGIN; {RECORD_CLAIM} {sent_sql} {extra} {others_sql} {counts} \
             {tally} \
             {finish} \
             {events} \
             COMMIT;",
            finish = if finish {
                "DELETE type::record('claim', [$ws, $batch, $ch, $claim]);"
            } else {
                ""
            },
            events = if drafts.is_empty() {
                ""
            } else if self.pipeline.db.is_local() {
                crate::events::RECORD_BOUND
            } else {
                crate::events::RECORD
            }
        );
        // Without nulls: `$error` is NONE when nothing failed (a null would count as an error).
        let vars = crate::db::without_nulls(json!({
            "ws": self.channel.workspace,
            "batch": batch,
            "ch": self.channel.id,
            "claim": claim,
            "n": outcomes.len(),
            "rows": rows,
            "other_keys": other_keys,
            "refs": refs,
            "gap_addresses": gap_addresses,
            "now": now,
            "day": self.today(),
            "counted": counted,
            "is_campaign": campaign_id.is_some(),
            // Ordered by time: a fold adds the last error last.
            "tally": ulid::Ulid::new().to_string(),
            "me": self.pipeline.incarnation,
            "error": last_error,
        }));
        let sent_keys: Vec<String> = sent_keys.into_iter().map(str::to_owned).collect();
        let cleared_keys: Vec<String> = cleared_keys.into_iter().map(str::to_owned).collect();
        if self.sent_today.0 == self.today() {
            self.sent_today.1 += sent;
        }
        if let Some(source) = self.sources.get_mut(batch) {
            let now = Instant::now();
            for _ in 0..sent {
                source.recent.push_back(now);
            }
            while source
                .recent
                .front()
                .is_some_and(|at| at.elapsed() > Duration::from_secs(60))
            {
                source.recent.pop_front();
            }
        }
        RecordJob {
            sql,
            vars,
            workspace: self.channel.workspace.clone(),
            sent_keys,
            cleared_keys,
            now,
            drafts,
            bound_events: self.pipeline.db.is_local(),
            channel: self.channel.id.clone(),
            batch: batch.to_owned(),
            count: outcomes.len(),
            broken,
        }
    }

    /// The campaigns' rate and ETA, for progress pages.
    async fn save_progress(&mut self) -> Result<(), Stop> {
        self.progress_saved = Instant::now();
        for (batch, source) in &self.sources {
            let Some(campaign) = &source.campaign else {
                continue;
            };
            let rate = source
                .recent
                .iter()
                .filter(|at| at.elapsed() <= Duration::from_secs(60))
                .count() as f64;
            let queued = campaign.campaign.counts.queued
                + (campaign.campaign.total - campaign.campaign.enqueued).max(0);
            let eta = if queued <= 0 {
                Some(0)
            } else if rate > 0.0 && campaign.campaign.rate.per_minute.is_some() {
                super::schedule::estimate_seconds(
                    queued,
                    &campaign.campaign.rate,
                    source.window.as_ref(),
                )
                .map(|planned| planned.max((queued as f64 / rate * 60.0) as u64))
            } else {
                super::schedule::estimate_seconds(
                    queued,
                    &campaign.campaign.rate,
                    source.window.as_ref(),
                )
            };
            self.pipeline
                .db
                .exec(
                    "UPDATE type::record('campaign', $id) SET progress = { rate_per_minute: $rate, \
                     eta_seconds: $eta, updated_at: time::now() }",
                    json!({ "id": batch, "rate": rate, "eta": eta }),
                )
                .await?;
        }
        Ok(())
    }
}

/// A recording transaction, ready to run.
struct RecordJob {
    sql: String,
    vars: serde_json::Value,
    workspace: String,
    /// The messages recorded as sent (`$sent_ids`), and those of them with an earlier claim's
    /// lease or a retry's time to clear (`$cleared_ids`).
    sent_keys: Vec<String>,
    cleared_keys: Vec<String>,
    /// When the outcomes were known: the time of the `sent` history entries.
    now: DateTime<Utc>,
    drafts: Vec<crate::events::Draft>,
    /// The events are bound whole ([`crate::events::RECORD_BOUND`]), or made by the store.
    bound_events: bool,
    channel: String,
    batch: String,
    count: usize,
    /// The channel cannot send: said once the outcomes are written.
    broken: Option<String>,
}

impl RecordJob {
    /// The transaction's variables, with the values bound whole; the events made afresh for
    /// each attempt (see [`crate::events::RECORD_BOUND`]).
    fn vars(&self) -> surrealdb::types::Value {
        use surrealdb::types::{
            Array, Datetime, Object, RecordId, RecordIdKey, SurrealValue, Value,
        };
        let ids = |keys: &[String]| -> Value {
            keys.iter()
                .map(|k| {
                    let key = Array::from(vec![
                        self.workspace.clone().into_value(),
                        self.batch.clone().into_value(),
                        k.clone().into_value(),
                    ]);
                    Value::RecordId(RecordId::new("message", RecordIdKey::Array(key)))
                })
                .collect::<Vec<Value>>()
                .into_value()
        };
        let mut entry = Object::new();
        entry.insert("status", "sent".to_owned().into_value());
        entry.insert("at", Value::Datetime(Datetime::from(self.now)));
        let mut vars = match self.vars.clone().into_value() {
            Value::Object(vars) => vars,
            _ => Object::new(),
        };
        vars.insert("sent_ids", ids(&self.sent_keys));
        vars.insert("cleared_ids", ids(&self.cleared_keys));
        vars.insert("sent_entry", Value::Object(entry));
        if self.bound_events {
            vars.insert("ulak_event_records", crate::events::records(&self.drafts));
        } else {
            let drafts = serde_json::to_value(&self.drafts).unwrap_or_default();
            vars.insert("ulak_events", drafts.into_value());
        }
        Value::Object(vars)
    }

    async fn run(self, pipeline: Arc<Pipeline>) -> Result<(), Stop> {
        let db = &pipeline.db;
        let started = Instant::now();
        match db.retrying(|| db.exec_native(&self.sql, self.vars())).await {
            Ok(()) => {}
            // The claim lapsed and another dispatcher took it: it sends these again, and the rest.
            Err(crate::db::DbError::Store(e)) if e.contains("ulak:claim-lost") => {
                tracing::warn!(channel = %self.channel, batch = %self.batch, count = self.count,
                    "a claim lapsed before its outcomes were recorded; they are left to its new claimant");
                return Err(Stop::Lost);
            }
            Err(e) => return Err(e.into()),
        }
        let took = started.elapsed();
        if self.bound_events && took > Duration::from_millis(pipeline.settings.events.settle_ms / 2)
        {
            tracing::warn!(channel = %self.channel, batch = %self.batch, recorded = self.count,
                ms = took.as_millis() as u64,
                "recording outcomes took more than half of events.settle_ms: raise it, or event followers may pass over events");
        }
        // The outcomes are written: a fold that fails here is done by the next refresh.
        if let Err(e) = fold_tallies(db, &self.workspace, &self.channel).await {
            tracing::warn!(channel = %self.channel, error = %e, "counts left to the next refresh");
        }
        tracing::debug!(channel = %self.channel, batch = %self.batch, recorded = self.count,
            ms = started.elapsed().as_millis() as u64, "recorded");
        match self.broken {
            Some(reason) => Err(Stop::Broken(reason)),
            None => Ok(()),
        }
    }
}

/// Adds the outcome tallies of a channel into the counts of their campaigns, of the day
/// (`message_day`, `channel_day`: the daily cap) and of the channel's health, and removes them.
/// Each recording is followed by one; two at once conflict on the tallies they remove, and the
/// later runs again (finding the rest).
static FOLD: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let add_day = crate::messages::stats::ADD_STATEMENT;
    format!(
        "BEGIN; \
         LET $tallies = (SELECT * FROM array::first([outcome_tally:[$ws, $ch, NONE]..[$ws, $ch, {{}}]])); \
         FOR $t IN $tallies {{ \
             DELETE $t.id; \
             IF $t.campaign {{ \
                 UPDATE type::record('campaign', $t.batch) SET \
                     counts.queued = (counts.queued ?? 0) - ($t.sent - $t.uncancelled) - $t.moved, \
                     counts.cancelled = (counts.cancelled ?? 0) - $t.uncancelled, \
                     counts.sent = (counts.sent ?? 0) + $t.sent, \
                     counts.failed = (counts.failed ?? 0) + $t.failed, \
                     counts.skipped = (counts.skipped ?? 0) + $t.skipped, \
                     updated_at = time::now(); \
             }}; \
             LET $day = $t.day; \
             LET $day_counts = {{ sent: $t.sent, failed: $t.failed, skipped: $t.skipped }}; \
             {add_day} \
             UPSERT type::record('channel_day', [$ch, $day]) SET sent = (sent ?? 0) + $t.sent; \
             UPDATE type::record('channel', $ch) SET health.sent = (health.sent ?? 0) + $t.sent, \
                 health.failed = (health.failed ?? 0) + $t.failed, \
                 health.last_success_at = IF $t.sent > 0 {{ $t.at }} ELSE {{ health.last_success_at }}, \
                 health.last_error_at = IF $t.error != NONE {{ $t.at }} ELSE {{ health.last_error_at }}, \
                 health.last_error = $t.error ?? health.last_error; \
         }}; \
         COMMIT;"
    )
});

/// Runs [`FOLD`] for a channel.
pub(crate) async fn fold_tallies(
    db: &crate::db::Db,
    workspace: &str,
    channel: &str,
) -> Result<(), crate::db::DbError> {
    let vars = json!({ "ws": workspace, "ch": channel, "writer": "recorder" });
    db.retrying(|| db.exec(&FOLD, vars.clone())).await
}

/// A recording's failure that another one's hides (only the first is acted on).
fn log_dropped(channel: &str, e: &Stop) {
    match e {
        Stop::Lost => {}
        Stop::Broken(reason) => {
            tracing::warn!(%channel, %reason, "a recording also found the channel broken");
        }
        Stop::Store(e) => tracing::warn!(%channel, error = %e,
            "a recording also failed; its messages are sent again when their claim lapses"),
    }
}

/// Why the dispatcher stops or pauses.
enum Stop {
    Broken(String),
    Store(ApiError),
    /// A claim was taken over: what is left of it is its new claimant's.
    Lost,
}

impl From<ApiError> for Stop {
    fn from(e: ApiError) -> Self {
        Stop::Store(e)
    }
}

impl From<crate::db::DbError> for Stop {
    fn from(e: crate::db::DbError) -> Self {
        Stop::Store(e.into())
    }
}

/// The pause before the next attempt after `attempts` failures: exponential with jitter.
fn backoff(attempts: u32) -> Duration {
    backon::ExponentialBuilder::default()
        .with_min_delay(Duration::from_secs(2))
        .with_max_delay(Duration::from_secs(15 * 60))
        .with_factor(3.0)
        .with_jitter()
        .without_max_times()
        .build()
        .nth(attempts.saturating_sub(1) as usize)
        .unwrap_or(Duration::from_secs(15 * 60))
}

/// Sends one message and says what happened.
async fn send_one(
    transport: &dyn Transport,
    blobs: &crate::media::blobs::Blobs,
    batch: &str,
    message: &Claimed,
) -> Outcome {
    let mut attachments = Vec::with_capacity(message.attachments.len());
    for a in &message.attachments {
        // A local file: with a bucket, the first send of an attachment fetches it for the rest.
        let path = match blobs.local(&a.sha256).await {
            Ok(Some(path)) => path,
            Ok(None) => {
                return Outcome::Failed {
                    reason: format!("the bytes of attachment `{}` are gone", a.file_name),
                    code: Some("attachment_missing".into()),
                };
            }
            Err(_) => {
                // As a transport's transient error: retried on the same schedule, and failed
                // after as many attempts.
                let wait = backoff(message.attempts + 1);
                return Outcome::Retry {
                    reason: "the media store cannot be read".into(),
                    at: Utc::now()
                        + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::minutes(1)),
                    counts_attempt: true,
                };
            }
        };
        attachments.push(Attachment {
            media_id: a.media_id.clone(),
            kind: a.kind,
            mime: a.mime.clone(),
            file_name: a.file_name.clone(),
            size: a.size,
            sha256: a.sha256.clone(),
            path,
        });
    }
    let outbound = OutboundMessage {
        idempotency_key: message_id(batch, &message.key),
        to: message.address.clone(),
        text: message.text.clone(),
        subject: message.subject.clone(),
        html: message.html,
        attachments,
        approved: message.approved.clone(),
    };
    let result = match tokio::time::timeout(SEND_TIMEOUT, transport.send(&outbound)).await {
        Ok(result) => result,
        Err(_) => Err(SendError::transient(format!(
            "no answer within {} s",
            SEND_TIMEOUT.as_secs()
        ))),
    };
    let now = Utc::now();
    match result {
        Ok(receipt) => Outcome::Sent {
            provider_id: receipt.provider_id,
        },
        Err(SendError::Permanent { code, reason }) => Outcome::Failed {
            reason,
            code: Some(code),
        },
        Err(SendError::Unreachable { code, .. }) => Outcome::Skipped { reason: code },
        Err(SendError::Transient {
            reason,
            retry_after,
        }) => {
            let wait = retry_after.unwrap_or_else(|| backoff(message.attempts + 1));
            Outcome::Retry {
                reason,
                at: now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::minutes(1)),
                counts_attempt: true,
            }
        }
        Err(SendError::RecipientRateLimited {
            reason,
            retry_after,
        }) => {
            let wait = retry_after
                .unwrap_or_else(|| backoff(message.attempts + 1))
                .max(Duration::from_secs(60));
            Outcome::Retry {
                reason,
                at: now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::minutes(5)),
                counts_attempt: true,
            }
        }
        Err(SendError::ChannelBroken { reason }) => Outcome::Broken { reason },
    }
}
