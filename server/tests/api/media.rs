use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::helpers::{Caller, TestApp};

pub fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x * 7 % 256) as u8,
            (y * 13 % 256) as u8,
            ((x ^ y) % 256) as u8,
        ])
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
    bytes.into_inner()
}

pub const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

pub async fn upload(caller: &Caller, ws: &str, name: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned()));
    caller
        .send(
            caller
                .request(
                    reqwest::Method::POST,
                    &format!("/api/v1/workspaces/{ws}/media"),
                )
                .multipart(form),
        )
        .await
}

async fn setup(app: &TestApp) -> (Caller, String) {
    let (owner, _) = app.signed_up("media@example.com").await;
    let ws = owner.first_workspace().await;
    (owner, ws)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_image_is_stored_with_a_thumbnail_and_downloads_with_range_support() {
    let app = TestApp::spawn().await;
    let (owner, ws) = setup(&app).await;
    let bytes = png(640, 400);
    let (status, media) = upload(&owner, &ws, "kampanya görseli.png", bytes.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{media}");
    assert_eq!(
        (media["kind"].as_str(), media["mime"].as_str()),
        (Some("image"), Some("image/png"))
    );
    assert_eq!(media["size"], bytes.len());
    assert_eq!(media["has_thumbnail"], true);
    let id = media["id"].as_str().unwrap();

    let content = format!("/api/v1/workspaces/{ws}/media/{id}/content");
    let response = owner
        .request(reqwest::Method::GET, &content)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/png");
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.contains("attachment")
            && disposition.contains("filename*=UTF-8''kampanya%20g%C3%B6rseli.png"),
        "{disposition}"
    );
    assert_eq!(response.bytes().await.unwrap().as_ref(), bytes.as_slice());

    let partial = owner
        .request(reqwest::Method::GET, &content)
        .header("Range", "bytes=0-7")
        .send()
        .await
        .unwrap();
    assert_eq!(partial.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(partial.bytes().await.unwrap().as_ref(), &bytes[..8]);

    let thumb = owner
        .request(
            reqwest::Method::GET,
            &format!("/api/v1/workspaces/{ws}/media/{id}/thumbnail"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(thumb.status(), StatusCode::OK);
    let thumb = image::load_from_memory(&thumb.bytes().await.unwrap()).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (320, 200));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_kind_comes_from_the_bytes_and_identical_bytes_are_stored_once() {
    let app = TestApp::spawn_with(|s| s.media.unreferenced_grace_secs = 0).await;
    let (owner, ws) = setup(&app).await;
    let (status, pdf) = upload(&owner, &ws, "photo.jpg", PDF.to_vec()).await;
    assert_eq!(status, StatusCode::CREATED, "{pdf}");
    assert_eq!(
        (pdf["kind"].as_str(), pdf["mime"].as_str()),
        (Some("document"), Some("application/pdf"))
    );
    assert_eq!(pdf["has_thumbnail"], false);
    let (_, again) = upload(&owner, &ws, "same.pdf", PDF.to_vec()).await;
    assert_ne!(pdf["id"], again["id"]);
    assert_eq!(pdf["sha256"], again["sha256"]);
    let sha = pdf["sha256"].as_str().unwrap();
    let blob = app.data_dir.join("blobs").join(&sha[..2]).join(sha);
    assert_eq!(std::fs::read(&blob).unwrap(), PDF);
    let blobs = std::fs::read_dir(blob.parent().unwrap()).unwrap().count();
    assert_eq!(blobs, 1, "one copy on disk");

    // Deleting one entry keeps the bytes for the other; deleting both removes them.
    owner
        .delete(&format!(
            "/api/v1/workspaces/{ws}/media/{}",
            pdf["id"].as_str().unwrap()
        ))
        .await;
    assert!(blob.exists());
    owner
        .delete(&format!(
            "/api/v1/workspaces/{ws}/media/{}",
            again["id"].as_str().unwrap()
        ))
        .await;
    // Unreferenced bytes go with the next sweep (after `media.unreferenced_grace_secs`).
    assert!(blob.exists());
    app.state.blobs.sweep(&app.state.db).await.unwrap();
    assert!(!blob.exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn empty_oversize_unsupported_and_non_multipart_uploads_are_refused() {
    let app = TestApp::spawn_with(|s| s.media.image_max_bytes = 2_000).await;
    let (owner, ws) = setup(&app).await;
    let (status, body) = upload(&owner, &ws, "empty.png", Vec::new()).await;
    assert_eq!(
        (status, body["details"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("file"))
    );
    let (status, body) = upload(&owner, &ws, "big.png", png(200, 200)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large"))
    );
    let (status, body) = upload(
        &owner,
        &ws,
        "tool.exe",
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".repeat(10),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Some("unsupported_media_type")
        )
    );
    let (status, body) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/media"),
            json!({"file": "x"}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Some("unsupported_media_type")
        )
    );
    let form = Form::new().part("other", Part::bytes(PDF.to_vec()).file_name("a.pdf"));
    let (status, body) = owner
        .send(
            owner
                .request(
                    reqwest::Method::POST,
                    &format!("/api/v1/workspaces/{ws}/media"),
                )
                .multipart(form),
        )
        .await;
    assert_eq!(
        (status, body["details"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("file"))
    );
    let (_, list) = owner.get(&format!("/api/v1/workspaces/{ws}/media")).await;
    assert!(list["items"].as_array().unwrap().is_empty());
    let leftovers = std::fs::read_dir(app.data_dir.join("blobs").join("incoming"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(leftovers, 0, "refused uploads leave no temporary files");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hostile_file_name_is_only_a_display_name() {
    let app = TestApp::spawn().await;
    let (owner, ws) = setup(&app).await;
    let (status, media) = upload(
        &owner,
        &ws,
        "../../etc/passwd",
        b"root:x:0:0:root:/root:/bin/bash\n".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{media}");
    assert_eq!(media["file_name"], "passwd");
    assert_eq!(media["kind"], "document");
    let on_disk: Vec<_> = walk(&app.data_dir);
    assert!(
        on_disk
            .iter()
            .all(|p| p.starts_with(app.data_dir.join("blobs")) || p.ends_with("node_id")),
        "{on_disk:?}"
    );
    assert!(
        on_disk
            .iter()
            .all(|p| !p.to_string_lossy().contains("passwd")),
        "{on_disk:?}"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn media_attached_to_a_template_cannot_be_deleted_and_is_workspace_scoped() {
    let app = TestApp::spawn().await;
    let (owner, ws) = setup(&app).await;
    let (_, media) = upload(&owner, &ws, "teklif.pdf", PDF.to_vec()).await;
    let id = media["id"].as_str().unwrap();
    let (status, template) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/templates"),
            json!({"name": "Teklif", "body": "%sayın%, teklifimiz ekte.", "media": [id]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{template}");
    let (_, preview) = owner
        .post(
            &format!(
                "/api/v1/workspaces/{ws}/templates/{}/preview",
                template["id"].as_str().unwrap()
            ),
            json!({"contact": {"phone": "05321234567"}}),
        )
        .await;
    assert_eq!(preview["attachments"][0]["id"], id);
    assert_eq!(preview["attachments"][0]["file_name"], "teklif.pdf");

    let (status, body) = owner
        .delete(&format!("/api/v1/workspaces/{ws}/media/{id}"))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("media_in_use"))
    );
    let (status, body) = owner
        .post(
            &format!("/api/v1/workspaces/{ws}/templates"),
            json!({"name": "x", "body": "x", "media": ["nope"]}),
        )
        .await;
    assert_eq!(
        (status, body["details"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("media[0]"))
    );

    let (other, _) = app.signed_up("stranger@example.com").await;
    let (_, created) = other
        .post("/api/v1/workspaces", json!({"name": "Other"}))
        .await;
    let other_ws = created["id"].as_str().unwrap();
    assert_eq!(
        other
            .get(&format!("/api/v1/workspaces/{other_ws}/media/{id}"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other
            .get(&format!("/api/v1/workspaces/{ws}/media/{id}"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let response = other
        .request(
            reqwest::Method::GET,
            &format!("/api/v1/workspaces/{other_ws}/media/{id}/content"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}
