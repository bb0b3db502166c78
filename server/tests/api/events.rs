//! The event log, its live stream, and webhooks verified by the reference Standard Webhooks library.

use std::collections::{BTreeSet, HashMap};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Caller, TestApp};
use crate::pipeline::{
    Child, campaign, campaign_in, channel, contacts, free_port, template, wait_for,
};

/// A test app whose webhooks retry every second and whose readers wait little for commits.
async fn app() -> TestApp {
    TestApp::spawn_with(|s| {
        s.outbound.allow_private_networks = true;
        s.webhooks.retry_delays = vec!["1s".into(); 6];
        s.events.settle_ms = 300;
    })
    .await
}

pub struct Receiver {
    _child: Child,
    pub url: String,
    pub secrets: PathBuf,
    pub out: PathBuf,
}

/// Starts the Python receiver (standardwebhooks) on `port`; its first `fail_first` attempts at each
/// delivery are answered with 500.
pub fn receiver(port: u16, fail_first: u32) -> Receiver {
    let dir = std::env::temp_dir().join(format!("ulak-hooks-{}", ulak::db::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let secrets = dir.join("secrets");
    let out = dir.join("received.jsonl");
    let mut child = std::process::Command::new("python3")
        .arg(crate::plugins::repo_path(
            "server/tests/support/webhook_receiver.py",
        ))
        .arg(port.to_string())
        .arg(&secrets)
        .arg(&out)
        .arg(fail_first.to_string())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("python3 (./test.sh installs standardwebhooks)");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(
        line.trim(),
        "ready",
        "the webhook receiver did not start: is standardwebhooks installed? ./test.sh installs it"
    );
    Receiver {
        _child: Child(child),
        url: format!("http://127.0.0.1:{port}/hook"),
        secrets,
        out,
    }
}

/// What the receiver got, one entry per request.
pub fn received(out: &Path) -> Vec<Value> {
    std::fs::read_to_string(out)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Creates a subscription; returns its id and writes its secret where the receiver reads it.
pub async fn subscribe(owner: &Caller, ws: &str, receiver: &Receiver, types: Value) -> String {
    let (status, created) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/webhooks"),
            json!({ "url": receiver.url, "types": types, "description": "CRM" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let secret = created["secret"].as_str().unwrap();
    assert!(secret.starts_with("whsec_"), "{created}");
    std::fs::write(&receiver.secrets, format!("{secret}\n")).unwrap();
    created["webhook"]["id"].as_str().unwrap().to_owned()
}

pub async fn add_contact(owner: &Caller, ws: &str, phone: &str) -> String {
    let (status, contact) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/contacts"),
            json!({ "phone": phone, "first_name": "Ayşe" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{contact}");
    contact["id"].as_str().unwrap().to_owned()
}

/// Every event of the log the caller may read (of `types`, when given), oldest first.
async fn all_events(caller: &Caller, ws: &str, types: Option<&str>) -> Vec<Value> {
    let mut events = Vec::new();
    let mut cursor = String::new();
    loop {
        let mut path = format!("/api/v1/workspaces/{ws}/events?limit=500");
        if let Some(types) = types {
            path.push_str(&format!("&type={types}"));
        }
        if !cursor.is_empty() {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let (status, page) = caller.get(&path).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        events.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => return events,
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_loopback_receiver_verifies_every_delivery_and_a_failing_one_arrives_on_the_fourth_attempt()
 {
    let app = app().await;
    let (owner, _) = app.signed_up("hooks@example.com").await;
    let ws = owner.first_workspace().await;
    let receiver = receiver(free_port(), 3);
    let hook = subscribe(&owner, &ws, &receiver, json!(["contact.*"])).await;

    let (status, shown) = owner
        .get(&format!("/api/v1/workspaces/{ws}/webhooks/{hook}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(shown.get("secret").is_none(), "{shown}");
    assert_eq!(shown["types"].as_array().unwrap().len(), 5, "{shown}");

    let mut ids = BTreeSet::new();
    for phone in ["+905321110001", "+905321110002", "+905321110003"] {
        ids.insert(add_contact(&owner, &ws, phone).await);
    }
    // Three refusals each, one second apart (±20 %), then the fourth attempt is taken.
    let delivered = wait_for(Duration::from_secs(30), || async {
        let lines = received(&receiver.out);
        let ok: Vec<Value> = lines.into_iter().filter(|l| l["status"] == 200).collect();
        (ok.len() >= 3).then_some(ok)
    })
    .await;
    assert_eq!(delivered.len(), 3, "{delivered:?}");
    let contacts: BTreeSet<String> = delivered
        .iter()
        .map(|l| l["body"]["data"]["contact"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(contacts, ids);
    for line in &delivered {
        assert_eq!(line["attempt"], 4, "{line}");
        assert_eq!(line["verified"], json!([true]), "{line}");
        assert_eq!(line["body"]["type"], "contact.created", "{line}");
        assert!(line["body"]["timestamp"].is_string(), "{line}");
    }
    // Every request the receiver got carried a valid signature, the refused ones too.
    let all = received(&receiver.out);
    assert_eq!(all.len(), 12);
    assert!(
        all.iter().all(|l| l["verified"] == json!([true])),
        "{all:?}"
    );

    // Recorded as delivered once the answer is in.
    let page = wait_for(Duration::from_secs(10), || async {
        let (status, page) = owner
            .get(&format!(
                "/api/v1/workspaces/{ws}/webhooks/{hook}/deliveries"
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let items = page["items"].as_array().unwrap();
        items
            .iter()
            .all(|d| d["state"] == "delivered")
            .then_some(page)
    })
    .await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "{page}");
    for delivery in items {
        assert_eq!(delivery["state"], "delivered", "{delivery}");
        let codes: Vec<i64> = delivery["attempts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["status"].as_i64().unwrap())
            .collect();
        assert_eq!(codes, [500, 500, 500, 200], "{delivery}");
        assert_eq!(delivery["attempts"][3]["response"], "ok");
    }

    // A ping is attempted once at once: refused three times by hand, then taken.
    let (status, ping) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/webhooks/{hook}/ping"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{ping}");
    assert_eq!(ping["state"], "dead", "{ping}");
    assert_eq!(ping["attempts"][0]["status"], 500, "{ping}");
    let redeliver = format!(
        "/api/v1/workspaces/{ws}/webhooks/{hook}/deliveries/{}/redeliver",
        ping["id"].as_str().unwrap()
    );
    let mut last = Value::Null;
    for _ in 0..3 {
        let (status, again) = owner.post(&redeliver, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{again}");
        last = again;
    }
    assert_eq!(last["state"], "delivered", "{last}");
    assert_eq!(last["attempts"].as_array().unwrap().len(), 4, "{last}");

    // After a rotation, deliveries carry signatures by both secrets during the grace period.
    let (status, rotated) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/webhooks/{hook}/rotate-secret"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{rotated}");
    let old = std::fs::read_to_string(&receiver.secrets).unwrap();
    let new = rotated["secret"].as_str().unwrap();
    assert_ne!(old.trim(), new);
    std::fs::write(&receiver.secrets, format!("{new}\n{old}")).unwrap();
    let fourth = add_contact(&owner, &ws, "+905321110004").await;
    let line = wait_for(Duration::from_secs(30), || async {
        received(&receiver.out)
            .into_iter()
            .find(|l| l["status"] == 200 && l["body"]["data"]["contact"] == fourth.as_str())
    })
    .await;
    assert_eq!(line["verified"], json!([true, true]), "{line}");
    assert_eq!(line["signatures"], 2, "{line}");

    // Managing webhooks is not reading what they carry: a role with `webhooks:write` alone may
    // neither point this contact subscription elsewhere nor send its deliveries again.
    let (status, role) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/roles"),
            json!({ "name": "kancaci", "permissions": [
                { "resource": "webhooks", "action": "read" }, { "resource": "webhooks", "action": "write" }] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{role}");
    app.register("kancaci@example.com").await;
    let hooker = app
        .add_member(&owner, &ws, "kancaci@example.com", "kancaci")
        .await;
    let (status, body) = hooker
        .patch(
            &format!("/api/v1/workspaces/{ws}/webhooks/{hook}"),
            json!({ "url": "http://127.0.0.1:9/elsewhere" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let delivered_one = items[0]["id"].as_str().unwrap();
    let (status, body) = hooker
        .post(
            &format!(
                "/api/v1/workspaces/{ws}/webhooks/{hook}/deliveries/{delivered_one}/redeliver"
            ),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // The webhook still points where the owner set it.
    let (_, shown) = owner
        .get(&format!("/api/v1/workspaces/{ws}/webhooks/{hook}"))
        .await;
    assert_eq!(shown["url"], receiver.url.as_str());

    // Deleting the workspace takes its subscriptions and its log with it.
    let (status, _) = owner.delete(&format!("/api/v1/workspaces/{ws}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let db = app.state.db.clone();
    wait_for(Duration::from_secs(20), || async {
        let left: Vec<i64> = db
            .rows(
                "RETURN [ (SELECT count() FROM webhook WHERE workspace = $ws GROUP ALL)[0].count ?? 0, \
                 (SELECT count() FROM webhook_delivery WHERE workspace = $ws GROUP ALL)[0].count ?? 0, \
                 (SELECT count() FROM event WHERE record::id(id)[0] = $ws GROUP ALL)[0].count ?? 0 ]",
                json!({ "ws": ws }),
            )
            .await
            .unwrap();
        (left == [0, 0, 0]).then_some(())
    })
    .await;
}

/// The delivery of `event` to `hook`, as the API shows it.
async fn delivery_of(owner: &Caller, ws: &str, hook: &str, event: &str) -> Option<Value> {
    let (status, page) = owner
        .get(&format!(
            "/api/v1/workspaces/{ws}/webhooks/{hook}/deliveries?limit=500"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == event)
        .cloned()
}

/// The id of the latest `contact.created` event of `contact`.
async fn created_event(owner: &Caller, ws: &str, contact: &str) -> String {
    wait_for(Duration::from_secs(10), || async {
        all_events(owner, ws, Some("contact.created"))
            .await
            .into_iter()
            .rev()
            .find(|e| e["data"]["contact"] == contact)
            .map(|e| e["id"].as_str().unwrap().to_owned())
    })
    .await
}

fn seconds_between(a: &Value, b: &Value) -> f64 {
    let at = |v: &Value| {
        v["at"]
            .as_str()
            .unwrap()
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap()
    };
    (at(b) - at(a)).num_milliseconds() as f64 / 1000.0
}

#[tokio::test(flavor = "multi_thread")]
async fn a_delivery_that_keeps_failing_follows_the_schedule_to_a_dead_letter_and_a_removed_type_is_not_sent()
 {
    let app = TestApp::spawn_with(|s| {
        s.outbound.allow_private_networks = true;
        // Unequal waits: the second retry must wait the second delay.
        s.webhooks.retry_delays = vec!["1s".into(), "3s".into()];
        s.events.settle_ms = 300;
    })
    .await;
    let (owner, _) = app.signed_up("schedule@example.com").await;
    let ws = owner.first_workspace().await;
    let receiver = receiver(free_port(), 1000);
    let hook = subscribe(&owner, &ws, &receiver, json!(["contact.*"])).await;

    let first = add_contact(&owner, &ws, "+905321120001").await;
    let event = created_event(&owner, &ws, &first).await;
    let dead = wait_for(Duration::from_secs(30), || async {
        delivery_of(&owner, &ws, &hook, &event)
            .await
            .filter(|d| d["state"] == "dead")
    })
    .await;
    let attempts = dead["attempts"].as_array().unwrap();
    assert_eq!(
        attempts.len(),
        3,
        "the first attempt and two retries: {dead}"
    );
    assert!(attempts.iter().all(|a| a["status"] == 500), "{dead}");
    let waits = [
        seconds_between(&attempts[0], &attempts[1]),
        seconds_between(&attempts[1], &attempts[2]),
    ];
    assert!((0.7..2.5).contains(&waits[0]), "{waits:?}");
    assert!(waits[1] >= 2.3, "the second retry waits ~3 s: {waits:?}");
    assert!(dead["next_attempt_at"].is_null(), "{dead}");
    // Nothing more is sent once it is dead.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let sent = received(&receiver.out)
        .into_iter()
        .filter(|l| l["id"] == event.as_str())
        .count();
    assert_eq!(sent, 3);

    // A type taken off the subscription is not sent to it any more, not even by hand.
    let second = add_contact(&owner, &ws, "+905321120002").await;
    let event = created_event(&owner, &ws, &second).await;
    wait_for(Duration::from_secs(15), || async {
        delivery_of(&owner, &ws, &hook, &event)
            .await
            .filter(|d| !d["attempts"].as_array().unwrap().is_empty())
    })
    .await;
    let (status, changed) = owner
        .patch(
            &format!("/api/v1/workspaces/{ws}/webhooks/{hook}"),
            json!({ "types": ["message.*"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    let dropped = wait_for(Duration::from_secs(15), || async {
        delivery_of(&owner, &ws, &hook, &event)
            .await
            .filter(|d| d["state"] == "dead")
    })
    .await;
    let last = dropped["attempts"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert!(
        last["error"]
            .as_str()
            .unwrap_or_default()
            .contains("no longer receives"),
        "{dropped}"
    );
    let (status, refused) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/webhooks/{hook}/deliveries/{event}/redeliver"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["code"], "type_not_subscribed", "{refused}");

    // A change that does not name `active` leaves it, and the server's reason, as they are.
    let db = app.state.db.clone();
    db.exec(
        "UPDATE type::record('webhook', $id) SET active = false, disabled_reason = 'every delivery failed'",
        json!({ "id": hook }),
    )
    .await
    .unwrap();
    let (status, shown) = owner
        .patch(
            &format!("/api/v1/workspaces/{ws}/webhooks/{hook}"),
            json!({ "description": "CRM, quiet" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    assert_eq!(shown["active"], false, "{shown}");
    assert_eq!(shown["disabled_reason"], "every delivery failed", "{shown}");
    let (status, shown) = owner
        .patch(
            &format!("/api/v1/workspaces/{ws}/webhooks/{hook}"),
            json!({ "active": true }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{shown}");
    assert_eq!(shown["active"], true, "{shown}");
    assert!(shown["disabled_reason"].is_null(), "{shown}");

    // Events written for a workspace after it is gone are swept, whatever their age; a live
    // workspace keeps its recent ones.
    let kept = all_events(&owner, &ws, None).await.len();
    db.exec(
        "CREATE type::record('event', ['gone_workspace', rand::ulid()]) SET type = 'contact.created', \
         at = time::now(), data = {}",
        json!({}),
    )
    .await
    .unwrap();
    let swept = ulak::events::sweep(&db, 30).await;
    assert!(
        swept.is_ok(),
        "{:?}",
        swept.err().map(|e| e.message().to_owned())
    );
    let left: Vec<i64> = db
        .rows(
            "RETURN (SELECT count() FROM event WHERE record::id(id)[0] = 'gone_workspace' GROUP ALL)[0].count ?? 0",
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(left, [0]);
    assert_eq!(all_events(&owner, &ws, None).await.len(), kept);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_receiver_that_never_answers_holds_up_neither_other_subscriptions_nor_a_second_attempt_by_hand()
 {
    let app = crate::plugins::app_with_plugins(|s| {
        s.outbound.allow_private_networks = true;
        s.webhooks.retry_delays = vec!["1s".into(); 6];
        s.webhooks.timeout_secs = 2;
        s.events.settle_ms = 300;
    })
    .await;
    let (owner, _) = app.signed_up("slow@example.com").await;
    let ws = owner.first_workspace().await;
    // Accepts connections and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_url = format!("http://{}/hook", silent.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    let (status, created) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/webhooks"),
            json!({ "url": silent_url, "types": ["contact.*"] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let slow = created["webhook"]["id"].as_str().unwrap().to_owned();

    // More deliveries waiting for it than the worker reads at once.
    contacts(&owner, &ws, 600, "toplu").await;
    let (status, tagged) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/contacts/bulk"),
            json!({ "action": "tag", "tags": ["kasım"], "filter": { "tag": "toplu" } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{tagged}");
    assert_eq!(tagged["affected"], 600);
    let db = app.state.db.clone();
    wait_for(Duration::from_secs(30), || async {
        let n: Vec<i64> = db
            .rows(
                "RETURN (SELECT count() FROM webhook_delivery WHERE record::id(id)[0] = $hook GROUP ALL)[0].count ?? 0",
                json!({ "hook": slow }),
            )
            .await
            .unwrap();
        (n[0] >= 600).then_some(())
    })
    .await;

    // A second subscription's delivery goes out at once, not after the slow one's backlog.
    let receiver = receiver(free_port(), 0);
    subscribe(&owner, &ws, &receiver, json!(["contact.created"])).await;
    let fresh = add_contact(&owner, &ws, "+905321130001").await;
    wait_for(Duration::from_secs(15), || async {
        received(&receiver.out)
            .into_iter()
            .find(|l| l["status"] == 200 && l["body"]["data"]["contact"] == fresh.as_str())
    })
    .await;

    // While one attempt by hand waits for the silent receiver, a second at the same delivery is
    // refused.
    let (status, page) = owner
        .get(&format!(
            "/api/v1/workspaces/{ws}/webhooks/{slow}/deliveries?limit=500"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let newest = page["items"].as_array().unwrap().last().unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let redeliver =
        format!("/api/v1/workspaces/{ws}/webhooks/{slow}/deliveries/{newest}/redeliver");
    let first = {
        let owner = owner.clone();
        let redeliver = redeliver.clone();
        tokio::spawn(async move { owner.post(&redeliver, json!({})).await })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (status, refused) = owner.post(&redeliver, json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["code"], "attempt_under_way", "{refused}");
    let (status, after) = first.await.unwrap();
    assert_eq!(status, StatusCode::OK, "{after}");
    let last = after["attempts"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert!(
        last["status"].is_null() && last["error"].is_string(),
        "{after}"
    );
    // An attempt by hand that failed leaves the schedule as it was.
    assert_eq!(after["state"], "pending", "{after}");
}

#[tokio::test(flavor = "multi_thread")]
async fn webhooks_to_private_addresses_are_refused_with_the_reason_unless_configured() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_up("ssrf@example.com").await;
    let ws = owner.first_workspace().await;
    let path = format!("/api/v1/workspaces/{ws}/webhooks");
    for (url, says) in [
        ("http://127.0.0.1:9/hook", "loopback"),
        ("http://[::1]:9/hook", "loopback"),
        ("http://169.254.169.254/latest", "link-local"),
        ("http://10.0.0.7/hook", "private"),
        ("http://localhost:9/hook", "resolves to"),
        ("ftp://example.com/hook", "scheme"),
        ("https://user:pw@example.com/hook", "user name"),
        ("not a url", "not a URL"),
    ] {
        let (status, body) = owner
            .post(&path, json!({ "url": url, "types": ["contact.created"] }))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{url}: {body}");
        assert_eq!(body["details"]["field"], "url", "{url}: {body}");
        assert!(
            body["message"].as_str().unwrap().contains(says),
            "{url}: {body}"
        );
    }
    let (status, body) = owner
        .post(
            &path,
            json!({ "url": "https://example.com/hook", "types": ["contact.nope"] }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = owner
        .post(
            &path,
            json!({ "url": "https://example.com/hook", "types": [] }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    // Roles: an editor reads webhooks but may not manage them; nobody reads a secret back.
    app.register("editor@example.com").await;
    let editor = app
        .add_member(&owner, &ws, "editor@example.com", "editor")
        .await;
    let (status, _) = editor.get(&path).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = editor
        .post(
            &path,
            json!({ "url": "https://example.com/hook", "types": ["contact.created"] }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");

    // Allowed once the instance allows loopback.
    let open = TestApp::spawn_with(|s| s.outbound.allow_private_networks = true).await;
    let (owner, _) = open.signed_up("open@example.com").await;
    let ws = owner.first_workspace().await;
    let (status, body) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/webhooks"),
            json!({ "url": "http://127.0.0.1:9/hook", "types": ["message.*"] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_log_records_a_campaign_and_its_messages_and_a_role_sees_only_the_types_it_may_read() {
    let app = crate::plugins::app_with_plugins(|s| s.events.settle_ms = 300).await;
    let (owner, _) = app.signed_up("log@example.com").await;
    let ws = owner.first_workspace().await;
    contacts(&owner, &ws, 5, "liste").await;
    let template = template(&owner, &ws, "Merhaba %ad%", Vec::new()).await;
    let channel = channel(
        &owner,
        &ws,
        "sandbox",
        json!({ "delivered_rate": 1.0, "read_rate": 0.0, "delay_ms": 50 }),
    )
    .await;
    let id = campaign(
        &owner,
        &ws,
        json!({ "name": "Olaylar", "template": template, "channel": channel,
                "audience": { "tags_any": ["liste"] },
                "rate": { "per_minute": null, "jitter_min_ms": 0, "jitter_max_ms": 0 } }),
    )
    .await;
    crate::pipeline::start(&owner, &ws, &id).await;
    campaign_in(&owner, &ws, &id, "completed", Duration::from_secs(30)).await;
    let events = wait_for(Duration::from_secs(20), || async {
        let events = all_events(&owner, &ws, None).await;
        let delivered = events
            .iter()
            .filter(|e| e["type"] == "message.delivered")
            .count();
        let completed = events.iter().any(|e| e["type"] == "campaign.completed");
        (delivered == 5 && completed).then_some(events)
    })
    .await;
    let count = |t: &str| events.iter().filter(|e| e["type"] == t).count();
    assert_eq!(count("campaign.started"), 1);
    assert_eq!(count("message.sent"), 5);
    assert_eq!(count("message.delivered"), 5);
    assert_eq!(count("import.completed"), 1);
    let sent = events.iter().find(|e| e["type"] == "message.sent").unwrap();
    assert_eq!(sent["data"]["campaign"], id.as_str(), "{sent}");
    assert_eq!(sent["data"]["channel"], channel.as_str(), "{sent}");
    let message = sent["data"]["message"].as_str().unwrap();
    let (status, _) = owner
        .get(&format!("/api/v1/workspaces/{ws}/messages/{message}"))
        .await;
    assert_eq!(status, StatusCode::OK, "the event names a real message");
    // Ordered: started before the first send, the sends before completion, ids ascending.
    let position = |t: &str| events.iter().position(|e| e["type"] == t).unwrap();
    assert!(position("campaign.started") < position("message.sent"));
    assert!(position("message.sent") < position("campaign.completed"));
    let ids: Vec<&str> = events.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");

    // Filters.
    let only = all_events(&owner, &ws, Some("message.delivered,campaign.completed")).await;
    assert_eq!(only.len(), 6);
    let (status, body) = owner
        .get(&format!("/api/v1/workspaces/{ws}/events?type=nope"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    // A role reading contacts only sees contact and import events, and may not ask for others.
    let (status, role) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/roles"),
            json!({ "name": "rehber", "permissions": [{ "resource": "contacts", "action": "read" }] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{role}");
    app.register("rehber@example.com").await;
    let reader = app
        .add_member(&owner, &ws, "rehber@example.com", "rehber")
        .await;
    let seen = all_events(&reader, &ws, None).await;
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0]["type"], "import.completed");
    let (status, body) = reader
        .get(&format!("/api/v1/workspaces/{ws}/events?type=message.sent"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = reader
        .get(&format!(
            "/api/v1/workspaces/{ws}/events/stream?type=message.sent"
        ))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
}

/// Reads a stream until it has `count` events (or `limit` passes); returns their ids and types.
async fn read_stream(
    response: reqwest::Response,
    count: usize,
    limit: Duration,
) -> Vec<(String, String)> {
    let mut events = Vec::new();
    let mut buffer = String::new();
    let mut body = response.bytes_stream();
    let deadline = tokio::time::Instant::now() + limit;
    while events.len() < count {
        let Ok(Some(Ok(chunk))) = tokio::time::timeout_at(deadline, body.next()).await else {
            break;
        };
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let mut fields: HashMap<&str, &str> = HashMap::new();
            for line in block.lines() {
                if let Some((name, value)) = line.split_once(": ") {
                    fields.insert(name, value);
                }
            }
            if let (Some(id), Some(kind)) = (fields.get("id"), fields.get("event")) {
                events.push(((*id).to_owned(), (*kind).to_owned()));
                if events.len() == count {
                    break;
                }
            }
        }
    }
    events
}

#[tokio::test(flavor = "multi_thread")]
async fn the_stream_resumes_after_a_disconnect_from_last_event_id_without_gaps_or_repeats() {
    let app = app().await;
    let (owner, _) = app.signed_up("stream@example.com").await;
    let ws = owner.first_workspace().await;
    let stream = format!("/api/v1/workspaces/{ws}/events/stream?type=contact.created");
    let first = owner
        .request(reqwest::Method::GET, &stream)
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(
        first.headers()["content-type"].to_str().unwrap(),
        "text/event-stream"
    );
    for i in 0..6 {
        add_contact(&owner, &ws, &format!("+90532222000{i}")).await;
    }
    // Three events, then the client goes away.
    let seen = read_stream(first, 3, Duration::from_secs(20)).await;
    assert_eq!(seen.len(), 3, "{seen:?}");
    for i in 6..10 {
        add_contact(&owner, &ws, &format!("+90532222000{i}")).await;
    }
    let resumed = owner
        .request(reqwest::Method::GET, &stream)
        .header("Last-Event-ID", &seen[2].0)
        .send()
        .await
        .unwrap();
    let rest = read_stream(resumed, 7, Duration::from_secs(20)).await;
    let streamed: Vec<String> = seen.iter().chain(&rest).map(|(id, _)| id.clone()).collect();
    let logged: Vec<String> = all_events(&owner, &ws, Some("contact.created"))
        .await
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(logged.len(), 10);
    assert_eq!(streamed, logged, "the stream and the log agree, in order");
    assert!(rest.iter().all(|(_, kind)| kind == "contact.created"));

    let (status, body) = owner
        .get(&format!(
            "/api/v1/workspaces/{ws}/events/stream?after=garbage"
        ))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    // Ten streams per caller; the eleventh waits for one to end.
    let token = owner.token(&ws, None).await;
    let bearer = app.bearer(&token);
    let mut open = Vec::new();
    for _ in 0..10 {
        let response = bearer
            .request(reqwest::Method::GET, &stream)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        open.push(response);
    }
    let (status, body) = bearer.get(&stream).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
}
