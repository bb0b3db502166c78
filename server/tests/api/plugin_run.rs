//! `ulak plugin run`: a built component called outside the server, in the same sandbox and limits,
//! answering JSON on standard output with the plugin's log on standard error.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::{Value, json};

const ULAK: &str = env!("CARGO_BIN_EXE_ulak");

fn repo(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
}

fn run(args: &[&str]) -> (Output, Value) {
    let out = Command::new(ULAK)
        .args(["plugin", "run"])
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    let answer = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out, answer)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_resolver_answers_for_a_contact_and_its_log_reaches_standard_error() {
    let hostile = repo("tests/plugins/hostile/hostile.wasm");
    let hostile = hostile.to_str().unwrap();
    // plugin.toml beside the component is found without --manifest.
    let (out, answer) = run(&[
        hostile,
        "resolve",
        "--variable",
        "echo",
        "--contact",
        r#"{"first_name": "Ayşe", "phone": "+905321234567"}"#,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(answer, json!({ "variable": "echo", "value": "Ayşe" }));

    let (out, answer) = run(&[hostile, "resolve", "--variable", "log"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(answer["value"], "logged");
    let log = stderr(&out);
    assert!(
        log.contains("logged for +905321234567") && log.contains("hostile"),
        "the plugin's line, tagged with its name: {log}"
    );
    assert!(
        !log.contains("Migrat") && !log.contains("INFO ulak::db"),
        "only the plugin's lines: {log}"
    );

    // A per-contact error is the answer, and the exit status says so.
    let (out, answer) = run(&[hostile, "resolve", "--variable", "surname"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        answer,
        json!({ "variable": "surname", "error": "contact plugin-run-contact has no last name" })
    );

    // Configuration: checked against the manifest, defaults applied, what the plugin sees printed.
    let (out, answer) = run(&[
        hostile,
        "--plugin-config",
        r#"{"label": "etiket"}"#,
        "resolve",
        "--variable",
        "config",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(answer["value"], r#"{"label":"etiket"}"#);
    let (out, _) = run(&[hostile, "--plugin-config", r#"{"nope": 1}"#, "resolve"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("nope"), "{}", stderr(&out));

    // The server's limits hold: a plugin that never returns is stopped at the call deadline.
    let (out, _) = run(&[hostile, "resolve", "--variable", "spin"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("hostile") && stderr(&out).contains("time"),
        "{}",
        stderr(&out)
    );
    // And the sandbox: no file system.
    let (out, answer) = run(&[hostile, "resolve", "--variable", "files"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        answer["value"]
            .as_str()
            .unwrap()
            .starts_with("no file system"),
        "{answer}"
    );
}

#[test]
fn an_importer_reads_a_file_and_a_missing_manifest_is_named() {
    let component = repo("plugins/csv-importer/csv-importer.wasm");
    let fixture = repo("plugins/fixtures/contacts.csv");
    let (out, answer) = run(&[
        component.to_str().unwrap(),
        "import",
        fixture.to_str().unwrap(),
    ]);
    let contacts = answer["contacts"].as_array().unwrap_or_else(|| {
        panic!("{answer} {}", stderr(&out));
    });
    // Six rows: five with a phone the plugin passes on (the host validates them), one without.
    assert_eq!(contacts.len(), 5, "{answer}");
    assert_eq!(contacts[0]["first_name"], "Ayşe", "{answer}");
    assert_eq!(contacts[0]["fields"]["Şehir"], "İstanbul", "{answer}");
    assert_eq!(answer["errors"].as_array().unwrap().len(), 1, "{answer}");
    assert_eq!(out.status.code(), Some(1), "a row error is an error");

    let lonely = std::env::temp_dir().join(format!("ulak-run-{}.wasm", std::process::id()));
    std::fs::copy(&component, &lonely).unwrap();
    let (out, _) = run(&[
        lonely.to_str().unwrap(),
        "--manifest",
        "/nonexistent/plugin.toml",
        "capabilities",
    ]);
    std::fs::remove_file(&lonely).unwrap();
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("cannot read the manifest /nonexistent/plugin.toml"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn plugin_new_and_install_refuse_what_would_not_work() {
    let dir = std::env::temp_dir().join(format!("ulak-new-{}", ulak::db::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let new = |args: &[&str]| {
        Command::new(ULAK)
            .args(["plugin", "new"])
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap()
    };
    for (args, says) in [
        (&["Bad_Name"][..], "is not a plugin name"),
        (&["test"][..], "cargo refuses"),
        (&["ad", "--kind", "resolver"][..], "built-in placeholder"),
        (&["x", "--sdk", "/nonexistent"][..], "--sdk /nonexistent"),
    ] {
        let out = new(args);
        assert!(!out.status.success(), "{args:?}");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
    let out = new(&["my-importer", "--kind", "importer"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let crate_dir = dir.join("my-importer");
    for file in [
        "Cargo.toml",
        "plugin.toml",
        "src/lib.rs",
        ".gitignore",
        "contacts.txt",
    ] {
        assert!(crate_dir.join(file).is_file(), "{file}");
    }
    let cargo = std::fs::read_to_string(crate_dir.join("Cargo.toml")).unwrap();
    let parsed: toml::Table = cargo.parse().unwrap();
    assert!(
        parsed["dependencies"]["ulak-plugin-sdk"]["path"]
            .as_str()
            .unwrap()
            .ends_with("plugin-sdk"),
        "{cargo}"
    );
    // Not over a crate that is there.
    let out = new(&["my-importer"]);
    assert!(
        stderr(&out).contains("exists and is not empty"),
        "{}",
        stderr(&out)
    );

    // Nothing built yet: named; built, the password still does not go to another machine over
    // plain HTTP.
    let install = || {
        Command::new(ULAK)
            .args(["plugin", "install"])
            .arg(&crate_dir)
            .args([
                "--url",
                "http://ulak.example.com",
                "--email",
                "a@example.com",
            ])
            .env("ULAK_PASSWORD", "x")
            .env("CARGO_TARGET_DIR", &dir)
            .output()
            .unwrap()
    };
    let out = install();
    assert!(stderr(&out).contains("no component"), "{}", stderr(&out));
    std::fs::write(crate_dir.join("my-importer.wasm"), b"not yet").unwrap();
    let out = install();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("unencrypted"), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&dir);
}
