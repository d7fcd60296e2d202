//! Tasks: a project's work broken down for the scheduling engine (effort, who may do
//! it, what it waits for), and the rule that dependencies never form a cycle.

use super::schedule::{check_range, optional_text};
use super::{Id, calendar::check_date, required_text};
use crate::AppError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Task {
    #[schema(value_type = String)]
    pub id: Id,
    #[schema(value_type = String)]
    pub team_id: Id,
    #[schema(value_type = String)]
    pub project_id: Id,
    pub name: String,
    pub effort_hours: f64,
    /// A fixed person; otherwise anyone with `role` (if given) and all `skills`.
    #[schema(value_type = Option<String>)]
    pub person_id: Option<Id>,
    pub role: Option<String>,
    pub skills: Vec<String>,
    /// Tasks of the same project that must finish first.
    #[schema(value_type = Vec<String>)]
    pub depends_on: Vec<Id>,
    pub earliest_start: Option<NaiveDate>,
    pub deadline: Option<NaiveDate>,
    /// Higher goes first.
    pub priority: i32,
    /// May the work pause on days its person is busy elsewhere?
    pub may_split: bool,
    pub max_hours_per_day: Option<f64>,
    /// Pinned: the planner keeps the task's planned allocations where they are and
    /// plans the other tasks around them.
    #[serde(default)]
    pub pinned: bool,
    /// How many qualified people the planner may put on the task at once (1 to 10): it
    /// splits the effort between them when that finishes the task earlier, each
    /// person's part an allocation of its own.
    #[serde(default = "one")]
    #[schema(minimum = 1, maximum = 10)]
    pub assignees_max: u32,
    /// Bumped by every change to this record; sent as its `ETag`, checked by `If-Match`.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub version: u64,
}

fn yes() -> bool {
    true
}

fn one() -> u32 {
    1
}

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskInput {
    pub name: String,
    #[schema(exclusive_minimum = 0, maximum = 100000)]
    pub effort_hours: f64,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub person_id: Option<Id>,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub skills: Vec<String>,
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub depends_on: Vec<Id>,
    #[serde(default)]
    pub earliest_start: Option<NaiveDate>,
    #[serde(default)]
    pub deadline: Option<NaiveDate>,
    #[serde(default)]
    pub priority: i32,
    #[serde(default = "yes")]
    pub may_split: bool,
    #[serde(default)]
    pub max_hours_per_day: Option<f64>,
    /// Keep the task's planned allocations where they are in later plans.
    #[serde(default)]
    pub pinned: bool,
    /// How many people may work on the task at once (1 to 10; 1 by default).
    #[serde(default = "one")]
    pub assignees_max: u32,
}

impl Task {
    pub fn from_input(
        id: Id,
        team_id: Id,
        project_id: Id,
        input: TaskInput,
    ) -> Result<Task, AppError> {
        if !(input.effort_hours.is_finite()
            && input.effort_hours > 0.0
            && input.effort_hours <= 100_000.0)
        {
            return Err(AppError::invalid(
                "effort_hours",
                "must be more than 0 and at most 100000",
            ));
        }
        let most = super::limits::ASSIGNEES_PER_TASK;
        if !(1..=most).contains(&input.assignees_max) {
            return Err(AppError::invalid(
                "assignees_max",
                format!("must be between 1 and {most} people"),
            ));
        }
        let depends_on = super::distinct(
            "depends_on",
            input.depends_on,
            super::limits::DEPENDENCIES_PER_TASK,
        )?;
        if depends_on.contains(&id) {
            return Err(AppError::invalid(
                "depends_on",
                "a task cannot depend on itself",
            ));
        }
        Ok(Task {
            version: 0,
            id,
            team_id,
            project_id,
            name: required_text("name", &input.name, 200)?,
            effort_hours: input.effort_hours,
            person_id: input.person_id,
            role: optional_text("role", input.role, 100)?,
            skills: super::distinct("skills", input.skills, 100)?
                .iter()
                .map(|s| required_text("skills", s, 100))
                .collect::<Result<_, _>>()?,
            depends_on,
            earliest_start: input
                .earliest_start
                .map(|d| check_date("earliest_start", d))
                .transpose()?,
            deadline: input
                .deadline
                .map(|d| check_date("deadline", d))
                .transpose()?,
            priority: input.priority.clamp(-1000, 1000),
            may_split: input.may_split,
            max_hours_per_day: input
                .max_hours_per_day
                .map(|h| check_range("max_hours_per_day", h, 0.1, 24.0))
                .transpose()?,
            pinned: input.pinned,
            assignees_max: input.assignees_max,
        })
    }

