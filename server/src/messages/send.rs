//! Single sends: one message now, through the same outbox as campaigns and ahead of them. The
//! recipient is a contact (by id or phone) or a bare address; the text is a template with variable
//! overrides, or plain text. An `Idempotency-Key` makes a retried request return the first message
//! instead of sending a second: the message's key is derived from it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use chrono::Utc;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use surrealdb::types::SurrealValue;
use utoipa::ToSchema;

use super::{
    DIRECT, Message, MessageAttachment, attachments, check_attachments, message_id, time_key,
};
use crate::contacts::model::Contact;
use crate::error::ApiError;
use crate::pipeline::Pipeline;
use crate::transports::AddressKind;

/// Longest plain text accepted, in characters.
const MAX_TEXT_CHARS: usize = 10_000;
/// Longest Idempotency-Key accepted.
pub const MAX_IDEMPOTENCY_KEY: usize = 200;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendRequest {
    /// The channel's id.
    #[schema(example = "c0k2m4n6p8r0t2v4x6z8")]
    pub channel: String,
    /// A contact's id (its E.164 digits)…
    pub contact_id: Option<String>,
    /// …or a phone number (any common form; a contact is created for an unknown one)…
    #[schema(example = "0532 123 45 67")]
    pub phone: Option<String>,
    /// …or an e-mail address (for e-mail channels).
    pub email: Option<String>,
    /// A template's id, rendered for the recipient…
    pub template_id: Option<String>,
    /// …with these values overriding contact fields and workspace variables of the same name.
    #[serde(default)]
    #[schema(example = json!({"siparis_no": "A-1042"}))]
    pub variables: BTreeMap<String, String>,
    /// …or plain text, sent as it is.
    #[schema(example = "Siparişiniz yola çıktı.")]
    pub text: Option<String>,
    /// Media ids; with a template, in addition to the template's own.
    #[serde(default)]
    pub attachments: Vec<String>,
}

/// The recipient of a single send.
struct Recipient {
    contact: Option<Contact>,
    address: String,
}

async fn recipient(
    pipeline: &Pipeline,
    workspace: &str,
    kind: AddressKind,
    request: &SendRequest,
) -> Result<Recipient, ApiError> {
    let given = [
        request.contact_id.is_some(),
        request.phone.is_some(),
        request.email.is_some(),
    ]
    .iter()
    .filter(|g| **g)
    .count();
    if given != 1 {
        return Err(ApiError::invalid_field(
            "contact_id",
            "give exactly one of contact_id, phone and email",
        ));
    }
    let db = &pipeline.db;
    let contact = if let Some(id) = &request.contact_id {
        Some(
            crate::contacts::find_in(db, workspace, id)
                .await?
                .ok_or_else(|| {
                    ApiError::not_found("contact").with_details(json!({ "field": "contact_id" }))
                })?,
        )
    } else if let Some(phone) = &request.phone {
        Some(crate::contacts::for_inbound(db, workspace, phone, None).await?)
    } else if let (Some(email), AddressKind::Email) = (&request.email, kind) {
        // An address that belongs to a contact is that contact (and their opt-out holds).
        let email = crate::auth::users::normalize_email("email", email)?;
        crate::contacts::find_by_email(db, workspace, &email).await?
    } else {
        None
    };
    let address = match (kind, &contact, &request.email) {
        (AddressKind::Phone, Some(contact), _) => contact.phone.clone(),
        (AddressKind::Email, Some(contact), _) => contact.email.clone().ok_or_else(|| {
            ApiError::invalid_field("contact_id", "this contact has no e-mail address")
        })?,
        (AddressKind::Email, None, Some(email)) => {
            crate::auth::users::normalize_email("email", email)?
        }
        (AddressKind::Phone, None, Some(_)) => {
            return Err(ApiError::invalid_field(
                "email",
                "this channel sends to phone numbers",
            ));
        }
        (_, None, None) => {
            return Err(ApiError::invalid_field("contact_id", "no recipient given"));
        }
    };
    if contact.as_ref().is_some_and(|c| c.opted_out) {
        return Err(ApiError::new(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            "opted_out",
            "this contact opted out; nothing is sent to them",
        )
        .with_details(json!({ "field": "contact_id" })));
    }
    Ok(Recipient { contact, address })
}

