//! `GET /api/v1/events`: the team's committed changes as server-sent events (see
//! [`crate::events`]). The stream holds no request permit and no actor time while idle;
//! it ends when the session does (checked every minute) or the server stops.

use super::AppState;
use super::auth::{Session, credentials};
use super::client_addr::ClientAddr;
use crate::Result;
use crate::events::{Backlog, Frame};
use axum::extract::State;
use axum::http::{HeaderMap, Method};
use axum::response::sse::{self, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
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
/// comments every 15 s. With several nodes, any node serves it: the stream follows the
/// team's owner, and carries on from the last event sent when the team moves.
#[utoipa::path(get, path = "/api/v1/events", tag = "activity", params(EventsQuery),
    responses((status = 200, content_type = "text/event-stream", description = "Server-sent events")))]
async fn events(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    from_peer: Option<axum::Extension<super::forward::FromPeer>>,
    headers: HeaderMap,
    super::extract::ApiQuery(q): super::extract::ApiQuery<EventsQuery>,
) -> Result<Response> {
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
    let from_peer = from_peer.is_some();
    let items: futures_util::stream::BoxStream<'static, Item> = match state.cluster.clone() {
        None => {
            let credential = credentials(&headers, &Method::GET)?;
            let auth = state.db.authenticate_with(credential.clone()).await?;
            let live = LiveStream::open(state, Session { auth, credential }, since).await?;
            Box::pin(futures_util::stream::unfold(live, |mut live| async move {
                live.next_item().await.map(|item| (item, live))
            }))
        }
        Some(cluster) => {
            match super::follow::open(state, cluster, headers, client, from_peer, since).await {
                Ok(follow) => Box::pin(futures_util::stream::unfold(follow, |mut f| async move {
                    f.next_item().await.map(|item| (item, f))
                })),
                Err(answer) => return Ok(answer),
            }
        }
    };
    crate::metrics::METRICS.event_subscriber(true);
    let open = Open;
    let events = items.map(move |item| {
        let _open = &open;
        Ok::<_, Infallible>(item.into_sse())
    });
    Ok(Sse::new(events)
        .keep_alive(
            KeepAlive::new()
                .interval(Duration::from_secs(15))
                .text("keep-alive"),
        )
        .into_response())
}

/// Counts open streams for `/metrics` while it lives.
struct Open;

impl Drop for Open {
    fn drop(&mut self) {
        crate::metrics::METRICS.event_subscriber(false);
    }
}

/// One thing a stream says, before it is written out.
pub(super) enum Item {
    /// The newest event id when the stream began.
    Hello(u64),
    /// A committed change, with its id, as the reader may see it.
    Change(u64, sse::Event),
    /// The reader must reload: what it missed is no longer held.
    Reload,
}

impl Item {
    fn into_sse(self) -> sse::Event {
        match self {
            Item::Hello(last_id) => named("hello", &serde_json::json!({ "last_id": last_id })),
            Item::Change(_, event) => event,
            Item::Reload => reload(),
        }
    }
}

/// A team's events from this node's hub: what the team's owner serves.
pub(super) struct LiveStream {
    pending: VecDeque<Item>,
    live: broadcast::Receiver<Arc<Frame>>,
    state: AppState,
    session: Session,
    /// When the session is next checked: kept across events, so a busy team's stream
    /// is checked as often as a quiet one's.
    recheck_at: tokio::time::Instant,
}

impl LiveStream {
    /// Subscribes `session`'s team after `since` (none: only what comes next).
    pub(super) async fn open(
        state: AppState,
        session: Session,
        since: Option<u64>,
    ) -> Result<LiveStream> {
        let sub = state
            .events
            .subscribe(session.auth.team_id.clone(), since)
            .await
            .ok_or_else(crate::AppError::shutting_down)?;
        let mut pending = VecDeque::new();
        pending.push_back(Item::Hello(sub.last_id));
        match sub.backlog {
            Backlog::Reload => pending.push_back(Item::Reload),
            Backlog::Replay(missed) => {
                pending.extend(missed.iter().map(|e| change(&session.auth, e)))
            }
        }
        Ok(LiveStream {
            pending,
            live: sub.live,
            state,
            session,
            recheck_at: tokio::time::Instant::now() + SESSION_RECHECK,
        })
    }

    /// The next thing to say; `None` when the session ended or the server stops.
    pub(super) async fn next_item(&mut self) -> Option<Item> {
        if let Some(item) = self.pending.pop_front() {
            return Some(item);
        }
        loop {
            tokio::select! {
                received = self.live.recv() => return match received {
                    Ok(event) => Some(change(&self.session.auth, &event)),
                    // Fell too far behind: the client reloads rather than the server buffering.
                    Err(broadcast::error::RecvError::Lagged(_)) => Some(Item::Reload),
                    Err(broadcast::error::RecvError::Closed) => None,
                },
                () = tokio::time::sleep_until(self.recheck_at) => {
                    let credential = self.session.credential.clone();
                    if self.state.db.authenticate_with(credential).await.is_err() {
                        return None;
                    }
                    self.recheck_at = tokio::time::Instant::now() + SESSION_RECHECK;
                }
            }
        }
    }
}

fn named(name: &str, data: &serde_json::Value) -> sse::Event {
    sse::Event::default().event(name).data(data.to_string())
}

/// A change as `reader` may see it: a member's stream carries no rates or amounts.
fn change(reader: &crate::domain::AuthUser, frame: &Frame) -> Item {
    let event = sse::Event::default()
        .id(frame.id.to_string())
        .event("change")
        .data(if reader.sees_money() {
            &frame.json
        } else {
            &frame.member_json
        });
    Item::Change(frame.id, event)
}

fn reload() -> sse::Event {
    sse::Event::default().event("reload").data("{}")
}
