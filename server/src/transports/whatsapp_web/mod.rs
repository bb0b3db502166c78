//! The WhatsApp Web channel kind (multi-device, through the `whatsapp-rust` crate, in process).
//!
//! Built so far, each tested on its own:
//! - [`store`]: the crate's storage backend on SurrealDB, one key range per channel;
//! - [`session`]: what each connection and pairing event of the client does to the channel;
//! - [`qr`]: pairing codes drawn as SVG and PNG;
//! - [`http`]: the crate's HTTP client on reqwest, through the outbound policy;
//! - [`compose`]: an outbound message as WhatsApp messages (text, each media kind, voice notes),
//!   with ids derived from the idempotency key;
//! - [`contacts`]: the phone's contacts as the protocol syncs them, kept per channel, searchable.
//!
//! - [`connect`]: the client's WebSocket, opened through the outbound policy;
//! - [`connection`]: the task that runs a channel's client and applies its events;
//! - [`transport`]: sending, acknowledged by the server;
//! - [`inbound`]: receipts and received messages (media into the library) into the pipeline;
//! - [`numbers`]: whether numbers have a WhatsApp account, asked and remembered.

pub mod compose;
pub mod connect;
pub mod connection;
pub mod contacts;
pub mod http;
pub mod inbound;
pub mod numbers;
pub mod qr;
pub mod session;
pub mod store;
pub mod transport;
