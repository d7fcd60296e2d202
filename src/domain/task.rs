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
    /// Bumped by every change to this record; sent as its `ETag`, checked by `If-Match`.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub version: u64,
}

fn yes() -> bool {
    true
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
        let depends_on = super::distinct("depends_on", input.depends_on, 200)?;
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
        }
    }
}

/// Refuses a dependency cycle among `tasks`, naming it by task names.
pub fn check_acyclic<'a>(tasks: impl Iterator<Item = &'a Task>) -> Result<(), AppError> {
    let tasks: HashMap<&Id, &Task> = tasks.map(|t| (&t.id, t)).collect();
    // 0 = unvisited, 1 = on the current path, 2 = done.
    let mut state: HashMap<&Id, u8> = HashMap::new();
    fn visit<'a>(
        id: &'a Id,
        tasks: &HashMap<&'a Id, &'a Task>,
        state: &mut HashMap<&'a Id, u8>,
        path: &mut Vec<&'a Id>,
    ) -> Option<Vec<&'a Id>> {
        match state.get(id) {
            Some(2) => return None,
            Some(1) => {
                let from = path.iter().position(|p| *p == id).unwrap_or(0);
                let mut cycle = path[from..].to_vec();
                cycle.push(id);
                return Some(cycle);
            }
            _ => {}
        }
        state.insert(id, 1);
        path.push(id);
        if let Some(task) = tasks.get(id) {
            for dep in &task.depends_on {
                if let Some(c) = visit(dep, tasks, state, path) {
                    return Some(c);
                }
            }
        }
        path.pop();
        state.insert(id, 2);
        None
    }
    let mut ids: Vec<&Id> = tasks.keys().copied().collect();
    ids.sort();
    for id in ids {
        if let Some(cycle) = visit(id, &tasks, &mut state, &mut Vec::new()) {
            let names: Vec<&str> = cycle
                .iter()
                .map(|i| tasks.get(i).map_or(i.as_str(), |t| t.name.as_str()))
                .collect();
            return Err(AppError::invalid(
                "depends_on",
                format!("dependency cycle: {}", names.join(" -> ")),
            ));
        }
    }
    Ok(())
}

/// `tasks` ordered so that every task comes before the tasks it depends on (the order
/// in which they can be removed one by one).
pub fn dependents_first<'a>(tasks: impl Iterator<Item = &'a Task>) -> Vec<Task> {
    let mut left: Vec<Task> = tasks.cloned().collect();
    let mut out = Vec::with_capacity(left.len());
    while !left.is_empty() {
        let needed: std::collections::HashSet<Id> = left
            .iter()
            .flat_map(|t| t.depends_on.iter().cloned())
            .collect();
        let (free, rest): (Vec<Task>, Vec<Task>) =
            left.into_iter().partition(|t| !needed.contains(&t.id));
        if free.is_empty() {
            out.extend(rest); // a cycle cannot be stored, but never loop forever
            break;
        }
        out.extend(free);
        left = rest;
    }
    out
}
