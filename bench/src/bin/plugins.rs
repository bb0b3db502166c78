//! Plugin host figures: loading a component cold (compiling) and from the compilation cache, and
//! the cost of resolving a variable per contact in batches, with the bundled `greeting` plugin.
//! Run through `bench/plugins.sh` (release build, plugins built first).

use std::sync::Arc;
use std::time::Instant;

use ulak::config::Settings;
use ulak::db::Db;
use ulak::metrics::Metrics;
use ulak::plugins::capabilities::Services;
use ulak::plugins::manifest::Manifest;
use ulak::plugins::runtime::{CallScope, Contact, ResolveRequest, Runtime, context};

fn contact(i: usize) -> Contact {
    Contact {
        id: format!("90532{i:07}"),
        phone: format!("+90532{i:07}"),
        first_name: Some(format!("Ayşe{i}")),
        last_name: Some("Yılmaz".into()),
        email: None,
        language: Some("tr".into()),
        tags: vec!["müşteri".into()],
        fields: Vec::new(),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let component = std::fs::read(root.join("plugins/greeting/greeting.wasm")).map_err(|e| {
        anyhow::anyhow!("plugins/greeting/greeting.wasm: {e} (run plugins/build.sh)")
    })?;
    let manifest = Manifest::parse(&std::fs::read_to_string(
        root.join("plugins/greeting/plugin.toml"),
    )?)
    .map_err(|e| anyhow::anyhow!("{e}"))?;

    let mut settings = Settings::for_tests()?;
    let cache = std::env::temp_dir().join(format!("ulak-bench-cache-{}", std::process::id()));
    settings.plugins.cache_dir = cache.clone();
    let db = Db::connect(&settings).await?;
    let metrics = Arc::new(Metrics::new()?);
    let runtime = |settings: &Settings| -> anyhow::Result<Arc<Runtime>> {
        let services = Arc::new(Services::new(
            db.clone(),
            tokio::runtime::Handle::current(),
            settings,
        )?);
        Ok(Arc::new(Runtime::new(settings, services, metrics.clone())?))
    };

    println!("component: greeting.wasm, {} bytes", component.len());
    // Cold: a fresh engine and an empty cache directory.
    let cold_runtime = runtime(&settings)?;
    let started = Instant::now();
    cold_runtime
        .prepare(
            manifest.clone(),
            &component,
            "bench".into(),
            "bench".into(),
            chrono::Utc::now(),
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "load, cold (compile + link + type-check): {:.1} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    // From the cache: a second engine (as after a restart) over the same cache directory.
    let mut cached = f64::MAX;
    let mut plugin = None;
    for _ in 0..5 {
        let warm_runtime = runtime(&settings)?;
        let started = Instant::now();
        let loaded = warm_runtime
            .prepare(
                manifest.clone(),
                &component,
                "bench".into(),
                "bench".into(),
                chrono::Utc::now(),
            )
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        cached = cached.min(started.elapsed().as_secs_f64());
        plugin = Some((warm_runtime, Arc::new(loaded)));
    }
    println!(
        "load, from the compilation cache (best of 5): {:.2} ms",
        cached * 1000.0
    );
    let (runtime, plugin) = plugin.ok_or_else(|| anyhow::anyhow!("no plugin"))?;

    let scope = CallScope {
        workspace: "bench".into(),
        config: serde_json::Map::new(),
    };
    println!("resolve %selamlama% (one instance per batch, instantiation included):");
    for batch_size in [1usize, 10, 100, 1000, 5000] {
        let batch: Vec<ResolveRequest> = (0..batch_size)
            .map(|i| ResolveRequest {
                variable: "selamlama".into(),
                arguments: Vec::new(),
                contact: contact(i),
            })
            .collect();
        let rounds = (20_000 / batch_size).clamp(5, 2000);
        let mut best = f64::MAX;
        for _ in 0..rounds {
            let ctx = context("bench", "tr", chrono_tz::Europe::Istanbul);
            let started = Instant::now();
            let answers = runtime
                .resolve(plugin.clone(), scope.clone(), ctx, batch.clone())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            best = best.min(started.elapsed().as_secs_f64());
            assert_eq!(answers.len(), batch_size);
        }
        println!(
            "  batch {batch_size:>5}: {:>8.1} µs per call, {:>6.2} µs per contact",
            best * 1e6,
            best * 1e6 / batch_size as f64
        );
    }
    let _ = std::fs::remove_dir_all(cache);
    Ok(())
}
