use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::TestApp;

#[tokio::test(flavor = "multi_thread")]
async fn the_served_spec_is_openapi_3_1_and_equals_the_committed_file() {
    let app = TestApp::spawn().await;
    let (status, served) = app.anonymous().get("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        served["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        served["openapi"]
    );
    let committed: Value =
        serde_json::from_str(include_str!("../../../openapi/openapi.json")).unwrap();
    assert!(
        served == committed,
        "openapi/openapi.json is stale: regenerate it with `cargo run -p ulak -- openapi > openapi/openapi.json`"
    );
    let schemes = &served["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["session"]["in"], "cookie");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_spec_lists_every_route() {
    let app = TestApp::spawn().await;
    let (_, spec) = app.anonymous().get("/api/openapi.json").await;
    let mut operations: Vec<String> = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            operations.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    operations.sort();
    let mut expected = vec![
        "GET /healthz",
        "GET /readyz",
        "POST /api/v1/auth/register",
        "POST /api/v1/auth/login",
        "POST /api/v1/auth/logout",
        "GET /api/v1/auth/me",
        "POST /api/v1/auth/password",
        "POST /api/v1/auth/password-reset",
        "POST /api/v1/auth/password-reset/confirm",
        "GET /api/v1/auth/notices",
        "PUT /api/v1/auth/notices",
        "GET /api/v1/audit",
        "GET /api/v1/audit.csv",
        "GET /api/v1/workspaces/{workspace}/audit",
        "GET /api/v1/workspaces/{workspace}/audit.csv",
        "GET /api/v1/admin/users",
        "POST /api/v1/tokens",
        "GET /api/v1/tokens",
        "DELETE /api/v1/tokens/{id}",
        "GET /api/v1/permissions",
        "POST /api/v1/workspaces",
        "GET /api/v1/workspaces",
        "GET /api/v1/workspaces/{workspace}",
        "PATCH /api/v1/workspaces/{workspace}",
        "DELETE /api/v1/workspaces/{workspace}",
        "GET /api/v1/workspaces/{workspace}/members",
        "POST /api/v1/workspaces/{workspace}/members",
        "PATCH /api/v1/workspaces/{workspace}/members/{user}",
        "DELETE /api/v1/workspaces/{workspace}/members/{user}",
        "GET /api/v1/workspaces/{workspace}/invitations",
        "DELETE /api/v1/workspaces/{workspace}/invitations/{id}",
        "GET /api/v1/invitations",
        "POST /api/v1/invitations/{id}/accept",
        "POST /api/v1/invitations/{id}/decline",
        "GET /api/v1/workspaces/{workspace}/permissions/me",
        "GET /api/v1/workspaces/{workspace}/roles",
        "POST /api/v1/workspaces/{workspace}/roles",
        "GET /api/v1/workspaces/{workspace}/roles/{name}",
        "PUT /api/v1/workspaces/{workspace}/roles/{name}",
        "DELETE /api/v1/workspaces/{workspace}/roles/{name}",
        "GET /api/v1/workspaces/{workspace}/contacts",
        "POST /api/v1/workspaces/{workspace}/contacts",
        "POST /api/v1/workspaces/{workspace}/contacts/bulk",
        "GET /api/v1/workspaces/{workspace}/contacts/count",
        "GET /api/v1/workspaces/{workspace}/contacts/export.csv",
        "GET /api/v1/workspaces/{workspace}/contacts/{id}",
        "PATCH /api/v1/workspaces/{workspace}/contacts/{id}",
        "DELETE /api/v1/workspaces/{workspace}/contacts/{id}",
        "GET /api/v1/workspaces/{workspace}/variables",
        "POST /api/v1/workspaces/{workspace}/variables",
        "GET /api/v1/workspaces/{workspace}/variables/{name}",
        "PUT /api/v1/workspaces/{workspace}/variables/{name}",
        "DELETE /api/v1/workspaces/{workspace}/variables/{name}",
        "GET /api/v1/workspaces/{workspace}/templates",
        "POST /api/v1/workspaces/{workspace}/templates",
        "POST /api/v1/workspaces/{workspace}/templates/render",
        "GET /api/v1/workspaces/{workspace}/templates/{id}",
        "PUT /api/v1/workspaces/{workspace}/templates/{id}",
        "DELETE /api/v1/workspaces/{workspace}/templates/{id}",
        "POST /api/v1/workspaces/{workspace}/templates/{id}/preview",
        "POST /api/v1/workspaces/{workspace}/media",
        "GET /api/v1/workspaces/{workspace}/media",
        "GET /api/v1/workspaces/{workspace}/media/{id}",
        "DELETE /api/v1/workspaces/{workspace}/media/{id}",
        "GET /api/v1/workspaces/{workspace}/media/{id}/content",
        "GET /api/v1/workspaces/{workspace}/media/{id}/thumbnail",
        "GET /api/v1/plugins",
        "POST /api/v1/plugins",
        "GET /api/v1/plugins/{name}",
        "DELETE /api/v1/plugins/{name}",
        "GET /api/v1/workspaces/{workspace}/plugins",
        "GET /api/v1/workspaces/{workspace}/plugins/{name}/log",
        "GET /api/v1/workspaces/{workspace}/plugins/{name}",
        "PATCH /api/v1/workspaces/{workspace}/plugins/{name}",
        "POST /api/v1/workspaces/{workspace}/plugins/{name}/test-send",
        "POST /api/v1/workspaces/{workspace}/contacts/imports",
        "GET /api/v1/workspaces/{workspace}/contacts/imports",
        "GET /api/v1/workspaces/{workspace}/contacts/imports/{id}",
        "GET /api/v1/workspaces/{workspace}/contacts/imports/{id}/events",
        "GET /api/v1/workspaces/{workspace}/contacts/imports/{id}/errors.csv",
        "GET /api/v1/workspaces/{workspace}/channels",
        "POST /api/v1/workspaces/{workspace}/channels",
        "GET /api/v1/workspaces/{workspace}/channels/{id}",
        "PATCH /api/v1/workspaces/{workspace}/channels/{id}",
        "DELETE /api/v1/workspaces/{workspace}/channels/{id}",
        "POST /api/v1/workspaces/{workspace}/channels/{id}/test",
        "GET /api/v1/workspaces/{workspace}/channels/{id}/qr",
        "POST /api/v1/workspaces/{workspace}/channels/{id}/pair-code",
        "POST /api/v1/workspaces/{workspace}/channels/{id}/pair",
        "POST /api/v1/workspaces/{workspace}/channels/{id}/logout",
        "GET /api/v1/workspaces/{workspace}/channels/{id}/contacts",
        "POST /api/v1/workspaces/{workspace}/channels/{id}/contacts/import",
        "POST /api/v1/workspaces/{workspace}/channels/{id}/check-numbers",
        "GET /api/v1/workspaces/{workspace}/channels/{id}/templates",
        "POST /api/v1/workspaces/{workspace}/channels/{id}/templates/refresh",
        "GET /api/v1/workspaces/{workspace}/campaigns",
        "POST /api/v1/workspaces/{workspace}/campaigns",
        "GET /api/v1/workspaces/{workspace}/campaigns/{id}",
        "PUT /api/v1/workspaces/{workspace}/campaigns/{id}",
        "DELETE /api/v1/workspaces/{workspace}/campaigns/{id}",
        "POST /api/v1/workspaces/{workspace}/campaigns/{id}/dry-run",
        "POST /api/v1/workspaces/{workspace}/campaigns/{id}/start",
        "POST /api/v1/workspaces/{workspace}/campaigns/{id}/pause",
        "POST /api/v1/workspaces/{workspace}/campaigns/{id}/resume",
        "POST /api/v1/workspaces/{workspace}/campaigns/{id}/cancel",
        "GET /api/v1/workspaces/{workspace}/campaigns/{id}/events",
        "GET /api/v1/workspaces/{workspace}/campaigns/{id}/messages",
        "GET /api/v1/workspaces/{workspace}/campaigns/{id}/messages.csv",
        "POST /api/v1/workspaces/{workspace}/messages",
        "GET /api/v1/workspaces/{workspace}/messages",
        "GET /api/v1/workspaces/{workspace}/messages/stats",
        "GET /api/v1/workspaces/{workspace}/messages/{id}",
        "GET /api/v1/workspaces/{workspace}/conversations",
        "GET /api/v1/workspaces/{workspace}/conversations/{contact}/messages",
        "POST /api/v1/workspaces/{workspace}/conversations/{contact}/messages",
        "POST /api/v1/workspaces/{workspace}/conversations/{contact}/read",
        "GET /api/v1/workspaces/{workspace}/opt-out",
        "PUT /api/v1/workspaces/{workspace}/opt-out",
        "POST /api/v1/hooks/channels/{channel}",
        "GET /api/v1/hooks/channels/{channel}",
        "GET /api/v1/workspaces/{workspace}/events",
        "GET /api/v1/workspaces/{workspace}/events/stream",
        "GET /api/v1/workspaces/{workspace}/webhooks",
        "POST /api/v1/workspaces/{workspace}/webhooks",
        "GET /api/v1/workspaces/{workspace}/webhooks/{id}",
        "PATCH /api/v1/workspaces/{workspace}/webhooks/{id}",
        "DELETE /api/v1/workspaces/{workspace}/webhooks/{id}",
        "POST /api/v1/workspaces/{workspace}/webhooks/{id}/rotate-secret",
        "GET /api/v1/workspaces/{workspace}/webhooks/{id}/deliveries",
        "POST /api/v1/workspaces/{workspace}/webhooks/{id}/deliveries/{delivery}/redeliver",
        "POST /api/v1/workspaces/{workspace}/webhooks/{id}/ping",
    ];
    expected.sort();
    assert_eq!(operations, expected);
    assert!(
        spec["servers"].as_array().is_some_and(|s| !s.is_empty()),
        "the spec names its server"
    );
    // Every operation has a summary; every secured one documents 401, every JSON body 400/413/415,
    // all with the shared error body.
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            assert!(op["summary"].is_string(), "{method} {path} has no summary");
            assert!(
                op["description"].as_str().is_some_and(|d| !d.is_empty()),
                "{method} {path} has no description"
            );
            let responses = &op["responses"];
            // Integrators see an example of every JSON body they send and every JSON answer.
            let schemas = &spec["components"]["schemas"];
            let json_body = &op["requestBody"]["content"]["application/json"];
            if json_body.is_object() {
                assert!(
                    has_example(json_body, schemas, 0),
                    "{method} {path}: request body without an example"
                );
            }
            for (status, response) in responses.as_object().unwrap() {
                let content = &response["content"]["application/json"];
                if status.starts_with('2') && content.is_object() {
                    assert!(
                        has_example(content, schemas, 0),
                        "{method} {path}: {status} response without an example"
                    );
                }
            }
            // Every operation says how it is authenticated; public ones say `security: []`.
            assert!(
                op["security"].is_array(),
                "{method} {path} declares no security"
            );
            if op["security"].as_array().is_some_and(|s| !s.is_empty()) {
                assert!(responses["401"].is_object(), "{method} {path} lacks 401");
            }
            if op["requestBody"]["content"]["application/json"].is_object() {
                for status in ["400", "413", "415"] {
                    assert!(
                        responses[status].is_object(),
                        "{method} {path} lacks {status}"
                    );
                }
            }
        }
    }
}

