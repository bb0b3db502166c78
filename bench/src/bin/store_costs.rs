//! What storing and listing contacts costs in the embedded store, by table definition: the figures
//! behind the contact table's shape (no secondary index, SCHEMALESS, only the times typed and set by
//! the writer, `INSERT … RETURN BEFORE` to count what was stored) and behind listing by a record range
//! returned from a function call.
//! Usage: store_costs [rows, default 100000]. Each variant gets a fresh store in a temporary directory.
#![forbid(unsafe_code)]

use std::time::Instant;

use serde_json::{Value, json};
use surrealdb::Surreal;
use surrealdb::engine::any::Any;
use surrealdb::types::SurrealValue;

/// Every contact field typed, as the table was defined before (migration 2).
const TYPED_ALL: &str = "
DEFINE FIELD workspace ON contact TYPE string;
DEFINE FIELD phone ON contact TYPE string;
DEFINE FIELD first_name ON contact TYPE option<string>;
DEFINE FIELD last_name ON contact TYPE option<string>;
DEFINE FIELD gender ON contact TYPE option<string>;
DEFINE FIELD honorific ON contact TYPE option<string>;
DEFINE FIELD language ON contact TYPE option<string>;
DEFINE FIELD email ON contact TYPE option<string>;
DEFINE FIELD opt_out_reason ON contact TYPE option<string>;
DEFINE FIELD notes ON contact TYPE option<string>;
";

/// The fields the table keeps typed now (migration 5).
const TYPED_CORE: &str = "
DEFINE FIELD tags ON contact TYPE array<string> DEFAULT [];
DEFINE FIELD tag_keys ON contact TYPE array<string> DEFAULT [];
DEFINE FIELD opted_out ON contact TYPE bool DEFAULT false;
DEFINE FIELD opted_out_at ON contact TYPE option<datetime>;
DEFINE FIELD search ON contact TYPE string DEFAULT '';
DEFINE FIELD created_at ON contact TYPE datetime DEFAULT time::now();
DEFINE FIELD updated_at ON contact TYPE datetime DEFAULT time::now();
";

const INDEX: &str = "DEFINE INDEX contact_workspace_phone ON contact FIELDS workspace, phone;";

fn contact(i: usize) -> Value {
    let phone = format!("+90532{i:07}");
    json!({
        "id": ["ws1", phone.trim_start_matches('+')],
        "workspace": "ws1",
        "phone": phone,
        "first_name": format!("Çağlar{i}"),
        "last_name": "Yılmaz",
        "email": format!("user{i}@example.com"),
        "tags": ["müşteri"],
        "tag_keys": ["musteri"],
        "custom_fields": {"şehir": "İzmir"},
        "opted_out": false,
        "search": format!("caglar{i} yilmaz user{i}@example.com {phone} 0532{i:07}"),
    })
}

async fn open(schema: &str) -> anyhow::Result<(Surreal<Any>, std::path::PathBuf)> {
    let dir = std::env::temp_dir().join(format!("ulak-store-costs-{}", ulak::db::new_id()));
    std::fs::create_dir_all(&dir)?;
    let db = surrealdb::engine::any::connect(format!("surrealkv://{}", dir.display())).await?;
    db.use_ns("ulak").use_db("ulak").await?;
    db.query(schema).await?.check()?;
    Ok((db, dir))
}

/// How a variant writes: whether the writer sets `created_at` and `updated_at` (as native datetimes)
/// and what the `INSERT` returns.
#[derive(Clone, Copy)]
struct Write {
    stamped: bool,
    returns: &'static str,
}

/// The server's import before this table was tuned: the store filled the times in, the INSERT
/// returned the ids it stored.
const BEFORE: Write = Write {
    stamped: false,
    returns: "VALUE record::id(id)[1]",
};

async fn insert(db: &Surreal<Any>, rows: usize, write: Write) -> anyhow::Result<f64> {
    let started = Instant::now();
    for start in (0..rows).step_by(2000) {
        let group: Vec<Value> = (start..(start + 2000).min(rows)).map(contact).collect();
        let now = chrono::Utc::now();
        let stamps: &[(&str, chrono::DateTime<chrono::Utc>)] = if write.stamped {
            &[("created_at", now), ("updated_at", now)]
        } else {
            &[]
        };
        let group: Vec<surrealdb::types::Value> = group
            .into_iter()
            .map(|row| match row {
                Value::Object(object) => ulak::db::with_datetimes(object, stamps),
                _ => unreachable!("contact() builds objects"),
            })
            .collect();
        db.query(format!(
            "INSERT IGNORE INTO contact $rows RETURN {}",
            write.returns
        ))
        .bind(ulak::db::vars([("rows", group.into_value())]))
        .await?
        .check()?;
    }
    Ok(started.elapsed().as_secs_f64() * 1e6 / rows as f64)
}

