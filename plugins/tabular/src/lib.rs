//! What the table-shaped contact importers (CSV, spreadsheets) share: turning rows of text cells into
//! contacts.
//!
//! This crate owns the column model: how headers are compared ([`fold`]), which header names map to
//! which contact field on their own ([`auto_target`]), the `mapping` and `has_header` options
//! ([`TableOptions`]), and [`Table`], which takes the rows of a file one by one — the header first —
//! and produces [`ImportedContact`](ulak_plugin_sdk::ImportedContact)s or row errors. Reading the
//! file format (bytes, encodings, cells) is the importers' job.

mod fold;
mod options;
mod table;

pub use fold::{auto_target, fold, looks_like_phone, split_full_name, split_tags};
pub use options::{TableOptions, Target, options_object};
pub use table::Table;
