//! "Plan automatically" at the size of a busy firm, through the HTTP API: 2,000 tasks in
//! 100 projects on 500 people (five roles, a third with a skill), one preview of all
//! projects at the default settings (the search stops once it stops improving) against
//! the whole 2 s budget (`"full_search": true`), with the plans compared.
//!
//!     cargo bench --bench planning
//!
//! Starts the release `kronuz` that cargo builds for the bench (or `KRONUZ_BIN`) on a
//! temp data dir on loopback, fills it (about 2,600 requests), then times
//! `KRONUZ_BENCH_RUNS` (default 5) previews of each kind, one after the other, each
//! bounded by a 30 s timeout, and stops the server. Per kind it prints a row of the
//! table in BENCHMARKS.md: the median and fastest time at the client (request,
//! planning, storing the proposal, the JSON answer), the server's CPU time for the
//! request (all its threads, from /proc: on a shared machine the wall-clock time says
//! as much about the other processes), the server's own split of the time
//! (`Server-Timing`), the passes the search made and the plan's score: unscheduled
//! tasks, days late, last finish, sum of finishes (smaller is better, in that order,
//! as the planner compares plans).
//!
//! The store keys tasks and people by random ids, so each fill hands them to the
//! planner in another order, and plans (not their quality) differ from fill to fill.

#[path = "common/mod.rs"]
mod common;

use common::{env_usize, start};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// A small linear congruential generator: the same team on every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

const ROLES: [&str; 5] = ["Designer", "Developer", "Tester", "Analyst", "Writer"];

async fn created(http: &reqwest::Client, url: String, body: Value) -> String {
    let resp = http.post(&url).json(&body).send().await.expect("a request");
    let status = resp.status();
    let v: Value = resp.json().await.expect("json");
    assert!(status.is_success(), "{url} {body} -> {status} {v}");
    v["id"].as_str().expect("an id").to_string()
}

fn score(proposal: &Value) -> (u64, u64, String, u64) {
    let tasks = proposal["tasks"].as_array().expect("tasks");
    let late = tasks
        .iter()
        .filter_map(|t| t["late_by_days"].as_u64())
        .sum();
    let last = tasks
        .iter()
        .filter_map(|t| t["finish"].as_str())
        .max()
        .unwrap_or_default()
        .to_string();
    let from = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).expect("a date");
    let sum = tasks
        .iter()
        .filter_map(|t| t["finish"].as_str())
        .filter_map(|d| d.parse::<chrono::NaiveDate>().ok())
        .map(|d| (d - from).num_days() as u64)
        .sum();
    (
        proposal["unscheduled"].as_u64().unwrap_or(0),
        late,
        last,
        sum,
    )
}

fn median<T: Ord + Copy>(mut xs: Vec<T>) -> T {
    xs.sort();
    xs[xs.len() / 2]
}

/// CPU time of every thread of process `pid` so far (from the scheduler's statistics).
fn cpu_time(pid: u32) -> Duration {
    let Ok(threads) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Duration::ZERO;
    };
    threads
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse().ok())
        .map(Duration::from_nanos)
        .sum()
}

