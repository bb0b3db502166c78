//! `/api/v1/workspaces/{workspace}/media…`: multipart upload, list, metadata, bytes (with Range),
//! thumbnails, delete.

use actix_files::NamedFile;
use actix_multipart::{Multipart, MultipartError};
use actix_web::http::header::{
    Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue,
};
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use futures_util::TryStreamExt;
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use utoipa::ToSchema;

use super::{FIELDS, Media, MediaKind, display_name, find, sniff};
use crate::app::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::pagination::{Page, PageQuery};

pub(crate) const SNIFF_BYTES: usize = 8192;

pub(crate) fn multipart_error(e: MultipartError) -> ApiError {
    match e {
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible => ApiError::new(
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "expected Content-Type: multipart/form-data with the file in a part named `file`",
        ),
        other => ApiError::bad_request(
            "malformed_body",
            format!("malformed multipart body: {other}"),
        ),
    }
}

pub(crate) fn too_large(limit: u64, what: &str) -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!("{what} may be at most {limit} bytes"),
    )
    .with_details(json!({ "field": "file", "limit": limit }))
}

/// The multipart body of an upload (for the OpenAPI document).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file. Its type is read from its bytes; the name is kept for display.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

struct Received {
    temp: std::path::PathBuf,
    size: u64,
    head: Vec<u8>,
    sha256: String,
    file_name: String,
}

