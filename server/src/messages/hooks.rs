//! `POST /api/v1/hooks/channels/{channel}`: where a channel's provider posts inbound messages and
//! delivery reports — a plugin channel's (verified and read by its transport plugin) or a Cloud API
//! channel's (Meta's `X-Hub-Signature-256` checked with the app secret, then read here); `GET` on
//! the same path answers Meta's subscription check. The routes are public: the verification is the
//! authentication, made before anything is read, and a refused request stores nothing.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{TimeZone, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use super::inbound::{DeliveryStatus, Feedback, InboundMessage, StatusUpdate};
use crate::app::AppState;
use crate::channels::ChannelKind;
use crate::error::{ApiError, ErrorBody};
use crate::plugins::manifest::PluginKind;
use crate::plugins::runtime;

/// Largest webhook body read (a plugin channel's; Meta's can be 3 MiB).
pub const MAX_BODY_BYTES: usize = 1 << 20;
const MAX_CLOUD_BODY_BYTES: usize = 3 << 20;
/// Inbound messages, and delivery reports, one request may carry (a plugin channel's; Meta
/// batches up to 1,000).
pub const MAX_EVENTS: usize = 100;
const MAX_CLOUD_EVENTS: usize = 1000;

#[derive(Debug, Serialize, ToSchema)]
pub struct HookResult {
    /// Inbound messages stored (a message delivered again is stored once).
    #[schema(example = 1)]
    pub messages: usize,
    /// Delivery reports taken.
    pub statuses: usize,
}

/// Too many requests: the provider tries again after a second.
fn busy(message: &str) -> ApiError {
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        message.to_owned(),
    )
    .with_retry_after(1)
}

fn refused(message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "webhook_refused", message)
}

/// Receive a provider's webhook
///
/// For `plugin` channels: the channel's transport plugin checks the request (for `http-webhook`,
/// `X-Ulak-Timestamp` and `X-Ulak-Signature`) and reads its inbound messages and delivery reports.
/// For `whatsapp_cloud` channels: `X-Hub-Signature-256` must be the HMAC-SHA256 of the raw body
/// with the app secret; then Meta's `messages` changes for the channel's number are read. No
/// credentials: the verification is the authentication.
#[utoipa::path(
    operation_id = "receive_channel_hook",
    tag = "channels",
    params(("channel" = String, Path, description = "Channel id")),
    request_body(content = Object, content_type = "application/json", description = "The provider's payload, as the plugin expects it", example = json!({"messages": [{"id": "in-1", "from": "+905551112233", "text": "İPTAL", "at_ms": 1764633600000_i64}], "statuses": [{"id": "provider-42", "status": "delivered", "at_ms": 1764633601000_i64}]})),
    responses(
        (status = 200, description = "Taken", body = HookResult),
        (status = 400, description = "A Cloud API webhook whose body is not Meta's JSON", body = ErrorBody),
        (status = 401, description = "The plugin refused the request (signature, timestamp, format), or a Cloud API webhook's X-Hub-Signature-256 is missing or wrong", body = ErrorBody),
        (status = 404, description = "No such plugin or Cloud API channel", body = ErrorBody),
        (status = 413, description = "Larger than 1 MiB, or more than 100 messages or 100 reports (Cloud API channels: 3 MiB, 1,000 of each)", body = ErrorBody),
        (status = 422, description = "The channel's plugin is not usable now", body = ErrorBody),
        (status = 429, description = "Too many requests for this channel, or the server is busy: try again after `Retry-After`", body = ErrorBody),
    )
)]
#[post("/hooks/channels/{channel}")]
#[tracing::instrument(skip_all)]
pub async fn receive(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    mut payload: web::Payload,
) -> Result<web::Json<HookResult>, ApiError> {
    use futures_util::StreamExt as _;
    let channel = crate::channels::find_any(&state.db, &path)
        .await?
        .filter(|c| matches!(c.kind, ChannelKind::Plugin | ChannelKind::WhatsappCloud))
        .ok_or_else(|| ApiError::not_found("channel"))?;
    if crate::workspaces::is_being_deleted(&state.db, &channel.workspace).await? {
        return Err(ApiError::not_found("channel"));
    }
    let limited = || {
        state
            .pipeline
            .hooks
            .per_channel
            .check_key(&channel.id)
            .is_err()
    };
    // A Cloud API request is charged after its signature is checked (an HMAC is cheap), so that
    // unsigned requests cannot use up Meta's share; a plugin's check costs more and comes later.
    if channel.kind == ChannelKind::Plugin && limited() {
        return Err(busy("too many webhook requests for this channel"));
    }
    let (max_body, max_events) = if channel.kind == ChannelKind::WhatsappCloud {
        (MAX_CLOUD_BODY_BYTES, MAX_CLOUD_EVENTS)
    } else {
        (MAX_BODY_BYTES, MAX_EVENTS)
    };
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::bad_request("unreadable_body", e.to_string()))?;
        if body.len() + chunk.len() > max_body {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("webhooks are at most {max_body} bytes"),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    let Ok(_parsing) = tokio::time::timeout(
        std::time::Duration::from_secs(2),
        state.pipeline.hooks.parsing.acquire(),
    )
    .await
    else {
        return Err(busy("the server is busy with other webhooks"));
    };
    let (messages, updates) = if channel.kind == ChannelKind::WhatsappCloud {
        let events = cloud_events(&channel, &req, &body)?;
        if limited() {
            return Err(busy("too many webhook requests for this channel"));
        }
        events
    } else {
        plugin_events(&state, &channel, &req, &body).await?
    };
    store_events(&state, &channel, messages, updates, max_events).await
}

