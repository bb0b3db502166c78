//! Message counts per workspace and day, for the dashboard: how many messages were sent, delivered,
//! read, failed, skipped and received each day, in the workspace's time zone.
//!
//! The counts are events, kept as they happen in small records per workspace, day, channel and
//! writer (`message_day:[workspace, 'YYYY-MM-DD', channel, writer]`) by the writers that change a
//! message's status — the enqueueing (skipped, failed), the recorder (sent, failed, skipped),
//! delivery reports (delivered, read, failed) and inbound messages (received) — so that the
//! dashboard reads a few records instead of scanning the outbox. Each writer has records of its own:
//! a channel's recorder never waits for, nor conflicts with, another channel's or the reports'.

use std::collections::BTreeMap;

use actix_web::{get, web};
use chrono::{Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use crate::access::{Access, Messages, Read};
use crate::app::AppState;
use crate::db::Db;
use crate::error::{ApiError, ErrorBody};

/// The statuses counted per day.
pub const COUNTED: [&str; 6] = ["sent", "delivered", "read", "failed", "skipped", "received"];

/// The statement that adds `$day_counts` (an object of status → count) to the workspace's day
/// `$day` for channel `$ch` and writer `$writer`, for a writer's own transaction; the variables
/// are the writer's to bind.
pub const ADD_STATEMENT: &str = "UPSERT type::record('message_day', [$ws, $day, $ch, $writer]) SET \
     sent = (sent ?? 0) + ($day_counts.sent ?? 0), \
     delivered = (delivered ?? 0) + ($day_counts.delivered ?? 0), \
     read = (read ?? 0) + ($day_counts.read ?? 0), \
     failed = (failed ?? 0) + ($day_counts.failed ?? 0), \
     skipped = (skipped ?? 0) + ($day_counts.skipped ?? 0), \
     received = (received ?? 0) + ($day_counts.received ?? 0);";

/// Today in the workspace's time zone, as the day records are keyed.
pub fn today(zone: chrono_tz::Tz) -> String {
    Utc::now()
        .with_timezone(&zone)
        .format("%Y-%m-%d")
        .to_string()
}

/// Adds counts to today's record of the workspace, channel and writer, for writers outside a
/// transaction of their own. Best effort: the counts are for a dashboard, and a failure here must
/// not undo or stop what the writer did; it is logged.
pub async fn add(
    db: &Db,
    workspace: &str,
    channel: &str,
    writer: &str,
    counts: &BTreeMap<&str, i64>,
) {
    if counts.values().all(|n| *n == 0) {
        return;
    }
    let result = async {
        let zone = crate::templates::render_settings(db, workspace)
            .await?
            .time_zone;
        let vars = json!({ "ws": workspace, "day": today(zone), "ch": channel,
                           "writer": writer, "day_counts": counts });
        db.retrying(|| db.exec(ADD_STATEMENT, vars.clone())).await?;
        Ok::<_, ApiError>(())
    }
    .await;
    if let Err(e) = result {
        tracing::warn!(%workspace, %channel, error = %e, "cannot count messages for the statistics");
    }
}

/// Messages by status: events of one day, or of several added up.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct DayCounts {
    /// Accepted by the provider (or the SMTP server).
    pub sent: u64,
    pub delivered: u64,
    pub read: u64,
    /// Given up after the retries, or reported failed by the provider.
    pub failed: u64,
    /// Not sent: opted out, no address for the channel …
    pub skipped: u64,
    /// Inbound messages.
    pub received: u64,
}

