//! User accounts: creation (the first one becomes superadmin and owner of a first workspace), lookup,
//! password changes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::secrets;
use crate::app::AppState;
use crate::db::DbError;
use crate::error::ApiError;
use crate::workspaces::{self, Workspace};

const MAX_EMAIL_BYTES: usize = 254;
const MAX_NAME_CHARS: usize = 100;
const FIRST_WORKSPACE_NAME: &str = "My workspace";

/// A user as the API shows it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct User {
    #[schema(example = "u0k2m4n6p8r0t2v4x6z8")]
    pub id: String,
    #[schema(example = "ayse@example.com")]
    pub email: String,
    #[schema(example = "Ayşe Yılmaz")]
    pub name: String,
    /// Manages the whole instance.
    pub superadmin: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Deserialize)]
pub(crate) struct StoredUser {
    #[serde(flatten)]
    pub user: User,
    pub password_hash: String,
}

const USER_FIELDS: &str =
    "record::id(id) AS id, email, name, superadmin, created_at, password_hash";

/// Lower-cased and trimmed; a 400 naming `field` unless it looks like an address.
pub fn normalize_email(field: &str, raw: &str) -> Result<String, ApiError> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= MAX_EMAIL_BYTES
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        });
    if valid {
        Ok(email)
    } else {
        Err(ApiError::invalid_field(field, "not a valid email address"))
    }
}

pub fn validate_name(field: &str, raw: &str) -> Result<String, ApiError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(ApiError::invalid_field(field, "must not be empty"));
    }
    if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(ApiError::invalid_field(
            field,
            format!("must be at most {MAX_NAME_CHARS} printable characters"),
        ));
    }
    Ok(name.to_owned())
}

pub(crate) async fn find_by_email(
    state: &AppState,
    email: &str,
) -> Result<Option<StoredUser>, ApiError> {
    let sql = format!("SELECT {USER_FIELDS} FROM user WHERE email = $email");
    Ok(state.db.row(&sql, json!({ "email": email })).await?)
}

pub(crate) async fn find_by_id(state: &AppState, id: &str) -> Result<Option<StoredUser>, ApiError> {
    let sql = format!("SELECT {USER_FIELDS} FROM type::record('user', $id)");
    Ok(state.db.row(&sql, json!({ "id": id })).await?)
}

pub struct NewAccount {
    pub email: String,
    pub name: String,
    pub password: String,
}

/// Creates an account. The first account of the instance (or one created with `superadmin`) becomes
/// superadmin; the very first also gets a workspace it owns.
pub async fn create_account(
    state: &AppState,
    account: NewAccount,
    superadmin: bool,
) -> Result<(User, Option<Workspace>), ApiError> {
    let email = normalize_email("email", &account.email)?;
    let name = validate_name("name", &account.name)?;
    secrets::validate_new_password("password", &account.password)?;
    if find_by_email(state, &email).await?.is_some() {
        return Err(email_taken());
    }
    let password_hash = secrets::hash_password(account.password).await?;
    let id = crate::db::new_id();
    let vars = json!({ "id": id, "email": email, "name": name, "hash": password_hash });

    // Claiming meta:bootstrap and creating the user happen in one transaction, so exactly one account
    // is ever "the first", even when two registrations race.
    let first = state
        .db
        .exec(
            "BEGIN; CREATE meta:bootstrap SET user = $id; \
             CREATE type::record('user', $id) SET email = $email, name = $name, password_hash = $hash, superadmin = true; \
             COMMIT;",
            vars.clone(),
        )
        .await;
    let is_first = match first {
        Ok(()) => true,
        Err(DbError::Conflict(_)) => {
            let created = state
                .db
                .exec(
                    "CREATE type::record('user', $id) SET email = $email, name = $name, password_hash = $hash, superadmin = $superadmin",
                    json!({ "id": id, "email": email, "name": name, "hash": password_hash, "superadmin": superadmin }),
                )
                .await;
            match created {
                Ok(()) => false,
                Err(DbError::Conflict(_)) => return Err(email_taken()),
                Err(e) => return Err(e.into()),
            }
        }
        Err(e) => return Err(e.into()),
    };
    let user = find_by_id(state, &id)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("user {id} vanished after creation")))?
        .user;
    let workspace = if is_first {
        Some(workspaces::create_workspace(state, FIRST_WORKSPACE_NAME, &user.id).await?)
    } else {
        None
    };
    tracing::info!(user = %user.id, superadmin = user.superadmin, "account created");
    Ok((user, workspace))
}

fn email_taken() -> ApiError {
    ApiError::conflict("email_taken", "an account with this email already exists")
        .with_details(json!({ "field": "email" }))
}

pub async fn set_password(
    state: &AppState,
    user_id: &str,
    password: String,
) -> Result<(), ApiError> {
    let hash = secrets::hash_password(password).await?;
    state
        .db
        .exec(
            "UPDATE type::record('user', $id) SET password_hash = $hash",
            json!({ "id": user_id, "hash": hash }),
        )
        .await?;
    Ok(())
}

/// The superadmin's view of every account, by id.
pub async fn list_users(
    state: &AppState,
    after: Option<&str>,
    limit: usize,
) -> Result<Vec<User>, ApiError> {
    let sql = "SELECT record::id(id) AS id, email, name, superadmin, created_at FROM user \
               WHERE record::id(id) > $after ORDER BY id LIMIT $limit";
    Ok(state
        .db
        .rows(sql, json!({ "after": after.unwrap_or(""), "limit": limit }))
        .await?)
}

pub async fn any_exist(state: &AppState) -> Result<bool, ApiError> {
    let rows: Vec<serde_json::Value> = state
        .db
        .rows("SELECT VALUE id FROM user LIMIT 1", json!({}))
        .await?;
    Ok(!rows.is_empty())
}
