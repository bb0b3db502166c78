//! Building the application (state, routes, middleware) and running it. `main` and the tests use
//! the same [`Application`]; tests bind port 0 with a `mem://` store.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpResponse, HttpServer, web};
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::{AppExt, scope};
use utoipa_swagger_ui::SwaggerUi;

use crate::app::AppState;
use crate::config::Settings;
use crate::db::Db;
use crate::error;
use crate::telemetry::RequestSpan;
use crate::{
    auth, campaigns, channels, contacts, events, health, media, messages, metrics, openapi,
    plugins, templates, variables, web as landing, webhooks, workspaces,
};

/// Every documented route. The OpenAPI paths come from exactly these registrations.
fn api_routes(cfg: &mut ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(
            scope::scope("/api/v1")
                .service(auth::routes::register)
                .service(auth::routes::login)
                .service(auth::routes::logout)
                .service(auth::routes::me)
                .service(auth::routes::change_password)
                .service(auth::reset::request_reset)
                .service(auth::reset::confirm_reset)
                .service(auth::routes::list_users)
                .service(auth::tokens::create_token)
                .service(auth::tokens::list_tokens)
                .service(auth::tokens::revoke_token)
                .service(workspaces::roles::catalogue)
                .service(workspaces::create)
                .service(workspaces::list)
                .service(workspaces::get_one)
                .service(workspaces::rename)
                .service(workspaces::delete_one)
                .service(workspaces::members::list)
                .service(workspaces::invitations::invite)
                .service(workspaces::invitations::list_for_workspace)
                .service(workspaces::invitations::withdraw)
                .service(workspaces::invitations::mine)
                .service(workspaces::invitations::accept)
                .service(workspaces::invitations::decline)
                .service(workspaces::members::change_role)
                .service(workspaces::members::remove)
                .service(workspaces::roles::my_permissions)
                .service(workspaces::roles::list)
                .service(workspaces::roles::get_one)
                .service(workspaces::roles::create)
                .service(workspaces::roles::update)
                .service(workspaces::roles::delete_one)
                .service(contacts::routes::list)
                .service(contacts::routes::count)
                .service(contacts::routes::create)
                .service(contacts::routes::bulk)
                .service(contacts::routes::export_csv)
                .service(contacts::import_routes::start)
                .service(contacts::import_routes::list)
                .service(contacts::import_routes::get_one)
                .service(contacts::import_routes::events)
                .service(contacts::import_routes::errors_csv)
                .service(contacts::routes::get_one)
                .service(contacts::routes::update)
                .service(contacts::routes::delete_one)
                .service(variables::list)
                .service(variables::create)
                .service(variables::get_one)
                .service(variables::update)
                .service(variables::delete_one)
                .service(templates::routes::list)
                .service(templates::routes::create)
                .service(templates::routes::render)
                .service(templates::routes::get_one)
                .service(templates::routes::update)
                .service(templates::routes::delete_one)
                .service(templates::routes::preview)
                .service(media::routes::upload)
                .service(media::routes::list)
                .service(media::routes::get_one)
                .service(media::routes::content)
                .service(media::routes::thumbnail)
                .service(media::routes::delete_one)
                .service(plugins::routes::list_installed)
                .service(plugins::routes::install)
                .service(plugins::routes::get_installed)
                .service(plugins::routes::uninstall)
                .service(plugins::routes::list_in_workspace)
                .service(plugins::routes::get_in_workspace)
                .service(plugins::routes::activity)
                .service(plugins::routes::configure)
                .service(plugins::routes::test_send)
                .service(channels::routes::list)
                .service(channels::routes::create)
                .service(channels::routes::get_one)
                .service(channels::routes::update)
                .service(channels::routes::delete_one)
                .service(channels::routes::test_send)
                .service(channels::whatsapp_web::qr_code)
                .service(channels::whatsapp_web::pair_code)
                .service(channels::whatsapp_web::pair)
                .service(channels::whatsapp_web::logout)
                .service(channels::whatsapp_web::wa_contacts)
                .service(channels::whatsapp_web::import_contacts)
                .service(channels::whatsapp_web::check_numbers)
                .service(channels::approved::list)
                .service(channels::approved::refresh)
                .service(campaigns::routes::list)
                .service(campaigns::routes::create)
                .service(campaigns::routes::get_one)
                .service(campaigns::routes::update)
                .service(campaigns::routes::delete_one)
                .service(campaigns::routes::dry_run)
                .service(campaigns::routes::start)
                .service(campaigns::routes::pause)
                .service(campaigns::routes::resume)
                .service(campaigns::routes::cancel)
                .service(campaigns::routes::events)
                .service(campaigns::routes::results_csv)
                .service(campaigns::routes::results)
                .service(messages::routes::create)
                .service(messages::routes::list)
                // Before `messages/{id}`, which would take `stats` for an id.
                .service(messages::stats::stats)
                .service(messages::routes::get_one)
                .service(messages::routes::conversations)
                .service(messages::routes::thread)
                .service(messages::routes::reply)
                .service(messages::routes::mark_read)
                .service(messages::routes::get_words)
                .service(messages::routes::set_words)
                .service(messages::hooks::receive)
                .service(messages::hooks::verify)
                .service(crate::notices::get_notices)
                .service(crate::notices::put_notices)
                .service(crate::audit::routes::list)
                .service(crate::audit::routes::export)
                .service(crate::audit::routes::list_instance)
                .service(crate::audit::routes::export_instance)
                .service(events::routes::list)
                .service(events::routes::stream)
                .service(webhooks::routes::list)
                .service(webhooks::routes::create)
                .service(webhooks::routes::get_one)
                .service(webhooks::routes::update)
                .service(webhooks::routes::delete_one)
                .service(webhooks::routes::rotate_secret)
                .service(webhooks::routes::deliveries)
                .service(webhooks::routes::redeliver)
                .service(webhooks::routes::ping),
        );
}

