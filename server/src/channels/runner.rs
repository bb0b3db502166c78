//! The channel supervisor of one replica: it takes the ownership lease of every channel nobody
//! else holds, runs a dispatcher for each channel it owns, renews its leases, and stops a channel's
//! dispatcher when its lease is lost, the channel is paused or changed, or the process stops. A
//! replica that dies loses its leases when they expire, and another replica takes the channels
//! over.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;
use tokio::sync::watch;

use super::{ChannelState, FIELDS, StoredChannel};
use crate::pipeline::Pipeline;

/// How long an ownership lease lasts without renewal: a replica that dies hands its channels to
/// another within this (and a tick).
pub const LEASE: Duration = Duration::from_secs(25);
/// A lease is renewed once less than this is left of it: a replica keeps its channels through
/// ten seconds without the store.
const RENEW_BELOW: chrono::Duration = chrono::Duration::seconds(15);
/// How often the supervisor looks at the channels (and renews leases close to expiry).
const TICK: Duration = Duration::from_secs(2);

struct Running {
    /// The channel's `updated_at` when the dispatcher started: a change restarts it.
    stamp: DateTime<Utc>,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
    lease_until: DateTime<Utc>,
}

/// Runs until the pipeline is gone; stops every dispatcher it started when `shutdown` fires.
pub async fn supervise(pipeline: std::sync::Weak<Pipeline>, mut shutdown: watch::Receiver<bool>) {
    let mut running: HashMap<String, Running> = HashMap::new();
    loop {
        let Some(strong) = pipeline.upgrade() else {
            break;
        };
        if *shutdown.borrow() {
            break;
        }
        if let Err(e) = reconcile(&strong, &mut running).await {
            tracing::warn!(error = %e, "channel supervisor could not look at the channels");
        }
        tokio::select! {
            _ = tokio::time::sleep(TICK) => {}
            _ = strong.changed.notified() => {}
            _ = shutdown.changed() => {}
        }
    }
    for (_, channel) in running.drain() {
        let _ = channel.stop.send(true);
        let _ = tokio::time::timeout(Duration::from_secs(10), channel.task).await;
    }
    // Hand the channels over at once instead of at lease expiry.
    if let Some(pipeline) = pipeline.upgrade() {
        let _ = pipeline
            .db
            .exec(
                "DELETE channel_lease WHERE node = $node",
                json!({ "node": pipeline.node }),
            )
            .await;
    }
}

#[derive(Deserialize)]
struct Lease {
    node: String,
    until: DateTime<Utc>,
}

async fn reconcile(
    pipeline: &Arc<Pipeline>,
    running: &mut HashMap<String, Running>,
) -> Result<(), crate::error::ApiError> {
    let channels: Vec<StoredChannel> = pipeline
        .db
        .rows(&format!("SELECT {FIELDS} FROM channel"), json!({}))
        .await?;
    let present: std::collections::HashSet<&str> = channels.iter().map(|c| c.id.as_str()).collect();
    running.retain(|id, channel| {
        let keep = present.contains(id.as_str()) && !channel.task.is_finished();
        if !keep {
            let _ = channel.stop.send(true);
        }
        keep
    });
    for channel in channels {
        // A WhatsApp Web channel stays connected in every state: pairing, reconnecting, and
        // waiting (logged out) for a person to pair it again.
        let wanted = channel.kind == super::ChannelKind::WhatsappWeb
            || matches!(channel.state, ChannelState::Active | ChannelState::Paused);
        let holding = running.get(&channel.id).map(|r| r.lease_until);
        let needs_lease = holding.is_none_or(|until| until - Utc::now() < RENEW_BELOW);
        let owned = if !wanted {
            false
        } else if needs_lease {
            acquire(pipeline, &channel.id).await?
        } else {
            true
        };
        match (owned, running.get_mut(&channel.id)) {
            (false, Some(_)) => {
                if let Some(stopped) = running.remove(&channel.id) {
                    let _ = stopped.stop.send(true);
                    tracing::info!(channel = %channel.id, "channel handed over");
                }
            }
            (true, Some(current)) if current.stamp == channel.updated_at => {
                if needs_lease {
                    current.lease_until =
                        Utc::now() + chrono::Duration::from_std(LEASE).unwrap_or_default();
                }
            }
            (true, _) => {
                if let Some(old) = running.remove(&channel.id) {
                    let _ = old.stop.send(true);
                    let _ = tokio::time::timeout(Duration::from_secs(10), old.task).await;
                }
                let started = start(pipeline, channel.clone()).await;
                if let Some((stop, task)) = started {
                    running.insert(
                        channel.id.clone(),
                        Running {
                            stamp: channel.updated_at,
                            stop,
                            task,
                            lease_until: Utc::now()
                                + chrono::Duration::from_std(LEASE).unwrap_or_default(),
                        },
                    );
                }
            }
            (false, None) => {}
        }
    }
    Ok(())
}

/// Takes or renews the channel's lease for this node; false when another node holds it.
async fn acquire(pipeline: &Pipeline, channel: &str) -> Result<bool, crate::error::ApiError> {
    let lease: Option<Lease> = pipeline
        .db
        .retrying(|| {
            pipeline.db.last_rows::<Lease>(
                "BEGIN; \
                 LET $held = (SELECT * FROM ONLY type::record('channel_lease', $id)); \
                 IF $held = NONE OR $held.until < time::now() OR $held.node = $node { \
                     UPSERT type::record('channel_lease', $id) SET node = $node, \
                         until = time::now() + <duration>$lease; \
                 }; \
                 SELECT node, until FROM ONLY type::record('channel_lease', $id); \
                 COMMIT;",
                json!({ "id": channel, "node": pipeline.node, "lease": format!("{}s", LEASE.as_secs()) }),
            )
        })
        .await?
        .into_iter()
        .next();
    Ok(lease.is_some_and(|l| l.node == pipeline.node && l.until > Utc::now()))
}

/// Builds the channel's transport and starts its dispatcher; a channel that cannot be built is
/// put in `error` with the reason.
async fn start(
    pipeline: &Arc<Pipeline>,
    channel: StoredChannel,
) -> Option<(watch::Sender<bool>, tokio::task::JoinHandle<()>)> {
    let transport = match super::transport_for(pipeline, &channel).await {
        Ok(transport) => transport,
        Err(reason) => {
            tracing::warn!(channel = %channel.id, %reason, "channel cannot start");
            let _ = super::set_state(
                &pipeline.db,
                &channel.id,
                ChannelState::Error,
                Some(&reason),
            )
            .await;
            return None;
        }
    };
    let (stop, stopped) = watch::channel(false);
    let dispatcher = match crate::campaigns::dispatcher::Dispatcher::new(
        pipeline.clone(),
        channel.clone(),
        transport,
        stopped,
    )
    .await
    {
        Ok(dispatcher) => dispatcher,
        Err(e) => {
            tracing::warn!(channel = %channel.id, error = %e, "dispatcher not started");
            return None;
        }
    };
    let task = if channel.kind == super::ChannelKind::WhatsappWeb {
        let settings = &pipeline.settings.whatsapp_web;
        let settings = crate::transports::whatsapp_web::connection::Settings {
            server_url: settings.server_url.clone(),
            version: settings.version().ok().flatten(),
        };
        let connection = crate::transports::whatsapp_web::connection::run(
            pipeline.clone(),
            channel,
            settings,
            stop.subscribe(),
        );
        tokio::spawn(async move {
            tokio::join!(connection, dispatcher.run());
        })
    } else {
        tokio::spawn(dispatcher.run())
    };
    Some((stop, task))
}
