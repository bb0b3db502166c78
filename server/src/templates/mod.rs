//! Message templates: a name, a body with `%placeholders%` (and optional Handlebars blocks), media
//! attachments, tags and channel hints. A template is saved only when it compiles against the
//! workspace's variables; preview and ad-hoc render use the same renderer as campaigns.

pub mod blocks;
pub mod render;
pub mod routes;
pub mod syntax;

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use serde_json::json;

use crate::app::AppState;
use crate::contacts::model::Contact;
use crate::db::Db;
use crate::error::ApiError;
use crate::plugins::Plugins;
use blocks::RenderFailure;
use render::{CompiledTemplate, Language, RenderInput, RenderLimits, Scope, VariableDef};
use syntax::TemplateIssue;

/// How a workspace renders dates and salutations.
#[derive(Clone)]
pub struct RenderSettings {
    pub language: Language,
    pub time_zone: chrono_tz::Tz,
    /// The workspace's locale tag as stored (`tr`, `en-GB`).
    pub locale: String,
}

impl RenderSettings {
    pub fn locale(&self) -> &str {
        &self.locale
    }
}

pub async fn render_settings(db: &Db, workspace: &str) -> Result<RenderSettings, ApiError> {
    let row: Option<serde_json::Value> = db
        .row(
            "SELECT locale, time_zone FROM type::record('workspace', $ws)",
            json!({ "ws": workspace }),
        )
        .await?;
    let row = row.unwrap_or_default();
    let language = row["locale"]
        .as_str()
        .and_then(Language::from_tag)
        .unwrap_or(Language::Turkish);
    let time_zone = row["time_zone"]
        .as_str()
        .and_then(|tz| tz.parse().ok())
        .unwrap_or(chrono_tz::Europe::Istanbul);
    let locale = row["locale"].as_str().unwrap_or("tr").to_owned();
    Ok(RenderSettings {
        language,
        time_zone,
        locale,
    })
}

/// The custom field names seen on the workspace's contacts.
pub async fn known_custom_fields(db: &Db, workspace: &str) -> Result<BTreeSet<String>, ApiError> {
    let names: Vec<String> = db
        .rows(
            "SELECT VALUE name FROM contact_field WHERE workspace = $ws",
            json!({ "ws": workspace }),
        )
        .await?;
    Ok(names.into_iter().collect())
}

pub fn invalid_template(issues: Vec<TemplateIssue>) -> ApiError {
    let summary: Vec<String> = issues
        .iter()
        .map(|i| {
            format!(
                "line {} column {}: {}",
                i.position.line, i.position.column, i.message
            )
        })
        .collect();
    ApiError::new(
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_template",
        format!(
            "the body has {} problem(s): {}",
            issues.len(),
            summary.join("; ")
        ),
    )
    .with_details(json!({ "field": "body", "issues": issues }))
}

/// A compiled body and the workspace variables it uses.
pub struct Compiled {
    pub template: CompiledTemplate,
    pub variables_used: Vec<String>,
}

/// What compiling and rendering need: the store, the plugins, the limits.
#[derive(Clone, Copy)]
pub struct Renderer<'a> {
    pub db: &'a Db,
    pub plugins: &'a Plugins,
    pub settings: &'a crate::config::TemplateSettings,
}

impl<'a> Renderer<'a> {
    pub fn of(state: &'a AppState) -> Self {
        Self {
            db: &state.db,
            plugins: &state.plugins,
            settings: &state.settings.templates,
        }
    }
}

pub async fn compile(
    renderer: Renderer<'_>,
    workspace: &str,
    body: &str,
) -> Result<Compiled, ApiError> {
    compile_with(renderer, workspace, body, &BTreeSet::new()).await
}