/// The OpenAPI document as served at `/api/openapi.json` (and committed as `openapi/openapi.json`).
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let (_, mut document) = App::new()
        .into_utoipa_app()
        .openapi(openapi::ApiDoc::openapi())
        .configure(api_routes)
        .split_for_parts();
    openapi::add_common_errors(&mut document);
    openapi::mark_public_operations(&mut document);
    openapi::unique_operation_ids(&mut document);
    openapi::drop_unused_schemas(&mut document);
    document
}

pub fn openapi_json() -> String {
    serde_json::to_string_pretty(&openapi_document())
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
    /// Stops the channel supervisor (and its dispatchers) when the server stops.
    pipeline_stop: tokio::sync::watch::Sender<bool>,
    supervisor: tokio::task::JoinHandle<()>,
    /// Webhook deliveries: finishes the attempts under way and hands its lease over.
    deliverer: tokio::task::JoinHandle<()>,
}

impl Application {
    /// Connects the store, loads the policy and binds the listener; call [`run_until_stopped`] next.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let db = Db::connect(&settings).await?;
        Self::build_on(settings, db).await
    }

    /// As [`Application::build`], on a store already connected: several replicas in one process
    /// share one store this way in the tests of what replicas must agree on.
    pub async fn build_on(settings: Settings, db: Db) -> anyhow::Result<Self> {
        let state = web::Data::new(AppState::build(settings, db).await?);
        workspaces::roles::upgrade_builtin_roles(&state)
            .await
            .map_err(|e| anyhow::anyhow!("cannot update the built-in roles: {e}"))?;
        contacts::index::backfill(&state.db)
            .await
            .map_err(|e| anyhow::anyhow!("cannot index the contacts for search: {e}"))?;
        contacts::imports::fail_interrupted(&state).await;
        let listener = TcpListener::bind(state.settings.listen_addr()?)?;
        let port = listener.local_addr()?.port();
        let server = serve(listener, state.clone())?;
        spawn_housekeeping(state.clone());
        spawn_import_leases(state.clone());
        spawn_version_watch(state.clone());
        crate::notices::spawn(&state.clone().into_inner());
        let resuming = state.clone();
        tokio::spawn(async move {
            workspaces::deletion::resume_interrupted(&resuming).await;
        });
        let pipeline = Arc::downgrade(&state.pipeline);
        if let Some(queue) = state.feedback_queue.lock().take() {
            tokio::spawn(messages::inbound::record_feedback(pipeline.clone(), queue));
        }
        let (pipeline_stop, stopping) = tokio::sync::watch::channel(false);
        let supervisor = tokio::spawn(channels::runner::supervise(pipeline, stopping.clone()));
        let deliverer = tokio::spawn(webhooks::run(state.webhooks.clone(), stopping));
        Ok(Self {
            port,
            server,
            state,
            pipeline_stop,
            supervisor,
            deliverer,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server from elsewhere (tests; signals are handled by actix itself).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// Serves until SIGINT/SIGTERM (in-flight requests get `server.shutdown_timeout_secs` to finish),
    /// then closes the store.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let Application {
            server,
            state,
            pipeline_stop,
            supervisor,
            deliverer,
            ..
        } = self;
        let result = server.await;
        // Dispatchers finish the message in hand and hand their channels over.
        let _ = pipeline_stop.send(true);
        let _ = tokio::time::timeout(Duration::from_secs(15), supervisor).await;
        let _ = tokio::time::timeout(Duration::from_secs(15), deliverer).await;
        // The embedded store shuts down when its last handle goes; give it a moment to finish.
        drop(state);
        tokio::time::sleep(Duration::from_millis(300)).await;
        tracing::info!("stopped");
        result
    }
}

