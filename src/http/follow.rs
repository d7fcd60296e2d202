//! The live-events stream with several nodes: whichever node a subscriber reached, it
//! follows the team's owner. While this node owns the team the stream reads its own
//! hub; otherwise it reads the owner's stream (forwarded and signed like any request)
//! and passes its events on. When the team moves (its owner stopped, was killed or
//! paused past its lease), the stream finds the new owner, or claims the team, and
//! asks for what came after the last event it sent, as `Last-Event-ID` does. The new
//! owner answers from the activity log it loaded from PostgreSQL when it took the team
//! over, so nothing acknowledged is lost, and ids that only grow keep out repeats. The
//! subscriber sees one stream: one `hello`, then every change once, in order.

use super::AppState;
use super::auth::{Session, credentials};
use super::events::{Item, LiveStream};
use super::forward::{EVENTS, forward, route_claiming};
use crate::cluster::{Cluster, Route};
use crate::store::postgres::LeaseOwner;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::response::sse;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

/// How long a stream waits without news before it checks that its source still owns
/// the team (a paused owner sends nothing, not even an error).
const OWNER_RECHECK: Duration = Duration::from_millis(500);
/// Between two attempts to reach a team's owner while the team moves.
const RETRY: Duration = Duration::from_millis(250);

pub(super) struct Follow {
    state: AppState,
    cluster: Arc<Cluster>,
    team: String,
    /// The subscriber's request headers: its credential, passed to each owner.
    headers: HeaderMap,
    client: IpAddr,
    /// Another node follows through this one: serve only while owning the team, and
    /// end the stream otherwise, so that node finds the owner itself (one hop, always).
    from_peer: bool,
    /// The newest event id the subscriber has (from `hello` when it gave none).
    last_id: Option<u64>,
    hello_sent: bool,
    source: Source,
}

enum Source {
    /// Between sources: find the owner next.
    Idle,
    /// This node owns the team.
    Local(Box<LiveStream>),
    /// `owner` does: its stream, and what has arrived of the event being read.
    Upstream {
        owner: LeaseOwner,
        body: BoxStream<'static, reqwest::Result<Bytes>>,
        buf: String,
    },
}

/// Why a source could not be opened.
struct Failure {
    /// Worth another try (the owner is moving), or final (the credential is refused).
    retry: bool,
    answer: Response,
}

/// Starts following the team of the request's credential. `Err` is the answer for a
/// subscriber who cannot have a stream (not logged in, say); while the team's owner
/// cannot be reached the stream opens anyway and says `hello` once it is.
pub(super) async fn open(
    state: AppState,
    cluster: Arc<Cluster>,
    headers: HeaderMap,
    client: IpAddr,
    from_peer: bool,
    since: Option<u64>,
) -> Result<Follow, Response> {
    let usrid = super::extract::cookie(&headers, "usrid")
        .filter(|v| !v.is_empty() && v.len() <= 64)
        .map(|v| crate::cluster::TeamKey::User(v.to_string()));
    let key = match super::auth::bearer(&headers) {
        Some(token) if !token.is_empty() && token.len() <= 256 => Some(
            crate::cluster::TeamKey::ApiToken(super::auth::token_hash(token)),
        ),
        Some(_) => None,
        None => usrid,
    };
    let team = match key {
        Some(key) => cluster.team_of(key).await,
        None => None,
    };
    let Some(team) = team else {
        // No team to follow: the credential is wrong, and this says so.
        return Err(credentials(&headers, &Method::GET)
            .err()
            .unwrap_or_else(|| crate::AppError::Unauthorized("Not logged in".into()))
            .into_response());
    };
    let mut follow = Follow {
        state,
        cluster,
        team,
        headers,
        client,
        from_peer,
        last_id: since,
        hello_sent: false,
        source: Source::Idle,
    };
    match follow.connect().await {
        Ok(()) => Ok(follow),
        Err(f) if f.retry => Ok(follow),
        Err(f) => Err(f.answer),
    }
}

impl Follow {
    /// The next thing to tell the subscriber; `None` ends the stream (its credential
    /// no longer stands, or this server stops).
    pub(super) async fn next_item(&mut self) -> Option<Item> {
        loop {
            match &mut self.source {
                Source::Idle => match self.connect().await {
                    Ok(()) => {}
                    Err(f) if f.retry => tokio::time::sleep(RETRY).await,
                    Err(_) => return None,
                },
                Source::Local(live) => {
                    tokio::select! {
                        item = live.next_item() => match item {
                            Some(item) => {
                                if let Some(item) = self.accept(item) {
                                    return Some(item);
                                }
                            }
                            None => return None,
                        },
                        () = tokio::time::sleep(OWNER_RECHECK) => {
                            if matches!(self.cluster.route(&self.team), Route::Forward(_)) {
                                self.source = Source::Idle;
                            }
                        }
                    }
                }
                Source::Upstream { owner, body, buf } => {
                    if let Some(block) = take_block(buf) {
                        if let Some(item) = parse(&block)
                            && let Some(item) = self.accept(item)
                        {
                            return Some(item);
                        }
                        continue;
                    }
                    tokio::select! {
                        chunk = body.next() => match chunk {
                            Some(Ok(bytes)) => buf.push_str(&String::from_utf8_lossy(&bytes)),
                            // The owner went away or ended the stream: find out why anew.
                            _ => self.source = Source::Idle,
                        },
                        () = tokio::time::sleep(OWNER_RECHECK) => {
                            if self.cluster.route(&self.team) != Route::Forward(owner.clone()) {
                                self.source = Source::Idle;
                            }
                        }
                    }
                }
            }
        }
    }

