//! Regression tests for the security review's findings: each tries what an attacker (or an unlucky
//! moment) did against the earlier code, and failed before the fix.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Caller, TestApp};
use crate::plugins::app_with_plugins;

async fn render(caller: &Caller, ws: &str, body: Value) -> (StatusCode, Value) {
    caller
        .post(&format!("/api/v1/workspaces/{ws}/templates/render"), body)
        .await
}

/// A 90-byte body once answered 200 with 40 MB of text: nested loops over the contact's own fields.
#[tokio::test(flavor = "multi_thread")]
async fn a_runaway_template_body_is_refused_and_output_is_capped() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_up("t@example.com").await;
    let ws = owner.first_workspace().await;
    let custom: serde_json::Map<String, Value> = (0..100)
        .map(|i| (format!("f{i}"), json!("x".repeat(1000))))
        .collect();
    let contact = json!({ "phone": "05321234567", "custom_fields": custom });
    let bomb = "{{#each @root.custom}}{{#each @root.custom}}{{#each @root.custom}}{{this}}{{/each}}{{/each}}{{/each}}";
    let (status, body) = render(&owner, &ws, json!({ "body": bomb, "contact": contact })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "invalid_template");
    assert_eq!(body["details"]["issues"][0]["position"]["column"], 1);

    // Deep expressions are refused before Handlebars parses them.
    let deep = format!("{{{{{}x{}}}}}", "(a ".repeat(20_000), ")".repeat(20_000));
    let (status, body) = render(&owner, &ws, json!({ "body": deep, "contact": contact })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // Allowed constructs still cannot make a text longer than the output limit.
    let names: Vec<String> = (0..40).map(|i| format!("%f{}%", i % 100)).collect();
    let stored = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/contacts"),
            json!({ "phone": "05321234567", "custom_fields": custom }),
        )
        .await;
    assert_eq!(stored.0, StatusCode::CREATED, "{}", stored.1);
    for body in [
        names.join(" "),
        format!(
            "{{{{#if first_name}}}}x{{{{else}}}}{}{{{{/if}}}}",
            names.join("")
        ),
    ] {
        let (status, answer) = render(
            &owner,
            &ws,
            json!({ "body": body, "contact_id": "905321234567" }),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(answer["code"], "render_too_long", "{answer}");
    }
    // The server is still there, and renders what is reasonable.
    let (status, answer) = render(
        &owner,
        &ws,
        json!({ "body": "{{#if (has_tag \"vip\")}}VIP{{else}}%f1|%{{/if}}", "contact": contact }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["text"].as_str().unwrap().len(), 1000);
}

/// A listener on loopback received a plugin's request and its answer came back in the API error.
#[tokio::test(flavor = "multi_thread")]
async fn plugins_cannot_reach_internal_addresses_unless_the_instance_allows_it() {
    let (url, received, listener) = crate::plugins::receiver(200).await;
    let port = url
        .split(':')
        .nth(2)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let app = app_with_plugins(|_| {}).await;
    let (owner, _) = app.signed_up("ssrf@example.com").await;
    let ws = owner.first_workspace().await;
    let settings = format!("/api/v1/workspaces/{ws}/plugins/http-webhook");
    let send = format!("{settings}/test-send");
    for target in [
        url.clone(),
        format!("http://localhost:{port}/hook"),
        format!("http://[::ffff:127.0.0.1]:{port}/hook"),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        format!("http://2130706433:{port}/hook"),
    ] {
        let (status, body) = owner
            .patch(
                &settings,
                json!({ "config": { "url": target, "secret": "a-shared-secret-of-24-chars" } }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = owner
            .post(&send, json!({ "to": "+905321234567", "text": "merhaba" }))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{target}: {body}");
        let message = body["message"].as_str().unwrap();
        assert!(message.contains("not allowed"), "{target}: {message}");
    }
    assert!(received.lock().is_empty(), "the listener was reached");
    app.stop().await;

    // An instance that allows private networks (its admins are trusted) reaches the listener.
    let app = app_with_plugins(|s| s.outbound.allow_private_networks = true).await;
    let (owner, _) = app.signed_up("ssrf@example.com").await;
    let ws = owner.first_workspace().await;
    let settings = format!("/api/v1/workspaces/{ws}/plugins/http-webhook");
    owner
        .patch(
            &settings,
            json!({ "config": { "url": url, "secret": "a-shared-secret-of-24-chars" } }),
        )
        .await;
    let (status, body) = owner
        .post(
            &format!("{settings}/test-send"),
            json!({ "to": "+905321234567", "text": "merhaba" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(received.lock().len(), 1);
    listener.stop(true).await;
    app.stop().await;
}

/// A demoted owner's owner token promoted its creator back to owner, then deleted the workspace.
#[tokio::test(flavor = "multi_thread")]
async fn a_token_never_holds_more_than_its_creator_holds_now() {
    let app = TestApp::spawn().await;
    let (first, _) = app.signed_up("first@example.com").await;
    let ws = first.first_workspace().await;
    let (_, second_id) = app.signed_up("second@example.com").await;
    let second = app
        .add_member(&first, &ws, "second@example.com", "owner")
        .await;
    let token = app.bearer(&second.token(&ws, Some("owner")).await);
    let (status, _) = first
        .patch(
            &format!("/api/v1/workspaces/{ws}/members/{second_id}"),
            json!({ "role": "viewer" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let (status, body) = token
        .patch(
            &format!("/api/v1/workspaces/{ws}/members/{second_id}"),
            json!({ "role": "owner" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _) = token.delete(&format!("/api/v1/workspaces/{ws}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = token
        .post(
            &format!("/api/v1/workspaces/{ws}/contacts"),
            json!({ "phone": "05321234567" }),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a viewer's token writes nothing"
    );
    assert_eq!(
        token
            .get(&format!("/api/v1/workspaces/{ws}/contacts"))
            .await
            .0,
        StatusCode::OK
    );
    let (_, mine) = token
        .get(&format!("/api/v1/workspaces/{ws}/permissions/me"))
        .await;
    assert!(
        mine["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["action"] == "read"),
        "{mine}"
    );

    // Promoted again, the token's own role applies again: it follows, never leads.
    first
        .patch(
            &format!("/api/v1/workspaces/{ws}/members/{second_id}"),
            json!({ "role": "owner" }),
        )
        .await;
    let (status, _) = token
        .post(
            &format!("/api/v1/workspaces/{ws}/contacts"),
            json!({ "phone": "05321234567" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
}

/// `GET /tokens` with a workspace's token lists the caller's tokens of that workspace only.
#[tokio::test(flavor = "multi_thread")]
async fn a_token_lists_only_its_own_workspace_tokens() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_up("lister@example.com").await;
    let a = owner.first_workspace().await;
    let (_, b) = owner
        .post("/api/v1/workspaces", json!({ "name": "B" }))
        .await;
    let b = b["id"].as_str().unwrap().to_owned();
    let in_a = owner.token(&a, None).await;
    owner.token(&b, None).await;
    let (_, all) = owner.get("/api/v1/tokens").await;
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    let (status, seen) = app.bearer(&in_a).get("/api/v1/tokens").await;
    assert_eq!(status, StatusCode::OK);
    let workspaces: Vec<&str> = seen["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["workspace"].as_str().unwrap())
        .collect();
    assert_eq!(workspaces, [a.as_str()]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_password_change_can_revoke_every_token() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_up("rotate@example.com").await;
    let ws = owner.first_workspace().await;
    let token = app.bearer(&owner.token(&ws, None).await);
    assert_eq!(token.get("/api/v1/auth/me").await.0, StatusCode::OK);
    let (status, _) = owner
        .post(
            "/api/v1/auth/password",
            json!({ "current_password": "password123", "new_password": "password456", "revoke_tokens": true }),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        token.get("/api/v1/auth/me").await.0,
        StatusCode::UNAUTHORIZED
    );
}

/// Preview by `contact_id` read a contact with only `templates:read`.
#[tokio::test(flavor = "multi_thread")]
async fn a_preview_reads_a_stored_contact_only_with_contacts_read() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_up("prev@example.com").await;
    let ws = owner.first_workspace().await;
    owner
        .post(
            &format!("/api/v1/workspaces/{ws}/contacts"),
            json!({ "phone": "05321234567", "first_name": "Gizli" }),
        )
        .await;
    let (status, _) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/roles"),
            json!({ "name": "writer", "permissions": [{ "resource": "templates", "action": "read" }] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let writer = app.bearer(&owner.token(&ws, Some("writer")).await);
    let (status, body) = render(
        &writer,
        &ws,
        json!({ "body": "%ad%", "contact_id": "905321234567" }),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(!body.to_string().contains("Gizli"));
    let (status, body) = render(
        &writer,
        &ws,
        json!({ "body": "%ad%", "contact": { "phone": "05321234567", "first_name": "Ayşe" } }),
    )
    .await;
    assert_eq!(
        (status, body["text"].as_str()),
        (StatusCode::OK, Some("Ayşe"))
    );
}

/// Waits up to two seconds for `check` to hold.
pub async fn within_2s<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(2);
    while !check().await {
        assert!(Instant::now() < deadline, "not within 2 s: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Two replicas on one store: a change made through one is in force on the other within 2 s (the
/// policy was loaded once at start and never again).
#[tokio::test(flavor = "multi_thread")]
async fn replicas_on_one_store_agree_on_workspaces_members_and_revocations() {
    let a = TestApp::spawn().await;
    let b = TestApp::spawn_on(Some(a.state.db.clone()), |_| {}).await;
    let (owner_a, _) = a.signed_up("rep@example.com").await;
    let owner_b = b.login("rep@example.com").await;
    let (status, created) = owner_a
        .post("/api/v1/workspaces", json!({ "name": "Çoğaltılmış" }))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let ws = created["id"].as_str().unwrap().to_owned();
    within_2s("a workspace made through A is seen through B", || async {
        owner_b.get(&format!("/api/v1/workspaces/{ws}")).await.0 == StatusCode::OK
    })
    .await;
    // A token made through A works through B; revoked through A, it is refused through B.
    let (status, token) = owner_a
        .post("/api/v1/tokens", json!({ "name": "t", "workspace": ws }))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let via_b = b.bearer(token["secret"].as_str().unwrap());
    within_2s("a token made through A works through B", || async {
        via_b
            .get(&format!("/api/v1/workspaces/{ws}/contacts"))
            .await
            .0
            == StatusCode::OK
    })
    .await;
    let id = token["id"].as_str().unwrap();
    let (status, _) = owner_a.delete(&format!("/api/v1/tokens/{id}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    within_2s("a token revoked through A is refused through B", || async {
        via_b.get("/api/v1/auth/me").await.0 == StatusCode::UNAUTHORIZED
    })
    .await;
    b.stop().await;
    a.stop().await;
}

/// Concurrent demotions of the only two owners: one of them stays owner whatever the timing.
#[tokio::test(flavor = "multi_thread")]
async fn two_owners_demoting_each_other_at_once_leave_one_owner() {
    let app = TestApp::spawn().await;
    let (first, first_id) = app.signed_up("o1@example.com").await;
    let ws = first.first_workspace().await;
    let (_, second_id) = app.signed_up("o2@example.com").await;
    let second = app.add_member(&first, &ws, "o2@example.com", "owner").await;
    let second_path = format!("/api/v1/workspaces/{ws}/members/{second_id}");
    let first_path = format!("/api/v1/workspaces/{ws}/members/{first_id}");
    let demote_second = first.patch(&second_path, json!({ "role": "viewer" }));
    let demote_first = second.patch(&first_path, json!({ "role": "viewer" }));
    let ((s1, _), (s2, _)) = tokio::join!(demote_second, demote_first);
    assert!(
        !(s1 == StatusCode::OK && s2 == StatusCode::OK),
        "both demotions succeeded"
    );
    let (_, members) = first.get(&format!("/api/v1/workspaces/{ws}/members")).await;
    let owners = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "owner")
        .count();
    assert_eq!(owners, 1, "{members}");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_answer_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::new();
    for (path, html) in [
        ("/", true),
        ("/api/docs/", true),
        ("/api/v1/auth/me", false),
        ("/healthz", false),
        ("/api/openapi.json", false),
    ] {
        let response = client
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert!(headers.contains_key("referrer-policy"), "{path}");
        let csp = headers
            .get("content-security-policy")
            .map(|v| v.to_str().unwrap().to_owned());
        if html {
            let csp = csp.unwrap_or_else(|| panic!("{path} has no CSP"));
            assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
            assert!(!csp.contains("script-src 'self' 'unsafe-inline'"), "{csp}");
        }
    }
}

/// A PNG a few kilobytes long can claim a picture that takes hundreds of megabytes to decode.
#[tokio::test(flavor = "multi_thread")]
async fn images_larger_than_the_limit_are_not_decoded() {
    let app = TestApp::spawn_with(|s| s.media.max_image_dimension = 2048).await;
    let (owner, _) = app.signed_up("img@example.com").await;
    let ws = owner.first_workspace().await;
    let mut png = Vec::new();
    image::RgbImage::new(3000, 1000)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let uploads = (0..4).map(|i| {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(png.clone()).file_name(format!("big{i}.png")),
        );
        owner.send(
            owner
                .request(
                    reqwest::Method::POST,
                    &format!("/api/v1/workspaces/{ws}/media"),
                )
                .multipart(form),
        )
    });
    for (status, media) in futures_util::future::join_all(uploads).await {
        assert_eq!(status, StatusCode::CREATED, "{media}");
        assert_eq!(media["kind"], "image");
        assert_eq!(media["has_thumbnail"], false, "{media}");
    }
}

/// Upload and delete of identical bytes at the same moment could remove the bytes a new entry uses.
#[tokio::test(flavor = "multi_thread")]
async fn a_delete_never_takes_the_bytes_of_an_upload_racing_it() {
    let app = TestApp::spawn_with(|s| s.media.unreferenced_grace_secs = 0).await;
    let (owner, _) = app.signed_up("race@example.com").await;
    let ws = owner.first_workspace().await;
    let upload = |name: &'static str| {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(b"ayni icerik, iki kayit\n".to_vec()).file_name(name),
        );
        owner.send(
            owner
                .request(
                    reqwest::Method::POST,
                    &format!("/api/v1/workspaces/{ws}/media"),
                )
                .multipart(form),
        )
    };
    let (_, mut current) = upload("first.txt").await;
    for _ in 0..20 {
        let old = current["id"].as_str().unwrap().to_owned();
        let old_path = format!("/api/v1/workspaces/{ws}/media/{old}");
        let delete = owner.delete(&old_path);
        let ((deleted, _), (status, created)) = tokio::join!(delete, upload("next.txt"));
        assert_eq!(deleted, StatusCode::NO_CONTENT);
        assert_eq!(status, StatusCode::CREATED, "{created}");
        app.state.blobs.sweep(&app.state.db).await.unwrap();
        let id = created["id"].as_str().unwrap();
        let content = owner
            .request(
                reqwest::Method::GET,
                &format!("/api/v1/workspaces/{ws}/media/{id}/content"),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(
            content.status(),
            StatusCode::OK,
            "the new entry lost its bytes"
        );
        current = created;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn workspace_quotas_refuse_what_would_exceed_them() {
    let app = TestApp::spawn_with(|s| s.quotas.media_bytes_per_workspace = 100).await;
    let (owner, _) = app.signed_up("quota@example.com").await;
    let ws = owner.first_workspace().await;
    let upload = |bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name("a.txt"),
        );
        owner.send(
            owner
                .request(
                    reqwest::Method::POST,
                    &format!("/api/v1/workspaces/{ws}/media"),
                )
                .multipart(form),
        )
    };
    assert_eq!(upload(vec![b'a'; 60]).await.0, StatusCode::CREATED);
    let (status, body) = upload(vec![b'b'; 60]).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("quota_exceeded")),
        "{body}"
    );
    assert_eq!(upload(vec![b'c'; 40]).await.0, StatusCode::CREATED);
}

/// Deleting a workspace left plugin settings and data, import jobs and their files, media entries
/// and unreferenced blobs behind; a crash midway must not leave it half done.
#[tokio::test(flavor = "multi_thread")]
async fn deleting_a_workspace_removes_everything_it_owns_even_across_a_restart() {
    let data_dir = std::env::temp_dir().join(format!("ulak-purge-{}", ulak::db::new_id()));
    let on_disk = {
        let data_dir = data_dir.clone();
        move |s: &mut ulak::config::Settings| {
            s.database.url = String::new();
            s.storage.data_dir = data_dir.clone();
            s.media.unreferenced_grace_secs = 0;
            s.plugins.dir = crate::plugins::repo_path("plugins");
        }
    };
    let app = TestApp::spawn_with(on_disk.clone()).await;
    let (owner, _) = app.signed_up("purge@example.com").await;
    let mut doomed = Vec::new();
    let mut channels = Vec::new();
    let mut campaigns = Vec::new();
    for name in ["Gidecek", "Çöküşte gidecek"] {
        let (_, created) = owner
            .post("/api/v1/workspaces", json!({ "name": name }))
            .await;
        let ws = created["id"].as_str().unwrap().to_owned();
        owner
            .post(
                &format!("/api/v1/workspaces/{ws}/contacts"),
                json!({ "phone": "05321234567" }),
            )
            .await;
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(format!("only {ws}\n").into_bytes()).file_name("x.txt"),
        );
        let (status, _) = owner
            .send(
                owner
                    .request(
                        reqwest::Method::POST,
                        &format!("/api/v1/workspaces/{ws}/media"),
                    )
                    .multipart(form),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, body) = owner
            .patch(
                &format!("/api/v1/workspaces/{ws}/plugins/http-webhook"),
                json!({ "config": { "url": "https://example.com/h", "secret": "a-shared-secret-of-24-chars" } }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let csv = "Telefon;Ad\n05321112233;Ayşe\n";
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("k.csv"),
        );
        let (status, body) = owner
            .send(
                owner
                    .request(
                        reqwest::Method::POST,
                        &format!("/api/v1/workspaces/{ws}/contacts/imports"),
                    )
                    .multipart(form),
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        app.state
            .db
            .exec(
                "UPSERT type::record('plugin_kv', [$ws, 'greeting', 'k']) SET workspace = $ws, plugin = 'greeting', value = '00', size = 1",
                json!({ "ws": ws }),
            )
            .await
            .unwrap();
        // Messaging: a channel, a campaign sent, a single send, opt-out words.
        let template = crate::pipeline::template(&owner, &ws, "Merhaba %ad%", Vec::new()).await;
        let channel = crate::pipeline::channel(&owner, &ws, "sandbox", json!({})).await;
        let campaign = crate::pipeline::campaign(
            &owner,
            &ws,
            json!({ "name": "c", "template": template, "channel": channel, "audience": { "all": true },
                    "rate": { "per_minute": null, "jitter_min_ms": 0, "jitter_max_ms": 0 } }),
        )
        .await;
        let (status, body) = owner
            .post(
                &format!("/api/v1/workspaces/{ws}/campaigns/{campaign}/start"),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        crate::pipeline::campaign_in(&owner, &ws, &campaign, "completed", Duration::from_secs(20))
            .await;
        let (status, body) = owner
            .post(
                &format!("/api/v1/workspaces/{ws}/messages"),
                json!({ "channel": channel, "phone": "05329998877", "text": "Tek mesaj" }),
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let (status, body) = owner
            .put(
                &format!("/api/v1/workspaces/{ws}/opt-out"),
                json!({ "opt_out": ["STOP", "YETER"], "opt_in": ["START"] }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        channels.push(channel);
        campaigns.push(campaign);
        doomed.push(ws);
    }
    // Let the imports finish, so the purge has job rows and files to remove.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (status, _) = owner
        .delete(&format!("/api/v1/workspaces/{}", doomed[0]))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // The second is "deleted" by a process that stops right after marking it.
    app.state
        .db
        .exec(
            "UPDATE type::record('workspace', $ws) SET deleting_since = time::now()",
            json!({ "ws": doomed[1] }),
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    app.stop().await;

    let app = TestApp::spawn_with(on_disk).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    let left = loop {
        let mut left = Vec::new();
        for table in [
            "workspace",
            "contact",
            "contact_posting",
            "media",
            "plugin_setting",
            "plugin_kv",
            "import_job",
            "role",
            "contact_field",
            "channel",
            "campaign",
            "message",
            "conversation",
            "messaging_settings",
        ] {
            let rows: Vec<Value> = app
                .state
                .db
                .rows(
                    &format!("SELECT id FROM {table} WHERE workspace IN $ws OR record::id(id) IN $ws OR (type::is_array(record::id(id)) AND record::id(id)[0] IN $ws)"),
                    json!({ "ws": doomed }),
                )
                .await
                .unwrap();
            if !rows.is_empty() {
                left.push(format!("{table}: {rows:?}"));
            }
        }
        for (table, ids) in [
            ("campaign_enqueue", &campaigns),
            ("channel_lease", &channels),
            ("channel_day", &channels),
            ("retry", &channels),
            ("provider_ref", &channels),
            ("recipient_gap", &channels),
            ("inbound_seen", &channels),
        ] {
            let rows: Vec<Value> = app
                .state
                .db
                .rows(
                    &format!("SELECT id FROM {table} WHERE record::id(id) IN $ids OR (type::is_array(record::id(id)) AND record::id(id)[0] IN $ids)"),
                    json!({ "ids": ids }),
                )
                .await
                .unwrap();
            if !rows.is_empty() {
                left.push(format!("{table}: {rows:?}"));
            }
        }
        if left.is_empty() || Instant::now() > deadline {
            break left;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(left.is_empty(), "left behind: {left:?}");
    app.state.blobs.sweep(&app.state.db).await.unwrap();
    let files: Vec<String> = walk(&data_dir.join("blobs"))
        .into_iter()
        .chain(walk(&data_dir.join("imports")))
        .map(|p| p.display().to_string())
        .collect();
    assert!(
        files.iter().all(|f| f.contains("incoming")),
        "files left behind: {files:?}"
    );
    app.stop().await;
    let _ = std::fs::remove_dir_all(&data_dir);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// A restarting replica marked every running import failed, other replicas' included.
#[tokio::test(flavor = "multi_thread")]
async fn a_restart_fails_only_this_nodes_unfinished_imports() {
    let a = TestApp::spawn().await;
    let (owner, _) = a.signed_up("node@example.com").await;
    let ws = owner.first_workspace().await;
    for (id, node) in [
        ("mine", a.state.node.clone()),
        ("theirs", "node-elsewhere".to_owned()),
    ] {
        a.state
            .db
            .exec(
                "CREATE type::record('import_job', $id) SET workspace = $ws, importer = 'csv-importer', \
                 file_name = 'x.csv', size = 1, dry_run = false, status = 'running', created_by = 'u', \
                 node = $node, lease_until = time::now() + 10m",
                json!({ "id": id, "ws": ws, "node": node }),
            )
            .await
            .unwrap();
    }
    ulak::contacts::imports::fail_interrupted(&a.state).await;
    let statuses: Vec<Value> = a
        .state
        .db
        .rows(
            "SELECT record::id(id) AS id, status FROM import_job ORDER BY id",
            json!({}),
        )
        .await
        .unwrap();
    assert_eq!(
        statuses,
        vec![
            json!({ "id": "mine", "status": "failed" }),
            json!({ "id": "theirs", "status": "running" })
        ]
    );
    // A node that stops renewing its lease loses its jobs.
    a.state
        .db
        .exec(
            "UPDATE import_job:theirs SET lease_until = time::now() - 1s",
            json!({}),
        )
        .await
        .unwrap();
    ulak::contacts::imports::keep_leases(&a.state).await;
    let theirs: Option<String> = a
        .state
        .db
        .row("SELECT VALUE status FROM import_job:theirs", json!({}))
        .await
        .unwrap();
    assert_eq!(theirs.as_deref(), Some("failed"));
}

/// The plugin key-value store had no total quota per workspace.
#[tokio::test(flavor = "multi_thread")]
async fn a_plugin_cannot_store_more_than_the_workspace_quota() {
    let app = TestApp::spawn_with(|s| s.quotas.plugin_kv_bytes_per_workspace = 1).await;
    let (owner, _) = app.signed_up("kv@example.com").await;
    let ws = owner.first_workspace().await;
    crate::plugins::install_hostile(&owner).await;
    let mut answers = Vec::new();
    for _ in 0..10 {
        let (status, body) = render(
            &owner,
            &ws,
            json!({ "body": "%counter|full%", "contact": { "phone": "05321234567" } }),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        answers.push(body["text"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        answers,
        ["1", "2", "3", "4", "5", "6", "7", "8", "9", "full"]
    );
}

/// A template whose channel hints nested 120 levels deep overflowed a worker's stack and took the
/// whole server down (found while checking the store's error mapping).
#[tokio::test(flavor = "multi_thread")]
async fn deeply_nested_json_is_refused_and_the_server_stays_up() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_up("deep@example.com").await;
    let ws = owner.first_workspace().await;
    let mut hint = json!({});
    for _ in 0..120 {
        hint = json!({ "a": hint });
    }
    let (status, body) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/templates"),
            json!({ "name": "derin", "body": "merhaba", "channel_hints": { "x": hint } }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["details"]["field"], "channel_hints.x");
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"Telefon\n05321234567\n".to_vec()).file_name("k.csv"),
        )
        .text("options", json!({ "mapping": hint }).to_string());
    let (status, body) = owner
        .send(
            owner
                .request(
                    reqwest::Method::POST,
                    &format!("/api/v1/workspaces/{ws}/contacts/imports"),
                )
                .multipart(form),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(owner.get("/api/v1/auth/me").await.0, StatusCode::OK);
}

/// Registration proves nothing about an address: whoever registered an invited address first could
/// take the invitation. A newer account needs the invitation's code; and an invitation whose
/// inviter lost the right to grant its role no longer admits anyone.
#[tokio::test(flavor = "multi_thread")]
async fn invitations_are_claimed_only_by_their_addressee_and_within_the_inviters_rights() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_up("boss@example.com").await;
    let ws = owner.first_workspace().await;
    let (status, invited) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/members"),
            json!({ "email": "newhire@example.com", "role": "admin" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let id = invited["id"].as_str().unwrap();
    let code = invited["code"].as_str().unwrap();
    assert!(invited["accept_path"].as_str().unwrap().ends_with(code));
    // Someone registers the address after the invitation was made.
    let (claimer, _) = app.signed_up("newhire@example.com").await;
    let (_, mine) = claimer.get("/api/v1/invitations").await;
    assert!(mine["items"].as_array().unwrap().is_empty(), "{mine}");
    let accept = format!("/api/v1/invitations/{id}/accept");
    let (status, _) = claimer.post(&accept, json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = claimer.post(&accept, json!({ "code": "wrong" })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = claimer.post(&accept, json!({ "code": code })).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // An admin invites, is demoted, and the invitation dies with their right to give the role.
    let (_, admin_id) = app.signed_up("deputy@example.com").await;
    let deputy = app
        .add_member(&owner, &ws, "deputy@example.com", "admin")
        .await;
    app.register("friend@example.com").await;
    let (status, invited) = deputy
        .post(
            &format!("/api/v1/workspaces/{ws}/members"),
            json!({ "email": "friend@example.com", "role": "admin" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    owner
        .patch(
            &format!("/api/v1/workspaces/{ws}/members/{admin_id}"),
            json!({ "role": "viewer" }),
        )
        .await;
    let friend = app.login("friend@example.com").await;
    let id = invited["id"].as_str().unwrap();
    let (status, body) = friend
        .post(&format!("/api/v1/invitations/{id}/accept"), json!({}))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("invitation_invalid")),
        "{body}"
    );
}
