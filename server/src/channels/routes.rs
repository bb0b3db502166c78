//! `/api/v1/workspaces/{workspace}/channels…`: create, list, configure, pause, delete, test-send.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::{Channel, ChannelKind, ChannelState, FIELDS, StoredChannel, find, validate_config};
use crate::access::{Access, Channels, Read, Write};
use crate::app::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::pagination::{Page, PageQuery};
use crate::transports::{OutboundMessage, SendError};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewChannel {
    #[schema(example = "Prova")]
    pub name: String,
    pub kind: ChannelKind,
    /// The kind's settings: `sandbox` {delivered_rate, read_rate, failed_rate, delay_ms,
    /// media_kinds, address}; `smtp` {host, port, security, username, password, from_address,
    /// from_name, subject, max_attachment_bytes}; `plugin` {plugin}; `whatsapp_cloud` {base_url,
    /// api_version, phone_number_id, business_account_id, access_token, app_secret, verify_token,
    /// preview_links} (checked with one read of the phone number; Meta's answer is kept as
    /// `phone`); `whatsapp_web` {typing} (starts in `pairing`: show its QR code, or ask for a
    /// phone-number code; the paired phone is kept as `account`).
    #[schema(value_type = Object, example = json!({"delivered_rate": 0.9, "read_rate": 0.5, "delay_ms": 1000}))]
    #[serde(default = "empty_object")]
    pub config: serde_json::Value,
}

