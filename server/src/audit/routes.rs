//! `…/workspaces/{workspace}/audit` (owners and admins: `audit:read`) and `/api/v1/audit` (the
//! superadmin): the audit log in pages, newest first, and as CSV.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use futures_util::StreamExt as _;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{ACTIONS, AuditEntry, Filter, INSTANCE, read};
use crate::access::{Access, Audit, Read};
use crate::app::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::pagination::Page;

/// How many entries one read looks at, matching or not.
const SCAN: usize = 2000;
/// Entries a CSV export holds at most (the newest); more are a narrower `since`/`until` away.
const CSV_MAX: usize = 100_000;
/// Reads one CSV export makes at most (each looks at up to `SCAN` entries), so a filter that
/// matches little cannot walk an unbounded log.
const CSV_READS: usize = 500;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Only these actions, comma-separated: exact (`token.revoked`) or a family (`member` is every
    /// `member.*`).
    pub action: Option<String>,
    /// Only what this user did (their id).
    pub user: Option<String>,
    /// Entries from this moment on (RFC 3339).
    pub since: Option<DateTime<Utc>>,
    /// Entries before this moment (RFC 3339).
    pub until: Option<DateTime<Utc>>,
    /// Entries older than this one (`next_cursor` of the previous page).
    pub cursor: Option<String>,
    /// Entries per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InstanceAuditQuery {
    /// Only entries about this workspace (its id); deleted workspaces' entries are here too.
    pub workspace: Option<String>,
    /// As on `…/audit`.
    pub action: Option<String>,
    /// As on `…/audit`.
    pub user: Option<String>,
    /// As on `…/audit`.
    pub since: Option<DateTime<Utc>>,
    /// As on `…/audit`.
    pub until: Option<DateTime<Utc>>,
    /// As on `…/audit`.
    pub cursor: Option<String>,
    /// As on `…/audit`.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
}

impl InstanceAuditQuery {
    /// The workspace route's query, and the workspace asked for.
    fn split(self) -> (AuditQuery, Option<String>) {
        let workspace = self
            .workspace
            .as_deref()
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(|w| w.chars().take(200).collect());
        let query = AuditQuery {
            action: self.action,
            user: self.user,
            since: self.since,
            until: self.until,
            cursor: self.cursor,
            limit: self.limit,
        };
        (query, workspace)
    }
}

impl AuditQuery {
    fn filter(&self) -> Result<Filter, ApiError> {
        let mut actions = Vec::new();
        for name in self
            .action
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            let known = ACTIONS.iter().any(|(a, _)| {
                *a == name
                    || a.strip_prefix(name)
                        .is_some_and(|rest| rest.starts_with('.'))
            });
            if !known {
                return Err(ApiError::invalid_field(
                    "action",
                    format!(
                        "`{}` is neither an audited action nor a family of them",
                        name.chars().take(60).collect::<String>()
                    ),
                ));
            }
            if actions.len() == 50 {
                return Err(ApiError::invalid_field("action", "at most 50"));
            }
            actions.push(name.to_owned());
        }
        if let (Some(since), Some(until)) = (self.since, self.until)
            && since >= until
        {
            return Err(ApiError::invalid_field("until", "must be after `since`"));
        }
        Ok(Filter {
            actions,
            user: self
                .user
                .as_deref()
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .map(|u| u.chars().take(200).collect()),
            workspace: None,
            since: self.since,
            until: self.until,
        })
    }

    fn cursor(&self) -> Result<Option<String>, ApiError> {
        match self
            .cursor
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            None => Ok(None),
            Some(c) if crate::events::is_event_id(c) => Ok(Some(c.to_owned())),
            Some(_) => Err(ApiError::invalid_field(
                "cursor",
                "is not an audit entry id",
            )),
        }
    }
}

async fn page(
    state: &AppState,
    log: &str,
    filter: &Filter,
    query: &AuditQuery,
) -> Result<Page<AuditEntry>, ApiError> {
    let cursor = query.cursor()?;
    let limit = query
        .limit
        .unwrap_or(crate::pagination::DEFAULT_LIMIT)
        .clamp(1, crate::pagination::MAX_LIMIT);
    let (items, last) = read(&state.db, log, filter, cursor.as_deref(), limit, SCAN).await?;
    // `last` is set when the page filled up or the scan stopped at its bound.
    Ok(Page {
        next_cursor: last,
        items,
    })
}

