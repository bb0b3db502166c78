//! Roles of a workspace: the built-in four (seeded per workspace, immutable) and custom ones made from
//! the permission catalogue. A role's metadata lives in the `role` table, its permissions as Casbin
//! policy lines. Nobody can create, grant or hand out a role that grants more than they hold.

use std::collections::BTreeSet;

use actix_web::{HttpResponse, delete, get, post, put, web};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::Principal;
use crate::auth::permissions::{self, BUILTIN_ROLES, CATALOGUE, Permission};
use crate::db::DbError;
use crate::error::{ApiError, ErrorBody};
use crate::pagination::{Page, PageQuery};

const MAX_ROLE_NAME_CHARS: usize = 40;
const MAX_DESCRIPTION_CHARS: usize = 300;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Role {
    #[schema(example = "campaign_manager")]
    pub name: String,
    #[schema(example = "Runs campaigns, cannot touch channels")]
    pub description: String,
    /// Built-in roles (owner, admin, editor, viewer) cannot be changed or deleted.
    pub builtin: bool,
    pub permissions: Vec<Permission>,
}

#[derive(Deserialize)]
pub(crate) struct StoredRole {
    name: String,
    description: String,
    builtin: bool,
}

pub(crate) async fn seed_builtin_roles(state: &AppState, workspace: &str) -> Result<(), ApiError> {
    for (name, description) in BUILTIN_ROLES {
        let permissions = permissions::builtin_permissions(name).unwrap_or_default();
        insert_role(state, workspace, name, description, true).await?;
        state
            .authz
            .set_role_permissions(workspace, name, &permissions)
            .await?;
    }
    Ok(())
}

/// Brings the built-in roles of every workspace to the current catalogue when it changed since
/// the store last saw it (new permissions, or a built-in role that now grants less).
pub async fn upgrade_builtin_roles(state: &AppState) -> Result<(), ApiError> {
    let seen: Option<i64> = state
        .db
        .row("SELECT VALUE v FROM meta:builtin_roles", json!({}))
        .await?;
    if seen.unwrap_or(1) >= permissions::BUILTIN_ROLES_VERSION {
        return Ok(());
    }
    let workspaces: Vec<String> = state
        .db
        .rows(
            "SELECT VALUE record::id(id) FROM workspace WHERE deleting_since IS NONE",
            json!({}),
        )
        .await?;
    for workspace in &workspaces {
        for (name, description) in BUILTIN_ROLES {
            let permissions = permissions::builtin_permissions(name).unwrap_or_default();
            state
                .db
                .exec(
                    "UPDATE role SET description = $description WHERE workspace = $ws AND name = $name",
                    json!({ "ws": workspace, "name": name, "description": description }),
                )
                .await?;
            state
                .authz
                .set_role_permissions(workspace, name, &permissions)
                .await?;
        }
    }
    state
        .db
        .exec(
            "UPSERT meta:builtin_roles SET v = $v",
            json!({ "v": permissions::BUILTIN_ROLES_VERSION }),
        )
        .await?;
    tracing::info!(
        workspaces = workspaces.len(),
        "built-in roles brought up to date"
    );
    Ok(())
}

async fn insert_role(
    state: &AppState,
    workspace: &str,
    name: &str,
    description: &str,
    builtin: bool,
) -> Result<(), ApiError> {
    let result = state
        .db
        .exec(
            "CREATE role SET workspace = $ws, name = $name, description = $description, builtin = $builtin",
            json!({ "ws": workspace, "name": name, "description": description, "builtin": builtin }),
        )
        .await;
    match result {
        Err(DbError::Conflict(_)) => Err(ApiError::conflict(
            "role_exists",
            format!("a role named `{name}` already exists in this workspace"),
        )),
        other => Ok(other?),
    }
}

pub(crate) async fn find_stored(
    state: &AppState,
    workspace: &str,
    name: &str,
) -> Result<Option<StoredRole>, ApiError> {
    Ok(state
        .db
        .row(
            "SELECT name, description, builtin FROM role WHERE workspace = $ws AND name = $name",
            json!({ "ws": workspace, "name": name }),
        )
        .await?)
}

async fn with_permissions(state: &AppState, workspace: &str, stored: StoredRole) -> Role {
    let permissions = state.authz.role_permissions(workspace, &stored.name).await;
    Role {
        name: stored.name,
        description: stored.description,
        builtin: stored.builtin,
        permissions,
    }
}

