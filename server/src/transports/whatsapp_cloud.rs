//! `whatsapp_cloud`: the WhatsApp Business Cloud API (Meta's Graph API). Text and media messages go
//! to `POST /{version}/{phone-number-id}/messages`; an attachment is uploaded to
//! `/{phone-number-id}/media` once and sent by its media id while that id is valid. Free-form
//! messages go only to contacts who wrote within the last 24 hours (WhatsApp's customer-service
//! window); outside it the send is refused before the API is called. Meta's webhooks (statuses and
//! inbound messages) arrive at the channel's public hook route, signed with the app secret
//! (`X-Hub-Signature-256`), and are read by [`parse_webhook`]. Every request passes the outbound
//! policy; the base URL is configurable, which the tests use to point the channel at a fake API.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::{DateTime, TimeZone, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::Sha256;
use utoipa::ToSchema;

use super::{
    AddressKind, ApprovedMessage, Attachment, Capabilities, OutboundMessage, Receipt, SendError,
    Transport,
};
use crate::db::Db;
use crate::media::MediaKind;
use crate::outbound::OutboundPolicy;

/// How long WhatsApp keeps an uploaded media id (30 days); reused a day less.
const MEDIA_ID_VALID: Duration = Duration::from_secs(29 * 24 * 3600);
/// The customer-service window after a contact's last message.
pub const WINDOW: chrono::Duration = chrono::Duration::hours(24);
/// Longest text a WhatsApp message takes.
const MAX_TEXT_CHARS: u32 = 4096;
/// Longest caption.
const MAX_CAPTION_CHARS: usize = 1024;

fn default_base_url() -> String {
    "https://graph.facebook.com".to_owned()
}

fn default_api_version() -> String {
    "v21.0".to_owned()
}

/// What the Graph API says about the phone number, read when the channel is saved.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct PhoneNumberInfo {
    #[schema(example = "+90 532 123 45 67")]
    pub display_phone_number: Option<String>,
    #[schema(example = "Acme Pazarlama")]
    pub verified_name: Option<String>,
    /// `GREEN`, `YELLOW`, `RED` or `UNKNOWN`.
    #[schema(example = "GREEN")]
    pub quality_rating: Option<String>,
    /// How many people the number may start conversations with per day (`TIER_1K` …).
    #[schema(example = "TIER_1K")]
    pub messaging_limit_tier: Option<String>,
}

/// A Cloud API channel's settings.
#[derive(Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloudConfig {
    /// The Graph API's address (Meta's by default).
    #[serde(default = "default_base_url")]
    #[schema(example = "https://graph.facebook.com")]
    pub base_url: String,
    #[serde(default = "default_api_version")]
    #[schema(example = "v21.0")]
    pub api_version: String,
    /// The phone number's id in the app (not the number itself).
    #[schema(example = "106540352242922")]
    pub phone_number_id: String,
    /// The WhatsApp Business Account's id (for its approved templates).
    #[serde(default)]
    #[schema(example = "102290129340398")]
    pub business_account_id: Option<String>,
    /// A system user's permanent token with `whatsapp_business_messaging`. Write-only.
    pub access_token: String,
    /// The app's secret, which signs Meta's webhooks. Write-only.
    pub app_secret: String,
    /// What Meta's webhook verification must present. Write-only.
    pub verify_token: String,
    /// Link previews for URLs in texts (off by default).
    #[serde(default)]
    pub preview_links: bool,
    /// Read from the Graph API whenever the channel is saved; what is given here is ignored.
    #[serde(default)]
    pub phone: Option<PhoneNumberInfo>,
}

impl std::fmt::Debug for CloudConfig {
    /// Without the secrets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CloudConfig")
            .field("base_url", &self.base_url)
            .field("api_version", &self.api_version)
            .field("phone_number_id", &self.phone_number_id)
            .field("business_account_id", &self.business_account_id)
            .finish_non_exhaustive()
    }
}

impl CloudConfig {
    pub fn validate(&self) -> Result<(), (String, String)> {
        let base = reqwest::Url::parse(&self.base_url)
            .map_err(|_| ("base_url".to_owned(), "an http or https URL".to_owned()))?;
        if !matches!(base.scheme(), "http" | "https") || base.host().is_none() {
            return Err(("base_url".into(), "an http or https URL".into()));
        }
        let version_ok = self
            .api_version
            .strip_prefix('v')
            .and_then(|v| v.split_once('.'))
            .is_some_and(|(major, minor)| {
                !major.is_empty()
                    && !minor.is_empty()
                    && major.len() <= 3
                    && minor.len() <= 3
                    && major
                        .chars()
                        .chain(minor.chars())
                        .all(|c| c.is_ascii_digit())
            });
        if !version_ok {
            return Err((
                "api_version".into(),
                "a Graph API version such as v21.0".into(),
            ));
        }
        let digits = |field: &str, value: &str| {
            if value.is_empty() || value.len() > 32 || !value.chars().all(|c| c.is_ascii_digit()) {
                Err((field.to_owned(), "the numeric id Meta shows".to_owned()))
            } else {
                Ok(())
            }
        };
        digits("phone_number_id", &self.phone_number_id)?;
        if let Some(id) = &self.business_account_id {
            digits("business_account_id", id)?;
        }
        for (field, value) in [
            ("access_token", &self.access_token),
            ("app_secret", &self.app_secret),
            ("verify_token", &self.verify_token),
        ] {
            if value.trim().is_empty()
                || value.len() > 2048
                || value.chars().any(|c| c.is_control() || c == ' ')
            {
                return Err((field.to_owned(), "required, without spaces".to_owned()));
            }
        }
        Ok(())
    }
}

/// How a Ulak template maps onto a template approved at Meta (`channel_hints.whatsapp_cloud`):
/// outside the 24-hour window a Cloud API channel sends that template instead of the text, each
/// parameter rendered for the recipient like the body (`%sayın% %ad%` → `{{1}}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"template": "kampanya_duyurusu", "language": "tr", "header": ["%ad%"], "body": ["%sayın% %ad% %soyad%", "%tarih%"]}))]
pub struct TemplateMapping {
    /// The approved template's name.
    pub template: String,
    /// Its language code, as Meta lists it (`tr`, `en_US`).
    pub language: String,
    /// One text per header parameter, in order (a header takes at most one).
    #[serde(default)]
    pub header: Vec<String>,
    /// One text per body parameter, in order.
    #[serde(default)]
    pub body: Vec<String>,
}

