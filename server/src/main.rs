#![forbid(unsafe_code)]

use clap::Parser;
use ulak::cli::{Cli, Command, ConfigCommand, PluginCommand, UserCommand};
use ulak::startup::{Application, openapi_json};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = cli.load_settings()?;
    match cli.command {
        Some(Command::Config(ConfigCommand::Print)) => {
            print!("{}", settings.to_redacted_toml());
            Ok(())
        }
        Some(Command::Openapi) => {
            println!("{}", openapi_json());
            Ok(())
        }
        Some(Command::Plugin(PluginCommand::Run(args))) => {
            // The plugin's own log lines, and warnings; not the server's start-up lines.
            ulak::telemetry::init(&ulak::config::LogSettings {
                level: "warn,ulak::plugins::capabilities=trace".into(),
                ..settings.log.clone()
            });
            if ulak::plugins::run::run(&settings, args).await? {
                Ok(())
            } else {
                std::process::exit(1)
            }
        }
        Some(Command::Plugin(PluginCommand::New(args))) => {
            let dir = ulak::plugins::scaffold::create(&args)?;
            print!("{}", ulak::plugins::scaffold::next_steps(&args, &dir));
            Ok(())
        }
        Some(Command::Plugin(PluginCommand::Sdk { dir })) => {
            ulak::plugins::scaffold::write_sdk(&dir)?;
            println!(
                "wrote the plugin SDK to {}; use it with `ulak plugin new NAME --sdk {}`",
                dir.display(),
                dir.display()
            );
            Ok(())
        }
        Some(Command::Plugin(PluginCommand::Install(args))) => {
            ulak::plugins::install_cli::install(args).await
        }
        Some(Command::User(UserCommand::Create(args))) => {
            ulak::telemetry::init(&settings.log);
            ulak::cli::create_user(settings, args).await
        }
        Some(Command::Serve) | None => {
            ulak::telemetry::init(&settings.log);
            let started = std::time::Instant::now();
            let app = Application::build(settings).await?;
            tracing::info!(
                port = app.port(),
                ready_ms = started.elapsed().as_millis() as u64,
                "Ulak is listening on http://127.0.0.1:{}",
                app.port()
            );
            app.run_until_stopped().await?;
            Ok(())
        }
    }
}
