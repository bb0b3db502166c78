//! The WhatsApp Web channel kind (multi-device, through the `whatsapp-rust` crate, in process).
//!
//! Built so far: [`store`], the crate's storage backend on SurrealDB. The connection, pairing and
//! the `Transport` implementation come next (issue #17).

pub mod store;
