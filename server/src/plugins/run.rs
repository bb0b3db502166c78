//! `ulak plugin run`: calls a built component outside the server, in the server's own sandbox and
//! with its limits, and prints what the plugin answered (JSON on standard output) and logged
//! (standard error). For plugin authors; the store is in memory and gone when the command ends.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, Subcommand};
use serde_json::{Map, Value, json};

use super::capabilities::Services;
use super::manifest::Manifest;
use super::runtime::{
    CallScope, Contact, Field, ImportBatch, LoadedPlugin, OutboundMessage, Runtime, SendError,
    context,
};
use crate::config::Settings;
use crate::contacts::imports::read_chunk;
use crate::db::Db;
use crate::metrics::Metrics;

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The component (`target/wasm32-wasip2/release/<name>.wasm`).
    pub component: PathBuf,
    /// The manifest; by default `plugin.toml` beside the component, then in the working directory.
    #[arg(long, value_name = "FILE")]
    pub manifest: Option<PathBuf>,
    /// The workspace's settings for the plugin: JSON, or @FILE. Checked against the manifest and
    /// completed with its defaults, as the server does.
    #[arg(long, value_name = "JSON")]
    pub plugin_config: Option<String>,
    /// The workspace locale the plugin sees.
    #[arg(long, default_value = "tr-TR")]
    pub locale: String,
    /// The workspace time zone the plugin sees.
    #[arg(long, default_value = "Europe/Istanbul")]
    pub time_zone: String,
    #[command(subcommand)]
    pub call: Call,
}

#[derive(Debug, Subcommand)]
pub enum Call {
    /// Resolve a variable for one contact (a variable resolver).
    Resolve {
        /// The variable, as the manifest declares it (default: its first).
        #[arg(long)]
        variable: Option<String>,
        /// An argument (`%kur:USD%` → `--arg USD`); repeat for more.
        #[arg(long = "arg")]
        arguments: Vec<String>,
        /// The contact: JSON or @FILE, e.g. `{"phone": "+905321234567", "first_name": "Ayşe",
        /// "language": "tr", "tags": ["vip"], "fields": {"şehir": "İzmir"}}`.
        #[arg(long, value_name = "JSON")]
        contact: Option<String>,
    },
    /// Read a file into contacts (a contact importer), in the server's chunk size.
    Import {
        file: PathBuf,
        /// The import options the plugin receives, as JSON.
        #[arg(long, default_value = "{}")]
        options: String,
    },
    /// Send a text message (a transport).
    Send {
        #[arg(long)]
        to: String,
        #[arg(long)]
        text: String,
    },
    /// Print what a transport says it can deliver.
    Capabilities,
}

