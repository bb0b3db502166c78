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
    assert_eq!(body["code"], "not_connected");
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

/// What WhatsApp syncs after pairing, as the crate's events: an address-book entry and a push name.
fn synced_contacts() -> Vec<whatsapp_rust::types::events::Event> {
    use whatsapp_rust::types::events::{ContactUpdate, Event, PushNameUpdate};
    use whatsapp_rust::waproto::whatsapp as wa;
    let contact = |jid: &str, full: &str, first: &str| {
        Event::ContactUpdate(
            ContactUpdate::builder()
                .jid(jid.parse().unwrap())
                .timestamp(chrono::Utc::now())
                .action(Box::new(wa::sync_action_value::ContactAction {
                    full_name: Some(full.into()),
                    first_name: Some(first.into()),
                    ..Default::default()
                }))
                .from_full_sync(true)
                .build(),
        )
    };
    vec![
        contact("905551112233@s.whatsapp.net", "Ayşe Yılmaz", "Ayşe"),
        contact("905557776655@s.whatsapp.net", "Çağlar Öztürk", "Çağlar"),
        Event::PushNameUpdate(
            PushNameUpdate::builder()
                .jid("905551112233:3@s.whatsapp.net".parse().unwrap())
                .message(Box::new(
                    whatsapp_rust::types::message::MessageInfo::default(),
                ))
                .old_push_name(String::new())
                .new_push_name("Ayşe Y.".into())
                .build(),
        ),
        Event::PushNameUpdate(
            PushNameUpdate::builder()
                .jid("905553334455@s.whatsapp.net".parse().unwrap())
                .message(Box::new(
                    whatsapp_rust::types::message::MessageInfo::default(),
                ))
                .old_push_name(String::new())
                .new_push_name("Deniz".into())
                .build(),
        ),
    ]
}

