//! What the outbox costs in the embedded store, per message: queueing a campaign (one record per
//! recipient, written 1,000 per transaction) and dispatching it (claiming, then recording that each
//! was sent, with its `message.sent` event). The figures behind the outbox's shape.
//! Usage: outbox_costs [messages, default 100000] [only the variants whose name has this]. Each
//! variant gets a fresh store in a temporary directory.
#![forbid(unsafe_code)]

use std::time::Instant;

use serde_json::{Map, Value, json};
use surrealdb::Surreal;
use surrealdb::engine::any::Any;
use surrealdb::types::SurrealValue;

const PAGE: usize = 1000;
const INDEX: &str = "DEFINE INDEX message_thread ON message FIELDS workspace, contact;";

async fn open(schema: &str) -> anyhow::Result<(Surreal<Any>, std::path::PathBuf)> {
    let dir = std::env::temp_dir().join(format!("ulak-outbox-costs-{}", ulak::db::new_id()));
    std::fs::create_dir_all(&dir)?;
    let db = surrealdb::engine::any::connect(format!("surrealkv://{}", dir.display())).await?;
    db.use_ns("ulak").use_db("ulak").await?;
    db.query(format!(
        "DEFINE TABLE message SCHEMALESS; DEFINE TABLE event SCHEMALESS; {schema}"
    ))
    .await?
    .check()?;
    Ok((db, dir))
}

fn key(i: usize) -> String {
    format!("90532{i:07}")
}

/// A queued message as the enqueue writes it.
fn message(i: usize, history: bool) -> surrealdb::types::Value {
    let now = chrono::Utc::now();
    let mut row = Map::new();
    row.insert("id".into(), json!(["ws1", "campaign1", key(i)]));
    row.insert("workspace".into(), json!("ws1"));
    row.insert("direction".into(), json!("out"));
    row.insert("channel".into(), json!("channel1"));
    row.insert("campaign".into(), json!("campaign1"));
    row.insert("contact".into(), json!(key(i)));
    row.insert("address".into(), json!(format!("+{}", key(i))));
    row.insert(
        "text".into(),
        json!(format!(
            "Merhaba Sayın Çağlar Yılmaz {i}, Çağlar için kasım fırsatları başladı."
        )),
    );
    row.insert("html".into(), json!(false));
    row.insert("attachments".into(), json!([]));
    row.insert("status".into(), json!("queued"));
    row.insert("attempts".into(), json!(0));
    if history {
        row.insert(
            "history".into(),
            json!([{ "status": "queued", "at": now, "reason": null }]),
        );
    }
    ulak::db::with_datetimes(row, &[("created_at", now)])
}

async fn enqueue(
    db: &Surreal<Any>,
    rows: usize,
    history: bool,
    writers: usize,
) -> anyhow::Result<f64> {
    let started = Instant::now();
    for start in (0..rows).step_by(PAGE) {
        let end = (start + PAGE).min(rows);
        let share = (end - start).div_ceil(writers);
        let writes = (start..end).step_by(share).map(|from| {
            let group: Vec<surrealdb::types::Value> = (from..(from + share).min(end))
                .map(|i| message(i, history))
                .collect();
            let db = db.clone();
            // A task each: a query runs in the task that awaits it.
            tokio::spawn(async move {
                db.query("BEGIN; INSERT IGNORE INTO message $rows RETURN NONE; COMMIT;")
                    .bind(ulak::db::vars([("rows", group.into_value())]))
                    .await?
                    .check()?;
                Ok::<_, anyhow::Error>(())
            })
        });
        for written in futures_util::future::join_all(writes).await {
            written??;
        }
    }
    Ok(started.elapsed().as_secs_f64() * 1e6 / rows as f64)
}

/// How a dispatch variant claims and records a batch of keys.
#[derive(Clone, Copy)]
struct Dispatch {
    /// Each message is set to `sending` before it is sent.
    claims: bool,
    /// Events as one INSERT rather than a CREATE per event in a loop.
    insert_events: bool,
    /// Events written at all.
    events: bool,
    /// Two batches recorded at once, in two transactions.
    parallel: bool,
    /// The sent status pushes an entry onto the message's history.
    history: bool,
    /// Record ids bound as values rather than made by a closure for each key.
    bound_ids: bool,
    /// `attempts += 1` and `sent_at = $now` rather than `(attempts ?? 0) + 1` and the history.
    lean_set: bool,
    /// Events bound whole (ids and times made here) rather than built by a closure each.
    bound_events: bool,
}

const LEAN_OFF: Dispatch = Dispatch {
    claims: false,
    insert_events: true,
    events: true,
    parallel: false,
    history: true,
    bound_ids: false,
    lean_set: false,
    bound_events: false,
};

