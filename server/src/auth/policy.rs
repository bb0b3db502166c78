//! The Casbin enforcer (RBAC with domains: the domain is the workspace) behind one async RwLock.
//! Checks take the read lock only; role and membership changes take the write lock briefly and are
//! saved through [`SurrealAdapter`], so they apply from the next request on.
//!
//! Subjects are `user:<id>` and `token:<id>`; roles are `role:<name>`.

use casbin::{CoreApi, DefaultModel, Enforcer, MgmtApi};
use tokio::sync::RwLock;

use super::Principal;
use super::casbin_adapter::{PolicyVersion, SurrealAdapter};
use super::permissions::Permission;
use crate::db::Db;

use crate::error::ApiError;

const MODEL: &str = include_str!("../../../config/casbin_model.conf");

pub struct Authz {
    enforcer: RwLock<Enforcer>,
    db: Db,
    /// The store's policy version the enforcer's memory reflects.
    loaded: PolicyVersion,
    /// When a refused request last looked at the store's version (at most one look per
    /// [`REFUSAL_LOOK_EVERY`], so that refusals cannot be made to cost a store read each).
    refusal_look: parking_lot::Mutex<Option<std::time::Instant>>,
}

/// How often a refused request may look at the store's policy version before answering.
const REFUSAL_LOOK_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// The versions every replica watches: the policy's moves with every change of roles, memberships
/// and tokens' roles; the authentication one with every logout, revocation and password change;
/// the plugins' one with every install, upgrade and removal. Separate records, so that no kind of
/// write contends with another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Versions {
    pub policy: i64,
    pub auth: i64,
    pub plugins: i64,
}

pub async fn versions(db: &Db) -> Result<Versions, crate::db::DbError> {
    // One array of all three, which the row helper reads as rows.
    let rows: Vec<Option<i64>> = db
        .rows(
            "RETURN [meta:policy_version.n, meta:auth_version.n, meta:plugins_version.n]",
            serde_json::json!({}),
        )
        .await?;
    let at = |i: usize| rows.get(i).copied().flatten().unwrap_or(0);
    Ok(Versions {
        policy: at(0),
        auth: at(1),
        plugins: at(2),
    })
}

pub fn role_subject(role: &str) -> String {
    format!("role:{role}")
}

fn casbin_failure(e: casbin::Error) -> ApiError {
    ApiError::internal(anyhow::anyhow!("authorisation policy: {e}"))
}

impl Authz {
    pub async fn load(db: Db) -> anyhow::Result<Self> {
        let version = versions(&db).await?.policy;
        let loaded = PolicyVersion::default();
        loaded.set(version);
        let model = DefaultModel::from_str(MODEL).await?;
        let enforcer =
            Enforcer::new(model, SurrealAdapter::new(db.clone(), loaded.clone())).await?;
        Ok(Self {
            enforcer: RwLock::new(enforcer),
            db,
            loaded,
            refusal_look: parking_lot::Mutex::new(None),
        })
    }

    /// Reloads the policy when the store's version moved (another replica, or this one, changed
    /// it). The version is read before the rules, so a change made meanwhile is loaded next time.
    pub async fn reload_if_changed(&self, version: i64) -> Result<bool, ApiError> {
        // Versions only grow: a caller holding an older one read it before the last reload.
        if self.loaded.get() >= version {
            return Ok(false);
        }
        let mut enforcer = self.enforcer.write().await;
        // This replica's own write, or another caller, may have caught up meanwhile.
        if self.loaded.get() >= version {
            return Ok(false);
        }
        enforcer.load_policy().await.map_err(casbin_failure)?;
        self.loaded.set(version);
        Ok(true)
    }

    /// Loads the store's policy now if another replica changed it since the last look: for the
    /// writes that read memberships before changing them, which must not act on a view up to half
    /// a second old.
    pub async fn catch_up(&self) -> Result<(), ApiError> {
        let version = versions(&self.db).await?.policy;
        self.reload_if_changed(version).await.map(drop)
    }

