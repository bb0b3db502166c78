use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test(flavor = "multi_thread")]
async fn a_token_is_shown_once_works_as_bearer_and_stops_working_when_revoked() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_up("owner@example.com").await;
    let workspace = owner.first_workspace().await;
    let (status, created) = owner
        .post(
            "/api/v1/tokens",
            json!({"name": "CRM sync", "workspace": workspace}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["role"], "owner");
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("ulak_"));

    let integrator = app.bearer(&secret);
    let (status, me) = integrator.get("/api/v1/auth/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["authenticated_by"], "token");
    assert_eq!(me["token_workspace"], workspace.as_str());
    // Bearer requests need no CSRF token.
    let (status, _) = integrator
        .patch(
            &format!("/api/v1/workspaces/{workspace}"),
            json!({"name": "Renamed by token"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let (_, list) = owner.get("/api/v1/tokens").await;
    let listed = &list["items"][0];
    assert_eq!(listed["name"], "CRM sync");
    assert!(listed.get("secret").is_none() && listed.get("secret_hash").is_none());
    assert!(
        listed["last_used_at"].is_string(),
        "last use recorded: {listed}"
    );

    let id = created["id"].as_str().unwrap();
    let (status, _) = owner.delete(&format!("/api/v1/tokens/{id}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = integrator.get("/api/v1/auth/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, list) = owner.get("/api/v1/tokens").await;
    assert!(list["items"].as_array().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_and_forged_tokens_are_401() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_up("forge@example.com").await;
    let workspace = owner.first_workspace().await;
    let real = owner.token(&workspace, None).await;
    let forged = format!("{}{}", &real[..real.len() - 4], "0000");
    for token in ["", "garbage", "ulak_", "ulak_x_", forged.as_str()] {
        let (status, _) = app.bearer(token).get("/api/v1/auth/me").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "token {token:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_viewer_token_gets_403_on_writes_but_reads() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_up("boss@example.com").await;
    let workspace = owner.first_workspace().await;
    let viewer = app.bearer(&owner.token(&workspace, Some("viewer")).await);
    let (status, _) = viewer
        .get(&format!("/api/v1/workspaces/{workspace}/members"))
        .await;
    assert_eq!(status, StatusCode::OK);
    for (status, body) in [
        viewer
            .patch(
                &format!("/api/v1/workspaces/{workspace}"),
                json!({"name": "x"}),
            )
            .await,
        viewer
            .post(
                &format!("/api/v1/workspaces/{workspace}/roles"),
                json!({"name": "r", "permissions": []}),
            )
            .await,
        viewer
            .delete(&format!("/api/v1/workspaces/{workspace}"))
            .await,
    ] {
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body["code"], "forbidden");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_cannot_outrank_its_creator_nor_make_tokens() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_up("o@example.com").await;
    let workspace = owner.first_workspace().await;
    app.register("e@example.com").await;
    let editor = app
        .add_member(&owner, &workspace, "e@example.com", "editor")
        .await;
    let (status, body) = editor
        .post(
            "/api/v1/tokens",
            json!({"name": "escalate", "workspace": workspace, "role": "admin"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let editor_token = editor.token(&workspace, None).await;
    let (status, body) = app
        .bearer(&editor_token)
        .post(
            "/api/v1/tokens",
            json!({"name": "child", "workspace": workspace}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _) = owner
        .post(
            "/api/v1/tokens",
            json!({"name": "ghost", "workspace": workspace, "role": "no-such-role"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_of_workspace_a_sees_nothing_of_workspace_b() {
    let app = TestApp::spawn().await;
    let (alice, _) = app.signed_up("alice@example.com").await;
    let (status, created) = alice.post("/api/v1/workspaces", json!({"name": "A"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let a = created["id"].as_str().unwrap().to_owned();
    let (bob, bob_id) = app.signed_up("bob@example.com").await;
    let (_, created) = bob.post("/api/v1/workspaces", json!({"name": "B"})).await;
    let b = created["id"].as_str().unwrap().to_owned();

    let token_a = app.bearer(&alice.token(&a, None).await);
    for path in [
        format!("/api/v1/workspaces/{b}"),
        format!("/api/v1/workspaces/{b}/members"),
        format!("/api/v1/workspaces/{b}/roles"),
        format!("/api/v1/workspaces/{b}/roles/owner"),
        format!("/api/v1/workspaces/{b}/permissions/me"),
    ] {
        let (status, body) = token_a.get(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        let (status, _) = alice.get(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path} by session");
    }
    let (status, _) = token_a
        .delete(&format!("/api/v1/workspaces/{b}/members/{bob_id}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = token_a.delete(&format!("/api/v1/workspaces/{b}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The token lists only its own workspace, even though Alice has two.
    let (_, list) = token_a.get("/api/v1/workspaces").await;
    let ids: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![a.as_str()]);
    // Tokens cannot be made for a workspace one is not in.
    let (status, _) = alice
        .post("/api/v1/tokens", json!({"name": "x", "workspace": b}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
