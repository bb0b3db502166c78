//! Outbound webhooks: subscriptions to a workspace's events, delivered signed by the Standard
//! Webhooks convention (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`).
//!
//! A delivery is stored before it is attempted: the fan-out moves each subscription's cursor along
//! the event log and writes the deliveries it passes in the same transaction; a due queue
//! (`webhook_queue:[webhook, ms, event]`, one per subscription) says when each is attempted next. One replica at a time
//! delivers (a lease in the store); an attempt moves its due entry past the attempt's timeout
//! first, so a process killed mid-attempt tries again after its restart and loses nothing.

pub mod routes;

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::sync::watch;
use utoipa::ToSchema;

use crate::config::WebhookSettings;
use crate::db::Db;
use crate::error::ApiError;
use crate::events::{self, Draft};
use crate::outbound::Outbound;

/// What a stored subscription holds (its secrets included; never answered as is).
pub const FIELDS: &str = "record::id(id) AS id, workspace, url, types, description, active, \
     secret, old_secret, old_secret_until, cursor, failing_since, disabled_reason, \
     last_success_at, created_at, updated_at";

/// Deliberately not `Debug`: it holds the secrets.
#[derive(Clone, Deserialize)]
pub struct StoredWebhook {
    pub id: String,
    pub workspace: String,
    pub url: String,
    pub types: Vec<String>,
    #[serde(default)]
    pub description: String,
    pub active: bool,
    pub secret: String,
    pub old_secret: Option<String>,
    pub old_secret_until: Option<DateTime<Utc>>,
    pub cursor: String,
    pub failing_since: Option<DateTime<Utc>>,
    pub disabled_reason: Option<String>,
    pub last_success_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A subscription as the API shows it (without its secret).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Webhook {
    pub id: String,
    #[schema(example = "https://crm.example.com/hooks/ulak")]
    pub url: String,
    /// The event types it receives.
    #[schema(example = json!(["message.delivered", "message.failed"]))]
    pub types: Vec<String>,
    pub description: String,
    /// Whether deliveries are made. Events while switched off are not delivered later.
    pub active: bool,
    /// Why the server switched it off, when it did.
    pub disabled_reason: Option<String>,
    /// Since when every attempt has failed (none while deliveries succeed).
    pub failing_since: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    /// Until when deliveries also carry a signature made with the secret before the last rotation.
    pub old_secret_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl StoredWebhook {
    pub fn public(&self) -> Webhook {
        Webhook {
            id: self.id.clone(),
            url: self.url.clone(),
            types: self.types.clone(),
            description: self.description.clone(),
            active: self.active,
            disabled_reason: self.disabled_reason.clone(),
            failing_since: self.failing_since,
            last_success_at: self.last_success_at,
            old_secret_until: self.old_secret_until.filter(|until| *until > Utc::now()),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }

    /// The secrets deliveries are signed with now: the current one, and the one before a rotation
    /// during its grace period.
    fn signing_secrets(&self) -> Vec<&str> {
        let mut secrets = vec![self.secret.as_str()];
        if let (Some(old), Some(until)) = (&self.old_secret, self.old_secret_until)
            && until > Utc::now()
        {
            secrets.push(old);
        }
        secrets
    }
}

pub async fn find(db: &Db, workspace: &str, id: &str) -> Result<Option<StoredWebhook>, ApiError> {
    Ok(db
        .row(
            &format!("SELECT {FIELDS} FROM type::record('webhook', $id) WHERE workspace = $ws"),
            json!({ "id": id, "ws": workspace }),
        )
        .await?)
}

/// A new secret in the Standard Webhooks form: `whsec_` and 32 random bytes in base64.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    format!(
        "whsec_{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// The `webhook-signature` header's value: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` for
/// each secret, separated by spaces.
pub fn signature(secrets: &[&str], id: &str, timestamp: i64, body: &str) -> String {
    secrets
        .iter()
        .filter_map(|secret| {
            let key = base64::engine::general_purpose::STANDARD
                .decode(secret.trim_start_matches("whsec_"))
                .ok()?;
            let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
            mac.update(format!("{id}.{timestamp}.").as_bytes());
            mac.update(body.as_bytes());
            Some(format!(
                "v1,{}",
                base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
            ))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The body of a delivery: the Standard Webhooks payload shape.
pub fn body_of(event: &events::Event) -> String {
    json!({
        "type": event.event_type,
        "timestamp": event.at,
        "data": event.data,
    })
    .to_string()
}

/// One attempt at a delivery, as shown.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Attempt {
    pub at: DateTime<Utc>,
    /// The receiver's HTTP status; none when no answer came.
    pub status: Option<u16>,
    pub latency_ms: u64,
    /// The start of the receiver's answer (at most 500 characters).
    pub response: Option<String>,
    /// Why no answer came (timeout, refused connection, refused by the outbound policy).
    pub error: Option<String>,
}

/// A delivery of one event to one subscription.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Delivery {
    /// The event's id: also the `webhook-id` header, the same on every attempt.
    pub id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    /// `pending` (an attempt is due at `next_attempt_at`), `delivered`, or `dead` (every attempt
    /// failed; redeliverable).
    #[schema(example = "pending")]
    pub state: String,
    pub attempts: Vec<Attempt>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// What [`attempt`] needs of a stored delivery.
#[derive(Debug, Deserialize)]
struct StoredDelivery {
    #[serde(rename = "type")]
    event_type: String,
    body: String,
    state: String,
    /// Scheduled attempts made (those by hand do not use up the schedule).
    tries: Option<usize>,
}

/// Attempts kept per delivery (the latest).
const KEPT_ATTEMPTS: usize = 50;
/// Attempts at one subscription under way at once: a quarter of the slots (at least 2), so one
/// slow receiver cannot hold them all.
fn per_webhook(settings: &WebhookSettings) -> usize {
    (settings.concurrent_deliveries / 4).max(2)
}

pub const DELIVERY_FIELDS: &str = "record::id(id)[1] AS id, type, state, attempts, \
     next_attempt_at, created_at, delivered_at";

/// The handles the delivery worker uses.
pub struct Deliverer {
    pub db: Db,
    pub outbound: Outbound,
    pub settings: WebhookSettings,
    pub settle: Duration,
    pub node: String,
    pub permits: Arc<tokio::sync::Semaphore>,
    /// Deliveries being attempted here (webhook, event).
    in_flight: parking_lot::Mutex<std::collections::HashSet<(String, String)>>,
    /// Woken when an attempt ends, so its slot is used again at once rather than at the next tick.
    freed: tokio::sync::Notify,
    /// Pings and redeliveries by hand, per subscription.
    manual: governor::DefaultKeyedRateLimiter<String>,
}

impl Deliverer {
    pub fn new(
        db: Db,
        outbound: Outbound,
        settings: WebhookSettings,
        settle: Duration,
        node: String,
    ) -> Self {
        Self {
            permits: Arc::new(tokio::sync::Semaphore::new(settings.concurrent_deliveries)),
            db,
            outbound,
            settings,
            settle,
            node,
            in_flight: Default::default(),
            freed: tokio::sync::Notify::new(),
            manual: governor::RateLimiter::keyed(
                governor::Quota::per_second(std::num::NonZeroU32::MIN)
                    .allow_burst(std::num::NonZeroU32::new(5).unwrap_or(std::num::NonZeroU32::MIN)),
            ),
        }
    }

    /// Makes an attempt by hand and records it, in a task of its own (a caller that goes away does
    /// not cut it short). Meanwhile the worker here leaves the delivery alone, and a second
    /// attempt by hand at it is refused (409).
    pub async fn attempt_by_hand(
        self: &Arc<Self>,
        webhook: &str,
        event: &str,
    ) -> Result<Delivery, ApiError> {
        let key = (webhook.to_owned(), event.to_owned());
        if !self.in_flight.lock().insert(key.clone()) {
            return Err(ApiError::conflict(
                "attempt_under_way",
                "this delivery is being attempted now; look at it again in a few seconds",
            ));
        }
        let deliverer = self.clone();
        let task = tokio::spawn(async move {
            let outcome = attempt(&deliverer, &key.0, &key.1, None).await;
            deliverer.in_flight.lock().remove(&key);
            outcome
        });
        task.await
            .map_err(|e| ApiError::internal(anyhow::anyhow!("attempt stopped: {e}")))?
    }

    /// Whether one more attempt by hand at this subscription may be made now (1 a second, 5 at
    /// once); 429 otherwise.
    pub fn manual_allowed(&self, webhook: &str) -> Result<(), ApiError> {
        self.manual
            .check_key(&webhook.to_owned())
            .map_err(|_| ApiError::rate_limited(1))
    }
}

const LEASE: Duration = Duration::from_secs(30);
const TICK: Duration = Duration::from_millis(250);

/// Runs fan-out and deliveries while this replica holds the webhook lease, until `shutdown`.
pub async fn run(deliverer: Arc<Deliverer>, mut shutdown: watch::Receiver<bool>) {
    let mut lease_until: Option<Instant> = None;
    let mut last_fan_out: Option<Instant> = None;
    loop {
        if *shutdown.borrow() {
            break;
        }
        let holding = lease_until.is_some_and(|until| until > Instant::now() + LEASE / 2);
        if !holding {
            lease_until = match take_lease(&deliverer).await {
                Ok(true) => Some(Instant::now() + LEASE),
                Ok(false) => None,
                Err(e) => {
                    tracing::warn!(error = %e, "webhook worker cannot take its lease");
                    None
                }
            };
        }
        if lease_until.is_some() {
            // The log is followed every tick; a freed slot only looks for the next due delivery.
            if last_fan_out.is_none_or(|at| at.elapsed() >= TICK) {
                last_fan_out = Some(Instant::now());
                if let Err(e) = fan_out(&deliverer).await {
                    tracing::warn!(error = %e, "webhook fan-out failed; trying again");
                }
            }
            if let Err(e) = deliver_due(&deliverer).await {
                tracing::warn!(error = %e, "webhook deliveries could not be read; trying again");
            }
        }
        let pause = if lease_until.is_some() {
            TICK
        } else {
            Duration::from_secs(2)
        };
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = deliverer.freed.notified(), if lease_until.is_some() => {}
            _ = shutdown.changed() => {}
        }
    }
    // Attempts under way finish (or time out) before the lease is handed over.
    let _ = tokio::time::timeout(
        Duration::from_secs(deliverer.settings.timeout_secs + 2),
        deliverer
            .permits
            .acquire_many(deliverer.settings.concurrent_deliveries as u32),
    )
    .await;
    let _ = deliverer
        .db
        .exec(
            "DELETE webhook_lease:worker WHERE node = $node",
            json!({ "node": deliverer.node }),
        )
        .await;
}

async fn take_lease(deliverer: &Deliverer) -> Result<bool, ApiError> {
    #[derive(Deserialize)]
    struct Lease {
        node: String,
    }
    let lease: Option<Lease> = deliverer
        .db
        .retrying(|| {
            deliverer.db.last_rows::<Lease>(
                "BEGIN; \
                 LET $held = (SELECT * FROM ONLY webhook_lease:worker); \
                 IF $held = NONE OR $held.until < time::now() OR $held.node = $node { \
                     UPSERT webhook_lease:worker SET node = $node, until = time::now() + <duration>$lease; \
                 }; \
                 SELECT node FROM ONLY webhook_lease:worker; \
                 COMMIT;",
                json!({ "node": deliverer.node, "lease": format!("{}s", LEASE.as_secs()) }),
            )
        })
        .await?
        .into_iter()
        .next();
    Ok(lease.is_some_and(|l| l.node == deliverer.node))
}

/// Moves every active subscription's cursor along its workspace's log, storing a delivery (and its
/// due entry) for each event of its types, in one transaction per subscription and step.
async fn fan_out(deliverer: &Deliverer) -> Result<(), ApiError> {
    let followers: Vec<Follower> = deliverer
        .db
        .rows(
            "SELECT record::id(id) AS id, workspace, types, cursor FROM webhook WHERE active = true",
            json!({}),
        )
        .await?;
    for follower in followers {
        if let Err(e) = fan_out_one(deliverer, &follower).await {
            // One subscription's trouble does not hold the others up.
            tracing::warn!(webhook = %follower.id, error = %e, "webhook fan-out failed; trying again");
        }
    }
    Ok(())
}

#[derive(Deserialize)]
struct Follower {
    id: String,
    workspace: String,
    types: Vec<String>,
    cursor: String,
}

async fn fan_out_one(deliverer: &Deliverer, follower: &Follower) -> Result<(), ApiError> {
    {
        let (found, last) = events::read_after(
            &deliverer.db,
            &follower.workspace,
            Some(&follower.cursor),
            deliverer.settle,
            &follower.types,
            500,
            2000,
        )
        .await?;
        let Some(last) = last else {
            return Ok(());
        };
        let now_ms = Utc::now().timestamp_millis();
        let deliveries: Vec<Value> = found
            .iter()
            .map(|event| {
                json!({
                    "event": event.id,
                    "type": event.event_type,
                    "body": body_of(event),
                })
            })
            .collect();
        deliverer
            .db
            .exec(
                "BEGIN; \
                 LET $hook = type::record('webhook', $id); \
                 LET $now = (SELECT cursor, types, active FROM ONLY $hook); \
                 IF $now.cursor != $seen OR $now.types != $types OR $now.active != true { THROW 'moved'; }; \
                 FOR $d IN $deliveries { \
                     LET $key = type::record('webhook_delivery', [$id, $d.event]); \
                     IF !record::exists($key) { \
                         CREATE $key SET workspace = $ws, \
                             type = $d.type, body = $d.body, state = 'pending', attempts = [], \
                             due = $now_ms, next_attempt_at = time::now(), created_at = time::now(); \
                         CREATE type::record('webhook_queue', [$id, $now_ms, $d.event]) SET at = time::now(); \
                     }; \
                 }; \
                 UPDATE $hook SET cursor = $last; \
                 COMMIT;",
                json!({
                    "id": follower.id,
                    "ws": follower.workspace,
                    "seen": follower.cursor,
                    "types": follower.types,
                    "last": last,
                    "deliveries": deliveries,
                    "now_ms": now_ms,
                }),
            )
            .await
            .or_else(|e| match e {
                // Changed by a request meanwhile (switched off, types changed): next tick.
                crate::db::DbError::Store(text) if text.contains("moved") => Ok(()),
                crate::db::DbError::Contended(_) => Ok(()),
                other => Err(other),
            })?;
    }
    Ok(())
}

/// Starts an attempt for each due delivery, as many as there are free permits: each
/// subscription's own queue is read for as many entries as it has free slots, so a slow
/// receiver's backlog neither hides the others' deliveries nor costs a scan.
async fn deliver_due(deliverer: &Arc<Deliverer>) -> Result<(), ApiError> {
    if deliverer.permits.available_permits() == 0 {
        return Ok(());
    }
    let mut hooks: Vec<String> = deliverer
        .db
        .rows("SELECT VALUE record::id(id) FROM webhook", json!({}))
        .await?;
    // A different one first each tick, so none is always served last.
    if !hooks.is_empty() {
        let first = rand::random_range(0..hooks.len());
        hooks.rotate_left(first);
    }
    let now_ms = Utc::now().timestamp_millis();
    for webhook in hooks {
        let free = deliverer.permits.available_permits();
        if free == 0 {
            break;
        }
        let busy = deliverer
            .in_flight
            .lock()
            .iter()
            .filter(|(w, _)| *w == webhook)
            .count();
        let slots = per_webhook(&deliverer.settings)
            .saturating_sub(busy)
            .min(free);
        if slots == 0 {
            continue;
        }
        let due: Vec<(String, i64, String)> = deliverer
            .db
            .rows(
                "SELECT VALUE record::id(id) FROM array::first([webhook_queue:[$hook, NONE]..[$hook, $now]]) LIMIT $n",
                json!({ "hook": webhook, "now": now_ms, "n": slots }),
            )
            .await?;
        for (webhook, ms, event) in due {
            let key = (webhook.clone(), event.clone());
            // Attempted by hand here at this moment: the worker leaves it.
            if !deliverer.in_flight.lock().insert(key.clone()) {
                continue;
            }
            let Ok(permit) = deliverer.permits.clone().try_acquire_owned() else {
                deliverer.in_flight.lock().remove(&key);
                return Ok(());
            };
            let deliverer = deliverer.clone();
            tokio::spawn(async move {
                match attempt(&deliverer, &webhook, &event, Some(ms)).await {
                    Ok(_) => {}
                    // Its entry was taken meanwhile (attempted already, or the delivery is gone).
                    Err(e) if e.code() == "not_found" => {
                        tracing::debug!(%webhook, "webhook delivery no longer due");
                    }
                    Err(e) => {
                        tracing::warn!(%webhook, error = %e, "webhook attempt not recorded; it will be made again");
                    }
                }
                deliverer.in_flight.lock().remove(&key);
                drop(permit);
                deliverer.freed.notify_one();
            });
        }
    }
    Ok(())
}

/// The wait before attempt `made + 1` (after `made` failed ones), varied by up to ±20 %; `None`
/// when the schedule is spent.
fn next_wait(delays: &[Duration], made: usize) -> Option<Duration> {
    let base = delays.get(made.checked_sub(1)?)?;
    let jitter = rand::random_range(0.8..1.2);
    Some(base.mul_f64(jitter))
}

/// Makes one attempt at a delivery and records it. `due` is the due entry it came from (a
/// scheduled attempt), or `None` for an attempt by hand (redeliver, ping), which leaves the
/// schedule as it is unless it succeeds.
pub async fn attempt(
    deliverer: &Deliverer,
    webhook_id: &str,
    event: &str,
    due: Option<i64>,
) -> Result<Delivery, ApiError> {
    let db = &deliverer.db;
    let timeout = Duration::from_secs(deliverer.settings.timeout_secs);
    let mut claimed = None;
    if let Some(ms) = due {
        // Claimed: the entry moves past this attempt's end, so a crash makes it due again. An entry
        // gone meanwhile was claimed elsewhere.
        let later = Utc::now().timestamp_millis() + (timeout.as_millis() as i64) * 2 + 5_000;
        let taken = db
            .exec(
                "BEGIN; \
                 LET $gone = (DELETE type::record('webhook_queue', [$hook, $ms, $event]) RETURN BEFORE); \
                 IF array::len($gone) = 0 { THROW 'taken'; }; \
                 CREATE type::record('webhook_queue', [$hook, $later, $event]) SET at = time::now(); \
                 UPDATE type::record('webhook_delivery', [$hook, $event]) SET due = $later; \
                 COMMIT;",
                json!({ "ms": ms, "later": later, "hook": webhook_id, "event": event }),
            )
            .await;
        match taken {
            Ok(()) => claimed = Some(later),
            Err(crate::db::DbError::Store(text)) if text.contains("taken") => {
                return Err(ApiError::not_found("delivery"));
            }
            Err(crate::db::DbError::Contended(_)) => return Err(ApiError::not_found("delivery")),
            Err(e) => return Err(e.into()),
        }
    }
    let stored: Option<StoredDelivery> = db
        .row(
            "SELECT type, body, state, tries FROM type::record('webhook_delivery', [$hook, $event])",
            json!({ "hook": webhook_id, "event": event }),
        )
        .await?;
    let webhook: Option<StoredWebhook> = db
        .row(
            &format!("SELECT {FIELDS} FROM type::record('webhook', $id)"),
            json!({ "id": webhook_id }),
        )
        .await?;
    let (Some(stored), Some(webhook)) = (stored, webhook) else {
        // The subscription or the delivery is gone: so is the reason to attempt it.
        if let Some(later) = claimed {
            db.exec(
                "DELETE type::record('webhook_queue', [$hook, $later, $event])",
                json!({ "later": later, "hook": webhook_id, "event": event }),
            )
            .await?;
        }
        return Err(ApiError::not_found("delivery"));
    };
    // A type the subscription no longer takes is not sent to where it points now.
    let taken_type =
        stored.event_type == "webhook.ping" || webhook.types.contains(&stored.event_type);
    if claimed.is_none() && !taken_type {
        return Err(ApiError::conflict(
            "type_not_subscribed",
            format!(
                "the webhook no longer receives `{}` events; add the type to it to send this again",
                stored.event_type
            ),
        ));
    }
    if claimed.is_some() && (!webhook.active || !taken_type || stored.state != "pending") {
        let reason = if !webhook.active {
            Some("the subscription is switched off")
        } else if !taken_type {
            Some("the subscription no longer receives this event type")
        } else {
            None
        };
        db.exec(
            "BEGIN; \
             LET $d = type::record('webhook_delivery', [$hook, $event]); \
             LET $due = (SELECT VALUE due FROM ONLY $d); \
             IF $due != NONE { DELETE type::record('webhook_queue', [$hook, $due, $event]); }; \
             UPDATE $d SET due = NONE, next_attempt_at = NONE, \
                 state = IF state = 'pending' AND $reason != NONE { 'dead' } ELSE { state }, \
                 attempts = IF $reason != NONE { array::slice(array::push(attempts, { at: time::now(), latency_ms: 0, error: $reason }), -50) } ELSE { attempts }; \
             COMMIT;",
            crate::db::without_nulls(json!({ "hook": webhook_id, "event": event, "reason": reason })),
        )
        .await?;
        return delivery(db, webhook_id, event).await;
    }
    let result = post(deliverer, &webhook, event, &stored.body, timeout).await;
    let ok = result.status.is_some_and(|s| (200..300).contains(&s));
    // What a scheduled attempt that failed leaves: the next one, or a dead letter when the
    // schedule is spent. An attempt by hand that failed leaves the delivery as it finds it.
    let (failed_state, next_ms) =
        match next_wait(&deliverer.settings.delays(), stored.tries.unwrap_or(0) + 1) {
            Some(wait) => (
                "pending",
                Some(
                    (Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default())
                        .timestamp_millis(),
                ),
            ),
            None => ("dead", None),
        };
    let mut drafts = Vec::new();
    let disable = !ok
        && webhook.active
        && webhook.failing_since.is_some_and(|since| {
            Utc::now() - since
                > chrono::Duration::hours(deliverer.settings.disable_after_hours as i64)
        });
    let disabled_reason = disable.then(|| {
        format!(
            "every delivery failed for {} hours; the last attempt: {}",
            deliverer.settings.disable_after_hours,
            result
                .error
                .clone()
                .or(result.status.map(|s| format!("HTTP {s}")))
                .unwrap_or_default()
        )
    });
    if let Some(reason) = &disabled_reason {
        drafts.push(Draft::new(
            &webhook.workspace,
            "webhook.disabled",
            json!({ "webhook": webhook.id, "url": webhook.url, "reason": reason }),
        ));
    }
    // Written relative to what is stored now, not to what was read before the attempt: an attempt
    // by hand may have been made meanwhile (here or on another replica). A delivered delivery
    // stays delivered.
    let sql = format!(
        "BEGIN; \
         LET $d = type::record('webhook_delivery', [$hook, $event]); \
         LET $cur = (SELECT state, due FROM ONLY $d); \
         IF $cur = NONE {{ THROW 'gone'; }}; \
         LET $done = $ok OR $cur.state = 'delivered'; \
         LET $new_state = IF $done {{ 'delivered' }} ELSE IF $scheduled {{ $failed_state }} ELSE {{ $cur.state }}; \
         LET $new_due = IF $done {{ NONE }} ELSE IF $scheduled {{ $next_ms }} ELSE {{ $cur.due }}; \
         IF $cur.due != NONE AND $cur.due != $new_due {{ DELETE type::record('webhook_queue', [$hook, $cur.due, $event]); }}; \
         IF $new_due != NONE AND $cur.due != $new_due {{ CREATE type::record('webhook_queue', [$hook, $new_due, $event]) SET at = time::now(); }}; \
         UPDATE $d SET state = $new_state, due = $new_due, \
             attempts = array::slice(array::push(attempts, $attempt), -{KEPT_ATTEMPTS}), \
             tries = (tries ?? 0) + IF $scheduled {{ 1 }} ELSE {{ 0 }}, \
             next_attempt_at = IF $new_due != NONE {{ time::from_millis($new_due) }} ELSE {{ NONE }}, \
             delivered_at = IF $ok AND delivered_at = NONE {{ time::now() }} ELSE {{ delivered_at }}; \
         UPDATE type::record('webhook', $hook) SET \
             failing_since = IF $ok {{ NONE }} ELSE {{ failing_since ?? time::now() }}, \
             last_success_at = IF $ok {{ time::now() }} ELSE {{ last_success_at }}, \
             active = IF $disable {{ false }} ELSE {{ active }}, \
             disabled_reason = IF $disable {{ $disabled_reason }} ELSE {{ disabled_reason }}; \
         {} \
         COMMIT;",
        if drafts.is_empty() {
            ""
        } else {
            events::RECORD
        }
    );
    let written = db
        .retrying(|| {
            db.exec(
                &sql,
                crate::db::without_nulls(json!({
                    "hook": webhook_id,
                    "event": event,
                    "attempt": result,
                    "failed_state": failed_state,
                    "scheduled": claimed.is_some(),
                    "next_ms": next_ms,
                    "ok": ok,
                    "disable": disable,
                    "disabled_reason": disabled_reason,
                    "ulak_events": drafts,
                })),
            )
        })
        .await;
    match written {
        Ok(()) => {}
        // Deleted while it was being attempted (its subscription went).
        Err(crate::db::DbError::Store(text)) if text.contains("gone") => {
            return Err(ApiError::not_found("delivery"));
        }
        Err(e) => return Err(e.into()),
    }
    delivery(db, webhook_id, event).await
}

/// Sends a delivery's body, signed, and reports what came back.
async fn post(
    deliverer: &Deliverer,
    webhook: &StoredWebhook,
    event: &str,
    body: &str,
    timeout: Duration,
) -> Attempt {
    let started = Instant::now();
    let at = Utc::now();
    let failed = |error: String| Attempt {
        at,
        status: None,
        latency_ms: started.elapsed().as_millis() as u64,
        response: None,
        error: Some(error),
    };
    let url = match reqwest::Url::parse(&webhook.url) {
        Ok(url) => url,
        Err(e) => return failed(format!("the URL cannot be used: {e}")),
    };
    let timestamp = at.timestamp();
    let request = match deliverer.outbound.request(reqwest::Method::POST, url) {
        Ok(request) => request,
        Err(refused) => return failed(refused.0),
    };
    let sent = request
        .timeout(timeout)
        .header("content-type", "application/json")
        .header("webhook-id", event)
        .header("webhook-timestamp", timestamp.to_string())
        .header(
            "webhook-signature",
            signature(&webhook.signing_secrets(), event, timestamp, body),
        )
        .body(body.to_owned())
        .send()
        .await;
    let mut response = match sent {
        Ok(response) => response,
        Err(e) => return failed(crate::outbound::describe(&e)),
    };
    let status = response.status().as_u16();
    // The start of the answer is kept; the rest is not read.
    let mut start = Vec::new();
    while start.len() < 2048 {
        match tokio::time::timeout(Duration::from_secs(2), response.chunk()).await {
            Ok(Ok(Some(chunk))) => start.extend_from_slice(&chunk),
            _ => break,
        }
    }
    let text: String = String::from_utf8_lossy(&start).chars().take(500).collect();
    Attempt {
        at,
        status: Some(status),
        latency_ms: started.elapsed().as_millis() as u64,
        response: (!text.is_empty()).then_some(text),
        error: None,
    }
}

/// A delivery as shown.
pub async fn delivery(db: &Db, webhook: &str, event: &str) -> Result<Delivery, ApiError> {
    db.row(
        &format!("SELECT {DELIVERY_FIELDS} FROM type::record('webhook_delivery', [$hook, $event])"),
        json!({ "hook": webhook, "event": event }),
    )
    .await?
    .ok_or_else(|| ApiError::not_found("delivery"))
}

/// Removes a deleted subscription's deliveries and their due entries, a group at a time.
pub async fn forget_deliveries(db: &Db, webhook: &str) -> Result<(), ApiError> {
    forget_deliveries_in(db, webhook).await
}

/// Removes every subscription of a workspace being deleted, with its deliveries, and the
/// workspace's event log, a group at a time.
pub async fn purge_workspace(db: &Db, workspace: &str) -> Result<(), ApiError> {
    let hooks: Vec<String> = db
        .rows(
            "SELECT VALUE record::id(id) FROM webhook WHERE workspace = $ws",
            json!({ "ws": workspace }),
        )
        .await?;
    for hook in hooks {
        db.exec("DELETE type::record('webhook', $id)", json!({ "id": hook }))
            .await?;
        forget_deliveries_in(db, &hook).await?;
    }
    loop {
        let gone: Option<usize> = db
            .last_rows(
                "LET $batch = (SELECT VALUE id FROM array::first([event:[$ws, '']..[$ws, {}]]) LIMIT 2000); \
                 FOR $e IN $batch { DELETE $e; }; \
                 RETURN array::len($batch);",
                json!({ "ws": workspace }),
            )
            .await?
            .into_iter()
            .next();
        if gone.unwrap_or(0) < 2000 {
            return Ok(());
        }
    }
}

async fn forget_deliveries_in(db: &Db, webhook: &str) -> Result<(), ApiError> {
    loop {
        let gone: Option<usize> = db
            .last_rows(
                "LET $batch = (SELECT id, due FROM array::first([webhook_delivery:[$hook, '']..[$hook, {}]]) LIMIT 2000); \
                 FOR $d IN $batch { \
                     IF $d.due != NONE { DELETE type::record('webhook_queue', [$hook, $d.due, record::id($d.id)[1]]); }; \
                     DELETE $d.id; \
                 }; \
                 RETURN array::len($batch);",
                json!({ "hook": webhook }),
            )
            .await?
            .into_iter()
            .next();
        if gone.unwrap_or(0) < 2000 {
            break;
        }
    }
    Ok(())
}

/// Removes deliveries older than `keep_days`, a group at a time.
pub async fn sweep(db: &Db, keep_days: u32) -> Result<(), ApiError> {
    let cut = events::ulid_floor(Utc::now() - chrono::Duration::days(i64::from(keep_days)));
    let hooks: Vec<String> = db
        .rows("SELECT VALUE record::id(id) FROM webhook", json!({}))
        .await?;
    for hook in hooks {
        db.exec(
            "LET $old = (SELECT VALUE id FROM array::first([webhook_delivery:[$hook, '']..[$hook, $cut]]) \
                 WHERE state != 'pending' LIMIT 5000); \
             FOR $d IN $old { DELETE $d; };",
            json!({ "hook": hook, "cut": cut }),
        )
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_the_standard_webhooks_example() {
        // The reference library's own test vector (standardwebhooks 1.1.0 on PyPI signs the same).
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        let body = r#"{"test": 2432232314}"#;
        let signed = signature(&[secret], id, 1614265330, body);
        assert_eq!(signed, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        let two = signature(&[secret, secret], id, 1614265330, body);
        assert_eq!(two.split(' ').count(), 2);
    }

    #[test]
    fn the_schedule_varies_each_wait_and_ends() {
        let delays = [Duration::from_secs(10), Duration::from_secs(100)];
        assert!(next_wait(&delays, 0).is_none());
        let first = next_wait(&delays, 1).unwrap();
        assert!(first >= Duration::from_secs(8) && first <= Duration::from_secs(12));
        let second = next_wait(&delays, 2).unwrap();
        assert!(second >= Duration::from_secs(80) && second <= Duration::from_secs(120));
        assert!(next_wait(&delays, 3).is_none());
    }

    #[test]
    fn secrets_have_the_standard_form() {
        let secret = new_secret();
        assert!(secret.starts_with("whsec_"));
        let key = base64::engine::general_purpose::STANDARD
            .decode(&secret[6..])
            .unwrap();
        assert_eq!(key.len(), 32);
        assert_ne!(secret, new_secret());
    }
}
