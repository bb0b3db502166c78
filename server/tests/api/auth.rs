use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test(flavor = "multi_thread")]
async fn the_first_account_becomes_superadmin_and_owns_a_workspace() {
    let app = TestApp::spawn().await;
    let first = app.register("first@example.com").await;
    assert_eq!(first["user"]["superadmin"], true);
    assert_eq!(first["workspace"]["role"], "owner");
    let second = app.register("second@example.com").await;
    assert_eq!(second["user"]["superadmin"], false);
    assert!(second["workspace"].is_null());
}

#[tokio::test(flavor = "multi_thread")]
async fn registering_an_email_twice_is_a_conflict_whatever_its_case() {
    let app = TestApp::spawn().await;
    app.register("dup@example.com").await;
    let (status, body) = app
        .anonymous()
        .post(
            "/api/v1/auth/register",
            json!({"email": " DUP@example.com", "password": "password123", "name": "X"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "email_taken");
}

#[tokio::test(flavor = "multi_thread")]
async fn registration_validates_each_field_by_name() {
    let app = TestApp::spawn().await;
    let anon = app.anonymous();
    for (body, field) in [
        (
            json!({"email": "not-an-email", "password": "password123", "name": "X"}),
            "email",
        ),
        (
            json!({"email": "a@example.com", "password": "short", "name": "X"}),
            "password",
        ),
        (
            json!({"email": "a@example.com", "password": "password123", "name": "  "}),
            "name",
        ),
        (
            json!({"email": "a@example.com", "password": "p".repeat(2000), "name": "X"}),
            "password",
        ),
    ] {
        let (status, response) = anon.post("/api/v1/auth/register", body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{response}");
        assert_eq!(response["details"]["field"], field, "{response}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn closed_registration_still_admits_the_first_account_only() {
    let app = TestApp::spawn_with(|s| s.auth.allow_registration = false).await;
    app.register("founder@example.com").await;
    let (status, body) = app
        .anonymous()
        .post(
            "/api/v1/auth/register",
            json!({"email": "late@example.com", "password": "password123", "name": "X"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "registration_closed");
}

#[tokio::test(flavor = "multi_thread")]
async fn login_sets_an_httponly_lax_cookie_and_me_answers() {
    let app = TestApp::spawn().await;
    app.register("me@example.com").await;
    let response = app
        .anonymous()
        .client
        .post(format!("{}/api/v1/auth/login", app.base))
        .json(&json!({"email": "me@example.com", "password": "password123"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("ulak_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "Secure is off by default: {cookie}"
    );

    let session = app.login("me@example.com").await;
    let (status, me) = session.get("/api/v1/auth/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["user"]["email"], "me@example.com");
    assert_eq!(me["authenticated_by"], "session");
    assert_eq!(me["csrf_token"].as_str(), session.csrf.as_deref());
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_password_and_unknown_email_answer_the_same_401() {
    let app = TestApp::spawn().await;
    app.register("who@example.com").await;
    let anon = app.anonymous();
    let (s1, b1) = anon
        .post(
            "/api/v1/auth/login",
            json!({"email": "who@example.com", "password": "wrongwrong"}),
        )
        .await;
    let (s2, b2) = anon
        .post(
            "/api/v1/auth/login",
            json!({"email": "nobody@example.com", "password": "wrongwrong"}),
        )
        .await;
    assert_eq!(
        (s1, s2),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
    assert_eq!(b1, b2);
    let (status, _) = anon.get("/api/v1/auth/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread")]
async fn logout_ends_the_session() {
    let app = TestApp::spawn().await;
    let (session, _) = app.signed_up("bye@example.com").await;
    let (status, _) = session.post("/api/v1/auth/logout", json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = session.get("/api/v1/auth/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn mutating_with_a_cookie_needs_the_csrf_token() {
    let app = TestApp::spawn().await;
    let (mut session, _) = app.signed_up("csrf@example.com").await;
    let good = session.csrf.take();

    let (status, body) = session
        .post("/api/v1/workspaces", json!({"name": "No header"}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["code"], "csrf_failed");

    session.csrf = Some("0".repeat(64));
    let (status, body) = session
        .post("/api/v1/workspaces", json!({"name": "Wrong header"}))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("csrf_failed"))
    );

    // Reading needs no token.
    let (status, _) = session.get("/api/v1/workspaces").await;
    assert_eq!(status, StatusCode::OK);

    session.csrf = good;
    let (status, body) = session
        .post("/api/v1/workspaces", json!({"name": "With header"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn changing_the_password_ends_other_sessions_and_the_new_one_works() {
    let app = TestApp::spawn().await;
    let (session, _) = app.signed_up("pw@example.com").await;
    let other = app.login("pw@example.com").await;

    let (status, body) = session
        .post(
            "/api/v1/auth/password",
            json!({"current_password": "nope-nope", "new_password": "newpassword1"}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("wrong_password"))
    );

    let (status, _) = session
        .post(
            "/api/v1/auth/password",
            json!({"current_password": "password123", "new_password": "newpassword1"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(session.get("/api/v1/auth/me").await.0, StatusCode::OK);
    assert_eq!(
        other.get("/api/v1/auth/me").await.0,
        StatusCode::UNAUTHORIZED
    );

    let anon = app.anonymous();
    let (status, _) = anon
        .post(
            "/api/v1/auth/login",
            json!({"email": "pw@example.com", "password": "password123"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = anon
        .post(
            "/api/v1/auth/login",
            json!({"email": "pw@example.com", "password": "newpassword1"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

async fn login_from(app: &TestApp, client: &str, email: &str, password: &str) -> reqwest::Response {
    app.anonymous()
        .request(reqwest::Method::POST, "/api/v1/auth/login")
        .header("x-forwarded-for", client)
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
}

/// A per-account hard block let anyone lock an owner out by guessing; failures now back off per
/// account and network, so the attacker's network waits and the owner's does not.
#[tokio::test(flavor = "multi_thread")]
async fn failed_logins_slow_the_guessing_network_but_never_lock_the_owner_out() {
    let app = TestApp::spawn_with(|s| {
        s.auth.failed_logins_before_backoff = 3;
        s.server.trusted_proxies = vec!["127.0.0.1".into()];
    })
    .await;
    app.register("victim@example.com").await;
    for _ in 0..3 {
        let response = login_from(&app, "203.0.113.9", "victim@example.com", "guessing1").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let response = login_from(&app, "203.0.113.9", "VICTIM@example.com", "password123").await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    // The owner, elsewhere, signs in at once; then the attacker's count is gone too.
    let response = login_from(&app, "198.51.100.7", "victim@example.com", "password123").await;
    assert_eq!(response.status(), StatusCode::OK);

    // Rotating addresses inside one IPv6 /64 is one network.
    app.register("six@example.com").await;
    for i in 1..=3 {
        let response = login_from(
            &app,
            &format!("2001:db8:5:6::{i}"),
            "six@example.com",
            "nope12345",
        )
        .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let response = login_from(&app, "2001:db8:5:6::99", "six@example.com", "nope12345").await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let response = login_from(&app, "2001:db8:5:7::1", "six@example.com", "password123").await;
    assert_eq!(response.status(), StatusCode::OK);
}

/// X-Forwarded-For is believed only from a configured proxy: a client that makes one up is still
/// known by its own address.
#[tokio::test(flavor = "multi_thread")]
async fn a_forged_forwarded_for_changes_nothing_without_a_trusted_proxy() {
    let app = TestApp::spawn_with(|s| s.auth.failed_logins_before_backoff = 2).await;
    app.register("forged@example.com").await;
    for i in 0..2 {
        let response = login_from(
            &app,
            &format!("198.51.100.{i}"),
            "forged@example.com",
            "guess1234",
        )
        .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let response = login_from(&app, "198.51.100.77", "forged@example.com", "password123").await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
}

/// Every registration costs an argon2 hash; sixty in a row from one address all answered 201.
#[tokio::test(flavor = "multi_thread")]
async fn registrations_from_one_network_are_throttled() {
    let app = TestApp::spawn_with(|s| s.auth.registrations_per_hour_per_ip = 2).await;
    for i in 0..2 {
        app.register(&format!("new{i}@example.com")).await;
    }
    let (status, body) = app
        .anonymous()
        .post(
            "/api/v1/auth/register",
            json!({"email": "new9@example.com", "password": "password123", "name": "N"}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("rate_limited"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn login_attempts_are_limited_per_address() {
    let app = TestApp::spawn_with(|s| s.auth.login_attempts_per_minute_per_ip = 4).await;
    let anon = app.anonymous();
    for i in 0..4 {
        let (status, _) = anon
            .post(
                "/api/v1/auth/login",
                json!({"email": format!("u{i}@example.com"), "password": "whatever1"}),
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, body) = anon
        .post(
            "/api/v1/auth/login",
            json!({"email": "u9@example.com", "password": "whatever1"}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("rate_limited"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn only_the_superadmin_lists_all_accounts() {
    let app = TestApp::spawn().await;
    let (admin, _) = app.signed_up("root@example.com").await;
    let (user, _) = app.signed_up("plain@example.com").await;
    let (status, body) = admin.get("/api/v1/admin/users?limit=1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["items"].as_array().unwrap().len(), 1);
    let cursor = body["next_cursor"]
        .as_str()
        .expect("a second page")
        .to_owned();
    let (_, page2) = admin
        .get(&format!("/api/v1/admin/users?limit=1&cursor={cursor}"))
        .await;
    assert_eq!(page2["items"].as_array().unwrap().len(), 1);
    assert!(page2["next_cursor"].is_null());
    assert_ne!(body["items"][0]["id"], page2["items"][0]["id"]);
    assert!(page2["items"][0].get("password_hash").is_none());
    let (status, _) = user.get("/api/v1/admin/users").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
