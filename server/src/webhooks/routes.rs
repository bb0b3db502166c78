//! `/api/v1/workspaces/{workspace}/webhooks…`: subscriptions, their secrets, their deliveries.

use std::time::Duration;

use actix_web::{HttpResponse, delete, get, patch, post, web};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use super::{
    DELIVERY_FIELDS, Delivery, FIELDS, StoredWebhook, Webhook, delivery, find, new_secret,
};
use crate::access::{Access, Read, Webhooks, Write};
use crate::app::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::events::{self, TYPES};
use crate::pagination::{Page, PageQuery};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    /// Where deliveries are POSTed: http or https, on a public address unless the server's
    /// `[outbound]` settings allow private ones.
    #[schema(example = "https://crm.example.com/hooks/ulak")]
    pub url: String,
    /// Event types, or a family with `.*` (`message.*`). The caller's role must read each.
    #[schema(example = json!(["message.*", "contact.opted_out"]))]
    pub types: Vec<String>,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookUpdate {
    #[schema(example = "https://crm.example.com/hooks/ulak")]
    pub url: Option<String>,
    #[schema(example = json!(["message.*"]))]
    pub types: Option<Vec<String>>,
    pub description: Option<String>,
    /// Switching a subscription on again starts its deliveries with the events from then on.
    #[schema(example = true)]
    pub active: Option<bool>,
}

/// A subscription and its signing secret, shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookWithSecret {
    pub webhook: Webhook,
    /// `whsec_…`: verify deliveries with it (any Standard Webhooks library takes it as is).
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeliveryQuery {
    /// Items per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only `pending`, `delivered` or `dead` ones.
    pub state: Option<String>,
}

fn not_found() -> ApiError {
    ApiError::not_found("webhook")
}

const MAX_URL: usize = 2000;

/// Checks a target URL against the outbound policy, with the addresses its name has now (the
/// connection checks them again, so a name cannot turn inward later).
async fn checked_url(state: &AppState, raw: &str) -> Result<String, ApiError> {
    let raw = raw.trim();
    if raw.len() > MAX_URL {
        return Err(ApiError::invalid_field(
            "url",
            format!("is longer than {MAX_URL} characters"),
        ));
    }
    let url = reqwest::Url::parse(raw)
        .map_err(|e| ApiError::invalid_field("url", format!("is not a URL: {e}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ApiError::invalid_field(
            "url",
            "must not carry a user name or password (deliveries are signed instead)",
        ));
    }
    let policy = &state.webhooks.outbound.policy;
    policy
        .check_url(&url)
        .map_err(|refused| ApiError::invalid_field("url", refused.0))?;
    if let Some(url::Host::Domain(name)) = url.host()
        && !policy.allows_name(name)
    {
        let port = url.port_or_known_default().unwrap_or(443);
        let found = tokio::time::timeout(
            Duration::from_secs(5),
            tokio::net::lookup_host((name.to_owned(), port)),
        )
        .await;
        let addresses: Vec<std::net::SocketAddr> = match found {
            Ok(Ok(found)) => found.collect(),
            _ => {
                return Err(ApiError::invalid_field(
                    "url",
                    format!("`{name}` cannot be resolved from this server"),
                ));
            }
        };
        for address in addresses {
            policy.check_ip(address.ip()).map_err(|refused| {
                ApiError::invalid_field(
                    "url",
                    format!(
                        "`{name}` resolves to an address that is {}",
                        refused.0.trim_start_matches("not allowed: ")
                    ),
                )
            })?;
        }
    }
    Ok(url.to_string())
}

