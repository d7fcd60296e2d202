//! What a plan says back: the days it overbooks someone, the engine's reasons and
//! bounds in the schedule's words, and booked days grouped into allocations.

use super::{PlanOverbooked, TaskPart};
use crate::domain::booked::{Days, round_hours};
use crate::domain::calendar::DayGrid;
use crate::domain::{Allocation, Id, Schedule};
use chrono::NaiveDate;
use kronuz_schedule::level;
use std::collections::{BTreeMap, HashMap};

/// The days the plan books someone beyond their capacity, counting what they already
/// have (tentative included), by person name then date.
pub(super) fn overbooked(
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
pub(super) fn describe(
    reason: &level::Reason,
    task_name: &dyn Fn(&str) -> String,
    s: &Schedule,
) -> String {
    match reason {
        level::Reason::Predecessor { chain } => {
            let names: Vec<String> = chain.iter().map(|id| task_name(id)).collect();
            format!("waiting for {}", names.join(" → "))
        }
        level::Reason::Pinned { task } => format!("held back by pinned task {}", task_name(task)),
        level::Reason::Bottleneck { person_or_skill } => {
            let who = s
                .people
                .get(&Id(person_or_skill.clone()))
                .map_or(person_or_skill.clone(), |p| p.name.clone());
            format!("waiting for {who}")
        }
        level::Reason::Busy { person, task } => {
            let who = s
                .people
                .get(&Id(person.clone()))
                .map_or(person.clone(), |p| p.name.clone());
            format!("waiting for {who}, busy with {}", task_name(task))
        }
        other => other.to_string(),
    }
}

/// What sets a project's earliest finish, in the schedule's words.
pub(super) fn bound_reason(
    binding: &level::Binding,
    task_name: &dyn Fn(&str) -> String,
    s: &Schedule,
) -> String {
    match binding {
        level::Binding::Chain(chain) if chain.len() == 1 => {
            format!("the time {} takes", task_name(&chain[0]))
        }
        level::Binding::Chain(chain) => {
            let names: Vec<String> = chain.iter().map(|id| task_name(id)).collect();
            format!("the dependency chain {}", names.join(" → "))
        }
        level::Binding::Work {
            person_or_skill,
            people,
            hours,
        } => match s.people.get(&Id(person_or_skill.clone())) {
            Some(p) => format!("{}'s work: {} h", p.name, round_hours(*hours)),
            None => format!(
                "the work for {person_or_skill}: {} h over {people} people",
                round_hours(*hours)
            ),
        },
    }
}

/// Groups `(day, hours)` bookings into `(first, last, hours)` runs whose inner gaps are
/// days without capacity.
pub(super) fn runs(bookings: &[(u32, f64)], capacity: &[f64]) -> Vec<(u32, u32, f64)> {
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

/// The engine's parts of a task in the schedule's words: who, from when to when, how
/// many hours (days with no hours, such as pinned work done before the plan, left out),
/// first start first, then by person id, so a pinned task reads as it was planned.
pub(super) fn parts(
    tp: &level::TaskPlan,
    s: &Schedule,
    day: impl Fn(u32) -> NaiveDate,
) -> Vec<TaskPart> {
    let mut out: Vec<TaskPart> = tp
        .parts
        .iter()
        .filter_map(|p| {
            let worked: Vec<&(u32, f64)> = p.bookings.iter().filter(|b| b.1 > 0.0).collect();
            let (first, last) = (worked.first()?, worked.last()?);
            Some(TaskPart {
                person_id: p.person_id.clone(),
                name: s
                    .people
                    .get(&Id(p.person_id.clone()))
                    .map(|x| x.name.clone())
                    .unwrap_or_default(),
                start: day(first.0),
                finish: day(last.0),
                hours: round_hours(worked.iter().map(|b| b.1).sum()),
            })
        })
        .collect();
    out.sort_by(|a, b| (a.start, &a.person_id).cmp(&(b.start, &b.person_id)));
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
