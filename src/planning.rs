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
//! - Each task's booked days become allocations: a run of days with equal hours, where
//!   the days skipped inside the run are days the person has no capacity (weekends,
//!   days off), becomes one allocation, since an allocation books nothing on those.

use crate::domain::activity::Change;
use crate::domain::booked::{Days, round_hours};
use crate::domain::calendar::DayGrid;
use crate::domain::{Allocation, Id, Schedule};
use crate::store::Record;
use crate::{AppError, Result};
use chrono::{Duration, NaiveDate};
use kronuz_schedule::level::{self, Plan, Problem};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

pub const HORIZON_DAYS: u32 = 366;

/// What the planner was asked to do and what it found.
pub struct Planned {
    pub changes: Vec<Change>,
    pub proposal: Proposal,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TaskOutcome {
    pub task_id: String,
    pub name: String,
    pub project_id: String,
    pub person_id: Option<String>,
    pub start: Option<NaiveDate>,
    pub finish: Option<NaiveDate>,
    pub deadline: Option<NaiveDate>,
    pub late_by_days: u32,
    /// Why the task is late or could not be placed, for a person.
    pub reason: Option<String>,
}

/// How a plan treats existing tentative bookings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Tentative {
    /// They count as taken: the plan books only what is left (the default).
    #[default]
    Blocks,
    /// The plan books over them; the proposal then says whom it overbooks, and when.
    Ignore,
}

/// A day on which the plan would leave a person booked beyond capacity.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PlanOverbooked {
    pub person_id: String,
    pub name: String,
    pub date: NaiveDate,
    pub capacity_hours: f64,
    /// Confirmed, tentative and proposed hours that day.
    pub booked_hours: f64,
    /// Of which tentative.
    pub tentative_hours: f64,
    /// Of which proposed by this plan.
    pub planned_hours: f64,
    /// `booked_hours - capacity_hours`.
    pub over_hours: f64,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Proposal {
    /// Pass this to `POST /api/v1/schedule/apply`.
    pub proposal_id: String,
    /// Allocations the plan would create.
    pub allocations: Vec<Allocation>,
    /// Ids of the planner's earlier allocations it would replace.
    pub removed: Vec<String>,
    pub tasks: Vec<TaskOutcome>,
    /// Finish date per project id.
    pub finish_by_project: HashMap<String, Option<NaiveDate>>,
    pub unscheduled: usize,
    pub late: usize,
    /// How existing tentative bookings were treated.
    pub tentative: Tentative,
    /// Every day the plan books someone who would then be over capacity, by person
    /// name then date. Empty with `"tentative": "blocks"` unless they already were.
    pub overbooked: Vec<PlanOverbooked>,
    /// The sum of `over_hours` over `overbooked`.
    pub overbooked_hours: f64,
}

/// Plans the tasks of `project_ids` from `from` on. Pure and possibly slow: run it off
/// the actor and off the async workers.
pub fn plan(
    s: &Schedule,
    project_ids: &[Id],
    from: NaiveDate,
    time_limit: std::time::Duration,
    seed: u64,
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
    let replaced: Vec<&Allocation> = s
        .allocations
        .values()
        .map(|a| &**a)
        .filter(|a| a.task_id.is_some() && planned.contains(&a.project_id))
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
    let people: Vec<level::Person> = s
        .people
        .values()
        .filter(|p| !p.archived)
        .map(|p| {
            let d = &days[&p.id];
            let booked = match tentative {
                Tentative::Blocks => (0..d.len()).map(|i| d.booked_on(i)).collect(),
                Tentative::Ignore => d.scheduled.clone(),
            };
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
                }
            })
            .collect(),
    };
    let options = level::Options {
        max_iterations: 400,
        time_limit: Some(time_limit),
        seed,
    };
    let result: Plan = level::level(&problem, &options)
        .map_err(|e| AppError::Invalid(format!("Cannot plan: {e}")))?;

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
    for (task, tp) in tasks.iter().zip(&result.tasks) {
        if let Some(person) = &tp.person_id {
            let capacity = &problem
                .people
                .iter()
                .find(|p| &p.id == person)
                .map(|p| p.capacity.clone())
                .unwrap_or_default();
            for (start, end, hours) in runs(&tp.bookings, capacity) {
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
                    _ => describe(r, &name_of, s),
                }),
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
    };
    Ok(Planned { changes, proposal })
}

