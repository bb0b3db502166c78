//! What indexing contacts for search and filters would cost in the embedded store, by kind of index,
//! and what the indexed reads cost: index entries as records of their own (`contact_term`, keyed
//! [workspace, term, contact id], written by the writer or by a store event), the store's index over
//! an array field, and its full-text index with edge n-grams; then pages and counts over term
//! ranges, contact-id ranges and the workspace. Usage: search_costs [rows, default 200000].
#![forbid(unsafe_code)]

use std::time::Instant;

use serde_json::{Value, json};
use surrealdb::Surreal;
use surrealdb::engine::any::Any;
use surrealdb::types::SurrealValue;

const FIRST: [&str; 10] = [
    "ayse", "caglar", "ilkay", "gulsen", "mehmet", "sule", "oyku", "umit", "isil", "ahmet",
];

fn contact(i: usize) -> (Value, Vec<Value>) {
    let phone = format!("90532{i:07}");
    let first = FIRST[i % 10];
    let last = format!("soyad{}", i % 1000);
    let mut tag_keys = vec!["musteri".to_owned()];
    if i.is_multiple_of(100) {
        tag_keys.push("vip".to_owned());
    }
    let city = ["istanbul", "izmir", "ankara", "bursa", "antalya"][i % 5];
    let row = json!({
        "id": ["ws1", phone],
        "workspace": "ws1",
        "phone": format!("+{phone}"),
        "first_name": first,
        "last_name": last,
        "tags": tag_keys,
        "tag_keys": tag_keys,
        "custom_fields": {"sehir": city},
        "opted_out": false,
        "search": format!("{first} {last} +{phone} 0532{i:07}"),
    });
    let mut row = row;
    let mut keys = vec![
        format!("n{first}"),
        format!("n{last}"),
        format!("fsehir\u{1f}{city}"),
    ];
    keys.extend(tag_keys.iter().map(|t| format!("t{t}")));
    row["terms"] = json!(keys);
    let mut terms = vec![
        json!({"id": ["ws1", format!("n{first}"), phone]}),
        json!({"id": ["ws1", format!("n{last}"), phone]}),
        json!({"id": ["ws1", format!("fsehir\u{1f}{city}"), phone]}),
    ];
    for tag in &tag_keys {
        terms.push(json!({"id": ["ws1", format!("t{tag}"), phone]}));
    }
    (row, terms)
}

async fn open(schema: &str) -> anyhow::Result<(Surreal<Any>, std::path::PathBuf)> {
    let dir = std::env::temp_dir().join(format!("ulak-search-costs-{}", ulak::db::new_id()));
    std::fs::create_dir_all(&dir)?;
    let db = surrealdb::engine::any::connect(format!("surrealkv://{}", dir.display())).await?;
    db.use_ns("ulak").use_db("ulak").await?;
    db.query(schema).await?.check()?;
    Ok((db, dir))
}

/// Stores contacts with their terms grouped by write: one `contact_posting` record per term and
/// INSERT, keyed [workspace, term, chunk], holding the ids of that INSERT's contacts with the term.
async fn insert_posted(db: &Surreal<Any>, rows: usize) -> anyhow::Result<f64> {
    let started = Instant::now();
    for start in (0..rows).step_by(2000) {
        let chunk = format!("{start:012}");
        let (group, terms): (Vec<Value>, Vec<Vec<Value>>) =
            (start..(start + 2000).min(rows)).map(contact).unzip();
        let mut postings: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for term in terms.into_iter().flatten() {
            // Term records are [workspace, term, contact id] (see `contact`).
            if let (Some(term), Some(id)) = (term["id"][1].as_str(), term["id"][2].as_str()) {
                postings
                    .entry(term.to_owned())
                    .or_default()
                    .push(id.to_owned());
            }
        }
        let postings: Vec<Value> = postings
            .into_iter()
            .map(|(term, ids)| json!({"id": ["ws1", term, chunk], "ids": ids}))
            .collect();
        let now = chrono::Utc::now();
        let stamps: &[(&str, chrono::DateTime<chrono::Utc>)] =
            &[("created_at", now), ("updated_at", now)];
        let group: Vec<surrealdb::types::Value> = group
            .into_iter()
            .map(|mut row| {
                row["chunk"] = json!(chunk);
                match row {
                    Value::Object(object) => ulak::db::with_datetimes(object, stamps),
                    _ => unreachable!("contact() builds objects"),
                }
            })
            .collect();
        db.query(
            "BEGIN; LET $stored = array::len(INSERT IGNORE INTO contact $rows RETURN BEFORE); \
             IF $stored = array::len($rows) { INSERT INTO contact_posting $postings RETURN NONE; }; \
             COMMIT;",
        )
        .bind(ulak::db::vars([
            ("rows", group.into_value()),
            ("postings", serde_json::to_value(postings)?.into_value()),
        ]))
        .await?
        .check()?;
    }
    Ok(started.elapsed().as_secs_f64() * 1e6 / rows as f64)
}