/// Pages of 50 through the workspace's contacts: (pages per second, rows seen).
async fn pages(db: &Surreal<Any>, sql: &str, cursor: &str) -> anyhow::Result<(f64, usize)> {
    let started = Instant::now();
    let (mut after, mut count, mut seen) = (String::new(), 0, 0);
    while count < 100 {
        let mut response = db
            .query(sql)
            .bind(json!({ "ws": "ws1", "after": after, "limit": 50 }))
            .await?
            .check()?;
        let rows: surrealdb::types::Value = response.take(0)?;
        let rows = rows.into_json_value();
        let Some(last) = rows.as_array().and_then(|r| r.last()) else {
            break;
        };
        after = last[cursor].as_str().unwrap_or_default().to_owned();
        seen += rows.as_array().map_or(0, Vec::len);
        count += 1;
    }
    Ok((count as f64 / started.elapsed().as_secs_f64(), seen))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let rows: usize = std::env::args().nth(1).map_or(Ok(100_000), |n| n.parse())?;
    println!("== storing {rows} contacts, 2,000 per INSERT (µs per contact)");
    let stamped = |returns| Write {
        stamped: true,
        returns,
    };
    let typed_stamps = "DEFINE FIELD created_at ON contact TYPE datetime; DEFINE FIELD updated_at ON contact TYPE datetime;";
    let variants = [
        (
            "SCHEMAFULL, all fields typed, index on (workspace, phone) (migration 2)",
            format!(
                "DEFINE TABLE contact SCHEMAFULL; {TYPED_ALL} {TYPED_CORE} DEFINE FIELD custom_fields ON contact TYPE object FLEXIBLE DEFAULT {{}}; {INDEX}"
            ),
            BEFORE,
        ),
        (
            "SCHEMAFULL, all fields typed, no index",
            format!(
                "DEFINE TABLE contact SCHEMAFULL; {TYPED_ALL} {TYPED_CORE} DEFINE FIELD custom_fields ON contact TYPE object FLEXIBLE DEFAULT {{}};"
            ),
            BEFORE,
        ),
        (
            "SCHEMALESS, core fields typed, times by DEFAULT (migration 5)",
            format!(
                "DEFINE TABLE contact SCHEMALESS; DEFINE FIELD workspace ON contact TYPE string; DEFINE FIELD phone ON contact TYPE string; {TYPED_CORE} DEFINE FIELD custom_fields ON contact TYPE object DEFAULT {{}};"
            ),
            BEFORE,
        ),
        (
            "SCHEMALESS, only the times typed, by DEFAULT",
            "DEFINE TABLE contact SCHEMALESS; DEFINE FIELD created_at ON contact TYPE datetime DEFAULT time::now(); DEFINE FIELD updated_at ON contact TYPE datetime DEFAULT time::now();".to_owned(),
            BEFORE,
        ),
        (
            "SCHEMALESS, core fields typed, times set by the writer",
            format!(
                "DEFINE TABLE contact SCHEMALESS; DEFINE FIELD workspace ON contact TYPE string; DEFINE FIELD phone ON contact TYPE string; DEFINE FIELD tags ON contact TYPE array<string>; DEFINE FIELD tag_keys ON contact TYPE array<string>; DEFINE FIELD custom_fields ON contact TYPE object; DEFINE FIELD opted_out ON contact TYPE bool; DEFINE FIELD opted_out_at ON contact TYPE option<datetime>; DEFINE FIELD search ON contact TYPE string; {typed_stamps}"
            ),
            stamped("VALUE record::id(id)[1]"),
        ),
        (
            "SCHEMALESS, only the times typed, set by the writer",
            format!("DEFINE TABLE contact SCHEMALESS; {typed_stamps}"),
            stamped("VALUE record::id(id)[1]"),
        ),
        (
            "  … returning `VALUE id`",
            format!("DEFINE TABLE contact SCHEMALESS; {typed_stamps}"),
            stamped("VALUE id"),
        ),
        (
            "  … returning BEFORE, an empty row per stored contact (migration 6, now)",
            format!("DEFINE TABLE contact SCHEMALESS; {typed_stamps}"),
            stamped("BEFORE"),
        ),
        (
            "  … returning NONE",
            format!("DEFINE TABLE contact SCHEMALESS; {typed_stamps}"),
            stamped("NONE"),
        ),
        (
            "SCHEMALESS, nothing typed, returning NONE",
            "DEFINE TABLE contact SCHEMALESS;".to_owned(),
            stamped("NONE"),
        ),
    ];
    for (name, schema, write) in &variants {
        let (db, dir) = open(schema).await?;
        let cost = insert(&db, rows, *write).await?;
        println!("{cost:8.1}  {name}");
        drop(db);
        let _ = std::fs::remove_dir_all(dir);
    }

    println!("== 100 pages of 50 over {rows} contacts of one workspace (pages per second)");
    let (db, dir) = open(&format!("DEFINE TABLE contact SCHEMALESS; {INDEX}")).await?;
    insert(&db, rows, BEFORE).await?;
    let listings = [
        (
            "index on (workspace, phone)",
            "SELECT *, phone AS k FROM contact WHERE workspace = $ws AND phone > $after ORDER BY phone LIMIT $limit",
            "k",
        ),
        (
            "literal record range",
            "SELECT *, record::id(id)[1] AS k FROM contact:[$ws, $after]>..[$ws, {}] LIMIT $limit",
            "k",
        ),
        (
            "record range from a function call — now",
            "SELECT *, record::id(id)[1] AS k FROM array::first([contact:[$ws, $after]>..[$ws, {}]]) ORDER BY id LIMIT $limit",
            "k",
        ),
    ];
    for (name, sql, cursor) in listings {
        let (rate, seen) = pages(&db, sql, cursor).await?;
        println!("{rate:8.0}  {name} ({seen} rows)");
    }
    drop(db);
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}
