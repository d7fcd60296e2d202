//! With several nodes on PostgreSQL, an API request for a team another node owns is
//! forwarded to that node and its answer passed back as is (status, cookies, body,
//! streamed); see `cluster` for how the owner is found. A forwarded request carries
//! `Kronuz-Forwarded-From`, and is never forwarded again: a node that does not own its
//! team refuses it (503) rather than answer from memory another node has moved past.

use super::AppState;
use super::extract::cookie;
use crate::AppError;
use crate::cluster::{Cluster, Route};
use crate::store::postgres::LeaseOwner;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Marks a request one node forwarded to another (its value: the forwarding node).
pub const FORWARDED_FROM: &str = "kronuz-forwarded-from";

const LOGIN: &str = "/api/v1/usr/login";

pub(super) async fn to_owner(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(cluster) = state.cluster.clone() else {
        return next.run(req).await;
    };
    if !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let login = parts.method == Method::POST && parts.uri.path() == LOGIN;
    // A login names its person by email, in the body; anything else by its cookie.
    let (team, body) = if login {
        let Ok(bytes) = axum::body::to_bytes(body, state.settings.max_body_bytes).await else {
            return AppError::PayloadTooLarge.into_response();
        };
        let email = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| v.get("email")?.as_str().map(str::to_string));
        let team = match email {
            Some(email) => cluster.team_of_email(&email).await,
            None => None,
        };
        (team, Body::from(bytes))
    } else {
        let usrid = cookie(&parts.headers, "usrid")
            .filter(|v| !v.is_empty() && v.len() <= 64)
            .filter(|_| !parts.headers.contains_key(header::AUTHORIZATION))
            .map(str::to_string);
        let team = match usrid {
            Some(usrid) => cluster.team_of_user(&usrid).await,
            None => None,
        };
        (team, body)
    };
    let Some(team) = team else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let mut route = cluster.route(&team);
    if route == Route::Claim {
        // Nobody live holds it: take it (and reload it, if its owner stopped), unless
        // another node won the race, which the store records for the route below.
        if state
            .db
            .claim(crate::domain::Id(team.clone()))
            .await
            .is_ok()
        {
            cluster.claimed(&team, state.settings.advertise_url.clone());
        }
        route = cluster.route(&team);
    }
    match route {
        Route::Here | Route::Claim => next.run(Request::from_parts(parts, body)).await,
        Route::Forward(owner) if parts.headers.contains_key(FORWARDED_FROM) => {
            AppError::Unavailable(format!(
                "This team's schedule is served by another kronuz server ({}); try again",
                owner.node_id
            ))
            .into_response()
        }
        Route::Forward(owner) => {
            let Ok(bytes) = axum::body::to_bytes(body, state.settings.max_body_bytes).await else {
                return AppError::PayloadTooLarge.into_response();
            };
            forward(&cluster, &owner, parts, bytes).await
        }
    }
}

/// Hop-by-hop headers, which belong to one connection and are never passed on.
fn strip_hop_by_hop(headers: &mut HeaderMap) {
    for name in [
        header::CONNECTION,
        header::HOST,
        header::CONTENT_LENGTH,
        header::TRANSFER_ENCODING,
        header::TE,
        header::TRAILER,
        header::UPGRADE,
        header::PROXY_AUTHORIZATION,
        header::PROXY_AUTHENTICATE,
    ] {
        headers.remove(name);
    }
    headers.remove("keep-alive");
}

async fn forward(cluster: &Cluster, owner: &LeaseOwner, parts: Parts, body: Bytes) -> Response {
    let unreachable = || {
        AppError::Unavailable(format!(
            "The server holding this team's schedule ({}) cannot be reached; try again shortly",
            owner.node_id
        ))
        .into_response()
    };
    let Some(base) = &owner.advertise_url else {
        return unreachable();
    };
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let url = format!("{}{}", base.trim_end_matches('/'), path);
    let mut headers = parts.headers;
    strip_hop_by_hop(&mut headers);
    if let Ok(node) = HeaderValue::from_str(&cluster.node_id) {
        headers.insert(HeaderName::from_static(FORWARDED_FROM), node);
    }
    crate::metrics::METRICS.forward();
    let sent = cluster
        .http
        .request(parts.method, url)
        .headers(headers)
        .body(body)
        .send()
        .await;
    match sent {
        Ok(answer) => {
            let status = answer.status();
            let mut headers = answer.headers().clone();
            strip_hop_by_hop(&mut headers);
            let mut response = Response::new(Body::from_stream(answer.bytes_stream()));
            *response.status_mut() = status;
            *response.headers_mut() = headers;
            response
        }
        Err(e) => {
            tracing::warn!(owner = %owner.node_id, error = %e, "cannot forward a request");
            unreachable()
        }
    }
}