/// Runs the call and prints the result; `Ok(false)` when the plugin answered with an error.
pub async fn run(settings: &Settings, args: RunArgs) -> anyhow::Result<bool> {
    let manifest_path = args
        .manifest
        .clone()
        .unwrap_or_else(|| default_manifest(&args.component));
    let text = std::fs::read_to_string(&manifest_path).map_err(|e| {
        anyhow::anyhow!("cannot read the manifest {}: {e}", manifest_path.display())
    })?;
    let manifest = Manifest::parse(&text).map_err(|e| {
        anyhow::anyhow!("{}: `{}`: {}", manifest_path.display(), e.field, e.message)
    })?;
    let bytes = std::fs::read(&args.component).map_err(|e| {
        anyhow::anyhow!(
            "cannot read the component {}: {e}",
            args.component.display()
        )
    })?;
    let given = match &args.plugin_config {
        Some(raw) => match json_argument(raw, "--plugin-config")? {
            Value::Object(map) => map,
            _ => anyhow::bail!("--plugin-config must be a JSON object"),
        },
        None => Map::new(),
    };
    let stored = manifest
        .validate_config(&given, &Map::new())
        .map_err(|e| anyhow::anyhow!("--plugin-config: `{}`: {}", e.field, e.message))?;
    if !manifest.is_configured(&stored) {
        anyhow::bail!(
            "--plugin-config: a required setting is missing (the manifest's [config] lists them); the server would not call this plugin"
        );
    }
    let time_zone: chrono_tz::Tz = args
        .time_zone
        .parse()
        .map_err(|_| anyhow::anyhow!("--time-zone: not an IANA time zone: {}", args.time_zone))?;

    // The server's sandbox and limits, with a store in memory and a compilation cache in a fresh
    // private directory: a cache entry is loaded as native code, so it must not be one another user
    // could have prepared.
    let scratch = std::env::temp_dir().join(format!("ulak-plugin-run-{}", uuid::Uuid::new_v4()));
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(&scratch)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", scratch.display()))?;
    let mut settings = settings.clone();
    settings.storage.data_dir = scratch.clone();
    settings.plugins.cache_dir = PathBuf::new();
    settings.database.url = "mem://".into();
    let outcome = async {
        let db = Db::connect(&settings).await?;
        let services = Arc::new(Services::new(
            db,
            tokio::runtime::Handle::current(),
            &settings,
        )?);
        let runtime = Arc::new(Runtime::new(
            &settings,
            services,
            Arc::new(Metrics::new()?),
        )?);
        let name = manifest.name.clone();
        let effective = manifest.effective_config(&stored);
        let plugin = {
            let runtime = runtime.clone();
            tokio::task::spawn_blocking(move || {
                runtime.prepare(
                    manifest,
                    &bytes,
                    String::new(),
                    "ulak plugin run".into(),
                    chrono::Utc::now(),
                )
            })
            .await??
        };
        let plugin = Arc::new(plugin);
        let scope = || CallScope {
            workspace: "plugin-run".into(),
            config: effective.clone(),
        };
        let ctx = context("plugin-run", &args.locale, time_zone);
        call(&runtime, plugin, scope, ctx, &name, args.call, &settings).await
    }
    .await;
    let _ = std::fs::remove_dir_all(&scratch);
    outcome
}

async fn call(
    runtime: &Arc<Runtime>,
    plugin: Arc<LoadedPlugin>,
    scope: impl Fn() -> CallScope,
    ctx: super::runtime::Context,
    name: &str,
    call: Call,
    settings: &Settings,
) -> anyhow::Result<bool> {
    match call {
        Call::Resolve {
            variable,
            arguments,
            contact,
        } => {
            let variable = match variable {
                Some(v) => v,
                None => plugin.manifest.variables.first().cloned().ok_or_else(|| {
                    anyhow::anyhow!("{name} declares no variables; is it a variable resolver?")
                })?,
            };
            let contact = match contact {
                Some(raw) => contact_from(json_argument(&raw, "--contact")?)?,
                None => contact_from(json!({}))?,
            };
            let request =
                super::runtime::bindings::resolver::exports::ulak::plugin::variables::Request {
                    variable: variable.clone(),
                    arguments,
                    contact,
                };
            let mut answers = runtime.resolve(plugin, scope(), ctx, vec![request]).await?;
            let answer = answers.pop().unwrap_or(Err("no answer".into()));
            let ok = answer.is_ok();
            print(&match answer {
                Ok(value) => json!({ "variable": variable, "value": value }),
                Err(error) => json!({ "variable": variable, "error": error }),
            });
            Ok(ok)
        }
        Call::Import { file, options } => {
            json_argument(&options, "--options")?;
            let mut session = runtime.open_import(plugin, scope(), ctx, options).await?;
            let mut out = Batch::default();
            let mut reader = tokio::fs::File::open(&file)
                .await
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            loop {
                let chunk = read_chunk(&mut reader, settings.imports.chunk_bytes).await?;
                if chunk.is_empty() {
                    break;
                }
                let (next, batch) = session.push(chunk).await;
                out.add(batch?);
                session = next.ok_or_else(|| anyhow::anyhow!("the import session ended"))?;
            }
            let (_, batch) = session.finish().await;
            out.add(batch?);
            let ok = out.errors.is_empty();
            print(&json!({ "contacts": out.contacts, "errors": out.errors }));
            Ok(ok)
        }
        Call::Send { to, text } => {
            let message = OutboundMessage {
                to,
                text,
                attachments: Vec::new(),
                idempotency_key: format!("plugin-run-{}", uuid::Uuid::new_v4()),
            };
            let sent = runtime.send(plugin, scope(), ctx, message).await?;
            let ok = sent.is_ok();
            print(&match sent {
                Ok(provider_id) => json!({ "provider_id": provider_id }),
                Err(SendError::Transient(e)) => json!({ "error": e, "retry": true }),
                Err(SendError::Permanent(e)) => json!({ "error": e, "retry": false }),
            });
            Ok(ok)
        }
        Call::Capabilities => {
            let caps = runtime.capabilities(plugin, scope(), ctx).await?;
            print(&json!({
                "media_kinds": caps.media_kinds,
                "max_text_length": caps.max_text_length,
                "inbound": caps.inbound,
            }));
            Ok(true)
        }
    }
}

