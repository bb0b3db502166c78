//! The SurrealDB handle (through `engine::any`: embedded surrealkv, `mem://`, or a `ws://` server), the
//! schema with its ordered migrations, and a small JSON-typed query helper used by every module.

mod schema;

use serde::de::DeserializeOwned;
use serde_json::Value;
use surrealdb::Surreal;
use surrealdb::engine::any::Any;
use surrealdb::opt::auth::Root;

use crate::config::Settings;
use crate::error::ApiError;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A unique index or an existing record id refused the write.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Store(String),
    #[error("cannot decode a stored row: {0}")]
    Decode(#[from] serde_json::Error),
}

impl From<surrealdb::Error> for DbError {
    fn from(e: surrealdb::Error) -> Self {
        let text = e.to_string();
        if text.contains("already contains") || text.contains("already exists") {
            DbError::Conflict(text)
        } else {
            DbError::Store(text)
        }
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Conflict(text) => ApiError::conflict("conflict", text),
            DbError::Store(_) => ApiError::unavailable(e),
            DbError::Decode(_) => ApiError::internal(e),
        }
    }
}

#[derive(Clone)]
pub struct Db {
    inner: Surreal<Any>,
}

impl Db {
    /// Connects, selects the namespace and database, and brings the schema up to date.
    /// Must run on a multi-threaded tokio runtime: the embedded engine spawns its workers there.
    pub async fn connect(settings: &Settings) -> Result<Self, DbError> {
        let url = settings.database_url();
        if let Some(path) = url.strip_prefix("surrealkv://") {
            let dir = path.split('?').next().unwrap_or(path);
            std::fs::create_dir_all(dir)
                .map_err(|e| DbError::Store(format!("cannot create data directory {dir}: {e}")))?;
        }
        let inner = surrealdb::engine::any::connect(url.as_str()).await?;
        let remote = url.starts_with("ws://") || url.starts_with("wss://");
        if remote && !settings.database.username.is_empty() {
            inner
                .signin(Root {
                    username: settings.database.username.clone(),
                    password: settings.database.password.expose().to_owned(),
                })
                .await?;
        }
        inner
            .use_ns(settings.database.namespace.as_str())
            .use_db(settings.database.database.as_str())
            .await?;
        let db = Db { inner };
        schema::migrate(&db).await?;
        Ok(db)
    }

    /// Runs a query and returns the rows of statement `index` (an empty list for NONE).
    pub async fn rows_at<T: DeserializeOwned>(
        &self,
        sql: &str,
        vars: Value,
        index: usize,
    ) -> Result<Vec<T>, DbError> {
        let mut response = checked(self.inner.query(sql).bind(vars).await?)?;
        let value: surrealdb::types::Value = response.take(index)?;
        let rows = match value.into_json_value() {
            Value::Null => Vec::new(),
            Value::Array(items) => items,
            other => vec![other],
        };
        rows.into_iter()
            .map(|row| serde_json::from_value(row).map_err(DbError::from))
            .collect()
    }

    /// Rows of the first statement.
    pub async fn rows<T: DeserializeOwned>(
        &self,
        sql: &str,
        vars: Value,
    ) -> Result<Vec<T>, DbError> {
        self.rows_at(sql, vars, 0).await
    }

    /// The first row of the first statement, if any.
    pub async fn row<T: DeserializeOwned>(
        &self,
        sql: &str,
        vars: Value,
    ) -> Result<Option<T>, DbError> {
        Ok(self.rows(sql, vars).await?.into_iter().next())
    }

    /// Runs statements for their effect; any statement's error fails the call.
    pub async fn exec(&self, sql: &str, vars: Value) -> Result<(), DbError> {
        checked(self.inner.query(sql).bind(vars).await?)?;
        Ok(())
    }

    /// Whether the store answers a trivial query.
    pub async fn is_ready(&self) -> bool {
        self.inner
            .query("RETURN 1")
            .await
            .and_then(|r| r.check())
            .is_ok()
    }
}

/// Fails on any statement's error. In a failed transaction every other statement reports only
/// "not executed due to a failed transaction"; the statement that actually failed is the one to report.
fn checked(mut response: surrealdb::IndexedResults) -> Result<surrealdb::IndexedResults, DbError> {
    let mut errors: Vec<(usize, surrealdb::Error)> = response.take_errors().into_iter().collect();
    if errors.is_empty() {
        return Ok(response);
    }
    errors.sort_by_key(|(index, _)| *index);
    let cause = errors
        .iter()
        .position(|(_, e)| !e.to_string().contains("failed transaction"))
        .unwrap_or(0);
    Err(DbError::from(errors.swap_remove(cause).1))
}

/// A fresh random identifier for records and secrets' public halves: 20 lowercase alphanumerics.
pub fn new_id() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..20)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}
