//! Ordered, idempotent schema migrations. The applied version is kept in `meta:schema`; each migration
//! runs once, in order, and every statement is written to be safe to repeat (`IF NOT EXISTS`), so two
//! replicas starting together cannot break each other.

use serde::Deserialize;
use serde_json::json;

use super::{Db, DbError};

/// Released migrations are never edited; a change to the schema is a new entry at the end.
const MIGRATIONS: &[(u32, &str)] = &[(1, V1_FOUNDATION)];

const V1_FOUNDATION: &str = r#"
DEFINE TABLE IF NOT EXISTS meta SCHEMALESS;

DEFINE TABLE IF NOT EXISTS user SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS email ON user TYPE string;
DEFINE FIELD IF NOT EXISTS name ON user TYPE string;
DEFINE FIELD IF NOT EXISTS password_hash ON user TYPE string;
DEFINE FIELD IF NOT EXISTS superadmin ON user TYPE bool DEFAULT false;
DEFINE FIELD IF NOT EXISTS created_at ON user TYPE datetime DEFAULT time::now();
DEFINE INDEX IF NOT EXISTS user_email ON user FIELDS email UNIQUE;

DEFINE TABLE IF NOT EXISTS session SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS user ON session TYPE string;
DEFINE FIELD IF NOT EXISTS csrf ON session TYPE string;
DEFINE FIELD IF NOT EXISTS created_at ON session TYPE datetime DEFAULT time::now();
DEFINE FIELD IF NOT EXISTS expires_at ON session TYPE datetime;
DEFINE INDEX IF NOT EXISTS session_user ON session FIELDS user;

DEFINE TABLE IF NOT EXISTS api_token SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS user ON api_token TYPE string;
DEFINE FIELD IF NOT EXISTS workspace ON api_token TYPE string;
DEFINE FIELD IF NOT EXISTS role ON api_token TYPE string;
DEFINE FIELD IF NOT EXISTS name ON api_token TYPE string;
DEFINE FIELD IF NOT EXISTS secret_hash ON api_token TYPE string;
DEFINE FIELD IF NOT EXISTS created_at ON api_token TYPE datetime DEFAULT time::now();
DEFINE FIELD IF NOT EXISTS last_used_at ON api_token TYPE option<datetime>;
DEFINE INDEX IF NOT EXISTS api_token_user ON api_token FIELDS user;
DEFINE INDEX IF NOT EXISTS api_token_workspace ON api_token FIELDS workspace;

DEFINE TABLE IF NOT EXISTS workspace SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS name ON workspace TYPE string;
DEFINE FIELD IF NOT EXISTS created_by ON workspace TYPE string;
DEFINE FIELD IF NOT EXISTS created_at ON workspace TYPE datetime DEFAULT time::now();

DEFINE TABLE IF NOT EXISTS role SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS workspace ON role TYPE string;
DEFINE FIELD IF NOT EXISTS name ON role TYPE string;
DEFINE FIELD IF NOT EXISTS description ON role TYPE string;
DEFINE FIELD IF NOT EXISTS builtin ON role TYPE bool;
DEFINE FIELD IF NOT EXISTS created_at ON role TYPE datetime DEFAULT time::now();
DEFINE INDEX IF NOT EXISTS role_workspace_name ON role FIELDS workspace, name UNIQUE;

DEFINE TABLE IF NOT EXISTS casbin_rule SCHEMAFULL;
DEFINE FIELD IF NOT EXISTS ptype ON casbin_rule TYPE string;
DEFINE FIELD IF NOT EXISTS v0 ON casbin_rule TYPE string;
DEFINE FIELD IF NOT EXISTS v1 ON casbin_rule TYPE string;
DEFINE FIELD IF NOT EXISTS v2 ON casbin_rule TYPE string;
DEFINE FIELD IF NOT EXISTS v3 ON casbin_rule TYPE string;
DEFINE FIELD IF NOT EXISTS v4 ON casbin_rule TYPE string;
DEFINE FIELD IF NOT EXISTS v5 ON casbin_rule TYPE string;
DEFINE INDEX IF NOT EXISTS casbin_rule_unique ON casbin_rule FIELDS ptype, v0, v1, v2, v3, v4, v5 UNIQUE;
"#;

#[derive(Deserialize)]
struct Version {
    version: u32,
}

pub(super) async fn migrate(db: &Db) -> Result<(), DbError> {
    let current = db
        .row::<Version>("SELECT version FROM meta:schema", json!({}))
        .await
        .unwrap_or(None)
        .map_or(0, |v| v.version);
    for (version, statements) in MIGRATIONS.iter().filter(|(v, _)| *v > current) {
        db.exec(statements, json!({})).await?;
        db.exec(
            "UPSERT meta:schema SET version = $version",
            json!({ "version": version }),
        )
        .await?;
        tracing::info!(version, "applied schema migration");
    }
    Ok(())
}
