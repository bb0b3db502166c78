//! The audit log: who did what, when, from which address. Entries are appended after the change they
//! record; nothing in the API changes or removes one (they leave only with `audit.keep_days`, and a
//! deleted workspace's own copy with the workspace).
//!
//! Every entry is kept under `audit:['', ulid]`, the instance's log the superadmin reads; an entry
//! about a workspace is kept once more under `audit:[workspace, ulid]` (the same ULID), the log
//! its owners and admins read. Both are key ranges in time order, so a page costs a range read.

pub mod routes;

use std::future::{Ready, ready};
use std::net::IpAddr;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::{Credential, Principal};
use crate::db::Db;
use crate::error::ApiError;

/// The instance log's key part.
pub const INSTANCE: &str = "";

/// Every audited action, with what it means.
pub const ACTIONS: &[(&str, &str)] = &[
    ("auth.signed_in", "Signed in"),
    (
        "auth.sign_in_failed",
        "A sign-in failed (wrong password or unknown address)",
    ),
    ("auth.password_changed", "Changed their password"),
    ("auth.password_reset", "Set a new password by a reset link"),
    ("workspace.created", "Created a workspace"),
    (
        "workspace.updated",
        "Changed a workspace's name, region, language or time zone",
    ),
    ("workspace.deleted", "Deleted a workspace"),
    ("member.invited", "Invited someone to the workspace"),
    ("member.invitation_withdrawn", "Withdrew an invitation"),
    ("member.joined", "Accepted an invitation and joined"),
    ("member.role_changed", "Changed a member's role"),
    ("member.removed", "Removed a member (or left)"),
    ("role.created", "Created a custom role"),
    ("role.updated", "Changed a custom role's permissions"),
    ("role.deleted", "Deleted a custom role"),
    ("token.created", "Created an API token"),
    ("token.revoked", "Revoked an API token"),
    ("plugin.installed", "Installed a plugin on the instance"),
    (
        "plugin.upgraded",
        "Installed a new version of a plugin already there",
    ),
    (
        "plugin.replaced",
        "Installed other bytes under a plugin's version (forced)",
    ),
    (
        "plugin.downgraded",
        "Installed a lower version of a plugin (forced)",
    ),
    ("plugin.removed", "Removed a plugin from the instance"),
    (
        "plugin.configured",
        "Switched a plugin on or off, or changed its settings, in a workspace",
    ),
    ("channel.created", "Created a channel"),
    ("channel.updated", "Changed a channel's settings"),
    ("channel.deleted", "Deleted a channel"),
    (
        "channel.pairing_started",
        "Started pairing a WhatsApp Web channel (QR code, or a phone-number code)",
    ),
    (
        "channel.logged_out",
        "Unlinked a WhatsApp Web channel's device and deleted its keys",
    ),
    ("campaign.started", "Started a campaign"),
    ("campaign.cancelled", "Cancelled a campaign"),
    ("contacts.exported", "Exported the contacts as CSV"),
    ("messages.exported", "Exported a campaign's messages as CSV"),
    ("webhook.created", "Created a webhook subscription"),
    ("webhook.updated", "Changed a webhook subscription"),
    ("webhook.deleted", "Deleted a webhook subscription"),
    (
        "webhook.secret_rotated",
        "Rotated a webhook's signing secret",
    ),
];

/// Whether `action` is one of [`ACTIONS`].
pub fn is_action(action: &str) -> bool {
    ACTIONS.iter().any(|(a, _)| *a == action)
}

/// Where a request came from (behind the configured reverse proxies), for the audit log.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub ip: Option<IpAddr>,
}

impl Origin {
    pub fn of(state: &AppState, req: &HttpRequest) -> Self {
        Origin {
            ip: state.client_address.of(req),
        }
    }
}

impl FromRequest for Origin {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let ip = req
            .app_data::<web::Data<AppState>>()
            .and_then(|state| state.client_address.of(req));
        ready(Ok(Origin { ip }))
    }
}

/// Who did it: a signed-in user, an API token (and the user who made it), or, for a failed
/// sign-in, nobody known.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct Actor {
    /// The user's id.
    pub user: Option<String>,
    /// The user's e-mail address when it happened (for a failed sign-in: the address tried).
    pub email: Option<String>,
    /// The API token's id, when the request came with one.
    pub token: Option<String>,
}

impl Actor {
    pub fn of(principal: &Principal) -> Self {
        Actor {
            user: Some(principal.user.id.clone()),
            email: Some(principal.user.email.clone()),
            token: match principal.credential.as_ref() {
                Credential::Token { id, .. } => Some(id.clone()),
                Credential::Session { .. } => None,
            },
        }
    }
}

/// One entry to append.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub action: &'static str,
    pub workspace: Option<String>,
    pub actor: Actor,
    pub ip: Option<String>,
    /// What was acted on: a token's, channel's, member's… id, or a plugin's name.
    pub target: Option<String>,
    pub details: Value,
}

impl Entry {
    /// An entry by `principal`, from `origin`.
    pub fn by(principal: &Principal, origin: &Origin, action: &'static str) -> Self {
        Self::new(Actor::of(principal), origin, action)
    }

