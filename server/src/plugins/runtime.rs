//! The sandbox plugins run in: one wasmtime engine (compiled components cached on disk), a linker
//! holding the host capabilities and a WASI context that grants nothing, and calls made on blocking
//! threads under an epoch deadline, a memory cap and output caps. Whatever a plugin does, the
//! result is a [`PluginError`] on that one call.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Map, Value};
use wasmtime::component::{Component, HasSelf, Linker, ResourceAny, ResourceTable};
use wasmtime::{Cache, CacheConfig, Config, Engine, Store, StoreLimits, StoreLimitsBuilder, Trap};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

use super::capabilities::{HostRule, Services};
use super::manifest::{Manifest, PluginKind};
use crate::config::Settings;
use crate::metrics::Metrics;

/// Host bindings generated from the frozen WIT package (`plugin-sdk/wit/since_v0.1.0`).
pub mod bindings {
    pub mod resolver {
        wasmtime::component::bindgen!({
            path: "../plugin-sdk/wit/since_v0.1.0",
            world: "ulak:plugin/variable-resolver@0.1.0",
        });
    }
    pub mod importer {
        wasmtime::component::bindgen!({
            path: "../plugin-sdk/wit/since_v0.1.0",
            world: "ulak:plugin/contact-importer@0.1.0",
            with: {
                "ulak:plugin/types@0.1.0": super::resolver::ulak::plugin::types,
                "ulak:plugin/host@0.1.0": super::resolver::ulak::plugin::host,
            },
        });
    }
    pub mod transport {
        wasmtime::component::bindgen!({
            path: "../plugin-sdk/wit/since_v0.1.0",
            world: "ulak:plugin/transport@0.1.0",
            with: {
                "ulak:plugin/types@0.1.0": super::resolver::ulak::plugin::types,
                "ulak:plugin/host@0.1.0": super::resolver::ulak::plugin::host,
            },
        });
    }
    pub use resolver::ulak::plugin::types::{Contact, Context, Field, Header};
}

use bindings::importer::exports::ulak::plugin::contacts;
use bindings::resolver::exports::ulak::plugin::variables;
use bindings::transport::exports::ulak::plugin::messages;
pub use bindings::{Contact, Context, Field, Header};

/// A failed call, always naming the plugin.
#[derive(Debug, Clone, thiserror::Error)]
#[error("plugin `{plugin}`: {message}")]
pub struct PluginError {
    pub plugin: String,
    pub message: String,
}

impl PluginError {
    pub fn new(plugin: &str, message: impl Into<String>) -> Self {
        PluginError {
            plugin: plugin.to_owned(),
            message: message.into(),
        }
    }
}

/// Who a call is for: the workspace, the plugin's effective configuration there, and the hosts it
/// may reach with that configuration.
#[derive(Clone)]
pub struct CallScope {
    pub workspace: String,
    pub config: Map<String, Value>,
}