fn serve(listener: TcpListener, state: web::Data<AppState>) -> std::io::Result<Server> {
    let settings = state.settings.clone();
    let document = openapi_document();
    let routes = web::Data::new(openapi::RouteTable::from_document(&document));
    let spec: Arc<String> = Arc::new(
        serde_json::to_string_pretty(&document)
            .map_err(|e| std::io::Error::other(e.to_string()))?,
    );
    let json_config = web::JsonConfig::default()
        .limit(settings.server.max_json_body_bytes)
        .error_handler(error::json_error);
    let path_config = web::PathConfig::default().error_handler(error::path_error);
    let query_config = web::QueryConfig::default().error_handler(error::query_error);
    let mut server = HttpServer::new(move || {
        let spec = spec.clone();
        App::new()
            .app_data(state.clone())
            .app_data(routes.clone())
            .app_data(json_config.clone())
            .app_data(path_config.clone())
            .app_data(query_config.clone())
            .wrap(from_fn(landing::security_headers))
            .wrap(from_fn(metrics::record))
            .wrap(TracingLogger::<RequestSpan>::new())
            .into_utoipa_app()
            .configure(api_routes)
            .into_app()
            .route(
                "/api/openapi.json",
                web::get().to(move || {
                    let spec = spec.clone();
                    async move {
                        HttpResponse::Ok()
                            .content_type("application/json")
                            .body(spec.as_str().to_owned())
                    }
                }),
            )
            .service(
                SwaggerUi::new("/api/docs/{_:.*}")
                    .config(utoipa_swagger_ui::Config::from("/api/openapi.json")),
            )
            .route(
                "/api/docs",
                web::get().to(|| async {
                    HttpResponse::PermanentRedirect()
                        .insert_header(("Location", "/api/docs/"))
                        .finish()
                }),
            )
            .route("/metrics", web::get().to(metrics::serve))
            .route("/", web::get().to(landing::landing))
            .route("/app", web::get().to(landing::console))
            .route("/app/{tail:.*}", web::get().to(landing::console))
            .route(
                "/{file:[^/]+\\.(?:html|css|js|svg)}",
                web::get().to(landing::landing),
            )
            .default_service(web::to(error::no_route))
    })
    .shutdown_timeout(settings.server.shutdown_timeout_secs)
    .listen(listener)?;
    if settings.server.workers > 0 {
        server = server.workers(settings.server.workers);
    }
    Ok(server.run())
}

/// How often a plugin that failed to load is tried again.
const PLUGIN_RETRY: Duration = Duration::from_secs(10);

/// How often a replica looks at the store's policy and authentication versions.
const VERSION_POLL: Duration = Duration::from_millis(500);

/// Keeps this replica in step with the others: reloads the authorisation policy when the store's
/// policy version moves, and drops cached principals when a session or token ended anywhere. One
/// small read per half second; changes apply everywhere within a second. Plugins another replica
/// installed, upgraded or removed are loaded or dropped here too (beside the watch: compiling a
/// component takes a while), and a plugin that failed to load is tried again every ten seconds.
fn spawn_version_watch(state: web::Data<AppState>) {
    let weak = Arc::downgrade(&state.into_inner());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(VERSION_POLL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut seen: Option<auth::policy::Versions> = None;
        let syncing = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let plugins_failed = Arc::new(std::sync::atomic::AtomicBool::new(false));
        // None at first: one sync soon after the start also catches what the start could not
        // load, or what changed while it loaded.
        let mut plugins_seen: Option<i64> = None;
        let mut retry_at: Option<std::time::Instant> = None;
        loop {
            tick.tick().await;
            let Some(state) = weak.upgrade() else { break };
            let now = match auth::policy::versions(&state.db).await {
                Ok(versions) => versions,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read the policy version");
                    continue;
                }
            };
            match state.authz.reload_if_changed(now.policy).await {
                Ok(true) => tracing::debug!(policy = now.policy, "authorisation policy reloaded"),
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "cannot reload the authorisation policy"),
            }
            if seen.is_some_and(|before| before.auth != now.auth) {
                state.principals.clear();
            }
            // The plugins' version counts as seen only once a sync started after it was read: a
            // move while a sync runs is synced again when that one is done.
            let moved = plugins_seen != Some(now.plugins);
            let retry = plugins_failed.load(std::sync::atomic::Ordering::Relaxed)
                && retry_at.is_none_or(|at: std::time::Instant| at.elapsed() >= PLUGIN_RETRY);
            if (moved || retry) && !syncing.swap(true, std::sync::atomic::Ordering::AcqRel) {
                plugins_seen = Some(now.plugins);
                retry_at = Some(std::time::Instant::now());
                let plugins = state.plugins.clone();
                let syncing = syncing.clone();
                let failed = plugins_failed.clone();
                tokio::spawn(async move {
                    let outcome = plugins.sync().await;
                    failed.store(
                        !matches!(outcome, Ok(0)),
                        std::sync::atomic::Ordering::Relaxed,
                    );
                    if let Err(e) = outcome {
                        tracing::warn!(error = %e, "cannot read the installed plugins");
                    }
                    syncing.store(false, std::sync::atomic::Ordering::Release);
                });
            }
            seen = Some(now);
        }
    });
}

