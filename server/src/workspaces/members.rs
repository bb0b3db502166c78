//! Members of a workspace. People join by invitation (see [`super::invitations`]); a member's role
//! changes and removals are single store transactions that keep at least one owner. Leaving or being
//! removed also revokes the member's API tokens for it.

use actix_web::{HttpResponse, delete, get, patch, web};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::roles;
use crate::app::AppState;
use crate::auth::{Principal, tokens, users};
use crate::error::{ApiError, ErrorBody};
use crate::pagination::{Page, PageQuery};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Member {
    #[schema(example = "u0k2m4n6p8r0t2v4x6z8")]
    pub user_id: String,
    #[schema(example = "ayse@example.com")]
    pub email: String,
    #[schema(example = "Ayşe Yılmaz")]
    pub name: String,
    #[schema(example = "editor")]
    pub role: String,
}

pub(crate) fn user_subject(user_id: &str) -> String {
    format!("user:{user_id}")
}

/// List members
///
/// Who belongs to the workspace and with which role, in pages.
#[utoipa::path(
    tag = "members",
    params(("workspace" = String, Path, description = "Workspace id"), PageQuery),
    responses(
        (status = 200, description = "Members with their roles, by user id", body = Page<Member>),
        (status = 403, description = "Your role may not read members", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/members")]
#[tracing::instrument(skip_all)]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<Member>>, ApiError> {
    state
        .authz
        .check(&principal, &path, "members", "read")
        .await?;
    let assignments: Vec<(String, String)> = state
        .authz
        .assignments(&path)
        .await
        .into_iter()
        .filter_map(|(subject, role)| Some((subject.strip_prefix("user:")?.to_owned(), role)))
        .filter(|(user, _)| user.as_str() > query.after())
        .take(query.limit() + 1)
        .collect();
    let ids: Vec<&String> = assignments.iter().map(|(user, _)| user).collect();
    let found: Vec<users::User> = state
        .db
        .rows(
            "SELECT record::id(id) AS id, email, name, superadmin, created_at FROM user WHERE record::id(id) IN $ids ORDER BY id",
            json!({ "ids": ids }),
        )
        .await?;
    let members = found
        .into_iter()
        .filter_map(|user| {
            let role = assignments.iter().find(|(id, _)| *id == user.id)?.1.clone();
            Some(Member {
                user_id: user.id,
                email: user.email,
                name: user.name,
                role,
            })
        })
        .collect();
    Ok(web::Json(Page::from_rows(members, query.limit(), |m| {
        m.user_id.clone()
    })))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeRole {
    #[schema(example = "admin")]
    pub role: String,
}

/// Change a member's role
///
/// Applies from the member's next request. The last owner cannot be demoted.
#[utoipa::path(
    tag = "members",
    params(("workspace" = String, Path, description = "Workspace id"), ("user" = String, Path, description = "User id")),
    request_body = ChangeRole,
    responses(
        (status = 200, description = "Changed", body = Member),
        (status = 403, description = "Not allowed, or either role exceeds yours", body = ErrorBody),
        (status = 404, description = "No such workspace, member or role", body = ErrorBody),
        (status = 409, description = "Would leave the workspace without an owner", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[patch("/workspaces/{workspace}/members/{user}")]
#[tracing::instrument(skip_all)]
pub async fn change_role(
    state: web::Data<AppState>,
    principal: Principal,
    origin: crate::audit::Origin,
    path: web::Path<(String, String)>,
    body: web::Json<ChangeRole>,
) -> Result<web::Json<Member>, ApiError> {
    let (workspace, user_id) = path.into_inner();
    // Decided on the store's latest policy: the caller's role, or the member's, may have changed
    // through another replica a moment ago.
    state.authz.catch_up().await?;
    state
        .authz
        .check(&principal, &workspace, "members", "write")
        .await?;
    let target = user_subject(&user_id);
    let current = state
        .authz
        .role_of(&target, &workspace)
        .await
        .ok_or_else(|| ApiError::not_found("member"))?;
    // Changing someone's role is granting their old one away and the new one to them: both must be yours to give.
    roles::ensure_grantable(&state, &principal, &workspace, &current).await?;
    roles::ensure_grantable(&state, &principal, &workspace, &body.role).await?;
    state
        .authz
        .set_member_role(&target, &workspace, Some(&body.role))
        .await?;
    let user = users::find_by_id(&state, &user_id)
        .await?
        .ok_or_else(|| ApiError::not_found("member"))?
        .user;
    crate::audit::append(
        &state.db,
        crate::audit::Entry::by(&principal, &origin, "member.role_changed")
            .workspace(&workspace)
            .target(&user.id)
            .details(serde_json::json!({ "email": user.email, "from": current, "to": body.role })),
    )
    .await;
    Ok(web::Json(Member {
        user_id: user.id,
        email: user.email,
        name: user.name,
        role: body.role.clone(),
    }))
}

/// Remove a member
///
/// Members may remove themselves. Their API tokens for this workspace are revoked.
#[utoipa::path(
    tag = "members",
    params(("workspace" = String, Path, description = "Workspace id"), ("user" = String, Path, description = "User id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not allowed", body = ErrorBody),
        (status = 404, description = "No such workspace or member", body = ErrorBody),
        (status = 409, description = "The last owner cannot leave", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[delete("/workspaces/{workspace}/members/{user}")]
#[tracing::instrument(skip_all)]
pub async fn remove(
    state: web::Data<AppState>,
    principal: Principal,
    origin: crate::audit::Origin,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (workspace, user_id) = path.into_inner();
    state.authz.catch_up().await?;
    let subject = principal.subject();
    let leaving_self = subject == user_subject(&user_id);
    if leaving_self {
        state
            .authz
            .check(&principal, &workspace, "workspace", "read")
            .await?;
    } else {
        state
            .authz
            .check(&principal, &workspace, "members", "write")
            .await?;
    }
    let target = user_subject(&user_id);
    let current = state
        .authz
        .role_of(&target, &workspace)
        .await
        .ok_or_else(|| ApiError::not_found("member"))?;
    if !leaving_self {
        roles::ensure_grantable(&state, &principal, &workspace, &current).await?;
    }
    state
        .authz
        .set_member_role(&target, &workspace, None)
        .await?;
    crate::audit::append(
        &state.db,
        crate::audit::Entry::by(&principal, &origin, "member.removed")
            .workspace(&workspace)
            .target(&user_id)
            .details(serde_json::json!({ "role": current, "left": leaving_self })),
    )
    .await;
    tokens::revoke_for_member(&state, &workspace, Some(&user_id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
