//! The sample team a new team can load to try kronuz: a few people, clients, projects
//! and bookings around the current week. Every record it makes has an id starting with
//! [`SAMPLE_PREFIX`], so removing the sample removes exactly those records.

use super::project::{Project, ProjectInput, Status};
use super::schedule::{Allocation, AllocationInput, Client, ClientInput, Person, PersonInput};
use super::{Id, Timestamp};
use crate::AppError;
use chrono::{Days, NaiveDate};

/// How the ids of sample records begin (real ids are 16 hex digits, so never do).
pub const SAMPLE_PREFIX: &str = "sample-";

/// Is this the id of a record the sample team made?
pub fn is_sample(id: &Id) -> bool {
    id.0.starts_with(SAMPLE_PREFIX)
}

/// A fresh id for a sample record.
pub fn sample_id() -> Id {
    Id(format!("{SAMPLE_PREFIX}{}", Id::random().0))
}

/// The records of a sample team, in the order they can be created.
#[derive(Debug, Default)]
pub struct SampleTeam {
    pub clients: Vec<Client>,
    pub projects: Vec<Project>,
    pub people: Vec<Person>,
    pub allocations: Vec<Allocation>,
}

impl SampleTeam {
    /// How many records it holds.
    pub fn len(&self) -> usize {
        self.clients.len() + self.projects.len() + self.people.len() + self.allocations.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

const PEOPLE: [(&str, &str, &[&str], [f64; 7]); 6] = [
    (
        "Ada Sample",
        "Developer",
        &["Rust", "Python"],
        [8.0, 8.0, 8.0, 8.0, 8.0, 0.0, 0.0],
    ),
    (
        "Ben Sample",
        "Designer",
        &["Figma", "Research"],
        [8.0, 8.0, 8.0, 8.0, 8.0, 0.0, 0.0],
    ),
    (
        "Cleo Sample",
        "Developer",
        &["Python", "SQL"],
        [8.0, 8.0, 8.0, 8.0, 0.0, 0.0, 0.0],
    ),
    (
        "Dan Sample",
        "Project manager",
        &["Planning"],
        [8.0, 8.0, 8.0, 8.0, 8.0, 0.0, 0.0],
    ),
    (
        "Eve Sample",
        "Developer",
        &["JavaScript", "Rust"],
        [6.0, 6.0, 6.0, 6.0, 6.0, 0.0, 0.0],
    ),
    (
        "Finn Sample",
        "Analyst",
        &["SQL", "Python"],
        [8.0, 8.0, 8.0, 8.0, 8.0, 0.0, 0.0],
    ),
];

/// (name, client index, status, first week, weeks)
const PROJECTS: [(&str, usize, Status, u64, u64); 4] = [
    ("Sample bank rollout", 0, Status::Active, 0, 8),
    ("Sample shop redesign", 1, Status::Active, 1, 6),
    ("Sample data platform", 0, Status::Proposal, 3, 8),
    ("Sample internal tools", 2, Status::Lead, 5, 4),
];

/// (person index, project index, first week, weeks, hours per day, tentative)
const BOOKINGS: [(usize, usize, u64, u64, f64, bool); 9] = [
    (0, 0, 0, 6, 6.0, false),
    (1, 1, 1, 4, 8.0, false),
    (2, 0, 0, 4, 4.0, false),
    (2, 2, 4, 6, 4.0, true),
    (3, 0, 0, 8, 2.0, false),
    (3, 1, 1, 6, 2.0, false),
    (4, 1, 2, 4, 6.0, false),
    (5, 2, 3, 6, 8.0, true),
    (0, 3, 6, 3, 2.0, true),
];

/// The sample team of `team`, booked from the week starting `monday`.
pub fn sample_team(team: &Id, monday: NaiveDate, now: Timestamp) -> Result<SampleTeam, AppError> {
    let week = |n: u64| monday + Days::new(7 * n);
    let mut out = SampleTeam::default();
    for name in ["Sample Bank", "Sample Shop", "Sample Inc."] {
        out.clients.push(Client::from_input(
            sample_id(),
            team.clone(),
            ClientInput {
                name: name.into(),
                archived: false,
                external_id: None,
            },
        )?);
    }
    for (i, (name, client, status, first, weeks)) in PROJECTS.iter().enumerate() {
        let input = ProjectInput {
            name: (*name).into(),
            client_id: Some(out.clients[*client].id.clone()),
            status: *status,
            start: Some(week(*first)),
            end: Some(week(first + weeks) - Days::new(3)),
            budget_hours: Some(400.0),
            ..serde_json::from_value(serde_json::json!({ "name": name }))
                .map_err(|e| AppError::Internal(e.to_string()))?
        };
        out.projects.push(Project::from_input(
            sample_id(),
            team.clone(),
            input,
            now,
            i,
        )?);
    }
    for (i, (name, role, skills, hours)) in PEOPLE.into_iter().enumerate() {
        // rates, so that the Financials page has something to show
        let bill = [140.0, 120.0, 130.0, 150.0, 110.0, 100.0][i];
        out.people.push(Person::from_input(
            sample_id(),
            team.clone(),
            PersonInput {
                external_id: None,
                name: name.into(),
                email: None,
                role: Some(role.into()),
                skills: skills.iter().map(|s| (*s).to_string()).collect(),
                weekly_hours: hours,
                timezone: None,
                start_date: None,
                end_date: None,
                cost_rate: Some(bill / 2.0),
                bill_rate: Some(bill),
                user_id: None,
                archived: false,
            },
        )?);
    }
    for (person, project, first, weeks, hours, tentative) in BOOKINGS {
        out.allocations.push(Allocation::from_input(
            sample_id(),
            team.clone(),
            AllocationInput {
                project_id: out.projects[project].id.clone(),
                person_id: Some(out.people[person].id.clone()),
                placeholder_role: None,
                start: week(first),
                end: week(first + weeks) - Days::new(3),
                hours_per_day: Some(hours),
                tentative,
                note: None,
                pinned: false,
            },
        )?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sample_record_is_marked_and_real_ids_never_are() {
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let team = sample_team(&Id("t".into()), monday, 0).unwrap();
        assert_eq!(team.people.len(), 6);
        assert!(team.people.iter().all(|p| is_sample(&p.id)));
        assert!(team.projects.iter().all(|p| is_sample(&p.id)));
        assert!(team.clients.iter().all(|c| is_sample(&c.id)));
        assert!(team.allocations.iter().all(|a| is_sample(&a.id)));
        assert!(team.allocations.iter().any(|a| a.tentative));
        assert!(!is_sample(&Id::random()));
    }
}
