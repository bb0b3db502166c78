//! Browser sessions: the cookie carries a random secret; the store keeps only its SHA-256 digest
//! (as the record id), the user, the CSRF token and the expiry.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

use super::{Credential, Principal, secrets, users};
use crate::app::AppState;
use crate::error::ApiError;

pub struct NewSession {
    /// Goes into the cookie; never stored.
    pub secret: String,
    pub csrf: String,
}

pub async fn create(state: &AppState, user_id: &str) -> Result<NewSession, ApiError> {
    let secret = secrets::random_secret();
    let csrf = secrets::random_secret();
    let hours = i64::from(state.settings.auth.session_ttl_hours);
    let expires_at = Utc::now() + chrono::Duration::hours(hours);
    state
        .db
        .exec(
            "CREATE type::record('session', $key) SET user = $user, csrf = $csrf, expires_at = <datetime>$expires",
            json!({
                "key": secrets::sha256_hex(&secret),
                "user": user_id,
                "csrf": csrf,
                "expires": expires_at.to_rfc3339(),
            }),
        )
        .await?;
    Ok(NewSession { secret, csrf })
}

#[derive(Deserialize)]
struct StoredSession {
    user: String,
    csrf: String,
    expires_at: DateTime<Utc>,
}

/// Resolves a session by the digest of its cookie secret; expired or unknown sessions are a 401.
pub async fn authenticate(state: &AppState, key: &str) -> Result<Principal, ApiError> {
    let session: Option<StoredSession> = state
        .db
        .row(
            "SELECT user, csrf, expires_at FROM type::record('session', $key)",
            json!({ "key": key }),
        )
        .await?;
    let expired = || ApiError::unauthorized("your session has ended; sign in again");
    let session = session.ok_or_else(expired)?;
    if session.expires_at <= Utc::now() {
        delete(state, key).await?;
        return Err(expired());
    }
    let user = users::find_by_id(state, &session.user)
        .await?
        .ok_or_else(expired)?
        .user;
    Ok(Principal {
        user: std::sync::Arc::new(user),
        credential: std::sync::Arc::new(Credential::Session {
            key: key.to_owned(),
            csrf: session.csrf,
        }),
    })
}

pub async fn delete(state: &AppState, key: &str) -> Result<(), ApiError> {
    state
        .db
        .exec(
            &format!(
                "DELETE type::record('session', $key); {}",
                super::BUMP_AUTH_VERSION
            ),
            json!({ "key": key }),
        )
        .await?;
    state.principals.evict(key);
    Ok(())
}

/// Ends every session of a user except `keep` (the one changing the password stays signed in).
pub async fn delete_all_for_user(
    state: &AppState,
    user_id: &str,
    keep: Option<&str>,
) -> Result<(), ApiError> {
    state
        .db
        .exec(
            &format!(
                "DELETE session WHERE user = $user AND record::id(id) != $keep; {}",
                super::BUMP_AUTH_VERSION
            ),
            json!({ "user": user_id, "keep": keep.unwrap_or("") }),
        )
        .await?;
    state.principals.evict_user(user_id);
    Ok(())
}
