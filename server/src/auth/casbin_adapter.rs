//! A Casbin adapter that keeps policy lines in the SurrealDB table `casbin_rule` (ptype, v0…v5).
//! None exists upstream. Writes go through at once (Casbin's auto-save) and move the policy version,
//! so a policy change survives a restart and every replica reloads it within a second.

use async_trait::async_trait;
use casbin::error::AdapterError;
use casbin::{Adapter, Filter, Model};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::db::{Db, DbError};

pub struct SurrealAdapter {
    db: Db,
    loaded: PolicyVersion,
}

impl SurrealAdapter {
    pub fn new(db: Db, loaded: PolicyVersion) -> Self {
        Self { db, loaded }
    }
}

/// The store's policy version that the in-memory policy reflects, shared by the enforcer's owner
/// and its adapter.
#[derive(Clone, Default)]
pub struct PolicyVersion(std::sync::Arc<std::sync::atomic::AtomicI64>);

impl PolicyVersion {
    pub fn get(&self) -> i64 {
        self.0.load(std::sync::atomic::Ordering::Acquire)
    }

    pub fn set(&self, version: i64) {
        self.0.store(version, std::sync::atomic::Ordering::Release);
    }

    /// After this replica's own write moved the store's version to `new`: when nobody else wrote
    /// since the last load (the version moved by exactly one), memory is still the whole truth and
    /// no reload is needed.
    pub fn advanced_to(&self, new: i64) {
        let _ = self.0.compare_exchange(
            new - 1,
            new,
            std::sync::atomic::Ordering::AcqRel,
            std::sync::atomic::Ordering::Acquire,
        );
    }
}

#[derive(Deserialize)]
struct Row {
    ptype: String,
    v0: String,
    v1: String,
    v2: String,
    v3: String,
    v4: String,
    v5: String,
}

impl Row {
    /// The rule without its trailing empty fields: `["role:owner", "ws", "contacts", "read"]`.
    fn rule(self) -> Vec<String> {
        let mut values = vec![self.v0, self.v1, self.v2, self.v3, self.v4, self.v5];
        while values.last().is_some_and(String::is_empty) {
            values.pop();
        }
        values
    }
}

pub(crate) fn row_json(ptype: &str, rule: &[String]) -> Value {
    let field = |i: usize| rule.get(i).cloned().unwrap_or_default();
    json!({
        "ptype": ptype,
        "v0": field(0), "v1": field(1), "v2": field(2),
        "v3": field(3), "v4": field(4), "v5": field(5),
    })
}

fn adapter_error(e: DbError) -> casbin::Error {
    casbin::Error::from(AdapterError(Box::new(e)))
}

/// Every write of policy lines also moves the policy version, which every replica watches
/// ([`super::policy::Authz::reload_if_changed`]); it answers the new version.
pub const BUMP_POLICY_VERSION: &str =
    "UPSERT meta:policy_version SET n = (n ?? 0) + 1 RETURN VALUE n";

impl SurrealAdapter {
    /// Runs statements that change policy lines and moves the version, in one transaction.
    async fn write(&self, statements: &str, vars: Value) -> casbin::Result<()> {
        let version: Vec<i64> = self
            .db
            .last_rows(
                &format!("BEGIN; {statements}; {BUMP_POLICY_VERSION}; COMMIT;"),
                vars,
            )
            .await
            .map_err(adapter_error)?;
        if let Some(version) = version.first() {
            self.loaded.advanced_to(*version);
        }
        Ok(())
    }
}

impl SurrealAdapter {
    async fn insert(&self, ptype: &str, rules: &[Vec<String>]) -> casbin::Result<()> {
        let rows: Vec<Value> = rules.iter().map(|r| row_json(ptype, r)).collect();
        self.write(
            "INSERT IGNORE INTO casbin_rule $rows",
            json!({ "rows": rows }),
        )
        .await
    }

