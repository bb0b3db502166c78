//! A stand-in for the server in a plugin's own native tests (`cargo test`).
//!
//! Outside WebAssembly, every [`host`](crate::host) call goes to this test host instead of the
//! server: configuration you set, a key-value store in memory, log lines you can read back, and
//! HTTP answered by stubs you register. Each test thread has its own host, so tests running in
//! parallel do not see each other's state.
//!
//! It refuses what the server refuses, with the server's messages: keys of 0 or more than 256
//! bytes, values over 64 KiB, request bodies over 8 MiB, URLs that are not `http`/`https`, and
//! hosts the manifest's `permissions.http_hosts` does not allow. It reads the crate's `plugin.toml`
//! (beside `Cargo.toml`) for those hosts and for the `[config]` defaults, which the configuration
//! starts from, as on the server. Log lines are cut at 2,000 characters, as there.
//!
//! ```
//! use ulak_plugin_sdk::host::{self, http};
//! use ulak_plugin_sdk::testing;
//!
//! testing::reset();
//! testing::set_config(serde_json::json!({ "suffix": "!" }));
//! testing::allow_hosts(&["api.example.com"]); // what plugin.toml's http_hosts would say
//! testing::stub_http("GET", "https://api.example.com/rate", http::Response::new(200, b"42.5".to_vec()));
//!
//! // What your plugin does:
//! let suffix: String = host::config_value("suffix").unwrap();
//! let rate = http::get("https://api.example.com/rate", &[]).unwrap();
//! host::info(&format!("rate {}", String::from_utf8_lossy(&rate.body)));
//! host::kv::set("last", &rate.body).unwrap();
//!
//! assert_eq!(suffix, "!");
//! assert_eq!(testing::logs(), vec![(host::Level::Info, "rate 42.5".to_string())]);
//! assert_eq!(testing::requests()[0].url, "https://api.example.com/rate");
//! assert_eq!(host::kv::get("last").as_deref(), Some(&b"42.5"[..]));
//! // A host the manifest does not allow is refused as on the server; an allowed request nobody
//! // stubbed fails too, naming what was asked.
//! assert!(http::get("https://elsewhere.example/", &[]).unwrap_err().starts_with("not allowed"));
//! assert!(http::get("https://api.example.com/other", &[]).unwrap_err().contains("no stub"));
//! ```
//!
//! A resolver's `resolve`, an importer's `push` and `finish` and a transport's `send` are plain
//! functions: call them directly with [`context`] and [`contact`].

use std::cell::RefCell;
use std::collections::BTreeMap;

use crate::host::Level;
use crate::host::http::{Request, Response};
use crate::{Contact, Context};

/// The server's limits.
const MAX_KEY_BYTES: usize = 256;
const MAX_VALUE_BYTES: usize = 64 * 1024;
const MAX_LOG_CHARS: usize = 2000;
const MAX_REQUEST_BODY_BYTES: usize = 8 << 20;

type Object = serde_json::Map<String, serde_json::Value>;

/// What the crate's `plugin.toml` says, when there is one.
#[derive(Default, Clone)]
struct Manifest {
    defaults: Object,
    http_hosts: Option<Vec<String>>,
}

fn read_manifest() -> Manifest {
    let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR") else {
        return Manifest::default();
    };
    let path = std::path::Path::new(&dir).join("plugin.toml");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Manifest::default();
    };
    let table: toml::Table = match text.parse() {
        Ok(table) => table,
        Err(e) => panic!("{}: {e}", path.display()),
    };
    let defaults = table
        .get("config")
        .and_then(toml::Value::as_table)
        .map(|config| {
            config
                .iter()
                .filter_map(|(key, field)| {
                    let default = field.get("default")?.clone();
                    Some((key.clone(), serde_json::to_value(default).ok()?))
                })
                .collect()
        })
        .unwrap_or_default();
    let http_hosts = table
        .get("permissions")
        .and_then(|p| p.get("http_hosts"))
        .and_then(toml::Value::as_array)
        .map(|hosts| {
            hosts
                .iter()
                .filter_map(|h| h.as_str().map(str::to_owned))
                .collect()
        })
        .or(Some(Vec::new()));
    Manifest {
        defaults,
        http_hosts,
    }
}

#[derive(Default)]
struct TestHost {
    manifest: Option<Manifest>,
    config: Object,
    kv: BTreeMap<String, Vec<u8>>,
    logs: Vec<(Level, String)>,
    stubs: Vec<(String, String, Response)>,
    requests: Vec<Request>,
}

thread_local! {
    static HOST: RefCell<TestHost> = RefCell::default();
}

fn with<T>(f: impl FnOnce(&mut TestHost) -> T) -> T {
    HOST.with(|host| {
        let mut host = host.borrow_mut();
        if host.manifest.is_none() {
            host.manifest = Some(read_manifest());
        }
        f(&mut host)
    })
}

impl TestHost {
    fn manifest(&self) -> Manifest {
        self.manifest.clone().unwrap_or_default()
    }

    /// The workspace's settings over the manifest's defaults, as the server passes them.
    fn effective_config(&self) -> Object {
        let mut all = self.manifest().defaults;
        all.extend(self.config.clone());
        all
    }
}

/// Empties this thread's host: no settings (so the configuration is the manifest's defaults), no
/// stored values, log lines, stubs or requests, and the manifest's hosts allowed again.
pub fn reset() {
    with(|host| *host = TestHost::default());
}