/// The role must exist in the workspace, and grant nothing the subject lacks there.
pub async fn ensure_grantable(
    state: &AppState,
    principal: &Principal,
    workspace: &str,
    role: &str,
) -> Result<(), ApiError> {
    if find_stored(state, workspace, role).await?.is_none() {
        return Err(ApiError::not_found("role").with_details(json!({ "field": "role" })));
    }
    let wanted = state.authz.role_permissions(workspace, role).await;
    ensure_within_own(state, principal, workspace, &wanted).await
}

async fn ensure_within_own(
    state: &AppState,
    principal: &Principal,
    workspace: &str,
    wanted: &[Permission],
) -> Result<(), ApiError> {
    let own: BTreeSet<Permission> = state
        .authz
        .effective_permissions(principal, workspace)
        .await?
        .into_iter()
        .collect();
    let beyond: Vec<String> = wanted
        .iter()
        .filter(|p| !own.contains(p))
        .map(|p| format!("{}:{}", p.resource, p.action))
        .collect();
    if beyond.is_empty() {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "that would grant permissions you do not hold: {}",
            beyond.join(", ")
        ))
        .with_details(json!({ "permissions": beyond })))
    }
}

fn validate_role_name(raw: &str) -> Result<String, ApiError> {
    let name = raw.trim();
    let valid = !name.is_empty()
        && name.chars().count() <= MAX_ROLE_NAME_CHARS
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if !valid {
        return Err(ApiError::invalid_field(
            "name",
            format!("use 1 to {MAX_ROLE_NAME_CHARS} of a-z, 0-9, _ and -"),
        ));
    }
    Ok(name.to_owned())
}