/// Renews this replica's import leases, and fails the jobs of replicas that stopped renewing theirs.
fn spawn_import_leases(state: web::Data<AppState>) {
    let weak = Arc::downgrade(&state.into_inner());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(contacts::imports::LEASE_RENEWAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let Some(state) = weak.upgrade() else { break };
            contacts::imports::keep_leases(&state).await;
        }
    });
}

/// How long a plugin component no plugin names stays in the store: longer than any install takes
/// between storing its component and naming it.
const PLUGIN_COMPONENT_GRACE: Duration = Duration::from_secs(3600);

/// Periodic upkeep (every 20 s): forget idle rate-limit keys, sweep media bytes, delete expired
/// sessions.
fn spawn_housekeeping(state: web::Data<AppState>) {
    let weak = Arc::downgrade(&state.into_inner());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(20));
        let mut ticks = 0u64;
        loop {
            tick.tick().await;
            ticks += 1;
            let Some(state) = weak.upgrade() else { break };
            // Hourly (and soon after the start): what the messaging pipeline keeps for a while.
            if ticks % 180 == 3
                && let Err(e) = crate::messages::sweep(&state.db).await
            {
                tracing::warn!(error = %e, "cannot sweep expired messaging records");
            }
            if ticks % 180 == 5 {
                match crate::plugins::components::sweep(&state.db, PLUGIN_COMPONENT_GRACE).await {
                    Ok(0) => {}
                    Ok(removed) => tracing::info!(removed, "unused plugin components removed"),
                    Err(e) => tracing::warn!(error = %e, "cannot sweep unused plugin components"),
                }
            }
            if ticks % 180 == 4 {
                let keep = state.settings.events.keep_days;
                match crate::events::sweep(&state.db, keep).await {
                    Ok(0) => {}
                    Ok(removed) => tracing::info!(removed, "old events removed"),
                    Err(e) => tracing::warn!(error = %e, "cannot sweep old events"),
                }
                if let Err(e) = crate::webhooks::sweep(&state.db, keep).await {
                    tracing::warn!(error = %e, "cannot sweep old webhook deliveries");
                }
                match crate::audit::sweep(&state.db, state.settings.audit.keep_days).await {
                    Ok(0) => {}
                    Ok(removed) => tracing::info!(removed, "old audit entries removed"),
                    Err(e) => tracing::warn!(error = %e, "cannot sweep old audit entries"),
                }
            }
            state.login_limits.forget_idle();
            state.reset_limits.forget_idle();
            // A purge can take long; it runs beside the upkeep (one per workspace at a time).
            let purging = state.clone();
            tokio::spawn(async move {
                workspaces::deletion::resume_interrupted(&purging).await;
            });
            match state.blobs.sweep(&state.db).await {
                Ok(0) => {}
                Ok(removed) => tracing::info!(removed, "unreferenced media bytes removed"),
                Err(e) => tracing::warn!(error = %e, "cannot sweep media bytes"),
            }
            // Every five minutes: local copies of a bucket's objects, and crash leftovers.
            if ticks % 15 == 2 {
                match state.files.upkeep().await {
                    Ok(done) if done == Default::default() => {}
                    Ok(done) => tracing::info!(
                        trimmed = done.trimmed,
                        trimmed_bytes = done.trimmed_bytes,
                        leftovers = done.leftovers,
                        "local copies of shared files trimmed"
                    ),
                    Err(e) => {
                        tracing::warn!(error = %e, "cannot trim the local copies of shared files")
                    }
                }
            }
            if let Err(e) = state
                .db
                .exec(
                    "DELETE session WHERE expires_at < time::now(); \
                     DELETE password_reset WHERE expires_at < time::now();",
                    serde_json::json!({}),
                )
                .await
            {
                tracing::warn!(error = %e, "cannot delete expired sessions");
            }
        }
    });
}
