//! Channels: a transport kind, its configuration (secrets write-only) and its state and health.
//! Each channel is driven by one replica at a time through an ownership lease in the store
//! ([`runner`]); the HTTP side only writes intent and reads state back.

pub mod approved;
pub mod routes;
pub mod runner;
pub mod whatsapp_web;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use utoipa::ToSchema;

use crate::db::Db;
use crate::error::ApiError;
use crate::pipeline::Pipeline;
use crate::transports::plugin::{PluginChannelConfig, PluginTransport};
use crate::transports::sandbox::{Sandbox, SandboxConfig};
use crate::transports::smtp::{Smtp, SmtpConfig};
use crate::transports::whatsapp_cloud::{CloudApi, CloudConfig};
use crate::transports::whatsapp_web::transport::{WaTransport, WebConfig};
use crate::transports::{Capabilities, Transport};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// Sends nothing: records each message as sent and, if configured, delivered, read or failed.
    /// For rehearsing a campaign before pointing it at real people.
    Sandbox,
    /// E-mail through an SMTP server.
    Smtp,
    /// An installed transport plugin enabled in the workspace.
    Plugin,
    /// The WhatsApp Business Cloud API (Meta's Graph API).
    WhatsappCloud,
    /// A WhatsApp number linked as a device (WhatsApp Web, multi-device), paired by QR code or
    /// phone-number code.
    WhatsappWeb,
}

impl ChannelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Sandbox => "sandbox",
            ChannelKind::Smtp => "smtp",
            ChannelKind::Plugin => "plugin",
            ChannelKind::WhatsappCloud => "whatsapp_cloud",
            ChannelKind::WhatsappWeb => "whatsapp_web",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChannelState {
    /// Sending.
    Active,
    /// Stopped by a person; messages wait.
    Paused,
    /// Waiting for a phone to pair (WhatsApp Web).
    Pairing,
    /// Connection lost; reconnecting.
    Disconnected,
    /// The phone removed the device; pairing must start again (WhatsApp Web).
    LoggedOut,
    /// Cannot send until its configuration is fixed (`state_reason` says why).
    Error,
}

/// How a channel has been doing.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[schema(as = ChannelHealth)]
pub struct Health {
    #[schema(example = "2026-12-01T09:30:00Z")]
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_error_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    #[serde(default)]
    pub sent: u64,
    #[serde(default)]
    pub failed: u64,
    #[serde(default)]
    pub received: u64,
}

/// A channel as the API shows it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Channel {
    #[schema(example = "c0k2m4n6p8r0t2v4x6z8")]
    pub id: String,
    #[schema(example = "Prova")]
    pub name: String,
    pub kind: ChannelKind,
    /// The kind's settings; secrets read back as `********`.
    #[schema(value_type = Object, example = json!({"delivered_rate": 0.9, "read_rate": 0.5, "delay_ms": 2000}))]
    pub config: Value,
    pub state: ChannelState,
    /// Why the channel is in its state (for `error`, `disconnected`, `logged_out`).
    pub state_reason: Option<String>,
    #[serde(default)]
    pub health: Health,
    /// Where the provider posts inbound messages and delivery reports (plugin channels).
    pub webhook_path: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A channel as the runner needs it: with its secrets.
#[derive(Debug, Clone, Deserialize)]
pub struct StoredChannel {
    pub id: String,
    pub workspace: String,
    pub name: String,
    pub kind: ChannelKind,
    #[serde(default)]
    pub config: Map<String, Value>,
    pub state: ChannelState,
    pub state_reason: Option<String>,
    #[serde(default)]
    pub health: Health,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub const FIELDS: &str = "record::id(id) AS id, workspace, name, kind, config, state, state_reason, \
                          health, created_at, updated_at";

/// What a secret reads back as.
pub const SECRET_MASK: &str = "********";

/// The configuration keys of a kind that are secret.
/// The settings that say where a channel connects, and as whom.
fn address_keys(kind: ChannelKind) -> &'static [&'static str] {
    match kind {
        ChannelKind::Smtp => &["host", "port", "security", "username"],
        ChannelKind::WhatsappCloud => &["base_url", "phone_number_id"],
        ChannelKind::Sandbox | ChannelKind::Plugin | ChannelKind::WhatsappWeb => &[],
    }
}

