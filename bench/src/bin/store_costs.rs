//! What storing and listing contacts costs in the embedded store, by table definition: the figures
//! behind the contact table's shape (no secondary index, SCHEMALESS with typed core fields) and
//! behind listing by a record range returned from a function call.
//! Usage: store_costs [rows, default 100000]. Each variant gets a fresh store in a temporary directory.
#![forbid(unsafe_code)]

use std::time::Instant;

use serde_json::{Value, json};
use surrealdb::Surreal;
use surrealdb::engine::any::Any;

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

async fn insert(db: &Surreal<Any>, rows: usize) -> anyhow::Result<f64> {
    let started = Instant::now();
    for start in (0..rows).step_by(2000) {
        let group: Vec<Value> = (start..(start + 2000).min(rows)).map(contact).collect();
        db.query("INSERT IGNORE INTO contact $rows RETURN VALUE record::id(id)[1]")
            .bind(json!({ "rows": group }))
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
    let variants = [
        (
            "SCHEMAFULL, all fields typed, index on (workspace, phone) — before",
            format!(
                "DEFINE TABLE contact SCHEMAFULL; {TYPED_ALL} {TYPED_CORE} DEFINE FIELD custom_fields ON contact TYPE object FLEXIBLE DEFAULT {{}}; {INDEX}"
            ),
        ),
        (
            "SCHEMAFULL, all fields typed, no index",
            format!(
                "DEFINE TABLE contact SCHEMAFULL; {TYPED_ALL} {TYPED_CORE} DEFINE FIELD custom_fields ON contact TYPE object FLEXIBLE DEFAULT {{}};"
            ),
        ),
        (
            "SCHEMALESS, core fields typed, no index — now",
            format!(
                "DEFINE TABLE contact SCHEMALESS; DEFINE FIELD workspace ON contact TYPE string; DEFINE FIELD phone ON contact TYPE string; {TYPED_CORE} DEFINE FIELD custom_fields ON contact TYPE object DEFAULT {{}};"
            ),
        ),
        (
            "SCHEMALESS, nothing typed, no index",
            "DEFINE TABLE contact SCHEMALESS;".to_owned(),
        ),
    ];
    for (name, schema) in &variants {
        let (db, dir) = open(schema).await?;
        let cost = insert(&db, rows).await?;
        println!("{cost:8.1}  {name}");
        drop(db);
        let _ = std::fs::remove_dir_all(dir);
    }

    println!("== 100 pages of 50 over {rows} contacts of one workspace (pages per second)");
    let (db, dir) = open(&format!("DEFINE TABLE contact SCHEMALESS; {INDEX}")).await?;
    insert(&db, rows).await?;
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
