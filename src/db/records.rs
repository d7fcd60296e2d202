//! A team's schedule record by record: reading, writing and removing one record of any
//! kind, and the rules that keep references whole (what a record points to exists;
//! nothing points to a record that goes).

use crate::domain::activity::Change;
use crate::domain::{Id, Schedule};
use crate::store::{Kind, Record};
use crate::{AppError, Result};

pub(crate) fn put_record(s: &mut Schedule, record: Record) {
    match record {
        Record::Person(x) => {
            s.people.insert(x.id.clone(), x);
        }
        Record::Client(x) => {
            s.clients.insert(x.id.clone(), x);
        }
        Record::Project(x) => {
            s.projects.insert(x.id.clone(), x);
        }
        Record::Allocation(x) => {
            s.allocations.insert(x.id.clone(), x.into());
        }
        Record::TimeOff(x) => {
            s.timeoff.insert(x.id.clone(), x);
        }
        Record::Actual(x) => {
            s.actuals.insert(x.id.clone(), x);
        }
        Record::Task(x) => {
            s.tasks.insert(x.id.clone(), x);
        }
        other => tracing::warn!(kind = ?other.kind(), "not a schedule record"),
    }
}

pub(super) fn remove_record(s: &mut Schedule, kind: Kind, id: &Id) {
    match kind {
        Kind::Person => drop(s.people.remove(id)),
        Kind::Client => drop(s.clients.remove(id)),
        Kind::Project => drop(s.projects.remove(id)),
        Kind::Allocation => drop(s.allocations.remove(id)),
        Kind::TimeOff => drop(s.timeoff.remove(id)),
        Kind::Actual => drop(s.actuals.remove(id)),
        Kind::Task => drop(s.tasks.remove(id)),
        _ => {}
    }
}

pub(super) fn get_record(s: &Schedule, kind: Kind, id: &Id) -> Option<Record> {
    match kind {
        Kind::Person => s.people.get(id).cloned().map(Record::Person),
        Kind::Client => s.clients.get(id).cloned().map(Record::Client),
        Kind::Project => s.projects.get(id).cloned().map(Record::Project),
        Kind::Allocation => s
            .allocations
            .get(id)
            .map(|a| Record::Allocation(crate::domain::Allocation::clone(a))),
        Kind::TimeOff => s.timeoff.get(id).cloned().map(Record::TimeOff),
        Kind::Actual => s.actuals.get(id).cloned().map(Record::Actual),
        Kind::Task => s.tasks.get(id).cloned().map(Record::Task),
        _ => None,
    }
}

pub(super) fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Person => "person",
        Kind::Client => "client",
        Kind::Project => "project",
        Kind::Allocation => "booking",
        Kind::TimeOff => "time off",
        Kind::Actual => "actual hours",
        Kind::Task => "task",
        _ => "record",
    }
}

