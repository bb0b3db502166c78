//! A transport that POSTs each rendered message as JSON to a configured URL, signed with
//! HMAC-SHA256, and accepts inbound events signed the same way. It lets any system that can receive
//! a webhook act as a delivery channel.
//!
//! Request: `POST <url>` with `X-Ulak-Timestamp: <unix seconds>`, `X-Ulak-Signature: sha256=<hex>`
//! where the signature is HMAC-SHA256(secret, `<timestamp>.<body>`), and `Idempotency-Key`. A 2xx
//! answer is success (the provider id is the answer's JSON `id`, else the idempotency key); 408,
//! 429 and 5xx are transient failures; other answers are permanent ones.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use ulak_plugin_sdk::{
    Capabilities, Context, DeliveryStatus, Header, InboundMessage, OutboundMessage, SendError,
    StatusUpdate, Transport, WebhookEvents, export_transport, host,
};

struct HttpWebhook;

/// The shortest secret inbound requests are checked with (the manifest's `min_length`).
const MIN_SECRET_CHARS: usize = 24;

#[derive(Deserialize)]
struct Config {
    url: String,
    secret: String,
}

#[derive(Serialize)]
struct Payload<'a> {
    id: &'a str,
    workspace: &'a str,
    to: &'a str,
    text: &'a str,
    sent_at_ms: i64,
    attachments: Vec<AttachmentPayload<'a>>,
}

#[derive(Serialize)]
struct AttachmentPayload<'a> {
    kind: &'a str,
    mime: &'a str,
    file_name: &'a str,
    size: usize,
    data_base64: String,
}

/// `sha256=<hex>` of HMAC-SHA256(secret, "<timestamp>.<body>").
pub fn signature(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Compares in constant time.
pub fn verify(secret: &[u8], timestamp: i64, body: &[u8], given: &str) -> bool {
    let Some(given) = given
        .strip_prefix("sha256=")
        .and_then(|h| hex::decode(h).ok())
    else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return false;
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&given).is_ok()
}

/// How an HTTP status maps to the outcome of a send.
pub fn classify(status: u16, body: &[u8]) -> Result<Option<String>, SendError> {
    match status {
        200..=299 => Ok(serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|v| v.get("id").and_then(|id| id.as_str()).map(str::to_owned))),
        408 | 429 | 500..=599 => Err(SendError::Transient(format!(
            "the receiver answered {status}"
        ))),
        _ => Err(SendError::Permanent(format!(
            "the receiver answered {status}: {}",
            String::from_utf8_lossy(&body[..body.len().min(200)])
        ))),
    }
}

fn header<'a>(headers: &'a [Header], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

#[derive(Deserialize)]
struct InboundEvents {
    #[serde(default)]
    messages: Vec<InboundMessagePayload>,
    #[serde(default)]
    statuses: Vec<StatusPayload>,
}

#[derive(Deserialize)]
struct InboundMessagePayload {
    id: String,
    from: String,
    text: String,
    at_ms: i64,
}

#[derive(Deserialize)]
struct StatusPayload {
    id: String,
    status: String,
    reason: Option<String>,
    at_ms: i64,
}

impl Transport for HttpWebhook {
    fn capabilities(_ctx: Context) -> Capabilities {
        Capabilities {
            media_kinds: ["image", "audio", "video", "document"]
                .map(String::from)
                .to_vec(),
            max_text_length: None,
            inbound: true,
        }
    }

