use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test(flavor = "multi_thread")]
async fn workspaces_are_created_listed_renamed_and_deleted() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_up("crud@example.com").await;
    let (status, created) = owner
        .post("/api/v1/workspaces", json!({"name": "Acme Pazarlama"}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(created["role"], "owner");
    let id = created["id"].as_str().unwrap().to_owned();

    let (_, list) = owner.get("/api/v1/workspaces").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    let (_, page) = owner.get("/api/v1/workspaces?limit=1").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert!(page["next_cursor"].is_string());

    let (status, renamed) = owner
        .patch(
            &format!("/api/v1/workspaces/{id}"),
            json!({"name": "Acme Türkiye"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(renamed["name"], "Acme Türkiye");
    let (_, fetched) = owner.get(&format!("/api/v1/workspaces/{id}")).await;
    assert_eq!(fetched["name"], "Acme Türkiye");

    let (status, _) = owner.delete(&format!("/api/v1/workspaces/{id}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = owner.get(&format!("/api/v1/workspaces/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = owner.get("/api/v1/workspaces").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_a_workspace_revokes_its_tokens() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_up("del@example.com").await;
    let (_, created) = owner
        .post("/api/v1/workspaces", json!({"name": "Temp"}))
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    let token = app.bearer(&owner.token(&id, None).await);
    assert_eq!(token.get("/api/v1/auth/me").await.0, StatusCode::OK);
    owner.delete(&format!("/api/v1/workspaces/{id}")).await;
    assert_eq!(
        token.get("/api/v1/auth/me").await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn members_join_by_invitation_then_change_role_and_leave() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_up("own@example.com").await;
    let ws = owner.first_workspace().await;
    let (member, member_id) = app.signed_up("mem@example.com").await;
    assert_eq!(
        member.get(&format!("/api/v1/workspaces/{ws}")).await.0,
        StatusCode::NOT_FOUND
    );

    let members = format!("/api/v1/workspaces/{ws}/members");
    let (status, invited) = owner
        .post(
            &members,
            json!({"email": "MEM@example.com", "role": "viewer"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{invited}");
    assert_eq!(
        (invited["email"].as_str(), invited["role"].as_str()),
        (Some("mem@example.com"), Some("viewer"))
    );
    // Inviting is not joining: nothing changes until the invited person accepts.
    assert_eq!(
        member.get(&format!("/api/v1/workspaces/{ws}")).await.0,
        StatusCode::NOT_FOUND
    );
    // An address without an account gets the same answer: inviting tells nothing about accounts.
    let (status, stranger) = owner
        .post(
            &members,
            json!({"email": "nobody@example.com", "role": "viewer"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{stranger}");
    let (_, open) = owner
        .get(&format!("/api/v1/workspaces/{ws}/invitations"))
        .await;
    assert_eq!(open.as_array().unwrap().len(), 2);

    // Somebody else cannot accept it; the addressee sees and accepts it.
    let (intruder, _) = app.signed_up("intruder@example.com").await;
    let id = invited["id"].as_str().unwrap();
    let (status, _) = intruder
        .post(&format!("/api/v1/invitations/{id}/accept"), json!({}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, mine) = member.get("/api/v1/invitations").await;
    assert_eq!(mine["items"][0]["id"], invited["id"]);
    assert_eq!(mine["items"][0]["workspace_name"], "My workspace");
    let (status, joined) = member
        .post(&format!("/api/v1/invitations/{id}/accept"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{joined}");
    let (status, _) = member
        .post(&format!("/api/v1/invitations/{id}/accept"), json!({}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "an invitation is used once");
    let (status, _) = owner
        .post(
            &members,
            json!({"email": "mem@example.com", "role": "viewer"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    let (_, listed) = member.get(&members).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    // Viewer cannot rename; after promotion to admin, on the very next request, they can.
    let rename = format!("/api/v1/workspaces/{ws}");
    assert_eq!(
        member.patch(&rename, json!({"name": "x"})).await.0,
        StatusCode::FORBIDDEN
    );
    let (status, changed) = owner
        .patch(&format!("{members}/{member_id}"), json!({"role": "admin"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(
        member
            .patch(&rename, json!({"name": "Renamed by admin"}))
            .await
            .0,
        StatusCode::OK
    );

    let member_token = app.bearer(&member.token(&ws, Some("viewer")).await);
    assert_eq!(member_token.get("/api/v1/auth/me").await.0, StatusCode::OK);
    let (status, _) = owner.delete(&format!("{members}/{member_id}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(member.get(&rename).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        member_token.get("/api/v1/auth/me").await.0,
        StatusCode::UNAUTHORIZED,
        "tokens go with membership"
    );

    // A withdrawn invitation cannot be accepted; a declined one is gone.
    let stranger_id = stranger["id"].as_str().unwrap();
    let (status, _) = owner
        .delete(&format!(
            "/api/v1/workspaces/{ws}/invitations/{stranger_id}"
        ))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    app.register("nobody@example.com").await;
    let nobody = app.login("nobody@example.com").await;
    let (status, _) = nobody
        .post(
            &format!("/api/v1/invitations/{stranger_id}/accept"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_last_owner_can_neither_leave_nor_be_demoted() {
    let app = TestApp::spawn().await;
    let (owner, owner_id) = app.signed_up("last@example.com").await;
    let ws = owner.first_workspace().await;
    let me = format!("/api/v1/workspaces/{ws}/members/{owner_id}");
    let (status, body) = owner.delete(&me).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("last_owner"))
    );
    let (status, body) = owner.patch(&me, json!({"role": "admin"})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("last_owner"))
    );

    // With a second owner, the first may step down.
    let (_, second_id) = app.signed_up("next@example.com").await;
    app.add_member(&owner, &ws, "next@example.com", "owner")
        .await;
    let (status, _) = owner.patch(&me, json!({"role": "admin"})).await;
    assert_eq!(status, StatusCode::OK);
    // Now an admin, they cannot touch the owner.
    let (status, _) = owner
        .delete(&format!("/api/v1/workspaces/{ws}/members/{second_id}"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread")]
async fn admins_cannot_hand_out_ownership() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_up("o@example.com").await;
    let ws = owner.first_workspace().await;
    app.register("a@example.com").await;
    app.register("c@example.com").await;
    let members = format!("/api/v1/workspaces/{ws}/members");
    let admin = app.add_member(&owner, &ws, "a@example.com", "admin").await;
    let (status, body) = admin
        .post(&members, json!({"email": "c@example.com", "role": "owner"}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("workspace:delete")
    );
    let (status, _) = admin
        .post(
            &members,
            json!({"email": "c@example.com", "role": "editor"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_a_workspace_removes_its_contacts_and_only_those() {
    let app = TestApp::spawn_with(|s| {
        s.database.url = String::new();
        s.storage.data_dir =
            std::env::temp_dir().join(format!("ulak-ws-delete-{}", ulak::db::new_id()));
    })
    .await;
    let (owner, _) = app.signed_up("wipe@example.com").await;
    let kept = owner.first_workspace().await;
    let (_, created) = owner
        .post("/api/v1/workspaces", json!({"name": "Gidecek"}))
        .await;
    let gone = created["id"].as_str().unwrap().to_owned();
    for (ws, phones) in [
        (&gone, &["05321112233", "05321112234", "05321112235"][..]),
        (&kept, &["05321112233", "05321112299"][..]),
    ] {
        for phone in phones {
            let (status, _) = owner
                .post(
                    &format!("/api/v1/workspaces/{ws}/contacts"),
                    json!({"phone": phone, "first_name": "Ayşe"}),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED);
        }
    }

    let (status, _) = owner.delete(&format!("/api/v1/workspaces/{gone}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let (_, list) = owner
        .get(&format!("/api/v1/workspaces/{kept}/contacts"))
        .await;
    let ids: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["905321112233", "905321112299"]);
    // The purge runs in the background; it is quick for a few contacts.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let owners: Vec<String> = app
            .state
            .db
            .rows("SELECT VALUE record::id(id)[0] FROM contact", json!({}))
            .await
            .unwrap();
        if owners == [kept.clone(), kept.clone()] {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "left behind: {owners:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let data_dir = app.data_dir.clone();
    app.stop().await;
    let _ = std::fs::remove_dir_all(data_dir);
}
