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

/// The console as built by Vite (`web/console/dist`). A build where it was not built yet still
/// compiles, and `/app` then says how to build it.
#[derive(RustEmbed)]
#[folder = "../web/console/dist/"]
#[allow_missing = true]
struct Console;

fn mime_of(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css",
        "js" | "mjs" => "text/javascript",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" | "webmanifest" => "application/json",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn file_response(
    data: std::borrow::Cow<'static, [u8]>,
    path: &str,
    cache: &'static str,
) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, mime_of(path)))
        .insert_header((header::CACHE_CONTROL, cache))
        .body(data.into_owned())
}

/// Whether the browser prefers Turkish to English (by `Accept-Language`, in the order given).
fn prefers_turkish(req: &HttpRequest) -> bool {
    let accepted = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut best: Option<(&str, f32)> = None;
    for part in accepted.split(',') {
        let mut pieces = part.trim().split(';');
        let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let quality = pieces
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        let language = if tag.starts_with("tr") {
            "tr"
        } else if tag.starts_with("en") {
            "en"
        } else {
            continue;
        };
        if best.is_none_or(|(_, q)| quality > q) {
            best = Some((language, quality));
        }
    }
    best.is_some_and(|(language, _)| language == "tr")
}

/// The landing page at `/`, in Turkish or English by the browser's language (`?lang=tr|en`
/// chooses), and its other files. Plain HTML and CSS: no script.
pub async fn landing(req: HttpRequest) -> HttpResponse {
    let path = req.path().trim_start_matches('/');
    if path.is_empty() || path == "index.html" {
        let turkish = match req.query_string() {
            q if q.contains("lang=tr") => true,
            q if q.contains("lang=en") => false,
            _ => prefers_turkish(&req),
        };
        let page = if turkish {
            "index.tr.html"
        } else {
            "index.en.html"
        };
        return match Landing::get(page) {
            Some(file) => {
                let mut response = file_response(file.data, page, "no-cache");
                response
                    .headers_mut()
                    .insert(header::VARY, HeaderValue::from_static("Accept-Language"));
                response
            }
            None => not_found(),
        };
    }
    match Landing::get(path) {
        Some(file) => file_response(file.data, path, "public, max-age=3600"),
        None => not_found(),
    }
}

fn not_found() -> HttpResponse {
    actix_web::ResponseError::error_response(&crate::error::ApiError::not_found("page"))
}

/// The page `/app` shows when the console was not built into this binary.
const CONSOLE_NOT_BUILT: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Ulak console not built</title></head><body><main><h1>The console is not built</h1>\
<p>This server was compiled before the web console was built. Build it with \
<code>./run.sh</code>, or by hand: <code>cd web/console &amp;&amp; npm ci &amp;&amp; npm run build</code>, \
then rebuild the server. The API works meanwhile: <a href=\"/api/docs/\">/api/docs/</a>.</p>\
</main></body></html>";

/// The console at `/app`: its files, with long cache lifetimes for the hashed assets, and its
/// `index.html` for every other path under `/app` (deep links are the console's own routes).
pub async fn console(req: HttpRequest) -> HttpResponse {
    let path = req
        .path()
        .trim_start_matches("/app")
        .trim_start_matches('/');
    if !path.is_empty()
        && let Some(file) = Console::get(path)
    {
        let cache = if path.starts_with("assets/") {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        return file_response(file.data, path, cache);
    }
    // A missing asset is a 404, not the index (a stale tab asking for an old bundle).
    if path.starts_with("assets/") {
        return not_found();
    }
    match Console::get("index.html") {
        Some(index) => file_response(index.data, "index.html", "no-cache"),
        None => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
            .body(CONSOLE_NOT_BUILT),
    }
}