/// The message key a request's Idempotency-Key maps to, or a fresh time-ordered one.
fn key_for(idempotency_key: Option<&str>) -> Result<String, ApiError> {
    match idempotency_key {
        Some(key) if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY => {
            Err(ApiError::bad_request(
                "invalid_idempotency_key",
                format!("Idempotency-Key must be 1–{MAX_IDEMPOTENCY_KEY} characters"),
            ))
        }
        Some(key) => Ok(format!(
            "k{}",
            &hex::encode(Sha256::digest(key.as_bytes()))[..40]
        )),
        None => Ok(time_key()),
    }
}

/// Queues one message; answers the message and whether it is new (false: the key was used before,
/// and that first message is returned).
pub async fn send(
    pipeline: &Arc<Pipeline>,
    workspace: &str,
    request: SendRequest,
    idempotency_key: Option<&str>,
) -> Result<(Message, bool), ApiError> {
    let key = key_for(idempotency_key)?;
    if request.variables.len() > 50 {
        return Err(ApiError::invalid_field("variables", "at most 50"));
    }
    for (name, value) in &request.variables {
        if !crate::contacts::model::valid_field_name(name) || value.chars().count() > 1000 {
            return Err(ApiError::invalid_field(
                &format!("variables.{name}"),
                "a variable name and a value of at most 1000 characters",
            ));
        }
    }
    if idempotency_key.is_some()
        && let Some(existing) =
            super::find(&pipeline.db, workspace, &message_id(DIRECT, &key)).await?
    {
        return Ok((existing, false));
    }
    let channel = crate::channels::find(&pipeline.db, workspace, &request.channel)
        .await?
        .ok_or_else(|| {
            ApiError::not_found("channel").with_details(json!({ "field": "channel" }))
        })?;
    let capabilities = crate::channels::capabilities(pipeline, &channel).await?;
    let to = recipient(pipeline, workspace, capabilities.address, &request).await?;
    let mut files: Vec<MessageAttachment> = Vec::new();
    let mut approved = None;
    let (text, subject, html) = match (&request.template_id, &request.text) {
        (Some(template), None) => {
            let material = crate::campaigns::enqueue::material_with(
                pipeline,
                workspace,
                template,
                &capabilities,
                &request.variables.keys().cloned().collect::<BTreeSet<_>>(),
            )
            .await?;
            files.extend(material.attachments.iter().cloned());
            let contact = with_overrides(to.contact.clone(), &to.address, &request.variables);
            let rendered = crate::templates::render_one(
                &pipeline.plugins,
                workspace,
                material.template.clone(),
                &contact,
                &material.settings,
            )
            .await?;
            // A placeholder whose plugin gave no value and that has no fallback is not sent empty.
            if let Some(reason) = rendered.failure() {
                return Err(ApiError::new(
                    actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                    "plugin_value_missing",
                    reason,
                )
                .with_details(json!({ "field": "template_id", "warnings": rendered.warnings })));
            }
            let text = rendered.text;
            if let Some(mapping) = material.approved.clone() {
                let seed = format!("{DIRECT}:{key}");
                let (contact, settings) = (contact.clone(), material.settings.clone());
                approved = Some(
                    tokio::task::spawn_blocking(move || {
                        crate::templates::render_mapping(&mapping, &contact, &settings, &seed)
                    })
                    .await
                    .map_err(ApiError::internal)?
                    .map_err(crate::templates::render_error)?,
                );
            }
            (text, material.subject, material.html)
        }
        (None, Some(text)) => {
            if text.trim().is_empty() || text.chars().count() > MAX_TEXT_CHARS {
                return Err(ApiError::invalid_field(
                    "text",
                    format!("1–{MAX_TEXT_CHARS} characters"),
                ));
            }
            (text.clone(), None, false)
        }
        _ => {
            return Err(ApiError::invalid_field(
                "template_id",
                "give either template_id or text",
            ));
        }
    };
    files.extend(attachments(&pipeline.db, workspace, &request.attachments, "attachments").await?);
    check_attachments(&files, &capabilities, "attachments")?;
    if capabilities
        .max_text_chars
        .is_some_and(|max| text.chars().count() > max as usize)
    {
        return Err(ApiError::invalid_field(
            "text",
            format!(
                "longer than the channel's {} characters",
                capabilities.max_text_chars.unwrap_or_default()
            ),
        ));
    }
    let now = Utc::now();
    let mut row = Map::new();
    row.insert("id".into(), json!([workspace, DIRECT, key]));
    row.insert("workspace".into(), json!(workspace));
    row.insert("direction".into(), json!("out"));
    row.insert("channel".into(), json!(channel.id));
    row.insert("campaign".into(), Value::Null);
    if let Some(contact) = &to.contact {
        row.insert("contact".into(), json!(contact.id));
    }
    row.insert("address".into(), json!(to.address));
    row.insert("text".into(), json!(text));
    if let Some(subject) = subject {
        row.insert("subject".into(), json!(subject));
    }
    row.insert("html".into(), json!(html));
    row.insert("attachments".into(), json!(files));
    if let Some(approved) = approved {
        row.insert("approved".into(), json!(approved));
    }
    row.insert("status".into(), json!("queued"));
    row.insert("attempts".into(), json!(0));
    row.insert("history".into(), json!([{ "status": "queued", "at": now }]));
    row.retain(|_, v| !v.is_null());
    let stored = crate::db::with_datetimes(row, &[("created_at", now)]);
    // Two requests with one key at the same moment: the store keeps one of them.
    // `message.queued` with it, when it is new.
    let inserted: Vec<Value> = pipeline
        .db
        .rows_native_at(
            "BEGIN; \
             LET $new = (INSERT IGNORE INTO message $row RETURN AFTER); \
             IF array::len($new) > 0 AND $row.contact != NONE { \
                 CREATE type::record('contact_message', [$row.workspace, $row.contact, $batch, $key]) \
                     SET message = $new[0].id RETURN NONE; \
             }; \
             IF array::len($new) > 0 { \
                 CREATE type::record('event', [$row.workspace, rand::ulid()]) SET type = 'message.queued', \
                     at = time::now(), data = { message: $mid, channel: $row.channel, campaign: NONE, \
                         contact: $row.contact, address: $row.address }; \
             }; \
             RETURN $new; \
             COMMIT;",
            crate::db::vars([
                ("row", stored),
                ("mid", json!(message_id(DIRECT, &key)).into_value()),
                ("batch", DIRECT.to_owned().into_value()),
                ("key", key.clone().into_value()),
            ]),
            4,
        )
        .await?;
    if let Some(contact) = &to.contact {
        pipeline
            .db
            .exec(
                "UPSERT type::record('conversation', [$ws, $contact]) SET workspace = $ws, \
                 contact = $contact, channel = $channel, last_at = time::now(), last_text = $text, \
                 last_direction = 'out', unread = unread ?? 0",
                json!({ "ws": workspace, "contact": contact.id, "channel": channel.id,
                        "text": text.chars().take(500).collect::<String>() }),
            )
            .await?;
    }
    pipeline.wake();
    let message = super::find(&pipeline.db, workspace, &message_id(DIRECT, &key))
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("message not stored")))?;
    Ok((message, !inserted.is_empty()))
}