fn project_end(s: &Schedule, task: &crate::domain::task::Task) -> Option<NaiveDate> {
    s.projects.get(&task.project_id).and_then(|p| p.end)
}

/// The days the plan books someone beyond their capacity, counting what they already
/// have (tentative included), by person name then date.
fn overbooked(
    s: &Schedule,
    grid: &DayGrid,
    days: &HashMap<&Id, Days>,
    planned: &[Allocation],
) -> Vec<PlanOverbooked> {
    let mut by_person: BTreeMap<&Id, Vec<&Allocation>> = BTreeMap::new();
    for a in planned {
        if let Some(p) = &a.person_id {
            by_person.entry(p).or_default().push(a);
        }
    }
    let mut out = Vec::new();
    for (id, allocs) in by_person {
        let (Some(person), Some(d)) = (s.people.get(id), days.get(id)) else {
            continue;
        };
        let mut plan = vec![0.0; d.len()];
        for a in allocs {
            grid.book(a, &d.capacity, &mut plan);
        }
        for (i, p) in plan.iter().enumerate() {
            let booked = d.booked_on(i) + p;
            if *p > 0.0 && booked > d.capacity[i] + 1e-9 {
                out.push(PlanOverbooked {
                    person_id: id.0.clone(),
                    name: person.name.clone(),
                    date: grid.date(i),
                    capacity_hours: round_hours(d.capacity[i]),
                    booked_hours: round_hours(booked),
                    tentative_hours: round_hours(d.tentative[i]),
                    planned_hours: round_hours(*p),
                    over_hours: round_hours(booked - d.capacity[i]),
                });
            }
        }
    }
    out.sort_by_cached_key(|o| (o.name.to_lowercase(), o.person_id.clone(), o.date));
    out
}

/// The engine's reason in the schedule's words (names, not ids).
fn describe(reason: &level::Reason, task_name: &dyn Fn(&str) -> String, s: &Schedule) -> String {
    match reason {
        level::Reason::Predecessor { chain } => {
            let names: Vec<String> = chain.iter().map(|id| task_name(id)).collect();
            format!("waiting for {}", names.join(" → "))
        }
        level::Reason::Bottleneck { person_or_skill } => {
            let who = s
                .people
                .get(&Id(person_or_skill.clone()))
                .map_or(person_or_skill.clone(), |p| p.name.clone());
            format!("waiting for {who}")
        }
        other => other.to_string(),
    }
}

/// Groups `(day, hours)` bookings into `(first, last, hours)` runs whose inner gaps are
/// days without capacity.
fn runs(bookings: &[(u32, f64)], capacity: &[f64]) -> Vec<(u32, u32, f64)> {
    let mut out: Vec<(u32, u32, f64)> = Vec::new();
    for &(d, h) in bookings {
        if let Some(last) = out.last_mut() {
            let gap_free =
                (last.1 + 1..d).all(|g| capacity.get(g as usize).copied().unwrap_or(0.0) <= 0.0);
            if gap_free && (last.2 - h).abs() < 1e-9 {
                last.1 = d;
                continue;
            }
        }
        out.push((d, d, h));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::runs;

    #[test]
    fn bookings_across_a_weekend_make_one_allocation() {
        // Fri (4), weekend (5, 6) without capacity, Mon (7).
        let capacity = [8.0, 8.0, 8.0, 8.0, 8.0, 0.0, 0.0, 8.0, 8.0];
        assert_eq!(runs(&[(4, 8.0), (7, 8.0)], &capacity), vec![(4, 7, 8.0)]);
        // A working day skipped inside is a gap: two allocations.
        assert_eq!(
            runs(&[(0, 8.0), (2, 8.0)], &capacity),
            vec![(0, 0, 8.0), (2, 2, 8.0)]
        );
        assert_eq!(
            runs(&[(0, 8.0), (1, 4.0)], &capacity),
            vec![(0, 0, 8.0), (1, 1, 4.0)]
        );
    }
}
