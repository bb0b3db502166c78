//! When a campaign may send and how fast: a start time, a sending window (weekdays and hours in the
//! workspace's time zone), messages per minute with random jitter between sends, a daily cap on the
//! channel, and a minimum gap between two messages to the same recipient.

use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;

/// Hours of the days a campaign may send in, in the workspace's time zone.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// Days it may send on: `mon` … `sun` (all days when empty).
    #[serde(default)]
    #[schema(example = json!(["mon", "tue", "wed", "thu", "fri"]))]
    pub days: Vec<String>,
    /// From this time of day (`HH:MM`).
    #[schema(example = "09:00")]
    pub from: String,
    /// Until this time of day (`HH:MM`, exclusive); before `from` means the window spans midnight.
    #[schema(example = "18:00")]
    pub to: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// Start then (when absent, at once).
    pub start_at: Option<DateTime<Utc>>,
    pub window: Option<Window>,
}

/// How fast a campaign sends. Defaults are what senders who care about bans use.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Rate {
    /// Messages per minute; `null` for no limit (rehearsals on a sandbox channel).
    #[serde(default = "default_per_minute")]
    #[schema(example = 20)]
    pub per_minute: Option<u32>,
    /// A random pause between two sends, at least this long (milliseconds)…
    #[serde(default = "default_jitter_min")]
    #[schema(example = 1000)]
    pub jitter_min_ms: u32,
    /// …and at most this long.
    #[serde(default = "default_jitter_max")]
    #[schema(example = 4000)]
    pub jitter_max_ms: u32,
    /// Messages the channel may send per day (in the workspace's time zone), all its campaigns and
    /// single sends together; `null` for no cap.
    #[serde(default)]
    #[schema(example = 1000)]
    pub daily_cap: Option<u32>,
    /// Seconds that must pass between two messages to the same recipient on the channel.
    #[serde(default)]
    #[schema(example = 3600)]
    pub min_gap_per_recipient_secs: Option<u32>,
}

fn default_per_minute() -> Option<u32> {
    Some(20)
}
fn default_jitter_min() -> u32 {
    1000
}
fn default_jitter_max() -> u32 {
    4000
}

impl Default for Rate {
    fn default() -> Self {
        Self {
            per_minute: default_per_minute(),
            jitter_min_ms: default_jitter_min(),
            jitter_max_ms: default_jitter_max(),
            daily_cap: None,
            min_gap_per_recipient_secs: None,
        }
    }
}

impl Rate {
    pub fn validate(&self) -> Result<(), ApiError> {
        if self.per_minute == Some(0) || self.per_minute.is_some_and(|n| n > 60_000) {
            return Err(ApiError::invalid_field(
                "rate.per_minute",
                "1–60000, or null for no limit",
            ));
        }
        if self.jitter_min_ms > self.jitter_max_ms || self.jitter_max_ms > 3_600_000 {
            return Err(ApiError::invalid_field(
                "rate.jitter_max_ms",
                "at least jitter_min_ms and at most an hour",
            ));
        }
        if self.daily_cap == Some(0) {
            return Err(ApiError::invalid_field(
                "rate.daily_cap",
                "at least 1, or null for no cap",
            ));
        }
        if self
            .min_gap_per_recipient_secs
            .is_some_and(|s| s > 30 * 24 * 3600)
        {
            return Err(ApiError::invalid_field(
                "rate.min_gap_per_recipient_secs",
                "at most 30 days",
            ));
        }
        Ok(())
    }

    /// Whether anything slows sending down.
    pub fn unlimited(&self) -> bool {
        self.per_minute.is_none() && self.jitter_max_ms == 0
    }
}

fn parse_time(field: &str, text: &str) -> Result<NaiveTime, ApiError> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .map_err(|_| ApiError::invalid_field(field, "a time of day as HH:MM"))
}

fn parse_day(day: &str) -> Option<Weekday> {
    match day.trim().to_ascii_lowercase().as_str() {
        "mon" | "monday" => Some(Weekday::Mon),
        "tue" | "tuesday" => Some(Weekday::Tue),
        "wed" | "wednesday" => Some(Weekday::Wed),
        "thu" | "thursday" => Some(Weekday::Thu),
        "fri" | "friday" => Some(Weekday::Fri),
        "sat" | "saturday" => Some(Weekday::Sat),
        "sun" | "sunday" => Some(Weekday::Sun),
        _ => None,
    }
}

/// A window ready to be asked.
#[derive(Debug, Clone)]
pub struct OpenHours {
    days: Vec<Weekday>,
    from: NaiveTime,
    to: NaiveTime,
    zone: Tz,
}

impl Window {
    pub fn compile(&self, zone: Tz) -> Result<OpenHours, ApiError> {
        let mut days = Vec::new();
        for (index, day) in self.days.iter().enumerate() {
            days.push(parse_day(day).ok_or_else(|| {
                ApiError::invalid_field(
                    &format!("schedule.window.days[{index}]"),
                    "one of mon, tue, wed, thu, fri, sat, sun",
                )
            })?);
        }
        let from = parse_time("schedule.window.from", &self.from)?;
        let to = parse_time("schedule.window.to", &self.to)?;
        if from == to {
            return Err(ApiError::invalid_field(
                "schedule.window.to",
                "must differ from `from`",
            ));
        }
        Ok(OpenHours {
            days,
            from,
            to,
            zone,
        })
    }
}

