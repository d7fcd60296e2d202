//! What a plan proposes, as the API answers it: the allocations, each task's outcome
//! (its parts when shared), the days it overbooks someone and how far each project is
//! from its earliest finish.

use crate::domain::Allocation;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

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
    /// The task is pinned: its allocations stay as they are.
    pub pinned: bool,
    /// Who does what: one part per person, first start first; several when the task
    /// is shared (`assignees_max` above 1). Empty when unscheduled.
    pub parts: Vec<TaskPart>,
}

/// One person's part of a planned task.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TaskPart {
    pub person_id: String,
    pub name: String,
    pub start: NaiveDate,
    pub finish: NaiveDate,
    pub hours: f64,
}

/// How far a project's planned finish is from the earliest finish any plan could reach.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ProjectBound {
    pub project_id: String,
    /// No plan finishes the project's tasks before this day: the longest dependency
    /// chain on the people's calendars, or the work only some people can do spread
    /// over all of them, whichever ends later.
    pub earliest_finish: NaiveDate,
    /// The planned finish (None while a task is unscheduled).
    pub finish: Option<NaiveDate>,
    /// Working days from `earliest_finish` to `finish` (None while a task is
    /// unscheduled); 0 when the plan cannot be beaten.
    pub days_above_earliest: Option<u32>,
    /// What sets the earliest finish, for a person.
    pub reason: String,
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
    /// Per project, how far its finish is from the earliest possible.
    pub bounds: Vec<ProjectBound>,
    /// Tasks given another person or first day than in the earlier plan.
    pub moved: usize,
    /// Schedule-generation passes the search made.
    pub passes: u32,
}