    pub fn new(actor: Actor, origin: &Origin, action: &'static str) -> Self {
        debug_assert!(is_action(action), "{action}");
        Entry {
            action,
            workspace: None,
            actor,
            ip: origin.ip.map(|ip| ip.to_string()),
            target: None,
            details: json!({}),
        }
    }

    pub fn workspace(mut self, workspace: &str) -> Self {
        self.workspace = Some(workspace.to_owned());
        self
    }

    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    pub fn details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }
}

const APPEND: &str = "CREATE type::record('audit', ['', $key]) SET at = <datetime>$at, action = $e.action, \
         workspace = $e.workspace, actor = $e.actor, ip = $e.ip, target = $e.target, \
         details = $e.details RETURN NONE; \
     IF $e.workspace != NONE { \
         CREATE type::record('audit', [$e.workspace, $key]) SET at = <datetime>$at, action = $e.action, \
             workspace = $e.workspace, actor = $e.actor, ip = $e.ip, target = $e.target, \
             details = $e.details RETURN NONE; \
     };";

/// A ULID of now: the time in its first ten characters, then sixteen random ones.
fn new_id(at: DateTime<Utc>) -> String {
    use rand::Rng;
    let mut id = crate::events::ulid_floor(at);
    id.truncate(10);
    let mut rng = rand::rng();
    for _ in 0..16 {
        id.push(char::from(
            crate::events::CROCKFORD[rng.random_range(0..32)],
        ));
    }
    id
}

/// An id's key: each character mirrored in the Crockford alphabet, so keys ascend as ids
/// descend and the newest entries come first in a forward range read (SurrealDB reads forward
/// ranges lazily, with the limit pushed down). The mirror of a key is its id.
pub(crate) fn mirror(text: &str) -> String {
    text.bytes()
        .map(|b| {
            crate::events::CROCKFORD
                .iter()
                .position(|&c| c == b)
                .map_or('0', |i| char::from(crate::events::CROCKFORD[31 - i]))
        })
        .collect()
}

/// Appends an entry (both copies in one transaction). The change it records is made already: a
/// store error is logged, not returned, so the caller's answer still tells what happened.
pub async fn append(db: &Db, entry: Entry) {
    append_at(db, entry, Utc::now()).await
}

async fn append_at(db: &Db, entry: Entry, at: DateTime<Utc>) {
    let action = entry.action;
    let key = mirror(&new_id(at));
    let entry = crate::db::without_nulls(json!(entry));
    if let Err(e) = db
        .exec(
            &format!("BEGIN; {APPEND} COMMIT;"),
            json!({ "e": entry, "key": key, "at": at }),
        )
        .await
    {
        tracing::error!(action, error = %e, "could not append an audit entry");
    }
}

/// One entry of the audit log.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    /// Ordered by time (a ULID): the cursor of the next page.
    #[schema(example = "01JDZ8Q6W3A0S7T5ZK8N2M4P6R")]
    pub id: String,
    pub at: DateTime<Utc>,
    #[schema(example = "token.created")]
    pub action: String,
    /// The workspace it happened in; none for instance actions (sign-ins, plugin installs).
    pub workspace: Option<String>,
    pub actor: Actor,
    /// The client's address (behind the configured reverse proxies).
    #[schema(example = "203.0.113.7")]
    pub ip: Option<String>,
    /// What was acted on: an id, or a plugin's name.
    pub target: Option<String>,
    /// More about it, by action (the new role, the plugin's version, the changed fields…).
    #[schema(value_type = Object)]
    pub details: Value,
}

/// What to list.
#[derive(Debug, Default)]
pub struct Filter {
    /// Exact actions, or families (`member` = every `member.*`); any when empty.
    pub actions: Vec<String>,
    /// The acting user's id.
    pub user: Option<String>,
    /// The workspace it happened in (for the instance's log).
    pub workspace: Option<String>,
    /// Entries from this moment on.
    pub since: Option<DateTime<Utc>>,
    /// Entries before this moment.
    pub until: Option<DateTime<Utc>>,
}

impl Filter {
    fn matches(&self, entry: &AuditEntry) -> bool {
        (self.actions.is_empty()
            || self.actions.iter().any(|a| {
                entry.action == *a
                    || entry
                        .action
                        .strip_prefix(a.as_str())
                        .is_some_and(|rest| rest.starts_with('.'))
            }))
            && self
                .user
                .as_ref()
                .is_none_or(|u| entry.actor.user.as_ref() == Some(u))
            && self
                .workspace
                .as_ref()
                .is_none_or(|w| entry.workspace.as_ref() == Some(w))
    }
}

