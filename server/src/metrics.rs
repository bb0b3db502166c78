//! Prometheus metrics: requests by method, route pattern and status, and their latency histogram,
//! served as text at `/metrics`.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder,
};

use crate::app::AppState;

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    pub plugin_calls: IntCounterVec,
    pub plugin_seconds: HistogramVec,
}

impl Metrics {
    pub fn new() -> anyhow::Result<Self> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("ulak_http_requests_total", "HTTP requests answered"),
            &["method", "route", "status"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "ulak_http_request_duration_seconds",
                "Time to answer HTTP requests",
            )
            .buckets(vec![
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
            &["method", "route"],
        )?;
        let plugin_calls = IntCounterVec::new(
            Opts::new(
                "ulak_plugin_calls_total",
                "Calls into plugins, by plugin, function and outcome (ok or error)",
            ),
            &["plugin", "function", "outcome"],
        )?;
        let plugin_seconds = HistogramVec::new(
            HistogramOpts::new(
                "ulak_plugin_call_duration_seconds",
                "Time spent in plugin calls, including instantiation",
            )
            .buckets(vec![
                0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 30.0,
            ]),
            &["plugin", "function"],
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(plugin_calls.clone()))?;
        registry.register(Box::new(plugin_seconds.clone()))?;
        Ok(Self {
            registry,
            requests,
            latency,
            plugin_calls,
            plugin_seconds,
        })
    }

    fn observe(&self, method: &str, route: &str, status_text: &str, seconds: f64) {
        self.requests
            .with_label_values(&[method, route, status_text])
            .inc();
        self.latency
            .with_label_values(&[method, route])
            .observe(seconds);
    }

    pub fn render(&self) -> String {
        let mut buffer = Vec::new();
        if let Err(e) = TextEncoder::new().encode(&self.registry.gather(), &mut buffer) {
            tracing::error!(error = %e, "cannot encode metrics");
        }
        String::from_utf8_lossy(&buffer).into_owned()
    }
}

/// Middleware: counts and times every request under its route pattern (never the raw path, so ids
/// do not explode the label set).
pub async fn record(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let method = req.method().to_string();
    let response = next.call(req).await?;
    if let Some(state) = state {
        let route = response
            .request()
            .match_pattern()
            .unwrap_or_else(|| "(unmatched)".to_owned());
        state.metrics.observe(
            &method,
            &route,
            response.status().as_str(),
            started.elapsed().as_secs_f64(),
        );
    }
    Ok(response)
}

pub async fn serve(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render())
}
