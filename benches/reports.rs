//! The reports at consulting-firm scale, without HTTP: 1,000 people, 100,000 allocations,
//! 2,000 days off, one year. Splits the utilisation report into computing it and
//! serialising its JSON; the financials report on the same team with rates, 20 projects
//! and actual hours. `cargo bench --bench reports` (release; a few seconds). Each figure
//! is the median of its runs' wall time, and beside it their median CPU time, which a
//! machine busy with other work disturbs far less.

use kronuz::reports::fixtures::{date, large, large_with_money};
use kronuz::reports::{Interval, financials, overbooked, pipeline, utilisation};
use std::time::{Duration, Instant};

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

/// This thread's time on a CPU so far (Linux): unlike the wall clock, it does not count
/// the time other work on a shared machine kept the thread waiting for a core.
fn cpu_now() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

thread_local! {
    /// The median CPU time of the last [`time`] call.
    static LAST_CPU: std::cell::Cell<Option<Duration>> = const { std::cell::Cell::new(None) };
}

/// The median wall time of `runs` calls of `f` (and, in [`LAST_CPU`], their median CPU
/// time) with the last result.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::with_capacity(runs);
    let mut cpu = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let (started, cpu_started) = (Instant::now(), cpu_now());
        last = Some(f());
        times.push(started.elapsed());
        if let (Some(a), Some(b)) = (cpu_started, cpu_now()) {
            cpu.push(b.saturating_sub(a));
        }
    }
    LAST_CPU.set((cpu.len() == runs).then(|| median(cpu)));
    (median(times), last.expect("at least one run"))
}

/// ", CPU 12.3ms" after a [`time`] call, when the platform tells.
fn cpu() -> String {
    LAST_CPU
        .get()
        .map(|c| format!(" (CPU {c:.1?})"))
        .unwrap_or_default()
}

fn main() {
    let s = large(1000, 100_000, 2000);
    let (from, to) = (date("2026-01-01"), date("2026-12-31"));
    let (weekly, report) = time(11, || {
        utilisation(&s, from, to, Some(Interval::Week), false)
    });
    let weekly_cpu = cpu();
    let (json, bytes) = time(11, || serde_json::to_vec(&report).expect("json"));
    let (total, _) = time(11, || utilisation(&s, from, to, None, false));
    let (pipe, _) = time(11, || pipeline(&s, from, to));
    let (over, days) = time(5, || overbooked(&s, from, to));
    let (snapshot, _) = time(101, || s.clone());
    println!("1,000 people, 100,000 allocations, 2,000 days off, one year; median of runs");
    println!(
        "  utilisation, weekly periods: compute {weekly:?}{weekly_cpu}, JSON {json:?} ({} KiB)",
        bytes.len() / 1024
    );
    println!("  utilisation, totals only:    compute {total:?}");
    println!("  pipeline (53 weeks):         {pipe:?}");
    println!("  overbooked ({} person-days): {over:?}", days.len());
    println!("  snapshot of the schedule (clone): {snapshot:?}");

    let m = large_with_money(1000, 100_000, 2000);
    let (money, report) = time(11, || financials(&m, from, to, Interval::Month, None));
    let money_cpu = cpu();
    let (money_json, bytes) = time(11, || serde_json::to_vec(&report).expect("json"));
    let (weekly_money, _) = time(11, || financials(&m, from, to, Interval::Week, None));
    let weekly_money_cpu = cpu();
    println!(
        "  financials, 12 months, 20 projects, 5,000 actual-hours entries: compute {money:?}{money_cpu}, JSON {money_json:?} ({} KiB)",
        bytes.len() / 1024
    );
    println!("  financials, 53 weeks:        {weekly_money:?}{weekly_money_cpu}");
}