/// Entries of one log (`INSTANCE` or a workspace), newest first, older than `before` (a cursor)
/// and within the filter's times. At most `scan` entries are looked at; the second value is where
/// the next page continues (the last id looked at, even when nothing matched), none at the end.
pub async fn read(
    db: &Db,
    log: &str,
    filter: &Filter,
    before: Option<&str>,
    limit: usize,
    scan: usize,
) -> Result<(Vec<AuditEntry>, Option<String>), ApiError> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
        at: DateTime<Utc>,
        action: String,
        workspace: Option<String>,
        actor: Actor,
        ip: Option<String>,
        target: Option<String>,
        details: Option<Value>,
    }
    // Keys are mirrored ids: the newest entry has the smallest key.
    let mut after = filter
        .until
        .map(|t| mirror(&crate::events::ulid_floor(t)))
        .unwrap_or_default();
    if let Some(before) = before.map(mirror)
        && before > after
    {
        after = before;
    }
    let upto = filter
        .since
        .map(|t| mirror(&crate::events::ulid_floor(t)))
        .unwrap_or_else(|| "~".to_owned());
    let rows: Vec<Row> = db
        .rows(
            "SELECT record::id(id)[1] AS id, at, action, workspace, actor, ip, target, details \
             FROM array::first([audit:[$log, $after]>..[$log, $upto]]) LIMIT $scan",
            json!({ "log": log, "after": after, "upto": upto, "scan": scan }),
        )
        .await?;
    // Where the next read goes on: none when this one reached the end of the range.
    let last = if rows.len() == scan {
        rows.last().map(|r| mirror(&r.id))
    } else {
        None
    };
    let mut entries = Vec::new();
    for row in rows {
        let entry = AuditEntry {
            id: mirror(&row.id),
            at: row.at,
            action: row.action,
            workspace: row.workspace,
            actor: row.actor,
            ip: row.ip,
            target: row.target,
            details: row.details.unwrap_or_else(|| json!({})),
        };
        if filter.matches(&entry) {
            entries.push(entry);
            if entries.len() == limit {
                let last = entries.last().map(|e| e.id.clone());
                return Ok((entries, last));
            }
        }
    }
    Ok((entries, last))
}

/// Removes entries older than `keep_days` from every log, a group at a time, and every entry of a
/// workspace that no longer exists (the instance log keeps its copy).
pub async fn sweep(db: &Db, keep_days: u32) -> Result<u64, ApiError> {
    crate::events::sweep_logs(db, crate::events::Log::Audit, keep_days).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mirrored_ids_sort_newest_first_and_mirror_back() {
        let older = new_id("2026-12-03T07:00:00Z".parse().unwrap());
        let newer = new_id("2026-12-03T07:00:00.001Z".parse().unwrap());
        assert!(older < newer);
        assert!(mirror(&newer) < mirror(&older));
        assert_eq!(mirror(&mirror(&older)), older);
        assert!(crate::events::is_event_id(&older));
    }

    /// Old entries go from every log; a deleted workspace's copies go whatever their age; the
    /// instance's log keeps what is young, the deleted workspace's entries included.
    #[tokio::test(flavor = "multi_thread")]
    async fn the_sweep_keeps_young_entries_and_the_instance_log() {
        let mut settings = crate::config::Settings::for_tests().unwrap();
        settings.database.url = "mem://".into();
        let db = Db::connect(&settings).await.unwrap();
        db.exec(
            "CREATE workspace:kalan SET name = 'Kalan', created_by = 'u1'",
            json!({}),
        )
        .await
        .unwrap();
        let origin = Origin::default();
        let old = Utc::now() - chrono::Duration::days(40);
        for (workspace, at) in [
            ("kalan", old),
            ("kalan", Utc::now()),
            ("silinen", old),
            ("silinen", Utc::now()),
        ] {
            let entry =
                Entry::new(Actor::default(), &origin, "channel.created").workspace(workspace);
            append_at(&db, entry, at).await;
        }
        append_at(
            &db,
            Entry::new(Actor::default(), &origin, "auth.signed_in"),
            old,
        )
        .await;
        append_at(
            &db,
            Entry::new(Actor::default(), &origin, "auth.signed_in"),
            Utc::now(),
        )
        .await;
        // The instance copies of the three old entries, the old one of `kalan`, both of `silinen`.
        assert_eq!(sweep(&db, 30).await.unwrap(), 3 + 1 + 2);
        let count = |log: &'static str| {
            let db = db.clone();
            async move {
                read(&db, log, &Filter::default(), None, 100, 100)
                    .await
                    .unwrap()
                    .0
                    .len()
            }
        };
        assert_eq!(count("kalan").await, 1);
        assert_eq!(count("silinen").await, 0);
        // The instance log: the young workspace entries (both) and the young sign-in.
        assert_eq!(count(INSTANCE).await, 3);
    }

    #[test]
    fn families_match_their_actions_only() {
        let filter = Filter {
            actions: vec!["member".into(), "token.revoked".into()],
            ..Filter::default()
        };
        let entry = |action: &str| AuditEntry {
            id: String::new(),
            at: Utc::now(),
            action: action.into(),
            workspace: None,
            actor: Actor::default(),
            ip: None,
            target: None,
            details: json!({}),
        };
        assert!(filter.matches(&entry("member.removed")));
        assert!(filter.matches(&entry("token.revoked")));
        assert!(!filter.matches(&entry("token.created")));
        assert!(!filter.matches(&entry("members.x")));
    }
}
