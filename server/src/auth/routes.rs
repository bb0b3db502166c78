//! `/api/v1/auth/…`: register, login, logout, who am I, change password; `/api/v1/admin/users`.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::rate_limit::{ClientNet, MAX_EMAIL_KEY_BYTES};
use super::users::{self, NewAccount, User};
use super::{Credential, Principal, SESSION_COOKIE, secrets, sessions};
use crate::app::AppState;
use crate::audit::{self, Actor, Origin};
use crate::error::{ApiError, ErrorBody};
use crate::pagination::{Page, PageQuery};
use crate::workspaces::Workspace;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    #[schema(example = "ayse@example.com")]
    pub email: String,
    /// At least 8 characters.
    #[schema(
        example = "correct horse battery staple",
        min_length = 8,
        max_length = 1024
    )]
    pub password: String,
    #[schema(example = "Ayşe Yılmaz", min_length = 1, max_length = 100)]
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegisterResponse {
    pub user: User,
    /// Present for the instance's first account: the workspace it now owns.
    pub workspace: Option<Workspace>,
}

/// Create an account
///
/// The first account of an instance becomes its superadmin and owner of a first workspace. Later
/// self-registration can be switched off with `auth.allow_registration = false`.
#[utoipa::path(
    tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created; sign in next", body = RegisterResponse),
        (status = 400, description = "Invalid email, name or password", body = ErrorBody),
        (status = 403, description = "Self-registration is switched off", body = ErrorBody),
        (status = 409, description = "Email already registered", body = ErrorBody),
        (status = 429, description = "Too many registrations from your network; see Retry-After", body = ErrorBody),
    )
)]
#[post("/auth/register")]
#[tracing::instrument(skip_all)]
pub async fn register(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let net = state.client_address.of(&req).map(ClientNet::of);
    state.login_limits.before_registration(net)?;
    if !state.settings.auth.allow_registration && users::any_exist(&state).await? {
        return Err(ApiError::new(
            actix_web::http::StatusCode::FORBIDDEN,
            "registration_closed",
            "self-registration is switched off on this server; ask an administrator",
        ));
    }
    let account = NewAccount {
        email: body.email,
        name: body.name,
        password: body.password,
    };
    let (user, workspace) = users::create_account(&state, account, false).await?;
    Ok(HttpResponse::Created().json(RegisterResponse { user, workspace }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "ayse@example.com")]
    pub email: String,
    #[schema(example = "correct horse battery staple")]
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    pub user: User,
    /// Send as the `X-CSRF-Token` header on every POST/PUT/PATCH/DELETE made with the session cookie.
    pub csrf_token: String,
}

fn session_cookie(state: &AppState, value: String, max_age: CookieDuration) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.settings.auth.secure_cookies)
        .max_age(max_age)
        .finish()
}

/// Sign in
///
/// Sets the `ulak_session` cookie (HttpOnly, SameSite=Lax) and returns the CSRF token. Attempts are
/// limited per client network; repeated failures for an account from one network back off
/// exponentially (other networks are not affected).
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = LoginResponse),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 401, description = "Wrong email or password", body = ErrorBody),
        (status = 429, description = "Too many attempts; see Retry-After", body = ErrorBody),
    )
)]
#[post("/auth/login")]
#[tracing::instrument(skip_all)]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let wrong = || ApiError::unauthorized("wrong email or password");
    let email = body.email.trim().to_lowercase();
    if email.len() > MAX_EMAIL_KEY_BYTES {
        return Err(wrong());
    }
    let origin = Origin::of(&state, &req);
    let net = origin.ip.map(ClientNet::of);
    state.login_limits.before_sign_in(net, &email)?;
    // An unknown address is logged as a digest: what was typed (sometimes a password) stays out of
    // the log, and repeated tries at one address still show as one.
    let failed = |user: Option<(&str, &str)>| {
        if !state.login_limits.audit_failure(net) {
            return None;
        }
        let actor = Actor {
            user: user.map(|(id, _)| id.to_owned()),
            email: user.map(|(_, email)| email.to_owned()),
            token: None,
        };
        let details = match user {
            Some(_) => serde_json::json!({}),
            None => serde_json::json!({
                "unknown_address_sha256": secrets::sha256_hex(&email)[..16].to_owned(),
            }),
        };
        Some(audit::Entry::new(actor, &origin, "auth.sign_in_failed").details(details))
    };
    let Some(stored) = users::find_by_email(&state, &email).await? else {
        // Spend the same time as a real check, so response times do not reveal which emails exist.
        let _ = secrets::verify_password(body.password, state.dummy_password_hash.clone()).await;
        state.login_limits.failed_sign_in(net, &email);
        if let Some(entry) = failed(None) {
            audit::append(&state.db, entry).await;
        }
        return Err(wrong());
    };
    if !secrets::verify_password(body.password, stored.password_hash).await? {
        tracing::info!(user = %stored.user.id, "failed login");
        state.login_limits.failed_sign_in(net, &email);
        if let Some(entry) = failed(Some((&stored.user.id, &stored.user.email))) {
            audit::append(&state.db, entry).await;
        }
        return Err(wrong());
    }
    state.login_limits.signed_in(net, &email);
    let session = sessions::create(&state, &stored.user.id).await?;
    let actor = Actor {
        user: Some(stored.user.id.clone()),
        email: Some(stored.user.email.clone()),
        token: None,
    };
    audit::append(
        &state.db,
        audit::Entry::new(actor, &origin, "auth.signed_in"),
    )
    .await;
    let hours = i64::from(state.settings.auth.session_ttl_hours);
    let cookie = session_cookie(&state, session.secret, CookieDuration::hours(hours));
    Ok(HttpResponse::Ok().cookie(cookie).json(LoginResponse {
        user: stored.user,
        csrf_token: session.csrf,
    }))
}

