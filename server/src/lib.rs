//! Ulak: a self-hosted, plugin-based chat automation server. This crate is the `ulak` binary's
//! library: configuration, storage, the HTTP API and its domain modules.
#![forbid(unsafe_code)]

pub mod access;
pub mod app;
pub mod audit;
pub mod auth;
pub mod campaigns;
pub mod channels;
pub mod cli;
pub mod config;
pub mod contacts;
pub mod db;
pub mod error;
pub mod events;
pub mod files;
pub mod health;
pub mod mail;
pub mod media;
pub mod messages;
pub mod metrics;
pub mod notices;
pub mod openapi;
pub mod outbound;
pub mod pagination;
pub mod pipeline;
pub mod plugins;
pub mod startup;
pub mod telemetry;
pub mod templates;
pub mod transports;
pub mod variables;
pub mod web;
pub mod webhooks;
pub mod workspaces;
