//! Workspace custom variables for templates (`%kampanya_kodu%`): a static value, a contact field, the
//! current date and time in a format, or (once plugins exist) a plugin resolver. A variable that a
//! template uses cannot be deleted.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::Principal;
use crate::contacts::model::{clean_text, valid_field_name};
use crate::db::Db;
use crate::db::DbError;
use crate::error::{ApiError, ErrorBody};
use crate::pagination::{Page, PageQuery};
use crate::templates::render::{BUILTIN_NAMES, VariableDef, VariableKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// `value` is inserted as it is.
    Static,
    /// `field` names a contact field (`first_name`, `email` …) or a custom field.
    Field,
    /// The current date and time in `format` (e.g. `d MMMM yyyy`), in the workspace's time zone.
    Datetime,
    /// Resolved by the variable-resolver plugin named in `plugin`: its variable named in `value`
    /// (default: the same name as this variable). Arguments come from the placeholder: `%name:a,b%`.
    Plugin,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Variable {
    #[schema(example = "kampanya_kodu")]
    pub name: String,
    pub kind: Kind,
    #[schema(example = "KASIM50")]
    pub value: Option<String>,
    pub field: Option<String>,
    pub format: Option<String>,
    pub plugin: Option<String>,
    /// Used when the variable resolves to nothing.
    pub fallback: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VariableInput {
    /// Letters (any script), digits and `_`, starting with a letter. Ignored on update.
    #[schema(example = "kampanya_kodu")]
    pub name: Option<String>,
    pub kind: Kind,
    #[schema(example = "KASIM50")]
    pub value: Option<String>,
    pub field: Option<String>,
    pub format: Option<String>,
    pub plugin: Option<String>,
    pub fallback: Option<String>,
}

const FIELDS: &str = "name, kind, value, field, format, plugin, fallback, created_at, updated_at";

impl Variable {
    pub fn definition(&self) -> VariableDef {
        let kind = match self.kind {
            Kind::Static => VariableKind::Static(self.value.clone().unwrap_or_default()),
            Kind::Field => VariableKind::Field(self.field.clone().unwrap_or_default()),
            Kind::Datetime => {
                VariableKind::DateTime(self.format.clone().unwrap_or_else(|| "d MMMM yyyy".into()))
            }
            Kind::Plugin => VariableKind::Plugin {
                plugin: self.plugin.clone().unwrap_or_default(),
                variable: self.value.clone().unwrap_or_else(|| self.name.clone()),
            },
        };
        VariableDef {
            kind,
            fallback: self.fallback.clone(),
        }
    }
}

/// Checks the kind-specific fields and returns the query parameters (absent fields left out: NONE).
fn validate(
    input: &VariableInput,
    name: &str,
    plugins: &crate::plugins::Plugins,
) -> Result<serde_json::Map<String, Value>, ApiError> {
    if !valid_field_name(name) {
        return Err(ApiError::invalid_field(
            "name",
            "use letters, digits and _, starting with a letter",
        ));
    }
    let mut params = serde_json::Map::new();
    params.insert("name".into(), json!(name));
    params.insert("kind".into(), json!(input.kind));
    let required = |field: &str, value: &Option<String>, max: usize| -> Result<String, ApiError> {
        clean_text(field, value.as_deref(), max, true)?.ok_or_else(|| {
            ApiError::invalid_field(
                field,
                format!("is required for kind `{:?}`", input.kind).to_lowercase(),
            )
        })
    };
    match input.kind {
        Kind::Static => {
            params.insert(
                "value".into(),
                json!(required("value", &input.value, 2000)?),
            );
        }
        Kind::Field => {
            let field = required("field", &input.field, 64)?;
            if !valid_field_name(&field) {
                return Err(ApiError::invalid_field("field", "not a field name"));
            }
            params.insert("field".into(), json!(field));
        }
        Kind::Datetime => {
            let format = clean_text("format", input.format.as_deref(), 100, false)?
                .unwrap_or_else(|| "d MMMM yyyy".into());
            params.insert("format".into(), json!(format));
        }
        Kind::Plugin => {
            let plugin_name = required("plugin", &input.plugin, 100)?;
            let plugin = plugins
                .get(&plugin_name)
                .filter(|p| {
                    p.manifest.kind == crate::plugins::manifest::PluginKind::VariableResolver
                })
                .ok_or_else(|| {
                    crate::plugins::no_such_plugin(&plugin_name)
                        .with_details(json!({ "field": "plugin" }))
                })?;
            let provided = input.value.clone().unwrap_or_else(|| name.to_owned());
            if !plugin.manifest.variables.contains(&provided) {
                return Err(ApiError::invalid_field(
                    "value",
                    format!(
                        "`{plugin_name}` provides {}, not `{provided}`",
                        plugin.manifest.variables.join(", ")
                    ),
                ));
            }
            params.insert("plugin".into(), json!(plugin_name));
            params.insert("value".into(), json!(provided));
        }
    }
    if let Some(fallback) = clean_text("fallback", input.fallback.as_deref(), 500, true)? {
        params.insert("fallback".into(), json!(fallback));
    }
    Ok(params)
}

pub async fn all(db: &Db, workspace: &str) -> Result<BTreeMap<String, Variable>, ApiError> {
    let rows: Vec<Variable> = db
        .rows(
            &format!("SELECT {FIELDS} FROM variable WHERE workspace = $ws"),
            json!({ "ws": workspace }),
        )
        .await?;
    Ok(rows.into_iter().map(|v| (v.name.clone(), v)).collect())
}

async fn find(state: &AppState, workspace: &str, name: &str) -> Result<Option<Variable>, ApiError> {
    Ok(state
        .db
        .row(
            &format!("SELECT {FIELDS} FROM type::record('variable', [$ws, $name])"),
            json!({ "ws": workspace, "name": name }),
        )
        .await?)
}

/// List custom variables
///
/// The workspace's custom variables in pages.
#[utoipa::path(
    tag = "variables",
    params(("workspace" = String, Path, description = "Workspace id"), PageQuery),
    responses(
        (status = 200, description = "Custom variables, by name", body = Page<Variable>),
        (status = 403, description = "Your role may not read variables", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/variables")]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<Variable>>, ApiError> {
    state
        .authz
        .check(&principal, &path, "variables", "read")
        .await?;
    let page = crate::pagination::workspace_page(
        &state.db,
        "variable",
        FIELDS,
        crate::pagination::PageKey::Field("name"),
        &path,
        &query,
        |v: &Variable| v.name.clone(),
    )
    .await?;
    Ok(web::Json(page))
}

/// Create a custom variable
///
/// Kind `plugin` names an installed variable-resolver plugin (422 `no_such_plugin` otherwise).
#[utoipa::path(
    tag = "variables",
    params(("workspace" = String, Path, description = "Workspace id")),
    request_body(content = VariableInput, example = json!({"name": "kampanya_kodu", "kind": "static", "value": "KASIM50"})),
    responses(
        (status = 201, description = "Created", body = Variable),
        (status = 400, description = "Invalid field", body = ErrorBody),
        (status = 403, description = "Your role may not write variables", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
        (status = 409, description = "The name is taken (by a variable or a built-in)", body = ErrorBody),
        (status = 422, description = "No such plugin", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/variables")]
#[tracing::instrument(skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    body: web::Json<VariableInput>,
) -> Result<HttpResponse, ApiError> {
    state
        .authz
        .check(&principal, &path, "variables", "write")
        .await?;
    let name = body.name.clone().unwrap_or_default().trim().to_owned();
    let mut params = validate(&body, &name, &state.plugins)?;
    if BUILTIN_NAMES.contains(&name.as_str()) {
        return Err(ApiError::conflict(
            "name_taken",
            format!("`%{name}%` is a built-in variable"),
        ));
    }
    params.insert("ws".into(), json!(path.as_str()));
    let sql = format!(
        "CREATE type::record('variable', [$ws, $name]) SET workspace = $ws, name = $name, kind = $kind, value = $value, \
         field = $field, format = $format, plugin = $plugin, fallback = $fallback RETURN {FIELDS}"
    );
    match state.db.row::<Variable>(&sql, Value::Object(params)).await {
        Ok(Some(variable)) => Ok(HttpResponse::Created().json(variable)),
        Ok(None) => Err(ApiError::internal(anyhow::anyhow!("variable not returned"))),
        Err(DbError::Conflict(_)) => Err(ApiError::conflict(
            "name_taken",
            format!("a variable `{name}` exists"),
        )),
        Err(e) => Err(e.into()),
    }
}

/// Get a custom variable
///
/// One custom variable.
#[utoipa::path(
    tag = "variables",
    params(("workspace" = String, Path, description = "Workspace id"), ("name" = String, Path, description = "Variable name")),
    responses(
        (status = 200, description = "The variable", body = Variable),
        (status = 404, description = "No such workspace or variable", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/variables/{name}")]
pub async fn get_one(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<web::Json<Variable>, ApiError> {
    let (workspace, name) = path.into_inner();
    state
        .authz
        .check(&principal, &workspace, "variables", "read")
        .await?;
    Ok(web::Json(
        find(&state, &workspace, &name)
            .await?
            .ok_or_else(|| ApiError::not_found("variable"))?,
    ))
}

/// Replace a custom variable
///
/// Replaces the variable's definition; templates using it must still compile.
#[utoipa::path(
    tag = "variables",
    params(("workspace" = String, Path, description = "Workspace id"), ("name" = String, Path, description = "Variable name")),
    request_body = VariableInput,
    responses(
        (status = 200, description = "Replaced", body = Variable),
        (status = 400, description = "Invalid field", body = ErrorBody),
        (status = 403, description = "Your role may not write variables", body = ErrorBody),
        (status = 404, description = "No such workspace or variable", body = ErrorBody),
        (status = 422, description = "No such plugin", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[put("/workspaces/{workspace}/variables/{name}")]
#[tracing::instrument(skip_all)]
pub async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
    body: web::Json<VariableInput>,
) -> Result<web::Json<Variable>, ApiError> {
    let (workspace, name) = path.into_inner();
    state
        .authz
        .check(&principal, &workspace, "variables", "write")
        .await?;
    find(&state, &workspace, &name)
        .await?
        .ok_or_else(|| ApiError::not_found("variable"))?;
    let mut params = validate(&body, &name, &state.plugins)?;
    params.insert("ws".into(), json!(workspace));
    let sql = format!(
        "UPDATE type::record('variable', [$ws, $name]) SET kind = $kind, value = $value, field = $field, \
         format = $format, plugin = $plugin, fallback = $fallback, updated_at = time::now() RETURN {FIELDS}"
    );
    let variable = state
        .db
        .row::<Variable>(&sql, Value::Object(params))
        .await?;
    Ok(web::Json(
        variable.ok_or_else(|| ApiError::not_found("variable"))?,
    ))
}

/// Delete a custom variable
///
/// Refused (409) while templates use it; `details.templates` lists them.
#[utoipa::path(
    tag = "variables",
    params(("workspace" = String, Path, description = "Workspace id"), ("name" = String, Path, description = "Variable name")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Your role may not write variables", body = ErrorBody),
        (status = 404, description = "No such workspace or variable", body = ErrorBody),
        (status = 409, description = "Used by templates", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[delete("/workspaces/{workspace}/variables/{name}")]
#[tracing::instrument(skip_all)]
pub async fn delete_one(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (workspace, name) = path.into_inner();
    state
        .authz
        .check(&principal, &workspace, "variables", "write")
        .await?;
    find(&state, &workspace, &name)
        .await?
        .ok_or_else(|| ApiError::not_found("variable"))?;
    let users: Vec<Value> = state
        .db
        .rows(
            "SELECT record::id(id) AS id, name FROM template WHERE workspace = $ws AND $name IN variables ORDER BY name",
            json!({ "ws": workspace, "name": name }),
        )
        .await?;
    if !users.is_empty() {
        let names: Vec<&str> = users.iter().filter_map(|t| t["name"].as_str()).collect();
        return Err(ApiError::conflict(
            "variable_in_use",
            format!("used by {} template(s): {}", users.len(), names.join(", ")),
        )
        .with_details(json!({ "templates": users })));
    }
    state
        .db
        .exec(
            "DELETE type::record('variable', [$ws, $name])",
            json!({ "ws": workspace, "name": name }),
        )
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
