//! Edits that change many records in one step (one activity entry, one undo): a
//! project won with its tentative bookings confirmed, a booking split at a day or
//! repeated weekly, and the sample team loaded and removed.

use super::describe;
use super::edit::Edit;
use crate::domain::activity::Change;
use crate::domain::limits::REPEAT_WEEKS;
use crate::domain::sample::{is_sample, sample_team};
use crate::domain::{Allocation, Id, Schedule, Timestamp};
use crate::store::Record;
use crate::{AppError, Result};
use chrono::NaiveDate;

/// Writes an activity entry's sentence from the changes an edit made.
pub(super) type Summary = Box<dyn Fn(&[Change]) -> String>;

/// A sentence for the activity log, for the edits of this module (None: the usual
/// description of the changes).
pub(super) fn summary(s: &Schedule, edit: &Edit) -> Option<Summary> {
    match edit {
        Edit::LoadSample(_) => Some(Box::new(|_: &[Change]| "Loaded the sample team".into())),
        Edit::RemoveSample => Some(Box::new(|_: &[Change]| "Removed the sample team".into())),
        Edit::SplitAllocation(id, at) => {
            let a = s.allocations.get(id)?;
            let whose = format!(
                "{} {}",
                describe::possessive(&describe::who(s, a)),
                describe::project(s, &a.project_id)
            );
            let at = describe::day(*at);
            Some(Box::new(move |_: &[Change]| {
                format!("Split {whose} booking: the second part starts {at}")
            }))
        }
        Edit::RepeatAllocation(id, _) => {
            let a = s.allocations.get(id)?;
            let whose = format!(
                "{} {}",
                describe::possessive(&describe::who(s, a)),
                describe::project(s, &a.project_id)
            );
            let span = describe::span(a.start, a.end);
            Some(Box::new(move |changes: &[Change]| match changes.len() {
                1 => format!("Repeated {whose} booking ({span}) the next week"),
                n => format!("Repeated {whose} booking ({span}) weekly for {n} weeks"),
            }))
        }
        Edit::PatchProjectConfirming(id, _) => {
            let name = s.projects.get(id)?.name.clone();
            Some(Box::new(move |changes: &[Change]| {
                let status = changes
                    .first()
                    .and_then(|c| match &c.after {
                        Some(Record::Project(p)) => Some(p.status.label()),
                        _ => None,
                    })
                    .unwrap_or("its new status");
                match changes.len().saturating_sub(1) {
                    0 => format!("Moved {name} to {status}"),
                    1 => format!("Moved {name} to {status} and confirmed its tentative booking"),
                    n => {
                        format!("Moved {name} to {status} and confirmed its {n} tentative bookings")
                    }
                }
            }))
        }
        _ => None,
    }
}

/// Booking `a` split at day `at`: it ends the day before, and a copy with id `rest`
/// takes `at` to its end. Both keep its hours, note, pin and task.
pub(super) fn plan_split(a: &Allocation, at: NaiveDate, rest: Id) -> Result<Vec<Change>> {
    if at <= a.start || at > a.end {
        return Err(AppError::invalid(
            "at",
            format!(
                "the second part must start after the booking's first day ({}) and no later than its last ({})",
                a.start, a.end
            ),
        ));
    }
    let Some(first_end) = at.pred_opt() else {
        return Err(AppError::invalid("at", "not a day a booking can start"));
    };
    let part = |id: Id, start: NaiveDate, end: NaiveDate| -> Result<Allocation> {
        let mut part = Allocation::from_input(
            id,
            a.team_id.clone(),
            crate::domain::schedule::AllocationInput {
                start,
                end,
                ..a.input()
            },
        )?;
        part.task_id = a.task_id.clone();
        Ok(part)
    };
    Ok(vec![
        Change {
            before: Some(Record::Allocation(a.clone())),
            after: Some(Record::Allocation(part(a.id.clone(), a.start, first_end)?)),
        },
        Change {
            before: None,
            after: Some(Record::Allocation(part(rest, at, a.end)?)),
        },
    ])
}

