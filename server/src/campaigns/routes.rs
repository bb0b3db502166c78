//! `/api/v1/workspaces/{workspace}/campaigns…`: drafts, dry runs, start, pause, resume, cancel,
//! live progress (server-sent events) and per-recipient results (JSON pages and CSV).

use std::sync::Arc;
use std::time::Duration;

use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use super::audience::{Audience, address_of};
use super::schedule::{Rate, Schedule, estimate_seconds};
use super::{Campaign, CampaignState, FIELDS, StoredCampaign, find};
use crate::access::{
    Access, Campaigns, Channels, Contacts, Messages, Read, Send, Templates, Write,
};
use crate::app::AppState;
use crate::db::without_nulls;
use crate::error::{ApiError, ErrorBody};
use crate::messages::{LogFilter, Message, Status};
use crate::pagination::{DEFAULT_LIMIT, MAX_LIMIT, Page, PageQuery};
use crate::pipeline::Pipeline;
use crate::transports::Capabilities;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignInput {
    #[schema(example = "Kasım kampanyası")]
    pub name: String,
    /// The template's id.
    #[schema(example = "t0k2m4n6p8r0t2v4x6z8")]
    pub template: String,
    /// The channel's id.
    #[schema(example = "c0k2m4n6p8r0t2v4x6z8")]
    pub channel: String,
    pub audience: Audience,
    #[serde(default)]
    pub schedule: Schedule,
    #[serde(default)]
    pub rate: Rate,
}

fn unprocessable(code: &'static str, message: impl Into<String>, field: &str) -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
        code,
        message,
    )
    .with_details(json!({ "field": field }))
}

/// Everything a draft must satisfy; answers what sending needs.
async fn check(
    pipeline: &Arc<Pipeline>,
    workspace: &str,
    input: &CampaignInput,
) -> Result<(Capabilities, super::enqueue::Material), ApiError> {
    crate::auth::users::validate_name("name", &input.name)?;
    input.audience.validate()?;
    input.rate.validate()?;
    let zone = crate::templates::render_settings(&pipeline.db, workspace)
        .await?
        .time_zone;
    input.schedule.validate(zone)?;
    let channel = crate::channels::find(&pipeline.db, workspace, &input.channel)
        .await?
        .ok_or_else(|| {
            unprocessable(
                "unknown_channel",
                "no such channel in this workspace",
                "channel",
            )
        })?;
    let capabilities = crate::channels::capabilities(pipeline, &channel).await?;
    let material = super::enqueue::material(pipeline, workspace, &input.template, &capabilities)
        .await
        .map_err(|e| {
            if e.code() == "validation_failed" && e.message().starts_with("template:") {
                unprocessable(
                    "unknown_template",
                    "no such template in this workspace",
                    "template",
                )
            } else {
                e
            }
        })?;
    Ok((capabilities, material))
}

