//! Write plugins for Ulak, the self-hosted chat automation server, in Rust: a plugin is a struct, a
//! trait implementation and one export macro, built with stock
//! `cargo build --target wasm32-wasip2 --release`. `ulak plugin new` creates such a crate, and its
//! native `cargo test` runs against the [test host](testing).
//!
//! Three kinds of plugin exist, one WIT world each (see `wit/since_v0.1.0/` in this crate):
//!
//! | kind | trait | macro |
//! |---|---|---|
//! | variable resolver | [`VariableResolver`] | [`export_variable_resolver!`] |
//! | contact importer | [`ContactImporter`] + [`ImportSession`] | [`export_contact_importer!`] |
//! | transport | [`Transport`] | [`export_transport!`] |
//!
//! Every call receives a [`Context`] (workspace, locale, time zone, the current time). What the host
//! offers is in [`host`]: logging, the plugin's configuration, a key-value store, and HTTP to the
//! hosts the manifest allows. A plugin has no file system, sockets or environment variables.
//!
//! # A variable resolver
//!
//! ```no_run
//! use ulak_plugin_sdk::{Context, VariableRequest, VariableResolver, export_variable_resolver};
//!
//! struct Shout;
//!
//! impl VariableResolver for Shout {
//!     fn resolve(_ctx: Context, batch: Vec<VariableRequest>) -> Vec<Result<String, String>> {
//!         batch
//!             .into_iter()
//!             .map(|request| match request.contact.first_name {
//!                 Some(name) => Ok(name.to_uppercase()),
//!                 None => Err("the contact has no first name".into()),
//!             })
//!             .collect()
//!     }
//! }
//!
//! export_variable_resolver!(Shout);
//! ```
//!
//! with a `plugin.toml` next to `Cargo.toml`:
//!
//! ```toml
//! name = "shout"
//! version = "0.1.0"
//! kind = "variable-resolver"
//! description = "The contact's first name in capitals"
//! variables = ["bağır", "shout"]
//! ```
//!
//! # A contact importer
//!
//! The host calls `push` with consecutive chunks of the file and `finish` at the end. Methods take
//! `&self`, so state that changes lives in a `RefCell`.
//!
//! ```no_run
//! use std::cell::RefCell;
//! use ulak_plugin_sdk::{
//!     Context, ContactImporter, ImportBatch, ImportSession, ImportedContact, export_contact_importer,
//! };
//!
//! /// One phone number per line, optionally followed by a comma and a name.
//! struct Lines;
//!
//! struct LinesSession {
//!     /// Bytes after the last complete line.
//!     pending: RefCell<Vec<u8>>,
//!     row: RefCell<u32>,
//! }
//!
//! impl LinesSession {
//!     fn take_lines(&self, everything: bool) -> ImportBatch {
//!         let mut pending = self.pending.borrow_mut();
//!         let upto = if everything {
//!             pending.len()
//!         } else {
//!             pending.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1)
//!         };
//!         let text = String::from_utf8_lossy(&pending[..upto]).into_owned();
//!         pending.drain(..upto);
//!         let mut batch = ImportBatch::default();
//!         let mut row = self.row.borrow_mut();
//!         for line in text.lines() {
//!             *row += 1;
//!             let mut parts = line.splitn(2, ',');
//!             let phone = parts.next().unwrap_or("").trim();
//!             if phone.is_empty() {
//!                 batch.error(*row, format!("row {} has no phone number", *row));
//!                 continue;
//!             }
//!             let mut contact = ImportedContact::with_phone(*row, phone);
//!             contact.first_name = parts.next().map(|n| n.trim().to_owned());
//!             batch.contacts.push(contact);
//!         }
//!         batch
//!     }
//! }
//!
//! impl ContactImporter for Lines {
//!     type Session = LinesSession;
//! }
//!
//! impl ImportSession for LinesSession {
//!     fn new(_ctx: Context, _options: String) -> Self {
//!         LinesSession { pending: RefCell::new(Vec::new()), row: RefCell::new(0) }
//!     }
//!     fn push(&self, chunk: Vec<u8>) -> Result<ImportBatch, String> {
//!         self.pending.borrow_mut().extend_from_slice(&chunk);
//!         Ok(self.take_lines(false))
//!     }
//!     fn finish(&self) -> Result<ImportBatch, String> {
//!         Ok(self.take_lines(true))
//!     }
//! }
//!
//! export_contact_importer!(Lines);
//! ```
//!
//! # A transport
//!
//! ```no_run
//! use ulak_plugin_sdk::{
//!     Capabilities, Context, Header, OutboundMessage, SendError, Transport, WebhookEvents,
//!     export_transport, host,
//! };
//!
//! struct Echo;
//!
//! impl Transport for Echo {
//!     fn capabilities(_ctx: Context) -> Capabilities {
//!         Capabilities { media_kinds: vec![], max_text_length: Some(4096), inbound: false }
//!     }
//!     fn send(_ctx: Context, message: OutboundMessage) -> Result<String, SendError> {
//!         let url: String = host::config_value("url").ok_or(SendError::Permanent("no url".into()))?;
//!         let response = host::http::post_json(&url, &[], message.text.as_bytes().to_vec())
//!             .map_err(SendError::Transient)?;
//!         Ok(format!("echo-{}", response.status))
//!     }
//!     fn parse_webhook(_: Context, _: Vec<Header>, _: Vec<u8>) -> Result<WebhookEvents, String> {
//!         Err("this transport receives no webhooks".into())
//!     }
//! }
//!
//! export_transport!(Echo);
//! ```
#![forbid(unsafe_code)]

