//! Layered settings: `config/default.toml` (compiled in) < `--config FILE` < `ULAK__SECTION__KEY` env
//! < command-line flags. The defaults file is also the schema: a key it does not list is an error
//! naming that key, and env values are typed after the default they replace.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use toml::{Table, Value};

const DEFAULTS: &str = include_str!("../../config/default.toml");
const ENV_PREFIX: &str = "ULAK__";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path} is not valid TOML: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("unknown configuration key `{0}`")]
    UnknownKey(String),
    #[error("configuration key `{key}`: {message}")]
    Invalid { key: String, message: String },
}

/// A string that never shows up in logs, `Debug` output or `ulak config print`.
#[derive(Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() { "\"\"" } else { "\"***\"" })
    }
}

impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(if self.0.is_empty() { "" } else { "***" })
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub storage: StorageSettings,
    pub media: MediaSettings,
    pub quotas: QuotaSettings,
    pub templates: TemplateSettings,
    pub outbound: OutboundSettings,
    pub messaging: MessagingSettings,
    pub plugins: PluginSettings,
    pub imports: ImportSettings,
    pub database: DatabaseSettings,
    pub auth: AuthSettings,
    pub log: LogSettings,
    pub events: EventSettings,
    pub audit: AuditSettings,
    pub webhooks: WebhookSettings,
    pub mail: MailSettings,
    pub whatsapp_web: WhatsappWebSettings,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WhatsappWebSettings {
    pub server_url: String,
    pub version: String,
}