/// Sign out
///
/// Ends the current session and clears its cookie.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Missing CSRF token, or called with an API token", body = ErrorBody),
    ),
    security(("session" = []))
)]
#[post("/auth/logout")]
#[tracing::instrument(skip_all)]
pub async fn logout(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let Credential::Session { key, .. } = principal.credential.as_ref() else {
        return Err(ApiError::forbidden(
            "API tokens are revoked, not logged out",
        ));
    };
    sessions::delete(&state, key).await?;
    let cookie = session_cookie(&state, String::new(), CookieDuration::ZERO);
    Ok(HttpResponse::NoContent().cookie(cookie).finish())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    #[schema(value_type = User)]
    pub user: std::sync::Arc<User>,
    /// `session` or `token`.
    #[schema(example = "session")]
    pub authenticated_by: String,
    /// For sessions: the token to send as `X-CSRF-Token` on mutating requests.
    pub csrf_token: Option<String>,
    /// For API tokens: the token's id and its workspace.
    pub token_id: Option<String>,
    pub token_workspace: Option<String>,
}

/// Who am I
///
/// The signed-in user (or the token's owner) and how the request was authenticated.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 200, description = "The signed-in user or the token's owner", body = MeResponse),
        (status = 401, description = "Not signed in", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/auth/me")]
pub async fn me(principal: Principal) -> web::Json<MeResponse> {
    let (authenticated_by, csrf_token, token_id, token_workspace) =
        match principal.credential.as_ref() {
            Credential::Session { csrf, .. } => ("session", Some(csrf.clone()), None, None),
            Credential::Token { id, workspace } => {
                ("token", None, Some(id.clone()), Some(workspace.clone()))
            }
        };
    web::Json(MeResponse {
        user: principal.user,
        authenticated_by: authenticated_by.to_owned(),
        csrf_token,
        token_id,
        token_workspace,
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    #[schema(example = "an old long password")]
    pub current_password: String,
    /// At least 8 characters.
    #[schema(min_length = 8, max_length = 1024, example = "a new, longer password")]
    pub new_password: String,
    /// Also revoke every API token you created, in every workspace (default false).
    #[serde(default)]
    pub revoke_tokens: bool,
}

/// Change your password
///
/// Every other session of yours ends; this one stays signed in. With `revoke_tokens`, your API tokens
/// are revoked too.
#[utoipa::path(
    tag = "auth",
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed"),
        (status = 400, description = "New password too short or too long", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Current password wrong, CSRF token missing, or called with an API token", body = ErrorBody),
    ),
    security(("session" = []))
)]
#[post("/auth/password")]
#[tracing::instrument(skip_all)]
pub async fn change_password(
    state: web::Data<AppState>,
    principal: Principal,
    origin: Origin,
    body: web::Json<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let Credential::Session { key, .. } = principal.credential.as_ref() else {
        return Err(ApiError::forbidden("sign in with a password to change it"));
    };
    let body = body.into_inner();
    secrets::validate_new_password("new_password", &body.new_password)?;
    let stored = users::find_by_id(&state, &principal.user.id)
        .await?
        .ok_or_else(|| ApiError::unauthorized("account no longer exists"))?;
    if !secrets::verify_password(body.current_password, stored.password_hash).await? {
        return Err(ApiError::new(
            actix_web::http::StatusCode::FORBIDDEN,
            "wrong_password",
            "current_password is wrong",
        ));
    }
    users::set_password(&state, &principal.user.id, body.new_password).await?;
    audit::append(
        &state.db,
        audit::Entry::by(&principal, &origin, "auth.password_changed")
            .details(serde_json::json!({ "revoke_tokens": body.revoke_tokens })),
    )
    .await;
    sessions::delete_all_for_user(&state, &principal.user.id, Some(key)).await?;
    if body.revoke_tokens {
        let revoked = super::tokens::revoke_all_of_user(&state, &principal.user.id).await?;
        tracing::info!(user = %principal.user.id, revoked, "tokens revoked with a password change");
    }
    Ok(HttpResponse::NoContent().finish())
}

/// List all accounts (superadmin)
///
/// Every account on the instance, for the superadmin, in pages.
#[utoipa::path(
    tag = "admin",
    params(PageQuery),
    responses(
        (status = 200, description = "Every account of the instance, by id", body = Page<User>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not the superadmin", body = ErrorBody),
    ),
    security(("session" = []))
)]
#[get("/admin/users")]
#[tracing::instrument(skip_all)]
pub async fn list_users(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<User>>, ApiError> {
    principal.require_superadmin()?;
    let limit = query.limit();
    let rows = users::list_users(&state, Some(query.after()), limit + 1).await?;
    Ok(web::Json(Page::from_rows(rows, limit, |u| u.id.clone())))
}
