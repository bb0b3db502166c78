//! The shared application state every handler receives: settings, store, authorisation, caches.

use std::sync::Arc;
use std::time::Duration;

use crate::auth::policy::Authz;
use crate::auth::rate_limit::LoginLimits;
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
    pub metrics: Arc<Metrics>,
    pub plugins: Arc<Plugins>,
    pub imports: ImportJobs,
    /// Verified against when a login names an unknown email, so that case costs the same time.
    pub dummy_password_hash: String,
}

impl AppState {
    pub async fn build(settings: Settings, db: Db) -> anyhow::Result<Self> {
        let authz = Authz::load(db.clone()).await?;
        let dummy_password_hash = secrets::hash_password(secrets::random_secret())
            .await
            .map_err(|e| anyhow::anyhow!("cannot prepare password hashing: {e}"))?;
        let metrics = Arc::new(Metrics::new()?);
        let plugins = Plugins::start(&settings, db.clone(), metrics.clone()).await?;
        Ok(Self {
            imports: ImportJobs::new(settings.imports.concurrent_jobs),
            plugins,
            principals: PrincipalCache::new(Duration::from_secs(
                settings.auth.principal_cache_secs,
            )),
            login_limits: LoginLimits::new(&settings.auth),
            metrics,
            settings: Arc::new(settings),
            db,
            authz,
            dummy_password_hash,
        })
    }
}