    pub fn input(&self) -> TaskInput {
        TaskInput {
            name: self.name.clone(),
            effort_hours: self.effort_hours,
            person_id: self.person_id.clone(),
            role: self.role.clone(),
            skills: self.skills.clone(),
            depends_on: self.depends_on.clone(),
            earliest_start: self.earliest_start,
            deadline: self.deadline,
            priority: self.priority,
            may_split: self.may_split,
            max_hours_per_day: self.max_hours_per_day,
            pinned: self.pinned,
            assignees_max: self.assignees_max,
        }
    }
}

/// Refuses a dependency cycle among `tasks`, naming it by task names.
pub fn check_acyclic<'a>(tasks: impl Iterator<Item = &'a Task>) -> Result<(), AppError> {
    let tasks: HashMap<&Id, &Task> = tasks.map(|t| (&t.id, t)).collect();
    let mut starts: Vec<&Id> = tasks.keys().copied().collect();
    starts.sort();
    check_no_cycle_from(starts, |id| tasks.get(id).copied())
}

/// Refuses a dependency cycle reachable from the tasks `starts`, following
/// `depends_on` through `get`. When the tasks were acyclic before a change, checking
/// from the changed tasks is enough: a new cycle passes through one of them. One
/// iterative depth-first walk: linear in what it reaches, whatever the depth.
pub fn check_no_cycle_from<'a>(
    starts: impl IntoIterator<Item = &'a Id>,
    get: impl Fn(&Id) -> Option<&'a Task>,
) -> Result<(), AppError> {
    match find_cycle(starts, &get) {
        None => Ok(()),
        Some(cycle) => {
            // A long cycle is named by its ends: the message stays readable and small.
            const SHOWN: usize = 6;
            let name = |i: &Id| get(i).map_or(i.as_str(), |t| t.name.as_str()).to_string();
            let names: Vec<String> = if cycle.len() <= 2 * SHOWN {
                cycle.iter().map(&name).collect()
            } else {
                let mut v: Vec<String> = cycle[..SHOWN].iter().map(&name).collect();
                v.push(format!("… {} more …", cycle.len() - 2 * SHOWN));
                v.extend(cycle[cycle.len() - SHOWN..].iter().map(&name));
                v
            };
            Err(AppError::invalid(
                "depends_on",
                format!("dependency cycle: {}", names.join(" -> ")),
            ))
        }
    }
}

/// The first cycle found from `starts`, as the path that closes it (first id repeated
/// at the end). Colours: absent = unvisited, `OnPath`, `Done`.
fn find_cycle<'a>(
    starts: impl IntoIterator<Item = &'a Id>,
    get: &impl Fn(&Id) -> Option<&'a Task>,
) -> Option<Vec<Id>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Colour {
        OnPath,
        Done,
    }
    let mut colour: HashMap<&'a Id, Colour> = HashMap::new();
    // The current path: each task and how many of its dependencies were followed.
    let mut path: Vec<(&'a Id, usize)> = Vec::new();
    for start in starts {
        if colour.contains_key(start) {
            continue;
        }
        colour.insert(start, Colour::OnPath);
        path.push((start, 0));
        while let Some((id, next)) = path.last_mut() {
            let deps = get(id).map_or(&[][..], |t| t.depends_on.as_slice());
            match deps.get(*next) {
                None => {
                    colour.insert(*id, Colour::Done);
                    path.pop();
                }
                Some(dep) => {
                    *next += 1;
                    // Follow the reference as stored in the task, which lives as long as 'a.
                    let Some(dep) = get(dep).map(|t| &t.id) else {
                        continue;
                    };
                    match colour.get(dep) {
                        Some(Colour::Done) => {}
                        Some(Colour::OnPath) => {
                            let from = path.iter().position(|(p, _)| *p == dep).unwrap_or(0);
                            let mut cycle: Vec<Id> =
                                path[from..].iter().map(|(p, _)| (*p).clone()).collect();
                            cycle.push(dep.clone());
                            return Some(cycle);
                        }
                        None => {
                            colour.insert(dep, Colour::OnPath);
                            path.push((dep, 0));
                        }
                    }
                }
            }
        }
    }
    None
}