/// The types asked for, families expanded, each one the caller's role may read.
async fn checked_types(
    state: &AppState,
    access: &Access<Webhooks, Write>,
    asked: &[String],
) -> Result<Vec<String>, ApiError> {
    if asked.is_empty() || asked.len() > 50 {
        return Err(ApiError::invalid_field("types", "name 1 to 50 event types"));
    }
    let mut types: Vec<String> = Vec::new();
    for name in asked {
        let name = name.trim();
        let matching: Vec<&(&str, &str)> = match name.strip_suffix(".*") {
            Some(family) => TYPES
                .iter()
                .filter(|(t, _)| t.split('.').next() == Some(family))
                .collect(),
            None => TYPES.iter().filter(|(t, _)| *t == name).collect(),
        };
        if matching.is_empty() {
            return Err(ApiError::invalid_field(
                "types",
                format!(
                    "`{}` is not an event type",
                    name.chars().take(60).collect::<String>()
                ),
            ));
        }
        for (event_type, resource) in matching {
            if !state
                .authz
                .allowed(&access.principal, &access.workspace, resource, "read")
                .await?
            {
                return Err(ApiError::forbidden(format!(
                    "your role may not read `{event_type}` events"
                )));
            }
            if !types.iter().any(|t| t == event_type) {
                types.push((*event_type).to_owned());
            }
        }
    }
    Ok(types)
}

fn checked_description(text: &str) -> Result<String, ApiError> {
    let text = text.trim();
    if text.chars().count() > 500 {
        return Err(ApiError::invalid_field(
            "description",
            "is longer than 500 characters",
        ));
    }
    Ok(text.to_owned())
}

async fn stored(state: &AppState, workspace: &str, id: &str) -> Result<StoredWebhook, ApiError> {
    find(&state.db, workspace, id).await?.ok_or_else(not_found)
}