/// A Cloud API webhook: its signature checked with the app secret before anything is read.
fn cloud_events(
    channel: &crate::channels::StoredChannel,
    req: &HttpRequest,
    body: &[u8],
) -> Result<(Vec<InboundMessage>, Vec<StatusUpdate>), ApiError> {
    use crate::transports::whatsapp_cloud::{CloudConfig, parse_webhook, signature_valid};
    let config: CloudConfig =
        serde_json::from_value(serde_json::Value::Object(channel.config.clone()))
            .map_err(|_| ApiError::not_found("channel"))?;
    let signature = req
        .headers()
        .get("x-hub-signature-256")
        .and_then(|v| v.to_str().ok());
    if !signature_valid(&config.app_secret, signature, body) {
        return Err(refused(
            "missing or wrong X-Hub-Signature-256 (the HMAC-SHA256 of the body with the app secret)",
        ));
    }
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request("invalid_json", format!("the body is not JSON: {e}")))?;
    let events = parse_webhook(&config.phone_number_id, &value)
        .map_err(|reason| ApiError::bad_request("invalid_webhook", reason))?;
    Ok((events.messages, events.statuses))
}

/// A plugin channel's webhook, verified and read by its transport plugin.
async fn plugin_events(
    state: &AppState,
    channel: &crate::channels::StoredChannel,
    req: &HttpRequest,
    body: &[u8],
) -> Result<(Vec<InboundMessage>, Vec<StatusUpdate>), ApiError> {
    let plugin = channel
        .config
        .get("plugin")
        .and_then(|p| p.as_str())
        .unwrap_or_default()
        .to_owned();
    let (loaded, scope) = state
        .plugins
        .usable(&channel.workspace, &plugin, PluginKind::Transport)
        .await?;
    let headers: Vec<runtime::Header> = req
        .headers()
        .iter()
        .take(100)
        .filter_map(|(name, value)| {
            Some(runtime::Header {
                name: name.as_str().to_owned(),
                value: value.to_str().ok()?.chars().take(4096).collect(),
            })
        })
        .collect();
    let render = crate::templates::render_settings(&state.db, &channel.workspace).await?;
    let context = runtime::context(&channel.workspace, render.locale(), render.time_zone);
    let events = state
        .plugins
        .runtime
        .parse_webhook(loaded, scope, context, headers, body.to_vec())
        .await?
        .map_err(|reason| {
            tracing::debug!(channel = %channel.id, %reason, "webhook refused by the plugin");
            refused(format!("the plugin refused the request: {reason}"))
        })?;
    let at = |ms: i64| {
        Utc.timestamp_millis_opt(ms)
            .single()
            .unwrap_or_else(Utc::now)
    };
    let messages = events
        .messages
        .into_iter()
        .map(|message| InboundMessage {
            provider_id: message.provider_id.chars().take(200).collect(),
            from: message.from.chars().take(320).collect(),
            name: None,
            text: message.text,
            at: at(message.at_ms),
            media: None,
        })
        .collect();
    let updates = events
        .statuses
        .into_iter()
        .map(|status| {
            StatusUpdate::new(
                status.provider_id.chars().take(200).collect(),
                match status.status {
                    runtime::DeliveryStatus::Sent => DeliveryStatus::Sent,
                    runtime::DeliveryStatus::Delivered => DeliveryStatus::Delivered,
                    runtime::DeliveryStatus::Read => DeliveryStatus::Read,
                    runtime::DeliveryStatus::Failed => DeliveryStatus::Failed,
                },
                status.reason.map(|r| r.chars().take(500).collect()),
                at(status.at_ms),
            )
        })
        .collect();
    Ok((messages, updates))
}

