//! HTTP: the one place the router is built, the middleware around it, and one file per
//! resource. Handlers are thin: extract, call a `DbTx` method, shape the JSON.

mod activity;
mod allocations;
mod auth;
pub mod client_addr;
mod clients;
pub mod content_type;
mod edits;
mod events;
mod export;
mod extract;
mod follow;
pub mod forward;
mod idempotency;
mod import;
mod meta;
pub mod money;
mod openapi;
mod passwords;
mod people;
mod planning;
mod prj;
mod reports;
mod sample;
mod scenarios;
mod team;
mod timeoff;
mod tokens;
mod usr;
mod web;
mod webhooks;

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
pub use openapi::document;

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
    /// With several nodes on PostgreSQL: who owns which team, for forwarding.
    pub cluster: Option<Arc<crate::cluster::Cluster>>,
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
            openapi: document().to_string().into(),
            cluster: None,
        }
    }
}

/// Every API route, with its OpenAPI description.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(meta::api_info())
        .merge(meta::router())
        .merge(usr::router())
        .merge(passwords::router())
        .merge(prj::router())
        .merge(team::router())
        .merge(sample::router())
        .merge(activity::router())
        .merge(events::router())
        .merge(people::router())
        .merge(clients::router())
        .merge(allocations::router())
        .merge(timeoff::router())
        .merge(planning::router())
        .merge(reports::router())
        .merge(scenarios::router())
        .merge(money::router())
        .merge(tokens::router())
        .merge(import::router())
        .merge(export::router())
        .merge(webhooks::router())
}

/// Builds the application: routes, fallbacks and middleware.
pub fn app(state: AppState) -> Router {
    let (api, _) = api_routes().split_for_parts();
    let timeout = Duration::from_secs(state.settings.request_timeout_secs.max(1));
    api.fallback(web::fallback)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(state.settings.max_body_bytes))
        .layer(middleware::from_fn_with_state(state.clone(), idempotency::idempotent_writes))
        .layer(middleware::from_fn_with_state(state.clone(), forward::to_owner))
        .layer(middleware::from_fn(refuse_cross_site))
        .layer(middleware::from_fn_with_state(state.clone(), forward::verify_peer))
        .layer(middleware::from_fn(refuse_large_headers))
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

/// A state-changing request that a browser marks as cross-site is refused (CSRF),
/// unless it carries a bearer token.
async fn refuse_cross_site(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // A bearer token is never sent by a browser on its own: such a request is
    // authenticated by the token alone (cookies are not looked at), so it cannot be forged.
    let bearer = auth::bearer(req.headers()).is_some();
    // A request another node forwarded was checked there, where the browser's Host was.
    let from_peer = req.extensions().get::<forward::FromPeer>().is_some();
    if !safe && !bearer && !from_peer {
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

/// Largest single header accepted; the whole head is capped in [`crate::server`].
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// A single header over [`MAX_HEADER_BYTES`] is refused with 431 before any work.
async fn refuse_large_headers(req: Request, next: Next) -> Response {
    let too_large = req
        .headers()
        .iter()
        .find(|(name, value)| name.as_str().len() + value.len() > MAX_HEADER_BYTES);
    if let Some((name, _)) = too_large {
        return AppError::HeaderTooLarge(format!(
            "The {name} header is larger than {} kB",
            MAX_HEADER_BYTES / 1024
        ))
        .into_response();
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
