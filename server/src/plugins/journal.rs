//! What each plugin did lately in each workspace: its recent log lines, and how many calls and
//! items failed with the last reason. Kept in memory on this server (bounded), for plugin authors
//! and workspace admins: `GET …/workspaces/{ws}/plugins/{name}/log`.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use serde::Serialize;
use utoipa::ToSchema;

/// Lines kept per plugin and workspace.
pub const MAX_LINES: usize = 50;
/// Bytes kept of one line or error (cut at a character boundary).
pub const MAX_BYTES: usize = 500;
/// Plugin-and-workspace pairs kept; the one written to longest ago goes first. With lines of at
/// most 500 bytes, the journal holds at most about 25 MB.
const MAX_JOURNALS: usize = 1000;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LogLine {
    pub at: DateTime<Utc>,
    /// `trace`, `debug`, `info`, `warn` or `error`.
    #[schema(example = "warn")]
    pub level: &'static str,
    #[schema(example = "contact 01J… has no 'doğum_tarihi'")]
    pub message: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LastError {
    pub at: DateTime<Utc>,
    /// `call` (the call failed: a trap, a time or memory limit) or `item` (the plugin answered one
    /// contact or message with an error).
    #[schema(example = "item")]
    pub kind: &'static str,
    #[schema(example = "contact 01J… has no 'doğum_tarihi'")]
    pub message: String,
}

/// One plugin's recent activity in one workspace, since this server started.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct PluginLog {
    /// Calls that returned.
    pub calls_ok: u64,
    /// Calls that failed as a whole (trap, time or memory limit, bad answer).
    pub calls_failed: u64,
    /// Items a resolver answered with an error (one contact's value).
    pub item_errors: u64,
    pub last_error: Option<LastError>,
    /// The plugin's most recent `log` lines, oldest first (at most 50).
    pub lines: Vec<LogLine>,
}

#[derive(Default)]
struct Entry {
    log: PluginLog,
    lines: VecDeque<LogLine>,
    touched: u64,
}

/// Entries by (workspace, plugin), with a counter that orders their last writes.
#[derive(Default)]
struct Entries {
    clock: u64,
    by_key: HashMap<(String, String), Entry>,
}

#[derive(Default)]
pub struct Journal {
    entries: Mutex<Entries>,
}

fn clip(text: &str) -> String {
    let mut end = text.len().min(MAX_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

impl Journal {
    fn with(&self, workspace: &str, plugin: &str, f: impl FnOnce(&mut Entry)) {
        let mut guard = self.entries.lock();
        let Entries {
            clock,
            by_key: entries,
        } = &mut *guard;
        *clock += 1;
        let key = (workspace.to_owned(), plugin.to_owned());
        if !entries.contains_key(&key)
            && entries.len() >= MAX_JOURNALS
            && let Some(oldest) = entries
                .iter()
                .min_by_key(|(_, e)| e.touched)
                .map(|(k, _)| k.clone())
        {
            entries.remove(&oldest);
        }
        let entry = entries.entry(key).or_default();
        entry.touched = *clock;
        f(entry);
    }

    pub fn line(&self, workspace: &str, plugin: &str, level: &'static str, message: &str) {
        self.with(workspace, plugin, |entry| {
            if entry.lines.len() == MAX_LINES {
                entry.lines.pop_front();
            }
            entry.lines.push_back(LogLine {
                at: Utc::now(),
                level,
                message: clip(message),
            });
        });
    }

    /// A call's outcome; `items_failed` and `item_error` for answers that failed one item each.
    pub fn call(
        &self,
        workspace: &str,
        plugin: &str,
        failure: Option<&str>,
        items_failed: u64,
        item_error: Option<&str>,
    ) {
        self.with(workspace, plugin, |entry| {
            let log = &mut entry.log;
            match failure {
                Some(message) => {
                    log.calls_failed += 1;
                    log.last_error = Some(LastError {
                        at: Utc::now(),
                        kind: "call",
                        message: clip(message),
                    });
                }
                None => log.calls_ok += 1,
            }
            log.item_errors += items_failed;
            if let (None, Some(message)) = (failure, item_error) {
                log.last_error = Some(LastError {
                    at: Utc::now(),
                    kind: "item",
                    message: clip(message),
                });
            }
        });
    }

    pub fn get(&self, workspace: &str, plugin: &str) -> PluginLog {
        let guard = self.entries.lock();
        guard
            .by_key
            .get(&(workspace.to_owned(), plugin.to_owned()))
            .map(|entry| PluginLog {
                lines: entry.lines.iter().cloned().collect(),
                ..entry.log.clone()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_errors_are_kept_per_workspace_and_bounded() {
        let journal = Journal::default();
        for i in 0..(MAX_LINES + 5) {
            journal.line("w1", "p", "info", &format!("line {i}"));
        }
        journal.line("w2", "p", "warn", &"ş".repeat(MAX_BYTES));
        journal.call("w1", "p", None, 2, Some("contact c1 has no birthday"));
        journal.call("w1", "p", Some("plugin `p`: ran out of time"), 0, None);
        let w1 = journal.get("w1", "p");
        assert_eq!(w1.lines.len(), MAX_LINES);
        assert_eq!(w1.lines[0].message, "line 5");
        assert_eq!((w1.calls_ok, w1.calls_failed, w1.item_errors), (1, 1, 2));
        assert_eq!(w1.last_error.unwrap().kind, "call");
        let w2 = journal.get("w2", "p");
        assert_eq!(w2.lines[0].message.len(), MAX_BYTES, "250 two-byte letters");
        assert_eq!(w2.calls_ok, 0);
        assert!(journal.get("w3", "p").lines.is_empty());
    }
}
