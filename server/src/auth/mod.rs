//! Who is calling: users (argon2id passwords), browser sessions (HttpOnly cookie + CSRF token on
//! mutating requests), API tokens (`Authorization: Bearer`, stored hashed), login rate limits, and the
//! Casbin enforcer with its SurrealDB adapter.

pub mod casbin_adapter;
pub mod permissions;
pub mod policy;
pub mod rate_limit;
pub mod reset;
pub mod routes;
pub mod secrets;
pub mod sessions;
pub mod tokens;
pub mod users;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::dev::Payload;
use actix_web::http::Method;
use actix_web::{FromRequest, HttpRequest, web};
use parking_lot::RwLock;

use crate::app::AppState;
use crate::error::ApiError;
use users::User;

pub const SESSION_COOKIE: &str = "ulak_session";
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const TOKEN_PREFIX: &str = "ulak_";

/// Appended to every query that ends a session or a token or changes a password: replicas drop
/// their cached principals when this version moves.
pub const BUMP_AUTH_VERSION: &str = "UPSERT meta:auth_version SET n = (n ?? 0) + 1;";

#[derive(Debug, Clone)]
pub enum Credential {
    Session { key: String, csrf: String },
    Token { id: String, workspace: String },
}

/// An authenticated caller: the user, and how they proved it. Cheap to clone (shared), because
/// every authenticated request takes one from the cache.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: Arc<User>,
    pub credential: Arc<Credential>,
}

impl Principal {
    /// The Casbin subject: the user for sessions, the token itself for tokens (so a token holds only the
    /// role it was given, in the one workspace it was made for).
    pub fn subject(&self) -> String {
        match self.credential.as_ref() {
            Credential::Session { .. } => format!("user:{}", self.user.id),
            Credential::Token { id, .. } => format!("token:{id}"),
        }
    }

    /// Every Casbin subject that must allow an action: the user for a session; for a token, the
    /// token and the user who created it.
    pub fn subjects(&self) -> Vec<String> {
        match self.credential.as_ref() {
            Credential::Session { .. } => vec![format!("user:{}", self.user.id)],
            Credential::Token { id, .. } => {
                vec![format!("token:{id}"), format!("user:{}", self.user.id)]
            }
        }
    }

    pub fn require_session(&self) -> Result<(), ApiError> {
        match self.credential.as_ref() {
            Credential::Session { .. } => Ok(()),
            Credential::Token { .. } => Err(ApiError::forbidden(
                "this action needs a signed-in user, not an API token",
            )),
        }
    }

    pub fn require_superadmin(&self) -> Result<(), ApiError> {
        self.require_session()?;
        if self.user.superadmin {
            Ok(())
        } else {
            Err(ApiError::forbidden(
                "only the instance's superadmin may do this",
            ))
        }
    }
}

/// Recently authenticated principals, keyed by the digest of their credential, so that the common
/// request costs no store round trip. Entries expire after `auth.principal_cache_secs`; logout,
/// revocation and password changes on this server evict them at once.
pub struct PrincipalCache {
    ttl: Duration,
    entries: RwLock<HashMap<String, (Principal, Instant)>>,
}

const PRINCIPAL_CACHE_CAPACITY: usize = 10_000;

impl PrincipalCache {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: RwLock::new(HashMap::new()),
        }
    }

    fn get(&self, key: &str) -> Option<Principal> {
        let entries = self.entries.read();
        let (principal, at) = entries.get(key)?;
        (at.elapsed() < self.ttl).then(|| principal.clone())
    }

    fn put(&self, key: String, principal: Principal) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.entries.write();
        if entries.len() >= PRINCIPAL_CACHE_CAPACITY {
            let ttl = self.ttl;
            entries.retain(|_, (_, at)| at.elapsed() < ttl);
            if entries.len() >= PRINCIPAL_CACHE_CAPACITY {
                entries.clear();
            }
        }
        entries.insert(key, (principal, Instant::now()));
    }

    /// Forgets every cached principal (another replica ended a session or revoked a token).
    pub fn clear(&self) {
        self.entries.write().clear();
    }

    pub fn evict(&self, key: &str) {
        self.entries.write().remove(key);
    }

    pub fn evict_user(&self, user_id: &str) {
        self.entries
            .write()
            .retain(|_, (p, _)| p.user.id != user_id);
    }

    pub fn evict_token(&self, token_id: &str) {
        self.entries.write().retain(
            |_, (p, _)| !matches!(p.credential.as_ref(), Credential::Token { id, .. } if id == token_id),
        );
    }
}

fn is_mutating(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req
        .headers()
        .get(actix_web::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

async fn authenticate(
    state: web::Data<AppState>,
    bearer: Option<String>,
    cookie: Option<String>,
) -> Result<Principal, ApiError> {
    if let Some(token) = bearer {
        let key = secrets::sha256_hex(&token);
        if let Some(principal) = state.principals.get(&key) {
            return Ok(principal);
        }
        let principal = tokens::authenticate(&state, &token).await?;
        state.principals.put(key, principal.clone());
        return Ok(principal);
    }
    if let Some(secret) = cookie {
        let key = secrets::sha256_hex(&secret);
        if let Some(principal) = state.principals.get(&key) {
            return Ok(principal);
        }
        let principal = sessions::authenticate(&state, &key).await?;
        state.principals.put(key, principal.clone());
        return Ok(principal);
    }
    Err(ApiError::unauthorized(
        "sign in, or send Authorization: Bearer <token>",
    ))
}

/// Whether a principal's credential still stands (for long-lived responses such as event streams,
/// which check it again now and then): the session not ended or expired, the token not revoked.
pub async fn still_valid(db: &crate::db::Db, principal: &Principal) -> bool {
    let (sql, id) = match principal.credential.as_ref() {
        Credential::Session { key, .. } => (
            "SELECT VALUE expires_at > time::now() FROM type::record('session', $id)",
            key.clone(),
        ),
        Credential::Token { id, .. } => (
            "SELECT VALUE true FROM type::record('api_token', $id)",
            id.clone(),
        ),
    };
    matches!(
        db.row::<bool>(sql, serde_json::json!({ "id": id })).await,
        Ok(Some(true))
    )
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let bearer = bearer_token(req);
        let cookie = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned());
        let csrf_header = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mutating = is_mutating(req.method());
        Box::pin(async move {
            let state =
                state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("app state missing")))?;
            let principal = authenticate(state, bearer, cookie).await?;
            if let Credential::Session { csrf, .. } = principal.credential.as_ref()
                && mutating
            {
                let sent = csrf_header.unwrap_or_default();
                if !secrets::digests_equal(&sent, csrf) {
                    return Err(ApiError::new(
                        actix_web::http::StatusCode::FORBIDDEN,
                        "csrf_failed",
                        "missing or wrong X-CSRF-Token header (GET /api/v1/auth/me returns the token)",
                    ));
                }
            }
            Ok(principal)
        })
    }
}