/// Checks that what `record` refers to exists in the team's schedule (422 otherwise).
pub(super) fn check_refs(s: &Schedule, record: &Record) -> Result<()> {
    let person = |field: &str, id: &Id| {
        s.people
            .get(id)
            .map(|_| ())
            .ok_or_else(|| AppError::invalid(field, format!("no person {id} in this team")))
    };
    let project = |id: &Id| {
        s.projects
            .get(id)
            .map(|_| ())
            .ok_or_else(|| AppError::invalid("project_id", format!("no project {id} in this team")))
    };
    match record {
        Record::Allocation(a) => {
            project(&a.project_id)?;
            if let Some(p) = &a.person_id {
                person("person_id", p)?;
                if s.people.get(p).is_some_and(|p| p.archived) {
                    return Err(AppError::invalid("person_id", "this person is archived"));
                }
            }
        }
        Record::TimeOff(t) => {
            if let Some(p) = &t.person_id {
                person("person_id", p)?;
            }
        }
        Record::Actual(a) => {
            person("person_id", &a.person_id)?;
            project(&a.project_id)?;
        }
        Record::Task(t) => {
            project(&t.project_id)?;
            if let Some(p) = &t.person_id {
                person("person_id", p)?;
            }
            for d in &t.depends_on {
                if s.tasks.get(d).is_none_or(|o| o.project_id != t.project_id) {
                    return Err(AppError::invalid(
                        "depends_on",
                        format!("no task {d} in this project"),
                    ));
                }
            }
        }
        Record::Project(p) => {
            if let Some(c) = &p.client_id
                && !s.clients.contains_key(c)
            {
                return Err(AppError::invalid(
                    "client_id",
                    format!("no client {c} in this team"),
                ));
            }
            for o in &p.rate_overrides {
                if let Some(id) = &o.person_id {
                    person("rate_overrides.person_id", id)?;
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// Why the record `kind`/`id` cannot disappear, if something still refers to it.
pub(super) fn dependents(s: &Schedule, kind: Kind, id: &Id) -> Option<String> {
    let n = match kind {
        Kind::Client => s
            .projects
            .values()
            .filter(|p| p.client_id.as_ref() == Some(id))
            .count(),
        Kind::Project => {
            s.allocations
                .values()
                .filter(|a| &a.project_id == id)
                .count()
                + s.actuals.values().filter(|a| &a.project_id == id).count()
                + s.tasks.values().filter(|t| &t.project_id == id).count()
        }
        Kind::Person => {
            s.allocations
                .values()
                .filter(|a| a.person_id.as_ref() == Some(id))
                .count()
                + s.timeoff
                    .values()
                    .filter(|t| t.person_id.as_ref() == Some(id))
                    .count()
                + s.actuals.values().filter(|a| &a.person_id == id).count()
        }
        _ => 0,
    };
    (n > 0).then(|| format!("the {} still has {n} dependent record(s)", kind_name(kind)))
}

pub(super) fn not_found(kind: Kind) -> AppError {
    let name = kind_name(kind);
    let mut chars = name.chars();
    let title = chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default();
    AppError::NotFound(format!("{title} not found"))
}

/// The rules over a whole change set, checked once on its result (each is linear in
/// the team's records, however many the change touches): the limits, no dependency
/// cycle through a changed task, no task left waiting for a removed one.
pub(super) fn check_result(s: &Schedule, changes: &[Change]) -> Result<()> {
    crate::domain::limits::check(s, changes)?;
    let changed = changes.iter().filter_map(|c| match &c.after {
        Some(Record::Task(t)) => Some(&t.id),
        _ => None,
    });
    crate::domain::task::check_no_cycle_from(changed, |id| s.tasks.get(id))?;
    let removed: std::collections::HashSet<&Id> = changes
        .iter()
        .filter_map(|c| match (&c.before, &c.after) {
            (Some(Record::Task(t)), None) => Some(&t.id),
            _ => None,
        })
        .collect();
    if !removed.is_empty() {
        let waiting = s
            .tasks
            .values()
            .filter(|t| t.depends_on.iter().any(|d| removed.contains(d)))
            .count();
        if waiting > 0 {
            return Err(AppError::Conflict(format!(
                "Cannot remove: the task still has {waiting} dependent record(s)"
            )));
        }
    }
    Ok(())
}

/// Applies one change to a schedule, refusing one that would leave a dangling reference
/// (tasks waiting for a removed task are checked once for the whole set, in
/// `check_result`).
pub(super) fn apply_change(s: &mut Schedule, change: &Change) -> Result<()> {
    match (&change.before, &change.after) {
        (_, Some(after)) => {
            check_refs(s, after)?;
            put_record(s, after.clone());
        }
        (Some(before), None) => {
            let (kind, id) = (before.kind(), Id(before.id().to_string()));
            if let Some(why) = dependents(s, kind, &id) {
                return Err(AppError::Conflict(format!("Cannot remove: {why}")));
            }
            remove_record(s, kind, &id);
        }
        (None, None) => return Err(unreachable_change_err()),
    }
    Ok(())
}

fn unreachable_change_err() -> AppError {
    AppError::Internal("a change with neither before nor after".into())
}

/// What `changes` touched, for bringing figures derived from the schedule before them
/// up to date (see [`crate::domain::memo::Touched`]).
pub(crate) fn touched(changes: &[Change]) -> crate::domain::memo::Touched {
    let mut t = crate::domain::memo::Touched::default();
    let records = changes
        .iter()
        .flat_map(|c| [c.before.as_ref(), c.after.as_ref()])
        .flatten();
    for r in records {
        match r {
            Record::Allocation(a) => {
                t.booked.extend(a.person_id.iter().cloned());
                t.projects.insert(a.project_id.clone());
            }
            Record::Person(p) => {
                t.capacity_of.insert(p.id.clone());
            }
            Record::TimeOff(x) => match &x.person_id {
                Some(p) => {
                    t.capacity_of.insert(p.clone());
                }
                None => t.everyone = true,
            },
            Record::Project(p) => {
                t.projects.insert(p.id.clone());
            }
            Record::Client(_) | Record::Actual(_) | Record::Task(_) => {}
            _ => t.everyone = true,
        }
    }
    t
}
