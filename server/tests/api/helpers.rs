//! Starting a real Ulak on port 0 with a fresh in-memory store, and callers that talk HTTP to it.
//! Every response passes through [`Caller::send`], which fails the test on any 5xx: no request of
//! the suite may produce a server error.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use ulak::config::Settings;
use ulak::startup::Application;

pub struct TestApp {
    pub base: String,
    pub data_dir: std::path::PathBuf,
    pub handle: actix_web::dev::ServerHandle,
    /// For the few checks that must look behind the API (what a deletion left in the store).
    pub state: actix_web::web::Data<ulak::app::AppState>,
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
        Self::spawn_on(None, adjust).await
    }

    /// A server on a given store (another replica of an app already running), or on its own.
    pub async fn spawn_on(db: Option<ulak::db::Db>, adjust: impl FnOnce(&mut Settings)) -> TestApp {
        ulak::telemetry::init_for_tests();
        let mut settings = Settings::for_tests().expect("default settings are valid");
        settings.server.workers = 2;
        // Tests sign in often from one address; the rate-limit tests set their own limits.
        settings.auth.login_attempts_per_minute_per_ip = 10_000;
        settings.auth.failed_logins_before_backoff = 10_000;
        settings.auth.registrations_per_hour_per_ip = 10_000;
        adjust(&mut settings);
        let data_dir = settings.storage.data_dir.clone();
        let app = match db {
            Some(db) => Application::build_on(settings, db).await,
            None => {
                // A test that restarts on the same data directory may find the previous instance's
                // store still closing (its last background task lets go of it a moment after the
                // server stops); a new process never does. Wait for it, up to 20 s.
                let mut tries = 0;
                loop {
                    match Application::build(settings.clone()).await {
                        Err(e) if tries < 100 && format!("{e:#}").contains("already locked") => {
                            tries += 1;
                            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                        }
                        other => break other,
                    }
                }
            }
        }
        .expect("app builds");
        let base = format!("http://127.0.0.1:{}", app.port());
        let handle = app.handle();
        let state = app.state();
        let task = tokio::spawn(app.run_until_stopped());
        TestApp {
            base,
            data_dir,
            handle,
            state,
            task,
        }
    }

    pub async fn stop(self) {
        let TestApp {
            handle,
            state,
            task,
            ..
        } = self;
        // The store closes when its last handle goes, which the server's shutdown waits a moment for.
        drop(state);
        handle.stop(true).await;
        task.await.expect("server task").expect("server ran");
    }

    pub fn anonymous(&self) -> Caller {
        Caller {
            base: self.base.clone(),
            client: reqwest::Client::builder()
                .cookie_store(true)
                // The server drops a connection idle for 5 s; one reused at that moment fails with
                // `IncompleteMessage` (seen in CI after a test's long wait). Ours go first.
                .pool_idle_timeout(std::time::Duration::from_secs(3))
                .build()
                .expect("client"),
            csrf: None,
            bearer: None,
        }
    }

    pub fn bearer(&self, token: &str) -> Caller {
        let mut caller = self.anonymous();
        caller.bearer = Some(token.to_owned());
        caller
    }

    /// Registers an account (asserting 201) and returns the response body.
    pub async fn register(&self, email: &str) -> Value {
        let (status, body) = self
            .anonymous()
            .post(
                "/api/v1/auth/register",
                json!({ "email": email, "password": "password123", "name": "Test User" }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }

    /// A signed-in session (with its CSRF token) for an existing account.
    pub async fn login(&self, email: &str) -> Caller {
        let mut caller = self.anonymous();
        let (status, body) = caller
            .post(
                "/api/v1/auth/login",
                json!({ "email": email, "password": "password123" }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        caller.csrf = Some(body["csrf_token"].as_str().expect("csrf").to_owned());
        caller
    }

    /// Invites an existing account into a workspace with a role and accepts as that account;
    /// returns the member's signed-in session.
    pub async fn add_member(&self, owner: &Caller, ws: &str, email: &str, role: &str) -> Caller {
        let (status, invitation) = owner
            .post(
                &format!("/api/v1/workspaces/{ws}/members"),
                json!({ "email": email, "role": role }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{invitation}");
        let member = self.login(email).await;
        let id = invitation["id"].as_str().expect("invitation id");
        let (status, body) = member
            .post(&format!("/api/v1/invitations/{id}/accept"), json!({}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        member
    }

    /// Registers and signs in; returns the session and the user's id.
    pub async fn signed_up(&self, email: &str) -> (Caller, String) {
        let body = self.register(email).await;
        let id = body["user"]["id"].as_str().expect("id").to_owned();
        (self.login(email).await, id)
    }
}

#[derive(Clone)]
pub struct Caller {
    pub base: String,
    pub client: reqwest::Client,
    pub csrf: Option<String>,
    pub bearer: Option<String>,
}

impl Caller {
    pub fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let mut builder = self
            .client
            .request(method.clone(), format!("{}{path}", self.base));
        if let Some(token) = &self.bearer {
            builder = builder.bearer_auth(token);
        }
        if let Some(csrf) = &self.csrf
            && method != Method::GET
        {
            builder = builder.header("X-CSRF-Token", csrf);
        }
        builder
    }

    /// Sends and returns status and JSON body (Null when the body is empty or not JSON).
    pub async fn send(&self, builder: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let response = builder.send().await.expect("request reaches the server");
        let status = response.status();
        let text = response.text().await.expect("body");
        assert!(status.as_u16() < 500, "server error {status}: {text}");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        if status.is_client_error() {
            assert!(
                body["code"].is_string() && body["message"].is_string(),
                "4xx without the error body: {status} {text}"
            );
        }
        (status, body)
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(self.request(Method::GET, path)).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.request(Method::POST, path).json(&body))
            .await
    }

    pub async fn patch(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.request(Method::PATCH, path).json(&body))
            .await
    }

    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.request(Method::PUT, path).json(&body)).await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.send(self.request(Method::DELETE, path)).await
    }

    /// The first workspace listed for this caller.
    pub async fn first_workspace(&self) -> String {
        let (status, body) = self.get("/api/v1/workspaces").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["items"][0]["id"]
            .as_str()
            .expect("a workspace")
            .to_owned()
    }

    /// Creates an API token and returns its secret.
    pub async fn token(&self, workspace: &str, role: Option<&str>) -> String {
        let (status, body) = self
            .post(
                "/api/v1/tokens",
                json!({ "name": "test token", "workspace": workspace, "role": role }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["secret"].as_str().expect("secret").to_owned()
    }
}

/// Percent-encodes everything but ASCII letters and digits (for ids and queries in paths).
pub fn urlencode(raw: &str) -> String {
    raw.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
