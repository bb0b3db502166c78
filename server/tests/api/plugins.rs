//! Plugins end to end: real components built from `plugins/` (bundled) and `tests/plugins/hostile`
//! (uploaded), called through the API. Build them first with `plugins/build.sh --with-test-plugins`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use hmac::{Hmac, Mac};
use parking_lot::Mutex;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::helpers::{Caller, TestApp};

pub fn repo_path(relative: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
}

pub fn read_built(relative: &str) -> Vec<u8> {
    std::fs::read(repo_path(relative)).unwrap_or_else(|e| {
        panic!("{relative} is missing ({e}); run plugins/build.sh --with-test-plugins first")
    })
}

/// A server with the bundled plugins installed from the repository's `plugins/` folder.
pub async fn app_with_plugins(adjust: impl FnOnce(&mut ulak::config::Settings)) -> TestApp {
    let dir = repo_path("plugins");
    TestApp::spawn_with(move |s| {
        s.plugins.dir = dir;
        adjust(s);
    })
    .await
}

pub async fn upload(caller: &Caller, manifest: &str, component: Vec<u8>) -> (StatusCode, Value) {
    upload_to(caller, "/api/v1/plugins", manifest, component).await
}

async fn upload_to(
    caller: &Caller,
    url: &str,
    manifest: &str,
    component: Vec<u8>,
) -> (StatusCode, Value) {
    let form = reqwest::multipart::Form::new()
        .part(
            "manifest",
            reqwest::multipart::Part::text(manifest.to_owned()).file_name("plugin.toml"),
        )
        .part(
            "component",
            reqwest::multipart::Part::bytes(component).file_name("plugin.wasm"),
        );
    caller
        .send(caller.request(reqwest::Method::POST, url).multipart(form))
        .await
}

