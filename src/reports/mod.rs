//! Reports: pure functions over a team's [`Schedule`] snapshot. No I/O and no async;
//! the HTTP layer runs them on a blocking thread, outside the database actor.
//!
//! What a day books is defined once, in [`crate::domain::booked`] (capacity,
//! scheduled, tentative, free and over hours per person and day; scheduled and
//! tentative hours per project); each report indexes the allocations by person once and
//! works on one array of days per person ([`DayGrid`]), so its cost is about
//! (people × days) + (the allocations' days inside the range).
//!
//! # Figures, summed over the days of `[from, to]` (both inclusive)
//! - **capacity**, **scheduled**, **tentative**: as defined in `booked`.
//! - **unscheduled**: Σ max(0, capacity − scheduled) per day; **free**: Σ max(0,
//!   capacity − scheduled − tentative); **overbooked**: Σ max(0, scheduled + tentative
//!   − capacity), the overbooking the timeline shows (and the overbooked report lists).
//! - **utilisation**: scheduled / capacity over the whole period, **tentative
//!   utilisation**: tentative / capacity; `null` when the capacity is 0.
//! - Archived people are left out unless asked for. Placeholder allocations are demand,
//!   not people: they appear only in the pipeline report and project summaries, booked
//!   on the team's working days (Monday to Friday except team-wide days off).
//! - Periods (`interval=week|month`) are Monday-based weeks or calendar months, clipped
//!   to `[from, to]`.
//! - Hours are rounded to 2 decimals and utilisation to 4 in the output; totals are
//!   computed from the unrounded sums.
//!
//! The pipeline report's definitions are in [`pipeline`]; money (revenue, cost, margin,
//! budget burn) in [`financials`]; overbooked days, project
//! summaries and planned-vs-actual below; the calendar feed in [`ical`].

pub mod compare;
pub mod filter;
pub mod financials;
pub mod ical;
pub mod pipeline;
pub mod utilisation;

pub use filter::ReportFilter;
pub use financials::{financials, financials_csv};
pub use ical::ical;
pub use pipeline::pipeline;
pub use utilisation::{Interval, utilisation, utilisation_csv};

use crate::AppError;
use crate::domain::booked::{self, Days};
use crate::domain::calendar::{DayGrid, check_date};
use crate::domain::{Allocation, Id, Person, Schedule};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::HashMap;

/// The longest range a report covers, in days (a little over 3 years).
pub const MAX_DAYS: i64 = 1100;

/// Parses and checks a report's `from` and `to`: both required, `YYYY-MM-DD`,
/// `to >= from`, at most [`MAX_DAYS`] days. Errors name the parameter (422).
pub fn parse_range(
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(NaiveDate, NaiveDate), AppError> {
    let from = parse_date("from", from)?;
    let to = parse_date("to", to)?;
    if to < from {
        return Err(AppError::invalid("to", "must not be before from"));
    }
    if (to - from).num_days() + 1 > MAX_DAYS {
        return Err(AppError::invalid(
            "to",
            format!("the range may cover at most {MAX_DAYS} days"),
        ));
    }
    Ok((from, to))
}

fn parse_date(field: &str, value: Option<&str>) -> Result<NaiveDate, AppError> {
    let value = value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| AppError::invalid(field, "is required (YYYY-MM-DD)"))?;
    let d = NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .filter(|_| value.len() == 10)
        .ok_or_else(|| AppError::invalid(field, "must be a date as YYYY-MM-DD"))?;
    check_date(field, d)
}

pub(crate) use booked::{round_hours as hours, round_ratio as ratio};

