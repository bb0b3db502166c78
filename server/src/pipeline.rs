//! The handles the messaging pipeline's background work uses (channels, dispatchers, campaign
//! enqueueing, inbound recording), gathered once so that none of it needs the whole `AppState`.

use std::sync::Arc;

use crate::config::Settings;
use crate::db::Db;
use crate::media::blobs::Blobs;
use crate::messages::inbound::FeedbackSink;
use crate::outbound::OutboundPolicy;
use crate::plugins::Plugins;
use crate::templates::Renderer;

pub struct Pipeline {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub plugins: Arc<Plugins>,
    pub blobs: Arc<Blobs>,
    pub outbound: Arc<OutboundPolicy>,
    /// This replica's name in leases.
    pub node: String,
    /// This process's name in message claims: `{node}/{random}`. A claim by an earlier process of
    /// the same node is an orphan of a crash or restart and is taken back at once; claims of other
    /// nodes wait for their lease to expire.
    pub incarnation: String,
    /// Where transports report inbound messages and delivery statuses.
    pub feedback: FeedbackSink,
    /// Wakes this replica's channel supervisor when a channel or campaign changed here.
    pub changed: tokio::sync::Notify,
    /// Wakes this replica's idle dispatchers when there is something to send.
    pub work: tokio::sync::Notify,
    /// Counts [`Pipeline::wake`]s: a dispatcher that sees it move reads its campaigns again at
    /// once instead of at its next refresh.
    pub changes: std::sync::atomic::AtomicU64,
    /// What the public webhook route may take.
    pub hooks: HookLimits,
    /// Campaign dry runs under way at once (each reads its whole audience).
    pub dry_runs: tokio::sync::Semaphore,
    /// This replica's running WhatsApp Web channels.
    pub whatsapp_web: Arc<crate::transports::whatsapp_web::connection::Registry>,
}

/// Limits of the public webhook route: requests per channel (a keyed token bucket), and how many
/// requests are inside their plugin at once across the server.
pub struct HookLimits {
    pub per_channel: governor::DefaultKeyedRateLimiter<String>,
    pub parsing: tokio::sync::Semaphore,
}

impl HookLimits {
    pub fn new(per_second: u32) -> Self {
        let rate =
            std::num::NonZeroU32::new(per_second.max(1)).unwrap_or(std::num::NonZeroU32::MIN);
        let burst =
            rate.saturating_mul(std::num::NonZeroU32::new(2).unwrap_or(std::num::NonZeroU32::MIN));
        Self {
            per_channel: governor::RateLimiter::keyed(
                governor::Quota::per_second(rate).allow_burst(burst),
            ),
            parsing: tokio::sync::Semaphore::new(8),
        }
    }
}

impl Pipeline {
    /// Something changed here (a channel, a campaign, a message to send): the supervisor and idle
    /// dispatchers look at once instead of at their next tick. Other replicas see it at theirs.
    pub fn wake(&self) {
        self.changes
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.changed.notify_one();
        self.work.notify_waiters();
    }

    pub fn renderer(&self) -> Renderer<'_> {
        Renderer {
            db: &self.db,
            plugins: &self.plugins,
            settings: &self.settings.templates,
        }
    }
}