impl WhatsappWebSettings {
    /// The version to announce, when one is set (`2.3000.1029000000`).
    pub fn version(&self) -> Result<Option<(u32, u32, u32)>, String> {
        let text = self.version.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let parts: Vec<u32> = text
            .split('.')
            .map(|p| p.parse::<u32>())
            .collect::<Result<_, _>>()
            .map_err(|_| format!("`{text}` is not a version like 2.3000.1029000000"))?;
        match parts[..] {
            [a, b, c] => Ok(Some((a, b, c))),
            _ => Err(format!("`{text}` is not a version like 2.3000.1029000000")),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub listen: String,
    pub workers: usize,
    pub max_json_body_bytes: usize,
    pub shutdown_timeout_secs: u64,
    pub trusted_proxies: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StorageSettings {
    pub data_dir: PathBuf,
    /// Where media bytes (`blobs/`) and import files (`imports/`) live; empty for `data_dir`.
    /// Replicas on one SurrealDB server point this at a directory they all mount.
    pub shared_dir: PathBuf,
    /// `directory` (`shared_dir`) or `s3` (`s3` below).
    pub blob_store: String,
    pub s3: S3Settings,
}

/// An S3-compatible bucket for media bytes and import files (`storage.blob_store = "s3"`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct S3Settings {
    pub bucket: String,
    pub region: String,
    /// Empty for Amazon S3; otherwise the store's URL.
    pub endpoint: String,
    /// Empty: credentials from the environment, as AWS tools find them.
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub prefix: String,
    pub cache_mib: u64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MediaSettings {
    pub image_max_bytes: u64,
    pub audio_max_bytes: u64,
    pub video_max_bytes: u64,
    pub document_max_bytes: u64,
    pub max_image_dimension: u32,
    pub concurrent_thumbnails: usize,
    pub unreferenced_grace_secs: u64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct QuotaSettings {
    pub workspaces_per_user: u64,
    pub media_bytes_per_workspace: u64,
    pub imports_per_workspace: u64,
    pub plugin_kv_keys_per_workspace: u64,
    pub plugin_kv_bytes_per_workspace: u64,
    pub channels_per_workspace: u64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateSettings {
    pub max_output_bytes: usize,
    pub render_timeout_ms: u64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MessagingSettings {
    pub max_attempts: u32,
    pub sends_in_flight: usize,
    pub webhook_requests_per_second: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OutboundSettings {
    pub allow_private_networks: bool,
    pub allowed_hosts: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PluginSettings {
    pub dir: PathBuf,
    pub watch_interval_ms: u64,
    pub cache_dir: PathBuf,
    pub memory_limit_mib: u64,
    pub call_timeout_ms: u64,
    pub import_call_timeout_ms: u64,
    pub http_timeout_ms: u64,
    pub http_max_response_bytes: u64,
    pub max_component_bytes: u64,
    pub max_value_bytes: usize,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ImportSettings {
    pub max_file_bytes: u64,
    pub concurrent_jobs: usize,
    pub chunk_bytes: usize,
    pub batch_rows: usize,
    pub parallel_writes: usize,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    pub url: String,
    pub namespace: String,
    pub database: String,
    pub username: String,
    pub password: Secret,
    pub write_buffer_mb: u32,
    pub block_cache_mb: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    pub allow_registration: bool,
    pub session_ttl_hours: u32,
    pub secure_cookies: bool,
    pub login_attempts_per_minute_per_ip: u32,
    pub failed_logins_before_backoff: u32,
    pub registrations_per_hour_per_ip: u32,
    pub principal_cache_secs: u64,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MailSettings {
    pub host: String,
    pub port: u16,
    pub security: crate::transports::smtp::Security,
    pub username: String,
    pub password: Secret,
    pub from: String,
    pub public_url: String,
    pub reset_valid_minutes: u32,
}

impl MailSettings {
    /// Whether mail is configured at all.
    pub fn enabled(&self) -> bool {
        !self.host.trim().is_empty()
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AuditSettings {
    pub keep_days: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EventSettings {
    pub keep_days: u32,
    pub settle_ms: u64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSettings {
    pub retry_delays: Vec<String>,
    pub timeout_secs: u64,
    pub concurrent_deliveries: usize,
    pub disable_after_hours: u64,
    pub secret_grace_hours: u64,
    pub per_workspace: u64,
}

impl WebhookSettings {
    /// The waits between attempts (validated at load).
    pub fn delays(&self) -> Vec<std::time::Duration> {
        self.retry_delays
            .iter()
            .filter_map(|d| parse_duration(d))
            .collect()
    }
}

/// `90s`, `5m`, `2h`, `1d` (a bare number is seconds).
pub fn parse_duration(text: &str) -> Option<std::time::Duration> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let number: u64 = number.parse().ok()?;
    let seconds = match unit {
        "ms" => return Some(std::time::Duration::from_millis(number)),
        "s" => number,
        "m" => number.checked_mul(60)?,
        "h" => number.checked_mul(3600)?,
        "d" => number.checked_mul(86_400)?,
        _ => return None,
    };
    Some(std::time::Duration::from_secs(seconds))
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    pub format: LogFormat,
    pub level: String,
}

/// Overrides given on the command line; they win over every other layer.
#[derive(Debug, Default, Clone)]
pub struct CliOverrides {
    pub listen: Option<String>,
    pub data_dir: Option<PathBuf>,
}

impl Settings {
    /// Loads the layers in order. `env` is passed in (rather than read here) so tests stay hermetic.
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
        cli: &CliOverrides,
    ) -> Result<Self, ConfigError> {
        let mut merged = defaults_table()?;
        let schema = merged.clone();

        if let Some(path) = file {
            let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                path: path.to_owned(),
                source,
            })?;
            let table: Table = toml::from_str(&text).map_err(|e| ConfigError::Parse {
                path: path.to_owned(),
                message: e.message().to_owned(),
            })?;
            merge_checked(&mut merged, table, &schema, "")?;
        }

        for (name, raw) in env {
            let Some(rest) = name.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            let path: Vec<String> = rest.split("__").map(str::to_lowercase).collect();
            set_typed(&mut merged, &schema, &path, &raw)?;
        }

        if let Some(listen) = &cli.listen {
            set_typed(
                &mut merged,
                &schema,
                &["server".into(), "listen".into()],
                listen,
            )?;
        }
        if let Some(dir) = &cli.data_dir {
            let path = ["storage".to_owned(), "data_dir".to_owned()];
            set_typed(&mut merged, &schema, &path, &dir.to_string_lossy())?;
        }

        let mut settings: Settings =
            Value::Table(merged)
                .try_into()
                .map_err(|e: toml::de::Error| ConfigError::Invalid {
                    key: "(settings)".into(),
                    message: e.message().to_owned(),
                })?;
        settings.validate()?;
        settings.make_paths_absolute()?;
        Ok(settings)
    }

    /// Resolves relative paths against the working directory once, at start: every path derived
    /// from them is then absolute (wasmtime's compilation cache refuses a relative one), and logs
    /// and `ulak config print` name the real place. An empty path keeps its meaning (none / default).
    fn make_paths_absolute(&mut self) -> Result<(), ConfigError> {
        for (key, path) in [
            ("storage.data_dir", &mut self.storage.data_dir),
            ("storage.shared_dir", &mut self.storage.shared_dir),
            ("plugins.dir", &mut self.plugins.dir),
            ("plugins.cache_dir", &mut self.plugins.cache_dir),
        ] {
            if path.as_os_str().is_empty() || path.is_absolute() {
                continue;
            }
            *path = std::path::absolute(&*path).map_err(|e| ConfigError::Invalid {
                key: key.into(),
                message: format!("cannot resolve `{}`: {e}", path.display()),
            })?;
        }
        Ok(())
    }

    /// Settings for tests and tools: defaults, an in-memory store, an ephemeral port, and a fresh
    /// temporary data directory (for media blobs).
    pub fn for_tests() -> Result<Self, ConfigError> {
        let data_dir = std::env::temp_dir().join(format!(
            "ulak-test-{}-{}",
            std::process::id(),
            crate::db::new_id()
        ));
        let cli = CliOverrides {
            listen: Some("127.0.0.1:0".into()),
            data_dir: Some(data_dir),
        };
        // No bundled plugins unless a test asks for them; compiled components are shared between
        // tests so each is compiled once per machine.
        let wasm_cache = std::env::temp_dir().join("ulak-test-wasm-cache");
        let env = [
            ("ULAK__DATABASE__URL".to_owned(), "mem://".to_owned()),
            ("ULAK__PLUGINS__DIR".to_owned(), String::new()),
            (
                "ULAK__PLUGINS__CACHE_DIR".to_owned(),
                wasm_cache.to_string_lossy().into_owned(),
            ),
        ];
        Self::load(None, env, &cli)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        self.listen_addr()?;
        let invalid = |key: &str, message: &str| ConfigError::Invalid {
            key: key.into(),
            message: message.into(),
        };
        self.whatsapp_web
            .version()
            .map_err(|e| invalid("whatsapp_web.version", &e))?;
        if !(self.whatsapp_web.server_url.starts_with("wss://")
            || self.whatsapp_web.server_url.starts_with("ws://"))
        {
            return Err(invalid(
                "whatsapp_web.server_url",
                "must be a ws:// or wss:// URL",
            ));
        }
        if !(1..=4096).contains(&self.plugins.memory_limit_mib) {
            return Err(invalid("plugins.memory_limit_mib", "must be 1–4096"));
        }
        if self.plugins.call_timeout_ms < 10 || self.plugins.import_call_timeout_ms < 10 {
            return Err(invalid(
                "plugins.call_timeout_ms",
                "timeouts must be at least 10 ms",
            ));
        }
        if !(16..=65_536).contains(&self.database.write_buffer_mb) {
            return Err(invalid("database.write_buffer_mb", "must be 16–65536"));
        }
        if !(1..=1_048_576).contains(&self.database.block_cache_mb) {
            return Err(invalid("database.block_cache_mb", "must be 1–1048576"));
        }
        if self.imports.concurrent_jobs == 0 {
            return Err(invalid("imports.concurrent_jobs", "must be above 0"));
        }
        if !(4096..=16 << 20).contains(&self.imports.chunk_bytes) {
            return Err(invalid("imports.chunk_bytes", "must be 4 KiB – 16 MiB"));
        }
        if !(1..=10_000).contains(&self.imports.batch_rows) {
            return Err(invalid("imports.batch_rows", "must be 1–10000"));
        }
        if !(1..=16).contains(&self.imports.parallel_writes) {
            return Err(invalid("imports.parallel_writes", "must be 1–16"));
        }
        if self.server.max_json_body_bytes == 0 {
            return Err(invalid("server.max_json_body_bytes", "must be above 0"));
        }
        if self.auth.login_attempts_per_minute_per_ip == 0 {
            return Err(invalid(
                "auth.login_attempts_per_minute_per_ip",
                "must be above 0",
            ));
        }
        if self.auth.registrations_per_hour_per_ip == 0 {
            return Err(invalid(
                "auth.registrations_per_hour_per_ip",
                "must be above 0",
            ));
        }
        if self.templates.max_output_bytes < 256 {
            return Err(invalid(
                "templates.max_output_bytes",
                "must be at least 256",
            ));
        }
        if self.templates.render_timeout_ms < 10 {
            return Err(invalid(
                "templates.render_timeout_ms",
                "must be at least 10",
            ));
        }
        if self.media.concurrent_thumbnails == 0 {
            return Err(invalid("media.concurrent_thumbnails", "must be above 0"));
        }
        for entry in &self.server.trusted_proxies {
            crate::outbound::IpRange::parse(entry).map_err(|message| ConfigError::Invalid {
                key: "server.trusted_proxies".into(),
                message: format!("`{entry}`: {message}"),
            })?;
        }
        if self.auth.session_ttl_hours == 0 {
            return Err(invalid("auth.session_ttl_hours", "must be above 0"));
        }
        if !(1..=36_500).contains(&self.audit.keep_days) {
            return Err(invalid("audit.keep_days", "must be 1–36500"));
        }
        if !(1..=36_500).contains(&self.events.keep_days) {
            return Err(invalid("events.keep_days", "must be 1–36500"));
        }
        if !(100..=60_000).contains(&self.events.settle_ms) {
            return Err(invalid("events.settle_ms", "must be 100–60000"));
        }
        if self.webhooks.retry_delays.len() > 30 {
            return Err(invalid("webhooks.retry_delays", "at most 30 retries"));
        }
        if let Some(bad) = self
            .webhooks
            .retry_delays
            .iter()
            .find(|d| parse_duration(d).is_none())
        {
            return Err(invalid(
                "webhooks.retry_delays",
                &format!("`{bad}` is not a duration like 30s, 5m, 2h or 1d"),
            ));
        }
        if self.mail.enabled() {
            if self.mail.from.parse::<lettre::message::Mailbox>().is_err() {
                return Err(invalid(
                    "mail.from",
                    "must be an address like \"Ulak <ulak@example.com>\" when mail.host is set",
                ));
            }
            let url = reqwest::Url::parse(self.mail.public_url.trim());
            if !url.is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some()) {
                return Err(invalid(
                    "mail.public_url",
                    "must be the console's http(s) address, e.g. https://ulak.example.com, when mail.host is set",
                ));
            }
            if self.mail.port == 0 {
                return Err(invalid("mail.port", "must be above 0"));
            }
        }
        if !(5..=1440).contains(&self.mail.reset_valid_minutes) {
            return Err(invalid("mail.reset_valid_minutes", "must be 5–1440"));
        }
        if !(1..=120).contains(&self.webhooks.timeout_secs) {
            return Err(invalid("webhooks.timeout_secs", "must be 1–120"));
        }
        match self.storage.blob_store.as_str() {
            "directory" => {}
            "s3" => {
                let s3 = &self.storage.s3;
                if s3.bucket.trim().is_empty() {
                    return Err(invalid(
                        "storage.s3.bucket",
                        "is required with storage.blob_store = \"s3\"",
                    ));
                }
                let endpoint = &s3.endpoint;
                let is_url = endpoint.starts_with("https://") || endpoint.starts_with("http://");
                if !(endpoint.is_empty() || is_url) {
                    return Err(invalid(
                        "storage.s3.endpoint",
                        "must be an http:// or https:// URL, or empty for Amazon S3",
                    ));
                }
                if s3.access_key_id.is_empty() != s3.secret_access_key.expose().is_empty() {
                    return Err(invalid(
                        "storage.s3.secret_access_key",
                        "set both access_key_id and secret_access_key, or neither (then they \
                         come from the environment)",
                    ));
                }
                if !self.storage.shared_dir.as_os_str().is_empty() {
                    return Err(invalid(
                        "storage.shared_dir",
                        "is not used with storage.blob_store = \"s3\": leave it empty",
                    ));
                }
            }
            _ => {
                return Err(invalid(
                    "storage.blob_store",
                    "must be \"directory\" or \"s3\"",
                ));
            }
        }
        if !(1..=256).contains(&self.webhooks.concurrent_deliveries) {
            return Err(invalid("webhooks.concurrent_deliveries", "must be 1–256"));
        }
        if self.webhooks.disable_after_hours == 0 {
            return Err(invalid("webhooks.disable_after_hours", "must be above 0"));
        }
        Ok(())
    }

    pub fn wasm_cache_dir(&self) -> PathBuf {
        if self.plugins.cache_dir.as_os_str().is_empty() {
            self.storage.data_dir.join("cache").join("wasm")
        } else {
            self.plugins.cache_dir.clone()
        }
    }

    pub fn listen_addr(&self) -> Result<SocketAddr, ConfigError> {
        self.server
            .listen
            .parse()
            .map_err(|_| ConfigError::Invalid {
                key: "server.listen".into(),
                message: format!(
                    "`{}` is not an address like 127.0.0.1:8080",
                    self.server.listen
                ),
            })
    }

    /// Where files every replica must reach are kept: media bytes and import files.
    pub fn shared_dir(&self) -> &std::path::Path {
        if self.storage.shared_dir.as_os_str().is_empty() {
            &self.storage.data_dir
        } else {
            &self.storage.shared_dir
        }
    }

    /// The database URL actually used: the configured one, or the embedded store under the data dir.
    pub fn database_url(&self) -> String {
        if self.database.url.is_empty() {
            let dir = self.storage.data_dir.join("db");
            format!("surrealkv://{}?sync=every", dir.to_string_lossy())
        } else {
            self.database.url.clone()
        }
    }

    /// The effective settings as TOML, secrets replaced by `***`.
    pub fn to_redacted_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_else(|e| format!("# cannot print settings: {e}\n"))
    }
}

fn defaults_table() -> Result<Table, ConfigError> {
    toml::from_str(DEFAULTS).map_err(|e: toml::de::Error| ConfigError::Parse {
        path: PathBuf::from("config/default.toml"),
        message: e.message().to_owned(),
    })
}

fn merge_checked(
    into: &mut Table,
    from: Table,
    schema: &Table,
    prefix: &str,
) -> Result<(), ConfigError> {
    for (key, value) in from {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        let Some(expected) = schema.get(&key) else {
            return Err(ConfigError::UnknownKey(path));
        };
        match (expected, value) {
            (Value::Table(sub_schema), Value::Table(sub)) => {
                let Some(Value::Table(target)) = into.get_mut(&key) else {
                    return Err(ConfigError::UnknownKey(path));
                };
                merge_checked(target, sub, sub_schema, &path)?;
            }
            (Value::Table(_), _) => {
                return Err(ConfigError::Invalid {
                    key: path,
                    message: "must be a section".into(),
                });
            }
            (_, value) => {
                into.insert(key, value);
            }
        }
    }
    Ok(())
}

/// Sets one key from a string, typed after the default it replaces.
fn set_typed(
    into: &mut Table,
    schema: &Table,
    path: &[String],
    raw: &str,
) -> Result<(), ConfigError> {
    let dotted = path.join(".");
    let unknown = || ConfigError::UnknownKey(dotted.clone());
    let (last, sections) = path.split_last().ok_or_else(unknown)?;
    let mut target = into;
    let mut shape = schema;
    for section in sections {
        shape = match shape.get(section) {
            Some(Value::Table(t)) => t,
            _ => return Err(unknown()),
        };
        target = match target.get_mut(section) {
            Some(Value::Table(t)) => t,
            _ => return Err(unknown()),
        };
    }
    let expected = shape.get(last).ok_or_else(unknown)?;
    let invalid = |message: &str| ConfigError::Invalid {
        key: dotted.clone(),
        message: message.into(),
    };
    let value = match expected {
        Value::String(_) => Value::String(raw.to_owned()),
        Value::Integer(_) => Value::Integer(
            raw.trim()
                .parse()
                .map_err(|_| invalid("expects an integer"))?,
        ),
        Value::Boolean(_) => Value::Boolean(match raw.trim() {
            "true" | "1" | "yes" => true,
            "false" | "0" | "no" => false,
            _ => return Err(invalid("expects true or false")),
        }),
        Value::Float(_) => Value::Float(
            raw.trim()
                .parse()
                .map_err(|_| invalid("expects a number"))?,
        ),
        // Lists come as comma-separated values; an empty value is an empty list.
        Value::Array(_) => Value::Array(
            raw.split(',')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(|item| Value::String(item.to_owned()))
                .collect(),
        ),
        _ => return Err(invalid("cannot be set from a single value")),
    };
    target.insert(last.clone(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env() -> Vec<(String, String)> {
        Vec::new()
    }

    #[test]
    fn defaults_load_and_name_the_embedded_store() {
        let s = Settings::load(None, no_env(), &CliOverrides::default()).unwrap();
        assert_eq!(s.server.listen, "127.0.0.1:8080");
        let here = std::env::current_dir().unwrap();
        assert_eq!(
            s.database_url(),
            format!("surrealkv://{}/data/db?sync=every", here.display())
        );
    }

    #[test]
    fn relative_paths_are_resolved_against_the_working_directory() {
        let cli = CliOverrides {
            listen: None,
            data_dir: Some("./srv/../data".into()),
        };
        let env = vec![("ULAK__PLUGINS__CACHE_DIR".to_owned(), "cache".to_owned())];
        let s = Settings::load(None, env, &cli).unwrap();
        let here = std::env::current_dir().unwrap();
        assert_eq!(s.storage.data_dir, here.join("srv/../data"));
        assert_eq!(s.plugins.dir, here.join("plugins"));
        assert_eq!(s.wasm_cache_dir(), here.join("cache"));
        assert!(s.wasm_cache_dir().is_absolute());

        let env = vec![("ULAK__PLUGINS__DIR".to_owned(), String::new())];
        let s = Settings::load(None, env, &CliOverrides::default()).unwrap();
        assert_eq!(
            s.plugins.dir,
            PathBuf::new(),
            "empty still means no plugins"
        );
        assert_eq!(s.wasm_cache_dir(), here.join("data/cache/wasm"));
    }

    #[test]
    fn env_overrides_file_and_cli_overrides_env() {
        let dir = std::env::temp_dir().join(format!("ulak-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("ulak.toml");
        std::fs::write(&file, "[server]\nlisten = \"127.0.0.1:1\"\nworkers = 3\n").unwrap();
        let env = vec![
            ("ULAK__SERVER__LISTEN".to_owned(), "127.0.0.1:2".to_owned()),
            (
                "ULAK__AUTH__ALLOW_REGISTRATION".to_owned(),
                "false".to_owned(),
            ),
            ("UNRELATED".to_owned(), "x".to_owned()),
        ];
        let s = Settings::load(Some(&file), env.clone(), &CliOverrides::default()).unwrap();
        assert_eq!(s.server.listen, "127.0.0.1:2");
        assert_eq!(s.server.workers, 3);
        assert!(!s.auth.allow_registration);
        let cli = CliOverrides {
            listen: Some("127.0.0.1:3".into()),
            data_dir: Some("/srv/ulak".into()),
        };
        let s = Settings::load(Some(&file), env, &cli).unwrap();
        assert_eq!(s.server.listen, "127.0.0.1:3");
        assert_eq!(s.storage.data_dir, PathBuf::from("/srv/ulak"));
    }

    #[test]
    fn unknown_keys_are_named() {
        let env = vec![("ULAK__SERVER__LISTN".to_owned(), "x".to_owned())];
        let err = Settings::load(None, env, &CliOverrides::default()).unwrap_err();
        assert_eq!(err.to_string(), "unknown configuration key `server.listn`");

        let dir = std::env::temp_dir().join(format!("ulak-config-u-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("bad.toml");
        std::fs::write(&file, "[auth]\nallow_registraton = true\n").unwrap();
        let err = Settings::load(Some(&file), no_env(), &CliOverrides::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown configuration key `auth.allow_registraton`"
        );
    }

    #[test]
    fn lists_come_from_the_environment_comma_separated() {
        let env = vec![(
            "ULAK__OUTBOUND__ALLOWED_HOSTS".to_owned(),
            "crm.internal, 10.0.0.0/8,".to_owned(),
        )];
        let s = Settings::load(None, env, &CliOverrides::default()).unwrap();
        assert_eq!(s.outbound.allowed_hosts, vec!["crm.internal", "10.0.0.0/8"]);
        let env = vec![(
            "ULAK__SERVER__TRUSTED_PROXIES".to_owned(),
            "not an address".to_owned(),
        )];
        let err = Settings::load(None, env, &CliOverrides::default()).unwrap_err();
        assert!(err.to_string().contains("server.trusted_proxies"), "{err}");
    }

    #[test]
    fn wrongly_typed_values_are_rejected_with_the_key() {
        let env = vec![("ULAK__SERVER__WORKERS".to_owned(), "many".to_owned())];
        let err = Settings::load(None, env, &CliOverrides::default()).unwrap_err();
        assert!(err.to_string().contains("server.workers"), "{err}");
    }

    #[test]
    fn secrets_are_redacted_in_debug_and_print() {
        let env = vec![("ULAK__DATABASE__PASSWORD".to_owned(), "hunter2".to_owned())];
        let s = Settings::load(None, env, &CliOverrides::default()).unwrap();
        assert_eq!(s.database.password.expose(), "hunter2");
        assert!(!format!("{s:?}").contains("hunter2"));
        assert!(!s.to_redacted_toml().contains("hunter2"));
        assert!(s.to_redacted_toml().contains("***"));
        let env = vec![
            ("ULAK__STORAGE__BLOB_STORE".to_owned(), "s3".to_owned()),
            ("ULAK__STORAGE__S3__BUCKET".to_owned(), "media".to_owned()),
            (
                "ULAK__STORAGE__S3__ACCESS_KEY_ID".to_owned(),
                "AKIA".to_owned(),
            ),
            (
                "ULAK__STORAGE__S3__SECRET_ACCESS_KEY".to_owned(),
                "s3cr3t-key".to_owned(),
            ),
        ];
        let s = Settings::load(None, env, &CliOverrides::default()).unwrap();
        assert_eq!(s.storage.s3.secret_access_key.expose(), "s3cr3t-key");
        assert!(!format!("{s:?}").contains("s3cr3t-key"));
        assert!(!s.to_redacted_toml().contains("s3cr3t-key"));
    }

    #[test]
    fn an_s3_blob_store_needs_a_bucket_and_both_credentials_or_none() {
        let load = |pairs: &[(&str, &str)]| {
            let env = pairs
                .iter()
                .map(|(k, v)| (format!("ULAK__STORAGE__{k}"), (*v).to_owned()));
            Settings::load(None, env, &CliOverrides::default()).map_err(|e| e.to_string())
        };
        assert!(load(&[("BLOB_STORE", "directory")]).is_ok());
        let err = load(&[("BLOB_STORE", "nfs")]).unwrap_err();
        assert!(err.contains("storage.blob_store"), "{err}");
        let err = load(&[("BLOB_STORE", "s3")]).unwrap_err();
        assert!(err.contains("storage.s3.bucket"), "{err}");
        let bucket = ("S3__BUCKET", "media");
        assert!(load(&[("BLOB_STORE", "s3"), bucket]).is_ok());
        let err = load(&[("BLOB_STORE", "s3"), bucket, ("S3__ACCESS_KEY_ID", "AKIA")]).unwrap_err();
        assert!(err.contains("secret_access_key"), "{err}");
        let err =
            load(&[("BLOB_STORE", "s3"), bucket, ("S3__ENDPOINT", "minio:9000")]).unwrap_err();
        assert!(err.contains("storage.s3.endpoint"), "{err}");
        let err = load(&[("BLOB_STORE", "s3"), bucket, ("SHARED_DIR", "/mnt/ulak")]).unwrap_err();
        assert!(err.contains("storage.shared_dir"), "{err}");
    }
}
