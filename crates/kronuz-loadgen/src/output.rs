//! The results: a human table on stdout and a JSON document for scripts.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::load::{LoadResult, StopRule};
use crate::metrics::ServerMetrics;
use crate::scenario::Scenario;
use crate::stats::{OpStats, OpSummary};

/// What was asked for, echoed in the JSON so a result file explains itself.
#[derive(Debug, Clone, Serialize)]
pub struct RunParams {
    pub scenario: Scenario,
    pub url: String,
    pub connections: usize,
    pub teams: usize,
    pub projects_per_team: usize,
    pub people: usize,
    pub allocations: usize,
    pub read_percent: Option<u8>,
    pub report_connections: Option<usize>,
    pub duration_s: Option<f64>,
    pub requests: Option<u64>,
    pub warmup_s: f64,
    pub timeout_s: f64,
    pub seed: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    pub tool: &'static str,
    pub version: &'static str,
    pub params: RunParams,
    pub setup_s: f64,
    /// Measured time: end of warm-up to the last measured response.
    pub elapsed_s: f64,
    pub warmup_requests: u64,
    pub warmup_failures: u64,
    pub reconnects: u64,
    pub hit_time_cap: bool,
    pub lost_connections: u64,
    /// The server's own counters over the measured phase (`GET /metrics`), if it has them.
    pub server: Option<ServerMetrics>,
    /// Load generator CPU use during the run, in cores (1.0 = one core fully busy), and
    /// the CPUs it may use. Near `client_cpus`, throughput is bounded by the client.
    pub client_cpu_cores: Option<f64>,
    pub client_cpus: usize,
    /// No non-2xx response and no transport error in the measured phase.
    pub clean: bool,
    pub total: OpSummary,
    /// Per operation: `healthz`, `read`, `write`, `report`.
    pub ops: BTreeMap<String, OpSummary>,
}

impl RunReport {
    pub fn new(params: RunParams, setup_s: f64, load: &LoadResult) -> Self {
        let mut total = OpStats::new();
        let mut ops = BTreeMap::new();
        for (op, stats) in &load.per_op {
            total.merge(stats);
            ops.insert(op.name().to_owned(), stats.summary(load.elapsed));
        }
        RunReport {
            tool: "kronuz-loadgen",
            version: env!("CARGO_PKG_VERSION"),
            params,
            setup_s,
            elapsed_s: load.elapsed.as_secs_f64(),
            warmup_requests: load.warmup_requests,
            warmup_failures: load.warmup_failures,
            reconnects: load.reconnects,
            hit_time_cap: load.hit_time_cap,
            lost_connections: load.lost_connections,
            server: load.server_metrics.clone(),
            client_cpu_cores: load.client_cpu.and_then(|cpu| {
                let wall = load.client_wall.as_secs_f64();
                (wall > 0.0).then(|| cpu.as_secs_f64() / wall)
            }),
            client_cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            clean: total.is_clean() && total.completed() > 0 && load.lost_connections == 0,
            total: total.summary(load.elapsed),
            ops,
        }
    }

    /// Everything that makes the numbers suspect, one line each; empty when clean.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let t = &self.total;
        if t.requests == 0 && t.errors == 0 {
            out.push("no request completed in the measured phase".to_owned());
        }
        if t.non_2xx > 0 {
            let by_status: Vec<String> = t
                .statuses
                .iter()
                .filter(|(s, _)| !s.starts_with('2'))
                .map(|(s, n)| format!("{s}: {n}"))
                .collect();
            out.push(format!(
                "{} non-2xx response(s) of {} ({})",
                t.non_2xx,
                t.requests,
                by_status.join(", ")
            ));
        }
        if t.errors > 0 {
            let kinds: Vec<String> = t
                .error_kinds
                .iter()
                .map(|(k, n)| format!("{k}: {n}"))
                .collect();
            out.push(format!(
                "{} request(s) failed without a response ({})",
                t.errors,
                kinds.join(", ")
            ));
        }
        if self.warmup_failures > 0 {
            out.push(format!(
                "{} of {} warm-up request(s) failed",
                self.warmup_failures, self.warmup_requests
            ));
        }
        if self.lost_connections > 0 {
            out.push(format!(
                "{} connection task(s) crashed; their requests are not counted",
                self.lost_connections
            ));
        }
        if self.hit_time_cap {
            out.push("the run hit --max-time before sending all its requests".to_owned());
        }
        out
    }

    pub fn table(&self) -> String {
        let p = &self.params;
        let mut s = String::new();
        let stop = match (p.duration_s, p.requests) {
            (_, Some(n)) => format!("{n} requests"),
            (Some(d), None) => format!("{d} s"),
            _ => String::new(),
        };
        let _ = writeln!(
            s,
            "kronuz-loadgen: scenario {}, {} connection(s), {} ({:.2} s measured, {} s warm-up, setup {:.2} s), {}",
            p.scenario.name(),
            p.connections,
            stop,
            self.elapsed_s,
            p.warmup_s,
            self.setup_s,
            p.url
        );
        let _ = writeln!(
            s,
            "{:<8} {:>10} {:>11} {:>9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>7}",
            "op",
            "requests",
            "req/s",
            "p50 ms",
            "p90 ms",
            "p99 ms",
            "p99.9 ms",
            "max ms",
            "non-2xx",
            "errors"
        );
        let mut rows: Vec<(&str, &OpSummary)> =
            self.ops.iter().map(|(k, v)| (k.as_str(), v)).collect();
        if rows.len() != 1 {
            rows.push(("total", &self.total));
        }
        for (name, o) in rows {
            let ms = |us: u64| us as f64 / 1000.0;
            let l = &o.latency_us;
            let _ = writeln!(
                s,
                "{:<8} {:>10} {:>11.1} {:>9.3} {:>9.3} {:>9.3} {:>9.3} {:>9.3} {:>8} {:>7} {:>8.0}",
                name,
                o.requests,
                o.throughput_rps,
                ms(l.p50),
                ms(l.p90),
                ms(l.p99),
                ms(l.p999),
                ms(l.max),
                o.non_2xx,
                o.errors,
                o.mean_body_bytes
            );
        }
        if self.reconnects > 0 {
            let _ = writeln!(s, "reconnects: {}", self.reconnects);
        }
        if let Some(server) = &self.server {
            let _ = writeln!(s, "{}", server.describe());
        }
        if let Some(note) = self.client_cpu_note() {
            let _ = writeln!(s, "{note}");
        }
        s
    }

    /// How busy the load generator was; flagged when it is near its CPU limit, as the
    /// server's throughput may then be higher than measured.
    pub fn client_cpu_note(&self) -> Option<String> {
        let cores = self.client_cpu_cores?;
        let share = cores / self.client_cpus.max(1) as f64;
        let mut note = format!(
            "load generator CPU: {:.0}% of {} CPU(s)",
            share * 100.0,
            self.client_cpus
        );
        if share >= 0.9 {
            note.push_str(": near saturation, throughput may be bounded by the client");
        }
        Some(note)
    }
}