/// Bindings of the `variable-resolver` world (the shared `types` and `host` interfaces live here).
#[doc(hidden)]
pub mod resolver_world {
    wit_bindgen::generate!({
        path: "wit/since_v0.1.0",
        world: "ulak:plugin/variable-resolver@0.1.0",
        pub_export_macro: true,
        export_macro_name: "__export_variable_resolver_raw",
        default_bindings_module: "ulak_plugin_sdk::resolver_world",
        generate_all,
    });
}

/// Bindings of the `contact-importer` world.
#[doc(hidden)]
pub mod importer_world {
    wit_bindgen::generate!({
        path: "wit/since_v0.1.0",
        world: "ulak:plugin/contact-importer@0.1.0",
        pub_export_macro: true,
        export_macro_name: "__export_contact_importer_raw",
        default_bindings_module: "ulak_plugin_sdk::importer_world",
        with: {
            "ulak:plugin/types@0.1.0": crate::resolver_world::ulak::plugin::types,
            "ulak:plugin/host@0.1.0": crate::resolver_world::ulak::plugin::host,
        },
    });
}

/// Bindings of the `transport` world.
#[doc(hidden)]
pub mod transport_world {
    wit_bindgen::generate!({
        path: "wit/since_v0.1.0",
        world: "ulak:plugin/transport@0.1.0",
        pub_export_macro: true,
        export_macro_name: "__export_transport_raw",
        default_bindings_module: "ulak_plugin_sdk::transport_world",
        with: {
            "ulak:plugin/types@0.1.0": crate::resolver_world::ulak::plugin::types,
            "ulak:plugin/host@0.1.0": crate::resolver_world::ulak::plugin::host,
        },
    });
}

pub use resolver_world::ulak::plugin::types::{Contact, Context, Field, Header};

/// A variable resolver: values for the placeholders its manifest's `variables` names.
///
/// Implement [`resolve`](VariableResolver::resolve) on a unit struct and export it with
/// [`export_variable_resolver!`]. Each call gets a batch of requests (one per contact and
/// placeholder) and answers one `Result` per request, in order; an `Err` fails that item only.
/// There is no `self`: keep what must outlive a call in [`host::kv`].
pub use resolver_world::exports::ulak::plugin::variables::Guest as VariableResolver;

/// One placeholder for one contact: the variable's name, the arguments after `:` and the contact.
pub use resolver_world::exports::ulak::plugin::variables::Request as VariableRequest;

/// A contact importer: names the [`ImportSession`] type that reads one file.
///
/// `impl ContactImporter for MyImporter { type Session = MySession; }`, then
/// [`export_contact_importer!`]`(MyImporter)`. All the work is in the session.
pub use importer_world::exports::ulak::plugin::contacts::Guest as ContactImporter;