fn default_manifest(component: &Path) -> PathBuf {
    let beside = component.with_file_name("plugin.toml");
    if beside.is_file() {
        beside
    } else {
        PathBuf::from("plugin.toml")
    }
}

/// JSON given inline or as `@FILE`.
fn json_argument(raw: &str, flag: &str) -> anyhow::Result<Value> {
    let text = match raw.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("{flag}: cannot read {path}: {e}"))?,
        None => raw.to_owned(),
    };
    serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("{flag}: not JSON: {e}"))
}

fn contact_from(value: Value) -> anyhow::Result<Contact> {
    let Value::Object(map) = value else {
        anyhow::bail!("--contact must be a JSON object");
    };
    let text = |key: &str| map.get(key).and_then(Value::as_str).map(str::to_owned);
    for key in map.keys() {
        if ![
            "id",
            "phone",
            "first_name",
            "last_name",
            "email",
            "language",
            "tags",
            "fields",
        ]
        .contains(&key.as_str())
        {
            anyhow::bail!("--contact: unknown key `{key}`");
        }
    }
    let fields = match map.get("fields") {
        Some(Value::Object(fields)) => fields
            .iter()
            .map(|(name, value)| Field {
                name: name.clone(),
                value: value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned),
            })
            .collect(),
        Some(_) => anyhow::bail!("--contact: `fields` must be an object of names to values"),
        None => Vec::new(),
    };
    let tags = match map.get("tags") {
        Some(Value::Array(tags)) => tags
            .iter()
            .map(|t| t.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| anyhow::anyhow!("--contact: `tags` must be a list of strings"))?,
        Some(_) => anyhow::bail!("--contact: `tags` must be a list of strings"),
        None => Vec::new(),
    };
    Ok(Contact {
        id: text("id").unwrap_or_else(|| "plugin-run-contact".into()),
        phone: text("phone").unwrap_or_else(|| "+905321234567".into()),
        first_name: text("first_name"),
        last_name: text("last_name"),
        email: text("email"),
        language: text("language"),
        tags,
        fields,
    })
}

#[derive(Default)]
struct Batch {
    contacts: Vec<Value>,
    errors: Vec<Value>,
}

impl Batch {
    fn add(&mut self, batch: ImportBatch) {
        for c in batch.contacts {
            let fields: Map<String, Value> = c
                .fields
                .into_iter()
                .map(|f| (f.name, Value::String(f.value)))
                .collect();
            self.contacts.push(json!({
                "row": c.row,
                "phone": c.phone,
                "first_name": c.first_name,
                "last_name": c.last_name,
                "email": c.email,
                "tags": c.tags,
                "fields": fields,
            }));
        }
        for e in batch.errors {
            self.errors
                .push(json!({ "row": e.row, "message": e.message }));
        }
    }
}

fn print(value: &Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_default()
    );
}
