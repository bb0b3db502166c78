//! The `ulak` binary itself: headless account creation, config printing, and a graceful stop on SIGTERM
//! with the data still there on the next start.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;

const ULAK: &str = env!("CARGO_BIN_EXE_ulak");

fn data_dir(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "ulak-cli-{name}-{}-{}",
        std::process::id(),
        ulak::db::new_id()
    ))
}

#[test]
fn config_print_redacts_secrets_and_unknown_keys_are_named() {
    let out = Command::new(ULAK)
        .args(["config", "print"])
        .env("ULAK__DATABASE__PASSWORD", "hunter2")
        .env("ULAK__SERVER__LISTEN", "127.0.0.1:9999")
        .output()
        .unwrap();
    assert!(out.status.success());
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(printed.contains("listen = \"127.0.0.1:9999\""), "{printed}");
    assert!(
        !printed.contains("hunter2") && printed.contains("***"),
        "{printed}"
    );

    let out = Command::new(ULAK)
        .args(["config", "print"])
        .env("ULAK__SERVER__NOPE", "1")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("server.nope"));
}

/// Starts `ulak serve` the way `run.sh` does: from the data directory's parent, with a relative
/// `--data ./name`.
fn start(dir: &std::path::Path) -> (std::process::Child, u16) {
    let relative = std::path::Path::new(".").join(dir.file_name().unwrap());
    let mut command = Command::new(ULAK);
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(relative)
        .current_dir(dir.parent().unwrap());
    listening(command)
}

/// Spawns a command that starts Ulak with JSON logs and waits for the port it listens on.
fn listening(mut command: Command) -> (std::process::Child, u16) {
    let mut child = command
        .env("ULAK__LOG__FORMAT", "json")
        .env("ULAK__LOG__LEVEL", "info")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let port = loop {
        let line = lines.next().expect("ulak exited before listening").unwrap();
        let Ok(event) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        if let Some(port) = event["port"].as_u64() {
            break port as u16;
        }
    };
    // Keep draining the log so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, port)
}

fn sigterm_and_wait(mut child: std::process::Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "ulak exits cleanly on SIGTERM: {status}");
            return;
        }
        assert!(Instant::now() < deadline, "ulak did not stop after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_user_created_headlessly_signs_in_and_survives_a_sigterm_restart() {
    let dir = data_dir("serve");
    let mut create = Command::new(ULAK)
        .args([
            "user",
            "create",
            "--email",
            "root@example.com",
            "--password-stdin",
            "--superadmin",
            "--data",
        ])
        .arg(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    create
        .stdin
        .take()
        .unwrap()
        .write_all(b"root-password\n")
        .unwrap();
    let out = create.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("(superadmin)"));

    for _ in 0..2 {
        let (child, port) = start(&dir);
        let client = reqwest::Client::new();
        let response = client
            .post(format!("http://127.0.0.1:{port}/api/v1/auth/login"))
            .json(&json!({"email": "root@example.com", "password": "root-password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["user"]["superadmin"], true);
        sigterm_and_wait(child);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `./run.sh --listen ADDR` is the README's example of passing flags to `ulak serve`; run.sh passes
/// its own `--listen` default first. The build steps run against stand-ins for cargo and rustup
/// (the real build already happened), and the target directory points at the binaries built for
/// this test run.
#[tokio::test(flavor = "multi_thread")]
async fn run_sh_accepts_the_documented_extra_arguments() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let work = data_dir("run-sh");
    let stubs = work.join("bin");
    std::fs::create_dir_all(&stubs).unwrap();
    for tool in ["cargo", "rustup"] {
        let path = stubs.join(tool);
        std::fs::write(&path, "#!/bin/sh\nexit 0\n").unwrap();
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
    }
    // The real target directory holds the wasm plugins; the stand-in one puts this run's server
    // where run.sh expects the release build.
    let real_target = std::path::Path::new(ULAK)
        .parent()
        .and_then(|debug| debug.parent())
        .unwrap()
        .to_owned();
    let target = work.join("target");
    std::fs::create_dir_all(target.join("release")).unwrap();
    std::os::unix::fs::symlink(
        real_target.join("wasm32-wasip2"),
        target.join("wasm32-wasip2"),
    )
    .unwrap();
    std::os::unix::fs::symlink(ULAK, target.join("release").join("ulak")).unwrap();
    let mut command = Command::new("bash");
    command
        .arg(repo.join("run.sh"))
        .args(["--listen", "127.0.0.1:0", "--data"])
        .arg(work.join("data"))
        .env(
            "PATH",
            format!("{}:{}", stubs.display(), std::env::var("PATH").unwrap()),
        )
        .env("CARGO_TARGET_DIR", &target);
    let (child, port) = listening(command);
    let health = reqwest::get(format!("http://127.0.0.1:{port}/healthz"))
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    assert!(work.join("data").join("db").exists(), "--data was honoured");
    sigterm_and_wait(child);
    let _ = std::fs::remove_dir_all(&work);
}
