//! What "booked" means, in one place: per person and day the capacity, the scheduled
//! (confirmed) hours, the tentative hours and the hours left free; per project the same
//! sums. Reports, the planner and the default hours of a new booking all count through
//! here, and the web app's `web/capacity.js` follows the same rules (a shared fixture,
//! `web/test/fixtures/booked.json`, checks both).
//!
//! # Per person and day
//! - **capacity**: [`super::calendar::capacity_on`]: the weekly hours for that weekday,
//!   0 on a day off (their own or the team's) and outside their employment.
//! - **scheduled**: the `hours_per_day` of every confirmed (not `tentative`) allocation
//!   covering the day, if the capacity is above 0 (an allocation books nothing on a day
//!   off). **tentative**: the same for tentative allocations. The project's pipeline
//!   status plays no part: a booking is a booking.
//! - **free**: `max(0, capacity − scheduled − tentative)`: what a new booking can take
//!   without overbooking anyone. **over**: `max(0, scheduled + tentative − capacity)`:
//!   the overbooking the timeline shows in red.
//! - **utilisation**: scheduled / capacity; **tentative utilisation**: tentative /
//!   capacity (both over a period, null when the capacity is 0).
//!
//! # Per project
//! Scheduled and tentative hours of all its allocations over their whole ranges: a
//! person's on their working days, a placeholder's on the team's (Monday to Friday
//! except team-wide days off), archived people included.
//!
//! Hours leave the server rounded to 2 decimals ([`round_hours`]), ratios to 4; sums are
//! taken before rounding.

use super::calendar::DayGrid;
use super::{Allocation, Id, Person, Schedule};
use chrono::NaiveDate;

/// Rounds hours for output (2 decimals, never `-0`).
pub fn round_hours(x: f64) -> f64 {
    let r = (x * 100.0).round() / 100.0;
    if r == 0.0 { 0.0 } else { r }
}

/// Rounds a ratio such as utilisation for output (4 decimals).
pub fn round_ratio(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// One person's (or placeholder row's) days over a [`DayGrid`]'s range.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Days {
    pub capacity: Vec<f64>,
    pub scheduled: Vec<f64>,
    pub tentative: Vec<f64>,
}

impl Days {
    /// A person's days, booked by `allocations` (theirs; others are not filtered out).
    pub fn person<'a>(
        grid: &DayGrid,
        person: &Person,
        allocations: impl IntoIterator<Item = &'a Allocation>,
    ) -> Days {
        Days::booked(grid, grid.capacity(person), allocations)
    }

    /// A placeholder row's days: it books on the team's working days.
    pub fn placeholder<'a>(
        grid: &DayGrid,
        allocations: impl IntoIterator<Item = &'a Allocation>,
    ) -> Days {
        Days::booked(grid, grid.placeholder_capacity(), allocations)
    }

    fn booked<'a>(
        grid: &DayGrid,
        capacity: Vec<f64>,
        allocations: impl IntoIterator<Item = &'a Allocation>,
    ) -> Days {
        let mut d = Days {
            scheduled: vec![0.0; capacity.len()],
            tentative: vec![0.0; capacity.len()],
            capacity,
        };
        for a in allocations {
            let into = if a.tentative {
                &mut d.tentative
            } else {
                &mut d.scheduled
            };
            grid.book(a, &d.capacity, into);
        }
        d
    }

    pub fn len(&self) -> usize {
        self.capacity.len()
    }

    pub fn is_empty(&self) -> bool {
        self.capacity.is_empty()
    }

    /// Scheduled plus tentative hours on day `i`.
    pub fn booked_on(&self, i: usize) -> f64 {
        self.scheduled[i] + self.tentative[i]
    }

    /// Hours still free on day `i`.
    pub fn free(&self, i: usize) -> f64 {
        (self.capacity[i] - self.booked_on(i)).max(0.0)
    }

    /// Hours booked beyond capacity on day `i`, tentative ones included.
    pub fn over(&self, i: usize) -> f64 {
        (self.booked_on(i) - self.capacity[i]).max(0.0)
    }
}

/// Scheduled and tentative hours.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Hours {
    pub scheduled: f64,
    pub tentative: f64,
}