/// The state each plugin instance's store carries.
pub struct HostState {
    pub(super) plugin: Arc<str>,
    pub(super) workspace: String,
    pub(super) config: Map<String, Value>,
    /// The workspace's secret settings (as the manifest marks them), hidden from the plugin's log.
    pub(super) secrets: Vec<String>,
    pub(super) rules: Vec<HostRule>,
    pub(super) services: Arc<Services>,
    limits: StoreLimits,
    wasi: WasiCtx,
    table: ResourceTable,
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// A component compiled, linked and checked against its world, ready to instantiate.
pub enum Prepared {
    Resolver(bindings::resolver::VariableResolverPre<HostState>),
    Importer(bindings::importer::ContactImporterPre<HostState>),
    Transport(bindings::transport::TransportPre<HostState>),
}

/// An installed plugin as the runtime holds it. Calls keep an `Arc` to it, so an upgrade that
/// replaces it lets calls already under way finish on the old version.
pub struct LoadedPlugin {
    pub manifest: Manifest,
    pub sha256: String,
    pub source: String,
    pub installed_at: chrono::DateTime<chrono::Utc>,
    name: Arc<str>,
    prepared: Prepared,
}

impl LoadedPlugin {
    pub fn name(&self) -> &str {
        &self.name
    }
}

const EPOCH_TICK: Duration = Duration::from_millis(10);
/// Per instance: core instances, linear memories, tables and table elements.
const MAX_INSTANCES: usize = 32;
const MAX_MEMORIES: usize = 4;
const MAX_TABLES: usize = 8;
const MAX_TABLE_ELEMENTS: usize = 100_000;

pub struct Runtime {
    engine: Engine,
    linker: Linker<HostState>,
    services: Arc<Services>,
    metrics: Arc<Metrics>,
    memory_limit_bytes: usize,
    call_timeout: Duration,
    import_call_timeout: Duration,
    max_value_bytes: usize,
}

impl Runtime {
    pub fn new(
        settings: &Settings,
        services: Arc<Services>,
        metrics: Arc<Metrics>,
    ) -> anyhow::Result<Self> {
        let mut config = Config::new();
        config.wasm_component_model(true);
        config.epoch_interruption(true);
        // The cache only saves time: without it plugins are compiled at every start.
        let cache_dir = settings.wasm_cache_dir();
        let cache = std::fs::create_dir_all(&cache_dir)
            .map_err(anyhow::Error::from)
            .and_then(|()| {
                let mut cache = CacheConfig::new();
                cache.with_directory(&cache_dir);
                Cache::new(cache).map_err(host_error)
            });
        match cache {
            Ok(cache) => {
                config.cache(Some(cache));
            }
            Err(e) => tracing::warn!(
                dir = %cache_dir.display(),
                error = %e,
                "cannot use the plugin compilation cache; compiling at every start"
            ),
        }
        let engine = Engine::new(&config).map_err(host_error)?;
        spawn_epoch_ticker(&engine);
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(host_error)?;
        bindings::resolver::VariableResolver::add_to_linker::<HostState, HasSelf<HostState>>(
            &mut linker,
            |state| state,
        )
        .map_err(host_error)?;
        let p = &settings.plugins;
        Ok(Self {
            engine,
            linker,
            services,
            metrics,
            memory_limit_bytes: usize::try_from(p.memory_limit_mib << 20).unwrap_or(usize::MAX),
            call_timeout: Duration::from_millis(p.call_timeout_ms),
            import_call_timeout: Duration::from_millis(p.import_call_timeout_ms),
            max_value_bytes: p.max_value_bytes,
        })
    }

    /// The multi-threaded runtime plugin work and background jobs run on.
    pub fn handle(&self) -> &tokio::runtime::Handle {
        &self.services.handle
    }

