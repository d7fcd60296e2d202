//! With several nodes on PostgreSQL, a request for a team another node owns is
//! forwarded to that node and its answer passed back as is (status, cookies, body,
//! streamed); see `cluster` for how the owner is found. Every credential that names a
//! team is followed: the session cookie, a login's email, an API token, a calendar
//! feed's token, an invitation, a password-reset link. The live-events stream is not
//! forwarded here but followed (`http::follow`), so it survives the owner's failover.
//!
//! A forwarded request carries the forwarding node's id, the client's address and a
//! signature over both made with the nodes' secret ([`verify_peer`] checks it; a
//! stranger's copies of these headers are dropped). A signed request is never
//! forwarded again: a node that does not own its team refuses it (503) rather than
//! answer from memory another node has moved past.

use super::AppState;
use super::auth::{bearer, token_hash};
use super::extract::cookie;
use crate::AppError;
use crate::cluster::{Cluster, Forwarded, Route, TeamKey};
use crate::store::postgres::LeaseOwner;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::IpAddr;

/// Marks a request one node forwarded to another (its value: the forwarding node).
pub const FORWARDED_FROM: &str = "kronuz-forwarded-from";
/// The address of the client a forwarded request came from.
pub const CLIENT_ADDR: &str = "kronuz-client-addr";
/// The forwarding node's signature over the two headers above, the method, the path
/// and the time it was made (`<unix seconds>.<hex>`; refused a minute later).
pub const SIGNATURE: &str = "kronuz-node-signature";

const LOGIN: &str = "/api/v1/usr/login";
const SIGNUP: &str = "/api/v1/usr/signup";
const RESET: &str = "/api/v1/usr/reset";
pub(super) const EVENTS: &str = "/api/v1/events";

/// A request another node forwarded, its signature checked.
#[derive(Clone, Debug)]
pub struct FromPeer {
    pub node_id: String,
    /// The client the forwarding node served.
    pub client: IpAddr,
}

/// Takes the internal headers off every request, and marks the request [`FromPeer`]
/// when they carry a valid signature, so that nothing downstream believes a stranger.
pub(super) async fn verify_peer(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let headers = req.headers_mut();
    let text = |v: Option<HeaderValue>| v.and_then(|v| v.to_str().ok().map(str::to_string));
    let node = text(headers.remove(FORWARDED_FROM));
    let client = text(headers.remove(CLIENT_ADDR));
    let signature = text(headers.remove(SIGNATURE));
    if let (Some(cluster), Some(node), Some(client), Some(signature)) =
        (&state.cluster, node, client, signature)
    {
        let path = req.uri().path_and_query().map_or("/", |p| p.as_str());
        let vouched = Forwarded {
            node_id: &node,
            client: &client,
            method: req.method().as_str(),
            path,
        };
        let signed = cluster.verify(&vouched, &signature);
        match client.parse::<IpAddr>() {
            Ok(client) if signed => {
                req.extensions_mut().insert(FromPeer {
                    node_id: node,
                    client,
                });
            }
            _ => {
                tracing::warn!(node = %node, "a request claiming to come from a node was not signed by one; treated as a client's")
            }
        }
    }
    next.run(req).await
}

pub(super) async fn to_owner(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(cluster) = state.cluster.clone() else {
        return next.run(req).await;
    };
    let path = req.uri().path();
    let scoped = path.starts_with("/api/") || path.starts_with("/ical/");
    // The events stream follows its team's owner itself, across failovers.
    let events = req.method() == Method::GET && path == EVENTS;
    if !scoped || events {
        return next.run(req).await;
    }
    let from_peer = req.extensions().get::<FromPeer>().is_some();
    let (parts, body) = req.into_parts();
    let Ok((key, body)) = team_key(&state, &parts, body).await else {
        return AppError::PayloadTooLarge.into_response();
    };
    // A sign-up without an invitation makes a new team here unless its email has an
    // account. The email is held in the database first and looked up after, so that
    // the same email signing up on another node at the same moment is told to wait
    // and one that just finished there is found.
    let new_account = match (&key, parts.uri.path()) {
        // An email that does not look like one is refused by the sign-up itself (422).
        (Some(TeamKey::Email(email)), SIGNUP) => crate::domain::user::normalise_email(email).ok(),
        _ => None,
    };
    if let Some(email) = &new_account {
        match cluster.claim_email(email).await {
            Some(true) => {}
            Some(false) => {
                return AppError::Conflict(
                    "An account with this email is being made right now; log in in a moment, or try again"
                        .into(),
                )
                .into_response();
            }
            None => {
                return AppError::Unavailable(
                    "Accounts cannot be made right now (the database cannot be reached); try again shortly"
                        .into(),
                )
                .into_response();
            }
        }
    }
    let team = match key {
        Some(key) => cluster.team_of(key).await,
        None => None,
    };
    let Some(team) = team else {
        let answer = next.run(Request::from_parts(parts, body)).await;
        if let Some(email) = &new_account {
            cluster.release_email(email).await;
        }
        return answer;
    };
    if let Some(email) = &new_account {
        cluster.release_email(email).await;
    }
    match route_claiming(&state, &cluster, &team).await {
        Route::Here | Route::Claim => next.run(Request::from_parts(parts, body)).await,
        Route::Forward(owner) if from_peer => AppError::Unavailable(format!(
            "This team's schedule is served by another kronuz server ({}); try again",
            owner.node_id
        ))
        .into_response(),
        Route::Forward(owner) => {
            let Ok(bytes) = axum::body::to_bytes(body, state.settings.max_body_bytes).await else {
                return AppError::PayloadTooLarge.into_response();
            };
            let client = super::client_addr::of_request(&parts, &state);
            match forward(&cluster, &owner, &parts, client, bytes).await {
                Ok(answer) => passed_back(answer),
                Err(refusal) => refusal,
            }
        }
    }
}

