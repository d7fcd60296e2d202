//! The product's levelling engine: tasks with effort in hours placed on
//! people's daily capacities.
//!
//! Days are indices `0..horizon_days` (the caller maps them to dates). Hours
//! are handled internally in whole minutes: capacities are rounded down and
//! efforts up to the minute, so no day is ever overbooked and every task
//! gets at least its effort (at most one minute more).
//!
//! Conventions:
//! * a task's `start_day` / `finish_day` are the first and last days it
//!   books hours on (inclusive); a deadline is met when `finish_day <=
//!   deadline`;
//! * a predecessor `(p, lag)` means the task starts no earlier than day
//!   `finish_day(p) + 1 + lag`;
//! * each task is done by one person. With `may_split`, it may skip days on
//!   which that person is busy; without, it runs on consecutive working days
//!   of the person (days without capacity, such as weekends and days off,
//!   are not gaps) and books hours on each of them.
//!
//! Method: a serial schedule-generation scheme over tasks taken in priority
//! order (a task inherits the highest priority of its successors; within a
//! priority, by latest finish from a backward pass over deadlines, then by
//! input order), which gives each task to the qualified person who finishes
//! it first. Further iterations, within `max_iterations` and the time
//! budget, vary the order inside each priority class by regret-based
//! biased random sampling on the latest finish and by forward passes in the
//! start order of the best plan found (with random tie-breaks and swaps).
//! Plans compare by unscheduled tasks, then total days late, then finish of
//! the last task, then the sum of finish days.

use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, Instant};

use crate::rng::Rng;

/// Minutes per hour: the internal unit is the minute.
const UNIT: f64 = 60.0;
/// Largest accepted horizon, in days.
pub const MAX_HORIZON_DAYS: u32 = 20_000;

/// A person who can be booked.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Person {
    /// Unique id.
    pub id: String,
    /// Role, matched exactly against a task's `role`.
    pub role: String,
    /// Skills, matched exactly against a task's `skills`.
    pub skills: Vec<String>,
    /// Hours available on each day `0..horizon_days`, already reflecting
    /// weekly hours, days off and employment dates. Length `horizon_days`.
    pub capacity: Vec<f64>,
    /// Hours already booked on each day that must not move (other projects'
    /// confirmed allocations). Empty for none, else length `horizon_days`.
    pub booked: Vec<f64>,
}

/// A task to place.
#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    /// Unique id.
    pub id: String,
    /// Optional grouping (e.g. the project id) for the per-group totals.
    pub group: Option<String>,
    /// Work in hours, > 0.
    pub effort_hours: f64,
    /// A fixed person; when set, `role` and `skills` are ignored.
    pub person_id: Option<String>,
    /// Required role, if any.
    pub role: Option<String>,
    /// Required skills: a person qualifies with all of them.
    pub skills: Vec<String>,
    /// Predecessors with a lag in days: this task starts no earlier than
    /// the day after the predecessor finishes plus the lag.
    pub predecessors: Vec<(String, u32)>,
    /// First day the task may book hours on.
    pub earliest_start: u32,
    /// Last day on which the task should finish, if any.
    pub deadline: Option<u32>,
    /// Last day the task may book hours on, if any: a hard bound (a project's end
    /// date), unlike the deadline. A task that does not fit before it is left
    /// unscheduled with [`Reason::HorizonTooShort`].
    pub latest_finish: Option<u32>,
    /// Higher goes first.
    pub priority: i32,
    /// May the task leave gaps (days its person works on something else)?
    pub may_split: bool,
    /// Cap on the hours booked per day.
    pub max_hours_per_day: Option<f64>,
}

impl Default for Task {
    fn default() -> Self {
        Task {
            id: String::new(),
            group: None,
            effort_hours: 0.0,
            person_id: None,
            role: None,
            skills: Vec::new(),
            predecessors: Vec::new(),
            earliest_start: 0,
            deadline: None,
            latest_finish: None,
            priority: 0,
            may_split: true,
            max_hours_per_day: None,
        }
    }
}