    /// Gives a member a new role, or removes them (`None`), in one store transaction that refuses
    /// to leave the workspace without an owner: two owners demoting each other at once cannot
    /// both succeed (both move the policy version, so the store lets only one commit), and no
    /// failure can leave the member between roles.
    pub async fn set_member_role(
        &self,
        subject: &str,
        workspace: &str,
        role: Option<&str>,
    ) -> Result<(), ApiError> {
        let mut enforcer = self.enforcer.write().await;
        let add = if role.is_some() {
            "INSERT INTO casbin_rule { ptype: 'g', v0: $subject, v1: $role, v2: $ws, v3: '', v4: '', v5: '' };"
        } else {
            ""
        };
        let sql = format!(
            "BEGIN; \
             DELETE casbin_rule WHERE ptype = 'g' AND v0 = $subject AND v2 = $ws; {add} \
             LET $owners = (SELECT VALUE v0 FROM casbin_rule WHERE ptype = 'g' AND v1 = 'role:owner' \
                 AND v2 = $ws AND string::starts_with(v0, 'user:')); \
             IF array::len($owners) = 0 {{ THROW 'last_owner' }}; \
             {}; COMMIT;",
            super::casbin_adapter::BUMP_POLICY_VERSION
        );
        let result = self
            .db
            .last_rows::<i64>(
                &sql,
                serde_json::json!({
                    "subject": subject,
                    "ws": workspace,
                    "role": role.map(role_subject),
                }),
            )
            .await;
        let version = match result {
            Ok(version) => version.first().copied(),
            Err(e) if e.to_string().contains("last_owner") => {
                return Err(ApiError::conflict(
                    "last_owner",
                    "a workspace needs at least one owner; make someone else owner first",
                ));
            }
            Err(crate::db::DbError::Contended(_)) => {
                return Err(ApiError::conflict(
                    "concurrent_change",
                    "the workspace's members changed at the same moment; try again",
                ));
            }
            Err(e) => return Err(e.into()),
        };
        // The store has it; mirror it in memory without writing again.
        enforcer.enable_auto_save(false);
        let mirrored = async {
            enforcer
                .remove_filtered_grouping_policy(
                    0,
                    vec![subject.to_owned(), String::new(), workspace.to_owned()],
                )
                .await?;
            if let Some(role) = role {
                enforcer
                    .add_grouping_policy(vec![
                        subject.to_owned(),
                        role_subject(role),
                        workspace.to_owned(),
                    ])
                    .await?;
            }
            Ok::<(), casbin::Error>(())
        }
        .await;
        enforcer.enable_auto_save(true);
        self.after_write(&mut enforcer, mirrored, version).await
    }

    /// Whether every subject of the caller holds the permission: for an API token, the token's
    /// role and its creator's current role alike, so a token never does more than its creator may
    /// do now (a demoted creator's tokens are demoted with them).
    fn grants(
        enforcer: &Enforcer,
        who: &Principal,
        workspace: &str,
        resource: &str,
        action: &str,
    ) -> Result<bool, ApiError> {
        for subject in who.subjects() {
            if !enforcer
                .enforce((subject.as_str(), workspace, resource, action))
                .map_err(casbin_failure)?
            {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Whether a subject (`user:<id>`) holds every one of these permissions in the workspace now.
    pub async fn subject_holds_all(
        &self,
        subject: &str,
        workspace: &str,
        permissions: &[Permission],
    ) -> Result<bool, ApiError> {
        let enforcer = self.enforcer.read().await;
        for p in permissions {
            if !enforcer
                .enforce((subject, workspace, p.resource.as_str(), p.action.as_str()))
                .map_err(casbin_failure)?
            {
                return Ok(false);
            }
        }
        Ok(true)
    }

    pub async fn allowed(
        &self,
        who: &Principal,
        workspace: &str,
        resource: &str,
        action: &str,
    ) -> Result<bool, ApiError> {
        let enforcer = self.enforcer.read().await;
        Self::grants(&enforcer, who, workspace, resource, action)
    }

    /// 404 when the caller holds no role in the workspace (its existence is not revealed),
    /// 403 when it does but the role lacks the permission.
    pub async fn check(
        &self,
        who: &Principal,
        workspace: &str,
        resource: &str,
        action: &str,
    ) -> Result<(), ApiError> {
        let decided = self.decide(who, workspace, resource, action).await;
        if decided.is_ok() {
            return decided;
        }
        // Refused: perhaps granted through another replica a moment ago (a workspace just
        // created, an invitation just accepted, a role just widened). One small read of the
        // store's version settles it; the policy is reloaded only when it moved. At most one
        // such look per quarter second; the version watch catches up within half a second anyway.
        let look = {
            let mut last = self.refusal_look.lock();
            let due = last.is_none_or(|at| at.elapsed() >= REFUSAL_LOOK_EVERY);
            if due {
                *last = Some(std::time::Instant::now());
            }
            due
        };
        if !look {
            return decided;
        }
        match self.catch_up().await {
            Ok(()) => self.decide(who, workspace, resource, action).await,
            Err(e) => {
                tracing::warn!(error = %e, "cannot look at the store's policy version");
                decided
            }
        }
    }

    async fn decide(
        &self,
        who: &Principal,
        workspace: &str,
        resource: &str,
        action: &str,
    ) -> Result<(), ApiError> {
        let enforcer = self.enforcer.read().await;
        if !Self::grants(&enforcer, who, workspace, "workspace", "read")? {
            return Err(ApiError::not_found("workspace"));
        }
        if Self::grants(&enforcer, who, workspace, resource, action)? {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "your role in this workspace does not grant {resource}:{action}"
            ))
            .with_details(serde_json::json!({ "permission": format!("{resource}:{action}") })))
        }
    }

