use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;

/// The embedded store on disk keeps accounts, workspaces, roles and tokens across a restart.
#[tokio::test(flavor = "multi_thread")]
async fn everything_survives_a_restart_of_the_embedded_store() {
    let dir = std::env::temp_dir().join(format!(
        "ulak-restart-{}-{}",
        std::process::id(),
        ulak::db::new_id()
    ));
    let on_disk = |s: &mut ulak::config::Settings| {
        s.database.url = String::new();
        s.storage.data_dir = dir.clone();
    };

    let app = TestApp::spawn_with(on_disk).await;
    let (owner, _) = app.signed_up("keep@example.com").await;
    let ws = owner.first_workspace().await;
    let (status, _) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/roles"),
            json!({"name": "keeper", "permissions": [{"resource": "members", "action": "read"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    app.register("member@example.com").await;
    app.add_member(&owner, &ws, "member@example.com", "keeper")
        .await;
    let token = owner.token(&ws, Some("viewer")).await;
    app.stop().await;

    let app = TestApp::spawn_with(on_disk).await;
    let (status, me) = app.bearer(&token).get("/api/v1/auth/me").await;
    assert_eq!(status, StatusCode::OK, "token survives: {me}");
    let member = app.login("member@example.com").await;
    let (status, mine) = member
        .get(&format!("/api/v1/workspaces/{ws}/permissions/me"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(mine["role"], "keeper");
    assert_eq!(
        member
            .get(&format!("/api/v1/workspaces/{ws}/members"))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        member
            .get(&format!("/api/v1/workspaces/{ws}/roles"))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let owner = app.login("keep@example.com").await;
    let (_, me) = owner.get("/api/v1/auth/me").await;
    assert_eq!(me["user"]["superadmin"], true);
    app.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}