/// FNV-1a: a cheap hash for the short ids a report looks up once per allocation (the
/// standard hasher's DoS resistance buys nothing for keys the server made itself).
#[derive(Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl Default for IdHasher {
    fn default() -> Self {
        IdHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// A map keyed by ids (or references to them), hashed with [`IdHasher`].
pub(crate) type IdMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<IdHasher>>;

/// A team's allocations of people that overlap `[from, to]`, grouped by person.
pub(crate) fn allocations_by_person(
    schedule: &Schedule,
    from: NaiveDate,
    to: NaiveDate,
) -> HashMap<&Id, Vec<&Allocation>> {
    let mut by_person: HashMap<&Id, Vec<&Allocation>> = HashMap::new();
    for a in schedule.allocations.values() {
        if let Some(p) = &a.person_id
            && a.overlaps(Some(from), Some(to))
        {
            by_person.entry(p).or_default().push(a);
        }
    }
    by_person
}

/// People in report order (name, case-insensitive, then id); archived ones only if asked.
pub(crate) fn people(schedule: &Schedule, include_archived: bool) -> Vec<&Person> {
    let mut people: Vec<&Person> = schedule
        .people
        .values()
        .filter(|p| include_archived || !p.archived)
        .collect();
    people.sort_by_cached_key(|p| (p.name.to_lowercase(), p.id.clone()));
    people
}

/// Monday of the week holding `d`.
pub(crate) fn monday(d: NaiveDate) -> NaiveDate {
    d - chrono::Days::new(d.weekday().num_days_from_monday() as u64)
}

// ---- overbooked days ----

/// A person-day where confirmed plus tentative bookings exceed capacity.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OverbookedDay {
    #[schema(value_type = String)]
    pub person_id: Id,
    pub name: String,
    pub date: NaiveDate,
    pub capacity_hours: f64,
    /// Confirmed plus tentative hours booked that day.
    pub booked_hours: f64,
    /// `booked_hours - capacity_hours`.
    pub over_hours: f64,
    /// The allocations booking that day, by id.
    #[schema(value_type = Vec<String>)]
    pub allocations: Vec<Id>,
}

/// Every (non-archived) person-day in `[from, to]` where confirmed + tentative hours
/// exceed capacity, by person (name order) then date. Since allocations book only on
/// days with capacity, a day off is never overbooked.
pub fn overbooked(schedule: &Schedule, from: NaiveDate, to: NaiveDate) -> Vec<OverbookedDay> {
    let grid = DayGrid::new(schedule, from, to);
    let by_person = allocations_by_person(schedule, from, to);
    let mut out = Vec::new();
    for person in people(schedule, false) {
        let Some(allocs) = by_person.get(&person.id) else {
            continue;
        };
        let days = Days::person(&grid, person, allocs.iter().copied());
        for i in 0..grid.len {
            if days.over(i) > 1e-9 {
                let date = grid.date(i);
                let mut ids: Vec<Id> = allocs
                    .iter()
                    .filter(|a| a.start <= date && date <= a.end)
                    .map(|a| a.id.clone())
                    .collect();
                ids.sort();
                out.push(OverbookedDay {
                    person_id: person.id.clone(),
                    name: person.name.clone(),
                    date,
                    capacity_hours: hours(days.capacity[i]),
                    booked_hours: hours(days.booked_on(i)),
                    over_hours: hours(days.over(i)),
                    allocations: ids,
                });
            }
        }
    }
    out
}

// ---- project summary ----

/// A project's budget against what is booked and what was worked.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ProjectSummary {
    #[schema(value_type = String)]
    pub project_id: Id,
    pub budget_hours: Option<f64>,
    /// Confirmed hours over all the project's allocations (people and placeholders).
    pub scheduled_hours: f64,
    /// `budget_hours - scheduled_hours` (negative when over budget); null without a budget.
    pub remaining_hours: Option<f64>,
    /// Actual hours recorded on the project, all dates.
    pub actual_hours: f64,
    /// Tentative hours over all the project's allocations.
    pub tentative_hours: f64,
}

/// The summary of one project; `None` when the team has no such project. Every
/// allocation counts over its whole range: a person's books on their working days, a
/// placeholder's on the team's (see the module doc), archived people included.
pub fn project_summary(schedule: &Schedule, project_id: &Id) -> Option<ProjectSummary> {
    let project = schedule.projects.get(project_id)?;
    let booked::Hours {
        scheduled,
        tentative,
    } = booked::project_hours(schedule, project_id);
    let actual: f64 = schedule
        .actuals
        .values()
        .filter(|a| &a.project_id == project_id)
        .map(|a| a.hours)
        .sum();
    Some(ProjectSummary {
        project_id: project.id.clone(),
        budget_hours: project.budget_hours,
        scheduled_hours: hours(scheduled),
        remaining_hours: project.budget_hours.map(|b| hours(b - scheduled)),
        actual_hours: hours(actual),
        tentative_hours: hours(tentative),
    })
}