/// Stores a webhook's inbound messages and queues its delivery reports.
async fn store_events(
    state: &web::Data<AppState>,
    channel: &crate::channels::StoredChannel,
    messages: Vec<InboundMessage>,
    updates: Vec<StatusUpdate>,
    max_events: usize,
) -> Result<web::Json<HookResult>, ApiError> {
    if messages.len() > max_events || updates.len() > max_events {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_many_events",
            format!(
                "a webhook carries at most {max_events} messages and {max_events} reports; send more requests"
            ),
        ));
    }
    // Reports go to the feedback queue without waiting: a full queue is a 429 the provider
    // retries, and nothing is stored.
    let permits = if updates.is_empty() {
        None
    } else {
        Some(
            state
                .pipeline
                .feedback
                .try_reserve_many(updates.len())
                .map_err(|_| busy("delivery reports are queued faster than they are recorded"))?,
        )
    };
    let mut stored = 0;
    for mut inbound in messages {
        let media = inbound.media.take();
        let recorded = super::inbound::record_inbound(
            &state.pipeline,
            &channel.workspace,
            &channel.id,
            inbound,
        )
        .await?;
        if let Some(id) = recorded {
            stored += 1;
            if let Some(media) = media.filter(|_| channel.kind == ChannelKind::WhatsappCloud) {
                fetch_media_later(state.clone(), channel.clone(), id, media);
            }
        }
    }
    let statuses = updates.len();
    let mut permits = permits.into_iter().flatten();
    for update in updates {
        if let Some(permit) = permits.next() {
            permit.send((channel.id.clone(), Feedback::Status(update)));
        }
    }
    if stored > 0 {
        state
            .db
            .exec(
                "UPDATE type::record('channel', $id) SET health.received = (health.received ?? 0) + $n",
                json!({ "id": channel.id, "n": stored }),
            )
            .await?;
    }
    Ok(web::Json(HookResult {
        messages: stored,
        statuses,
    }))
}

/// Largest inbound media kept (WhatsApp's own limit for video and audio; larger documents are
/// skipped rather than filling the library).
const INBOUND_MEDIA_MAX_BYTES: u64 = 16 << 20;

/// Fetches an inbound message's media into the library after the webhook is answered (Meta wants
/// its answer within seconds), and attaches it to the message.
fn fetch_media_later(
    state: web::Data<AppState>,
    channel: crate::channels::StoredChannel,
    message_id: String,
    media: super::inbound::InboundMedia,
) {
    let Some(slot) = super::inbound::MediaSlot::take(&channel.id) else {
        tracing::warn!(channel = %channel.id, "too many inbound media downloads waiting; one skipped");
        return;
    };
    tokio::spawn(async move {
        let result = match slot.download().await {
            Ok(_permit) => fetch_media(&state, &channel, &message_id, &media).await,
            Err(_) => Err("shutting down".to_owned()),
        };
        drop(slot);
        if let Err(reason) = result {
            tracing::warn!(channel = %channel.id, message = %message_id, %reason,
                "the media of an inbound message was not kept");
        }
    });
}

