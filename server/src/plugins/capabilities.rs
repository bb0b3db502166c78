//! The host side of `ulak:plugin/host`: log, config, key-value store and HTTP. Each capability is a
//! small piece that checks its own limits and permission. These run inside a plugin call on a
//! blocking thread, so they wait for async work with the runtime handle's `block_on`.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{Value, json};

use super::runtime::HostState;
use super::runtime::bindings::resolver::ulak::plugin::{host, types};
use crate::config::{QuotaSettings, Settings};
use crate::db::Db;
use crate::outbound::{Outbound, describe};

/// What every plugin instance shares: the store, the outbound HTTP client and the runtime to wait on.
pub struct Services {
    pub db: Db,
    /// The instance's outbound policy; a redirect could lead outside the allow-list, so plugins
    /// see the 3xx instead.
    pub http: Outbound,
    pub handle: tokio::runtime::Handle,
    pub http_timeout: Duration,
    pub http_max_response_bytes: u64,
    pub quotas: QuotaSettings,
    /// Each plugin's recent log lines and errors, per workspace.
    pub journal: super::journal::Journal,
}

impl Services {
    pub fn new(
        db: Db,
        handle: tokio::runtime::Handle,
        settings: &Settings,
    ) -> anyhow::Result<Self> {
        let timeout = Duration::from_millis(settings.plugins.http_timeout_ms);
        let http = Outbound::new(
            &settings.outbound,
            timeout,
            concat!("Ulak/", env!("CARGO_PKG_VERSION"), " (plugin host)"),
        );
        Ok(Self {
            db,
            http,
            handle,
            http_timeout: timeout,
            http_max_response_bytes: settings.plugins.http_max_response_bytes,
            quotas: settings.quotas.clone(),
            journal: super::journal::Journal::default(),
        })
    }
}

/// One allowed host: exact (`api.telegram.org`) or a domain and its subdomains (`*.example.com`).
#[derive(Debug, Clone)]
pub enum HostRule {
    Exact(String),
    Suffix(String),
}

impl HostRule {
    /// Resolves the manifest's patterns for one configuration: `{config.url}` becomes that URL's host
    /// (or nothing, while the URL is not set).
    pub fn compile(patterns: &[String], config: &serde_json::Map<String, Value>) -> Vec<HostRule> {
        patterns
            .iter()
            .filter_map(|pattern| {
                if let Some(key) = pattern
                    .strip_prefix("{config.")
                    .and_then(|p| p.strip_suffix('}'))
                {
                    let url = config.get(key)?.as_str()?;
                    let host = reqwest::Url::parse(url)
                        .ok()?
                        .host_str()?
                        .to_ascii_lowercase();
                    return Some(HostRule::Exact(host));
                }
                let pattern = pattern.to_ascii_lowercase();
                Some(match pattern.strip_prefix("*.") {
                    Some(domain) => HostRule::Suffix(domain.to_owned()),
                    None => HostRule::Exact(pattern),
                })
            })
            .collect()
    }

    pub fn allows(rules: &[HostRule], host: &str) -> bool {
        let host = host.to_ascii_lowercase();
        rules.iter().any(|rule| match rule {
            HostRule::Exact(h) => *h == host,
            HostRule::Suffix(domain) => host == *domain || host.ends_with(&format!(".{domain}")),
        })
    }
}

const MAX_KEY_BYTES: usize = 256;

/// A quota of 0 means none.
fn limit_or_max(quota: u64) -> u64 {
    if quota == 0 { u64::MAX >> 1 } else { quota }
}
const MAX_VALUE_BYTES: usize = 64 * 1024;
const MAX_LOG_CHARS: usize = 2000;
const MAX_REQUEST_BODY_BYTES: usize = 8 << 20;

impl types::Host for HostState {}

impl HostState {
    /// `text` with the workspace's secret settings replaced by `********`.
    pub fn masked(&self, text: &str) -> String {
        self.secrets.iter().fold(text.to_owned(), |text, secret| {
            text.replace(secret.as_str(), "********")
        })
    }

    fn kv_params(&self, key: &str) -> Value {
        json!({ "id": [self.workspace, &*self.plugin, key] })
    }
}

