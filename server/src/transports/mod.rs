//! The `Transport` trait every channel kind implements, and the kinds built so far: `sandbox`
//! (sends nothing, for rehearsals and benchmarks), `smtp` (e-mail through lettre), `plugin` (an
//! installed transport plugin) and `whatsapp_cloud` (the WhatsApp Business Cloud API). WhatsApp
//! Web implements the same trait.
//!
//! A transport turns one outbound message into the provider's message id, or a typed error the
//! dispatcher acts on. What comes back from the provider later (inbound messages, delivery
//! statuses) reaches the pipeline through [`crate::messages::inbound`].

pub mod plugin;
pub mod sandbox;
pub mod smtp;
pub mod whatsapp_cloud;
pub mod whatsapp_web;

use std::path::PathBuf;
use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::media::MediaKind;

/// What a channel addresses recipients by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AddressKind {
    /// An E.164 phone number (WhatsApp, SMS-like transports).
    Phone,
    /// An e-mail address.
    Email,
}

/// What a transport can deliver.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Capabilities {
    pub address: AddressKind,
    /// Attachment kinds it accepts.
    pub media_kinds: Vec<MediaKind>,
    /// Largest attachment it accepts, in bytes.
    pub max_attachment_bytes: u64,
    /// Longest text it accepts, in characters, if it has a limit.
    pub max_text_chars: Option<u32>,
    /// Whether it reports deliveries, and reads.
    pub reports_delivered: bool,
    pub reports_read: bool,
    /// Whether the provider keeps the message id the sender chooses (then a resend after a crash is
    /// recognised as the same message).
    pub client_message_ids: bool,
    /// Whether it sends approved templates (WhatsApp Cloud API): a template's
    /// `channel_hints.whatsapp_cloud` mapping is then rendered with each message.
    #[serde(default)]
    pub approved_templates: bool,
}

/// One attachment of an outbound message: a media library entry, read from the blob store.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Attachment {
    pub media_id: String,
    pub kind: MediaKind,
    pub mime: String,
    pub file_name: String,
    pub size: u64,
    pub sha256: String,
    /// Where the bytes are (set by the dispatcher before sending).
    #[serde(skip)]
    pub path: PathBuf,
}

/// Which attachment carries the message's text as its caption: the first that is not audio (audio
/// takes none), when the text fits a caption of `max_caption_chars`. None: the text, if any, goes
/// as a message of its own, first. The same rule for both WhatsApp transports.
pub fn captioned_attachment(message: &OutboundMessage, max_caption_chars: usize) -> Option<usize> {
    message
        .attachments
        .iter()
        .position(|a| a.kind != MediaKind::Audio)
        .filter(|_| message.text.trim().chars().count() <= max_caption_chars)
}

impl Attachment {
    pub async fn bytes(&self) -> Result<Vec<u8>, SendError> {
        tokio::fs::read(&self.path)
            .await
            .map_err(|e| SendError::Permanent {
                code: "attachment_missing".into(),
                reason: format!("the bytes of `{}` cannot be read: {e}", self.file_name),
            })
    }
}

/// A rendered message on its way out.
#[derive(Debug, Clone)]
pub struct OutboundMessage {
    /// The same for every attempt of one message; providers that support it deduplicate on it.
    pub idempotency_key: String,
    /// The recipient: an E.164 phone or an e-mail address.
    pub to: String,
    pub text: String,
    /// E-mail only: the subject, and the text as HTML when the template asks for it.
    pub subject: Option<String>,
    pub html: bool,
    pub attachments: Vec<Attachment>,
    /// WhatsApp Cloud API only: the approved template the message's template maps onto, with its
    /// parameters rendered for this recipient; sent instead of the text outside the 24-hour window.
    pub approved: Option<ApprovedMessage>,
}

/// An approved WhatsApp template with its parameters, as one recipient gets it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovedMessage {
    /// The template's name at Meta.
    pub name: String,
    /// Its language code (`tr`, `en_US`).
    pub language: String,
    /// The header's text parameters (`{{1}}` …), in order.
    #[serde(default)]
    pub header: Vec<String>,
    /// The body's parameters, in order.
    #[serde(default)]
    pub body: Vec<String>,
}

/// The provider accepted the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub provider_id: String,
}

/// Why a send did not go through, as the dispatcher acts on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// Worth trying again (timeouts, throttling, 5xx), after `retry_after` if the provider said.
    Transient {
        reason: String,
        retry_after: Option<Duration>,
    },
    /// This recipient is receiving too fast: slow down for them.
    RecipientRateLimited {
        reason: String,
        retry_after: Option<Duration>,
    },
    /// Trying again will not help (invalid recipient, rejected content).
    Permanent { code: String, reason: String },
    /// The recipient cannot be reached on this channel at all (no WhatsApp account): the message
    /// is skipped with `code` as its reason, like an opt-out, rather than failed.
    Unreachable { code: &'static str, reason: String },
    /// The channel itself cannot send (wrong credentials, logged out): stop dispatching until fixed.
    ChannelBroken { reason: String },
}

impl SendError {
    pub fn reason(&self) -> &str {
        match self {
            SendError::Transient { reason, .. }
            | SendError::RecipientRateLimited { reason, .. }
            | SendError::Permanent { reason, .. }
            | SendError::Unreachable { reason, .. }
            | SendError::ChannelBroken { reason } => reason,
        }
    }

    pub fn transient(reason: impl Into<String>) -> Self {
        SendError::Transient {
            reason: reason.into(),
            retry_after: None,
        }
    }

    pub fn permanent(code: &str, reason: impl Into<String>) -> Self {
        SendError::Permanent {
            code: code.to_owned(),
            reason: reason.into(),
        }
    }
}

/// A channel's way out.
#[async_trait]
pub trait Transport: Send + Sync {
    fn capabilities(&self) -> Capabilities;

    /// Sends one message. Called at most a few at a time per channel; rate limits are the
    /// dispatcher's business.
    async fn send(&self, message: &OutboundMessage) -> Result<Receipt, SendError>;
}
