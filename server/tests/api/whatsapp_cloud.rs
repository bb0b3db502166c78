//! The WhatsApp Business Cloud API channel against a fake Graph API on loopback (wiremock), which
//! answers as Meta's documents say: the credential check, the exact JSON of each send, the media
//! upload and its reuse, the 24-hour window, signed webhooks (challenge, signatures, statuses out of
//! order, repeats, an opt-out), and a campaign that rides out throughput errors.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::helpers::{Caller, TestApp};
use crate::pipeline::{campaign, campaign_in, results, start, template, wait_for};

const PHONE_ID: &str = "106540352242922";
const TOKEN: &str = "EAAG-iyi-anahtar";
const APP_SECRET: &str = "uygulama-sirri";
const VERIFY: &str = "dogrulama-jetonu";

fn phone_path() -> String {
    format!("/v21.0/{PHONE_ID}")
}

fn messages_path() -> String {
    format!("/v21.0/{PHONE_ID}/messages")
}

/// A Graph API that knows the phone number (with the right token only).
async fn graph() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(phone_path()))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "display_phone_number": "+90 532 000 00 00", "verified_name": "Acme Pazarlama",
            "quality_rating": "GREEN", "messaging_limit_tier": "TIER_1K", "id": PHONE_ID })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(phone_path()))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({ "error": {
            "message": "Invalid OAuth access token - Cannot parse access token",
            "type": "OAuthException", "code": 190, "fbtrace_id": "A1" } })))
        .mount(&server)
        .await;
    server
}

fn config(server: &MockServer, token: &str) -> Value {
    json!({ "base_url": server.uri(), "phone_number_id": PHONE_ID, "access_token": token,
            "app_secret": APP_SECRET, "verify_token": VERIFY })
}

/// Answers every send with a new `wamid`.
struct Accept(AtomicUsize);

impl Respond for Accept {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let n = self.0.fetch_add(1, Ordering::SeqCst);
        let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
        ResponseTemplate::new(200).set_body_json(json!({
            "messaging_product": "whatsapp",
            "contacts": [{ "input": body["to"], "wa_id": body["to"] }],
            "messages": [{ "id": format!("wamid.OUT{n}") }] }))
    }
}

/// Answers the first `limit` sends with Meta's throughput error, then accepts.
struct Throttled {
    seen: AtomicUsize,
    limit: usize,
    accept: Accept,
}

impl Respond for Throttled {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        if self.seen.fetch_add(1, Ordering::SeqCst) < self.limit {
            return ResponseTemplate::new(400)
                .insert_header("retry-after", "1")
                .set_body_json(json!({ "error": {
                    "message": "(#130429) Rate limit hit", "type": "OAuthException",
                    "code": 130429, "error_data": { "messaging_product": "whatsapp",
                    "details": "Cloud API message throughput has been reached." } } }));
        }
        self.accept.respond(request)
    }
}

fn signature(secret: &str, body: &[u8]) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Posts a webhook body to the channel's hook, signed with `secret` (or unsigned).
async fn webhook(
    app: &TestApp,
    hook: &str,
    body: &Value,
    secret: Option<&str>,
) -> (StatusCode, Value) {
    let anonymous = app.anonymous();
    let bytes = serde_json::to_vec(body).unwrap();
    let mut request = anonymous
        .request(reqwest::Method::POST, hook)
        .header("content-type", "application/json");
    if let Some(secret) = secret {
        request = request.header("x-hub-signature-256", signature(secret, &bytes));
    }
    anonymous.send(request.body(bytes)).await
}

fn change(value: Value) -> Value {
    let mut value = value;
    value["messaging_product"] = json!("whatsapp");
    value["metadata"] =
        json!({ "display_phone_number": "905320000000", "phone_number_id": PHONE_ID });
    json!({ "object": "whatsapp_business_account",
            "entry": [{ "id": "102290129340398", "changes": [{ "field": "messages", "value": value }] }] })
}