/// Checks every permission against the catalogue and adds `workspace:read`, which every role has.
fn normalize_permissions(requested: Vec<Permission>) -> Result<Vec<Permission>, ApiError> {
    let mut set = BTreeSet::new();
    for (index, permission) in requested.into_iter().enumerate() {
        if !permission.is_in_catalogue() {
            return Err(ApiError::invalid_field(
                &format!("permissions[{index}]"),
                format!(
                    "`{}:{}` is not in the permission catalogue (GET /api/v1/permissions)",
                    permission.resource, permission.action
                ),
            ));
        }
        set.insert(permission);
    }
    set.insert(Permission::new("workspace", "read"));
    Ok(set.into_iter().collect())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogueEntry {
    #[schema(example = "contacts")]
    pub resource: String,
    #[schema(example = json!(["read", "write"]))]
    pub actions: Vec<String>,
    pub description: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Catalogue {
    pub permissions: Vec<CatalogueEntry>,
    /// The built-in roles and what they grant.
    pub builtin_roles: Vec<Role>,
}

/// The permission catalogue
///
/// Every resource and action a role can grant, and the built-in roles, for building role editors.
#[utoipa::path(
    tag = "roles",
    responses(
        (status = 200, description = "The catalogue", body = Catalogue),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/permissions")]
pub async fn catalogue(_principal: Principal) -> web::Json<Catalogue> {
    let permissions = CATALOGUE
        .iter()
        .map(|(resource, actions, description)| CatalogueEntry {
            resource: (*resource).to_owned(),
            actions: actions.iter().map(|a| (*a).to_owned()).collect(),
            description: (*description).to_owned(),
        })
        .collect();
    let builtin_roles = BUILTIN_ROLES
        .iter()
        .map(|(name, description)| Role {
            name: (*name).to_owned(),
            description: (*description).to_owned(),
            builtin: true,
            permissions: permissions::builtin_permissions(name).unwrap_or_default(),
        })
        .collect();
    web::Json(Catalogue {
        permissions,
        builtin_roles,
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyPermissions {
    #[schema(example = "editor")]
    pub role: Option<String>,
    pub permissions: Vec<Permission>,
}

/// Your permissions in a workspace
///
/// What you (or this token) may do here, as (resource, action) pairs: what the UI shows or hides.
#[utoipa::path(
    tag = "roles",
    params(("workspace" = String, Path, description = "Workspace id")),
    responses(
        (status = 200, description = "Your role and what it grants here", body = MyPermissions),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/permissions/me")]
pub async fn my_permissions(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
) -> Result<web::Json<MyPermissions>, ApiError> {
    state
        .authz
        .check(&principal, &path, "workspace", "read")
        .await?;
    Ok(web::Json(MyPermissions {
        role: state.authz.role_of(&principal.subject(), &path).await,
        permissions: state.authz.effective_permissions(&principal, &path).await?,
    }))
}

/// List roles
///
/// Built-in and custom roles of the workspace with their permissions.
#[utoipa::path(
    tag = "roles",
    params(("workspace" = String, Path, description = "Workspace id"), PageQuery),
    responses(
        (status = 200, description = "Built-in and custom roles, by name", body = Page<Role>),
        (status = 403, description = "Your role may not read roles", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/roles")]
#[tracing::instrument(skip_all)]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<Role>>, ApiError> {
    state
        .authz
        .check(&principal, &path, "roles", "read")
        .await?;
    let stored: Vec<StoredRole> = state
        .db
        .rows(
            "SELECT name, description, builtin FROM role WHERE workspace = $ws AND name > $after ORDER BY name LIMIT $limit",
            json!({ "ws": path.as_str(), "after": query.after(), "limit": query.limit() + 1 }),
        )
        .await?;
    let mut roles = Vec::with_capacity(stored.len());
    for role in stored {
        roles.push(with_permissions(&state, &path, role).await);
    }
    Ok(web::Json(Page::from_rows(roles, query.limit(), |r| {
        r.name.clone()
    })))
}

/// Get a role
///
/// One role and its permissions.
#[utoipa::path(
    tag = "roles",
    params(("workspace" = String, Path, description = "Workspace id"), ("name" = String, Path, description = "Role name")),
    responses(
        (status = 200, description = "The role", body = Role),
        (status = 403, description = "Your role may not read roles", body = ErrorBody),
        (status = 404, description = "No such workspace or role", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/roles/{name}")]
pub async fn get_one(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<web::Json<Role>, ApiError> {
    let (workspace, name) = path.into_inner();
    state
        .authz
        .check(&principal, &workspace, "roles", "read")
        .await?;
    let stored = find_stored(&state, &workspace, &name)
        .await?
        .ok_or_else(|| ApiError::not_found("role"))?;
    Ok(web::Json(
        with_permissions(&state, &workspace, stored).await,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRole {
    /// 1 to 40 of a-z, 0-9, `_` and `-`.
    #[schema(example = "campaign_manager")]
    pub name: String,
    #[serde(default)]
    #[schema(example = "Runs campaigns, cannot touch channels")]
    pub description: String,
    #[schema(example = json!([{"resource": "campaigns", "action": "write"}, {"resource": "campaigns", "action": "send"}]))]
    pub permissions: Vec<Permission>,
}

fn validate_description(raw: &str) -> Result<String, ApiError> {
    let description = raw.trim();
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(ApiError::invalid_field(
            "description",
            format!("at most {MAX_DESCRIPTION_CHARS} characters"),
        ));
    }
    Ok(description.to_owned())
}

/// Create a custom role
///
/// `workspace:read` is always included. A role cannot grant what you do not hold yourself.
#[utoipa::path(
    tag = "roles",
    params(("workspace" = String, Path, description = "Workspace id")),
    request_body = CreateRole,
    responses(
        (status = 201, description = "Created", body = Role),
        (status = 400, description = "Invalid name or a permission outside the catalogue", body = ErrorBody),
        (status = 403, description = "Not allowed, or grants more than you hold", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
        (status = 409, description = "A role of that name exists (built-in names are taken)", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/roles")]
#[tracing::instrument(skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    principal: Principal,
    origin: crate::audit::Origin,
    path: web::Path<String>,
    body: web::Json<CreateRole>,
) -> Result<HttpResponse, ApiError> {
    state
        .authz
        .check(&principal, &path, "roles", "write")
        .await?;
    let body = body.into_inner();
    let name = validate_role_name(&body.name)?;
    let description = validate_description(&body.description)?;
    let permissions = normalize_permissions(body.permissions)?;
    ensure_within_own(&state, &principal, &path, &permissions).await?;
    insert_role(&state, &path, &name, &description, false).await?;
    state
        .authz
        .set_role_permissions(&path, &name, &permissions)
        .await?;
    let role = Role {
        name,
        description,
        builtin: false,
        permissions,
    };
    crate::audit::append(
        &state.db,
        crate::audit::Entry::by(&principal, &origin, "role.created")
            .workspace(&path)
            .target(&role.name)
            .details(json!({ "permissions": role.permissions })),
    )
    .await;
    Ok(HttpResponse::Created().json(role))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRole {
    #[serde(default)]
    pub description: Option<String>,
    pub permissions: Vec<Permission>,
}

fn builtin_immutable() -> ApiError {
    ApiError::conflict(
        "builtin_role",
        "built-in roles cannot be changed or deleted",
    )
}

/// Change a custom role
///
/// Replaces its permissions (and description); holders get the new permissions on their next request.
#[utoipa::path(
    tag = "roles",
    params(("workspace" = String, Path, description = "Workspace id"), ("name" = String, Path, description = "Role name")),
    request_body = UpdateRole,
    responses(
        (status = 200, description = "Changed", body = Role),
        (status = 400, description = "A permission outside the catalogue", body = ErrorBody),
        (status = 403, description = "Not allowed, or grants more than you hold", body = ErrorBody),
        (status = 404, description = "No such workspace or role", body = ErrorBody),
        (status = 409, description = "Built-in roles are fixed", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[put("/workspaces/{workspace}/roles/{name}")]
#[tracing::instrument(skip_all)]
pub async fn update(
    state: web::Data<AppState>,
    principal: Principal,
    origin: crate::audit::Origin,
    path: web::Path<(String, String)>,
    body: web::Json<UpdateRole>,
) -> Result<web::Json<Role>, ApiError> {
    let (workspace, name) = path.into_inner();
    state
        .authz
        .check(&principal, &workspace, "roles", "write")
        .await?;
    let stored = find_stored(&state, &workspace, &name)
        .await?
        .ok_or_else(|| ApiError::not_found("role"))?;
    if stored.builtin {
        return Err(builtin_immutable());
    }
    let body = body.into_inner();
    let permissions = normalize_permissions(body.permissions)?;
    ensure_within_own(&state, &principal, &workspace, &permissions).await?;
    let description = match body.description {
        Some(d) => validate_description(&d)?,
        None => stored.description,
    };
    state
        .db
        .exec(
            "UPDATE role SET description = $description WHERE workspace = $ws AND name = $name",
            json!({ "ws": workspace, "name": name, "description": description }),
        )
        .await?;
    state
        .authz
        .set_role_permissions(&workspace, &name, &permissions)
        .await?;
    crate::audit::append(
        &state.db,
        crate::audit::Entry::by(&principal, &origin, "role.updated")
            .workspace(&workspace)
            .target(&name)
            .details(json!({ "permissions": permissions })),
    )
    .await;
    Ok(web::Json(Role {
        name,
        description,
        builtin: false,
        permissions,
    }))
}

/// Delete a custom role
///
/// Deletes a custom role; built-in roles and roles still held by a member or token cannot be deleted.
#[utoipa::path(
    tag = "roles",
    params(("workspace" = String, Path, description = "Workspace id"), ("name" = String, Path, description = "Role name")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Your role may not change roles", body = ErrorBody),
        (status = 404, description = "No such workspace or role", body = ErrorBody),
        (status = 409, description = "Built-in, or still held by members or tokens", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[delete("/workspaces/{workspace}/roles/{name}")]
#[tracing::instrument(skip_all)]
pub async fn delete_one(
    state: web::Data<AppState>,
    principal: Principal,
    origin: crate::audit::Origin,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (workspace, name) = path.into_inner();
    state
        .authz
        .check(&principal, &workspace, "roles", "write")
        .await?;
    let stored = find_stored(&state, &workspace, &name)
        .await?
        .ok_or_else(|| ApiError::not_found("role"))?;
    if stored.builtin {
        return Err(builtin_immutable());
    }
    let holders: Vec<String> = state
        .authz
        .assignments(&workspace)
        .await
        .into_iter()
        .filter(|(_, role)| *role == name)
        .map(|(subject, _)| subject)
        .collect();
    if !holders.is_empty() {
        return Err(ApiError::conflict(
            "role_in_use",
            format!(
                "{} member(s) or token(s) still hold this role; reassign them first",
                holders.len()
            ),
        )
        .with_details(json!({ "holders": holders })));
    }
    state
        .db
        .exec(
            "DELETE role WHERE workspace = $ws AND name = $name",
            json!({ "ws": workspace, "name": name }),
        )
        .await?;
    state.authz.remove_role(&workspace, &name).await?;
    crate::audit::append(
        &state.db,
        crate::audit::Entry::by(&principal, &origin, "role.deleted")
            .workspace(&workspace)
            .target(&name),
    )
    .await;
    Ok(HttpResponse::NoContent().finish())
}
