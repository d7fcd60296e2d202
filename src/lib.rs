//! kronuz: self-hosted resource scheduling for consulting businesses.
//!
//! # The modules
//! - [`config`]: the command line; every flag is also a `KRONUZ_*` variable.
//! - [`error`]: [`AppError`], which leaves as `{"error": "..."}` with its status.
//! - [`domain`]: the business types (`User`, `Team`, `Project`, ...) and their pure rules;
//!   [`domain::booked`] is the one definition of capacity, scheduled, tentative and free
//!   hours that the reports, the planner and new bookings' default hours all count with.
//! - [`db`]: the seed's actor. One task owns all state; handlers talk to it through the
//!   `DbTx` handle, which sends `Dm` messages carrying `Req { query, resp }`.
//! - [`store`]: durability. SQLite (WAL, `synchronous=FULL`) behind the `Store` trait,
//!   and the writer thread that group-commits. With `--database-url`,
//!   [`store::postgres`] instead: several nodes on one PostgreSQL, each team leased to
//!   one node, every commit fenced by the lease's epoch in its own transaction.
//! - [`http`]: the router, middleware, the auth extractor, one file per resource, and the
//!   embedded web app. The auth step takes a session cookie or a personal access token
//!   (`Authorization: Bearer`, `http::tokens`, kept as `domain::token::ApiToken` and
//!   checked in `db::tokens`); a bearer request acts with its owner's role, narrowed by
//!   the token's scope, and is exempt from the cross-site rule that guards cookies.
//!   With several nodes, `http::forward` passes each request to its team's owner
//!   (signed with the nodes' secret, carrying the client's address) and
//!   `http::follow` keeps a live-events stream on the team's owner across failovers.
//! - [`import`]: data in. CSV files of people, clients, projects, allocations and time
//!   off, planned as a dry run against a schedule snapshot (rows to create, update or
//!   leave, errors by row and column) and applied as one `Edit::Batch`: all rows or none,
//!   one undo, and a re-import of the same file changes nothing. Also the TaskJuggler
//!   subset (`import::taskjuggler`: resources, tasks, efforts, dependencies) and the
//!   whole team as one versioned JSON document (`import::team`, export and load).
//! - [`events`]: live changes. Each committed schedule change becomes an event that the
//!   writer publishes only after its commit; `GET /api/v1/events` streams a team's events
//!   (server-sent events, resumable with `Last-Event-ID`).
//! - [`server`]: the accept loop: connection caps per address and in all, the time a
//!   client gets to send a request's head, graceful drain.
//! - [`webhooks`]: each committed change as a signed JSON POST. Deliveries are written
//!   in the same transaction as the change they announce; a worker outside the actor,
//!   woken by the committed-event path, sends them and retries failures for 24 hours.
//! - [`reports`]: utilisation, overbooked days, pipeline, project summaries, planned vs
//!   actual, financials (revenue, cost and margin three ways, budget burn), the
//!   iCalendar feed and a scenario's comparison with live: pure functions over
//!   `Schedule` snapshots.
//! - Money: the rules (cents, currency, rate card, billing, which rate an hour is worth)
//!   in `domain::money`, the report in `reports::financials`, the endpoints and the
//!   rule that members never see money in `http::money`.
//! - [`planning`]: from a schedule to the engine's problem (tasks, free hours per person
//!   and day) and from its plan back to allocations.
//! - `kronuz_schedule` (its own crate): the scheduling engine (RCPSP solver for PSPLIB,
//!   and the levelling engine the product uses).
//!
//! # One request: `GET /api/v1/prj/list`
//! 1. axum routes it to `http::prj::list_projects`; the middleware has already checked
//!    load, timeout and (for writes) that it is not cross-site.
//! 2. Its `TeamSchedule` extractor reads cookies `usrid` and `session`, hashes the token
//!    and calls `DbTx::authenticate_schedule`, which sends one `Dm::AuthenticateSchedule`
//!    to the actor (handlers that change things use the `AuthUser` extractor instead).
//! 3. The actor looks the session up in memory, marks it seen, and replies on the
//!    request's oneshot with the user and a clone of the team's `Schedule`, which costs
//!    O(1) (persistent maps).
//! 4. Outside the loop, the handler takes the project list's JSON from the schedule's
//!    memo (serialised once per version of the schedule) and answers. Reports work the
//!    same way, on a blocking thread, so a year-long report never holds up the loop.
//!
//! A write such as `POST /api/v1/prj` goes the same way, but as `Dm::Edit`: the actor
//! validates it against the team's schedule, applies it to memory, records it in the
//! activity log (for undo), and hands the resulting `Mutation`s and the reply to the
//! writer thread, which sends the reply only after the transaction holding it has
//! committed. If that commit fails, the writer reloads the committed state and the
//! actor swaps it in, so memory never keeps what the disk lacks; while that state
//! cannot be read back, every request is answered 503 until it can.
//!
//! Several planners at once: every record carries a `version` (its `ETag`); a PATCH or
//! DELETE with `If-Match` naming an older one is refused with 412 and the record as it
//! is now. Each person's undo (`POST /api/v1/activity/undo`) reverts their own newest
//! change; the activity log says in words who did what. Once a change is committed the
//! writer hands its event to [`events`], and every open screen of the team applies it.
//!
//! # Scenarios
//! A request with a `Kronuz-Scenario: <id>` header works on that scenario instead of
//! live: the auth extractors (`http::auth`) read the header, and the actor's auth step
//! checks it names an open scenario of the caller's team (404 otherwise) and puts it in
//! `AuthUser::scenario`. Everything after that is the same path: `Db::edit_if` and the
//! reads pick the schedule and the activity log by `AuthUser::space`. How forks are kept
//! in memory and on disk is in `db::scenarios`.

