//! `GET /api/v1/events`: the team's committed changes as server-sent events (see
//! [`crate::events`]). The stream holds no request permit and no actor time while idle;
//! it ends when the session does (checked every minute) or the server stops.

use super::AppState;
use super::auth::Session;
use crate::Result;
use crate::events::{Backlog, Frame};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{self, KeepAlive, Sse};
use futures_util::Stream;
use serde::Deserialize;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(events))
}

/// How often an open stream checks that its session still stands.
const SESSION_RECHECK: Duration = Duration::from_secs(60);

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// Resume after this event id (as the `Last-Event-ID` header does).
    #[param(minimum = 0)]
    pub last_event_id: Option<u64>,
}

/// The team's changes, live, as `text/event-stream`: first `hello` (`{"last_id"}`), then
/// one `change` event per committed change (`id:` is its id; `data:` lists each record
/// as it is now, `null` when deleted). With `Last-Event-ID` the stream first replays
/// what was missed, or sends `reload` when that is no longer held. `: keep-alive`
/// comments every 15 s.
#[utoipa::path(get, path = "/api/v1/events", tag = "activity", params(EventsQuery),
    responses((status = 200, content_type = "text/event-stream", description = "Server-sent events")))]
async fn events(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    super::extract::ApiQuery(q): super::extract::ApiQuery<EventsQuery>,
) -> Result<Sse<impl Stream<Item = std::result::Result<sse::Event, Infallible>>>> {
    let since = match headers.get("last-event-id") {
        // An id kronuz never sent cannot be resumed from: start over.
        Some(v) => Some(
            v.to_str()
                .ok()
                .and_then(|s| s.trim().parse().ok())
                .unwrap_or(0),
        ),
        None => q.last_event_id,
    };
    let sub = state
        .events
        .subscribe(session.auth.team_id.clone(), since)
        .await
        .ok_or_else(crate::AppError::shutting_down)?;
    let mut pending = VecDeque::new();
    pending.push_back(named(
        "hello",
        &serde_json::json!({ "last_id": sub.last_id }),
    ));
    match sub.backlog {
        Backlog::Reload => pending.push_back(reload()),
        Backlog::Replay(missed) => pending.extend(missed.iter().map(|e| change(&session.auth, e))),
    }
    crate::metrics::METRICS.event_subscriber(true);
    let stream = LiveStream {
        pending,
        live: sub.live,
        state,
        session,
        recheck_at: tokio::time::Instant::now() + SESSION_RECHECK,
        _open: Open,
    };
    Ok(
        Sse::new(futures_util::stream::unfold(stream, next)).keep_alive(
            KeepAlive::new()
                .interval(Duration::from_secs(15))
                .text("keep-alive"),
        ),
    )
}

/// Counts open streams for `/metrics` while it lives.
struct Open;

impl Drop for Open {
    fn drop(&mut self) {
        crate::metrics::METRICS.event_subscriber(false);
    }
}

struct LiveStream {
    pending: VecDeque<sse::Event>,
    live: broadcast::Receiver<Arc<Frame>>,
    state: AppState,
    session: Session,
    /// When the session is next checked: kept across events, so a busy team's stream
    /// is checked as often as a quiet one's.
    recheck_at: tokio::time::Instant,
    _open: Open,
}

async fn next(
    mut s: LiveStream,
) -> Option<(std::result::Result<sse::Event, Infallible>, LiveStream)> {
    if let Some(event) = s.pending.pop_front() {
        return Some((Ok(event), s));
    }
    loop {
        tokio::select! {
            received = s.live.recv() => return match received {
                Ok(event) => Some((Ok(change(&s.session.auth, &event)), s)),
                // Fell too far behind: the client reloads rather than the server buffering.
                Err(broadcast::error::RecvError::Lagged(_)) => Some((Ok(reload()), s)),
                Err(broadcast::error::RecvError::Closed) => None,
            },
            () = tokio::time::sleep_until(s.recheck_at) => {
                if s.state.db.authenticate_with(s.session.credential.clone()).await.is_err() {
                    return None;
                }
                s.recheck_at = tokio::time::Instant::now() + SESSION_RECHECK;
            }
        }
    }
}

fn named(name: &str, data: &serde_json::Value) -> sse::Event {
    sse::Event::default().event(name).data(data.to_string())
}

/// A change as `reader` may see it: a member's stream carries no rates or amounts.
fn change(reader: &crate::domain::AuthUser, frame: &Frame) -> sse::Event {
    sse::Event::default()
        .id(frame.id.to_string())
        .event("change")
        .data(if reader.sees_money() {
            &frame.json
        } else {
            &frame.member_json
        })
}

fn reload() -> sse::Event {
    sse::Event::default().event("reload").data("{}")
}
