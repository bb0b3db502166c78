//! Baseline for `bench/run.sh`: a process that only opens the embedded store, exactly as Ulak does
//! (same function, same default memory settings), and idles, so Ulak's own memory can be told apart
//! from the store's.
//! Usage: bare_store DIR
#![forbid(unsafe_code)]

use ulak::config::{CliOverrides, Settings};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/ulak-bare-store".to_owned());
    let cli = CliOverrides {
        listen: None,
        data_dir: Some(dir.into()),
    };
    let settings = Settings::load(None, Vec::new(), &cli)?;
    std::fs::create_dir_all(&settings.storage.data_dir)?;
    let db = ulak::db::open_embedded(&settings.database_url(), &settings.database).await?;
    db.use_ns("ulak").use_db("ulak").await?;
    db.query("RETURN 1").await?.check()?;
    println!("ready");
    tokio::signal::ctrl_c().await?;
    Ok(())
}