    /// Compiles (or loads from the cache) and links a component, and checks that it implements the
    /// world its manifest names. Blocking: call from a blocking thread.
    pub fn prepare(
        &self,
        manifest: Manifest,
        bytes: &[u8],
        sha256: String,
        source: String,
        installed_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<LoadedPlugin, PluginError> {
        let name = manifest.name.clone();
        let fail = |what: &str, e: wasmtime::Error| {
            PluginError::new(&name, format!("{what}: {}", root_message(&e)))
        };
        let component =
            Component::new(&self.engine, bytes).map_err(|e| fail("not a valid component", e))?;
        let pre = self.linker.instantiate_pre(&component).map_err(|e| {
            fail(
                "the component needs something the host does not offer (only ulak:plugin/host and an empty WASI are available)",
                e,
            )
        })?;
        let world = manifest.kind.as_str();
        let prepared = match manifest.kind {
            PluginKind::VariableResolver => {
                bindings::resolver::VariableResolverPre::new(pre).map(Prepared::Resolver)
            }
            PluginKind::ContactImporter => {
                bindings::importer::ContactImporterPre::new(pre).map(Prepared::Importer)
            }
            PluginKind::Transport => {
                bindings::transport::TransportPre::new(pre).map(Prepared::Transport)
            }
        }
        .map_err(|e| {
            fail(
                &format!(
                    "the component does not implement the `{world}` world of ulak:plugin@0.1.0"
                ),
                e,
            )
        })?;
        Ok(LoadedPlugin {
            name: Arc::from(name.as_str()),
            manifest,
            sha256,
            source,
            installed_at,
            prepared,
        })
    }

    fn store(
        &self,
        plugin: &LoadedPlugin,
        scope: CallScope,
    ) -> (Store<HostState>, MemoryOutputPipe) {
        let stderr = MemoryOutputPipe::new(8 * 1024);
        let wasi = WasiCtxBuilder::new()
            .stderr(stderr.clone())
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .build();
        let rules = HostRule::compile(&plugin.manifest.permissions.http_hosts, &scope.config);
        let secrets = plugin
            .manifest
            .config
            .iter()
            .filter(|(_, field)| field.secret)
            .filter_map(|(key, _)| scope.config.get(key)?.as_str().map(str::to_owned))
            .filter(|value| value.len() >= 4)
            .collect();
        let limits = self.store_limits();
        let mut store = Store::new(
            &self.engine,
            HostState {
                plugin: plugin.name.clone(),
                workspace: scope.workspace,
                config: scope.config,
                secrets,
                rules,
                services: self.services.clone(),
                limits,
                wasi,
                table: ResourceTable::new(),
            },
        );
        store.limiter(|state| &mut state.limits);
        store.epoch_deadline_trap();
        (store, stderr)
    }

    /// What one instance may hold: each linear memory at most the configured size, and few of
    /// them, so the cap bounds the instance and not only each memory. A component built with the
    /// SDK uses a handful of core instances, one or two memories and tables.
    fn store_limits(&self) -> StoreLimits {
        StoreLimitsBuilder::new()
            .memory_size(self.memory_limit_bytes)
            .memories(MAX_MEMORIES)
            .tables(MAX_TABLES)
            .table_elements(MAX_TABLE_ELEMENTS)
            .instances(MAX_INSTANCES)
            .trap_on_grow_failure(true)
            .build()
    }

    fn deadline(store: &mut Store<HostState>, timeout: Duration) {
        let ticks = (timeout.as_millis() / EPOCH_TICK.as_millis()).max(1);
        store.set_epoch_deadline(u64::try_from(ticks).unwrap_or(u64::MAX));
    }

    /// Explains a trap in words an admin can act on, with the plugin's panic message if it printed one.
    fn explain(
        &self,
        error: &wasmtime::Error,
        stderr: &MemoryOutputPipe,
        timeout: Duration,
    ) -> String {
        let printed = String::from_utf8_lossy(&stderr.contents()).into_owned();
        let panic = printed
            .lines()
            .skip_while(|l| !l.contains("panicked"))
            .take(2)
            .collect::<Vec<_>>()
            .join(" ");
        match error.downcast_ref::<Trap>() {
            Some(Trap::Interrupt) => {
                format!(
                    "stopped: ran longer than its limit of {} ms",
                    timeout.as_millis()
                )
            }
            Some(Trap::StackOverflow) => "stopped: stack overflow".to_owned(),
            _ if !panic.is_empty() => format!("panicked: {}", panic.trim()),
            _ => {
                let message = root_message(error);
                if message.contains("forcing")
                    || message.contains("memory") && message.contains("limit")
                {
                    format!(
                        "stopped: tried to use more than its memory limit of {} MiB",
                        self.memory_limit_bytes >> 20
                    )
                } else if printed.contains("memory allocation") {
                    format!(
                        "stopped: ran out of memory (limit {} MiB)",
                        self.memory_limit_bytes >> 20
                    )
                } else {
                    format!("trapped: {message}")
                }
            }
        }
    }

    /// A call's outcome in the plugin's journal for the calling workspace.
    fn journal_call(
        &self,
        store: &Store<HostState>,
        plugin: &str,
        failure: Option<&(impl AsRef<str> + ?Sized)>,
    ) {
        let state = store.data();
        let failure = failure.map(|f| state.masked(f.as_ref()));
        self.services
            .journal
            .call(&state.workspace, plugin, failure.as_deref(), 0, None);
    }

    /// What the plugins did lately, per workspace.
    pub fn journal(&self) -> &super::journal::Journal {
        &self.services.journal
    }

    fn record(&self, plugin: &str, function: &str, started: Instant, ok: bool) {
        self.metrics
            .plugin_calls
            .with_label_values(&[plugin, function, if ok { "ok" } else { "error" }])
            .inc();
        self.metrics
            .plugin_seconds
            .with_label_values(&[plugin, function])
            .observe(started.elapsed().as_secs_f64());
    }

    /// Resolves a batch in one instance. Per-item errors come back as they are; a trap fails the
    /// whole batch. Runs on a blocking thread.
    pub async fn resolve(
        self: &Arc<Self>,
        plugin: Arc<LoadedPlugin>,
        scope: CallScope,
        context: Context,
        batch: Vec<variables::Request>,
    ) -> Result<Vec<Result<String, String>>, PluginError> {
        let runtime = self.clone();
        let name = plugin.name.clone();
        self.on_blocking_thread(&name, move || {
            runtime.resolve_blocking(&plugin, scope, context, batch)
        })
        .await
    }

    /// Runs plugin work on a blocking thread of the main runtime; a lost thread fails that call.
    async fn on_blocking_thread<T: Send + 'static>(
        &self,
        plugin: &str,
        work: impl FnOnce() -> Result<T, PluginError> + Send + 'static,
    ) -> Result<T, PluginError> {
        self.services
            .handle
            .spawn_blocking(work)
            .await
            .map_err(|e| PluginError::new(plugin, format!("the call was lost: {e}")))?
    }

