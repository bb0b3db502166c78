//! `/api/v1/workspaces/{workspace}/contacts/imports…`: start an import by upload, follow it (JSON or
//! server-sent events), download its error report.

use actix_files::NamedFile;
use actix_multipart::Multipart;
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use futures_util::TryStreamExt;
use serde_json::{Map, Value};
use tokio::io::AsyncWriteExt;
use utoipa::ToSchema;

use super::imports::{self, ImportJob, ImportRequest, report_key};
use crate::app::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, ErrorBody};
use crate::media::routes::{multipart_error, too_large};

/// The multipart body of an import (for the OpenAPI document).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ImportForm {
    /// The file: CSV, vCard, XLSX … (whatever the importer reads).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// The importer plugin's name; when absent, the enabled importer for the file's extension.
    #[schema(example = "csv-importer")]
    importer: Option<String>,
    /// JSON object: `mapping` (column → `phone`, `first_name`, `last_name`, `full_name`, `email`,
    /// `tags`, `gender`, `honorific`, `language`, `notes`, `opted_out`, `consent`,
    /// `opt_out_reason`, `custom.<name>` or `ignore`; headers such as `Cinsiyet`, `Hitap`, `Dil`,
    /// `İzin` are recognised without it), `delimiter`, `encoding`, `has_header`, `sheet`,
    /// `default_region` (e.g. `TR`), `tags` (added to every contact), `update_existing` (`true`, the
    /// default: names and e-mail replace, tags and custom fields add, gender, honorific, language
    /// and notes only fill what a contact lacks, an opt-out is taken and a consent never undoes
    /// one; `"overwrite"`: everything the file gives replaces; `false`: existing contacts are
    /// skipped).
    #[schema(
        example = r#"{"mapping": {"GSM": "phone", "Şehir": "custom.şehir"}, "tags": ["fuar-2026"]}"#
    )]
    options: Option<String>,
    /// `true`: count and check everything, write nothing.
    dry_run: Option<bool>,
}

const SMALL_PART_BYTES: usize = 64 * 1024;

