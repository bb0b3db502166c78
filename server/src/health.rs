//! Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the store answers too).

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::error::ErrorBody;

#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: String,
}

/// Liveness
///
/// Answers 200 while the process runs; for liveness probes. Needs no authentication.
#[utoipa::path(tag = "health", responses((status = 200, description = "The process is up", body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".into(),
    })
}

/// Readiness
///
/// Answers 200 when the store answers too, 503 otherwise; for readiness probes. Needs no authentication.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "The store answers", body = Health),
        (status = 503, description = "The store does not answer", body = ErrorBody),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    if state.db.is_ready().await {
        HttpResponse::Ok().json(Health {
            status: "ready".into(),
        })
    } else {
        HttpResponse::ServiceUnavailable().json(ErrorBody {
            code: "unavailable".into(),
            message: "the store does not answer".into(),
            details: None,
        })
    }
}
