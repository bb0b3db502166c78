//! `/api/v1/workspaces/{workspace}/channels/{id}/…` for WhatsApp Web channels: the pairing QR
//! code (as text, SVG or PNG), a phone-number pairing code, pairing again, unlinking the device,
//! the contacts the phone synced, and which numbers are on WhatsApp.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use super::{ChannelKind, ChannelState, StoredChannel, find};
use crate::access::{Access, Channels, Contacts, Read, Write};
use crate::app::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::transports::whatsapp_web::connection::{Command, Live};
use crate::transports::whatsapp_web::contacts::{self, WaContact};
use crate::transports::whatsapp_web::numbers;
use crate::transports::whatsapp_web::qr;

/// Requests that make WhatsApp act towards other people, per channel: a phone-number code makes
/// WhatsApp prompt that phone, a number check asks about up to 50 people. Both are what gets a
/// number (and the server's address) banned when overdone.
struct Limits {
    pair_codes: governor::DefaultKeyedRateLimiter<String>,
    checks: governor::DefaultKeyedRateLimiter<String>,
}

static LIMITS: std::sync::LazyLock<Limits> = std::sync::LazyLock::new(|| {
    let per_minute = |n: u32| {
        governor::Quota::per_minute(
            std::num::NonZeroU32::new(n).unwrap_or(std::num::NonZeroU32::MIN),
        )
    };
    Limits {
        pair_codes: governor::RateLimiter::keyed(per_minute(3)),
        checks: governor::RateLimiter::keyed(per_minute(10)),
    }
});

/// Whether this channel may ask WhatsApp about numbers once more now (ten times a minute, shared
/// by the number check and campaign dry runs: asking too much gets a number banned).
pub fn may_check_numbers(channel: &str) -> bool {
    LIMITS.checks.check_key(&channel.to_owned()).is_ok()
}

fn within(
    limiter: &governor::DefaultKeyedRateLimiter<String>,
    channel: &str,
) -> Result<(), ApiError> {
    limiter.check_key(&channel.to_owned()).map_err(|not_until| {
        let wait = not_until
            .wait_time_from(governor::clock::Clock::now(
                &governor::clock::DefaultClock::default(),
            ))
            .as_secs()
            .max(1);
        ApiError::rate_limited(wait)
    })
}

/// The channel, when it is a WhatsApp Web channel of the workspace.
async fn web_channel(
    state: &AppState,
    workspace: &str,
    id: &str,
) -> Result<StoredChannel, ApiError> {
    let channel = find(&state.db, workspace, id)
        .await?
        .ok_or_else(|| ApiError::not_found("channel"))?;
    if channel.kind != ChannelKind::WhatsappWeb {
        return Err(ApiError::conflict(
            "not_whatsapp_web",
            "this is not a WhatsApp Web channel",
        ));
    }
    Ok(channel)
}

/// The channel's running connection on this server.
fn live(state: &AppState, channel: &StoredChannel) -> Result<std::sync::Arc<Live>, ApiError> {
    state.pipeline.whatsapp_web.get(&channel.id).ok_or_else(|| {
        ApiError::conflict(
            "not_running",
            "the channel's connection is not running on this server yet; try again in a few seconds",
        )
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QrQuery {
    /// `json` (the code as text, default), `svg` or `png`.
    pub format: Option<String>,
}

/// A pairing code on show.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct PairingCode {
    /// `qr` (scan it) or `phone` (type it on the phone).
    #[schema(example = "qr")]
    pub kind: String,
    /// The QR code's text, or the 8 characters to type.
    #[schema(example = "2@Xk3lq0b9…,u1Y…,Zq…,AA…")]
    pub code: String,
    #[schema(example = "2026-12-03T15:00:20Z")]
    pub expires_at: DateTime<Utc>,
}

async fn current_code(
    state: &AppState,
    channel: &str,
    kind: &str,
) -> Result<PairingCode, ApiError> {
    let code: Option<PairingCode> = state
        .db
        .row(
            "SELECT kind, code, expires_at FROM ONLY type::record('wa_pairing', $ch) \
             WHERE kind = $kind AND expires_at > time::now()",
            json!({ "ch": channel, "kind": kind }),
        )
        .await?;
    code.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "no_code",
            "no pairing code is on show: the channel is not pairing, or the next code is on its way",
        )
    })
}