    /// The permissions the caller holds in the workspace, in catalogue order.
    pub async fn effective_permissions(
        &self,
        who: &Principal,
        workspace: &str,
    ) -> Result<Vec<Permission>, ApiError> {
        let enforcer = self.enforcer.read().await;
        let mut granted = Vec::new();
        for permission in super::permissions::all_permissions() {
            if Self::grants(
                &enforcer,
                who,
                workspace,
                permission.resource.as_str(),
                permission.action.as_str(),
            )? {
                granted.push(permission);
            }
        }
        Ok(granted)
    }

    /// Replaces the permissions of a role in a workspace, in one store transaction (a failure
    /// midway cannot leave the role empty or with its old rules).
    pub async fn set_role_permissions(
        &self,
        workspace: &str,
        role: &str,
        permissions: &[Permission],
    ) -> Result<(), ApiError> {
        let mut enforcer = self.enforcer.write().await;
        let subject = role_subject(role);
        let rules: Vec<Vec<String>> = permissions
            .iter()
            .map(|p| {
                vec![
                    subject.clone(),
                    workspace.to_owned(),
                    p.resource.clone(),
                    p.action.clone(),
                ]
            })
            .collect();
        let rows: Vec<serde_json::Value> = rules
            .iter()
            .map(|rule| super::casbin_adapter::row_json("p", rule))
            .collect();
        let version: Vec<i64> = self
            .db
            .last_rows(
                &format!(
                    "BEGIN; DELETE casbin_rule WHERE ptype = 'p' AND v0 = $subject AND v1 = $ws; \
                     INSERT IGNORE INTO casbin_rule $rows; {}; COMMIT;",
                    super::casbin_adapter::BUMP_POLICY_VERSION
                ),
                serde_json::json!({ "subject": subject, "ws": workspace, "rows": rows }),
            )
            .await?;
        enforcer.enable_auto_save(false);
        let mirrored = async {
            enforcer
                .remove_filtered_policy(0, vec![subject.clone(), workspace.to_owned()])
                .await?;
            if !rules.is_empty() {
                enforcer.add_policies(rules).await?;
            }
            Ok::<(), casbin::Error>(())
        }
        .await;
        enforcer.enable_auto_save(true);
        self.after_write(&mut enforcer, mirrored, version.first().copied())
            .await
    }

    /// After the store took a change this replica also made in memory: on a mismatch, memory is
    /// reloaded from the store; otherwise the version moves on without a reload.
    async fn after_write(
        &self,
        enforcer: &mut Enforcer,
        mirrored: Result<(), casbin::Error>,
        version: Option<i64>,
    ) -> Result<(), ApiError> {
        if let Err(e) = mirrored {
            tracing::warn!(error = %e, "policy out of step in memory; reloading it");
            enforcer.load_policy().await.map_err(casbin_failure)?;
        } else if let Some(version) = version {
            self.loaded.advanced_to(version);
        }
        Ok(())
    }

