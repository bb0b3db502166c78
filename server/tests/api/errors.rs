use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{TestApp, urlencode};

#[tokio::test(flavor = "multi_thread")]
async fn malformed_json_is_a_400_with_the_error_body() {
    let app = TestApp::spawn().await;
    let anon = app.anonymous();
    let (status, body) = anon
        .send(
            anon.request(Method::POST, "/api/v1/auth/register")
                .header("content-type", "application/json")
                .body("{\"email\": "),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("malformed_json"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_types_missing_and_unknown_fields_are_400() {
    let app = TestApp::spawn().await;
    let anon = app.anonymous();
    for body in [
        json!({"email": 42, "password": "password123", "name": "X"}),
        json!({"email": "a@example.com", "name": "X"}),
        json!({"email": "a@example.com", "password": "password123", "name": "X", "admin": true}),
        json!(["not", "an", "object"]),
        json!(null),
    ] {
        let (status, response) = anon.post("/api/v1/auth/register", body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body} -> {response}");
        assert_eq!(response["code"], "validation_failed", "{body}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn oversize_bodies_are_413_and_wrong_content_types_415() {
    let app = TestApp::spawn_with(|s| s.server.max_json_body_bytes = 1024).await;
    let anon = app.anonymous();
    let big =
        json!({"email": "a@example.com", "password": "password123", "name": "x".repeat(5000)});
    let (status, body) = anon.post("/api/v1/auth/register", big).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large"))
    );
    let (status, body) = anon
        .send(
            anon.request(Method::POST, "/api/v1/auth/login")
                .header("content-type", "text/plain")
                .body("hello"),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Some("unsupported_media_type")
        )
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_routes_and_bad_queries_answer_in_the_same_shape() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_up("q@example.com").await;
    let (status, body) = owner.get("/api/v1/nothing-here").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let response = owner
        .request(Method::PUT, "/api/v1/workspaces/some-id/members")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["allow"], "GET, POST");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["code"], "method_not_allowed");
    let response = owner
        .request(Method::PUT, "/api/v1/workspaces/some-id/contacts/bulk")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(
        response.headers()["allow"],
        "POST",
        "the literal route, not /contacts/{{id}}"
    );
    let (status, body) = owner.get("/api/v1/workspaces?limit=lots").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_query"))
    );
    let (status, _) = owner.get("/api/v1/workspaces?limit=100000").await;
    assert_eq!(status, StatusCode::OK, "limits are clamped, not refused");
    let (status, _) = owner
        .get("/api/v1/workspaces/%E2%9C%93%00'%22;DROP/roles")
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A trailing slash (an empty id) is no route, not "GET is not allowed here; use GET, POST".
    let (status, body) = owner
        .get("/api/v1/workspaces/some-id/contacts/imports/")
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found")),
        "{body}"
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("no trailing slash: /api/v1/workspaces/some-id/contacts/imports"),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_ids_in_paths_are_plain_404s() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_up("ids@example.com").await;
    let ws = owner.first_workspace().await;
    for id in [
        "x",
        "'; DELETE user; --",
        "⟨weird⟩",
        &"z".repeat(300),
        "user:abc",
    ] {
        let encoded: String = urlencode(id);
        let (status, _) = owner.get(&format!("/api/v1/workspaces/{encoded}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{id}");
        let (status, _) = owner.delete(&format!("/api/v1/tokens/{encoded}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{id}");
        let (status, _) = owner
            .get(&format!("/api/v1/workspaces/{ws}/roles/{encoded}"))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{id}");
    }
    // The account is intact.
    assert_eq!(owner.get("/api/v1/auth/me").await.0, StatusCode::OK);
}