async fn insert(db: &Surreal<Any>, rows: usize, with_terms: bool) -> anyhow::Result<f64> {
    let started = Instant::now();
    for start in (0..rows).step_by(2000) {
        let (group, terms): (Vec<Value>, Vec<Vec<Value>>) =
            (start..(start + 2000).min(rows)).map(contact).unzip();
        let now = chrono::Utc::now();
        let stamps: &[(&str, chrono::DateTime<chrono::Utc>)] =
            &[("created_at", now), ("updated_at", now)];
        let group: Vec<surrealdb::types::Value> = group
            .into_iter()
            .map(|row| match row {
                Value::Object(object) => ulak::db::with_datetimes(object, stamps),
                _ => unreachable!("contact() builds objects"),
            })
            .collect();
        let terms: Vec<Value> = terms.into_iter().flatten().collect();
        let sql = if with_terms {
            "INSERT IGNORE INTO contact $rows RETURN BEFORE; INSERT IGNORE INTO contact_term $terms RETURN NONE;"
        } else {
            "INSERT IGNORE INTO contact $rows RETURN BEFORE"
        };
        db.query(sql)
            .bind(ulak::db::vars([
                ("rows", group.into_value()),
                ("terms", serde_json::to_value(terms)?.into_value()),
            ]))
            .await?
            .check()?;
    }
    Ok(started.elapsed().as_secs_f64() * 1e6 / rows as f64)
}

/// Median milliseconds of `runs` runs of one query, and its first answer.
async fn time(db: &Surreal<Any>, sql: &str, vars: Value) -> anyhow::Result<(f64, Value)> {
    let mut times = Vec::new();
    let mut answer = Value::Null;
    for _ in 0..7 {
        let started = Instant::now();
        let mut response = db.query(sql).bind(vars.clone()).await?.check()?;
        let rows: surrealdb::types::Value = response.take(0)?;
        times.push(started.elapsed().as_secs_f64() * 1e3);
        answer = rows.into_json_value();
    }
    times.sort_by(f64::total_cmp);
    Ok((times[times.len() / 2], answer))
}

