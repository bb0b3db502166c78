//! Renderer benchmark for `bench/render.sh`: renders a template with three variables and a fallback
//! (`%ad% %soyad% … %şehir|Türkiye% … %kampanya_kodu%`) for N generated contacts, with the real
//! compiled renderer. Prints renders per second (best of 5 runs) and a checksum of the output.
//! Usage: render [N=100000]
#![forbid(unsafe_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use chrono::Utc;
use ulak::contacts::model::Contact;
use ulak::templates::render::{
    CompiledTemplate, Language, RenderInput, Scope, VariableDef, VariableKind,
};

pub const BODY: &str =
    "Merhaba %ad% %soyad%, %şehir|Türkiye% mağazamızda kodunuz: %kampanya_kodu%.";
const FIRST: [&str; 8] = [
    "Ayşe", "Mehmet", "Zeynep", "Ahmet", "Elif", "Mustafa", "Fatma", "Emre",
];
const LAST: [&str; 8] = [
    "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Aydın", "Öztürk",
];
const CITY: [&str; 4] = ["İstanbul", "Ankara", "İzmir", "Bursa"];

fn contacts(n: usize) -> Vec<Contact> {
    (0..n)
        .map(|i| {
            let mut custom = BTreeMap::new();
            // Every other contact has no city, so the fallback is taken half the time.
            if i % 2 == 0 {
                custom.insert("şehir".to_owned(), serde_json::json!(CITY[i % 4]));
            }
            Contact {
                id: format!("90532{i:07}"),
                phone: format!("+90532{i:07}"),
                first_name: Some(FIRST[i % 8].to_owned()),
                last_name: Some(LAST[(i / 8) % 8].to_owned()),
                gender: None,
                honorific: None,
                language: None,
                email: None,
                tags: Vec::new(),
                custom_fields: custom,
                opted_out: false,
                opted_out_at: None,
                opt_out_reason: None,
                notes: None,
                created_at: Utc::now(),
                updated_at: Utc::now(),
                posted: Default::default(),
            }
        })
        .collect()
}

fn main() -> anyhow::Result<()> {
    let n: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(100_000);
    let variables = BTreeMap::from([(
        "kampanya_kodu".to_owned(),
        VariableDef {
            kind: VariableKind::Static("KASIM50".into()),
            fallback: None,
        },
    )]);
    let fields = BTreeSet::from(["şehir".to_owned()]);
    let scope = Scope {
        variables: &variables,
        custom_fields: &fields,
        plugins: &Default::default(),
    };
    let template = CompiledTemplate::compile(BODY, &scope).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let people = contacts(n);
    let now = Utc::now();
    let mut best = f64::MAX;
    let mut checksum = 0usize;
    for _ in 0..5 {
        let started = Instant::now();
        checksum = 0;
        for contact in &people {
            let input = RenderInput {
                contact,
                language: Language::Turkish,
                time_zone: chrono_tz::Europe::Istanbul,
                now,
                plugin_values: &[],
                seed: &contact.id,
            };
            let text = template
                .render(&input)
                .map_err(|e| anyhow::anyhow!(e.to_string()))?;
            checksum += text.len();
        }
        best = best.min(started.elapsed().as_secs_f64());
    }
    let sample = template
        .render(&RenderInput {
            contact: &people[1],
            language: Language::Turkish,
            time_zone: chrono_tz::Europe::Istanbul,
            now,
            plugin_values: &[],
            seed: "sample",
        })
        .map_err(|e| anyhow::anyhow!(e.to_string()))?;
    println!(
        "rust ulak renderer   {:>12.0} renders/s   ({n} contacts in {:.1} ms, bytes {checksum})",
        n as f64 / best,
        best * 1000.0
    );
    println!("  sample: {sample}");
    Ok(())
}
