//! `ulak plugin new`: a plugin crate that builds, tests and runs as it is, for each kind.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::manifest::valid_plugin_name;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Kind {
    /// Values for template placeholders.
    Resolver,
    /// Files (or address books) into contacts.
    Importer,
    /// Sends messages through a provider.
    Transport,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The plugin's name: lower-case letters, digits and dashes, starting with a letter.
    pub name: String,
    #[arg(long, value_enum, default_value = "resolver")]
    pub kind: Kind,
    /// Where to create the crate (default: ./<name>; must not exist or be empty).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// The Ulak plugin SDK (`plugin-sdk` in Ulak's source); default: the one this binary was
    /// built from, when it is still there.
    #[arg(long, value_name = "DIR")]
    pub sdk: Option<PathBuf>,
}

const CARGO_TOML: &str = include_str!("scaffold/Cargo.toml.txt");
const GITIGNORE: &str = include_str!("scaffold/gitignore.txt");

fn sources(kind: Kind) -> (&'static str, &'static str) {
    match kind {
        Kind::Resolver => (
            include_str!("scaffold/resolver.toml.txt"),
            include_str!("scaffold/resolver.rs.txt"),
        ),
        Kind::Importer => (
            include_str!("scaffold/importer.toml.txt"),
            include_str!("scaffold/importer.rs.txt"),
        ),
        Kind::Transport => (
            include_str!("scaffold/transport.toml.txt"),
            include_str!("scaffold/transport.rs.txt"),
        ),
    }
}

/// The SDK's files as this binary was built with them, for `ulak plugin sdk`.
const SDK_FILES: &[(&str, &str)] = &[
    ("Cargo.toml", include_str!("../../../plugin-sdk/Cargo.toml")),
    ("README.md", include_str!("../../../plugin-sdk/README.md")),
    ("src/lib.rs", include_str!("../../../plugin-sdk/src/lib.rs")),
    (
        "src/host.rs",
        include_str!("../../../plugin-sdk/src/host.rs"),
    ),
    (
        "src/testing.rs",
        include_str!("../../../plugin-sdk/src/testing.rs"),
    ),
    (
        "src/time.rs",
        include_str!("../../../plugin-sdk/src/time.rs"),
    ),
    (
        "wit/since_v0.1.0/contacts.wit",
        include_str!("../../../plugin-sdk/wit/since_v0.1.0/contacts.wit"),
    ),
    (
        "wit/since_v0.1.0/host.wit",
        include_str!("../../../plugin-sdk/wit/since_v0.1.0/host.wit"),
    ),
    (
        "wit/since_v0.1.0/messages.wit",
        include_str!("../../../plugin-sdk/wit/since_v0.1.0/messages.wit"),
    ),
    (
        "wit/since_v0.1.0/types.wit",
        include_str!("../../../plugin-sdk/wit/since_v0.1.0/types.wit"),
    ),
    (
        "wit/since_v0.1.0/variables.wit",
        include_str!("../../../plugin-sdk/wit/since_v0.1.0/variables.wit"),
    ),
    (
        "wit/since_v0.1.0/worlds.wit",
        include_str!("../../../plugin-sdk/wit/since_v0.1.0/worlds.wit"),
    ),
];

/// `ulak plugin sdk DIR`: writes the SDK this binary carries, a crate that builds on its own, so
/// plugins can be written without Ulak's source.
pub fn write_sdk(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        anyhow::bail!("{} exists and is not empty", dir.display());
    }
    for (path, text) in SDK_FILES {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        write_new(&path, text)?;
    }
    Ok(())
}

/// Writes a new file: never over one that exists, never through a link someone placed there.
fn write_new(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut file| file.write_all(text.as_bytes()))
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))
}

/// The SDK this binary was built from, when its source is still where it was.
fn built_in_sdk() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugin-sdk");
    dir.join("Cargo.toml")
        .is_file()
        .then(|| dir.canonicalize().ok())
        .flatten()
}

