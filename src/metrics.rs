//! Counters for operators and benchmarks, served as Prometheus text at `GET /metrics`.
//!
//! Plain atomics, not domain state: the actor and the writer bump them, anyone reads
//! them. `actor_busy_seconds` over wall time is how busy the single loop is, i.e. the
//! headroom left before it saturates.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

pub struct Metrics {
    actor_messages: AtomicU64,
    actor_busy_ns: AtomicU64,
    commits: AtomicU64,
    committed_writes: AtomicU64,
    failed_commits: AtomicU64,
    commit_ns: AtomicU64,
    events_published: AtomicU64,
    event_subscribers: AtomicU64,
    teams_owned: AtomicU64,
    teams_loaded: AtomicU64,
    team_loads: AtomicU64,
    team_load_ns: AtomicU64,
    lease_renewals: AtomicU64,
    lease_takeovers: AtomicU64,
    lease_refusals: AtomicU64,
    forwards: AtomicU64,
}

pub static METRICS: Metrics = Metrics {
    actor_messages: AtomicU64::new(0),
    actor_busy_ns: AtomicU64::new(0),
    commits: AtomicU64::new(0),
    committed_writes: AtomicU64::new(0),
    failed_commits: AtomicU64::new(0),
    commit_ns: AtomicU64::new(0),
    events_published: AtomicU64::new(0),
    event_subscribers: AtomicU64::new(0),
    teams_owned: AtomicU64::new(0),
    teams_loaded: AtomicU64::new(0),
    team_loads: AtomicU64::new(0),
    team_load_ns: AtomicU64::new(0),
    lease_renewals: AtomicU64::new(0),
    lease_takeovers: AtomicU64::new(0),
    lease_refusals: AtomicU64::new(0),
    forwards: AtomicU64::new(0),
};

impl Metrics {
    /// One message handled by the actor, taking `busy`.
    pub fn actor_message(&self, busy: Duration) {
        self.actor_messages.fetch_add(1, Relaxed);
        self.actor_busy_ns
            .fetch_add(busy.as_nanos() as u64, Relaxed);
    }

    /// One transaction committed (`ok`) or refused, holding `writes` requests.
    pub fn commit(&self, writes: usize, took: Duration, ok: bool) {
        if ok {
            self.commits.fetch_add(1, Relaxed);
            self.committed_writes.fetch_add(writes as u64, Relaxed);
        } else {
            self.failed_commits.fetch_add(1, Relaxed);
        }
        self.commit_ns.fetch_add(took.as_nanos() as u64, Relaxed);
    }

    /// One committed change sent to the live-events hub.
    pub fn event_published(&self) {
        self.events_published.fetch_add(1, Relaxed);
    }

    /// A live-events stream opened (`+1`) or closed (`-1`).
    pub fn event_subscriber(&self, opened: bool) {
        if opened {
            self.event_subscribers.fetch_add(1, Relaxed);
        } else {
            self.event_subscribers.fetch_sub(1, Relaxed);
        }
    }

    /// With PostgreSQL: how many teams' leases this node holds.
    pub fn teams_owned(&self, teams: usize) {
        self.teams_owned.store(teams as u64, Relaxed);
    }

    /// How many teams' schedules memory holds.
    pub fn teams_loaded(&self, teams: usize) {
        self.teams_loaded.store(teams as u64, Relaxed);
    }

    /// Time spent loading one team on its own (with PostgreSQL, when a node takes it
    /// on): reading it from the store (`started`, counts one load) or putting it in
    /// memory.
    pub fn team_load(&self, took: Duration, started: bool) {
        if started {
            self.team_loads.fetch_add(1, Relaxed);
        }
        self.team_load_ns.fetch_add(took.as_nanos() as u64, Relaxed);
    }

    /// With PostgreSQL: `leases` team leases renewed by one heartbeat.
    pub fn lease_renewals(&self, leases: u64) {
        self.lease_renewals.fetch_add(leases, Relaxed);
    }

    /// With PostgreSQL: a team's expired lease taken over by this node.
    pub fn lease_takeover(&self) {
        self.lease_takeovers.fetch_add(1, Relaxed);
    }

    /// With PostgreSQL: a team's writes left out of a commit because another node owns it.
    pub fn lease_refusal(&self) {
        self.lease_refusals.fetch_add(1, Relaxed);
    }

    /// With PostgreSQL: a request forwarded to the node that owns its team.
    pub fn forward(&self) {
        self.forwards.fetch_add(1, Relaxed);
    }

    /// The Prometheus text exposition of every counter.
    pub fn render(&self) -> String {
        let secs = |ns: &AtomicU64| ns.load(Relaxed) as f64 / 1e9;
        let rows = [
            (
                "kronuz_actor_messages_total",
                "counter",
                "Messages handled by the database actor.",
                self.actor_messages.load(Relaxed) as f64,
            ),
            (
                "kronuz_actor_busy_seconds_total",
                "counter",
                "Time the actor spent handling messages.",
                secs(&self.actor_busy_ns),
            ),
            (
                "kronuz_store_commits_total",
                "counter",
                "Transactions committed by the writer.",
                self.commits.load(Relaxed) as f64,
            ),
            (
                "kronuz_store_committed_writes_total",
                "counter",
                "Requests made durable by those commits.",
                self.committed_writes.load(Relaxed) as f64,
            ),
            (
                "kronuz_store_failed_commits_total",
                "counter",
                "Commits the disk refused.",
                self.failed_commits.load(Relaxed) as f64,
            ),
            (
                "kronuz_store_commit_seconds_total",
                "counter",
                "Time spent writing and committing.",
                secs(&self.commit_ns),
            ),
            (
                "kronuz_events_published_total",
                "counter",
                "Committed changes sent to live-event subscribers.",
                self.events_published.load(Relaxed) as f64,
            ),
            (
                "kronuz_event_subscribers",
                "gauge",
                "Open live-event streams.",
                self.event_subscribers.load(Relaxed) as f64,
            ),
            (
                "kronuz_teams_owned",
                "gauge",
                "Teams whose lease this node holds (PostgreSQL only).",
                self.teams_owned.load(Relaxed) as f64,
            ),
            (
                "kronuz_teams_loaded",
                "gauge",
                "Teams whose schedule this node holds in memory.",
                self.teams_loaded.load(Relaxed) as f64,
            ),
            (
                "kronuz_team_loads_total",
                "counter",
                "Teams loaded one at a time, as this node took them on (PostgreSQL).",
                self.team_loads.load(Relaxed) as f64,
            ),
            (
                "kronuz_team_load_seconds_total",
                "counter",
                "Time spent on those loads: reading the team and building it in memory.",
                secs(&self.team_load_ns),
            ),
            (
                "kronuz_lease_renewals_total",
                "counter",
                "Team leases renewed by this node's heartbeat.",
                self.lease_renewals.load(Relaxed) as f64,
            ),
            (
                "kronuz_lease_takeovers_total",
                "counter",
                "Expired team leases this node took over.",
                self.lease_takeovers.load(Relaxed) as f64,
            ),
            (
                "kronuz_lease_refusals_total",
                "counter",
                "Teams whose writes a commit left out because another node owns them.",
                self.lease_refusals.load(Relaxed) as f64,
            ),
            (
                "kronuz_forwards_total",
                "counter",
                "Requests forwarded to the node that owns their team.",
                self.forwards.load(Relaxed) as f64,
            ),
        ];
        let mut out = String::new();
        for (name, kind, help, value) in rows {
            out.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"
            ));
        }
        out
    }
}
