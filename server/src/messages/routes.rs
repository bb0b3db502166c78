//! `/api/v1/workspaces/{workspace}/messages…`, `…/conversations…` and `…/opt-out`: single sends,
//! the message log, conversations with replies, and the workspace's opt-out words.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

use super::optout::OptOutWords;
use super::send::{SendRequest, send};
use super::{Direction, FIELDS, LogFilter, Message, Status, StoredMessage, find, log};
use crate::access::{
    Access, Contacts, Conversations, Media, Messages, Read, Settings, Templates, Update, Write,
};
use crate::app::AppState;
use crate::error::{ApiError, ErrorBody};
use crate::pagination::{DEFAULT_LIMIT, MAX_LIMIT, Page};

/// Send a message
///
/// One message now, through the channel's outbox ahead of campaign traffic: to a contact (by id or
/// phone; an unknown phone becomes a contact) or an e-mail address, from a template with variable
/// overrides or plain text. With an `Idempotency-Key` header, repeating the request returns the
/// first message (200) instead of sending a second.
#[utoipa::path(
    tag = "messages",
    params(
        ("workspace" = String, Path, description = "Workspace id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request return the first message (1–200 characters)"),
    ),
    request_body(content = SendRequest, example = json!({"channel": "c0k2m4n6p8r0t2v4x6z8", "phone": "0532 123 45 67", "template_id": "t0k2m4n6p8r0t2v4x6z8", "variables": {"siparis_no": "A-1042"}})),
    responses(
        (status = 202, description = "Queued", body = Message),
        (status = 200, description = "Sent before with this Idempotency-Key: the first message", body = Message),
        (status = 400, description = "Invalid recipient, text, variables or attachments", body = ErrorBody),
        (status = 403, description = "Your role may not send messages", body = ErrorBody),
        (status = 404, description = "No such workspace, channel, contact or template", body = ErrorBody),
        (status = 422, description = "The template does not compile, the channel cannot deliver it, or the contact opted out", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/messages")]
#[tracing::instrument(skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    access: Access<Messages, Write>,
    req: HttpRequest,
    body: web::Json<SendRequest>,
) -> Result<HttpResponse, ApiError> {
    let key = req
        .headers()
        .get("idempotency-key")
        .map(|v| {
            v.to_str().map(str::to_owned).map_err(|_| {
                ApiError::bad_request("invalid_idempotency_key", "Idempotency-Key must be text")
            })
        })
        .transpose()?;
    if body.template_id.is_some() {
        access.also::<Templates, Read>(&state).await?;
    }
    if !body.attachments.is_empty() {
        access.also::<Media, Read>(&state).await?;
    }
    let (message, new) = send(
        &state.pipeline,
        &access.workspace,
        body.into_inner(),
        key.as_deref(),
    )
    .await?;
    Ok(if new {
        HttpResponse::Accepted().json(message)
    } else {
        HttpResponse::Ok().json(message)
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LogQuery {
    /// Items per page, 1 to 500 (default 50).
    pub limit: Option<usize>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only this contact's messages.
    pub contact: Option<String>,
    /// Only this campaign's messages.
    pub campaign: Option<String>,
    /// Only this channel's messages.
    pub channel: Option<String>,
    /// Only messages in this status.
    pub status: Option<Status>,
    /// `out` or `in`.
    pub direction: Option<Direction>,
}

/// List messages
///
/// The message log, filtered by contact, campaign, channel, status and direction, in pages; each
/// message with its status history.
#[utoipa::path(
    tag = "messages",
    params(("workspace" = String, Path, description = "Workspace id"), LogQuery),
    responses(
        (status = 200, description = "A page of messages", body = Page<Message>),
        (status = 403, description = "Your role may not read messages", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/messages")]
pub async fn list(
    state: web::Data<AppState>,
    access: Access<Messages, Read>,
    query: web::Query<LogQuery>,
) -> Result<web::Json<Page<Message>>, ApiError> {
    let query = query.into_inner();
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let filter = LogFilter {
        contact: query.contact,
        campaign: query.campaign,
        channel: query.channel,
        status: query.status,
        direction: query.direction,
    };
    let rows = log(
        &state.db,
        &access.workspace,
        &filter,
        query.cursor.as_deref(),
        limit + 1,
    )
    .await?;
    Ok(web::Json(Page::from_rows(rows, limit, |m| m.id.clone())))
}

/// Get a message
///
/// One message with its status history.
#[utoipa::path(
    tag = "messages",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Message id")),
    responses(
        (status = 200, description = "The message", body = Message),
        (status = 403, description = "Your role may not read messages", body = ErrorBody),
        (status = 404, description = "No such workspace or message", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/messages/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    access: Access<Messages, Read>,
    path: web::Path<(String, String)>,
) -> Result<web::Json<Message>, ApiError> {
    find(&state.db, &access.workspace, &path.1)
        .await?
        .map(web::Json)
        .ok_or_else(|| ApiError::not_found("message"))
}

/// A conversation: the latest message with a contact, and how many of theirs are unread.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Conversation {
    /// The contact's id.
    #[schema(example = "905321234567")]
    pub contact: String,
    /// The channel of the latest message.
    pub channel: String,
    pub last_at: DateTime<Utc>,
    #[schema(example = "İPTAL")]
    pub last_text: String,
    pub last_direction: Direction,
    pub unread: i64,
    #[serde(default)]
    pub contact_name: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub opted_out: bool,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ConversationQuery {
    /// Items per page, 1 to 500 (default 50).
    pub limit: Option<usize>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only conversations with unread messages.
    pub unread: Option<bool>,
}

/// List conversations
///
/// The latest message per contact, newest first, with the number of unread inbound messages.
#[utoipa::path(
    operation_id = "list_conversations",
    tag = "conversations",
    params(("workspace" = String, Path, description = "Workspace id"), ConversationQuery),
    responses(
        (status = 200, description = "Conversations, newest first", body = Page<Conversation>),
        (status = 400, description = "A malformed cursor", body = ErrorBody),
        (status = 403, description = "Your role may not read conversations", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/conversations")]
pub async fn conversations(
    state: web::Data<AppState>,
    access: Access<Conversations, Read>,
    query: web::Query<ConversationQuery>,
) -> Result<web::Json<Page<Conversation>>, ApiError> {
    // Each row names the contact and their phone.
    access.also::<Contacts, Read>(&state).await?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    // The cursor is the last item's time (ms) and contact: `1764620000000_905321234567`.
    let (before_ms, before_contact) = match &query.cursor {
        Some(cursor) => {
            let (at, contact) = cursor
                .split_once('_')
                .and_then(|(at, c)| Some((at.parse::<i64>().ok()?, c.to_owned())))
                .ok_or_else(|| ApiError::bad_request("invalid_query", "cursor: malformed"))?;
            (at, contact)
        }
        None => (i64::MAX, String::new()),
    };
    let unread = if query.unread == Some(true) {
        "AND unread > 0"
    } else {
        ""
    };
    let rows: Vec<Conversation> = state
        .db
        .rows(
            &format!(
                "SELECT contact, channel, last_at, last_text, last_direction, unread, \
                     (SELECT VALUE string::trim((first_name ?? '') + ' ' + (last_name ?? '')) \
                      FROM ONLY type::record('contact', [$ws, $parent.contact])) AS contact_name, \
                     (SELECT VALUE phone FROM ONLY type::record('contact', [$ws, $parent.contact])) AS phone, \
                     (SELECT VALUE opted_out FROM ONLY type::record('contact', [$ws, $parent.contact])) ?? false AS opted_out \
                 FROM conversation WHERE workspace = $ws {unread} \
                 AND (time::millis(last_at) < $before OR (time::millis(last_at) = $before AND contact < $contact)) \
                 ORDER BY last_at DESC, contact DESC LIMIT $limit"
            ),
            json!({ "ws": access.workspace, "before": before_ms, "contact": before_contact, "limit": limit + 1 }),
        )
        .await?;
    Ok(web::Json(Page::from_rows(rows, limit, |c| {
        format!("{}_{}", c.last_at.timestamp_millis(), c.contact)
    })))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ThreadQuery {
    /// Items per page, 1 to 500 (default 50).
    pub limit: Option<usize>,
    /// `next_cursor` of the previous page (older messages).
    pub cursor: Option<String>,
}

/// A conversation's messages
///
/// A contact's messages, inbound and outbound (campaigns included), newest first.
#[utoipa::path(
    operation_id = "conversation_thread",
    tag = "conversations",
    params(("workspace" = String, Path, description = "Workspace id"), ("contact" = String, Path, description = "Contact id"), ThreadQuery),
    responses(
        (status = 200, description = "Messages, newest first", body = Page<Message>),
        (status = 400, description = "A malformed cursor", body = ErrorBody),
        (status = 403, description = "Your role may not read conversations", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/conversations/{contact}/messages")]
pub async fn thread(
    state: web::Data<AppState>,
    access: Access<Conversations, Read>,
    path: web::Path<(String, String)>,
    query: web::Query<ThreadQuery>,
) -> Result<web::Json<Page<Message>>, ApiError> {
    access.also::<Contacts, Read>(&state).await?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let before = match &query.cursor {
        Some(cursor) => cursor
            .parse::<i64>()
            .map_err(|_| ApiError::bad_request("invalid_query", "cursor: malformed"))?,
        None => i64::MAX,
    };
    let rows: Vec<StoredMessage> = state
        .db
        .last_rows(
            &format!(
                "{THREAD_IDS} SELECT {FIELDS} FROM $thread_ids WHERE workspace = $ws AND contact = $contact \
                 AND time::millis(created_at) < $before ORDER BY created_at DESC LIMIT $limit",
                THREAD_IDS = crate::messages::threads::THREAD_IDS
            ),
            json!({ "ws": access.workspace, "contact": path.1, "before": before, "limit": limit + 1 }),
        )
        .await?;
    let rows: Vec<Message> = rows.into_iter().map(Message::from).collect();
    Ok(web::Json(Page::from_rows(rows, limit, |m| {
        m.created_at.timestamp_millis().to_string()
    })))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    #[schema(example = "Merhaba, siparişiniz yarın kargoda.")]
    pub text: String,
    /// Media ids to attach.
    #[serde(default)]
    pub attachments: Vec<String>,
    /// The channel to answer on; by default the conversation's.
    pub channel: Option<String>,
}

/// Reply in a conversation
///
/// Sends a message to the contact on the conversation's channel (or the one given).
#[utoipa::path(
    operation_id = "reply_in_conversation",
    tag = "conversations",
    params(("workspace" = String, Path, description = "Workspace id"), ("contact" = String, Path, description = "Contact id")),
    request_body = Reply,
    responses(
        (status = 202, description = "Queued", body = Message),
        (status = 400, description = "Invalid text or attachments", body = ErrorBody),
        (status = 403, description = "Your role may not answer conversations", body = ErrorBody),
        (status = 404, description = "No such workspace, contact or conversation", body = ErrorBody),
        (status = 422, description = "The channel cannot deliver it, or the contact opted out", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/conversations/{contact}/messages")]
#[tracing::instrument(skip_all)]
pub async fn reply(
    state: web::Data<AppState>,
    access: Access<Conversations, Write>,
    path: web::Path<(String, String)>,
    body: web::Json<Reply>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    if !body.attachments.is_empty() {
        access.also::<Media, Read>(&state).await?;
    }
    // A reply goes to a conversation that exists, on its channel; another channel takes the right
    // to send messages at all.
    let current: Option<String> = state
        .db
        .row(
            "SELECT VALUE channel FROM type::record('conversation', [$ws, $contact])",
            json!({ "ws": access.workspace, "contact": path.1 }),
        )
        .await?;
    let current = current.ok_or_else(|| ApiError::not_found("conversation"))?;
    let channel = match body.channel {
        Some(channel) if channel != current => {
            access.also::<Messages, Write>(&state).await?;
            channel
        }
        _ => current,
    };
    let request = SendRequest {
        channel,
        contact_id: Some(path.1.clone()),
        phone: None,
        email: None,
        template_id: None,
        variables: Default::default(),
        text: Some(body.text),
        attachments: body.attachments,
    };
    let (message, _) = send(&state.pipeline, &access.workspace, request, None).await?;
    Ok(HttpResponse::Accepted().json(message))
}

/// Mark a conversation read
///
/// Its unread count goes to zero.
#[utoipa::path(
    operation_id = "mark_conversation_read",
    tag = "conversations",
    params(("workspace" = String, Path, description = "Workspace id"), ("contact" = String, Path, description = "Contact id")),
    responses(
        (status = 204, description = "Read"),
        (status = 403, description = "Your role may not answer conversations", body = ErrorBody),
        (status = 404, description = "No such workspace or conversation", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/conversations/{contact}/read")]
pub async fn mark_read(
    state: web::Data<AppState>,
    access: Access<Conversations, Write>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let updated: Vec<Value> = state
        .db
        .rows(
            "UPDATE type::record('conversation', [$ws, $contact]) SET unread = 0 WHERE workspace = $ws",
            json!({ "ws": access.workspace, "contact": path.1 }),
        )
        .await?;
    if updated.is_empty() {
        return Err(ApiError::not_found("conversation"));
    }
    Ok(HttpResponse::NoContent().finish())
}

/// Get the opt-out words
///
/// The whole replies that opt a contact out (default `STOP`, `İPTAL`, `DUR`) and back in (`BAŞLA`,
/// `START`).
#[utoipa::path(
    operation_id = "get_opt_out_words",
    tag = "conversations",
    params(("workspace" = String, Path, description = "Workspace id")),
    responses(
        (status = 200, description = "The words", body = OptOutWords),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/opt-out")]
pub async fn get_words(
    state: web::Data<AppState>,
    access: Access<Settings, Read>,
) -> Result<web::Json<OptOutWords>, ApiError> {
    Ok(web::Json(
        super::optout::words(&state.db, &access.workspace).await?,
    ))
}

/// Set the opt-out words
///
/// Replies matching one of them as the whole message (ignoring case by Turkish rules, surrounding
/// spaces and punctuation) opt the contact out, or back in.
#[utoipa::path(
    operation_id = "set_opt_out_words",
    tag = "conversations",
    params(("workspace" = String, Path, description = "Workspace id")),
    request_body = OptOutWords,
    responses(
        (status = 200, description = "Saved", body = OptOutWords),
        (status = 400, description = "Too many or malformed words, or a word in both lists", body = ErrorBody),
        (status = 403, description = "Your role may not change the workspace", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[put("/workspaces/{workspace}/opt-out")]
pub async fn set_words(
    state: web::Data<AppState>,
    access: Access<Settings, Update>,
    body: web::Json<OptOutWords>,
) -> Result<web::Json<OptOutWords>, ApiError> {
    let words = body.into_inner();
    words.validate()?;
    super::optout::save_words(&state.db, &access.workspace, &words).await?;
    Ok(web::Json(words))
}
