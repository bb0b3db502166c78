//! API tokens for integrators: `ulak_<id>_<secret>`, shown once, stored as the SHA-256 digest of the
//! secret. A token belongs to one user and one workspace and holds one role there, never more than its
//! creator holds. Listed with their last use; revoked by deleting them.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::{Credential, Principal, secrets, users};
use crate::app::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::pagination::{Page, PageQuery};
use crate::workspaces::roles;

const MAX_TOKEN_NAME_CHARS: usize = 100;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ApiToken {
    #[schema(example = "t0k2m4n6p8r0t2v4x6z8")]
    pub id: String,
    #[schema(example = "CRM sync")]
    pub name: String,
    pub workspace: String,
    #[schema(example = "editor")]
    pub role: String,
    pub created_at: DateTime<Utc>,
    /// When the token last authenticated a request (updated at most once a minute).
    pub last_used_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedToken {
    #[serde(flatten)]
    pub token: ApiToken,
    /// The secret to send as `Authorization: Bearer <token>`. Shown only in this response.
    #[schema(example = "ulak_t0k2m4n6p8r0t2v4x6z8_6f1c…")]
    pub secret: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    #[schema(example = "CRM sync")]
    pub name: String,
    /// The workspace the token may act in.
    pub workspace: String,
    /// A role of that workspace; defaults to your own role there. It may not grant more than yours.
    #[schema(example = "editor")]
    pub role: Option<String>,
}

#[derive(Deserialize)]
struct StoredToken {
    #[serde(flatten)]
    token: ApiToken,
    user: String,
    secret_hash: String,
}

const TOKEN_FIELDS: &str = "record::id(id) AS id, name, workspace, role, created_at, last_used_at";

fn parse(token: &str) -> Option<(&str, &str)> {
    let rest = token.strip_prefix(super::TOKEN_PREFIX)?;
    let (id, secret) = rest.split_once('_')?;
    (!id.is_empty() && !secret.is_empty() && id.len() <= 40).then_some((id, secret))
}

/// Resolves a bearer token; anything unknown, malformed or revoked is the same 401.
pub async fn authenticate(state: &AppState, token: &str) -> Result<Principal, ApiError> {
    let invalid = || ApiError::unauthorized("invalid or revoked API token");
    let (id, secret) = parse(token).ok_or_else(invalid)?;
    let sql =
        format!("SELECT {TOKEN_FIELDS}, user, secret_hash FROM type::record('api_token', $id)");
    let stored: StoredToken = state
        .db
        .row(&sql, json!({ "id": id }))
        .await?
        .ok_or_else(invalid)?;
    if !secrets::digests_equal(&secrets::sha256_hex(secret), &stored.secret_hash) {
        return Err(invalid());
    }
    let user = users::find_by_id(state, &stored.user)
        .await?
        .ok_or_else(invalid)?
        .user;
    // Best effort: concurrent first uses of a token race on this write, and losing that race must not
    // fail the request the token just authenticated.
    if let Err(e) = state
        .db
        .exec(
            "UPDATE type::record('api_token', $id) SET last_used_at = time::now() \
             WHERE last_used_at IS NONE OR last_used_at < time::now() - 1m",
            json!({ "id": id }),
        )
        .await
    {
        tracing::debug!(error = %e, "token last-use not recorded");
    }
    Ok(Principal {
        user: std::sync::Arc::new(user),
        credential: std::sync::Arc::new(Credential::Token {
            id: stored.token.id,
            workspace: stored.token.workspace,
        }),
    })
}

/// Deletes every API token of a user, in every workspace (on request with a password change).
pub async fn revoke_all_of_user(state: &AppState, user_id: &str) -> Result<usize, ApiError> {
    let rows: Vec<ApiToken> = state
        .db
        .rows(
            &format!("SELECT {TOKEN_FIELDS} FROM api_token WHERE user = $user"),
            json!({ "user": user_id }),
        )
        .await?;
    for token in &rows {
        revoke(state, token).await?;
    }
    Ok(rows.len())
}

/// Deletes the tokens a user holds in a workspace (when they leave it or it is deleted).
pub async fn revoke_for_member(
    state: &AppState,
    workspace: &str,
    user_id: Option<&str>,
) -> Result<(), ApiError> {
    let filter = if user_id.is_some() {
        "workspace = $ws AND user = $user"
    } else {
        "workspace = $ws"
    };
    let rows: Vec<ApiToken> = state
        .db
        .rows(
            &format!("SELECT {TOKEN_FIELDS} FROM api_token WHERE {filter}"),
            json!({ "ws": workspace, "user": user_id }),
        )
        .await?;
    for token in rows {
        revoke(state, &token).await?;
    }
    Ok(())
}

async fn revoke(state: &AppState, token: &ApiToken) -> Result<(), ApiError> {
    state
        .db
        .exec(
            &format!(
                "DELETE type::record('api_token', $id); {}",
                super::BUMP_AUTH_VERSION
            ),
            json!({ "id": token.id }),
        )
        .await?;
    state
        .authz
        .unassign(&format!("token:{}", token.id), &token.workspace)
        .await?;
    state.principals.evict_token(&token.id);
    Ok(())
}

/// Create an API token
///
/// Creates a token for one workspace with one role (by default your own). The secret is returned once;
/// only its digest is stored.
#[utoipa::path(
    tag = "tokens",
    request_body = CreateToken,
    responses(
        (status = 201, description = "Created; `secret` is shown only now", body = CreatedToken),
        (status = 400, description = "Invalid input", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not allowed (or the role grants more than yours)", body = ErrorBody),
        (status = 404, description = "No such workspace or role", body = ErrorBody),
    ),
    security(("session" = []))
)]
#[post("/tokens")]
#[tracing::instrument(skip_all)]
pub async fn create_token(
    state: web::Data<AppState>,
    principal: Principal,
    origin: crate::audit::Origin,
    body: web::Json<CreateToken>,
) -> Result<HttpResponse, ApiError> {
    principal.require_session()?;
    let body = body.into_inner();
    let name = users::validate_name("name", &body.name)?;
    if name.chars().count() > MAX_TOKEN_NAME_CHARS {
        return Err(ApiError::invalid_field("name", "too long"));
    }
    let subject = principal.subject();
    state
        .authz
        .check(&principal, &body.workspace, "tokens", "write")
        .await?;
    let role = match body.role {
        Some(role) => role,
        None => state
            .authz
            .role_of(&subject, &body.workspace)
            .await
            .ok_or_else(|| ApiError::not_found("workspace"))?,
    };
    roles::ensure_grantable(&state, &principal, &body.workspace, &role).await?;

    let id = crate::db::new_id();
    let secret = secrets::random_secret();
    let sql = format!(
        "CREATE type::record('api_token', $id) SET user = $user, workspace = $ws, role = $role, name = $name, \
         secret_hash = $hash RETURN {TOKEN_FIELDS}"
    );
    let token: ApiToken = state
        .db
        .row(
            &sql,
            json!({ "id": id, "user": principal.user.id, "ws": body.workspace, "role": role, "name": name,
                    "hash": secrets::sha256_hex(&secret) }),
        )
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("token {id} not returned")))?;
    state
        .authz
        .assign(&format!("token:{id}"), &role, &body.workspace)
        .await?;
    let secret = format!("{}{id}_{secret}", super::TOKEN_PREFIX);
    crate::audit::append(
        &state.db,
        crate::audit::Entry::by(&principal, &origin, "token.created")
            .workspace(&body.workspace)
            .target(&id)
            .details(json!({ "name": token.name, "role": role })),
    )
    .await;
    Ok(HttpResponse::Created().json(CreatedToken { token, secret }))
}