/// Show the pairing QR code
///
/// The QR code a phone scans (WhatsApp → Linked devices → Link a device) while the channel is
/// `pairing`. It rotates (first after 60 s, then every 20 s); each new one is also a
/// `channel.pairing` event. As text (`format=json`), or drawn as `svg` or `png`.
#[utoipa::path(
    operation_id = "channel_qr",
    tag = "channels",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Channel id"), QrQuery),
    responses(
        (status = 200, description = "The code on show: JSON, or the drawing (`image/svg+xml`, `image/png`)",
            content(
                (PairingCode = "application/json"),
                (crate::openapi::Binary = "image/svg+xml"),
                (crate::openapi::Binary = "image/png"),
            )),
        (status = 400, description = "Not a format this route draws", body = ErrorBody),
        (status = 403, description = "Your role may not manage channels", body = ErrorBody),
        (status = 404, description = "No such channel, or no code on show", body = ErrorBody),
        (status = 409, description = "Not a WhatsApp Web channel", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/channels/{id}/qr")]
pub async fn qr_code(
    state: web::Data<AppState>,
    access: Access<Channels, Write>,
    path: web::Path<(String, String)>,
    query: web::Query<QrQuery>,
) -> Result<HttpResponse, ApiError> {
    let channel = web_channel(&state, &access.workspace, &path.1).await?;
    let format = query.format.as_deref().unwrap_or("json");
    if !matches!(format, "json" | "svg" | "png") {
        return Err(ApiError::invalid_field("format", "one of json, svg, png"));
    }
    let code = current_code(&state, &channel.id, "qr").await?;
    let drawing_failed = |e: qr::QrError| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "qr_unusable",
            e.to_string(),
        )
    };
    let response = match format {
        "svg" => HttpResponse::Ok()
            .content_type("image/svg+xml")
            .insert_header(("cache-control", "no-store"))
            .body(qr::svg(&code.code).map_err(drawing_failed)?),
        "png" => HttpResponse::Ok()
            .content_type("image/png")
            .insert_header(("cache-control", "no-store"))
            .body(qr::png(&code.code).map_err(drawing_failed)?),
        _ => HttpResponse::Ok()
            .insert_header(("cache-control", "no-store"))
            .json(code),
    };
    Ok(response)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PairCodeRequest {
    /// The phone's number in international form.
    #[schema(example = "+905551112233")]
    pub phone: String,
}

/// Pair by phone-number code
///
/// Asks WhatsApp for the 8-character code to type on the phone (WhatsApp → Linked devices → Link
/// with phone number instead), instead of scanning the QR code. The channel must be `pairing` and
/// connected to WhatsApp.
#[utoipa::path(
    operation_id = "channel_pair_code",
    tag = "channels",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Channel id")),
    request_body = PairCodeRequest,
    responses(
        (status = 200, description = "The code to type", body = PairingCode),
        (status = 400, description = "Not a phone number", body = ErrorBody),
        (status = 403, description = "Your role may not manage channels", body = ErrorBody),
        (status = 404, description = "No such channel", body = ErrorBody),
        (status = 409, description = "Not a WhatsApp Web channel, already paired, or not connected to WhatsApp", body = ErrorBody),
        (status = 422, description = "WhatsApp gave no code (the reason is given)", body = ErrorBody),
        (status = 429, description = "Three codes a minute per channel at most", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/channels/{id}/pair-code")]
#[tracing::instrument(skip_all)]
pub async fn pair_code(
    state: web::Data<AppState>,
    access: Access<Channels, Write>,
    origin: crate::audit::Origin,
    path: web::Path<(String, String)>,
    body: web::Json<PairCodeRequest>,
) -> Result<web::Json<PairingCode>, ApiError> {
    let digits: String = body.phone.chars().filter(char::is_ascii_digit).collect();
    if !body.phone.trim_start().starts_with('+') || !(7..=15).contains(&digits.len()) {
        return Err(ApiError::invalid_field(
            "phone",
            "a phone number in international form, like +905551112233",
        ));
    }
    let channel = web_channel(&state, &access.workspace, &path.1).await?;
    if channel.state == ChannelState::Disconnected {
        return Err(ApiError::conflict(
            "not_connected",
            "the channel is not connected to WhatsApp (its state says why); a code can be asked for once it is",
        ));
    }
    if channel.state != ChannelState::Pairing {
        return Err(ApiError::conflict(
            "not_pairing",
            "the channel is not pairing (pair it again first if the phone removed it)",
        ));
    }
    let live = live(&state, &channel)?;
    within(&LIMITS.pair_codes, &channel.id)?;
    let (reply, answer) = tokio::sync::oneshot::channel();
    live.command(Command::PairCode {
        phone: digits,
        reply,
    })
    .await
    .map_err(|e| ApiError::conflict("not_running", e))?;
    let code = tokio::time::timeout(std::time::Duration::from_secs(30), answer)
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "no_code",
                "WhatsApp gave no code within 30 s",
            )
        })?
        .map_err(|_| ApiError::conflict("not_running", "the channel's connection stopped"))?
        .map_err(|reason| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "no_code",
                format!("WhatsApp gave no code: {reason}"),
            )
        })?;
    crate::audit::append(
        &state.db,
        access
            .audit(&origin, "channel.pairing_started")
            .target(&channel.id)
            .details(json!({ "by": "phone_code" })),
    )
    .await;
    // The code is also kept (from its event) for the console; this answer does not wait for that.
    Ok(web::Json(PairingCode {
        kind: "phone".into(),
        code,
        expires_at: Utc::now() + chrono::Duration::seconds(180),
    }))
}

