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

/// Starts `ulak serve` on the data directory and waits until it is ready. With the smallest
/// write buffer the store takes, so that its memtable is rotated and flushed several times before
/// the kill: a committed transaction lost across a rotation (as the store's engine once did, see
/// vendor/README.md) shows up as a message sent and counted twice.
async fn serve(data: &std::path::Path, port: u16) -> Child {
    serve_with(data, port, &[("ULAK__DATABASE__WRITE_BUFFER_MB", "16")]).await
}

/// [`serve`] with more settings in the environment.
pub async fn serve_with(data: &std::path::Path, port: u16, env: &[(&str, &str)]) -> Child {
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
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    crate::pipeline::wait_until_up(&format!("http://127.0.0.1:{port}/readyz")).await;
    Child(child)
}

pub fn caller(port: u16, token: Option<&str>) -> Caller {
    Caller {
        base: format!("http://127.0.0.1:{port}"),
        client: reqwest::Client::builder()
            .cookie_store(true)
            // The server drops a connection idle for 5 s; one reused at that moment fails with
            // `IncompleteMessage` (seen in CI after a test's long wait). Ours go first.
            .pool_idle_timeout(std::time::Duration::from_secs(3))
            .build()
            .unwrap(),
        csrf: None,
        bearer: token.map(str::to_owned),
    }
}

/// A campaign's results: `count` messages, one per recipient, each `sent` and recorded as sent
/// exactly once in its history.
pub fn assert_each_recipient_sent_once(messages: &[Value], count: usize) {
    assert_eq!(messages.len(), count);
    let contacts: HashSet<&str> = messages
        .iter()
        .map(|m| m["contact"].as_str().unwrap())
        .collect();
    assert_eq!(contacts.len(), count, "one message per recipient");
    for m in messages {
        assert_eq!(m["status"], "sent", "{m}");
        let sent = m["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["status"] == "sent")
            .count();
        assert_eq!(sent, 1, "recorded as sent exactly once: {m}");
    }
}

/// Registers the first account on a fresh server; returns its workspace and an owner token.
pub async fn first_owner(port: u16, email: &str) -> (String, String) {
    let mut owner = caller(port, None);
    let (status, body) = owner
        .post(
            "/api/v1/auth/register",
            json!({ "email": email, "password": "password123", "name": "Owner" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, login) = owner
        .post(
            "/api/v1/auth/login",
            json!({ "email": email, "password": "password123" }),
        )
        .await;
    owner.csrf = login["csrf_token"].as_str().map(str::to_owned);
    let ws = owner.first_workspace().await;
    let token = owner.token(&ws, None).await;
    (ws, token)
}

#[tokio::test(flavor = "multi_thread")]
async fn after_kill_9_mid_campaign_a_restart_sends_everything_and_resends_only_what_was_in_flight()
{
    let data = std::env::temp_dir().join(format!("ulak-crash-{}", ulak::db::new_id()));
    let (url, received, receiver) = crate::plugins::receiver(200).await;
    let port = free_port();
    let mut server = serve(&data, port).await;

    let (ws, token) = first_owner(port, "crash@example.com").await;
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
    assert_each_recipient_sent_once(&messages, COUNT);
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

#[tokio::test(flavor = "multi_thread")]
async fn webhook_deliveries_pending_at_a_kill_9_arrive_after_the_restart_none_lost() {
    let data = std::env::temp_dir().join(format!("ulak-crash-hooks-{}", ulak::db::new_id()));
    let retries = ["2s"; 20].join(",");
    let env = [
        // Twenty tries two seconds apart: enough to outlast the kill and the restart.
        ("ULAK__WEBHOOKS__RETRY_DELAYS", retries.as_str()),
        ("ULAK__EVENTS__SETTLE_MS", "300"),
    ];
    let port = free_port();
    let mut server = serve_with(&data, port, &env).await;
    let (ws, token) = first_owner(port, "hooks@example.com").await;
    let owner = caller(port, Some(&token));

    // The receiver is down: nothing listens on its port yet.
    let receiver_port = free_port();
    let (status, created) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/webhooks"),
            json!({ "url": format!("http://127.0.0.1:{receiver_port}/hook"), "types": ["contact.created"] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let hook = created["webhook"]["id"].as_str().unwrap().to_owned();
    let secret = created["secret"].as_str().unwrap().to_owned();
    let mut contacts = HashSet::new();
    for i in 0..20 {
        contacts
            .insert(crate::events::add_contact(&owner, &ws, &format!("+9053233300{i:02}")).await);
    }
    // Every delivery stored and tried at least once, none delivered.
    let deliveries = format!("/api/v1/workspaces/{ws}/webhooks/{hook}/deliveries?limit=100");
    wait_for(Duration::from_secs(30), || async {
        let (_, page) = owner.get(&deliveries).await;
        let items = page["items"].as_array().cloned().unwrap_or_default();
        (items.len() == 20
            && items
                .iter()
                .all(|d| !d["attempts"].as_array().unwrap().is_empty()))
        .then_some(())
    })
    .await;
    server.0.kill().unwrap();
    server.0.wait().unwrap();

    let receiver = crate::events::receiver(receiver_port, 0);
    std::fs::write(&receiver.secrets, format!("{secret}\n")).unwrap();
    let port = free_port();
    let _server = serve_with(&data, port, &env).await;
    let owner = caller(port, Some(&token));
    let got = wait_for(Duration::from_secs(60), || async {
        let lines = crate::events::received(&receiver.out);
        let ok: HashSet<String> = lines
            .iter()
            .filter(|l| l["status"] == 200)
            .map(|l| l["body"]["data"]["contact"].as_str().unwrap().to_owned())
            .collect();
        (ok.len() == 20).then_some(lines)
    })
    .await;
    assert!(
        got.iter().all(|l| l["verified"] == json!([true])),
        "{got:?}"
    );
    let ids: HashSet<&str> = got.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 20, "one delivery per event");
    let delivered: HashSet<String> = got
        .iter()
        .map(|l| l["body"]["data"]["contact"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(delivered, contacts);
    // Each recorded as delivered (the record follows the receiver's answer).
    wait_for(Duration::from_secs(10), || async {
        let (_, page) = owner.get(&deliveries).await;
        let items = page["items"].as_array().cloned().unwrap_or_default();
        (items.len() == 20 && items.iter().all(|d| d["state"] == "delivered")).then_some(())
    })
    .await;
    let _ = std::fs::remove_dir_all(&data);
}
