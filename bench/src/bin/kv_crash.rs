//! A writer for the store's crash test (`bench/tests/store_crash.rs`): opens the embedded store in
//! DIR with a write buffer of WRITE_BUFFER_MIB, commits one transaction after another (each
//! creates `t:<n>` with a 3 kB value, so the memtable fills and is rotated every few hundred) and
//! prints each `n` once its commit returned. It runs until it is killed.
//! Usage: kv_crash DIR WRITE_BUFFER_MIB
#![forbid(unsafe_code)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;

#[tokio::main(worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let dir = args.get(1).cloned().expect("usage: kv_crash DIR MIB");
    let mib: u32 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let cli = ulak::config::CliOverrides {
        listen: None,
        data_dir: Some(dir.into()),
    };
    let mut settings = ulak::config::Settings::load(None, Vec::new(), &cli)?;
    settings.database.write_buffer_mb = mib;
    let db = ulak::db::open_embedded(&settings.database_url(), &settings.database).await?;
    db.use_ns("s").use_db("s").await?;
    let blob = "x".repeat(3000);
    let mut out = std::io::stdout().lock();
    for n in 1i64.. {
        db.query("CREATE type::record('t', $n) SET b = $b")
            .bind(("n", n))
            .bind(("b", blob.clone()))
            .await?
            .check()?;
        writeln!(out, "{n}")?;
        out.flush()?;
    }
    Ok(())
}