/// Pair again
///
/// Starts pairing anew: after the phone removed the device (`logged_out`), after the QR codes ran
/// out, or after an error. A paired, working channel is left as it is.
#[utoipa::path(
    operation_id = "channel_pair",
    tag = "channels",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Channel id")),
    responses(
        (status = 202, description = "Pairing starts; QR codes follow"),
        (status = 403, description = "Your role may not manage channels", body = ErrorBody),
        (status = 404, description = "No such channel", body = ErrorBody),
        (status = 409, description = "Not a WhatsApp Web channel, or it is paired and working", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/channels/{id}/pair")]
#[tracing::instrument(skip_all)]
pub async fn pair(
    state: web::Data<AppState>,
    access: Access<Channels, Write>,
    origin: crate::audit::Origin,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let channel = web_channel(&state, &access.workspace, &path.1).await?;
    if matches!(channel.state, ChannelState::Active | ChannelState::Paused) {
        return Err(ApiError::conflict(
            "already_paired",
            "the channel is paired and working; unlink it first to pair another phone",
        ));
    }
    super::set_connection_state(
        &state.db,
        &channel.id,
        ChannelState::Pairing,
        Some("connecting to WhatsApp for a QR code"),
    )
    .await?;
    // A new start, on whichever replica runs the channel: its runner restarts it.
    state
        .db
        .exec(
            "UPDATE type::record('channel', $id) SET updated_at = time::now() RETURN NONE",
            json!({ "id": channel.id }),
        )
        .await?;
    state.pipeline.wake();
    crate::audit::append(
        &state.db,
        access
            .audit(&origin, "channel.pairing_started")
            .target(&channel.id)
            .details(json!({ "by": "qr" })),
    )
    .await;
    Ok(HttpResponse::Accepted().finish())
}

/// Unlink the device
///
/// Removes this device from the phone's linked devices (when connected), deletes its keys and
/// session, and leaves the channel `logged_out` until it is paired again.
#[utoipa::path(
    operation_id = "channel_logout",
    tag = "channels",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Channel id")),
    responses(
        (status = 204, description = "Unlinked"),
        (status = 403, description = "Your role may not manage channels", body = ErrorBody),
        (status = 404, description = "No such channel", body = ErrorBody),
        (status = 409, description = "Not a WhatsApp Web channel, or its connection is not running here", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/channels/{id}/logout")]
#[tracing::instrument(skip_all)]
pub async fn logout(
    state: web::Data<AppState>,
    access: Access<Channels, Write>,
    origin: crate::audit::Origin,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let channel = web_channel(&state, &access.workspace, &path.1).await?;
    let live = live(&state, &channel)?;
    let (reply, done) = tokio::sync::oneshot::channel();
    live.command(Command::Logout { reply })
        .await
        .map_err(|e| ApiError::conflict("not_running", e))?;
    if !matches!(
        tokio::time::timeout(std::time::Duration::from_secs(30), done).await,
        Ok(Ok(()))
    ) {
        return Err(ApiError::conflict(
            "not_running",
            "the channel's connection did not confirm the unlink; try again",
        ));
    }
    crate::audit::append(
        &state.db,
        access
            .audit(&origin, "channel.logged_out")
            .target(&channel.id),
    )
    .await;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContactQuery {
    /// Part of a name (Turkish letters folded as in contact search: `isik` finds "Işık") or of
    /// a number.
    pub search: Option<String>,
    /// The `next` of the previous page.
    pub after: Option<String>,
    /// At most 500 (default 100).
    pub limit: Option<usize>,
}

/// A page of the phone's contacts.
#[derive(Debug, Serialize, ToSchema)]
pub struct WaContactPage {
    pub items: Vec<WaContact>,
    /// Pass as `after` for the next page; absent on the last.
    #[schema(example = "905551112233")]
    pub next: Option<String>,
}

/// List the phone's contacts
///
/// The contacts and push names WhatsApp synced to this device after pairing, in number order, for
/// choosing what to import.
#[utoipa::path(
    operation_id = "channel_wa_contacts",
    tag = "channels",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Channel id"), ContactQuery),
    responses(
        (status = 200, description = "A page of contacts", body = WaContactPage),
        (status = 400, description = "A bad search or cursor", body = ErrorBody),
        (status = 403, description = "Your role may not read channels or contacts", body = ErrorBody),
        (status = 404, description = "No such channel", body = ErrorBody),
        (status = 409, description = "Not a WhatsApp Web channel", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/channels/{id}/contacts")]
pub async fn wa_contacts(
    state: web::Data<AppState>,
    access: Access<Channels, Read>,
    path: web::Path<(String, String)>,
    query: web::Query<ContactQuery>,
) -> Result<web::Json<WaContactPage>, ApiError> {
    access.also::<Contacts, Read>(&state).await?;
    let channel = web_channel(&state, &access.workspace, &path.1).await?;
    let limit = query.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::invalid_field("limit", "from 1 to 500"));
    }
    if query
        .search
        .as_ref()
        .is_some_and(|s| s.chars().count() > 100)
    {
        return Err(ApiError::invalid_field("search", "at most 100 characters"));
    }
    let after = query.after.as_deref().filter(|a| !a.is_empty());
    if after.is_some_and(|a| a.len() > 20 || !a.bytes().all(|b| b.is_ascii_digit())) {
        return Err(ApiError::invalid_field(
            "after",
            "the `next` of a previous page",
        ));
    }
    let mut items = contacts::list(
        &state.db,
        &channel.id,
        query.search.as_deref(),
        after,
        limit + 1,
    )
    .await?;
    let next = if items.len() > limit {
        items.truncate(limit);
        items
            .last()
            .map(|c| c.number.trim_start_matches('+').to_owned())
    } else {
        None
    };
    Ok(web::Json(WaContactPage { items, next }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NumberCheck {
    /// Up to 50 numbers in international form.
    #[schema(example = json!(["+905551112233", "+905559998877"]))]
    pub numbers: Vec<String>,
}

/// Whether one number is on WhatsApp.
#[derive(Debug, Serialize, ToSchema)]
pub struct NumberOnWhatsapp {
    #[schema(example = "+905551112233")]
    pub number: String,
    /// Null when WhatsApp gave no clear answer for this number (ask again later).
    pub on_whatsapp: Option<bool>,
    /// Whether it is a business account.
    pub business: bool,
}

/// Check numbers on WhatsApp
///
/// Asks WhatsApp which of these numbers have an account, through this paired channel.
#[utoipa::path(
    operation_id = "channel_check_numbers",
    tag = "channels",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Channel id")),
    request_body = NumberCheck,
    responses(
        (status = 200, description = "Each number, in the order given", body = Vec<NumberOnWhatsapp>),
        (status = 400, description = "Too many numbers, or one not in international form", body = ErrorBody),
        (status = 403, description = "Your role may not use channels", body = ErrorBody),
        (status = 404, description = "No such channel", body = ErrorBody),
        (status = 409, description = "Not a WhatsApp Web channel, or not connected", body = ErrorBody),
        (status = 422, description = "WhatsApp did not answer (the reason is given)", body = ErrorBody),
        (status = 429, description = "Ten checks a minute per channel at most", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/channels/{id}/check-numbers")]
pub async fn check_numbers(
    state: web::Data<AppState>,
    access: Access<Channels, Write>,
    path: web::Path<(String, String)>,
    body: web::Json<NumberCheck>,
) -> Result<web::Json<Vec<NumberOnWhatsapp>>, ApiError> {
    if body.numbers.is_empty() || body.numbers.len() > 50 {
        return Err(ApiError::invalid_field("numbers", "from 1 to 50 numbers"));
    }
    let mut jids = Vec::with_capacity(body.numbers.len());
    for (i, number) in body.numbers.iter().enumerate() {
        let jid = crate::transports::whatsapp_web::transport::recipient(number)
            .map_err(|e| ApiError::invalid_field(&format!("numbers[{i}]"), e.reason()))?;
        jids.push(jid);
    }
    let channel = web_channel(&state, &access.workspace, &path.1).await?;
    let client = live(&state, &channel)?.client().ok_or_else(|| {
        ApiError::conflict("not_connected", "the channel is not connected to WhatsApp")
    })?;
    within(&LIMITS.checks, &channel.id)?;
    let digits: Vec<String> = jids.iter().map(|j| j.user.to_string()).collect();
    let found = numbers::ask(&state.db, &client, &channel.id, &digits)
        .await
        .map_err(|reason| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "no_answer", reason))?;
    let answers = digits
        .into_iter()
        .map(|d| {
            let answer = found.get(&d).copied();
            NumberOnWhatsapp {
                number: format!("+{d}"),
                on_whatsapp: answer.map(|a| a.on),
                business: answer.is_some_and(|a| a.business),
            }
        })
        .collect();
    Ok(web::Json(answers))
}

/// Most contacts one import from WhatsApp takes.
const MAX_IMPORT: usize = 100_000;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WaContactImport {
    /// The numbers to import (international form), up to 10,000; absent: every synced contact.
    #[schema(example = json!(["+905551112233"]))]
    pub numbers: Option<Vec<String>>,
    /// Tags every imported contact gets (default `["whatsapp"]`).
    #[schema(example = json!(["whatsapp"]))]
    pub tags: Option<Vec<String>>,
    /// As for file imports: `true` (merge, the default), `false` (leave existing contacts alone)
    /// or `"overwrite"`.
    #[schema(value_type = Option<Object>, example = true)]
    pub update_existing: Option<serde_json::Value>,
    /// Count and check everything, write nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// One CSV cell, quoted.
fn cell(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// Import the phone's contacts
///
/// Imports the contacts WhatsApp synced to this channel (all, or the numbers given) through the
/// same import jobs as files (the bundled CSV importer): the job answers at once and is followed
/// like any import. Each contact's name is the phone's address-book name, else the WhatsApp push
/// name; the push name is also kept as the custom field `whatsapp_name`.
#[utoipa::path(
    operation_id = "channel_wa_contacts_import",
    tag = "channels",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Channel id")),
    request_body = WaContactImport,
    responses(
        (status = 202, description = "Accepted: the import job, queued", body = crate::contacts::imports::ImportJob),
        (status = 400, description = "Bad numbers or options", body = ErrorBody),
        (status = 403, description = "Your role may not write contacts or read channels", body = ErrorBody),
        (status = 404, description = "No such channel", body = ErrorBody),
        (status = 409, description = "Not a WhatsApp Web channel, no contacts synced yet, or too many imports running", body = ErrorBody),
        (status = 422, description = "The CSV importer is disabled in this workspace", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/channels/{id}/contacts/import")]
#[tracing::instrument(skip_all)]
pub async fn import_contacts(
    state: web::Data<AppState>,
    access: Access<Contacts, Write>,
    path: web::Path<(String, String)>,
    body: web::Json<WaContactImport>,
) -> Result<HttpResponse, ApiError> {
    access.also::<Channels, Read>(&state).await?;
    let body = body.into_inner();
    let channel = web_channel(&state, &access.workspace, &path.1).await?;
    let wanted: Option<Vec<String>> = match &body.numbers {
        None => None,
        Some(numbers) if numbers.is_empty() || numbers.len() > 10_000 => {
            return Err(ApiError::invalid_field(
                "numbers",
                "from 1 to 10,000 numbers",
            ));
        }
        Some(numbers) => {
            let mut digits = Vec::with_capacity(numbers.len());
            for (i, number) in numbers.iter().enumerate() {
                let jid = crate::transports::whatsapp_web::transport::recipient(number)
                    .map_err(|e| ApiError::invalid_field(&format!("numbers[{i}]"), e.reason()))?;
                digits.push(jid.user.to_string());
            }
            Some(digits)
        }
    };
    let found: Vec<WaContact> = match &wanted {
        Some(digits) => {
            state
                .db
                .rows(
                    "SELECT number, name, first_name, push_name FROM \
                     array::map($digits, |$d| type::record('wa_contact', [$ch, $d])) WHERE number != NONE",
                    json!({ "ch": channel.id, "digits": digits }),
                )
                .await?
        }
        None => {
            let mut all = Vec::new();
            let mut after: Option<String> = None;
            loop {
                let page = contacts::list(&state.db, &channel.id, None, after.as_deref(), 2000).await?;
                let done = page.len() < 2000;
                after = page.last().map(|c| c.number.trim_start_matches('+').to_owned());
                all.extend(page);
                if done || all.len() >= MAX_IMPORT {
                    break;
                }
            }
            all.truncate(MAX_IMPORT);
            all
        }
    };
    if found.is_empty() {
        return Err(ApiError::conflict(
            "no_contacts",
            "WhatsApp has synced none of these contacts to this channel (yet)",
        ));
    }
    let mut csv = String::from("phone,name,whatsapp_name\n");
    for contact in &found {
        let name = contact
            .name
            .as_deref()
            .or(contact.push_name.as_deref())
            .unwrap_or_default();
        csv.push_str(&format!(
            "{},{},{}\n",
            cell(&contact.number),
            cell(name),
            cell(contact.push_name.as_deref().unwrap_or_default())
        ));
    }
    let mut options = serde_json::Map::new();
    options.insert(
        "tags".into(),
        json!(
            body.tags
                .clone()
                .unwrap_or_else(|| vec!["whatsapp".to_owned()])
        ),
    );
    if let Some(existing) = &body.update_existing {
        options.insert("update_existing".into(), existing.clone());
    }
    let id = crate::db::new_id();
    let target = state.files.scratch_file();
    tokio::fs::write(&target, csv.as_bytes())
        .await
        .map_err(|e| ApiError::internal(anyhow::anyhow!("the import file: {e}")))?;
    let request = crate::contacts::imports::ImportRequest {
        importer: "csv-importer".into(),
        file_name: format!("whatsapp-{}.csv", channel.id),
        size: csv.len() as u64,
        dry_run: body.dry_run,
        options,
    };
    let started = crate::contacts::imports::start(
        state.clone(),
        &access.workspace,
        &id,
        &access.principal.user.id,
        request,
        &target,
    )
    .await;
    let _ = tokio::fs::remove_file(&target).await;
    Ok(HttpResponse::Accepted()
        .insert_header((
            "Location",
            format!(
                "/api/v1/workspaces/{}/contacts/imports/{id}",
                access.workspace
            ),
        ))
        .json(started?))
}