impl host::Host for HostState {
    fn log(&mut self, level: host::Level, message: String) {
        let message: String = self.masked(&message).chars().take(MAX_LOG_CHARS).collect();
        let plugin = &*self.plugin;
        let workspace = &self.workspace;
        // The journal keeps info and above: trace and debug lines are for the server's own log.
        let kept = match level {
            host::Level::Trace | host::Level::Debug => None,
            host::Level::Info => Some("info"),
            host::Level::Warn => Some("warn"),
            host::Level::Error => Some("error"),
        };
        if let Some(name) = kept {
            self.services
                .journal
                .line(workspace, plugin, name, &message);
        }
        match level {
            host::Level::Trace => tracing::trace!(plugin, workspace, "{message}"),
            host::Level::Debug => tracing::debug!(plugin, workspace, "{message}"),
            host::Level::Info => tracing::info!(plugin, workspace, "{message}"),
            host::Level::Warn => tracing::warn!(plugin, workspace, "{message}"),
            host::Level::Error => tracing::error!(plugin, workspace, "{message}"),
        }
    }

    fn config(&mut self) -> String {
        Value::Object(self.config.clone()).to_string()
    }

    fn kv_get(&mut self, key: String) -> Option<Vec<u8>> {
        if key.len() > MAX_KEY_BYTES {
            return None;
        }
        let db = self.services.db.clone();
        let params = self.kv_params(&key);
        let stored: Result<Option<String>, _> = self.services.handle.block_on(async move {
            db.row(
                "SELECT VALUE value FROM type::record('plugin_kv', $id)",
                params,
            )
            .await
        });
        match stored {
            Ok(value) => value.and_then(|hex_text| hex::decode(hex_text).ok()),
            Err(e) => {
                tracing::warn!(plugin = &*self.plugin, error = %e, "plugin key-value read failed");
                None
            }
        }
    }

    fn kv_set(&mut self, key: String, value: Vec<u8>) -> Result<(), String> {
        if key.is_empty() || key.len() > MAX_KEY_BYTES {
            return Err(format!("keys are 1–{MAX_KEY_BYTES} bytes"));
        }
        if value.len() > MAX_VALUE_BYTES {
            return Err(format!("values are at most {MAX_VALUE_BYTES} bytes"));
        }
        let db = self.services.db.clone();
        let mut params = self.kv_params(&key);
        params["value"] = json!(hex::encode(&value));
        params["size"] = json!(value.len());
        params["ws"] = json!(self.workspace);
        params["plugin"] = json!(&*self.plugin);
        let quotas = &self.services.quotas;
        params["max_keys"] = json!(limit_or_max(quotas.plugin_kv_keys_per_workspace));
        params["max_bytes"] = json!(limit_or_max(quotas.plugin_kv_bytes_per_workspace));
        // The workspace's usage moves with the write, in one transaction, so the quota holds even
        // when several plugin calls write at once.
        let result = self.services.handle.block_on(async move {
            db.exec(
                "BEGIN; \
                 LET $old = (SELECT VALUE size FROM ONLY type::record('plugin_kv', $id)); \
                 UPSERT type::record('plugin_kv', $id) SET workspace = $ws, plugin = $plugin, \
                     value = $value, size = $size, updated_at = time::now(); \
                 LET $usage = (UPSERT ONLY type::record('plugin_kv_usage', $ws) SET \
                     keys = (keys ?? 0) + (IF $old = NONE { 1 } ELSE { 0 }), \
                     bytes = (bytes ?? 0) + $size - ($old ?? 0)); \
                 IF $usage.keys > $max_keys OR $usage.bytes > $max_bytes { THROW 'quota_exceeded' }; \
                 COMMIT;",
                params,
            )
            .await
        });
        result.map_err(|e| {
            if e.to_string().contains("quota_exceeded") {
                format!(
                    "the workspace's plugin storage is full (at most {} keys and {} bytes; \
                     quotas.plugin_kv_*_per_workspace)",
                    quotas.plugin_kv_keys_per_workspace, quotas.plugin_kv_bytes_per_workspace
                )
            } else {
                tracing::warn!(plugin = &*self.plugin, error = %e, "plugin key-value write failed");
                "the store is unavailable".to_owned()
            }
        })
    }

