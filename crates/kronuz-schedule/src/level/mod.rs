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
//! * each task is done by one person, or, with `assignees_max` above 1, by up
//!   to that many people in parallel when that finishes it earlier (each
//!   person's part is reported apart, see `share.rs`). With `may_split`, a
//!   part may skip days on which its person is busy; without, it runs on
//!   consecutive working days of the person (days without capacity, such as
//!   weekends and days off, are not gaps) and books hours on each of them.
//!
//! Method: a serial schedule-generation scheme over tasks taken in priority
//! order (a task inherits the highest priority of its successors; within a
//! priority, by latest finish from a backward pass over deadlines, then by
//! input order), which gives each task to the qualified person who finishes
//! it first. Further iterations, within `max_iterations` and the time
//! budget, vary the order inside each priority class, in rounds of four
//! passes: a repair of the best plan found (its start order, except that the
//! tasks late beyond what their dependency chain forces, and their
//! predecessors, go at their earliest start, so they get people first), biased
//! random sampling on the latest finish, a forward pass in the best plan's
//! start order (with random tie-breaks and swaps), and sampling again.
//! When tasks may be shared, the second pass repeats the first with none
//! shared and later passes share all, none or a random half of them, since
//! sharing one task can make the tasks after it wait.
//! Plans compare by unscheduled tasks, then (on a re-plan) tasks moved from
//! their earlier person and start, then total days late, then finish of the
//! last task, then the sum of finish days: a re-plan keeps what it can and
//! leaves a full re-optimisation to a plan from scratch. The search stops at
//! `max_iterations`, at the time budget, or once `stall_iterations` passes in
//! a row found nothing better. Pinned tasks keep their bookings; each plan
//! reports per group a lower bound on its finish (see [`GroupBound`]).

use std::fmt;
use std::time::{Duration, Instant};

use crate::rng::Rng;

mod bound;
mod prepare;
mod report;
mod sgs;
mod share;

use prepare::{Prepared, prepare};
use report::{CHAIN_SHOWN, report};
use sgs::{Schedule, Status, place};

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
    /// Work already fixed for this task, which the planner must not move: per
    /// person, `(day, hours)`. When not empty the task is not planned: it keeps
    /// these bookings (its start and finish are their first and last days),
    /// other tasks are planned around them, and its successors wait for it.
    pub pinned: Vec<(String, Vec<(u32, f64)>)>,
    /// Where an earlier plan put the task: `(person id, start day)`. A task is
    /// given back to that person on the same day when the change does not push
    /// it, and between plans with as many tasks unscheduled, the one that moves
    /// fewer tasks wins (before fewer days late or an earlier finish).
    pub previous: Option<(String, u32)>,
    /// How many qualified people may work on the task in parallel (at least 1).
    /// Above 1, the planner splits the effort across several people when that
    /// finishes the task earlier than its best single person would.
    pub assignees_max: u32,
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
            pinned: Vec::new(),
            previous: None,
            assignees_max: 1,
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

/// Passes in a row without a better plan after which the search stops by
/// default: three rounds of its four passes (repair, sampling, forward pass,
/// sampling). On the product's plans (hundreds to thousands of tasks) the repair
/// passes find the improvements within the first few passes; waiting longer for
/// the rare later one, a day late less found by chance, costs as much per pass as
/// the first.
pub const DEFAULT_STALL_ITERATIONS: u32 = 12;

