//! Workspaces (the tenants), their members and roles. Every workspace route is checked by Casbin
//! (`resource:action` in that workspace) and every query is filtered by the workspace id.

pub mod deletion;
pub mod invitations;
pub mod members;
pub mod roles;

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::{Principal, users};
use crate::error::{ApiError, ErrorBody};
use crate::pagination::{Page, PageQuery};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Workspace {
    #[schema(example = "w0k2m4n6p8r0t2v4x6z8")]
    pub id: String,
    #[schema(example = "Acme Pazarlama")]
    pub name: String,
    pub created_at: DateTime<Utc>,
    /// Region (ISO 3166 code) for reading phone numbers written without a country code.
    #[serde(default = "default_region")]
    #[schema(example = "TR")]
    pub default_region: String,
    /// Language for dates and salutations: `tr` or `en`.
    #[serde(default = "default_locale")]
    #[schema(example = "tr")]
    pub locale: String,
    /// IANA time zone for `%tarih%`, `%saat%` and scheduling.
    #[serde(default = "default_time_zone")]
    #[schema(example = "Europe/Istanbul")]
    pub time_zone: String,
    /// Your role here (absent where it does not apply).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "owner")]
    pub role: Option<String>,
}

const WORKSPACE_FIELDS: &str =
    "record::id(id) AS id, name, created_at, default_region, locale, time_zone";

fn default_region() -> String {
    "TR".to_owned()
}

fn default_locale() -> String {
    "tr".to_owned()
}

fn default_time_zone() -> String {
    "Europe/Istanbul".to_owned()
}

fn validate_locale(raw: &str) -> Result<String, ApiError> {
    let locale = raw.trim().to_ascii_lowercase();
    if crate::templates::render::Language::from_tag(&locale).is_none() {
        return Err(ApiError::invalid_field("locale", "supported: tr, en"));
    }
    Ok(locale)
}

fn validate_time_zone(raw: &str) -> Result<String, ApiError> {
    let zone = raw.trim();
    zone.parse::<chrono_tz::Tz>().map_err(|_| {
        ApiError::invalid_field("time_zone", "use an IANA time zone such as Europe/Istanbul")
    })?;
    Ok(zone.to_owned())
}

fn validate_region(raw: &str) -> Result<String, ApiError> {
    let region = raw.trim().to_ascii_uppercase();
    region.parse::<phonenumber::country::Id>().map_err(|_| {
        ApiError::invalid_field(
            "default_region",
            "use a two-letter country code such as TR or DE",
        )
    })?;
    Ok(region)
}

pub async fn find(state: &AppState, id: &str) -> Result<Option<Workspace>, ApiError> {
    let sql = format!("SELECT {WORKSPACE_FIELDS} FROM type::record('workspace', $id)");
    Ok(state.db.row(&sql, json!({ "id": id })).await?)
}

