//! What a change did, in words a planner reads in a toast or the activity history:
//! "Moved Ben Okafor's Store ops booking to 7–11 Dec", not "Edited allocation".
//!
//! Pure: a change's records before and after, and the schedule they were made in (for
//! the names of the people and projects they point to).

use crate::domain::activity::Change;
use crate::domain::timeoff::LeaveStatus;
use crate::domain::{Allocation, Id, Schedule};
use crate::store::Record;
use chrono::{Datelike, NaiveDate};

/// A sentence for a step made of `changes` in schedule `s` (the state before them).
pub fn describe(s: &Schedule, changes: &[Change]) -> String {
    match changes {
        [one] => describe_one(s, one.before.as_ref(), one.after.as_ref()),
        [] => "Changed nothing".into(),
        many => {
            // A project deleted with its bookings: name the project.
            if let Some(Change {
                before: Some(Record::Project(p)),
                after: None,
            }) = many.last()
            {
                use crate::store::Kind as K;
                let count = |kind: K, one: &str, more: &str| {
                    let n = many
                        .iter()
                        .filter(|c| c.before.as_ref().is_some_and(|r| r.kind() == kind))
                        .count();
                    match n {
                        0 => None,
                        1 => Some(format!("1 {one}")),
                        n => Some(format!("{n} {more}")),
                    }
                };
                let with: Vec<String> = [
                    count(K::Allocation, "booking", "bookings"),
                    count(K::Task, "task", "tasks"),
                    count(K::Actual, "day of actual hours", "days of actual hours"),
                ]
                .into_iter()
                .flatten()
                .collect();
                return format!("Deleted project {} with {}", p.name, with.join(", "));
            }
            format!("Made {} changes", many.len())
        }
    }
}

/// "Undid: moved ...": the summary of the entry an undo (or redo) reverts, as a clause.
pub fn clause(prefix: &str, summary: &str) -> String {
    let summary = summary
        .strip_prefix("Undid: ")
        .or_else(|| summary.strip_prefix("Redid: "))
        .unwrap_or(summary);
    let mut chars = summary.chars();
    let lowered = match chars.next() {
        Some(c) => c.to_lowercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    };
    format!("{prefix}: {lowered}")
}

fn describe_one(s: &Schedule, before: Option<&Record>, after: Option<&Record>) -> String {
    use Record as R;
    match (before, after) {
        (None, Some(R::Person(p))) => format!("Added {}", p.name),
        (Some(R::Person(b)), Some(R::Person(a))) => match (b.archived, a.archived) {
            (false, true) => format!("Archived {}", a.name),
            (true, false) => format!("Restored {}", a.name),
            _ if b.name != a.name => format!("Renamed {} to {}", b.name, a.name),
            _ => format!("Edited {}", a.name),
        },
        (Some(R::Person(p)), None) => format!("Removed {}", p.name),
        (None, Some(R::Client(c))) => format!("Added client {}", c.name),
        (Some(R::Client(b)), Some(R::Client(a))) => match (b.archived, a.archived) {
            (false, true) => format!("Archived client {}", a.name),
            (true, false) => format!("Restored client {}", a.name),
            _ if b.name != a.name => format!("Renamed client {} to {}", b.name, a.name),
            _ => format!("Edited client {}", a.name),
        },
        (Some(R::Client(c)), None) => format!("Deleted client {}", c.name),
        (None, Some(R::Project(p))) => format!("Created project {}", p.name),
        (Some(R::Project(b)), Some(R::Project(a))) => {
            if b.status != a.status {
                format!("Moved {} to {}", a.name, a.status.label())
            } else if b.name != a.name {
                format!("Renamed project {} to {}", b.name, a.name)
            } else {
                format!("Edited project {}", a.name)
            }
        }
        (Some(R::Project(p)), None) => format!("Deleted project {}", p.name),
        (None, Some(R::Allocation(a))) => {
            let tentative = if a.tentative { " (tentative)" } else { "" };
            format!(
                "Booked {} on {}, {}{tentative}",
                who(s, a),
                project(s, &a.project_id),
                span(a.start, a.end)
            )
        }
        (Some(R::Allocation(b)), Some(R::Allocation(a))) => allocation_edit(s, b, a),
        (Some(R::Allocation(a)), None) => format!(
            "Deleted {} {} booking ({})",
            possessive(&who(s, a)),
            project(s, &a.project_id),
            span(a.start, a.end)
        ),
        (None, Some(R::TimeOff(t))) => match &t.person_id {
            Some(p) if t.status == LeaveStatus::Pending => format!(
                "Requested time off for {}, {}",
                person(s, p),
                span(t.start, t.end)
            ),
            Some(p) => format!(
                "Added time off for {}, {}",
                person(s, p),
                span(t.start, t.end)
            ),
            None => format!("Added a team holiday, {}", span(t.start, t.end)),
        },
        (Some(R::TimeOff(b)), Some(R::TimeOff(t))) => match &t.person_id {
            Some(p) if b.status != t.status && t.status != LeaveStatus::Pending => format!(
                "{} {} time off, {}",
                if t.status == LeaveStatus::Approved {
                    "Approved"
                } else {
                    "Declined"
                },
                possessive(&person(s, p)),
                span(t.start, t.end)
            ),
            Some(p) => format!(
                "Changed {} time off to {}",
                possessive(&person(s, p)),
                span(t.start, t.end)
            ),
            None => format!("Changed a team holiday to {}", span(t.start, t.end)),
        },
        (Some(R::TimeOff(t)), None) => match &t.person_id {
            Some(p) => format!(
                "Deleted {} time off ({})",
                possessive(&person(s, p)),
                span(t.start, t.end)
            ),
            None => format!("Deleted a team holiday ({})", span(t.start, t.end)),
        },
        (None, Some(R::Actual(a))) => format!(
            "Recorded {}h for {} on {}, {}",
            hours(a.hours),
            person(s, &a.person_id),
            project(s, &a.project_id),
            day(a.date)
        ),
        (Some(R::Actual(a)), _) => format!(
            "Deleted {}h recorded for {} on {}, {}",
            hours(a.hours),
            person(s, &a.person_id),
            project(s, &a.project_id),
            day(a.date)
        ),
        (None, Some(R::Task(t))) => {
            format!("Added task {} to {}", t.name, project(s, &t.project_id))
        }
        (Some(R::Task(_)), Some(R::Task(t))) => format!("Edited task {}", t.name),
        (Some(R::Task(t)), None) => format!("Deleted task {}", t.name),
        (_, Some(r)) | (Some(r), None) => format!("Changed a {:?}", r.kind()).to_lowercase(),
        (None, None) => "Changed nothing".into(),
    }
}

