//! How much one team may hold. Every limit sits far above what a real firm reaches; it
//! exists so that one team cannot make the server slow, or take its memory, for every
//! other team. A change that would pass a limit is refused with 422 naming it.

use super::activity::Change;
use super::{Id, Schedule};
use crate::AppError;
use crate::store::Record;
use std::collections::HashMap;

/// People in a team's schedule: a very large consultancy schedules a few thousand.
pub const PEOPLE_PER_TEAM: usize = 10_000;
/// Clients: a firm taking two new clients a day for ten years stays below.
pub const CLIENTS_PER_TEAM: usize = 10_000;
/// Projects, pipeline and archive together: ten new ones a day for ten years.
pub const PROJECTS_PER_TEAM: usize = 50_000;
/// Tasks of one project handed to the planner: a plan of this size is already beyond
/// what anyone reads; the planner stays fast up to it.
pub const TASKS_PER_PROJECT: usize = 10_000;
/// Tasks across all projects of a team.
pub const TASKS_PER_TEAM: usize = 100_000;
/// What one task waits for.
pub const DEPENDENCIES_PER_TASK: usize = 200;
/// People who may share one task at once: a team larger than this on one piece of
/// work is a project of its own, better split into tasks.
pub const ASSIGNEES_PER_TASK: u32 = 10;
/// Allocations of one person: ten a week for forty years.
pub const ALLOCATIONS_PER_PERSON: usize = 20_000;
/// Allocations across a team, placeholders included.
pub const ALLOCATIONS_PER_TEAM: usize = 1_000_000;
/// Time-off entries of one person (or team holidays): one a week for forty years.
pub const TIME_OFF_PER_PERSON: usize = 2_000;
/// Time-off entries across a team.
pub const TIME_OFF_PER_TEAM: usize = 200_000;
/// Actual-hours entries across a team: 500 people, three a day, five years.
pub const ACTUALS_PER_TEAM: usize = 2_000_000;
/// Logins of one team (owners, managers, members).
pub const MEMBERS_PER_TEAM: usize = 5_000;
/// Invitations not yet used or expired.
pub const PENDING_INVITES_PER_TEAM: usize = 500;

/// The 422 a change gets when it would pass a limit.
pub fn reached(holder: &str, max: usize, things: &str) -> AppError {
    AppError::Invalid(format!(
        "Limit reached: {holder} may have at most {max} {things}"
    ))
}

/// Checks `s`, the schedule after `changes`, against the limits the changes could
/// pass. Only growth is checked, so a team somehow past a limit can still edit and
/// delete. One pass over a collection at most per kind grown: linear, whatever the
/// size of the change.
pub fn check(s: &Schedule, changes: &[Change]) -> Result<(), AppError> {
    let mut grew = Grown::default();
    for change in changes {
        let (Some(after), before) = (&change.after, change.before.as_ref()) else {
            continue;
        };
        let created = before.is_none();
        match after {
            Record::Person(_) => grew.people |= created,
            Record::Client(_) => grew.clients |= created,
            Record::Project(_) => grew.projects |= created,
            Record::Actual(_) => grew.actuals |= created,
            Record::Task(t) if created => {
                grew.tasks = true;
                grew.task_projects.insert(&t.project_id, 0);
            }
            Record::Allocation(a) => {
                grew.allocations |= created;
                let moved =
                    !matches!(before, Some(Record::Allocation(b)) if b.person_id == a.person_id);
                if let (Some(p), true) = (&a.person_id, moved) {
                    grew.allocation_people.insert(p, 0);
                }
            }
            Record::TimeOff(t) => {
                grew.timeoff |= created;
                let moved =
                    !matches!(before, Some(Record::TimeOff(b)) if b.person_id == t.person_id);
                if moved {
                    grew.timeoff_people.insert(t.person_id.as_ref(), 0);
                }
            }
            _ => {}
        }
    }
    let total = |grown: bool, len: usize, max: usize, things: &str| {
        if grown && len > max {
            Err(reached("a team", max, things))
        } else {
            Ok(())
        }
    };
    total(grew.people, s.people.len(), PEOPLE_PER_TEAM, "people")?;
    total(grew.clients, s.clients.len(), CLIENTS_PER_TEAM, "clients")?;
    total(
        grew.projects,
        s.projects.len(),
        PROJECTS_PER_TEAM,
        "projects",
    )?;
    total(grew.tasks, s.tasks.len(), TASKS_PER_TEAM, "tasks")?;
    total(
        grew.allocations,
        s.allocations.len(),
        ALLOCATIONS_PER_TEAM,
        "allocations",
    )?;
    total(
        grew.timeoff,
        s.timeoff.len(),
        TIME_OFF_PER_TEAM,
        "time-off entries",
    )?;
    total(
        grew.actuals,
        s.actuals.len(),
        ACTUALS_PER_TEAM,
        "actual-hours entries",
    )?;
    // A per-owner limit can only be passed once the team as a whole holds more than it:
    // below that (nearly every team), no scan.
    if !grew.task_projects.is_empty() && s.tasks.len() > TASKS_PER_PROJECT {
        count(
            &mut grew.task_projects,
            s.tasks.values().map(|t| &t.project_id),
        );
        if grew.task_projects.values().any(|&n| n > TASKS_PER_PROJECT) {
            return Err(reached("a project", TASKS_PER_PROJECT, "tasks"));
        }
    }
    if !grew.allocation_people.is_empty() && s.allocations.len() > ALLOCATIONS_PER_PERSON {
        let people = s.allocations.values().filter_map(|a| a.person_id.as_ref());
        count(&mut grew.allocation_people, people);
        if grew
            .allocation_people
            .values()
            .any(|&n| n > ALLOCATIONS_PER_PERSON)
        {
            return Err(reached("a person", ALLOCATIONS_PER_PERSON, "allocations"));
        }
    }
    if !grew.timeoff_people.is_empty() && s.timeoff.len() > TIME_OFF_PER_PERSON {
        count(
            &mut grew.timeoff_people,
            s.timeoff.values().map(|t| t.person_id.as_ref()),
        );
        if grew
            .timeoff_people
            .values()
            .any(|&n| n > TIME_OFF_PER_PERSON)
        {
            return Err(reached(
                "a person (or the team's holidays)",
                TIME_OFF_PER_PERSON,
                "time-off entries",
            ));
        }
    }
    Ok(())
}

