//! The permission catalogue (resource × action) and the built-in roles made from it.
//! Custom roles are named sets of catalogue entries; `workspace:read` is part of every role, because
//! holding any role is what makes a workspace visible at all.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Every (resource, action) pair a role can grant.
pub const CATALOGUE: &[(&str, &[&str], &str)] = &[
    (
        "workspace",
        &["read", "update", "delete"],
        "The workspace itself: see it, rename it, delete it",
    ),
    (
        "members",
        &["read", "write"],
        "Who belongs to the workspace and with which role",
    ),
    (
        "roles",
        &["read", "write"],
        "Custom roles and their permissions",
    ),
    (
        "tokens",
        &["read", "write"],
        "API tokens for this workspace",
    ),
    (
        "contacts",
        &["read", "write"],
        "Contacts and contact imports",
    ),
    ("templates", &["read", "write"], "Message templates"),
    ("variables", &["read", "write"], "Custom template variables"),
    ("media", &["read", "write"], "The media library"),
    (
        "channels",
        &["read", "write"],
        "WhatsApp and other channels",
    ),
    (
        "campaigns",
        &["read", "write", "send"],
        "Campaigns: edit, and start sending",
    ),
    (
        "messages",
        &["read", "write"],
        "The message log, and single sends",
    ),
    (
        "conversations",
        &["read", "write"],
        "Conversations: read them, reply, mark them read",
    ),
    ("webhooks", &["read", "write"], "Outbound webhooks"),
    (
        "plugins",
        &["read", "write"],
        "Plugins enabled in this workspace and their configuration",
    ),
    (
        "audit",
        &["read"],
        "The audit log: who did what in the workspace",
    ),
];

pub const BUILTIN_ROLES: &[(&str, &str)] = &[
    ("owner", "Everything, including deleting the workspace"),
    ("admin", "Everything except deleting the workspace"),
    (
        "editor",
        "Reads everything but the audit log; edits contacts, templates, variables, media, campaign drafts and tokens; answers conversations",
    ),
    (
        "viewer",
        "Reads everything but the audit log, changes nothing",
    ),
];

const EDITOR_WRITES: &[&str] = &[
    "contacts",
    "templates",
    "variables",
    "media",
    "campaigns",
    "conversations",
    "tokens",
];

/// Bumped whenever the built-in roles' permissions change; existing workspaces get the new ones
/// at the next start.
pub const BUILTIN_ROLES_VERSION: i64 = 3;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
pub struct Permission {
    #[schema(example = "contacts")]
    pub resource: String,
    #[schema(example = "write")]
    pub action: String,
}

impl Permission {
    pub fn new(resource: &str, action: &str) -> Self {
        Self {
            resource: resource.to_owned(),
            action: action.to_owned(),
        }
    }

    pub fn is_in_catalogue(&self) -> bool {
        CATALOGUE
            .iter()
            .any(|(r, actions, _)| *r == self.resource && actions.contains(&self.action.as_str()))
    }
}

pub fn all_permissions() -> Vec<Permission> {
    CATALOGUE
        .iter()
        .flat_map(|(r, actions, _)| actions.iter().map(move |a| Permission::new(r, a)))
        .collect()
}

pub fn is_builtin(role: &str) -> bool {
    BUILTIN_ROLES.iter().any(|(name, _)| *name == role)
}

/// The permissions of a built-in role; `None` for any other name.
pub fn builtin_permissions(role: &str) -> Option<Vec<Permission>> {
    let all = all_permissions();
    let granted: Vec<Permission> = match role {
        "owner" => all,
        "admin" => all
            .into_iter()
            .filter(|p| !(p.resource == "workspace" && p.action == "delete"))
            .collect(),
        "editor" => all
            .into_iter()
            .filter(|p| {
                (p.action == "read" && p.resource != "audit")
                    || (EDITOR_WRITES.contains(&p.resource.as_str()) && p.action == "write")
            })
            .collect(),
        "viewer" => all
            .into_iter()
            .filter(|p| p.action == "read" && p.resource != "audit")
            .collect(),
        _ => return None,
    };
    Some(granted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_role_can_see_its_workspace() {
        for (role, _) in BUILTIN_ROLES {
            let perms = builtin_permissions(role).unwrap();
            assert!(
                perms.contains(&Permission::new("workspace", "read")),
                "{role}"
            );
            assert!(perms.iter().all(Permission::is_in_catalogue));
        }
    }

    #[test]
    fn only_owners_delete_workspaces_and_viewers_only_read() {
        let delete = Permission::new("workspace", "delete");
        assert!(builtin_permissions("owner").unwrap().contains(&delete));
        assert!(!builtin_permissions("admin").unwrap().contains(&delete));
        assert!(
            builtin_permissions("viewer")
                .unwrap()
                .iter()
                .all(|p| p.action == "read")
        );
        assert!(builtin_permissions("ghost").is_none());
    }
}
