//! The server's own counters (`GET /metrics`, Prometheus text) read at the start and the
//! end of the measured phase: how busy the actor loop was and how writes were grouped.
//! Optional: a server without the endpoint just gets no such section.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::client::{Conn, RequestFactory};
use crate::target::Target;

pub const METRICS_PATH: &str = "/metrics";

/// Counter values by name (labels, if any, stay part of the name).
pub type Snapshot = BTreeMap<String, f64>;

/// Parses the Prometheus text exposition format, keeping `name value` samples.
pub fn parse_prometheus(text: &str) -> Snapshot {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let (name, rest) = match l.find('}') {
                Some(end) => (&l[..=end], &l[end + 1..]),
                None => l.split_once(char::is_whitespace)?,
            };
            let value = rest.split_whitespace().next()?.parse::<f64>().ok()?;
            Some((name.to_owned(), value))
        })
        .collect()
}

/// What the server's counters say about the measured phase.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServerMetrics {
    pub wall_s: f64,
    pub actor_messages_per_s: Option<f64>,
    /// Share of wall time the actor spent handling messages (1.0 = saturated).
    pub actor_busy_share: Option<f64>,
    /// Mean time the actor spent on one message.
    pub actor_us_per_message: Option<f64>,
    pub commits_per_s: Option<f64>,
    pub writes_per_commit: Option<f64>,
    pub commit_ms_mean: Option<f64>,
}

impl ServerMetrics {
    pub fn between(before: &Snapshot, after: &Snapshot, wall: Duration) -> Self {
        let wall_s = wall.as_secs_f64();
        let delta = |name: &str| -> Option<f64> {
            Some(after.get(name)? - before.get(name).copied().unwrap_or(0.0))
        };
        let per_s = |d: Option<f64>| d.filter(|_| wall_s > 0.0).map(|d| d / wall_s);
        let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) if b > 0.0 => Some(a / b),
            _ => None,
        };
        let messages = delta("kronuz_actor_messages_total");
        let busy = delta("kronuz_actor_busy_seconds_total");
        let commits = delta("kronuz_store_commits_total");
        let writes = delta("kronuz_store_committed_writes_total");
        let commit_s = delta("kronuz_store_commit_seconds_total");
        ServerMetrics {
            wall_s,
            actor_messages_per_s: per_s(messages),
            actor_busy_share: per_s(busy),
            actor_us_per_message: ratio(busy.map(|b| b * 1e6), messages),
            commits_per_s: per_s(commits),
            writes_per_commit: ratio(writes, commits),
            commit_ms_mean: ratio(commit_s.map(|s| s * 1e3), commits),
        }
    }

    /// One line for the table.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let (Some(rate), Some(busy)) = (self.actor_messages_per_s, self.actor_busy_share) {
            let mut s = format!(
                "actor {rate:.0} msg/s, busy {:.0}% of the time",
                busy * 100.0
            );
            if let Some(us) = self.actor_us_per_message {
                s.push_str(&format!(" ({us:.1} us/msg)"));
            }
            parts.push(s);
        }
        if let Some(rate) = self.commits_per_s.filter(|r| *r > 0.0) {
            let mut s = format!("{rate:.0} commits/s");
            if let Some(w) = self.writes_per_commit {
                s.push_str(&format!(", {w:.1} writes/commit"));
            }
            if let Some(ms) = self.commit_ms_mean {
                s.push_str(&format!(", {ms:.2} ms/commit"));
            }
            parts.push(s);
        }
        format!("server: {}", parts.join("; "))
    }
}

/// Reads `GET /metrics` once; `None` if the server has no such endpoint or fails.
pub async fn scrape(target: &Target, timeout: Duration) -> Option<(Instant, Snapshot)> {
    let mut conn = Conn::connect(target, timeout).await.ok()?;
    let req = RequestFactory::new(target, None)
        .ok()?
        .get(&target.path(METRICS_PATH))
        .ok()?;
    let resp = conn.send(req, timeout).await.ok()?;
    let at = Instant::now();
    if !resp.status.is_success() {
        return None;
    }
    let snapshot = parse_prometheus(std::str::from_utf8(&resp.body).ok()?);
    (!snapshot.is_empty()).then_some((at, snapshot))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEFORE: &str = "# HELP kronuz_actor_messages_total Messages.\n\
        # TYPE kronuz_actor_messages_total counter\n\
        kronuz_actor_messages_total 1000\n\
        kronuz_actor_busy_seconds_total 0.5\n\
        kronuz_store_commits_total 10\n\
        kronuz_store_committed_writes_total 10\n\
        kronuz_store_commit_seconds_total 0.01\n";
    const AFTER: &str = "kronuz_actor_messages_total 21000\n\
        kronuz_actor_busy_seconds_total 1.5\n\
        kronuz_store_commits_total 110\n\
        kronuz_store_committed_writes_total 1010\n\
        kronuz_store_commit_seconds_total 0.21\n\
        some_histogram_bucket{le=\"0.5\"} 7\n";

    #[test]
    fn prometheus_text_is_parsed_with_comments_skipped_and_labels_kept() {
        let s = parse_prometheus(AFTER);
        assert_eq!(s["kronuz_actor_messages_total"], 21000.0);
        assert_eq!(s["some_histogram_bucket{le=\"0.5\"}"], 7.0);
        assert_eq!(parse_prometheus(BEFORE).len(), 5);
        assert!(parse_prometheus("# only comments\n\nbad line\n").is_empty());
    }

    #[test]
    fn deltas_become_rates_shares_and_means() {
        let m = ServerMetrics::between(
            &parse_prometheus(BEFORE),
            &parse_prometheus(AFTER),
            Duration::from_secs(2),
        );
        assert_eq!(m.actor_messages_per_s, Some(10_000.0));
        assert_eq!(m.actor_busy_share, Some(0.5));
        assert_eq!(m.actor_us_per_message, Some(50.0));
        assert_eq!(m.commits_per_s, Some(50.0));
        assert_eq!(m.writes_per_commit, Some(10.0));
        assert!((m.commit_ms_mean.unwrap() - 2.0).abs() < 1e-9);
        let line = m.describe();
        assert!(
            line.contains("busy 50%") && line.contains("10.0 writes/commit"),
            "{line}"
        );
    }

    #[test]
    fn missing_counters_give_none_not_nonsense() {
        let m = ServerMetrics::between(&Snapshot::new(), &Snapshot::new(), Duration::from_secs(1));
        assert_eq!(m.actor_busy_share, None);
        assert_eq!(m.writes_per_commit, None);
    }
}
