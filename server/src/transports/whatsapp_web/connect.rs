//! The crate's WebSocket to WhatsApp, opened through the instance's outbound policy: the server's
//! name is resolved here and only addresses the policy allows are dialled (the same check as every
//! HTTP request Ulak makes), with a time limit. Every failure is kept for the channel to show.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use whatsapp_rust::async_channel::Receiver;
use whatsapp_rust::async_trait;
use whatsapp_rust::transport::{Transport, TransportEvent, TransportFactory, from_websocket};

use crate::outbound::OutboundPolicy;

/// Where WhatsApp Web's multi-device clients connect.
pub const WHATSAPP_URL: &str = "wss://web.whatsapp.com/ws/chat";
/// The `Origin` WhatsApp expects, whichever host is dialled.
const ORIGIN: &str = "https://web.whatsapp.com";
/// How long a connection may take, TLS and the WebSocket upgrade included.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);

/// What went wrong last while connecting, for the channel's state reason.
#[derive(Default)]
pub struct Failures {
    last: parking_lot::Mutex<Option<String>>,
    notify: tokio::sync::Notify,
}

impl Failures {
    pub fn record(&self, reason: String) {
        *self.last.lock() = Some(reason);
        self.notify.notify_one();
    }

    /// The last failure since the previous call.
    pub fn take(&self) -> Option<String> {
        self.last.lock().take()
    }

    /// Waits for the next failure.
    pub async fn failed(&self) {
        self.notify.notified().await
    }
}

/// Resolves names through the policy: refused addresses are never dialled.
struct PolicyResolver(Arc<OutboundPolicy>);

impl tokio_websockets::resolver::Resolver for PolicyResolver {
    async fn resolve(&self, host: &str, port: u16) -> Result<SocketAddr, tokio_websockets::Error> {
        let found: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
            .await
            .map_err(|_| tokio_websockets::Error::CannotResolveHost)?
            .collect();
        if self.0.allows_name(host) {
            return found
                .into_iter()
                .next()
                .ok_or(tokio_websockets::Error::CannotResolveHost);
        }
        found
            .into_iter()
            .find(|addr| self.0.check_ip(addr.ip()).is_ok())
            .ok_or(tokio_websockets::Error::Io(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!(
                    "`{host}` resolves to no address this server may connect to (see [outbound] \
                     in its configuration)"
                ),
            )))
    }
}

/// Opens the client's WebSocket to `url` through the policy.
pub struct PolicyTransport {
    url: String,
    policy: Arc<OutboundPolicy>,
    connector: tokio_websockets::Connector,
    pub failures: Arc<Failures>,
}

impl PolicyTransport {
    pub fn new(url: &str, policy: Arc<OutboundPolicy>, failures: Arc<Failures>) -> Self {
        Self {
            url: url.to_owned(),
            policy,
            connector: whatsapp_rust::transport::default_tls_connector(),
            failures,
        }
    }

    async fn open(&self) -> Result<(Arc<dyn Transport>, Receiver<TransportEvent>), String> {
        let uri: http::Uri = self
            .url
            .parse()
            .map_err(|e| format!("`{}` is not a URL: {e}", self.url))?;
        if !matches!(uri.scheme_str(), Some("wss" | "ws")) {
            return Err(format!("`{}` is not a ws:// or wss:// URL", self.url));
        }
        // An address written in the URL is checked as such: no resolver is asked for it.
        if let Some(host) = uri.host()
            && let Ok(ip) = host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::IpAddr>()
        {
            self.policy.check_ip(ip).map_err(|refused| refused.0)?;
        }
        let builder = tokio_websockets::ClientBuilder::from_uri(uri)
            .connector(&self.connector)
            .resolver(PolicyResolver(self.policy.clone()))
            .add_header(http::header::ORIGIN, http::HeaderValue::from_static(ORIGIN))
            .map_err(|e| e.to_string())?;
        let (ws, _) = tokio::time::timeout(CONNECT_TIMEOUT, builder.connect())
            .await
            .map_err(|_| format!("no connection within {} s", CONNECT_TIMEOUT.as_secs()))?
            .map_err(|e| e.to_string())?;
        Ok(from_websocket(ws))
    }
}

#[async_trait]
impl TransportFactory for PolicyTransport {
    async fn create_transport(
        &self,
    ) -> Result<(Arc<dyn Transport>, Receiver<TransportEvent>), anyhow::Error> {
        match self.open().await {
            Ok(opened) => Ok(opened),
            Err(reason) => {
                let host = self
                    .url
                    .parse::<http::Uri>()
                    .ok()
                    .and_then(|u| u.host().map(str::to_owned))
                    .unwrap_or_default();
                let reason = format!("cannot reach WhatsApp at {host}: {reason}");
                self.failures.record(reason.clone());
                Err(anyhow::anyhow!(reason))
            }
        }
    }
}
