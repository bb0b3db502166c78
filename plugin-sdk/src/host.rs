//! What the host offers a plugin: logging, configuration, a key-value store and HTTP. Each call goes
//! through the host, which checks it against the plugin's manifest and limits.
//!
//! In a native build (your plugin's `cargo test`) these calls go to the [test host](crate::testing)
//! instead, so plugin code can be tested without the server.

use serde::de::DeserializeOwned;

pub use crate::resolver_world::ulak::plugin::host::Level;

/// The server, in the WebAssembly build.
#[cfg(target_family = "wasm")]
mod raw {
    pub use crate::resolver_world::ulak::plugin::host::{
        config, http_fetch, kv_delete, kv_get, kv_set, log,
    };
}

/// The test host, in a native build.
#[cfg(not(target_family = "wasm"))]
mod raw {
    pub(super) use crate::testing::{config, http_fetch, kv_delete, kv_get, kv_set, log};
}

/// Writes a line to the server log, tagged with this plugin's name and the workspace.
pub fn log(level: Level, message: &str) {
    raw::log(level, message);
}

pub fn info(message: &str) {
    raw::log(Level::Info, message);
}

pub fn warn(message: &str) {
    raw::log(Level::Warn, message);
}

/// This plugin's configuration in the calling workspace, as JSON text (the workspace's settings over the manifest's defaults; `{}` when neither gives a value).
pub fn config_json() -> String {
    raw::config()
}

/// The configuration deserialised into your own type.
pub fn config<T: DeserializeOwned>() -> Result<T, String> {
    serde_json::from_str(&raw::config()).map_err(|e| format!("configuration: {e}"))
}

/// One configuration value, if set and of the wanted type.
pub fn config_value<T: DeserializeOwned>(key: &str) -> Option<T> {
    let all: serde_json::Value = serde_json::from_str(&raw::config()).ok()?;
    serde_json::from_value(all.get(key)?.clone()).ok()
}

/// The key-value store private to this plugin in the calling workspace.
pub mod kv {
    use super::raw;

    pub fn get(key: &str) -> Option<Vec<u8>> {
        raw::kv_get(key)
    }

    /// Keys are at most 256 bytes and values at most 64 KiB.
    pub fn set(key: &str, value: &[u8]) -> Result<(), String> {
        raw::kv_set(key, value)
    }

    pub fn delete(key: &str) {
        raw::kv_delete(key)
    }
}

/// HTTP through the host, only to the hosts the manifest allows.
pub mod http {
    use super::raw;
    use crate::Header;
    pub use crate::resolver_world::ulak::plugin::host::{
        HttpRequest as Request, HttpResponse as Response,
    };

    impl Response {
        /// A response with a status and a body and no headers (for stubs in tests).
        pub fn new(status: u16, body: Vec<u8>) -> Self {
            Response {
                status,
                headers: Vec::new(),
                body,
            }
        }

        /// Adds a header.
        pub fn with_header(mut self, name: &str, value: &str) -> Self {
            self.headers.push(Header {
                name: name.into(),
                value: value.into(),
            });
            self
        }
    }

    /// Any request.
    pub fn fetch(request: &Request) -> Result<Response, String> {
        raw::http_fetch(request)
    }

    pub fn get(url: &str, headers: &[Header]) -> Result<Response, String> {
        fetch(&Request {
            method: "GET".into(),
            url: url.into(),
            headers: headers.to_vec(),
            body: None,
        })
    }

    /// POSTs a JSON body (`content-type: application/json` is added).
    pub fn post_json(url: &str, headers: &[Header], body: Vec<u8>) -> Result<Response, String> {
        let mut all = headers.to_vec();
        all.push(Header {
            name: "content-type".into(),
            value: "application/json".into(),
        });
        fetch(&Request {
            method: "POST".into(),
            url: url.into(),
            headers: all,
            body: Some(body),
        })
    }
}
