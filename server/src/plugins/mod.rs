//! Plugins: installing, upgrading and removing WebAssembly components, their per-workspace state
//! (enabled, configuration), and the sandboxed runtime that calls them. Installed components are
//! kept in the store ([`components`]) and listed there, so every replica loads what any replica
//! installed; bundled and drop-in plugins are picked up from `plugins.dir` at start.

pub mod capabilities;
pub mod components;
pub mod install_cli;
pub mod journal;
pub mod manifest;
pub mod routes;
pub mod run;
pub mod runtime;
pub mod scaffold;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use actix_web::http::StatusCode;
use chrono::{DateTime, Utc};
use parking_lot::RwLock;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::config::Settings;
use crate::db::Db;
use crate::error::ApiError;
use crate::metrics::Metrics;
use capabilities::Services;
use manifest::{Manifest, PluginKind};
pub use runtime::{CallScope, LoadedPlugin, PluginError, Runtime};

impl From<PluginError> for ApiError {
    fn from(e: PluginError) -> Self {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "plugin_failed",
            e.to_string(),
        )
        .with_details(json!({ "plugin": e.plugin }))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstallOutcome {
    Installed,
    Upgraded,
    Unchanged,
    /// The same version with other bytes (forced).
    Replaced,
    /// A lower version (forced).
    Downgraded,
}

/// A plugin's state in one workspace.
#[derive(Debug, Clone)]
pub struct WorkspaceSetting {
    pub enabled: bool,
    /// As stored (secrets included): never send this to a client as is.
    pub config: Map<String, Value>,
}

impl WorkspaceSetting {
    /// The stored state, or the manifest's default when the workspace never changed it.
    fn of(plugin: &LoadedPlugin, stored: Option<StoredSetting>) -> Self {
        match stored {
            Some(s) => WorkspaceSetting {
                enabled: s.enabled,
                config: s.config,
            },
            None => WorkspaceSetting {
                enabled: plugin.manifest.enabled_by_default,
                config: Map::new(),
            },
        }
    }
}

#[derive(Deserialize)]
struct StoredPlugin {
    name: String,
    manifest: String,
    sha256: String,
    source: String,
    installed_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct StoredSetting {
    plugin: String,
    enabled: bool,
    #[serde(default)]
    config: Map<String, Value>,
}

pub struct Plugins {
    pub runtime: Arc<Runtime>,
    installed: RwLock<BTreeMap<String, Arc<LoadedPlugin>>>,
    /// Turns true once the installed plugins are loaded and the plugins directory is installed.
    ready: tokio::sync::watch::Sender<bool>,
    db: Db,
    /// Where components were kept before they moved into the store (`<data>/plugins`): read when
    /// the store lacks a component, moved in, removed.
    legacy_dir: PathBuf,
    pub max_component_bytes: u64,
    /// Installs and uninstalls one at a time: their checks (versions, variable names, templates in
    /// use) and their writes must not interleave.
    changing: tokio::sync::Mutex<()>,
}

/// Whether two manifests say the same (a manifest edited without a new version counts as changed).
fn same_manifest(a: &Manifest, b: &Manifest) -> bool {
    serde_json::to_value(a).ok() == serde_json::to_value(b).ok()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn invalid_manifest(e: manifest::Invalid) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_manifest",
        format!("plugin.toml: {e}"),
    )
    .with_details(json!({ "field": e.field }))
}

pub fn no_such_plugin(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "no_such_plugin",
        format!("no plugin named `{name}` is installed"),
    )
}

