//! `/api/v1/workspaces/{workspace}/events…`: the event log in pages, and as a live stream.

use std::time::{Duration, Instant};

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{Event, TYPES, is_event_id, read_after, ulid_floor};
use crate::access::{Access, Read, Settings};
use crate::app::AppState;
use crate::auth::Principal;
use crate::auth::policy::Authz;
use crate::error::{ApiError, ErrorBody};
use crate::pagination::Page;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EventQuery {
    /// Events after this one (an event id, or `next_cursor`); from the oldest kept when absent.
    pub cursor: Option<String>,
    /// Only these types, comma-separated (`message.delivered,message.read`).
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub types: Option<String>,
    /// Events per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StreamQuery {
    /// Only these types, comma-separated.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub types: Option<String>,
    /// Start after this event (the `Last-Event-ID` header wins); only new events when neither.
    pub after: Option<String>,
}

/// How many entries one read of the log looks at, matching or not.
const SCAN: usize = 2000;

/// The types asked for, each known and readable by the caller; all readable ones when none asked.
async fn readable_types(
    authz: &Authz,
    principal: &Principal,
    workspace: &str,
    asked: Option<&str>,
) -> Result<Vec<String>, ApiError> {
    let mut readable = Vec::new();
    let mut checked: Vec<(&str, bool)> = Vec::new();
    for (event_type, resource) in TYPES {
        let allowed = match checked.iter().find(|(r, _)| r == resource) {
            Some((_, allowed)) => *allowed,
            None => {
                let allowed = authz
                    .allowed(principal, workspace, resource, "read")
                    .await?;
                checked.push((resource, allowed));
                allowed
            }
        };
        if allowed {
            readable.push((*event_type).to_owned());
        }
    }
    let Some(asked) = asked.filter(|a| !a.trim().is_empty()) else {
        return Ok(readable);
    };
    let mut wanted = Vec::new();
    for name in asked.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if super::resource_of(name).is_none() {
            return Err(ApiError::invalid_field(
                "type",
                format!(
                    "`{}` is not an event type",
                    name.chars().take(60).collect::<String>()
                ),
            ));
        }
        if !readable.iter().any(|r| r == name) {
            return Err(ApiError::forbidden(format!(
                "your role may not read `{name}` events"
            )));
        }
        if !wanted.iter().any(|w| w == name) {
            wanted.push(name.to_owned());
        }
    }
    Ok(wanted)
}

fn checked_cursor(field: &str, cursor: Option<&str>) -> Result<Option<String>, ApiError> {
    match cursor.map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(None),
        Some(c) if is_event_id(c) => Ok(Some(c.to_owned())),
        Some(_) => Err(ApiError::invalid_field(field, "is not an event id")),
    }
}