/// A workspace's settings: `host::config*` returns them over the manifest's defaults, as the
/// server does (the server also checks them against the manifest's `[config]`; this does not).
///
/// # Panics
/// When `config` is not a JSON object.
pub fn set_config(config: serde_json::Value) {
    let serde_json::Value::Object(config) = config else {
        panic!("testing::set_config takes a JSON object, as workspace settings are");
    };
    with(|host| host.config = config);
}

/// Hosts HTTP may reach, as `permissions.http_hosts` patterns (`api.example.com`,
/// `*.example.com`, `{config.url}`), in place of what `plugin.toml` says.
pub fn allow_hosts(patterns: &[&str]) {
    with(|host| {
        let mut manifest = host.manifest();
        manifest.http_hosts = Some(patterns.iter().map(|p| (*p).to_owned()).collect());
        host.manifest = Some(manifest);
    });
}

/// Answers `method url` (exactly as the plugin asks for it) with `response`, as often as it is
/// asked. A later stub for the same request replaces an earlier one.
pub fn stub_http(method: &str, url: &str, response: Response) {
    with(|host| {
        host.stubs
            .retain(|(m, u, _)| !(m.eq_ignore_ascii_case(method) && u == url));
        host.stubs
            .push((method.to_ascii_uppercase(), url.to_owned(), response));
    });
}

/// The log lines written so far, oldest first.
pub fn logs() -> Vec<(Level, String)> {
    with(|host| host.logs.clone())
}

/// The HTTP requests made so far, oldest first (stubbed or not).
pub fn requests() -> Vec<Request> {
    with(|host| host.requests.clone())
}

/// Everything in the key-value store.
pub fn stored() -> BTreeMap<String, Vec<u8>> {
    with(|host| host.kv.clone())
}

/// A context for a test: workspace `test`, locale `tr-TR`, `Europe/Istanbul` (UTC+3), at
/// 2026-01-15 09:30 local time.
pub fn context() -> Context {
    Context {
        workspace: "test".into(),
        locale: "tr-TR".into(),
        time_zone: "Europe/Istanbul".into(),
        now_ms: 1_768_458_600_000,
        utc_offset_seconds: 3 * 3600,
    }
}

/// A contact with only an id and a phone, to fill in further.
pub fn contact(phone: &str) -> Contact {
    Contact {
        id: "test-contact".into(),
        phone: phone.into(),
        first_name: None,
        last_name: None,
        email: None,
        language: None,
        tags: Vec::new(),
        fields: Vec::new(),
    }
}

pub(crate) fn log(level: Level, message: &str) {
    let message: String = message.chars().take(MAX_LOG_CHARS).collect();
    with(|host| host.logs.push((level, message)));
}

pub(crate) fn config() -> String {
    with(|host| serde_json::Value::Object(host.effective_config()).to_string())
}

pub(crate) fn kv_get(key: &str) -> Option<Vec<u8>> {
    if key.len() > MAX_KEY_BYTES {
        return None;
    }
    with(|host| host.kv.get(key).cloned())
}

pub(crate) fn kv_set(key: &str, value: &[u8]) -> Result<(), String> {
    if key.is_empty() || key.len() > MAX_KEY_BYTES {
        return Err(format!("keys are 1–{MAX_KEY_BYTES} bytes"));
    }
    if value.len() > MAX_VALUE_BYTES {
        return Err(format!("values are at most {MAX_VALUE_BYTES} bytes"));
    }
    with(|host| host.kv.insert(key.to_owned(), value.to_vec()));
    Ok(())
}

pub(crate) fn kv_delete(key: &str) {
    with(|host| host.kv.remove(key));
}

/// The host of an `http` or `https` URL, lower-cased.
fn host_of(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next()?,
        None => host.split(':').next()?,
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

fn allowed(patterns: &[String], config: &Object, host: &str) -> bool {
    patterns.iter().any(|pattern| {
        if let Some(key) = pattern
            .strip_prefix("{config.")
            .and_then(|p| p.strip_suffix('}'))
        {
            return config
                .get(key)
                .and_then(|v| v.as_str())
                .and_then(host_of)
                .is_some_and(|h| h == host);
        }
        let pattern = pattern.to_ascii_lowercase();
        match pattern.strip_prefix("*.") {
            Some(domain) => host == domain || host.ends_with(&format!(".{domain}")),
            None => pattern == host,
        }
    })
}

pub(crate) fn http_fetch(request: &Request) -> Result<Response, String> {
    let host_name = host_of(&request.url).ok_or_else(|| format!("bad URL: {}", request.url))?;
    if request
        .body
        .as_ref()
        .is_some_and(|b| b.len() > MAX_REQUEST_BODY_BYTES)
    {
        return Err(format!(
            "request bodies are at most {MAX_REQUEST_BODY_BYTES} bytes"
        ));
    }
    with(|host| {
        if let Some(patterns) = host.manifest().http_hosts
            && !allowed(&patterns, &host.effective_config(), &host_name)
        {
            return Err(format!(
                "not allowed: `{host_name}` is not among the hosts this plugin's manifest permits"
            ));
        }
        host.requests.push(request.clone());
        host.stubs
            .iter()
            .find(|(m, u, _)| m.eq_ignore_ascii_case(&request.method) && *u == request.url)
            .map(|(_, _, response)| response.clone())
            .ok_or_else(|| {
                format!(
                    "test host: no stub for {} {} (testing::stub_http)",
                    request.method, request.url
                )
            })
    })
}
