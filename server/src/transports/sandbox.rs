//! `sandbox`: sends nothing. Each message is recorded as sent at once and, if configured, reported
//! delivered, read or failed at given rates after a given delay. For rehearsing a campaign before
//! pointing it at real people, and for measuring the pipeline itself. Which messages are delivered,
//! read or failed is decided from their idempotency keys, so a rehearsal is repeatable.

use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{AddressKind, Capabilities, OutboundMessage, Receipt, SendError, Transport};
use crate::media::MediaKind;
use crate::messages::inbound::{DeliveryStatus, Feedback, FeedbackSink, StatusUpdate};

/// A sandbox channel's settings.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SandboxConfig {
    /// Share of messages reported delivered (0–1).
    #[serde(default)]
    #[schema(example = 0.9)]
    pub delivered_rate: f64,
    /// Share of delivered messages reported read too (0–1).
    #[serde(default)]
    #[schema(example = 0.5)]
    pub read_rate: f64,
    /// Share of messages reported failed instead (0–1).
    #[serde(default)]
    #[schema(example = 0.05)]
    pub failed_rate: f64,
    /// How long after sending the reports come, in milliseconds.
    #[serde(default)]
    #[schema(example = 2000)]
    pub delay_ms: u64,
    /// Attachment kinds it accepts (all by default), to rehearse a channel that takes fewer.
    #[serde(default = "all_kinds")]
    pub media_kinds: Vec<MediaKind>,
    /// What it addresses recipients by: `phone` (default) or `email`.
    #[serde(default = "phone")]
    pub address: AddressKind,
}

fn all_kinds() -> Vec<MediaKind> {
    vec![
        MediaKind::Image,
        MediaKind::Audio,
        MediaKind::Video,
        MediaKind::Document,
    ]
}

fn phone() -> AddressKind {
    AddressKind::Phone
}

impl SandboxConfig {
    pub fn validate(&self) -> Result<(), String> {
        for (name, rate) in [
            ("delivered_rate", self.delivered_rate),
            ("read_rate", self.read_rate),
            ("failed_rate", self.failed_rate),
        ] {
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!("{name} must be between 0 and 1"));
            }
        }
        if self.delay_ms > 60_000 {
            return Err("delay_ms is at most a minute".into());
        }
        Ok(())
    }
}

pub struct Sandbox {
    config: SandboxConfig,
    /// Reports waiting for their time, in the order they are due (the delay is the same for all).
    reports: tokio::sync::mpsc::Sender<(tokio::time::Instant, String, Vec<Report>)>,
}

type Report = (DeliveryStatus, Option<String>);

/// Reports waiting at most; more are dropped (a rehearsal at full speed with a long delay).
const WAITING_REPORTS: usize = 100_000;

impl Sandbox {
    /// The transport, and one task that hands its reports to the pipeline when they are due; the
    /// task ends when the transport is dropped.
    pub fn new(channel: String, config: SandboxConfig, feedback: FeedbackSink) -> Self {
        let (reports, mut due) =
            tokio::sync::mpsc::channel::<(tokio::time::Instant, String, Vec<Report>)>(
                WAITING_REPORTS,
            );
        tokio::spawn(async move {
            while let Some((at, id, reports)) = due.recv().await {
                tokio::time::sleep_until(at).await;
                for (status, reason) in reports {
                    let update = StatusUpdate::new(id.clone(), status, reason, chrono::Utc::now());
                    if feedback
                        .send((channel.clone(), Feedback::Status(update)))
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
            }
        });
        Self { config, reports }
    }
}

/// A stable number in [0, 1) from a key and a purpose (keys differing in one digit spread
/// evenly).
fn share(key: &str, purpose: &str) -> f64 {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(purpose)
        .chain_update(b":")
        .chain_update(key)
        .finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(first) >> 11) as f64 / (1u64 << 53) as f64
}

#[async_trait]
impl Transport for Sandbox {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            address: self.config.address,
            media_kinds: self.config.media_kinds.clone(),
            max_attachment_bytes: 100 << 20,
            max_text_chars: None,
            reports_delivered: self.config.delivered_rate > 0.0,
            reports_read: self.config.read_rate > 0.0,
            client_message_ids: true,
            approved_templates: false,
        }
    }

    async fn send(&self, message: &OutboundMessage) -> Result<Receipt, SendError> {
        // The sandbox keeps the sender's ids, as providers that take client ids do.
        let provider_id = message.idempotency_key.clone();
        let key = &message.idempotency_key;
        let mut reports = Vec::new();
        if share(key, "failed") < self.config.failed_rate {
            reports.push((
                DeliveryStatus::Failed,
                Some("the sandbox failed it, as configured".to_owned()),
            ));
        } else if share(key, "delivered") < self.config.delivered_rate {
            reports.push((DeliveryStatus::Delivered, None));
            if share(key, "read") < self.config.read_rate {
                reports.push((DeliveryStatus::Read, None));
            }
        }
        if !reports.is_empty() {
            let due = tokio::time::Instant::now() + Duration::from_millis(self.config.delay_ms);
            if self
                .reports
                .try_send((due, provider_id.clone(), reports))
                .is_err()
            {
                tracing::debug!("sandbox report dropped: too many waiting");
            }
        }
        Ok(Receipt { provider_id })
    }
}

#[cfg(test)]
mod tests {
    use super::share;

    #[test]
    fn shares_are_stable_and_spread() {
        assert_eq!(share("abc", "x"), share("abc", "x"));
        let below = (0..10_000)
            .filter(|i| share(&format!("cmp.90532{:07}", 1_000_000 + i), "read") < 0.3)
            .count();
        assert!((2_700..3_300).contains(&below), "{below}");
    }
}
