//! Starting a campaign: every recipient of the audience rendered into the outbox, a page of
//! contacts at a time. Each page's messages and the campaign's cursor and counts are written in one
//! transaction, keyed by campaign and contact, so an enqueue interrupted by a crash resumes where
//! it stopped and never queues a contact twice. The text, attachments and address are frozen here.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::Utc;
use serde_json::{Map, Value, json};
use surrealdb::types::SurrealValue;

use super::StoredCampaign;
use super::audience::{Skip, address_of};
use crate::contacts::model::Contact;
use crate::error::ApiError;
use crate::messages::{MessageAttachment, message_id};
use crate::pipeline::Pipeline;
use crate::templates::render::CompiledTemplate;
use crate::templates::{RenderSettings, render_for};
use crate::transports::Capabilities;

/// Contacts rendered and written per transaction.
pub const PAGE: usize = 1000;

/// What a campaign's messages are made from, prepared once.
pub struct Material {
    pub template: Arc<CompiledTemplate>,
    pub attachments: Vec<MessageAttachment>,
    pub subject: Option<String>,
    pub html: bool,
    pub settings: RenderSettings,
    /// The approved WhatsApp template the template maps onto, for channels that send them.
    pub approved: Option<Arc<crate::templates::CompiledMapping>>,
}

#[derive(serde::Deserialize)]
struct StoredTemplate {
    body: String,
    #[serde(default)]
    media: Vec<String>,
    #[serde(default)]
    channel_hints: BTreeMap<String, Value>,
}

/// Compiles the campaign's template and resolves its attachments; an error says why the campaign
/// cannot be sent.
pub async fn material(
    pipeline: &Pipeline,
    workspace: &str,
    template_id: &str,
    capabilities: &Capabilities,
) -> Result<Material, ApiError> {
    material_with(
        pipeline,
        workspace,
        template_id,
        capabilities,
        &std::collections::BTreeSet::new(),
    )
    .await
}

/// As [`material`], with extra names that count as custom fields (a single send's overrides).
pub async fn material_with(
    pipeline: &Pipeline,
    workspace: &str,
    template_id: &str,
    capabilities: &Capabilities,
    extra_fields: &std::collections::BTreeSet<String>,
) -> Result<Material, ApiError> {
    let template: StoredTemplate = pipeline
        .db
        .row(
            "SELECT body, media, channel_hints FROM type::record('template', $id) WHERE workspace = $ws",
            json!({ "id": template_id, "ws": workspace }),
        )
        .await?
        .ok_or_else(|| {
            ApiError::invalid_field("template", "no such template in this workspace")
        })?;
    material_from(pipeline, workspace, template, capabilities, extra_fields).await
}

/// The material of a template as given (a started campaign's snapshot of it).
async fn material_from(
    pipeline: &Pipeline,
    workspace: &str,
    template: StoredTemplate,
    capabilities: &Capabilities,
    extra_fields: &std::collections::BTreeSet<String>,
) -> Result<Material, ApiError> {
    let compiled = crate::templates::compile_with(
        pipeline.renderer(),
        workspace,
        &template.body,
        extra_fields,
    )
    .await?;
    let attachments =
        crate::messages::attachments(&pipeline.db, workspace, &template.media, "template.media")
            .await?;
    crate::messages::check_attachments(&attachments, capabilities, "template.media")?;
    let approved = if capabilities.approved_templates {
        crate::templates::compile_mapping(
            pipeline.renderer(),
            workspace,
            &template.channel_hints,
            extra_fields,
        )
        .await?
        .map(Arc::new)
    } else {
        None
    };
    let hint = |key: &str| {
        template
            .channel_hints
            .get("smtp")
            .and_then(|h| h.get(key))
            .cloned()
    };
    Ok(Material {
        template: Arc::new(compiled.template),
        attachments,
        subject: hint("subject").and_then(|s| s.as_str().map(str::to_owned)),
        html: hint("html").and_then(|h| h.as_bool()).unwrap_or(false),
        settings: crate::templates::render_settings(&pipeline.db, workspace).await?,
        approved,
    })
}

/// One recipient's message, or why there is none.
enum Outcome {
    Queued {
        address: String,
        text: String,
        approved: Option<crate::transports::ApprovedMessage>,
    },
    Skipped(Skip),
    Failed(String),
}

