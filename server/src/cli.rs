//! The `ulak` command line: serve (the default), headless user creation, config and spec printing.

use std::io::Read;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::app::AppState;
use crate::auth::users::{self, NewAccount};
use crate::config::{CliOverrides, Settings};
use crate::db::Db;

#[derive(Debug, Parser)]
#[command(
    name = "ulak",
    version,
    about = "Self-hosted, plugin-based chat automation server",
    // `run.sh` passes defaults before the user's own flags; a flag given again wins.
    args_override_self = true
)]
pub struct Cli {
    /// A TOML file overriding config/default.toml (same layout).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Address to listen on, e.g. 127.0.0.1:8080 (overrides server.listen).
    #[arg(long, global = true, value_name = "ADDR")]
    pub listen: Option<String>,
    /// Data directory (overrides storage.data_dir).
    #[arg(long, global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (the default).
    Serve,
    /// Manage accounts without the HTTP API.
    #[command(subcommand)]
    User(UserCommand),
    /// Inspect configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Print the OpenAPI document (regenerates openapi/openapi.json).
    Openapi,
    /// For plugin authors: call a built plugin outside the server.
    #[command(subcommand)]
    Plugin(PluginCommand),
}

#[derive(Debug, Subcommand)]
pub enum PluginCommand {
    /// Call a component in the server's sandbox and limits, with a store in memory; prints the
    /// answer as JSON (standard output) and the plugin's log (standard error). Exits with 1 when
    /// the plugin answers with an error.
    Run(crate::plugins::run::RunArgs),
    /// Create a plugin crate that builds, tests and runs as it is.
    New(crate::plugins::scaffold::NewArgs),
    /// Upload a built plugin to a running server (as a superadmin).
    Install(crate::plugins::install_cli::InstallArgs),
    /// Write the plugin SDK this binary carries into DIR (to build plugins without Ulak's source).
    Sdk {
        /// Where to write it; must not exist or be empty.
        dir: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account, reading its password from standard input.
    Create(CreateUser),
}

#[derive(Debug, Args)]
pub struct CreateUser {
    #[arg(long)]
    pub email: String,
    /// Display name (defaults to the part of the email before @).
    #[arg(long)]
    pub name: Option<String>,
    /// Read the password from standard input (first line).
    #[arg(long, required = true)]
    pub password_stdin: bool,
    /// Make the account an instance superadmin.
    #[arg(long)]
    pub superadmin: bool,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the effective settings, secrets redacted.
    Print,
}

impl Cli {
    pub fn load_settings(&self) -> anyhow::Result<Settings> {
        let overrides = CliOverrides {
            listen: self.listen.clone(),
            data_dir: self.data.clone(),
        };
        Ok(Settings::load(
            self.config.as_deref(),
            std::env::vars(),
            &overrides,
        )?)
    }
}

/// `ulak user create`: works whatever `auth.allow_registration` says.
pub async fn create_user(settings: Settings, args: CreateUser) -> anyhow::Result<()> {
    let mut password = String::new();
    std::io::stdin().read_to_string(&mut password)?;
    let password = password.lines().next().unwrap_or_default().to_owned();
    let db = Db::connect(&settings).await?;
    let state = AppState::build(settings, db).await?;
    let name = args
        .name
        .unwrap_or_else(|| args.email.split('@').next().unwrap_or_default().to_owned());
    let account = NewAccount {
        email: args.email,
        name,
        password,
    };
    let (user, workspace) = users::create_account(&state, account, args.superadmin)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "created user {} <{}>{}",
        user.id,
        user.email,
        if user.superadmin { " (superadmin)" } else { "" }
    );
    if let Some(workspace) = workspace {
        println!(
            "created workspace {} \"{}\" owned by them",
            workspace.id, workspace.name
        );
    }
    Ok(())
}