fn empty_object() -> serde_json::Value {
    json!({})
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelUpdate {
    #[schema(example = "Prova")]
    pub name: Option<String>,
    /// Replaces the settings; secrets sent as `********` keep their value.
    #[schema(value_type = Option<Object>)]
    pub config: Option<serde_json::Value>,
    /// `active` or `paused` (other states are the channel's own doing).
    pub state: Option<ChannelState>,
}

fn not_found() -> ApiError {
    ApiError::not_found("channel")
}

/// List channels
///
/// The workspace's channels with their state and health.
#[utoipa::path(
    tag = "channels",
    params(("workspace" = String, Path, description = "Workspace id"), PageQuery),
    responses(
        (status = 200, description = "Channels, by id", body = Page<Channel>),
        (status = 403, description = "Your role may not read channels", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/channels")]
pub async fn list(
    state: web::Data<AppState>,
    access: Access<Channels, Read>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<Channel>>, ApiError> {
    let page = crate::pagination::workspace_page(
        &state.db,
        "channel",
        FIELDS,
        crate::pagination::PageKey::RecordId,
        &access.workspace,
        &query,
        |c: &StoredChannel| c.id.clone(),
    )
    .await?;
    Ok(web::Json(Page {
        items: page.items.iter().map(StoredChannel::public).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Add a channel
///
/// A sandbox, SMTP or plugin channel. It starts `active`; the server's runner picks it up within
/// seconds.
#[utoipa::path(
    tag = "channels",
    params(("workspace" = String, Path, description = "Workspace id")),
    request_body = NewChannel,
    responses(
        (status = 201, description = "Created", body = Channel),
        (status = 400, description = "Invalid name or settings (named in details.field)", body = ErrorBody),
        (status = 403, description = "Your role may not manage channels", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
        (status = 409, description = "The workspace has as many channels as its quota allows", body = ErrorBody),
        (status = 422, description = "The plugin is not a usable transport here", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/channels")]
#[tracing::instrument(skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    access: Access<Channels, Write>,
    origin: crate::audit::Origin,
    body: web::Json<NewChannel>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let name = crate::auth::users::validate_name("name", &body.name)?;
    let mut config = validate_config(body.kind, &body.config, None)?;
    if body.kind == ChannelKind::Plugin {
        ensure_transport_plugin(&state, &access.workspace, &config).await?;
    }
    if body.kind == ChannelKind::WhatsappCloud {
        super::check_cloud(&state.pipeline, &mut config).await?;
    }
    let quota = state.settings.quotas.channels_per_workspace;
    if quota > 0 {
        let count: Option<u64> = state
            .db
            .row(
                "SELECT VALUE count() FROM channel WHERE workspace = $ws GROUP ALL",
                json!({ "ws": access.workspace }),
            )
            .await?;
        if count.unwrap_or(0) >= quota {
            return Err(ApiError::conflict(
                "quota_exceeded",
                format!(
                    "this workspace has {quota} channels already (quotas.channels_per_workspace)"
                ),
            )
            .with_details(json!({ "quota": "channels_per_workspace", "limit": quota })));
        }
    }
    let id = crate::db::new_id();
    let channel: StoredChannel = state
        .db
        .row(
            &format!(
                "CREATE type::record('channel', $id) SET workspace = $ws, name = $name, kind = $kind, \
                 config = $config, state = $state, health = {{}}, created_at = time::now(), \
                 updated_at = time::now() RETURN {FIELDS}"
            ),
            json!({ "id": id, "ws": access.workspace, "name": name, "kind": body.kind, "config": config,
                    // A WhatsApp Web channel starts by pairing a phone.
                    "state": if body.kind == ChannelKind::WhatsappWeb { ChannelState::Pairing } else { ChannelState::Active } }),
        )
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("channel not returned")))?;
    state.pipeline.wake();
    tracing::info!(workspace = %access.workspace, channel = %id, kind = body.kind.as_str(), "channel created");
    crate::audit::append(
        &state.db,
        access
            .audit(&origin, "channel.created")
            .target(&id)
            .details(json!({ "name": name, "kind": body.kind })),
    )
    .await;
    Ok(HttpResponse::Created().json(channel.public()))
}

async fn ensure_transport_plugin(
    state: &AppState,
    workspace: &str,
    config: &serde_json::Map<String, serde_json::Value>,
) -> Result<(), ApiError> {
    let plugin = config.get("plugin").and_then(|p| p.as_str()).unwrap_or("");
    state
        .plugins
        .usable(
            workspace,
            plugin,
            crate::plugins::manifest::PluginKind::Transport,
        )
        .await
        .map(drop)
        .map_err(|e| e.with_details(json!({ "field": "config.plugin" })))
}

/// Get a channel
///
/// One channel with its settings (secrets masked), state and health.
#[utoipa::path(
    tag = "channels",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Channel id")),
    responses(
        (status = 200, description = "The channel", body = Channel),
        (status = 403, description = "Your role may not read channels", body = ErrorBody),
        (status = 404, description = "No such workspace or channel", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/channels/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    access: Access<Channels, Read>,
    path: web::Path<(String, String)>,
) -> Result<web::Json<Channel>, ApiError> {
    let channel = find(&state.db, &access.workspace, &path.1)
        .await?
        .ok_or_else(not_found)?;
    Ok(web::Json(channel.public()))
}

/// Change a channel
///
/// Rename it, replace its settings (which puts an `error` channel back to `active`), or pause and
/// resume it.
#[utoipa::path(
    tag = "channels",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Channel id")),
    request_body = ChannelUpdate,
    responses(
        (status = 200, description = "Changed", body = Channel),
        (status = 400, description = "Invalid name, settings or state", body = ErrorBody),
        (status = 403, description = "Your role may not manage channels", body = ErrorBody),
        (status = 404, description = "No such workspace or channel", body = ErrorBody),
        (status = 422, description = "The plugin is not a usable transport here", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[patch("/workspaces/{workspace}/channels/{id}")]
#[tracing::instrument(skip_all)]
pub async fn update(
    state: web::Data<AppState>,
    access: Access<Channels, Write>,
    origin: crate::audit::Origin,
    path: web::Path<(String, String)>,
    body: web::Json<ChannelUpdate>,
) -> Result<web::Json<Channel>, ApiError> {
    let current = find(&state.db, &access.workspace, &path.1)
        .await?
        .ok_or_else(not_found)?;
    let body = body.into_inner();
    let name = match &body.name {
        Some(name) => crate::auth::users::validate_name("name", name)?,
        None => current.name.clone(),
    };
    let mut config = match &body.config {
        Some(config) => validate_config(current.kind, config, Some(&current.config))?,
        None => current.config.clone(),
    };
    if current.kind == ChannelKind::Plugin && body.config.is_some() {
        ensure_transport_plugin(&state, &access.workspace, &config).await?;
    }
    if current.kind == ChannelKind::WhatsappCloud && body.config.is_some() {
        super::check_cloud(&state.pipeline, &mut config).await?;
    }
    // A WhatsApp Web channel is paused or resumed once paired; before that it is the pairing's.
    if current.kind == ChannelKind::WhatsappWeb
        && body.state.is_some()
        && (matches!(
            current.state,
            ChannelState::Pairing | ChannelState::LoggedOut
        ) || current.config.get("account").is_none_or(|a| a.is_null()))
    {
        return Err(ApiError::invalid_field(
            "state",
            "pair the channel with a phone first; it can be paused or resumed after that",
        ));
    }
    // New settings are a fresh start; otherwise a person may pause or resume.
    let (next_state, reason) = match body.state {
        Some(ChannelState::Active) => (ChannelState::Active, None),
        Some(ChannelState::Paused) => (ChannelState::Paused, None),
        Some(_) => {
            return Err(ApiError::invalid_field(
                "state",
                "set `active` or `paused`; the other states are the channel's own",
            ));
        }
        None if body.config.is_some() && current.state == ChannelState::Error => {
            (ChannelState::Active, None)
        }
        None => (current.state, current.state_reason.clone()),
    };
    let channel: StoredChannel = state
        .db
        .row(
            &format!(
                // The paired phone as it is now, not as it was read: a pairing that completes
                // meanwhile is not undone.
                "UPDATE type::record('channel', $id) SET name = $name, \
                 config = IF kind = 'whatsapp_web' AND config.account != NONE {{ object::extend($config, {{ account: config.account }}) }} ELSE {{ $config }}, \
                 state = $state, state_reason = $reason, updated_at = time::now() WHERE workspace = $ws RETURN {FIELDS}"
            ),
            crate::db::without_nulls(json!({ "id": path.1, "ws": access.workspace, "name": name,
                    "config": config, "state": next_state, "reason": reason })),
        )
        .await?
        .ok_or_else(not_found)?;
    state.pipeline.wake();
    // What changed, by name: settings' values may be secrets.
    let settings: Vec<String> = body
        .config
        .as_ref()
        .and_then(|c| c.as_object())
        .map(|c| {
            c.keys()
                .take(100)
                .map(|k| k.chars().take(64).collect())
                .collect()
        })
        .unwrap_or_default();
    crate::audit::append(
        &state.db,
        access
            .audit(&origin, "channel.updated")
            .target(&path.1)
            .details(json!({
                "name": body.name.as_ref().map(|_| &name),
                "settings": settings,
                "state": body.state,
            })),
    )
    .await;
    Ok(web::Json(channel.public()))
}

/// Delete a channel
///
/// Refused (409) while a campaign on it is scheduled, running or paused. Its message log stays.
#[utoipa::path(
    tag = "channels",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Channel id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Your role may not manage channels", body = ErrorBody),
        (status = 404, description = "No such workspace or channel", body = ErrorBody),
        (status = 409, description = "Campaigns still use it", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[delete("/workspaces/{workspace}/channels/{id}")]
#[tracing::instrument(skip_all)]
pub async fn delete_one(
    state: web::Data<AppState>,
    access: Access<Channels, Write>,
    origin: crate::audit::Origin,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let deleted = find(&state.db, &access.workspace, &path.1)
        .await?
        .ok_or_else(not_found)?;
    let users: Vec<serde_json::Value> = state
        .db
        .rows(
            "SELECT record::id(id) AS id, name, state FROM campaign WHERE workspace = $ws \
             AND channel = $id AND state IN ['scheduled', 'running', 'paused'] LIMIT 20",
            json!({ "ws": access.workspace, "id": path.1 }),
        )
        .await?;
    if !users.is_empty() {
        return Err(ApiError::conflict(
            "channel_in_use",
            format!(
                "{} campaign(s) still send through this channel; finish or cancel them first",
                users.len()
            ),
        )
        .with_details(json!({ "campaigns": users })));
    }
    // A linked WhatsApp device is unlinked from the phone first (its connection stops, its keys
    // go), so that the phone does not keep listing a device nobody can remove any more.
    if deleted.kind == ChannelKind::WhatsappWeb
        && let Some(live) = state.pipeline.whatsapp_web.get(&deleted.id)
    {
        let (reply, done) = tokio::sync::oneshot::channel();
        let command = crate::transports::whatsapp_web::connection::Command::Logout { reply };
        let _ = tokio::time::timeout(std::time::Duration::from_secs(15), async {
            if live.command(command).await.is_ok() {
                let _ = done.await;
            }
        })
        .await;
    }
    state
        .db
        .exec(
            "DELETE type::record('channel', $id) WHERE workspace = $ws",
            json!({ "id": path.1, "ws": access.workspace }),
        )
        .await?;
    state.pipeline.wake();
    crate::audit::append(
        &state.db,
        access
            .audit(&origin, "channel.deleted")
            .target(&path.1)
            .details(json!({ "name": deleted.name, "kind": deleted.kind })),
    )
    .await;
    // What its last recordings counted goes into its campaigns' counts and the workspace's
    // statistics first (its own day counts and health go with it).
    if let Err(e) =
        crate::campaigns::dispatcher::fold_tallies(&state.db, &access.workspace, &path.1).await
    {
        tracing::warn!(channel = %path.1, error = %e, "counts of a deleted channel's last sends not added in");
    }
    // Its retries, provider ids, per-recipient gaps (which name recipients), day counts and
    // inbound ids go with it; its messages stay in the log.
    super::purge_data(&state.db, &path.1).await?;
    // The single sends' claim records on it that lapsed (a dispatcher still sending deletes its
    // own; a campaign's go when the campaign ends), and outcome tallies a dispatcher still
    // stopping wrote since. The channel is gone either way: a failure here is logged, not
    // answered.
    let vars = json!({ "ws": access.workspace, "batch": crate::messages::DIRECT, "ch": path.1 });
    let leftovers = state
        .db
        .retrying(|| {
            state.db.exec(
                "BEGIN; \
                 FOR $d IN (SELECT VALUE id FROM array::first([claim:[$ws, $batch, $ch, '']..[$ws, $batch, $ch, {}]]) \
                     WHERE lease_until < time::now()) { DELETE $d; }; \
                 DELETE type::record('claim_head', [$ws, $batch, $ch]); \
                 FOR $d IN (SELECT VALUE id FROM array::first([outcome_tally:[$ws, $ch, NONE]..[$ws, $ch, {}]])) \
                     { DELETE $d; }; \
                 COMMIT;",
                vars.clone(),
            )
        })
        .await;
    if let Err(e) = leftovers {
        tracing::warn!(channel = %path.1, error = %e, "claim records of a deleted channel not removed");
    }
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TestSend {
    /// A phone (E.164 or national) or an e-mail address, as the channel addresses people.
    #[schema(example = "+905321234567")]
    pub to: String,
    #[schema(example = "Ulak'tan deneme mesajı")]
    pub text: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TestSent {
    #[schema(example = "sandbox-7f3a")]
    pub provider_message_id: String,
}

/// Send a test message
///
/// Sends one message through the channel now, outside any campaign, to check its settings.
#[utoipa::path(
    operation_id = "test_channel",
    tag = "channels",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Channel id")),
    request_body = TestSend,
    responses(
        (status = 200, description = "The provider accepted it", body = TestSent),
        (status = 400, description = "Not an address this channel sends to", body = ErrorBody),
        (status = 403, description = "Your role may not manage channels", body = ErrorBody),
        (status = 404, description = "No such workspace or channel", body = ErrorBody),
        (status = 422, description = "The channel could not send it (the reason is given)", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/channels/{id}/test")]
#[tracing::instrument(skip_all)]
pub async fn test_send(
    state: web::Data<AppState>,
    access: Access<Channels, Write>,
    path: web::Path<(String, String)>,
    body: web::Json<TestSend>,
) -> Result<web::Json<TestSent>, ApiError> {
    let channel = find(&state.db, &access.workspace, &path.1)
        .await?
        .ok_or_else(not_found)?;
    let transport = super::transport_for(&state.pipeline, &channel)
        .await
        .map_err(|reason| {
            ApiError::new(
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                "channel_unusable",
                reason,
            )
        })?;
    let to = crate::campaigns::address_for(
        &state.db,
        &access.workspace,
        transport.capabilities().address,
        &body.to,
    )
    .await?;
    let message = OutboundMessage {
        idempotency_key: format!("test.{}", crate::messages::time_key()),
        to,
        text: body
            .text
            .clone()
            .unwrap_or_else(|| "Ulak test message / deneme mesajı".into())
            .chars()
            .take(4096)
            .collect(),
        subject: Some("Ulak test".into()),
        html: false,
        attachments: Vec::new(),
        approved: None,
    };
    match transport.send(&message).await {
        Ok(receipt) => Ok(web::Json(TestSent {
            provider_message_id: receipt.provider_id,
        })),
        Err(e) => {
            let transient = matches!(
                e,
                SendError::Transient { .. } | SendError::RecipientRateLimited { .. }
            );
            Err(ApiError::new(
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                "send_failed",
                format!("the channel could not send: {}", e.reason()),
            )
            .with_details(json!({ "transient": transient })))
        }
    }
}