fn allocation_edit(s: &Schedule, b: &Allocation, a: &Allocation) -> String {
    let project_name = project(s, &a.project_id);
    let span_after = span(a.start, a.end);
    let same_length = (b.end - b.start) == (a.end - a.start);
    if b.person_id != a.person_id || b.placeholder_role != a.placeholder_role {
        let dates = if (b.start, b.end) != (a.start, a.end) {
            format!(", {span_after}")
        } else {
            String::new()
        };
        return format!(
            "Moved {project_name} booking from {} to {}{dates}",
            who(s, b),
            who(s, a)
        );
    }
    let whose = format!("{} {project_name} booking", possessive(&who(s, a)));
    if (b.start, b.end) != (a.start, a.end) {
        if same_length {
            format!("Moved {whose} to {span_after}")
        } else {
            format!("Changed {whose} to {span_after}")
        }
    } else if b.hours_per_day != a.hours_per_day {
        format!("Changed {whose} to {}h/day", hours(a.hours_per_day))
    } else if b.tentative != a.tentative {
        if a.tentative {
            format!("Made {whose} tentative")
        } else {
            format!("Confirmed {whose}")
        }
    } else if b.project_id != a.project_id {
        format!(
            "Moved {} {} booking to {project_name}",
            possessive(&who(s, a)),
            project(s, &b.project_id)
        )
    } else {
        format!("Edited {whose}")
    }
}

fn person(s: &Schedule, id: &Id) -> String {
    s.people
        .get(id)
        .map(|p| p.name.clone())
        .unwrap_or_else(|| "someone".into())
}

pub(super) fn project(s: &Schedule, id: &Id) -> String {
    s.projects
        .get(id)
        .map(|p| p.name.clone())
        .unwrap_or_else(|| "a project".into())
}

/// The person booked, or the unstaffed role: "Ben Okafor", "a Developer placeholder".
pub(super) fn who(s: &Schedule, a: &Allocation) -> String {
    match (&a.person_id, &a.placeholder_role) {
        (Some(p), _) => person(s, p),
        (None, Some(role)) => format!("a {role} placeholder"),
        (None, None) => "someone".into(),
    }
}

pub(super) fn possessive(name: &str) -> String {
    format!("{name}'s")
}