fn inbound(messages: &[(&str, &str, &str)]) -> Value {
    let now = chrono::Utc::now().timestamp().to_string();
    change(json!({
        "contacts": messages.iter().map(|(from, _, _)| json!({ "wa_id": from, "profile": { "name": "Ayşe Yılmaz" } })).collect::<Vec<_>>(),
        "messages": messages.iter().map(|(from, id, text)| json!({
            "from": from, "id": id, "timestamp": now, "type": "text", "text": { "body": text } })).collect::<Vec<_>>(),
    }))
}

fn statuses(reports: &[(&str, &str)]) -> Value {
    let now = chrono::Utc::now().timestamp().to_string();
    change(
        json!({ "statuses": reports.iter().map(|(id, status)| json!({
        "id": id, "status": status, "timestamp": now, "recipient_id": "905321000001" })).collect::<Vec<_>>() }),
    )
}

async fn requests_to(server: &MockServer, wanted: &str) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.method.as_str() == "POST" && r.url.path() == wanted)
        .map(|r| serde_json::from_slice(&r.body).unwrap_or(Value::Null))
        .collect()
}

async fn message_in(owner: &Caller, ws: &str, id: &str, status: &str) -> Value {
    wait_for(Duration::from_secs(15), || async {
        let (_, m) = owner
            .get(&format!("/api/v1/workspaces/{ws}/messages/{id}"))
            .await;
        (m["status"] == status).then_some(m)
    })
    .await
}

