//! `smtp`: e-mail through lettre. The rendered text is the body (as HTML too when the template asks
//! for it), attachments are MIME parts with their media types, the contact's e-mail is the address.
//! The server's address is configuration a workspace admin sets, so it is resolved and checked by
//! the outbound policy, and the connection goes to the checked address (TLS still verifies the
//! server's name).

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use lettre::message::header::{ContentDisposition, ContentType};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{AddressKind, Capabilities, OutboundMessage, Receipt, SendError, Transport};
use crate::media::MediaKind;
use crate::outbound::OutboundPolicy;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// TLS from the first byte (port 465).
    Tls,
    /// Plain connection upgraded with STARTTLS, required (port 587).
    Starttls,
    /// No encryption: only for a relay on a trusted network.
    None,
}

/// An SMTP channel's settings.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    #[schema(example = "smtp.example.com")]
    pub host: String,
    #[schema(example = 587)]
    pub port: u16,
    pub security: Security,
    #[serde(default)]
    pub username: Option<String>,
    /// Write-only: read back as `********`.
    #[serde(default)]
    pub password: Option<String>,
    #[schema(example = "kampanya@example.com")]
    pub from_address: String,
    #[serde(default)]
    #[schema(example = "Acme Pazarlama")]
    pub from_name: Option<String>,
    /// The subject when the template gives none (`channel_hints.smtp.subject`).
    #[serde(default = "default_subject")]
    pub subject: String,
    /// Largest attachment sent, in bytes (25 MB by default, what most providers accept).
    #[serde(default = "default_max_attachment")]
    pub max_attachment_bytes: u64,
}

fn default_subject() -> String {
    "Mesaj".to_owned()
}

fn default_max_attachment() -> u64 {
    25 << 20
}

impl SmtpConfig {
    pub fn validate(&self) -> Result<(), (String, String)> {
        let host = self.host.trim();
        if host.is_empty() || host.len() > 253 || host.contains(['/', ' ', '@']) {
            return Err(("host".into(), "a host name or address".into()));
        }
        if self.port == 0 {
            return Err(("port".into(), "1–65535".into()));
        }
        self.from_address
            .parse::<lettre::Address>()
            .map_err(|_| ("from_address".into(), "not an e-mail address".into()))?;
        if self.subject.chars().count() > 200 || self.subject.chars().any(char::is_control) {
            return Err(("subject".into(), "at most 200 printable characters".into()));
        }
        if self.username.is_some() != self.password.is_some() {
            return Err((
                "password".into(),
                "give both username and password, or neither".into(),
            ));
        }
        Ok(())
    }
}

pub struct Smtp {
    config: SmtpConfig,
    policy: Arc<OutboundPolicy>,
    /// Built on first use, once the server's address is resolved and checked.
    mailer: tokio::sync::OnceCell<AsyncSmtpTransport<Tokio1Executor>>,
}

impl Smtp {
    pub fn new(config: SmtpConfig, policy: Arc<OutboundPolicy>) -> Self {
        Self {
            config,
            policy,
            mailer: tokio::sync::OnceCell::new(),
        }
    }

    /// Resolves the configured host, refuses addresses the outbound policy does not allow, and
    /// connects to the first allowed one.
    async fn mailer(&self) -> Result<&AsyncSmtpTransport<Tokio1Executor>, SendError> {
        self.mailer
            .get_or_try_init(|| async {
                let host = self.config.host.trim().to_owned();
                let address = resolve_allowed(&self.policy, &host, self.config.port).await?;
                // A password in clear text goes only to a relay on a private network (which the
                // outbound policy must allow), never across the internet.
                if self.config.security == Security::None
                    && self.config.username.is_some()
                    && crate::outbound::non_public_kind(address).is_none()
                {
                    return Err(SendError::ChannelBroken {
                        reason: format!(
                            "credentials are sent unencrypted only to a relay on a private network; \
                             {host} is public: use tls or starttls"
                        ),
                    });
                }
                let tls = || {
                    TlsParameters::new(host.clone()).map_err(|e| SendError::ChannelBroken {
                        reason: format!("TLS for {host}: {e}"),
                    })
                };
                let tls = match self.config.security {
                    Security::Tls => Tls::Wrapper(tls()?),
                    Security::Starttls => Tls::Required(tls()?),
                    Security::None => Tls::None,
                };
                let mut builder =
                    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(address.to_string())
                        .port(self.config.port)
                        .tls(tls)
                        .timeout(Some(Duration::from_secs(30)));
                if let (Some(user), Some(password)) = (&self.config.username, &self.config.password)
                {
                    builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
                }
                Ok(builder.build())
            })
            .await
    }