/// Most body parameters a mapping gives.
const MAX_BODY_PARAMS: usize = 100;
/// Longest text of one parameter, before and after rendering.
const MAX_PARAM_CHARS: usize = 1024;
/// Longest rendered header parameter Meta takes.
const MAX_HEADER_PARAM_CHARS: usize = 60;

/// Whether a template name is one Meta accepts: lower-case letters, digits and underscores.
fn template_name_ok(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 512
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Whether a language code looks like Meta's (`tr`, `en_US`, `zh_CN`).
fn language_ok(code: &str) -> bool {
    let (lang, region) = code.split_once('_').unwrap_or((code, ""));
    (2..=3).contains(&lang.len())
        && lang.chars().all(|c| c.is_ascii_lowercase())
        && (region.is_empty()
            || ((2..=4).contains(&region.len())
                && region.chars().all(|c| c.is_ascii_alphanumeric())))
}

impl TemplateMapping {
    /// Checks the mapping's shape; the texts are compiled when a message is made of them.
    pub fn validate(&self) -> Result<(), (String, String)> {
        if !template_name_ok(&self.template) {
            return Err((
                "template".into(),
                "the approved template's name: lower-case letters, digits and underscores".into(),
            ));
        }
        if !language_ok(&self.language) {
            return Err((
                "language".into(),
                "a language code as Meta lists it, such as tr or en_US".into(),
            ));
        }
        if self.header.len() > 1 {
            return Err((
                "header".into(),
                "a template header takes at most one parameter".into(),
            ));
        }
        if self.body.len() > MAX_BODY_PARAMS {
            return Err((
                "body".into(),
                format!("at most {MAX_BODY_PARAMS} parameters"),
            ));
        }
        for (part, texts) in [("header", &self.header), ("body", &self.body)] {
            for (index, text) in texts.iter().enumerate() {
                if text.trim().is_empty() || text.chars().count() > MAX_PARAM_CHARS {
                    return Err((
                        format!("{part}[{index}]"),
                        format!("a text of 1 to {MAX_PARAM_CHARS} characters, such as %ad%"),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// A template of the business account, as the Graph API lists it and Ulak stores it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ApprovedTemplate {
    #[schema(example = "kampanya_duyurusu")]
    pub name: String,
    #[schema(example = "tr")]
    pub language: String,
    /// Meta's review state: `APPROVED` (only these are sent), `PENDING`, `REJECTED`, `PAUSED`,
    /// `DISABLED` …
    #[schema(example = "APPROVED")]
    pub status: String,
    /// `MARKETING`, `UTILITY` or `AUTHENTICATION`.
    #[schema(example = "MARKETING")]
    pub category: Option<String>,
    /// The header's kind: `TEXT`, `IMAGE`, `VIDEO`, `DOCUMENT` or `LOCATION` (none without a header).
    #[schema(example = "TEXT")]
    pub header_format: Option<String>,
    #[schema(example = "Merhaba {{1}}")]
    pub header_text: Option<String>,
    #[schema(example = "{{1}}, Aralık'a özel %20 indirim {{2}} tarihine kadar geçerli.")]
    pub body: String,
    pub footer: Option<String>,
    /// The header's placeholders in order (`1`, or a name for named parameters).
    #[serde(default)]
    pub header_params: Vec<String>,
    /// The body's placeholders in order.
    #[serde(default)]
    #[schema(example = json!(["1", "2"]))]
    pub body_params: Vec<String>,
    /// Whether the placeholders are names (`{{first_name}}`) rather than numbers.
    #[serde(default)]
    pub named_params: bool,
}

/// The placeholders of a template text in order: `{{1}}`, `{{2}}` … sorted by number, or
/// `{{name}}` in order of first appearance; each once.
pub fn placeholders(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        rest = &rest[start + 2..];
        let Some(end) = rest.find("}}") else { break };
        let name = rest[..end].trim();
        if !name.is_empty()
            && name.len() <= 64
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !found.iter().any(|f| f == name)
        {
            found.push(name.to_owned());
        }
        rest = &rest[end + 2..];
    }
    if found.iter().all(|f| f.chars().all(|c| c.is_ascii_digit())) {
        found.sort_by_key(|f| f.parse::<u32>().unwrap_or(u32::MAX));
    }
    found
}

/// A template as the Graph API lists it (`GET /{waba-id}/message_templates`).
fn approved_from_graph(value: &Value) -> Option<ApprovedTemplate> {
    let short = |v: &Value, max: usize| v.as_str().map(|s| s.chars().take(max).collect::<String>());
    let name = short(&value["name"], 512)?;
    let language = short(&value["language"], 16)?;
    let mut template = ApprovedTemplate {
        name,
        language,
        status: short(&value["status"], 32).unwrap_or_else(|| "UNKNOWN".into()),
        category: short(&value["category"], 32),
        header_format: None,
        header_text: None,
        body: String::new(),
        footer: None,
        header_params: Vec::new(),
        body_params: Vec::new(),
        named_params: value["parameter_format"] == "NAMED",
    };
    for component in value["components"]
        .as_array()
        .into_iter()
        .flatten()
        .take(20)
    {
        match component["type"].as_str().unwrap_or_default() {
            "HEADER" => {
                template.header_format = short(&component["format"], 16);
                template.header_text = short(&component["text"], 1024);
                template.header_params =
                    placeholders(template.header_text.as_deref().unwrap_or(""));
            }
            "BODY" => {
                template.body = short(&component["text"], 4096).unwrap_or_default();
                template.body_params = placeholders(&template.body);
            }
            "FOOTER" => template.footer = short(&component["text"], 1024),
            _ => {}
        }
    }
    Some(template)
}

/// The parameter text as Meta takes it: no line breaks or tabs, no runs of spaces.
fn param_text(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Most templates read from one business account (Meta allows a few thousand).
pub const MAX_TEMPLATES: usize = 5000;

/// The Cloud API as one channel's transport.
pub struct CloudApi {
    config: CloudConfig,
    policy: Arc<OutboundPolicy>,
    client: reqwest::Client,
    db: Db,
    /// The channel's id (its approved templates are stored under it).
    channel: String,
    /// Approved templates read from the store, by name and language, for a minute.
    approved: parking_lot::Mutex<HashMap<(String, String), (ApprovedTemplate, Instant)>>,
    /// Uploaded attachments by their bytes' SHA-256: the media id and when it was uploaded.
    media: parking_lot::Mutex<HashMap<String, (String, Instant)>>,
    /// One upload per attachment at a time, however many recipients wait for it.
    uploading: tokio::sync::Mutex<()>,
}

/// The Graph API's error object.
#[derive(Debug, Default, Deserialize)]
struct GraphError {
    #[serde(default)]
    message: String,
    #[serde(default)]
    code: i64,
    #[serde(default)]
    error_data: Option<ErrorData>,
}

#[derive(Debug, Default, Deserialize)]
struct ErrorData {
    #[serde(default)]
    details: Option<String>,
}

impl CloudApi {
    pub fn new(config: CloudConfig, policy: Arc<OutboundPolicy>, db: Db, channel: &str) -> Self {
        let client = policy.client(Duration::from_secs(30), "Ulak (WhatsApp Cloud API)");
        Self {
            config,
            policy,
            client,
            db,
            channel: channel.to_owned(),
            approved: parking_lot::Mutex::new(HashMap::new()),
            media: parking_lot::Mutex::new(HashMap::new()),
            uploading: tokio::sync::Mutex::new(()),
        }
    }

    fn url(&self, path: &str) -> Result<reqwest::Url, SendError> {
        let base = self.config.base_url.trim_end_matches('/');
        let url = reqwest::Url::parse(&format!("{base}/{}/{path}", self.config.api_version))
            .map_err(|e| SendError::ChannelBroken {
                reason: format!("the Graph API URL is not valid: {e}"),
            })?;
        self.policy
            .check_url(&url)
            .map_err(|e| SendError::ChannelBroken { reason: e.0 })?;
        Ok(url)
    }

    /// A `GET` of the Graph API with the token: the status and the answer's JSON (up to `max` bytes).
    async fn get_json(
        &self,
        url: reqwest::Url,
        max: usize,
    ) -> Result<(reqwest::StatusCode, Value), String> {
        let response = self
            .client
            .get(url)
            .bearer_auth(&self.config.access_token)
            .send()
            .await
            .map_err(|e| {
                format!(
                    "the Graph API cannot be reached: {}",
                    crate::outbound::describe(&e)
                )
            })?;
        let status = response.status();
        let body = read_json_up_to(response, max)
            .await
            .map_err(|e| e.reason().to_owned())?;
        Ok((status, body))
    }

    /// Checks the credentials by reading the phone number (one request).
    pub async fn phone_info(&self) -> Result<PhoneNumberInfo, String> {
        let mut url = self
            .url(&self.config.phone_number_id)
            .map_err(|e| e.reason().to_owned())?;
        url.query_pairs_mut().append_pair(
            "fields",
            "display_phone_number,verified_name,quality_rating,messaging_limit_tier",
        );
        let (status, body) = self.get_json(url, MAX_ANSWER_BYTES).await?;
        if !status.is_success() {
            return Err(match error_of(status, &body, None) {
                SendError::ChannelBroken { reason } => reason,
                other => format!(
                    "the Graph API refused the phone number id: {}",
                    other.reason()
                ),
            });
        }
        let info: PhoneNumberInfo =
            serde_json::from_value(body).map_err(|e| format!("an unexpected answer: {e}"))?;
        let short = |v: Option<String>| v.map(|v| v.chars().take(100).collect::<String>());
        Ok(PhoneNumberInfo {
            display_phone_number: short(info.display_phone_number),
            verified_name: short(info.verified_name),
            quality_rating: short(info.quality_rating),
            messaging_limit_tier: short(info.messaging_limit_tier),
        })
    }

    /// The media id of an attachment, uploading it the first time.
    async fn media_id(&self, attachment: &Attachment) -> Result<String, SendError> {
        let cached = |media: &HashMap<String, (String, Instant)>| {
            media
                .get(&attachment.sha256)
                .filter(|(_, at)| at.elapsed() < MEDIA_ID_VALID)
                .map(|(id, _)| id.clone())
        };
        if let Some(id) = cached(&self.media.lock()) {
            return Ok(id);
        }
        let _one_at_a_time = self.uploading.lock().await;
        if let Some(id) = cached(&self.media.lock()) {
            return Ok(id);
        }
        let bytes = attachment.bytes().await?;
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(attachment.file_name.clone())
            .mime_str(&attachment.mime)
            .map_err(|e| SendError::permanent("attachment_type", e.to_string()))?;
        let form = reqwest::multipart::Form::new()
            .text("messaging_product", "whatsapp")
            .text("type", attachment.mime.clone())
            .part("file", part);
        let url = self.url(&format!("{}/media", self.config.phone_number_id))?;
        let response = self
            .client
            .post(url)
            .bearer_auth(&self.config.access_token)
            .multipart(form)
            .send()
            .await
            .map_err(|e| SendError::transient(crate::outbound::describe(&e)))?;
        let (status, retry_after) = (response.status(), retry_after(&response));
        let body = read_json(response).await?;
        if !status.is_success() {
            return Err(error_of(status, &body, retry_after));
        }
        let id = body["id"]
            .as_str()
            .ok_or_else(|| SendError::transient("the media upload answered without an id"))?
            .to_owned();
        let mut media = self.media.lock();
        // Expired ids go; a channel that sends a different file to everyone keeps a bounded map.
        media.retain(|_, (_, at)| at.elapsed() < MEDIA_ID_VALID);
        if media.len() >= 10_000 {
            media.clear();
        }
        media.insert(attachment.sha256.clone(), (id.clone(), Instant::now()));
        Ok(id)
    }

    /// Whether the contact wrote to this channel's number within the last 24 hours (WhatsApp's
    /// window is per business number).
    async fn in_window(&self, contact: &str) -> Result<bool, SendError> {
        let last: Option<DateTime<Utc>> = self
            .db
            .row(
                "SELECT VALUE at FROM ONLY type::record('inbound_last', [$channel, $contact])",
                json!({ "channel": self.channel, "contact": contact }),
            )
            .await
            .map_err(|e| SendError::transient(format!("the store: {e}")))?;
        Ok(last.is_some_and(|at| Utc::now() - at < WINDOW))
    }

    /// The business account's message templates, every page (`GET /{waba-id}/message_templates`).
    pub async fn fetch_templates(&self) -> Result<Vec<ApprovedTemplate>, String> {
        let account = self.config.business_account_id.as_deref().ok_or(
            "the channel has no business_account_id: add the WhatsApp Business Account's id to read its templates",
        )?;
        let mut templates = Vec::new();
        let mut after: Option<String> = None;
        for _page in 0..(MAX_TEMPLATES / 100) {
            let mut url = self
                .url(&format!("{account}/message_templates"))
                .map_err(|e| e.reason().to_owned())?;
            url.query_pairs_mut()
                .append_pair(
                    "fields",
                    "name,language,status,category,components,parameter_format",
                )
                .append_pair("limit", "100");
            if let Some(after) = &after {
                url.query_pairs_mut().append_pair("after", after);
            }
            // A page of 100 templates with their texts is larger than a message's answer.
            let (status, body) = self.get_json(url, 4 << 20).await?;
            if !status.is_success() {
                return Err(format!(
                    "the Graph API refused to list the templates: {}",
                    error_of(status, &body, None).reason()
                ));
            }
            let data = body["data"]
                .as_array()
                .ok_or("the Graph API answered without `data`")?;
            templates.extend(
                data.iter()
                    .filter_map(approved_from_graph)
                    .take(MAX_TEMPLATES - templates.len()),
            );
            after = body["paging"]["cursors"]["after"]
                .as_str()
                .filter(|_| body["paging"]["next"].is_string() && !data.is_empty())
                .map(str::to_owned);
            if after.is_none() || templates.len() >= MAX_TEMPLATES {
                break;
            }
        }
        templates.truncate(MAX_TEMPLATES);
        Ok(templates)
    }

    /// An approved template of this channel as last refreshed (read from the store at most once
    /// a minute).
    async fn approved_template(
        &self,
        name: &str,
        language: &str,
    ) -> Result<Option<ApprovedTemplate>, SendError> {
        let key = (name.to_owned(), language.to_owned());
        if let Some((template, at)) = self.approved.lock().get(&key)
            && at.elapsed() < Duration::from_secs(60)
        {
            return Ok(Some(template.clone()));
        }
        let template = stored_template(&self.db, &self.channel, name, language)
            .await
            .map_err(|e| SendError::transient(format!("the store: {e}")))?;
        // A template not found is looked up again next time: a refresh may bring it.
        if let Some(template) = &template {
            let mut cache = self.approved.lock();
            if cache.len() >= 1000 {
                cache.clear();
            }
            cache.insert(key, (template.clone(), Instant::now()));
        }
        Ok(template)
    }

    /// The body of an approved template's message for one recipient, checked against what Meta
    /// approved so that a wrong mapping fails with a readable reason before the API is called.
    async fn template_message(
        &self,
        approved: &ApprovedMessage,
        attachments: &[Attachment],
    ) -> Result<Value, SendError> {
        let refused = |reason: String| SendError::permanent("template_mismatch", reason);
        let Some(template) = self
            .approved_template(&approved.name, &approved.language)
            .await?
        else {
            return Err(refused(format!(
                "the template `{}` ({}) is not among the channel's approved templates; refresh them \
                 (POST …/channels/{{id}}/templates/refresh) or fix the mapping",
                approved.name, approved.language
            )));
        };
        if template.status != "APPROVED" {
            return Err(refused(format!(
                "the template `{}` ({}) is {} at Meta, not APPROVED",
                template.name, template.language, template.status
            )));
        }
        let mut components = Vec::new();
        let parameters = |part: &str, names: &[String], texts: &[String]| {
            let longest = if part == "header" {
                MAX_HEADER_PARAM_CHARS
            } else {
                MAX_PARAM_CHARS
            };
            if names.len() != texts.len() {
                return Err(refused(format!(
                    "the template `{}` takes {} {part} parameter(s); the mapping gives {}",
                    template.name,
                    names.len(),
                    texts.len()
                )));
            }
            names
                .iter()
                .zip(texts)
                .enumerate()
                .map(|(index, (name, text))| {
                    let text = param_text(text);
                    if text.is_empty() {
                        return Err(refused(format!(
                            "{part} parameter {{{{{name}}}}} of `{}` is empty for this contact",
                            template.name
                        )));
                    }
                    if text.chars().count() > longest {
                        return Err(refused(format!(
                            "{part} parameter {} of `{}` is longer than {longest} characters for this contact",
                            index + 1,
                            template.name
                        )));
                    }
                    let mut parameter = json!({ "type": "text", "text": text });
                    if template.named_params {
                        parameter["parameter_name"] = json!(name);
                    }
                    Ok(parameter)
                })
                .collect::<Result<Vec<_>, _>>()
        };
        match template.header_format.as_deref() {
            Some(format @ ("IMAGE" | "VIDEO" | "DOCUMENT")) => {
                let kind = format.to_ascii_lowercase();
                let attachment = attachments
                    .iter()
                    .find(|a| media_type(a.kind) == kind)
                    .ok_or_else(|| {
                        refused(format!(
                            "the template `{}` has a {kind} header: attach a {kind} to the Ulak template",
                            template.name
                        ))
                    })?;
                let mut media = json!({ "id": self.media_id(attachment).await? });
                if attachment.kind == MediaKind::Document {
                    media["filename"] = json!(attachment.file_name);
                }
                components.push(json!({
                    "type": "header",
                    "parameters": [{ "type": kind, kind.clone(): media }],
                }));
            }
            _ => {
                let header = parameters("header", &template.header_params, &approved.header)?;
                if !header.is_empty() {
                    components.push(json!({ "type": "header", "parameters": header }));
                }
            }
        }
        let body = parameters("body", &template.body_params, &approved.body)?;
        if !body.is_empty() {
            components.push(json!({ "type": "body", "parameters": body }));
        }
        let mut content = json!({
            "name": template.name,
            "language": { "code": template.language },
        });
        if !components.is_empty() {
            content["components"] = json!(components);
        }
        Ok(content)
    }

    /// Downloads an inbound message's media into `dir`: its URL read from the Graph API
    /// (`GET /{media-id}`), then the bytes, at most `max`. The token goes only to the Graph API's
    /// own host and Meta's media hosts.
    pub async fn download_media(
        &self,
        media_id: &str,
        dir: &std::path::Path,
        max: u64,
    ) -> Result<Downloaded, String> {
        use futures_util::StreamExt as _;
        use sha2::Digest as _;
        use tokio::io::AsyncWriteExt as _;
        if media_id.is_empty()
            || media_id.len() > 64
            || !media_id.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return Err("a media id that is not Meta's".into());
        }
        let url = self.url(media_id).map_err(|e| e.reason().to_owned())?;
        let (status, body) = self.get_json(url, MAX_ANSWER_BYTES).await?;
        if !status.is_success() {
            return Err(error_of(status, &body, None).reason().to_owned());
        }
        if body["file_size"].as_u64().is_some_and(|size| size > max) {
            return Err(format!("larger than the library takes ({max} bytes)"));
        }
        let location = body["url"]
            .as_str()
            .and_then(|u| reqwest::Url::parse(u).ok())
            .ok_or("the Graph API gave no media URL")?;
        self.policy.check_url(&location).map_err(|e| e.0)?;
        if location.scheme() != "https" && !self.config.base_url.starts_with("http://") {
            return Err("the media URL is not https".into());
        }
        let graph_host = reqwest::Url::parse(&self.config.base_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned));
        let host = location.host_str().unwrap_or_default().to_owned();
        let meta_host = [".fbsbx.com", ".facebook.com", ".whatsapp.net", ".fbcdn.net"]
            .iter()
            .any(|suffix| host.ends_with(suffix));
        if graph_host.as_deref() != Some(host.as_str()) && !meta_host {
            return Err(format!(
                "the media URL's host {host} is neither the Graph API's nor Meta's"
            ));
        }
        let response = self
            .client
            .get(location)
            .bearer_auth(&self.config.access_token)
            .send()
            .await
            .map_err(|e| crate::outbound::describe(&e))?;
        if !response.status().is_success() {
            return Err(format!("the media download answered {}", response.status()));
        }
        let temp = TempFile(dir.join(crate::db::new_id()));
        let mut file = tokio::fs::File::create(&temp.0)
            .await
            .map_err(|e| format!("a temporary file: {e}"))?;
        let (mut size, mut head, mut hasher) = (0u64, Vec::new(), sha2::Sha256::new());
        let mut stream = response.bytes_stream();
        let written: Result<(), String> = async {
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.map_err(|e| crate::outbound::describe(&e))?;
                size += chunk.len() as u64;
                if size > max {
                    return Err(format!("larger than the library takes ({max} bytes)"));
                }
                if head.len() < crate::media::routes::SNIFF_BYTES {
                    let take = (crate::media::routes::SNIFF_BYTES - head.len()).min(chunk.len());
                    head.extend_from_slice(&chunk[..take]);
                }
                hasher.update(&chunk);
                file.write_all(&chunk)
                    .await
                    .map_err(|e| format!("writing the download: {e}"))?;
            }
            file.sync_all().await.map_err(|e| e.to_string())
        }
        .await;
        written?;
        Ok(Downloaded {
            temp,
            size,
            head,
            sha256: hex::encode(hasher.finalize()),
        })
    }

    /// Sends the approved template the message's template maps onto.
    async fn send_template(
        &self,
        to: &str,
        approved: &ApprovedMessage,
        attachments: &[Attachment],
    ) -> Result<Receipt, SendError> {
        let content = self.template_message(approved, attachments).await?;
        let provider_id = self.post_message(envelope(to, "template", content)).await?;
        Ok(Receipt { provider_id })
    }

    /// Sends the text and attachments as WhatsApp messages of their own (within the window).
    async fn send_free_form(
        &self,
        to: &str,
        message: &OutboundMessage,
    ) -> Result<Receipt, SendError> {
        let text = message.text.trim();
        // Every attachment is uploaded before anything is posted: a failed upload is retried
        // without a part of the message having gone out already.
        let mut media_ids = Vec::with_capacity(message.attachments.len());
        for attachment in &message.attachments {
            media_ids.push(self.media_id(attachment).await?);
        }
        let mut first_id: Option<String> = None;
        // Once a part went out, a later part's failure must not send the message again: the
        // message counts as sent (by its first part) and the failure is logged.
        let posted = |result: Result<String, SendError>, first_id: &Option<String>| match (
            result, first_id,
        ) {
            (Ok(id), _) => Ok(Some(id)),
            (Err(e), Some(_)) => {
                tracing::warn!(error = %e.reason(), "a later part of a WhatsApp message was not sent");
                Ok(None)
            }
            (Err(e), None) => {
                if let SendError::Permanent { code, .. } = &e
                    && (code == "whatsapp_131053" || code == "whatsapp_100")
                {
                    // The media id may have expired or been refused: upload again next time.
                    let mut media = self.media.lock();
                    for attachment in &message.attachments {
                        media.remove(&attachment.sha256);
                    }
                }
                Err(e)
            }
        };
        // The text rides as the first captioned attachment's caption when it fits; otherwise, or
        // with only audio, it goes first as a message of its own.
        let captioned = super::captioned_attachment(message, MAX_CAPTION_CHARS);
        if !text.is_empty() && captioned.is_none() {
            let result = self
                .post_message(envelope(
                    to,
                    "text",
                    json!({ "preview_url": self.config.preview_links, "body": text }),
                ))
                .await;
            if let Some(id) = posted(result, &first_id)? {
                first_id.get_or_insert(id);
            }
        }
        for (index, (attachment, media_id)) in message.attachments.iter().zip(media_ids).enumerate()
        {
            let kind = media_type(attachment.kind);
            let mut content = json!({ "id": media_id });
            if Some(index) == captioned && !text.is_empty() {
                content["caption"] = json!(text);
            }
            if attachment.kind == MediaKind::Document {
                content["filename"] = json!(attachment.file_name);
            }
            let result = self.post_message(envelope(to, kind, content)).await;
            if let Some(id) = posted(result, &first_id)? {
                first_id.get_or_insert(id);
            }
        }
        first_id
            .map(|provider_id| Receipt { provider_id })
            .ok_or_else(|| {
                SendError::permanent("empty_message", "the message has no text and no attachment")
            })
    }

    /// Posts one message body; its `wamid` is the provider id.
    async fn post_message(&self, body: Value) -> Result<String, SendError> {
        let url = self.url(&format!("{}/messages", self.config.phone_number_id))?;
        let response = self
            .client
            .post(url)
            .bearer_auth(&self.config.access_token)
            .json(&body)
            .send()
            .await
            .map_err(|e| SendError::transient(crate::outbound::describe(&e)))?;
        let (status, retry_after) = (response.status(), retry_after(&response));
        let answer = read_json(response).await?;
        if !status.is_success() {
            return Err(error_of(status, &answer, retry_after));
        }
        // Accepted: sending it again would deliver it twice, so an answer without an id is final.
        answer["messages"][0]["id"]
            .as_str()
            .map(|id| id.chars().take(200).collect())
            .ok_or_else(|| {
                SendError::permanent(
                    "no_message_id",
                    "the Graph API accepted the message but answered without its id",
                )
            })
    }
}

/// Largest Graph API answer read: Meta's answers are a few hundred bytes, and the base URL is a
/// workspace admin's setting.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// The answer's JSON, read up to [`MAX_ANSWER_BYTES`] (`Null` when it is not JSON).
async fn read_json(response: reqwest::Response) -> Result<Value, SendError> {
    read_json_up_to(response, MAX_ANSWER_BYTES).await
}

async fn read_json_up_to(response: reqwest::Response, max: usize) -> Result<Value, SendError> {
    use futures_util::StreamExt as _;
    let mut body = Vec::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| SendError::transient(crate::outbound::describe(&e)))?;
        if body.len() + chunk.len() > max {
            return Err(SendError::transient(format!(
                "the Graph API answered with more than {max} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(serde_json::from_slice(&body).unwrap_or(Value::Null))
}

fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    response
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(|s| Duration::from_secs(s.min(3600)))
}

/// A Graph API error as the dispatcher acts on it (codes from Meta's Cloud API error reference).
fn error_of(status: reqwest::StatusCode, body: &Value, retry_after: Option<Duration>) -> SendError {
    let error: GraphError = serde_json::from_value(body["error"].clone()).unwrap_or_default();
    let details = error
        .error_data
        .and_then(|d| d.details)
        .filter(|d| !d.is_empty());
    let mut reason = match (&error.message, &details) {
        (m, Some(d)) if !m.is_empty() => format!("{m} ({d})"),
        (m, _) if !m.is_empty() => m.clone(),
        (_, Some(d)) => d.clone(),
        _ => format!("HTTP {status}"),
    };
    reason = reason.chars().take(500).collect();
    if error.code != 0 {
        reason = format!("{reason} [code {}]", error.code);
    }
    match error.code {
        // The token is wrong, expired or lacks the permission; the account is locked or blocked.
        190 | 10 | 200..=299 | 368 | 131031 | 131005 | 131042 | 131045 | 133010 => {
            SendError::ChannelBroken {
                reason: format!("the Graph API refused the channel's credentials: {reason}"),
            }
        }
        // Too many messages to this recipient in a short time.
        131056 => SendError::RecipientRateLimited {
            reason,
            retry_after,
        },
        // Throughput and spam-rate limits, app or account rate limits, temporary errors.
        130429 | 131048 | 4 | 80007 | 131000 | 1 | 2 | 133004 | 131016 | 131057 => {
            SendError::Transient {
                reason,
                retry_after: retry_after.or(Some(Duration::from_secs(5))),
            }
        }
        // More than 24 hours since the contact's last message.
        131047 => SendError::permanent("outside_24h_window", reason),
        _ if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS => {
            SendError::Transient {
                reason,
                retry_after,
            }
        }
        _ if status == reqwest::StatusCode::UNAUTHORIZED => SendError::ChannelBroken {
            reason: format!("the Graph API refused the channel's credentials: {reason}"),
        },
        0 => SendError::permanent("whatsapp_error", reason),
        code => SendError::permanent(&format!("whatsapp_{code}"), reason),
    }
}

fn media_type(kind: MediaKind) -> &'static str {
    match kind {
        MediaKind::Image => "image",
        MediaKind::Audio => "audio",
        MediaKind::Video => "video",
        MediaKind::Document => "document",
    }
}

#[async_trait]
impl Transport for CloudApi {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            address: AddressKind::Phone,
            media_kinds: vec![
                MediaKind::Image,
                MediaKind::Audio,
                MediaKind::Video,
                MediaKind::Document,
            ],
            // Video and audio: 16 MB; images 5 MB (the media library's own limit is the same).
            max_attachment_bytes: 16 << 20,
            max_text_chars: Some(MAX_TEXT_CHARS),
            reports_delivered: true,
            reports_read: true,
            client_message_ids: false,
            approved_templates: true,
        }
    }

    async fn send(&self, message: &OutboundMessage) -> Result<Receipt, SendError> {
        let to = message.to.trim_start_matches('+').to_owned();
        if !self.in_window(&to).await? {
            let Some(approved) = &message.approved else {
                return Err(SendError::permanent(
                    "outside_24h_window",
                    "WhatsApp takes free-form messages only within 24 hours of the contact's last \
                     message; outside that window only an approved template may be sent: map the \
                     Ulak template onto one (channel_hints.whatsapp_cloud)",
                ));
            };
            return self
                .send_template(&to, approved, &message.attachments)
                .await;
        }
        match (self.send_free_form(&to, message).await, &message.approved) {
            // Meta counts the window differently (a message that reached the number elsewhere
            // first): nothing went out, so the approved template goes instead.
            (Err(SendError::Permanent { code, .. }), Some(approved))
                if code == "outside_24h_window" =>
            {
                self.send_template(&to, approved, &message.attachments)
                    .await
            }
            (result, _) => result,
        }
    }
}

/// A temporary file, removed when dropped (also when a download is abandoned half-way) unless
/// [`TempFile::keep`] took it.
#[derive(Debug)]
pub struct TempFile(std::path::PathBuf);

impl TempFile {
    /// Takes charge of a file: removed when dropped.
    pub fn new(path: std::path::PathBuf) -> Self {
        Self(path)
    }

    pub fn path(&self) -> &std::path::Path {
        &self.0
    }

    /// The path, no longer removed on drop: the caller is responsible for it now.
    pub fn keep(mut self) -> std::path::PathBuf {
        std::mem::take(&mut self.0)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.0.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

/// An inbound message's media, downloaded into a temporary file.
#[derive(Debug)]
pub struct Downloaded {
    pub temp: TempFile,
    pub size: u64,
    pub head: Vec<u8>,
    pub sha256: String,
}

/// A channel's stored approved template by name and language.
pub async fn stored_template(
    db: &Db,
    channel: &str,
    name: &str,
    language: &str,
) -> Result<Option<ApprovedTemplate>, crate::db::DbError> {
    db.row(
        "SELECT * OMIT id, workspace, channel, refreshed_at FROM ONLY type::record('wa_template', [$channel, $name, $language])",
        json!({ "channel": channel, "name": name, "language": language }),
    )
    .await
}

/// A message to one recipient as the Graph API takes it.
fn envelope(to: &str, kind: &str, content: Value) -> Value {
    json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": kind,
        kind: content,
    })
}

/// Whether `X-Hub-Signature-256` (`sha256=<hex>`) is the HMAC-SHA256 of the body with the app
/// secret, compared in constant time.
pub fn signature_valid(app_secret: &str, header: Option<&str>, body: &[u8]) -> bool {
    let Some(given) = header
        .and_then(|h| h.trim().strip_prefix("sha256="))
        .and_then(|h| hex::decode(h).ok())
    else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&given).is_ok()
}

/// What a webhook carried for this channel's phone number, as the pipeline records it.
#[derive(Debug, Default)]
pub struct Events {
    pub messages: Vec<crate::messages::inbound::InboundMessage>,
    pub statuses: Vec<crate::messages::inbound::StatusUpdate>,
}

fn timestamp(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .and_then(|s| s.parse::<i64>().ok())
        .or_else(|| value.as_i64())
        .and_then(|s| Utc.timestamp_opt(s, 0).single())
        .unwrap_or_else(Utc::now)
}

/// The E.164 digits of a WhatsApp id: Mexican mobiles come as `521` + 10 digits, the `1` that
/// Mexico dropped from mobile numbers in 2019, and are stored without it. (Brazilian ids may lack
/// the ninth digit of a mobile number; that cannot be told from a landline, so they stay as sent.)
fn e164_of_wa_id(wa_id: &str) -> String {
    match wa_id.strip_prefix("521") {
        Some(rest) if rest.len() == 10 && rest.chars().all(|c| c.is_ascii_digit()) => {
            format!("52{rest}")
        }
        _ => wa_id.to_owned(),
    }
}

/// Reads a webhook body: the changes of field `messages` for this phone number id; what is for
/// another number, or of a kind Ulak does not read, is left out.
pub fn parse_webhook(phone_number_id: &str, body: &Value) -> Result<Events, String> {
    if body["object"] != "whatsapp_business_account" {
        return Err("not a WhatsApp Business Account webhook".into());
    }
    let mut events = Events::default();
    let entries = body["entry"].as_array().ok_or("no `entry`")?;
    for change in entries
        .iter()
        .filter_map(|e| e["changes"].as_array())
        .flatten()
    {
        let value = &change["value"];
        if change["field"] != "messages"
            || value["metadata"]["phone_number_id"].as_str() != Some(phone_number_id)
        {
            continue;
        }
        let names: HashMap<&str, &str> = value["contacts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| Some((c["wa_id"].as_str()?, c["profile"]["name"].as_str()?)))
            .collect();
        for m in value["messages"].as_array().into_iter().flatten() {
            let (Some(id), Some(from)) = (m["id"].as_str(), m["from"].as_str()) else {
                continue;
            };
            let kind = m["type"].as_str().unwrap_or_default();
            let text = match kind {
                "text" => m["text"]["body"].as_str().map(str::to_owned),
                "button" => m["button"]["text"].as_str().map(str::to_owned),
                "interactive" => m["interactive"]["button_reply"]["title"]
                    .as_str()
                    .or_else(|| m["interactive"]["list_reply"]["title"].as_str())
                    .map(str::to_owned),
                "reaction" => m["reaction"]["emoji"].as_str().map(str::to_owned),
                "image" | "video" | "audio" | "document" | "sticker" => Some(
                    m[kind]["caption"]
                        .as_str()
                        .map_or_else(|| format!("[{kind}]"), |c| format!("[{kind}] {c}")),
                ),
                "location" => Some("[location]".to_owned()),
                "contacts" => Some("[contacts]".to_owned()),
                _ => None,
            };
            let Some(text) = text else {
                continue;
            };
            let at = timestamp(&m["timestamp"]);
            // Meta redelivers for up to 7 days; older is a replay (the signature has no time).
            if at < Utc::now() - chrono::Duration::days(7) {
                continue;
            }
            let media = matches!(kind, "image" | "video" | "audio" | "document" | "sticker")
                .then(|| m[kind]["id"].as_str())
                .flatten()
                .map(|media_id| crate::messages::inbound::InboundMedia {
                    provider_media_id: media_id.chars().take(64).collect(),
                    file_name: m[kind]["filename"]
                        .as_str()
                        .map(|n| n.chars().take(200).collect())
                        .unwrap_or_else(|| format!("whatsapp-{kind}")),
                });
            events
                .messages
                .push(crate::messages::inbound::InboundMessage {
                    media,
                    provider_id: id.chars().take(200).collect(),
                    from: format!("+{}", e164_of_wa_id(from.trim_start_matches('+')))
                        .chars()
                        .take(32)
                        .collect(),
                    name: names.get(from).map(|n| n.chars().take(200).collect()),
                    text: text.chars().take(10_000).collect(),
                    at,
                });
        }
        for s in value["statuses"].as_array().into_iter().flatten() {
            use crate::messages::inbound::DeliveryStatus;
            let Some(id) = s["id"].as_str() else {
                continue;
            };
            let status = match s["status"].as_str() {
                Some("sent") => DeliveryStatus::Sent,
                Some("delivered") => DeliveryStatus::Delivered,
                Some("read") => DeliveryStatus::Read,
                Some("failed") => DeliveryStatus::Failed,
                _ => continue,
            };
            let reason = s["errors"][0].as_object().map(|e| {
                let title = e
                    .get("title")
                    .or_else(|| e.get("message"))
                    .and_then(Value::as_str)
                    .unwrap_or("failed");
                let code = e.get("code").and_then(Value::as_i64).unwrap_or(0);
                format!("{title} [code {code}]").chars().take(500).collect()
            });
            events
                .statuses
                .push(crate::messages::inbound::StatusUpdate::new(
                    id.chars().take(200).collect(),
                    status,
                    reason,
                    timestamp(&s["timestamp"]),
                ));
        }
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> CloudConfig {
        serde_json::from_value(json!({
            "phone_number_id": "106540352242922",
            "access_token": "EAAG", "app_secret": "s3cret", "verify_token": "dogrula"
        }))
        .unwrap()
    }

    #[test]
    fn settings_are_checked() {
        assert!(config().validate().is_ok());
        assert_eq!(config().base_url, "https://graph.facebook.com");
        let mut bad = config();
        bad.api_version = "21".into();
        assert_eq!(bad.validate().unwrap_err().0, "api_version");
        let mut bad = config();
        bad.phone_number_id = "+90 532".into();
        assert_eq!(bad.validate().unwrap_err().0, "phone_number_id");
        let mut bad = config();
        bad.base_url = "ftp://x".into();
        assert_eq!(bad.validate().unwrap_err().0, "base_url");
        let mut bad = config();
        bad.app_secret = " ".into();
        assert_eq!(bad.validate().unwrap_err().0, "app_secret");
    }

    #[test]
    fn errors_map_to_what_the_dispatcher_does() {
        let error = |status: u16, code: i64| {
            error_of(
                reqwest::StatusCode::from_u16(status).unwrap(),
                &json!({ "error": { "message": "m", "code": code } }),
                None,
            )
        };
        assert!(matches!(error(400, 130429), SendError::Transient { .. }));
        assert!(matches!(
            error(400, 131056),
            SendError::RecipientRateLimited { .. }
        ));
        assert!(matches!(error(401, 190), SendError::ChannelBroken { .. }));
        assert!(matches!(error(500, 0), SendError::Transient { .. }));
        assert!(matches!(error(503, 131016), SendError::Transient { .. }));
        assert!(matches!(
            error(400, 133010),
            SendError::ChannelBroken { .. }
        ));
        assert_eq!(
            error(400, 131047),
            SendError::permanent("outside_24h_window", "m [code 131047]")
        );
        assert_eq!(
            error(400, 131026),
            SendError::permanent("whatsapp_131026", "m [code 131026]")
        );
    }

    #[test]
    fn template_placeholders_and_mappings() {
        assert_eq!(
            placeholders("{{2}} ve {{1}}, yine {{1}} {{10}}"),
            ["1", "2", "10"]
        );
        assert_eq!(
            placeholders("Merhaba {{first_name}}, {{ order }} {{first_name}} {{}} {{x y}}"),
            ["first_name", "order"]
        );
        let named = approved_from_graph(&json!({ "name": "n", "language": "tr", "status": "APPROVED",
            "parameter_format": "NAMED", "components": [{ "type": "BODY", "text": "Sayın {{ad}}" }] }))
        .unwrap();
        assert!(named.named_params);
        assert_eq!(named.body_params, ["ad"]);
        assert_eq!(named.header_format, None);
        assert!(approved_from_graph(&json!({ "language": "tr" })).is_none());
        assert_eq!(param_text("Ayşe\n\tYılmaz     Hanım "), "Ayşe Yılmaz Hanım");
        let mapping = |template: &str, language: &str, header: usize| TemplateMapping {
            template: template.into(),
            language: language.into(),
            header: vec!["%ad%".into(); header],
            body: vec!["%ad%".into()],
        };
        assert!(mapping("siparis_2", "tr", 1).validate().is_ok());
        assert!(mapping("siparis_2", "en_US", 0).validate().is_ok());
        assert_eq!(
            mapping("Sipariş", "tr", 0).validate().unwrap_err().0,
            "template"
        );
        assert_eq!(
            mapping("s", "turkish", 0).validate().unwrap_err().0,
            "language"
        );
        assert_eq!(mapping("s", "tr", 2).validate().unwrap_err().0, "header");
    }

    #[test]
    fn signatures_are_checked_in_constant_time() {
        let body = br#"{"object":"whatsapp_business_account"}"#;
        let mut mac = Hmac::<Sha256>::new_from_slice(b"s3cret").unwrap();
        mac.update(body);
        let good = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
        assert!(signature_valid("s3cret", Some(&good), body));
        assert!(!signature_valid("other", Some(&good), body));
        assert!(!signature_valid("s3cret", Some(&good), b"{}"));
        assert!(!signature_valid("s3cret", None, body));
        assert!(!signature_valid("s3cret", Some("sha256=zz"), body));
    }

    #[test]
    fn webhooks_are_read_for_this_number_only() {
        let now = Utc::now().timestamp().to_string();
        let body = json!({
            "object": "whatsapp_business_account",
            "entry": [{ "id": "1", "changes": [
                { "field": "messages", "value": {
                    "metadata": { "phone_number_id": "106540352242922" },
                    "contacts": [{ "wa_id": "905321234567", "profile": { "name": "Ayşe" } }],
                    "messages": [
                        { "from": "905321234567", "id": "wamid.A", "timestamp": now,
                          "type": "text", "text": { "body": "İPTAL" } },
                        { "from": "905321234567", "id": "wamid.B", "timestamp": now,
                          "type": "interactive", "interactive": { "type": "button_reply",
                          "button_reply": { "id": "b1", "title": "Evet" } } },
                        { "from": "905321234567", "id": "wamid.C", "timestamp": now,
                          "type": "unsupported" }
                    ],
                    "statuses": [
                        { "id": "wamid.S", "status": "failed", "timestamp": now,
                          "errors": [{ "code": 131026, "title": "Message undeliverable" }] }
                    ] } },
                { "field": "messages", "value": {
                    "metadata": { "phone_number_id": "999" },
                    "messages": [{ "from": "1", "id": "x", "type": "text", "text": { "body": "no" } }] } }
            ] }]
        });
        let events = parse_webhook("106540352242922", &body).unwrap();
        assert_eq!(events.messages.len(), 2);
        assert_eq!(events.messages[0].text, "İPTAL");
        assert_eq!(events.messages[0].from, "+905321234567");
        assert_eq!(events.messages[0].name.as_deref(), Some("Ayşe"));
        assert_eq!(events.messages[1].text, "Evet");
        assert_eq!(events.statuses.len(), 1);
        assert_eq!(
            events.statuses[0].reason.as_deref(),
            Some("Message undeliverable [code 131026]")
        );
        assert!(parse_webhook("1", &json!({ "object": "page" })).is_err());
        assert_eq!(e164_of_wa_id("5215512345678"), "525512345678");
        assert_eq!(e164_of_wa_id("525512345678"), "525512345678");
        assert_eq!(e164_of_wa_id("905321234567"), "905321234567");
        // A message older than Meta's 7 days of redelivery is a replay: skipped.
        let mut old = body.clone();
        old["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"] = json!("1600000000");
        assert_eq!(
            parse_webhook("106540352242922", &old)
                .unwrap()
                .messages
                .len(),
            1
        );
    }
}