async fn send(owner: &Caller, ws: &str, body: Value) -> String {
    let (status, out) = owner
        .post(&format!("/api/v1/workspaces/{ws}/messages"), body)
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{out}");
    out["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cloud_api_channel_checks_its_token_sends_within_the_window_and_reads_signed_webhooks() {
    let app = crate::plugins::app_with_plugins(|s| s.outbound.allow_private_networks = true).await;
    let (owner, _) = app.signed_up("cloud@example.com").await;
    let ws = owner.first_workspace().await;
    let server = graph().await;
    Mock::given(method("POST"))
        .and(path(messages_path()))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(Accept(AtomicUsize::new(1)))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/v21.0/{PHONE_ID}/media")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "id": "MEDIA1" })))
        .mount(&server)
        .await;
    let channels = format!("/api/v1/workspaces/{ws}/channels");

    // A wrong token is refused when the channel is saved, with Meta's reason.
    let (status, refused) = owner
        .post(&channels, json!({ "name": "WhatsApp", "kind": "whatsapp_cloud", "config": config(&server, "yanlis") }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("Invalid OAuth access token"),
        "{refused}"
    );
    let (status, created) = owner
        .post(&channels, json!({ "name": "WhatsApp", "kind": "whatsapp_cloud", "config": config(&server, TOKEN) }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let channel = created["id"].as_str().unwrap().to_owned();
    assert_eq!(
        created["config"]["phone"]["verified_name"], "Acme Pazarlama",
        "{created}"
    );
    assert_eq!(
        created["config"]["phone"]["messaging_limit_tier"],
        "TIER_1K"
    );
    for secret in ["access_token", "app_secret", "verify_token"] {
        assert_eq!(created["config"][secret], "********", "{created}");
    }
    let hook = created["webhook_path"].as_str().unwrap().to_owned();
    // Saved again as read, the secrets are kept (and the token checked again); pointed at another
    // address, the token must be entered again rather than follow it there.
    let one = format!("{channels}/{channel}");
    let (status, saved) = owner
        .patch(&one, json!({ "config": created["config"] }))
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let mut elsewhere = created["config"].clone();
    elsewhere["base_url"] = json!("http://127.0.0.1:9");
    let (status, refused) = owner.patch(&one, json!({ "config": elsewhere })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert!(
        refused["details"]["field"]
            .as_str()
            .unwrap()
            .starts_with("config."),
        "{refused}"
    );

    // Meta's verification: the challenge echoed for the right token only.
    let anonymous = app.anonymous();
    let verify = |token: &str| {
        let url =
            format!("{hook}?hub.mode=subscribe&hub.verify_token={token}&hub.challenge=1158201444");
        let request = anonymous.request(reqwest::Method::GET, &url);
        async move { request.send().await.unwrap() }
    };
    let answer = verify(VERIFY).await;
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(answer.text().await.unwrap(), "1158201444");
    assert_eq!(verify("baska").await.status(), StatusCode::FORBIDDEN);

    // Outside the 24-hour window a free-form message is refused before the API is called.
    let early = send(
        &owner,
        &ws,
        json!({ "channel": channel, "phone": "0532 100 00 01", "text": "Merhaba" }),
    )
    .await;
    let failed = message_in(&owner, &ws, &early, "failed").await;
    assert_eq!(failed["error_code"], "outside_24h_window", "{failed}");
    assert!(requests_to(&server, &messages_path()).await.is_empty());

    // Webhooks: unsigned and wrongly signed ones store nothing; a signed one is taken once.
    let hello = inbound(&[("905321000001", "wamid.IN1", "Merhaba, siparişim nerede?")]);
    assert_eq!(
        webhook(&app, &hook, &hello, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        webhook(&app, &hook, &hello, Some("baska-sir")).await.0,
        StatusCode::UNAUTHORIZED
    );
    let thread = format!("/api/v1/workspaces/{ws}/conversations/905321000001/messages");
    let (_, before) = owner.get(&thread).await;
    assert!(
        before["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["direction"] == "out"),
        "{before}"
    );
    let (status, taken) = webhook(&app, &hook, &hello, Some(APP_SECRET)).await;
    assert_eq!(
        (status, &taken["messages"]),
        (StatusCode::OK, &json!(1)),
        "{taken}"
    );
    let (_, again) = webhook(&app, &hook, &hello, Some(APP_SECRET)).await;
    assert_eq!(again["messages"], 0, "a repeated delivery is stored once");
    let (_, after) = owner.get(&thread).await;
    assert!(
        after["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["direction"] == "in"
                && m["text"] == "Merhaba, siparişim nerede?"
                && m["provider_id"] == "wamid.IN1"),
        "{after}"
    );

    // Within the window: the exact request Meta documents, and the wamid as the provider id.
    let (status, named) = owner
        .patch(
            &format!("/api/v1/workspaces/{ws}/contacts/905321000001"),
            json!({ "first_name": "Ayşe", "last_name": "Yılmaz" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{named}");
    let template = template(
        &owner,
        &ws,
        "Sayın %ad% Hanım, siparişiniz yola çıktı.",
        Vec::new(),
    )
    .await;
    let out = send(
        &owner,
        &ws,
        json!({ "channel": channel, "contact_id": "905321000001", "template_id": template }),
    )
    .await;
    let sent = message_in(&owner, &ws, &out, "sent").await;
    assert_eq!(sent["provider_id"], "wamid.OUT1", "{sent}");
    assert_eq!(
        requests_to(&server, &messages_path()).await,
        [
            json!({ "messaging_product": "whatsapp", "recipient_type": "individual",
                 "to": "905321000001", "type": "text",
                 "text": { "preview_url": false, "body": "Sayın Ayşe Hanım, siparişiniz yola çıktı." } })
        ]
    );

    // Statuses out of order: `read` then a late `delivered` keeps `read`.
    let (status, taken) = webhook(
        &app,
        &hook,
        &statuses(&[("wamid.OUT1", "read"), ("wamid.OUT1", "delivered")]),
        Some(APP_SECRET),
    )
    .await;
    assert_eq!(
        (status, &taken["statuses"]),
        (StatusCode::OK, &json!(2)),
        "{taken}"
    );
    let read = message_in(&owner, &ws, &out, "read").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (_, still) = owner
        .get(&format!("/api/v1/workspaces/{ws}/messages/{out}"))
        .await;
    assert_eq!(still["status"], "read", "{read} then {still}");

    // An image: uploaded once, sent by its media id to two recipients, the text as its caption.
    let (status, media) =
        crate::media::upload(&owner, &ws, "afis.png", crate::media::png(8, 8)).await;
    assert_eq!(status, StatusCode::CREATED, "{media}");
    let media = media["id"].as_str().unwrap().to_owned();
    let (status, _) = webhook(
        &app,
        &hook,
        &inbound(&[("905321000002", "wamid.IN2", "Selam")]),
        Some(APP_SECRET),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // An unknown sender becomes a contact with their WhatsApp profile name.
    let (_, contact) = owner
        .get(&format!("/api/v1/workspaces/{ws}/contacts/905321000002"))
        .await;
    assert_eq!(
        (&contact["first_name"], &contact["last_name"]),
        (&json!("Ayşe"), &json!("Yılmaz")),
        "{contact}"
    );
    for to in ["905321000001", "905321000002"] {
        let id = send(&owner, &ws, json!({ "channel": channel, "contact_id": to, "text": "Yeni sezon afişi", "attachments": [media] })).await;
        message_in(&owner, &ws, &id, "sent").await;
    }
    let uploads = server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path().ends_with("/media"))
        .count();
    assert_eq!(uploads, 1, "the image is uploaded once");
    let sends = requests_to(&server, &messages_path()).await;
    for (body, to) in sends[1..].iter().zip(["905321000001", "905321000002"]) {
        assert_eq!(
            body,
            &json!({ "messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
                     "type": "image", "image": { "id": "MEDIA1", "caption": "Yeni sezon afişi" } })
        );
    }

    // A document (with its file name) and a voice note: the text rides as the document's caption,
    // and audio, which takes none, follows as a message of its own.
    let wav = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00data\x00\x00\x00\x00".to_vec();
    let mut files = Vec::new();
    for (name, bytes) in [
        ("fiyat-listesi.pdf", crate::media::PDF.to_vec()),
        ("sesli-not.wav", wav),
    ] {
        let (status, media) = crate::media::upload(&owner, &ws, name, bytes).await;
        assert_eq!(status, StatusCode::CREATED, "{media}");
        files.push(media["id"].as_str().unwrap().to_owned());
    }
    let id = send(
        &owner,
        &ws,
        json!({ "channel": channel, "contact_id": "905321000001",
        "text": "Aralık fiyat listemiz ektedir", "attachments": files }),
    )
    .await;
    message_in(&owner, &ws, &id, "sent").await;
    let sends = requests_to(&server, &messages_path()).await;
    assert_eq!(
        sends[3..],
        [
            json!({ "messaging_product": "whatsapp", "recipient_type": "individual", "to": "905321000001",
                    "type": "document", "document": { "id": "MEDIA1", "caption": "Aralık fiyat listemiz ektedir",
                    "filename": "fiyat-listesi.pdf" } }),
            json!({ "messaging_product": "whatsapp", "recipient_type": "individual", "to": "905321000001",
                    "type": "audio", "audio": { "id": "MEDIA1" } }),
        ]
    );

    // "İPTAL" opts the contact out.
    let (status, _) = webhook(
        &app,
        &hook,
        &inbound(&[("905321000002", "wamid.IN3", "İPTAL")]),
        Some(APP_SECRET),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, contact) = owner
        .get(&format!("/api/v1/workspaces/{ws}/contacts/905321000002"))
        .await;
    assert_eq!(contact["opted_out"], true, "{contact}");

    // A token that stops working puts the channel in `error` with Meta's reason.
    server.reset().await;
    Mock::given(method("POST"))
        .and(path(messages_path()))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({ "error": {
            "message": "Error validating access token: Session has expired", "type": "OAuthException", "code": 190 } })))
        .mount(&server)
        .await;
    send(
        &owner,
        &ws,
        json!({ "channel": channel, "contact_id": "905321000001", "text": "Son" }),
    )
    .await;
    let broken = wait_for(Duration::from_secs(15), || async {
        let (_, c) = owner.get(&format!("{channels}/{channel}")).await;
        (c["state"] == "error").then_some(c)
    })
    .await;
    assert!(
        broken["state_reason"]
            .as_str()
            .unwrap()
            .contains("Session has expired"),
        "{broken}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_500_recipient_campaign_rides_out_throughput_errors_without_loss() {
    const COUNT: usize = 500;
    let app = crate::plugins::app_with_plugins(|s| s.outbound.allow_private_networks = true).await;
    let (owner, _) = app.signed_up("cloud500@example.com").await;
    let ws = owner.first_workspace().await;
    let server = graph().await;
    Mock::given(method("POST"))
        .and(path(messages_path()))
        .respond_with(Throttled {
            seen: AtomicUsize::new(0),
            limit: 60,
            accept: Accept(AtomicUsize::new(0)),
        })
        .mount(&server)
        .await;
    let (status, created) = owner
        .post(&format!("/api/v1/workspaces/{ws}/channels"), json!({ "name": "WhatsApp", "kind": "whatsapp_cloud", "config": config(&server, TOKEN) }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let channel = created["id"].as_str().unwrap().to_owned();
    let hook = created["webhook_path"].as_str().unwrap().to_owned();
    // Every recipient wrote first (so free-form messages are allowed): 5 webhooks of 100.
    let senders: Vec<(String, String)> = (0..COUNT)
        .map(|i| (format!("9053210{i:05}"), format!("wamid.IN{i}")))
        .collect();
    for chunk in senders.chunks(100) {
        let messages: Vec<(&str, &str, &str)> = chunk
            .iter()
            .map(|(from, id)| (from.as_str(), id.as_str(), "Merhaba"))
            .collect();
        let (status, taken) = webhook(&app, &hook, &inbound(&messages), Some(APP_SECRET)).await;
        assert_eq!(
            (status, &taken["messages"]),
            (StatusCode::OK, &json!(100)),
            "{taken}"
        );
    }
    let template = template(
        &owner,
        &ws,
        "Merhaba %ad%, kampanyamız başladı.",
        Vec::new(),
    )
    .await;
    let id = campaign(&owner, &ws, json!({ "name": "Bulut", "template": template, "channel": channel,
        "audience": { "tags_any": ["inbound"] }, "rate": { "per_minute": 6000, "jitter_min_ms": 0, "jitter_max_ms": 0 } })).await;
    start(&owner, &ws, &id).await;
    let done = campaign_in(&owner, &ws, &id, "completed", Duration::from_secs(120)).await;
    assert_eq!(done["counts"]["sent"], COUNT, "{done}");
    let messages = results(&owner, &ws, &id).await;
    assert_eq!(messages.len(), COUNT);
    assert!(
        messages.iter().all(|m| m["status"] == "sent"),
        "{messages:?}"
    );
    let retried = messages
        .iter()
        .filter(|m| m["attempts"].as_u64().unwrap() > 1)
        .count();
    assert!(retried >= 1, "the throughput errors were retried");
    // Each recipient's message was accepted exactly once.
    let sends = requests_to(&server, &messages_path()).await;
    assert_eq!(sends.len(), COUNT + 60);
    let mut accepted: Vec<String> = messages
        .iter()
        .map(|m| m["provider_id"].as_str().unwrap().to_owned())
        .collect();
    accepted.sort();
    accepted.dedup();
    assert_eq!(accepted.len(), COUNT);
    app.stop().await;
}

const ACCOUNT_ID: &str = "102290129340398";

/// Two pages of the business account's templates, as `GET /{waba-id}/message_templates` lists them.
async fn mount_templates(server: &MockServer) {
    let templates = format!("/v21.0/{ACCOUNT_ID}/message_templates");
    Mock::given(method("GET"))
        .and(path(templates.clone()))
        .and(wiremock::matchers::query_param("after", "QVFIUm"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "data": [
            { "name": "siparis_guncelleme", "language": "en_US", "status": "PENDING", "category": "UTILITY",
              "components": [{ "type": "BODY", "text": "Hello {{1}}" }], "id": "3" },
            { "name": "afis_duyurusu", "language": "tr", "status": "APPROVED", "category": "MARKETING",
              "components": [{ "type": "HEADER", "format": "IMAGE" },
                             { "type": "BODY", "text": "Yeni sezon başladı {{1}}!" }], "id": "4" }
        ], "paging": { "cursors": { "before": "QVFIUm", "after": "QVFIUn" } } })))
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(templates))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "data": [
            { "name": "siparis_guncelleme", "language": "tr", "status": "APPROVED", "category": "UTILITY",
              "parameter_format": "POSITIONAL",
              "components": [
                { "type": "HEADER", "format": "TEXT", "text": "Merhaba {{1}}" },
                { "type": "BODY", "text": "Sayın {{1}}, {{2}} tarihli siparişiniz kargoya verildi. Takip no: {{3}}" },
                { "type": "FOOTER", "text": "Acme Pazarlama" },
                { "type": "BUTTONS", "buttons": [{ "type": "QUICK_REPLY", "text": "Teşekkürler" }] }
              ], "id": "1" }
        ], "paging": { "cursors": { "before": "QVFIUl", "after": "QVFIUm" },
                       "next": "https://graph.facebook.com/v21.0/102290129340398/message_templates?after=QVFIUm" } })))
        .mount(server)
        .await;
}

async fn contact(owner: &Caller, ws: &str, phone: &str, first: &str, last: &str) {
    let (status, body) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/contacts"),
            json!({ "phone": phone, "first_name": first, "last_name": last, "tags": ["aralik"] }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test(flavor = "multi_thread")]
async fn approved_templates_reach_contacts_outside_the_window_and_inbound_media_lands_in_the_library()
 {
    let app = crate::plugins::app_with_plugins(|s| s.outbound.allow_private_networks = true).await;
    let (owner, _) = app.signed_up("sablon@example.com").await;
    let ws = owner.first_workspace().await;
    let server = graph().await;
    mount_templates(&server).await;
    Mock::given(method("POST"))
        .and(path(messages_path()))
        .respond_with(Accept(AtomicUsize::new(1)))
        .mount(&server)
        .await;
    let mut settings = config(&server, TOKEN);
    settings["business_account_id"] = json!(ACCOUNT_ID);
    let (status, created) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/channels"),
            json!({ "name": "WhatsApp", "kind": "whatsapp_cloud", "config": settings }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let channel = created["id"].as_str().unwrap().to_owned();
    let hook = created["webhook_path"].as_str().unwrap().to_owned();

    // The templates: none until refreshed; then every page of Meta's list, with their placeholders.
    let templates = format!("/api/v1/workspaces/{ws}/channels/{channel}/templates");
    let (status, none) = owner.get(&templates).await;
    assert_eq!(status, StatusCode::OK, "{none}");
    assert_eq!(
        (&none["templates"], &none["refreshed_at"]),
        (&json!([]), &Value::Null)
    );
    let (status, listed) = owner.post(&format!("{templates}/refresh"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    let listed = listed["templates"].as_array().unwrap().clone();
    assert_eq!(listed.len(), 3, "{listed:?}");
    let order = listed
        .iter()
        .find(|t| t["name"] == "siparis_guncelleme" && t["language"] == "tr")
        .unwrap();
    assert_eq!(order["status"], "APPROVED");
    assert_eq!(order["header_params"], json!(["1"]));
    assert_eq!(order["body_params"], json!(["1", "2", "3"]));
    assert_eq!(order["footer"], "Acme Pazarlama");
    let (_, again) = owner.get(&templates).await;
    assert_eq!(again["templates"].as_array().unwrap().len(), 3);
    assert!(again["refreshed_at"].is_string(), "{again}");
    // Another channel kind has no templates; the route is scoped to the workspace.
    let sandbox = crate::pipeline::channel(&owner, &ws, "sandbox", json!({})).await;
    let (status, _) = owner
        .get(&format!(
            "/api/v1/workspaces/{ws}/channels/{sandbox}/templates"
        ))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (stranger, _) = app.signed_up("yabanci@example.com").await;
    let (status, _) = stranger.get(&templates).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A mapping is checked when the template is saved.
    let save = |hint: Value| {
        let owner = &owner;
        let ws = &ws;
        async move {
            owner
                .post(
                    &format!("/api/v1/workspaces/{ws}/templates"),
                    json!({ "name": "Sipariş", "body": "Merhaba %ad%, siparişiniz yola çıktı.",
                            "channel_hints": { "whatsapp_cloud": hint } }),
                )
                .await
        }
    };
    let (status, refused) =
        save(json!({ "template": "siparis_guncelleme", "language": "Türkçe", "body": ["%ad%"] }))
            .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!(
        refused["details"]["field"],
        "channel_hints.whatsapp_cloud.language"
    );
    let (status, refused) = save(
        json!({ "template": "siparis_guncelleme", "language": "tr", "body": ["%olmayan_alan%"] }),
    )
    .await;
    assert!(status.is_client_error(), "{refused}");
    assert_eq!(
        refused["details"]["field"], "channel_hints.whatsapp_cloud.body[0]",
        "{refused}"
    );
    let (status, mapped) = save(json!({ "template": "siparis_guncelleme", "language": "tr",
        "header": ["%ad%"], "body": ["%ad% %soyad%", "1 Aralık", "TR-%ad%-2026"] }))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{mapped}");
    let mapped = mapped["id"].as_str().unwrap().to_owned();

    // Two contacts: Ayşe wrote an hour ago (inside the window), Çağlar never did.
    contact(&owner, &ws, "+905321000001", "Ayşe", "Yılmaz").await;
    contact(&owner, &ws, "+905321000002", "Çağlar", "Öztürk").await;
    let (status, _) = webhook(
        &app,
        &hook,
        &inbound(&[("905321000001", "wamid.IN1", "Merhaba")]),
        Some(APP_SECRET),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let id = campaign(&owner, &ws, json!({ "name": "Aralık", "template": mapped, "channel": channel,
        "audience": { "tags_any": ["aralik"] }, "rate": { "per_minute": 600, "jitter_min_ms": 0, "jitter_max_ms": 0 } })).await;
    let (status, dry) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/campaigns/{id}/dry-run"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{dry}");
    assert_eq!(
        (
            &dry["would_send"],
            &dry["outside_window"],
            &dry["approved_template"]
        ),
        (&json!(2), &json!(1), &json!("siparis_guncelleme (tr)")),
        "{dry}"
    );
    start(&owner, &ws, &id).await;
    let done = campaign_in(&owner, &ws, &id, "completed", Duration::from_secs(60)).await;
    assert_eq!(done["counts"]["sent"], 2, "{done}");
    let mut sends = requests_to(&server, &messages_path()).await;
    sends.sort_by_key(|b| b["to"].as_str().unwrap().to_owned());
    assert_eq!(
        sends,
        [
            json!({ "messaging_product": "whatsapp", "recipient_type": "individual",
                    "to": "905321000001", "type": "text",
                    "text": { "preview_url": false, "body": "Merhaba Ayşe, siparişiniz yola çıktı." } }),
            json!({ "messaging_product": "whatsapp", "recipient_type": "individual",
                    "to": "905321000002", "type": "template",
                    "template": { "name": "siparis_guncelleme", "language": { "code": "tr" },
                        "components": [
                            { "type": "header", "parameters": [{ "type": "text", "text": "Çağlar" }] },
                            { "type": "body", "parameters": [
                                { "type": "text", "text": "Çağlar Öztürk" },
                                { "type": "text", "text": "1 Aralık" },
                                { "type": "text", "text": "TR-Çağlar-2026" } ] } ] } }),
        ]
    );

    // A mapping onto a template Meta has not approved fails with the reason, without a call.
    let (status, pending) =
        save(json!({ "template": "siparis_guncelleme", "language": "en_US", "body": ["%ad%"] }))
            .await;
    assert_eq!(status, StatusCode::CREATED, "{pending}");
    let out = send(
        &owner,
        &ws,
        json!({ "channel": channel, "contact_id": "905321000002",
        "template_id": pending["id"] }),
    )
    .await;
    let failed = message_in(&owner, &ws, &out, "failed").await;
    assert_eq!(failed["error_code"], "template_mismatch", "{failed}");
    assert!(
        failed["reason"].as_str().unwrap().contains("PENDING"),
        "{failed}"
    );
    assert_eq!(requests_to(&server, &messages_path()).await.len(), 2);
    // A campaign on it is refused at its start (and its dry run), not recipient by recipient.
    let doomed = campaign(
        &owner,
        &ws,
        json!({ "name": "Bekleyen", "template": pending["id"], "channel": channel,
        "audience": { "tags_any": ["aralik"] } }),
    )
    .await;
    for action in ["dry-run", "start"] {
        let (status, refused) = owner
            .post(
                &format!("/api/v1/workspaces/{ws}/campaigns/{doomed}/{action}"),
                json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert_eq!(refused["code"], "template_not_approved", "{refused}");
    }

    // Meta may count the window differently from Ulak (131047 for a free-form message): nothing
    // went out, so the approved template goes instead.
    Mock::given(method("POST"))
        .and(path(messages_path()))
        .and(wiremock::matchers::body_partial_json(
            json!({ "to": "905321000001", "type": "text" }),
        ))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({ "error": {
            "message": "(#131047) Re-engagement message", "type": "OAuthException", "code": 131047,
            "error_data": { "details": "More than 24 hours have passed since the recipient last replied." } } })))
        .with_priority(1)
        .mount(&server)
        .await;
    let out = send(
        &owner,
        &ws,
        json!({ "channel": channel, "contact_id": "905321000001", "template_id": mapped }),
    )
    .await;
    let sent = message_in(&owner, &ws, &out, "sent").await;
    let sends = requests_to(&server, &messages_path()).await;
    assert_eq!(sends.len(), 4, "{sends:?}");
    assert_eq!(
        (&sends[2]["type"], &sends[3]["type"]),
        (&json!("text"), &json!("template"))
    );
    assert_eq!(
        sends[3]["template"]["components"][1]["parameters"][0]["text"], "Ayşe Yılmaz",
        "{sent}"
    );

    // An inbound image: its URL read from the Graph API, the bytes fetched with the token, kept in
    // the media library and attached to the message.
    let png = crate::media::png(12, 12);
    Mock::given(method("GET"))
        .and(path("/v21.0/4490709327384033"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "messaging_product": "whatsapp", "url": format!("{}/whatsapp_business/attachments/?mid=4490709327384033", server.uri()),
            "mime_type": "image/png", "sha256": "x", "file_size": png.len(), "id": "4490709327384033" })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/whatsapp_business/attachments/"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(png.clone()))
        .mount(&server)
        .await;
    let now = chrono::Utc::now().timestamp().to_string();
    let image = change(json!({
        "contacts": [{ "wa_id": "905321000002", "profile": { "name": "Çağlar Öztürk" } }],
        "messages": [{ "from": "905321000002", "id": "wamid.IMG1", "timestamp": now, "type": "image",
                       "image": { "id": "4490709327384033", "mime_type": "image/png", "sha256": "x", "caption": "Faturam ektedir" } }] }));
    let (status, taken) = webhook(&app, &hook, &image, Some(APP_SECRET)).await;
    assert_eq!((status, &taken["messages"]), (StatusCode::OK, &json!(1)));
    let thread = format!("/api/v1/workspaces/{ws}/conversations/905321000002/messages");
    let attached = wait_for(Duration::from_secs(15), || async {
        let (_, page) = owner.get(&thread).await;
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["provider_id"] == "wamid.IMG1" && m["attachments"][0].is_object())
            .cloned()
    })
    .await;
    assert_eq!(attached["text"], "[image] Faturam ektedir", "{attached}");
    assert_eq!(attached["attachments"][0]["kind"], "image", "{attached}");
    let media_id = attached["attachments"][0]["media_id"].as_str().unwrap();
    let (status, media) = owner
        .get(&format!("/api/v1/workspaces/{ws}/media/{media_id}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{media}");
    assert_eq!(
        (&media["kind"], &media["size"]),
        (&json!("image"), &json!(png.len()))
    );
    app.stop().await;
}
