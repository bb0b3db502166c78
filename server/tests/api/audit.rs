//! The audit log: every audited action, performed over HTTP, leaves exactly one entry in the
//! workspace's log and one in the instance's; the logs are filtered, paged, exported and shown to
//! the right people only.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::Caller;
use crate::pipeline::{campaign, channel, contacts, template};

/// Every entry of a log, newest first, read a page of 7 at a time (so the cursor is used).
async fn whole_log(caller: &Caller, path: &str) -> Vec<Value> {
    let mut all: Vec<Value> = Vec::new();
    let mut cursor = String::new();
    loop {
        let sep = if path.contains('?') { '&' } else { '?' };
        let (status, page) = caller.get(&format!("{path}{sep}limit=7{cursor}")).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        all.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return all,
        }
    }
}

fn counts(entries: &[Value]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for entry in entries {
        *counts
            .entry(entry["action"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    counts
}

#[tokio::test(flavor = "multi_thread")]
async fn every_audited_action_leaves_one_entry() {
    let app = crate::plugins::app_with_plugins(|s| s.outbound.allow_private_networks = true).await;
    // Actions in the workspace, and on the instance only (sign-ins, plugins, the second workspace).
    let mut in_ws: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut elsewhere: BTreeMap<&'static str, usize> = BTreeMap::new();
    fn did(map: &mut BTreeMap<&'static str, usize>, action: &'static str) {
        *map.entry(action).or_default() += 1;
    }

    let (owner, owner_id) = app.signed_up("denetim@example.com").await;
    did(&mut elsewhere, "auth.signed_in");
    let ws = owner.first_workspace().await;

    // Failed sign-ins: a wrong password, and an address with no account.
    for email in ["denetim@example.com", "kimse@example.com"] {
        let (status, _) = app
            .anonymous()
            .post(
                "/api/v1/auth/login",
                json!({ "email": email, "password": "yanlis-parola" }),
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        did(&mut elsewhere, "auth.sign_in_failed");
    }

    // A second workspace: created, renamed, deleted.
    let (status, second) = owner
        .post("/api/v1/workspaces", json!({ "name": "Geçici" }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    let second = second["id"].as_str().unwrap().to_owned();
    let (status, _) = owner
        .patch(
            &format!("/api/v1/workspaces/{second}"),
            json!({ "name": "Geçici 2" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = owner.delete(&format!("/api/v1/workspaces/{second}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    for action in [
        "workspace.created",
        "workspace.updated",
        "workspace.deleted",
    ] {
        did(&mut elsewhere, action);
    }

    // Members: invited and joined (the member signs in), role changed, removed; an invitation
    // withdrawn.
    let member_id = app.register("uye@example.com").await["user"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let member = app
        .add_member(&owner, &ws, "uye@example.com", "viewer")
        .await;
    did(&mut in_ws, "member.invited");
    did(&mut elsewhere, "auth.signed_in");
    did(&mut in_ws, "member.joined");
    // A viewer may not read the audit log; only the superadmin reads the instance's.
    let (status, _) = member.get(&format!("/api/v1/workspaces/{ws}/audit")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = member.get("/api/v1/audit").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = member.get("/api/v1/audit.csv").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = owner
        .patch(
            &format!("/api/v1/workspaces/{ws}/members/{member_id}"),
            json!({ "role": "editor" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    did(&mut in_ws, "member.role_changed");
    let (status, _) = owner
        .delete(&format!("/api/v1/workspaces/{ws}/members/{member_id}"))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    did(&mut in_ws, "member.removed");
    let (status, invitation) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/members"),
            json!({ "email": "sonra@example.com", "role": "viewer" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{invitation}");
    did(&mut in_ws, "member.invited");
    let (status, _) = owner
        .delete(&format!(
            "/api/v1/workspaces/{ws}/invitations/{}",
            invitation["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    did(&mut in_ws, "member.invitation_withdrawn");

    // A custom role: created, changed, deleted.
    let roles = format!("/api/v1/workspaces/{ws}/roles");
    let (status, body) = owner
        .post(
            &roles,
            json!({ "name": "denetci", "permissions": [{ "resource": "audit", "action": "read" }] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = owner
        .put(
            &format!("{roles}/denetci"),
            json!({ "permissions": [{ "resource": "contacts", "action": "read" }] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = owner.delete(&format!("{roles}/denetci")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    for action in ["role.created", "role.updated", "role.deleted"] {
        did(&mut in_ws, action);
    }

    // A token: created, and the log read with it (an owner's token may), then revoked.
    let (status, token) = owner
        .post(
            "/api/v1/tokens",
            json!({ "name": "CRM", "workspace": ws, "role": "admin" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{token}");
    did(&mut in_ws, "token.created");
    let token_id = token["id"].as_str().unwrap().to_owned();
    let (status, _) = app
        .bearer(token["secret"].as_str().unwrap())
        .get(&format!("/api/v1/workspaces/{ws}/audit"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = owner.delete(&format!("/api/v1/tokens/{token_id}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    did(&mut in_ws, "token.revoked");

    // Plugins: installed, upgraded, removed (the instance's); configured (the workspace's). An
    // upload of the same bytes again changes nothing and is not an entry.
    crate::plugins::install_hostile(&owner).await;
    did(&mut elsewhere, "plugin.installed");
    let manifest = std::fs::read_to_string(crate::plugins::repo_path(
        "tests/plugins/hostile/plugin.toml",
    ))
    .unwrap();
    let component = std::fs::read(crate::plugins::repo_path(
        "tests/plugins/hostile/hostile.wasm",
    ))
    .unwrap();
    let (status, _) = crate::plugins::upload(&owner, &manifest, component.clone()).await;
    assert_eq!(status, StatusCode::OK);
    let upgraded = manifest.replace("version = \"0.1.0\"", "version = \"0.2.0\"");
    let (status, body) = crate::plugins::upload(&owner, &upgraded, component).await;
    assert_eq!(body["outcome"], "upgraded", "{status} {body}");
    did(&mut elsewhere, "plugin.upgraded");
    let (status, _) = owner.delete("/api/v1/plugins/hostile").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    did(&mut elsewhere, "plugin.removed");
    let (status, body) = owner
        .patch(
            &format!("/api/v1/workspaces/{ws}/plugins/greeting"),
            json!({ "enabled": true, "config": { "morning_until": 11 } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    did(&mut in_ws, "plugin.configured");

    // A channel and a campaign: created, started, exported, cancelled; the channel changed and
    // deleted. Contacts exported.
    contacts(&owner, &ws, 3, "denetim").await;
    let template = template(&owner, &ws, "Merhaba %ad%", Vec::new()).await;
    let sandbox = channel(&owner, &ws, "sandbox", json!({})).await;
    did(&mut in_ws, "channel.created");
    let id = campaign(
        &owner,
        &ws,
        json!({ "name": "Yavaş", "template": template, "channel": sandbox, "audience": { "all": true },
                "rate": { "per_minute": 1, "jitter_min_ms": 0, "jitter_max_ms": 0 } }),
    )
    .await;
    crate::pipeline::start(&owner, &ws, &id).await;
    did(&mut in_ws, "campaign.started");
    let (status, _) = owner
        .get(&format!(
            "/api/v1/workspaces/{ws}/campaigns/{id}/messages.csv"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    did(&mut in_ws, "messages.exported");
    let (status, _) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/campaigns/{id}/cancel"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    did(&mut in_ws, "campaign.cancelled");
    let (status, _) = owner
        .get(&format!(
            "/api/v1/workspaces/{ws}/contacts/export.csv?tag=denetim"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    did(&mut in_ws, "contacts.exported");
    let (status, _) = owner
        .patch(
            &format!("/api/v1/workspaces/{ws}/channels/{sandbox}"),
            json!({ "name": "Deneme" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    did(&mut in_ws, "channel.updated");
    let (status, body) = owner
        .delete(&format!("/api/v1/workspaces/{ws}/channels/{sandbox}"))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    did(&mut in_ws, "channel.deleted");

    // A webhook: created, changed, its secret rotated, deleted. The address is logged without
    // its query, which may hold a secret.
    let hooks = format!("/api/v1/workspaces/{ws}/webhooks");
    let (status, hook) = owner
        .post(
            &hooks,
            json!({ "url": "http://127.0.0.1:9/hook?key=gizli", "types": ["contact.created"] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{hook}");
    let hook = hook["webhook"]["id"].as_str().unwrap().to_owned();
    let (status, _) = owner
        .patch(&format!("{hooks}/{hook}"), json!({ "active": false }))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = owner
        .post(&format!("{hooks}/{hook}/rotate-secret"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = owner.delete(&format!("{hooks}/{hook}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    for action in [
        "webhook.created",
        "webhook.updated",
        "webhook.secret_rotated",
        "webhook.deleted",
    ] {
        did(&mut in_ws, action);
    }

    // The owner's password, last (the other sessions end).
    let (status, body) = owner
        .post(
            "/api/v1/auth/password",
            json!({ "current_password": "password123", "new_password": "yeni-parola-123" }),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    did(&mut elsewhere, "auth.password_changed");

    // The workspace's log: exactly its actions, once each, newest first, by the owner (but the
    // joining member) from the loopback address.
    let log = whole_log(&owner, &format!("/api/v1/workspaces/{ws}/audit")).await;
    let expected: BTreeMap<String, usize> =
        in_ws.iter().map(|(a, n)| ((*a).to_owned(), *n)).collect();
    assert_eq!(counts(&log), expected);
    let ids: Vec<&str> = log.iter().map(|e| e["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    sorted.dedup();
    assert_eq!(ids, sorted, "newest first, no entry twice");
    for entry in &log {
        assert_eq!(entry["ip"], "127.0.0.1", "{entry}");
        assert_eq!(entry["workspace"], ws.as_str(), "{entry}");
        let by = if entry["action"] == "member.joined" {
            &member_id
        } else {
            &owner_id
        };
        assert_eq!(entry["actor"]["user"], by.as_str(), "{entry}");
    }
    let created = log.iter().find(|e| e["action"] == "token.created").unwrap();
    assert_eq!(created["target"], token_id.as_str());
    assert_eq!(created["details"]["role"], "admin");
    let hook_entry = log
        .iter()
        .find(|e| e["action"] == "webhook.created")
        .unwrap();
    assert_eq!(hook_entry["details"]["url"], "http://127.0.0.1:9");
    let configured = log
        .iter()
        .find(|e| e["action"] == "plugin.configured")
        .unwrap();
    assert_eq!(configured["details"]["settings"], json!(["morning_until"]));
    assert!(
        !configured["details"].to_string().contains("11"),
        "{configured}"
    );

    // The instance's log: everything, the other workspace's and the sign-ins too.
    let all = whole_log(&owner, "/api/v1/audit").await;
    let mut expected_all = expected.clone();
    for (action, n) in &elsewhere {
        *expected_all.entry((*action).to_owned()).or_default() += n;
    }
    assert_eq!(counts(&all), expected_all);
    let failed: Vec<&Value> = all
        .iter()
        .filter(|e| e["action"] == "auth.sign_in_failed")
        .collect();
    // An unknown address is kept as a digest only; a known account by its id.
    assert_eq!(failed[0]["actor"]["email"], Value::Null);
    assert_eq!(failed[0]["actor"]["user"], Value::Null);
    assert_eq!(
        failed[0]["details"]["unknown_address_sha256"]
            .as_str()
            .map(str::len),
        Some(16)
    );
    assert!(!failed[0].to_string().contains("kimse"), "{}", failed[0]);
    assert_eq!(failed[1]["actor"]["user"], owner_id.as_str());
    assert_eq!(failed[1]["actor"]["email"], "denetim@example.com");
    let second_only = whole_log(&owner, &format!("/api/v1/audit?workspace={second}")).await;
    assert_eq!(
        counts(&second_only).keys().cloned().collect::<Vec<_>>(),
        [
            "workspace.created",
            "workspace.deleted",
            "workspace.updated"
        ]
    );

    // Filters: a family, several actions, a user, a time window.
    let members = whole_log(
        &owner,
        &format!("/api/v1/workspaces/{ws}/audit?action=member"),
    )
    .await;
    assert_eq!(members.len(), 6);
    let two = whole_log(
        &owner,
        &format!("/api/v1/workspaces/{ws}/audit?action=token.created,role.deleted"),
    )
    .await;
    assert_eq!(two.len(), 2);
    let by_member = whole_log(&owner, &format!("/api/v1/audit?user={member_id}")).await;
    assert_eq!(
        counts(&by_member),
        BTreeMap::from([
            ("auth.signed_in".to_owned(), 1),
            ("member.joined".to_owned(), 1)
        ])
    );
    let later = whole_log(&owner, "/api/v1/audit?since=2100-01-01T00:00:00Z").await;
    assert!(later.is_empty());
    let before = whole_log(&owner, "/api/v1/audit?until=2000-01-01T00:00:00Z").await;
    assert!(before.is_empty());
    let (status, body) = owner
        .get(&format!("/api/v1/workspaces/{ws}/audit?action=nope"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _) = owner
        .get(&format!("/api/v1/workspaces/{ws}/audit?cursor=x"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // CSV: a header and one line per entry, formulas defused.
    let response = owner
        .client
        .get(format!("{}/api/v1/workspaces/{ws}/audit.csv", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), log.len());
    assert_eq!(&rows[0][0], log[0]["id"].as_str().unwrap());
    assert!(rows.iter().any(|r| &r[2] == "token.created"));

    // Nothing changes or removes an entry.
    for method in [reqwest::Method::DELETE, reqwest::Method::PUT] {
        let (status, _) = owner
            .send(owner.request(method, &format!("/api/v1/workspaces/{ws}/audit")))
            .await;
        assert!(
            status == StatusCode::METHOD_NOT_ALLOWED || status == StatusCode::NOT_FOUND,
            "{status}"
        );
    }
    app.stop().await;
}