/// Writes the crate and returns its directory.
pub fn create(args: &NewArgs) -> anyhow::Result<PathBuf> {
    if !valid_plugin_name(&args.name) {
        anyhow::bail!(
            "`{}` is not a plugin name: use lower-case letters, digits and dashes, starting with a letter (at most 64)",
            args.name
        );
    }
    // Names cargo refuses for a package (Rust keywords, and `test`).
    const RESERVED: &[&str] = &[
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
        "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move",
        "mut", "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true",
        "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final",
        "gen", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield", "test",
    ];
    let crate_name = args.name.replace('-', "_");
    if RESERVED.contains(&crate_name.as_str()) {
        anyhow::bail!(
            "`{}` is a name cargo refuses for a crate; choose another",
            args.name
        );
    }
    if matches!(args.kind, Kind::Resolver)
        && crate::templates::render::BUILTIN_NAMES.contains(&crate_name.as_str())
    {
        anyhow::bail!(
            "`%{crate_name}%` is a built-in placeholder, so a resolver may not provide it; choose another name"
        );
    }
    let sdk = match &args.sdk {
        Some(dir) => dir.canonicalize().map_err(|e| {
            anyhow::anyhow!("--sdk {}: {e}", dir.display())
        })?,
        None => built_in_sdk().ok_or_else(|| {
            anyhow::anyhow!(
                "the plugin SDK this binary was built from is not there any more: write a copy once with `ulak plugin sdk <DIR>` and pass --sdk <DIR>"
            )
        })?,
    };
    if !sdk.join("Cargo.toml").is_file() {
        anyhow::bail!("--sdk {}: no Cargo.toml there", sdk.display());
    }
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| PathBuf::from(&args.name));
    if dir.exists() && std::fs::read_dir(&dir)?.next().is_some() {
        anyhow::bail!("{} exists and is not empty", dir.display());
    }
    // A TOML string, quotes included, whatever the path holds.
    let sdk_toml = toml::Value::String(sdk.to_string_lossy().into_owned()).to_string();
    let fill = |text: &str| {
        text.replace("{{name}}", &args.name)
            .replace("{{variable}}", &crate_name)
            .replace("\"{{sdk}}\"", &sdk_toml)
    };
    let (manifest, source) = sources(args.kind);
    std::fs::create_dir_all(dir.join("src"))?;
    let write = |path: PathBuf, text: &str| write_new(&path, text);
    write(dir.join("Cargo.toml"), &fill(CARGO_TOML))?;
    write(dir.join(".gitignore"), GITIGNORE)?;
    write(dir.join("plugin.toml"), &fill(manifest))?;
    write(dir.join("src/lib.rs"), &fill(source))?;
    if matches!(args.kind, Kind::Importer) {
        write(
            dir.join("contacts.txt"),
            "+905321234567,Ayşe\n,nobody\n+905331112233\n",
        )?;
    }
    Ok(dir)
}

/// What to do next, printed after the crate is written.
pub fn next_steps(args: &NewArgs, dir: &Path) -> String {
    let wasm = format!(
        "target/wasm32-wasip2/release/{}.wasm",
        args.name.replace('-', "_")
    );
    let call = match args.kind {
        Kind::Resolver => r#"resolve --contact '{"first_name": "Ayşe"}'"#.to_owned(),
        Kind::Importer => "import contacts.txt".to_owned(),
        Kind::Transport => {
            r#"--plugin-config '{"url": "https://example.com/in"}' capabilities"#.to_owned()
        }
    };
    format!(
        "created {dir}\n\nnext:\n  cd {dir}\n  cargo test                                   # natively, against the SDK's test host\n  cargo build --target wasm32-wasip2 --release\n  ulak plugin run {wasm} {call}\n  ULAK_PASSWORD=… ulak plugin install . --url http://localhost:8080 --email admin@example.com\n",
        dir = dir.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file of plugin-sdk/ is carried, so `ulak plugin sdk` writes a whole crate.
    #[test]
    fn the_carried_sdk_is_the_whole_crate() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugin-sdk");
        let mut on_disk = Vec::new();
        let mut folders = vec![root.clone()];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    folders.push(path);
                } else {
                    let relative = path.strip_prefix(&root).unwrap();
                    on_disk.push(relative.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        on_disk.sort();
        let mut carried: Vec<String> = SDK_FILES.iter().map(|(p, _)| (*p).to_owned()).collect();
        carried.sort();
        assert_eq!(carried, on_disk);
    }
}