pub async fn install_hostile(owner: &Caller) {
    let manifest = std::fs::read_to_string(repo_path("tests/plugins/hostile/plugin.toml")).unwrap();
    let (status, body) = upload(
        owner,
        &manifest,
        read_built("tests/plugins/hostile/hostile.wasm"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["outcome"], "installed");
}

pub async fn render(owner: &Caller, ws: &str, body: &str) -> (StatusCode, Value) {
    owner
        .post(
            &format!("/api/v1/workspaces/{ws}/templates/render"),
            json!({ "body": body, "contact": { "phone": "05321234567", "first_name": "Ayşe" } }),
        )
        .await
}

pub fn expected_greeting(language: &str) -> String {
    use chrono::Timelike;
    let hour = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Istanbul)
        .hour();
    let part = if !(5..18).contains(&hour) {
        2
    } else if hour < 12 {
        0
    } else {
        1
    };
    let words = if language == "en" {
        ["Good morning", "Good afternoon", "Good evening"]
    } else {
        ["Günaydın", "İyi günler", "İyi akşamlar"]
    };
    words[part].to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn bundled_plugins_are_installed_at_start_and_listed() {
    let app = app_with_plugins(|_| {}).await;
    let (owner, _) = app.signed_up("owner@example.com").await;
    let (status, body) = owner.get("/api/v1/plugins").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // A page like every other list, by name.
    let names: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(names.is_sorted(), "{names:?}");
    assert_eq!(body["next_cursor"], json!(null));
    let (_, first) = owner.get("/api/v1/plugins?limit=2").await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2, "{first}");
    let cursor = first["next_cursor"].as_str().unwrap();
    assert_eq!(cursor, names[1]);
    let (_, rest) = owner
        .get(&format!("/api/v1/plugins?limit=500&cursor={cursor}"))
        .await;
    assert_eq!(rest["items"][0]["name"], names[2], "{rest}");
    for bundled in [
        "csv-importer",
        "greeting",
        "http-webhook",
        "vcard-importer",
        "xlsx-importer",
    ] {
        assert!(names.contains(&bundled), "{bundled} missing from {names:?}");
    }
    let (status, greeting) = owner.get("/api/v1/plugins/greeting").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(greeting["kind"], "variable-resolver");
    assert_eq!(greeting["source"], "directory");
    assert_eq!(greeting["variables"], json!(["selamlama", "greeting"]));
    let (status, _) = owner.get("/api/v1/plugins/nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    app.stop().await;
}

/// Plugins load in the background at start, so the server answers at once even when they must be
/// compiled; whatever needs a plugin meanwhile waits for it instead of finding it missing.
#[tokio::test(flavor = "multi_thread")]
async fn requests_wait_for_plugins_still_compiling_at_start() {
    let scratch = std::env::temp_dir().join(format!("ulak-plugins-{}", ulak::db::new_id()));
    let folder = scratch.join("plugins/greeting");
    std::fs::create_dir_all(&folder).unwrap();
    for file in ["plugin.toml", "greeting.wasm"] {
        std::fs::copy(repo_path("plugins/greeting").join(file), folder.join(file)).unwrap();
    }
    let (dir, cache) = (scratch.join("plugins"), scratch.join("cache"));
    let app = TestApp::spawn_with(move |s| {
        s.plugins.dir = dir;
        // An empty compilation cache: the component is compiled after the server is up.
        s.plugins.cache_dir = cache;
    })
    .await;
    let (status, _) = app.anonymous().get("/readyz").await;
    assert_eq!(status, StatusCode::OK);
    let (owner, _) = app.signed_up("early@example.com").await;
    let ws = owner.first_workspace().await;
    let (status, body) = render(&owner, &ws, "%selamlama% %ad%").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["text"],
        format!("{} Ayşe", expected_greeting("tr")).as_str()
    );
    app.stop().await;
    let _ = std::fs::remove_dir_all(scratch);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_greeting_plugin_resolves_selamlama_by_the_workspace_local_time() {
    let app = app_with_plugins(|_| {}).await;
    let (owner, _) = app.signed_up("owner@example.com").await;
    let ws = owner.first_workspace().await;

    let (status, body) = render(&owner, &ws, "%selamlama% %ad%! / %greeting:en%").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let text = body["text"].as_str().unwrap();
    let (tr, en) = (expected_greeting("tr"), expected_greeting("en"));
    assert_eq!(text, format!("{tr} Ayşe! / {en}"));

    // A workspace variable can name the plugin's variable under its own name.
    let (status, body) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/variables"),
            json!({ "name": "hoşgeldin", "kind": "plugin", "plugin": "greeting", "value": "selamlama" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, body) = render(&owner, &ws, "%hoşgeldin%").await;
    assert_eq!(body["text"], json!(tr));
    let (status, body) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/variables"),
            json!({ "name": "x", "kind": "plugin", "plugin": "greeting", "value": "nope" }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, body) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/variables"),
            json!({ "name": "y", "kind": "plugin", "plugin": "csv-importer" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "no_such_plugin");

    // Disabled in the workspace, the plugin's variables are unknown again.
    let (status, body) = owner
        .patch(
            &format!("/api/v1/workspaces/{ws}/plugins/greeting"),
            json!({ "enabled": false }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["enabled"], false);
    let (status, body) = render(&owner, &ws, "%selamlama%").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "invalid_template");

    // Configuration is checked against the manifest's schema.
    let (status, body) = owner
        .patch(
            &format!("/api/v1/workspaces/{ws}/plugins/greeting"),
            json!({ "enabled": true, "config": { "evening_from": "late" } }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["details"]["field"], "config.evening_from");
    let (status, body) = owner
        .patch(
            &format!("/api/v1/workspaces/{ws}/plugins/greeting"),
            json!({ "enabled": true, "config": { "colour": "red" } }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    // Evening from midnight and morning until midnight: every hour from 05:00 is "Günaydın".
    let (status, body) = owner
        .patch(
            &format!("/api/v1/workspaces/{ws}/plugins/greeting"),
            json!({ "enabled": true, "config": { "morning_until": 24, "evening_from": 24 } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, body) = render(&owner, &ws, "%selamlama%").await;
    let hour = {
        use chrono::Timelike;
        chrono::Utc::now()
            .with_timezone(&chrono_tz::Europe::Istanbul)
            .hour()
    };
    let expected = if hour < 5 {
        "İyi akşamlar"
    } else {
        "Günaydın"
    };
    assert_eq!(body["text"], json!(expected));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hostile_plugin_is_contained_and_the_server_keeps_answering() {
    let app = TestApp::spawn_with(|s| {
        s.plugins.call_timeout_ms = 3000;
        s.plugins.memory_limit_mib = 32;
        // The manifest's host check is what is under test here; the outbound policy has its own.
        s.outbound.allow_private_networks = true;
    })
    .await;
    let (owner, _) = app.signed_up("owner@example.com").await;
    let ws = owner.first_workspace().await;
    install_hostile(&owner).await;

    // An endless loop is stopped at its deadline; meanwhile other requests are answered.
    let spinning = {
        let owner = app.login("owner@example.com").await;
        let ws = ws.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let result = render(&owner, &ws, "%spin%").await;
            (result, started.elapsed())
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let other = app.anonymous();
    for _ in 0..5 {
        let (status, _) = other.get("/healthz").await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, _) = owner.get("/api/v1/auth/me").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !spinning.is_finished(),
        "the other requests were answered while the plugin was still spinning"
    );
    let ((status, body), took) = spinning.await.unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "plugin_failed");
    assert_eq!(body["details"]["plugin"], "hostile");
    assert!(
        body["message"].as_str().unwrap().contains("3000 ms"),
        "{body}"
    );
    // Stopped at its deadline, not left running (a generous bound: this is not a benchmark).
    assert!(took < Duration::from_secs(20), "stopped after {took:?}");

    // Allocating past the cap fails cleanly.
    let (status, body) = render(&owner, &ws, "%hog%").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("memory"),
        "{body}"
    );

    // A panic is isolated, and its message reported.
    let (status, body) = render(&owner, &ws, "%boom%").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("panicked on purpose"),
        "{body}"
    );

    // HTTP only to the hosts the manifest allows (127.0.0.1 here, not localhost).
    let port = app.base.rsplit(':').next().unwrap().to_owned();
    let (_, body) = render(
        &owner,
        &ws,
        &format!("%fetch:http://localhost:{port}/healthz%"),
    )
    .await;
    let text = body["text"].as_str().unwrap();
    assert!(text.starts_with("refused: not allowed"), "{text}");
    let (_, body) = render(
        &owner,
        &ws,
        &format!("%fetch:http://127.0.0.1:{port}/healthz%"),
    )
    .await;
    assert_eq!(body["text"], json!("200 {\"status\":\"ok\"}"));

    // No file system, no environment.
    let (_, body) = render(&owner, &ws, "%files% / %env%").await;
    let text = body["text"].as_str().unwrap();
    assert!(text.starts_with("no file system"), "{text}");
    assert!(text.ends_with("/ 0 variables"), "{text}");

    // An oversize value is refused for that item; the fallback stands in.
    let (status, body) = render(&owner, &ws, "%flood|too long%").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["text"], "too long");

    // The key-value store persists per workspace; the configuration reaches the plugin.
    let (_, first) = render(&owner, &ws, "%counter%").await;
    let (_, second) = render(&owner, &ws, "%counter%").await;
    assert_eq!(
        (first["text"].clone(), second["text"].clone()),
        (json!("1"), json!("2"))
    );
    let (status, body) = owner
        .patch(
            &format!("/api/v1/workspaces/{ws}/plugins/hostile"),
            json!({ "config": { "label": "merhaba" } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, body) = render(&owner, &ws, "%config%").await;
    assert_eq!(body["text"], json!("{\"label\":\"merhaba\"}"));

    // After all that, it still works.
    let (status, body) = render(&owner, &ws, "%echo%").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["text"], "Ayşe");
    let metrics = reqwest::get(format!("{}/metrics", app.base))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(
            "ulak_plugin_calls_total{function=\"resolve\",outcome=\"error\",plugin=\"hostile\"} 3"
        ),
        "{metrics}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn plugins_are_installed_upgraded_and_removed_by_the_superadmin_only() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_up("owner@example.com").await;
    let ws = owner.first_workspace().await;
    let (other, _) = app.signed_up("other@example.com").await;
    let greeting = read_built("plugins/greeting/greeting.wasm");
    let manifest = std::fs::read_to_string(repo_path("plugins/greeting/plugin.toml")).unwrap();

    let (status, _) = upload(&other, &manifest, greeting.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let token = owner.token(&ws, None).await;
    let (status, _) = upload(&app.bearer(&token), &manifest, greeting.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, body) = upload(&owner, &manifest, b"not wasm".to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "invalid_component");
    let (status, body) = upload(&owner, "name = 'Bad Name'", greeting.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "invalid_manifest");
    // A component that does not implement the world its manifest claims.
    let as_importer = manifest
        .replace(
            "kind = \"variable-resolver\"",
            "kind = \"contact-importer\"",
        )
        .replace("variables = [\"selamlama\", \"greeting\"]", "");
    let (status, body) = upload(&owner, &as_importer, greeting.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("contact-importer"),
        "{body}"
    );

    let (status, body) = upload(&owner, &manifest, greeting.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["plugin"]["source"], "upload");
    let (status, body) = upload(&owner, &manifest, greeting.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["outcome"], "unchanged");
    let (_, before) = render(&owner, &ws, "%selamlama%").await;

    let upgraded = manifest.replace("version = \"0.1.0\"", "version = \"0.2.0\"");
    let (status, body) = upload(&owner, &upgraded, greeting.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["outcome"], "upgraded");
    assert_eq!(body["plugin"]["version"], "0.2.0");
    let (_, after) = render(&owner, &ws, "%selamlama%").await;
    assert_eq!(before["text"], after["text"]);

    // A lower version, or the same version with other bytes, needs force; and says what happened.
    let (status, body) = upload(&owner, &manifest, greeting.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "plugin_downgrade");
    let hostile = read_built("tests/plugins/hostile/hostile.wasm");
    let (status, body) = upload(&owner, &upgraded, hostile).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "plugin_version_unchanged");
    let (status, body) = upload_to(
        &owner,
        "/api/v1/plugins?force=true",
        &manifest,
        greeting.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (&body["outcome"], &body["plugin"]["version"]),
        (&json!("downgraded"), &json!("0.1.0"))
    );

    // A resolver may not take a built-in name or another plugin's.
    for (variables, owner_name) in [("[\"ad\"]", "built-in"), ("[\"greeting\"]", "greeting")] {
        let clash = manifest
            .replace("name = \"greeting\"", "name = \"selam-kopya\"")
            .replace("[\"selamlama\", \"greeting\"]", variables);
        let (status, body) = upload(&owner, &clash, greeting.clone()).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(
            (&body["code"], &body["details"]["owner"]),
            (&json!("variable_name_taken"), &json!(owner_name)),
            "{body}"
        );
    }

    // An uploaded plugin that does not opt in is off in every workspace until enabled there.
    let quiet = manifest
        .replace("name = \"greeting\"", "name = \"sessiz\"")
        .replace("[\"selamlama\", \"greeting\"]", "[\"sessiz_selam\"]")
        .replace("enabled_by_default = true\n", "");
    assert!(!quiet.contains("enabled_by_default"));
    let (status, body) = upload(&owner, &quiet, greeting.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, setting) = owner
        .get(&format!("/api/v1/workspaces/{ws}/plugins/sessiz"))
        .await;
    assert_eq!(setting["enabled"], false, "{setting}");
    let (status, refused) = render(&owner, &ws, "%sessiz_selam%").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    // …and says which plugin would provide it.
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("the plugin `sessiz` provides it, and is not enabled in this workspace"),
        "{refused}"
    );
    let (status, _) = owner
        .patch(
            &format!("/api/v1/workspaces/{ws}/plugins/sessiz"),
            json!({ "enabled": true }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, rendered) = render(&owner, &ws, "%sessiz_selam%").await;
    assert_eq!(status, StatusCode::OK, "{rendered}");
    assert_eq!(rendered["text"], before["text"]);
    let (status, body) = owner.delete("/api/v1/plugins/sessiz").await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    // Workspace views are role-checked and scoped.
    let viewer = owner.token(&ws, Some("viewer")).await;
    let (status, body) = app
        .bearer(&viewer)
        .get(&format!("/api/v1/workspaces/{ws}/plugins"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["items"][0]["plugin"]["name"], "greeting");
    assert_eq!(body["items"][0]["enabled"], true);
    // Nothing set: the settings are empty, and what the plugin sees are the manifest's defaults.
    assert_eq!(body["items"][0]["config"], json!({}));
    assert_eq!(
        body["items"][0]["effective_config"],
        json!({ "morning_until": 12, "evening_from": 18 }),
        "{body}"
    );
    assert_eq!(
        body["items"][0]["defaulted"],
        json!(["evening_from", "morning_until"])
    );
    let (status, _) = app
        .bearer(&viewer)
        .patch(
            &format!("/api/v1/workspaces/{ws}/plugins/greeting"),
            json!({ "enabled": false }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = other
        .get(&format!("/api/v1/workspaces/{ws}/plugins/greeting"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // In use by a variable: refused; then removed.
    let (status, _) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/variables"),
            json!({ "name": "selam", "kind": "plugin", "plugin": "greeting", "value": "selamlama" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = owner.delete("/api/v1/plugins/greeting").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, _) = owner
        .delete(&format!("/api/v1/workspaces/{ws}/variables/selam"))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // In use by a template: refused, naming it.
    let (status, template) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/templates"),
            json!({ "name": "Selam", "body": "%selamlama|Merhaba% %ad%" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{template}");
    let (status, body) = owner.delete("/api/v1/plugins/greeting").await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["details"]["templates"][0]["name"], "Selam", "{body}");
    let (status, _) = owner
        .delete(&format!(
            "/api/v1/workspaces/{ws}/templates/{}",
            template["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = other.delete("/api/v1/plugins/greeting").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = owner.delete("/api/v1/plugins/greeting").await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, _) = render(&owner, &ws, "%selamlama%").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, body) = owner.get("/api/v1/plugins").await;
    assert_eq!(body, json!({ "items": [], "next_cursor": null }));
    app.stop().await;
}

pub type Received = Arc<Mutex<Vec<(Vec<(String, String)>, Vec<u8>)>>>;

/// A loopback webhook receiver that records what it gets and answers with `status`.
pub async fn receiver(status: u16) -> (String, Received, actix_web::dev::ServerHandle) {
    let received: Received = Arc::default();
    let store = received.clone();
    let server = HttpServer::new(move || {
        let store = store.clone();
        App::new().default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
            let store = store.clone();
            async move {
                let headers = req
                    .headers()
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
                    .collect();
                store.lock().push((headers, body.to_vec()));
                HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
                    .json(json!({ "id": "provider-42" }))
            }
        }))
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .unwrap();
    let port = server.addrs()[0].port();
    let server = server.run();
    let handle = server.handle();
    tokio::spawn(server);
    (format!("http://127.0.0.1:{port}/hook"), received, handle)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_http_webhook_transport_posts_a_signed_message_to_its_configured_url() {
    let app = app_with_plugins(|s| s.outbound.allow_private_networks = true).await;
    let (owner, _) = app.signed_up("owner@example.com").await;
    let ws = owner.first_workspace().await;
    let (url, received, handle) = receiver(200).await;
    let send_path = format!("/api/v1/workspaces/{ws}/plugins/http-webhook/test-send");
    let send = |to: &str| {
        owner.post(
            &send_path,
            json!({ "to": to, "text": "Merhaba Ayşe, siparişiniz yolda." }),
        )
    };

    // Not configured yet: refused before any call.
    let (status, body) = send("+905321234567").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "plugin_not_configured");

    let (status, body) = owner
        .patch(
            &format!("/api/v1/workspaces/{ws}/plugins/http-webhook"),
            json!({ "config": { "url": url, "secret": "s3cret-s3cret-s3cret-s3cret" } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["config"]["secret"], "********",
        "secrets are never shown"
    );
    assert_eq!(body["configured"], true);

    let (status, body) = send("+905321234567").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["provider_message_id"], "provider-42");
    let key = body["idempotency_key"].as_str().unwrap().to_owned();
    let (headers, payload) = received.lock()[0].clone();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let message: Value = serde_json::from_slice(&payload).unwrap();
    assert_eq!(message["to"], "+905321234567");
    assert_eq!(message["text"], "Merhaba Ayşe, siparişiniz yolda.");
    assert_eq!(message["id"], json!(key));
    assert_eq!(message["workspace"], json!(ws));
    assert_eq!(header("idempotency-key"), key);
    let mut mac = Hmac::<Sha256>::new_from_slice(b"s3cret-s3cret-s3cret-s3cret").unwrap();
    mac.update(format!("{}.", header("x-ulak-timestamp")).as_bytes());
    mac.update(&payload);
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    assert_eq!(header("x-ulak-signature"), expected);

    // Saving the masked secret back keeps it.
    let (status, _) = owner
        .patch(
            &format!("/api/v1/workspaces/{ws}/plugins/http-webhook"),
            json!({ "config": { "url": url, "secret": "********" } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send("+905321234567").await;
    assert_eq!(status, StatusCode::OK);
    let (headers, payload) = received.lock()[1].clone();
    let signature = headers
        .iter()
        .find(|(k, _)| k == "x-ulak-signature")
        .unwrap()
        .1
        .clone();
    let timestamp = headers
        .iter()
        .find(|(k, _)| k == "x-ulak-timestamp")
        .unwrap()
        .1
        .clone();
    let mut mac = Hmac::<Sha256>::new_from_slice(b"s3cret-s3cret-s3cret-s3cret").unwrap();
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(&payload);
    assert_eq!(
        signature,
        format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
    );
    handle.stop(true).await;

    // A receiver in trouble is a transient failure.
    let (failing_url, _, failing) = receiver(503).await;
    owner
        .patch(
            &format!("/api/v1/workspaces/{ws}/plugins/http-webhook"),
            json!({ "config": { "url": failing_url, "secret": "********" } }),
        )
        .await;
    let (status, body) = send("+905321234567").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "send_failed");
    assert_eq!(body["details"]["transient"], true);
    failing.stop(true).await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resolver_that_gives_no_value_is_reported_and_never_sent_empty() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_up("soyad@example.com").await;
    let ws = owner.first_workspace().await;
    install_hostile(&owner).await;

    // The preview says which placeholder got nothing, from which plugin, and why.
    let (status, bare) = render(&owner, &ws, "Soyadınız: %surname%").await;
    assert_eq!(status, StatusCode::OK, "{bare}");
    assert_eq!(bare["text"], "Soyadınız: ");
    assert_eq!(
        (
            &bare["warnings"][0]["placeholder"],
            &bare["warnings"][0]["plugin"],
            &bare["warnings"][0]["fallback_used"]
        ),
        (&json!("%surname%"), &json!("hostile"), &json!(false)),
        "{bare}"
    );
    assert!(
        bare["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("has no last name"),
        "{bare}"
    );
    let (_, covered) = render(&owner, &ws, "Soyadınız: %surname|belirtilmemiş%").await;
    assert_eq!(covered["text"], "Soyadınız: belirtilmemiş");
    assert_eq!(covered["warnings"][0]["fallback_used"], true, "{covered}");
    let (_, fine) = render(&owner, &ws, "%echo%").await;
    assert_eq!(fine["warnings"], json!([]), "{fine}");

    // A campaign sends the contact with a value and fails the one without, with the reason.
    for (phone, last) in [("+905321000001", Some("Yılmaz")), ("+905321000002", None)] {
        let (status, body) = owner
            .post(
                &format!("/api/v1/workspaces/{ws}/contacts"),
                json!({ "phone": phone, "first_name": "Ayşe", "last_name": last, "tags": ["soy"] }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let channel = crate::pipeline::channel(&owner, &ws, "sandbox", json!({})).await;
    let template = crate::pipeline::template(&owner, &ws, "Sayın %surname%", Vec::new()).await;
    let id = crate::pipeline::campaign(
        &owner,
        &ws,
        json!({ "name": "Soyad", "template": template,
        "channel": channel, "audience": { "tags_any": ["soy"] } }),
    )
    .await;
    crate::pipeline::start(&owner, &ws, &id).await;
    crate::pipeline::campaign_in(&owner, &ws, &id, "completed", Duration::from_secs(30)).await;
    let mut messages = crate::pipeline::results(&owner, &ws, &id).await;
    messages.sort_by_key(|m| m["address"].as_str().unwrap_or_default().to_owned());
    assert_eq!(
        (&messages[0]["status"], &messages[0]["text"]),
        (&json!("sent"), &json!("Sayın Yılmaz")),
        "{messages:?}"
    );
    assert_eq!(messages[1]["status"], "failed", "{messages:?}");
    assert!(
        messages[1]["reason"]
            .as_str()
            .unwrap()
            .contains("%surname% (plugin hostile) gave no value and has no fallback"),
        "{messages:?}"
    );

    // A placeholder in a branch this contact skips does not count.
    let branch = crate::pipeline::template(
        &owner,
        &ws,
        "Merhaba{{#if last_name}} %surname%{{/if}}",
        Vec::new(),
    )
    .await;
    let (status, accepted) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/messages"),
            json!({ "channel": channel, "contact_id": "905321000002", "template_id": branch }),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{accepted}");

    // A single send is refused the same way.
    let (status, refused) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/messages"),
            json!({ "channel": channel, "contact_id": "905321000002", "template_id": template }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["code"], "plugin_value_missing", "{refused}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plugin_folder_may_hold_its_component_as_cargo_names_it() {
    let dir = std::env::temp_dir().join(format!("ulak-plugins-{}", ulak::db::new_id()));
    let folder = dir.join("selam-kopyasi");
    std::fs::create_dir_all(&folder).unwrap();
    let manifest = std::fs::read_to_string(repo_path("plugins/greeting/plugin.toml"))
        .unwrap()
        .replace("name = \"greeting\"", "name = \"selam-kopyasi\"")
        .replace("[\"selamlama\", \"greeting\"]", "[\"kopya_selam\"]");
    std::fs::write(folder.join("plugin.toml"), manifest).unwrap();
    std::fs::write(
        folder.join("selam_kopyasi.wasm"),
        read_built("plugins/greeting/greeting.wasm"),
    )
    .unwrap();
    let path = dir.clone();
    let app = TestApp::spawn_with(move |s| s.plugins.dir = path).await;
    let (owner, _) = app.signed_up("kopya@example.com").await;
    let (status, plugin) = owner.get("/api/v1/plugins/selam-kopyasi").await;
    assert_eq!(status, StatusCode::OK, "{plugin}");
    assert_eq!(plugin["source"], "directory");
    app.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_build_dropped_into_the_plugins_directory_is_installed_without_a_restart() {
    let dir = std::env::temp_dir().join(format!("ulak-watch-{}", ulak::db::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.clone();
    let app = TestApp::spawn_with(move |s| {
        s.plugins.dir = path;
        s.plugins.watch_interval_ms = 100;
    })
    .await;
    let (owner, _) = app.signed_up("izle@example.com").await;
    let (status, _) = owner.get("/api/v1/plugins/selam-izle").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let folder = dir.join("selam-izle");
    std::fs::create_dir_all(&folder).unwrap();
    let manifest = std::fs::read_to_string(repo_path("plugins/greeting/plugin.toml"))
        .unwrap()
        .replace("name = \"greeting\"", "name = \"selam-izle\"")
        .replace("[\"selamlama\", \"greeting\"]", "[\"izle_selam\"]");
    std::fs::write(
        folder.join("selam_izle.wasm"),
        read_built("plugins/greeting/greeting.wasm"),
    )
    .unwrap();
    std::fs::write(folder.join("plugin.toml"), &manifest).unwrap();
    assert!(
        installed_within_10_s(&owner, "selam-izle", "0.1.0").await,
        "the dropped plugin was not installed"
    );

    // A new version dropped over it upgrades in place.
    std::fs::write(
        folder.join("plugin.toml"),
        manifest.replace("version = \"0.1.0\"", "version = \"0.2.0\""),
    )
    .unwrap();
    assert!(
        installed_within_10_s(&owner, "selam-izle", "0.2.0").await,
        "the new version was not installed"
    );
    app.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

async fn installed_within_10_s(owner: &crate::helpers::Caller, name: &str, version: &str) -> bool {
    for _ in 0..100 {
        let (_, plugin) = owner.get(&format!("/api/v1/plugins/{name}")).await;
        if plugin["version"] == version {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plugins_log_lines_and_errors_are_shown_per_workspace() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_up("gunluk@example.com").await;
    let ws = owner.first_workspace().await;
    install_hostile(&owner).await;
    let (status, created) = owner
        .post("/api/v1/workspaces", json!({ "name": "İkinci" }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let theirs = created["id"].as_str().unwrap().to_owned();
    let (other, _) = app.signed_up("baska@example.com").await;

    let log_of = |ws: &str| format!("/api/v1/workspaces/{ws}/plugins/hostile/log");
    let (status, body) = owner.get(&log_of(&ws)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body,
        json!({ "calls_ok": 0, "calls_failed": 0, "item_errors": 0, "last_error": null, "lines": [] })
    );

    // A secret setting, which the log must not show.
    let (status, body) = owner
        .patch(
            &format!("/api/v1/workspaces/{ws}/plugins/hostile"),
            json!({ "config": { "token": "gizli-anahtar-123" } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // A log line, an item the plugin answers with an error, and a call that fails as a whole.
    let (status, rendered) = render(&owner, &ws, "%log%").await;
    assert_eq!(status, StatusCode::OK, "{rendered}");
    let (status, _) = render(&owner, &ws, "%surname|Bey%").await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = render(&owner, &ws, "%boom%").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Another workspace's calls stay there.
    let (status, _) = render(&owner, &theirs, "%log%").await;
    assert_eq!(status, StatusCode::OK);

    let (_, body) = owner.get(&log_of(&ws)).await;
    assert_eq!(
        (
            &body["calls_ok"],
            &body["calls_failed"],
            &body["item_errors"]
        ),
        (&json!(2), &json!(1), &json!(1)),
        "{body}"
    );
    assert_eq!(body["lines"].as_array().unwrap().len(), 1, "{body}");
    assert_eq!(body["lines"][0]["level"], "warn");
    assert_eq!(
        body["lines"][0]["message"],
        r#"logged for +905321234567 with {"token":"********"}"#
    );
    assert_eq!(body["last_error"]["kind"], "call", "{body}");
    assert!(
        body["last_error"]["message"]
            .as_str()
            .unwrap()
            .contains("hostile plugin panicked on purpose"),
        "{body}"
    );
    let (_, body) = owner.get(&log_of(&theirs)).await;
    assert_eq!(
        (&body["calls_ok"], body["lines"].as_array().unwrap().len()),
        (&json!(1), 1),
        "{body}"
    );

    // Workspace scoping and roles: a stranger gets 404; a viewer may not read lines that can hold
    // contact data, an admin may.
    let (status, _) = other.get(&log_of(&ws)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let viewer = owner.token(&ws, Some("viewer")).await;
    let (status, _) = app.bearer(&viewer).get(&log_of(&ws)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let admin = owner.token(&ws, Some("admin")).await;
    let (status, _) = app.bearer(&admin).get(&log_of(&ws)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = owner
        .get(&format!("/api/v1/workspaces/{ws}/plugins/nope/log"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    app.stop().await;
}

/// Components once kept as files under `<data>/plugins` (before they lived in the store) are moved
/// into the store when the node starts again, and the plugin keeps working.
#[tokio::test(flavor = "multi_thread")]
async fn a_component_kept_as_a_file_by_an_older_release_moves_into_the_store() {
    let dir = std::env::temp_dir().join(format!("ulak-legacy-{}", ulak::db::new_id()));
    let on_disk = |s: &mut ulak::config::Settings| {
        s.database.url = String::new();
        s.storage.data_dir = dir.clone();
    };
    let app = TestApp::spawn_with(on_disk).await;
    let (owner, _) = app.signed_up("legacy@example.com").await;
    let ws = owner.first_workspace().await;
    let manifest = std::fs::read_to_string(repo_path("plugins/greeting/plugin.toml")).unwrap();
    let component = read_built("plugins/greeting/greeting.wasm");
    let (status, body) = upload(&owner, &manifest, component.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let sha = body["plugin"]["sha256"]
        .as_str()
        .expect("sha256")
        .to_owned();

    // What an older release left: the component as a file, nothing of it in the store.
    app.state
        .db
        .exec("DELETE plugin_component; DELETE plugin_chunk;", json!({}))
        .await
        .unwrap();
    let legacy = dir.join("plugins").join(format!("{sha}.wasm"));
    std::fs::create_dir_all(legacy.parent().unwrap()).unwrap();
    std::fs::write(&legacy, &component).unwrap();
    app.stop().await;

    let app = TestApp::spawn_with(on_disk).await;
    let owner = app.login("legacy@example.com").await;
    let (status, body) = render(&owner, &ws, "%selamlama%").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["text"], json!(expected_greeting("tr")));
    assert!(!legacy.exists(), "the file stays after the move");
    let stored = ulak::plugins::components::get(&app.state.db, &sha)
        .await
        .unwrap();
    assert_eq!(stored.as_deref(), Some(&component[..]));
    app.stop().await;
    let _ = std::fs::remove_dir_all(dir);
}