/// Search options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Number of schedule-generation passes (at least 1 is always made).
    pub max_iterations: u32,
    /// Optional wall-clock budget, checked between passes.
    pub time_limit: Option<Duration>,
    /// Seed: equal seeds give equal plans (unless the time limit cuts in).
    pub seed: u64,
    /// Stop once this many passes in a row found no better plan (`None`: search
    /// until `max_iterations` or the time limit). The best plan is kept, so the
    /// result is never worse than the first pass.
    pub stall_iterations: Option<u32>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_iterations: 200,
            time_limit: None,
            seed: 0,
            stall_iterations: Some(DEFAULT_STALL_ITERATIONS),
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
    /// predecessor (the nearest 20 of a longer chain). Also given for tasks
    /// left unscheduled because a predecessor could not be scheduled.
    Predecessor {
        /// Task ids, first to last.
        chain: Vec<String>,
    },
    /// A task shared by several people waited for one of them, busy with another
    /// task of the plan: the person whose part ends last (or the next part's, when
    /// nothing else held that one), never someone without a part.
    Busy {
        /// The person.
        person: String,
        /// The task that kept them busy on the days the shared task waited.
        task: String,
    },
    /// Nobody has the required role and skills.
    NoQualifiedPerson,
    /// The task does not fit before the end of the horizon.
    HorizonTooShort,
    /// A pinned task (by id) held it back: it is a predecessor on the chain
    /// that set the start, or it holds the person the task waited for (for a
    /// shared task, one of the people with a part, the part that ends last first).
    Pinned {
        /// The pinned task.
        task: String,
    },
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
            Reason::Busy { person, task } => write!(f, "waiting for {person}, busy with {task}"),
            Reason::NoQualifiedPerson => f.write_str("nobody has the required role and skills"),
            Reason::HorizonTooShort => f.write_str("does not fit in the planning horizon"),
            Reason::Pinned { task } => write!(f, "held back by pinned task {task}"),
        }
    }
}

/// The plan for one task.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskPlan {
    /// The task's id.
    pub task_id: String,
    /// The person doing it, or the first of the people sharing it (the part
    /// that starts first); None when unscheduled.
    pub person_id: Option<String>,
    /// (day, hours) booked, by increasing day, every part's hours of a day
    /// added up; sums to the effort.
    pub bookings: Vec<(u32, f64)>,
    /// Each person's part, first start first: one part for a task done by one
    /// person, several for a shared one. Empty when unscheduled.
    pub parts: Vec<Part>,
    /// First booked day (None when unscheduled).
    pub start_day: Option<u32>,
    /// Last booked day (None when unscheduled).
    pub finish_day: Option<u32>,
    /// Days past the deadline (0 when on time or without a deadline).
    pub late_by_days: u32,
    /// Why the task is late or unscheduled.
    pub reason: Option<Reason>,
}

/// One person's part of a task.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// The person.
    pub person_id: String,
    /// (day, hours) this person books, by increasing day.
    pub bookings: Vec<(u32, f64)>,
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
    /// Schedule-generation passes made (the first included).
    pub passes: u32,
    /// Per task group, in order of first appearance: how far the plan is from
    /// the earliest finish any plan could reach.
    pub bounds: Vec<GroupBound>,
    /// Tasks placed elsewhere than their `previous` person and start day.
    pub moved: usize,
}

/// A lower bound on a group's finish, and the plan's distance to it.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupBound {
    /// The group.
    pub group: String,
    /// No plan finishes the group's tasks before this day.
    pub earliest_finish_day: u32,
    /// Days in `earliest_finish_day + 1 ..= finish` on which anyone works:
    /// how many working days the plan is above the bound (None when a task of
    /// the group is unscheduled).
    pub days_above: Option<u32>,
    /// What sets the bound.
    pub binding: Binding,
}

/// What sets a group's earliest finish.
#[derive(Clone, Debug, PartialEq)]
pub enum Binding {
    /// The longest dependency chain, each task on its fastest qualified
    /// person's calendar: task ids, first to last.
    Chain(Vec<String>),
    /// The work that only some people can do, spread over all of them: a
    /// person id (one person) or a role and skills description, and the hours.
    Work {
        /// A person id or a description of the role and skills.
        person_or_skill: String,
        /// People who can do that work.
        people: usize,
        /// Hours of that work in the group.
        hours: f64,
    },
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
    /// `assignees_max` is 0.
    InvalidAssignees {
        /// The task.
        task: String,
    },
    /// A pinned booking is outside the horizon or not a number of hours.
    InvalidPinned {
        /// The task.
        task: String,
        /// What is wrong.
        message: String,
    },
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
            LevelError::InvalidAssignees { task } => {
                write!(
                    f,
                    "task '{task}' has assignees_max 0; it must be at least 1"
                )
            }
            LevelError::InvalidPinned { task, message } => {
                write!(f, "task '{task}' has a pinned booking of {message}")
            }
            LevelError::InvalidHorizon(h) => write!(
                f,
                "horizon of {h} days; it must be between 1 and {MAX_HORIZON_DAYS}"
            ),
        }
    }
}