    async fn delete_exact(&self, ptype: &str, rule: &[String]) -> casbin::Result<()> {
        self.write(
            "DELETE casbin_rule WHERE ptype = $ptype AND v0 = $v0 AND v1 = $v1 AND v2 = $v2 \
             AND v3 = $v3 AND v4 = $v4 AND v5 = $v5",
            row_json(ptype, rule),
        )
        .await
    }
}

#[async_trait]
impl Adapter for SurrealAdapter {
    async fn load_policy(&mut self, model: &mut dyn Model) -> casbin::Result<()> {
        let rows: Vec<Row> = self
            .db
            .rows(
                "SELECT ptype, v0, v1, v2, v3, v4, v5 FROM casbin_rule",
                json!({}),
            )
            .await
            .map_err(adapter_error)?;
        for row in rows {
            let ptype = row.ptype.clone();
            let Some(section) = ptype.get(0..1) else {
                continue;
            };
            if let Some(assertion) = model
                .get_mut_model()
                .get_mut(section)
                .and_then(|s| s.get_mut(&ptype))
            {
                assertion.get_mut_policy().insert(row.rule());
            }
        }
        Ok(())
    }

    async fn load_filtered_policy<'a>(
        &mut self,
        model: &mut dyn Model,
        _filter: Filter<'a>,
    ) -> casbin::Result<()> {
        // Every replica holds every workspace's policy; the set is small (a few lines per role).
        self.load_policy(model).await
    }

    async fn save_policy(&mut self, model: &mut dyn Model) -> casbin::Result<()> {
        self.clear_policy().await?;
        for section in ["p", "g"] {
            let Some(assertions) = model.get_model().get(section) else {
                continue;
            };
            for (ptype, assertion) in assertions {
                let rules: Vec<Vec<String>> = assertion.get_policy().iter().cloned().collect();
                if !rules.is_empty() {
                    self.insert(ptype, &rules).await?;
                }
            }
        }
        Ok(())
    }

    async fn clear_policy(&mut self) -> casbin::Result<()> {
        self.write("DELETE casbin_rule", json!({})).await
    }

    fn is_filtered(&self) -> bool {
        false
    }

    async fn add_policy(
        &mut self,
        _sec: &str,
        ptype: &str,
        rule: Vec<String>,
    ) -> casbin::Result<bool> {
        self.insert(ptype, &[rule]).await?;
        Ok(true)
    }

    async fn add_policies(
        &mut self,
        _sec: &str,
        ptype: &str,
        rules: Vec<Vec<String>>,
    ) -> casbin::Result<bool> {
        self.insert(ptype, &rules).await?;
        Ok(true)
    }

    async fn remove_policy(
        &mut self,
        _sec: &str,
        ptype: &str,
        rule: Vec<String>,
    ) -> casbin::Result<bool> {
        self.delete_exact(ptype, &rule).await?;
        Ok(true)
    }

    async fn remove_policies(
        &mut self,
        _sec: &str,
        ptype: &str,
        rules: Vec<Vec<String>>,
    ) -> casbin::Result<bool> {
        for rule in &rules {
            self.delete_exact(ptype, rule).await?;
        }
        Ok(true)
    }

    async fn remove_filtered_policy(
        &mut self,
        _sec: &str,
        ptype: &str,
        field_index: usize,
        field_values: Vec<String>,
    ) -> casbin::Result<bool> {
        let mut conditions = vec!["ptype = $ptype".to_owned()];
        let mut vars = serde_json::Map::new();
        vars.insert("ptype".into(), json!(ptype));
        for (offset, value) in field_values.iter().enumerate() {
            let column = field_index + offset;
            if value.is_empty() || column > 5 {
                continue;
            }
            conditions.push(format!("v{column} = $v{column}"));
            vars.insert(format!("v{column}"), json!(value));
        }
        let sql = format!("DELETE casbin_rule WHERE {}", conditions.join(" AND "));
        self.write(&sql, Value::Object(vars)).await?;
        Ok(true)
    }
}