/// List webhooks
///
/// The workspace's subscriptions, without their secrets.
#[utoipa::path(
    tag = "webhooks",
    params(("workspace" = String, Path, description = "Workspace id"), PageQuery),
    responses(
        (status = 200, description = "Subscriptions, by id", body = Page<Webhook>),
        (status = 403, description = "Your role may not read webhooks", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/webhooks")]
pub async fn list(
    state: web::Data<AppState>,
    access: Access<Webhooks, Read>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<Webhook>>, ApiError> {
    let page = crate::pagination::workspace_page(
        &state.db,
        "webhook",
        FIELDS,
        crate::pagination::PageKey::RecordId,
        &access.workspace,
        &query,
        |w: &StoredWebhook| w.id.clone(),
    )
    .await?;
    Ok(web::Json(Page {
        items: page.items.iter().map(StoredWebhook::public).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Subscribe to events
///
/// Deliveries start with the events that happen from now on. The answer carries the signing
/// secret, shown this once (rotate it to get a new one).
#[utoipa::path(
    tag = "webhooks",
    params(("workspace" = String, Path, description = "Workspace id")),
    request_body = NewWebhook,
    responses(
        (status = 201, description = "Created", body = WebhookWithSecret),
        (status = 400, description = "A URL the server may not call (the reason in message), an unknown type", body = ErrorBody),
        (status = 403, description = "Your role may not manage webhooks, or read one of the types", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
        (status = 409, description = "The workspace has as many webhooks as its quota allows", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/webhooks")]
#[tracing::instrument(skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    access: Access<Webhooks, Write>,
    origin: crate::audit::Origin,
    body: web::Json<NewWebhook>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let types = checked_types(&state, &access, &body.types).await?;
    let description = checked_description(&body.description)?;
    let url = checked_url(&state, &body.url).await?;
    let quota = state.settings.webhooks.per_workspace;
    if quota > 0 {
        let count: Option<u64> = state
            .db
            .row(
                "SELECT VALUE count() FROM webhook WHERE workspace = $ws GROUP ALL",
                json!({ "ws": access.workspace }),
            )
            .await?;
        if count.unwrap_or(0) >= quota {
            return Err(ApiError::conflict(
                "quota_exceeded",
                format!("this workspace has {quota} webhooks already (webhooks.per_workspace)"),
            )
            .with_details(json!({ "quota": "webhooks.per_workspace", "limit": quota })));
        }
    }
    let id = crate::db::new_id();
    let secret = new_secret();
    let created: Option<StoredWebhook> = state
        .db
        .last_rows(
            &format!(
                "CREATE type::record('webhook', $id) SET workspace = $ws, url = $url, types = $types, \
                 description = $description, active = true, secret = $secret, cursor = $cursor, \
                 created_by = $user, created_at = time::now(), updated_at = time::now(); \
                 SELECT {FIELDS} FROM type::record('webhook', $id);"
            ),
            json!({
                "id": id,
                "ws": access.workspace,
                "url": url,
                "types": types,
                "description": description,
                "secret": secret,
                "cursor": events::ulid_floor(chrono::Utc::now()),
                "user": access.principal.user.id,
            }),
        )
        .await?
        .into_iter()
        .next();
    let created = created.ok_or_else(not_found)?;
    crate::audit::append(
        &state.db,
        access
            .audit(&origin, "webhook.created")
            .target(&id)
            .details(json!({ "url": audited_url(&url), "types": types })),
    )
    .await;
    Ok(HttpResponse::Created().json(WebhookWithSecret {
        webhook: created.public(),
        secret,
    }))
}

/// Get a webhook
///
/// One subscription, without its secret: where it delivers, which types, whether it is failing.
#[utoipa::path(
    tag = "webhooks",
    params(
        ("workspace" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Webhook id"),
    ),
    responses(
        (status = 200, description = "The subscription", body = Webhook),
        (status = 403, description = "Your role may not read webhooks", body = ErrorBody),
        (status = 404, description = "No such workspace of yours, or no such webhook", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/webhooks/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    access: Access<Webhooks, Read>,
    path: web::Path<(String, String)>,
) -> Result<web::Json<Webhook>, ApiError> {
    let (_, id) = path.into_inner();
    Ok(web::Json(
        stored(&state, &access.workspace, &id).await?.public(),
    ))
}

/// Change a webhook
///
/// URL, types, description, on or off. A subscription the server switched off for failing says
/// why in `disabled_reason`; switching it on clears that.
#[utoipa::path(
    tag = "webhooks",
    params(
        ("workspace" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Webhook id"),
    ),
    request_body = WebhookUpdate,
    responses(
        (status = 200, description = "Changed", body = Webhook),
        (status = 400, description = "A URL the server may not call, an unknown type", body = ErrorBody),
        (status = 403, description = "Your role may not manage webhooks, or read one of the types", body = ErrorBody),
        (status = 404, description = "No such workspace of yours, or no such webhook", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[patch("/workspaces/{workspace}/webhooks/{id}")]
#[tracing::instrument(skip_all)]
pub async fn update(
    state: web::Data<AppState>,
    access: Access<Webhooks, Write>,
    origin: crate::audit::Origin,
    path: web::Path<(String, String)>,
    body: web::Json<WebhookUpdate>,
) -> Result<web::Json<Webhook>, ApiError> {
    let (_, id) = path.into_inner();
    let body = body.into_inner();
    let current = stored(&state, &access.workspace, &id).await?;
    // The types that will apply are checked against the caller's role even when unchanged: the
    // caller decides where they go from now on.
    let types = checked_types(
        &state,
        &access,
        body.types.as_ref().unwrap_or(&current.types),
    )
    .await?;
    let url = match &body.url {
        Some(url) => checked_url(&state, url).await?,
        None => current.url.clone(),
    };
    let description = match &body.description {
        Some(text) => checked_description(text)?,
        None => current.description.clone(),
    };
    let changed: Option<StoredWebhook> = state
        .db
        .last_rows(
            &format!(
                "UPDATE type::record('webhook', $id) SET \
                 cursor = IF $active = true AND active = false {{ $cursor }} ELSE {{ cursor }}, \
                 failing_since = IF $active = true AND active = false {{ NONE }} ELSE {{ failing_since }}, \
                 url = $url, types = $types, \
                 description = $description, active = $active ?? active, updated_at = time::now(), \
                 disabled_reason = IF $active = true {{ NONE }} ELSE {{ disabled_reason }} \
                 WHERE workspace = $ws; \
                 SELECT {FIELDS} FROM type::record('webhook', $id) WHERE workspace = $ws;"
            ),
            json!({
                "id": id,
                "ws": access.workspace,
                "url": url,
                "types": types,
                "description": description,
                "active": body.active,
                "cursor": events::ulid_floor(chrono::Utc::now()),
            }),
        )
        .await?
        .into_iter()
        .next();
    let changed = changed.ok_or_else(not_found)?;
    crate::audit::append(
        &state.db,
        access
            .audit(&origin, "webhook.updated")
            .target(&id)
            .details(json!({
                "url": body.url.as_ref().map(|_| audited_url(&url)),
                "types": body.types.as_ref().map(|_| &types),
                "active": body.active,
                "description": body.description.as_ref().map(|_| &description),
            })),
    )
    .await;
    Ok(web::Json(changed.public()))
}

/// Delete a webhook
///
/// Its pending deliveries are not made; its delivery records go with it.
#[utoipa::path(
    tag = "webhooks",
    params(
        ("workspace" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Webhook id"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Your role may not manage webhooks", body = ErrorBody),
        (status = 404, description = "No such workspace of yours, or no such webhook", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[delete("/workspaces/{workspace}/webhooks/{id}")]
#[tracing::instrument(skip_all)]
pub async fn delete_one(
    state: web::Data<AppState>,
    access: Access<Webhooks, Write>,
    origin: crate::audit::Origin,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (_, id) = path.into_inner();
    let gone = stored(&state, &access.workspace, &id).await?;
    state
        .db
        .exec(
            "DELETE type::record('webhook', $id) WHERE workspace = $ws",
            json!({ "id": id, "ws": access.workspace }),
        )
        .await?;
    crate::audit::append(
        &state.db,
        access
            .audit(&origin, "webhook.deleted")
            .target(&id)
            .details(json!({ "url": audited_url(&gone.url) })),
    )
    .await;
    super::forget_deliveries(&state.db, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Rotate a webhook's secret
///
/// A new secret, shown this once. For `webhooks.secret_grace_hours` (24 h) deliveries carry a
/// second signature made with the old one, so receivers can switch without losing any.
#[utoipa::path(
    tag = "webhooks",
    params(
        ("workspace" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Webhook id"),
    ),
    responses(
        (status = 200, description = "The new secret", body = WebhookWithSecret),
        (status = 403, description = "Your role may not manage webhooks", body = ErrorBody),
        (status = 404, description = "No such workspace of yours, or no such webhook", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/webhooks/{id}/rotate-secret")]
#[tracing::instrument(skip_all)]
pub async fn rotate_secret(
    state: web::Data<AppState>,
    access: Access<Webhooks, Write>,
    origin: crate::audit::Origin,
    path: web::Path<(String, String)>,
) -> Result<web::Json<WebhookWithSecret>, ApiError> {
    let (_, id) = path.into_inner();
    stored(&state, &access.workspace, &id).await?;
    let secret = new_secret();
    let changed: Option<StoredWebhook> = state
        .db
        .last_rows(
            &format!(
                "UPDATE type::record('webhook', $id) SET old_secret = secret, secret = $secret, \
                 old_secret_until = time::now() + <duration>$grace, updated_at = time::now() \
                 WHERE workspace = $ws; \
                 SELECT {FIELDS} FROM type::record('webhook', $id) WHERE workspace = $ws;"
            ),
            json!({
                "id": id,
                "ws": access.workspace,
                "secret": secret,
                "grace": format!("{}h", state.settings.webhooks.secret_grace_hours),
            }),
        )
        .await?
        .into_iter()
        .next();
    let webhook = changed.ok_or_else(not_found)?.public();
    crate::audit::append(
        &state.db,
        access.audit(&origin, "webhook.secret_rotated").target(&id),
    )
    .await;
    Ok(web::Json(WebhookWithSecret { webhook, secret }))
}

/// List a webhook's deliveries
///
/// Oldest first, each with its attempts (status code, latency, the start of the answer).
#[utoipa::path(
    tag = "webhooks",
    params(
        ("workspace" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Webhook id"),
        DeliveryQuery,
    ),
    responses(
        (status = 200, description = "Deliveries", body = Page<Delivery>),
        (status = 400, description = "An unknown state", body = ErrorBody),
        (status = 403, description = "Your role may not read webhooks", body = ErrorBody),
        (status = 404, description = "No such workspace of yours, or no such webhook", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/webhooks/{id}/deliveries")]
pub async fn deliveries(
    state: web::Data<AppState>,
    access: Access<Webhooks, Read>,
    path: web::Path<(String, String)>,
    query: web::Query<DeliveryQuery>,
) -> Result<web::Json<Page<Delivery>>, ApiError> {
    let (_, id) = path.into_inner();
    stored(&state, &access.workspace, &id).await?;
    if let Some(s) = &query.state
        && !["pending", "delivered", "dead"].contains(&s.as_str())
    {
        return Err(ApiError::invalid_field(
            "state",
            "is one of pending, delivered, dead",
        ));
    }
    let limit = query
        .limit
        .unwrap_or(crate::pagination::DEFAULT_LIMIT)
        .clamp(1, crate::pagination::MAX_LIMIT);
    let after = query.cursor.clone().unwrap_or_default();
    if !after.is_empty() && !events::is_event_id(&after) {
        return Err(ApiError::invalid_field("cursor", "is not a delivery id"));
    }
    // A filtered page looks at most SCAN_DELIVERIES entries; `next_cursor` goes on from there.
    #[derive(Deserialize)]
    struct Scanned {
        rows: Vec<Delivery>,
        last: Option<String>,
        scanned: usize,
    }
    let found: Option<Scanned> = state
        .db
        .last_rows(
            &format!(
                "LET $scanned = (SELECT VALUE id FROM array::first([webhook_delivery:[$hook, $after]>..[$hook, {{}}]]) LIMIT $scan); \
                 LET $rows = (SELECT {DELIVERY_FIELDS} FROM $scanned WHERE $state = NONE OR state = $state LIMIT $n); \
                 RETURN {{ rows: $rows, scanned: array::len($scanned), \
                     last: IF array::len($scanned) > 0 {{ record::id(array::last($scanned))[1] }} ELSE {{ NONE }} }};"
            ),
            crate::db::without_nulls(json!({
                "hook": id,
                "after": after,
                "state": query.state,
                "n": limit + 1,
                "scan": SCAN_DELIVERIES,
            })),
        )
        .await?
        .into_iter()
        .next();
    let Some(found) = found else {
        return Ok(web::Json(Page {
            items: Vec::new(),
            next_cursor: None,
        }));
    };
    let mut page = Page::from_rows(found.rows, limit, |d| d.id.clone());
    if page.next_cursor.is_none() && found.scanned == SCAN_DELIVERIES {
        page.next_cursor = found.last;
    }
    Ok(web::Json(page))
}

/// Deliveries one page looks at, matching its `state` or not.
const SCAN_DELIVERIES: usize = 5000;

/// Deliver again
///
/// One attempt now, whatever the delivery's state, answered with the delivery and the attempt's
/// outcome. A delivered one is not delivered again by itself; a dead letter that now succeeds is
/// delivered.
#[utoipa::path(
    tag = "webhooks",
    params(
        ("workspace" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Webhook id"),
        ("delivery" = String, Path, description = "Delivery id"),
    ),
    responses(
        (status = 200, description = "The delivery after the attempt", body = Delivery),
        (status = 403, description = "Your role may not manage webhooks", body = ErrorBody),
        (status = 404, description = "No such workspace of yours, no such webhook or delivery", body = ErrorBody),
        (status = 409, description = "The delivery is being attempted now, or the webhook no longer receives its type", body = ErrorBody),
        (status = 429, description = "More than one attempt by hand a second at this webhook", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/webhooks/{id}/deliveries/{delivery}/redeliver")]
#[tracing::instrument(skip_all)]
pub async fn redeliver(
    state: web::Data<AppState>,
    access: Access<Webhooks, Write>,
    path: web::Path<(String, String, String)>,
) -> Result<web::Json<Delivery>, ApiError> {
    let (_, id, event) = path.into_inner();
    stored(&state, &access.workspace, &id).await?;
    if !events::is_event_id(&event) {
        return Err(ApiError::not_found("delivery"));
    }
    let stored_delivery = delivery(&state.db, &id, &event).await?;
    // Sending it again shows its content to whoever the URL now names: the caller must be allowed
    // to read it.
    if let Some(resource) = events::resource_of(&stored_delivery.event_type)
        && !state
            .authz
            .allowed(&access.principal, &access.workspace, resource, "read")
            .await?
    {
        return Err(ApiError::forbidden(format!(
            "your role may not read `{}` events",
            stored_delivery.event_type
        )));
    }
    state.webhooks.manual_allowed(&id)?;
    Ok(web::Json(
        state.webhooks.attempt_by_hand(&id, &event).await?,
    ))
}

/// Send a test delivery
///
/// A `webhook.ping` delivery (data: the webhook's id), stored like any other and attempted now;
/// the answer shows the receiver's status code and latency.
#[utoipa::path(
    tag = "webhooks",
    params(
        ("workspace" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Webhook id"),
    ),
    responses(
        (status = 200, description = "The delivery after its attempt", body = Delivery),
        (status = 403, description = "Your role may not manage webhooks", body = ErrorBody),
        (status = 404, description = "No such workspace of yours, or no such webhook", body = ErrorBody),
        (status = 429, description = "More than one attempt by hand a second at this webhook", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/webhooks/{id}/ping")]
#[tracing::instrument(skip_all)]
pub async fn ping(
    state: web::Data<AppState>,
    access: Access<Webhooks, Write>,
    path: web::Path<(String, String)>,
) -> Result<web::Json<Delivery>, ApiError> {
    let (_, id) = path.into_inner();
    stored(&state, &access.workspace, &id).await?;
    state.webhooks.manual_allowed(&id)?;
    let body = json!({
        "type": "webhook.ping",
        "timestamp": chrono::Utc::now(),
        "data": { "webhook": id },
    })
    .to_string();
    // Stored as a dead letter: a failed ping is not tried again by itself.
    let event: Option<String> = state
        .db
        .last_rows(
            "LET $event = rand::ulid(); \
             CREATE type::record('webhook_delivery', [$hook, $event]) SET workspace = $ws, \
                 type = 'webhook.ping', state = 'dead', attempts = [], created_at = time::now(), \
                 body = $body; \
             RETURN $event;",
            json!({ "hook": id, "ws": access.workspace, "body": body }),
        )
        .await?
        .into_iter()
        .next();
    let event = event.ok_or_else(|| ApiError::internal(anyhow::anyhow!("ping not stored")))?;
    Ok(web::Json(
        state.webhooks.attempt_by_hand(&id, &event).await?,
    ))
}

/// A receiver's address for the audit log: its origin only. Paths and queries often carry the
/// receiver's own secret (chat services' hook URLs do).
fn audited_url(url: &str) -> String {
    reqwest::Url::parse(url)
        .map(|parsed| parsed.origin().ascii_serialization())
        .unwrap_or_default()
}