/// Creates a workspace with the built-in roles and makes `owner` its owner.
pub async fn create_workspace(
    state: &AppState,
    name: &str,
    owner: &str,
) -> Result<Workspace, ApiError> {
    let name = users::validate_name("name", name)?;
    let id = crate::db::new_id();
    let sql = format!(
        "CREATE type::record('workspace', $id) SET name = $name, created_by = $owner RETURN {WORKSPACE_FIELDS}"
    );
    let mut workspace: Workspace = state
        .db
        .row(&sql, json!({ "id": id, "name": name, "owner": owner }))
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("workspace {id} not returned")))?;
    roles::seed_builtin_roles(state, &id).await?;
    state
        .authz
        .assign(&format!("user:{owner}"), "owner", &id)
        .await?;
    workspace.role = Some("owner".into());
    tracing::info!(workspace = %id, "workspace created");
    Ok(workspace)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceName {
    #[schema(example = "Acme Pazarlama")]
    pub name: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkspaceUpdate {
    #[schema(example = "Acme Pazarlama")]
    pub name: Option<String>,
    #[schema(example = "TR")]
    pub default_region: Option<String>,
    #[schema(example = "tr")]
    pub locale: Option<String>,
    #[schema(example = "Europe/Istanbul")]
    pub time_zone: Option<String>,
}

/// Create a workspace
///
/// You become its owner.
#[utoipa::path(
    tag = "workspaces",
    request_body = WorkspaceName,
    responses(
        (status = 201, description = "Created", body = Workspace),
        (status = 400, description = "Invalid name", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "API tokens cannot create workspaces", body = ErrorBody),
        (status = 409, description = "You created `quotas.workspaces_per_user` workspaces already", body = ErrorBody),
    ),
    security(("session" = []))
)]
#[post("/workspaces")]
#[tracing::instrument(skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    origin: crate::audit::Origin,
    body: web::Json<WorkspaceName>,
) -> Result<HttpResponse, ApiError> {
    principal.require_session()?;
    let quota = state.settings.quotas.workspaces_per_user;
    if quota > 0 && !principal.user.superadmin {
        let made: Option<u64> = state
            .db
            .row(
                "SELECT VALUE count() FROM workspace WHERE created_by = $user \
                 AND deleting_since IS NONE GROUP ALL",
                json!({ "user": principal.user.id }),
            )
            .await?;
        if made.unwrap_or(0) >= quota {
            return Err(ApiError::conflict(
                "quota_exceeded",
                format!("you created {quota} workspaces already (quotas.workspaces_per_user)"),
            )
            .with_details(json!({ "quota": "workspaces_per_user", "limit": quota })));
        }
    }
    let workspace = create_workspace(&state, &body.name, &principal.user.id).await?;
    crate::audit::append(
        &state.db,
        crate::audit::Entry::by(&principal, &origin, "workspace.created")
            .workspace(&workspace.id)
            .target(&workspace.id)
            .details(json!({ "name": workspace.name })),
    )
    .await;
    Ok(HttpResponse::Created().json(workspace))
}

/// List your workspaces
///
/// The workspaces where you hold a role, with that role. An API token sees only its own workspace.
#[utoipa::path(
    tag = "workspaces",
    params(PageQuery),
    responses(
        (status = 200, description = "Your workspaces, by id", body = Page<Workspace>),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces")]
#[tracing::instrument(skip_all)]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<Workspace>>, ApiError> {
    let mut memberships = state.authz.workspaces_of(&principal.subject()).await;
    memberships.sort();
    let ids: Vec<String> = memberships
        .iter()
        .map(|(ws, _)| ws.clone())
        .filter(|ws| ws.as_str() > query.after())
        .take(query.limit() + 1)
        .collect();
    let sql = format!(
        "SELECT {WORKSPACE_FIELDS} FROM workspace WHERE record::id(id) IN $ids ORDER BY id"
    );
    let mut rows: Vec<Workspace> = state.db.rows(&sql, json!({ "ids": ids })).await?;
    for workspace in &mut rows {
        workspace.role = memberships
            .iter()
            .find(|(ws, _)| *ws == workspace.id)
            .map(|(_, role)| role.clone());
    }
    Ok(web::Json(Page::from_rows(rows, query.limit(), |w| {
        w.id.clone()
    })))
}

/// Get a workspace
///
/// The workspace's name, region, locale and time zone, and your role in it.
#[utoipa::path(
    tag = "workspaces",
    params(("workspace" = String, Path, description = "Workspace id")),
    responses(
        (status = 200, description = "The workspace, with your role", body = Workspace),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}")]
#[tracing::instrument(skip_all)]
pub async fn get_one(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
) -> Result<web::Json<Workspace>, ApiError> {
    let subject = principal.subject();
    state
        .authz
        .check(&principal, &path, "workspace", "read")
        .await?;
    let mut workspace = find(&state, &path)
        .await?
        .ok_or_else(|| ApiError::not_found("workspace"))?;
    workspace.role = state.authz.role_of(&subject, &path).await;
    Ok(web::Json(workspace))
}

