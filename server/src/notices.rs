//! E-mail notices each user opts into (`GET`/`PUT /api/v1/auth/notices`): a campaign finished, a
//! channel disconnected, an import finished, in any workspace where they may read what it is about.
//!
//! Notices follow each workspace's event log (the events webhooks deliver), every few seconds, from
//! a cursor in the store (`notice_cursor:[workspace]`). A replica takes a stretch of the log by
//! moving the cursor on from where it read it, in one conditional update, and only then mails: with
//! several replicas each event is mailed once (or, should the mail server fail, not at all: notices
//! are not retried). Events older than an hour are passed over, so a server that was down, or a
//! user who opts in later, gets no flood of old news. At most 30 notices an hour go to one user
//! from one replica (the count is per process, and starts again with it).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::{HttpResponse, get, put, web};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::Principal;
use crate::auth::permissions::Permission;
use crate::error::{ApiError, ErrorBody};
use crate::events::{self, Event};

/// The notices a user wants.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({ "campaign_finished": true, "channel_disconnected": true, "import_finished": false }))]
#[serde(deny_unknown_fields)]
pub struct NoticeChoices {
    /// A campaign completed or was cancelled.
    #[serde(default)]
    pub campaign_finished: bool,
    /// A channel lost its connection.
    #[serde(default)]
    pub channel_disconnected: bool,
    /// A contact import completed or failed.
    #[serde(default)]
    pub import_finished: bool,
}

/// The user's notices, and whether this server can send them.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({ "campaign_finished": true, "channel_disconnected": true, "import_finished": false, "mail_configured": true }))]
pub struct Notices {
    /// A campaign completed or was cancelled.
    pub campaign_finished: bool,
    /// A channel lost its connection.
    pub channel_disconnected: bool,
    /// A contact import completed or failed.
    pub import_finished: bool,
    /// False when the server has no `[mail]` settings: nothing can be sent.
    pub mail_configured: bool,
}

impl Notices {
    // Spelled out rather than `#[serde(flatten)]`: the flattened schema kept `NoticeChoices`'s
    // `additionalProperties: false`, which `mail_configured` then broke.
    fn new(choices: NoticeChoices, mail_configured: bool) -> Self {
        Self {
            campaign_finished: choices.campaign_finished,
            channel_disconnected: choices.channel_disconnected,
            import_finished: choices.import_finished,
            mail_configured,
        }
    }
}

/// The event types that make notices, the choice each answers to, and the resource a recipient must
/// be allowed to read.
const TYPES: &[(&str, Kind, &str)] = &[
    ("campaign.completed", Kind::Campaign, "campaigns"),
    ("campaign.cancelled", Kind::Campaign, "campaigns"),
    ("channel.disconnected", Kind::Channel, "channels"),
    ("import.completed", Kind::Import, "contacts"),
    ("import.failed", Kind::Import, "contacts"),
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Campaign,
    Channel,
    Import,
}

impl NoticeChoices {
    fn wants(&self, kind: Kind) -> bool {
        match kind {
            Kind::Campaign => self.campaign_finished,
            Kind::Channel => self.channel_disconnected,
            Kind::Import => self.import_finished,
        }
    }

    fn any(&self) -> bool {
        self.campaign_finished || self.channel_disconnected || self.import_finished
    }
}