/// Renders a page of contacts (plugin values fetched for the whole page first).
async fn render_page(
    pipeline: &Pipeline,
    campaign: &StoredCampaign,
    material: &Material,
    capabilities: &Capabilities,
    contacts: Vec<Contact>,
) -> Result<Vec<(Contact, Outcome)>, ApiError> {
    let mut sendable = Vec::new();
    let mut skipped = Vec::new();
    for contact in contacts {
        match address_of(&contact, capabilities.address) {
            Ok(address) => sendable.push((contact, address)),
            Err(skip) => skipped.push((contact, Outcome::Skipped(skip))),
        }
    }
    let people: Vec<Contact> = sendable.iter().map(|(c, _)| c.clone()).collect();
    let crate::templates::PluginValues { values, warnings } =
        if material.template.plugin_calls().is_empty() {
            crate::templates::PluginValues::none(people.len())
        } else {
            crate::templates::plugin_values(
                &pipeline.plugins,
                &campaign.workspace,
                &material.template,
                &people,
                &material.settings,
            )
            .await?
        };
    let template = material.template.clone();
    let settings = material.settings.clone();
    let campaign_id = campaign.campaign.id.clone();
    let max_text = capabilities.max_text_chars;
    let approved = material.approved.clone();
    let rendered = tokio::task::spawn_blocking(move || {
        sendable
            .into_iter()
            .zip(values)
            .zip(warnings)
            .map(|(((contact, address), values), warnings)| {
                let seed = message_id(&campaign_id, &contact.id);
                let outcome = match render_for(&template, &contact, &settings, &values, &seed) {
                    // A placeholder whose plugin gave no value and that has no fallback: not sent
                    // half-filled.
                    Ok(text) if text.contains(crate::templates::MISSING) => Outcome::Failed(
                        warnings
                            .iter()
                            .find(|w| !w.fallback_used)
                            .map(crate::templates::RenderWarning::failure)
                            .unwrap_or_else(|| "a plugin placeholder got no value".into()),
                    ),
                    Ok(text) if max_text.is_some_and(|max| text.chars().count() > max as usize) => {
                        Outcome::Failed(format!(
                            "the text is longer than the channel's {} characters",
                            max_text.unwrap_or_default()
                        ))
                    }
                    Ok(text) => match approved
                        .as_deref()
                        .map(|m| crate::templates::render_mapping(m, &contact, &settings, &seed))
                        .transpose()
                    {
                        Ok(approved) => Outcome::Queued {
                            address,
                            text,
                            approved,
                        },
                        Err(failure) => Outcome::Failed(format!(
                            "the approved template's parameters: {failure}"
                        )),
                    },
                    Err(failure) => Outcome::Failed(failure.to_string()),
                };
                (contact, outcome)
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(ApiError::internal)?;
    let mut all = skipped;
    all.extend(rendered);
    all.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    Ok(all)
}

/// Queues the campaign's recipients from where it stopped; returns when every one is queued.
pub async fn run(
    pipeline: &Arc<Pipeline>,
    campaign: &StoredCampaign,
    capabilities: &Capabilities,
) -> Result<(), ApiError> {
    let material = match campaign
        .snapshot
        .clone()
        .and_then(|s| serde_json::from_value::<StoredTemplate>(s).ok())
    {
        Some(template) => {
            material_from(
                pipeline,
                &campaign.workspace,
                template,
                capabilities,
                &std::collections::BTreeSet::new(),
            )
            .await?
        }
        None => {
            material(
                pipeline,
                &campaign.workspace,
                &campaign.campaign.template,
                capabilities,
            )
            .await?
        }
    };
    let material = Arc::new(material);
    // Before the first message: a contact's thread finds the campaign's messages by it.
    crate::messages::threads::note_campaign(
        &pipeline.db,
        &campaign.workspace,
        &campaign.campaign.id,
    )
    .await?;
    // A page is read and rendered in a task of its own while the one before is written (a query
    // runs in the task that awaits it).
    let prepare = |after: String| {
        let pipeline = pipeline.clone();
        let campaign = campaign.clone();
        let material = material.clone();
        let capabilities = capabilities.clone();
        tokio::spawn(async move {
            let started = std::time::Instant::now();
            let page = campaign
                .campaign
                .audience
                .page(&pipeline.db, &campaign.workspace, &after, PAGE)
                .await?;
            let done = page.len() < PAGE;
            let last = page.last().map(|c| c.id.clone());
            let outcomes =
                render_page(&pipeline, &campaign, &material, &capabilities, page).await?;
            Ok::<_, ApiError>((outcomes, done, last, started.elapsed().as_millis() as u64))
        })
    };
    let mut cursor = campaign.enqueue_cursor.clone();
    let mut next = Some(prepare(cursor.clone()));
    while let Some(page) = next.take() {
        let (outcomes, done, last, prepared_ms) = page.await.map_err(ApiError::internal)??;
        if let (Some(after), false) = (&last, done) {
            next = Some(prepare(after.clone()));
        }
        // A campaign cancelled meanwhile stops here; what the last page queued is cancelled.
        let state: Option<String> = pipeline
            .db
            .rows::<String>(
                "SELECT VALUE state FROM type::record('campaign', $id)",
                json!({ "id": campaign.campaign.id }),
            )
            .await?
            .into_iter()
            .next();
        match state.as_deref() {
            Some("cancelled") => {
                if let Some(page) = next {
                    page.abort();
                }
                super::cancel_queued(&pipeline.db, &campaign.workspace, &campaign.campaign.id)
                    .await?;
                return Ok(());
            }
            None | Some("failed" | "completed") => {
                if let Some(page) = next {
                    page.abort();
                }
                return Ok(());
            }
            _ => {}
        }
        let started = std::time::Instant::now();
        write_page(
            pipeline,
            campaign,
            &material,
            outcomes,
            last.as_deref(),
            done,
        )
        .await?;
        tracing::debug!(campaign = %campaign.campaign.id, prepared_ms,
            written_ms = started.elapsed().as_millis() as u64, "page queued");
        pipeline.work.notify_waiters();
        if let Some(last) = last {
            cursor = last;
        }
        if done {
            tracing::info!(campaign = %campaign.campaign.id, %cursor, "campaign queued");
        }
    }
    Ok(())
}

/// The two halves of a page are written at once, each in a transaction of its own with its own
/// counts record (the campaign's `campaign_enqueue` and `[campaign, 'b']`, which readers add in):
/// a query runs in the task that awaits it, so one writer keeps one core busy.
const HALVES: [&str; 2] = ["a", "b"];

/// Writes a page's messages, then the enqueueing's cursor. Each half counts only the messages
/// it actually inserted, so a page written again after a crash (its cursor was not saved yet)
/// neither queues nor counts a recipient twice.
async fn write_page(
    pipeline: &Arc<Pipeline>,
    campaign: &StoredCampaign,
    material: &Material,
    outcomes: Vec<(Contact, Outcome)>,
    last: Option<&str>,
    done: bool,
) -> Result<(), ApiError> {
    let now = Utc::now();
    let ws = &campaign.workspace;
    let id = &campaign.campaign.id;
    let half = outcomes.len().div_ceil(2).max(1);
    let mut writes = Vec::with_capacity(2);
    for (part, outcomes) in HALVES.iter().zip(outcomes.chunks(half)) {
        // By status: each INSERT says how many rows it stored.
        let mut rows: BTreeMap<&str, Vec<surrealdb::types::Value>> = BTreeMap::new();
        for (contact, outcome) in outcomes {
            let (status, reason, address, text) = match outcome {
                Outcome::Queued { address, text, .. } => {
                    ("queued", None, address.clone(), text.clone())
                }
                Outcome::Skipped(skip) => (
                    "skipped",
                    Some(skip.as_str().to_owned()),
                    contact.phone.clone(),
                    String::new(),
                ),
                Outcome::Failed(reason) => (
                    "failed",
                    Some(format!("render_failed: {reason}")),
                    contact.phone.clone(),
                    String::new(),
                ),
            };
            let mut row = Map::new();
            row.insert("id".into(), json!([ws, id, contact.id]));
            row.insert("workspace".into(), json!(ws));
            row.insert("direction".into(), json!("out"));
            row.insert("channel".into(), json!(campaign.campaign.channel));
            row.insert("campaign".into(), json!(id));
            row.insert("contact".into(), json!(contact.id));
            row.insert("address".into(), json!(address));
            row.insert("text".into(), json!(text));
            if let Some(subject) = &material.subject {
                row.insert("subject".into(), json!(subject));
            }
            // Fields at their default (no HTML, no attachments, no attempt yet) are left out:
            // every value costs its write, a hundred thousand times over.
            if material.html {
                row.insert("html".into(), json!(true));
            }
            if !material.attachments.is_empty() {
                row.insert("attachments".into(), json!(material.attachments));
            }
            if let Outcome::Queued {
                approved: Some(approved),
                ..
            } = outcome
            {
                row.insert("approved".into(), json!(approved));
            }
            row.insert("status".into(), json!(status));
            if let Some(reason) = &reason {
                row.insert("reason".into(), json!(reason));
            }
            // A queued message's first entry is its creation (`messages::Message`'s reading).
            if status != "queued" {
                row.insert(
                    "history".into(),
                    json!([{ "status": status, "at": now, "reason": reason }]),
                );
            }
            rows.entry(status)
                .or_default()
                .push(crate::db::with_datetimes(row, &[("created_at", now)]));
        }
        let mut take = |status: &str| rows.remove(status).unwrap_or_default().into_value();
        // The campaign record itself is not touched: the dispatcher updates it all the time,
        // and these transactions are long. Recipients skipped or failed here count on the
        // workspace's day too (on the enqueueing's own records: no other writer waits for them).
        let (queued, skipped, failed) = (take("queued"), take("skipped"), take("failed"));
        let day_add = if matches!(&skipped, surrealdb::types::Value::Array(a) if !a.is_empty())
            || matches!(&failed, surrealdb::types::Value::Array(a) if !a.is_empty())
        {
            crate::messages::stats::ADD_STATEMENT
        } else {
            ""
        };
        let counts = if *part == "a" {
            "type::record('campaign_enqueue', $id)"
        } else {
            "type::record('campaign_enqueue', [$id, $part])"
        };
        let sql = format!(
            "BEGIN; \
             LET $q = array::len(INSERT IGNORE INTO message $queued RETURN BEFORE); \
             LET $s = array::len(INSERT IGNORE INTO message $skipped RETURN BEFORE); \
             LET $f = array::len(INSERT IGNORE INTO message $failed RETURN BEFORE); \
             UPSERT {counts} SET enqueued = (enqueued ?? 0) + $q + $s + $f, \
                 queued = (queued ?? 0) + $q, skipped = (skipped ?? 0) + $s, failed = (failed ?? 0) + $f \
                 RETURN NONE; \
             LET $day_counts = {{ skipped: $s, failed: $f }}; \
             {day_add} \
             COMMIT;"
        );
        let vars = crate::db::vars([
            ("queued", queued),
            ("skipped", skipped),
            ("failed", failed),
            ("id", json!(id).into_value()),
            ("part", json!(part).into_value()),
            ("ws", json!(ws).into_value()),
            (
                "day",
                json!(crate::messages::stats::today(material.settings.time_zone)).into_value(),
            ),
            ("ch", json!(campaign.campaign.channel).into_value()),
            ("writer", json!(format!("enqueue:{id}:{part}")).into_value()),
        ]);
        let pipeline = pipeline.clone();
        writes.push(tokio::spawn(async move {
            let db = &pipeline.db;
            db.retrying(|| db.exec_native(&sql, vars.clone())).await
        }));
    }
    // Both halves end before an error is reported: none may go on writing after it.
    let mut first_error = None;
    for write in writes {
        if let Err(e) = write
            .await
            .map_err(ApiError::internal)
            .and_then(|written| written.map_err(ApiError::from))
        {
            first_error.get_or_insert(e);
        }
    }
    if let Some(e) = first_error {
        return Err(e);
    }
    pipeline
        .db
        .retrying(|| {
            pipeline.db.exec(
                "UPSERT type::record('campaign_enqueue', $id) SET cursor = $cursor, done = $done RETURN NONE",
                json!({ "id": id, "cursor": last.unwrap_or(&campaign.enqueue_cursor), "done": done }),
            )
        })
        .await?;
    Ok(())
}