/// The whole input.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Problem {
    /// Number of days planned, day 0 first.
    pub horizon_days: u32,
    /// The people.
    pub people: Vec<Person>,
    /// The tasks.
    pub tasks: Vec<Task>,
}

/// Search options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Number of schedule-generation passes (at least 1 is always made).
    pub max_iterations: u32,
    /// Optional wall-clock budget, checked between passes.
    pub time_limit: Option<Duration>,
    /// Seed: equal seeds give equal plans (unless the time limit cuts in).
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_iterations: 200,
            time_limit: None,
            seed: 0,
        }
    }
}

/// Why a task is late or could not be scheduled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// The task waited for a person (its fixed or only qualified person, by
    /// id) or for any person with the required role and skills (described
    /// as `role R, skills a, b`), or that capacity is too small for the
    /// deadline even without other work.
    Bottleneck {
        /// A person id or a description of the role and skills.
        person_or_skill: String,
    },
    /// The task waited for its predecessors: the chain of task ids that
    /// determined its start, from the first task of the chain to the direct
    /// predecessor. Also given for tasks left unscheduled because a
    /// predecessor could not be scheduled.
    Predecessor {
        /// Task ids, first to last.
        chain: Vec<String>,
    },
    /// Nobody has the required role and skills.
    NoQualifiedPerson,
    /// The task does not fit before the end of the horizon.
    HorizonTooShort,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Bottleneck { person_or_skill } => {
                write!(f, "waiting for {person_or_skill}")
            }
            Reason::Predecessor { chain } => {
                write!(f, "waiting for predecessors {}", chain.join(" -> "))
            }
            Reason::NoQualifiedPerson => f.write_str("nobody has the required role and skills"),
            Reason::HorizonTooShort => f.write_str("does not fit in the planning horizon"),
        }
    }
}

/// The plan for one task.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskPlan {
    /// The task's id.
    pub task_id: String,
    /// The person doing it (None when unscheduled).
    pub person_id: Option<String>,
    /// (day, hours) booked, by increasing day; sums to the effort.
    pub bookings: Vec<(u32, f64)>,
    /// First booked day (None when unscheduled).
    pub start_day: Option<u32>,
    /// Last booked day (None when unscheduled).
    pub finish_day: Option<u32>,
    /// Days past the deadline (0 when on time or without a deadline).
    pub late_by_days: u32,
    /// Why the task is late or unscheduled.
    pub reason: Option<Reason>,
}

/// The proposal: one plan per task in input order, and totals.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// Per task, in the input order.
    pub tasks: Vec<TaskPlan>,
    /// Last finish day over all scheduled tasks.
    pub finish_day: Option<u32>,
    /// Last finish day per task group, in order of first appearance.
    pub finish_by_group: Vec<(String, Option<u32>)>,
    /// Tasks that could not be scheduled.
    pub unscheduled: usize,
    /// Tasks finishing after their deadline.
    pub late: usize,
    /// Hours booked beyond capacity: always 0, by construction.
    pub overbooked_hours: f64,
}

/// An input that cannot be planned.
#[derive(Clone, Debug, PartialEq)]
pub enum LevelError {
    /// Two tasks have the same id.
    DuplicateTask(String),
    /// Two people have the same id.
    DuplicatePerson(String),
    /// A predecessor id names no task.
    UnknownPredecessor {
        /// The task.
        task: String,
        /// The unknown id.
        predecessor: String,
    },
    /// A fixed person id names nobody.
    UnknownPerson {
        /// The task.
        task: String,
        /// The unknown id.
        person: String,
    },
    /// The predecessors form a cycle: the task ids along it, first repeated
    /// at the end.
    Cycle(Vec<String>),
    /// Effort is not a positive finite number of hours.
    InvalidEffort {
        /// The task.
        task: String,
        /// The effort given.
        effort: f64,
    },
    /// `max_hours_per_day` is not positive and finite (at least a minute).
    InvalidMaxHours {
        /// The task.
        task: String,
        /// The value given.
        max_hours_per_day: f64,
    },
    /// A capacity or booked value is negative or not finite, or a vector
    /// has the wrong length.
    InvalidCalendar {
        /// The person.
        person: String,
        /// What is wrong.
        message: String,
    },
    /// The horizon is 0 or larger than [`MAX_HORIZON_DAYS`].
    InvalidHorizon(u32),
}