    fn resolve_blocking(
        &self,
        plugin: &LoadedPlugin,
        scope: CallScope,
        context: Context,
        batch: Vec<variables::Request>,
    ) -> Result<Vec<Result<String, String>>, PluginError> {
        let started = Instant::now();
        let Prepared::Resolver(pre) = &plugin.prepared else {
            return Err(PluginError::new(&plugin.name, "is not a variable resolver"));
        };
        let expected = batch.len();
        let (mut store, stderr) = self.store(plugin, scope);
        Self::deadline(&mut store, self.call_timeout);
        let result = pre
            .instantiate(&mut store)
            .and_then(|instance| {
                instance
                    .ulak_plugin_variables()
                    .call_resolve(&mut store, &context, &batch)
            })
            .map_err(|e| {
                PluginError::new(&plugin.name, self.explain(&e, &stderr, self.call_timeout))
            })
            .and_then(|answers| {
                if answers.len() == expected {
                    Ok(answers)
                } else {
                    Err(PluginError::new(
                        &plugin.name,
                        format!("answered {} items for a batch of {expected}", answers.len()),
                    ))
                }
            })
            .map(|answers| {
                answers
                    .into_iter()
                    .map(|a| match a {
                        Ok(value) if value.len() > self.max_value_bytes => Err(format!(
                            "the value is longer than {} bytes",
                            self.max_value_bytes
                        )),
                        other => other,
                    })
                    .collect::<Vec<_>>()
            });
        self.record(&plugin.name, "resolve", started, result.is_ok());
        let journal = &self.services.journal;
        let state = store.data();
        match &result {
            Ok(answers) => {
                let mut failed = answers.iter().filter_map(|a| a.as_ref().err());
                let first = failed.next().map(|e| state.masked(e));
                let count = u64::from(first.is_some()) + failed.count() as u64;
                journal.call(
                    &state.workspace,
                    &plugin.name,
                    None,
                    count,
                    first.as_deref(),
                );
            }
            Err(e) => {
                let message = state.masked(&e.message);
                journal.call(&state.workspace, &plugin.name, Some(&message), 0, None);
            }
        }
        result
    }

    /// Starts an import session: one instance for the whole file.
    pub async fn open_import(
        self: &Arc<Self>,
        plugin: Arc<LoadedPlugin>,
        scope: CallScope,
        context: Context,
        options: String,
    ) -> Result<ImportSession, PluginError> {
        let runtime = self.clone();
        let name = plugin.name.clone();
        self.on_blocking_thread(&name, move || {
            let started = Instant::now();
            let Prepared::Importer(pre) = &plugin.prepared else {
                return Err(PluginError::new(&plugin.name, "is not a contact importer"));
            };
            let (mut store, stderr) = runtime.store(&plugin, scope);
            Runtime::deadline(&mut store, runtime.import_call_timeout);
            let opened = pre.instantiate(&mut store).and_then(|instance| {
                let session = instance
                    .ulak_plugin_contacts()
                    .session()
                    .call_constructor(&mut store, &context, &options)?;
                Ok((instance, session))
            });
            runtime.record(&plugin.name, "import-open", started, opened.is_ok());
            let opened = opened.map_err(|e| {
                PluginError::new(
                    &plugin.name,
                    runtime.explain(&e, &stderr, runtime.import_call_timeout),
                )
            });
            runtime.journal_call(
                &store,
                &plugin.name,
                opened.as_ref().err().map(|e| &e.message),
            );
            let (instance, session) = opened?;
            Ok(ImportSession {
                runtime: runtime.clone(),
                plugin,
                store,
                stderr,
                instance,
                session,
            })
        })
        .await
    }

