//! Per-operation counters and HDR latency histograms, merged across connections.

use std::collections::BTreeMap;
use std::time::Duration;

use hdrhistogram::Histogram;
use serde::Serialize;

/// Highest latency the histograms track (60 s); slower responses are clamped to it.
pub const MAX_LATENCY_US: u64 = 60_000_000;
const SIGNIFICANT_DIGITS: u8 = 3;

/// Outcomes of one kind of request on one connection (or, after merging, on all of them).
#[derive(Debug, Clone)]
pub struct OpStats {
    /// Latency of every completed response (any status), in microseconds.
    pub latency: Histogram<u64>,
    pub ok: u64,
    pub non_2xx: u64,
    /// Requests that got no response: connect failure, reset, timeout.
    pub errors: u64,
    pub statuses: BTreeMap<u16, u64>,
    pub error_kinds: BTreeMap<String, u64>,
    /// Response body bytes received, to tell a costly request from a large answer.
    pub body_bytes: u64,
}

impl Default for OpStats {
    fn default() -> Self {
        Self::new()
    }
}

impl OpStats {
    pub fn new() -> Self {
        OpStats {
            // Constant, valid bounds (low >= 1, high >= 2 * low, sigfig <= 5): cannot fail.
            latency: Histogram::new_with_bounds(1, MAX_LATENCY_US, SIGNIFICANT_DIGITS)
                .expect("constant histogram bounds are valid"),
            ok: 0,
            non_2xx: 0,
            errors: 0,
            statuses: BTreeMap::new(),
            error_kinds: BTreeMap::new(),
            body_bytes: 0,
        }
    }

    pub fn record_response(&mut self, status: u16, latency: Duration) {
        let us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.latency.saturating_record(us.clamp(1, MAX_LATENCY_US));
        if (200..300).contains(&status) {
            self.ok += 1;
        } else {
            self.non_2xx += 1;
        }
        *self.statuses.entry(status).or_default() += 1;
    }

    pub fn record_body_bytes(&mut self, n: usize) {
        self.body_bytes += n as u64;
    }

    pub fn record_error(&mut self, kind: &str) {
        self.errors += 1;
        *self.error_kinds.entry(kind.to_owned()).or_default() += 1;
    }

    pub fn merge(&mut self, other: &OpStats) {
        if self.latency.add(&other.latency).is_err() {
            // Only reachable with histograms of other bounds: fall back value by value.
            for v in other.latency.iter_recorded() {
                self.latency
                    .saturating_record_n(v.value_iterated_to(), v.count_at_value());
            }
        }
        self.ok += other.ok;
        self.non_2xx += other.non_2xx;
        self.errors += other.errors;
        self.body_bytes += other.body_bytes;
        for (status, n) in &other.statuses {
            *self.statuses.entry(*status).or_default() += n;
        }
        for (kind, n) in &other.error_kinds {
            *self.error_kinds.entry(kind.clone()).or_default() += n;
        }
    }

    /// Responses received, whatever their status.
    pub fn completed(&self) -> u64 {
        self.ok + self.non_2xx
    }

    pub fn is_clean(&self) -> bool {
        self.non_2xx == 0 && self.errors == 0
    }

    pub fn summary(&self, elapsed: Duration) -> OpSummary {
        let secs = elapsed.as_secs_f64();
        let rate = |n: u64| if secs > 0.0 { n as f64 / secs } else { 0.0 };
        OpSummary {
            requests: self.completed(),
            ok: self.ok,
            non_2xx: self.non_2xx,
            errors: self.errors,
            throughput_rps: rate(self.completed()),
            ok_rps: rate(self.ok),
            latency_us: LatencySummary::of(&self.latency),
            mean_body_bytes: if self.completed() > 0 {
                self.body_bytes as f64 / self.completed() as f64
            } else {
                0.0
            },
            statuses: self
                .statuses
                .iter()
                .map(|(s, n)| (s.to_string(), *n))
                .collect(),
            error_kinds: self.error_kinds.clone(),
        }
    }
}

/// Latency percentiles in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LatencySummary {
    pub min: u64,
    pub mean: f64,
    pub p50: u64,
    pub p90: u64,
    pub p99: u64,
    pub p999: u64,
    pub max: u64,
}

impl LatencySummary {
    pub fn of(h: &Histogram<u64>) -> Self {
        if h.is_empty() {
            return LatencySummary {
                min: 0,
                mean: 0.0,
                p50: 0,
                p90: 0,
                p99: 0,
                p999: 0,
                max: 0,
            };
        }
        LatencySummary {
            min: h.min(),
            mean: h.mean(),
            p50: h.value_at_quantile(0.50),
            p90: h.value_at_quantile(0.90),
            p99: h.value_at_quantile(0.99),
            p999: h.value_at_quantile(0.999),
            max: h.max(),
        }
    }
}

