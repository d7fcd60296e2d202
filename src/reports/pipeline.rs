//! The pipeline report: capacity against demand, week by week.
//!
//! # Definitions, per Monday-based week clipped to `[from, to]`
//! - **capacity_hours**: the capacity of every non-archived person (as in utilisation).
//! - Demand comes from allocations. A person's allocation books on the person's working
//!   days; a placeholder's on the team's (Monday to Friday except team-wide days off).
//!   Allocations of archived people are left out, as the people are.
//! - **confirmed_hours** and **tentative_hours**: the scheduled and tentative hours of
//!   the non-archived people, as [`crate::domain::booked`] defines them (and so as the
//!   utilisation report and the timeline count them), whatever the project's status.
//! - **weighted_hours**: all demand (people and placeholders, confirmed and tentative)
//!   × the project's `probability` / 100; `lost` projects count 0 whatever their
//!   probability says.
//! - **placeholder_hours_by_role**: unweighted hours of placeholder allocations, by
//!   `placeholder_role`, on projects that are not `lost`.
//! - **gap_by_role**: for every role (people's `role` and placeholder roles, exact
//!   text): capacity of the non-archived people with that role − demand for it, where
//!   demand is the unweighted confirmed + tentative hours of those people plus the
//!   placeholder hours of that role. Negative means short of people. Work on `lost`
//!   projects is not demand. People without a role are in the totals only.
//!
//! Every week lists every role, with 0 where there is nothing.

use super::{hours, monday, people};
use crate::domain::calendar::DayGrid;
use crate::domain::{Allocation, Schedule, Status};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PipelineWeek {
    /// Monday, or `from` for a first partial week.
    pub start: NaiveDate,
    /// Sunday, or `to` for a last partial week.
    pub end: NaiveDate,
    pub capacity_hours: f64,
    pub confirmed_hours: f64,
    pub tentative_hours: f64,
    pub weighted_hours: f64,
    pub placeholder_hours_by_role: BTreeMap<String, f64>,
    pub gap_by_role: BTreeMap<String, f64>,
}

/// `GET /api/v1/reports/pipeline`.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Pipeline {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub weeks: Vec<PipelineWeek>,
}

/// How an allocation counts, from its project.
struct Weight {
    lost: bool,
    probability: f64,
}

fn weight(schedule: &Schedule, a: &Allocation) -> Weight {
    match schedule.projects.get(&a.project_id) {
        Some(p) => Weight {
            lost: p.status == Status::Lost,
            probability: if p.status == Status::Lost {
                0.0
            } else {
                f64::from(p.probability) / 100.0
            },
        },
        None => Weight {
            lost: false,
            probability: 1.0,
        },
    }
}

/// `into[i] += from[i] * factor`.
fn add(into: &mut [f64], from: &[f64], factor: f64) {
    for (t, b) in into.iter_mut().zip(from) {
        *t += b * factor;
    }
}

/// Per-day sums for the whole team.
struct Days {
    capacity: Vec<f64>,
    confirmed: Vec<f64>,
    tentative: Vec<f64>,
    weighted: Vec<f64>,
}

pub fn pipeline(schedule: &Schedule, from: NaiveDate, to: NaiveDate) -> Pipeline {
    let grid = DayGrid::new(schedule, from, to);
    let n = grid.len;
    let zero = || vec![0.0; n];
    let mut team = Days {
        capacity: zero(),
        confirmed: zero(),
        tentative: zero(),
        weighted: zero(),
    };
    let mut role_capacity: HashMap<&str, Vec<f64>> = HashMap::new();
    let mut role_demand: HashMap<&str, Vec<f64>> = HashMap::new();
    let mut placeholder_hours: HashMap<&str, Vec<f64>> = HashMap::new();

    let by_person = super::allocations_by_person(schedule, from, to);
    let mut booked = zero();
    for person in people(schedule, false) {
        let cap = grid.capacity(person);
        for (t, c) in team.capacity.iter_mut().zip(&cap) {
            *t += c;
        }
        let role = person.role.as_deref();
        if let Some(r) = role {
            let rc = role_capacity.entry(r).or_insert_with(zero);
            for (t, c) in rc.iter_mut().zip(&cap) {
                *t += c;
            }
        }
        for a in by_person.get(&person.id).into_iter().flatten() {
            let w = weight(schedule, a);
            let (x, y) = grid.clip(a.start, a.end);
            booked[x..y].iter_mut().for_each(|b| *b = 0.0); // book() writes only there
            grid.book(a, &cap, &mut booked);
            add(&mut team.weighted[x..y], &booked[x..y], w.probability);
            let into = if a.tentative {
                &mut team.tentative
            } else {
                &mut team.confirmed
            };
            add(&mut into[x..y], &booked[x..y], 1.0);
            if w.lost {
                continue;
            }
            if let Some(r) = role {
                let rd = role_demand.entry(r).or_insert_with(zero);
                add(&mut rd[x..y], &booked[x..y], 1.0);
            }
        }
    }

    let placeholder_cap = grid.placeholder_capacity();
    for a in schedule.allocations.values() {
        let Some(role) = a.placeholder_role.as_deref() else {
            continue;
        };
        if !a.overlaps(Some(from), Some(to)) {
            continue;
        }
        let w = weight(schedule, a);
        let (x, y) = grid.clip(a.start, a.end);
        booked[x..y].iter_mut().for_each(|b| *b = 0.0);
        grid.book(a, &placeholder_cap, &mut booked);
        add(&mut team.weighted[x..y], &booked[x..y], w.probability);
        if w.lost {
            continue;
        }
        for into in [
            placeholder_hours.entry(role).or_insert_with(zero),
            role_demand.entry(role).or_insert_with(zero),
        ] {
            add(&mut into[x..y], &booked[x..y], 1.0);
        }
    }

    let roles: BTreeSet<&str> = role_capacity
        .keys()
        .chain(role_demand.keys())
        .copied()
        .collect();
    let placeholder_roles: BTreeSet<&str> = placeholder_hours.keys().copied().collect();
    let sum = |v: &[f64], a: usize, b: usize| v[a..b].iter().sum::<f64>();
    let weeks = super::utilisation::periods(from, to, super::Interval::Week)
        .into_iter()
        .map(|(start, end)| {
            debug_assert_eq!(monday(start), monday(end));
            let (a, b) = (grid.index(start), grid.index(end) + 1);
            let of = |m: &HashMap<&str, Vec<f64>>, r: &str| m.get(r).map_or(0.0, |v| sum(v, a, b));
            PipelineWeek {
                start,
                end,
                capacity_hours: hours(sum(&team.capacity, a, b)),
                confirmed_hours: hours(sum(&team.confirmed, a, b)),
                tentative_hours: hours(sum(&team.tentative, a, b)),
                weighted_hours: hours(sum(&team.weighted, a, b)),
                placeholder_hours_by_role: placeholder_roles
                    .iter()
                    .map(|r| (r.to_string(), hours(of(&placeholder_hours, r))))
                    .collect(),
                gap_by_role: roles
                    .iter()
                    .map(|r| {
                        let gap = of(&role_capacity, r) - of(&role_demand, r);
                        (r.to_string(), hours(gap))
                    })
                    .collect(),
            }
        })
        .collect();
    Pipeline { from, to, weeks }
}
