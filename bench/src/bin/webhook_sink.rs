//! The receiving end of bench/webhooks.sh: a webhook receiver on loopback that checks each
//! delivery's Standard Webhooks signature, and when it has seen `expected` distinct events prints
//! the rate at which they came and the delay from each event to its arrival, then exits.
//! Usage: webhook_sink PORT SECRET EXPECTED
#![forbid(unsafe_code)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};

#[derive(Default)]
struct Seen {
    ids: HashSet<String>,
    delays_ms: Vec<f64>,
    first: Option<Instant>,
    duplicates: usize,
    bad: usize,
}

struct Sink {
    secret: String,
    expected: usize,
    seen: Mutex<Seen>,
}

fn header<'a>(req: &'a HttpRequest, name: &str) -> &'a str {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

async fn receive(req: HttpRequest, body: web::Bytes, sink: web::Data<Arc<Sink>>) -> HttpResponse {
    let arrived = chrono::Utc::now();
    let id = header(&req, "webhook-id").to_owned();
    let timestamp: i64 = header(&req, "webhook-timestamp").parse().unwrap_or(0);
    let text = String::from_utf8_lossy(&body);
    let expected = ulak::webhooks::signature(&[sink.secret.as_str()], &id, timestamp, &text);
    let signed = header(&req, "webhook-signature")
        .split(' ')
        .any(|s| s == expected);
    let event_at = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["timestamp"].as_str().map(str::to_owned))
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok());
    let mut seen = sink.seen.lock().unwrap();
    seen.first.get_or_insert_with(Instant::now);
    if !signed {
        seen.bad += 1;
    }
    if !seen.ids.insert(id) {
        seen.duplicates += 1;
    } else if let Some(at) = event_at {
        seen.delays_ms.push(
            (arrived - at.with_timezone(&chrono::Utc))
                .num_microseconds()
                .unwrap_or(0) as f64
                / 1000.0,
        );
    }
    if seen.ids.len() == sink.expected {
        let elapsed = seen.first.map(|f| f.elapsed().as_secs_f64()).unwrap_or(0.0);
        let mut delays = seen.delays_ms.clone();
        delays.sort_by(|a, b| a.total_cmp(b));
        let at = |q: f64| delays[((delays.len() as f64 - 1.0) * q).round() as usize];
        println!(
            "== {} events delivered ({} repeated, {} with a bad signature) in {:.1} s from the first: {:.0} events/s; \
             delay from the event to its arrival: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
            seen.ids.len(),
            seen.duplicates,
            seen.bad,
            elapsed,
            seen.ids.len() as f64 / elapsed.max(0.001),
            at(0.5),
            at(0.99),
            at(1.0),
        );
        std::process::exit(0);
    }
    HttpResponse::Ok().body("ok")
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (port, secret, expected) = (
        args.get(1).expect("PORT").parse::<u16>().expect("a port"),
        args.get(2).expect("SECRET").clone(),
        args.get(3)
            .expect("EXPECTED")
            .parse::<usize>()
            .expect("a count"),
    );
    let sink = Arc::new(Sink {
        secret,
        expected,
        seen: Mutex::default(),
    });
    HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(sink.clone()))
            .default_service(web::to(receive))
    })
    .workers(1)
    .bind(("127.0.0.1", port))?
    .run()
    .await
}