/// Your e-mail notices
///
/// Which notices this account gets by e-mail: a campaign finished (completed or cancelled), a
/// channel disconnected, a contact import finished (completed or failed), in any of your
/// workspaces where your role may read campaigns, channels or contacts. All are off until you
/// choose them. `mail_configured` says whether this server sends e-mail at all.
#[utoipa::path(
    tag = "auth",
    responses(
        (status = 200, description = "Your choices", body = Notices),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Called with an API token", body = ErrorBody),
    ),
    security(("session" = []))
)]
#[get("/auth/notices")]
pub async fn get_notices(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<web::Json<Notices>, ApiError> {
    principal.require_session()?;
    let choices: Option<Option<Stored>> = state
        .db
        .row(
            "SELECT VALUE notices FROM type::record('user', $id)",
            json!({ "id": principal.user.id }),
        )
        .await?;
    Ok(web::Json(Notices::new(
        choices.flatten().unwrap_or_default().into(),
        state.mailer.is_some(),
    )))
}

/// Choose your e-mail notices
///
/// Replaces your choices. Choosing any notice on a server without `[mail]` settings is a 409
/// `mail_not_configured`; switching all off always works.
#[utoipa::path(
    tag = "auth",
    request_body(content = NoticeChoices, example = json!({ "campaign_finished": true, "channel_disconnected": true, "import_finished": false })),
    responses(
        (status = 200, description = "Saved", body = Notices),
        (status = 400, description = "Malformed request", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Called with an API token, or the CSRF token is missing", body = ErrorBody),
        (status = 409, description = "This server sends no e-mail (`mail_not_configured`)", body = ErrorBody),
    ),
    security(("session" = []))
)]
#[put("/auth/notices")]
pub async fn put_notices(
    state: web::Data<AppState>,
    principal: Principal,
    body: web::Json<NoticeChoices>,
) -> Result<HttpResponse, ApiError> {
    principal.require_session()?;
    let choices = body.into_inner();
    if choices.any() && state.mailer.is_none() {
        return Err(crate::mail::not_configured());
    }
    state
        .db
        .exec(
            "UPDATE type::record('user', $id) SET notices = $notices",
            json!({ "id": principal.user.id, "notices": choices }),
        )
        .await?;
    Ok(HttpResponse::Ok().json(Notices::new(choices, state.mailer.is_some())))
}

/// How often the logs are looked at.
const TICK: Duration = Duration::from_secs(3);
/// Notices older than this are not sent.
const STALE: Duration = Duration::from_secs(60 * 60);
/// Notices one user gets in an hour at most.
const PER_USER_HOUR: usize = 30;

/// The choices as stored: read leniently (a field a later version adds must not stop notices).
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(default)]
struct Stored {
    campaign_finished: bool,
    channel_disconnected: bool,
    import_finished: bool,
}

