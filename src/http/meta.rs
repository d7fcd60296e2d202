//! Health and the API's own description.

use super::AppState;
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    /// Always `ok`: the data is loaded and the socket is listening.
    status: &'static str,
}

pub fn api_info() -> utoipa::openapi::OpenApi {
    utoipa::openapi::OpenApiBuilder::new()
        .info(
            utoipa::openapi::InfoBuilder::new()
                .title("kronuz")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "Resource scheduling for consulting businesses. Authenticate with the \
                     cookies `usrid` and `session` set by signup or login. Errors are \
                     `{\"error\": \"...\"}`. A write (POST, PATCH or DELETE) may carry an \
                     `Idempotency-Key` header (1 to 255 visible ASCII characters): a retry \
                     with the same key and the same request within a day gets the first \
                     answer, marked `Idempotent-Replayed: true`, instead of writing twice; \
                     the same key on a different request is 422.",
                ))
                .build(),
        )
        .build()
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(openapi))
        .routes(routes!(metrics))
}

/// Liveness and readiness.
#[utoipa::path(get, path = "/healthz", tag = "meta", responses((status = 200, body = Health)))]
async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI 3 document")))]
async fn openapi(State(state): State<AppState>) -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        state.openapi.to_string(),
    )
}

/// Counters of the actor loop and the writer, in Prometheus text format.
#[utoipa::path(get, path = "/metrics", tag = "meta",
    responses((status = 200, description = "Prometheus text exposition", content_type = "text/plain")))]
async fn metrics() -> impl axum::response::IntoResponse {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        crate::metrics::METRICS.render(),
    )
}