/// A template that maps onto an approved WhatsApp template: that template must be among the
/// channel's stored ones, `APPROVED`, and take the parameters the mapping gives; otherwise every
/// recipient outside the 24-hour window would fail.
async fn check_approved(
    db: &crate::db::Db,
    channel: &str,
    material: &super::enqueue::Material,
) -> Result<(), ApiError> {
    let Some(mapping) = &material.approved else {
        return Ok(());
    };
    let stored = crate::transports::whatsapp_cloud::stored_template(
        db,
        channel,
        &mapping.name,
        &mapping.language,
    )
    .await?;
    let problem = match stored {
        None => Some(format!(
            "the approved template `{}` ({}) is not among the channel's templates: refresh them \
             (POST …/channels/{{id}}/templates/refresh) or fix the template's mapping",
            mapping.name, mapping.language
        )),
        Some(t) if t.status != "APPROVED" => Some(format!(
            "the approved template `{}` ({}) is {} at Meta, not APPROVED",
            t.name, t.language, t.status
        )),
        Some(t) if t.body_params.len() != mapping.body.len() => Some(format!(
            "the approved template `{}` takes {} body parameter(s); the mapping gives {}",
            t.name,
            t.body_params.len(),
            mapping.body.len()
        )),
        Some(t)
            if t.header_params.len() != mapping.header.len()
                && !matches!(
                    t.header_format.as_deref(),
                    Some("IMAGE" | "VIDEO" | "DOCUMENT")
                ) =>
        {
            Some(format!(
                "the approved template `{}` takes {} header parameter(s); the mapping gives {}",
                t.name,
                t.header_params.len(),
                mapping.header.len()
            ))
        }
        Some(_) => None,
    };
    match problem {
        Some(message) => Err(unprocessable("template_not_approved", message, "template")),
        None => Ok(()),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CampaignListQuery {
    /// Items per page, 1 to 500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<usize>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only campaigns in these states, comma-separated: `running,paused,scheduled`.
    #[param(example = "running,paused,scheduled")]
    pub state: Option<String>,
}

/// List campaigns
///
/// The workspace's campaigns with their state and counts, optionally only those in some states.
#[utoipa::path(
    tag = "campaigns",
    params(("workspace" = String, Path, description = "Workspace id"), CampaignListQuery),
    responses(
        (status = 200, description = "Campaigns, by id", body = Page<Campaign>),
        (status = 400, description = "An unknown state", body = ErrorBody),
        (status = 403, description = "Your role may not read campaigns", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/campaigns")]
pub async fn list(
    state: web::Data<AppState>,
    access: Access<Campaigns, Read>,
    query: web::Query<CampaignListQuery>,
) -> Result<web::Json<Page<Campaign>>, ApiError> {
    let query = query.into_inner();
    let states = match &query.state {
        None => None,
        Some(text) => Some(
            text.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    serde_json::from_value::<CampaignState>(json!(s))
                        .map(|state| state.as_str())
                        .map_err(|_| {
                            ApiError::invalid_field(
                                "state",
                                format!(
                                    "`{}` is not a campaign state (draft, scheduled, running, \
                                     paused, completed, cancelled, failed)",
                                    s.chars().take(40).collect::<String>()
                                ),
                            )
                        })
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
    };
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor,
    };
    let rows: Vec<Campaign> = state
        .db
        .rows(
            &format!(
                "SELECT {FIELDS} FROM campaign WHERE workspace = $ws AND record::id(id) > $after \
                 AND ($states = NONE OR state IN $states) ORDER BY id LIMIT $limit"
            ),
            without_nulls(json!({ "ws": access.workspace, "after": page.after(),
                                  "limit": page.limit() + 1, "states": states })),
        )
        .await?;
    Ok(web::Json(Page::from_rows(rows, page.limit(), |c| {
        c.id.clone()
    })))
}

/// Create a campaign
///
/// A draft: template, channel, audience, schedule and rate. Checked now (the template compiles, the
/// channel delivers its attachments, the schedule reads), so starting it later fails only on what
/// changed meanwhile.
#[utoipa::path(
    tag = "campaigns",
    params(("workspace" = String, Path, description = "Workspace id")),
    request_body(content = CampaignInput, example = json!({"name": "Kasım kampanyası", "template": "t0k2m4n6p8r0t2v4x6z8", "channel": "c0k2m4n6p8r0t2v4x6z8", "audience": {"tags_any": ["vip"], "exclude_tags": ["test"]}, "schedule": {"window": {"days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "18:00"}}, "rate": {"per_minute": 20, "jitter_min_ms": 1000, "jitter_max_ms": 4000, "daily_cap": 1000}})),
    responses(
        (status = 201, description = "Created as a draft", body = Campaign),
        (status = 400, description = "Invalid name, audience, schedule or rate (named in details.field)", body = ErrorBody),
        (status = 403, description = "Your role may not write campaigns", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
        (status = 422, description = "Unknown template or channel, a template that does not compile, or attachments the channel cannot deliver", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/campaigns")]
#[tracing::instrument(skip_all)]
pub async fn create(
    state: web::Data<AppState>,
    access: Access<Campaigns, Write>,
    body: web::Json<CampaignInput>,
) -> Result<HttpResponse, ApiError> {
    access.also::<Templates, Read>(&state).await?;
    access.also::<Channels, Read>(&state).await?;
    let input = body.into_inner();
    check(&state.pipeline, &access.workspace, &input).await?;
    let campaign: Campaign = state
        .db
        .row(
            &format!(
                "CREATE type::record('campaign', $id) SET workspace = $ws, name = $name, template = $template, \
                 channel = $channel, audience = $audience, schedule = $schedule, rate = $rate, \
                 start_at = <option<datetime>>$start_at, \
                 state = 'draft', counts = {{}}, progress = {{}}, \
                 created_by = $user, created_at = time::now(), updated_at = time::now() RETURN {FIELDS}"
            ),
            without_nulls(json!({ "id": crate::db::new_id(), "ws": access.workspace, "name": input.name.trim(),
                    "template": input.template, "channel": input.channel, "audience": input.audience,
                    "schedule": input.schedule, "rate": input.rate, "user": access.principal.user.id,
                    "start_at": input.schedule.start_at })),
        )
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("campaign not returned")))?;
    Ok(HttpResponse::Created().json(campaign))
}

async fn found(state: &AppState, workspace: &str, id: &str) -> Result<StoredCampaign, ApiError> {
    find(&state.db, workspace, id)
        .await?
        .ok_or_else(|| ApiError::not_found("campaign"))
}

/// Get a campaign
///
/// With its counts per status, the current rate and the estimated time left.
#[utoipa::path(
    tag = "campaigns",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Campaign id")),
    responses(
        (status = 200, description = "The campaign", body = Campaign),
        (status = 403, description = "Your role may not read campaigns", body = ErrorBody),
        (status = 404, description = "No such workspace or campaign", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/campaigns/{id}")]
pub async fn get_one(
    state: web::Data<AppState>,
    access: Access<Campaigns, Read>,
    path: web::Path<(String, String)>,
) -> Result<web::Json<Campaign>, ApiError> {
    Ok(web::Json(
        found(&state, &access.workspace, &path.1).await?.campaign,
    ))
}

fn not_a_draft(campaign: &Campaign) -> ApiError {
    ApiError::conflict(
        "campaign_started",
        format!(
            "the campaign is {}; only drafts can be changed",
            campaign.state.as_str()
        ),
    )
}

/// Change a draft
///
/// Replaces a draft's settings. A campaign that has started cannot be changed (409).
#[utoipa::path(
    tag = "campaigns",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Campaign id")),
    request_body = CampaignInput,
    responses(
        (status = 200, description = "Changed", body = Campaign),
        (status = 400, description = "Invalid name, audience, schedule or rate", body = ErrorBody),
        (status = 403, description = "Your role may not write campaigns", body = ErrorBody),
        (status = 404, description = "No such workspace or campaign", body = ErrorBody),
        (status = 409, description = "The campaign has started", body = ErrorBody),
        (status = 422, description = "Unknown template or channel, or attachments the channel cannot deliver", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[put("/workspaces/{workspace}/campaigns/{id}")]
#[tracing::instrument(skip_all)]
pub async fn update(
    state: web::Data<AppState>,
    access: Access<Campaigns, Write>,
    path: web::Path<(String, String)>,
    body: web::Json<CampaignInput>,
) -> Result<web::Json<Campaign>, ApiError> {
    access.also::<Templates, Read>(&state).await?;
    access.also::<Channels, Read>(&state).await?;
    let current = found(&state, &access.workspace, &path.1).await?;
    if current.campaign.state != CampaignState::Draft {
        return Err(not_a_draft(&current.campaign));
    }
    let input = body.into_inner();
    check(&state.pipeline, &access.workspace, &input).await?;
    let campaign: Campaign = state
        .db
        .row(
            &format!(
                "UPDATE type::record('campaign', $id) SET name = $name, template = $template, channel = $channel, \
                 audience = $audience, schedule = $schedule, rate = $rate, \
                 start_at = <option<datetime>>$start_at, updated_at = time::now() \
                 WHERE workspace = $ws AND state = 'draft' RETURN {FIELDS}"
            ),
            without_nulls(json!({ "id": path.1, "ws": access.workspace, "name": input.name.trim(), "template": input.template,
                    "channel": input.channel, "audience": input.audience, "schedule": input.schedule,
                    "rate": input.rate, "start_at": input.schedule.start_at })),
        )
        .await?
        .ok_or_else(|| not_a_draft(&current.campaign))?;
    Ok(web::Json(campaign))
}

/// Delete a campaign
///
/// Drafts and finished campaigns (their message log stays); a scheduled, running or paused one
/// must be cancelled first (409).
#[utoipa::path(
    tag = "campaigns",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Campaign id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Your role may not write campaigns", body = ErrorBody),
        (status = 404, description = "No such workspace or campaign", body = ErrorBody),
        (status = 409, description = "The campaign is under way", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[delete("/workspaces/{workspace}/campaigns/{id}")]
#[tracing::instrument(skip_all)]
pub async fn delete_one(
    state: web::Data<AppState>,
    access: Access<Campaigns, Write>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let current = found(&state, &access.workspace, &path.1).await?;
    if matches!(
        current.campaign.state,
        CampaignState::Scheduled | CampaignState::Running | CampaignState::Paused
    ) {
        return Err(ApiError::conflict(
            "campaign_under_way",
            "cancel the campaign before deleting it",
        ));
    }
    state
        .db
        .exec(
            "LET $gone = (DELETE type::record('campaign', $id) WHERE workspace = $ws RETURN BEFORE); \
             IF array::len($gone) > 0 { \
                 DELETE type::record('campaign_enqueue', $id); DELETE type::record('campaign_enqueue', [$id, 'b']); \
                 FOR $d IN (SELECT VALUE id FROM array::first([claim:[$ws, $id, NONE]..[$ws, $id, {}]])) { DELETE $d; }; \
                 FOR $d IN (SELECT VALUE id FROM array::first([claim_head:[$ws, $id, NONE]..[$ws, $id, {}]])) { DELETE $d; }; \
             };",
            json!({ "id": path.1, "ws": access.workspace }),
        )
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DryRunQuery {
    /// How many rendered messages to show (default 5, at most 50).
    pub samples: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Sample {
    pub contact: String,
    pub address: String,
    #[schema(example = "Sayın Ayşe Hanım, Kasım'a özel %20 indirim!")]
    pub text: String,
    /// Plugin resolvers that gave no value for this contact; without a fallback
    /// (`fallback_used` false) this message would fail with the reason.
    pub warnings: Vec<crate::templates::RenderWarning>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DryRun {
    /// Contacts the audience matches.
    pub audience: i64,
    /// Messages that would be sent.
    pub would_send: i64,
    /// Contacts left out, by reason (`opted_out`, `no_address`; on WhatsApp Web channels also
    /// `not_on_whatsapp`).
    #[schema(example = json!({"opted_out": 3, "no_address": 0}))]
    pub skipped: std::collections::BTreeMap<String, i64>,
    /// The first messages as their recipients would get them.
    pub samples: Vec<Sample>,
    /// How long sending would take under the rate, cap and window (none: the window never opens).
    pub estimated_seconds: Option<u64>,
    pub estimated_finish: Option<DateTime<Utc>>,
    /// WhatsApp Cloud API channels: of the messages that would be sent, how many go to contacts
    /// who have not written within 24 hours (as of now). They get the approved template the
    /// template maps onto, or are refused without one.
    #[schema(example = 120)]
    pub outside_window: Option<i64>,
    /// The approved template those recipients get (`name (language)`), if the template maps
    /// onto one.
    #[schema(example = "kampanya_duyurusu (tr)")]
    pub approved_template: Option<String>,
    /// WhatsApp Web channels: recipients whose WhatsApp account could not be checked (the channel
    /// is not connected here, your role may not write channels, WhatsApp did not answer, or
    /// beyond what one dry run asks about: 1,000 numbers, within the channel's ten checks of 50 a
    /// minute shared with the number check; answers are remembered, so the next dry run goes
    /// further). They count in
    /// `would_send`; when sending, each is checked and skipped as `not_on_whatsapp` without an
    /// account.
    #[schema(example = 0)]
    pub unchecked_on_whatsapp: Option<i64>,
}

/// Most numbers one dry run asks WhatsApp about (remembered answers are not asked again).
const MAX_DRY_RUN_CHECKS: usize = 1_000;

/// A dry run's "is on WhatsApp" checks through a WhatsApp Web channel.
struct WebCheck {
    client: Option<std::sync::Arc<whatsapp_rust::Client>>,
    /// Numbers it may still ask WhatsApp about.
    budget: usize,
    /// Numbers it could not check.
    unchecked: i64,
}

impl WebCheck {
    /// Of these numbers (digits), those WhatsApp says have no account: the remembered answers,
    /// then WhatsApp's for the rest while the budget lasts.
    async fn absent(
        &mut self,
        db: &crate::db::Db,
        channel: &str,
        numbers: Vec<String>,
    ) -> Result<std::collections::HashSet<String>, ApiError> {
        use crate::transports::whatsapp_web::numbers;
        let known = numbers::known(db, channel, &numbers).await?;
        let mut unknown: Vec<&String> =
            numbers.iter().filter(|d| !known.contains_key(*d)).collect();
        unknown.sort();
        unknown.dedup();
        let mut answered = std::collections::HashMap::new();
        if let Some(client) = &self.client {
            for batch in unknown.chunks(numbers::BATCH) {
                if self.budget < batch.len()
                    || !crate::channels::whatsapp_web::may_check_numbers(channel)
                {
                    break;
                }
                self.budget -= batch.len();
                let batch: Vec<String> = batch.iter().map(|d| (*d).clone()).collect();
                match numbers::ask(db, client, channel, &batch).await {
                    Ok(answers) => answered.extend(answers),
                    Err(reason) => {
                        tracing::info!(channel, reason, "dry run: WhatsApp number check failed");
                        self.budget = 0;
                        break;
                    }
                }
            }
        }
        let mut absent = std::collections::HashSet::new();
        for number in numbers {
            match known.get(&number).or_else(|| answered.get(&number)) {
                Some(answer) if !answer.on => {
                    absent.insert(number);
                }
                Some(_) => {}
                None => self.unchecked += 1,
            }
        }
        Ok(absent)
    }
}

/// Dry-run a campaign
///
/// Counts the audience and the skips by reason, renders the first messages, and estimates the
/// duration under the rate, daily cap and window. Sends and stores nothing.
#[utoipa::path(
    operation_id = "dry_run_campaign",
    tag = "campaigns",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Campaign id"), DryRunQuery),
    responses(
        (status = 200, description = "What the campaign would do", body = DryRun),
        (status = 403, description = "Your role may not write campaigns or read contacts", body = ErrorBody),
        (status = 404, description = "No such workspace or campaign", body = ErrorBody),
        (status = 422, description = "The template no longer compiles, the channel cannot deliver it, or the approved WhatsApp template it maps onto is not approved (`template_not_approved`)", body = ErrorBody),
        (status = 429, description = "Other dry runs are under way: try again after `Retry-After`", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/campaigns/{id}/dry-run")]
#[tracing::instrument(skip_all)]
pub async fn dry_run(
    state: web::Data<AppState>,
    access: Access<Campaigns, Write>,
    path: web::Path<(String, String)>,
    query: web::Query<DryRunQuery>,
) -> Result<web::Json<DryRun>, ApiError> {
    // The samples show contacts; the count reads the whole audience, so few run at once.
    access.also::<Contacts, Read>(&state).await?;
    let Ok(_running) =
        tokio::time::timeout(Duration::from_secs(5), state.pipeline.dry_runs.acquire()).await
    else {
        return Err(ApiError::new(
            actix_web::http::StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "other dry runs are under way; try again shortly",
        )
        .with_retry_after(2));
    };
    let stored = found(&state, &access.workspace, &path.1).await?;
    let campaign = &stored.campaign;
    let pipeline = &state.pipeline;
    let channel = crate::channels::find(&state.db, &access.workspace, &campaign.channel)
        .await?
        .ok_or_else(|| {
            unprocessable(
                "unknown_channel",
                "the campaign's channel is gone",
                "channel",
            )
        })?;
    let capabilities = crate::channels::capabilities(pipeline, &channel).await?;
    let material = super::enqueue::material(
        pipeline,
        &access.workspace,
        &campaign.template,
        &capabilities,
    )
    .await?;
    check_approved(&state.db, &channel.id, &material).await?;
    let wanted = query.samples.unwrap_or(5).min(50);
    let (mut audience, mut would_send) = (0i64, 0i64);
    let mut skipped = std::collections::BTreeMap::new();
    skipped.insert("opted_out".to_owned(), 0);
    skipped.insert("no_address".to_owned(), 0);
    let mut samples = Vec::new();
    let mut after = String::new();
    let cloud = channel.kind == crate::channels::ChannelKind::WhatsappCloud;
    let mut outside_window = 0i64;
    // Asking WhatsApp about numbers is the number check's business (`channels: write`); without
    // it, a dry run uses only the answers already known.
    let may_ask = channel.kind == crate::channels::ChannelKind::WhatsappWeb
        && access
            .also::<crate::access::Channels, Write>(&state)
            .await
            .is_ok();
    let mut web = (channel.kind == crate::channels::ChannelKind::WhatsappWeb).then(|| {
        skipped.insert("not_on_whatsapp".to_owned(), 0);
        WebCheck {
            client: pipeline
                .whatsapp_web
                .get(&channel.id)
                .and_then(|live| live.client())
                .filter(|_| may_ask),
            budget: MAX_DRY_RUN_CHECKS,
            unchecked: 0,
        }
    });
    loop {
        let page = campaign
            .audience
            .page(&state.db, &access.workspace, &after, super::enqueue::PAGE)
            .await?;
        let done = page.len() < super::enqueue::PAGE;
        if let Some(last) = page.last() {
            after = last.id.clone();
        }
        audience += page.len() as i64;
        let recent: std::collections::HashSet<String> = if cloud {
            let ids: Vec<&str> = page.iter().map(|c| c.id.as_str()).collect();
            state
                .db
                .rows(
                    "SELECT VALUE record::id(id)[1] FROM $ids.map(|$c| type::record('inbound_last', [$ch, $c])) \
                     WHERE at != NONE AND at > time::now() - 24h",
                    json!({ "ids": ids, "ch": channel.id }),
                )
                .await?
                .into_iter()
                .collect()
        } else {
            Default::default()
        };
        let addressed: Vec<_> = page
            .into_iter()
            .map(|contact| {
                let address = address_of(&contact, capabilities.address);
                (contact, address)
            })
            .collect();
        let absent = match &mut web {
            Some(web) => {
                let numbers = addressed
                    .iter()
                    .filter_map(|(_, a)| a.as_ref().ok())
                    .map(|a| a.trim_start_matches('+').to_owned())
                    .collect();
                web.absent(&state.db, &channel.id, numbers).await?
            }
            None => Default::default(),
        };
        for (contact, address) in addressed {
            match address {
                Ok(address) if absent.contains(address.trim_start_matches('+')) => {
                    *skipped.entry("not_on_whatsapp".to_owned()).or_default() += 1;
                }
                Ok(address) => {
                    would_send += 1;
                    if cloud && !recent.contains(&contact.id) {
                        outside_window += 1;
                    }
                    if samples.len() < wanted {
                        let crate::templates::RenderedText { text, warnings, .. } =
                            crate::templates::render_one(
                                &state.plugins,
                                &access.workspace,
                                material.template.clone(),
                                &contact,
                                &material.settings,
                            )
                            .await?;
                        samples.push(Sample {
                            contact: contact.id.clone(),
                            address,
                            text,
                            warnings,
                        });
                    }
                }
                Err(skip) => *skipped.entry(skip.as_str().to_owned()).or_default() += 1,
            }
        }
        if done {
            break;
        }
    }
    let zone = material.settings.time_zone;
    let window = campaign
        .schedule
        .window
        .as_ref()
        .map(|w| w.compile(zone))
        .transpose()?;
    let estimated_seconds = estimate_seconds(would_send, &campaign.rate, window.as_ref());
    let begins = campaign
        .schedule
        .start_at
        .filter(|s| *s > Utc::now())
        .unwrap_or_else(Utc::now);
    let begins = window
        .as_ref()
        .and_then(|w| w.next_open(begins))
        .unwrap_or(begins);
    Ok(web::Json(DryRun {
        audience,
        would_send,
        skipped,
        samples,
        estimated_finish: estimated_seconds
            .map(|s| begins + chrono::Duration::seconds(i64::try_from(s).unwrap_or(i64::MAX / 2))),
        estimated_seconds,
        outside_window: cloud.then_some(outside_window),
        unchecked_on_whatsapp: web.map(|w| w.unchecked),
        approved_template: material
            .approved
            .as_ref()
            .map(|m| format!("{} ({})", m.name, m.language)),
    }))
}

async fn transition(
    state: &AppState,
    workspace: &str,
    id: &str,
    from: &[&str],
    to: &str,
    extra: &str,
) -> Result<Option<Campaign>, ApiError> {
    transition_with(state, workspace, id, from, to, extra, json!({})).await
}

/// A transition whose `extra` SET clauses use values of their own (`vars`, an object).
async fn transition_with(
    state: &AppState,
    workspace: &str,
    id: &str,
    from: &[&str],
    to: &str,
    extra: &str,
    vars: serde_json::Value,
) -> Result<Option<Campaign>, ApiError> {
    let mut all = json!({ "id": id, "ws": workspace, "from": from, "to": to });
    if let (Some(all), serde_json::Value::Object(vars)) = (all.as_object_mut(), vars) {
        all.extend(vars);
    }
    // The event the change makes: a start that waits for its time makes none until it runs.
    let event = match (from, to) {
        (["draft"], "running") => Some("campaign.started"),
        (["paused"], _) => Some("campaign.resumed"),
        (_, "paused") => Some("campaign.paused"),
        (_, "cancelled") => Some("campaign.cancelled"),
        _ => None,
    };
    if let Some(event) = event {
        all["event_type"] = json!(event);
    }
    // The dispatcher and the recorder update the same record's counts while it runs: a lost
    // race is retried here rather than answered with a "try again".
    let sql = format!(
        "BEGIN; \
         LET $c = (UPDATE type::record('campaign', $id) SET state = $to, updated_at = time::now(){extra} \
             WHERE workspace = $ws AND state IN $from RETURN {FIELDS}); \
         IF $event_type != NONE AND array::len($c) > 0 {{ \
             CREATE type::record('event', [$ws, rand::ulid()]) SET type = $event_type, at = time::now(), \
                 data = {{ campaign: $id, name: $c[0].name, state: $to, counts: $c[0].counts }}; \
         }}; \
         RETURN $c; \
         COMMIT;"
    );
    let db = &state.db;
    let campaign: Option<Campaign> = db
        .retrying(|| db.last_rows(&sql, all.clone()))
        .await?
        .into_iter()
        .next();
    if campaign.is_some() {
        state.pipeline.wake();
    }
    Ok(campaign)
}

fn wrong_state(campaign: &Campaign, action: &str) -> ApiError {
    ApiError::conflict(
        "wrong_state",
        format!("a {} campaign cannot be {action}", campaign.state.as_str()),
    )
}

/// Start a campaign
///
/// Checks it once more and starts it: at once, or at `schedule.start_at`. Its recipients are
/// rendered into the outbox in the background (watch `enqueued`), and sending follows the rate.
#[utoipa::path(
    operation_id = "start_campaign",
    tag = "campaigns",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Campaign id")),
    responses(
        (status = 202, description = "Started (or scheduled)", body = Campaign),
        (status = 403, description = "Your role may not run campaigns", body = ErrorBody),
        (status = 404, description = "No such workspace or campaign", body = ErrorBody),
        (status = 409, description = "Not a draft", body = ErrorBody),
        (status = 422, description = "The audience is empty, the template does not compile, the channel cannot deliver it, or the approved WhatsApp template it maps onto is not approved (`template_not_approved`)", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/campaigns/{id}/start")]
#[tracing::instrument(skip_all)]
pub async fn start(
    state: web::Data<AppState>,
    access: Access<Campaigns, Send>,
    origin: crate::audit::Origin,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let stored = found(&state, &access.workspace, &path.1).await?;
    let campaign = &stored.campaign;
    if campaign.state != CampaignState::Draft {
        return Err(wrong_state(campaign, "started"));
    }
    let input = CampaignInput {
        name: campaign.name.clone(),
        template: campaign.template.clone(),
        channel: campaign.channel.clone(),
        audience: campaign.audience.clone(),
        schedule: campaign.schedule.clone(),
        rate: campaign.rate.clone(),
    };
    let (_, material) = check(&state.pipeline, &access.workspace, &input).await?;
    check_approved(&state.db, &campaign.channel, &material).await?;
    let first = campaign
        .audience
        .page(&state.db, &access.workspace, "", 1)
        .await?;
    if first.is_empty() {
        return Err(unprocessable(
            "empty_audience",
            "the audience matches no contact",
            "audience",
        ));
    }
    let later = campaign.schedule.start_at.is_some_and(|s| s > Utc::now());
    let to = if later { "scheduled" } else { "running" };
    // What is sent is fixed now: the template's text, attachments and hints as they are at the
    // start, whatever happens to the template later.
    let started = transition_with(
        &state,
        &access.workspace,
        &path.1,
        &["draft"],
        to,
        ", started_at = time::now(), counts = {}, progress = {}, \
         snapshot = (SELECT body, media, channel_hints FROM ONLY type::record('template', $template) \
             WHERE workspace = $ws)",
        json!({ "template": campaign.template }),
    )
    .await?
    .ok_or_else(|| wrong_state(campaign, "started"))?;
    tracing::info!(workspace = %access.workspace, campaign = %path.1, state = to, "campaign started");
    crate::audit::append(
        &state.db,
        access
            .audit(&origin, "campaign.started")
            .target(&path.1)
            .details(json!({ "name": campaign.name, "state": to })),
    )
    .await;
    Ok(HttpResponse::Accepted().json(started))
}

/// Pause a campaign
///
/// Sending stops within a second; messages in flight finish. Resume continues where it stopped.
#[utoipa::path(
    operation_id = "pause_campaign",
    tag = "campaigns",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Campaign id")),
    responses(
        (status = 200, description = "Paused", body = Campaign),
        (status = 403, description = "Your role may not run campaigns", body = ErrorBody),
        (status = 404, description = "No such workspace or campaign", body = ErrorBody),
        (status = 409, description = "Not running or scheduled", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/campaigns/{id}/pause")]
#[tracing::instrument(skip_all)]
pub async fn pause(
    state: web::Data<AppState>,
    access: Access<Campaigns, Send>,
    path: web::Path<(String, String)>,
) -> Result<web::Json<Campaign>, ApiError> {
    let current = found(&state, &access.workspace, &path.1).await?;
    transition(
        &state,
        &access.workspace,
        &path.1,
        &["running", "scheduled"],
        "paused",
        "",
    )
    .await?
    .map(web::Json)
    .ok_or_else(|| wrong_state(&current.campaign, "paused"))
}

/// Resume a campaign
///
/// A paused campaign sends again (or waits for its start time).
#[utoipa::path(
    operation_id = "resume_campaign",
    tag = "campaigns",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Campaign id")),
    responses(
        (status = 200, description = "Running (or scheduled) again", body = Campaign),
        (status = 403, description = "Your role may not run campaigns", body = ErrorBody),
        (status = 404, description = "No such workspace or campaign", body = ErrorBody),
        (status = 409, description = "Not paused", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/campaigns/{id}/resume")]
#[tracing::instrument(skip_all)]
pub async fn resume(
    state: web::Data<AppState>,
    access: Access<Campaigns, Send>,
    path: web::Path<(String, String)>,
) -> Result<web::Json<Campaign>, ApiError> {
    let current = found(&state, &access.workspace, &path.1).await?;
    let later = current
        .campaign
        .schedule
        .start_at
        .is_some_and(|s| s > Utc::now());
    let to = if later { "scheduled" } else { "running" };
    transition(&state, &access.workspace, &path.1, &["paused"], to, "")
        .await?
        .map(web::Json)
        .ok_or_else(|| wrong_state(&current.campaign, "resumed"))
}

/// Cancel a campaign
///
/// Sending stops within a second; every message still queued is cancelled. Cannot be undone.
#[utoipa::path(
    operation_id = "cancel_campaign",
    tag = "campaigns",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Campaign id")),
    responses(
        (status = 200, description = "Cancelled", body = Campaign),
        (status = 403, description = "Your role may not run campaigns", body = ErrorBody),
        (status = 404, description = "No such workspace or campaign", body = ErrorBody),
        (status = 409, description = "Already over", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[post("/workspaces/{workspace}/campaigns/{id}/cancel")]
#[tracing::instrument(skip_all)]
pub async fn cancel(
    state: web::Data<AppState>,
    access: Access<Campaigns, Send>,
    origin: crate::audit::Origin,
    path: web::Path<(String, String)>,
) -> Result<web::Json<Campaign>, ApiError> {
    let current = found(&state, &access.workspace, &path.1).await?;
    let cancelled = transition(
        &state,
        &access.workspace,
        &path.1,
        &["draft", "scheduled", "running", "paused"],
        "cancelled",
        ", finished_at = time::now()",
    )
    .await?
    .ok_or_else(|| wrong_state(&current.campaign, "cancelled"))?;
    crate::audit::append(
        &state.db,
        access
            .audit(&origin, "campaign.cancelled")
            .target(&path.1)
            .details(json!({ "name": current.campaign.name })),
    )
    .await;
    let pipeline = state.pipeline.clone();
    let workspace = access.workspace.clone();
    let id = path.1.clone();
    tokio::spawn(async move {
        // Twice: messages a dispatcher had claimed come back to the queue a moment later.
        for _ in 0..2 {
            if let Err(e) = super::cancel_queued(&pipeline.db, &workspace, &id).await {
                tracing::warn!(campaign = %id, error = %e, "queued messages not cancelled");
            }
            tokio::time::sleep(Duration::from_secs(3)).await;
        }
    });
    Ok(web::Json(cancelled))
}

/// The longest a progress stream stays open.
const STREAM_LIFETIME: Duration = Duration::from_secs(30 * 60);

/// A progress event: the campaign as `GET …/campaigns/{id}` answers.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct CampaignEvent(Campaign);

fn sse(campaign: &Campaign) -> web::Bytes {
    let data = serde_json::to_string(campaign).unwrap_or_else(|_| "{}".into());
    web::Bytes::from(format!("event: progress\ndata: {data}\n\n"))
}

/// Follow a campaign (server-sent events)
///
/// A `progress` event carrying the campaign at once and whenever its counts, state or rate change
/// (checked twice a second); the stream ends after the event of a completed, cancelled or failed
/// campaign.
#[utoipa::path(
    operation_id = "campaign_events",
    tag = "campaigns",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Campaign id")),
    responses(
        (status = 200, description = "`text/event-stream` of `progress` events", content_type = "text/event-stream", body = CampaignEvent),
        (status = 403, description = "Your role may not read campaigns", body = ErrorBody),
        (status = 404, description = "No such workspace or campaign", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/campaigns/{id}/events")]
pub async fn events(
    state: web::Data<AppState>,
    access: Access<Campaigns, Read>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let first = found(&state, &access.workspace, &path.1).await?.campaign;
    let workspace = access.workspace.clone();
    let id = path.1.clone();
    let state = state.clone();
    let principal = access.principal.clone();
    // A stream lasts half an hour at most (clients reconnect), and stops when the caller may no
    // longer read the campaign (checked every ten seconds).
    let until = std::time::Instant::now() + STREAM_LIFETIME;
    let stream = futures_util::stream::unfold(
        (Some(first), None::<String>, std::time::Instant::now()),
        move |(next, last, mut checked)| {
            let state = state.clone();
            let principal = principal.clone();
            let db = state.db.clone();
            let workspace = workspace.clone();
            let id = id.clone();
            async move {
                let mut campaign = next?;
                let mut seen = last;
                loop {
                    if std::time::Instant::now() > until {
                        return None;
                    }
                    if checked.elapsed() >= Duration::from_secs(10) {
                        checked = std::time::Instant::now();
                        let allowed = state
                            .authz
                            .allowed(&principal, &workspace, "campaigns", "read")
                            .await
                            .unwrap_or(false);
                        if !allowed {
                            return None;
                        }
                    }
                    let text = serde_json::to_string(&campaign).unwrap_or_default();
                    let over = matches!(
                        campaign.state,
                        CampaignState::Completed | CampaignState::Cancelled | CampaignState::Failed
                    );
                    if seen.as_deref() != Some(text.as_str()) {
                        let following = if over { None } else { Some(campaign.clone()) };
                        return Some((
                            Ok::<_, actix_web::Error>(sse(&campaign)),
                            (following, Some(text), checked),
                        ));
                    }
                    seen = Some(text);
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    match find(&db, &workspace, &id).await {
                        Ok(Some(fresh)) => campaign = fresh.campaign,
                        _ => return None,
                    }
                }
            }
        },
    );
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(stream))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ResultsQuery {
    /// Items per page, 1 to 500 (default 50). JSON only.
    pub limit: Option<usize>,
    /// `next_cursor` of the previous page. JSON only.
    pub cursor: Option<String>,
    /// Only recipients whose message is in this status.
    pub status: Option<Status>,
}

/// A campaign's recipients
///
/// Each recipient's message with its status and history, by contact, filterable by status.
#[utoipa::path(
    operation_id = "campaign_results",
    tag = "campaigns",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Campaign id"), ResultsQuery),
    responses(
        (status = 200, description = "A page of messages", body = Page<Message>),
        (status = 403, description = "Your role may not read campaigns or messages", body = ErrorBody),
        (status = 404, description = "No such workspace or campaign", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/campaigns/{id}/messages")]
pub async fn results(
    state: web::Data<AppState>,
    access: Access<Campaigns, Read>,
    path: web::Path<(String, String)>,
    query: web::Query<ResultsQuery>,
) -> Result<web::Json<Page<Message>>, ApiError> {
    access.also::<Messages, Read>(&state).await?;
    found(&state, &access.workspace, &path.1).await?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let filter = LogFilter {
        campaign: Some(path.1.clone()),
        status: query.status,
        ..LogFilter::default()
    };
    let cursor = query
        .cursor
        .as_deref()
        .map(|key| crate::messages::message_id(&path.1, key));
    let rows = crate::messages::log(
        &state.db,
        &access.workspace,
        &filter,
        cursor.as_deref(),
        limit + 1,
    )
    .await?;
    Ok(web::Json(Page::from_rows(rows, limit, |m| {
        m.contact.clone().unwrap_or_default()
    })))
}

/// Export a campaign's recipients as CSV
///
/// One line per recipient: contact, address, status, reason, attempts and the times of each
/// status. Streamed, whatever the size.
#[utoipa::path(
    operation_id = "campaign_results_csv",
    tag = "campaigns",
    params(("workspace" = String, Path, description = "Workspace id"), ("id" = String, Path, description = "Campaign id"), ResultsQuery),
    responses(
        (status = 200, description = "CSV file", content_type = "text/csv", body = String),
        (status = 403, description = "Your role may not read campaigns or messages", body = ErrorBody),
        (status = 404, description = "No such workspace or campaign", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/campaigns/{id}/messages.csv")]
pub async fn results_csv(
    state: web::Data<AppState>,
    access: Access<Campaigns, Read>,
    origin: crate::audit::Origin,
    path: web::Path<(String, String)>,
    query: web::Query<ResultsQuery>,
) -> Result<HttpResponse, ApiError> {
    access.also::<Messages, Read>(&state).await?;
    found(&state, &access.workspace, &path.1).await?;
    crate::audit::append(
        &state.db,
        access
            .audit(&origin, "messages.exported")
            .target(&path.1)
            .details(json!({ "status": query.status })),
    )
    .await;
    let header = csv_line(&[
        "contact",
        "address",
        "status",
        "reason",
        "attempts",
        "provider_id",
        "sent_at",
        "delivered_at",
        "read_at",
    ]);
    let db = state.db.clone();
    let workspace = access.workspace.clone();
    let id = path.1.clone();
    let status = query.status;
    let pages = futures_util::stream::try_unfold(Some(String::new()), move |cursor| {
        let db = db.clone();
        let workspace = workspace.clone();
        let id = id.clone();
        async move {
            let Some(after) = cursor else {
                return Ok::<_, actix_web::Error>(None);
            };
            let filter = LogFilter {
                campaign: Some(id.clone()),
                status,
                ..LogFilter::default()
            };
            let from = (!after.is_empty()).then(|| crate::messages::message_id(&id, &after));
            let rows = crate::messages::log(&db, &workspace, &filter, from.as_deref(), 1000)
                .await
                .map_err(|e| {
                    tracing::warn!(error = %e, "campaign export stopped");
                    actix_web::error::ErrorServiceUnavailable("export stopped")
                })?;
            let next = (rows.len() == 1000).then(|| {
                rows.last()
                    .and_then(|m| m.contact.clone())
                    .unwrap_or_default()
            });
            let mut bytes = Vec::new();
            for m in &rows {
                let time = |t: Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
                bytes.extend(csv_line(&[
                    m.contact.as_deref().unwrap_or(""),
                    &m.address,
                    m.status_text(),
                    m.reason.as_deref().unwrap_or(""),
                    &m.attempts.to_string(),
                    m.provider_id.as_deref().unwrap_or(""),
                    &time(m.sent_at),
                    &time(m.delivered_at),
                    &time(m.read_at),
                ]));
            }
            Ok(Some((web::Bytes::from(bytes), next)))
        }
    });
    let body =
        futures_util::stream::once(
            async move { Ok::<_, actix_web::Error>(web::Bytes::from(header)) },
        )
        .chain(pages);
    Ok(HttpResponse::Ok()
        .insert_header(("Content-Type", "text/csv; charset=utf-8"))
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"campaign-{}.csv\"", path.1),
        ))
        .streaming(body))
}

/// One CSV row; every cell is made safe for spreadsheets (no formula can start it).
pub(crate) fn csv_line(cells: &[&str]) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    let _ = writer.write_record(cells.iter().map(|c| crate::contacts::routes::csv_safe(c)));
    writer.into_inner().unwrap_or_default()
}
