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
    compile_many(renderer, workspace, &[body], extra_fields)
        .await?
        .pop()
        .unwrap_or_else(|| Err(ApiError::internal(anyhow::anyhow!("nothing compiled"))))
}

/// Compiles several texts against one read of the workspace's variables, fields and resolvers:
/// each text's result in order (an outer error is the store's).
pub async fn compile_many(
    renderer: Renderer<'_>,
    workspace: &str,
    bodies: &[&str],
    extra_fields: &BTreeSet<String>,
) -> Result<Vec<Result<Compiled, ApiError>>, ApiError> {
    let variables = crate::variables::all(renderer.db, workspace).await?;
    let definitions: BTreeMap<String, VariableDef> = variables
        .iter()
        .map(|(name, v)| (name.clone(), v.definition()))
        .collect();
    let mut custom_fields = known_custom_fields(renderer.db, workspace).await?;
    custom_fields.extend(extra_fields.iter().cloned());
    let plugins = renderer.plugins.resolvers(workspace).await?;
    // Installed resolvers not enabled here: an unknown variable one of them provides says so.
    let disabled: BTreeMap<String, String> = renderer
        .plugins
        .list()
        .iter()
        .filter(|p| !plugins.contains_key(p.name()))
        .flat_map(|p| {
            p.manifest
                .variables
                .iter()
                .map(|v| (v.clone(), p.name().to_owned()))
        })
        .collect();
    let limits = render_limits(renderer.settings);
    let owned: Vec<String> = bodies.iter().map(|b| (*b).to_owned()).collect();
    let fields = custom_fields.clone();
    // Compiling parses user input; it runs off the request threads like rendering does.
    let templates = tokio::task::spawn_blocking(move || {
        let scope = Scope {
            variables: &definitions,
            custom_fields: &fields,
            plugins: &plugins,
        };
        owned
            .iter()
            .map(|body| CompiledTemplate::compile(body, &scope).map(|t| t.with_limits(limits)))
            .collect::<Vec<_>>()
    })
    .await
    .map_err(ApiError::internal)?;
    Ok(templates
        .into_iter()
        .zip(bodies)
        .map(|(template, body)| {
            let template = template.map_err(|mut issues| {
                for issue in &mut issues {
                    if let Some(plugin) = issue.variable.as_ref().and_then(|v| disabled.get(v)) {
                        issue.message = format!(
                            "{} (the plugin `{plugin}` provides it, and is not enabled in this \
                             workspace: enable it under Plugins)",
                            issue.message
                        );
                    }
                }
                invalid_template(issues)
            })?;
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
        })
        .collect())
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
/// A plugin resolver that gave no value for a contact: shown with previews, and the reason a
/// message fails when the placeholder has no fallback.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct RenderWarning {
    #[schema(example = "%burç%")]
    pub placeholder: String,
    #[schema(example = "zodiac")]
    pub plugin: String,
    /// The plugin's reason.
    #[schema(example = "contact 905321234567 has no 'doğum_tarihi'")]
    pub message: String,
    /// Whether the placeholder's fallback stood in (otherwise it rendered empty).
    pub fallback_used: bool,
}

impl RenderWarning {
    /// Why a message without a fallback for this placeholder is not sent.
    pub fn failure(&self) -> String {
        format!(
            "{} (plugin {}) gave no value and has no fallback: {}",
            self.placeholder, self.plugin, self.message
        )
    }
}

/// Stands in for a plugin value that is missing where the placeholder has no fallback. A text
/// that still holds it after rendering (the placeholder was not in a branch this contact skips)
/// is incomplete and is not sent. A Unicode noncharacter: never part of a message.
pub const MISSING: &str = "\u{FDD0}";

/// A text rendered for one contact, with the plugin placeholders that got no value.
pub struct RenderedText {
    pub text: String,
    pub warnings: Vec<RenderWarning>,
    /// Whether a placeholder without a fallback rendered without its value (the text is shown
    /// with it empty, and is not sent).
    pub incomplete: bool,
}

impl RenderedText {
    /// Why an incomplete text is not sent.
    pub fn failure(&self) -> Option<String> {
        self.incomplete.then(|| {
            self.warnings
                .iter()
                .find(|w| !w.fallback_used)
                .map(RenderWarning::failure)
                .unwrap_or_else(|| "a plugin placeholder without a fallback got no value".into())
        })
    }
}

/// Plugin values for a batch of contacts (by contact, then slot) and, by contact, the
/// placeholders whose resolver failed.
pub struct PluginValues {
    pub values: Vec<Vec<Option<String>>>,
    pub warnings: Vec<Vec<RenderWarning>>,
}

impl PluginValues {
    /// No plugin calls: nothing for `count` contacts.
    pub fn none(count: usize) -> Self {
        Self {
            values: vec![Vec::new(); count],
            warnings: vec![Vec::new(); count],
        }
    }
}