impl fmt::Display for LevelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LevelError::DuplicateTask(t) => write!(f, "two tasks have the id '{t}'"),
            LevelError::DuplicatePerson(p) => write!(f, "two people have the id '{p}'"),
            LevelError::UnknownPredecessor { task, predecessor } => write!(
                f,
                "task '{task}' depends on '{predecessor}', which is not a task of this plan"
            ),
            LevelError::UnknownPerson { task, person } => {
                write!(f, "task '{task}' is assigned to unknown person '{person}'")
            }
            LevelError::Cycle(c) => write!(f, "dependency cycle: {}", c.join(" -> ")),
            LevelError::InvalidEffort { task, effort } => {
                write!(f, "task '{task}' has effort {effort} hours; it must be > 0")
            }
            LevelError::InvalidMaxHours {
                task,
                max_hours_per_day,
            } => write!(
                f,
                "task '{task}' has max_hours_per_day {max_hours_per_day}; it must be at least one minute"
            ),
            LevelError::InvalidCalendar { person, message } => {
                write!(f, "person '{person}': {message}")
            }
            LevelError::InvalidHorizon(h) => write!(
                f,
                "horizon of {h} days; it must be between 1 and {MAX_HORIZON_DAYS}"
            ),
        }
    }
}

impl std::error::Error for LevelError {}

/// The validated problem in internal units.
struct Prepared {
    h: usize,
    /// Free minutes per person and day before levelling, `p * h + d`.
    base: Vec<u32>,
    effort: Vec<u32>,
    max_per_day: Vec<u32>,
    may_split: Vec<bool>,
    earliest: Vec<u32>,
    deadline: Vec<Option<u32>>,
    /// Per task, the end (exclusive) of the days it may book: its latest finish + 1,
    /// at most the horizon.
    end: Vec<usize>,
    preds: Vec<Vec<(usize, u32)>>,
    succs: Vec<Vec<usize>>,
    qualified: Vec<Vec<usize>>,
    /// Per person, the number of tasks they qualify for: on equal finish,
    /// the less sought-after person is chosen.
    demand: Vec<usize>,
    /// Own priority, raised to the highest of the successors.
    prio: Vec<i64>,
    /// Latest finish day from a backward pass (ordering key).
    lf: Vec<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    Placed {
        person: usize,
        start: u32,
        finish: u32,
    },
    NoQualified,
    Horizon,
    /// A predecessor (index) is unscheduled.
    PredMissing(usize),
}

#[derive(Clone)]
struct Schedule {
    status: Vec<Status>,
    /// (day, minutes) per task.
    bookings: Vec<Vec<(u32, u32)>>,
    /// Start day allowed by predecessors (and earliest start).
    es: Vec<u32>,
    score: (u64, u64, u64, u64),
}

fn minutes_floor(h: f64) -> u32 {
    (h * UNIT + 1e-6).floor().clamp(0.0, u32::MAX as f64) as u32
}

fn minutes_ceil(h: f64) -> u32 {
    (h * UNIT - 1e-6).ceil().clamp(0.0, u32::MAX as f64) as u32
}

