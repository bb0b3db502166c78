//! The instance's mail, against a real SMTP server on loopback (aiosmtpd): password resets and
//! invitations arrive, and their links work once.

use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::pipeline::{Child, wait_for};
use ulak::transports::smtp::Security;

struct SmtpSink {
    _child: Child,
    port: u16,
    out: PathBuf,
}

fn smtp_sink() -> SmtpSink {
    let dir = std::env::temp_dir().join(format!("ulak-mail-{}", ulak::db::new_id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("mail.jsonl");
    let (child, port) = crate::pipeline::smtp_sink(&out);
    SmtpSink {
        _child: child,
        port,
        out,
    }
}

fn mails(out: &Path) -> Vec<Value> {
    std::fs::read_to_string(out)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The first link to this server's console in a mail's text, as a path with its query.
fn link_in(mail: &Value) -> String {
    let text = mail["text"].as_str().unwrap();
    let start = text.find("http://console.test").expect("a link") + "http://console.test".len();
    text[start..].split_whitespace().next().unwrap().to_owned()
}

async fn app_with_mail(sink: &SmtpSink) -> TestApp {
    let port = sink.port;
    TestApp::spawn_with(move |s| {
        s.mail.host = "127.0.0.1".into();
        s.mail.port = port;
        s.mail.security = Security::None;
        s.mail.from = "Ulak <ulak@example.com>".into();
        s.mail.public_url = "http://console.test/".into();
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reset_mail_arrives_its_link_works_once_and_unknown_addresses_are_answered_alike() {
    let sink = smtp_sink();
    let app = app_with_mail(&sink).await;
    let (owner, _) = app.signed_up("ayse@example.com").await;
    let anonymous = app.anonymous();

    // Known and unknown addresses get the same answer; only the known one gets mail.
    for email in ["Ayse@Example.com", "nobody@example.com"] {
        let (status, body) = anonymous
            .post("/api/v1/auth/password-reset", json!({ "email": email }))
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    }
    let mail = wait_for(Duration::from_secs(15), || async {
        mails(&sink.out).into_iter().next()
    })
    .await;
    assert_eq!(mail["rcpt_tos"], json!(["ayse@example.com"]), "{mail}");
    assert!(
        mail["from"].as_str().unwrap().contains("ulak@example.com"),
        "{mail}"
    );
    let link = link_in(&mail);
    assert!(link.starts_with("/app/reset-password?token="), "{link}");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(mails(&sink.out).len(), 1, "no mail for an unknown address");

    // The link sets the password once and ends the sessions there were.
    let confirm = |password: &'static str| {
        let anonymous = app.anonymous();
        let token = token.clone();
        async move {
            anonymous
                .post(
                    "/api/v1/auth/password-reset/confirm",
                    json!({ "token": token, "new_password": password }),
                )
                .await
        }
    };
    let (status, body) = confirm("a new password").await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, body) = confirm("another password").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["code"], "invalid_reset_link", "{body}");
    let (status, _) = owner.get("/api/v1/auth/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the old session ended");
    let (status, _) = anonymous
        .post(
            "/api/v1/auth/login",
            json!({ "email": "ayse@example.com", "password": "password123" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = anonymous
        .post(
            "/api/v1/auth/login",
            json!({ "email": "ayse@example.com", "password": "a new password" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The reset is in the audit log, between the sign-ins (newest first).
    let (_, audit) = anonymous.get("/api/v1/audit?action=auth").await;
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "auth.signed_in",
            "auth.sign_in_failed",
            "auth.password_reset",
            "auth.signed_in"
        ]
    );

    // Two more links: expired ones do not work; a valid one works, and then none of the
    // account's links do.
    for _ in 0..2 {
        let (status, _) = anonymous
            .post(
                "/api/v1/auth/password-reset",
                json!({ "email": "ayse@example.com" }),
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED);
    }
    let sent = wait_for(Duration::from_secs(15), || async {
        let all = mails(&sink.out);
        (all.len() == 3).then_some(all)
    })
    .await;
    let older = link_in(&sent[1]).split("token=").nth(1).unwrap().to_owned();
    let newer = link_in(&sent[2]).split("token=").nth(1).unwrap().to_owned();
    let db = app.state.db.clone();
    let expire = |by: &'static str| {
        let db = db.clone();
        async move {
            db.exec(
                &format!("UPDATE password_reset SET expires_at = time::now() {by}"),
                json!({}),
            )
            .await
            .unwrap()
        }
    };
    let use_link = |token: String| {
        let anonymous = app.anonymous();
        async move {
            anonymous
                .post(
                    "/api/v1/auth/password-reset/confirm",
                    json!({ "token": token, "new_password": "yet another one" }),
                )
                .await
        }
    };
    expire("- 1m").await;
    let (status, body) = use_link(older.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "expired: {body}");
    expire("+ 10m").await;
    let (status, body) = use_link(older).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, body) = use_link(newer).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "used up with the other: {body}"
    );

    // A fourth request within the hour is answered alike but sends nothing.
    let (status, _) = anonymous
        .post(
            "/api/v1/auth/password-reset",
            json!({ "email": "ayse@example.com" }),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(mails(&sink.out).len(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_invitation_mail_arrives_and_its_link_lets_a_new_account_join_once() {
    let sink = smtp_sink();
    let app = app_with_mail(&sink).await;
    let (owner, _) = app.signed_up("owner@example.com").await;
    let ws = owner.first_workspace().await;
    let (status, invitation) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/members"),
            json!({ "email": "mehmet@example.com", "role": "editor" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{invitation}");
    assert_eq!(invitation["emailed"], true, "{invitation}");
    let mail = wait_for(Duration::from_secs(15), || async {
        mails(&sink.out).into_iter().next()
    })
    .await;
    assert_eq!(mail["rcpt_tos"], json!(["mehmet@example.com"]), "{mail}");
    let link = link_in(&mail);
    assert_eq!(link, invitation["accept_path"].as_str().unwrap());

    // Someone without an account registers and accepts with the link's code, once.
    app.register("mehmet@example.com").await;
    let mehmet = app.login("mehmet@example.com").await;
    let (path, code) = link.split_once("?code=").unwrap();
    let id = path.rsplit('/').next().unwrap();
    let accept = format!("/api/v1/invitations/{id}/accept");
    let (status, body) = mehmet.post(&accept, json!({ "code": code })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = mehmet.post(&accept, json!({ "code": code })).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let (status, body) = mehmet.get(&format!("/api/v1/workspaces/{ws}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn without_mail_settings_a_reset_says_so_and_an_invitation_is_not_mailed() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_up("owner@example.com").await;
    let (status, body) = app
        .anonymous()
        .post(
            "/api/v1/auth/password-reset",
            json!({ "email": "owner@example.com" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "mail_not_configured", "{body}");
    let ws = owner.first_workspace().await;
    let (status, invitation) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/members"),
            json!({ "email": "mehmet@example.com", "role": "editor" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{invitation}");
    assert_eq!(invitation["emailed"], false, "{invitation}");
}

/// Mails to one address whose subject contains `part`.
fn mails_to(out: &Path, to: &str, part: &str) -> Vec<Value> {
    mails(out)
        .into_iter()
        .filter(|m| m["rcpt_tos"] == json!([to]))
        .filter(|m| m["subject"].as_str().unwrap_or("").contains(part))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn opted_in_users_get_one_notice_per_finished_campaign_and_import() {
    let sink = smtp_sink();
    let port = sink.port;
    let app = crate::plugins::app_with_plugins(move |s| {
        s.mail.host = "127.0.0.1".into();
        s.mail.port = port;
        s.mail.security = Security::None;
        s.mail.from = "Ulak <ulak@example.com>".into();
        s.mail.public_url = "http://console.test/".into();
    })
    .await;
    let (owner, _) = app.signed_up("bildirim@example.com").await;
    let ws = owner.first_workspace().await;
    // An admin who chose no notices gets none.
    app.register("sessiz@example.com").await;
    let quiet = app
        .add_member(&owner, &ws, "sessiz@example.com", "admin")
        .await;
    let (status, notices) = quiet.get("/api/v1/auth/notices").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        notices,
        json!({ "campaign_finished": false, "channel_disconnected": false,
                "import_finished": false, "mail_configured": true })
    );
    let (status, body) = owner
        .put(
            "/api/v1/auth/notices",
            json!({ "campaign_finished": true, "import_finished": true }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, notices) = owner.get("/api/v1/auth/notices").await;
    assert_eq!(notices["campaign_finished"], true);
    assert_eq!(notices["channel_disconnected"], false);
    // Notices follow the log from when the workspace was first looked at for them.
    let db = app.state.db.clone();
    let ws_key = ws.clone();
    wait_for(Duration::from_secs(15), || {
        let db = db.clone();
        let ws = ws_key.clone();
        async move {
            let cursor: Option<String> = db
                .row(
                    "SELECT VALUE cursor FROM type::record('notice_cursor', $ws)",
                    json!({ "ws": ws }),
                )
                .await
                .unwrap();
            cursor.map(|_| ())
        }
    })
    .await;

    crate::pipeline::contacts(&owner, &ws, 2, "bildirim").await;
    let template = crate::pipeline::template(&owner, &ws, "Merhaba %ad%", Vec::new()).await;
    let channel = crate::pipeline::channel(&owner, &ws, "sandbox", json!({})).await;
    let campaign = crate::pipeline::campaign(
        &owner,
        &ws,
        json!({ "name": "Kasım", "template": template, "channel": channel, "audience": { "all": true } }),
    )
    .await;
    crate::pipeline::start(&owner, &ws, &campaign).await;
    crate::pipeline::campaign_in(&owner, &ws, &campaign, "completed", Duration::from_secs(30))
        .await;

    let out = sink.out.clone();
    let finished = wait_for(Duration::from_secs(30), || {
        let out = out.clone();
        async move {
            let mails = mails_to(&out, "bildirim@example.com", "\"Kasım\"");
            (!mails.is_empty()).then_some(mails)
        }
    })
    .await;
    let text = finished[0]["text"].as_str().unwrap();
    assert!(text.contains("completed"), "{text}");
    assert!(
        text.contains(&format!(
            "http://console.test/app/w/{ws}/campaigns/{campaign}"
        )),
        "{text}"
    );
    let out = sink.out.clone();
    wait_for(Duration::from_secs(30), || {
        let out = out.clone();
        async move {
            (!mails_to(&out, "bildirim@example.com", "import completed").is_empty()).then_some(())
        }
    })
    .await;
    // Once each, and nothing to the member who chose none (beyond the invitation).
    tokio::time::sleep(Duration::from_secs(7)).await;
    assert_eq!(
        mails_to(&sink.out, "bildirim@example.com", "\"Kasım\"").len(),
        1
    );
    assert_eq!(
        mails_to(&sink.out, "bildirim@example.com", "import completed").len(),
        1
    );
    assert_eq!(mails_to(&sink.out, "sessiz@example.com", "").len(), 1);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn notices_need_mail_and_say_so() {
    let app = TestApp::spawn().await;
    let (owner, _) = app.signed_up("postasiz@example.com").await;
    let (status, notices) = owner.get("/api/v1/auth/notices").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(notices["mail_configured"], false);
    let (status, body) = owner
        .put("/api/v1/auth/notices", json!({ "campaign_finished": true }))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "mail_not_configured");
    let (status, _) = owner
        .put(
            "/api/v1/auth/notices",
            json!({ "campaign_finished": false }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = owner
        .put("/api/v1/auth/notices", json!({ "everything": true }))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    app.stop().await;
}