fn hours(h: f64) -> String {
    let rounded = (h * 100.0).round() / 100.0;
    if rounded.fract() == 0.0 {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded}")
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

pub(super) fn day(d: NaiveDate) -> String {
    format!("{} {}", d.day(), MONTHS[d.month0() as usize])
}

/// "7 Dec", "7–11 Dec", "28 Nov – 2 Dec", "28 Dec 2026 – 3 Jan 2027".
pub fn span(start: NaiveDate, end: NaiveDate) -> String {
    if start == end {
        day(start)
    } else if start.year() != end.year() {
        format!(
            "{} {} – {} {}",
            day(start),
            start.year(),
            day(end),
            end.year()
        )
    } else if start.month() != end.month() {
        format!("{} – {}", day(start), day(end))
    } else {
        format!("{}–{}", start.day(), day(end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Person, Team};

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn schedule() -> Schedule {
        let mut s = Schedule::new(Team {
            id: "T".into(),
            name: "T".into(),
            week_start: "monday".into(),
            timezone: "UTC".into(),
            currency: "USD".into(),
            rates: Default::default(),
            created_at: 0,
        });
        for (id, name) in [("B", "Ben Okafor"), ("A", "Ann Lee")] {
            s.people.insert(
                id.into(),
                Person {
                    id: id.into(),
                    team_id: "T".into(),
                    name: name.into(),
                    email: None,
                    role: None,
                    skills: vec![],
                    weekly_hours: [8.0; 7],
                    timezone: None,
                    start_date: None,
                    end_date: None,
                    cost_rate: None,
                    bill_rate: None,
                    user_id: None,
                    archived: false,
                    external_id: None,
                    version: 1,
                },
            );
        }
        let input: crate::domain::ProjectInput =
            serde_json::from_value(serde_json::json!({"name": "Store ops"})).unwrap();
        let project =
            crate::domain::Project::from_input("P".into(), "T".into(), input, 0, 0).unwrap();
        s.projects.insert("P".into(), project);
        s
    }

    fn booking(person: &str, start: &str, end: &str, hours: f64) -> Allocation {
        Allocation {
            id: "X".into(),
            team_id: "T".into(),
            project_id: "P".into(),
            person_id: Some(person.into()),
            placeholder_role: None,
            start: date(start),
            end: date(end),
            hours_per_day: hours,
            tentative: false,
            note: None,
            task_id: None,
            pinned: false,
            version: 1,
        }
    }

    fn edit(b: Allocation, a: Allocation) -> String {
        describe(
            &schedule(),
            &[Change {
                before: Some(Record::Allocation(b)),
                after: Some(Record::Allocation(a)),
            }],
        )
    }

    #[test]
    fn dates_read_as_people_write_them() {
        assert_eq!(span(date("2026-12-07"), date("2026-12-07")), "7 Dec");
        assert_eq!(span(date("2026-12-07"), date("2026-12-11")), "7–11 Dec");
        assert_eq!(
            span(date("2026-11-28"), date("2026-12-02")),
            "28 Nov – 2 Dec"
        );
        assert_eq!(
            span(date("2026-12-28"), date("2027-01-03")),
            "28 Dec 2026 – 3 Jan 2027"
        );
    }

    #[test]
    fn booking_changes_say_what_moved() {
        let b = booking("B", "2026-11-30", "2026-12-04", 8.0);
        assert_eq!(
            edit(b.clone(), booking("B", "2026-12-07", "2026-12-11", 8.0)),
            "Moved Ben Okafor's Store ops booking to 7–11 Dec"
        );
        assert_eq!(
            edit(b.clone(), booking("B", "2026-11-30", "2026-12-08", 8.0)),
            "Changed Ben Okafor's Store ops booking to 30 Nov – 8 Dec"
        );
        assert_eq!(
            edit(b.clone(), booking("A", "2026-11-30", "2026-12-04", 8.0)),
            "Moved Store ops booking from Ben Okafor to Ann Lee"
        );
        assert_eq!(
            edit(b, booking("B", "2026-11-30", "2026-12-04", 6.5)),
            "Changed Ben Okafor's Store ops booking to 6.5h/day"
        );
    }

    #[test]
    fn undo_and_redo_read_as_clauses() {
        let moved = "Moved Ben Okafor's Store ops booking to 7–11 Dec";
        assert_eq!(
            clause("Undid", moved),
            "Undid: moved Ben Okafor's Store ops booking to 7–11 Dec"
        );
        assert_eq!(
            clause("Redid", &clause("Undid", moved)),
            "Redid: moved Ben Okafor's Store ops booking to 7–11 Dec"
        );
    }
}
