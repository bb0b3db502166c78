//! `/api/v1/plugins…` (instance: install by upload, list, uninstall; the superadmin's) and
//! `/api/v1/workspaces/{workspace}/plugins…` (enable, disable, configure; a test send through a
//! transport).

use actix_multipart::Multipart;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use utoipa::{IntoParams, ToSchema};

use super::journal::PluginLog;
use super::manifest::{ConfigField, Permissions, PluginKind};
use super::runtime::{OutboundMessage, SendError};
use super::{InstallOutcome, LoadedPlugin, WorkspaceSetting};
use crate::app::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::media::routes::{multipart_error, too_large};
use crate::pagination::{Page, PageQuery};

/// An installed plugin.
#[derive(Serialize, ToSchema)]
pub struct PluginInfo {
    #[schema(example = "greeting")]
    pub name: String,
    #[schema(example = "0.1.0")]
    pub version: String,
    pub kind: PluginKind,
    pub description: String,
    /// Variable names a resolver provides.
    pub variables: Vec<String>,
    /// File extensions an importer reads.
    pub file_extensions: Vec<String>,
    pub permissions: Permissions,
    /// The settings a workspace may give it.
    pub config_schema: std::collections::BTreeMap<String, ConfigField>,
    /// `directory` (bundled or dropped in the plugins folder) or `upload`.
    pub source: String,
    pub sha256: String,
    pub installed_at: DateTime<Utc>,
}

