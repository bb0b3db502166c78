//! Whether the embedded store hangs when a memtable flush meets a range read: 6 writers (a CREATE
//! and a DELETE per transaction) and 4 range readers on a 2-thread runtime, with a tiny write
//! buffer so flushes come often. Prints "HUNG …" and exits 2 when no query finishes for 10 s.
//! On 2026-12-03 (surrealkv 0.21.4) it hung after 147 s with a 1 MiB buffer: a lock-order
//! inversion between `flush_immutable_to_sst` (manifest, then immutable memtables) and
//! `Snapshot::collect_iter_state` (immutable memtables, then manifest).
//! Usage: kv_stress DIR SECONDS WRITE_BUFFER_MIB
#![forbid(unsafe_code)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[tokio::main(worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let dir = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "/tmp/kv-stress".into());
    let secs: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(60);
    let mib: u32 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let cli = ulak::config::CliOverrides {
        listen: None,
        data_dir: Some(dir.clone().into()),
    };
    let mut settings = ulak::config::Settings::load(None, Vec::new(), &cli)?;
    settings.database.write_buffer_mb = mib;
    let db = ulak::db::open_embedded(&settings.database_url(), &settings.database).await?;
    db.use_ns("s").use_db("s").await?;
    let done = Arc::new(AtomicU64::new(0));
    let blob = "x".repeat(2000);
    for w in 0..6u64 {
        let db = db.clone();
        let done = done.clone();
        let blob = blob.clone();
        tokio::spawn(async move {
            let mut i = 0u64;
            loop {
                i += 1;
                let k = (w << 40) | i;
                let _ = db
                    .query("BEGIN; CREATE type::record('q', [$k % 1000, $k]) SET b = $b; DELETE type::record('q', [($k - 50) % 1000, $k - 50]); COMMIT;")
                    .bind(("k", k as i64))
                    .bind(("b", blob.clone()))
                    .await;
                done.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    for r in 0..4i64 {
        let db = db.clone();
        let done = done.clone();
        tokio::spawn(async move {
            let mut i = 0i64;
            loop {
                i += 1;
                let lo = (i * 7 + r) % 1000;
                let _ = db
                    .query("SELECT VALUE id FROM array::first([q:[$lo, NONE]..[$lo, {}]]) LIMIT 20")
                    .bind(("lo", lo))
                    .await;
                done.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    let watch = done.clone();
    let start = Instant::now();
    std::thread::spawn(move || {
        let mut last = 0;
        let mut still = 0;
        loop {
            std::thread::sleep(Duration::from_secs(1));
            let now = watch.load(Ordering::Relaxed);
            if now == last {
                still += 1;
                if still >= 10 {
                    println!(
                        "HUNG after {:.0} s: no query finished for 10 s ({now} done)",
                        start.elapsed().as_secs_f64()
                    );
                    std::process::exit(2);
                }
            } else {
                still = 0;
            }
            last = now;
        }
    });
    let mut last = 0;
    let mut still = 0;
    while start.elapsed() < Duration::from_secs(secs) {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let now = done.load(Ordering::Relaxed);
        if now == last {
            still += 1;
            if still >= 10 {
                println!(
                    "HUNG after {:.0} s: no query finished for 10 s ({now} done)",
                    start.elapsed().as_secs_f64()
                );
                std::process::exit(2);
            }
        } else {
            still = 0;
        }
        last = now;
    }
    println!("no hang in {secs} s: {last} queries");
    std::process::exit(0);
}