/// Where a request for `team` goes; a team nobody live holds is claimed first (taken
/// over and reloaded if its owner stopped), unless another node wins the race.
pub(super) async fn route_claiming(state: &AppState, cluster: &Cluster, team: &str) -> Route {
    let route = cluster.route(team);
    if route != Route::Claim {
        return route;
    }
    if state
        .db
        .claim(crate::domain::Id(team.to_string()))
        .await
        .is_ok()
    {
        cluster.claimed(team, state.settings.advertise_url.clone());
    }
    cluster.route(team)
}

/// What names the request's team, and the body (read when the team is named in it).
/// `Err` when a body that must be read is too large.
async fn team_key(
    state: &AppState,
    parts: &Parts,
    body: Body,
) -> Result<(Option<TeamKey>, Body), ()> {
    let path = parts.uri.path();
    if parts.headers.contains_key(header::AUTHORIZATION) {
        let key = bearer(&parts.headers)
            .filter(|t| !t.is_empty() && t.len() <= 256)
            .map(|t| TeamKey::ApiToken(token_hash(t)));
        return Ok((key, body));
    }
    if let Some(file) = path.strip_prefix("/ical/") {
        let key = file
            .strip_suffix(".ics")
            .filter(|t| !t.is_empty() && t.len() <= 128)
            .map(|t| TeamKey::Feed(token_hash(t)));
        return Ok((key, body));
    }
    if parts.method == Method::POST && [LOGIN, SIGNUP, RESET].contains(&path) {
        let bytes = axum::body::to_bytes(body, state.settings.max_body_bytes)
            .await
            .map_err(|_| ())?;
        let json = serde_json::from_slice::<serde_json::Value>(&bytes).unwrap_or_default();
        let field = |name: &str| json.get(name).and_then(|v| v.as_str()).map(str::to_string);
        let key = match path {
            LOGIN => field("email").map(TeamKey::Email),
            // A sign-up that takes up an invitation joins its team; one without goes
            // where its email already has an account (to be told so), else it makes
            // a new team here.
            SIGNUP => match field("invite") {
                Some(invite) => Some(TeamKey::Invite(token_hash(&invite))),
                None => field("email").map(TeamKey::Email),
            },
            // A reset link's token starts with its team (`<team>.<secret>`).
            _ => field("token")
                .and_then(|t| t.split_once('.').map(|(team, _)| team.to_string()))
                .filter(|team| !team.is_empty() && team.len() <= 64)
                .map(TeamKey::Team),
        };
        return Ok((key, Body::from(bytes)));
    }
    let key = cookie(&parts.headers, "usrid")
        .filter(|v| !v.is_empty() && v.len() <= 64)
        .map(|v| TeamKey::User(v.to_string()));
    Ok((key, body))
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

/// Sends a request to `owner` on behalf of `client`, signed; the owner's answer, or
/// the 503 the client gets when the owner cannot be reached.
pub(super) async fn forward(
    cluster: &Cluster,
    owner: &LeaseOwner,
    parts: &Parts,
    client: IpAddr,
    body: Bytes,
) -> Result<reqwest::Response, Response> {
    let unreachable = || {
        AppError::Unavailable(format!(
            "The server holding this team's schedule ({}) cannot be reached; try again shortly",
            owner.node_id
        ))
        .into_response()
    };
    let Some(base) = &owner.advertise_url else {
        return Err(unreachable());
    };
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let url = format!("{}{}", base.trim_end_matches('/'), path);
    let mut headers = parts.headers.clone();
    strip_hop_by_hop(&mut headers);
    let client = client.to_string();
    let signature = cluster.sign(&Forwarded {
        node_id: &cluster.node_id,
        client: &client,
        method: parts.method.as_str(),
        path,
    });
    for (name, value) in [
        (FORWARDED_FROM, cluster.node_id.as_str()),
        (CLIENT_ADDR, client.as_str()),
        (SIGNATURE, signature.as_str()),
    ] {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
    crate::metrics::METRICS.forward();
    let sent = cluster
        .http
        .request(parts.method.clone(), url)
        .headers(headers)
        .body(body)
        .send()
        .await;
    sent.map_err(|e| {
        tracing::warn!(owner = %owner.node_id, error = %e, "cannot forward a request");
        unreachable()
    })
}

/// The owner's answer as this node's, its body streamed through.
pub(super) fn passed_back(answer: reqwest::Response) -> Response {
    let status = answer.status();
    let mut headers = answer.headers().clone();
    strip_hop_by_hop(&mut headers);
    let mut response = Response::new(Body::from_stream(answer.bytes_stream()));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}