/// `tasks` ordered so that every task comes before the tasks it depends on (the order
/// in which they can be removed one by one). Kahn's algorithm: linear in the tasks and
/// their dependencies.
pub fn dependents_first<'a>(tasks: impl Iterator<Item = &'a Task>) -> Vec<Task> {
    let tasks: Vec<&Task> = tasks.collect();
    let index: HashMap<&Id, usize> = tasks.iter().enumerate().map(|(i, t)| (&t.id, i)).collect();
    // How many tasks of the set still depend on each one.
    let mut dependents = vec![0usize; tasks.len()];
    for t in &tasks {
        for d in &t.depends_on {
            if let Some(&i) = index.get(d) {
                dependents[i] += 1;
            }
        }
    }
    let mut ready: Vec<usize> = (0..tasks.len()).filter(|&i| dependents[i] == 0).collect();
    let mut out = Vec::with_capacity(tasks.len());
    let mut placed = vec![false; tasks.len()];
    while let Some(i) = ready.pop() {
        placed[i] = true;
        out.push(tasks[i].clone());
        for d in &tasks[i].depends_on {
            if let Some(&j) = index.get(d) {
                dependents[j] -= 1;
                if dependents[j] == 0 {
                    ready.push(j);
                }
            }
        }
    }
    // A cycle cannot be stored, but never lose a task: the rest go last.
    out.extend(
        (0..tasks.len())
            .filter(|&i| !placed[i])
            .map(|i| tasks[i].clone()),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(id: &str, deps: &[&str]) -> Task {
        Task {
            version: 0,
            id: Id::from(id),
            team_id: Id::from("team"),
            project_id: Id::from("p"),
            name: format!("T{id}"),
            effort_hours: 1.0,
            person_id: None,
            role: None,
            skills: vec![],
            depends_on: deps.iter().map(|d| Id::from(*d)).collect(),
            earliest_start: None,
            deadline: None,
            priority: 0,
            may_split: true,
            max_hours_per_day: None,
            pinned: false,
            assignees_max: 1,
        }
    }

    /// `n` tasks, each depending on the one before.
    fn chain(n: usize) -> Vec<Task> {
        (0..n)
            .map(|i| {
                let prev = i.checked_sub(1).map(|p| p.to_string());
                task(
                    &i.to_string(),
                    &prev.iter().map(String::as_str).collect::<Vec<_>>(),
                )
            })
            .collect()
    }

    /// 200,000 deep: far deeper than any thread's stack would take recursively.
    #[test]
    fn a_very_long_chain_is_checked_and_ordered_without_recursion() {
        let tasks = chain(200_000);
        assert!(check_acyclic(tasks.iter()).is_ok());
        let order = dependents_first(tasks.iter());
        assert_eq!(order.len(), tasks.len());
        assert_eq!(order[0].id.as_str(), "199999");
        assert_eq!(order[199_999].id.as_str(), "0");
    }

    #[test]
    fn a_cycle_is_named_and_a_long_one_by_its_ends() {
        let tasks = [task("a", &["b"]), task("b", &["c"]), task("c", &["a"])];
        let err = check_acyclic(tasks.iter()).unwrap_err().to_string();
        assert_eq!(err, "depends_on: dependency cycle: Ta -> Tb -> Tc -> Ta");
        let mut tasks = chain(1000);
        tasks[0].depends_on = vec![Id::from("999")];
        let err = check_acyclic(tasks.iter()).unwrap_err().to_string();
        assert!(err.contains("more"), "{err}");
        assert!(err.len() < 200, "{err}");
    }

    #[test]
    fn checking_from_the_changed_task_finds_a_cycle_through_it() {
        let mut tasks: HashMap<Id, Task> =
            chain(5).into_iter().map(|t| (t.id.clone(), t)).collect();
        let start = Id::from("0");
        assert!(check_no_cycle_from([&start], |id| tasks.get(id)).is_ok());
        tasks.get_mut(&start).unwrap().depends_on = vec![Id::from("4")];
        assert!(check_no_cycle_from([&start], |id| tasks.get(id)).is_err());
    }
}