impl Hours {
    pub fn add(&mut self, a: &Allocation, hours: f64) {
        if a.tentative {
            self.tentative += hours;
        } else {
            self.scheduled += hours;
        }
    }
}

/// Hours `a` books on the days `grid` covers, given the capacity of whoever it books.
pub fn allocation_hours(grid: &DayGrid, a: &Allocation, capacity: &[f64]) -> f64 {
    let (x, y) = grid.clip(a.start, a.end);
    capacity[x..y].iter().filter(|c| **c > 0.0).count() as f64 * a.hours_per_day
}

/// A project's scheduled and tentative hours over its allocations' whole ranges.
pub fn project_hours(schedule: &Schedule, project_id: &Id) -> Hours {
    projects_hours(
        schedule,
        &std::collections::BTreeSet::from([project_id.clone()]),
    )
    .remove(project_id)
    .unwrap_or_default()
}

/// As [`project_hours`] for several projects at once: one day grid and each person's
/// capacity computed once for all of them (a day's capacity does not depend on the
/// span the grid covers), so comparing fifty projects costs about what one costs.
pub fn projects_hours(
    schedule: &Schedule,
    projects: &std::collections::BTreeSet<Id>,
) -> std::collections::HashMap<Id, Hours> {
    let mut out: std::collections::HashMap<Id, Hours> = projects
        .iter()
        .map(|p| (p.clone(), Hours::default()))
        .collect();
    let allocs: Vec<&Allocation> = schedule
        .allocations
        .values()
        .map(|a| &**a)
        .filter(|a| projects.contains(&a.project_id))
        .collect();
    let (Some(from), Some(to)) = (
        allocs.iter().map(|a| a.start).min(),
        allocs.iter().map(|a| a.end).max(),
    ) else {
        return out;
    };
    let grid = DayGrid::new(schedule, from, to);
    let placeholder = grid.placeholder_capacity();
    let mut capacity: std::collections::HashMap<&Id, Vec<f64>> = Default::default();
    for a in allocs {
        let cap = match &a.person_id {
            None => &placeholder,
            Some(p) => {
                let Some(person) = schedule.people.get(p) else {
                    continue;
                };
                capacity.entry(p).or_insert_with(|| grid.capacity(person))
            }
        };
        if let Some(h) = out.get_mut(&a.project_id) {
            h.add(a, allocation_hours(&grid, a, cap));
        }
    }
    out
}

/// A person's days over `[from, to]` with all their allocations, except those `skip`
/// says no to.
pub fn person_days(
    schedule: &Schedule,
    person: &Person,
    from: NaiveDate,
    to: NaiveDate,
    skip: impl Fn(&Allocation) -> bool,
) -> Days {
    let grid = DayGrid::new(schedule, from, to);
    let allocs = schedule.allocations.values().map(|a| &**a).filter(|a| {
        a.person_id.as_ref() == Some(&person.id) && a.overlaps(Some(from), Some(to)) && !skip(a)
    });
    Days::person(&grid, person, allocs)
}

/// The hours per day a new booking of `person` over `[start, end]` gets when none are
/// given: the least they have free on a working day of the range (so the booking
/// overbooks nobody); when a working day has nothing free, their capacity that day (the
/// booking then overbooks them, and the web app says so); 8 when the range has no
/// working day. At most 24.
pub fn default_hours_per_day(
    schedule: &Schedule,
    person: &Person,
    start: NaiveDate,
    end: NaiveDate,
) -> f64 {
    let days = person_days(schedule, person, start, end, |_| false);
    let working: Vec<usize> = (0..days.len())
        .filter(|&i| days.capacity[i] > 0.0)
        .collect();
    let least_free = working
        .iter()
        .map(|&i| days.free(i))
        .fold(f64::INFINITY, f64::min);
    let h = if working.is_empty() {
        8.0
    } else if least_free > 0.0 {
        least_free
    } else {
        working
            .iter()
            .map(|&i| days.capacity[i])
            .fold(f64::INFINITY, f64::min)
    };
    round_hours(h.min(24.0))
}

#[cfg(test)]
mod tests;
