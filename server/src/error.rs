//! The one error body of the API, `{code, message, details?}`, its stable codes and their HTTP statuses.
//! Extractor errors (bad JSON, wrong types, oversize bodies, bad path or query) go through the same body.
//! Internal causes are logged with their whole chain and never sent to the client.

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"code": "validation_failed", "message": "email: not a valid email address", "details": {"field": "email"}}))]
pub struct ErrorBody {
    /// Stable, snake_case, safe to match on.
    pub code: String,
    /// A sentence for people; may change between versions.
    pub message: String,
    /// Structured context, such as the offending `field`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
}

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    details: Option<Value>,
    retry_after_secs: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            details: None,
            retry_after_secs: None,
        }
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }

    /// 400 for a field that failed validation; the field is named in `details.field`.
    pub fn invalid_field(field: &str, reason: impl std::fmt::Display) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "validation_failed",
            format!("{field}: {reason}"),
        )
        .with_details(serde_json::json!({ "field": field }))
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what} not found"),
        )
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    /// Tells the client when to try again (`Retry-After`).
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs);
        self
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("too many attempts; retry in {retry_after_secs} s"),
        );
        e.retry_after_secs = Some(retry_after_secs);
        e
    }

    /// A failure that is ours, not the client's: logged with its cause chain, answered as a bare 500.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        let cause = cause.into();
        tracing::error!(error = format!("{cause:#}"), "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal server error",
        )
    }

    /// The store could not be reached or failed: 503 so clients and load balancers retry.
    pub fn unavailable(cause: impl Into<anyhow::Error>) -> Self {
        let cause = cause.into();
        tracing::error!(error = format!("{cause:#}"), "storage unavailable");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "storage is unavailable, retry later",
        )
    }

    pub fn code(&self) -> &'static str {
        self.code
    }
}

impl ApiError {
    /// The message for the user (without the code).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if let Some(secs) = self.retry_after_secs {
            response.insert_header((header::RETRY_AFTER, HeaderValue::from(secs)));
        }
        response.json(ErrorBody {
            code: self.code.to_owned(),
            message: self.message.clone(),
            details: self.details.clone(),
        })
    }
}

/// Deepest nesting accepted in free-form JSON a request carries (template channel hints, import
/// options …): the store and the conversions on the way to it recurse, and a worker's stack is
/// finite. serde's own limit (128) is far beyond what any of these fields needs.
pub const MAX_JSON_DEPTH: usize = 16;

/// Refuses free-form JSON nested deeper than [`MAX_JSON_DEPTH`], naming the field. Iterative, so
/// the check itself cannot overflow.
pub fn ensure_json_depth(field: &str, value: &Value) -> Result<(), ApiError> {
    let mut pending: Vec<(&Value, usize)> = vec![(value, 1)];
    while let Some((node, depth)) = pending.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match node {
            Value::Array(items) => Box::new(items.iter()),
            Value::Object(fields) => Box::new(fields.values()),
            _ => continue,
        };
        if depth > MAX_JSON_DEPTH {
            return Err(ApiError::invalid_field(
                field,
                format!("is nested more than {MAX_JSON_DEPTH} levels deep"),
            ));
        }
        pending.extend(children.map(|child| (child, depth + 1)));
    }
    Ok(())
}

pub fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let api = match &err {
        JsonPayloadError::OverflowKnownLength { length, limit } => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("body of {length} bytes exceeds the limit of {limit} bytes"),
        ),
        JsonPayloadError::Overflow { limit } => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("body exceeds the limit of {limit} bytes"),
        ),
        JsonPayloadError::ContentType => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "expected Content-Type: application/json",
        ),
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            ApiError::new(StatusCode::BAD_REQUEST, "validation_failed", e.to_string())
        }
        JsonPayloadError::Deserialize(e) => {
            ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", e.to_string())
        }
        other => ApiError::new(StatusCode::BAD_REQUEST, "malformed_body", other.to_string()),
    };
    api.into()
}

pub fn path_error(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("no such resource: {err}"),
    )
    .into()
}

pub fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", err.to_string()).into()
}

/// Answers requests that match no route: 405 with `Allow` for a known path and another method,
/// 404 otherwise.
pub async fn no_route(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let known = req
        .app_data::<actix_web::web::Data<crate::openapi::RouteTable>>()
        .and_then(|routes| routes.allowed(req.path()));
    if let Some(methods) = known {
        let body = ErrorBody {
            code: "method_not_allowed".into(),
            message: format!(
                "{} is not allowed here; use {}",
                req.method(),
                methods.join(", ")
            ),
            details: None,
        };
        return Ok(HttpResponse::MethodNotAllowed()
            .insert_header((header::ALLOW, methods.join(", ")))
            .json(body));
    }
    let path = req.path();
    let trimmed = path.trim_end_matches('/');
    let without_slash = req
        .app_data::<actix_web::web::Data<crate::openapi::RouteTable>>()
        .filter(|_| trimmed.len() < path.len() && !trimmed.is_empty())
        .and_then(|routes| routes.allowed(trimmed))
        .is_some();
    let hint = if without_slash {
        format!(" (routes have no trailing slash: {trimmed})")
    } else {
        String::new()
    };
    Err(ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("no route for {} {path}{hint}", req.method()),
    ))
}