impl Schedule {
    pub fn validate(&self, zone: Tz) -> Result<(), ApiError> {
        if let Some(window) = &self.window {
            window.compile(zone)?;
        }
        if let Some(start) = self.start_at
            && start > Utc::now() + Duration::days(366)
        {
            return Err(ApiError::invalid_field(
                "schedule.start_at",
                "at most a year ahead",
            ));
        }
        Ok(())
    }
}

impl OpenHours {
    fn day_allowed(&self, day: Weekday) -> bool {
        self.days.is_empty() || self.days.contains(&day)
    }

    /// Whether sending is allowed at this moment.
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        let local = at.with_timezone(&self.zone);
        let time = local.time();
        if self.from < self.to {
            self.day_allowed(local.weekday()) && time >= self.from && time < self.to
        } else if time >= self.from {
            // Spanning midnight: the evening part belongs to today…
            self.day_allowed(local.weekday())
        } else {
            // …the morning part to the day before.
            time < self.to && self.day_allowed(local.weekday().pred())
        }
    }

    /// The next moment (at or after `at`) the window is open; `None` when it never opens.
    pub fn next_open(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.is_open(at) {
            return Some(at);
        }
        let local = at.with_timezone(&self.zone);
        for offset in 0..=8 {
            let date = local.date_naive() + Duration::days(offset);
            if !self.day_allowed(date.weekday()) {
                continue;
            }
            let candidate = self
                .zone
                .from_local_datetime(&date.and_time(self.from))
                .earliest()?
                .with_timezone(&Utc);
            if candidate > at {
                return Some(candidate);
            }
        }
        None
    }

    /// Minutes the window is open per week.
    fn minutes_per_week(&self) -> i64 {
        let span = (self.to - self.from).num_minutes().rem_euclid(24 * 60);
        let days = if self.days.is_empty() {
            7
        } else {
            self.days.len() as i64
        };
        span * days
    }
}

/// How long sending `count` messages takes under a rate and window, roughly.
pub fn estimate_seconds(count: i64, rate: &Rate, window: Option<&OpenHours>) -> Option<u64> {
    if count <= 0 {
        return Some(0);
    }
    let per_minute = match rate.per_minute {
        Some(n) => {
            // Jitter slows a steady sender further.
            let jitter = f64::from(rate.jitter_min_ms + rate.jitter_max_ms) / 2.0 / 1000.0;
            let pace = 60.0 / f64::from(n).max(1e-9);
            60.0 / (pace + jitter).max(1e-9)
        }
        None => return Some(0),
    };
    let mut minutes = count as f64 / per_minute;
    if let Some(cap) = rate.daily_cap {
        let days = (count as f64 / f64::from(cap)).ceil() - 1.0;
        minutes = minutes.max(days * 24.0 * 60.0);
    }
    if let Some(window) = window {
        let open = window.minutes_per_week();
        if open <= 0 {
            return None;
        }
        // Open minutes are spread over the week.
        minutes *= (7.0 * 24.0 * 60.0) / open as f64;
    }
    Some((minutes * 60.0).ceil() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().to_utc()
    }

    #[test]
    fn windows_follow_the_workspace_time_zone_and_weekdays() {
        let window = Window {
            days: vec!["mon".into(), "tue".into()],
            from: "09:00".into(),
            to: "18:00".into(),
        }
        .compile(chrono_tz::Europe::Istanbul)
        .unwrap();
        // 2026-11-30 is a Monday; Istanbul is UTC+3.
        assert!(window.is_open(at("2026-11-30T06:00:00Z")));
        assert!(!window.is_open(at("2026-11-30T05:59:00Z")));
        assert!(!window.is_open(at("2026-11-30T15:00:00Z")));
        assert!(!window.is_open(at("2026-12-02T08:00:00Z")), "a Wednesday");
        assert_eq!(
            window.next_open(at("2026-12-01T16:00:00Z")),
            Some(at("2026-12-07T06:00:00Z")),
            "after Tuesday's hours, next Monday"
        );
    }

    #[test]
    fn a_window_may_span_midnight() {
        let window = Window {
            days: vec!["fri".into()],
            from: "22:00".into(),
            to: "02:00".into(),
        }
        .compile(chrono_tz::UTC)
        .unwrap();
        assert!(window.is_open(at("2026-12-04T23:00:00Z")), "Friday night");
        assert!(window.is_open(at("2026-12-05T01:00:00Z")), "after midnight");
        assert!(
            !window.is_open(at("2026-12-05T23:00:00Z")),
            "Saturday night"
        );
    }

    #[test]
    fn bad_windows_name_their_field() {
        let bad = Window {
            days: vec!["someday".into()],
            from: "9".into(),
            to: "18:00".into(),
        };
        let err = bad.compile(chrono_tz::UTC).unwrap_err();
        assert!(err.to_string().contains("schedule.window.days[0]"), "{err}");
    }
}