impl Plugins {
    /// Sets up the runtime, then loads the installed plugins and installs or upgrades the ones found
    /// in the plugins directory in the background: compiling them takes a second or more on a first
    /// start, and the server answers meanwhile. Whatever needs a plugin waits for that ([`loaded`]).
    /// A plugin that fails to load is logged and skipped.
    ///
    /// [`loaded`]: Plugins::loaded
    pub async fn start(
        settings: &Settings,
        db: Db,
        metrics: Arc<Metrics>,
    ) -> anyhow::Result<Arc<Self>> {
        let services = Arc::new(Services::new(
            db.clone(),
            tokio::runtime::Handle::current(),
            settings,
        )?);
        let runtime = Arc::new(Runtime::new(settings, services, metrics)?);
        let legacy_dir = settings.storage.data_dir.join("plugins");
        let plugins = Arc::new(Plugins {
            runtime,
            installed: RwLock::new(BTreeMap::new()),
            ready: tokio::sync::watch::Sender::new(false),
            db,
            legacy_dir,
            max_component_bytes: settings.plugins.max_component_bytes,
            changing: tokio::sync::Mutex::new(()),
        });
        let loading = plugins.clone();
        let dir = settings.plugins.dir.clone();
        let watch_interval = Duration::from_millis(settings.plugins.watch_interval_ms);
        tokio::spawn(async move {
            let started = std::time::Instant::now();
            // Without the store's list, installing the plugins directory could take an uploaded
            // plugin's newer version for absent and replace it: tried a few times, then skipped.
            let mut listed = false;
            for attempt in 1..=5 {
                match loading.sync().await {
                    Ok(_) => {
                        listed = true;
                        break;
                    }
                    Err(e) => {
                        tracing::error!(error = %e, attempt, "installed plugins not loaded");
                        tokio::time::sleep(Duration::from_secs(2)).await;
                    }
                }
            }
            if listed && !dir.as_os_str().is_empty() {
                loading.install_directory(&dir).await;
            }
            tracing::info!(
                plugins = loading.list().len(),
                ms = started.elapsed().as_millis() as u64,
                "plugins loaded"
            );
            loading.ready.send_replace(true);
            if !dir.as_os_str().is_empty() && watch_interval > Duration::ZERO {
                let watched = Arc::downgrade(&loading);
                drop(loading);
                watch_directory(watched, dir, watch_interval).await;
            }
        });
        Ok(plugins)
    }

    /// Waits until the plugins are loaded at start (at once afterwards).
    pub async fn loaded(&self) {
        let mut ready = self.ready.subscribe();
        // The sender lives as long as `self`, so this only ends when loading is done.
        let _ = ready.wait_for(|ready| *ready).await;
    }

    /// Brings the loaded plugins in line with the store's list: loads what is installed and not
    /// loaded here (at the start, or installed or upgraded through another replica) and drops what
    /// was uninstalled. A plugin that fails to load is logged and skipped; the answer is how many
    /// did. Runs at the start, before every install and uninstall, and from the version watch when
    /// another replica moved `meta:plugins_version` (or a plugin failed to load here before).
    pub async fn sync(&self) -> anyhow::Result<usize> {
        let _one_at_a_time = self.changing.lock().await;
        self.sync_locked().await
    }

    /// [`Plugins::sync`] with `changing` held.
    async fn sync_locked(&self) -> anyhow::Result<usize> {
        let mut failed = 0;
        let rows: Vec<StoredPlugin> = self
            .db
            .rows(
                "SELECT name, manifest, sha256, source, installed_at FROM plugin",
                json!({}),
            )
            .await?;
        self.installed
            .write()
            .retain(|name, _| rows.iter().any(|row| &row.name == name));
        for row in rows {
            let current = self.get(&row.name);
            let unchanged = current.is_some_and(|p| {
                p.sha256 == row.sha256
                    && Manifest::parse(&row.manifest).is_ok_and(|m| same_manifest(&m, &p.manifest))
            });
            if unchanged {
                continue;
            }
            match self.load(&row).await {
                Ok(plugin) => {
                    tracing::info!(plugin = %row.name, version = %plugin.manifest.version, "plugin loaded");
                    self.installed
                        .write()
                        .insert(row.name.clone(), Arc::new(plugin));
                }
                Err(e) => {
                    failed += 1;
                    tracing::error!(plugin = %row.name, error = %e, "installed plugin not loaded")
                }
            }
        }
        Ok(failed)
    }