/// One import, from [`new`](ImportSession::new) to [`finish`](ImportSession::finish).
///
/// The host calls `push` with consecutive chunks of the file (a record may be split between two)
/// and `finish` once at the end. Methods take `&self`: keep changing state in a `RefCell`.
/// `options` is the user's JSON object, whole: what your plugin reads from it (delimiter, sheet …)
/// is yours to define; the host itself applies `mapping`, `default_region`, `tags` and
/// `update_existing` to what you return (see the README).
pub use importer_world::exports::ulak::plugin::contacts::GuestSession as ImportSession;

/// What one chunk (or the end of the input) produced: contacts, and errors for rows that could not
/// be read. Add errors with [`ImportBatch::error`].
pub use importer_world::exports::ulak::plugin::contacts::Batch as ImportBatch;

/// A contact as the file has it; [`ImportedContact::with_phone`] starts one. Columns with no slot
/// here go in `fields` under the file's own names; the host turns them into contact fields.
pub use importer_world::exports::ulak::plugin::contacts::ImportedContact;

/// A row that could not be read, with the reason shown to the user.
pub use importer_world::exports::ulak::plugin::contacts::RowError;

/// A transport: sends rendered messages through a provider, and reads the provider's webhooks.
///
/// Implement [`capabilities`](Transport::capabilities), [`send`](Transport::send) and
/// [`parse_webhook`](Transport::parse_webhook), and export with [`export_transport!`].
/// `send` answers the provider's message id, or a [`SendError`] that says whether retrying may help.
pub use transport_world::exports::ulak::plugin::messages::Guest as Transport;

/// What a transport can deliver: media kinds, the longest text, whether it receives messages.
pub use transport_world::exports::ulak::plugin::messages::TransportCapabilities as Capabilities;

pub use transport_world::exports::ulak::plugin::messages::{
    Attachment, DeliveryStatus, InboundMessage, OutboundMessage, SendError, StatusUpdate,
    WebhookEvents,
};

#[doc(hidden)]
pub use importer_world::__export_contact_importer_raw;
#[doc(hidden)]
pub use resolver_world::__export_variable_resolver_raw;
#[doc(hidden)]
pub use transport_world::__export_transport_raw;

// The exports exist only in the wasm build: component export names (`ulak:plugin/…#resolve`) are
// not valid native symbols, and without them a plugin crate's own `cargo test` links on the host.

/// Exports a [`VariableResolver`] implementation as the plugin's component.
#[macro_export]
macro_rules! export_variable_resolver {
    ($plugin:ident) => {
        #[cfg(target_family = "wasm")]
        $crate::__export_variable_resolver_raw!($plugin);
    };
}

/// Exports a [`ContactImporter`] implementation as the plugin's component.
#[macro_export]
macro_rules! export_contact_importer {
    ($plugin:ident) => {
        #[cfg(target_family = "wasm")]
        $crate::__export_contact_importer_raw!($plugin);
    };
}

/// Exports a [`Transport`] implementation as the plugin's component.
#[macro_export]
macro_rules! export_transport {
    ($plugin:ident) => {
        #[cfg(target_family = "wasm")]
        $crate::__export_transport_raw!($plugin);
    };
}

pub mod host;
#[cfg(not(target_family = "wasm"))]
pub mod testing;
mod time;

pub use time::LocalTime;

impl Context {
    /// The workspace's local wall-clock time now.
    pub fn local_time(&self) -> LocalTime {
        LocalTime::from_unix_ms(self.now_ms + i64::from(self.utc_offset_seconds) * 1000)
    }

    /// The primary language subtag of the workspace locale, lower-cased (`tr`, `en`).
    pub fn language(&self) -> String {
        self.locale
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
    }
}

impl Contact {
    /// A custom field's value by name.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.value.as_str())
    }
}

impl ImportedContact {
    /// A record with only a row number and a phone, to fill in further.
    pub fn with_phone(row: u32, phone: impl Into<String>) -> Self {
        ImportedContact {
            row,
            phone: phone.into(),
            first_name: None,
            last_name: None,
            email: None,
            tags: Vec::new(),
            fields: Vec::new(),
        }
    }
}

// The type is generated by wit-bindgen, so a derive cannot be added to it.
#[allow(clippy::derivable_impls)]
impl Default for ImportBatch {
    fn default() -> Self {
        ImportBatch {
            contacts: Vec::new(),
            errors: Vec::new(),
        }
    }
}

impl ImportBatch {
    pub fn error(&mut self, row: u32, message: impl Into<String>) {
        self.errors.push(RowError {
            row,
            message: message.into(),
        });
    }
}