/// Update a workspace
///
/// Rename it, or change the region used to read national phone numbers, the language of dates and
/// salutations, or the time zone.
#[utoipa::path(
    tag = "workspaces",
    params(("workspace" = String, Path, description = "Workspace id")),
    request_body = WorkspaceUpdate,
    responses(
        (status = 200, description = "Updated", body = Workspace),
        (status = 400, description = "Invalid name or region", body = ErrorBody),
        (status = 403, description = "Your role may not change it", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[patch("/workspaces/{workspace}")]
#[tracing::instrument(skip_all)]
pub async fn rename(
    state: web::Data<AppState>,
    principal: Principal,
    origin: crate::audit::Origin,
    path: web::Path<String>,
    body: web::Json<WorkspaceUpdate>,
) -> Result<web::Json<Workspace>, ApiError> {
    let subject = principal.subject();
    state
        .authz
        .check(&principal, &path, "workspace", "update")
        .await?;
    let current = find(&state, &path)
        .await?
        .ok_or_else(|| ApiError::not_found("workspace"))?;
    let name = match &body.name {
        Some(name) => users::validate_name("name", name)?,
        None => current.name,
    };
    let region = match &body.default_region {
        Some(region) => validate_region(region)?,
        None => current.default_region,
    };
    let locale = match &body.locale {
        Some(locale) => validate_locale(locale)?,
        None => current.locale,
    };
    let time_zone = match &body.time_zone {
        Some(zone) => validate_time_zone(zone)?,
        None => current.time_zone,
    };
    let sql = format!(
        "UPDATE type::record('workspace', $id) SET name = $name, default_region = $region, locale = $locale,          time_zone = $zone RETURN {WORKSPACE_FIELDS}"
    );
    let mut workspace: Workspace = state
        .db
        .row(&sql, json!({ "id": path.as_str(), "name": name, "region": region, "locale": locale, "zone": time_zone }))
        .await?
        .ok_or_else(|| ApiError::not_found("workspace"))?;
    workspace.role = state.authz.role_of(&subject, &path).await;
    crate::audit::append(
        &state.db,
        crate::audit::Entry::by(&principal, &origin, "workspace.updated")
            .workspace(&path)
            .target(path.as_str())
            .details(json!({
                "name": workspace.name,
                "default_region": workspace.default_region,
                "locale": workspace.locale,
                "time_zone": workspace.time_zone,
            })),
    )
    .await;
    Ok(web::Json(workspace))
}

/// Delete a workspace
///
/// The workspace disappears at once for everyone (memberships, roles, API tokens and invitations);
/// its contacts, variables, templates, media, plugin settings and data and import jobs are purged in
/// the background. A purge interrupted by a restart is finished at the next start.
#[utoipa::path(
    tag = "workspaces",
    params(("workspace" = String, Path, description = "Workspace id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Only owners may delete a workspace", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[delete("/workspaces/{workspace}")]
#[tracing::instrument(skip_all)]
pub async fn delete_one(
    state: web::Data<AppState>,
    principal: Principal,
    origin: crate::audit::Origin,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    state
        .authz
        .check(&principal, &path, "workspace", "delete")
        .await?;
    let name = find(&state, &path).await?.map(|w| w.name);
    let started = deletion::start(state.clone(), &path).await;
    // Deleted once marked, whatever of the rest failed (the purge resumes it).
    if started.is_ok() || is_being_deleted(&state.db, &path).await.unwrap_or(false) {
        crate::audit::append(
            &state.db,
            crate::audit::Entry::by(&principal, &origin, "workspace.deleted")
                .workspace(&path)
                .target(path.as_str())
                .details(json!({ "name": name })),
        )
        .await;
    }
    started?;
    tracing::info!(workspace = %path, "workspace deleted");
    Ok(HttpResponse::NoContent().finish())
}

/// Whether the workspace is gone or being purged (writes from outside, such as webhooks, stop).
pub async fn is_being_deleted(db: &crate::db::Db, workspace: &str) -> Result<bool, ApiError> {
    let live: Option<bool> = db
        .rows::<bool>(
            "SELECT VALUE deleting_since IS NONE FROM type::record('workspace', $ws)",
            json!({ "ws": workspace }),
        )
        .await?
        .into_iter()
        .next();
    Ok(live != Some(true))
}
