//! Crash safety of the outbox: the real binary, SIGKILLed in the middle of a campaign, loses
//! nothing after a restart, and the only messages a receiver gets twice are those that were in
//! flight at the kill, resent with their original idempotency key.

use std::collections::{HashMap, HashSet};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::Caller;
use crate::pipeline::{Child, free_port, results, wait_for};

const ULAK: &str = env!("CARGO_BIN_EXE_ulak");
const COUNT: usize = 10_000;

/// Starts `ulak serve` on the data directory and waits until it is ready.
async fn serve(data: &std::path::Path, port: u16) -> Child {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(data.with_extension("log"))
        .unwrap();
    let child = Command::new(ULAK)
        .args(["serve", "--data"])
        .arg(data)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .env("ULAK__PLUGINS__DIR", crate::plugins::repo_path("plugins"))
        .env("ULAK__OUTBOUND__ALLOW_PRIVATE_NETWORKS", "true")
        .env("ULAK__LOG__LEVEL", "warn")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    wait_for(Duration::from_secs(60), || async {
        let ready = client
            .get(format!("http://127.0.0.1:{port}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success());
        ready.then_some(())
    })
    .await;
    Child(child)
}

fn caller(port: u16, token: Option<&str>) -> Caller {
    Caller {
        base: format!("http://127.0.0.1:{port}"),
        client: reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap(),
        csrf: None,
        bearer: token.map(str::to_owned),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn after_kill_9_mid_campaign_a_restart_sends_everything_and_resends_only_what_was_in_flight()
{
    let data = std::env::temp_dir().join(format!("ulak-crash-{}", ulak::db::new_id()));
    let (url, received, receiver) = crate::plugins::receiver(200).await;
    let port = free_port();
    let mut server = serve(&data, port).await;

    let mut owner = caller(port, None);
    let (status, body) = owner
        .post(
            "/api/v1/auth/register",
            json!({ "email": "crash@example.com", "password": "password123", "name": "Crash" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, login) = owner
        .post(
            "/api/v1/auth/login",
            json!({ "email": "crash@example.com", "password": "password123" }),
        )
        .await;
    owner.csrf = login["csrf_token"].as_str().map(str::to_owned);
    let ws = owner.first_workspace().await;
    let token = owner.token(&ws, None).await;
    let owner = caller(port, Some(&token));

    let rows: Vec<String> = (0..COUNT)
        .map(|i| format!("0532{:07};Kişi{i}", 3_000_000 + i))
        .collect();
    let csv = format!("Telefon;Ad\n{}\n", rows.join("\n"));
    crate::pipeline::import_csv(&owner, &ws, csv, None, Duration::from_secs(120)).await;
    let (status, body) = owner
        .patch(
            &format!("/api/v1/workspaces/{ws}/plugins/http-webhook"),
            json!({ "config": { "url": url, "secret": "gizli-ortak-anahtar-0123456789" } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let template = crate::pipeline::template(&owner, &ws, "Merhaba %ad%", Vec::new()).await;
    let channel =
        crate::pipeline::channel(&owner, &ws, "plugin", json!({ "plugin": "http-webhook" })).await;
    let id = crate::pipeline::campaign(
        &owner,
        &ws,
        json!({ "name": "Çökme", "template": template, "channel": channel,
                "audience": { "all": true },
                "rate": { "per_minute": null, "jitter_min_ms": 0, "jitter_max_ms": 0 } }),
    )
    .await;
    let (status, body) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/campaigns/{id}/start"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");

    // SIGKILL once about a third has reached the receiver.
    let started = Instant::now();
    let deadline = Instant::now() + Duration::from_secs(300);
    while received.lock().len() < COUNT / 3 {
        assert!(Instant::now() < deadline, "the campaign did not get going");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.0.kill().unwrap();
    server.0.wait().unwrap();
    let killed_at = chrono::Utc::now();
    let before_kill = started.elapsed();
    let at_kill = received.lock().len();
    assert!(at_kill < COUNT, "the kill came after the campaign ended");

    let restarted_at = Instant::now();
    let port = free_port();
    let _server = serve(&data, port).await;
    let owner = caller(port, Some(&token));
    let done = wait_for(Duration::from_secs(300), || async {
        let (_, campaign) = owner
            .get(&format!("/api/v1/workspaces/{ws}/campaigns/{id}"))
            .await;
        assert_ne!(campaign["state"], "failed", "{campaign}");
        (campaign["state"] == "completed").then_some(campaign)
    })
    .await;
    let recovery = restarted_at.elapsed();
    assert_eq!(done["counts"]["sent"], COUNT, "{done}");

    // What the receiver got, by idempotency key.
    let mut deliveries: HashMap<String, usize> = HashMap::new();
    for (headers, _) in received.lock().iter() {
        let key = headers
            .iter()
            .find(|(name, _)| name == "idempotency-key")
            .map(|(_, v)| v.clone())
            .expect("every request carries its idempotency key");
        *deliveries.entry(key).or_default() += 1;
    }
    // What Ulak recorded: each recipient once, sent once.
    let messages = results(&owner, &ws, &id).await;
    assert_eq!(messages.len(), COUNT);
    let ours: HashSet<String> = messages
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect();
    let theirs: HashSet<String> = deliveries.keys().cloned().collect();
    assert_eq!(
        ours, theirs,
        "the receiver got exactly the campaign's keys, all of them"
    );
    let contacts: HashSet<&str> = messages
        .iter()
        .map(|m| m["contact"].as_str().unwrap())
        .collect();
    assert_eq!(contacts.len(), COUNT, "one message per recipient");
    for m in &messages {
        assert_eq!(m["status"], "sent", "{m}");
        let sent = m["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["status"] == "sent")
            .count();
        assert_eq!(sent, 1, "recorded as sent exactly once: {m}");
    }
    // A message delivered twice was in flight at the kill: delivered before it, recorded as sent
    // only by the restarted server.
    let by_id: HashMap<&str, &Value> = messages
        .iter()
        .map(|m| (m["id"].as_str().unwrap(), m))
        .collect();
    let twice: Vec<&String> = deliveries
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(k, _)| k)
        .collect();
    for key in &twice {
        assert_eq!(deliveries[*key], 2, "{key} delivered more than twice");
        let sent_at =
            chrono::DateTime::parse_from_rfc3339(by_id[key.as_str()]["sent_at"].as_str().unwrap())
                .unwrap()
                .to_utc();
        assert!(
            sent_at > killed_at,
            "{key} was recorded before the kill, yet sent again"
        );
    }
    assert!(
        twice.len() <= 1_000,
        "at most one claim's worth in flight: {}",
        twice.len()
    );
    eprintln!(
        "crash safety: killed after {at_kill} of {COUNT} deliveries; {} duplicate deliveries \
         (in flight at the kill, same idempotency key); start to kill {:.1} s, restart to \
         completion {:.1} s",
        twice.len(),
        before_kill.as_secs_f64(),
        recovery.as_secs_f64()
    );
    receiver.stop(true).await;
    let _ = std::fs::remove_dir_all(&data);
    // The server's log stays beside the data when an assertion fails.
    let _ = std::fs::remove_file(data.with_extension("log"));
}
