//! The crate's `HttpClient` (media upload and download, the version check) on reqwest, through the
//! instance's outbound policy like every other request Ulak makes; its own ureq client is not built.

use std::time::Duration;

use futures_util::StreamExt;
use whatsapp_rust::async_trait;
use whatsapp_rust::wacore::net::{HttpClient, HttpRequest, HttpResponse};

use crate::outbound::{Outbound, describe};

/// The largest answer read: WhatsApp's media limit (documents, 2 GB) is far above what Ulak keeps;
/// history syncs, which come through here too, can be tens of megabytes.
pub const MAX_RESPONSE_BYTES: usize = 100 << 20;

/// The hosts the client may reach over HTTP (its version check, media and history downloads and
/// uploads): WhatsApp's and Meta's. The URL of a received message's media is chosen by its sender,
/// so nothing else is fetched (nor sent the media token that rides in those URLs).
const WHATSAPP_HOSTS: [&str; 3] = ["whatsapp.net", "whatsapp.com", "fbcdn.net"];

/// How long one request may take, media included.
pub const TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Clone)]
pub struct PolicyHttp {
    outbound: Outbound,
    max_response: usize,
    /// Hosts allowed besides WhatsApp's (that of a configured `server_url`: a relay, a test).
    also: Vec<String>,
}

impl PolicyHttp {
    pub fn new(outbound: Outbound) -> Self {
        Self {
            outbound,
            max_response: MAX_RESPONSE_BYTES,
            also: Vec::new(),
        }
    }

    /// Allows the host of this URL too.
    pub fn also_allowing(mut self, url: &str) -> Self {
        if let Some(host) = reqwest::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(|h| h.to_ascii_lowercase()))
        {
            self.also.push(host);
        }
        self
    }

    fn allowed(&self, url: &reqwest::Url) -> bool {
        let Some(host) = url.host_str().map(|h| h.to_ascii_lowercase()) else {
            return false;
        };
        let host = host.trim_end_matches('.');
        WHATSAPP_HOSTS
            .iter()
            .any(|suffix| host == *suffix || host.ends_with(&format!(".{suffix}")))
            || self.also.iter().any(|h| h == host)
    }

    #[cfg(test)]
    fn with_max_response(mut self, bytes: usize) -> Self {
        self.max_response = bytes;
        self
    }
}

#[async_trait]
impl HttpClient for PolicyHttp {
    async fn execute(&self, request: HttpRequest) -> anyhow::Result<HttpResponse> {
        let url =
            reqwest::Url::parse(&request.url).map_err(|e| anyhow::anyhow!("not a URL: {e}"))?;
        if !self.allowed(&url) {
            anyhow::bail!(
                "{} is not one of WhatsApp's hosts",
                url.host_str().unwrap_or("a URL without a host")
            );
        }
        let method = reqwest::Method::from_bytes(request.method.as_bytes())
            .map_err(|_| anyhow::anyhow!("not an HTTP method: {}", request.method))?;
        let mut builder = self
            .outbound
            .request(method, url)
            .map_err(|refused| anyhow::anyhow!(refused.0))?
            .timeout(TIMEOUT);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = request.body {
            builder = builder.body(body);
        }
        let response = builder
            .send()
            .await
            .map_err(|e| anyhow::anyhow!(describe(&e)))?;
        let status_code = response.status().as_u16();
        if response
            .content_length()
            .is_some_and(|n| n > self.max_response as u64)
        {
            anyhow::bail!("the answer is larger than {} bytes", self.max_response);
        }
        let mut body = Vec::with_capacity(
            response
                .content_length()
                .unwrap_or(0)
                .min(self.max_response as u64) as usize,
        );
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| anyhow::anyhow!(describe(&e)))?;
            if body.len() + chunk.len() > self.max_response {
                anyhow::bail!("the answer is larger than {} bytes", self.max_response);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpResponse { status_code, body })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::OutboundSettings;
    use wiremock::matchers::{body_bytes, header, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    fn client(allow_private: bool) -> PolicyHttp {
        let settings = OutboundSettings {
            allow_private_networks: allow_private,
            allowed_hosts: Vec::new(),
        };
        PolicyHttp::new(Outbound::new(
            &settings,
            Duration::from_secs(5),
            "ulak-test",
        ))
        .also_allowing("ws://127.0.0.1:1/ws/chat")
    }

    #[tokio::test]
    async fn requests_go_out_with_their_headers_and_body() {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/mms/image/abc"))
            .and(header("origin", "https://web.whatsapp.com"))
            .and(body_bytes(b"encrypted".to_vec()))
            .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"url":"u"}"#))
            .expect(1)
            .mount(&server)
            .await;
        let request = HttpRequest::post(format!("{}/mms/image/abc", server.uri()))
            .with_header("Origin", "https://web.whatsapp.com")
            .with_body(b"encrypted".to_vec());
        let response = client(true).execute(request).await.unwrap();
        assert_eq!(response.status_code, 200);
        assert_eq!(response.body, br#"{"url":"u"}"#);

        Mock::given(method("GET"))
            .and(path("/missing"))
            .respond_with(ResponseTemplate::new(404))
            .mount(&server)
            .await;
        let missing = client(true)
            .execute(HttpRequest::get(format!("{}/missing", server.uri())))
            .await
            .unwrap();
        assert_eq!(missing.status_code, 404);
    }

    #[tokio::test]
    async fn the_outbound_policy_and_the_size_limit_hold() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![7u8; 4096]))
            .mount(&server)
            .await;
        // Loopback is a private network: refused unless the instance allows it.
        let refused = client(false)
            .execute(HttpRequest::get(format!("{}/media", server.uri())))
            .await
            .unwrap_err();
        assert!(refused.to_string().contains("not allowed"), "{refused}");
        let too_big = client(true)
            .with_max_response(1024)
            .execute(HttpRequest::get(format!("{}/media", server.uri())))
            .await
            .unwrap_err();
        assert!(
            too_big.to_string().contains("larger than 1024"),
            "{too_big}"
        );
        let bad = client(true)
            .execute(HttpRequest::get("file:///etc/passwd"))
            .await
            .unwrap_err();
        assert!(
            bad.to_string().contains("not one of WhatsApp's hosts"),
            "{bad}"
        );
    }

    /// A received message's media URL is its sender's choice: only WhatsApp's hosts (and a
    /// configured server's) are fetched, so the media token in those URLs goes nowhere else.
    #[tokio::test]
    async fn only_whatsapps_hosts_are_reached() {
        let http = client(true);
        let url = |u: &str| reqwest::Url::parse(u).unwrap();
        for ok in [
            "https://mmg.whatsapp.net/v/t62/abc?auth=x",
            "https://media-ist1-1.cdn.whatsapp.net/m",
            "https://web.whatsapp.com/check-update",
            "https://scontent.xx.fbcdn.net/n",
            "http://127.0.0.1:9/configured-server",
        ] {
            assert!(http.allowed(&url(ok)), "{ok}");
        }
        for refused in [
            "https://mmg.whatsapp.net.evil.example/v?auth=x",
            "https://evilwhatsapp.net/",
            "https://example.com/",
            "http://10.0.0.1/",
        ] {
            assert!(!http.allowed(&url(refused)), "{refused}");
        }
        let refused = http
            .execute(HttpRequest::get("https://example.com/media"))
            .await
            .unwrap_err();
        assert!(
            refused.to_string().contains("not one of WhatsApp's hosts"),
            "{refused}"
        );
    }
}
