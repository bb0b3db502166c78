use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Caller, TestApp};

async fn setup(app: &TestApp) -> (Caller, String) {
    let (owner, _) = app.signed_up("tpl@example.com").await;
    let ws = owner.first_workspace().await;
    (owner, ws)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_template_with_an_unknown_variable_is_a_422_naming_it_and_its_position() {
    let app = TestApp::spawn().await;
    let (owner, ws) = setup(&app).await;
    let (status, body) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/templates"),
            json!({"name": "t", "body": "Merhaba %ad%,\nkodunuz %kampanya_kodu% %soyad%"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "invalid_template");
    let issues = body["details"]["issues"].as_array().unwrap();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0]["variable"], "kampanya_kodu");
    assert_eq!(issues[0]["position"]["line"], 2);
    assert_eq!(issues[0]["position"]["column"], 9);
    let (status, body) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/templates"),
            json!({"name": "t", "body": "Merhaba %ad"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["details"]["issues"][0]["kind"], "syntax");
    let (_, list) = owner
        .get(&format!("/api/v1/workspaces/{ws}/templates"))
        .await;
    assert!(
        list["items"].as_array().unwrap().is_empty(),
        "nothing invalid was saved"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn templates_preview_in_turkish_with_variables_fallbacks_and_custom_fields() {
    let app = TestApp::spawn().await;
    let (owner, ws) = setup(&app).await;
    let base = format!("/api/v1/workspaces/{ws}");
    let (status, body) = owner
        .post(
            &format!("{base}/variables"),
            json!({"name": "kampanya_kodu", "kind": "static", "value": "KASIM50"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _) = owner
        .post(&format!("{base}/contacts"), json!({"phone": "05321234567", "first_name": "Ayşe", "last_name": "Yılmaz", "gender": "female", "tags": ["VIP"], "custom_fields": {"şehir": "İzmir"}}))
        .await;
    assert_eq!(status, StatusCode::CREATED);

    let body_text = "%sayın%, %şehir% mağazamızda %kampanya_kodu% ile %50 indirim! {{#if (has_tag \"vip\")}}VIP hediyeniz hazır.{{/if}} %%";
    let (status, template) = owner
        .post(
            &format!("{base}/templates"),
            json!({"name": "Kasım", "body": body_text, "tags": ["kampanya"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{template}");
    assert_eq!(template["variables"], json!(["kampanya_kodu"]));
    let id = template["id"].as_str().unwrap();

    let (status, preview) = owner
        .post(
            &format!("{base}/templates/{id}/preview"),
            json!({"contact_id": "905321234567"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(
        preview["text"],
        "Sayın Ayşe Hanım, İzmir mağazamızda KASIM50 ile %50 indirim! VIP hediyeniz hazır. %"
    );

    let (_, inline) = owner
        .post(
            &format!("{base}/templates/{id}/preview"),
            json!({"contact": {"phone": "05329998877", "first_name": "Ahmet", "gender": "male"}}),
        )
        .await;
    assert_eq!(
        inline["text"],
        "Sayın Ahmet Bey,  mağazamızda KASIM50 ile %50 indirim!  %"
    );

    let (status, body) = owner
        .delete(&format!("{base}/variables/kampanya_kodu"))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("variable_in_use"))
    );
    assert_eq!(body["details"]["templates"][0]["name"], "Kasım");
    assert_eq!(
        owner.delete(&format!("{base}/templates/{id}")).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        owner
            .delete(&format!("{base}/variables/kampanya_kodu"))
            .await
            .0,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn render_uses_the_workspace_locale_and_time_zone() {
    let app = TestApp::spawn().await;
    let (owner, ws) = setup(&app).await;
    let render = format!("/api/v1/workspaces/{ws}/templates/render");
    let contact = json!({"phone": "05321234567", "first_name": "John", "last_name": "Smith", "gender": "male", "language": "en"});
    let (status, out) = owner
        .post(
            &render,
            json!({"body": "%salutation%|%ad|x%|%tarih:yyyy%|%soyad:MM%", "contact": contact}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let year = chrono::Utc::now().format("%Y").to_string();
    assert_eq!(out["text"], format!("Dear Mr Smith|John|{year}|Smith"));

    let months_tr = [
        "Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim",
        "Kasım", "Aralık",
    ];
    let (_, out) = owner
        .post(
            &render,
            json!({"body": "%tarih:MMMM%", "contact": {"phone": "05321234567"}}),
        )
        .await;
    assert!(months_tr.contains(&out["text"].as_str().unwrap()), "{out}");
    let (status, _) = owner
        .patch(
            &format!("/api/v1/workspaces/{ws}"),
            json!({"locale": "en", "time_zone": "America/New_York"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, out) = owner
        .post(
            &render,
            json!({"body": "%tarih:MMMM%", "contact": {"phone": "05321234567"}}),
        )
        .await;
    assert!(
        !months_tr.contains(&out["text"].as_str().unwrap()),
        "English now: {out}"
    );
    let (status, body) = owner
        .patch(
            &format!("/api/v1/workspaces/{ws}"),
            json!({"time_zone": "Mars/Olympus"}),
        )
        .await;
    assert_eq!(
        (status, body["details"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("time_zone"))
    );
    let (status, _) = owner.post(&render, json!({"body": "%ad%"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "a contact is needed");
}

#[tokio::test(flavor = "multi_thread")]
async fn variables_are_validated_and_plugin_variables_say_no_such_plugin() {
    let app = TestApp::spawn().await;
    let (owner, ws) = setup(&app).await;
    let variables = format!("/api/v1/workspaces/{ws}/variables");
    let (status, body) = owner
        .post(
            &variables,
            json!({"name": "1x", "kind": "static", "value": "v"}),
        )
        .await;
    assert_eq!(
        (status, body["details"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("name"))
    );
    let (status, body) = owner
        .post(&variables, json!({"name": "kod", "kind": "static"}))
        .await;
    assert_eq!(
        (status, body["details"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("value"))
    );
    let (status, body) = owner
        .post(
            &variables,
            json!({"name": "tarih", "kind": "static", "value": "x"}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("name_taken"))
    );
    let (status, body) = owner
        .post(
            &variables,
            json!({"name": "selamlama", "kind": "plugin", "plugin": "greeting"}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("no_such_plugin"))
    );

    let (status, _) = owner
        .post(
            &variables,
            json!({"name": "bugün", "kind": "datetime", "format": "dd.MM.yyyy"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = owner
        .post(
            &variables,
            json!({"name": "eposta_adresi", "kind": "field", "field": "email", "fallback": "yok"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = owner
        .post(
            &variables,
            json!({"name": "bugün", "kind": "static", "value": "x"}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("name_taken"))
    );
    let (_, out) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/templates/render"),
            json!({"body": "%bugün% %eposta_adresi%", "contact": {"phone": "05321234567"}}),
        )
        .await;
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Istanbul)
        .format("%d.%m.%Y")
        .to_string();
    assert_eq!(out["text"], format!("{today} yok"));

    let (status, updated) = owner
        .put(
            &format!("{variables}/bugün"),
            json!({"kind": "static", "value": "yarın"}),
        )
        .await;
    assert_eq!(
        (status, updated["value"].as_str()),
        (StatusCode::OK, Some("yarın"))
    );
    let (_, list) = owner.get(&variables).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    let (_, first) = owner.get(&format!("{variables}?limit=1")).await;
    assert_eq!(first["items"][0]["name"], "bugün");
    let cursor = crate::helpers::urlencode(first["next_cursor"].as_str().unwrap());
    let (_, second) = owner
        .get(&format!("{variables}?limit=1&cursor={cursor}"))
        .await;
    assert_eq!(second["items"][0]["name"], "eposta_adresi");
    assert!(second["next_cursor"].is_null());
    let viewer = app.bearer(&owner.token(&ws, Some("viewer")).await);
    assert_eq!(
        viewer
            .post(
                &variables,
                json!({"name": "x", "kind": "static", "value": "v"})
            )
            .await
            .0,
        StatusCode::FORBIDDEN
    );
}