/// As [`compile`], with extra names that count as custom fields (a single send's variable
/// overrides, which take precedence over workspace variables).
pub async fn compile_with(
    renderer: Renderer<'_>,
    workspace: &str,
    body: &str,
    extra_fields: &BTreeSet<String>,
) -> Result<Compiled, ApiError> {
    let variables = crate::variables::all(renderer.db, workspace).await?;
    let definitions: BTreeMap<String, VariableDef> = variables
        .iter()
        .map(|(name, v)| (name.clone(), v.definition()))
        .collect();
    let mut custom_fields = known_custom_fields(renderer.db, workspace).await?;
    custom_fields.extend(extra_fields.iter().cloned());
    let plugins = renderer.plugins.resolvers(workspace).await?;
    let limits = render_limits(renderer.settings);
    let owned_body = body.to_owned();
    let fields = custom_fields.clone();
    // Compiling parses user input; it runs off the request threads like rendering does.
    let template = tokio::task::spawn_blocking(move || {
        let scope = Scope {
            variables: &definitions,
            custom_fields: &fields,
            plugins: &plugins,
        };
        CompiledTemplate::compile(&owned_body, &scope).map(|t| t.with_limits(limits))
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(invalid_template)?;
    let used: BTreeSet<String> = syntax::parse(body)
        .map(|p| p.placeholders.into_iter().map(|p| p.name).collect())
        .unwrap_or_default();
    let variables_used = used
        .into_iter()
        .filter(|name| variables.contains_key(name) && !custom_fields.contains(name))
        .collect();
    Ok(Compiled {
        template,
        variables_used,
    })
}

/// The contact as a plugin sees it.
pub fn plugin_contact(c: &Contact) -> crate::plugins::runtime::Contact {
    crate::plugins::runtime::Contact {
        id: c.id.clone(),
        phone: c.phone.clone(),
        first_name: c.first_name.clone(),
        last_name: c.last_name.clone(),
        email: c.email.clone(),
        language: c.language.clone(),
        tags: c.tags.clone(),
        fields: c
            .custom_fields
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(name, value)| crate::plugins::runtime::Field {
                name: name.clone(),
                value: match value {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                },
            })
            .collect(),
    }
}

/// Asks each plugin the template needs for its values, one batch per plugin for all the contacts.
/// Returns, per contact, the values by slot; an item the plugin could not resolve is `None` (the
/// placeholder's fallback applies). A plugin that fails as a whole fails the render.
pub async fn plugin_values(
    plugins: &Plugins,
    workspace: &str,
    template: &CompiledTemplate,
    contacts: &[Contact],
    settings: &RenderSettings,
) -> Result<Vec<Vec<Option<String>>>, ApiError> {
    let calls = template.plugin_calls();
    let mut values = vec![vec![None; calls.len()]; contacts.len()];
    let mut by_plugin: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (slot, call) in calls.iter().enumerate() {
        by_plugin
            .entry(call.plugin.as_str())
            .or_default()
            .push(slot);
    }
    for (name, slots) in by_plugin {
        let (plugin, scope) = plugins
            .usable(
                workspace,
                name,
                crate::plugins::manifest::PluginKind::VariableResolver,
            )
            .await?;
        let context =
            crate::plugins::runtime::context(workspace, settings.locale(), settings.time_zone);
        let mut batch = Vec::with_capacity(contacts.len() * slots.len());
        for contact in contacts {
            let wit_contact = plugin_contact(contact);
            for slot in &slots {
                let call = &calls[*slot];
                batch.push(crate::plugins::runtime::ResolveRequest {
                    variable: call.variable.clone(),
                    arguments: call.arguments.clone(),
                    contact: wit_contact.clone(),
                });
            }
        }
        let answers = plugins
            .runtime
            .resolve(plugin, scope, context, batch)
            .await?;
        for (i, answer) in answers.into_iter().enumerate() {
            let slot = slots[i % slots.len()];
            match answer {
                Ok(value) if !value.is_empty() => values[i / slots.len()][slot] = Some(value),
                Ok(_) => {}
                Err(reason) => {
                    tracing::debug!(plugin = name, %reason, "plugin gave no value; fallback used")
                }
            }
        }
    }
    Ok(values)
}

/// Renders for one contact, calling plugin resolvers as the template needs. The render runs on a
/// blocking thread under the template's limits.
pub async fn render_one(
    plugins: &Plugins,
    workspace: &str,
    template: std::sync::Arc<CompiledTemplate>,
    contact: &Contact,
    settings: &RenderSettings,
) -> Result<String, ApiError> {
    let values = plugin_values(
        plugins,
        workspace,
        &template,
        std::slice::from_ref(contact),
        settings,
    )
    .await?;
    let contact = contact.clone();
    let settings = settings.clone();
    let seed = format!("preview:{}", contact.id);
    tokio::task::spawn_blocking(move || {
        render_for(
            &template,
            &contact,
            &settings,
            values.first().map(Vec::as_slice).unwrap_or(&[]),
            &seed,
        )
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(render_error)
}

pub fn render_limits(settings: &crate::config::TemplateSettings) -> RenderLimits {
    RenderLimits {
        max_output_bytes: settings.max_output_bytes,
        time_limit: std::time::Duration::from_millis(settings.render_timeout_ms),
    }
}

/// A render that failed, as the API reports it.
pub fn render_error(failure: RenderFailure) -> ApiError {
    let code = match failure {
        RenderFailure::TooLong(_) => "render_too_long",
        RenderFailure::TimedOut => "render_timed_out",
        RenderFailure::Failed(_) => "render_failed",
    };
    ApiError::new(
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
        code,
        failure.to_string(),
    )
}

/// Renders on the calling thread: call it off the request threads (see [`render_one`]).
pub fn render_for(
    template: &CompiledTemplate,
    contact: &Contact,
    settings: &RenderSettings,
    plugin_values: &[Option<String>],
    seed: &str,
) -> Result<String, RenderFailure> {
    let input = RenderInput {
        contact,
        language: settings.language,
        time_zone: settings.time_zone,
        now: Utc::now(),
        plugin_values,
        seed,
    };
    template.render(&input)
}