/// The loud banner printed when a run is not clean.
pub fn banner(problems: &[String]) -> String {
    let mut s =
        String::from("\n!!!!!!!!!! THIS RUN HAD ERRORS: ITS NUMBERS ARE NOT CLEAN !!!!!!!!!!\n");
    for p in problems {
        let _ = writeln!(s, "!!! {p}");
    }
    s.push_str("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n");
    s
}

impl StopRule {
    pub fn as_params(self) -> (Option<f64>, Option<u64>) {
        match self {
            StopRule::Duration(d) => (Some(d.as_secs_f64()), None),
            StopRule::Requests(n) => (None, Some(n)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Op;
    use std::time::Duration;

    fn params() -> RunParams {
        RunParams {
            scenario: Scenario::Mixed,
            url: "http://127.0.0.1:1".into(),
            connections: 4,
            teams: 2,
            projects_per_team: 50,
            people: 0,
            allocations: 0,
            read_percent: Some(90),
            report_connections: None,
            duration_s: Some(1.0),
            requests: None,
            warmup_s: 0.0,
            timeout_s: 10.0,
            seed: 1,
        }
    }

    fn load(read_status: u16, errors: u64) -> LoadResult {
        let mut per_op = BTreeMap::new();
        let mut read = OpStats::new();
        let mut write = OpStats::new();
        for _ in 0..9 {
            read.record_response(read_status, Duration::from_millis(1));
        }
        write.record_response(201, Duration::from_millis(5));
        for _ in 0..errors {
            write.record_error("timeout");
        }
        per_op.insert(Op::ListProjects, read);
        per_op.insert(Op::CreateProject, write);
        LoadResult {
            per_op,
            warmup_requests: 3,
            warmup_failures: 0,
            elapsed: Duration::from_secs(1),
            reconnects: 0,
            hit_time_cap: false,
            client_cpu: Some(Duration::from_millis(950)),
            client_wall: Duration::from_secs(1),
            lost_connections: 0,
            server_metrics: None,
        }
    }

    #[test]
    fn clean_run_has_per_op_rows_a_total_and_no_problems() {
        let r = RunReport::new(params(), 0.5, &load(200, 0));
        assert!(r.clean);
        assert!(r.problems().is_empty());
        assert_eq!(r.total.requests, 10);
        assert_eq!(r.ops["read"].requests, 9);
        assert_eq!(r.ops["write"].requests, 1);
        let t = r.table();
        assert!(t.contains("\nread "), "{t}");
        assert!(t.contains("\nwrite "), "{t}");
        assert!(t.contains("\ntotal "), "{t}");
    }

    #[test]
    fn non_2xx_and_errors_make_the_run_unclean_and_are_named() {
        let r = RunReport::new(params(), 0.5, &load(503, 2));
        assert!(!r.clean);
        let problems = r.problems();
        assert!(
            problems.iter().any(|p| p.contains("503: 9")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("timeout: 2")),
            "{problems:?}"
        );
        assert!(banner(&problems).contains("NOT CLEAN"));
    }

    #[test]
    fn a_busy_client_is_flagged() {
        let mut r = RunReport::new(params(), 0.5, &load(200, 0));
        r.client_cpus = 1;
        assert!(r.client_cpu_note().unwrap().contains("near saturation"));
        assert!(r.table().contains("95% of 1 CPU"));
        r.client_cpus = 2;
        assert!(!r.client_cpu_note().unwrap().contains("near saturation"));
    }

    #[test]
    fn json_has_the_fields_the_bench_script_reads() {
        let r = RunReport::new(params(), 0.5, &load(200, 0));
        let v: serde_json::Value = serde_json::to_value(&r).unwrap();
        assert_eq!(v["params"]["scenario"], "mixed");
        assert!(v["total"]["ok_rps"].as_f64().unwrap() > 0.0);
        assert!(v["ops"]["write"]["latency_us"]["p99"].as_u64().unwrap() > 0);
        assert_eq!(v["clean"], true);
    }
}