/// The log as CSV, newest first, a read at a time (memory stays flat).
fn csv(
    state: web::Data<AppState>,
    log: String,
    filter: Filter,
    cursor: Option<String>,
    file: &str,
) -> HttpResponse {
    const HEAD: &[&str] = &[
        "id",
        "at",
        "action",
        "workspace",
        "user",
        "email",
        "token",
        "ip",
        "target",
        "details",
    ];
    struct Export {
        state: web::Data<AppState>,
        log: String,
        filter: Filter,
        cursor: Option<String>,
        written: usize,
        reads: usize,
        done: bool,
    }
    let job = Export {
        state,
        log,
        filter,
        cursor,
        written: 0,
        reads: 0,
        done: false,
    };
    let head = web::Bytes::from(crate::campaigns::routes::csv_line(HEAD));
    let body = futures_util::stream::once(async move { Ok::<_, actix_web::Error>(head) }).chain(
        futures_util::stream::try_unfold(job, |mut job| async move {
            if job.done {
                return Ok(None);
            }
            let limit = crate::pagination::MAX_LIMIT.min(CSV_MAX - job.written);
            let (items, last) = read(
                &job.state.db,
                &job.log,
                &job.filter,
                job.cursor.as_deref(),
                limit,
                SCAN,
            )
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, "audit export stopped");
                actix_web::error::ErrorServiceUnavailable("export stopped")
            })?;
            job.written += items.len();
            job.reads += 1;
            job.done = last.is_none() || job.written >= CSV_MAX || job.reads >= CSV_READS;
            job.cursor = last;
            let mut bytes = Vec::new();
            for e in &items {
                let at = e.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
                let details = e.details.to_string();
                bytes.extend(crate::campaigns::routes::csv_line(&[
                    &e.id,
                    &at,
                    &e.action,
                    e.workspace.as_deref().unwrap_or(""),
                    e.actor.user.as_deref().unwrap_or(""),
                    e.actor.email.as_deref().unwrap_or(""),
                    e.actor.token.as_deref().unwrap_or(""),
                    e.ip.as_deref().unwrap_or(""),
                    e.target.as_deref().unwrap_or(""),
                    &details,
                ]));
            }
            Ok(Some((web::Bytes::from(bytes), job)))
        }),
    );
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file}\""),
        ))
        .streaming(body)
}

/// List the workspace's audit log
///
/// Who did what in the workspace, when, from which address: member and role changes, invitations,
/// tokens, plugin settings, channels, campaign starts and cancels, exports, webhook changes and the
/// workspace's deletion. Newest first. Needs `audit:read` (owners and admins have it). Nothing
/// changes or removes an entry; they are kept `audit.keep_days` (365).
#[utoipa::path(
    tag = "audit",
    params(("workspace" = String, Path, description = "Workspace id"), AuditQuery),
    responses(
        (status = 200, description = "Entries, newest first", body = Page<AuditEntry>),
        (status = 400, description = "An unknown action, bad times or a malformed cursor", body = ErrorBody),
        (status = 403, description = "Your role may not read the audit log", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/audit")]
pub async fn list(
    state: web::Data<AppState>,
    access: Access<Audit, Read>,
    query: web::Query<AuditQuery>,
) -> Result<web::Json<Page<AuditEntry>>, ApiError> {
    let filter = query.filter()?;
    Ok(web::Json(
        page(&state, &access.workspace, &filter, &query).await?,
    ))
}

/// Export the workspace's audit log as CSV
///
/// The entries `…/audit` lists, with the same filters (and `cursor`: older than that entry),
/// newest first, at most 100,000 (narrow `since`/`until` for more; `limit` does not apply). An
/// export looks at a million entries at most. Columns: id, at, action, workspace, user, email, token, ip, target,
/// details (JSON). Cells that a spreadsheet would run as a formula start with `'`.
#[utoipa::path(
    tag = "audit",
    params(("workspace" = String, Path, description = "Workspace id"), AuditQuery),
    responses(
        (status = 200, description = "The entries as CSV", content_type = "text/csv", body = String),
        (status = 400, description = "An unknown action, bad times or a malformed cursor", body = ErrorBody),
        (status = 403, description = "Your role may not read the audit log", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/audit.csv")]
pub async fn export(
    state: web::Data<AppState>,
    access: Access<Audit, Read>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter = query.filter()?;
    let cursor = query.cursor()?;
    Ok(csv(state, access.workspace, filter, cursor, "audit.csv"))
}

/// List the instance's audit log
///
/// Every audited action on the instance, newest first: sign-ins and failed sign-ins, password
/// changes and resets, plugin installs, upgrades and removals, and every workspace's entries
/// (kept here after a workspace is deleted). Only the superadmin.
#[utoipa::path(
    tag = "audit",
    params(InstanceAuditQuery),
    responses(
        (status = 200, description = "Entries, newest first", body = Page<AuditEntry>),
        (status = 400, description = "An unknown action, bad times or a malformed cursor", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not the superadmin", body = ErrorBody),
    ),
    security(("session" = []))
)]
#[get("/audit")]
pub async fn list_instance(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<InstanceAuditQuery>,
) -> Result<web::Json<Page<AuditEntry>>, ApiError> {
    principal.require_superadmin()?;
    let (query, workspace) = query.into_inner().split();
    let filter = Filter {
        workspace,
        ..query.filter()?
    };
    Ok(web::Json(page(&state, INSTANCE, &filter, &query).await?))
}

/// Export the instance's audit log as CSV
///
/// The entries `/api/v1/audit` lists, with the same filters, as `…/audit.csv` writes them. Only
/// the superadmin.
#[utoipa::path(
    tag = "audit",
    params(InstanceAuditQuery),
    responses(
        (status = 200, description = "The entries as CSV", content_type = "text/csv", body = String),
        (status = 400, description = "An unknown action, bad times or a malformed cursor", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not the superadmin", body = ErrorBody),
    ),
    security(("session" = []))
)]
#[get("/audit.csv")]
pub async fn export_instance(
    state: web::Data<AppState>,
    principal: Principal,
    query: web::Query<InstanceAuditQuery>,
) -> Result<HttpResponse, ApiError> {
    principal.require_superadmin()?;
    let (query, workspace) = query.into_inner().split();
    let filter = Filter {
        workspace,
        ..query.filter()?
    };
    let cursor = query.cursor()?;
    Ok(csv(state, INSTANCE.to_owned(), filter, cursor, "audit.csv"))
}
