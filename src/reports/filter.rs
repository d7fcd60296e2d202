//! Narrowing a report to some roles, people, projects or clients: a copy of the
//! schedule holding only what the filter keeps, on which every report runs unchanged.
//!
//! - `role`, `person`: the people kept (and, for `role`, the placeholder demand of that
//!   role; `person` leaves placeholders out).
//! - `project`, `client`: the bookings kept; the people kept are those booked on them in
//!   the report's range, so utilisation reads as "the share of their time on this work".
//!
//! Each is a comma-separated list; an empty filter keeps everything.

use crate::AppError;
use crate::domain::{Id, Schedule};
use chrono::NaiveDate;
use imbl::OrdMap;
use std::collections::HashSet;

/// The most values one filter parameter may list.
const MAX_VALUES: usize = 200;

/// What a report keeps.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReportFilter {
    pub roles: Vec<String>,
    pub people: Vec<Id>,
    pub projects: Vec<Id>,
    pub clients: Vec<Id>,
}

fn list(field: &str, value: Option<&str>) -> Result<Vec<String>, AppError> {
    let values: Vec<String> = value
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(String::from)
        .collect();
    if values.len() > MAX_VALUES {
        return Err(AppError::invalid(
            field,
            format!("may list at most {MAX_VALUES} values"),
        ));
    }
    Ok(values)
}

impl ReportFilter {
    /// From the query's `role`, `person`, `project` and `client` (comma-separated).
    pub fn parse(
        role: Option<&str>,
        person: Option<&str>,
        project: Option<&str>,
        client: Option<&str>,
    ) -> Result<ReportFilter, AppError> {
        let ids = |field, v| Ok::<_, AppError>(list(field, v)?.into_iter().map(Id).collect());
        Ok(ReportFilter {
            roles: list("role", role)?,
            people: ids("person", person)?,
            projects: ids("project", project)?,
            clients: ids("client", client)?,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.roles.is_empty()
            && self.people.is_empty()
            && self.projects.is_empty()
            && self.clients.is_empty()
    }

    /// The schedule with only what the filter keeps, for a report over `[from, to]`.
    pub fn narrow(&self, s: &Schedule, from: NaiveDate, to: NaiveDate) -> Schedule {
        if self.is_empty() {
            return s.clone();
        }
        let roles: HashSet<&str> = self.roles.iter().map(String::as_str).collect();
        let people: HashSet<&Id> = self.people.iter().collect();
        let projects: HashSet<&Id> = self.projects.iter().collect();
        let clients: HashSet<&Id> = self.clients.iter().collect();
        let work = |project: &Id| {
            (projects.is_empty() || projects.contains(project))
                && (clients.is_empty()
                    || s.projects
                        .get(project)
                        .and_then(|p| p.client_id.as_ref())
                        .is_some_and(|c| clients.contains(c)))
        };
        let by_work = !projects.is_empty() || !clients.is_empty();
        let booked: HashSet<&Id> = if by_work {
            s.allocations
                .values()
                .filter(|a| work(&a.project_id) && a.overlaps(Some(from), Some(to)))
                .filter_map(|a| a.person_id.as_ref())
                .collect()
        } else {
            HashSet::new()
        };
        let keep_person = |id: &Id, role: Option<&str>| {
            (roles.is_empty() || role.is_some_and(|r| roles.contains(r)))
                && (people.is_empty() || people.contains(id))
                && (!by_work || booked.contains(id))
        };
        let mut out = s.clone();
        out.people = keep(&s.people, |id, p| keep_person(id, p.role.as_deref()));
        let kept = out.people.clone();
        out.allocations = keep(&s.allocations, |_, a| {
            work(&a.project_id)
                && match &a.person_id {
                    Some(p) => kept.contains_key(p),
                    None => {
                        people.is_empty()
                            && (roles.is_empty()
                                || a.placeholder_role
                                    .as_deref()
                                    .is_some_and(|r| roles.contains(r)))
                    }
                }
        });
        if by_work {
            out.projects = keep(&s.projects, |id, _| work(id));
        }
        out.actuals = keep(&s.actuals, |_, a| {
            work(&a.project_id) && kept.contains_key(&a.person_id)
        });
        out.memo = Default::default();
        out
    }
}

/// The entries of `map` that `f` keeps.
fn keep<V: Clone>(map: &OrdMap<Id, V>, f: impl Fn(&Id, &V) -> bool) -> OrdMap<Id, V> {
    map.iter()
        .filter(|(k, v)| f(k, v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_comma_separated_and_blank_values_ignored() {
        let f =
            ReportFilter::parse(Some("Developer, Designer,"), None, Some(" p1 "), None).unwrap();
        assert_eq!(f.roles, vec!["Developer", "Designer"]);
        assert_eq!(f.projects, vec![Id("p1".into())]);
        assert!(
            ReportFilter::parse(None, Some(""), None, None)
                .unwrap()
                .is_empty()
        );
        let many = vec!["x"; 201].join(",");
        assert!(ReportFilter::parse(None, None, None, Some(&many)).is_err());
    }
}
