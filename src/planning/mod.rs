//! From a team's schedule to the engine's problem and back: which tasks to place, each
//! person's free hours per day, and the allocations a plan turns into.
//!
//! - The horizon starts at the requested `from` date and runs [`HORIZON_DAYS`].
//! - A person's capacity and bookings are counted by [`crate::domain::booked`]: their
//!   fixed bookings are every confirmed allocation except the planner's own earlier
//!   allocations for the projects being planned, which the new plan replaces; tentative
//!   allocations count as taken too unless the request says `"tentative": "ignore"`.
//!   Either way the proposal lists every day on which it would leave someone booked
//!   beyond capacity (tentative hours included, as the timeline shows it).
//! - A task books nothing before its project's start date or after its end date; one
//!   that does not fit in between is left unscheduled, with the reason.
//! - Pinned work stays: a task marked `pinned`, or one with a pinned allocation, keeps
//!   all its planned allocations; the engine plans the other tasks around them and
//!   names the pinned task when it makes another late.
//! - A re-plan starts from the earlier plan: each task's earlier person and first day
//!   go to the engine, which gives them back when the change does not push the task.
//! - A task with `assignees_max` above 1 may be shared: the engine splits its effort
//!   between up to that many people when that finishes it earlier, and each person's
//!   part becomes allocations of their own.
//! - Each part's booked days become allocations: a run of days with equal hours, where
//!   the days skipped inside the run are days the person has no capacity (weekends,
//!   days off), becomes one allocation, since an allocation books nothing on those.

mod outcome;
mod proposal;

use crate::domain::activity::Change;
use crate::domain::booked::{Days, round_hours};
use crate::domain::calendar::DayGrid;
use crate::domain::{Allocation, Id, Schedule};
use crate::store::Record;
use crate::{AppError, Result};
use chrono::{Duration, NaiveDate};
use kronuz_schedule::level::{self, Plan, Problem};
use outcome::{bound_reason, describe, overbooked, parts, runs};
pub use proposal::{PlanOverbooked, ProjectBound, Proposal, TaskOutcome, TaskPart, Tentative};
use std::collections::{HashMap, HashSet};

pub const HORIZON_DAYS: u32 = 366;

/// `(day, hours)` booked, by day.
type DayHours = Vec<(u32, f64)>;

/// What the planner was asked to do and what it found.
pub struct Planned {
    pub changes: Vec<Change>,
    pub proposal: Proposal,
    /// Time spent in the engine's search, of the whole planning.
    pub engine: std::time::Duration,
}

/// How long the planner searches.
#[derive(Clone, Copy, Debug)]
pub struct Search {
    /// The budget.
    pub time_limit: std::time::Duration,
    /// Search the whole budget even after the plan stopped improving.
    pub full: bool,
    /// Ignore the earlier plan.
    pub fresh: bool,
    pub seed: u64,
}