fn prepare(pb: &Problem) -> Result<Prepared, LevelError> {
    if pb.horizon_days == 0 || pb.horizon_days > MAX_HORIZON_DAYS {
        return Err(LevelError::InvalidHorizon(pb.horizon_days));
    }
    let h = pb.horizon_days as usize;
    let mut person_ix = HashMap::new();
    let mut base = Vec::with_capacity(pb.people.len() * h);
    for (i, p) in pb.people.iter().enumerate() {
        if person_ix.insert(p.id.as_str(), i).is_some() {
            return Err(LevelError::DuplicatePerson(p.id.clone()));
        }
        let bad = |message: String| LevelError::InvalidCalendar {
            person: p.id.clone(),
            message,
        };
        if p.capacity.len() != h {
            return Err(bad(format!(
                "capacity has {} days, the horizon {h}",
                p.capacity.len()
            )));
        }
        if !p.booked.is_empty() && p.booked.len() != h {
            return Err(bad(format!(
                "booked has {} days, the horizon {h}",
                p.booked.len()
            )));
        }
        for d in 0..h {
            let c = p.capacity[d];
            let b = p.booked.get(d).copied().unwrap_or(0.0);
            if !(0.0..=24.0).contains(&c) {
                return Err(bad(format!(
                    "capacity {c} on day {d} is not within 0..=24 hours"
                )));
            }
            if !b.is_finite() || b < 0.0 {
                return Err(bad(format!(
                    "booked {b} on day {d} is not a non-negative number"
                )));
            }
            base.push(minutes_floor(c).saturating_sub(minutes_ceil(b)));
        }
    }
    let n = pb.tasks.len();
    let mut task_ix = HashMap::new();
    for (i, t) in pb.tasks.iter().enumerate() {
        if task_ix.insert(t.id.as_str(), i).is_some() {
            return Err(LevelError::DuplicateTask(t.id.clone()));
        }
    }
    let mut effort = Vec::with_capacity(n);
    let mut max_per_day = Vec::with_capacity(n);
    let mut preds = Vec::with_capacity(n);
    let mut succs = vec![Vec::new(); n];
    let mut qualified = Vec::with_capacity(n);
    for (i, t) in pb.tasks.iter().enumerate() {
        if !t.effort_hours.is_finite() || t.effort_hours <= 0.0 || t.effort_hours > 1e7 {
            return Err(LevelError::InvalidEffort {
                task: t.id.clone(),
                effort: t.effort_hours,
            });
        }
        effort.push(minutes_ceil(t.effort_hours).max(1));
        max_per_day.push(match t.max_hours_per_day {
            None => u32::MAX,
            Some(m) if m.is_finite() && minutes_floor(m) >= 1 => minutes_floor(m),
            Some(m) => {
                return Err(LevelError::InvalidMaxHours {
                    task: t.id.clone(),
                    max_hours_per_day: m,
                });
            }
        });
        let mut ps = Vec::with_capacity(t.predecessors.len());
        for (pid, lag) in &t.predecessors {
            let Some(&p) = task_ix.get(pid.as_str()) else {
                return Err(LevelError::UnknownPredecessor {
                    task: t.id.clone(),
                    predecessor: pid.clone(),
                });
            };
            if p == i {
                return Err(LevelError::Cycle(vec![t.id.clone(), t.id.clone()]));
            }
            ps.push((p, *lag));
            succs[p].push(i);
        }
        preds.push(ps);
        qualified.push(match &t.person_id {
            Some(pid) => match person_ix.get(pid.as_str()) {
                Some(&p) => vec![p],
                None => {
                    return Err(LevelError::UnknownPerson {
                        task: t.id.clone(),
                        person: pid.clone(),
                    });
                }
            },
            None => pb
                .people
                .iter()
                .enumerate()
                .filter(|(_, p)| {
                    t.role.as_ref().is_none_or(|r| *r == p.role)
                        && t.skills.iter().all(|s| p.skills.contains(s))
                })
                .map(|(i, _)| i)
                .collect(),
        });
    }
    let topo = topo_order(pb, &preds, &succs)?;
    let mut demand = vec![0usize; pb.people.len()];
    for q in &qualified {
        for &p in q {
            demand[p] += 1;
        }
    }
    // Inherited priority and latest finish, in reverse topological order.
    let mut prio: Vec<i64> = pb.tasks.iter().map(|t| t.priority as i64).collect();
    let far = h as i64 * 2 + 1;
    let mut lf: Vec<i64> = pb
        .tasks
        .iter()
        .map(|t| t.deadline.map_or(far, |d| d as i64))
        .collect();
    for &j in topo.iter().rev() {
        // Days the task needs at its own pace, for the backward pass.
        let per_day = max_per_day[j].min(8 * 60) as i64;
        let days = (effort[j] as i64 + per_day - 1) / per_day;
        let ls = lf[j] - days + 1;
        for &(p, lag) in &preds[j] {
            prio[p] = prio[p].max(prio[j]);
            lf[p] = lf[p].min(ls - 1 - lag as i64);
        }
    }
    Ok(Prepared {
        h,
        base,
        effort,
        max_per_day,
        may_split: pb.tasks.iter().map(|t| t.may_split).collect(),
        earliest: pb.tasks.iter().map(|t| t.earliest_start).collect(),
        deadline: pb.tasks.iter().map(|t| t.deadline).collect(),
        end: pb
            .tasks
            .iter()
            .map(|t| t.latest_finish.map_or(h, |l| h.min(l as usize + 1)))
            .collect(),
        preds,
        succs,
        qualified,
        demand,
        prio,
        lf,
    })
}