/// What the table and the JSON report for one operation (or the total).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpSummary {
    /// Responses received (2xx and non-2xx).
    pub requests: u64,
    pub ok: u64,
    pub non_2xx: u64,
    pub errors: u64,
    /// Responses per second over the measured time.
    pub throughput_rps: f64,
    /// 2xx responses per second over the measured time.
    pub ok_rps: f64,
    pub latency_us: LatencySummary,
    /// Average response body size.
    pub mean_body_bytes: f64,
    pub statuses: BTreeMap<String, u64>,
    pub error_kinds: BTreeMap<String, u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// HDR keeps 3 significant digits: a value is within 0.1% of what was recorded.
    fn close(actual: u64, expected: u64) -> bool {
        actual.abs_diff(expected) * 1000 <= expected
    }

    #[test]
    fn percentiles_of_1_to_1000_ms() {
        let mut s = OpStats::new();
        for i in 1..=1000 {
            s.record_response(200, ms(i));
        }
        let l = s.summary(Duration::from_secs(1)).latency_us;
        assert!(close(l.p50, 500_000), "p50 {}", l.p50);
        assert!(close(l.p90, 900_000), "p90 {}", l.p90);
        assert!(close(l.p99, 990_000), "p99 {}", l.p99);
        assert!(close(l.p999, 999_000), "p99.9 {}", l.p999);
        assert!(close(l.max, 1_000_000), "max {}", l.max);
        assert!(close(l.min, 1_000), "min {}", l.min);
    }

    #[test]
    fn merge_equals_recording_everything_in_one_histogram() {
        let mut a = OpStats::new();
        let mut b = OpStats::new();
        let mut all = OpStats::new();
        for i in 1..=500u64 {
            a.record_response(200, Duration::from_micros(i * 7));
            all.record_response(200, Duration::from_micros(i * 7));
        }
        for i in 1..=300u64 {
            b.record_response(503, Duration::from_micros(i * 1000));
            all.record_response(503, Duration::from_micros(i * 1000));
        }
        b.record_error("timeout");
        all.record_error("timeout");
        a.merge(&b);
        let elapsed = Duration::from_secs(2);
        assert_eq!(a.summary(elapsed), all.summary(elapsed));
        assert_eq!(a.ok, 500);
        assert_eq!(a.non_2xx, 300);
        assert_eq!(a.errors, 1);
        assert_eq!(a.statuses[&503], 300);
        assert_eq!(a.error_kinds["timeout"], 1);
        assert!(!a.is_clean());
    }

    #[test]
    fn merging_into_empty_keeps_max_and_count() {
        let mut total = OpStats::new();
        let mut one = OpStats::new();
        one.record_response(201, ms(3));
        one.record_response(201, ms(40));
        total.merge(&one);
        assert_eq!(total.latency.len(), 2);
        assert!(close(total.latency.max(), 40_000));
        assert!(total.is_clean());
    }

    #[test]
    fn throughput_is_responses_over_elapsed_and_ok_rps_only_2xx() {
        let mut s = OpStats::new();
        for _ in 0..90 {
            s.record_response(200, ms(1));
        }
        for _ in 0..10 {
            s.record_response(401, ms(1));
        }
        s.record_body_bytes(1000);
        let sum = s.summary(Duration::from_secs(4));
        assert_eq!(sum.requests, 100);
        assert!((sum.mean_body_bytes - 10.0).abs() < 1e-9);
        assert!((sum.throughput_rps - 25.0).abs() < 1e-9);
        assert!((sum.ok_rps - 22.5).abs() < 1e-9);
        assert_eq!(sum.statuses["401"], 10);
    }

    #[test]
    fn empty_stats_summarise_to_zeroes_and_huge_latencies_are_clamped() {
        let s = OpStats::new();
        let sum = s.summary(Duration::ZERO);
        assert_eq!(sum.requests, 0);
        assert_eq!(sum.throughput_rps, 0.0);
        assert_eq!(sum.latency_us.max, 0);

        let mut s = OpStats::new();
        s.record_response(200, Duration::from_secs(3600));
        s.record_response(200, Duration::ZERO);
        assert!(close(s.latency.max(), MAX_LATENCY_US));
        assert_eq!(s.latency.min(), 1);
    }
}