    pub async fn role_permissions(&self, workspace: &str, role: &str) -> Vec<Permission> {
        let enforcer = self.enforcer.read().await;
        let mut permissions: Vec<Permission> = enforcer
            .get_filtered_policy(0, vec![role_subject(role), workspace.to_owned()])
            .into_iter()
            .filter_map(|rule| Some(Permission::new(rule.get(2)?, rule.get(3)?)))
            .collect();
        permissions.sort();
        permissions
    }

    pub async fn remove_role(&self, workspace: &str, role: &str) -> Result<(), ApiError> {
        let mut enforcer = self.enforcer.write().await;
        enforcer
            .remove_filtered_policy(0, vec![role_subject(role), workspace.to_owned()])
            .await
            .map_err(casbin_failure)?;
        Ok(())
    }

    /// Gives the subject exactly one role in the workspace, replacing any it had.
    pub async fn assign(&self, subject: &str, role: &str, workspace: &str) -> Result<(), ApiError> {
        let mut enforcer = self.enforcer.write().await;
        enforcer
            .remove_filtered_grouping_policy(
                0,
                vec![subject.to_owned(), String::new(), workspace.to_owned()],
            )
            .await
            .map_err(casbin_failure)?;
        enforcer
            .add_grouping_policy(vec![
                subject.to_owned(),
                role_subject(role),
                workspace.to_owned(),
            ])
            .await
            .map_err(casbin_failure)?;
        Ok(())
    }

    pub async fn unassign(&self, subject: &str, workspace: &str) -> Result<(), ApiError> {
        let mut enforcer = self.enforcer.write().await;
        enforcer
            .remove_filtered_grouping_policy(
                0,
                vec![subject.to_owned(), String::new(), workspace.to_owned()],
            )
            .await
            .map_err(casbin_failure)?;
        Ok(())
    }

    /// Every subject of the workspace with its role name, sorted by subject.
    pub async fn assignments(&self, workspace: &str) -> Vec<(String, String)> {
        let enforcer = self.enforcer.read().await;
        let mut rows: Vec<(String, String)> = enforcer
            .get_filtered_grouping_policy(2, vec![workspace.to_owned()])
            .into_iter()
            .filter_map(|rule| {
                let role = rule.get(1)?.strip_prefix("role:")?.to_owned();
                Some((rule.first()?.clone(), role))
            })
            .collect();
        rows.sort();
        rows
    }

    pub async fn role_of(&self, subject: &str, workspace: &str) -> Option<String> {
        let enforcer = self.enforcer.read().await;
        enforcer
            .get_filtered_grouping_policy(
                0,
                vec![subject.to_owned(), String::new(), workspace.to_owned()],
            )
            .into_iter()
            .find_map(|rule| rule.get(1)?.strip_prefix("role:").map(str::to_owned))
    }

    /// The workspaces where the subject holds a role, with that role.
    pub async fn workspaces_of(&self, subject: &str) -> Vec<(String, String)> {
        let enforcer = self.enforcer.read().await;
        enforcer
            .get_filtered_grouping_policy(0, vec![subject.to_owned()])
            .into_iter()
            .filter_map(|rule| {
                let role = rule.get(1)?.strip_prefix("role:")?.to_owned();
                Some((rule.get(2)?.clone(), role))
            })
            .collect()
    }

    /// Forgets every rule of a deleted workspace.
    pub async fn drop_workspace(&self, workspace: &str) -> Result<(), ApiError> {
        let mut enforcer = self.enforcer.write().await;
        enforcer
            .remove_filtered_policy(1, vec![workspace.to_owned()])
            .await
            .map_err(casbin_failure)?;
        enforcer
            .remove_filtered_grouping_policy(2, vec![workspace.to_owned()])
            .await
            .map_err(casbin_failure)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread")]
    async fn the_policy_version_moves_with_every_write() {
        let settings = crate::config::Settings::for_tests().unwrap();
        let db = Db::connect(&settings).await.unwrap();
        let before = versions(&db).await.unwrap();
        let authz = Authz::load(db.clone()).await.unwrap();
        authz.assign("user:x", "owner", "ws").await.unwrap();
        let after = versions(&db).await.unwrap();
        assert!(after.policy > before.policy, "{before:?} {after:?}");
        authz
            .set_role_permissions("ws", "owner", &[Permission::new("contacts", "read")])
            .await
            .unwrap();
        let later = versions(&db).await.unwrap();
        assert!(later.policy > after.policy, "{after:?} {later:?}");
    }
}