/// What a change set added to, by kind, and whose counts grew.
#[derive(Default)]
struct Grown<'a> {
    people: bool,
    clients: bool,
    projects: bool,
    tasks: bool,
    allocations: bool,
    timeoff: bool,
    actuals: bool,
    task_projects: HashMap<&'a Id, usize>,
    allocation_people: HashMap<&'a Id, usize>,
    /// `None` stands for team-wide holidays.
    timeoff_people: HashMap<Option<&'a Id>, usize>,
}

/// Counts, for each key already in `counts`, how often `items` names it.
fn count<'a, K: Eq + std::hash::Hash + 'a>(
    counts: &mut HashMap<K, usize>,
    items: impl Iterator<Item = K>,
) {
    for k in items {
        if let Some(n) = counts.get_mut(&k) {
            *n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::schedule::{AllocationInput, PersonInput};
    use crate::domain::{Allocation, Person, Team};

    fn schedule() -> Schedule {
        Schedule::new(Team {
            id: Id::from("team"),
            name: "T".into(),
            week_start: "monday".into(),
            timezone: "UTC".into(),
            created_at: 0,
            currency: "USD".into(),
            rates: Default::default(),
        })
    }

    fn person(i: usize) -> Person {
        let input: PersonInput = serde_json::from_value(serde_json::json!({"name": "P"})).unwrap();
        Person::from_input(Id(format!("p{i}")), Id::from("team"), input).unwrap()
    }

    fn created(r: Record) -> Change {
        Change {
            before: None,
            after: Some(r),
        }
    }

    #[test]
    fn the_person_past_the_limit_is_refused_naming_it_and_edits_still_pass() {
        let mut s = schedule();
        for i in 0..=PEOPLE_PER_TEAM {
            s.people.insert(Id(format!("p{i}")), person(i));
        }
        let added = created(Record::Person(person(PEOPLE_PER_TEAM)));
        assert_eq!(
            check(&s, &[added]).unwrap_err().to_string(),
            "Limit reached: a team may have at most 10000 people"
        );
        let edited = Change {
            before: Some(Record::Person(person(0))),
            after: Some(Record::Person(person(0))),
        };
        assert!(check(&s, &[edited]).is_ok());
    }

    #[test]
    fn allocations_are_counted_per_person() {
        let mut s = schedule();
        s.people.insert(Id::from("p0"), person(0));
        let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        let alloc = |i: usize, who: &str| {
            let input = AllocationInput {
                project_id: Id::from("prj"),
                person_id: Some(Id::from(who)),
                placeholder_role: None,
                start: day,
                end: day,
                hours_per_day: Some(1.0),
                tentative: false,
                note: None,
                pinned: false,
            };
            Allocation::from_input(Id(format!("a{who}{i}")), Id::from("team"), input).unwrap()
        };
        for i in 0..ALLOCATIONS_PER_PERSON {
            let a = alloc(i, "p0");
            s.allocations.insert(a.id.clone(), a.into());
        }
        let other = alloc(0, "p1");
        s.allocations.insert(other.id.clone(), other.clone().into());
        assert!(check(&s, &[created(Record::Allocation(other))]).is_ok());
        let one_more = alloc(ALLOCATIONS_PER_PERSON, "p0");
        s.allocations
            .insert(one_more.id.clone(), one_more.clone().into());
        assert_eq!(
            check(&s, &[created(Record::Allocation(one_more))])
                .unwrap_err()
                .to_string(),
            "Limit reached: a person may have at most 20000 allocations"
        );
    }
}
