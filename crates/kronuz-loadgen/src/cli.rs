//! Command-line flags and their checks.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use crate::dates::Date;
use crate::load::StopRule;
use crate::scenario::{PlanConfig, Scenario};

/// Load generator for the kronuz server (loopback targets only).
///
/// Sets up its own users, sessions and data through the API, then runs a closed loop on
/// `--connections` keep-alive HTTP/1.1 connections for `--duration` or `--requests`, and
/// prints latency percentiles (HDR histogram) and throughput per operation. Exits 2 when
/// any measured request failed or got a non-2xx status.
#[derive(Debug, Clone, Parser)]
#[command(name = "kronuz-loadgen", version)]
pub struct Cli {
    /// Server to load: http://HOST:PORT on a loopback address.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub url: String,

    /// What to measure.
    #[arg(long, short = 's', value_enum, default_value_t = Scenario::Read)]
    pub scenario: Scenario,

    /// Concurrent keep-alive connections.
    #[arg(long, short = 'c', default_value_t = 64)]
    pub connections: usize,

    /// Measured time, e.g. 10s, 500ms, 1m (default 10s unless --requests is given).
    #[arg(long, short = 'd', value_parser = parse_duration, conflicts_with = "requests")]
    pub duration: Option<Duration>,

    /// Measured requests over all connections, instead of a duration.
    #[arg(long, short = 'n')]
    pub requests: Option<u64>,

    /// Unmeasured time before measuring (connections, caches, allocator warm up).
    #[arg(long, value_parser = parse_duration, default_value = "1s")]
    pub warmup: Duration,

    /// Per-request timeout (also for setup requests).
    #[arg(long, value_parser = parse_duration, default_value = "10s")]
    pub timeout: Duration,

    /// Upper bound on the measured phase with --requests.
    #[arg(long, value_parser = parse_duration, default_value = "10m")]
    pub max_time: Duration,

    /// Teams (one fresh signup each); default 4 for mixed, 1 otherwise.
    #[arg(long)]
    pub teams: Option<usize>,

    /// Projects created per team before read, mixed and report runs.
    #[arg(long, default_value_t = 50)]
    pub projects: usize,

    /// Share of reads in the mixed scenario, in percent.
    #[arg(long, default_value_t = 90)]
    pub read_percent: u8,

    /// People created for the report scenario.
    #[arg(long, default_value_t = 100)]
    pub people: usize,

    /// Allocations created for the report scenario.
    #[arg(long, default_value_t = 2000)]
    pub allocations: usize,

    /// Connections requesting the report in the report scenario (default connections/8,
    /// at least 1); the others read the project list.
    #[arg(long)]
    pub report_connections: Option<usize>,

    /// First day of the report and of the allocations (YYYY-MM-DD).
    #[arg(long, default_value = "2025-01-01")]
    pub report_from: String,

    /// Last day of the report and of the allocations (YYYY-MM-DD).
    #[arg(long, default_value = "2025-12-31")]
    pub report_to: String,

    /// Connections used in parallel by the setup phase.
    #[arg(long, default_value_t = 8)]
    pub setup_connections: usize,

    /// Write the results as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,

    /// Tokio worker threads (default: the CPUs this process may run on).
    #[arg(long)]
    pub threads: Option<usize>,

    /// Seed of the operation mix (default: random; printed in the JSON).
    #[arg(long)]
    pub seed: Option<u64>,
}

/// Limits that keep every loop bounded whatever the flags say.
pub const MAX_CONNECTIONS: usize = 10_000;
pub const MAX_DURATION: Duration = Duration::from_secs(3600);
pub const MAX_TEAMS: usize = 1_000;
pub const MAX_PROJECTS: usize = 100_000;
pub const MAX_PEOPLE: usize = 100_000;
pub const MAX_ALLOCATIONS: usize = 1_000_000;

/// The flags, checked and with defaults filled in.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub stop: StopRule,
    pub plan: PlanConfig,
    pub report_from: Date,
    pub report_to: Date,
}