    fn send(ctx: Context, message: OutboundMessage) -> Result<String, SendError> {
        let config: Config = host::config().map_err(SendError::Permanent)?;
        let payload = Payload {
            id: &message.idempotency_key,
            workspace: &ctx.workspace,
            to: &message.to,
            text: &message.text,
            sent_at_ms: ctx.now_ms,
            attachments: message
                .attachments
                .iter()
                .map(|a| AttachmentPayload {
                    kind: &a.kind,
                    mime: &a.mime,
                    file_name: &a.file_name,
                    size: a.data.len(),
                    data_base64: base64::engine::general_purpose::STANDARD.encode(&a.data),
                })
                .collect(),
        };
        let body = serde_json::to_vec(&payload).map_err(|e| SendError::Permanent(e.to_string()))?;
        let timestamp = ctx.now_ms / 1000;
        let headers = [
            Header {
                name: "x-ulak-timestamp".into(),
                value: timestamp.to_string(),
            },
            Header {
                name: "x-ulak-signature".into(),
                value: signature(config.secret.as_bytes(), timestamp, &body),
            },
            Header {
                name: "idempotency-key".into(),
                value: message.idempotency_key.clone(),
            },
        ];
        let response = host::http::post_json(&config.url, &headers, body).map_err(|e| {
            if e.contains("not allowed") {
                SendError::Permanent(e)
            } else {
                SendError::Transient(e)
            }
        })?;
        Ok(classify(response.status, &response.body)?.unwrap_or(message.idempotency_key))
    }

    fn parse_webhook(
        ctx: Context,
        headers: Vec<Header>,
        body: Vec<u8>,
    ) -> Result<WebhookEvents, String> {
        let config: Config = host::config()?;
        // A short secret (set before the manifest required 24 characters) authenticates nothing.
        if config.secret.chars().count() < MIN_SECRET_CHARS {
            return Err(format!(
                "the workspace's secret is shorter than {MIN_SECRET_CHARS} characters; set a longer one"
            ));
        }
        let timestamp: i64 = header(&headers, "x-ulak-timestamp")
            .and_then(|t| t.parse().ok())
            .ok_or("missing or malformed X-Ulak-Timestamp")?;
        // Five minutes either way, against replays.
        if (ctx.now_ms / 1000 - timestamp).abs() > 300 {
            return Err("the X-Ulak-Timestamp is more than five minutes off".into());
        }
        let given = header(&headers, "x-ulak-signature").ok_or("missing X-Ulak-Signature")?;
        if !verify(config.secret.as_bytes(), timestamp, &body, given) {
            return Err("the signature does not match".into());
        }
        let events: InboundEvents =
            serde_json::from_slice(&body).map_err(|e| format!("malformed body: {e}"))?;
        let statuses = events
            .statuses
            .into_iter()
            .map(|s| {
                let status = match s.status.as_str() {
                    "sent" => DeliveryStatus::Sent,
                    "delivered" => DeliveryStatus::Delivered,
                    "read" => DeliveryStatus::Read,
                    "failed" => DeliveryStatus::Failed,
                    other => return Err(format!("unknown status `{other}`")),
                };
                Ok(StatusUpdate {
                    provider_id: s.id,
                    status,
                    reason: s.reason,
                    at_ms: s.at_ms,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(WebhookEvents {
            messages: events
                .messages
                .into_iter()
                .map(|m| InboundMessage {
                    provider_id: m.id,
                    from: m.from,
                    text: m.text,
                    at_ms: m.at_ms,
                })
                .collect(),
            statuses,
        })
    }
}

export_transport!(HttpWebhook);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_and_a_tampered_body_does_not() {
        let sig = signature(b"s3cret", 1_700_000_000, b"{\"a\":1}");
        assert!(sig.starts_with("sha256="));
        assert!(verify(b"s3cret", 1_700_000_000, b"{\"a\":1}", &sig));
        assert!(!verify(b"s3cret", 1_700_000_000, b"{\"a\":2}", &sig));
        assert!(!verify(b"other", 1_700_000_000, b"{\"a\":1}", &sig));
        assert!(!verify(b"s3cret", 1_700_000_001, b"{\"a\":1}", &sig));
    }

    #[test]
    fn statuses_map_to_transient_and_permanent_failures() {
        assert_eq!(
            classify(200, br#"{"id":"p-1"}"#).ok(),
            Some(Some("p-1".into()))
        );
        assert_eq!(classify(204, b"").ok(), Some(None));
        assert!(matches!(classify(503, b""), Err(SendError::Transient(_))));
        assert!(matches!(classify(429, b""), Err(SendError::Transient(_))));
        assert!(matches!(
            classify(400, b"bad"),
            Err(SendError::Permanent(_))
        ));
    }
}