/// One step of the `Server-Timing` header, in microseconds (to sort them).
fn step(timing: &str, name: &str) -> u64 {
    timing
        .split(',')
        .filter_map(|part| part.trim().split_once(";dur="))
        .find(|(n, _)| *n == name)
        .and_then(|(_, d)| d.parse::<f64>().ok())
        .map_or(0, |ms| (ms * 1000.0) as u64)
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    runtime.block_on(async {
        let runs = env_usize("KRONUZ_BENCH_RUNS", 5);
        let server = start(&[]).await;
        let base = server.base.clone();
        let pid = server.child.id();
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .timeout(Duration::from_secs(30))
            .build()
            .expect("a client");
        let signup = http
            .post(format!("{base}/api/v1/usr/signup"))
            .json(&json!({"email": "bench@example.com", "password": "correct horse", "name": "Bench"}))
            .send()
            .await
            .expect("signup");
        assert!(signup.status().is_success());
        let mut rng = Lcg(7);
        for i in 0..500 {
            let skills: Vec<&str> = if i % 3 == 0 { vec!["rust"] } else { vec![] };
            created(
                &http,
                format!("{base}/api/v1/people"),
                json!({"name": format!("Person {i}"), "role": ROLES[i % ROLES.len()], "skills": skills}),
            )
            .await;
        }
        let mut projects = Vec::new();
        for p in 0..100 {
            let project =
                created(&http, format!("{base}/api/v1/prj"), json!({"name": format!("Project {p}")}))
                    .await;
            let mut ids: Vec<String> = Vec::new();
            for t in 0..20usize {
                let mut depends_on: Vec<String> = Vec::new();
                for _ in 0..rng.below(3) {
                    if t > 0 {
                        let q = ids[rng.below(t as u64) as usize].clone();
                        if !depends_on.contains(&q) {
                            depends_on.push(q);
                        }
                    }
                }
                let mut body = json!({
                    "name": format!("Task {p}.{t}"),
                    "effort_hours": 8 + rng.below(73),
                    "role": ROLES[rng.below(ROLES.len() as u64) as usize],
                    "skills": if rng.below(5) == 0 { vec!["rust"] } else { vec![] },
                    "depends_on": depends_on,
                    "priority": rng.below(3),
                    "may_split": rng.below(4) != 0,
                });
                if rng.below(3) == 0 {
                    let deadline = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).expect("a date")
                        + chrono::Duration::days(20 + rng.below(60) as i64);
                    body["deadline"] = json!(deadline);
                }
                ids.push(created(&http, format!("{base}/api/v1/prj/{project}/tasks"), body).await);
            }
            projects.push(project);
        }
        let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        println!(
            "2,000 tasks in 100 projects on 500 people, one preview of all projects, {runs} runs each; load average {}",
            load.split_whitespace().next().unwrap_or("?")
        );
        println!();
        println!(
            "| preview | median (min) at the client | server CPU per request, median | server: plan (engine), store, JSON | passes | unscheduled, days late, last finish, sum of finishes | projects at their bound |"
        );
        println!("|---|---:|---:|---|---:|---|---:|");
        for (name, extra) in [
            ("default: stops after 12 passes without a better plan", json!({})),
            ("`\"full_search\": true`, 2 s", json!({"full_search": true, "time_limit_ms": 2000})),
        ] {
            let (mut times, mut cpu, mut steps) = (Vec::new(), Vec::new(), Vec::new());
            let mut last = Value::Null;
            for _ in 0..runs {
                let mut body = json!({"project_ids": projects, "from": "2026-03-02"});
                for (k, v) in extra.as_object().expect("an object") {
                    body[k] = v.clone();
                }
                let cpu_before = cpu_time(pid);
                let started = Instant::now();
                let resp = http
                    .post(format!("{base}/api/v1/schedule/preview"))
                    .json(&body)
                    .send()
                    .await
                    .expect("a preview");
                let status = resp.status();
                let timing = resp
                    .headers()
                    .get("server-timing")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                let bytes = resp.bytes().await.expect("a body");
                times.push(started.elapsed());
                cpu.push(cpu_time(pid).saturating_sub(cpu_before));
                assert!(status.is_success(), "{status}");
                steps.push(
                    ["plan", "engine", "store", "json"].map(|s| step(&timing, s)),
                );
                last = serde_json::from_slice(&bytes).expect("json");
            }
            let above: Vec<u64> = last["bounds"]
                .as_array()
                .expect("bounds")
                .iter()
                .filter_map(|b| b["days_above_earliest"].as_u64())
                .collect();
            let part = |i: usize| {
                ms(Duration::from_micros(median(
                    steps.iter().map(|s| s[i]).collect::<Vec<_>>(),
                )))
            };
            let (unscheduled, late, finish, sum) = score(&last);
            println!(
                "| {name} | {} ({}) | {} | {} ({}), {}, {} | {} | {unscheduled}, {late}, {finish}, {sum} | {} of {} (mean {:.1} working days above) |",
                ms(median(times.clone())),
                ms(*times.iter().min().expect("a run")),
                ms(median(cpu)),
                part(0),
                part(1),
                part(2),
                part(3),
                last["passes"],
                above.iter().filter(|&&d| d == 0).count(),
                above.len(),
                above.iter().sum::<u64>() as f64 / above.len().max(1) as f64,
            );
        }
    });
}
