use std::collections::BTreeSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Caller, TestApp};

/// The catalogue as the API documents it, written out here independently of the server's code.
const CATALOGUE: &[(&str, &[&str])] = &[
    ("workspace", &["read", "update", "delete"]),
    ("members", &["read", "write"]),
    ("roles", &["read", "write"]),
    ("tokens", &["read", "write"]),
    ("contacts", &["read", "write"]),
    ("templates", &["read", "write"]),
    ("variables", &["read", "write"]),
    ("media", &["read", "write"]),
    ("channels", &["read", "write"]),
    ("campaigns", &["read", "write", "send"]),
    ("messages", &["read", "write"]),
    ("conversations", &["read", "write"]),
    ("webhooks", &["read", "write"]),
    ("plugins", &["read", "write"]),
    ("audit", &["read"]),
];

fn expected(role: &str, resource: &str, action: &str) -> bool {
    match role {
        "owner" => true,
        "admin" => (resource, action) != ("workspace", "delete"),
        // Editors write drafts and answer conversations; running campaigns and channels, and
        // single sends, are for admins.
        // The audit log is for owners and admins.
        "editor" => {
            (action == "read" && resource != "audit")
                || (action == "write"
                    && [
                        "contacts",
                        "templates",
                        "variables",
                        "media",
                        "campaigns",
                        "conversations",
                        "tokens",
                    ]
                    .contains(&resource))
        }
        "viewer" => action == "read" && resource != "audit",
        _ => unreachable!(),
    }
}