/// The recording the dispatcher does today.
const NOW: Dispatch = LEAN_OFF;

async fn dispatch(db: &Surreal<Any>, rows: usize, how: Dispatch) -> anyhow::Result<f64> {
    let started = Instant::now();
    for start in (0..rows).step_by(PAGE) {
        let keys: Vec<String> = (start..(start + PAGE).min(rows)).map(key).collect();
        if how.claims {
            db.query(
                "LET $ids = (SELECT VALUE id FROM array::first([message:['ws1', 'campaign1', $after]..['ws1', 'campaign1', {}]]) \
                     WHERE status = 'queued' ORDER BY id LIMIT 1000); \
                 UPDATE $ids SET status = 'sending', claimed_by = 'me', lease_until = time::now() + 120s \
                     WHERE status = 'queued' RETURN id, record::id(id)[2] AS key, address, contact, text, attempts;",
            )
            .bind(json!({ "after": keys[0] }))
            .await?
            .check()?;
        } else {
            db.query(
                "SELECT id, record::id(id)[2] AS key, address, contact, text, attempts \
                 FROM array::first([message:['ws1', 'campaign1', $after]..['ws1', 'campaign1', {}]]) \
                 WHERE status = 'queued' ORDER BY id LIMIT 1000",
            )
            .bind(json!({ "after": keys[0] }))
            .await?
            .check()?;
        }
        let events: Vec<Value> = keys
            .iter()
            .map(|k| {
                json!({ "ws": "ws1", "type": "message.sent", "data": {
                    "message": format!("campaign1.{k}"), "channel": "channel1",
                    "campaign": "campaign1", "contact": k, "address": format!("+{k}") } })
            })
            .collect();
        let guard = if how.claims {
            "WHERE status = 'sending' AND claimed_by = 'me'"
        } else {
            "WHERE status = 'queued'"
        };
        let set = if how.lean_set {
            "attempts += 1, sent_at = $now"
        } else if how.history {
            "attempts = (attempts ?? 0) + 1, history = array::push(history ?? [], { status: 'sent', at: time::now() })"
        } else {
            "attempts = (attempts ?? 0) + 1, sent_at = time::now()"
        };
        let target = if how.bound_ids {
            "$ids"
        } else {
            "array::map($keys, |$k| type::record('message', ['ws1', 'campaign1', $k]))"
        };
        let events_sql = if !how.events {
            ""
        } else if how.bound_events {
            "INSERT INTO event $events RETURN NONE;"
        } else if how.insert_events {
            "INSERT INTO event array::map($events, |$e| { id: [$e.ws, rand::ulid()], type: $e.type, at: time::now(), data: $e.data }) RETURN NONE;"
        } else {
            "FOR $e IN $events { CREATE type::record('event', [$e.ws, rand::ulid()]) SET type = $e.type, at = time::now(), data = $e.data; };"
        };
        let sql = format!(
            "BEGIN; \
             UPDATE {target} SET status = 'sent', {set}, lease_until = NONE, \
                 provider_id = string::concat('campaign1.', record::id(id)[2]) {guard} RETURN NONE; \
             {events_sql} \
             COMMIT;"
        );
        let parts = if how.parallel { 2 } else { 1 };
        let share = keys.len().div_ceil(parts);
        let writes = keys
            .chunks(share)
            .zip(events.chunks(share))
            .map(|(keys, events)| {
                let db = db.clone();
                let sql = sql.clone();
                let vars = vars_of(keys, events, how);
                tokio::spawn(async move {
                    db.query(sql).bind(vars).await?.check()?;
                    Ok::<_, anyhow::Error>(())
                })
            });
        for written in futures_util::future::join_all(writes).await {
            written??;
        }
    }
    Ok(started.elapsed().as_secs_f64() * 1e6 / rows as f64)
}