/// Kahn's algorithm; on a cycle, names it.
fn topo_order(
    pb: &Problem,
    preds: &[Vec<(usize, u32)>],
    succs: &[Vec<usize>],
) -> Result<Vec<usize>, LevelError> {
    let n = preds.len();
    let mut deg: Vec<usize> = preds.iter().map(|p| p.len()).collect();
    let mut stack: Vec<usize> = (0..n).rev().filter(|&j| deg[j] == 0).collect();
    let mut topo = Vec::with_capacity(n);
    while let Some(j) = stack.pop() {
        topo.push(j);
        for &s in succs[j].iter().rev() {
            deg[s] -= 1;
            if deg[s] == 0 {
                stack.push(s);
            }
        }
    }
    if topo.len() == n {
        return Ok(topo);
    }
    // Every task left has a predecessor left: walk back until a repeat.
    let mut j = (0..n).find(|&j| deg[j] > 0).unwrap_or(0);
    let mut seen = vec![usize::MAX; n];
    let mut path = Vec::new();
    while seen[j] == usize::MAX {
        seen[j] = path.len();
        path.push(j);
        j = preds[j]
            .iter()
            .map(|&(p, _)| p)
            .find(|&p| deg[p] > 0)
            .unwrap_or(j);
    }
    let mut cycle: Vec<String> = path[seen[j]..]
        .iter()
        .rev()
        .map(|&j| pb.tasks[j].id.clone())
        .collect();
    cycle.push(cycle[0].clone());
    Err(LevelError::Cycle(cycle))
}

/// Places `effort` minutes for one person from day `es`; `free` and `base`
/// are that person's rows. Returns (start, finish) and, with `out`, the
/// bookings.
fn place(
    free: &[u32],
    base: &[u32],
    es: usize,
    effort: u32,
    max_per_day: u32,
    split: bool,
    mut out: Option<&mut Vec<(u32, u32)>>,
) -> Option<(u32, u32)> {
    let h = free.len();
    if split {
        let mut rem = effort;
        let mut start = None;
        for (d, &f) in free.iter().enumerate().skip(es) {
            let take = f.min(max_per_day).min(rem);
            if take > 0 {
                start.get_or_insert(d as u32);
                rem -= take;
                if let Some(o) = out.as_deref_mut() {
                    o.push((d as u32, take));
                }
                if rem == 0 {
                    return start.map(|s| (s, d as u32));
                }
            }
        }
        return None;
    }
    let mut d = es;
    'restart: while d < h {
        while d < h && free[d] == 0 {
            d += 1;
        }
        if d >= h {
            return None;
        }
        let start = d as u32;
        if let Some(o) = out.as_deref_mut() {
            o.clear();
        }
        let mut rem = effort;
        while d < h {
            if base[d] == 0 {
                d += 1;
                continue;
            }
            if free[d] == 0 {
                d += 1;
                continue 'restart;
            }
            let take = free[d].min(max_per_day).min(rem);
            rem -= take;
            if let Some(o) = out.as_deref_mut() {
                o.push((d as u32, take));
            }
            if rem == 0 {
                return Some((start, d as u32));
            }
            d += 1;
        }
    }
    None
}

