//! The SurrealDB handle (the embedded surrealkv store, opened with Ulak's memory settings; or, through
//! `engine::any`, `mem://` and a `ws://` server), the schema with its ordered migrations, and a small
//! JSON-typed query helper used by every module.

mod schema;

use serde::de::DeserializeOwned;
use serde_json::Value;
use surrealdb::Surreal;
use surrealdb::engine::any::Any;
use surrealdb::engine::local::Db as Local;
use surrealdb::opt::auth::Root;
use surrealdb::types::{SurrealValue, Value as StoreValue};

use crate::config::{DatabaseSettings, Settings};
use crate::error::ApiError;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A unique index or an existing record id refused the write.
    #[error("conflict: {0}")]
    Conflict(String),
    /// Two transactions wrote the same records at once and this one lost: worth retrying.
    #[error("concurrent change: {0}")]
    Contended(String),
    /// The store refused a value the request carried (a wrong type for a field, an id it cannot
    /// take): the client's fault, answered with 400.
    #[error("the store refused the input: {0}")]
    Invalid(String),
    #[error("database error: {0}")]
    Store(String),
    #[error("cannot decode a stored row: {0}")]
    Decode(#[from] serde_json::Error),
}

/// Messages of the store's refusals of a value (reported as internal errors by the engine, though
/// the value came from the request).
const INPUT_REFUSALS: &[&str] = &[
    "Couldn't coerce value for field",
    "but no such field exists",
    "but field must conform to",
    "is not a valid record id",
    "Invalid record id",
    "Expected a record id",
];

impl From<surrealdb::Error> for DbError {
    fn from(e: surrealdb::Error) -> Self {
        let text = e.to_string();
        if e.is_already_exists()
            || text.contains("already contains")
            || text.contains("already exists")
        {
            DbError::Conflict(text)
        } else if matches!(
            e.query_details(),
            Some(surrealdb::types::QueryError::TransactionConflict)
        ) || text.contains("ransaction conflict")
        {
            DbError::Contended(text)
        } else if INPUT_REFUSALS.iter().any(|m| text.contains(m)) {
            DbError::Invalid(text)
        } else {
            DbError::Store(text)
        }
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Conflict(text) => ApiError::conflict("conflict", text),
            DbError::Contended(_) => ApiError::conflict(
                "concurrent_change",
                "the same data changed at the same moment; try again",
            ),
            DbError::Invalid(text) => {
                tracing::info!(error = %text, "the store refused a request's value");
                ApiError::bad_request(
                    "invalid_input",
                    "a value in the request cannot be stored (wrong type or form)",
                )
            }
            DbError::Store(_) => ApiError::unavailable(e),
            DbError::Decode(_) => ApiError::internal(e),
        }
    }
}

#[derive(Clone)]
pub struct Db {
    inner: Conn,
    /// The store runs in this process (embedded or `mem://`), on this machine's clock; not a
    /// SurrealDB server, whose clock may differ from this replica's.
    local: bool,
}

#[derive(Clone)]
enum Conn {
    /// The embedded store.
    Embedded(Surreal<Local>),
    /// `mem://` or a SurrealDB server.
    Any(Surreal<Any>),
}

impl Conn {
    async fn query(
        &self,
        sql: &str,
        vars: StoreValue,
    ) -> Result<surrealdb::IndexedResults, surrealdb::Error> {
        match self {
            Conn::Embedded(db) => db.query(sql).bind(vars).await,
            Conn::Any(db) => db.query(sql).bind(vars).await,
        }
    }

    async fn use_ns_db(&self, namespace: &str, database: &str) -> Result<(), surrealdb::Error> {
        match self {
            Conn::Embedded(db) => db.use_ns(namespace).use_db(database).await.map(drop),
            Conn::Any(db) => db.use_ns(namespace).use_db(database).await.map(drop),
        }
    }
}

