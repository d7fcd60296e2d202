//! Scenarios at consulting-firm scale, in process (no HTTP, no disk): 1,000 people,
//! 50 projects, 100,000 allocations. Times a fork, compare and merge, and counts the bytes ten
//! scenarios of 100 changed allocations each hold beyond live, with a counting global
//! allocator. `cargo bench --bench scenarios` (release; about a minute).

use kronuz::db::Edit;
use kronuz::db::state::{Db, LoginThrottle, Policy};
use kronuz::domain::{AuthUser, Id, Role, SessionPolicy};
use kronuz::reports::compare::compare;
use kronuz::reports::fixtures::{date, large};
use kronuz::store::{Record, Snapshot};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

/// Every allocation goes through the system allocator and is counted.
struct Counting;

static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn bytes() -> isize {
    LIVE_BYTES.load(Ordering::Relaxed)
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

/// This thread's time on a CPU so far (Linux; zero elsewhere): unlike the wall clock, it
/// does not count the time other work on a shared machine kept the thread waiting.
fn cpu_now() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|t| t.split_whitespace().next()?.parse().ok())
        .map(Duration::from_nanos)
        .unwrap_or_default()
}

const SCENARIOS: usize = 10;
const CHANGES: usize = 100;
const PROJECTS: usize = 50;

fn main() {
    let s = large(1000, 100_000, 2000);
    let mut records = vec![Record::Team((*s.team).clone())];
    records.extend(s.people.values().cloned().map(Record::Person));
    // 50 projects, as in the scale run (scripts/bench-scale.sh), rather than the
    // fixture's one project holding every booking.
    let template = s.projects.values().next().expect("a project").clone();
    let project = |i: usize| Id(format!("P{i}"));
    for i in 0..PROJECTS {
        let mut p = template.clone();
        p.id = project(i);
        p.name = format!("Project {i}");
        records.push(Record::Project(p));
    }
    records.extend(s.allocations.values().enumerate().map(|(i, a)| {
        let mut a = (**a).clone();
        a.project_id = project(i % PROJECTS);
        Record::Allocation(a)
    }));
    records.extend(s.timeoff.values().cloned().map(Record::TimeOff));
    drop(s);
    let policy = Policy {
        sessions: SessionPolicy {
            idle_secs: 86_400,
            max_secs: 86_400,
        },
        throttle: LoginThrottle::default(),
    };
    let mut db = Db::new(
        Snapshot {
            records,
            scenario_rows: vec![],
        },
        policy,
    );
    let owner = AuthUser {
        user_id: Id("u".into()),
        team_id: Id("t".into()),
        role: Role::Owner,
        scenario: None,
    };
    let live_alone = bytes();

    // Fork: the schedule's clone alone, and the whole create (name, id, bookkeeping).
    let live = db.schedule(&owner.team_id).expect("the team");
    let mut clones = Vec::new();
    for _ in 0..101 {
        let started = Instant::now();
        let c = live.clone();
        clones.push(started.elapsed());
        drop(c);
    }
    drop(live);
    let mut forks = Vec::new();
    let mut ids = Vec::new();
    for i in 0..SCENARIOS {
        let started = Instant::now();
        let (scenario, _) = db
            .create_scenario(&owner, &format!("What if {i}"), 0)
            .expect("fork");
        forks.push(started.elapsed());
        ids.push(scenario.id);
    }
    let forked = bytes();

    // 100 changed allocations in each, a different hundred per scenario: the first
    // scenario's spread over the whole year, the others' starting in March (a what-if
    // about one quarter), so that compare is timed for both.
    let live = db.schedule(&owner.team_id).expect("the team");
    let in_march: Vec<Id> = live
        .allocations
        .values()
        .filter(|a| a.start >= date("2026-03-01") && a.start <= date("2026-03-31"))
        .map(|a| a.id.clone())
        .collect();
    drop(live);
    let mut edits = Vec::new();
    for (n, id) in ids.iter().enumerate() {
        let inside = AuthUser {
            scenario: Some(id.clone()),
            ..owner.clone()
        };
        for k in 0..CHANGES {
            let target = if n == 0 {
                Id(format!("a{}", k * 997))
            } else {
                in_march[(n * CHANGES + k) % in_march.len()].clone()
            };
            let started = Instant::now();
            db.edit(
                &inside,
                Edit::PatchAllocation(target, serde_json::json!({"hours_per_day": 7.5})),
                1,
            )
            .expect("edit in a scenario");
            edits.push(started.elapsed());
        }
    }
    let changed = bytes();

    let today = date("2026-06-01");
    // `cold`: as if live had just changed (nothing derived from it kept yet).
    let time_compare = |db: &Db, id: &Id, cold: bool| {
        let (mut times, mut cpu) = (Vec::new(), Vec::new());
        let mut span = String::new();
        for _ in 0..5 {
            let (started, cpu_started) = (Instant::now(), cpu_now());
            let mut view = db.fork_view(&owner, id).expect("fork view");
            if cold {
                view.live.memo = Default::default();
            }
            let c = compare(&view.live, &view.fork, &view.differences, today);
            times.push(started.elapsed());
            cpu.push(cpu_now().saturating_sub(cpu_started));
            assert_eq!(c.allocations.changed.len(), CHANGES);
            span = format!("{} to {}", c.from, c.to);
        }
        (median(times), median(cpu), span)
    };
    let (compare_year, compare_year_cpu, year_span) = time_compare(&db, &ids[0], false);
    let (compare_quarter, compare_quarter_cpu, quarter_span) = time_compare(&db, &ids[1], false);
    let (cold_year, cold_year_cpu, _) = time_compare(&db, &ids[0], true);
    let (cold_quarter, cold_quarter_cpu, _) = time_compare(&db, &ids[1], true);

    let (mut merges, mut merges_cpu) = (Vec::new(), Vec::new());
    for id in &ids[1..6] {
        let (started, cpu_started) = (Instant::now(), cpu_now());
        db.merge_scenario(&owner, id, None, 2).expect("merge");
        merges.push(started.elapsed());
        merges_cpu.push(cpu_now().saturating_sub(cpu_started));
    }

    let mib = |b: isize| b as f64 / (1024.0 * 1024.0);
    println!(
        "1,000 people, 50 projects, 100,000 allocations, 2,000 days off; in process, median of runs"
    );
    println!(
        "  live schedule alone (counted):        {:.1} MiB",
        mib(live_alone)
    );
    println!(
        "  fork, schedule clone:                 {:?}",
        median(clones)
    );
    println!(
        "  fork, create_scenario:                {:?}",
        median(forks)
    );
    println!(
        "  {SCENARIOS} open forks, no change:            +{:.3} MiB",
        mib(forked - live_alone)
    );
    println!(
        "  {SCENARIOS} scenarios x {CHANGES} changed allocations: +{:.2} MiB over live alone",
        mib(changed - live_alone)
    );
    println!(
        "  edit in a scenario:                   {:?}",
        median(edits)
    );
    println!(
        "  compare, {CHANGES} changes over {year_span}: {compare_year:?} (CPU {compare_year_cpu:.1?}); live just changed: {cold_year:?} (CPU {cold_year_cpu:.1?})"
    );
    println!(
        "  compare, {CHANGES} changes over {quarter_span}: {compare_quarter:?} (CPU {compare_quarter_cpu:.1?}); live just changed: {cold_quarter:?} (CPU {cold_quarter_cpu:.1?})"
    );
    println!(
        "  merge ({CHANGES} changes, one activity entry, 9 other scenarios open): {:?} (CPU {:.1?})",
        median(merges),
        median(merges_cpu)
    );
}
