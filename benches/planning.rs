//! "Plan automatically" at the size of a busy firm, through the HTTP API: 2,000 tasks in
//! 100 projects on 500 people (five roles, a third with a skill), one preview of all
//! projects at the default settings (the search stops once it stops improving) against
//! the whole 2 s budget (`"full_search": true`), with the plans compared.
//!
//!     cargo build --release --bin kronuz && cargo bench --bench planning
//!
//! Starts `target/release/kronuz` (or `KRONUZ_BIN`) on a temp data dir on loopback,
//! fills it (about 2,600 requests), then times `KRONUZ_BENCH_RUNS` (default 5) previews
//! of each kind and prints the medians, the passes the search made and the plans'
//! scores: unscheduled tasks, days late, last finish, sum of finishes (smaller is better,
//! in that order, as the planner compares plans).

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

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    runtime.block_on(async {
        let runs = env_usize("KRONUZ_BENCH_RUNS", 5);
        let server = start(&[]).await;
        let base = server.base.clone();
        let http = reqwest::Client::builder()
            .cookie_store(true)
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
        println!("2,000 tasks in 100 projects on 500 people, one preview of all projects");
        for (name, extra) in [
            ("default (stops when stalled)", json!({})),
            ("whole 2 s budget", json!({"full_search": true, "time_limit_ms": 2000})),
        ] {
            let mut times = Vec::new();
            let mut last = Value::Null;
            for _ in 0..runs {
                let mut body = json!({"project_ids": projects, "from": "2026-03-02"});
                for (k, v) in extra.as_object().expect("an object") {
                    body[k] = v.clone();
                }
                let started = Instant::now();
                let resp = http
                    .post(format!("{base}/api/v1/schedule/preview"))
                    .json(&body)
                    .send()
                    .await
                    .expect("a preview");
                let status = resp.status();
                let bytes = resp.bytes().await.expect("a body");
                times.push(started.elapsed());
                assert!(status.is_success(), "{status}");
                last = serde_json::from_slice(&bytes).expect("json");
            }
            let above: Vec<u64> = last["bounds"]
                .as_array()
                .expect("bounds")
                .iter()
                .filter_map(|b| b["days_above_earliest"].as_u64())
                .collect();
            println!(
                "  {name:<30} median {:>8.1?} (min {:.1?}), {} passes, score {:?}; {} projects at their bound, mean {:.1} working days above",
                median(times.clone()),
                times.iter().min().expect("a run"),
                last["passes"],
                score(&last),
                above.iter().filter(|&&d| d == 0).count(),
                above.iter().sum::<u64>() as f64 / above.len().max(1) as f64,
            );
        }
    });
}
