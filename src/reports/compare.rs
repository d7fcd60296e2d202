//! A scenario against live: which records it changes, and what that does to each
//! person's utilisation per month, each project's finish and booked hours, and the
//! team's totals. Both sides go through the reports' own definitions (the utilisation
//! report's sums, `booked::project_hours`), so a compared figure is the figure the
//! reports show; live's side is kept per version and the scenario's is counted only
//! where it differs (see `effect`).

mod effect;

use super::hours;
use super::utilisation::Figures;
use crate::domain::booked;
use crate::domain::{Id, Schedule};
use crate::store::{Kind, Record};
use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

/// The longest span of months a comparison covers.
const MAX_MONTHS: u32 = 36;

/// A record a scenario changed: as live has it now and as the scenario has it.
#[derive(Clone, Debug)]
pub struct Difference {
    pub kind: Kind,
    pub id: Id,
    pub live: Option<Record>,
    pub scenario: Option<Record>,
    /// Live changed it too since the fork: merging needs a choice.
    pub conflict: bool,
}

/// One record before (live) and after (scenario).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct BeforeAfter {
    #[schema(value_type = Object)]
    pub before: Value,
    #[schema(value_type = Object)]
    pub after: Value,
}

/// The records of one kind a scenario adds, removes and changes.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct RecordChanges {
    #[schema(value_type = Vec<Object>)]
    pub added: Vec<Value>,
    #[schema(value_type = Vec<Object>)]
    pub removed: Vec<Value>,
    pub changed: Vec<BeforeAfter>,
}

impl RecordChanges {
    fn push(&mut self, d: &Difference) {
        match (&d.live, &d.scenario) {
            (None, Some(after)) => self.added.push(after.to_value()),
            (Some(before), None) => self.removed.push(before.to_value()),
            (Some(before), Some(after)) => self.changed.push(BeforeAfter {
                before: before.to_value(),
                after: after.to_value(),
            }),
            (None, None) => {}
        }
    }
}

/// A record named by kind and id.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RecordRef {
    pub kind: String,
    pub id: String,
}

/// One month's figures on each side (`null` where the side has no such person).
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MonthFigures {
    /// `YYYY-MM`.
    pub month: String,
    pub live: Option<Figures>,
    pub scenario: Option<Figures>,
}

/// A person whose utilisation differs in some month.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PersonDelta {
    #[schema(value_type = String)]
    pub person_id: Id,
    pub name: String,
    pub months: Vec<MonthFigures>,
}

/// A project's end of work and booked hours on one side.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ProjectFigures {
    /// The last day any allocation of the project books; `null` with none.
    pub finish: Option<NaiveDate>,
    pub scheduled_hours: f64,
    pub tentative_hours: f64,
}

/// A project the scenario touches, on each side (`null` where it does not exist).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ProjectDelta {
    #[schema(value_type = String)]
    pub project_id: Id,
    pub name: String,
    pub live: Option<ProjectFigures>,
    pub scenario: Option<ProjectFigures>,
}

/// `GET /api/v1/scenarios/{id}/compare`.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Comparison {
    /// The months the effects cover: those the changed bookings and time off touch.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub allocations: RecordChanges,
    pub people: RecordChanges,
    pub projects: RecordChanges,
    /// Clients, time off, tasks and actual hours, each with its kind.
    #[schema(value_type = Vec<Object>)]
    pub other: Vec<Value>,
    /// Records live also changed since the fork: merging them needs `on_conflict`.
    pub conflicts: Vec<RecordRef>,
    /// Per person whose figures differ, each month live vs scenario.
    pub utilisation: Vec<PersonDelta>,
    /// Per project touched, finish and booked hours live vs scenario.
    pub projects_effect: Vec<ProjectDelta>,
    /// The team's totals, each month live vs scenario.
    pub totals: Vec<MonthFigures>,
}

/// The dates a changed record covers, if it is dated.
fn dates(r: &Record) -> Option<(NaiveDate, NaiveDate)> {
    match r {
        Record::Allocation(a) => Some((a.start, a.end)),
        Record::TimeOff(t) => Some((t.start, t.end)),
        _ => None,
    }
}