impl std::error::Error for LevelError {}

/// Levels the tasks onto the people. Fails on inputs that cannot be planned
/// (unknown ids, cycles, invalid numbers); tasks that cannot be placed are
/// reported in the plan with a [`Reason`] instead.
pub fn level(pb: &Problem, opts: &Options) -> Result<Plan, LevelError> {
    let prep = prepare(pb)?;
    let alone = bound::alone(&prep);
    let n = pb.tasks.len();
    let deadline = opts.time_limit.map(|d| Instant::now() + d);
    let mut rng = Rng::new(opts.seed);
    let mut free = Vec::new();
    let mut order = Vec::with_capacity(n);
    let scale = 1024i64;
    // A re-plan starts in the earlier plan's order, so that tasks the change does
    // not push find their person free on the same days again.
    let mut key: Vec<i64> = (0..n)
        .map(|j| match prep.previous[j] {
            Some((_, start)) => start as i64 * scale,
            None => prep.lf[j] * scale,
        })
        .collect();
    prep.order(&key, &mut order);
    let mut best = prep.generate(&order, &mut free);
    let (mut passes, mut stalled) = (1u32, 0u32);
    // The same order with no task shared: sharing may have made later tasks wait.
    if opts.max_iterations > 1 && prep.assignees.iter().any(|&k| k > 1) {
        let cand = prep.generate_sharing(&order, &mut free, Some(&vec![false; n]));
        passes += 1;
        if cand.score < best.score {
            best = cand;
        }
    }
    for it in 1..opts.max_iterations.max(1) {
        if n <= 1 {
            break;
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
        if opts.stall_iterations.is_some_and(|s| stalled >= s) {
            break;
        }
        let start_in_best = |j: usize| match best.status[j] {
            Status::Placed { start, .. } => start as i64,
            _ => prep.lf[j].max(0),
        };
        // In rounds of four: repair, sampling, forward pass, sampling.
        if it % 4 == 1 {
            // Repair: the best plan's start order, except that the tasks it makes
            // late through people being busy, and their predecessors, go at their
            // earliest start.
            let urgent = urgent(&prep, &alone, &best);
            for (j, k) in key.iter_mut().enumerate() {
                let s = if urgent[j] {
                    alone.es[j] as i64
                } else {
                    start_in_best(j)
                };
                *k = s * scale + rng.below(scale as usize) as i64;
            }
            prep.order(&key, &mut order);
        } else if it % 4 == 3 {
            // Forward pass in the best plan's start order, random ties, swaps.
            for (j, k) in key.iter_mut().enumerate() {
                *k = start_in_best(j) * scale + rng.below(scale as usize) as i64;
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
        // Sharing a task finishes it earlier but takes people from the tasks after it:
        // the search also tries plans where some or none of the tasks are shared.
        let shared = share::mask(&prep, &mut rng);
        let cand = prep.generate_sharing(&order, &mut free, shared.as_deref());
        passes += 1;
        if cand.score < best.score {
            best = cand;
            stalled = 0;
        } else {
            stalled += 1;
        }
    }
    let mut plan = report(pb, &prep, &best);
    plan.passes = passes;
    plan.bounds = bound::bounds(pb, &prep, &alone, &best);
    Ok(plan)
}

/// Tasks later than their deadline and than their finish alone on the calendars,
/// and all their predecessors: where the plan loses days to people being busy.
fn urgent(prep: &Prepared, alone: &bound::Alone, best: &Schedule) -> Vec<bool> {
    let n = prep.effort.len();
    let mut mark = vec![false; n];
    let mut stack = Vec::new();
    for j in 0..n {
        if let (Status::Placed { finish, .. }, Some(dl)) = (best.status[j], prep.deadline[j])
            && finish > dl
            && alone.ef[j].is_some_and(|ef| finish > ef)
        {
            stack.push(j);
        }
    }
    while let Some(j) = stack.pop() {
        if !mark[j] {
            mark[j] = true;
            stack.extend(prep.preds[j].iter().map(|&(p, _)| p));
        }
    }
    mark
}
