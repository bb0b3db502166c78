//! The messaging pipeline end to end: channels, campaigns through the outbox and the dispatcher,
//! single sends, delivery reports, inbound messages, conversations and opt-out.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::Caller;

/// Creates contacts `05321000000 + i` named `Kişi{i}`, half of them female, tagged `tag`.
pub async fn contacts(owner: &Caller, ws: &str, count: usize, tag: &str) {
    for chunk in (0..count).collect::<Vec<_>>().chunks(500) {
        let lines: Vec<String> = chunk
            .iter()
            .map(|i| format!("0532{:07};Kişi{i};Soyad{i};{tag}", 1_000_000 + i))
            .collect();
        let csv = format!("Telefon;Ad;Soyad;Etiketler\n{}\n", lines.join("\n"));
        import_csv(
            owner,
            ws,
            csv,
            Some(json!({ "mapping": { "Etiketler": "tags" } })),
            Duration::from_secs(60),
        )
        .await;
    }
}

/// Imports a CSV through the csv-importer plugin and waits until the job is done.
pub async fn import_csv(
    owner: &Caller,
    ws: &str,
    csv: String,
    options: Option<Value>,
    limit: Duration,
) {
    let id = start_import(owner, ws, csv, options).await;
    wait_for(limit, || async {
        let (_, job) = owner
            .get(&format!("/api/v1/workspaces/{ws}/contacts/imports/{id}"))
            .await;
        assert_ne!(job["status"], "failed", "{job}");
        (job["status"] == "done").then_some(())
    })
    .await;
}

/// Uploads a CSV for the csv-importer plugin; returns the import job's id (202 asserted).
pub async fn start_import(owner: &Caller, ws: &str, csv: String, options: Option<Value>) -> String {
    let mut form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("k.csv"),
        )
        .text("importer", "csv-importer");
    if let Some(options) = options {
        form = form.text("options", options.to_string());
    }
    let (status, job) = owner
        .send(
            owner
                .request(
                    reqwest::Method::POST,
                    &format!("/api/v1/workspaces/{ws}/contacts/imports"),
                )
                .multipart(form),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    job["id"].as_str().unwrap().to_owned()
}

/// Waits (at most a minute) until `url` answers with a success: a server process just started.
pub async fn wait_until_up(url: &str) {
    let client = reqwest::Client::new();
    wait_for(Duration::from_secs(60), || async {
        let up = client
            .get(url)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success());
        up.then_some(())
    })
    .await;
}