impl DayCounts {
    fn add(&mut self, other: &DayCounts) {
        self.sent += other.sent;
        self.delivered += other.delivered;
        self.read += other.read;
        self.failed += other.failed;
        self.skipped += other.skipped;
        self.received += other.received;
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Day {
    #[schema(value_type = String, format = Date, example = "2026-12-01")]
    pub day: NaiveDate,
    #[serde(flatten)]
    pub counts: DayCounts,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageStats {
    /// The workspace's time zone, in which days begin and end.
    #[schema(example = "Europe/Istanbul")]
    pub time_zone: String,
    /// One entry per day of the window, oldest first; days without messages have zeros.
    pub days: Vec<Day>,
    pub today: DayCounts,
    /// Today and the six days before it.
    pub last_7_days: DayCounts,
    /// Delivered (or read) per sent over the last 7 days, 0 to 1; null when nothing was sent. A
    /// channel that reports no deliveries (SMTP) counts none.
    #[schema(example = 0.94)]
    pub delivery_rate: Option<f64>,
    /// Read per sent over the last 7 days, 0 to 1; null when nothing was sent.
    #[schema(example = 0.61)]
    pub read_rate: Option<f64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatsQuery {
    /// Days in `days`, 1 to 90 (default 14), ending today.
    pub days: Option<i64>,
}

#[derive(Deserialize)]
struct StoredDay {
    day: String,
    #[serde(default, deserialize_with = "crate::messages::null_as_default")]
    sent: i64,
    #[serde(default, deserialize_with = "crate::messages::null_as_default")]
    delivered: i64,
    #[serde(default, deserialize_with = "crate::messages::null_as_default")]
    read: i64,
    #[serde(default, deserialize_with = "crate::messages::null_as_default")]
    failed: i64,
    #[serde(default, deserialize_with = "crate::messages::null_as_default")]
    skipped: i64,
    #[serde(default, deserialize_with = "crate::messages::null_as_default")]
    received: i64,
}

/// Message statistics
///
/// Messages per day by status (sent, delivered, read, failed, skipped, received) in the workspace's
/// time zone, today's and the last seven days' totals, and the delivery and read rates: what the
/// dashboard charts. Counts are of events: a message sent on Monday and read on Tuesday counts as
/// sent on Monday and read on Tuesday.
#[utoipa::path(
    operation_id = "message_stats",
    tag = "messages",
    params(("workspace" = String, Path, description = "Workspace id"), StatsQuery),
    responses(
        (status = 200, description = "The counts", body = MessageStats),
        (status = 400, description = "`days` out of range", body = ErrorBody),
        (status = 403, description = "Your role may not read messages", body = ErrorBody),
        (status = 404, description = "No such workspace of yours", body = ErrorBody),
    ),
    security(("session" = []), ("bearer" = []))
)]
#[get("/workspaces/{workspace}/messages/stats")]
pub async fn stats(
    state: web::Data<AppState>,
    access: Access<Messages, Read>,
    query: web::Query<StatsQuery>,
) -> Result<web::Json<MessageStats>, ApiError> {
    let days = query.days.unwrap_or(14);
    if !(1..=90).contains(&days) {
        return Err(ApiError::invalid_field("days", "must be 1 to 90"));
    }
    let zone = crate::templates::render_settings(&state.db, &access.workspace)
        .await?
        .time_zone;
    let today = Utc::now().with_timezone(&zone).date_naive();
    let window = days.max(7);
    let first = today - Duration::days(window - 1);
    let stored: Vec<StoredDay> = state
        .db
        .rows(
            "SELECT record::id(id)[1] AS day, sent, delivered, read, failed, skipped, received \
             FROM array::first([message_day:[$ws, $from]..[$ws, $after]])",
            json!({
                "ws": access.workspace,
                "from": first.format("%Y-%m-%d").to_string(),
                "after": (today + Duration::days(1)).format("%Y-%m-%d").to_string(),
            }),
        )
        .await?;
    // A day has a record per channel and writer: added up here.
    let mut by_day: BTreeMap<NaiveDate, DayCounts> = BTreeMap::new();
    let count = |n: i64| n.max(0) as u64;
    for s in stored {
        let Ok(day) = NaiveDate::parse_from_str(&s.day, "%Y-%m-%d") else {
            continue;
        };
        by_day.entry(day).or_default().add(&DayCounts {
            sent: count(s.sent),
            delivered: count(s.delivered),
            read: count(s.read),
            failed: count(s.failed),
            skipped: count(s.skipped),
            received: count(s.received),
        });
    }
    let counts_of = |day: NaiveDate| by_day.get(&day).copied().unwrap_or_default();
    let mut last_7_days = DayCounts::default();
    for back in 0..7 {
        last_7_days.add(&counts_of(today - Duration::days(back)));
    }
    let rate = |part: u64| {
        (last_7_days.sent > 0).then(|| (part as f64 / last_7_days.sent as f64).min(1.0))
    };
    Ok(web::Json(MessageStats {
        time_zone: zone.name().to_owned(),
        days: (0..days)
            .rev()
            .map(|back| {
                let day = today - Duration::days(back);
                Day {
                    day,
                    counts: counts_of(day),
                }
            })
            .collect(),
        today: counts_of(today),
        delivery_rate: rate(last_7_days.delivered),
        read_rate: rate(last_7_days.read),
        last_7_days,
    }))
}