/// The variables of one recording: keys or record ids, events as drafts or whole records.
fn vars_of(keys: &[String], events: &[Value], how: Dispatch) -> surrealdb::types::Value {
    use surrealdb::types::{Array, Datetime, RecordId, RecordIdKey};
    let now = chrono::Utc::now();
    let ids: Vec<surrealdb::types::Value> = keys
        .iter()
        .map(|k| {
            let key = Array::from(vec![
                "ws1".to_owned().into_value(),
                "campaign1".to_owned().into_value(),
                k.clone().into_value(),
            ]);
            surrealdb::types::Value::RecordId(RecordId::new("message", RecordIdKey::Array(key)))
        })
        .collect();
    let events: Vec<surrealdb::types::Value> = if how.bound_events {
        events
            .iter()
            .map(|e| {
                let mut object = surrealdb::types::Object::new();
                let key = Array::from(vec![
                    "ws1".to_owned().into_value(),
                    ulid::Ulid::new().to_string().into_value(),
                ]);
                object.insert(
                    "id",
                    surrealdb::types::Value::RecordId(RecordId::new(
                        "event",
                        RecordIdKey::Array(key),
                    )),
                );
                object.insert("type", "message.sent".to_owned().into_value());
                object.insert("at", surrealdb::types::Value::Datetime(Datetime::from(now)));
                object.insert("data", e["data"].clone().into_value());
                surrealdb::types::Value::Object(object)
            })
            .collect()
    } else {
        events.iter().map(|e| e.clone().into_value()).collect()
    };
    ulak::db::vars([
        ("keys", keys.to_vec().into_value()),
        ("ids", ids.into_value()),
        ("events", events.into_value()),
        (
            "now",
            surrealdb::types::Value::Datetime(Datetime::from(now)),
        ),
    ])
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let rows: usize = std::env::args().nth(1).map_or(Ok(100_000), |n| n.parse())?;
    let only = std::env::args().nth(2).unwrap_or_default();
    println!("== queueing {rows} messages, {PAGE} per transaction (µs per message)");
    let queueing = [
        (
            "with the thread index and a history entry (now)",
            INDEX,
            true,
            1,
        ),
        ("  … in two transactions at once", INDEX, true, 2),
        ("without the history entry", INDEX, false, 1),
        ("  … in two transactions at once", INDEX, false, 2),
        ("  … in four transactions at once", INDEX, false, 4),
        ("without the thread index", "", true, 1),
    ];
    for (name, schema, history, writers) in queueing {
        if !name.contains(&only) {
            continue;
        }
        let (db, dir) = open(schema).await?;
        let cost = enqueue(&db, rows, history, writers).await?;
        println!("{cost:8.1}  {name}");
        drop(db);
        let _ = std::fs::remove_dir_all(dir);
    }
    println!("== dispatching {rows} messages, {PAGE} per claim (µs per message)");
    let dispatching = [
        (
            "claim, then record with a history entry, events by a loop of CREATE (now)",
            Dispatch {
                claims: true,
                insert_events: false,
                history: true,
                events: true,
                parallel: false,
                ..LEAN_OFF
            },
        ),
        (
            "  … events by one INSERT",
            Dispatch {
                claims: true,
                insert_events: true,
                history: true,
                events: true,
                parallel: false,
                ..LEAN_OFF
            },
        ),
        (
            "  … without the history entry",
            Dispatch {
                claims: true,
                insert_events: true,
                history: false,
                events: true,
                parallel: false,
                ..LEAN_OFF
            },
        ),
        (
            "no per-message claim, history entry, events by one INSERT",
            Dispatch {
                claims: false,
                insert_events: true,
                history: true,
                events: true,
                parallel: false,
                ..LEAN_OFF
            },
        ),
        (
            "  … without the history entry",
            Dispatch {
                claims: false,
                insert_events: true,
                history: false,
                events: true,
                parallel: false,
                ..LEAN_OFF
            },
        ),
        (
            "  … without events",
            Dispatch {
                claims: false,
                insert_events: true,
                history: false,
                events: false,
                parallel: false,
                ..LEAN_OFF
            },
        ),
        (
            "  … two halves recorded at once",
            Dispatch {
                claims: false,
                insert_events: true,
                history: false,
                events: false,
                parallel: true,
                ..LEAN_OFF
            },
        ),
        (
            "no per-message claim, history entry, events by one INSERT, record ids bound",
            Dispatch {
                bound_ids: true,
                ..NOW
            },
        ),
        (
            "  … and `attempts += 1, sent_at = $now`",
            Dispatch {
                bound_ids: true,
                lean_set: true,
                ..NOW
            },
        ),
        (
            "  … and events bound whole",
            Dispatch {
                bound_ids: true,
                lean_set: true,
                bound_events: true,
                ..NOW
            },
        ),
        (
            "  … two halves recorded at once",
            Dispatch {
                bound_ids: true,
                lean_set: true,
                bound_events: true,
                parallel: true,
                ..NOW
            },
        ),
    ];
    for (name, how) in dispatching {
        if !name.contains(&only) {
            continue;
        }
        let (db, dir) = open(INDEX).await?;
        enqueue(&db, rows, how.history, 1).await?;
        let cost = dispatch(&db, rows, how).await?;
        println!("{cost:8.1}  {name}");
        drop(db);
        let _ = std::fs::remove_dir_all(dir);
    }
    Ok(())
}