/// List your API tokens
///
/// Your API tokens (never their secrets), with the time each was last used. Called with an API
/// token, it lists only your tokens of that token's workspace.
#[utoipa::path(
    tag = "tokens",
    params(PageQuery),
    responses(
        (status = 200, description = "Your tokens, oldest id first", body = Page<ApiToken>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "The token's role may not read tokens", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/tokens")]
#[tracing::instrument(skip_all)]
pub async fn list_tokens(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<ApiToken>>, ApiError> {
    let limit = query.limit();
    // A token speaks for one workspace: it sees nothing of its creator's other workspaces.
    let (scope, workspace) = match principal.credential.as_ref() {
        Credential::Token { workspace, .. } => {
            state
                .authz
                .check(&principal, workspace, "tokens", "read")
                .await?;
            ("AND workspace = $ws", Some(workspace.clone()))
        }
        Credential::Session { .. } => ("", None),
    };
    let sql = format!(
        "SELECT {TOKEN_FIELDS} FROM api_token WHERE user = $user {scope} AND record::id(id) > $after \
         ORDER BY id LIMIT $limit"
    );
    let rows: Vec<ApiToken> = state
        .db
        .rows(
            &sql,
            json!({ "user": principal.user.id, "ws": workspace, "after": query.after(), "limit": limit + 1 }),
        )
        .await?;
    Ok(web::Json(Page::from_rows(rows, limit, |t| t.id.clone())))
}

/// Revoke one of your API tokens
///
/// Revokes the token at once: requests that present it answer 401 from then on.
#[utoipa::path(
    tag = "tokens",
    params(("id" = String, Path, description = "Token id")),
    responses(
        (status = 204, description = "Revoked: it stops working at once"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Tokens cannot revoke tokens", body = ErrorBody),
        (status = 404, description = "No such token of yours", body = ErrorBody),
    ),
    security(("session" = []))
)]
#[delete("/tokens/{id}")]
#[tracing::instrument(skip_all)]
pub async fn revoke_token(
    state: web::Data<AppState>,
    principal: Principal,
    origin: crate::audit::Origin,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    principal.require_session()?;
    let sql =
        format!("SELECT {TOKEN_FIELDS} FROM type::record('api_token', $id) WHERE user = $user");
    let token: ApiToken = state
        .db
        .row(
            &sql,
            json!({ "id": id.as_str(), "user": principal.user.id }),
        )
        .await?
        .ok_or_else(|| ApiError::not_found("token"))?;
    revoke(&state, &token).await?;
    crate::audit::append(
        &state.db,
        crate::audit::Entry::by(&principal, &origin, "token.revoked")
            .workspace(&token.workspace)
            .target(&token.id)
            .details(json!({ "name": token.name })),
    )
    .await;
    Ok(HttpResponse::NoContent().finish())
}
