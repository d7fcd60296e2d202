//! The levelling engine at the size of a busy firm, in process: 2,000 tasks in 100
//! projects on 500 people over a year. Times the default search (which stops when
//! it stops improving) against the whole 2 s budget, and compares their plans.
//! `cargo run --release -p kronuz-schedule --example level_scale`

use kronuz_schedule::level::{self, Options, Person, Plan, Problem, Task};
use std::time::{Duration, Instant};

/// A small linear congruential generator: the example needs no dependency.
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

fn problem() -> Problem {
    let days = 366u32;
    let roles = ["Designer", "Developer", "Tester", "Analyst", "Writer"];
    let mut rng = Lcg(7);
    let people = (0..500)
        .map(|i| Person {
            id: format!("p{i}"),
            role: roles[i % roles.len()].to_string(),
            skills: if i % 3 == 0 {
                vec!["rust".into()]
            } else {
                vec![]
            },
            capacity: (0..days)
                .map(|d| {
                    if d % 7 >= 5 || rng.below(40) == 0 {
                        0.0
                    } else {
                        8.0
                    }
                })
                .collect(),
            booked: vec![],
        })
        .collect();
    let mut tasks = Vec::new();
    for p in 0..100 {
        for t in 0..20usize {
            let mut predecessors = Vec::new();
            for _ in 0..rng.below(3) {
                if t > 0 {
                    let q = format!("t{p}-{}", rng.below(t as u64));
                    if !predecessors.iter().any(|(x, _)| *x == q) {
                        predecessors.push((q, 0));
                    }
                }
            }
            tasks.push(Task {
                id: format!("t{p}-{t}"),
                group: Some(format!("P{p}")),
                effort_hours: (8 + rng.below(73)) as f64,
                role: Some(roles[rng.below(roles.len() as u64) as usize].to_string()),
                skills: if rng.below(5) == 0 {
                    vec!["rust".into()]
                } else {
                    vec![]
                },
                predecessors,
                deadline: (rng.below(3) == 0).then(|| 20 + rng.below(60) as u32),
                priority: rng.below(3) as i32,
                may_split: rng.below(4) != 0,
                ..Task::default()
            });
        }
    }
    Problem {
        horizon_days: days,
        people,
        tasks,
    }
}

/// Unscheduled tasks, days late, last finish, sum of finishes: how plans compare.
fn score(plan: &Plan) -> (usize, u64, u32, u64) {
    let late = plan.tasks.iter().map(|t| t.late_by_days as u64).sum();
    let sum = plan
        .tasks
        .iter()
        .filter_map(|t| t.finish_day)
        .map(u64::from)
        .sum();
    (plan.unscheduled, late, plan.finish_day.unwrap_or(0), sum)
}

fn main() {
    let pb = problem();
    let run = |opts: Options| {
        let started = Instant::now();
        let plan = level::level(&pb, &opts).expect("a valid problem");
        (started.elapsed(), plan)
    };
    let product = Options {
        max_iterations: 400,
        time_limit: Some(Duration::from_secs(2)),
        ..Options::default()
    };
    let only = std::env::args().nth(1).unwrap_or_default();
    println!("2,000 tasks, 100 projects, 500 people, 366 days");
    let modes: [(&str, Options); 3] = [
        (
            "first pass",
            Options {
                max_iterations: 1,
                ..product.clone()
            },
        ),
        ("default (stops when stalled)", product.clone()),
        (
            "whole 2 s budget",
            Options {
                stall_iterations: None,
                ..product
            },
        ),
    ];
    for (i, (name, opts)) in modes.into_iter().enumerate() {
        if !only.is_empty() && only != i.to_string() {
            continue;
        }
        let (t, plan) = run(opts);
        println!(
            "  {name:<30} {t:>10.1?}  {:>3} passes  score {:?}",
            plan.passes,
            score(&plan)
        );
    }
}
