//! The embedded store keeps every transaction whose commit returned, across a SIGKILL, also when
//! its memtable was rotated while the transaction was being applied (the case the engine lost;
//! see vendor/README.md). A writer process commits record after record with a 1 MiB write buffer,
//! so the memtable is rotated and flushed every few hundred commits; it is killed, and the store,
//! opened again, must hold every record the writer saw committed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const WRITER: &str = env!("CARGO_BIN_EXE_kv_crash");
/// About 9 MB of records: some thirty rotations of a 1 MiB memtable before the kill.
const BEFORE_KILL: i64 = 3_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_commit_survives_a_kill_9_across_memtable_rotations() {
    let dir = std::env::temp_dir().join(format!(
        "ulak-store-crash-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    let mut child = Command::new(WRITER)
        .arg(&dir)
        .arg("1")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let started = Instant::now();
    let mut acknowledged = Vec::new();
    while acknowledged.len() < BEFORE_KILL as usize {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the writer got only {} commits in 300 s",
            acknowledged.len()
        );
        let line = lines
            .next()
            .expect("the writer ended before the kill")
            .unwrap();
        acknowledged.push(line.parse::<i64>().unwrap());
    }
    child.kill().unwrap();
    child.wait().unwrap();
    // Commits acknowledged between the last read and the kill.
    for line in lines {
        acknowledged.push(line.unwrap().parse::<i64>().unwrap());
    }
    let wrote = started.elapsed();

    let cli = ulak::config::CliOverrides {
        listen: None,
        data_dir: Some(dir.clone()),
    };
    let mut settings = ulak::config::Settings::load(None, Vec::new(), &cli).unwrap();
    settings.database.write_buffer_mb = 1;
    let db = ulak::db::open_embedded(&settings.database_url(), &settings.database)
        .await
        .unwrap();
    db.use_ns("s").use_db("s").await.unwrap();
    let stored: Vec<i64> = db
        .query("SELECT VALUE record::id(id) FROM t")
        .await
        .unwrap()
        .take(0)
        .unwrap();
    let stored: std::collections::HashSet<i64> = stored.into_iter().collect();
    let missing: Vec<i64> = acknowledged
        .iter()
        .copied()
        .filter(|n| !stored.contains(n))
        .collect();
    eprintln!(
        "store crash: {} commits acknowledged in {:.1} s before the kill, {} stored after it, {} missing",
        acknowledged.len(),
        wrote.as_secs_f64(),
        stored.len(),
        missing.len()
    );
    assert!(
        missing.is_empty(),
        "commits acknowledged before the kill and missing after it: {missing:?}"
    );
    drop(db);
    let _ = std::fs::remove_dir_all(&dir);
}