fn as_set(permissions: &Value) -> BTreeSet<(String, String)> {
    permissions
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["resource"].as_str().unwrap().to_owned(),
                p["action"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Exercises each permission that has a route; returns the status for each.
async fn probe(
    caller: &Caller,
    ws: &str,
    resource: &str,
    action: &str,
    n: usize,
) -> Option<StatusCode> {
    let status = match (resource, action) {
        ("workspace", "read") => caller.get(&format!("/api/v1/workspaces/{ws}")).await.0,
        ("workspace", "update") => caller.patch(&format!("/api/v1/workspaces/{ws}"), json!({"name": format!("n{n}")})).await.0,
        ("members", "read") => caller.get(&format!("/api/v1/workspaces/{ws}/members")).await.0,
        ("members", "write") => {
            caller
                .post(&format!("/api/v1/workspaces/{ws}/members"), json!({"email": format!("spare{n}@example.com"), "role": "viewer"}))
                .await
                .0
        }
        ("roles", "read") => caller.get(&format!("/api/v1/workspaces/{ws}/roles")).await.0,
        ("audit", "read") => caller.get(&format!("/api/v1/workspaces/{ws}/audit")).await.0,
        ("roles", "write") => {
            caller
                .post(
                    &format!("/api/v1/workspaces/{ws}/roles"),
                    json!({"name": format!("probe{n}"), "permissions": [{"resource": "contacts", "action": "read"}]}),
                )
                .await
                .0
        }
        ("tokens", "write") => {
            caller.post("/api/v1/tokens", json!({"name": "probe", "workspace": ws, "role": "viewer"})).await.0
        }
        _ => return None,
    };
    Some(status)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_builtin_role_gets_exactly_its_permissions() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_up("matrix-owner@example.com").await;
    let ws = owner.first_workspace().await;
    let mut n = 0;
    for role in ["owner", "admin", "editor", "viewer"] {
        let email = format!("{role}@example.com");
        app.register(&email).await;
        let member = app.add_member(&owner, &ws, &email, role).await;

        let (_, mine) = member
            .get(&format!("/api/v1/workspaces/{ws}/permissions/me"))
            .await;
        assert_eq!(mine["role"], role);
        let granted = as_set(&mine["permissions"]);
        for (resource, actions) in CATALOGUE {
            for action in *actions {
                let should = expected(role, resource, action);
                let key = ((*resource).to_owned(), (*action).to_owned());
                assert_eq!(
                    granted.contains(&key),
                    should,
                    "{role} {resource}:{action} by the enforcer"
                );
                n += 1;
                app.register(&format!("spare{n}@example.com")).await;
                if let Some(status) = probe(&member, &ws, resource, action, n).await {
                    if should {
                        assert!(
                            status.is_success(),
                            "{role} {resource}:{action} over HTTP: {status}"
                        );
                    } else {
                        assert_eq!(
                            status,
                            StatusCode::FORBIDDEN,
                            "{role} {resource}:{action} over HTTP"
                        );
                    }
                }
            }
        }
        assert_eq!(
            granted.len(),
            CATALOGUE
                .iter()
                .flat_map(|(r, a)| a.iter().map(move |a| (r, a)))
                .filter(|(r, a)| expected(role, r, a))
                .count()
        );
    }
    // workspace:delete last, on workspaces of their own making, so the matrix above keeps its workspace.
    for (role, allowed) in [
        ("viewer", false),
        ("editor", false),
        ("admin", false),
        ("owner", true),
    ] {
        let member = app.login(&format!("{role}@example.com")).await;
        let (status, _) = member.delete(&format!("/api/v1/workspaces/{ws}")).await;
        if allowed {
            assert_eq!(status, StatusCode::NO_CONTENT, "{role} deletes");
        } else {
            assert_eq!(status, StatusCode::FORBIDDEN, "{role} may not delete");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_catalogue_lists_every_permission_and_the_builtin_roles() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_up("cat@example.com").await;
    let (status, body) = owner.get("/api/v1/permissions").await;
    assert_eq!(status, StatusCode::OK);
    let resources: Vec<&str> = body["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["resource"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = CATALOGUE.iter().map(|(r, _)| *r).collect();
    assert_eq!(resources, expected);
    assert_eq!(body["builtin_roles"].as_array().unwrap().len(), 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn custom_roles_grant_what_they_list_and_changes_apply_on_the_next_request() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_up("boss@example.com").await;
    let ws = owner.first_workspace().await;
    let roles = format!("/api/v1/workspaces/{ws}/roles");
    let (status, role) = owner
        .post(&roles, json!({"name": "auditor", "description": "Reads members", "permissions": [
            {"resource": "members", "action": "read"}, {"resource": "contacts", "action": "read"}]}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{role}");
    assert!(as_set(&role["permissions"]).contains(&("workspace".into(), "read".into())));

    let (_, auditor_id) = app.signed_up("aud@example.com").await;
    let auditor = app
        .add_member(&owner, &ws, "aud@example.com", "auditor")
        .await;
    let members = format!("/api/v1/workspaces/{ws}/members");
    assert_eq!(auditor.get(&members).await.0, StatusCode::OK);
    assert_eq!(auditor.get(&roles).await.0, StatusCode::FORBIDDEN);

    let (status, _) = owner
        .put(
            &format!("{roles}/auditor"),
            json!({"permissions": [{"resource": "roles", "action": "read"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(auditor.get(&members).await.0, StatusCode::FORBIDDEN);
    assert_eq!(auditor.get(&roles).await.0, StatusCode::OK);

    let (status, body) = owner.delete(&format!("{roles}/auditor")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("role_in_use"))
    );
    owner
        .patch(
            &format!("{members}/{auditor_id}"),
            json!({"role": "viewer"}),
        )
        .await;
    assert_eq!(
        owner.delete(&format!("{roles}/auditor")).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        owner.get(&format!("{roles}/auditor")).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn roles_are_validated_and_builtins_are_fixed() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_up("val@example.com").await;
    let ws = owner.first_workspace().await;
    let roles = format!("/api/v1/workspaces/{ws}/roles");
    let (status, body) = owner
        .post(
            &roles,
            json!({"name": "bad", "permissions": [{"resource": "nukes", "action": "launch"}]}),
        )
        .await;
    assert_eq!(
        (status, body["details"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("permissions[0]"))
    );
    let (status, body) = owner
        .post(&roles, json!({"name": "Bad Name!", "permissions": []}))
        .await;
    assert_eq!(
        (status, body["details"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("name"))
    );
    let (status, body) = owner
        .post(&roles, json!({"name": "viewer", "permissions": []}))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("role_exists"))
    );
    let (status, body) = owner
        .put(&format!("{roles}/admin"), json!({"permissions": []}))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("builtin_role"))
    );
    let (status, _) = owner.delete(&format!("{roles}/owner")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, list) = owner.get(&roles).await;
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["admin", "editor", "owner", "viewer"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn nobody_creates_a_role_stronger_than_their_own() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_up("top@example.com").await;
    let ws = owner.first_workspace().await;
    app.register("adm@example.com").await;
    let admin = app
        .add_member(&owner, &ws, "adm@example.com", "admin")
        .await;
    let (status, body) = admin
        .post(&format!("/api/v1/workspaces/{ws}/roles"), json!({"name": "deleter", "permissions": [{"resource": "workspace", "action": "delete"}]}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
}