/// Copies of booking `a`, one in each of the `weeks` after it (1 to
/// [`REPEAT_WEEKS`]), named by `fresh`. The copies are new bookings: no task, not
/// pinned.
pub(super) fn plan_repeat(
    a: &Allocation,
    weeks: u32,
    mut fresh: impl FnMut() -> Id,
) -> Result<Vec<Change>> {
    if weeks == 0 || weeks > REPEAT_WEEKS {
        return Err(AppError::invalid(
            "weeks",
            format!("repeat for 1 to {REPEAT_WEEKS} weeks"),
        ));
    }
    let mut changes = Vec::with_capacity(weeks as usize);
    for k in 1..=u64::from(weeks) {
        let id = fresh();
        let shift = chrono::Days::new(7 * k);
        let (Some(start), Some(end)) = (
            a.start.checked_add_days(shift),
            a.end.checked_add_days(shift),
        ) else {
            return Err(AppError::invalid(
                "weeks",
                "the copies would end past the calendar",
            ));
        };
        let input = crate::domain::schedule::AllocationInput {
            start,
            end,
            pinned: false,
            ..a.input()
        };
        changes.push(Change {
            before: None,
            after: Some(Record::Allocation(Allocation::from_input(
                id,
                a.team_id.clone(),
                input,
            )?)),
        });
    }
    Ok(changes)
}

/// The project's tentative bookings, confirmed.
pub(super) fn confirm_tentative(s: &Schedule, project: &Id) -> Vec<Change> {
    s.allocations
        .values()
        .filter(|a| &a.project_id == project && a.tentative)
        .map(|a| Change {
            before: Some(Record::Allocation((**a).clone())),
            after: Some(Record::Allocation(crate::domain::Allocation {
                tentative: false,
                ..(**a).clone()
            })),
        })
        .collect()
}

/// Creates the sample team; refused while one is loaded.
pub(super) fn plan_load(
    s: &Schedule,
    team: &Id,
    monday: NaiveDate,
    now: Timestamp,
) -> Result<Vec<Change>> {
    if s.people.keys().any(is_sample) || s.projects.keys().any(is_sample) {
        return Err(AppError::Conflict(
            "The sample team is already loaded; remove it first".into(),
        ));
    }
    let sample = sample_team(team, monday, now)?;
    let created = |r: Record| Change {
        before: None,
        after: Some(r),
    };
    let mut changes = Vec::with_capacity(sample.len());
    changes.extend(
        sample
            .clients
            .into_iter()
            .map(|c| created(Record::Client(c))),
    );
    changes.extend(
        sample
            .projects
            .into_iter()
            .map(|p| created(Record::Project(p))),
    );
    changes.extend(
        sample
            .people
            .into_iter()
            .map(|p| created(Record::Person(p))),
    );
    changes.extend(
        sample
            .allocations
            .into_iter()
            .map(|a| created(Record::Allocation(a))),
    );
    Ok(changes)
}

/// Removes the sample's records and what hangs on them (bookings of a sample person or
/// on a sample project, their tasks, actual hours and time off), dependents first; 404
/// when there is no sample. Nothing else is touched.
pub(super) fn plan_remove(s: &Schedule) -> Result<Vec<Change>> {
    let person = |id: &Option<Id>| id.as_ref().is_some_and(is_sample);
    let removed = |r: Record| Change {
        before: Some(r),
        after: None,
    };
    let mut changes = vec![];
    for a in s.allocations.values() {
        if is_sample(&a.id) || is_sample(&a.project_id) || person(&a.person_id) {
            changes.push(removed(Record::Allocation((**a).clone())));
        }
    }
    for a in s.actuals.values() {
        if is_sample(&a.project_id) || is_sample(&a.person_id) {
            changes.push(removed(Record::Actual(a.clone())));
        }
    }
    for t in s.timeoff.values() {
        if is_sample(&t.id) || person(&t.person_id) {
            changes.push(removed(Record::TimeOff(t.clone())));
        }
    }
    let tasks = s.tasks.values().filter(|t| is_sample(&t.project_id));
    for t in crate::domain::task::dependents_first(tasks) {
        changes.push(removed(Record::Task(t)));
    }
    let records = changes.len();
    for p in s.projects.values().filter(|p| is_sample(&p.id)) {
        changes.push(removed(Record::Project(p.clone())));
    }
    for p in s.people.values().filter(|p| is_sample(&p.id)) {
        changes.push(removed(Record::Person(p.clone())));
    }
    // a sample client someone gave a project of their own stays, with that project
    let kept = |c: &Id| {
        s.projects
            .values()
            .any(|p| !is_sample(&p.id) && p.client_id.as_ref() == Some(c))
    };
    for c in s
        .clients
        .values()
        .filter(|c| is_sample(&c.id) && !kept(&c.id))
    {
        changes.push(removed(Record::Client(c.clone())));
    }
    if changes.len() == records {
        return Err(AppError::NotFound(
            "There is no sample team to remove".into(),
        ));
    }
    Ok(changes)
}