/// Opens the embedded store the way the SDK's `connect` does, but with its memory bounded: left to
/// itself SurrealKV sizes its write buffer and block cache from the machine's memory (1 GiB and
/// 11 GiB on a 24 GiB machine), and the SDK offers no setting for either. Public for the
/// benchmark baseline (`bench/src/bin/bare_store.rs`), which opens the store exactly this way.
pub async fn open_embedded(
    url: &str,
    settings: &DatabaseSettings,
) -> Result<Surreal<Local>, DbError> {
    let store_error = |e: anyhow::Error| DbError::Store(format!("cannot open the store: {e:#}"));
    let mib = |n: u32| (u64::from(n) << 20).to_string();
    let config = surrealdb_cnf::ConfigMap::empty()
        .with_key_value("surrealkv_max_memtable_size", mib(settings.write_buffer_mb))
        .with_key_value(
            "surrealkv_block_cache_capacity",
            mib(settings.block_cache_mb),
        );
    let store = surrealdb_engine_local::Datastore::builder()
        .with_config(config)
        .with_capabilities(surrealdb::opt::capabilities::Capabilities::default().into())
        // As the SDK does: maintenance starts only once the store's version key is in place.
        .without_maintenance_tasks()
        .build_with_path(url)
        .await
        .map_err(store_error)?;
    store.check_version().await.map_err(store_error)?;
    store.bootstrap().await.map_err(store_error)?;
    store.start_maintenance_tasks();
    Ok(Surreal::<Local>::unstable_from_datastore(store, None).await?)
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
        let local = !(url.starts_with("ws://") || url.starts_with("wss://"));
        let inner = if url.starts_with("surrealkv://") {
            Conn::Embedded(open_embedded(&url, &settings.database).await?)
        } else {
            let any = surrealdb::engine::any::connect(url.as_str()).await?;
            let remote = url.starts_with("ws://") || url.starts_with("wss://");
            if remote && !settings.database.username.is_empty() {
                any.signin(Root {
                    username: settings.database.username.clone(),
                    password: settings.database.password.expose().to_owned(),
                })
                .await?;
            }
            Conn::Any(any)
        };
        inner
            .use_ns_db(&settings.database.namespace, &settings.database.database)
            .await?;
        let db = Db { inner, local };
        schema::migrate(&db).await?;
        Ok(db)
    }

    /// Whether the store runs in this process, on this machine's clock (not a SurrealDB server).
    pub fn is_local(&self) -> bool {
        self.local
    }

    /// Runs a query and returns the rows of statement `index` (an empty list for NONE).
    pub async fn rows_at<T: DeserializeOwned>(
        &self,
        sql: &str,
        vars: Value,
        index: usize,
    ) -> Result<Vec<T>, DbError> {
        self.rows_native_at(sql, vars.into_value(), index).await
    }

    /// As [`Db::rows`], with the variables as store values: JSON has no datetime, and a field
    /// without a type stores a JSON string as a string.
    pub async fn rows_native<T: DeserializeOwned>(
        &self,
        sql: &str,
        vars: StoreValue,
    ) -> Result<Vec<T>, DbError> {
        self.rows_native_at(sql, vars, 0).await
    }

    pub async fn rows_native_at<T: DeserializeOwned>(
        &self,
        sql: &str,
        vars: StoreValue,
        index: usize,
    ) -> Result<Vec<T>, DbError> {
        self.store_rows_at(sql, vars, index)
            .await?
            .into_iter()
            .map(|row| serde_json::from_value(row.into_json_value()).map_err(DbError::from))
            .collect()
    }

    /// The rows of statement `index` as the store gives them, for readers of many rows that
    /// take the values apart themselves: the way through JSON ([`Db::rows`]) builds a second
    /// copy of every row and costs about a third of reading a contact (`contacts::read_rows`).
    pub async fn store_rows_at(
        &self,
        sql: &str,
        vars: StoreValue,
        index: usize,
    ) -> Result<Vec<StoreValue>, DbError> {
        let mut response = checked(self.inner.query(sql, vars).await?)?;
        Ok(match response.take::<StoreValue>(index)? {
            StoreValue::None | StoreValue::Null => Vec::new(),
            StoreValue::Array(items) => items.into_inner(),
            other => vec![other],
        })
    }

    /// Rows of the last statement (a script that ends with the answer it wants); in a script that
    /// ends with `COMMIT`, of the statement before it (`COMMIT` answers for itself).
    pub async fn last_rows<T: DeserializeOwned>(
        &self,
        sql: &str,
        vars: Value,
    ) -> Result<Vec<T>, DbError> {
        let mut response = checked(self.inner.query(sql, vars.into_value()).await?)?;
        let committed = sql
            .trim_end()
            .trim_end_matches(';')
            .trim_end()
            .to_ascii_uppercase()
            .ends_with("COMMIT");
        let last = response
            .num_statements()
            .saturating_sub(if committed { 2 } else { 1 });
        let value: surrealdb::types::Value = response.take(last)?;
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

    /// [`Db::exec`] with the variables as store values (native datetimes, large row batches).
    pub async fn exec_native(&self, sql: &str, vars: StoreValue) -> Result<(), DbError> {
        checked(self.inner.query(sql, vars).await?)?;
        Ok(())
    }

    /// Runs statements for their effect; any statement's error fails the call.
    pub async fn exec(&self, sql: &str, vars: Value) -> Result<(), DbError> {
        checked(self.inner.query(sql, vars.into_value()).await?)?;
        Ok(())
    }

    /// Runs a write that may lose to a concurrent one on the same records (usage counters, version
    /// records) again, a few times, before reporting the conflict.
    pub async fn retrying<T, F, Fut>(&self, mut attempt: F) -> Result<T, DbError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, DbError>>,
    {
        let mut tries = 0;
        loop {
            match attempt().await {
                Err(DbError::Contended(_)) if tries < 5 => {
                    tries += 1;
                    let pause = 5 * (1 << tries) + rand::random_range(0..10u64);
                    tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
                }
                other => return other,
            }
        }
    }

    /// Whether the store answers a trivial query.
    pub async fn is_ready(&self) -> bool {
        self.inner
            .query("RETURN 1", StoreValue::Object(Default::default()))
            .await
            .and_then(|r| r.check())
            .is_ok()
    }
}

