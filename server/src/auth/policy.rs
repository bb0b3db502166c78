//! The Casbin enforcer (RBAC with domains: the domain is the workspace) behind one async RwLock.
//! Checks take the read lock only; role and membership changes take the write lock briefly and are
//! saved through [`SurrealAdapter`], so they apply from the next request on.
//!
//! Subjects are `user:<id>` and `token:<id>`; roles are `role:<name>`.

use casbin::{CoreApi, DefaultModel, Enforcer, MgmtApi};
use tokio::sync::RwLock;

use super::casbin_adapter::SurrealAdapter;
use super::permissions::Permission;
use crate::db::Db;
use crate::error::ApiError;

const MODEL: &str = include_str!("../../../config/casbin_model.conf");

pub struct Authz {
    enforcer: RwLock<Enforcer>,
}

pub fn role_subject(role: &str) -> String {
    format!("role:{role}")
}

fn casbin_failure(e: casbin::Error) -> ApiError {
    ApiError::internal(anyhow::anyhow!("authorisation policy: {e}"))
}

impl Authz {
    pub async fn load(db: Db) -> anyhow::Result<Self> {
        let model = DefaultModel::from_str(MODEL).await?;
        let enforcer = Enforcer::new(model, SurrealAdapter::new(db)).await?;
        Ok(Self {
            enforcer: RwLock::new(enforcer),
        })
    }

    pub async fn allowed(
        &self,
        subject: &str,
        workspace: &str,
        resource: &str,
        action: &str,
    ) -> Result<bool, ApiError> {
        let enforcer = self.enforcer.read().await;
        enforcer
            .enforce((subject, workspace, resource, action))
            .map_err(casbin_failure)
    }

    /// 404 when the subject holds no role in the workspace (its existence is not revealed),
    /// 403 when it does but the role lacks the permission.
    pub async fn check(
        &self,
        subject: &str,
        workspace: &str,
        resource: &str,
        action: &str,
    ) -> Result<(), ApiError> {
        let enforcer = self.enforcer.read().await;
        let member = enforcer
            .enforce((subject, workspace, "workspace", "read"))
            .map_err(casbin_failure)?;
        if !member {
            return Err(ApiError::not_found("workspace"));
        }
        let allowed = enforcer
            .enforce((subject, workspace, resource, action))
            .map_err(casbin_failure)?;
        if allowed {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "your role in this workspace does not grant {resource}:{action}"
            )))
        }
    }

    /// The permissions the subject holds in the workspace, in catalogue order.
    pub async fn effective_permissions(
        &self,
        subject: &str,
        workspace: &str,
    ) -> Result<Vec<Permission>, ApiError> {
        let enforcer = self.enforcer.read().await;
        let mut granted = Vec::new();
        for permission in super::permissions::all_permissions() {
            if enforcer
                .enforce((
                    subject,
                    workspace,
                    permission.resource.as_str(),
                    permission.action.as_str(),
                ))
                .map_err(casbin_failure)?
            {
                granted.push(permission);
            }
        }
        Ok(granted)
    }

    /// Replaces the permissions of a role in a workspace.
    pub async fn set_role_permissions(
        &self,
        workspace: &str,
        role: &str,
        permissions: &[Permission],
    ) -> Result<(), ApiError> {
        let mut enforcer = self.enforcer.write().await;
        let subject = role_subject(role);
        enforcer
            .remove_filtered_policy(0, vec![subject.clone(), workspace.to_owned()])
            .await
            .map_err(casbin_failure)?;
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
        if !rules.is_empty() {
            enforcer.add_policies(rules).await.map_err(casbin_failure)?;
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