impl From<&LoadedPlugin> for PluginInfo {
    fn from(p: &LoadedPlugin) -> Self {
        let m = &p.manifest;
        PluginInfo {
            name: m.name.clone(),
            version: m.version.clone(),
            kind: m.kind,
            description: m.description.clone(),
            variables: m.variables.clone(),
            file_extensions: m.file_extensions.clone(),
            permissions: m.permissions.clone(),
            config_schema: m.config.clone(),
            source: p.source.clone(),
            sha256: p.sha256.clone(),
            installed_at: p.installed_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Installed {
    /// `installed`, `upgraded`, `replaced` (the same version, other bytes, forced), `downgraded`
    /// (forced) or `unchanged` (the same component was already installed).
    #[schema(example = "installed")]
    pub outcome: String,
    pub plugin: PluginInfo,
}

/// The multipart body of an install (for the OpenAPI document).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct InstallForm {
    /// The manifest, `plugin.toml`.
    #[schema(value_type = String, format = Binary, example = "name = \"shout\"\nversion = \"0.1.0\"\nkind = \"variable-resolver\"\ndescription = \"The first name in capitals\"\nvariables = [\"shout\"]\n")]
    manifest: Vec<u8>,
    /// The WebAssembly component built for wasm32-wasip2.
    #[schema(value_type = String, format = Binary)]
    component: Vec<u8>,
}

/// A plugin as one workspace has it.
#[derive(Serialize, ToSchema)]
pub struct WorkspacePlugin {
    pub plugin: PluginInfo,
    pub enabled: bool,
    /// Whether every required setting is present.
    pub configured: bool,
    /// The workspace's settings; secrets read `********`.
    #[schema(value_type = Object)]
    pub config: Map<String, Value>,
    /// What the plugin sees: the workspace's settings over the manifest's defaults (secrets
    /// `********`).
    #[schema(value_type = Object, example = json!({"morning_until": 12, "evening_from": 18}))]
    pub effective_config: Map<String, Value>,
    /// The keys of `effective_config` that come from the manifest's defaults.
    #[schema(example = json!(["morning_until", "evening_from"]))]
    pub defaulted: Vec<String>,
}

fn workspace_view(plugin: &LoadedPlugin, setting: &WorkspaceSetting) -> WorkspacePlugin {
    let manifest = &plugin.manifest;
    let effective = manifest.effective_config(&setting.config);
    WorkspacePlugin {
        plugin: plugin.into(),
        enabled: setting.enabled,
        configured: manifest.is_configured(&setting.config),
        config: manifest.masked_config(&setting.config),
        defaulted: effective
            .keys()
            .filter(|k| !setting.config.contains_key(*k))
            .cloned()
            .collect(),
        effective_config: manifest.masked_config(&effective),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PluginSettingInput {
    pub enabled: Option<bool>,
    /// Replaces the settings; a secret sent back as `********` keeps its stored value.
    #[schema(value_type = Option<Object>)]
    pub config: Option<Map<String, Value>>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TestSendInput {
    /// The recipient as the transport expects it (an E.164 phone for most).
    #[schema(example = "+905321234567")]
    pub to: String,
    #[schema(example = "Merhaba! Bu bir deneme mesajıdır.")]
    pub text: String,
}

#[derive(Serialize, ToSchema)]
pub struct TestSendResult {
    /// The provider's id for the message.
    #[schema(example = "provider-42")]
    pub provider_message_id: String,
    #[schema(example = "test-k3j2h4g5f6d7s8a9q0w1")]
    pub idempotency_key: String,
}

fn plugin_or_404(state: &AppState, name: &str) -> Result<std::sync::Arc<LoadedPlugin>, ApiError> {
    state
        .plugins
        .get(name)
        .ok_or_else(|| ApiError::not_found("plugin"))
}

/// List installed plugins
///
/// Every plugin installed on this server, with its manifest: kind, variables, file extensions, permissions and configuration schema.
#[utoipa::path(
    tag = "plugins",
    params(PageQuery),
    responses((status = 200, description = "Installed plugins, by name", body = Page<PluginInfo>)),
    security(("session" = []), ("bearer" = []))
)]
#[get("/plugins")]
#[tracing::instrument(skip_all)]
pub async fn list_installed(
    state: web::Data<AppState>,
    _principal: Principal,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<PluginInfo>>, ApiError> {
    state.plugins.loaded().await;
    let all: Vec<PluginInfo> = state
        .plugins
        .list()
        .iter()
        .map(|p| p.as_ref().into())
        .collect();
    Ok(web::Json(Page::from_sorted(all, &query, |p| {
        p.name.clone()
    })))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InstallQuery {
    /// Replace the installed plugin even with a lower version, or the same version with other
    /// bytes (for development).
    pub force: Option<bool>,
}

/// Install or upgrade a plugin
///
/// Multipart with parts `manifest` (plugin.toml) and `component` (the .wasm). A plugin of the same
/// name is replaced by a higher version without a restart: calls under way finish on the old
/// version. A lower version, or the same version with other bytes, needs `force=true`. A resolver
/// may not take a built-in placeholder's name or one another plugin provides. Superadmin only.
#[utoipa::path(
    tag = "plugins",
    params(InstallQuery),
    request_body(content = InstallForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Installed", body = Installed),
        (status = 200, description = "Upgraded, replaced or downgraded (forced), or the same component was already installed", body = Installed),
        (status = 400, description = "A part is missing or the body is malformed", body = ErrorBody),
        (status = 403, description = "Only the superadmin installs plugins", body = ErrorBody),
        (status = 409, description = "A plugin of that name but another kind is installed (`plugin_kind_changed`); a lower or the same version without force (`plugin_downgrade`, `plugin_version_unchanged`); a variable name that is built in or another plugin's (`variable_name_taken`)", body = ErrorBody),
        (status = 413, description = "The component is over `plugins.max_component_bytes`", body = ErrorBody),
        (status = 415, description = "Not multipart", body = ErrorBody),
        (status = 422, description = "The manifest or the component is not valid", body = ErrorBody),
    ),
    security(("session" = []))
)]
#[post("/plugins")]
#[tracing::instrument(skip_all)]
pub async fn install(
    state: web::Data<AppState>,
    principal: Principal,
    origin: crate::audit::Origin,
    query: web::Query<InstallQuery>,
    mut payload: Multipart,
) -> Result<HttpResponse, ApiError> {
    state.plugins.loaded().await;
    principal.require_superadmin()?;
    let max = state.plugins.max_component_bytes;
    let mut manifest = None;
    let mut component = None;
    while let Some(mut field) = payload.try_next().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        let limit = if name == "manifest" { 64 * 1024 } else { max };
        let mut bytes = Vec::new();
        while let Some(chunk) = field.try_next().await.map_err(multipart_error)? {
            if (bytes.len() + chunk.len()) as u64 > limit {
                return Err(too_large(limit, &format!("the `{name}` part")));
            }
            bytes.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "manifest" => {
                manifest = Some(
                    String::from_utf8(bytes)
                        .map_err(|_| ApiError::invalid_field("manifest", "is not UTF-8 text"))?,
                )
            }
            "component" => component = Some(bytes),
            _ => {}
        }
    }
    let manifest = manifest.ok_or_else(|| ApiError::invalid_field("manifest", "is required"))?;
    let component = component.ok_or_else(|| ApiError::invalid_field("component", "is required"))?;
    let (plugin, outcome) = state
        .plugins
        .install(&manifest, component, "upload", query.force.unwrap_or(false))
        .await?;
    let body = Installed {
        outcome: format!("{outcome:?}").to_lowercase(),
        plugin: plugin.as_ref().into(),
    };
    let action = match outcome {
        InstallOutcome::Installed => Some("plugin.installed"),
        InstallOutcome::Upgraded => Some("plugin.upgraded"),
        InstallOutcome::Replaced => Some("plugin.replaced"),
        InstallOutcome::Downgraded => Some("plugin.downgraded"),
        InstallOutcome::Unchanged => None,
    };
    if let Some(action) = action {
        crate::audit::append(
            &state.db,
            crate::audit::Entry::by(&principal, &origin, action)
                .target(&body.plugin.name)
                .details(serde_json::json!({
                    "version": body.plugin.version,
                    "outcome": body.outcome,
                })),
        )
        .await;
    }
    Ok(match outcome {
        InstallOutcome::Installed => HttpResponse::Created().json(body),
        _ => HttpResponse::Ok().json(body),
    })
}

/// An installed plugin
///
/// One installed plugin and its manifest.
#[utoipa::path(
    tag = "plugins",
    params(("name" = String, Path, description = "Plugin name")),
    responses(
        (status = 200, description = "The plugin", body = PluginInfo),
        (status = 404, description = "No such plugin", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/plugins/{name}")]
#[tracing::instrument(skip_all)]
pub async fn get_installed(
    state: web::Data<AppState>,
    _principal: Principal,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    state.plugins.loaded().await;
    let plugin = plugin_or_404(&state, &path)?;
    Ok(HttpResponse::Ok().json(PluginInfo::from(plugin.as_ref())))
}

/// Uninstall a plugin
///
/// Removes it with its settings and stored data in every workspace. Superadmin only.
#[utoipa::path(
    tag = "plugins",
    params(("name" = String, Path, description = "Plugin name")),
    responses(
        (status = 204, description = "Uninstalled"),
        (status = 403, description = "Only the superadmin uninstalls plugins", body = ErrorBody),
        (status = 404, description = "No such plugin", body = ErrorBody),
        (status = 409, description = "Workspace variables or templates still use it (`plugin_in_use`, listing them in `details`)", body = ErrorBody),
    ),
    security(("session" = []))
)]
#[delete("/plugins/{name}")]
#[tracing::instrument(skip_all)]
pub async fn uninstall(
    state: web::Data<AppState>,
    principal: Principal,
    origin: crate::audit::Origin,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    state.plugins.loaded().await;
    principal.require_superadmin()?;
    state.plugins.uninstall(&path).await?;
    crate::audit::append(
        &state.db,
        crate::audit::Entry::by(&principal, &origin, "plugin.removed").target(path.as_str()),
    )
    .await;
    Ok(HttpResponse::NoContent().finish())
}

/// Plugins in a workspace
///
/// Every installed plugin with its state in this workspace: enabled, configured, and its settings (secrets masked).
#[utoipa::path(
    tag = "plugins",
    params(("workspace" = String, Path, description = "Workspace id"), PageQuery),
    responses(
        (status = 200, description = "Installed plugins with their state here, by name", body = Page<WorkspacePlugin>),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/plugins")]
#[tracing::instrument(skip_all)]
pub async fn list_in_workspace(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<WorkspacePlugin>>, ApiError> {
    state.plugins.loaded().await;
    let workspace = path.into_inner();
    state
        .authz
        .check(&principal, &workspace, "plugins", "read")
        .await?;
    let settings = state.plugins.settings(&workspace).await?;
    let views: Vec<WorkspacePlugin> = state
        .plugins
        .list()
        .iter()
        .filter_map(|p| settings.get(p.name()).map(|s| workspace_view(p, s)))
        .collect();
    Ok(web::Json(Page::from_sorted(views, &query, |p| {
        p.plugin.name.clone()
    })))
}

/// A plugin in a workspace
///
/// One plugin's state in this workspace (secrets masked).
#[utoipa::path(
    tag = "plugins",
    params(
        ("workspace" = String, Path, description = "Workspace id"),
        ("name" = String, Path, description = "Plugin name"),
    ),
    responses(
        (status = 200, description = "Its state here", body = WorkspacePlugin),
        (status = 404, description = "No such workspace of yours, or no such plugin", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/plugins/{name}")]
#[tracing::instrument(skip_all)]
pub async fn get_in_workspace(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    state.plugins.loaded().await;
    let (workspace, name) = path.into_inner();
    state
        .authz
        .check(&principal, &workspace, "plugins", "read")
        .await?;
    let plugin = plugin_or_404(&state, &name)?;
    let setting = state.plugins.setting(&workspace, &plugin).await?;
    Ok(HttpResponse::Ok().json(workspace_view(&plugin, &setting)))
}

/// A plugin's recent activity in a workspace
///
/// Its last 50 `log` lines of level info and above in this workspace (each at most 500 bytes, the
/// workspace's secret settings shown as `********`), how many calls
/// returned and failed, how many contacts a resolver answered with an error, and the last error
/// with its reason. Kept in memory since this server started (with several servers, each answers
/// for its own calls). Needs `plugins:write`: lines can hold contact data.
#[utoipa::path(
    tag = "plugins",
    params(
        ("workspace" = String, Path, description = "Workspace id"),
        ("name" = String, Path, description = "Plugin name"),
    ),
    responses(
        (status = 200, description = "Its recent activity here", body = PluginLog),
        (status = 403, description = "Your role may not manage plugins here (log lines can hold contact data)", body = ErrorBody),
        (status = 404, description = "No such workspace of yours, or no such plugin", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/plugins/{name}/log")]
#[tracing::instrument(skip_all)]
pub async fn activity(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<web::Json<PluginLog>, ApiError> {
    state.plugins.loaded().await;
    let (workspace, name) = path.into_inner();
    state
        .authz
        .check(&principal, &workspace, "plugins", "write")
        .await?;
    let plugin = plugin_or_404(&state, &name)?;
    Ok(web::Json(
        state
            .plugins
            .runtime
            .journal()
            .get(&workspace, plugin.name()),
    ))
}

/// Enable, disable or configure a plugin in a workspace
///
/// The configuration is checked against the plugin's schema: unknown keys, wrong types and missing
/// required settings answer 400 naming the key.
#[utoipa::path(
    tag = "plugins",
    params(
        ("workspace" = String, Path, description = "Workspace id"),
        ("name" = String, Path, description = "Plugin name"),
    ),
    request_body(content = PluginSettingInput, example = json!({"enabled": true, "config": {"url": "https://example.com/hook", "secret": "s3cret"}})),
    responses(
        (status = 200, description = "Saved", body = WorkspacePlugin),
        (status = 400, description = "A setting is unknown, missing or of the wrong type", body = ErrorBody),
        (status = 403, description = "Your role may not change plugins", body = ErrorBody),
        (status = 404, description = "No such workspace of yours, or no such plugin", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[patch("/workspaces/{workspace}/plugins/{name}")]
#[tracing::instrument(skip_all)]
pub async fn configure(
    state: web::Data<AppState>,
    principal: Principal,
    origin: crate::audit::Origin,
    path: web::Path<(String, String)>,
    body: web::Json<PluginSettingInput>,
) -> Result<HttpResponse, ApiError> {
    state.plugins.loaded().await;
    let (workspace, name) = path.into_inner();
    state
        .authz
        .check(&principal, &workspace, "plugins", "write")
        .await?;
    let plugin = plugin_or_404(&state, &name)?;
    let input = body.into_inner();
    // The settings' names only: their values may be secrets.
    let names: Vec<String> = input
        .config
        .as_ref()
        .map(|c| {
            c.keys()
                .take(100)
                .map(|k| k.chars().take(64).collect())
                .collect()
        })
        .unwrap_or_default();
    let setting = state
        .plugins
        .configure(&workspace, &plugin, input.enabled, input.config)
        .await?;
    crate::audit::append(
        &state.db,
        crate::audit::Entry::by(&principal, &origin, "plugin.configured")
            .workspace(&workspace)
            .target(&name)
            .details(serde_json::json!({ "enabled": input.enabled, "settings": names })),
    )
    .await;
    Ok(HttpResponse::Ok().json(workspace_view(&plugin, &setting)))
}

/// Send a test message through a transport plugin
///
/// Lets an admin check a transport's configuration before campaigns use it.
#[utoipa::path(
    tag = "plugins",
    params(
        ("workspace" = String, Path, description = "Workspace id"),
        ("name" = String, Path, description = "Transport plugin name"),
    ),
    request_body(content = TestSendInput),
    responses(
        (status = 200, description = "The provider accepted it", body = TestSendResult),
        (status = 400, description = "`to` or `text` is empty or too long", body = ErrorBody),
        (status = 403, description = "Your role may not use plugins", body = ErrorBody),
        (status = 404, description = "No such workspace of yours, or no such plugin", body = ErrorBody),
        (status = 422, description = "Not a transport, disabled, unconfigured, failed (`plugin_failed`) or refused by the provider (`send_failed`, with `details.transient`)", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/plugins/{name}/test-send")]
#[tracing::instrument(skip_all)]
pub async fn test_send(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
    body: web::Json<TestSendInput>,
) -> Result<HttpResponse, ApiError> {
    state.plugins.loaded().await;
    let (workspace, name) = path.into_inner();
    state
        .authz
        .check(&principal, &workspace, "plugins", "write")
        .await?;
    plugin_or_404(&state, &name)?;
    let input = body.into_inner();
    if input.to.trim().is_empty() || input.to.len() > 200 {
        return Err(ApiError::invalid_field("to", "must be 1–200 characters"));
    }
    if input.text.is_empty() || input.text.chars().count() > 4096 {
        return Err(ApiError::invalid_field("text", "must be 1–4096 characters"));
    }
    let (plugin, scope) = state
        .plugins
        .usable(&workspace, &name, PluginKind::Transport)
        .await?;
    let render = crate::templates::render_settings(&state.db, &workspace).await?;
    let context = super::runtime::context(&workspace, render.locale(), render.time_zone);
    let idempotency_key = format!("test-{}", crate::db::new_id());
    let message = OutboundMessage {
        to: input.to,
        text: input.text,
        attachments: Vec::new(),
        idempotency_key: idempotency_key.clone(),
    };
    match state
        .plugins
        .runtime
        .send(plugin, scope, context, message)
        .await?
    {
        Ok(provider_message_id) => Ok(HttpResponse::Ok().json(TestSendResult {
            provider_message_id,
            idempotency_key,
        })),
        Err(SendError::Transient(reason)) | Err(SendError::Permanent(reason))
            if reason.is_empty() =>
        {
            Err(send_failed(&name, "no reason given".into(), false))
        }
        Err(SendError::Transient(reason)) => Err(send_failed(&name, reason, true)),
        Err(SendError::Permanent(reason)) => Err(send_failed(&name, reason, false)),
    }
}

fn send_failed(plugin: &str, reason: String, transient: bool) -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
        "send_failed",
        format!("`{plugin}` could not send: {reason}"),
    )
    .with_details(json!({ "plugin": plugin, "transient": transient }))
}
