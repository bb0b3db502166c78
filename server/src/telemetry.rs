//! One tracing subscriber setup for `main` and tests: pretty or JSON lines, filtered by `log.level`
//! (or RUST_LOG). Tests stay quiet unless TEST_LOG=1.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpMessage};
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder};
use tracing_subscriber::EnvFilter;

use crate::config::{LogFormat, LogSettings};

pub fn init(settings: &LogSettings) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.level));
    // The WhatsApp client logs failed media downloads with their URLs, whose query carries the
    // channel's media token: those lines stay out unless asked for by name.
    let filter = match "whatsapp_rust::download=error".parse() {
        Ok(quiet)
            if !settings.level.contains("whatsapp_rust::download")
                && !std::env::var("RUST_LOG")
                    .unwrap_or_default()
                    .contains("whatsapp_rust::download") =>
        {
            filter.add_directive(quiet)
        }
        _ => filter,
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // try_init: a second call (several tests in one process) keeps the first subscriber.
    let _ = match settings.format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}

pub fn init_for_tests() {
    if std::env::var_os("TEST_LOG").is_some() {
        init(&LogSettings {
            format: LogFormat::Pretty,
            level: "info,ulak=debug".into(),
        });
    }
}

/// The root span of every request: its id, method and path, so every log line of the request
/// carries them. Deliberately lean (the default span formats a dozen fields on every request, which
/// costs a measurable share of throughput on the hot authenticated paths).
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let request_id = request.extensions().get::<RequestId>().copied();
        tracing::info_span!(
            "request",
            id = %request_id.map(|id| id.to_string()).unwrap_or_default(),
            method = %request.method(),
            path = %request.path(),
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let status = match outcome {
            Ok(response) => response.status(),
            Err(error) => error.as_response_error().status_code(),
        };
        if status.is_server_error() {
            span.in_scope(|| tracing::error!(status = status.as_u16(), "request failed"));
        }
    }
}
