//! The shared application state every handler receives: settings, store, authorisation, caches.

use std::sync::Arc;
use std::time::Duration;

use crate::auth::policy::Authz;
use crate::auth::rate_limit::{ClientAddress, LoginLimits};
use crate::auth::{PrincipalCache, secrets};
use crate::config::Settings;
use crate::contacts::imports::ImportJobs;
use crate::db::Db;
use crate::metrics::Metrics;
use crate::plugins::Plugins;

pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: Db,
    pub authz: Authz,
    pub principals: PrincipalCache,
    pub login_limits: LoginLimits,
    /// Who a request comes from, behind the configured reverse proxies.
    pub client_address: ClientAddress,
    pub metrics: Arc<Metrics>,
    pub plugins: Arc<Plugins>,
    pub imports: ImportJobs,
    /// Workspace purges under way here.
    pub purges: crate::workspaces::deletion::Purges,
    /// Media bytes, shared by content.
    pub blobs: Arc<crate::media::blobs::Blobs>,
    /// Media bytes and import files, where every replica reaches them.
    pub files: Arc<crate::files::SharedFiles>,
    /// Verified against when a login names an unknown email, so that case costs the same time.
    pub dummy_password_hash: String,
    /// This replica's name in leases: kept in the data directory, so a restarted process knows
    /// the work its previous life held.
    pub node: String,
    /// What the messaging pipeline's background work uses.
    pub pipeline: Arc<crate::pipeline::Pipeline>,
    /// Where transports' reports wait until the recorder takes them (taken once, at start).
    /// Webhook deliveries: the worker's handles, shared with the routes that attempt one now.
    pub webhooks: Arc<crate::webhooks::Deliverer>,
    /// Live event streams open here: at most 10 per caller and 500 in all.
    pub streams: Arc<crate::events::Streams>,
    /// The instance's mail (`[mail]`); none when it is off.
    pub mailer: Option<Arc<crate::mail::Mailer>>,
    /// Password-reset requests: per address (3 an hour; more are answered alike and not sent) and
    /// per client network (10 an hour; more are 429).
    pub reset_limits: crate::auth::reset::ResetLimits,
    pub feedback_queue: parking_lot::Mutex<
        Option<tokio::sync::mpsc::Receiver<(String, crate::messages::inbound::Feedback)>>,
    >,
}

/// The node id stored in `<data>/node_id`, created on first start.
fn node_id(data_dir: &std::path::Path) -> anyhow::Result<String> {
    let path = data_dir.join("node_id");
    if let Ok(text) = std::fs::read_to_string(&path) {
        let id = text.trim();
        if !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Ok(id.to_owned());
        }
    }
    std::fs::create_dir_all(data_dir)?;
    let id = format!("node-{}", crate::db::new_id());
    std::fs::write(&path, &id)?;
    Ok(id)
}

impl AppState {
    pub async fn build(settings: Settings, db: Db) -> anyhow::Result<Self> {
        let authz = Authz::load(db.clone()).await?;
        let dummy_password_hash = secrets::hash_password(secrets::random_secret())
            .await
            .map_err(|e| anyhow::anyhow!("cannot prepare password hashing: {e}"))?;
        let node = node_id(&settings.storage.data_dir)?;
        let metrics = Arc::new(Metrics::new()?);
        let plugins = Plugins::start(&settings, db.clone(), metrics.clone()).await?;
        let files = Arc::new(crate::files::SharedFiles::from_settings(&settings)?);
        files.check().await?;
        let blobs = Arc::new(crate::media::blobs::Blobs::new(
            files.clone(),
            &settings.media,
        ));
        let (feedback, feedback_queue) = crate::messages::inbound::feedback_queue();
        let settings_shared = Arc::new(settings.clone());
        let pipeline = Arc::new(crate::pipeline::Pipeline {
            db: db.clone(),
            settings: settings_shared,
            plugins: plugins.clone(),
            blobs: blobs.clone(),
            outbound: Arc::new(crate::outbound::OutboundPolicy::from_settings(
                &settings.outbound,
            )),
            incarnation: format!("{node}/{}", crate::db::new_id()),
            node: node.clone(),
            feedback,
            changed: tokio::sync::Notify::new(),
            work: tokio::sync::Notify::new(),
            changes: std::sync::atomic::AtomicU64::new(0),
            hooks: crate::pipeline::HookLimits::new(settings.messaging.webhook_requests_per_second),
            dry_runs: tokio::sync::Semaphore::new(2),
            whatsapp_web: Default::default(),
        });
        let webhooks = Arc::new(crate::webhooks::Deliverer::new(
            db.clone(),
            crate::outbound::Outbound::new(
                &settings.outbound,
                Duration::from_secs(settings.webhooks.timeout_secs),
                concat!("Ulak/", env!("CARGO_PKG_VERSION"), " (webhooks)"),
            ),
            settings.webhooks.clone(),
            Duration::from_millis(settings.events.settle_ms),
            node.clone(),
        ));
        Ok(Self {
            mailer: crate::mail::Mailer::from_settings(&settings.mail)?.map(Arc::new),
            reset_limits: crate::auth::reset::ResetLimits::new(),
            webhooks,
            streams: Arc::new(crate::events::Streams::new(10, 500)),
            imports: ImportJobs::new(settings.imports.concurrent_jobs),
            blobs: blobs.clone(),
            files,
            purges: Default::default(),
            plugins,
            principals: PrincipalCache::new(Duration::from_secs(
                settings.auth.principal_cache_secs,
            )),
            login_limits: LoginLimits::new(&settings.auth),
            client_address: ClientAddress::new(&settings.server),
            metrics,
            settings: pipeline.settings.clone(),
            db,
            authz,
            dummy_password_hash,
            node,
            pipeline,
            feedback_queue: parking_lot::Mutex::new(Some(feedback_queue)),
        })
    }
}