    /// Loads an installed plugin's component from the store (moving it there first when this
    /// node still has it as a file from before components were kept in the store).
    async fn load(&self, row: &StoredPlugin) -> Result<LoadedPlugin, String> {
        let manifest = Manifest::parse(&row.manifest).map_err(|e| e.to_string())?;
        let bytes = match components::get(&self.db, &row.sha256)
            .await
            .map_err(|e| e.to_string())?
        {
            Some(bytes) => bytes,
            None => self.move_into_store(&row.sha256).await?,
        };
        self.prepare(
            manifest,
            bytes,
            row.sha256.clone(),
            row.source.clone(),
            row.installed_at,
        )
        .await
        .map_err(|e| e.to_string())
    }

    async fn move_into_store(&self, sha256: &str) -> Result<Vec<u8>, String> {
        let path = self.legacy_path(sha256);
        let bytes = tokio::fs::read(&path).await.map_err(|e| {
            format!(
                "the store does not hold its component, and this node has no copy at {}: {e}",
                path.display()
            )
        })?;
        if sha256_hex(&bytes) != sha256 {
            return Err(format!("{} does not match its digest", path.display()));
        }
        components::put(&self.db, sha256, &bytes)
            .await
            .map_err(|e| e.to_string())?;
        let _ = tokio::fs::remove_file(&path).await;
        tracing::info!(sha256, "plugin component moved into the store");
        Ok(bytes)
    }

    /// Each subfolder holding a `plugin.toml` and `<name>.wasm` is installed, or upgraded when its
    /// component differs from the installed one.
    async fn install_directory(&self, dir: &Path) {
        let mut entries = match tokio::fs::read_dir(dir).await {
            Ok(entries) => entries,
            Err(e) => {
                tracing::warn!(dir = %dir.display(), error = %e, "plugins directory not readable");
                return;
            }
        };
        let mut folders = Vec::new();
        while let Ok(Some(entry)) = entries.next_entry().await {
            folders.push(entry.path());
        }
        folders.sort();
        let mut seen = std::collections::BTreeSet::new();
        for folder in folders {
            let Ok(text) = tokio::fs::read_to_string(folder.join("plugin.toml")).await else {
                continue;
            };
            let (name, version) = match Manifest::parse(&text) {
                Ok(m) => (m.name, m.version),
                Err(e) => {
                    tracing::error!(folder = %folder.display(), error = %e, "plugin.toml refused");
                    continue;
                }
            };
            if !seen.insert(name.clone()) {
                tracing::warn!(plugin = %name, folder = %folder.display(),
                    "another folder of the plugins directory already holds this plugin; skipped");
                continue;
            }
            // A higher version installed (uploaded by the superadmin, or from the directory of a
            // replica that runs a newer release) is not taken back by this directory.
            if let Some(installed) = self.get(&name)
                && semver::Version::parse(&version).ok()
                    < semver::Version::parse(&installed.manifest.version).ok()
            {
                tracing::info!(plugin = %name, directory = %version, installed = %installed.manifest.version,
                    "a higher version is installed; the plugins directory's is not");
                continue;
            }
            // Cargo names the build of `jsonl-importer` `jsonl_importer.wasm`: either name is taken.
            let component = folder.join(format!("{name}.wasm"));
            let cargo_named = folder.join(format!("{}.wasm", name.replace('-', "_")));
            let bytes = match tokio::fs::read(&component).await {
                Ok(bytes) => bytes,
                Err(_) => match tokio::fs::read(&cargo_named).await {
                    Ok(bytes) => bytes,
                    Err(_) => {
                        tracing::warn!(
                            plugin = %name,
                            expected = %component.display(),
                            "no component next to plugin.toml: copy the build \
                             (target/wasm32-wasip2/release/<crate>.wasm) there as {name}.wasm; skipped"
                        );
                        continue;
                    }
                },
            };
            match self.install(&text, bytes, "directory", true).await {
                Ok((plugin, outcome)) if outcome != InstallOutcome::Unchanged => tracing::info!(
                    plugin = %plugin.name(),
                    version = %plugin.manifest.version,
                    ?outcome,
                    "plugin installed from the plugins directory"
                ),
                Ok(_) => {}
                Err(e) => tracing::error!(plugin = %name, error = ?e, "plugin not installed"),
            }
        }
    }