/// The project a changed record bears on.
fn project_of(r: &Record) -> Option<&Id> {
    match r {
        Record::Allocation(a) => Some(&a.project_id),
        Record::Project(p) => Some(&p.id),
        Record::Task(t) => Some(&t.project_id),
        Record::Actual(a) => Some(&a.project_id),
        _ => None,
    }
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

/// The months the effects cover: from the first changed date's month to the last's
/// (at most [`MAX_MONTHS`]), or the three months from `today` when nothing dated changed.
fn span(differences: &[Difference], today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let ranges = differences
        .iter()
        .flat_map(|d| [d.live.as_ref(), d.scenario.as_ref()])
        .flatten()
        .filter_map(dates);
    let (mut from, mut to) = (None::<NaiveDate>, None::<NaiveDate>);
    for (s, e) in ranges {
        from = Some(from.map_or(s, |f| f.min(s)));
        to = Some(to.map_or(e, |t| t.max(e)));
    }
    let from = first_of_month(from.unwrap_or(today));
    let last_month = first_of_month(to.unwrap_or(today + Months::new(2)))
        .min(from + Months::new(MAX_MONTHS - 1))
        .max(from);
    let to = (last_month + Months::new(1))
        .pred_opt()
        .unwrap_or(last_month);
    (from, to)
}

/// A project's figures on one side, `None` where the side has no such project.
fn side(
    s: &Schedule,
    id: &Id,
    hours_of: &HashMap<Id, booked::Hours>,
    finish: &HashMap<Id, NaiveDate>,
) -> Option<ProjectFigures> {
    s.projects.get(id)?;
    let booked = hours_of.get(id).copied().unwrap_or_default();
    Some(ProjectFigures {
        finish: finish.get(id).copied(),
        scheduled_hours: hours(booked.scheduled),
        tentative_hours: hours(booked.tentative),
    })
}

/// Compares `scenario` with `live`, given the records the scenario changed.
pub fn compare(
    live: &Schedule,
    scenario: &Schedule,
    differences: &[Difference],
    today: NaiveDate,
) -> Comparison {
    let mut allocations = RecordChanges::default();
    let mut people = RecordChanges::default();
    let mut projects = RecordChanges::default();
    let mut other = Vec::new();
    let mut conflicts = Vec::new();
    let mut touched_projects = BTreeSet::new();
    for d in differences {
        match d.kind {
            Kind::Allocation => allocations.push(d),
            Kind::Person => people.push(d),
            Kind::Project => projects.push(d),
            kind => other.push(serde_json::json!({
                "kind": kind.api_name(),
                "before": d.live.as_ref().map(Record::to_value),
                "after": d.scenario.as_ref().map(Record::to_value),
            })),
        }
        if d.conflict {
            conflicts.push(RecordRef {
                kind: d.kind.api_name().into(),
                id: d.id.0.clone(),
            });
        }
        for r in [d.live.as_ref(), d.scenario.as_ref()].into_iter().flatten() {
            if let Some(p) = project_of(r) {
                touched_projects.insert(p.clone());
            }
        }
    }

    let (from, to) = span(differences, today);
    let (utilisation, totals) = effect::utilisation_effect(live, scenario, differences, from, to);
    let sides = effect::projects_effect(live, scenario, differences, &touched_projects);
    let projects_effect = touched_projects
        .iter()
        .map(|id| ProjectDelta {
            project_id: id.clone(),
            name: scenario
                .projects
                .get(id)
                .or_else(|| live.projects.get(id))
                .map(|p| p.name.clone())
                .unwrap_or_default(),
            live: side(live, id, &sides.live_hours, &sides.live_finish),
            scenario: side(scenario, id, &sides.scenario_hours, &sides.scenario_finish),
        })
        .collect();
    Comparison {
        from,
        to,
        allocations,
        people,
        projects,
        other,
        conflicts,
        utilisation,
        projects_effect,
        totals,
    }
}

#[cfg(test)]
mod tests;
