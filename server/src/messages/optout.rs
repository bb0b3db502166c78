//! Opt-out: a contact who answers with one of the workspace's opt-out words (`STOP`, `İPTAL`, `DUR`
//! by default) is marked opted out, with the reason and time, and every later send to them is
//! skipped; an opt-in word (`BAŞLA`, `START`) takes them back. Words match the whole message,
//! ignoring case by Turkish rules and surrounding spaces and punctuation.

use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::contacts::model::search_key;
use crate::db::Db;
use crate::error::ApiError;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OptOutWords {
    #[schema(example = json!(["STOP", "İPTAL", "DUR"]))]
    pub opt_out: Vec<String>,
    #[schema(example = json!(["BAŞLA", "START"]))]
    pub opt_in: Vec<String>,
}

impl Default for OptOutWords {
    fn default() -> Self {
        Self {
            opt_out: ["STOP", "İPTAL", "DUR"].map(String::from).to_vec(),
            opt_in: ["BAŞLA", "START"].map(String::from).to_vec(),
        }
    }
}

const MAX_WORDS: usize = 20;
const MAX_WORD_CHARS: usize = 40;

impl OptOutWords {
    pub fn validate(&self) -> Result<(), ApiError> {
        for (field, words) in [("opt_out", &self.opt_out), ("opt_in", &self.opt_in)] {
            if words.len() > MAX_WORDS {
                return Err(ApiError::invalid_field(
                    field,
                    format!("at most {MAX_WORDS} words"),
                ));
            }
            for word in words {
                let normal = normalise(word);
                if normal.is_empty() || word.chars().count() > MAX_WORD_CHARS {
                    return Err(ApiError::invalid_field(
                        field,
                        format!("each word has 1–{MAX_WORD_CHARS} letters or digits"),
                    ));
                }
            }
        }
        let clash = self
            .opt_out
            .iter()
            .map(|w| normalise(w))
            .find(|w| self.opt_in.iter().any(|i| normalise(i) == *w));
        if let Some(word) = clash {
            return Err(ApiError::invalid_field(
                "opt_in",
                format!("`{word}` cannot both opt out and opt in"),
            ));
        }
        Ok(())
    }
}

/// What an inbound text is compared on: Turkish-folded, without surrounding spaces and punctuation.
pub fn normalise(text: &str) -> String {
    search_key(text.trim_matches(|c: char| !c.is_alphanumeric()))
}

pub async fn words(db: &Db, workspace: &str) -> Result<OptOutWords, ApiError> {
    let stored: Option<OptOutWords> = db
        .row(
            "SELECT opt_out, opt_in FROM type::record('messaging_settings', $ws)",
            json!({ "ws": workspace }),
        )
        .await?;
    Ok(stored.unwrap_or_default())
}

pub async fn save_words(db: &Db, workspace: &str, words: &OptOutWords) -> Result<(), ApiError> {
    db.exec(
        "UPSERT type::record('messaging_settings', $ws) SET opt_out = $out, opt_in = $in",
        json!({ "ws": workspace, "out": words.opt_out, "in": words.opt_in }),
    )
    .await?;
    Ok(())
}

/// Opts the contact out (or back in) when the text is one of the workspace's words.
pub async fn apply_keywords(
    db: &Db,
    workspace: &str,
    channel: &str,
    contact: &str,
    text: &str,
) -> Result<(), ApiError> {
    let said = normalise(text);
    if said.is_empty() || said.chars().count() > MAX_WORD_CHARS {
        return Ok(());
    }
    let words = words(db, workspace).await?;
    if words.opt_out.iter().any(|w| normalise(w) == said) {
        let reason: String = format!("replied \u{201c}{}\u{201d}", text.trim())
            .chars()
            .take(200)
            .collect();
        // Retried on a concurrent change: the opted-out posting is shared by a chunk of contacts.
        let vars = json!({ "ws": workspace, "id": contact, "reason": reason, "channel": channel });
        db.retrying(|| db.exec(
            "BEGIN; \
             LET $c = (UPDATE type::record('contact', [$ws, $id]) SET opted_out = true, \
             opted_out_at = time::now(), opt_out_reason = $reason, terms = array::union(terms ?? [], ['o']), \
             updated_at = time::now() WHERE opted_out != true RETURN AFTER)[0]; \
             IF $c != NONE AND $c.chunk != NONE { \
                 UPSERT type::record('contact_posting', [$ws, 'o', $c.chunk]) \
                 SET ids = array::sort(array::union(ids ?? [], [$id])) RETURN NONE; \
             }; \
             IF $c != NONE { \
                 CREATE type::record('event', [$ws, rand::ulid()]) SET type = 'contact.opted_out', \
                     at = time::now(), data = { contact: $id, source: 'reply', channel: $channel, reason: $reason }; \
             }; \
             COMMIT;",
            vars.clone(),
        ))
        .await?;
        tracing::info!(%workspace, %channel, %contact, "contact opted out by reply");
    } else if words.opt_in.iter().any(|w| normalise(w) == said) {
        let vars = json!({ "ws": workspace, "id": contact, "channel": channel });
        db.retrying(|| db.exec(
            "BEGIN; \
             LET $c = (UPDATE type::record('contact', [$ws, $id]) SET opted_out = false, \
             opted_out_at = NONE, opt_out_reason = NONE, terms = array::complement(terms ?? [], ['o']), \
             updated_at = time::now() RETURN BEFORE)[0]; \
             IF $c != NONE AND $c.chunk != NONE AND $c.opted_out = true { \
                 LET $p = type::record('contact_posting', [$ws, 'o', $c.chunk]); \
                 LET $left = (UPDATE $p SET ids = array::complement(ids, [$id]) RETURN VALUE ids)[0]; \
                 IF $left != NONE AND array::len($left) = 0 { DELETE $p; }; \
             }; \
             IF $c != NONE AND $c.opted_out = true { \
                 CREATE type::record('event', [$ws, rand::ulid()]) SET type = 'contact.opted_in', \
                     at = time::now(), data = { contact: $id, source: 'reply', channel: $channel }; \
             }; \
             COMMIT;",
            vars.clone(),
        ))
        .await?;
        tracing::info!(%workspace, %channel, %contact, "contact opted back in by reply");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn words_match_whole_messages_by_turkish_rules() {
        for said in ["iptal", "İPTAL", " İptal! ", "IPTAL.", "ıptal"] {
            assert_eq!(normalise(said), normalise("İPTAL"), "{said}");
        }
        assert_ne!(normalise("iptal etmeyin"), normalise("İPTAL"));
        assert_eq!(normalise("başla"), normalise("BAŞLA"));
    }
}