async fn receive_file(
    field: &mut actix_multipart::Field,
    temp: std::path::PathBuf,
    max: u64,
) -> Result<Received, ApiError> {
    let file_name = display_name(field.content_disposition().and_then(|cd| cd.get_filename()));
    let mut file = tokio::fs::File::create(&temp)
        .await
        .map_err(ApiError::internal)?;
    let mut hasher = Sha256::new();
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    let mut size: u64 = 0;
    while let Some(chunk) = field.try_next().await.map_err(multipart_error)? {
        size += chunk.len() as u64;
        if size > max {
            return Err(too_large(max, "a file"));
        }
        if head.len() < SNIFF_BYTES {
            let take = (SNIFF_BYTES - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
        }
        hasher.update(&chunk);
        file.write_all(&chunk).await.map_err(ApiError::internal)?;
    }
    file.sync_all().await.map_err(ApiError::internal)?;
    Ok(Received {
        temp,
        size,
        head,
        sha256: hex::encode(hasher.finalize()),
        file_name,
    })
}

/// Upload a media file
///
/// Multipart with the file in the part named `file`. The type comes from the bytes. Limits by kind
/// (defaults as WhatsApp's): image 5 MB, audio and video 16 MB, document 100 MB.
#[utoipa::path(
    tag = "media",
    params(("workspace" = String, Path, description = "Workspace id")),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored (identical bytes are stored once)", body = Media),
        (status = 400, description = "No `file` part, an empty file, or a malformed body", body = ErrorBody),
        (status = 403, description = "Your role may not write media", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
        (status = 409, description = "The workspace's media quota would be exceeded", body = ErrorBody),
        (status = 413, description = "Over the limit for its kind", body = ErrorBody),
        (status = 415, description = "A type we do not accept, or not multipart", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/media")]
#[tracing::instrument(skip_all)]
pub async fn upload(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    mut payload: Multipart,
) -> Result<HttpResponse, ApiError> {
    state
        .authz
        .check(&principal, &path, "media", "write")
        .await?;
    let settings = &state.settings.media;
    let temp_dir = state.blobs.incoming_dir();
    tokio::fs::create_dir_all(&temp_dir)
        .await
        .map_err(ApiError::internal)?;
    let max = MediaKind::largest_limit(settings);

    let mut received = None;
    while let Some(mut field) = payload.try_next().await.map_err(multipart_error)? {
        if field.name() != Some("file") || received.is_some() {
            while field.try_next().await.map_err(multipart_error)?.is_some() {}
            continue;
        }
        let temp = temp_dir.join(crate::db::new_id());
        match receive_file(&mut field, temp.clone(), max).await {
            Ok(r) => received = Some(r),
            Err(e) => {
                let _ = tokio::fs::remove_file(&temp).await;
                return Err(e);
            }
        }
    }
    let r = received.ok_or_else(|| {
        ApiError::invalid_field("file", "send the file in a multipart part named `file`")
    })?;
    let stored = store(&Library::of(&state), &path, &r).await;
    let _ = tokio::fs::remove_file(&r.temp).await;
    Ok(HttpResponse::Created().json(stored?))
}

/// Stores a file already received into the incoming directory (an inbound message's media) as a
/// library entry, with an upload's checks: type, size per kind, quota. The file is removed.
pub(crate) async fn store_received(
    library: &Library<'_>,
    workspace: &str,
    temp: std::path::PathBuf,
    size: u64,
    head: Vec<u8>,
    sha256: String,
    file_name: &str,
) -> Result<Media, ApiError> {
    let received = Received {
        temp,
        size,
        head,
        sha256,
        file_name: super::display_name(Some(file_name)),
    };
    let stored = store(library, workspace, &received).await;
    let _ = tokio::fs::remove_file(&received.temp).await;
    stored
}

/// What storing into a workspace's media library needs: the store, the limits and quotas, the
/// blob directory (from the app's state, or from the pipeline's for background work).
pub struct Library<'a> {
    pub db: &'a crate::db::Db,
    pub settings: &'a crate::config::Settings,
    pub blobs: &'a super::blobs::Blobs,
}

impl<'a> Library<'a> {
    pub fn of(state: &'a AppState) -> Self {
        Self {
            db: &state.db,
            settings: &state.settings,
            blobs: &state.blobs,
        }
    }

    pub fn of_pipeline(pipeline: &'a crate::pipeline::Pipeline) -> Self {
        Self {
            db: &pipeline.db,
            settings: &pipeline.settings,
            blobs: &pipeline.blobs,
        }
    }
}

async fn store(state: &Library<'_>, workspace: &str, r: &Received) -> Result<Media, ApiError> {
    if r.size == 0 {
        return Err(ApiError::invalid_field("file", "is empty"));
    }
    let (kind, mime) = sniff(&r.head, r.size <= SNIFF_BYTES as u64)?;
    let limit = kind.limit(&state.settings.media);
    if r.size > limit {
        return Err(too_large(limit, &format!("{kind:?} files").to_lowercase()));
    }
    ensure_within_quota(state, workspace, r.size).await?;
    let thumb_file = if kind == MediaKind::Image {
        let target = r.temp.with_extension("thumb.jpg");
        state
            .blobs
            .thumbnail(r.temp.clone(), target.clone())
            .await?
            .then_some(target)
    } else {
        None
    };
    // The workspace's usage moves in the same transaction that stores the entry, so concurrent
    // uploads cannot together pass the quota.
    let sql = format!(
        "BEGIN; \
         LET $usage = (UPSERT ONLY type::record('media_usage', $ws) SET bytes = (bytes ?? 0) + $size); \
         IF $quota > 0 AND $usage.bytes > $quota {{ THROW 'quota_exceeded' }}; \
         CREATE type::record('media', $id) SET workspace = $ws, kind = $kind, mime = $mime, size = $size, \
         file_name = $file_name, sha256 = $sha256, has_thumbnail = $thumb RETURN {FIELDS}; \
         DELETE type::record('blob_gc', $sha256); \
         COMMIT;"
    );
    let quota = state.settings.quotas.media_bytes_per_workspace;
    // The entry that references the bytes is stored before they are put in place, both under the
    // digest's lock: a delete of another entry with the same bytes cannot remove them meanwhile.
    let guard = state.blobs.lock(&r.sha256).await;
    let vars = json!({ "id": crate::db::new_id(), "ws": workspace, "kind": kind, "mime": mime,
        "size": r.size, "file_name": r.file_name, "sha256": r.sha256, "thumb": thumb_file.is_some(),
        "quota": quota });
    let stored = state
        .db
        .retrying(|| state.db.rows_at::<Media>(&sql, vars.clone(), 3))
        .await
        .map(|rows| rows.into_iter().next())
        .map_err(|e| {
            if e.to_string().contains("quota_exceeded") {
                quota_exceeded(quota)
            } else {
                ApiError::from(e)
            }
        });
    let placed = match &stored {
        Ok(Some(media)) => {
            let placed = state
                .blobs
                .place(&r.sha256, &r.temp, thumb_file.as_deref())
                .await;
            if placed.is_err() {
                // The bytes could not be kept (the bucket is unreachable): the entry goes again,
                // so no entry points at nothing and the quota is given back.
                let undone = async {
                    remove_entry(state.db, workspace, &media.id, r.size).await?;
                    state.blobs.release_locked(state.db, &r.sha256).await
                }
                .await;
                if let Err(e) = undone {
                    tracing::error!(error = %e, media = %media.id, "cannot remove a media entry whose bytes were not kept");
                }
            }
            placed
        }
        _ => Ok(()),
    };
    drop(guard);
    if let Some(thumb_file) = &thumb_file {
        let _ = tokio::fs::remove_file(thumb_file).await;
    }
    placed?;
    stored?.ok_or_else(|| ApiError::internal(anyhow::anyhow!("media not returned")))
}

fn quota_exceeded(quota: u64) -> ApiError {
    ApiError::conflict(
        "quota_exceeded",
        format!(
            "the workspace's media library would pass its quota of {quota} bytes (quotas.media_bytes_per_workspace)"
        ),
    )
    .with_details(json!({ "quota": "media_bytes_per_workspace", "limit": quota }))
}

/// A quick refusal, before any bytes are kept, of an upload that cannot fit; the exact check is
/// made when the entry is stored.
async fn ensure_within_quota(
    state: &Library<'_>,
    workspace: &str,
    adding: u64,
) -> Result<(), ApiError> {
    let quota = state.settings.quotas.media_bytes_per_workspace;
    if quota == 0 {
        return Ok(());
    }
    let used: Option<u64> = state
        .db
        .row(
            "SELECT VALUE bytes FROM type::record('media_usage', $ws)",
            json!({ "ws": workspace }),
        )
        .await?;
    if used.unwrap_or(0) + adding > quota {
        return Err(quota_exceeded(quota));
    }
    Ok(())
}

/// List media
///
/// The workspace's media library in pages, newest first.
#[utoipa::path(
    tag = "media",
    params(("workspace" = String, Path, description = "Workspace id"), PageQuery),
    responses(
        (status = 200, description = "Media, by id", body = Page<Media>),
        (status = 403, description = "Your role may not read media", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/media")]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<Page<Media>>, ApiError> {
    state
        .authz
        .check(&principal, &path, "media", "read")
        .await?;
    let page = crate::pagination::workspace_page(
        &state.db,
        "media",
        FIELDS,
        crate::pagination::PageKey::RecordId,
        &path,
        &query,
        |m: &Media| m.id.clone(),
    )
    .await?;
    Ok(web::Json(page))
}

/// Get media metadata
///
/// A media entry's kind, type, size and file name; the bytes are at `…/content`.
#[utoipa::path(
    tag = "media",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Media id")),
    responses(
        (status = 200, description = "Metadata", body = Media),
        (status = 404, description = "No such workspace or media", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/media/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<web::Json<Media>, ApiError> {
    let (workspace, id) = path.into_inner();
    state
        .authz
        .check(&principal, &workspace, "media", "read")
        .await?;
    Ok(web::Json(
        find(&state, &workspace, &id)
            .await?
            .ok_or_else(|| ApiError::not_found("media"))?,
    ))
}

fn disposition(file_name: &str, inline: bool) -> ContentDisposition {
    let ascii: String = file_name
        .chars()
        .map(|c| if c.is_ascii() && c != '"' { c } else { '_' })
        .collect();
    ContentDisposition {
        disposition: if inline {
            DispositionType::Inline
        } else {
            DispositionType::Attachment
        },
        parameters: vec![
            DispositionParam::Filename(ascii),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: file_name.as_bytes().to_vec(),
            }),
        ],
    }
}

async fn send_file(
    req: &HttpRequest,
    path: std::path::PathBuf,
    mime: &str,
    name: &str,
    inline: bool,
) -> Result<HttpResponse, ApiError> {
    let file = NamedFile::open_async(&path).await.map_err(|e| {
        tracing::error!(error = %e, "stored media bytes are missing");
        ApiError::not_found("media content")
    })?;
    let mime: mime::Mime = mime.parse().unwrap_or(mime::APPLICATION_OCTET_STREAM);
    Ok(file
        .set_content_type(mime)
        .set_content_disposition(disposition(name, inline))
        .into_response(req))
}

/// Download media bytes
///
/// With the stored Content-Type and Content-Disposition; supports `Range` requests (206).
#[utoipa::path(
    tag = "media",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Media id")),
    responses(
        (status = 200, description = "The bytes, with the media's own type (`image/png`, `audio/ogg` …)", content_type = "*/*", body = crate::openapi::Binary),
        (status = 206, description = "The requested range", content_type = "*/*", body = crate::openapi::Binary),
        (status = 404, description = "No such workspace or media", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/media/{id}/content")]
pub async fn content(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (workspace, id) = path.into_inner();
    state
        .authz
        .check(&principal, &workspace, "media", "read")
        .await?;
    let media = find(&state, &workspace, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("media"))?;
    let file = state.blobs.local(&media.sha256).await?.ok_or_else(|| {
        tracing::error!(media = %id, "stored media bytes are missing");
        ApiError::not_found("media content")
    })?;
    send_file(&req, file, &media.mime, &media.file_name, false).await
}

/// Download an image's thumbnail
///
/// A small JPEG preview; only images have one (`has_thumbnail`).
#[utoipa::path(
    tag = "media",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Media id")),
    responses(
        (status = 200, description = "A JPEG at most 320 px on its longer side", content_type = "image/jpeg", body = crate::openapi::Binary),
        (status = 404, description = "No such media, or it has no thumbnail", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/media/{id}/thumbnail")]
pub async fn thumbnail(
    req: HttpRequest,
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (workspace, id) = path.into_inner();
    state
        .authz
        .check(&principal, &workspace, "media", "read")
        .await?;
    let media = find(&state, &workspace, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("media"))?;
    if !media.has_thumbnail {
        return Err(ApiError::not_found("thumbnail"));
    }
    let file = state
        .blobs
        .local_thumbnail(&media.sha256)
        .await?
        .ok_or_else(|| ApiError::not_found("thumbnail"))?;
    send_file(
        &req,
        file,
        "image/jpeg",
        &format!("{}.thumb.jpg", media.file_name),
        true,
    )
    .await
}

/// Delete media
///
/// Refused (409) while a template attaches it; `details.templates` lists them. The bytes are removed
/// (after a grace period) when no other media entry shares them.
#[utoipa::path(
    tag = "media",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Media id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Your role may not write media", body = ErrorBody),
        (status = 404, description = "No such workspace or media", body = ErrorBody),
        (status = 409, description = "Attached to templates", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[delete("/workspaces/{workspace}/media/{id}")]
#[tracing::instrument(skip_all)]
pub async fn delete_one(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (workspace, id) = path.into_inner();
    state
        .authz
        .check(&principal, &workspace, "media", "write")
        .await?;
    let media = find(&state, &workspace, &id)
        .await?
        .ok_or_else(|| ApiError::not_found("media"))?;
    let users: Vec<serde_json::Value> = state
        .db
        .rows(
            "SELECT record::id(id) AS id, name FROM template WHERE workspace = $ws AND $id IN media ORDER BY name",
            json!({ "ws": workspace, "id": id }),
        )
        .await?;
    if !users.is_empty() {
        return Err(ApiError::conflict(
            "media_in_use",
            format!("attached to {} template(s)", users.len()),
        )
        .with_details(json!({ "templates": users })));
    }
    remove_entry(&state.db, &workspace, &id, media.size).await?;
    state.blobs.release(&state.db, &media.sha256).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Deletes a media entry of the workspace and gives its size back to the quota; the bytes are
/// the caller's to release.
async fn remove_entry(
    db: &crate::db::Db,
    workspace: &str,
    id: &str,
    size: u64,
) -> Result<(), ApiError> {
    let vars = json!({ "id": id, "ws": workspace, "size": size });
    db.retrying(|| {
        db.exec(
            "BEGIN; \
             LET $gone = (DELETE type::record('media', $id) WHERE workspace = $ws RETURN BEFORE); \
             IF array::len($gone) > 0 { \
                 UPSERT type::record('media_usage', $ws) SET bytes = math::max([0, (bytes ?? 0) - $size]); \
             }; \
             COMMIT;",
            vars.clone(),
        )
    })
    .await?;
    Ok(())
}