/// The recipient as the renderer sees it: the contact (or a bare one for an address) with the
/// request's overrides as custom fields, which take precedence over workspace variables.
fn with_overrides(
    contact: Option<Contact>,
    address: &str,
    overrides: &BTreeMap<String, String>,
) -> Contact {
    let mut contact = contact.unwrap_or_else(|| Contact {
        id: String::new(),
        phone: String::new(),
        first_name: None,
        last_name: None,
        gender: None,
        honorific: None,
        language: None,
        email: Some(address.to_owned()),
        tags: Vec::new(),
        custom_fields: BTreeMap::new(),
        opted_out: false,
        opted_out_at: None,
        opt_out_reason: None,
        notes: None,
        created_at: Utc::now(),
        updated_at: Utc::now(),
        posted: Default::default(),
    });
    for (name, value) in overrides {
        // `%ad%` and the other names of a contact field read the field itself, before custom
        // fields: an override of one sets that field.
        match crate::templates::render::contact_field(name) {
            Some("first_name") => contact.first_name = Some(value.clone()),
            Some("last_name") => contact.last_name = Some(value.clone()),
            Some("phone") => contact.phone = value.clone(),
            Some("email") => contact.email = Some(value.clone()),
            _ => {
                contact.custom_fields.insert(name.clone(), json!(value));
            }
        }
    }
    contact
}
