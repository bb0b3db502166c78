//! A contact's messages without an index over every message: a campaign's message to a contact
//! is keyed [workspace, campaign, contact], so the campaigns a workspace ever queued
//! (`message_batch:[workspace, campaign]`, written once per campaign) name them all; single sends
//! and inbound messages, which are keyed by time, each get a `contact_message:[workspace, contact,
//! batch, key]` record in the transaction that stores them. Writing an index entry for every
//! queued recipient was half of what queueing a campaign cost (100,000 recipients: 5.1 s with
//! it, 2.65 s without, `bench/messaging.sh`).

use serde_json::json;

use crate::db::{Db, DbError};

/// Binds `$thread_ids`: the record ids of every message of `$contact` in `$ws` (ids of campaigns
/// that never reached the contact included: a select from them finds nothing).
pub const THREAD_IDS: &str = "LET $thread_ids = array::concat( \
     array::map((SELECT VALUE record::id(id)[1] FROM array::first([message_batch:[$ws, NONE]..[$ws, {}]])), \
         |$b| type::record('message', [$ws, $b, $contact])), \
     (SELECT VALUE message FROM array::first([contact_message:[$ws, $contact, NONE]..[$ws, $contact, {}]])));";

/// Records that a campaign queues messages in a workspace (before its first one is written).
pub async fn note_campaign(db: &Db, workspace: &str, campaign: &str) -> Result<(), DbError> {
    db.exec(
        "UPSERT type::record('message_batch', [$ws, $batch]) SET at = time::now() RETURN NONE",
        json!({ "ws": workspace, "batch": campaign }),
    )
    .await
}

/// Builds both kinds of record for messages stored before they existed (schema v23), batch by
/// batch: a skip from one batch's last message to the next batch's first. Safe to run again.
pub async fn backfill(db: &Db) -> Result<(), DbError> {
    let workspaces: Vec<String> = db
        .rows("SELECT VALUE record::id(id) FROM workspace", json!({}))
        .await?;
    for ws in workspaces {
        let mut batch = String::new();
        loop {
            let next: Option<String> = db
                .row(
                    "SELECT VALUE record::id(id)[1] FROM array::first([message:[$ws, $after, {}]..[$ws, {}]]) LIMIT 1",
                    json!({ "ws": ws, "after": batch }),
                )
                .await?;
            let Some(next) = next else {
                break;
            };
            batch = next;
            if !batch.starts_with('~') {
                note_campaign(db, &ws, &batch).await?;
                continue;
            }
            let mut after = String::new();
            loop {
                #[derive(serde::Deserialize)]
                struct Page {
                    count: usize,
                    last: Option<String>,
                }
                let page: Option<Page> = db
                    .last_rows(
                        "LET $page = (SELECT id, record::id(id)[2] AS key, contact \
                             FROM array::first([message:[$ws, $batch, $after]>..[$ws, $batch, {}]]) \
                             ORDER BY id LIMIT 2000); \
                         FOR $m IN $page { IF $m.contact != NONE { \
                             UPSERT type::record('contact_message', [$ws, $m.contact, $batch, $m.key]) \
                                 SET message = $m.id RETURN NONE; \
                         }; }; \
                         RETURN { count: array::len($page), last: array::last($page).key };",
                        json!({ "ws": ws, "batch": batch, "after": after }),
                    )
                    .await?
                    .into_iter()
                    .next();
                match page {
                    Some(Page {
                        count: 2000,
                        last: Some(last),
                    }) => after = last,
                    _ => break,
                }
            }
        }
    }
    Ok(())
}