/// Whether a media type object or schema carries an example, directly or in a field, an item or a
/// referenced schema.
fn has_example(node: &Value, schemas: &Value, depth: usize) -> bool {
    if depth > 8 || !node.is_object() {
        return false;
    }
    if node.get("example").is_some() || node.get("examples").is_some() {
        return true;
    }
    if let Some(reference) = node["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or_default();
        return has_example(&schemas[name], schemas, depth + 1);
    }
    let nested = node["schema"].is_object() && has_example(&node["schema"], schemas, depth + 1)
        || node["items"].is_object() && has_example(&node["items"], schemas, depth + 1);
    let in_properties = node["properties"]
        .as_object()
        .is_some_and(|p| p.values().any(|v| has_example(v, schemas, depth + 1)));
    let in_variants = ["allOf", "oneOf", "anyOf"].iter().any(|k| {
        node[*k]
            .as_array()
            .is_some_and(|vs| vs.iter().any(|v| has_example(v, schemas, depth + 1)))
    });
    nested || in_properties || in_variants
}

#[tokio::test(flavor = "multi_thread")]
async fn the_docs_ui_is_served_from_the_binary() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::new();
    let page = client
        .get(format!("{}/api/docs/", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    for asset in [
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "swagger-initializer.js",
    ] {
        let response = client
            .get(format!("{}/api/docs/{asset}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{asset}");
    }
    let init = client
        .get(format!("{}/api/docs/swagger-initializer.js", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(init.contains("/api/openapi.json"), "{init}");
}

#[tokio::test(flavor = "multi_thread")]
async fn health_readiness_metrics_and_the_landing_page_answer() {
    let app = TestApp::spawn().await;
    let anon = app.anonymous();
    assert_eq!(
        anon.get("/healthz").await,
        (StatusCode::OK, serde_json::json!({"status": "ok"}))
    );
    assert_eq!(
        anon.get("/readyz").await,
        (StatusCode::OK, serde_json::json!({"status": "ready"}))
    );
    let client = reqwest::Client::new();
    let metrics = client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics
            .contains("ulak_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("ulak_http_request_duration_seconds_bucket"),
        "{metrics}"
    );
    let landing = client.get(format!("{}/", app.base)).send().await.unwrap();
    assert_eq!(landing.status(), StatusCode::OK);
    assert!(landing.text().await.unwrap().contains("Ulak"));
}

/// The landing page speaks the browser's language; the console answers every path under /app
/// with its index (its own routes), except missing assets.
#[tokio::test(flavor = "multi_thread")]
async fn the_landing_page_follows_the_browser_language_and_the_console_its_routes() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::new();
    for (accept, query, lang) in [
        ("tr-TR,tr;q=0.9,en;q=0.8", "", "tr"),
        ("en-GB,en;q=0.9,tr;q=0.5", "", "en"),
        ("de-DE", "", "en"),
        ("tr", "?lang=en", "en"),
    ] {
        let page = client
            .get(format!("{}/{query}", app.base))
            .header("accept-language", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        assert_eq!(page.headers()["vary"], "Accept-Language");
        let html = page.text().await.unwrap();
        assert!(
            html.contains(&format!("<html lang=\"{lang}\"")),
            "{accept}: {html:.200}"
        );
        assert!(
            !html.contains("<script"),
            "the landing page needs no script"
        );
    }
    for path in [
        "/app",
        "/app/",
        "/app/contacts",
        "/app/campaigns/abc/progress",
    ] {
        let page = client
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{path}");
        assert!(
            page.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{path}"
        );
        assert!(page.headers().contains_key("content-security-policy"));
    }
    let missing = client
        .get(format!("{}/app/assets/gone-1234.js", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}
