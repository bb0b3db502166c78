//! Each variable misbehaves in one way, so the server's tests can check that the sandbox holds:
//! `spin` never returns, `hog` allocates without end, `boom` panics, `flood` returns 8 MiB,
//! `fetch` calls the URL in its argument, `files` and `env` look for what a sandbox must hide.
//! `echo`, `counter`, `config` and `log` behave, to show the plugin still works after the others.

use ulak_plugin_sdk::{Context, VariableRequest, VariableResolver, export_variable_resolver, host};

struct Hostile;

fn answer(request: &VariableRequest) -> Result<String, String> {
    match request.variable.as_str() {
        "spin" => {
            let mut n: u64 = 0;
            loop {
                n = std::hint::black_box(n.wrapping_add(1));
            }
        }
        "hog" => {
            let mut hoard: Vec<Vec<u8>> = Vec::new();
            loop {
                hoard.push(vec![1u8; 1 << 20]);
                std::hint::black_box(&hoard);
            }
        }
        "boom" => panic!("hostile plugin panicked on purpose"),
        "flood" => Ok("x".repeat(8 << 20)),
        "fetch" => {
            let url = request.arguments.first().cloned().unwrap_or_default();
            Ok(match host::http::get(&url, &[]) {
                Ok(r) => format!("{} {}", r.status, String::from_utf8_lossy(&r.body)),
                Err(e) => format!("refused: {e}"),
            })
        }
        "echo" => Ok(request.contact.first_name.clone().unwrap_or_default()),
        // A per-contact failure, as a resolver missing the data it needs gives.
        "surname" => request
            .contact
            .last_name
            .clone()
            .ok_or_else(|| format!("contact {} has no last name", request.contact.id)),
        "counter" => {
            let n = host::kv::get("counter")
                .and_then(|v| String::from_utf8(v).ok())
                .and_then(|s| s.parse::<u64>().ok())
                .unwrap_or(0)
                + 1;
            host::kv::set("counter", n.to_string().as_bytes())?;
            Ok(n.to_string())
        }
        "config" => Ok(host::config_json()),
        "log" => {
            // The configuration too, secrets included: the host must hide them.
            host::warn(&format!(
                "logged for {} with {}",
                request.contact.phone,
                host::config_json()
            ));
            Ok("logged".into())
        }
        "files" => Ok(match std::fs::read_dir("/") {
            Ok(entries) => format!("saw {} entries", entries.count()),
            Err(e) => format!("no file system: {e}"),
        }),
        "env" => Ok(format!("{} variables", std::env::vars().count())),
        other => Err(format!("unknown variable {other}")),
    }
}

impl VariableResolver for Hostile {
    fn resolve(_ctx: Context, batch: Vec<VariableRequest>) -> Vec<Result<String, String>> {
        batch.iter().map(answer).collect()
    }
}

export_variable_resolver!(Hostile);