async fn fetch_media(
    state: &AppState,
    channel: &crate::channels::StoredChannel,
    message_id: &str,
    media: &super::inbound::InboundMedia,
) -> Result<(), String> {
    use crate::media::MediaKind;
    let api = crate::channels::cloud_api(&state.pipeline, channel)?;
    let dir = state.blobs.incoming_dir();
    tokio::fs::create_dir_all(&dir)
        .await
        .map_err(|e| e.to_string())?;
    let max = MediaKind::largest_limit(&state.settings.media).min(INBOUND_MEDIA_MAX_BYTES);
    let file = tokio::time::timeout(
        std::time::Duration::from_secs(120),
        api.download_media(&media.provider_media_id, &dir, max),
    )
    .await
    .map_err(|_| "no download within 120 s".to_owned())??;
    let attachment = super::inbound::keep_media(
        &crate::media::routes::Library::of(state),
        &channel.workspace,
        file,
        &media.file_name,
    )
    .await?;
    super::inbound::attach(&state.db, &channel.workspace, message_id, attachment).await
}

/// The query of Meta's webhook verification.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Verification {
    /// `subscribe`.
    #[serde(rename = "hub.mode")]
    pub mode: Option<String>,
    /// The channel's `verify_token`.
    #[serde(rename = "hub.verify_token")]
    pub verify_token: Option<String>,
    /// Echoed back when the token is right.
    #[serde(rename = "hub.challenge")]
    pub challenge: Option<String>,
}

/// Whether two secrets are equal, in time that does not depend on where they differ.
fn same_secret(given: &str, expected: &str) -> bool {
    use sha2::{Digest, Sha256};
    let (a, b) = (
        Sha256::digest(given.as_bytes()),
        Sha256::digest(expected.as_bytes()),
    );
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// Verify a provider's webhook subscription
///
/// For `whatsapp_cloud` channels: Meta's verification request when the webhook is set up in the
/// app's dashboard. Echoes `hub.challenge` when `hub.mode` is `subscribe` and `hub.verify_token`
/// is the channel's verify token; 403 otherwise.
#[utoipa::path(
    operation_id = "verify_channel_hook",
    tag = "channels",
    params(("channel" = String, Path, description = "Channel id"), Verification),
    responses(
        (status = 200, description = "The challenge, echoed", body = String, content_type = "text/plain"),
        (status = 400, description = "The challenge is not printable text of at most 256 characters", body = ErrorBody),
        (status = 403, description = "Not `subscribe`, or a wrong verify token", body = ErrorBody),
        (status = 404, description = "No such Cloud API channel", body = ErrorBody),
        (status = 429, description = "Too many requests for this channel", body = ErrorBody),
    )
)]
#[get("/hooks/channels/{channel}")]
#[tracing::instrument(skip_all)]
pub async fn verify(
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<Verification>,
) -> Result<HttpResponse, ApiError> {
    let channel = crate::channels::find_any(&state.db, &path)
        .await?
        .filter(|c| c.kind == ChannelKind::WhatsappCloud)
        .ok_or_else(|| ApiError::not_found("channel"))?;
    if crate::workspaces::is_being_deleted(&state.db, &channel.workspace).await? {
        return Err(ApiError::not_found("channel"));
    }
    if state
        .pipeline
        .hooks
        .per_channel
        .check_key(&channel.id)
        .is_err()
    {
        return Err(busy("too many webhook requests for this channel"));
    }
    let expected = channel
        .config
        .get("verify_token")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    let given = query.verify_token.as_deref().unwrap_or_default();
    if query.mode.as_deref() != Some("subscribe")
        || expected.is_empty()
        || !same_secret(given, expected)
    {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "verification_refused",
            "hub.mode must be `subscribe` and hub.verify_token the channel's verify token",
        ));
    }
    let challenge = query.challenge.clone().unwrap_or_default();
    if challenge.is_empty()
        || challenge.len() > 256
        || !challenge.chars().all(|c| c.is_ascii_graphic())
    {
        return Err(ApiError::invalid_field(
            "hub.challenge",
            "printable text of at most 256 characters",
        ));
    }
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(challenge))
}