/// Plans the tasks of `project_ids` from `from` on. Pure and possibly slow: run it off
/// the actor and off the async workers.
pub fn plan(
    s: &Schedule,
    project_ids: &[Id],
    from: NaiveDate,
    search: Search,
    tentative: Tentative,
) -> Result<Planned> {
    if project_ids.is_empty() {
        return Err(AppError::invalid(
            "project_ids",
            "name at least one project",
        ));
    }
    for id in project_ids {
        if !s.projects.contains_key(id) {
            return Err(AppError::invalid(
                "project_ids",
                format!("no project {id} in this team"),
            ));
        }
    }
    let planned: HashSet<&Id> = project_ids.iter().collect();
    let day = |i: u32| from + Duration::days(i64::from(i));
    let index = |d: NaiveDate| (d - from).num_days().clamp(0, i64::from(HORIZON_DAYS) - 1) as u32;
    // Pinned tasks: marked so, or holding a pinned allocation.
    let mut of_task: HashMap<&Id, Vec<&Allocation>> = HashMap::new();
    for a in s.allocations.values() {
        if let Some(t) = &a.task_id
            && planned.contains(&a.project_id)
        {
            of_task.entry(t).or_default().push(a);
        }
    }
    let pinned_tasks: HashSet<&Id> = of_task
        .iter()
        .filter(|(t, allocs)| {
            allocs.iter().any(|a| a.pinned) || s.tasks.get(**t).is_some_and(|t| t.pinned)
        })
        .map(|(t, _)| *t)
        .collect();
    let replaced: Vec<&Allocation> = s
        .allocations
        .values()
        .map(|a| &**a)
        .filter(|a| {
            a.task_id
                .as_ref()
                .is_some_and(|t| !pinned_tasks.contains(t))
                && !a.pinned
                && planned.contains(&a.project_id)
        })
        .collect();
    let replaced_ids: HashSet<&Id> = replaced.iter().map(|a| &a.id).collect();

    let mut by_person: HashMap<&Id, Vec<&Allocation>> = HashMap::new();
    let last = day(HORIZON_DAYS - 1);
    for a in s.allocations.values() {
        if let Some(p) = &a.person_id
            && !replaced_ids.contains(&a.id)
            && a.overlaps(Some(from), Some(last))
        {
            by_person.entry(p).or_default().push(a);
        }
    }
    let grid = DayGrid::new(s, from, last);
    // What each person has booked before the plan: confirmed and tentative apart.
    let days: HashMap<&Id, Days> = s
        .people
        .values()
        .filter(|p| !p.archived)
        .map(|p| {
            let allocs = by_person.get(&p.id).into_iter().flatten().copied();
            (&p.id, Days::person(&grid, p, allocs))
        })
        .collect();
    // The pinned tasks' hours per person and day: the engine takes them as the
    // tasks' own, so they leave the fixed bookings.
    let mut pinned_hours: HashMap<&Id, Vec<(&Id, DayHours)>> = HashMap::new();
    for t in &pinned_tasks {
        for a in &of_task[t] {
            let (Some(p), Some(d)) = (&a.person_id, a.person_id.as_ref().and_then(|p| days.get(p)))
            else {
                continue;
            };
            let mut hours = vec![0.0; d.len()];
            grid.book(a, &d.capacity, &mut hours);
            let booked: Vec<(u32, f64)> = (0..hours.len())
                .filter(|&i| hours[i] > 0.0)
                .map(|i| (i as u32, hours[i]))
                .collect();
            pinned_hours.entry(*t).or_default().push((p, booked));
        }
    }
    let mut pinned_of_person: HashMap<&Id, Vec<f64>> = HashMap::new();
    for parts in pinned_hours.values() {
        for (p, booked) in parts {
            let row = pinned_of_person
                .entry(*p)
                .or_insert_with(|| vec![0.0; HORIZON_DAYS as usize]);
            for &(d, h) in booked {
                row[d as usize] += h;
            }
        }
    }
    let people: Vec<level::Person> = s
        .people
        .values()
        .filter(|p| !p.archived)
        .map(|p| {
            let d = &days[&p.id];
            let mut booked: Vec<f64> = match tentative {
                Tentative::Blocks => (0..d.len()).map(|i| d.booked_on(i)).collect(),
                Tentative::Ignore => d.scheduled.clone(),
            };
            if let Some(pinned) = pinned_of_person.get(&p.id) {
                for (b, h) in booked.iter_mut().zip(pinned) {
                    *b = (*b - h).max(0.0);
                }
            }
            level::Person {
                id: p.id.0.clone(),
                role: p.role.clone().unwrap_or_default(),
                skills: p.skills.clone(),
                capacity: d.capacity.clone(),
                booked,
            }
        })
        .collect();
    let tasks: Vec<&crate::domain::task::Task> = s
        .tasks
        .values()
        .filter(|t| planned.contains(&t.project_id))
        .collect();
    if tasks.is_empty() {
        return Err(AppError::invalid(
            "project_ids",
            "these projects have no tasks to plan",
        ));
    }
    let pinned_of = |t: &crate::domain::task::Task| -> Vec<(String, DayHours)> {
        if !pinned_tasks.contains(&t.id) {
            return Vec::new();
        }
        let mut parts: Vec<(String, DayHours)> = pinned_hours
            .get(&t.id)
            .into_iter()
            .flatten()
            .filter(|(_, b)| !b.is_empty())
            .map(|(p, b)| (p.0.clone(), b.clone()))
            .collect();
        if parts.is_empty() {
            // All of it before the plan starts: done, its successors may start at once.
            if let Some(p) = of_task[&t.id].iter().find_map(|a| a.person_id.as_ref())
                && days.contains_key(p)
            {
                parts.push((p.0.clone(), vec![(0, 0.0)]));
            }
        }
        parts
    };
    // The earlier plan: the person of the task's first allocation and its first day.
    let mut earlier: HashMap<&Id, (NaiveDate, &Id)> = HashMap::new();
    for a in &replaced {
        if let (Some(t), Some(p)) = (&a.task_id, &a.person_id) {
            let e = earlier.entry(t).or_insert((a.start, p));
            *e = (*e).min((a.start, p));
        }
    }
    let previous_of = |t: &crate::domain::task::Task| -> Option<(String, u32)> {
        if search.fresh {
            return None;
        }
        earlier
            .get(&t.id)
            .map(|(start, p)| (p.0.clone(), index(*start)))
    };
    let problem = Problem {
        horizon_days: HORIZON_DAYS,
        people,
        tasks: tasks
            .iter()
            .map(|t| {
                let project = s.projects.get(&t.project_id);
                let (project_start, project_end) =
                    project.map_or((None, None), |p| (p.start, p.end));
                let earliest = t.earliest_start.max(project_start);
                level::Task {
                    id: t.id.0.clone(),
                    group: Some(t.project_id.0.clone()),
                    effort_hours: t.effort_hours,
                    person_id: t.person_id.as_ref().map(|p| p.0.clone()),
                    role: t.role.clone(),
                    skills: t.skills.clone(),
                    predecessors: t.depends_on.iter().map(|d| (d.0.clone(), 0)).collect(),
                    // A project that ended before the plan starts leaves its tasks no day.
                    earliest_start: match project_end {
                        Some(e) if e < from => HORIZON_DAYS - 1,
                        _ => earliest.map_or(0, index),
                    },
                    deadline: t.deadline.map(|d| if d < from { 0 } else { index(d) }),
                    latest_finish: project_end.map(|e| if e < from { 0 } else { index(e) }),
                    priority: t.priority,
                    may_split: t.may_split,
                    max_hours_per_day: t.max_hours_per_day,
                    pinned: pinned_of(t),
                    previous: previous_of(t),
                    assignees_max: t.assignees_max,
                }
            })
            .collect(),
    };
    let options = level::Options {
        max_iterations: 400,
        time_limit: Some(search.time_limit),
        seed: search.seed,
        stall_iterations: if search.full {
            None
        } else {
            level::Options::default().stall_iterations
        },
    };
    let searched = std::time::Instant::now();
    let result: Plan = level::level(&problem, &options)
        .map_err(|e| AppError::Invalid(format!("Cannot plan: {e}")))?;
    let engine = searched.elapsed();

    let name_of = |id: &str| {
        s.tasks
            .get(&Id(id.to_string()))
            .map(|t| t.name.clone())
            .unwrap_or_default()
    };
    let mut changes: Vec<Change> = replaced
        .iter()
        .map(|a| Change {
            before: Some(Record::Allocation((*a).clone())),
            after: None,
        })
        .collect();
    let mut allocations = Vec::new();
    let mut outcomes = Vec::new();
    let capacity_of: HashMap<&str, &[f64]> = problem
        .people
        .iter()
        .map(|p| (p.id.as_str(), p.capacity.as_slice()))
        .collect();
    for (task, tp) in tasks.iter().zip(&result.tasks) {
        let pinned = pinned_tasks.contains(&task.id);
        for part in tp.parts.iter().filter(|_| !pinned) {
            let person = &part.person_id;
            let capacity = capacity_of
                .get(person.as_str())
                .copied()
                .unwrap_or_default();
            for (start, end, hours) in runs(&part.bookings, capacity) {
                let a = Allocation {
                    version: 0,
                    id: Id::random(),
                    team_id: s.team.id.clone(),
                    project_id: task.project_id.clone(),
                    person_id: Some(Id(person.clone())),
                    placeholder_role: None,
                    start: day(start),
                    end: day(end),
                    hours_per_day: hours,
                    tentative: false,
                    note: Some(task.name.clone()),
                    task_id: Some(task.id.clone()),
                    pinned: false,
                };
                changes.push(Change {
                    before: None,
                    after: Some(Record::Allocation(a.clone())),
                });
                allocations.push(a);
            }
        }
        outcomes.push(TaskOutcome {
            task_id: tp.task_id.clone(),
            name: name_of(&tp.task_id),
            project_id: task.project_id.0.clone(),
            person_id: tp.person_id.clone(),
            start: tp.start_day.map(day),
            finish: tp.finish_day.map(day),
            deadline: task.deadline,
            late_by_days: tp.late_by_days,
            reason: tp
                .reason
                .as_ref()
                .map(|r| match (r, tp.start_day, project_end(s, task)) {
                    (level::Reason::HorizonTooShort, None, Some(end)) if end < from => {
                        format!("the project ended on {end}")
                    }
                    (level::Reason::HorizonTooShort, None, Some(end)) => {
                        format!("does not fit before the project ends on {end}")
                    }
                    (level::Reason::Pinned { task: id }, _, _) if *id == tp.task_id => {
                        "pinned".to_string()
                    }
                    _ => describe(r, &name_of, s),
                }),
            pinned,
            parts: parts(tp, s, day),
        });
    }
    let overbooked = overbooked(s, &grid, &days, &allocations);
    let proposal = Proposal {
        proposal_id: String::new(),
        allocations,
        removed: replaced.iter().map(|a| a.id.0.clone()).collect(),
        tasks: outcomes,
        finish_by_project: result
            .finish_by_group
            .iter()
            .map(|(g, d)| (g.clone(), d.map(day)))
            .collect(),
        unscheduled: result.unscheduled,
        late: result.late,
        tentative,
        overbooked_hours: round_hours(overbooked.iter().map(|o| o.over_hours).sum()),
        overbooked,
        bounds: result
            .bounds
            .iter()
            .map(|b| ProjectBound {
                project_id: b.group.clone(),
                earliest_finish: day(b.earliest_finish_day),
                finish: result
                    .finish_by_group
                    .iter()
                    .find(|(g, _)| *g == b.group)
                    .and_then(|(_, f)| f.map(day))
                    .filter(|_| b.days_above.is_some()),
                days_above_earliest: b.days_above,
                reason: bound_reason(&b.binding, &name_of, s),
            })
            .collect(),
        moved: result.moved,
        passes: result.passes,
    };
    Ok(Planned {
        changes,
        proposal,
        engine,
    })
}

fn project_end(s: &Schedule, task: &crate::domain::task::Task) -> Option<NaiveDate> {
    s.projects.get(&task.project_id).and_then(|p| p.end)
}