fn size(answer: &Value) -> String {
    match answer {
        Value::Array(items) if items.len() == 1 && items[0].is_object() => items[0].to_string(),
        Value::Array(items) => format!("{} rows", items.len()),
        other => other.to_string(),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let rows: usize = std::env::args().nth(1).map_or(Ok(200_000), |n| n.parse())?;
    let times = "DEFINE TABLE contact SCHEMALESS; DEFINE FIELD created_at ON contact TYPE datetime; DEFINE FIELD updated_at ON contact TYPE datetime;";
    println!("== storing {rows} contacts, 2,000 per INSERT (µs per contact)");
    let (db, dir) = open(times).await?;
    println!(
        "{:8.1}  contacts alone (now)",
        insert(&db, rows, false).await?
    );
    drop(db);
    let _ = std::fs::remove_dir_all(dir);

    let fulltext = format!(
        "{times} DEFINE ANALYZER folded TOKENIZERS blank, punct FILTERS lowercase, ascii, edgengram(1, 16); \
         DEFINE INDEX contact_search ON contact FIELDS search FULLTEXT ANALYZER folded BM25;"
    );
    let (db, dir) = open(&fulltext).await?;
    let cost = insert(&db, rows.min(50_000), false).await?;
    println!(
        "{cost:8.1}  contacts with a FULLTEXT index (edge n-grams) on `search` (first 50,000)"
    );
    let (ms, answer) = time(
        &db,
        "SELECT record::id(id)[1] AS id FROM contact WHERE search @@ $q LIMIT 50",
        json!({"q": "soyad99"}),
    )
    .await?;
    println!("{ms:8.1} ms  full-text `soyad99`, 50 ({})", size(&answer));
    drop(db);
    let _ = std::fs::remove_dir_all(dir);

    let (db, dir) = open(&format!("{times} DEFINE TABLE contact_term SCHEMALESS;")).await?;
    println!(
        "{:8.1}  contacts with their terms in `contact_term` (4.01 terms each)",
        insert(&db, rows, true).await?
    );

    println!("== reads over {rows} contacts (median of 7, ms)");
    let range = "array::first([contact_term:[$ws, $from, $after]>..[$ws, $to]])";
    let reads = [
        (
            "page of 50 ids, prefix `soyad99` (term range)",
            format!("SELECT VALUE record::id(id)[2] FROM {range} LIMIT 50"),
            json!({"ws": "ws1", "from": "nsoyad99", "after": "", "to": "nsoyad99\u{10ffff}"}),
        ),
        (
            "page of 50 contacts, prefix `soyad99` (term range, then records)",
            format!(
                "SELECT * FROM (SELECT VALUE type::record('contact', [$ws, record::id(id)[2]]) FROM {range} LIMIT 50)"
            ),
            json!({"ws": "ws1", "from": "nsoyad99", "after": "", "to": "nsoyad99\u{10ffff}"}),
        ),
        (
            "page of 50, absent prefix `zzzz`",
            format!("SELECT VALUE record::id(id)[2] FROM {range} LIMIT 50"),
            json!({"ws": "ws1", "from": "nzzzz", "after": "", "to": "nzzzz\u{10ffff}"}),
        ),
        (
            "page of 50, tag `vip`",
            format!("SELECT VALUE record::id(id)[2] FROM {range} LIMIT 50"),
            json!({"ws": "ws1", "from": "tvip", "after": "", "to": "tvip\u{0}"}),
        ),
        (
            "count, prefix `soyad99` (term range)",
            format!("SELECT count() FROM {range} GROUP ALL"),
            json!({"ws": "ws1", "from": "nsoyad99", "after": "", "to": "nsoyad99\u{10ffff}"}),
        ),
        (
            "count, prefix `a` (term range)",
            format!("SELECT count() FROM {range} GROUP ALL"),
            json!({"ws": "ws1", "from": "na", "after": "", "to": "na\u{10ffff}"}),
        ),
        (
            "count, tag `musteri` (every contact)",
            format!("SELECT count() FROM {range} GROUP ALL"),
            json!({"ws": "ws1", "from": "tmusteri", "after": "", "to": "tmusteri\u{0}"}),
        ),
        (
            "count, the workspace's contacts (record range)",
            "SELECT count() FROM array::first([contact:[$ws, '']..[$ws, {}]]) GROUP ALL".to_owned(),
            json!({"ws": "ws1"}),
        ),
        (
            "count, the workspace's contacts (literal record range)",
            "SELECT count() FROM contact:[$ws, '']..[$ws, {}] GROUP ALL".to_owned(),
            json!({"ws": "ws1"}),
        ),
        (
            "count() of a table (every workspace)",
            "SELECT count() FROM contact GROUP ALL".to_owned(),
            json!({}),
        ),
        (
            "page of 50 by E.164 prefix `9053200012` (contact id range)",
            "SELECT VALUE record::id(id)[1] FROM array::first([contact:[$ws, $from]..[$ws, $to]]) LIMIT 50"
                .to_owned(),
            json!({"ws": "ws1", "from": "9053200012", "to": "9053200012\u{10ffff}"}),
        ),
    ];
    for (name, sql, vars) in reads {
        let (ms, answer) = time(&db, &sql, vars).await?;
        println!("{ms:8.2} ms  {name}: {}", size(&answer));
    }
    drop(db);
    let _ = std::fs::remove_dir_all(dir);

    let event = format!(
        "{times} DEFINE TABLE contact_term SCHEMALESS; \
         DEFINE EVENT contact_terms ON contact THEN {{ \
           LET $key = record::id(($after ?? $before).id); \
           LET $old = $before.terms ?? []; LET $new = $after.terms ?? []; \
           FOR $t IN array::complement($old, $new) {{ DELETE type::record('contact_term', [$key[0], $t, $key[1]]); }}; \
           INSERT IGNORE INTO contact_term array::map(array::complement($new, $old), |$t| {{ id: [$key[0], $t, $key[1]] }}) RETURN NONE; \
         }};"
    );
    let (db, dir) = open(&format!("{times} DEFINE TABLE contact_posting SCHEMALESS;")).await?;
    let cost = insert_posted(&db, rows).await?;
    println!("{cost:8.1}  contacts with their terms grouped per INSERT in `contact_posting`");
    let posting = "array::first([contact_posting:[$ws, $from]..[$ws, $to]])";
    for (name, sql, vars) in [
        (
            "postings of prefix `soyad99`, 20 records",
            format!("SELECT VALUE ids FROM {posting} LIMIT 20"),
            json!({"ws": "ws1", "from": "nsoyad99", "to": "nsoyad99\u{10ffff}"}),
        ),
        (
            "postings of tag `vip`, 20 records",
            format!("SELECT VALUE ids FROM {posting} LIMIT 20"),
            json!({"ws": "ws1", "from": "tvip", "to": "tvip\u{0}"}),
        ),
        (
            "postings of tag `musteri`, 1 record",
            format!("SELECT VALUE ids FROM {posting} LIMIT 1"),
            json!({"ws": "ws1", "from": "tmusteri", "to": "tmusteri\u{0}"}),
        ),
        (
            "count, tag `musteri` (every contact)",
            format!("RETURN math::sum(SELECT VALUE array::len(ids) FROM {posting})"),
            json!({"ws": "ws1", "from": "tmusteri", "to": "tmusteri\u{0}"}),
        ),
        (
            "count, prefix `a`",
            format!("RETURN math::sum(SELECT VALUE array::len(ids) FROM {posting})"),
            json!({"ws": "ws1", "from": "na", "to": "na\u{10ffff}"}),
        ),
        (
            "removing one id from a `musteri` posting of 2,000",
            "UPDATE contact_posting:['ws1', 'tmusteri', '000000002000'] SET ids = array::complement(ids, ['905320002001']) RETURN NONE".to_owned(),
            json!({}),
        ),
    ] {
        let (ms, answer) = time(&db, &sql, vars).await?;
        let shown = match &answer {
            Value::Array(records) => format!(
                "{} records, {} ids",
                records.len(),
                records.iter().map(|r| r.as_array().map_or(0, Vec::len)).sum::<usize>()
            ),
            other => other.to_string(),
        };
        println!("{ms:8.2} ms  {name}: {shown}");
    }
    drop(db);
    let _ = std::fs::remove_dir_all(dir);

    let indexed = format!("{times} DEFINE INDEX contact_terms ON contact FIELDS terms;");
    let (db, dir) = open(&indexed).await?;
    let cost = insert(&db, rows.min(50_000), false).await?;
    println!("{cost:8.1}  contacts with a store index over their `terms` array (first 50,000)");
    for (name, sql, vars) in [
        (
            "CONTAINS a term, 50",
            "SELECT VALUE record::id(id)[1] FROM contact WHERE terms CONTAINS $t LIMIT 50",
            json!({"t": "tvip"}),
        ),
        (
            "CONTAINS an absent term",
            "SELECT VALUE record::id(id)[1] FROM contact WHERE terms CONTAINS $t LIMIT 50",
            json!({"t": "tnosuch"}),
        ),
        (
            "a term range (prefix), 50",
            "SELECT VALUE record::id(id)[1] FROM contact WHERE terms >= $a AND terms < $b LIMIT 50",
            json!({"a": "nsoyad99", "b": "nsoyad99\u{10ffff}"}),
        ),
    ] {
        let (ms, answer) = time(&db, sql, vars.clone()).await?;
        println!("{ms:8.2} ms  {name}: {}", size(&answer));
        let (_, plan) = time(&db, &format!("{sql} EXPLAIN"), vars).await?;
        println!(
            "          plan: {}",
            plan.to_string().chars().take(300).collect::<String>()
        );
    }
    drop(db);
    let _ = std::fs::remove_dir_all(dir);

    let (db, dir) = open(&event).await?;
    let cost = insert(&db, rows.min(50_000), false).await?;
    println!("{cost:8.1}  contacts whose terms an EVENT writes to `contact_term` (first 50,000)");
    let (ms, answer) = time(
        &db,
        "SELECT count() FROM array::first([contact_term:[$ws, $from]..[$ws, $to]]) GROUP ALL",
        json!({"ws": "ws1", "from": "tvip", "to": "tvip\u{0}"}),
    )
    .await?;
    println!(
        "{ms:8.1} ms  count of `vip` terms the event wrote: {}",
        size(&answer)
    );
    drop(db);
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}
