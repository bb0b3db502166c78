//! The web front: the landing page at `/`, compiled into the binary from `web/landing/`, and the
//! security headers every response carries.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, http::header};
use rust_embed::RustEmbed;

/// For every HTML page (landing, console, API docs): scripts and styles from this server only (the
/// docs UI sets inline styles), nothing framed, no plugins, forms and links that stay home.
pub const HTML_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; font-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Middleware: `nosniff` and a strict referrer policy on every response; on HTML, the content
/// security policy above and a refusal to be framed.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut response = next.call(req).await?;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    if is_html {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(HTML_CSP),
        );
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        );
    }
    Ok(response)
}

#[derive(RustEmbed)]
#[folder = "../web/landing/"]
struct Landing;

fn serve_file(path: &str) -> Option<HttpResponse> {
    let file = Landing::get(path)?;
    let mime = if path.ends_with(".html") {
        "text/html; charset=utf-8"
    } else if path.ends_with(".css") {
        "text/css"
    } else if path.ends_with(".js") {
        "text/javascript"
    } else if path.ends_with(".svg") {
        "image/svg+xml"
    } else {
        "application/octet-stream"
    };
    Some(
        HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, mime))
            .body(file.data.into_owned()),
    )
}

pub async fn landing(req: HttpRequest) -> HttpResponse {
    let path = req.path().trim_start_matches('/');
    let path = if path.is_empty() { "index.html" } else { path };
    serve_file(path).unwrap_or_else(|| {
        actix_web::ResponseError::error_response(&crate::error::ApiError::not_found("page"))
    })
}