    fn legacy_path(&self, sha256: &str) -> PathBuf {
        self.legacy_dir.join(format!("{sha256}.wasm"))
    }

    async fn prepare(
        &self,
        manifest: Manifest,
        bytes: Vec<u8>,
        sha256: String,
        source: String,
        installed_at: DateTime<Utc>,
    ) -> Result<LoadedPlugin, PluginError> {
        let runtime = self.runtime.clone();
        let name = manifest.name.clone();
        tokio::task::spawn_blocking(move || {
            runtime.prepare(manifest, &bytes, sha256, source, installed_at)
        })
        .await
        .map_err(|e| PluginError::new(&name, format!("compilation was lost: {e}")))?
    }

    pub fn get(&self, name: &str) -> Option<Arc<LoadedPlugin>> {
        self.installed.read().get(name).cloned()
    }

    pub fn list(&self) -> Vec<Arc<LoadedPlugin>> {
        self.installed.read().values().cloned().collect()
    }

    /// Installs a component, or replaces the installed version of the same name. Calls already
    /// running keep the old version until they finish. A lower version, or the same version with
    /// other bytes, is refused unless `force` (the plugins directory always forces: it is the
    /// operator's). A resolver may not take a built-in placeholder's name or one another plugin
    /// provides.
    pub async fn install(
        &self,
        manifest_text: &str,
        bytes: Vec<u8>,
        source: &str,
        force: bool,
    ) -> Result<(Arc<LoadedPlugin>, InstallOutcome), ApiError> {
        let manifest = Manifest::parse(manifest_text).map_err(invalid_manifest)?;
        let sha256 = sha256_hex(&bytes);
        let previous = self.get(&manifest.name);
        // The same component and manifest: nothing to do. (A manifest edited without a new
        // version, such as a bundled plugin opting in to `enabled_by_default`, is stored again.)
        if let Some(previous) = &previous
            && previous.sha256 == sha256
            && same_manifest(&previous.manifest, &manifest)
        {
            return Ok((previous.clone(), InstallOutcome::Unchanged));
        }
        let _one_at_a_time = self.changing.lock().await;
        // Decided on the store's list, which another replica may have changed a moment ago.
        self.sync_locked().await.map_err(ApiError::internal)?;
        let previous = self.get(&manifest.name);
        let already: Vec<String> = previous
            .as_ref()
            .map(|p| p.manifest.variables.clone())
            .unwrap_or_default();
        self.check_variable_names(&manifest, &already)?;
        let change = match &previous {
            None => InstallOutcome::Installed,
            Some(previous) => {
                let version = |v: &str| semver::Version::parse(v).ok();
                let ordering = match (
                    version(&manifest.version),
                    version(&previous.manifest.version),
                ) {
                    (Some(new), Some(old)) => new.cmp_precedence(&old),
                    (new, old) => new.cmp(&old),
                };
                match ordering {
                    std::cmp::Ordering::Greater => InstallOutcome::Upgraded,
                    std::cmp::Ordering::Equal => InstallOutcome::Replaced,
                    std::cmp::Ordering::Less => InstallOutcome::Downgraded,
                }
            }
        };
        if !force && let Some(previous) = &previous {
            let refused = match change {
                InstallOutcome::Downgraded => Some((
                    "plugin_downgrade",
                    format!(
                        "`{}` {} is installed; installing the lower {} needs force=true",
                        manifest.name, previous.manifest.version, manifest.version
                    ),
                )),
                InstallOutcome::Replaced => Some((
                    "plugin_version_unchanged",
                    format!(
                        "`{}` {} is installed with another component or manifest: raise the \
                         version, or install with force=true to replace it (handy while developing)",
                        manifest.name, manifest.version
                    ),
                )),
                _ => None,
            };
            if let Some((code, message)) = refused {
                return Err(ApiError::conflict(code, message).with_details(
                    json!({ "installed": previous.manifest.version, "given": manifest.version }),
                ));
            }
        }
        if let Some(previous) = &previous
            && previous.manifest.kind != manifest.kind
        {
            return Err(ApiError::conflict(
                "plugin_kind_changed",
                format!(
                    "`{}` is installed as a {}; uninstall it before installing a {} of that name",
                    manifest.name,
                    previous.manifest.kind.as_str(),
                    manifest.kind.as_str()
                ),
            ));
        }
        let now = Utc::now();
        let plugin = self
            .prepare(
                manifest.clone(),
                bytes.clone(),
                sha256.clone(),
                source.to_owned(),
                now,
            )
            .await
            .map_err(|e| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_component",
                    e.to_string(),
                )
                .with_details(json!({ "field": "component", "plugin": e.plugin }))
            })?;
        components::put(&self.db, &sha256, &bytes).await?;
        self.db
            .exec(
                "BEGIN; \
                 IF type::record('plugin_component', $sha256).chunks = NONE { \
                     THROW 'the component left the store while it was being installed; install again' \
                 }; \
                 UPSERT type::record('plugin', $name) SET name = $name, version = $version, \
                 kind = $kind, manifest = $manifest, sha256 = $sha256, source = $source, \
                 installed_at = time::now(); \
                 UPSERT meta:plugins_version SET n = (n ?? 0) + 1; \
                 COMMIT;",
                json!({
                    "name": manifest.name,
                    "version": manifest.version,
                    "kind": manifest.kind.as_str(),
                    "manifest": manifest_text,
                    "sha256": sha256,
                    "source": source,
                }),
            )
            .await?;
        let plugin = Arc::new(plugin);
        self.installed
            .write()
            .insert(manifest.name.clone(), plugin.clone());
        if let Some(previous) = previous {
            self.forget_component(&previous.sha256).await;
            tracing::info!(plugin = %manifest.name, from = %previous.manifest.version, to = %manifest.version, outcome = ?change, "plugin replaced");
        }
        Ok((plugin, change))
    }

    /// A resolver's variable names must be its own: not a built-in placeholder's, not another
    /// installed plugin's (which would make one of them silently win).
    fn check_variable_names(
        &self,
        manifest: &Manifest,
        already: &[String],
    ) -> Result<(), ApiError> {
        // A name the installed version already declared stays allowed: a clash from before this
        // rule must not block its upgrades.
        for variable in manifest.variables.iter().filter(|v| !already.contains(v)) {
            if crate::templates::render::BUILTIN_NAMES.contains(&variable.as_str()) {
                return Err(ApiError::conflict(
                    "variable_name_taken",
                    format!("`{variable}` is a built-in placeholder; choose another name"),
                )
                .with_details(json!({ "variable": variable, "owner": "built-in" })));
            }
            let owner = self
                .installed
                .read()
                .values()
                .find(|p| p.name() != manifest.name && p.manifest.variables.contains(variable))
                .map(|p| p.name().to_owned());
            if let Some(owner) = owner {
                return Err(ApiError::conflict(
                    "variable_name_taken",
                    format!(
                        "`{variable}` is provided by the plugin `{owner}`; choose another name"
                    ),
                )
                .with_details(json!({ "variable": variable, "owner": owner })));
            }
        }
        Ok(())
    }

    /// Removes this node's old copy of a component no plugin uses any more; the store's copy is
    /// swept after a grace period ([`components::sweep`], from housekeeping).
    async fn forget_component(&self, sha256: &str) {
        let _ = tokio::fs::remove_file(self.legacy_path(sha256)).await;
    }

    /// Removes a plugin, its settings in every workspace and its key-value data. Refused while a
    /// workspace variable still points at it.
    pub async fn uninstall(&self, name: &str) -> Result<(), ApiError> {
        let _one_at_a_time = self.changing.lock().await;
        self.sync_locked().await.map_err(ApiError::internal)?;
        let Some(plugin) = self.get(name) else {
            return Err(ApiError::not_found("plugin"));
        };
        let users: Vec<Value> = self
            .db
            .rows(
                "SELECT workspace, name FROM variable WHERE kind = 'plugin' AND plugin = $name LIMIT 20",
                json!({ "name": name }),
            )
            .await?;
        if !users.is_empty() {
            return Err(ApiError::conflict(
                "plugin_in_use",
                format!("workspace variables still use `{name}`; delete or change them first"),
            )
            .with_details(json!({ "variables": users })));
        }
        // Templates that use its placeholders (`%burç%`, `%burç:…%`, `%burç|…%`) would fail to
        // render without it.
        let needles: Vec<String> = plugin
            .manifest
            .variables
            .iter()
            .flat_map(|v| [format!("%{v}%"), format!("%{v}:"), format!("%{v}|")])
            .collect();
        if !needles.is_empty() {
            let condition = (0..needles.len())
                .map(|i| format!("string::contains(body, $needles[{i}])"))
                .collect::<Vec<_>>()
                .join(" OR ");
            let templates: Vec<Value> = self
                .db
                .rows(
                    &format!(
                        "SELECT workspace, record::id(id) AS id, name FROM template WHERE {condition} LIMIT 20"
                    ),
                    json!({ "needles": needles }),
                )
                .await?;
            if !templates.is_empty() {
                return Err(ApiError::conflict(
                    "plugin_in_use",
                    format!(
                        "templates still use the placeholders of `{name}` ({}); change them first",
                        plugin.manifest.variables.join(", ")
                    ),
                )
                .with_details(json!({ "templates": templates })));
            }
        }
        self.db
            .exec(
                "BEGIN; \
                 DELETE type::record('plugin', $name); \
                 DELETE plugin_setting WHERE plugin = $name; \
                 DELETE plugin_kv WHERE plugin = $name; \
                 DELETE plugin_kv_usage; \
                 UPSERT meta:plugins_version SET n = (n ?? 0) + 1; \
                 FOR $row IN (SELECT workspace, count() AS keys, math::sum(size) AS bytes FROM plugin_kv \
                     GROUP BY workspace) { \
                     UPSERT type::record('plugin_kv_usage', $row.workspace) SET keys = $row.keys, \
                         bytes = $row.bytes; \
                 }; \
                 COMMIT;",
                json!({ "name": name }),
            )
            .await?;
        self.installed.write().remove(name);
        self.forget_component(&plugin.sha256).await;
        Ok(())
    }

    /// Every installed plugin's state in a workspace.
    pub async fn settings(
        &self,
        workspace: &str,
    ) -> Result<BTreeMap<String, WorkspaceSetting>, ApiError> {
        self.loaded().await;
        let rows: Vec<StoredSetting> = self
            .db
            .rows(
                "SELECT plugin, enabled, config FROM plugin_setting WHERE workspace = $ws",
                json!({ "ws": workspace }),
            )
            .await?;
        let mut stored: BTreeMap<String, StoredSetting> =
            rows.into_iter().map(|r| (r.plugin.clone(), r)).collect();
        Ok(self
            .list()
            .into_iter()
            .map(|p| {
                let setting = WorkspaceSetting::of(&p, stored.remove(p.name()));
                (p.name().to_owned(), setting)
            })
            .collect())
    }

    pub async fn setting(
        &self,
        workspace: &str,
        plugin: &LoadedPlugin,
    ) -> Result<WorkspaceSetting, ApiError> {
        let row: Option<StoredSetting> = self
            .db
            .row(
                "SELECT plugin, enabled, config FROM type::record('plugin_setting', [$ws, $name])",
                json!({ "ws": workspace, "name": plugin.name() }),
            )
            .await?;
        Ok(WorkspaceSetting::of(plugin, row))
    }

    /// Enables, disables or reconfigures a plugin in a workspace (configuration checked against the
    /// manifest first).
    pub async fn configure(
        &self,
        workspace: &str,
        plugin: &LoadedPlugin,
        enabled: Option<bool>,
        config: Option<Map<String, Value>>,
    ) -> Result<WorkspaceSetting, ApiError> {
        let current = self.setting(workspace, plugin).await?;
        let config = match config {
            Some(given) => plugin
                .manifest
                .validate_config(&given, &current.config)
                .map_err(|e| ApiError::invalid_field(&e.field, &e.message))?,
            None => current.config,
        };
        let enabled = enabled.unwrap_or(current.enabled);
        self.db
            .exec(
                "UPSERT type::record('plugin_setting', [$ws, $name]) SET workspace = $ws, \
                 plugin = $name, enabled = $enabled, config = $config, updated_at = time::now()",
                json!({ "ws": workspace, "name": plugin.name(), "enabled": enabled, "config": config }),
            )
            .await?;
        Ok(WorkspaceSetting { enabled, config })
    }

    /// A plugin of the wanted kind that the workspace may use now, with its call scope.
    pub async fn usable(
        &self,
        workspace: &str,
        name: &str,
        kind: PluginKind,
    ) -> Result<(Arc<LoadedPlugin>, CallScope), ApiError> {
        self.loaded().await;
        let plugin = self.get(name).ok_or_else(|| no_such_plugin(name))?;
        if plugin.manifest.kind != kind {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "wrong_plugin_kind",
                format!(
                    "`{name}` is a {}, not a {}",
                    plugin.manifest.kind.as_str(),
                    kind.as_str()
                ),
            ));
        }
        let setting = self.setting(workspace, &plugin).await?;
        if !setting.enabled {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "plugin_disabled",
                format!("`{name}` is disabled in this workspace"),
            ));
        }
        if !plugin.manifest.is_configured(&setting.config) {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "plugin_not_configured",
                format!("`{name}` needs configuring in this workspace first"),
            ));
        }
        let scope = CallScope {
            workspace: workspace.to_owned(),
            config: plugin.manifest.effective_config(&setting.config),
        };
        Ok((plugin, scope))
    }

    /// The variable-resolver plugins enabled in a workspace, with the variables each provides.
    pub async fn resolvers(
        &self,
        workspace: &str,
    ) -> Result<BTreeMap<String, Vec<String>>, ApiError> {
        self.loaded().await;
        // Every template compile asks; without resolver plugins there is nothing to read.
        if !self
            .list()
            .iter()
            .any(|p| p.manifest.kind == PluginKind::VariableResolver)
        {
            return Ok(BTreeMap::new());
        }
        let settings = self.settings(workspace).await?;
        Ok(self
            .list()
            .into_iter()
            .filter(|p| {
                p.manifest.kind == PluginKind::VariableResolver
                    && settings.get(p.name()).is_some_and(|s| s.enabled)
            })
            .map(|p| (p.name().to_owned(), p.manifest.variables.clone()))
            .collect())
    }
}