    /// Sends one message through a transport plugin.
    pub async fn send(
        self: &Arc<Self>,
        plugin: Arc<LoadedPlugin>,
        scope: CallScope,
        context: Context,
        message: messages::OutboundMessage,
    ) -> Result<Result<String, messages::SendError>, PluginError> {
        self.with_transport(plugin, scope, "send", move |instance, store| {
            instance
                .ulak_plugin_messages()
                .call_send(store, &context, &message)
        })
        .await
    }
}

impl Runtime {
    /// Runs one call into a transport plugin's fresh instance, on a blocking thread.
    async fn with_transport<T: Send + 'static>(
        self: &Arc<Self>,
        plugin: Arc<LoadedPlugin>,
        scope: CallScope,
        function: &'static str,
        call: impl FnOnce(&bindings::transport::Transport, &mut Store<HostState>) -> wasmtime::Result<T>
        + Send
        + 'static,
    ) -> Result<T, PluginError> {
        let runtime = self.clone();
        let name = plugin.name.clone();
        self.on_blocking_thread(&name, move || {
            let started = Instant::now();
            let Prepared::Transport(pre) = &plugin.prepared else {
                return Err(PluginError::new(&plugin.name, "is not a transport"));
            };
            let (mut store, stderr) = runtime.store(&plugin, scope);
            Runtime::deadline(&mut store, runtime.call_timeout);
            let result = pre
                .instantiate(&mut store)
                .and_then(|instance| call(&instance, &mut store));
            runtime.record(&plugin.name, function, started, result.is_ok());
            let result = result.map_err(|e| {
                PluginError::new(
                    &plugin.name,
                    runtime.explain(&e, &stderr, runtime.call_timeout),
                )
            });
            runtime.journal_call(
                &store,
                &plugin.name,
                result.as_ref().err().map(|e| &e.message),
            );
            result
        })
        .await
    }

    /// What a transport plugin says it can deliver.
    pub async fn capabilities(
        self: &Arc<Self>,
        plugin: Arc<LoadedPlugin>,
        scope: CallScope,
        context: Context,
    ) -> Result<messages::TransportCapabilities, PluginError> {
        self.with_transport(plugin, scope, "capabilities", move |instance, store| {
            instance
                .ulak_plugin_messages()
                .call_capabilities(store, &context)
        })
        .await
    }

    /// Lets a transport plugin verify and read a webhook its provider sent.
    pub async fn parse_webhook(
        self: &Arc<Self>,
        plugin: Arc<LoadedPlugin>,
        scope: CallScope,
        context: Context,
        headers: Vec<Header>,
        body: Vec<u8>,
    ) -> Result<Result<messages::WebhookEvents, String>, PluginError> {
        self.with_transport(plugin, scope, "parse-webhook", move |instance, store| {
            instance
                .ulak_plugin_messages()
                .call_parse_webhook(store, &context, &headers, &body)
        })
        .await
    }
}

/// An import in progress: the instance and its session resource move between blocking calls.
pub struct ImportSession {
    runtime: Arc<Runtime>,
    plugin: Arc<LoadedPlugin>,
    store: Store<HostState>,
    stderr: MemoryOutputPipe,
    instance: bindings::importer::ContactImporter,
    session: ResourceAny,
}

/// What the session produced for one chunk.
pub type ImportBatch = contacts::Batch;

impl ImportSession {
    fn call(mut self, chunk: Option<Vec<u8>>) -> (Self, Result<ImportBatch, PluginError>) {
        let started = Instant::now();
        let timeout = self.runtime.import_call_timeout;
        Runtime::deadline(&mut self.store, timeout);
        let guest = self.instance.ulak_plugin_contacts().session();
        let (function, result) = match chunk {
            Some(chunk) => (
                "import-push",
                guest.call_push(&mut self.store, self.session, &chunk),
            ),
            None => (
                "import-finish",
                guest.call_finish(&mut self.store, self.session),
            ),
        };
        let result = match result {
            Ok(Ok(batch)) => Ok(batch),
            Ok(Err(message)) => Err(PluginError::new(&self.plugin.name, message)),
            Err(e) => Err(PluginError::new(
                &self.plugin.name,
                self.runtime.explain(&e, &self.stderr, timeout),
            )),
        };
        self.runtime
            .record(&self.plugin.name, function, started, result.is_ok());
        self.runtime.journal_call(
            &self.store,
            &self.plugin.name,
            result.as_ref().err().map(|e| &e.message),
        );
        (self, result)
    }

    /// Hands the next chunk to the importer (on a blocking thread).
    pub async fn push(self, chunk: Vec<u8>) -> (Option<Self>, Result<ImportBatch, PluginError>) {
        self.run(Some(chunk)).await
    }