fn secret_keys(kind: ChannelKind) -> &'static [&'static str] {
    match kind {
        ChannelKind::Smtp => &["password"],
        ChannelKind::WhatsappCloud => &["access_token", "app_secret", "verify_token"],
        ChannelKind::Sandbox | ChannelKind::Plugin | ChannelKind::WhatsappWeb => &[],
    }
}

impl StoredChannel {
    pub fn public(&self) -> Channel {
        let mut config = self.config.clone();
        for key in secret_keys(self.kind) {
            if config.get(*key).is_some_and(|v| !v.is_null()) {
                config.insert((*key).to_owned(), json!(SECRET_MASK));
            }
        }
        Channel {
            id: self.id.clone(),
            name: self.name.clone(),
            kind: self.kind,
            config: Value::Object(config),
            state: self.state,
            state_reason: self.state_reason.clone(),
            health: self.health.clone(),
            webhook_path: matches!(self.kind, ChannelKind::Plugin | ChannelKind::WhatsappCloud)
                .then(|| format!("/api/v1/hooks/channels/{}", self.id)),
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// Checks a kind's configuration; a masked secret keeps the previous value.
pub fn validate_config(
    kind: ChannelKind,
    given: &Value,
    previous: Option<&Map<String, Value>>,
) -> Result<Map<String, Value>, ApiError> {
    let Value::Object(given) = given else {
        return Err(ApiError::invalid_field("config", "must be an object"));
    };
    crate::error::ensure_json_depth("config", &Value::Object(given.clone()))?;
    let mut given = given.clone();
    // A default left out is the same address as the default written out.
    if kind == ChannelKind::WhatsappCloud && !given.contains_key("base_url") {
        let defaults: Option<CloudConfig> = serde_json::from_value(json!({
            "phone_number_id": "0", "access_token": "-", "app_secret": "-", "verify_token": "-"
        }))
        .ok();
        if let Some(defaults) = defaults {
            given.insert("base_url".into(), json!(defaults.base_url));
        }
    }
    let given = &given;
    let mut config = given.clone();
    // A stored secret never follows a new address without being entered again.
    let moved = address_keys(kind).iter().find(|key| {
        previous.is_some_and(|p| {
            p.get(**key).unwrap_or(&Value::Null) != given.get(**key).unwrap_or(&Value::Null)
        })
    });
    for key in secret_keys(kind) {
        if config.get(*key).and_then(Value::as_str) == Some(SECRET_MASK) {
            if let Some(moved) = moved
                && previous.is_some_and(|p| p.contains_key(*key))
            {
                return Err(ApiError::invalid_field(
                    &format!("config.{key}"),
                    format!("enter it again: `{moved}` changed"),
                ));
            }
            match previous.and_then(|p| p.get(*key)) {
                Some(old) => config.insert((*key).to_owned(), old.clone()),
                None => config.remove(*key),
            };
        }
    }
    let invalid = |e: serde_json::Error| {
        ApiError::invalid_field("config", e.to_string()).with_details(json!({ "field": "config" }))
    };
    let value = Value::Object(config.clone());
    match kind {
        ChannelKind::Sandbox => {
            let parsed: SandboxConfig = serde_json::from_value(value).map_err(invalid)?;
            parsed
                .validate()
                .map_err(|e| ApiError::invalid_field("config", e))?;
            Ok(as_map(&parsed))
        }
        ChannelKind::Smtp => {
            let parsed: SmtpConfig = serde_json::from_value(value).map_err(invalid)?;
            parsed.validate().map_err(|(field, message)| {
                ApiError::invalid_field(&format!("config.{field}"), message)
            })?;
            Ok(as_map(&parsed))
        }
        ChannelKind::Plugin => {
            let parsed: PluginChannelConfig = serde_json::from_value(value).map_err(invalid)?;
            Ok(as_map(&parsed))
        }
        ChannelKind::WhatsappCloud => {
            let parsed: CloudConfig = serde_json::from_value(value).map_err(invalid)?;
            parsed.validate().map_err(|(field, message)| {
                ApiError::invalid_field(&format!("config.{field}"), message)
            })?;
            Ok(as_map(&parsed))
        }
        ChannelKind::WhatsappWeb => {
            let mut parsed: WebConfig = serde_json::from_value(value).map_err(invalid)?;
            // The paired phone is Ulak's to write: what is sent is ignored.
            parsed.account = previous.and_then(|p| p.get("account")).cloned();
            Ok(as_map(&parsed))
        }
    }
}

/// Checks a Cloud API channel's credentials with one read of its phone number, and keeps what
/// Meta says about the number (display name, quality rating, messaging limit) in its settings.
pub async fn check_cloud(
    pipeline: &Pipeline,
    config: &mut Map<String, Value>,
) -> Result<(), ApiError> {
    let parsed: CloudConfig = serde_json::from_value(Value::Object(config.clone()))
        .map_err(|e| ApiError::invalid_field("config", e.to_string()))?;
    let api = CloudApi::new(parsed, pipeline.outbound.clone(), pipeline.db.clone(), "");
    let info = api.phone_info().await.map_err(|reason| {
        ApiError::new(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            "channel_unusable",
            format!("the WhatsApp Cloud API channel cannot be used: {reason}"),
        )
        .with_details(json!({ "field": "config" }))
    })?;
    config.insert("phone".into(), json!(info));
    Ok(())
}

fn as_map<T: Serialize>(value: &T) -> Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

pub async fn find(db: &Db, workspace: &str, id: &str) -> Result<Option<StoredChannel>, ApiError> {
    if id.is_empty() {
        return Ok(None);
    }
    Ok(db
        .row(
            &format!("SELECT {FIELDS} FROM type::record('channel', $id) WHERE workspace = $ws"),
            json!({ "id": id, "ws": workspace }),
        )
        .await?)
}

/// A channel by its id alone (the runner and public webhooks, which come without a workspace).
pub async fn find_any(db: &Db, id: &str) -> Result<Option<StoredChannel>, ApiError> {
    if id.is_empty() {
        return Ok(None);
    }
    Ok(db
        .row(
            &format!("SELECT {FIELDS} FROM type::record('channel', $id)"),
            json!({ "id": id }),
        )
        .await?)
}

/// Builds the transport of a channel.
pub async fn transport_for(
    pipeline: &Arc<Pipeline>,
    channel: &StoredChannel,
) -> Result<Arc<dyn Transport>, String> {
    let config = Value::Object(channel.config.clone());
    match channel.kind {
        ChannelKind::Sandbox => {
            let config: SandboxConfig =
                serde_json::from_value(config).map_err(|e| e.to_string())?;
            Ok(Arc::new(Sandbox::new(
                channel.id.clone(),
                config,
                pipeline.feedback.clone(),
            )))
        }
        ChannelKind::Smtp => {
            let config: SmtpConfig = serde_json::from_value(config).map_err(|e| e.to_string())?;
            Ok(Arc::new(Smtp::new(config, pipeline.outbound.clone())))
        }
        ChannelKind::Plugin => {
            let config: PluginChannelConfig =
                serde_json::from_value(config).map_err(|e| e.to_string())?;
            let render = crate::templates::render_settings(&pipeline.db, &channel.workspace)
                .await
                .map_err(|e| e.message().to_owned())?;
            let transport = PluginTransport::start(
                pipeline.plugins.clone(),
                &channel.workspace,
                &config.plugin,
                render,
            )
            .await?;
            Ok(Arc::new(transport))
        }
        ChannelKind::WhatsappCloud => Ok(Arc::new(cloud_api(pipeline, channel)?)),
        ChannelKind::WhatsappWeb => {
            let config: WebConfig = serde_json::from_value(config).map_err(|e| e.to_string())?;
            Ok(Arc::new(WaTransport::new(
                pipeline.whatsapp_web.clone(),
                pipeline.db.clone(),
                &channel.id,
                config,
            )))
        }
    }
}

/// A Cloud API channel's client, from its stored settings.
pub fn cloud_api(pipeline: &Pipeline, channel: &StoredChannel) -> Result<CloudApi, String> {
    let config: CloudConfig =
        serde_json::from_value(Value::Object(channel.config.clone())).map_err(|e| e.to_string())?;
    Ok(CloudApi::new(
        config,
        pipeline.outbound.clone(),
        pipeline.db.clone(),
        &channel.id,
    ))
}

/// What a channel can deliver (building its transport to ask it).
pub async fn capabilities(
    pipeline: &Arc<Pipeline>,
    channel: &StoredChannel,
) -> Result<Capabilities, ApiError> {
    transport_for(pipeline, channel)
        .await
        .map(|t| t.capabilities())
        .map_err(|reason| {
            ApiError::new(
                actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                "channel_unusable",
                format!("the channel cannot be used: {reason}"),
            )
            .with_details(json!({ "field": "channel" }))
        })
}

/// Records a channel's state (and why), waking the runner.
pub async fn set_state(
    db: &Db,
    id: &str,
    state: ChannelState,
    reason: Option<&str>,
) -> Result<(), ApiError> {
    write_state(db, id, state, reason, false).await
}

/// Records what a channel's connection reports (WhatsApp Web): like [`set_state`], except that a
/// channel a person paused stays paused until they resume it, unless the phone removed the device
/// or pairing starts (then the person has to act anyway).
pub async fn set_connection_state(
    db: &Db,
    id: &str,
    state: ChannelState,
    reason: Option<&str>,
) -> Result<(), ApiError> {
    let keep_paused = !matches!(state, ChannelState::LoggedOut | ChannelState::Pairing);
    write_state(db, id, state, reason, keep_paused).await
}

async fn write_state(
    db: &Db,
    id: &str,
    state: ChannelState,
    reason: Option<&str>,
    keep_paused: bool,
) -> Result<(), ApiError> {
    // A channel that stops working (`error`, or `logged_out`: the phone removed the device) is
    // `channel.disconnected`; one that works again after that, or for the first time after
    // pairing, `channel.connected`; a new pairing, `channel.pairing`.
    db.exec(
        "BEGIN; \
         LET $before = (UPDATE type::record('channel', $id) SET state = $state, state_reason = $reason \
             WHERE !$keep_paused OR state != 'paused' RETURN BEFORE)[0]; \
         LET $type = IF $before = NONE OR $before.state = $state { NONE } \
             ELSE IF $state IN ['error', 'logged_out'] { 'channel.disconnected' } \
             ELSE IF $before.state IN ['error', 'logged_out', 'pairing'] AND $state = 'active' { 'channel.connected' } \
             ELSE IF $state = 'pairing' { 'channel.pairing' } \
             ELSE { NONE }; \
         IF $type != NONE { \
             CREATE type::record('event', [$before.workspace, rand::ulid()]) SET type = $type, at = time::now(), \
                 data = { channel: $id, state: $state, reason: $reason }; \
         }; \
         COMMIT;",
        crate::db::without_nulls(
            json!({ "id": id, "state": state, "reason": reason, "keep_paused": keep_paused }),
        ),
    )
    .await?;
    Ok(())
}

/// Removes what is kept per channel besides its messages: retries, provider ids, per-recipient
/// gaps, day counts, inbound ids, WhatsApp Web device and session state, synced contacts and number checks, and the lease, a group at
/// a time.
pub async fn purge_data(db: &crate::db::Db, channel: &str) -> Result<(), ApiError> {
    purge_tables(
        db,
        channel,
        &[
            "retry",
            "provider_ref",
            "recipient_gap",
            "channel_day",
            "inbound_seen",
            "wa_template",
            "inbound_last",
            "wa_state",
            "wa_contact",
            "wa_number",
        ],
    )
    .await?;
    db.exec(
        "DELETE type::record('channel_lease', $ch); DELETE type::record('wa_template_refresh', $ch); \
         DELETE type::record('wa_pairing', $ch);",
        json!({ "ch": channel }),
    )
    .await?;
    Ok(())
}

/// Removes a channel's rows from tables keyed `[channel, …]`, a group at a time.
pub async fn purge_tables(
    db: &crate::db::Db,
    channel: &str,
    tables: &[&str],
) -> Result<(), ApiError> {
    for table in tables {
        loop {
            let removed: Vec<Value> = db
                .last_rows(
                    &format!(
                        "LET $batch = (SELECT VALUE id FROM array::first([{table}:[$ch, NONE]..[$ch, {{}}]]) LIMIT 2000); \
                         FOR $r IN $batch {{ DELETE $r; }}; \
                         RETURN $batch;"
                    ),
                    json!({ "ch": channel }),
                )
                .await?;
            if removed.len() < 2000 {
                break;
            }
        }
    }
    Ok(())
}