impl Cli {
    pub fn resolve(&self) -> Result<Resolved, String> {
        if self.connections == 0 || self.connections > MAX_CONNECTIONS {
            return Err(format!("--connections must be 1..={MAX_CONNECTIONS}"));
        }
        let stop = match (self.duration, self.requests) {
            (_, Some(0)) => return Err("--requests must be at least 1".into()),
            (_, Some(n)) => StopRule::Requests(n),
            (Some(d), None) => StopRule::Duration(d),
            (None, None) => StopRule::Duration(Duration::from_secs(10)),
        };
        for (name, d) in [
            ("--duration", self.duration.unwrap_or_default()),
            ("--warmup", self.warmup),
            ("--max-time", self.max_time),
        ] {
            if d > MAX_DURATION {
                return Err(format!("{name} must be at most 1h"));
            }
        }
        if let StopRule::Duration(d) = stop
            && d.is_zero()
        {
            return Err("--duration must be more than 0".into());
        }
        if self.timeout.is_zero() || self.max_time.is_zero() {
            return Err("--timeout and --max-time must be more than 0".into());
        }
        let teams = self.teams.unwrap_or(self.scenario.default_teams());
        let teams = if self.scenario == Scenario::Baseline {
            0
        } else {
            teams
        };
        if teams > MAX_TEAMS {
            return Err(format!("--teams must be at most {MAX_TEAMS}"));
        }
        if self.projects > MAX_PROJECTS
            || self.people > MAX_PEOPLE
            || self.allocations > MAX_ALLOCATIONS
        {
            return Err(format!(
                "setup sizes are capped: --projects {MAX_PROJECTS}, --people {MAX_PEOPLE}, \
                 --allocations {MAX_ALLOCATIONS}"
            ));
        }
        let report_from = Date::parse(&self.report_from)
            .ok_or_else(|| format!("--report-from {:?} is not YYYY-MM-DD", self.report_from))?;
        let report_to = Date::parse(&self.report_to)
            .ok_or_else(|| format!("--report-to {:?} is not YYYY-MM-DD", self.report_to))?;
        if report_to < report_from {
            return Err("--report-to is before --report-from".into());
        }
        if self.scenario == Scenario::Report && self.people > 0 && self.projects == 0 {
            return Err("the report scenario needs --projects >= 1 for its allocations".into());
        }
        let plan = PlanConfig {
            scenario: self.scenario,
            connections: self.connections,
            teams,
            read_percent: self.read_percent,
            report_connections: self
                .report_connections
                .unwrap_or((self.connections / 8).max(1)),
        };
        plan.validate()?;
        Ok(Resolved {
            stop,
            plan,
            report_from,
            report_to,
        })
    }
}

/// `250ms`, `10s`, `2m`, or a bare number of seconds (`10`, `0.5`).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("invalid duration {s:?}: expected e.g. 500ms, 10s, 2m"))?;
    let seconds = match unit.trim() {
        "ms" => value / 1000.0,
        "" | "s" => value,
        "m" | "min" => value * 60.0,
        "h" => value * 3600.0,
        other => return Err(format!("unknown duration unit {other:?} in {s:?}")),
    };
    if !seconds.is_finite() || !(0.0..=1e6).contains(&seconds) {
        return Err(format!("duration {s:?} out of range"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cli(args: &[&str]) -> Cli {
        let mut all = vec!["kronuz-loadgen"];
        all.extend_from_slice(args);
        Cli::try_parse_from(all).unwrap()
    }

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("10s").unwrap(), Duration::from_secs(10));
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(parse_duration("1.5").unwrap(), Duration::from_millis(1500));
        assert!(parse_duration("10x").is_err());
        assert!(parse_duration("s").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn defaults_are_a_10s_read_run_with_one_team() {
        let r = cli(&[]).resolve().unwrap();
        assert_eq!(r.stop, StopRule::Duration(Duration::from_secs(10)));
        assert_eq!(r.plan.scenario, Scenario::Read);
        assert_eq!(r.plan.teams, 1);
        assert_eq!(r.plan.connections, 64);
    }

    #[test]
    fn mixed_defaults_to_4_teams_and_baseline_to_none() {
        assert_eq!(
            cli(&["--scenario", "mixed"]).resolve().unwrap().plan.teams,
            4
        );
        let b = cli(&["--scenario", "baseline", "--teams", "3"])
            .resolve()
            .unwrap();
        assert_eq!(b.plan.teams, 0);
    }

    #[test]
    fn requests_and_duration_exclude_each_other() {
        assert!(
            Cli::try_parse_from(["kronuz-loadgen", "--duration", "1s", "--requests", "5"]).is_err()
        );
        let r = cli(&["-n", "1000"]).resolve().unwrap();
        assert_eq!(r.stop, StopRule::Requests(1000));
        assert!(cli(&["-n", "0"]).resolve().is_err());
    }

    #[test]
    fn report_scenario_defaults_to_an_eighth_of_connections_reporting() {
        let r = cli(&["--scenario", "report", "-c", "16"])
            .resolve()
            .unwrap();
        assert_eq!(r.plan.report_connections, 2);
        assert!(cli(&["--scenario", "report", "-c", "1"]).resolve().is_err());
        assert!(
            cli(&["--scenario", "report", "--report-from", "2025-02-30"])
                .resolve()
                .is_err()
        );
    }

    #[test]
    fn out_of_bounds_flags_are_refused() {
        assert!(cli(&["-c", "0"]).resolve().is_err());
        assert!(cli(&["-c", "100000"]).resolve().is_err());
        assert!(cli(&["-d", "2h"]).resolve().is_err());
        assert!(cli(&["-d", "0s"]).resolve().is_err());
        assert!(
            cli(&["--read-percent", "101", "-s", "mixed"])
                .resolve()
                .is_err()
        );
    }
}
