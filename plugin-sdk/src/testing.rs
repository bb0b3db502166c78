//! A stand-in for the server in a plugin's own native tests (`cargo test`).
//!
//! Outside WebAssembly, every [`host`](crate::host) call goes to this test host instead of the
//! server: configuration you set, a key-value store in memory (with the server's key and value
//! limits), log lines you can read back, and HTTP answered by stubs you register. Each test thread
//! has its own host, so tests running in parallel do not see each other's state.
//!
//! ```
//! use ulak_plugin_sdk::host::{self, http};
//! use ulak_plugin_sdk::testing;
//!
//! testing::reset();
//! testing::set_config(serde_json::json!({ "suffix": "!" }));
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
//! // A request nobody stubbed fails like a refused one, naming what was asked.
//! assert!(http::get("https://elsewhere.example/", &[]).is_err());
//! ```
//!
//! A resolver's `resolve`, an importer's `push` and `finish` and a transport's `send` are plain
//! functions: call them directly with [`context`] and [`contact`].

use std::cell::RefCell;
use std::collections::BTreeMap;

use crate::host::Level;
use crate::host::http::{Request, Response};
use crate::{Contact, Context};

/// The server's limits on the key-value store.
pub(crate) const MAX_KEY_BYTES: usize = 256;
pub(crate) const MAX_VALUE_BYTES: usize = 64 * 1024;

#[derive(Default)]
struct TestHost {
    config: Option<serde_json::Value>,
    kv: BTreeMap<String, Vec<u8>>,
    logs: Vec<(Level, String)>,
    stubs: Vec<(String, String, Response)>,
    requests: Vec<Request>,
}

thread_local! {
    static HOST: RefCell<TestHost> = RefCell::default();
}

fn with<T>(f: impl FnOnce(&mut TestHost) -> T) -> T {
    HOST.with(|host| f(&mut host.borrow_mut()))
}

/// Empties this thread's host: configuration `{}`, no stored values, log lines, stubs or requests.
pub fn reset() {
    with(|host| *host = TestHost::default());
}

/// The configuration `host::config*` returns: the workspace's settings over the manifest's defaults,
/// as the server would pass them (it validates them against the manifest first; this does not).
pub fn set_config(config: serde_json::Value) {
    with(|host| host.config = Some(config));
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
    with(|host| host.logs.push((level, message.to_owned())));
}

pub(crate) fn config() -> String {
    with(|host| {
        host.config
            .as_ref()
            .map_or_else(|| "{}".to_owned(), serde_json::Value::to_string)
    })
}

pub(crate) fn kv_get(key: &str) -> Option<Vec<u8>> {
    with(|host| host.kv.get(key).cloned())
}

pub(crate) fn kv_set(key: &str, value: &[u8]) -> Result<(), String> {
    if key.len() > MAX_KEY_BYTES {
        return Err(format!("key-value keys are at most {MAX_KEY_BYTES} bytes"));
    }
    if value.len() > MAX_VALUE_BYTES {
        return Err(format!(
            "key-value values are at most {MAX_VALUE_BYTES} bytes"
        ));
    }
    with(|host| host.kv.insert(key.to_owned(), value.to_vec()));
    Ok(())
}

pub(crate) fn kv_delete(key: &str) {
    with(|host| host.kv.remove(key));
}

pub(crate) fn http_fetch(request: &Request) -> Result<Response, String> {
    with(|host| {
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
