//! The web front: the landing page at `/`, compiled into the binary from `web/landing/`.

use actix_web::{HttpRequest, HttpResponse, http::header};
use rust_embed::RustEmbed;

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
            .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
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