impl Prepared {
    /// Serial SGS over `order` (precedence feasible).
    fn generate(&self, order: &[usize], free: &mut Vec<u32>) -> Schedule {
        let n = order.len();
        let h = self.h;
        free.clear();
        free.extend_from_slice(&self.base);
        let mut sch = Schedule {
            status: vec![Status::NoQualified; n],
            bookings: vec![Vec::new(); n],
            es: vec![0; n],
            score: (0, 0, 0, 0),
        };
        for &j in order {
            let mut es = self.earliest[j] as u64;
            let mut missing = None;
            for &(p, lag) in &self.preds[j] {
                match sch.status[p] {
                    Status::Placed { finish, .. } => {
                        es = es.max(finish as u64 + 1 + lag as u64);
                    }
                    _ => missing = Some(p),
                }
            }
            sch.es[j] = es.min(u32::MAX as u64) as u32;
            if let Some(p) = missing {
                sch.status[j] = Status::PredMissing(p);
                continue;
            }
            if self.qualified[j].is_empty() {
                sch.status[j] = Status::NoQualified;
                continue;
            }
            let mut best: Option<(u32, u32, usize, usize)> = None;
            if es < h as u64 {
                for &p in &self.qualified[j] {
                    let row = p * h..p * h + self.end[j];
                    if let Some((s, f)) = place(
                        &free[row.clone()],
                        &self.base[row],
                        es as usize,
                        self.effort[j],
                        self.max_per_day[j],
                        self.may_split[j],
                        None,
                    ) && best.is_none_or(|b| (f, s, self.demand[p]) < (b.0, b.1, b.2))
                    {
                        best = Some((f, s, self.demand[p], p));
                    }
                }
            }
            let Some((f, s, _, p)) = best else {
                sch.status[j] = Status::Horizon;
                continue;
            };
            let row = p * h..p * h + self.end[j];
            let mut b = Vec::new();
            place(
                &free[row.clone()],
                &self.base[row],
                es as usize,
                self.effort[j],
                self.max_per_day[j],
                self.may_split[j],
                Some(&mut b),
            );
            for &(d, m) in &b {
                free[p * h + d as usize] -= m;
            }
            sch.bookings[j] = b;
            sch.status[j] = Status::Placed {
                person: p,
                start: s,
                finish: f,
            };
        }
        let (mut unsched, mut late, mut last, mut sum) = (0u64, 0u64, 0u64, 0u64);
        for j in 0..n {
            match sch.status[j] {
                Status::Placed { finish, .. } => {
                    if let Some(dl) = self.deadline[j] {
                        late += finish.saturating_sub(dl) as u64;
                    }
                    last = last.max(finish as u64);
                    sum += finish as u64;
                }
                _ => unsched += 1,
            }
        }
        sch.score = (unsched, late, last, sum);
        sch
    }