/// Query variables with top-level nulls dropped: an absent parameter reads as NONE, which
/// `option<…>` fields take; null is not.
pub fn without_nulls(mut vars: Value) -> Value {
    if let Value::Object(map) = &mut vars {
        map.retain(|_, v| !v.is_null());
    }
    vars
}

/// A JSON object as a store value, with datetime fields added.
pub fn with_datetimes(
    object: serde_json::Map<String, Value>,
    datetimes: &[(&str, chrono::DateTime<chrono::Utc>)],
) -> StoreValue {
    let mut value = Value::Object(object).into_value();
    if let StoreValue::Object(fields) = &mut value {
        for (name, at) in datetimes {
            fields.insert(*name, StoreValue::Datetime((*at).into()));
        }
    }
    value
}

/// Query variables from store values.
pub fn vars<const N: usize>(pairs: [(&str, StoreValue); N]) -> StoreValue {
    let mut object = surrealdb::types::Object::new();
    for (name, value) in pairs {
        object.insert(name, value);
    }
    StoreValue::Object(object)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A value the store refuses for a typed field is the request's fault (400), not an outage
    /// (503, which tells clients and load balancers to retry).
    #[tokio::test(flavor = "multi_thread")]
    async fn a_value_the_store_refuses_is_a_client_error() {
        let settings = Settings::for_tests().unwrap();
        let db = Db::connect(&settings).await.unwrap();
        let refused = db
            .exec(
                "CREATE import_job:x SET workspace = 'w', importer = 'i', file_name = 'f', \
                 size = $size, dry_run = false, status = 'queued', created_by = 'u'",
                serde_json::json!({ "size": "not a number" }),
            )
            .await
            .unwrap_err();
        assert!(matches!(refused, DbError::Invalid(_)), "{refused:?}");
        let answer: ApiError = refused.into();
        assert_eq!(answer.code(), "invalid_input");
        let broken = db
            .exec("SELECT * FROM", serde_json::json!({}))
            .await
            .unwrap_err();
        assert!(matches!(broken, DbError::Store(_)), "{broken:?}");
    }

    /// `last_rows` answers the last statement's rows; a transaction's BEGIN and COMMIT answer none.
    #[tokio::test(flavor = "multi_thread")]
    async fn the_last_statement_of_a_transaction_answers() {
        let settings = Settings::for_tests().unwrap();
        let db = Db::connect(&settings).await.unwrap();
        let rows: Vec<i64> = db
            .last_rows(
                "BEGIN; LET $a = 1; UPSERT meta:t SET n = 1 RETURN VALUE n; \
                 UPSERT meta:t SET n = (n ?? 0) + 1 RETURN VALUE n; COMMIT;",
                serde_json::json!({}),
            )
            .await
            .unwrap();
        assert_eq!(rows, vec![2]);
    }
}