/// Installs what changes in the plugins directory while the server runs: each interval, the
/// folders' manifests and components are compared by size and modification time, and when
/// anything changed the directory is installed again (unchanged components are left as they are).
/// Holds the plugins only weakly, so it ends when the server does and keeps no store open.
async fn watch_directory(plugins: std::sync::Weak<Plugins>, dir: PathBuf, every: Duration) {
    let mut seen = directory_fingerprint(&dir).await;
    loop {
        tokio::time::sleep(every).await;
        let now = directory_fingerprint(&dir).await;
        if now == seen {
            continue;
        }
        let Some(plugins) = plugins.upgrade() else {
            return;
        };
        tracing::info!(dir = %dir.display(), "the plugins directory changed; installing");
        plugins.install_directory(&dir).await;
        seen = now;
    }
}

/// Size and modification time of every `plugin.toml` and `.wasm` one level below `dir`.
async fn directory_fingerprint(dir: &Path) -> Vec<(PathBuf, u64, Option<std::time::SystemTime>)> {
    let mut files = Vec::new();
    let Ok(mut folders) = tokio::fs::read_dir(dir).await else {
        return files;
    };
    while let Ok(Some(folder)) = folders.next_entry().await {
        let Ok(mut entries) = tokio::fs::read_dir(folder.path()).await else {
            continue;
        };
        while let Ok(Some(entry)) = entries.next_entry().await {
            let path = entry.path();
            let relevant = path.file_name().is_some_and(|n| n == "plugin.toml")
                || path.extension().is_some_and(|e| e == "wasm");
            if let (true, Ok(meta)) = (relevant, entry.metadata().await) {
                files.push((path, meta.len(), meta.modified().ok()));
            }
        }
    }
    files.sort();
    files
}