pub mod cluster;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod events;
pub mod http;
pub mod import;
pub mod metrics;
pub mod planning;
pub mod reports;
pub mod server;
pub mod store;
pub mod webhooks;

pub use error::{AppError, Result};

use config::Settings;
use db::state::{Db, LoginThrottle, Policy};
use domain::SessionPolicy;
use std::future::Future;
use std::time::{Duration, Instant};
use store::postgres::{NodeSettings, PostgresStore};
use store::sqlite::{DataDir, SqliteOptions, SqliteStore};
use store::{Store, StoreError};
use tokio::net::TcpListener;

/// Why the server could not start or stop cleanly.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Which backend `serve` opens.
enum Opening {
    Sqlite(std::path::PathBuf, SqliteOptions),
    Postgres(String, NodeSettings),
}

/// Runs the server on `listener` until `shutdown` completes, then drains in-flight
/// requests (up to the grace period), commits every acknowledged write and closes the
/// store. The testable entry point: tests pass a port-0 listener and a oneshot.
pub async fn serve(
    settings: Settings,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let started = Instant::now();
    // With PostgreSQL there is no data directory to hold: the node row guards the node.
    let data_dir = match settings.database_url {
        Some(_) => None,
        None => Some(DataDir::lock(&settings.data_dir)?),
    };
    let opening = match (&settings.database_url, &data_dir) {
        (Some(url), _) => Opening::Postgres(url.clone(), settings.node()),
        (None, Some(dir)) => Opening::Sqlite(
            dir.database_path(),
            SqliteOptions {
                max_page_count: settings.max_db_pages,
            },
        ),
        (None, None) => unreachable!("the data directory is locked without a database URL"),
    };
    let (store, cluster, snapshot, dummy_hash) = tokio::task::spawn_blocking(move || {
        let (mut store, cluster): (Box<dyn Store>, _) = match opening {
            Opening::Sqlite(path, options) => (Box::new(SqliteStore::open(&path, &options)?), None),
            Opening::Postgres(url, node) => {
                let node_id = node.node_id.clone();
                let store = PostgresStore::open(&url, node)?;
                let cluster = cluster::Cluster::open(node_id, store.leases(), &url)?;
                (Box::new(store), Some(cluster))
            }
        };
        let snapshot = store.load()?;
        Ok::<_, StoreError>((store, cluster, snapshot, http::dummy_hash()))
    })
    .await
    .map_err(|e| std::io::Error::other(e.to_string()))??;
    let records = snapshot.records.len();
    let policy = Policy {
        sessions: SessionPolicy {
            idle_secs: i64::from(settings.session_idle_days) * 86_400,
            max_secs: i64::from(settings.session_max_days) * 86_400,
        },
        throttle: LoginThrottle::default(),
    };
    let (restore_tx, restore_rx) = tokio::sync::mpsc::unbounded_channel();
    let writer = store::writer::spawn(store, settings.commit_mode, restore_tx)?;
    let db_state = Db::new(snapshot, policy);
    let events = events::Events::spawn(db_state.last_seq());
    events.seed(db_state.live_events());
    let (db, actor) = match settings.state_backend {
        db::StateBackend::Actor => {
            let (db, actor) = db_state.spawn(writer, restore_rx, events.clone());
            (db, Some(actor))
        }
        db::StateBackend::Rwlock => (db_state.share_locked(writer, events.clone()), None),
    };

    let grace = Duration::from_secs(settings.shutdown_grace_secs);
    let open_files = server::raise_open_files_limit();
    let limits = server::Limits {
        header_read_timeout: Duration::from_secs(settings.header_read_timeout_secs.max(1)),
        per_address: settings.max_connections_per_ip,
        total: server::total_cap(settings.max_connections, open_files),
    };
    let deliveries = tokio::spawn(webhooks::worker(
        db.clone(),
        events.clone(),
        settings.webhooks_allow_private,
    ));
    let mut state = http::AppState::new(db.clone(), events, settings, dummy_hash);
    state.cluster = cluster;
    let app = http::app(state);
    tracing::info!(
        address = %listener.local_addr()?,
        records,
        max_connections = limits.total,
        ready_ms = started.elapsed().as_millis() as u64,
        "kronuz is ready"
    );

    let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
    let server = server::run(listener, app, limits, async move {
        shutdown.await;
        tracing::info!("shutting down: no new connections, finishing requests in flight");
        let _ = stopping_tx.send(());
    });
    let drained = async move {
        // Only once shutdown began does the grace period start counting.
        if stopping_rx.await.is_ok() {
            tokio::time::sleep(grace).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        () = server => {}
        () = drained => tracing::warn!("grace period over; dropping requests still in flight"),
    }
    // Deliveries in flight are simply attempted again after the next start.
    deliveries.abort();
    db.shutdown().await?;
    drop(db);
    if let Some(actor) = actor {
        let _ = actor.await;
    }
    drop(data_dir); // the lock is held until the store is closed
    tracing::info!("stopped; every acknowledged write is on disk");
    Ok(())
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}
