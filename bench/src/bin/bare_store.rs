//! Baseline for `bench/run.sh`: a process that only opens the embedded store (as Ulak does) and idles,
//! so Ulak's own memory can be told apart from the store's.
//! Usage: bare_store DIR
#![forbid(unsafe_code)]

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/ulak-bare-store".to_owned());
    std::fs::create_dir_all(&dir)?;
    let db = surrealdb::engine::any::connect(format!("surrealkv://{dir}?sync=every")).await?;
    db.use_ns("ulak").use_db("ulak").await?;
    db.query("RETURN 1").await?.check()?;
    println!("ready");
    tokio::signal::ctrl_c().await?;
    Ok(())
}
