//! `plugin`: an installed transport plugin enabled in the workspace (the bundled `http-webhook`
//! today). Sends go through the plugin's `send`; its provider's webhooks reach the plugin's
//! `parse-webhook` through the channel's public hook route. The plugin's own HTTP requests pass the
//! outbound policy in the host.

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{AddressKind, Capabilities, OutboundMessage, Receipt, SendError, Transport};
use crate::media::MediaKind;
use crate::plugins::manifest::PluginKind;
use crate::plugins::{Plugins, runtime};
use crate::templates::RenderSettings;

/// A plugin channel's settings: which transport plugin carries it. The plugin's own settings
/// (its URL, secrets) are the workspace's configuration of that plugin.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PluginChannelConfig {
    #[schema(example = "http-webhook")]
    pub plugin: String,
}

pub struct PluginTransport {
    pub plugins: Arc<Plugins>,
    pub workspace: String,
    pub plugin: String,
    pub render: RenderSettings,
    /// Read from the plugin when the channel starts.
    pub capabilities: Capabilities,
    /// The plugin and its workspace configuration, looked up again at most once a second: a
    /// campaign sends thousands of messages a second, a disabled plugin stops within one.
    usable: parking_lot::Mutex<
        Option<(
            std::time::Instant,
            Arc<runtime::LoadedPlugin>,
            runtime::CallScope,
        )>,
    >,
}

/// How long a looked-up plugin and configuration serve sends.
const USABLE_FOR: std::time::Duration = std::time::Duration::from_secs(1);

impl PluginTransport {
    /// Asks the plugin what it can deliver; fails when it is not usable in the workspace.
    pub async fn start(
        plugins: Arc<Plugins>,
        workspace: &str,
        plugin: &str,
        render: RenderSettings,
    ) -> Result<Self, String> {
        let (loaded, scope) = plugins
            .usable(workspace, plugin, PluginKind::Transport)
            .await
            .map_err(|e| e.message().to_owned())?;
        let context = runtime::context(workspace, render.locale(), render.time_zone);
        let offered = plugins
            .runtime
            .capabilities(loaded, scope, context)
            .await
            .map_err(|e| e.to_string())?;
        let media_kinds = offered
            .media_kinds
            .iter()
            .filter_map(|kind| serde_json::from_value(serde_json::json!(kind)).ok())
            .collect::<Vec<MediaKind>>();
        Ok(Self {
            plugins,
            workspace: workspace.to_owned(),
            plugin: plugin.to_owned(),
            render,
            usable: parking_lot::Mutex::new(None),
            capabilities: Capabilities {
                address: AddressKind::Phone,
                media_kinds,
                max_attachment_bytes: 16 << 20,
                max_text_chars: offered.max_text_length,
                reports_delivered: offered.inbound,
                reports_read: offered.inbound,
                client_message_ids: false,
                approved_templates: false,
            },
        })
    }
}

#[async_trait]
impl Transport for PluginTransport {
    fn capabilities(&self) -> Capabilities {
        self.capabilities.clone()
    }

    async fn send(&self, message: &OutboundMessage) -> Result<Receipt, SendError> {
        let cached = self
            .usable
            .lock()
            .as_ref()
            .filter(|(at, _, _)| at.elapsed() < USABLE_FOR)
            .map(|(_, loaded, scope)| (loaded.clone(), scope.clone()));
        let (loaded, scope) = match cached {
            Some(found) => found,
            None => {
                let found = self
                    .plugins
                    .usable(&self.workspace, &self.plugin, PluginKind::Transport)
                    .await
                    .map_err(|e| SendError::ChannelBroken {
                        reason: e.message().to_owned(),
                    })?;
                *self.usable.lock() =
                    Some((std::time::Instant::now(), found.0.clone(), found.1.clone()));
                found
            }
        };
        let mut attachments = Vec::with_capacity(message.attachments.len());
        for attachment in &message.attachments {
            attachments.push(runtime::Attachment {
                kind: serde_json::to_value(attachment.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                mime: attachment.mime.clone(),
                file_name: attachment.file_name.clone(),
                data: attachment.bytes().await?,
            });
        }
        let outbound = runtime::OutboundMessage {
            to: message.to.clone(),
            text: message.text.clone(),
            attachments,
            idempotency_key: message.idempotency_key.clone(),
        };
        let context =
            runtime::context(&self.workspace, self.render.locale(), self.render.time_zone);
        match self
            .plugins
            .runtime
            .send(loaded, scope, context, outbound)
            .await
        {
            Ok(Ok(provider_id)) => Ok(Receipt { provider_id }),
            Ok(Err(runtime::SendError::Transient(reason))) => Err(SendError::transient(reason)),
            Ok(Err(runtime::SendError::Permanent(reason))) => {
                Err(SendError::permanent("rejected", reason))
            }
            // A trap or a deadline: the plugin may do better next time; attempts are capped.
            Err(e) => Err(SendError::transient(e.to_string())),
        }
    }
}