pub async fn plugin_values(
    plugins: &Plugins,
    workspace: &str,
    template: &CompiledTemplate,
    contacts: &[Contact],
    settings: &RenderSettings,
) -> Result<PluginValues, ApiError> {
    let calls = template.plugin_calls();
    let mut values = vec![vec![None; calls.len()]; contacts.len()];
    let mut warnings = vec![Vec::new(); contacts.len()];
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
        let (mut failed, mut first_failure) = (0usize, None::<RenderWarning>);
        for (i, answer) in answers.into_iter().enumerate() {
            let slot = slots[i % slots.len()];
            match answer {
                Ok(value) if !value.is_empty() => values[i / slots.len()][slot] = Some(value),
                Ok(_) => {}
                Err(reason) => {
                    if !template.slot_has_fallback(slot) {
                        values[i / slots.len()][slot] = Some(MISSING.to_owned());
                    }
                    let warning = RenderWarning {
                        placeholder: calls[slot].placeholder(),
                        plugin: name.to_owned(),
                        message: reason.chars().take(500).collect(),
                        fallback_used: template.slot_has_fallback(slot),
                    };
                    if failed == 0 {
                        first_failure = Some(warning.clone());
                    }
                    failed += 1;
                    warnings[i / slots.len()].push(warning);
                }
            }
        }
        // One line per plugin and batch, not one per contact of a large campaign.
        if let Some(first) = first_failure {
            tracing::info!(plugin = name, placeholder = %first.placeholder, reason = %first.message,
                fallback_used = first.fallback_used, failed, contacts = contacts.len(),
                "a plugin resolver gave no value");
        }
    }
    Ok(PluginValues { values, warnings })
}

/// Renders for one contact, calling plugin resolvers as the template needs, with the resolvers
/// that gave no value. The render runs on a blocking thread under the template's limits.
pub async fn render_one(
    plugins: &Plugins,
    workspace: &str,
    template: std::sync::Arc<CompiledTemplate>,
    contact: &Contact,
    settings: &RenderSettings,
) -> Result<RenderedText, ApiError> {
    let PluginValues {
        values,
        mut warnings,
    } = plugin_values(
        plugins,
        workspace,
        &template,
        std::slice::from_ref(contact),
        settings,
    )
    .await?;
    let warnings = warnings.pop().unwrap_or_default();
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
    .map(|text| RenderedText {
        incomplete: text.contains(MISSING),
        text: text.replace(MISSING, ""),
        warnings,
    })
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

/// A template's mapping onto an approved WhatsApp template (`channel_hints.whatsapp_cloud`),
/// each parameter compiled like a body.
pub struct CompiledMapping {
    pub name: String,
    pub language: String,
    pub header: Vec<CompiledTemplate>,
    pub body: Vec<CompiledTemplate>,
}

/// Checks and compiles a template's `channel_hints.whatsapp_cloud` (none without one). A
/// parameter may use every placeholder a body may, except plugin resolvers.
pub async fn compile_mapping(
    renderer: Renderer<'_>,
    workspace: &str,
    hints: &BTreeMap<String, serde_json::Value>,
    extra_fields: &BTreeSet<String>,
) -> Result<Option<CompiledMapping>, ApiError> {
    use crate::transports::whatsapp_cloud::TemplateMapping;
    let Some(hint) = hints.get("whatsapp_cloud") else {
        return Ok(None);
    };
    let field = |f: &str| format!("channel_hints.whatsapp_cloud.{f}");
    let mapping: TemplateMapping = serde_json::from_value(hint.clone())
        .map_err(|e| ApiError::invalid_field("channel_hints.whatsapp_cloud", e.to_string()))?;
    mapping
        .validate()
        .map_err(|(f, message)| ApiError::invalid_field(&field(&f), message))?;
    let mut compiled = CompiledMapping {
        name: mapping.template.clone(),
        language: mapping.language.clone(),
        header: Vec::new(),
        body: Vec::new(),
    };
    let texts: Vec<(&str, usize, &str)> = [("header", &mapping.header), ("body", &mapping.body)]
        .into_iter()
        .flat_map(|(part, texts)| {
            texts
                .iter()
                .enumerate()
                .map(move |(index, text)| (part, index, text.as_str()))
        })
        .collect();
    let bodies: Vec<&str> = texts.iter().map(|(_, _, text)| *text).collect();
    let results = compile_many(renderer, workspace, &bodies, extra_fields).await?;
    for ((part, index, _), result) in texts.into_iter().zip(results) {
        let at = field(&format!("{part}[{index}]"));
        let one = result.map_err(|e| ApiError::invalid_field(&at, e.message()))?;
        if !one.template.plugin_calls().is_empty() {
            return Err(ApiError::invalid_field(
                &at,
                "a parameter of an approved template cannot call a plugin resolver",
            ));
        }
        match part {
            "header" => compiled.header.push(one.template),
            _ => compiled.body.push(one.template),
        }
    }
    Ok(Some(compiled))
}

/// The mapping's parameters rendered for one contact (on the calling thread).
pub fn render_mapping(
    mapping: &CompiledMapping,
    contact: &Contact,
    settings: &RenderSettings,
    seed: &str,
) -> Result<crate::transports::ApprovedMessage, RenderFailure> {
    let render = |parts: &[CompiledTemplate]| {
        parts
            .iter()
            .map(|t| render_for(t, contact, settings, &[], seed))
            .collect::<Result<Vec<_>, _>>()
    };
    Ok(crate::transports::ApprovedMessage {
        name: mapping.name.clone(),
        language: mapping.language.clone(),
        header: render(&mapping.header)?,
        body: render(&mapping.body)?,
    })
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
