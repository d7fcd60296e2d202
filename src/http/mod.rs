//! HTTP: the one place the router is built, the middleware around it, and one file per
//! resource. Handlers are thin: extract, call a `DbTx` method, shape the JSON.

mod activity;
mod allocations;
mod auth;
mod clients;
pub mod content_type;
mod edits;
mod events;
mod extract;
mod meta;
mod people;
mod planning;
mod prj;
mod reports;
mod team;
mod timeoff;
mod usr;
mod web;

use crate::AppError;
use crate::config::Settings;
use crate::db::DbTx;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;

pub use auth::{TeamSchedule, dummy_hash, token_hash};

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: DbTx,
    /// Committed changes, live (`GET /api/v1/events`).
    pub events: crate::events::Events,
    pub settings: Arc<Settings>,
    /// Bounds concurrent password hashes (each takes ~20 MB and a core for a while).
    pub hash_permits: Arc<Semaphore>,
    /// Hash checked for unknown emails so that a login's timing does not reveal them.
    pub dummy_hash: Arc<str>,
    /// Requests in flight; beyond its permits requests are shed with 503.
    pub in_flight: Arc<Semaphore>,
    /// The OpenAPI document, rendered once.
    pub openapi: Arc<str>,
}

impl AppState {
    pub fn new(
        db: DbTx,
        events: crate::events::Events,
        settings: Settings,
        dummy_hash: String,
    ) -> AppState {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        AppState {
            db,
            events,
            in_flight: Arc::new(Semaphore::new(settings.max_concurrency.max(1))),
            settings: Arc::new(settings),
            hash_permits: Arc::new(Semaphore::new(cores)),
            dummy_hash: dummy_hash.into(),
            openapi: serde_json::to_string(&document())
                .unwrap_or_default()
                .into(),
        }
    }
}

/// Every API route, with its OpenAPI description.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(meta::api_info())
        .merge(meta::router())
        .merge(usr::router())
        .merge(prj::router())
        .merge(team::router())
        .merge(activity::router())
        .merge(events::router())
        .merge(people::router())
        .merge(clients::router())
        .merge(allocations::router())
        .merge(timeoff::router())
        .merge(planning::router())
        .merge(reports::router())
}

/// The OpenAPI document: every route's own description, plus the answers any operation
/// can give that the routes do not repeat (bad body, not logged in, overload).
pub fn document() -> utoipa::openapi::OpenApi {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let mut doc = api_routes().split_for_parts().1;
    let error = |description: &str| -> RefOr<utoipa::openapi::Response> {
        let content = ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("ErrorBody")))
            .build();
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content("application/json", content)
                .build(),
        )
    };
    let public = [
        "/healthz",
        "/metrics",
        "/api/v1/openapi.json",
        "/api/v1/usr/signup",
        "/api/v1/usr/login",
        "/api/v1/usr/logout",
    ];
    for (path, item) in doc.paths.paths.iter_mut() {
        // A PATCH or DELETE of one record honours If-Match.
        for op in [&mut item.patch, &mut item.delete].into_iter().flatten() {
            if path.ends_with('}') && path.starts_with("/api/v1/") && !path.contains("/team/") {
                op.responses.responses.entry("412".into()).or_insert_with(|| {
                    error("The record changed since the version named by If-Match; the body's `current` is the record now")
                });
            }
        }
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in operations.into_iter().flatten() {
            let responses = &mut op.responses.responses;
            let mut add = |code: &str, description: &str| {
                responses
                    .entry(code.to_string())
                    .or_insert_with(|| error(description));
            };
            if op.request_body.is_some() {
                add("400", "The body is not valid JSON");
                add("413", "The body is too large");
                add("415", "The body is not application/json");
                add("422", "A field is invalid; the message names it");
            } else if op.parameters.as_ref().is_some_and(|p| !p.is_empty()) {
                add("422", "A parameter is invalid; the message names it");
            }
            if !public.contains(&path.as_str()) && !path.starts_with("/ical/") {
                add("401", "Not logged in, or the session expired");
            }
            if op.request_body.is_some() || path.starts_with("/api/") {
                add(
                    "503",
                    "Overloaded, timed out, or the change could not be saved",
                );
            }
        }
    }
    doc
}

/// Builds the application: routes, fallbacks and middleware.
pub fn app(state: AppState) -> Router {
    let (api, _) = api_routes().split_for_parts();
    let timeout = Duration::from_secs(state.settings.request_timeout_secs.max(1));
    api.fallback(web::fallback)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(state.settings.max_body_bytes))
        .layer(middleware::from_fn(refuse_cross_site))
        .layer(middleware::from_fn(move |req, next| with_timeout(timeout, req, next)))
        .layer(middleware::from_fn_with_state(state.clone(), shed_load))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(|_| {
            AppError::Internal("a handler panicked".into()).into_response()
        }))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    // The path only: queries and cookies may carry secrets.
                    tracing::info_span!("request", method = %req.method(), path = %loggable_path(req.uri().path()))
                })
                .on_response(tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .with_state(state)
}

/// Calendar feed URLs carry their secret in the path.
fn loggable_path(path: &str) -> &str {
    if path.starts_with("/ical/") {
        "/ical/…"
    } else {
        path
    }
}

/// Same-origin everything; no inline scripts or styles; never framed.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
                   form-action 'self'; frame-ancestors 'none'";

async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}

/// A state-changing request that a browser marks as cross-site is refused (CSRF).
async fn refuse_cross_site(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        let headers = req.headers();
        let cross_site = headers
            .get("sec-fetch-site")
            .is_some_and(|v| v.as_bytes() == b"cross-site");
        let foreign_origin = headers.get(header::ORIGIN).is_some_and(|origin| {
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
            let origin_host = origin
                .to_str()
                .ok()
                .and_then(|o| o.split_once("://"))
                .map(|(_, rest)| rest);
            origin_host.is_none() || origin_host != host
        });
        if cross_site || foreign_origin {
            return AppError::Forbidden("Cross-site requests may not change data".into())
                .into_response();
        }
    }
    next.run(req).await
}

async fn with_timeout(limit: Duration, req: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            AppError::Unavailable("The request took too long; try again".into()).into_response()
        }
    }
}

/// Load shedding: past `max_concurrency` requests in flight, answer 503 at once.
async fn shed_load(State(state): State<AppState>, req: Request, next: Next) -> Response {
    match state.in_flight.clone().try_acquire_owned() {
        Ok(_permit) => {
            let mut response = next.run(req).await;
            if !response.headers().contains_key(header::CACHE_CONTROL) {
                response
                    .headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            }
            response
        }
        Err(_) => {
            AppError::Unavailable("The server is busy; try again shortly".into()).into_response()
        }
    }
}
