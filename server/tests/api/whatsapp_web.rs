//! WhatsApp Web channels as far as they run without WhatsApp's servers: the channel starts pairing,
//! its client dials the configured server through the outbound policy, and a server that cannot be
//! reached leaves it `disconnected` with the reason while it retries with backoff, never in a hot
//! loop; unlinking and pairing again; the routes that need a paired phone say so; deleting the
//! channel stops its connection and deletes its keys.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Caller, TestApp};
use crate::pipeline::wait_for;

/// A "WhatsApp server" that takes each connection and drops it at once, counting them: what a
/// network that does not carry the WebSocket looks like to the client.
async fn refusing_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/ws/chat", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(socket);
        }
    });
    (url, accepted)
}

async fn app_with(url: &str) -> TestApp {
    let url = url.to_owned();
    TestApp::spawn_with(move |s| {
        s.whatsapp_web.server_url = url;
        // A fixed version: no request to web.whatsapp.com for the latest one.
        s.whatsapp_web.version = "2.3000.1029000000".into();
        s.outbound.allow_private_networks = true;
    })
    .await
}

async fn channel(owner: &Caller, ws: &str) -> Value {
    let (status, created) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/channels"),
            json!({ "name": "Satış hattı", "kind": "whatsapp_web", "config": { "typing": true } }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created
}

async fn state_of(owner: &Caller, ws: &str, id: &str) -> Value {
    let (status, channel) = owner
        .get(&format!("/api/v1/workspaces/{ws}/channels/{id}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{channel}");
    channel
}

/// CPU time of this whole test process so far.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|i| fields.get(*i).and_then(|f| f.parse::<u64>().ok()))
        .sum();
    Duration::from_millis(ticks * 10)
}

async fn wa_state_rows(app: &TestApp, channel: &str) -> usize {
    let rows: Vec<Value> = app
        .state
        .db
        .rows(
            "SELECT VALUE id FROM array::first([wa_state:[$ch, NONE]..[$ch, {}]])",
            json!({ "ch": channel }),
        )
        .await
        .unwrap();
    rows.len()
}

#[tokio::test]
async fn without_a_reachable_server_the_channel_shows_why_and_retries_with_backoff() {
    let (url, accepted) = refusing_server().await;
    let app = app_with(&url).await;
    let (owner, _) = app.signed_up("wa-web@example.com").await;
    let ws = owner.first_workspace().await;
    let created = channel(&owner, &ws).await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["state"], "pairing", "{created}");
    assert_eq!(created["config"], json!({ "typing": true }), "{created}");

    // The reason names the server and what went wrong.
    let shown = wait_for(Duration::from_secs(30), || {
        let owner = owner.clone();
        let (ws, id) = (ws.clone(), id.clone());
        async move {
            let channel = state_of(&owner, &ws, &id).await;
            (channel["state"] == "disconnected").then_some(channel)
        }
    })
    .await;
    let reason = shown["state_reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("cannot reach WhatsApp at 127.0.0.1") && reason.contains("retrying"),
        "{reason}"
    );
    assert!(accepted.load(Ordering::SeqCst) >= 1);

    // The rate of attempts over 15 s: the crate's Fibonacci backoff (1, 1, 2, 3, 5, 8 s …) allows
    // about seven; a hot loop would make thousands.
    let (before, cpu_before, started) =
        (accepted.load(Ordering::SeqCst), cpu_time(), Instant::now());
    tokio::time::sleep(Duration::from_secs(15)).await;
    let attempts = accepted.load(Ordering::SeqCst) - before;
    let cpu = cpu_time().saturating_sub(cpu_before);
    eprintln!(
        "disconnected WhatsApp Web channel: {attempts} connection attempts and {} ms of CPU (whole test process) in {:.1} s",
        cpu.as_millis(),
        started.elapsed().as_secs_f64()
    );
    assert!(attempts <= 8, "{attempts} attempts in 15 s");

    // No code is on show, and a phone-number code needs a pairing channel.
    let (status, body) = owner
        .get(&format!(
            "/api/v1/workspaces/{ws}/channels/{id}/qr?format=svg"
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["code"], "no_code");
    let (status, body) = owner
        .get(&format!(
            "/api/v1/workspaces/{ws}/channels/{id}/qr?format=gif"
        ))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/channels/{id}/pair-code"),
            json!({ "phone": "+905551112233" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "not_pairing");
    let (status, body) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/channels/{id}/pair-code"),
            json!({ "phone": "0555 111 22 33" }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/channels/{id}/check-numbers"),
            json!({ "numbers": ["+905551112233"] }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "not_connected");
    let (status, page) = owner
        .get(&format!(
            "/api/v1/workspaces/{ws}/channels/{id}/contacts?search=ay"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["items"], json!([]));

    // A message to it waits (transient) instead of failing: the test send says so.
    let (status, body) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/channels/{id}/test"),
            json!({ "to": "+905551112233", "text": "Merhaba" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["details"]["transient"], true, "{body}");

    // The device's keys exist (created with the client); deleting the channel stops its
    // connection and deletes them.
    assert!(wa_state_rows(&app, &id).await > 0);
    let (status, body) = owner
        .delete(&format!("/api/v1/workspaces/{ws}/channels/{id}"))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    wait_for(Duration::from_secs(15), || async {
        app.state
            .pipeline
            .whatsapp_web
            .get(&id)
            .is_none()
            .then_some(())
    })
    .await;
    assert_eq!(wa_state_rows(&app, &id).await, 0);
    let after_delete = accepted.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        after_delete,
        "still dialling after deletion"
    );
    app.stop().await;
}

#[tokio::test]
async fn unlinking_forgets_the_device_and_pairing_again_starts_over() {
    let (url, accepted) = refusing_server().await;
    let app = app_with(&url).await;
    let (owner, _) = app.signed_up("wa-web-logout@example.com").await;
    let ws = owner.first_workspace().await;
    let id = channel(&owner, &ws).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    wait_for(Duration::from_secs(30), || async {
        (wa_state_rows(&app, &id).await > 0 && accepted.load(Ordering::SeqCst) > 0).then_some(())
    })
    .await;

    // Pairing again while pairing is refused only for a working channel.
    let (status, body) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/channels/{id}/logout"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let channel = state_of(&owner, &ws, &id).await;
    assert_eq!(channel["state"], "logged_out", "{channel}");
    assert_eq!(wa_state_rows(&app, &id).await, 0);
    // Logged out, it waits for a person: no more dialling.
    let idle_since = accepted.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert!(accepted.load(Ordering::SeqCst) <= idle_since + 1);

    let (status, body) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/channels/{id}/pair"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let dialled = accepted.load(Ordering::SeqCst);
    wait_for(Duration::from_secs(20), || async {
        (accepted.load(Ordering::SeqCst) > dialled).then_some(())
    })
    .await;

    // The audit log names both.
    let (status, log) = owner
        .get(&format!("/api/v1/workspaces/{ws}/audit?limit=50"))
        .await;
    assert_eq!(status, StatusCode::OK, "{log}");
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(actions.contains(&"channel.logged_out"), "{actions:?}");
    assert!(actions.contains(&"channel.pairing_started"), "{actions:?}");

    // The routes are for WhatsApp Web channels only, and for members who manage channels.
    let (status, sandbox) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/channels"),
            json!({ "name": "Prova", "kind": "sandbox", "config": {} }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{sandbox}");
    let (status, body) = owner
        .get(&format!(
            "/api/v1/workspaces/{ws}/channels/{}/qr",
            sandbox["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    app.register("wa-viewer@example.com").await;
    let viewer = app
        .add_member(&owner, &ws, "wa-viewer@example.com", "viewer")
        .await;
    let (status, _) = viewer
        .get(&format!("/api/v1/workspaces/{ws}/channels/{id}/qr"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = viewer
        .post(
            &format!("/api/v1/workspaces/{ws}/channels/{id}/logout"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    app.stop().await;
}
