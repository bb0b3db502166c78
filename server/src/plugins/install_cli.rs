//! `ulak plugin install`: uploads a built plugin to a running server, signed in as a superadmin
//! (uploads need a signed-in instance admin, not an API token).

use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::{Value, json};

#[derive(Debug, Args)]
pub struct InstallArgs {
    /// A plugin crate or folder (with `plugin.toml`, and `<name>.wasm` or a release build under
    /// `target/wasm32-wasip2/release/`), or a `.wasm` file with `plugin.toml` beside it.
    pub path: PathBuf,
    /// The server's address.
    #[arg(long, default_value = "http://localhost:8080")]
    pub url: String,
    /// A superadmin's e-mail address.
    #[arg(long, env = "ULAK_EMAIL")]
    pub email: String,
    /// Read the password from standard input (first line); otherwise from ULAK_PASSWORD.
    #[arg(long)]
    pub password_stdin: bool,
    /// Replace even with a lower version, or the same version with other bytes (development).
    #[arg(long)]
    pub force: bool,
    /// Allow a plain-HTTP address other than this machine (the password would travel unencrypted).
    #[arg(long)]
    pub insecure: bool,
}

/// The manifest and component a path names.
fn files(path: &Path) -> anyhow::Result<(PathBuf, PathBuf)> {
    if path.is_file() {
        let manifest = path.with_file_name("plugin.toml");
        anyhow::ensure!(
            manifest.is_file(),
            "no plugin.toml beside {}",
            path.display()
        );
        return Ok((manifest, path.to_owned()));
    }
    let manifest = path.join("plugin.toml");
    let text = std::fs::read_to_string(&manifest)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", manifest.display()))?;
    let name = text
        .parse::<toml::Table>()
        .ok()
        .and_then(|t| t.get("name").and_then(|n| n.as_str()).map(str::to_owned))
        .ok_or_else(|| anyhow::anyhow!("{} names no plugin", manifest.display()))?;
    let built = format!("wasm32-wasip2/release/{}.wasm", name.replace('-', "_"));
    let mut candidates = vec![
        path.join(format!("{name}.wasm")),
        path.join("target").join(&built),
    ];
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        candidates.push(PathBuf::from(target).join(&built));
    }
    // The newest of them: a component copied into the folder long ago is not a fresh build.
    let component = candidates
        .iter()
        .filter_map(|c| Some((std::fs::metadata(c).ok()?.modified().ok()?, c)))
        .max()
        .map(|(_, c)| c)
        .ok_or_else(|| {
        anyhow::anyhow!(
            "no component: looked for {} (build it with `cargo build --target wasm32-wasip2 --release`)",
            candidates
                .iter()
                .map(|c| c.display().to_string())
                .collect::<Vec<_>>()
                .join(" and ")
        )
    })?;
    Ok((manifest, component.clone()))
}

pub async fn install(args: InstallArgs) -> anyhow::Result<()> {
    let (manifest, component) = files(&args.path)?;
    // Read before signing in, so that nothing can fail between signing in and out.
    let manifest_bytes = std::fs::read(&manifest)?;
    let component_bytes = std::fs::read(&component)?;
    let password = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else {
        std::env::var("ULAK_PASSWORD").map_err(|_| {
            anyhow::anyhow!(
                "give the password on standard input (--password-stdin) or in ULAK_PASSWORD"
            )
        })?
    };
    let base = args.url.trim_end_matches('/');
    let url = reqwest::Url::parse(base).map_err(|e| anyhow::anyhow!("--url {base}: {e}"))?;
    let local = matches!(
        url.host(),
        Some(url::Host::Domain("localhost"))
            | Some(url::Host::Ipv4(std::net::Ipv4Addr::LOCALHOST))
            | Some(url::Host::Ipv6(std::net::Ipv6Addr::LOCALHOST))
    );
    anyhow::ensure!(
        url.scheme() == "https" || local || args.insecure,
        "--url {base}: the password would travel unencrypted; use https, or --insecure if you must"
    );
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let answer = |response: reqwest::Response| async move {
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        (status, body)
    };
    let response = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({ "email": args.email, "password": password }))
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("cannot reach {base}: {e}"))?;
    let cookies: Vec<String> = response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next().map(str::to_owned))
        .collect();
    let (status, body) = answer(response).await;
    anyhow::ensure!(
        status.is_success(),
        "signing in failed ({status}): {}",
        body["message"].as_str().unwrap_or("")
    );
    let csrf = body["csrf_token"].as_str().unwrap_or_default().to_owned();
    let form = reqwest::multipart::Form::new()
        .part(
            "manifest",
            reqwest::multipart::Part::bytes(manifest_bytes).file_name("plugin.toml"),
        )
        .part(
            "component",
            reqwest::multipart::Part::bytes(component_bytes).file_name("plugin.wasm"),
        );
    let response = client
        .post(format!(
            "{base}/api/v1/plugins{}",
            if args.force { "?force=true" } else { "" }
        ))
        .header(reqwest::header::COOKIE, cookies.join("; "))
        .header("X-CSRF-Token", &csrf)
        .multipart(form)
        .send()
        .await;
    let outcome = match response {
        Ok(response) => Ok(answer(response).await),
        Err(e) => Err(e),
    };
    // Sign out whatever happened: no superadmin session is left behind.
    let _ = client
        .post(format!("{base}/api/v1/auth/logout"))
        .header(reqwest::header::COOKIE, cookies.join("; "))
        .header("X-CSRF-Token", &csrf)
        .send()
        .await;
    let (status, body) = outcome?;
    anyhow::ensure!(
        status.is_success(),
        "the server refused the plugin ({status}): {}",
        body["message"].as_str().unwrap_or("")
    );
    println!(
        "{} {} {} ({})",
        body["outcome"].as_str().unwrap_or("installed"),
        body["plugin"]["name"].as_str().unwrap_or(""),
        body["plugin"]["version"].as_str().unwrap_or(""),
        component.display()
    );
    Ok(())
}