// ---- planned vs actual ----

/// Planned and actual hours of one project or person.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PlannedActual {
    /// The project's or person's id.
    #[schema(value_type = String)]
    pub id: Id,
    pub name: String,
    /// Confirmed hours booked in the range (people only: placeholders log no hours).
    pub planned_hours: f64,
    /// Tentative hours booked in the range.
    pub tentative_hours: f64,
    /// Actual hours recorded in the range.
    pub actual_hours: f64,
    /// `actual_hours - planned_hours`.
    pub variance_hours: f64,
}

/// `GET /api/v1/reports/actuals`.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ActualsReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Projects with planned, tentative or actual hours in the range, by name.
    pub projects: Vec<PlannedActual>,
    /// People with planned, tentative or actual hours in the range (archived ones
    /// too: it is history), by name.
    pub people: Vec<PlannedActual>,
    pub totals: PlannedActualTotals,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PlannedActualTotals {
    pub planned_hours: f64,
    pub tentative_hours: f64,
    pub actual_hours: f64,
    pub variance_hours: f64,
}

#[derive(Default, Clone, Copy)]
struct Pa {
    planned: f64,
    tentative: f64,
    actual: f64,
}

impl Pa {
    fn row(self, id: &Id, name: &str) -> PlannedActual {
        PlannedActual {
            id: id.clone(),
            name: name.to_string(),
            planned_hours: hours(self.planned),
            tentative_hours: hours(self.tentative),
            actual_hours: hours(self.actual),
            variance_hours: hours(self.actual - self.planned),
        }
    }
}

/// Planned (booked) against actual hours in `[from, to]`, per project and per person.
pub fn actuals_report(schedule: &Schedule, from: NaiveDate, to: NaiveDate) -> ActualsReport {
    let grid = DayGrid::new(schedule, from, to);
    let mut by_project: HashMap<&Id, Pa> = HashMap::new();
    let mut by_person: HashMap<&Id, Pa> = HashMap::new();
    for (person_id, allocs) in allocations_by_person(schedule, from, to) {
        let Some(person) = schedule.people.get(person_id) else {
            continue;
        };
        let cap = grid.capacity(person);
        for a in allocs {
            let h = booked::allocation_hours(&grid, a, &cap);
            for pa in [
                by_project.entry(&a.project_id).or_default(),
                by_person.entry(person_id).or_default(),
            ] {
                if a.tentative {
                    pa.tentative += h;
                } else {
                    pa.planned += h;
                }
            }
        }
    }
    for a in schedule.actuals.values() {
        if from <= a.date && a.date <= to {
            by_project.entry(&a.project_id).or_default().actual += a.hours;
            by_person.entry(&a.person_id).or_default().actual += a.hours;
        }
    }
    let mut total = Pa::default();
    for pa in by_person.values() {
        total.planned += pa.planned;
        total.tentative += pa.tentative;
        total.actual += pa.actual;
    }
    let mut projects: Vec<PlannedActual> = by_project
        .iter()
        .filter_map(|(id, pa)| Some(pa.row(id, &schedule.projects.get(*id)?.name)))
        .collect();
    projects.sort_by_cached_key(|r| (r.name.to_lowercase(), r.id.clone()));
    let mut people: Vec<PlannedActual> = by_person
        .iter()
        .filter_map(|(id, pa)| Some(pa.row(id, &schedule.people.get(*id)?.name)))
        .collect();
    people.sort_by_cached_key(|r| (r.name.to_lowercase(), r.id.clone()));
    ActualsReport {
        from,
        to,
        projects,
        people,
        totals: PlannedActualTotals {
            planned_hours: hours(total.planned),
            tentative_hours: hours(total.tentative),
            actual_hours: hours(total.actual),
            variance_hours: hours(total.actual - total.planned),
        },
    }
}

#[cfg(test)]
pub(crate) mod tests;

#[doc(hidden)]
pub mod fixtures;