/// List events
///
/// The workspace's event log, oldest first, of the types the caller's role may read (message events
/// need `messages:read`, contact and import events `contacts:read`, and so on). Events younger than
/// `events.settle_ms` (1.5 s) appear a moment later, so a cursor never passes over one. Without
/// `next_cursor` the log is read to its end: poll again later with the last event's id.
#[utoipa::path(
    tag = "events",
    params(("workspace" = String, Path, description = "Workspace id"), EventQuery),
    responses(
        (status = 200, description = "Events", body = Page<Event>),
        (status = 400, description = "An unknown type or a malformed cursor", body = ErrorBody),
        (status = 403, description = "A type your role may not read", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/events")]
pub async fn list(
    state: web::Data<AppState>,
    access: Access<Settings, Read>,
    query: web::Query<EventQuery>,
) -> Result<web::Json<Page<Event>>, ApiError> {
    let types = readable_types(
        &state.authz,
        &access.principal,
        &access.workspace,
        query.types.as_deref(),
    )
    .await?;
    let after = checked_cursor("cursor", query.cursor.as_deref())?;
    let limit = query
        .limit
        .unwrap_or(crate::pagination::DEFAULT_LIMIT)
        .clamp(1, crate::pagination::MAX_LIMIT);
    let settle = Duration::from_millis(state.settings.events.settle_ms);
    if types.is_empty() {
        return Ok(web::Json(Page {
            items: Vec::new(),
            next_cursor: None,
        }));
    }
    let (items, last) = read_after(
        &state.db,
        &access.workspace,
        after.as_deref(),
        settle,
        &types,
        limit,
        SCAN,
    )
    .await?;
    // More may follow when the page is full or the scan stopped at its bound.
    let more = items.len() == limit
        || last
            .as_ref()
            .is_some_and(|l| items.last().is_none_or(|i| &i.id != l));
    Ok(web::Json(Page {
        next_cursor: if more { last } else { None },
        items,
    }))
}

/// Follow events live
///
/// A server-sent event stream of the workspace's events (`id`, `event` = the type, `data` = the
/// event as JSON), of the types the caller's role may read. Reconnecting with the `Last-Event-ID`
/// header (browsers do it by themselves) resumes after that event without gaps or repeats. Without
/// it, the stream starts with events from now on. A comment line every 15 s keeps proxies from
/// closing a quiet stream; the caller's access is checked again every 30 s. A stream ends after 30
/// minutes (reconnect to go on); a caller may have 10 open at once (429 beyond).
#[utoipa::path(
    tag = "events",
    params(
        ("workspace" = String, Path, description = "Workspace id"),
        ("Last-Event-ID" = Option<String>, Header, description = "Resume after this event"),
        StreamQuery
    ),
    responses(
        (status = 200, description = "The stream", content_type = "text/event-stream", body = String),
        (status = 400, description = "An unknown type or a malformed event id", body = ErrorBody),
        (status = 403, description = "A type your role may not read", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
        (status = 429, description = "You have 10 streams open already", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/events/stream")]
pub async fn stream(
    state: web::Data<AppState>,
    access: Access<Settings, Read>,
    query: web::Query<StreamQuery>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let asked = query.types.clone();
    let types = readable_types(
        &state.authz,
        &access.principal,
        &access.workspace,
        asked.as_deref(),
    )
    .await?;
    let header = request
        .headers()
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let after = match header {
        Some(h) => checked_cursor("Last-Event-ID", Some(&h))?,
        None => checked_cursor("after", query.after.as_deref())?,
    };
    let settle = Duration::from_millis(state.settings.events.settle_ms);
    // From now on: events of the last moments that readers have not passed yet come too.
    let after = after.unwrap_or_else(|| {
        ulid_floor(chrono::Utc::now() - chrono::Duration::from_std(settle).unwrap_or_default())
    });
    let slot = state.streams.open(&access.principal.subject())?;
    let follower = Follower {
        _slot: slot,
        opened: Instant::now(),
        state: state.clone(),
        principal: access.principal,
        workspace: access.workspace,
        asked,
        types,
        after,
        settle,
        checked_at: Instant::now(),
        quiet_since: Instant::now(),
        pending: std::collections::VecDeque::new(),
        first: true,
    };
    let body = futures_util::stream::unfold(follower, |mut follower| async move {
        let chunk = follower.next_chunk().await?;
        Some((Ok::<_, actix_web::Error>(web::Bytes::from(chunk)), follower))
    });
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(body))
}

/// One client's place in the log.
struct Follower {
    _slot: super::StreamSlot,
    opened: Instant,
    state: web::Data<AppState>,
    principal: Principal,
    workspace: String,
    asked: Option<String>,
    types: Vec<String>,
    after: String,
    settle: Duration,
    checked_at: Instant,
    quiet_since: Instant,
    pending: std::collections::VecDeque<Event>,
    first: bool,
}

const POLL: Duration = Duration::from_millis(300);
const HEARTBEAT: Duration = Duration::from_secs(15);
const RECHECK: Duration = Duration::from_secs(30);
/// A stream ends after this long; the client reconnects with `Last-Event-ID` and misses nothing.
const LIFETIME: Duration = Duration::from_secs(30 * 60);

impl Follower {
    /// The next piece of the stream; `None` ends it (access lost, or the store failing).
    async fn next_chunk(&mut self) -> Option<String> {
        if self.first {
            self.first = false;
            // Tells the client how long to wait before reconnecting, and opens the stream at once.
            return Some("retry: 2000\n\n".to_owned());
        }
        loop {
            if let Some(event) = self.pending.pop_front() {
                self.quiet_since = Instant::now();
                let data = serde_json::to_string(&event).unwrap_or_default();
                return Some(format!(
                    "id: {}\nevent: {}\ndata: {data}\n\n",
                    event.id, event.event_type
                ));
            }
            if self.opened.elapsed() >= LIFETIME {
                return None;
            }
            if self.checked_at.elapsed() >= RECHECK {
                self.checked_at = Instant::now();
                let still = crate::auth::still_valid(&self.state.db, &self.principal).await
                    && self
                        .state
                        .authz
                        .allowed(&self.principal, &self.workspace, "workspace", "read")
                        .await
                        .unwrap_or(false);
                if !still {
                    return None;
                }
                match readable_types(&self.state.authz, &self.principal, &self.workspace, None)
                    .await
                {
                    Ok(readable) => self.types.retain(|t| readable.contains(t)),
                    Err(_) => return None,
                }
                if self.types.is_empty() && self.asked.is_some() {
                    return None;
                }
            }
            if !self.types.is_empty() {
                match read_after(
                    &self.state.db,
                    &self.workspace,
                    Some(&self.after),
                    self.settle,
                    &self.types,
                    200,
                    SCAN,
                )
                .await
                {
                    Ok((events, last)) => {
                        if let Some(last) = last {
                            self.after = last;
                        }
                        if !events.is_empty() {
                            self.pending.extend(events);
                            continue;
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "event stream cannot read the log");
                        return None;
                    }
                }
            }
            if self.quiet_since.elapsed() >= HEARTBEAT {
                self.quiet_since = Instant::now();
                return Some(": keep-alive\n\n".to_owned());
            }
            tokio::time::sleep(POLL).await;
        }
    }
}
