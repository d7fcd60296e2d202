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

/// What happened to live just before a timed compare.
#[derive(Clone, Copy, PartialEq)]
enum Before {
    Nothing,
    BookingChanged,
    PersonChanged,
    /// Live's memo emptied: nothing derived from it is kept.
    NothingKept,
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
    // Live edits made between compares: bookings outside every scenario's changes (so
    // merging later meets no conflict), and people's weekly hours.
    let live = db.schedule(&owner.team_id).expect("the team");
    let in_year: std::collections::HashSet<Id> =
        (0..CHANGES).map(|k| Id(format!("a{}", k * 997))).collect();
    let autumn: Vec<Id> = live
        .allocations
        .values()
        .filter(|a| a.start >= date("2026-10-01") && !in_year.contains(&a.id))
        .map(|a| a.id.clone())
        .take(100)
        .collect();
    let someone: Vec<Id> = live.people.keys().take(100).cloned().collect();
    drop(live);
    let mut live_edits = 0usize;
    let mut time_compare = |db: &mut Db, id: &Id, before: Before| {
        let (mut times, mut cpu) = (Vec::new(), Vec::new());
        let mut span = String::new();
        for _ in 0..5 {
            let n = live_edits;
            live_edits += 1;
            let edit = match before {
                Before::Nothing | Before::NothingKept => None,
                Before::BookingChanged => Some(Edit::PatchAllocation(
                    autumn[n % autumn.len()].clone(),
                    serde_json::json!({"hours_per_day": 2.0 + (n % 5) as f64}),
                )),
                Before::PersonChanged => Some(Edit::PatchPerson(
                    someone[n % someone.len()].clone(),
                    serde_json::json!({"weekly_hours": [8, 8, 8, 8, 4 + n % 4, 0, 0]}),
                )),
            };
            if let Some(edit) = edit {
                db.edit(&owner, edit, 3).expect("a live edit");
            }
            let (started, cpu_started) = (Instant::now(), cpu_now());
            let mut view = db.fork_view(&owner, id).expect("fork view");
            if before == Before::NothingKept {
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
    let mut line = |what: &str, before: Before| {
        let mut out = format!("  compare, {what}:\n");
        for (id, name) in [(&ids[0], "year"), (&ids[1], "quarter")] {
            let (wall, cpu, span) = time_compare(&mut db, id, before);
            out += &format!("    {name} ({span}): {wall:?} (CPU {cpu:.1?})\n");
        }
        out
    };
    let compares = [
        line("live unchanged since the last compare", Before::Nothing),
        line("first after a live booking changed", Before::BookingChanged),
        line(
            "first after a live person's weekly hours changed",
            Before::PersonChanged,
        ),
        line(
            "nothing derived from live kept (as after a restart)",
            Before::NothingKept,
        ),
    ];

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
        "  compare, {CHANGES} changed allocations, median of 5 (year: spread over 2026; quarter: from March)"
    );
    for c in &compares {
        print!("{c}");
    }
    println!(
        "  merge ({CHANGES} changes, one activity entry, 9 other scenarios open): {:?} (CPU {:.1?})",
        median(merges),
        median(merges_cpu)
    );
}
