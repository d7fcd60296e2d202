//! Importing a firm: 1,000 people, then 100,000 allocations, from CSV.
//!
//!     cargo build --release --bin kronuz && cargo bench --bench import
//!
//! Starts `target/release/kronuz` (or `KRONUZ_BIN`) on a temp data dir on loopback,
//! signs up, imports 20 projects, `KRONUZ_BENCH_PEOPLE` people (default 1,000) and
//! `KRONUZ_BENCH_ALLOCATIONS` allocations (default 100,000), each as a dry run and then
//! applied, and prints the wall time of each request (parse, plan, commit). Then it
//! imports the same allocations again (idempotent: nothing changes) and undoes the big
//! import. It stops the server at the end.

#[path = "common/mod.rs"]
mod common;

use common::{env_usize, start};
use std::time::Instant;

async fn import(c: &reqwest::Client, base: &str, kind: &str, dry_run: bool, csv: &str) -> f64 {
    let started = Instant::now();
    let resp = c
        .post(format!("{base}/api/v1/import/{kind}?dry_run={dry_run}"))
        .header("content-type", "text/csv")
        .body(csv.to_string())
        .send()
        .await
        .expect("the import answers");
    let status = resp.status();
    let body: serde_json::Value = resp.json().await.expect("a JSON answer");
    let secs = started.elapsed().as_secs_f64();
    assert!(status.is_success(), "{kind}: {status} {}", body["error"]);
    assert!(
        body["errors"].as_array().is_some_and(|e| e.is_empty()),
        "{kind}: {}",
        body["errors"]
    );
    println!(
        "{kind:<12} {:<8} {:>7} created {:>7} updated {:>7} unchanged  {secs:>7.2} s",
        if dry_run { "dry run" } else { "apply" },
        body["created"],
        body["updated"],
        body["unchanged"],
    );
    secs
}

#[tokio::main]
async fn main() {
    let people = env_usize("KRONUZ_BENCH_PEOPLE", 1_000);
    let allocations = env_usize("KRONUZ_BENCH_ALLOCATIONS", 100_000);
    let server = start(&[("KRONUZ_REQUEST_TIMEOUT_SECS", "300")]).await;
    let base = server.base.clone();
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let resp = c
        .post(format!("{base}/api/v1/usr/signup"))
        .json(&serde_json::json!({"email": "bench@example.com", "password": "correct horse", "name": "Bench"}))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success());

    let mut projects = String::from("Project,Client,Status\n");
    for p in 0..20 {
        projects.push_str(&format!("Project {p},Client {},active\n", p % 5));
    }
    let mut people_csv = String::from("Name,Email,Role,Hours per day\n");
    for i in 0..people {
        people_csv.push_str(&format!("Person {i},person{i}@example.com,Consultant,8\n"));
    }
    // Each person gets week-long bookings, one after the other, across projects.
    let mut alloc_csv = String::from("Person,Project,Start,End,Hours/day\n");
    let monday = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
    for n in 0..allocations {
        let person = n % people;
        let week = (n / people) as i64;
        let start = monday + chrono::Duration::weeks(week);
        let end = start + chrono::Duration::days(4);
        alloc_csv.push_str(&format!(
            "person{person}@example.com,Project {},{start},{end},4\n",
            (person + week as usize) % 20
        ));
    }
    println!(
        "import of {people} people and {allocations} allocations ({:.1} MB of CSV)",
        alloc_csv.len() as f64 / 1e6
    );
    import(&c, &base, "projects", false, &projects).await;
    import(&c, &base, "people", true, &people_csv).await;
    let p = import(&c, &base, "people", false, &people_csv).await;
    import(&c, &base, "allocations", true, &alloc_csv).await;
    let a = import(&c, &base, "allocations", false, &alloc_csv).await;
    println!("people + allocations applied: {:.2} s", p + a);
    import(&c, &base, "allocations", false, &alloc_csv).await;
    let started = Instant::now();
    let resp = c
        .post(format!("{base}/api/v1/activity/undo"))
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "undo: {}", resp.status());
    println!(
        "undo of the allocations import: {:.2} s",
        started.elapsed().as_secs_f64()
    );
}
