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
    // Only a clear answer counts: a number WhatsApp left out, or answered with an error for
    // (rate limits, server trouble), stays unknown rather than "no".
    let answers: HashMap<String, Answer> = digits
        .iter()
        .filter_map(|d| {
            let hit = found.iter().find(|r| {
                r.jid.user == d.as_str() || r.pn_jid.as_ref().is_some_and(|p| p.user == d.as_str())
            })?;
            if asked_in_vain(hit) {
                return None;
            }
            Some((
                d.clone(),
                Answer {
                    on: hit.is_registered,
                    business: hit.is_business,
                },
            ))
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

fn asked_in_vain(answer: &whatsapp_rust::wacore::iq::usync::IsOnWhatsAppResult) -> bool {
    answer.contact_error.is_some()
}

/// Remembers that a number has an account (it wrote to the channel).
pub async fn seen_on(db: &Db, channel: &str, digits: &str) {
    let _ = db
        .exec(
            "UPSERT type::record('wa_number', [$ch, $d]) SET registered = true, \
             business = business ?? false, at = time::now() RETURN NONE",
            json!({ "ch": channel, "d": digits }),
        )
        .await;
}

/// Whether one number has an account: remembered, else asked; `None` when WhatsApp gave no
/// clear answer.
pub async fn is_on(
    db: &Db,
    client: &Client,
    channel: &str,
    digits: &str,
) -> Result<Option<bool>, String> {
    let digits = [digits.to_owned()];
    if let Ok(known) = known(db, channel, &digits).await
        && let Some(answer) = known.get(&digits[0])
    {
        return Ok(Some(answer.on));
    }
    Ok(ask(db, client, channel, &digits)
        .await?
        .get(&digits[0])
        .map(|a| a.on))
}