    /// Signals the end of the input.
    pub async fn finish(self) -> (Option<Self>, Result<ImportBatch, PluginError>) {
        self.run(None).await
    }

    async fn run(self, chunk: Option<Vec<u8>>) -> (Option<Self>, Result<ImportBatch, PluginError>) {
        let name = self.plugin.name.to_string();
        let handle = self.runtime.services.handle.clone();
        match handle.spawn_blocking(move || self.call(chunk)).await {
            Ok((session, result)) => (Some(session), result),
            Err(e) => (
                None,
                Err(PluginError::new(&name, format!("the call was lost: {e}"))),
            ),
        }
    }
}

fn host_error(error: wasmtime::Error) -> anyhow::Error {
    anyhow::anyhow!("plugin runtime: {}", root_message(&error))
}

/// The innermost cause, which is what names the problem (a missing import, a wrong signature).
fn root_message(error: &wasmtime::Error) -> String {
    error
        .chain()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join(": ")
}

/// Advances the engine's epoch so deadlines fire; stops when the engine is dropped.
fn spawn_epoch_ticker(engine: &Engine) {
    let weak = engine.weak();
    let spawned = std::thread::Builder::new()
        .name("wasm-epoch".into())
        .spawn(move || {
            loop {
                std::thread::sleep(EPOCH_TICK);
                match weak.upgrade() {
                    Some(engine) => engine.increment_epoch(),
                    None => break,
                }
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot start the plugin deadline thread; plugin calls have no time limit");
    }
}

/// The context every call carries, for a workspace's locale and time zone at this moment.
pub fn context(workspace: &str, locale: &str, time_zone: chrono_tz::Tz) -> Context {
    use chrono::Offset;
    let now = chrono::Utc::now();
    let offset = now
        .with_timezone(&time_zone)
        .offset()
        .fix()
        .local_minus_utc();
    Context {
        workspace: workspace.to_owned(),
        locale: locale.to_owned(),
        time_zone: time_zone.name().to_owned(),
        now_ms: now.timestamp_millis(),
        utc_offset_seconds: offset,
    }
}

pub use contacts::{ImportedContact, RowError};
pub use messages::{
    Attachment, DeliveryStatus, InboundMessage, OutboundMessage, SendError, StatusUpdate,
    TransportCapabilities, WebhookEvents,
};
pub use variables::Request as ResolveRequest;

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime_for_tests() -> (tokio::runtime::Runtime, Arc<Runtime>) {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        let runtime = rt.block_on(async {
            let settings = Settings::for_tests().unwrap();
            let db = crate::db::Db::connect(&settings).await.unwrap();
            let services =
                Arc::new(Services::new(db, tokio::runtime::Handle::current(), &settings).unwrap());
            let metrics = Arc::new(Metrics::new().unwrap());
            Arc::new(Runtime::new(&settings, services, metrics).unwrap())
        });
        (rt, runtime)
    }

    /// A component of `count` core instances, each with its own memory: each memory is small, so
    /// only a cap on their number stops it.
    fn many_memories(count: usize) -> String {
        let mut wat = String::from("(component (core module $m (memory 1))");
        for _ in 0..count {
            wat.push_str(" (core instance (instantiate $m))");
        }
        wat.push(')');
        wat
    }

    fn instantiate(runtime: &Runtime, wat: &str) -> Result<(), String> {
        let component = Component::new(&runtime.engine, wat).map_err(|e| e.to_string())?;
        let mut store = Store::new(&runtime.engine, runtime.store_limits());
        store.limiter(|limits| limits);
        let linker: Linker<StoreLimits> = Linker::new(&runtime.engine);
        linker
            .instantiate(&mut store, &component)
            .map(drop)
            .map_err(|e| root_message(&e))
    }

    #[test]
    fn an_instance_may_not_multiply_its_memories() {
        let (_rt, runtime) = runtime_for_tests();
        assert!(instantiate(&runtime, &many_memories(MAX_MEMORIES)).is_ok());
        let refused = instantiate(&runtime, &many_memories(MAX_MEMORIES + 1)).unwrap_err();
        assert!(refused.contains("memor"), "{refused}");
        let refused = instantiate(&runtime, &many_memories(200)).unwrap_err();
        assert!(refused.contains("limit"), "{refused}");
    }
}