#[tokio::test]
async fn the_phones_contacts_are_listed_and_imported_through_an_import_job() {
    let (url, _) = refusing_server().await;
    // With the bundled plugins: the import goes through the CSV importer.
    let app = crate::plugins::app_with_plugins(move |s| {
        s.whatsapp_web.server_url = url;
        s.whatsapp_web.version = "2.3000.1029000000".into();
        s.outbound.allow_private_networks = true;
    })
    .await;
    let (owner, _) = app.signed_up("wa-web-contacts@example.com").await;
    let ws = owner.first_workspace().await;
    let id = channel(&owner, &ws).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // What the connection task does with each event once paired.
    let store = ulak::transports::whatsapp_web::store::WaStore::new(app.state.db.clone(), &id);
    for event in synced_contacts() {
        ulak::transports::whatsapp_web::contacts::record(&app.state.db, &store, &id, &event)
            .await
            .unwrap();
    }

    let base = format!("/api/v1/workspaces/{ws}/channels/{id}");
    let (status, page) = owner.get(&format!("{base}/contacts?limit=2")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["items"].as_array().unwrap().len(), 2, "{page}");
    assert_eq!(page["items"][0]["number"], "+905551112233");
    assert_eq!(page["items"][0]["name"], "Ayşe Yılmaz");
    assert_eq!(page["items"][0]["push_name"], "Ayşe Y.");
    let next = page["next"].as_str().unwrap();
    let (_, rest) = owner
        .get(&format!("{base}/contacts?limit=2&after={next}"))
        .await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 1, "{rest}");
    assert!(rest["next"].is_null());
    let (_, found) = owner
        .get(&format!("{base}/contacts?search=%C3%A7a%C4%9F"))
        .await;
    assert_eq!(found["items"][0]["number"], "+905557776655", "{found}");
    let (status, _) = owner.get(&format!("{base}/contacts?limit=0")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = owner.get(&format!("{base}/contacts?after=abc")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Bad numbers are refused before anything starts; numbers never synced give nothing to import.
    let (status, body) = owner
        .post(
            &format!("{base}/contacts/import"),
            json!({ "numbers": ["0555"] }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = owner
        .post(
            &format!("{base}/contacts/import"),
            json!({ "numbers": ["+905550000000"] }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "no_contacts");

    // Two chosen ones, through the import job machinery.
    let (status, job) = owner
        .post(
            &format!("{base}/contacts/import"),
            json!({ "numbers": ["+905551112233", "+905553334455"], "tags": ["wa", "müşteri"] }),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let job_id = job["id"].as_str().unwrap().to_owned();
    let done = wait_for(Duration::from_secs(60), || {
        let owner = owner.clone();
        let path = format!("/api/v1/workspaces/{ws}/contacts/imports/{job_id}");
        async move {
            let (_, job) = owner.get(&path).await;
            (job["status"] == "done" || job["status"] == "failed").then_some(job)
        }
    })
    .await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["counts"]["created"], 2, "{done}");
    let (status, ayse) = owner
        .get(&format!("/api/v1/workspaces/{ws}/contacts/905551112233"))
        .await;
    assert_eq!(status, StatusCode::OK, "{ayse}");
    assert_eq!(ayse["first_name"], "Ayşe", "{ayse}");
    assert_eq!(ayse["last_name"], "Yılmaz", "{ayse}");
    assert_eq!(ayse["custom_fields"]["whatsapp_name"], "Ayşe Y.", "{ayse}");
    let tags: Vec<&str> = ayse["tags"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        tags.contains(&"wa") && tags.contains(&"müşteri"),
        "{tags:?}"
    );
    // Known only by the push name: that is the name.
    let (_, deniz) = owner
        .get(&format!("/api/v1/workspaces/{ws}/contacts/905553334455"))
        .await;
    assert_eq!(deniz["first_name"], "Deniz", "{deniz}");

    // All of them, as a dry run: counted, nothing written.
    let (status, job) = owner
        .post(
            &format!("{base}/contacts/import"),
            json!({ "dry_run": true }),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let job_id = job["id"].as_str().unwrap().to_owned();
    let done = wait_for(Duration::from_secs(60), || {
        let owner = owner.clone();
        let path = format!("/api/v1/workspaces/{ws}/contacts/imports/{job_id}");
        async move {
            let (_, job) = owner.get(&path).await;
            (job["status"] == "done" || job["status"] == "failed").then_some(job)
        }
    })
    .await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(done["counts"]["read"], 3, "{done}");
    let (status, _) = owner
        .get(&format!("/api/v1/workspaces/{ws}/contacts/905557776655"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Reading the phone's contacts needs the contacts permission as well; importing, writing them.
    app.register("wa-contacts-viewer@example.com").await;
    let viewer = app
        .add_member(&owner, &ws, "wa-contacts-viewer@example.com", "viewer")
        .await;
    let (status, _) = viewer
        .post(&format!("{base}/contacts/import"), json!({}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    app.stop().await;
}

/// The code in a QR image.
fn read_qr(image: image::GrayImage) -> String {
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    grids[0].decode().unwrap().1
}

#[tokio::test]
async fn pairing_codes_from_the_server_reach_the_api_drawn_and_as_events() {
    let (url, seen) = crate::wa_fake::start().await;
    let app = app_with(&url).await;
    let (owner, _) = app.signed_up("wa-web-qr@example.com").await;
    let ws = owner.first_workspace().await;
    let id = channel(&owner, &ws).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let base = format!("/api/v1/workspaces/{ws}/channels/{id}");

    // The client connects through the policy, completes the Noise handshake, is handed the
    // pairing refs and turns the first into the code a phone scans: ref, its Noise key, its
    // identity key, the ADV secret and its client type.
    let shown = code_on_show(&owner, &base).await;
    assert_eq!(seen.handshakes.load(Ordering::SeqCst), 1);
    assert_eq!(shown["kind"], "qr");
    let code = shown["code"].as_str().unwrap().to_owned();
    let parts: Vec<&str> = code.split(',').collect();
    assert_eq!(parts.len(), 5, "{code}");
    assert_eq!(parts[0], crate::wa_fake::REFS[0]);
    assert!(parts[1..4].iter().all(|p| p.len() == 44), "{code}");

    // Drawn as PNG and SVG, both read back to the same code.
    let response = owner
        .request(reqwest::Method::GET, &format!("{base}/qr?format=png"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "image/png");
    assert_eq!(response.headers()["cache-control"], "no-store");
    let png = response.bytes().await.unwrap();
    let image = image::load_from_memory(&png).unwrap().to_luma8();
    assert_eq!(read_qr(image), code);
    let response = owner
        .request(reqwest::Method::GET, &format!("{base}/qr?format=svg"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "image/svg+xml");
    let svg = response.text().await.unwrap();
    assert!(svg.contains("<svg") && !svg.contains("<script"));

    // Each new code is a `channel.pairing` event too (without the code: that is for those who
    // manage channels).
    let events = wait_for(Duration::from_secs(15), || {
        let owner = owner.clone();
        let path = format!("/api/v1/workspaces/{ws}/events?type=channel.pairing");
        async move {
            let (_, page) = owner.get(&path).await;
            page["items"]
                .as_array()
                .filter(|items| items.iter().any(|e| e["data"]["qr_expires_at"].is_string()))
                .cloned()
        }
    })
    .await;
    assert!(events.iter().all(|e| e["data"]["channel"] == id.as_str()));
    assert!(!events.iter().any(|e| e.to_string().contains(&code)));

    // The channel says what to do; the client acknowledged the server's stanza.
    let shown = state_of(&owner, &ws, &id).await;
    assert_eq!(shown["state"], "pairing");
    assert!(
        shown["state_reason"]
            .as_str()
            .unwrap_or_default()
            .contains("scan the QR code"),
        "{shown}"
    );
    assert!(seen.stanzas.lock().iter().any(|tag| tag == "iq"));

    // The phone scans it: WhatsApp sends the device identity signed with the phone's account
    // key; the client checks it against the QR code's secret, answers with its own signature,
    // and the channel keeps the paired number.
    seen.scan(&code);
    let paired = wait_for(Duration::from_secs(30), || {
        let owner = owner.clone();
        let (ws, id) = (ws.clone(), id.clone());
        async move {
            let channel = state_of(&owner, &ws, &id).await;
            (channel["config"]["account"]["number"] == "+905551112233").then_some(channel)
        }
    })
    .await;
    assert_eq!(paired["config"]["account"]["business_name"], "Ulak Test");
    wait_for(Duration::from_secs(10), || async {
        seen.signed.load(Ordering::SeqCst).then_some(())
    })
    .await;
    let (status, _) = owner.get(&format!("{base}/qr")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The server ends the pairing connection, as WhatsApp does; the client comes back as the
    // registered device from the store (a login, not a new pairing).
    wait_for(Duration::from_secs(30), || async {
        (seen.logins.load(Ordering::SeqCst) > 0).then_some(())
    })
    .await;
    // Settings saved afterwards keep the paired number.
    let (status, saved) = owner
        .patch(
            &base,
            json!({ "config": { "typing": false, "account": { "number": "+1" } } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(
        saved["config"]["account"]["number"], "+905551112233",
        "{saved}"
    );
    // New settings restart the channel: it logs in again with the same keys.
    let logins = seen.logins.load(Ordering::SeqCst);
    wait_for(Duration::from_secs(30), || async {
        (seen.logins.load(Ordering::SeqCst) > logins).then_some(())
    })
    .await;

    // Unlinking drops the connection and the keys, and keeps it off.
    let (status, body) = owner.post(&format!("{base}/logout"), json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert_eq!(state_of(&owner, &ws, &id).await["state"], "logged_out");
    assert_eq!(wa_state_rows(&app, &id).await, 0);
    let (status, _) = owner.get(&format!("{base}/qr")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let connections = seen.connections.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(seen.connections.load(Ordering::SeqCst), connections);
    app.stop().await;
}

/// The pairing code the channel at `base` shows, once WhatsApp has sent one.
async fn code_on_show(owner: &Caller, base: &str) -> Value {
    wait_for(Duration::from_secs(30), || {
        let owner = owner.clone();
        let path = format!("{base}/qr");
        async move {
            let (status, code) = owner.get(&path).await;
            (status == StatusCode::OK).then_some(code)
        }
    })
    .await
}

/// Creates a WhatsApp Web channel and pairs it with the stand-in server's phone; returns its id
/// once it is connected.
async fn paired_channel(owner: &Caller, ws: &str, seen: &crate::wa_fake::Seen) -> String {
    let id = channel(owner, ws).await["id"].as_str().unwrap().to_owned();
    let base = format!("/api/v1/workspaces/{ws}/channels/{id}");
    let shown = code_on_show(owner, &base).await;
    seen.scan(shown["code"].as_str().unwrap());
    // Paired, logged in again as the new device, its (empty) offline queue and app state synced:
    // connected.
    let connected = wait_for(Duration::from_secs(60), || {
        let owner = owner.clone();
        let (ws, id) = (ws.to_owned(), id.clone());
        async move {
            let channel = state_of(&owner, &ws, &id).await;
            (channel["state"] == "active").then_some(channel)
        }
    })
    .await;
    assert_eq!(connected["config"]["account"]["number"], "+905551112233");
    id
}

#[tokio::test]
async fn numbers_without_whatsapp_are_reported_by_the_dry_run_and_skipped_when_sending() {
    let (url, seen) = crate::wa_fake::start().await;
    seen.registered.lock().insert("905321000001".to_owned());
    let app = app_with(&url).await;
    let (owner, _) = app.signed_up("wa-web-numbers@example.com").await;
    let ws = owner.first_workspace().await;
    let id = paired_channel(&owner, &ws, &seen).await;
    let base = format!("/api/v1/workspaces/{ws}/channels/{id}");

    // The number check asks WhatsApp and answers in the order given.
    let (status, checked) = owner
        .post(
            &format!("{base}/check-numbers"),
            json!({ "numbers": ["+90 532 100 00 01", "+905321000002"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{checked}");
    assert_eq!(
        checked,
        json!([
            { "number": "+905321000001", "on_whatsapp": true, "business": false },
            { "number": "+905321000002", "on_whatsapp": false, "business": false },
        ])
    );
    assert_eq!(*seen.asked.lock(), ["905321000001", "905321000002"]);
    let (status, refused) = owner
        .post(
            &format!("{base}/check-numbers"),
            json!({ "numbers": ["05321000001"] }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!(refused["details"]["field"], "numbers[0]", "{refused}");

    // Three contacts: one on WhatsApp, one known not to be, one not asked about yet.
    for (i, tags) in [
        (1, json!(["a"])),
        (2, json!(["a", "b"])),
        (3, json!(["a", "b"])),
    ] {
        let (status, created) = owner
            .post(
                &format!("/api/v1/workspaces/{ws}/contacts"),
                json!({ "phone": format!("+90532100000{i}"), "first_name": format!("Kişi{i}"), "tags": tags }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
    }
    let template = crate::pipeline::template(&owner, &ws, "Merhaba %ad%", Vec::new()).await;
    let everyone = crate::pipeline::campaign(
        &owner,
        &ws,
        json!({ "name": "Herkes", "template": template, "channel": id,
                "audience": { "tags_any": ["a"] } }),
    )
    .await;
    let (status, dry) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/campaigns/{everyone}/dry-run"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{dry}");
    assert_eq!(dry["audience"], 3, "{dry}");
    assert_eq!(dry["would_send"], 1, "{dry}");
    assert_eq!(dry["skipped"]["not_on_whatsapp"], 2, "{dry}");
    assert_eq!(dry["unchecked_on_whatsapp"], 0, "{dry}");
    assert_eq!(dry["samples"][0]["text"], "Merhaba Kişi1", "{dry}");
    // Remembered answers are not asked again: only the third number was.
    assert_eq!(
        *seen.asked.lock(),
        ["905321000001", "905321000002", "905321000003"]
    );

    // Sending skips the two without an account, with that reason, instead of sending into
    // nothing; WhatsApp is not asked about them again.
    let absent = crate::pipeline::campaign(
        &owner,
        &ws,
        json!({ "name": "Yoklar", "template": template, "channel": id,
                "audience": { "tags_any": ["b"] } }),
    )
    .await;
    crate::pipeline::start(&owner, &ws, &absent).await;
    crate::pipeline::campaign_in(&owner, &ws, &absent, "completed", Duration::from_secs(30)).await;
    let messages = crate::pipeline::results(&owner, &ws, &absent).await;
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages
            .iter()
            .all(|m| m["status"] == "skipped" && m["reason"] == "not_on_whatsapp"),
        "{messages:?}"
    );
    assert_eq!(seen.asked.lock().len(), 3);
    app.stop().await;
}

/// Serves `body` to every GET on loopback, counting the requests: a stand-in for WhatsApp's
/// media servers, which hold media encrypted with the key the message carries.
async fn media_server(body: Vec<u8>) -> (String, Arc<AtomicUsize>) {
    media_server_at("127.0.0.1", body).await
}

async fn media_server_at(ip: &str, body: Vec<u8>) -> (String, Arc<AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind((ip, 0)).await.unwrap();
    let url = format!(
        "http://{}/v/t62.7118-24/ulak-test.enc",
        listener.local_addr().unwrap()
    );
    let served = Arc::new(AtomicUsize::new(0));
    let counter = served.clone();
    let body = Arc::new(body);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (counter, body) = (counter.clone(), body.clone());
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                counter.fetch_add(1, Ordering::SeqCst);
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&body).await;
            });
        }
    });
    (url, served)
}

/// A direct message from `digits`, as the client hands it over after decrypting it.
fn from_phone(
    digits: &str,
    id: &str,
    message: whatsapp_rust::waproto::whatsapp::Message,
) -> whatsapp_rust::types::events::InboundMessage {
    use whatsapp_rust::types::message::{MessageInfo, MessageSource};
    let jid = whatsapp_rust::Jid::pn(digits);
    let info = MessageInfo {
        source: MessageSource {
            chat: jid.clone(),
            sender: jid,
            ..Default::default()
        },
        id: id.into(),
        push_name: "Ayşe".into(),
        timestamp: chrono::Utc::now(),
        ..Default::default()
    };
    whatsapp_rust::types::events::InboundMessage::builder()
        .message(Arc::new(message))
        .info(Arc::new(info))
        .build()
}

/// An image message as a phone sends it: where the encrypted file is, its key and digests.
fn photo_message(
    sealed: &whatsapp_rust::wacore::upload::EncryptedMedia,
    url: String,
    caption: Option<&str>,
    length: usize,
) -> whatsapp_rust::waproto::whatsapp::Message {
    use whatsapp_rust::waproto::whatsapp as wa;
    wa::Message {
        image_message: whatsapp_rust::waproto::buffa::MessageField::some(
            wa::message::ImageMessage {
                static_url: Some(url),
                mimetype: Some("image/png".into()),
                caption: caption.map(Into::into),
                file_length: Some(length as u64),
                media_key: Some(sealed.media_key.to_vec()),
                file_sha256: Some(sealed.file_sha256.to_vec()),
                file_enc_sha256: Some(sealed.file_enc_sha256.to_vec()),
                ..Default::default()
            },
        ),
        ..Default::default()
    }
}

#[tokio::test]
async fn received_messages_reach_the_inbox_with_their_media_in_the_library() {
    use whatsapp_rust::waproto::whatsapp as wa;
    let (url, seen) = crate::wa_fake::start().await;
    let app = app_with(&url).await;
    let (owner, _) = app.signed_up("wa-web-inbound@example.com").await;
    let ws = owner.first_workspace().await;
    let id = paired_channel(&owner, &ws, &seen).await;
    let pipeline = app.state.pipeline.clone();
    let channel = ulak::channels::find(&pipeline.db, &ws, &id)
        .await
        .unwrap()
        .unwrap();
    let store = ulak::transports::whatsapp_web::store::WaStore::new(pipeline.db.clone(), &id);
    let client = pipeline
        .whatsapp_web
        .get(&id)
        .and_then(|live| live.client());
    assert!(client.is_some(), "the paired channel's client is logged in");

    // A photo, encrypted as a sender's phone does, on a "media server".
    let mut png = Vec::new();
    image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 90]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let sealed = whatsapp_rust::wacore::upload::encrypt_media(
        &png,
        whatsapp_rust::download::MediaType::Image,
    )
    .unwrap();
    let (media_url, served) = media_server(sealed.data_to_upload.clone()).await;
    let photo = photo_message(&sealed, media_url, Some("Sipariş fotoğrafı"), png.len());
    let text = wa::Message {
        conversation: Some("Merhaba, siparişim nerede?".into()),
        ..Default::default()
    };
    let batch = whatsapp_rust::types::events::MessageBatch::builder()
        .messages(Arc::from(vec![
            from_phone("905321000009", "3EB0TEXT0001", text),
            from_phone("905321000009", "3EB0PHOTO001", photo),
        ]))
        .origin(whatsapp_rust::types::events::BatchOrigin::Live)
        .build();
    let event = whatsapp_rust::types::events::Event::Messages(batch);
    ulak::transports::whatsapp_web::inbound::apply(
        &pipeline,
        &channel,
        &store,
        client.clone(),
        &event,
    )
    .await;

    // Both reach the conversation with the sender, who becomes a contact; the photo's media was
    // downloaded, decrypted and kept in the library, attached to its message.
    let thread = wait_for(Duration::from_secs(30), || {
        let owner = owner.clone();
        let path = format!("/api/v1/workspaces/{ws}/conversations/905321000009/messages");
        async move {
            let (status, thread) = owner.get(&path).await;
            let items = thread["items"].as_array().cloned().unwrap_or_default();
            (status == StatusCode::OK
                && items.len() == 2
                && items.iter().any(|m| m["attachments"][0].is_object()))
            .then_some(thread)
        }
    })
    .await;
    let items = thread["items"].as_array().unwrap();
    assert!(items.iter().all(|m| m["direction"] == "in"), "{thread}");
    let texts: Vec<&str> = items.iter().filter_map(|m| m["text"].as_str()).collect();
    assert!(texts.contains(&"Merhaba, siparişim nerede?"), "{thread}");
    assert!(texts.contains(&"[image] Sipariş fotoğrafı"), "{thread}");
    let photo = items
        .iter()
        .find(|m| m["text"] == "[image] Sipariş fotoğrafı")
        .unwrap();
    let attachment = &photo["attachments"][0];
    assert_eq!(attachment["kind"], "image", "{photo}");
    assert_eq!(attachment["mime"], "image/png", "{photo}");
    assert_eq!(served.load(Ordering::SeqCst), 1);
    let response = owner
        .request(
            reqwest::Method::GET,
            &format!(
                "/api/v1/workspaces/{ws}/media/{}/content",
                attachment["media_id"].as_str().unwrap()
            ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.bytes().await.unwrap().to_vec(), png);
    let (_, contact) = owner
        .get(&format!("/api/v1/workspaces/{ws}/contacts/905321000009"))
        .await;
    assert_eq!(contact["phone"], "+905321000009", "{contact}");

    // The same message delivered again is recorded once; media whose bytes do not match what the
    // message says is not kept, nor media on a host that is not WhatsApp's (a sender's choice:
    // never fetched); the messages still arrive, with their text.
    let mut tampered = sealed.data_to_upload.clone();
    tampered[10] ^= 1;
    let (bad_url, bad_served) = media_server(tampered).await;
    let (elsewhere_url, elsewhere_served) =
        media_server_at("127.0.0.2", sealed.data_to_upload.clone()).await;
    let elsewhere = photo_message(&sealed, elsewhere_url, Some("başka yer"), png.len());
    let forged = photo_message(&sealed, bad_url, None, png.len());
    let batch = whatsapp_rust::types::events::MessageBatch::builder()
        .messages(Arc::from(vec![
            from_phone(
                "905321000009",
                "3EB0TEXT0001",
                wa::Message {
                    conversation: Some("Merhaba, siparişim nerede?".into()),
                    ..Default::default()
                },
            ),
            from_phone("905321000009", "3EB0FORGED01", forged),
            from_phone("905321000009", "3EB0ELSEWHR1", elsewhere),
        ]))
        .origin(whatsapp_rust::types::events::BatchOrigin::Live)
        .build();
    ulak::transports::whatsapp_web::inbound::apply(
        &pipeline,
        &channel,
        &store,
        client,
        &whatsapp_rust::types::events::Event::Messages(batch),
    )
    .await;
    wait_for(Duration::from_secs(30), || {
        let owner = owner.clone();
        let path = format!("/api/v1/workspaces/{ws}/conversations/905321000009/messages");
        async move {
            let (_, thread) = owner.get(&path).await;
            (thread["items"].as_array().is_some_and(|i| i.len() == 4)).then_some(())
        }
    })
    .await;
    wait_for(Duration::from_secs(30), || async {
        (bad_served.load(Ordering::SeqCst) > 0).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(elsewhere_served.load(Ordering::SeqCst), 0);
    let (_, thread) = owner
        .get(&format!(
            "/api/v1/workspaces/{ws}/conversations/905321000009/messages"
        ))
        .await;
    assert!(
        thread["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["text"] == "[image] başka yer" && m["attachments"] == json!([])),
        "{thread}"
    );
    let forged = thread["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["text"] == "[image]")
        .cloned()
        .unwrap_or_else(|| panic!("{thread}"));
    assert_eq!(forged["attachments"], json!([]), "{forged}");
    let (_, library) = owner.get(&format!("/api/v1/workspaces/{ws}/media")).await;
    assert_eq!(library["items"].as_array().unwrap().len(), 1, "{library}");
    app.stop().await;
}