/// Polls until `check` answers, failing after `limit`.
pub async fn wait_for<T, F, Fut>(limit: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + limit;
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(Instant::now() < deadline, "not within {limit:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn template(owner: &Caller, ws: &str, body: &str, media: Vec<String>) -> String {
    let (status, created) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/templates"),
            json!({ "name": "t", "body": body, "media": media }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

pub async fn channel(owner: &Caller, ws: &str, kind: &str, config: Value) -> String {
    let (status, created) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/channels"),
            json!({ "name": kind, "kind": kind, "config": config }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

pub async fn campaign(owner: &Caller, ws: &str, body: Value) -> String {
    let (status, created) = owner
        .post(&format!("/api/v1/workspaces/{ws}/campaigns"), body)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

/// Waits until the campaign is in `state`; returns it.
pub async fn campaign_in(
    owner: &Caller,
    ws: &str,
    id: &str,
    state: &str,
    limit: Duration,
) -> Value {
    wait_for(limit, || async {
        let (_, campaign) = owner
            .get(&format!("/api/v1/workspaces/{ws}/campaigns/{id}"))
            .await;
        assert_ne!(campaign["state"], "failed", "{campaign}");
        (campaign["state"] == state).then_some(campaign)
    })
    .await
}

pub async fn results(owner: &Caller, ws: &str, id: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut cursor = String::new();
    loop {
        let (status, page) = owner
            .get(&format!(
                "/api/v1/workspaces/{ws}/campaigns/{id}/messages?limit=500{}",
                if cursor.is_empty() {
                    String::new()
                } else {
                    format!("&cursor={cursor}")
                }
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        all.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => return all,
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sandbox_campaign_reaches_every_contact_once_with_delivery_reports() {
    let app = crate::plugins::app_with_plugins(|_| {}).await;
    let (owner, _) = app.signed_up("camp@example.com").await;
    let ws = owner.first_workspace().await;
    contacts(&owner, &ws, 30, "liste").await;
    let template = template(&owner, &ws, "%sayın%, merhaba %ad%!", Vec::new()).await;
    let channel = channel(
        &owner,
        &ws,
        "sandbox",
        json!({ "delivered_rate": 1.0, "read_rate": 0.5, "delay_ms": 100 }),
    )
    .await;
    let id = campaign(
        &owner,
        &ws,
        json!({ "name": "Deneme", "template": template, "channel": channel,
                "audience": { "tags_any": ["liste"] },
                "rate": { "per_minute": null, "jitter_min_ms": 0, "jitter_max_ms": 0 } }),
    )
    .await;
    let (status, dry) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/campaigns/{id}/dry-run"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{dry}");
    assert_eq!(
        (dry["audience"].as_i64(), dry["would_send"].as_i64()),
        (Some(30), Some(30))
    );
    assert_eq!(
        dry["samples"][0]["text"],
        "Sayın Kişi0 Soyad0, merhaba Kişi0!"
    );
    let (status, started) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/campaigns/{id}/start"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{started}");
    let done = campaign_in(&owner, &ws, &id, "completed", Duration::from_secs(30)).await;
    assert_eq!(done["total"], 30, "{done}");
    // Reports arrive after the delay: every message is delivered, about half read.
    let counts = wait_for(Duration::from_secs(10), || async {
        let (_, c) = owner
            .get(&format!("/api/v1/workspaces/{ws}/campaigns/{id}"))
            .await;
        let counts = c["counts"].clone();
        let reported =
            counts["delivered"].as_i64().unwrap_or(0) + counts["read"].as_i64().unwrap_or(0);
        (reported == 30).then_some(counts)
    })
    .await;
    assert_eq!(counts["queued"].as_i64().unwrap_or(0), 0, "{counts}");
    assert!(counts["read"].as_i64().unwrap() > 5, "{counts}");
    let messages = results(&owner, &ws, &id).await;
    assert_eq!(messages.len(), 30);
    for m in &messages {
        let name = m["text"].as_str().unwrap();
        assert!(name.starts_with("Sayın Kişi"), "{m}");
        let statuses: Vec<&str> = m["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["status"].as_str().unwrap())
            .collect();
        assert_eq!(&statuses[..2], ["queued", "sent"], "{m}");
        // Never backwards: a late `delivered` after `read` is not applied.
        assert!(
            ["delivered", "read"].contains(&m["status"].as_str().unwrap()),
            "{m}"
        );
        assert_eq!(m["attempts"], 1);
    }

    // The dashboard's figures: every message sent and delivered, the read ones read, on the
    // workspace's days (the window's sum, should the test run across midnight).
    let stats_path = format!("/api/v1/workspaces/{ws}/messages/stats");
    let (status, stats) = owner.get(&format!("{stats_path}?days=3")).await;
    assert_eq!(status, StatusCode::OK, "{stats}");
    let days = stats["days"].as_array().unwrap();
    assert_eq!(days.len(), 3, "{stats}");
    let window = |status: &str| {
        days.iter()
            .map(|d| d[status].as_u64().unwrap())
            .sum::<u64>()
    };
    let read = counts["read"].as_u64().unwrap();
    assert_eq!(
        (
            window("sent"),
            window("delivered"),
            window("read"),
            window("failed")
        ),
        (30, 30, read, 0),
        "{stats}"
    );
    assert_eq!(days[0]["sent"], 0, "{stats}");
    let week = &stats["last_7_days"];
    assert_eq!(
        (&week["sent"], &week["delivered"]),
        (&json!(30), &json!(30))
    );
    assert_eq!(stats["delivery_rate"], 1.0, "{stats}");
    assert_eq!(stats["read_rate"].as_f64().unwrap(), read as f64 / 30.0);
    assert_eq!(stats["time_zone"], "Europe/Istanbul");
    for bad in ["days=0", "days=91", "days=x", "since=1"] {
        let (status, body) = owner.get(&format!("{stats_path}?{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    // Another workspace sees its own (empty) figures only.
    let (other, _) = app.signed_up("other@example.com").await;
    let (_, created) = other
        .post("/api/v1/workspaces", json!({ "name": "Başka" }))
        .await;
    let other_ws = created["id"].as_str().unwrap().to_owned();
    let (status, theirs) = other
        .get(&format!("/api/v1/workspaces/{other_ws}/messages/stats"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(theirs["last_7_days"]["sent"], 0, "{theirs}");
    assert_eq!(theirs["delivery_rate"], Value::Null);
    assert_eq!(theirs["days"].as_array().unwrap().len(), 14);
    assert_eq!(other.get(&stats_path).await.0, StatusCode::NOT_FOUND);
    app.stop().await;
}

fn sent_times(messages: &[Value]) -> Vec<chrono::DateTime<chrono::Utc>> {
    let mut times: Vec<_> = messages
        .iter()
        .filter_map(|m| m["sent_at"].as_str())
        .map(|t| chrono::DateTime::parse_from_rfc3339(t).unwrap().to_utc())
        .collect();
    times.sort();
    times
}

pub async fn start(owner: &Caller, ws: &str, id: &str) {
    let (status, body) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/campaigns/{id}/start"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
}

/// A workspace with contacts, a template and a sandbox channel.
async fn stage(
    app: &crate::helpers::TestApp,
    email: &str,
    contacts_count: usize,
) -> (Caller, String, String, String) {
    let (owner, _) = app.signed_up(email).await;
    let ws = owner.first_workspace().await;
    contacts(&owner, &ws, contacts_count, "liste").await;
    let template = template(&owner, &ws, "Merhaba %ad%", Vec::new()).await;
    let channel = channel(&owner, &ws, "sandbox", json!({})).await;
    (owner, ws, template, channel)
}

/// A campaign to `contacts` contacts started on a paused sandbox channel: queued, never sent.
/// Returns the owner, the workspace, the channel and the campaign.
async fn started_on_paused_channel(
    app: &crate::helpers::TestApp,
    email: &str,
    contacts: usize,
) -> (Caller, String, String, String) {
    let (owner, ws, template, channel) = stage(app, email, contacts).await;
    let (status, body) = owner
        .patch(
            &format!("/api/v1/workspaces/{ws}/channels/{channel}"),
            json!({ "state": "paused" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let id = campaign(
        &owner,
        &ws,
        json!({ "name": "Duraklatılmış", "template": template, "channel": channel, "audience": { "all": true } }),
    )
    .await;
    start(&owner, &ws, &id).await;
    (owner, ws, channel, id)
}

#[tokio::test(flavor = "multi_thread")]
async fn pause_resume_and_cancel_take_effect_within_a_second() {
    let app = crate::plugins::app_with_plugins(|_| {}).await;
    let (owner, ws, template, channel) = stage(&app, "pause@example.com", 40).await;
    let id = campaign(
        &owner,
        &ws,
        json!({ "name": "Yavaş", "template": template, "channel": channel, "audience": { "all": true },
                "rate": { "per_minute": 240, "jitter_min_ms": 0, "jitter_max_ms": 0 } }),
    )
    .await;
    start(&owner, &ws, &id).await;
    let path = format!("/api/v1/workspaces/{ws}/campaigns/{id}");
    wait_for(Duration::from_secs(15), || async {
        let (_, c) = owner.get(&path).await;
        (c["counts"]["sent"].as_i64().unwrap_or(0) >= 3).then_some(())
    })
    .await;
    let (status, paused) = owner.post(&format!("{path}/pause"), json!({})).await;
    assert_eq!(
        (status, paused["state"].as_str()),
        (StatusCode::OK, Some("paused")),
        "{paused}"
    );
    let paused_at = chrono::Utc::now();
    // The list filters by state (the dashboard's "under way").
    let list = format!("/api/v1/workspaces/{ws}/campaigns");
    let ids = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let (status, under_way) = owner
        .get(&format!("{list}?state=running,paused,scheduled"))
        .await;
    assert_eq!(status, StatusCode::OK, "{under_way}");
    assert_eq!(ids(&under_way), std::slice::from_ref(&id));
    let (_, done) = owner.get(&format!("{list}?state=completed")).await;
    assert!(ids(&done).is_empty(), "{done}");
    let (status, body) = owner.get(&format!("{list}?state=running,bogus")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    tokio::time::sleep(Duration::from_secs(3)).await;
    let after_pause = sent_times(&results(&owner, &ws, &id).await);
    let late: Vec<_> = after_pause
        .iter()
        .filter(|t| **t > paused_at + chrono::Duration::seconds(1))
        .collect();
    assert!(late.is_empty(), "sent after the pause: {late:?}");
    let sent_while_paused = after_pause.len();
    assert!(sent_while_paused < 40);

    let (status, _) = owner.post(&format!("{path}/resume"), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    wait_for(Duration::from_secs(15), || async {
        let (_, c) = owner.get(&path).await;
        (c["counts"]["sent"].as_i64().unwrap_or(0) as usize >= sent_while_paused + 3).then_some(())
    })
    .await;
    let (status, cancelled) = owner.post(&format!("{path}/cancel"), json!({})).await;
    assert_eq!(
        (status, cancelled["state"].as_str()),
        (StatusCode::OK, Some("cancelled")),
        "{cancelled}"
    );
    let cancelled_at = chrono::Utc::now();
    tokio::time::sleep(Duration::from_secs(5)).await;
    let messages = results(&owner, &ws, &id).await;
    let late: Vec<_> = sent_times(&messages)
        .into_iter()
        .filter(|t| *t > cancelled_at + chrono::Duration::seconds(1))
        .collect();
    assert!(late.is_empty(), "sent after cancelling: {late:?}");
    let (_, c) = owner.get(&path).await;
    let counts = &c["counts"];
    assert_eq!(counts["queued"].as_i64().unwrap_or(0), 0, "{counts}");
    assert_eq!(
        counts["sent"].as_i64().unwrap() + counts["cancelled"].as_i64().unwrap(),
        40,
        "{counts}"
    );
    let cancelled_rows = messages
        .iter()
        .filter(|m| m["status"] == "cancelled")
        .count();
    assert_eq!(cancelled_rows as i64, counts["cancelled"].as_i64().unwrap());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_rate_jitter_window_and_daily_cap_are_obeyed() {
    let app = crate::plugins::app_with_plugins(|_| {}).await;
    let (owner, ws, template, channel) = stage(&app, "rate@example.com", 6).await;
    // 60 a minute, with a random pause after each send: gaps of at least a second, not all alike.
    let id = campaign(
        &owner,
        &ws,
        json!({ "name": "60/dk", "template": template, "channel": channel, "audience": { "all": true },
                "rate": { "per_minute": 60, "jitter_min_ms": 0, "jitter_max_ms": 1500 } }),
    )
    .await;
    start(&owner, &ws, &id).await;
    campaign_in(&owner, &ws, &id, "completed", Duration::from_secs(30)).await;
    let times = sent_times(&results(&owner, &ws, &id).await);
    assert_eq!(times.len(), 6);
    let gaps: Vec<i64> = times
        .windows(2)
        .map(|w| (w[1] - w[0]).num_milliseconds())
        .collect();
    assert!(
        gaps.iter().all(|g| *g >= 950),
        "faster than 60 a minute: {gaps:?}"
    );
    let spread = gaps.iter().max().unwrap() - gaps.iter().min().unwrap();
    assert!(spread > 100, "no jitter between sends: {gaps:?}");

    // A window that is closed now: nothing goes, the campaign waits.
    let now = chrono::Utc::now().with_timezone(&chrono_tz::Europe::Istanbul);
    let from = (now + chrono::Duration::hours(2))
        .format("%H:%M")
        .to_string();
    let to = (now + chrono::Duration::hours(3))
        .format("%H:%M")
        .to_string();
    let closed = campaign(
        &owner,
        &ws,
        json!({ "name": "Kapalı", "template": template, "channel": channel, "audience": { "all": true },
                "schedule": { "window": { "from": from, "to": to } },
                "rate": { "per_minute": null, "jitter_min_ms": 0, "jitter_max_ms": 0 } }),
    )
    .await;
    start(&owner, &ws, &closed).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (_, waiting) = owner
        .get(&format!("/api/v1/workspaces/{ws}/campaigns/{closed}"))
        .await;
    assert_eq!(waiting["state"], "running");
    assert_eq!(
        waiting["counts"]["sent"].as_i64().unwrap_or(0),
        0,
        "{waiting}"
    );
    assert_eq!(waiting["counts"]["queued"], 6, "{waiting}");
    owner
        .post(
            &format!("/api/v1/workspaces/{ws}/campaigns/{closed}/cancel"),
            json!({}),
        )
        .await;

    // The channel's daily cap: six sent today already, a cap of eight lets two more go.
    let capped = campaign(
        &owner,
        &ws,
        json!({ "name": "Tavan", "template": template, "channel": channel, "audience": { "all": true },
                "rate": { "per_minute": null, "jitter_min_ms": 0, "jitter_max_ms": 0, "daily_cap": 8 } }),
    )
    .await;
    start(&owner, &ws, &capped).await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    let (_, c) = owner
        .get(&format!("/api/v1/workspaces/{ws}/campaigns/{capped}"))
        .await;
    assert_eq!(c["counts"]["sent"], 2, "{c}");
    assert_eq!(c["counts"]["queued"], 4, "{c}");
    assert_eq!(c["state"], "running");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_single_send_with_an_idempotency_key_is_sent_once() {
    let app = crate::plugins::app_with_plugins(|_| {}).await;
    let (owner, ws, template, channel) = stage(&app, "single@example.com", 1).await;
    let send = || {
        owner.send(
            owner
                .request(reqwest::Method::POST, &format!("/api/v1/workspaces/{ws}/messages"))
                .header("Idempotency-Key", "order-1042-shipped")
                .json(&json!({ "channel": channel, "phone": "0532 100 00 00", "template_id": template })),
        )
    };
    let (first_status, first) = send().await;
    assert_eq!(first_status, StatusCode::ACCEPTED, "{first}");
    let (again_status, again) = send().await;
    assert_eq!(again_status, StatusCode::OK, "{again}");
    assert_eq!(first["id"], again["id"]);
    let id = first["id"].as_str().unwrap();
    let sent = wait_for(Duration::from_secs(10), || async {
        let (_, m) = owner
            .get(&format!("/api/v1/workspaces/{ws}/messages/{id}"))
            .await;
        (m["status"] == "sent").then_some(m)
    })
    .await;
    assert_eq!(sent["text"], "Merhaba Kişi0");
    assert_eq!(sent["attempts"], 1);
    let (_, log) = owner
        .get(&format!(
            "/api/v1/workspaces/{ws}/messages?contact=905321000000"
        ))
        .await;
    assert_eq!(log["items"].as_array().unwrap().len(), 1, "{log}");
    // `variables` override the contact's own fields too, `%ad%` included (the stored contact is
    // left as it is).
    let (status, overridden) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/messages"),
            json!({ "channel": channel, "phone": "0532 100 00 00", "template_id": template,
                    "variables": { "ad": "Ayşe Hanım" } }),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{overridden}");
    assert_eq!(overridden["text"], "Merhaba Ayşe Hanım", "{overridden}");
    let (_, contact) = owner
        .get(&format!("/api/v1/workspaces/{ws}/contacts/905321000000"))
        .await;
    assert_eq!(contact["first_name"], "Kişi0", "{contact}");
    // A plain text to a new number makes a contact, and shows in its conversation.
    let (status, plain) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/messages"),
            json!({ "channel": channel, "phone": "+90 533 000 00 01", "text": "Kargonuz yolda." }),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{plain}");
    let (status, thread) = owner
        .get(&format!(
            "/api/v1/workspaces/{ws}/conversations/905330000001/messages"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(thread["items"][0]["text"], "Kargonuz yolda.");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_a_channel_removes_its_lapsed_single_send_claims_and_only_those() {
    let app = crate::plugins::app_with_plugins(|_| {}).await;
    let (owner, ws, _, channel) = stage(&app, "claims@example.com", 0).await;
    let (status, sent) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/messages"),
            json!({ "channel": channel, "phone": "+90 533 000 00 01", "text": "Kargonuz yolda." }),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{sent}");
    let id = sent["id"].as_str().unwrap();
    wait_for(Duration::from_secs(10), || async {
        let (_, m) = owner
            .get(&format!("/api/v1/workspaces/{ws}/messages/{id}"))
            .await;
        (m["status"] == "sent").then_some(())
    })
    .await;
    // Paused, so that its own dispatcher stops claiming (and would no longer remove a lapsed
    // claim itself) before the route is shown to.
    let (status, body) = owner
        .patch(
            &format!("/api/v1/workspaces/{ws}/channels/{channel}"),
            json!({ "state": "paused" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    tokio::time::sleep(Duration::from_secs(1)).await;
    // A claim left by a dispatcher that died, a live one (its dispatcher deletes it when it
    // stops), and the same channel id's records in another workspace.
    app.state
        .db
        .exec(
            "CREATE type::record('claim', [$ws, '~direct', $ch, 'dead']) SET keys = ['x'], last = 'x', \
                 claimed_by = 'gone/1', lease_until = time::now() - 1s; \
             CREATE type::record('claim', [$ws, '~direct', $ch, 'live']) SET keys = ['y'], last = 'y', \
                 claimed_by = 'here/1', lease_until = time::now() + 60s; \
             CREATE type::record('claim_head', ['other', '~direct', $ch]) SET at = time::now(); \
             CREATE type::record('claim', ['other', '~direct', $ch, 'dead']) SET keys = ['x'], \
                 last = 'x', claimed_by = 'gone/1', lease_until = time::now() - 1s;",
            json!({ "ws": ws, "ch": channel }),
        )
        .await
        .unwrap();
    let left = || async {
        let ids: Vec<String> = app
            .state
            .db
            .rows(
                "SELECT VALUE <string> id FROM claim, claim_head WHERE record::id(id)[2] = $ch ORDER BY id",
                json!({ "ch": channel }),
            )
            .await
            .unwrap();
        let mut ids: Vec<String> = ids
            .iter()
            .map(|i| i.replace(&channel, "CH").replace(&ws, "WS"))
            .collect();
        ids.sort();
        ids
    };
    // The send's claim is gone with its outcome; its head stays.
    assert_eq!(left().await.len(), 5, "{:?}", left().await);
    let (status, body) = owner
        .delete(&format!("/api/v1/workspaces/{ws}/channels/{channel}"))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let after = left().await;
    assert_eq!(after.len(), 3, "{after:?}");
    assert!(
        after.iter().any(|i| i.contains("WS") && i.contains("live")),
        "{after:?}"
    );
    assert!(
        !after.iter().any(|i| i.contains("WS") && i.contains("dead")),
        "{after:?}"
    );
    assert_eq!(
        after.iter().filter(|i| i.contains("other")).count(),
        2,
        "{after:?}"
    );
    app.stop().await;
}

/// Recordings write what they counted as a tally that a fold adds into the campaign's, the day's
/// and the channel's counts. A tally whose fold never ran (the process died between the two) is
/// added in by the dispatcher's next refresh, once, and completes the campaign it finishes.
#[tokio::test(flavor = "multi_thread")]
async fn an_outcome_tally_left_by_a_crash_is_added_in_once() {
    let app = crate::plugins::app_with_plugins(|_| {}).await;
    let (owner, ws, channel, id) = started_on_paused_channel(&app, "tally@example.com", 3).await;
    let path = format!("/api/v1/workspaces/{ws}/campaigns/{id}");
    wait_for(Duration::from_secs(15), || async {
        let (_, c) = owner.get(&path).await;
        (c["counts"]["queued"] == 3 && c["enqueued"] == 3).then_some(())
    })
    .await;
    // What a recording of two sends and a failure writes, without the fold that followed it.
    app.state
        .db
        .exec(
            "LET $keys = (SELECT VALUE id FROM message WHERE campaign = $id ORDER BY id); \
             UPDATE $keys[0], $keys[1] SET status = 'sent', attempts = 1; \
             UPDATE $keys[2] SET status = 'failed', attempts = 1, reason = 'boom'; \
             CREATE type::record('outcome_tally', [$ws, $ch, '01JDZ8Q6W3A0S7T5ZK8N2M4P6R']) CONTENT { \
                 batch: $id, campaign: true, day: '2026-12-01', sent: 2, uncancelled: 0, failed: 1, \
                 skipped: 0, moved: 1, error: 'boom', at: time::now() };",
            json!({ "ws": ws, "ch": channel, "id": id }),
        )
        .await
        .unwrap();
    let done = wait_for(Duration::from_secs(15), || async {
        let (_, c) = owner.get(&path).await;
        (c["state"] == "completed").then_some(c)
    })
    .await;
    assert_eq!(done["counts"]["queued"], 0, "{done}");
    assert_eq!(done["counts"]["sent"], 2, "{done}");
    assert_eq!(done["counts"]["failed"], 1, "{done}");
    let (_, ch) = owner
        .get(&format!("/api/v1/workspaces/{ws}/channels/{channel}"))
        .await;
    assert_eq!(ch["health"]["sent"], 2, "{ch}");
    assert_eq!(ch["health"]["failed"], 1, "{ch}");
    assert_eq!(ch["health"]["last_error"], "boom", "{ch}");
    // Added in once: the tally is gone and, a few refreshes later, nothing moved again.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let left: Vec<Value> = app
        .state
        .db
        .rows("SELECT * FROM outcome_tally", json!({}))
        .await
        .unwrap();
    assert!(left.is_empty(), "{left:?}");
    let (_, again) = owner.get(&path).await;
    assert_eq!(again["counts"], done["counts"], "{again}");
    let (_, ch) = owner
        .get(&format!("/api/v1/workspaces/{ws}/channels/{channel}"))
        .await;
    assert_eq!(ch["health"]["sent"], 2, "{ch}");
    app.stop().await;
}

/// Sends a campaign to every contact and waits until it completes; returns its id.
async fn completed_campaign(
    owner: &Caller,
    ws: &str,
    template: &str,
    channel: &str,
    name: &str,
) -> String {
    let id = campaign(
        owner,
        ws,
        json!({ "name": name, "template": template, "channel": channel, "audience": { "all": true },
                "rate": { "per_minute": null, "jitter_min_ms": 0, "jitter_max_ms": 0 } }),
    )
    .await;
    start(owner, ws, &id).await;
    wait_for(Duration::from_secs(20), || async {
        let (_, c) = owner
            .get(&format!("/api/v1/workspaces/{ws}/campaigns/{id}"))
            .await;
        (c["state"] == "completed").then_some(())
    })
    .await;
    id
}

/// The message ids of a contact's thread (newest first) and of the log filtered by the contact,
/// read one message per page (each cursor followed).
async fn thread_and_log(owner: &Caller, ws: &str, contact: &str) -> (Vec<String>, Vec<String>) {
    let mut pages = Vec::new();
    for base in [
        format!("/api/v1/workspaces/{ws}/conversations/{contact}/messages?limit=1"),
        format!("/api/v1/workspaces/{ws}/messages?contact={contact}&limit=1"),
    ] {
        let mut ids = Vec::new();
        let mut path = base.clone();
        loop {
            let (status, page) = owner.get(&path).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            for m in page["items"].as_array().unwrap() {
                assert_eq!(m["contact"], contact, "{m}");
                ids.push(m["id"].as_str().unwrap().to_owned());
            }
            match page["next_cursor"].as_str() {
                Some(cursor) => {
                    path = format!("{base}&cursor={}", crate::helpers::urlencode(cursor))
                }
                None => break,
            }
            assert!(ids.len() < 20, "{ids:?}");
        }
        pages.push(ids);
    }
    let log = pages.pop().unwrap();
    (pages.pop().unwrap(), log)
}

/// A contact's thread and the log filtered by contact find its messages of every campaign (one
/// deleted since included) and its single sends, and no one else's, page by page.
#[tokio::test(flavor = "multi_thread")]
async fn a_contacts_thread_has_its_campaign_messages_and_single_sends_only() {
    let app = crate::plugins::app_with_plugins(|_| {}).await;
    let (owner, ws, template, channel) = stage(&app, "thread@example.com", 2).await;
    let first = completed_campaign(&owner, &ws, &template, &channel, "Birinci").await;
    let second = completed_campaign(&owner, &ws, &template, &channel, "İkinci").await;
    let (status, single) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/messages"),
            json!({ "channel": channel, "phone": "0532 100 00 00", "text": "Kargonuz yolda." }),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{single}");
    let (status, body) = owner
        .delete(&format!("/api/v1/workspaces/{ws}/campaigns/{first}"))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    // Another workspace's campaign to a contact with the same id stays out.
    let (status, other) = owner
        .post("/api/v1/workspaces", json!({ "name": "Öteki" }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{other}");
    let other = other["id"].as_str().unwrap().to_owned();
    contacts(&owner, &other, 1, "liste").await;
    let other_template = self::template(&owner, &other, "Selam %ad%", Vec::new()).await;
    let other_channel = self::channel(&owner, &other, "sandbox", json!({})).await;
    completed_campaign(&owner, &other, &other_template, &other_channel, "Öteki").await;

    let (thread, log) = thread_and_log(&owner, &ws, "905321000000").await;
    let single = single["id"].as_str().unwrap().to_owned();
    let mut expected = vec![
        format!("{first}.905321000000"),
        format!("{second}.905321000000"),
        single.clone(),
    ];
    assert_eq!(thread.first(), Some(&single), "newest first: {thread:?}");
    let mut sorted = thread.clone();
    sorted.sort();
    expected.sort();
    assert_eq!(sorted, expected, "{thread:?}");
    assert_eq!(log, expected, "in id order: {log:?}");
    let (thread, log) = thread_and_log(&owner, &ws, "905321000001").await;
    assert_eq!(thread.len(), 2, "{thread:?}");
    assert_eq!(log.len(), 2, "{log:?}");
    app.stop().await;
}

/// A store written before contacts' messages were found without an index (schema v22): the
/// upgrade finds its campaigns and single sends again.
#[tokio::test(flavor = "multi_thread")]
async fn messages_stored_before_the_thread_records_are_found_after_the_upgrade() {
    let dir = std::env::temp_dir().join(format!(
        "ulak-threads-{}-{}",
        std::process::id(),
        ulak::db::new_id()
    ));
    let on_disk = |s: &mut ulak::config::Settings| {
        s.database.url = String::new();
        s.storage.data_dir = dir.clone();
    };
    let app = crate::plugins::app_with_plugins(on_disk).await;
    let (owner, ws, template, channel) = stage(&app, "upgrade@example.com", 1).await;
    let id = completed_campaign(&owner, &ws, &template, &channel, "Eski").await;
    let (status, single) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/messages"),
            json!({ "channel": channel, "phone": "0532 100 00 00", "text": "Kargonuz yolda." }),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{single}");
    let (before, _) = thread_and_log(&owner, &ws, "905321000000").await;
    assert_eq!(before.len(), 2, "{before:?}");
    // As a v22 store was: the index, no thread records.
    app.state
        .db
        .exec(
            "DELETE message_batch; DELETE contact_message; \
             DEFINE INDEX message_thread ON message FIELDS workspace, contact; \
             UPSERT meta:schema SET version = 22;",
            json!({}),
        )
        .await
        .unwrap();
    let (gone, _) = thread_and_log(&owner, &ws, "905321000000").await;
    assert!(gone.is_empty(), "{gone:?}");
    app.stop().await;
    let app = crate::plugins::app_with_plugins(on_disk).await;
    let owner = app.login("upgrade@example.com").await;
    let (after, log) = thread_and_log(&owner, &ws, "905321000000").await;
    let mut expected = vec![
        format!("{id}.905321000000"),
        single["id"].as_str().unwrap().to_owned(),
    ];
    expected.sort();
    let mut sorted = after.clone();
    sorted.sort();
    assert_eq!(sorted, expected, "{after:?}");
    assert_eq!(log, expected, "{log:?}");
    let indexes: Value = app
        .state
        .db
        .rows::<Value>("INFO FOR TABLE message", json!({}))
        .await
        .unwrap()
        .into_iter()
        .next()
        .unwrap();
    assert!(
        indexes["indexes"].get("message_thread").is_none(),
        "{indexes}"
    );
    app.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// Signs an http-webhook inbound payload as the plugin expects it.
fn signed(secret: &str, body: &Value) -> (String, String, Vec<u8>) {
    use hmac::{Hmac, Mac};
    let bytes = serde_json::to_vec(body).unwrap();
    let timestamp = chrono::Utc::now().timestamp().to_string();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(&bytes);
    (
        timestamp,
        format!("sha256={}", hex::encode(mac.finalize().into_bytes())),
        bytes,
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn an_inbound_iptal_opts_the_contact_out_and_the_next_campaign_skips_them() {
    let app = crate::plugins::app_with_plugins(|s| s.outbound.allow_private_networks = true).await;
    let (owner, ws, template, sandbox) = stage(&app, "optout@example.com", 3).await;
    let (url, _received, receiver) = crate::plugins::receiver(200).await;
    // A secret anyone could guess authenticates nothing: refused.
    let (status, short) = owner
        .patch(
            &format!("/api/v1/workspaces/{ws}/plugins/http-webhook"),
            json!({ "config": { "url": url, "secret": "gizli" } }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{short}");
    assert_eq!(short["details"]["field"], "config.secret", "{short}");
    owner
        .patch(
            &format!("/api/v1/workspaces/{ws}/plugins/http-webhook"),
            json!({ "config": { "url": url, "secret": "gizli-ortak-anahtar-0123456789" } }),
        )
        .await;
    let plugin_channel = channel(&owner, &ws, "plugin", json!({ "plugin": "http-webhook" })).await;
    let (_, channel) = owner
        .get(&format!(
            "/api/v1/workspaces/{ws}/channels/{plugin_channel}"
        ))
        .await;
    let hook = channel["webhook_path"].as_str().unwrap().to_owned();

    let body = json!({ "messages": [{ "id": "in-1", "from": "+905321000001", "text": " İptal! ", "at_ms": chrono::Utc::now().timestamp_millis() }] });
    let anonymous = app.anonymous();
    let post = |body: Value, secret: &'static str| {
        let (timestamp, signature, bytes) = signed(secret, &body);
        anonymous.send(
            anonymous
                .request(reqwest::Method::POST, &hook)
                .header("content-type", "application/json")
                .header("x-ulak-timestamp", timestamp)
                .header("x-ulak-signature", signature)
                .body(bytes),
        )
    };
    // A wrong signature stores nothing.
    let (status, refused) = post(body.clone(), "yanlış").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{refused}");
    let (_, contact) = owner
        .get(&format!("/api/v1/workspaces/{ws}/contacts/905321000001"))
        .await;
    assert_eq!(contact["opted_out"], false);
    let (status, taken) = post(body.clone(), "gizli-ortak-anahtar-0123456789").await;
    assert_eq!(
        (status, taken["messages"].as_i64()),
        (StatusCode::OK, Some(1)),
        "{taken}"
    );
    // The provider delivering it again changes nothing.
    let (_, again) = post(body, "gizli-ortak-anahtar-0123456789").await;
    assert_eq!(again["messages"], 0);
    let (_, contact) = owner
        .get(&format!("/api/v1/workspaces/{ws}/contacts/905321000001"))
        .await;
    assert_eq!(contact["opted_out"], true, "{contact}");
    assert!(
        contact["opt_out_reason"]
            .as_str()
            .unwrap()
            .contains("İptal"),
        "{contact}"
    );
    let (_, inbox) = owner
        .get(&format!("/api/v1/workspaces/{ws}/conversations"))
        .await;
    assert_eq!(inbox["items"][0]["contact"], "905321000001");
    assert_eq!(inbox["items"][0]["unread"], 1);
    assert_eq!(inbox["items"][0]["opted_out"], true);
    // The inbound message reads back in the thread and in the log.
    let (status, thread) = owner
        .get(&format!(
            "/api/v1/workspaces/{ws}/conversations/905321000001/messages"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{thread}");
    assert_eq!(thread["items"][0]["direction"], "in", "{thread}");
    assert_eq!(thread["items"][0]["attachments"], json!([]), "{thread}");
    let (status, log) = owner
        .get(&format!("/api/v1/workspaces/{ws}/messages?direction=in"))
        .await;
    assert_eq!(status, StatusCode::OK, "{log}");
    assert!(!log["items"].as_array().unwrap().is_empty(), "{log}");
    let (_, stats) = owner
        .get(&format!("/api/v1/workspaces/{ws}/messages/stats"))
        .await;
    assert!(
        stats["last_7_days"]["received"].as_u64().unwrap() >= 1,
        "{stats}"
    );

    // A message through the plugin channel carries the provider's own id; the provider's report
    // about that id reaches the message.
    let (status, out) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/messages"),
            json!({ "channel": plugin_channel, "contact_id": "905321000002", "text": "Siparişiniz hazır." }),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{out}");
    let out_id = out["id"].as_str().unwrap().to_owned();
    let sent = wait_for(Duration::from_secs(10), || async {
        let (_, m) = owner
            .get(&format!("/api/v1/workspaces/{ws}/messages/{out_id}"))
            .await;
        (m["status"] == "sent").then_some(m)
    })
    .await;
    assert_eq!(sent["provider_id"], "provider-42", "{sent}");
    let report = json!({ "statuses": [{ "id": "provider-42", "status": "delivered",
                                         "at_ms": chrono::Utc::now().timestamp_millis() }] });
    let (status, taken) = post(report, "gizli-ortak-anahtar-0123456789").await;
    assert_eq!(status, StatusCode::OK, "{taken}");
    wait_for(Duration::from_secs(10), || async {
        let (_, m) = owner
            .get(&format!("/api/v1/workspaces/{ws}/messages/{out_id}"))
            .await;
        (m["status"] == "delivered").then_some(())
    })
    .await;

    let id = campaign(
        &owner,
        &ws,
        json!({ "name": "Sonraki", "template": template, "channel": sandbox, "audience": { "all": true },
                "rate": { "per_minute": null, "jitter_min_ms": 0, "jitter_max_ms": 0 } }),
    )
    .await;
    start(&owner, &ws, &id).await;
    campaign_in(&owner, &ws, &id, "completed", Duration::from_secs(20)).await;
    let messages = results(&owner, &ws, &id).await;
    let skipped: Vec<&Value> = messages
        .iter()
        .filter(|m| m["status"] == "skipped")
        .collect();
    assert_eq!(skipped.len(), 1, "{messages:?}");
    assert_eq!(skipped[0]["contact"], "905321000001");
    assert_eq!(skipped[0]["reason"], "opted_out");
    receiver.stop(true).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_campaigns_get_a_clear_client_error_and_change_nothing() {
    let app = crate::plugins::app_with_plugins(|_| {}).await;
    let (owner, ws, template, sandbox) = stage(&app, "bad@example.com", 2).await;
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj".to_vec())
            .file_name("katalog.pdf"),
    );
    let (_, pdf) = owner
        .send(
            owner
                .request(
                    reqwest::Method::POST,
                    &format!("/api/v1/workspaces/{ws}/media"),
                )
                .multipart(form),
        )
        .await;
    let with_pdf = crate::pipeline::template(
        &owner,
        &ws,
        "Katalog",
        vec![pdf["id"].as_str().unwrap().to_owned()],
    )
    .await;
    let images_only = channel(&owner, &ws, "sandbox", json!({ "media_kinds": ["image"] })).await;
    let path = format!("/api/v1/workspaces/{ws}/campaigns");
    let base = |template: &str, channel: &str| json!({ "name": "x", "template": template, "channel": channel, "audience": { "all": true } });
    let mut cases = Vec::new();
    let mut no_audience = base(&template, &sandbox);
    no_audience["audience"] = json!({});
    cases.push((no_audience, StatusCode::BAD_REQUEST, "audience"));
    cases.push((
        base(&with_pdf, &images_only),
        StatusCode::UNPROCESSABLE_ENTITY,
        "template.media[0]",
    ));
    cases.push((
        base("yok-boyle-sablon", &sandbox),
        StatusCode::UNPROCESSABLE_ENTITY,
        "template",
    ));
    cases.push((
        base(&template, "yok-boyle-kanal"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "channel",
    ));
    let mut bad_window = base(&template, &sandbox);
    bad_window["schedule"] =
        json!({ "window": { "days": ["pzt"], "from": "09:00", "to": "18:00" } });
    cases.push((
        bad_window,
        StatusCode::BAD_REQUEST,
        "schedule.window.days[0]",
    ));
    let mut bad_hours = base(&template, &sandbox);
    bad_hours["schedule"] = json!({ "window": { "from": "9 am", "to": "18:00" } });
    cases.push((bad_hours, StatusCode::BAD_REQUEST, "schedule.window.from"));
    let mut bad_rate = base(&template, &sandbox);
    bad_rate["rate"] = json!({ "per_minute": 0 });
    cases.push((bad_rate, StatusCode::BAD_REQUEST, "rate.per_minute"));
    for (body, expected, field) in cases {
        let (status, answer) = owner.post(&path, body.clone()).await;
        assert_eq!(status, expected, "{body}: {answer}");
        assert_eq!(answer["details"]["field"], field, "{answer}");
    }
    let mut bad_time = base(&template, &sandbox);
    bad_time["schedule"] = json!({ "start_at": "yarın sabah" });
    let (status, answer) = owner.post(&path, bad_time).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    let (_, list) = owner.get(&path).await;
    assert!(list["items"].as_array().unwrap().is_empty(), "{list}");

    // An audience that matches nobody is refused when starting, and the draft stays a draft.
    let mut nobody = base(&template, &sandbox);
    nobody["audience"] = json!({ "tags_any": ["hiçkimse"] });
    let id = campaign(&owner, &ws, nobody).await;
    let (status, answer) = owner.post(&format!("{path}/{id}/start"), json!({})).await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("empty_audience"))
    );
    let (_, draft) = owner.get(&format!("{path}/{id}")).await;
    assert_eq!(draft["state"], "draft");
    // A started campaign cannot be edited.
    let id = campaign(&owner, &ws, base(&template, &sandbox)).await;
    start(&owner, &ws, &id).await;
    let (status, _) = owner
        .put(&format!("{path}/{id}"), base(&template, &sandbox))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    app.stop().await;
}

/// A child process killed when dropped, so a failing test leaves nothing running.
pub struct Child(pub std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts the aiosmtpd sink on loopback; every message it receives becomes a JSON line in `out`.
pub fn smtp_sink(out: &std::path::Path) -> (Child, u16) {
    use std::io::BufRead;
    let port = free_port();
    let mut child = std::process::Command::new("python3")
        .arg(crate::plugins::repo_path(
            "server/tests/support/smtp_sink.py",
        ))
        .arg(port.to_string())
        .arg(out)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("python3 (./test.sh installs it with aiosmtpd)");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(
        line.trim(),
        "ready",
        "the SMTP sink did not start: is aiosmtpd installed? ./test.sh installs it"
    );
    (Child(child), port)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_smtp_campaign_delivers_each_personalised_message_once_with_its_attachment() {
    const COUNT: usize = 200;
    let dir = std::env::temp_dir().join(format!("ulak-smtp-{}", ulak::db::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("received.jsonl");
    let (_sink, port) = smtp_sink(&out);
    let app = crate::plugins::app_with_plugins(|s| s.outbound.allow_private_networks = true).await;
    let (owner, _) = app.signed_up("smtp@example.com").await;
    let ws = owner.first_workspace().await;

    let lines: Vec<String> = (0..COUNT)
        .map(|i| {
            format!(
                "0532{:07};Kişi{i};Soyad{i};kisi{i}@example.com",
                2_000_000 + i
            )
        })
        .collect();
    let csv = format!("Telefon;Ad;Soyad;E-posta\n{}\n", lines.join("\n"));
    import_csv(&owner, &ws, csv, None, Duration::from_secs(60)).await;

    let png = {
        let image =
            image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 90]));
        let mut bytes = std::io::Cursor::new(Vec::new());
        image.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
        bytes.into_inner()
    };
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(png.clone()).file_name("afis.png"),
    );
    let (status, media) = owner
        .send(
            owner
                .request(
                    reqwest::Method::POST,
                    &format!("/api/v1/workspaces/{ws}/media"),
                )
                .multipart(form),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{media}");
    let template = template(
        &owner,
        &ws,
        "%sayın% — %ad%, yeni sezon başladı.",
        vec![media["id"].as_str().unwrap().to_owned()],
    )
    .await;
    let channel = channel(
        &owner,
        &ws,
        "smtp",
        json!({ "host": "127.0.0.1", "port": port, "security": "none",
                "from_address": "kampanya@example.com", "from_name": "Acme Pazarlama",
                "subject": "Yeni sezon" }),
    )
    .await;
    let id = campaign(
        &owner,
        &ws,
        json!({ "name": "E-posta", "template": template, "channel": channel,
                "audience": { "all": true },
                "rate": { "per_minute": null, "jitter_min_ms": 0, "jitter_max_ms": 0 } }),
    )
    .await;
    start(&owner, &ws, &id).await;
    let done = campaign_in(&owner, &ws, &id, "completed", Duration::from_secs(120)).await;
    assert_eq!(done["counts"]["sent"], COUNT, "{done}");

    let received: Vec<Value> = wait_for(Duration::from_secs(10), || async {
        let text = std::fs::read_to_string(&out).unwrap_or_default();
        let rows: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (rows.len() >= COUNT).then_some(rows)
    })
    .await;
    // Give a late duplicate the chance to show up before counting.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(text.lines().count(), COUNT, "every message exactly once");
    let mut recipients = std::collections::HashSet::new();
    let mut message_ids = std::collections::HashSet::new();
    for mail in &received {
        let to = mail["rcpt_tos"][0].as_str().unwrap();
        assert!(recipients.insert(to.to_owned()), "{to} received twice");
        assert!(message_ids.insert(mail["message_id"].as_str().unwrap().to_owned()));
        let i: usize = to
            .trim_start_matches("kisi")
            .trim_end_matches("@example.com")
            .parse()
            .unwrap();
        assert_eq!(mail["from"], "Acme Pazarlama <kampanya@example.com>");
        assert_eq!(mail["subject"], "Yeni sezon");
        assert_eq!(
            mail["text"].as_str().unwrap().trim_end(),
            format!("Sayın Kişi{i} Soyad{i} — Kişi{i}, yeni sezon başladı."),
            "{mail}"
        );
        assert_eq!(
            mail["attachments"],
            json!([{ "content_type": "image/png", "file_name": "afis.png", "size": png.len() }]),
            "{mail}"
        );
    }
    assert_eq!(recipients.len(), COUNT);
    let messages = results(&owner, &ws, &id).await;
    assert!(
        messages
            .iter()
            .all(|m| m["status"] == "sent" && m["attempts"] == 1)
    );
    app.stop().await;
    let _ = std::fs::remove_dir_all(dir);
}

/// What an admin started is what goes out: a scheduled campaign sends its template as it was at
/// the start, although the template is edited before the campaign's time comes.
#[tokio::test(flavor = "multi_thread")]
async fn a_started_campaign_sends_the_template_as_it_was_at_the_start() {
    let app = crate::plugins::app_with_plugins(|_| {}).await;
    let (owner, ws, template, channel) = stage(&app, "snapshot@example.com", 3).await;
    let at = (chrono::Utc::now() + chrono::Duration::seconds(3)).to_rfc3339();
    let id = campaign(
        &owner,
        &ws,
        json!({ "name": "Sonra", "template": template, "channel": channel, "audience": { "all": true },
                "schedule": { "start_at": at },
                "rate": { "per_minute": null, "jitter_min_ms": 0, "jitter_max_ms": 0 } }),
    )
    .await;
    let (status, started) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/campaigns/{id}/start"),
            json!({}),
        )
        .await;
    assert_eq!(
        (status, started["state"].as_str()),
        (StatusCode::ACCEPTED, Some("scheduled")),
        "{started}"
    );
    let (status, edited) = owner
        .put(
            &format!("/api/v1/workspaces/{ws}/templates/{template}"),
            json!({ "name": "t", "body": "Değişti %ad%" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    campaign_in(&owner, &ws, &id, "completed", Duration::from_secs(30)).await;
    let messages = results(&owner, &ws, &id).await;
    assert_eq!(messages.len(), 3);
    assert!(
        messages
            .iter()
            .all(|m| m["text"].as_str().unwrap().starts_with("Merhaba ")),
        "{messages:?}"
    );
    app.stop().await;
}

/// An enqueue that runs again over pages it had written (a crash before their cursor was saved)
/// neither queues nor counts anyone twice: each half of a page counts only what it inserted.
#[tokio::test(flavor = "multi_thread")]
async fn an_enqueue_run_again_over_written_pages_queues_and_counts_each_recipient_once() {
    let app = crate::plugins::app_with_plugins(|_| {}).await;
    let (owner, ws, _, id) = started_on_paused_channel(&app, "again@example.com", 2500).await;
    let path = format!("/api/v1/workspaces/{ws}/campaigns/{id}");
    let done = || async {
        let done: Vec<bool> = app
            .state
            .db
            .rows(
                // Absent until the first page's cursor is saved (its counts come first).
                "SELECT VALUE done ?? false FROM type::record('campaign_enqueue', $id)",
                json!({ "id": id }),
            )
            .await
            .unwrap();
        done.first().copied().unwrap_or(false)
    };
    wait_for(Duration::from_secs(60), || async {
        done().await.then_some(())
    })
    .await;
    let (_, first) = owner.get(&path).await;
    assert_eq!(first["enqueued"], 2500, "{first}");
    assert_eq!(first["counts"]["queued"], 2500, "{first}");
    // As if the process had died before any page's cursor was saved: the dispatcher queues the
    // campaign again from the start.
    app.state
        .db
        .exec(
            "UPDATE type::record('campaign_enqueue', $id) SET cursor = '', done = false",
            json!({ "id": id }),
        )
        .await
        .unwrap();
    wait_for(Duration::from_secs(60), || async {
        done().await.then_some(())
    })
    .await;
    let (_, again) = owner.get(&path).await;
    assert_eq!(again["enqueued"], 2500, "{again}");
    assert_eq!(again["counts"]["queued"], 2500, "{again}");
    let stored: Vec<i64> = app
        .state
        .db
        .rows(
            "SELECT VALUE count() FROM message WHERE campaign = $id GROUP ALL",
            json!({ "id": id }),
        )
        .await
        .unwrap();
    assert_eq!(stored, vec![2500]);
    app.stop().await;
}