/// Start a contact import
///
/// Uploads a file and starts importing it in the background; the answer is the queued job. Follow it
/// with `GET …/imports/{id}` or the event stream `…/imports/{id}/events`. Contacts are merged by
/// phone: a phone already in the workspace updates that contact (names and email replaced, tags and
/// custom fields added), a phone seen earlier in the same file is merged into the first one. Bad rows
/// are reported, not fatal.
#[utoipa::path(
    tag = "imports",
    params(("workspace" = String, Path, description = "Workspace id")),
    request_body(content = ImportForm, content_type = "multipart/form-data"),
    responses(
        (status = 202, description = "Accepted: the job, queued", body = ImportJob),
        (status = 400, description = "No file, bad options, or no importer for the file", body = ErrorBody),
        (status = 403, description = "Your role may not write contacts", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
        (status = 409, description = "The workspace has `quotas.imports_per_workspace` imports queued or running", body = ErrorBody),
        (status = 413, description = "Over `imports.max_file_bytes`", body = ErrorBody),
        (status = 415, description = "Not multipart", body = ErrorBody),
        (status = 422, description = "The importer is unknown, disabled or not an importer", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/contacts/imports")]
#[tracing::instrument(skip_all)]
pub async fn start(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    mut payload: Multipart,
) -> Result<HttpResponse, ApiError> {
    let workspace = path.into_inner();
    state
        .authz
        .check(&principal, &workspace, "contacts", "write")
        .await?;
    let id = crate::db::new_id();
    let target = state.files.scratch_file();
    let received = receive(&state, &mut payload, &target).await;
    let outcome = async {
        let form = received?;
        let file_name = form
            .file_name
            .ok_or_else(|| ApiError::invalid_field("file", "is required"))?;
        let importer =
            imports::choose_importer(&state, &workspace, form.importer, &file_name).await?;
        let request = ImportRequest {
            importer,
            file_name,
            size: form.size,
            dry_run: form.dry_run,
            options: form.options,
        };
        imports::start(
            state.clone(),
            &workspace,
            &id,
            &principal.user.id,
            request,
            &target,
        )
        .await
    }
    .await;
    // Moved where every replica reads it, or refused: nothing stays in the scratch directory.
    let _ = tokio::fs::remove_file(&target).await;
    let job = outcome?;
    Ok(HttpResponse::Accepted()
        .insert_header((
            "Location",
            format!("/api/v1/workspaces/{workspace}/contacts/imports/{id}"),
        ))
        .json(job))
}

struct Form {
    file_name: Option<String>,
    size: u64,
    importer: Option<String>,
    options: Map<String, Value>,
    dry_run: bool,
}

async fn small_part(field: &mut actix_multipart::Field) -> Result<String, ApiError> {
    let name = field.name().unwrap_or_default().to_owned();
    let mut bytes = Vec::new();
    while let Some(chunk) = field.try_next().await.map_err(multipart_error)? {
        if bytes.len() + chunk.len() > SMALL_PART_BYTES {
            return Err(too_large(
                SMALL_PART_BYTES as u64,
                &format!("the `{name}` part"),
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| ApiError::invalid_field(&name, "is not UTF-8 text"))
}

/// Streams the `file` part to disk and reads the small parts.
async fn receive(
    state: &AppState,
    payload: &mut Multipart,
    target: &std::path::Path,
) -> Result<Form, ApiError> {
    let max = state.settings.imports.max_file_bytes;
    let mut form = Form {
        file_name: None,
        size: 0,
        importer: None,
        options: Map::new(),
        dry_run: false,
    };
    while let Some(mut field) = payload.try_next().await.map_err(multipart_error)? {
        match field.name().unwrap_or_default() {
            "file" => {
                let file_name = crate::media::display_name(
                    field.content_disposition().and_then(|cd| cd.get_filename()),
                );
                let mut file = tokio::fs::File::create(target)
                    .await
                    .map_err(ApiError::internal)?;
                let mut size: u64 = 0;
                while let Some(chunk) = field.try_next().await.map_err(multipart_error)? {
                    size += chunk.len() as u64;
                    if size > max {
                        return Err(too_large(max, "an import file"));
                    }
                    file.write_all(&chunk).await.map_err(ApiError::internal)?;
                }
                file.flush().await.map_err(ApiError::internal)?;
                if size == 0 {
                    return Err(ApiError::invalid_field("file", "is empty"));
                }
                form.file_name = Some(file_name);
                form.size = size;
            }
            "importer" => form.importer = Some(small_part(&mut field).await?),
            "options" => {
                let text = small_part(&mut field).await?;
                form.options = match serde_json::from_str::<Value>(&text) {
                    Ok(Value::Object(map)) => {
                        crate::error::ensure_json_depth("options", &Value::Object(map.clone()))?;
                        map
                    }
                    _ => {
                        return Err(ApiError::invalid_field("options", "must be a JSON object"));
                    }
                };
            }
            "dry_run" => {
                form.dry_run = match small_part(&mut field).await?.trim() {
                    "true" | "1" => true,
                    "false" | "0" | "" => false,
                    _ => return Err(ApiError::invalid_field("dry_run", "must be true or false")),
                }
            }
            _ => while field.try_next().await.map_err(multipart_error)?.is_some() {},
        }
    }
    Ok(form)
}

/// Recent contact imports
///
/// The 50 most recent imports of this workspace with their status and counts, newest first.
#[utoipa::path(
    tag = "imports",
    params(("workspace" = String, Path, description = "Workspace id")),
    responses(
        (status = 200, description = "The 50 most recent imports, newest first", body = [ImportJob]),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/contacts/imports")]
#[tracing::instrument(skip_all)]
pub async fn list(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let workspace = path.into_inner();
    state
        .authz
        .check(&principal, &workspace, "contacts", "read")
        .await?;
    Ok(HttpResponse::Ok().json(imports::list(&state, &workspace, 50).await?))
}

async fn job_or_404(
    state: &AppState,
    principal: &Principal,
    workspace: &str,
    id: &str,
) -> Result<ImportJob, ApiError> {
    state
        .authz
        .check(principal, workspace, "contacts", "read")
        .await?;
    imports::find(state, workspace, id)
        .await?
        .ok_or_else(|| ApiError::not_found("import"))
}

/// A contact import
///
/// The job's status, counts and first 100 bad rows; while it runs, the counts are live.
#[utoipa::path(
    tag = "imports",
    params(
        ("workspace" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Import id"),
    ),
    responses(
        (status = 200, description = "The job with its counts and first errors", body = ImportJob),
        (status = 404, description = "No such workspace of yours, or no such import", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/contacts/imports/{id}")]
#[tracing::instrument(skip_all)]
pub async fn get_one(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (workspace, id) = path.into_inner();
    let job = job_or_404(&state, &principal, &workspace, &id).await?;
    // A job running here has fresher counts than the last save; one that finished since the first
    // read is read again.
    let job = match state.imports.watch(&id) {
        Some(rx) => rx.borrow().clone(),
        None if !job.status.finished() => {
            imports::find(&state, &workspace, &id).await?.unwrap_or(job)
        }
        None => job,
    };
    Ok(HttpResponse::Ok().json(job))
}

/// One server-sent event as a client parser sees it: `event: progress` and the job as JSON in `data`.
#[derive(serde::Serialize, ToSchema)]
#[allow(dead_code)]
pub struct ProgressEvent {
    #[schema(example = "progress")]
    event: String,
    /// The job (as `GET …/imports/{id}` answers), JSON-encoded.
    data: String,
}

fn sse_event(job: &ImportJob) -> web::Bytes {
    let data = serde_json::to_string(job).unwrap_or_else(|_| "{}".into());
    web::Bytes::from(format!("event: progress\ndata: {data}\n\n"))
}

/// Follow a contact import (server-sent events)
///
/// A `progress` event carrying the job (as `GET …/imports/{id}` answers) at once and after every
/// batch; the stream ends after the event whose `status` is `done` or `failed`.
#[utoipa::path(
    tag = "imports",
    params(
        ("workspace" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Import id"),
    ),
    responses(
        (status = 200, description = "`text/event-stream` of `progress` events", content_type = "text/event-stream", body = ProgressEvent),
        (status = 404, description = "No such workspace of yours, or no such import", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/contacts/imports/{id}/events")]
#[tracing::instrument(skip_all)]
pub async fn events(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (workspace, id) = path.into_inner();
    let stored = job_or_404(&state, &principal, &workspace, &id).await?;
    let response = || {
        let mut builder = HttpResponse::Ok();
        builder
            .content_type("text/event-stream")
            .insert_header(("Cache-Control", "no-cache"))
            .insert_header(("X-Accel-Buffering", "no"));
        builder
    };
    let Some(rx) = state.imports.watch(&id) else {
        // Not running here: finished (or run elsewhere). Read it again, because it may have finished
        // after the first read, and this single event must carry its final state.
        let job = imports::find(&state, &workspace, &id)
            .await?
            .unwrap_or(stored);
        return Ok(response().body(sse_event(&job)));
    };
    // `Some(rx)` while the job runs; `None` once the final event went out.
    let stream = futures_util::stream::unfold((Some(rx), true), |(rx, first)| async move {
        let mut rx = rx?;
        if !first && rx.changed().await.is_err() {
            // The job ended between two events: its last state is what the sender left.
            let job = rx.borrow().clone();
            return Some((Ok::<_, actix_web::Error>(sse_event(&job)), (None, false)));
        }
        let job = rx.borrow_and_update().clone();
        let next = if job.status.finished() {
            None
        } else {
            Some(rx)
        };
        Some((Ok(sse_event(&job)), (next, false)))
    });
    Ok(response().streaming(stream))
}

/// Download an import's error report
///
/// CSV with the columns `row` and `message`, one line per bad row; complete once the job has ended
/// (only the header before that, and when no row was bad).
#[utoipa::path(
    tag = "imports",
    params(
        ("workspace" = String, Path, description = "Workspace id"),
        ("id" = String, Path, description = "Import id"),
    ),
    responses(
        (status = 200, description = "The report", content_type = "text/csv", body = String),
        (status = 404, description = "No such workspace of yours, or no such import", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/contacts/imports/{id}/errors.csv")]
#[tracing::instrument(skip_all)]
pub async fn errors_csv(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (workspace, id) = path.into_inner();
    job_or_404(&state, &principal, &workspace, &id).await?;
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::Filename(format!(
            "import-{id}-errors.csv"
        ))],
    };
    let path = state
        .files
        .local(&report_key(&id))
        .await
        .map_err(ApiError::unavailable)?;
    let file = match path {
        Some(path) => NamedFile::open_async(&path).await.ok(),
        None => None,
    };
    match file {
        Some(file) => Ok(file
            .set_content_type(
                "text/csv; charset=utf-8"
                    .parse()
                    .map_err(ApiError::internal)?,
            )
            .set_content_disposition(disposition)
            .into_response(&request)),
        _ => Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header(disposition)
            .body("row,message\n")),
    }
}
