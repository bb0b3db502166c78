//! Message templates: a name, a body with `%placeholders%` (and optional Handlebars blocks), media
//! attachments, tags and channel hints. A template is saved only when it compiles against the
//! workspace's variables; preview and ad-hoc render use the same renderer as campaigns.

pub mod render;
pub mod routes;
pub mod syntax;

use std::collections::{BTreeMap, BTreeSet};

use chrono::Utc;
use serde_json::json;

use crate::app::AppState;
use crate::contacts::model::Contact;
use crate::error::ApiError;
use render::{CompiledTemplate, Language, RenderInput, Scope, VariableDef};
use syntax::TemplateIssue;

/// How a workspace renders dates and salutations.
pub struct RenderSettings {
    pub language: Language,
    pub time_zone: chrono_tz::Tz,
}

pub async fn render_settings(
    state: &AppState,
    workspace: &str,
) -> Result<RenderSettings, ApiError> {
    let row: Option<serde_json::Value> = state
        .db
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
    Ok(RenderSettings {
        language,
        time_zone,
    })
}

/// The custom field names seen on the workspace's contacts.
pub async fn known_custom_fields(
    state: &AppState,
    workspace: &str,
) -> Result<BTreeSet<String>, ApiError> {
    let names: Vec<String> = state
        .db
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

pub async fn compile(state: &AppState, workspace: &str, body: &str) -> Result<Compiled, ApiError> {
    let variables = crate::variables::all(state, workspace).await?;
    let definitions: BTreeMap<String, VariableDef> = variables
        .iter()
        .map(|(name, v)| (name.clone(), v.definition()))
        .collect();
    let custom_fields = known_custom_fields(state, workspace).await?;
    let scope = Scope {
        variables: &definitions,
        custom_fields: &custom_fields,
    };
    let template = CompiledTemplate::compile(body, &scope).map_err(invalid_template)?;
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

pub fn render_for(
    template: &CompiledTemplate,
    contact: &Contact,
    settings: &RenderSettings,
) -> Result<String, ApiError> {
    let input = RenderInput {
        contact,
        language: settings.language,
        time_zone: settings.time_zone,
        now: Utc::now(),
    };
    template.render(&input).map_err(|e| {
        ApiError::new(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            "render_failed",
            e,
        )
    })
}