    fn build(
        &self,
        message: &OutboundMessage,
        attachments: Vec<Vec<u8>>,
    ) -> Result<Message, SendError> {
        let bad = |field: &str, e: &dyn std::fmt::Display| {
            SendError::permanent("invalid_message", format!("{field}: {e}"))
        };
        let from = Mailbox::new(
            self.config.from_name.clone(),
            self.config
                .from_address
                .parse()
                .map_err(|e| bad("from_address", &e))?,
        );
        let to: Mailbox = message.to.parse().map_err(|e| {
            SendError::permanent("invalid_recipient", format!("`{}`: {e}", message.to))
        })?;
        let domain = self
            .config
            .from_address
            .rsplit('@')
            .next()
            .unwrap_or("ulak.local");
        let mut body = if message.html {
            MultiPart::mixed().multipart(MultiPart::alternative_plain_html(
                strip_tags(&message.text),
                message.text.clone(),
            ))
        } else {
            MultiPart::mixed().singlepart(SinglePart::plain(message.text.clone()))
        };
        for (attachment, bytes) in message.attachments.iter().zip(attachments) {
            let content_type =
                ContentType::parse(&attachment.mime).map_err(|e| bad("attachment type", &e))?;
            body = body.singlepart(
                SinglePart::builder()
                    .header(content_type)
                    .header(ContentDisposition::attachment(&attachment.file_name))
                    .body(bytes),
            );
        }
        Message::builder()
            .from(from)
            .to(to)
            .subject(
                message
                    .subject
                    .clone()
                    .unwrap_or_else(|| self.config.subject.clone()),
            )
            // A resend after a crash carries the same Message-ID, which receivers deduplicate on.
            .message_id(Some(format!("<{}@{domain}>", message.idempotency_key)))
            .multipart(body)
            .map_err(|e| bad("message", &e))
    }
}

/// The text without tags, for the plain part beside an HTML one.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The first address of `host` the outbound policy allows.
async fn resolve_allowed(
    policy: &OutboundPolicy,
    host: &str,
    port: u16,
) -> Result<IpAddr, SendError> {
    let addresses: Vec<IpAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![ip],
        Err(_) => tokio::net::lookup_host((host, port))
            .await
            .map_err(|e| SendError::transient(format!("cannot resolve {host}: {e}")))?
            .map(|a| a.ip())
            .collect(),
    };
    let mut refusal = None;
    for ip in addresses {
        match policy.check_ip(ip) {
            Ok(()) => return Ok(ip),
            Err(e) => refusal = Some(e),
        }
    }
    Err(SendError::ChannelBroken {
        reason: refusal.map_or_else(|| format!("{host} has no address"), |e| e.0),
    })
}

#[async_trait]
impl Transport for Smtp {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            address: AddressKind::Email,
            media_kinds: vec![
                MediaKind::Image,
                MediaKind::Audio,
                MediaKind::Video,
                MediaKind::Document,
            ],
            max_attachment_bytes: self.config.max_attachment_bytes,
            max_text_chars: None,
            reports_delivered: false,
            reports_read: false,
            client_message_ids: true,
            approved_templates: false,
        }
    }

    async fn send(&self, message: &OutboundMessage) -> Result<Receipt, SendError> {
        let mut attachments = Vec::with_capacity(message.attachments.len());
        for attachment in &message.attachments {
            if attachment.size > self.config.max_attachment_bytes {
                return Err(SendError::permanent(
                    "attachment_too_large",
                    format!(
                        "`{}` is larger than this channel's {} bytes",
                        attachment.file_name, self.config.max_attachment_bytes
                    ),
                ));
            }
            attachments.push(attachment.bytes().await?);
        }
        let email = self.build(message, attachments)?;
        let mailer = self.mailer().await?;
        match mailer.send(email).await {
            Ok(response) => Ok(Receipt {
                provider_id: response
                    .message()
                    .next()
                    .map(str::to_owned)
                    .filter(|m| !m.is_empty())
                    .unwrap_or_else(|| message.idempotency_key.clone()),
            }),
            Err(e) => Err(classify(&e)),
        }
    }
}

/// How a lettre error maps to the dispatcher's cases.
fn classify(error: &lettre::transport::smtp::Error) -> SendError {
    let reason = format!("the mail server refused: {error}");
    if let Some(code) = error.status() {
        let code = code.to_string();
        // 530/534/535: authentication; 550/553 on the sender: the channel's setup.
        if matches!(code.as_str(), "530" | "534" | "535") {
            return SendError::ChannelBroken { reason };
        }
    }
    if error.is_permanent() {
        SendError::permanent("smtp_rejected", reason)
    } else {
        SendError::transient(reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_loses_its_tags_in_the_plain_part() {
        assert_eq!(strip_tags("<p>Merhaba <b>Ayşe</b></p>"), "Merhaba Ayşe");
    }
}