impl From<Stored> for NoticeChoices {
    fn from(s: Stored) -> Self {
        NoticeChoices {
            campaign_finished: s.campaign_finished,
            channel_disconnected: s.channel_disconnected,
            import_finished: s.import_finished,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
struct Recipient {
    id: String,
    email: String,
    notices: Stored,
}

/// Follows the workspaces' logs and mails notices, while the server runs and mail is configured.
pub fn spawn(state: &Arc<AppState>) {
    let Some(mailer) = state.mailer.clone() else {
        return;
    };
    let weak = Arc::downgrade(state);
    tokio::spawn(async move {
        let mut sent: HashMap<String, Vec<Instant>> = HashMap::new();
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let Some(state) = weak.upgrade() else { break };
            if let Err(e) = round(&state, &mailer, &mut sent).await {
                tracing::warn!(error = %e, "e-mail notices: a round failed; the next one goes on");
            }
        }
    });
}

async fn round(
    state: &AppState,
    mailer: &Arc<crate::mail::Mailer>,
    sent: &mut HashMap<String, Vec<Instant>>,
) -> Result<(), ApiError> {
    let recipients: Vec<Recipient> = state
        .db
        .rows(
            "SELECT record::id(id) AS id, email, notices FROM user \
             WHERE notices.campaign_finished = true OR notices.channel_disconnected = true \
                 OR notices.import_finished = true",
            json!({}),
        )
        .await?;
    if recipients.is_empty() {
        return Ok(());
    }
    let mut workspaces: HashSet<String> = HashSet::new();
    for recipient in &recipients {
        for (workspace, _) in state
            .authz
            .workspaces_of(&format!("user:{}", recipient.id))
            .await
        {
            workspaces.insert(workspace);
        }
    }
    let types: Vec<String> = TYPES.iter().map(|(t, _, _)| (*t).to_owned()).collect();
    for workspace in workspaces {
        // One workspace's trouble does not hold up the others.
        if let Err(e) = workspace_round(state, mailer, sent, &recipients, &workspace, &types).await
        {
            tracing::warn!(%workspace, error = %e, "e-mail notices: a workspace was skipped this round");
        }
    }
    sent.retain(|_, times| {
        times
            .iter()
            .any(|t| t.elapsed() < Duration::from_secs(3600))
    });
    Ok(())
}

async fn workspace_round(
    state: &AppState,
    mailer: &Arc<crate::mail::Mailer>,
    sent: &mut HashMap<String, Vec<Instant>>,
    recipients: &[Recipient],
    workspace: &str,
    types: &[String],
) -> Result<(), ApiError> {
    let settle = Duration::from_millis(state.settings.events.settle_ms);
    let Some(taken) = take(state, workspace, types, settle).await? else {
        return Ok(());
    };
    for event in taken {
        let Some((_, kind, resource)) = TYPES.iter().find(|(t, _, _)| *t == event.event_type)
        else {
            continue;
        };
        let age = chrono::Utc::now() - event.at;
        if age.to_std().unwrap_or_default() > STALE {
            continue;
        }
        let wanted = [Permission::new(resource, "read")];
        let mut mail: Option<crate::mail::Mail> = None;
        for recipient in recipients
            .iter()
            .filter(|r| NoticeChoices::from(r.notices).wants(*kind))
        {
            let subject = format!("user:{}", recipient.id);
            if !state
                .authz
                .subject_holds_all(&subject, workspace, &wanted)
                .await?
            {
                continue;
            }
            let times = sent.entry(recipient.id.clone()).or_default();
            times.retain(|t| t.elapsed() < Duration::from_secs(3600));
            if times.len() >= PER_USER_HOUR {
                continue;
            }
            times.push(Instant::now());
            // Written once per event, addressed per recipient.
            if mail.is_none() {
                mail = Some(compose(state, mailer, workspace, &event).await);
            }
            if let Some(mail) = &mail {
                mailer.send_later(
                    "notice",
                    crate::mail::Mail {
                        to: recipient.email.clone(),
                        subject: mail.subject.clone(),
                        text: mail.text.clone(),
                    },
                );
            }
        }
    }
    Ok(())
}

/// The workspace's notice-worthy events since its cursor, taken by moving the cursor past them;
/// `None` when there were none, or another replica took them first. A workspace seen for the first
/// time starts from now.
async fn take(
    state: &AppState,
    workspace: &str,
    types: &[String],
    settle: Duration,
) -> Result<Option<Vec<Event>>, ApiError> {
    let cursor: Option<String> = state
        .db
        .row(
            "SELECT VALUE cursor FROM type::record('notice_cursor', $ws)",
            json!({ "ws": workspace }),
        )
        .await?;
    let Some(cursor) = cursor else {
        state
            .db
            .exec(
                "UPSERT type::record('notice_cursor', $ws) SET cursor = cursor ?? $now",
                json!({ "ws": workspace, "now": events::ulid_floor(chrono::Utc::now()) }),
            )
            .await?;
        return Ok(None);
    };
    // Nothing older than an hour is mailed: a cursor left behind (nobody opted in for a while)
    // jumps ahead instead of walking the old log.
    let floor = events::ulid_floor(
        chrono::Utc::now() - chrono::Duration::from_std(STALE).unwrap_or_default(),
    );
    let from = if cursor < floor {
        floor
    } else {
        cursor.clone()
    };
    let (found, last) =
        events::read_after(&state.db, workspace, Some(&from), settle, types, 200, 2000).await?;
    let Some(last) = last else {
        return Ok(None);
    };
    let moved: Vec<Value> = match state
        .db
        .rows(
            "UPDATE type::record('notice_cursor', $ws) SET cursor = $last WHERE cursor = $cursor",
            json!({ "ws": workspace, "last": last, "cursor": cursor }),
        )
        .await
    {
        Ok(moved) => moved,
        // Another replica moved it at the same moment: those events are its to mail.
        Err(crate::db::DbError::Contended(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    if moved.is_empty() || found.is_empty() {
        return Ok(None);
    }
    Ok(Some(found))
}

/// A notice's subject and text (the caller addresses it).
async fn compose(
    state: &AppState,
    mailer: &crate::mail::Mailer,
    workspace: &str,
    event: &Event,
) -> crate::mail::Mail {
    let data = &event.data;
    // Text from providers and plugins (a disconnect's reason, an import's failure) goes in as one
    // line of bounded length, without direction overrides.
    let text = |key: &str| {
        data[key]
            .as_str()
            .unwrap_or("")
            .chars()
            .map(|c| {
                let overrides = ('\u{202a}'..='\u{202e}').contains(&c)
                    || ('\u{2066}'..='\u{2069}').contains(&c);
                if c.is_control() || overrides { ' ' } else { c }
            })
            .take(300)
            .collect::<String>()
    };
    let workspace_name: Option<String> = state
        .db
        .row(
            "SELECT VALUE name FROM type::record('workspace', $ws)",
            json!({ "ws": workspace }),
        )
        .await
        .ok()
        .flatten();
    let ws_name = workspace_name.unwrap_or_else(|| workspace.to_owned());
    let counts = |value: &Value| {
        value
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| format!("{k}: {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    let (subject, tr, en, path) = match event.event_type.as_str() {
        "campaign.completed" | "campaign.cancelled" => {
            let done = event.event_type == "campaign.completed";
            let name = text("name");
            (
                format!(
                    "Ulak: \"{name}\" {} / {}",
                    if done { "tamamlandı" } else { "iptal edildi" },
                    if done { "completed" } else { "cancelled" }
                ),
                format!(
                    "\"{ws_name}\" çalışma alanındaki \"{name}\" kampanyası {}. {}",
                    if done { "tamamlandı" } else { "iptal edildi" },
                    counts(&data["counts"])
                ),
                format!(
                    "The campaign \"{name}\" in \"{ws_name}\" was {}. {}",
                    if done { "completed" } else { "cancelled" },
                    counts(&data["counts"])
                ),
                format!("/app/w/{workspace}/campaigns/{}", text("campaign")),
            )
        }
        "channel.disconnected" => {
            let channel: Option<String> = state
                .db
                .row(
                    "SELECT VALUE name FROM type::record('channel', $id) WHERE workspace = $ws",
                    json!({ "id": text("channel"), "ws": workspace }),
                )
                .await
                .ok()
                .flatten();
            let name = channel.unwrap_or_else(|| text("channel"));
            let reason = text("reason");
            (
                format!("Ulak: \"{name}\" bağlantısı koptu / disconnected"),
                format!(
                    "\"{ws_name}\" çalışma alanındaki \"{name}\" kanalının bağlantısı koptu. {reason}"
                ),
                format!("The channel \"{name}\" in \"{ws_name}\" disconnected. {reason}"),
                format!("/app/w/{workspace}/channels"),
            )
        }
        _ => {
            let failed = event.event_type == "import.failed";
            let failure = text("failure");
            (
                format!(
                    "Ulak: içe aktarma {} / import {}",
                    if failed {
                        "başarısız"
                    } else {
                        "tamamlandı"
                    },
                    if failed { "failed" } else { "completed" }
                ),
                format!(
                    "\"{ws_name}\" çalışma alanındaki kişi içe aktarması {}. {} {failure}",
                    if failed {
                        "başarısız oldu"
                    } else {
                        "tamamlandı"
                    },
                    counts(&data["counts"])
                ),
                format!(
                    "The contact import in \"{ws_name}\" {}. {} {failure}",
                    if failed { "failed" } else { "completed" },
                    counts(&data["counts"])
                ),
                format!("/app/w/{workspace}/contacts"),
            )
        }
    };
    let link = mailer.link(&path);
    crate::mail::Mail {
        to: String::new(),
        subject,
        text: format!(
            "{tr}\n{link}\n\n---\n\n{en}\n{link}\n\n\
             Bu bildirimleri profilinizden kapatabilirsiniz. / You can switch these notices off in your profile.\n"
        ),
    }
}