    /// What of `item` reaches the subscriber: one `hello` in all, and each change once.
    fn accept(&mut self, item: Item) -> Option<Item> {
        match item {
            Item::Hello(last_id) => {
                self.last_id.get_or_insert(last_id);
                if self.hello_sent {
                    return None;
                }
                self.hello_sent = true;
                Some(Item::Hello(last_id))
            }
            Item::Change(id, _) if self.last_id.is_some_and(|seen| id <= seen) => None,
            Item::Change(id, event) => {
                self.last_id = Some(id);
                Some(Item::Change(id, event))
            }
            Item::Reload => Some(Item::Reload),
        }
    }

    /// Opens the stream of whoever owns the team now, after the last event sent.
    async fn connect(&mut self) -> Result<(), Failure> {
        match route_claiming(&self.state, &self.cluster, &self.team).await {
            // Claimed by another node a moment ago, or about to be: ask again shortly.
            Route::Claim => Err(Failure {
                retry: true,
                answer: moving(),
            }),
            Route::Forward(_) if self.from_peer => Err(Failure {
                retry: false,
                answer: moving(),
            }),
            Route::Here => {
                let refused = |e: crate::AppError| Failure {
                    retry: matches!(e, crate::AppError::Unavailable(_)),
                    answer: e.into_response(),
                };
                let credential = credentials(&self.headers, &Method::GET).map_err(refused)?;
                let auth = self
                    .state
                    .db
                    .authenticate_with(credential.clone())
                    .await
                    .map_err(refused)?;
                let session = Session { auth, credential };
                let live = LiveStream::open(self.state.clone(), session, self.last_id)
                    .await
                    .map_err(refused)?;
                self.source = Source::Local(Box::new(live));
                Ok(())
            }
            Route::Forward(owner) => {
                let mut request = Request::get(EVENTS).body(()).unwrap_or_default();
                *request.headers_mut() = self.headers.clone();
                request.headers_mut().remove("last-event-id");
                if let Some(id) = self.last_id
                    && let Ok(id) = HeaderValue::from_str(&id.to_string())
                {
                    request.headers_mut().insert("last-event-id", id);
                }
                let (parts, ()) = request.into_parts();
                let answer = forward(&self.cluster, &owner, &parts, self.client, Bytes::new())
                    .await
                    .map_err(|answer| Failure {
                        retry: true,
                        answer,
                    })?;
                let status = answer.status();
                if status != StatusCode::OK {
                    // Moving (503) is worth waiting out; a refused credential is not.
                    let retry = status.is_server_error();
                    let answer = super::forward::passed_back(answer);
                    return Err(Failure { retry, answer });
                }
                self.source = Source::Upstream {
                    owner,
                    body: answer.bytes_stream().boxed(),
                    buf: String::new(),
                };
                Ok(())
            }
        }
    }
}

fn moving() -> Response {
    crate::AppError::Unavailable(
        "This team's schedule is moving to another kronuz server; try again".into(),
    )
    .into_response()
}

/// The next whole event in `buf` (up to its blank line), taken out of it.
fn take_block(buf: &mut String) -> Option<String> {
    let end = buf.find("\n\n")?;
    Some(buf.drain(..end + 2).collect())
}

/// One event of an owner's stream; `None` for a comment (keep-alive) or one unknown.
fn parse(block: &str) -> Option<Item> {
    let (mut name, mut id, mut data) = (None, None, Vec::new());
    for line in block.lines() {
        if let Some(v) = line.strip_prefix("event:") {
            name = Some(v.trim());
        } else if let Some(v) = line.strip_prefix("id:") {
            id = v.trim().parse::<u64>().ok();
        } else if let Some(v) = line.strip_prefix("data:") {
            data.push(v.strip_prefix(' ').unwrap_or(v));
        }
    }
    let data = data.join("\n");
    match (name?, id) {
        ("hello", _) => {
            let hello: serde_json::Value = serde_json::from_str(&data).ok()?;
            Some(Item::Hello(hello.get("last_id")?.as_u64()?))
        }
        ("change", Some(id)) => Some(Item::Change(
            id,
            sse::Event::default()
                .id(id.to_string())
                .event("change")
                .data(data),
        )),
        ("reload", _) => Some(Item::Reload),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_owners_stream_reads_back_as_the_events_it_was_made_of() {
        let mut buf = String::from(
            "event: hello\ndata: {\"last_id\":7}\n\n: keep-alive\n\nid: 9\nevent: change\ndata: {\"a\":1}\n\nid: 1",
        );
        assert!(matches!(
            parse(&take_block(&mut buf).unwrap()),
            Some(Item::Hello(7))
        ));
        assert!(parse(&take_block(&mut buf).unwrap()).is_none());
        assert!(matches!(
            parse(&take_block(&mut buf).unwrap()),
            Some(Item::Change(9, _))
        ));
        assert!(
            take_block(&mut buf).is_none(),
            "half an event waits for the rest"
        );
        assert_eq!(buf, "id: 1");
    }
}
