//! Black-box tests of the whole server: HTTP against a real instance on port 0.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod auth;
mod errors;
mod helpers;
mod openapi;
mod persistence;
mod roles;
mod tokens;
mod workspaces;
