//! Black-box tests of the whole server: HTTP against a real instance on port 0.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod audit;
mod auth;
mod cli;
mod contacts;
mod crash;
mod errors;
mod events;
mod hardening;
mod helpers;
mod imports;
mod mail;
mod media;
mod openapi;
mod persistence;
mod pipeline;
mod plugin_run;
mod plugins;
mod replicas;
mod roles;
mod templates;
mod tokens;
mod wa_fake;
mod whatsapp_cloud;
mod whatsapp_web;
mod workspaces;
