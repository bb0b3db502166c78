//! `/api/v1/workspaces/{workspace}/channels/{id}/templates…`: a Cloud API channel's message
//! templates as its WhatsApp Business Account lists them, stored under the channel (keyed
//! `wa_template:[channel, name, language]`) and refreshed on request. A Ulak template maps onto
//! one of them in `channel_hints.whatsapp_cloud`; the transport sends it outside the 24-hour window.

use actix_web::{get, post, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::{ChannelKind, StoredChannel, find};
use crate::access::{Access, Channels, Read, Write};
use crate::app::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::transports::whatsapp_cloud::ApprovedTemplate;

/// A channel's templates at Meta.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApprovedTemplates {
    /// By name, then language. Only `APPROVED` ones are sent.
    pub templates: Vec<ApprovedTemplate>,
    /// When they were last read from the Graph API (none: never).
    pub refreshed_at: Option<DateTime<Utc>>,
}

/// Refreshes running at once, over every channel: each reads up to 50 pages from Meta.
static REFRESHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

async fn cloud_channel(
    state: &AppState,
    workspace: &str,
    id: &str,
) -> Result<StoredChannel, ApiError> {
    let channel = find(&state.db, workspace, id)
        .await?
        .ok_or_else(|| ApiError::not_found("channel"))?;
    if channel.kind != ChannelKind::WhatsappCloud {
        return Err(ApiError::invalid_field(
            "channel",
            "only WhatsApp Cloud API channels have approved templates",
        ));
    }
    Ok(channel)
}

async fn stored(state: &AppState, channel: &str) -> Result<ApprovedTemplates, ApiError> {
    let range = "array::first([wa_template:[$ch, NONE]..[$ch, {}]])";
    let templates: Vec<ApprovedTemplate> = state
        .db
        .rows(
            &format!("SELECT * OMIT id, workspace, channel, refreshed_at FROM {range}"),
            json!({ "ch": channel }),
        )
        .await?;
    let refreshed_at: Option<DateTime<Utc>> = state
        .db
        .row(
            "SELECT VALUE refreshed_at FROM ONLY type::record('wa_template_refresh', $ch)",
            json!({ "ch": channel }),
        )
        .await?;
    Ok(ApprovedTemplates {
        templates,
        refreshed_at,
    })
}

/// List a channel's approved templates
///
/// The WhatsApp message templates of a Cloud API channel's business account, as last refreshed:
/// name, language, review status, and the placeholders of header and body that a Ulak template's
/// mapping (`channel_hints.whatsapp_cloud`) fills.
#[utoipa::path(
    operation_id = "list_channel_templates",
    tag = "channels",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Channel id")),
    responses(
        (status = 200, description = "The templates", body = ApprovedTemplates),
        (status = 400, description = "Not a WhatsApp Cloud API channel", body = ErrorBody),
        (status = 403, description = "Your role may not read channels", body = ErrorBody),
        (status = 404, description = "No such workspace or channel", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/channels/{id}/templates")]
pub async fn list(
    state: web::Data<AppState>,
    access: Access<Channels, Read>,
    path: web::Path<(String, String)>,
) -> Result<web::Json<ApprovedTemplates>, ApiError> {
    let channel = cloud_channel(&state, &access.workspace, &path.1).await?;
    Ok(web::Json(stored(&state, &channel.id).await?))
}

/// Refresh a channel's approved templates
///
/// Reads every message template of the channel's WhatsApp Business Account from the Graph API
/// (`GET /{business-account-id}/message_templates`, every page, at most 5,000) and replaces the
/// stored ones. Needs the channel's `business_account_id`.
#[utoipa::path(
    operation_id = "refresh_channel_templates",
    tag = "channels",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Channel id")),
    responses(
        (status = 200, description = "The templates as Meta lists them now", body = ApprovedTemplates),
        (status = 400, description = "Not a WhatsApp Cloud API channel", body = ErrorBody),
        (status = 403, description = "Your role may not manage channels", body = ErrorBody),
        (status = 404, description = "No such workspace or channel", body = ErrorBody),
        (status = 422, description = "The channel has no business account id, or the Graph API refused or could not be reached (the reason says which)", body = ErrorBody),
        (status = 429, description = "Other refreshes are under way: try again after `Retry-After`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/channels/{id}/templates/refresh")]
#[tracing::instrument(skip_all)]
pub async fn refresh(
    state: web::Data<AppState>,
    access: Access<Channels, Write>,
    path: web::Path<(String, String)>,
) -> Result<web::Json<ApprovedTemplates>, ApiError> {
    let channel = cloud_channel(&state, &access.workspace, &path.1).await?;
    let Ok(_refreshing) =
        tokio::time::timeout(std::time::Duration::from_secs(5), REFRESHING.acquire()).await
    else {
        return Err(ApiError::new(
            actix_web::http::StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "other template refreshes are under way; try again shortly",
        )
        .with_retry_after(5));
    };
    let api = super::cloud_api(&state.pipeline, &channel)
        .map_err(|e| ApiError::internal(anyhow::anyhow!("stored channel settings: {e}")))?;
    let templates = tokio::time::timeout(std::time::Duration::from_secs(60), api.fetch_templates())
        .await
        .unwrap_or_else(|_| Err("the Graph API did not list them within 60 s".to_owned()))
        .map_err(|reason| {
            ApiError::new(
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                "templates_unavailable",
                format!("the templates cannot be read: {reason}"),
            )
        })?;
    let rows: Vec<serde_json::Value> = templates
        .iter()
        .filter_map(|t| {
            let mut row = serde_json::to_value(t).ok()?;
            row["id"] = json!([channel.id, t.name, t.language]);
            row["workspace"] = json!(channel.workspace);
            row["channel"] = json!(channel.id);
            Some(row)
        })
        .collect();
    // Replaced in one transaction: a send never sees half a refresh. The same name and language
    // twice in Meta's answer is stored once.
    state
        .db
        .retrying(|| {
            state.db.exec(
                "BEGIN; \
                 FOR $old IN (SELECT VALUE id FROM array::first([wa_template:[$ch, NONE]..[$ch, {}]])) { DELETE $old; }; \
                 INSERT IGNORE INTO wa_template $rows RETURN NONE; \
                 UPSERT type::record('wa_template_refresh', $ch) SET workspace = $ws, refreshed_at = time::now() RETURN NONE; \
                 COMMIT;",
                json!({ "ch": channel.id, "ws": channel.workspace, "rows": rows }),
            )
        })
        .await?;
    tracing::info!(channel = %channel.id, templates = rows.len(), "approved templates refreshed");
    Ok(web::Json(stored(&state, &channel.id).await?))
}
