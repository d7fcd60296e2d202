//! The reports at consulting-firm scale, without HTTP: 1,000 people, 100,000 allocations,
//! 2,000 days off, one year. Splits the utilisation report into computing it and
//! serialising its JSON; the financials report on the same team with rates, 20 projects
//! and actual hours. `cargo bench --bench reports` (release; a few seconds).

use kronuz::reports::fixtures::{date, large, large_with_money};
use kronuz::reports::{Interval, financials, overbooked, pipeline, utilisation};
use std::time::{Duration, Instant};

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let started = Instant::now();
        last = Some(f());
        times.push(started.elapsed());
    }
    (median(times), last.expect("at least one run"))
}

fn main() {
    let s = large(1000, 100_000, 2000);
    let (from, to) = (date("2026-01-01"), date("2026-12-31"));
    let (weekly, report) = time(11, || {
        utilisation(&s, from, to, Some(Interval::Week), false)
    });
    let (json, bytes) = time(11, || serde_json::to_vec(&report).expect("json"));
    let (total, _) = time(11, || utilisation(&s, from, to, None, false));
    let (pipe, _) = time(11, || pipeline(&s, from, to));
    let (over, days) = time(5, || overbooked(&s, from, to));
    let (snapshot, _) = time(101, || s.clone());
    println!("1,000 people, 100,000 allocations, 2,000 days off, one year; median of runs");
    println!(
        "  utilisation, weekly periods: compute {weekly:?}, JSON {json:?} ({} KiB)",
        bytes.len() / 1024
    );
    println!("  utilisation, totals only:    compute {total:?}");
    println!("  pipeline (53 weeks):         {pipe:?}");
    println!("  overbooked ({} person-days): {over:?}", days.len());
    println!("  snapshot of the schedule (clone): {snapshot:?}");

    let m = large_with_money(1000, 100_000, 2000);
    let (money, report) = time(11, || financials(&m, from, to, Interval::Month, None));
    let (money_json, bytes) = time(11, || serde_json::to_vec(&report).expect("json"));
    let (weekly_money, _) = time(11, || financials(&m, from, to, Interval::Week, None));
    println!(
        "  financials, 12 months, 20 projects, 5,000 actual-hours entries: compute {money:?}, JSON {money_json:?} ({} KiB)",
        bytes.len() / 1024
    );
    println!("  financials, 53 weeks:        {weekly_money:?}");
}