    /// A precedence-feasible order: among the eligible tasks, the highest
    /// inherited priority, then the smallest key, then input order.
    fn order(&self, key: &[i64], out: &mut Vec<usize>) {
        let n = key.len();
        let mut left: Vec<usize> = self.preds.iter().map(|p| p.len()).collect();
        let mut eligible: Vec<usize> = (0..n).filter(|&j| left[j] == 0).collect();
        out.clear();
        while !eligible.is_empty() {
            let mut bi = 0;
            for i in 1..eligible.len() {
                let (a, b) = (eligible[i], eligible[bi]);
                if (-self.prio[a], key[a], a) < (-self.prio[b], key[b], b) {
                    bi = i;
                }
            }
            let j = eligible.swap_remove(bi);
            out.push(j);
            for &s in &self.succs[j] {
                left[s] -= 1;
                if left[s] == 0 {
                    eligible.push(s);
                }
            }
        }
    }
}

/// Levels the tasks onto the people. Fails on inputs that cannot be planned
/// (unknown ids, cycles, invalid numbers); tasks that cannot be placed are
/// reported in the plan with a [`Reason`] instead.
pub fn level(pb: &Problem, opts: &Options) -> Result<Plan, LevelError> {
    let prep = prepare(pb)?;
    let n = pb.tasks.len();
    let deadline = opts.time_limit.map(|d| Instant::now() + d);
    let mut rng = Rng::new(opts.seed);
    let mut free = Vec::new();
    let mut order = Vec::with_capacity(n);
    let scale = 1024i64;
    let mut key: Vec<i64> = prep.lf.iter().map(|&l| l * scale).collect();
    prep.order(&key, &mut order);
    let mut best = prep.generate(&order, &mut free);
    for it in 1..opts.max_iterations.max(1) {
        if n <= 1 {
            break;
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        if it % 2 == 1 {
            // Forward pass in the best plan's start order, random ties, swaps.
            for (j, k) in key.iter_mut().enumerate() {
                let s = match best.status[j] {
                    Status::Placed { start, .. } => start as i64,
                    _ => prep.lf[j].max(0),
                };
                *k = s * scale + rng.below(scale as usize) as i64;
            }
            prep.order(&key, &mut order);
            for i in 0..n.saturating_sub(1) {
                let (a, b) = (order[i], order[i + 1]);
                if rng.unit() < 0.05
                    && prep.prio[a] == prep.prio[b]
                    && !prep.preds[b].iter().any(|&(p, _)| p == a)
                {
                    order.swap(i, i + 1);
                }
            }
        } else {
            // Biased random sampling: latest finish plus noise.
            for (k, &lf) in key.iter_mut().zip(&prep.lf) {
                *k = lf * scale + rng.below(6 * scale as usize) as i64;
            }
            prep.order(&key, &mut order);
        }
        let cand = prep.generate(&order, &mut free);
        if cand.score < best.score {
            best = cand;
        }
    }
    Ok(report(pb, &prep, &best))
}

/// Turns the best schedule into the plan, with reasons for late and
/// unscheduled tasks.
fn report(pb: &Problem, prep: &Prepared, sch: &Schedule) -> Plan {
    let n = pb.tasks.len();
    let mut tasks = Vec::with_capacity(n);
    let mut group_finish: Vec<(String, Option<u32>)> = Vec::new();
    let (mut unscheduled, mut late) = (0, 0);
    let mut finish_day = None;
    for j in 0..n {
        let t = &pb.tasks[j];
        let mut plan = TaskPlan {
            task_id: t.id.clone(),
            person_id: None,
            bookings: Vec::new(),
            start_day: None,
            finish_day: None,
            late_by_days: 0,
            reason: None,
        };
        let mut fin = None;
        match sch.status[j] {
            Status::Placed {
                person,
                start,
                finish,
            } => {
                fin = Some(finish);
                finish_day = finish_day.max(Some(finish));
                plan.person_id = Some(pb.people[person].id.clone());
                plan.bookings = sch.bookings[j]
                    .iter()
                    .map(|&(d, m)| (d, m as f64 / UNIT))
                    .collect();
                plan.start_day = Some(start);
                plan.finish_day = Some(finish);
                if let Some(dl) = prep.deadline[j]
                    && finish > dl
                {
                    late += 1;
                    plan.late_by_days = finish - dl;
                    plan.reason = Some(late_reason(pb, prep, sch, j, person, dl));
                }
            }
            Status::NoQualified => {
                unscheduled += 1;
                plan.reason = Some(Reason::NoQualifiedPerson);
            }
            Status::Horizon => {
                unscheduled += 1;
                plan.reason = Some(Reason::HorizonTooShort);
            }
            Status::PredMissing(_) => {
                unscheduled += 1;
                plan.reason = Some(Reason::Predecessor {
                    chain: chain(pb, prep, sch, j),
                });
            }
        }
        if let Some(g) = &t.group {
            match group_finish.iter_mut().find(|(name, _)| name == g) {
                Some(e) => e.1 = e.1.max(fin),
                None => group_finish.push((g.clone(), fin)),
            }
        }
        tasks.push(plan);
    }
    Plan {
        tasks,
        finish_day,
        finish_by_group: group_finish,
        unscheduled,
        late,
        overbooked_hours: 0.0,
    }
}

/// The predecessor chain that set task `j`'s start: repeatedly the
/// predecessor that bound the start (or is unscheduled), first task first.
fn chain(pb: &Problem, prep: &Prepared, sch: &Schedule, j: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = j;
    loop {
        let binding = match sch.status[cur] {
            Status::PredMissing(p) => Some(p),
            _ => {
                let es = sch.es[cur];
                if es <= prep.earliest[cur] {
                    None
                } else {
                    prep.preds[cur]
                        .iter()
                        .find_map(|&(p, lag)| match sch.status[p] {
                            Status::Placed { finish, .. }
                                if finish as u64 + 1 + lag as u64 == es as u64 =>
                            {
                                Some(p)
                            }
                            _ => None,
                        })
                }
            }
        };
        match binding {
            Some(p) if out.len() < prep.preds.len() => {
                out.push(p);
                cur = p;
            }
            _ => break,
        }
    }
    out.reverse();
    out.into_iter().map(|p| pb.tasks[p].id.clone()).collect()
}

fn late_reason(
    pb: &Problem,
    prep: &Prepared,
    sch: &Schedule,
    j: usize,
    person: usize,
    deadline: u32,
) -> Reason {
    let h = prep.h;
    let qualified = &prep.qualified[j];
    // Finish on an empty calendar (only the fixed bookings) from a day.
    let alone = |from: u32| -> Option<u32> {
        qualified
            .iter()
            .filter_map(|&p| {
                let row = p * h..(p + 1) * h;
                place(
                    &prep.base[row.clone()],
                    &prep.base[row],
                    from as usize,
                    prep.effort[j],
                    prep.max_per_day[j],
                    prep.may_split[j],
                    None,
                )
                .map(|(_, f)| f)
            })
            .min()
    };
    let resource = || {
        if qualified.len() == 1 {
            pb.people[person].id.clone()
        } else {
            let t = &pb.tasks[j];
            let mut parts = Vec::new();
            if let Some(r) = &t.role {
                parts.push(format!("role {r}"));
            }
            if !t.skills.is_empty() {
                parts.push(format!("skills {}", t.skills.join(", ")));
            }
            if parts.is_empty() {
                "any person".to_string()
            } else {
                parts.join(", ")
            }
        }
    };
    let own = alone(prep.earliest[j]);
    if own.is_none_or(|f| f > deadline) {
        // Even alone the task cannot make it: its people's capacity.
        return Reason::Bottleneck {
            person_or_skill: resource(),
        };
    }
    let with_preds = alone(sch.es[j]);
    if sch.es[j] > prep.earliest[j] && with_preds.is_none_or(|f| f > deadline) {
        return Reason::Predecessor {
            chain: chain(pb, prep, sch, j),
        };
    }
    Reason::Bottleneck {
        person_or_skill: resource(),
    }
}
