//! Sending through a WhatsApp Web channel: each part of a message (the text, each attachment
//! uploaded to WhatsApp's media servers) goes out with the id derived from the outbox idempotency
//! key, and counts as sent when the server acknowledges it.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use whatsapp_rust::download::MediaType;
use whatsapp_rust::{Jid, SendOptions};

use super::compose::{self, Part};
use super::connection::Registry;
use crate::db::Db;
use crate::media::MediaKind;
use crate::transports::{
    AddressKind, Capabilities, OutboundMessage, Receipt, SendError, Transport,
};

/// How long the server may take to acknowledge a message.
const ACK_TIMEOUT: Duration = Duration::from_secs(30);
/// While the channel is not connected, how long before the dispatcher tries a message again.
const NOT_CONNECTED_RETRY: Duration = Duration::from_secs(15);
/// Largest attachment sent (WhatsApp's limit for video and audio; documents may be larger there,
/// but the media library keeps nothing larger).
const MAX_ATTACHMENT_BYTES: u64 = 16 << 20;

/// A WhatsApp Web channel's settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebConfig {
    /// Show "typing…" to the recipient before each message, for a moment proportional to its
    /// length (at most 5 s), as people do.
    #[serde(default)]
    pub typing: bool,
    /// The paired phone (kept by Ulak after pairing; read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<serde_json::Value>,
}

pub struct WaTransport {
    registry: Arc<Registry>,
    db: Db,
    channel: String,
    config: WebConfig,
}

impl WaTransport {
    pub fn new(registry: Arc<Registry>, db: Db, channel: &str, config: WebConfig) -> Self {
        Self {
            registry,
            db,
            channel: channel.to_owned(),
            config,
        }
    }
}

fn not_connected() -> SendError {
    SendError::Transient {
        reason: "the channel is not connected to WhatsApp".into(),
        retry_after: Some(NOT_CONNECTED_RETRY),
    }
}

/// How long "typing…" shows before a text of this many characters.
pub fn typing_for(chars: usize) -> Duration {
    Duration::from_millis((chars as u64 * 40).clamp(500, 5000))
}

/// The recipient's JID: an E.164 number's digits on WhatsApp's user server.
pub fn recipient(to: &str) -> Result<Jid, SendError> {
    let digits: String = to.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 7 || digits.len() > 15 || !to.trim_start().starts_with('+') {
        return Err(SendError::permanent(
            "invalid_recipient",
            format!("`{to}` is not a phone number in international form"),
        ));
    }
    Ok(Jid::pn(digits))
}

fn media_type(kind: MediaKind) -> MediaType {
    match kind {
        MediaKind::Image => MediaType::Image,
        MediaKind::Video => MediaType::Video,
        MediaKind::Audio => MediaType::Audio,
        MediaKind::Document => MediaType::Document,
    }
}

#[async_trait]
impl Transport for WaTransport {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            address: AddressKind::Phone,
            media_kinds: vec![
                MediaKind::Image,
                MediaKind::Video,
                MediaKind::Audio,
                MediaKind::Document,
            ],
            max_attachment_bytes: MAX_ATTACHMENT_BYTES,
            max_text_chars: Some(65_536),
            reports_delivered: true,
            reports_read: true,
            client_message_ids: true,
            approved_templates: false,
        }
    }

    async fn send(&self, message: &OutboundMessage) -> Result<Receipt, SendError> {
        let to = recipient(&message.to)?;
        let live = self.registry.get(&self.channel).ok_or_else(not_connected)?;
        let client = live.client().ok_or_else(not_connected)?;
        // Sent to a number without an account, a message would be taken and never delivered.
        let on = super::numbers::is_on(&self.db, &client, &self.channel, &to.user)
            .await
            .map_err(|reason| SendError::Transient {
                reason: format!("could not check the number on WhatsApp: {reason}"),
                retry_after: Some(NOT_CONNECTED_RETRY),
            })?;
        let Some(on) = on else {
            return Err(SendError::Transient {
                reason: "WhatsApp gave no answer about this number; trying again later".into(),
                retry_after: Some(NOT_CONNECTED_RETRY),
            });
        };
        if !on {
            return Err(SendError::Unreachable {
                code: "not_on_whatsapp",
                reason: format!("{} has no WhatsApp account", message.to),
            });
        }
        if self.config.typing {
            let chatstate = client.chatstate();
            if chatstate.send_composing(&to).await.is_ok() {
                tokio::time::sleep(typing_for(message.text.chars().count())).await;
                let _ = chatstate.send_paused(&to).await;
            }
        }
        let mut last = None;
        for (index, part) in compose::parts(message).into_iter().enumerate() {
            let id = compose::message_id(&message.idempotency_key, index);
            let body = match part {
                Part::Text(text) => compose::text(&text),
                Part::Media {
                    attachment,
                    caption,
                } => {
                    let attachment = &message.attachments[attachment];
                    let bytes = attachment.bytes().await?;
                    let voice_note =
                        attachment.kind == MediaKind::Audio && compose::is_ogg_opus(&bytes);
                    let uploaded = client
                        .upload(bytes, media_type(attachment.kind), Default::default())
                        .await
                        .map_err(|e| {
                            SendError::transient(format!(
                                "`{}` could not be uploaded to WhatsApp: {e}",
                                attachment.file_name
                            ))
                        })?;
                    compose::media(
                        uploaded,
                        compose::options(
                            attachment.kind,
                            &attachment.mime,
                            &attachment.file_name,
                            caption,
                            voice_note,
                        ),
                    )
                }
            };
            let ack = live.expect_ack(&id);
            client
                .send_message_with_options(
                    to.clone(),
                    body,
                    SendOptions::default().with_message_id(id.clone()),
                )
                .await
                .map_err(|e| match e {
                    whatsapp_rust::SendError::NotLoggedIn => not_connected(),
                    whatsapp_rust::SendError::InvalidRequest(reason) => {
                        SendError::permanent("invalid_request", reason)
                    }
                    other => SendError::transient(format!("WhatsApp did not take it: {other}")),
                })?;
            match tokio::time::timeout(ACK_TIMEOUT, ack).await {
                Ok(Ok(None)) => {}
                Ok(Ok(Some(code))) => {
                    return Err(SendError::permanent(
                        "whatsapp_refused",
                        format!("WhatsApp refused the message (code {code})"),
                    ));
                }
                Ok(Err(_)) | Err(_) => {
                    return Err(SendError::transient(format!(
                        "WhatsApp did not acknowledge the message within {} s",
                        ACK_TIMEOUT.as_secs()
                    )));
                }
            }
            last = Some(id);
        }
        last.map(|provider_id| Receipt { provider_id })
            .ok_or_else(|| {
                SendError::permanent("empty_message", "the message has no text and no attachment")
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_are_numbers_in_international_form() {
        assert_eq!(
            recipient("+90 555 111 22 33").unwrap().to_string(),
            "905551112233@s.whatsapp.net"
        );
        assert!(matches!(
            recipient("05551112233"),
            Err(SendError::Permanent { .. })
        ));
        assert!(matches!(recipient("+12"), Err(SendError::Permanent { .. })));
    }

    #[test]
    fn typing_lasts_with_the_text_within_bounds() {
        assert_eq!(typing_for(0), Duration::from_millis(500));
        assert_eq!(typing_for(50), Duration::from_millis(2000));
        assert_eq!(typing_for(10_000), Duration::from_secs(5));
    }
}