    fn kv_delete(&mut self, key: String) {
        let db = self.services.db.clone();
        let mut params = self.kv_params(&key);
        params["ws"] = json!(self.workspace);
        if let Err(e) = self.services.handle.block_on(async move {
            db.exec(
                "BEGIN; \
                 LET $old = (DELETE ONLY type::record('plugin_kv', $id) RETURN BEFORE); \
                 IF $old != NONE { \
                     UPSERT type::record('plugin_kv_usage', $ws) SET keys = (keys ?? 1) - 1, \
                         bytes = (bytes ?? 0) - ($old.size ?? 0); \
                 }; \
                 COMMIT;",
                params,
            )
            .await
        }) {
            tracing::warn!(plugin = &*self.plugin, error = %e, "plugin key-value delete failed");
        }
    }

    fn http_fetch(&mut self, request: host::HttpRequest) -> Result<host::HttpResponse, String> {
        let url = reqwest::Url::parse(&request.url).map_err(|e| format!("bad URL: {e}"))?;
        let host_name = url.host_str().unwrap_or_default().to_owned();
        if !HostRule::allows(&self.rules, &host_name) {
            tracing::warn!(plugin = &*self.plugin, host = %host_name, "plugin HTTP request refused");
            return Err(format!(
                "not allowed: `{host_name}` is not among the hosts this plugin's manifest permits"
            ));
        }
        let method = reqwest::Method::from_bytes(request.method.to_ascii_uppercase().as_bytes())
            .map_err(|_| format!("bad method `{}`", request.method))?;
        if request
            .body
            .as_ref()
            .is_some_and(|b| b.len() > MAX_REQUEST_BODY_BYTES)
        {
            return Err(format!(
                "request bodies are at most {MAX_REQUEST_BODY_BYTES} bytes"
            ));
        }
        let mut builder = self
            .services
            .http
            .request(method, url)
            .map_err(|refused| {
                tracing::warn!(plugin = &*self.plugin, host = %host_name, %refused, "plugin HTTP request refused by the outbound policy");
                refused.to_string()
            })?;
        for types::Header { name, value } in request.headers {
            // The host sets these itself.
            if name.eq_ignore_ascii_case("host") || name.eq_ignore_ascii_case("content-length") {
                continue;
            }
            builder = builder.header(name, value);
        }
        if let Some(body) = request.body {
            builder = builder.body(body);
        }
        let limit = self.services.http_max_response_bytes;
        let timeout = self.services.http_timeout;
        self.services.handle.block_on(async move {
            let response = builder.send().await.map_err(|e| {
                if e.is_timeout() {
                    format!("timed out after {} ms", timeout.as_millis())
                } else {
                    let described = describe(&e);
                    if described.starts_with("not allowed:") {
                        described
                    } else {
                        format!("request failed: {described}")
                    }
                }
            })?;
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .filter_map(|(name, value)| {
                    Some(types::Header {
                        name: name.as_str().to_owned(),
                        value: value.to_str().ok()?.to_owned(),
                    })
                })
                .collect();
            let mut body = Vec::new();
            let mut stream = response.bytes_stream();
            while let Some(chunk) = stream.next().await {
                let chunk =
                    chunk.map_err(|e| format!("reading the response failed: {}", describe(&e)))?;
                if (body.len() + chunk.len()) as u64 > limit {
                    return Err(format!("the response is larger than {limit} bytes"));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(host::HttpResponse {
                status,
                headers,
                body,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_rules_match_exact_hosts_subdomains_and_configured_urls() {
        let config = json!({"url": "https://hooks.Example.net:8443/in?x=1"});
        let rules = HostRule::compile(
            &[
                "api.telegram.org".into(),
                "*.example.org".into(),
                "{config.url}".into(),
                "{config.missing}".into(),
            ],
            config.as_object().unwrap(),
        );
        assert!(HostRule::allows(&rules, "api.telegram.org"));
        assert!(HostRule::allows(&rules, "API.TELEGRAM.ORG"));
        assert!(HostRule::allows(&rules, "a.b.example.org"));
        assert!(HostRule::allows(&rules, "example.org"));
        assert!(HostRule::allows(&rules, "hooks.example.net"));
        assert!(!HostRule::allows(&rules, "evilexample.org"));
        assert!(!HostRule::allows(&rules, "telegram.org"));
        assert!(!HostRule::allows(&rules, "127.0.0.1"));
        assert!(!HostRule::allows(&[], "anything"));
    }
}
