//! Whether numbers have a WhatsApp account, asked through a channel's client and remembered per
//! channel, `wa_number:[channel, digits]` {registered, business, at}: the number check route, the
//! campaign dry run and the transport (which skips a recipient without an account instead of
//! sending into nothing) share the answers. A "yes" is trusted for 30 days, a "no" for one (people
//! join WhatsApp).

use std::collections::HashMap;
use std::time::Duration;

use serde::Deserialize;
use serde_json::json;
use whatsapp_rust::{Client, Jid};

use crate::db::{Db, DbError};

/// Most numbers in one query to WhatsApp.
pub const BATCH: usize = 50;
/// How long WhatsApp may take to answer one query.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// What WhatsApp said about one number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    pub on: bool,
    pub business: bool,
}

/// The remembered answers that are still fresh, by digits.
pub async fn known(
    db: &Db,
    channel: &str,
    digits: &[String],
) -> Result<HashMap<String, Answer>, DbError> {
    #[derive(Deserialize)]
    struct Row {
        digits: String,
        registered: bool,
        business: bool,
    }
    if digits.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<Row> = db
        .rows(
            "SELECT record::id(id)[1] AS digits, registered, business \
             FROM $digits.map(|$d| type::record('wa_number', [$ch, $d])) \
             WHERE at != NONE AND at > time::now() - 30d AND (registered OR at > time::now() - 1d)",
            json!({ "ch": channel, "digits": digits }),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.digits,
                Answer {
                    on: r.registered,
                    business: r.business,
                },
            )
        })
        .collect())
}

/// Asks WhatsApp about up to [`BATCH`] numbers (E.164 digits) and remembers the answers.
pub async fn ask(
    db: &Db,
    client: &Client,
    channel: &str,
    digits: &[String],
) -> Result<HashMap<String, Answer>, String> {
    if digits.is_empty() {
        return Ok(HashMap::new());
    }
    let jids: Vec<Jid> = digits.iter().map(|d| Jid::pn(d.clone())).collect();
    let found = tokio::time::timeout(TIMEOUT, client.contacts().is_on_whatsapp(&jids))
        .await
        .map_err(|_| format!("WhatsApp did not answer within {} s", TIMEOUT.as_secs()))?
        .map_err(|e| format!("WhatsApp did not answer: {e}"))?;
    let answers: HashMap<String, Answer> = digits
        .iter()
        .map(|d| {
            let hit = found.iter().find(|r| {
                r.jid.user == d.as_str() || r.pn_jid.as_ref().is_some_and(|p| p.user == d.as_str())
            });
            (
                d.clone(),
                Answer {
                    on: hit.is_some_and(|r| r.is_registered),
                    business: hit.is_some_and(|r| r.is_business),
                },
            )
        })
        .collect();
    let rows: Vec<_> = answers
        .iter()
        .map(|(d, a)| json!({ "d": d, "registered": a.on, "business": a.business }))
        .collect();
    // Remembering is a help, not a must: an answer not kept is asked again next time.
    if let Err(e) = db
        .exec(
            "FOR $r IN $rows { UPSERT type::record('wa_number', [$ch, $r.d]) \
             CONTENT { registered: $r.registered, business: $r.business, at: time::now() }; };",
            json!({ "ch": channel, "rows": rows }),
        )
        .await
    {
        tracing::warn!(channel, error = %e, "could not remember WhatsApp number checks");
    }
    Ok(answers)
}

/// Whether one number has an account: remembered, else asked.
pub async fn is_on(db: &Db, client: &Client, channel: &str, digits: &str) -> Result<bool, String> {
    let digits = [digits.to_owned()];
    if let Ok(known) = known(db, channel, &digits).await
        && let Some(answer) = known.get(&digits[0])
    {
        return Ok(answer.on);
    }
    Ok(ask(db, client, channel, &digits)
        .await?
        .get(&digits[0])
        .is_some_and(|a| a.on))
}
