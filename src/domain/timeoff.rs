//! Time off: days (or hours of a day) a person, or the whole team, does not work; its
//! kind of leave; and the requests members make for themselves, which count against
//! capacity only once a manager approves them.

use super::Id;
use super::schedule::{check_dates, check_range, optional_text};
use crate::AppError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The kind of leave, shown as its label on the timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LeaveType {
    /// A public or company holiday (what a team-wide day off is unless told otherwise).
    Holiday,
    /// Leave a person takes (what a person's day off is unless told otherwise).
    TimeOff,
    Sick,
    Other,
}

impl LeaveType {
    /// What time off is when no type is given: a holiday for everyone, or a person's
    /// time off, as kronuz counted it before leave had types.
    pub fn default_for(person_id: Option<&Id>) -> LeaveType {
        match person_id {
            None => LeaveType::Holiday,
            Some(_) => LeaveType::TimeOff,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LeaveType::Holiday => "Holiday",
            LeaveType::TimeOff => "Time off",
            LeaveType::Sick => "Sick",
            LeaveType::Other => "Other leave",
        }
    }
}

/// Where a request stands. Only approved time off takes away capacity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LeaveStatus {
    /// Counts: the person does not work these hours (all time off a manager records).
    #[default]
    Approved,
    /// A member asked; waits for a manager or owner.
    Pending,
    /// A manager or owner said no; kept so the member sees the answer.
    Declined,
}

/// Days a person (or, without `person_id`, the whole team) does not work.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(from = "StoredTimeOff")]
pub struct TimeOff {
    #[schema(value_type = String)]
    pub id: Id,
    #[schema(value_type = String)]
    pub team_id: Id,
    #[schema(value_type = Option<String>)]
    pub person_id: Option<Id>,
    /// First day, inclusive.
    pub start: NaiveDate,
    /// Last day, inclusive.
    pub end: NaiveDate,
    pub reason: Option<String>,
    #[serde(rename = "type")]
    pub kind: LeaveType,
    /// Hours off on each day of the range; absent: whole days.
    pub hours: Option<f64>,
    pub status: LeaveStatus,
    /// The login that asked for it, when a member requested it.
    #[schema(value_type = Option<String>)]
    pub requested_by: Option<Id>,
    /// Bumped by every change to this record; sent as its `ETag`, checked by `If-Match`.
    #[schema(minimum = 1)]
    pub version: u64,
}

/// Time off as stored before leave had types, hours and requests: what is missing
/// takes the meaning it had then (whole days, approved, a holiday when team-wide).
#[derive(Deserialize)]
struct StoredTimeOff {
    id: Id,
    team_id: Id,
    person_id: Option<Id>,
    start: NaiveDate,
    end: NaiveDate,
    reason: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<LeaveType>,
    #[serde(default)]
    hours: Option<f64>,
    #[serde(default)]
    status: LeaveStatus,
    #[serde(default)]
    requested_by: Option<Id>,
    #[serde(default)]
    version: u64,
}

impl From<StoredTimeOff> for TimeOff {
    fn from(t: StoredTimeOff) -> TimeOff {
        TimeOff {
            kind: t
                .kind
                .unwrap_or_else(|| LeaveType::default_for(t.person_id.as_ref())),
            id: t.id,
            team_id: t.team_id,
            person_id: t.person_id,
            start: t.start,
            end: t.end,
            reason: t.reason,
            hours: t.hours,
            status: t.status,
            requested_by: t.requested_by,
            version: t.version,
        }
    }
}

/// The fields of time off a client may set.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeOffInput {
    /// Absent: a day off for the whole team.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub person_id: Option<Id>,
    pub start: NaiveDate,
    pub end: NaiveDate,
    #[serde(default)]
    pub reason: Option<String>,
    /// Absent: `holiday` for the whole team, `time_off` for a person.
    #[serde(default, rename = "type")]
    pub kind: Option<LeaveType>,
    /// Hours off on each day (more than 0, at most 24); absent: whole days.
    #[serde(default)]
    #[schema(exclusive_minimum = 0, maximum = 24)]
    pub hours: Option<f64>,
    /// Absent: `approved` when a manager or owner records it. A member's request is
    /// always `pending`; only managers and owners approve or decline.
    #[serde(default)]
    pub status: Option<LeaveStatus>,
}

impl TimeOff {
    pub fn input(&self) -> TimeOffInput {
        TimeOffInput {
            person_id: self.person_id.clone(),
            start: self.start,
            end: self.end,
            reason: self.reason.clone(),
            kind: Some(self.kind),
            hours: self.hours,
            status: Some(self.status),
        }
    }

    /// Validates `input` into time off with this id and team (not yet requested by anyone).
    pub fn from_input(id: Id, team_id: Id, input: TimeOffInput) -> Result<TimeOff, AppError> {
        let (start, end) = check_dates(input.start, input.end)?;
        let hours =
            match input.hours {
                Some(h) if h <= 0.0 => {
                    return Err(AppError::invalid(
                        "hours",
                        "must be more than 0 and at most 24",
                    ));
                }
                Some(h) => Some(check_range("hours", h, 0.0, 24.0).map_err(|_| {
                    AppError::invalid("hours", "must be more than 0 and at most 24")
                })?),
                None => None,
            };
        let status = input.status.unwrap_or_default();
        if input.person_id.is_none() && status != LeaveStatus::Approved {
            return Err(AppError::invalid(
                "status",
                "a day off for the whole team is not a request: leave status out",
            ));
        }
        Ok(TimeOff {
            version: 0,
            id,
            team_id,
            kind: input
                .kind
                .unwrap_or_else(|| LeaveType::default_for(input.person_id.as_ref())),
            person_id: input.person_id,
            start,
            end,
            reason: optional_text("reason", input.reason, 500)?,
            hours,
            status,
            requested_by: None,
        })
    }

    /// Whether it takes away capacity: only approved time off does.
    pub fn counts(&self) -> bool {
        self.status == LeaveStatus::Approved
    }

    /// The hours it takes away on a day it covers: all of them without `hours`.
    pub fn hours_off(&self) -> f64 {
        self.hours.unwrap_or(f64::INFINITY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn time_off_stored_before_leave_types_keeps_its_meaning() {
        let person: TimeOff = serde_json::from_value(json!({"id": "a", "team_id": "t",
            "person_id": "p", "start": "2026-03-02", "end": "2026-03-03", "reason": null}))
        .unwrap();
        assert_eq!(person.kind, LeaveType::TimeOff);
        assert_eq!(person.status, LeaveStatus::Approved);
        assert_eq!(person.hours, None);
        let team: TimeOff = serde_json::from_value(json!({"id": "b", "team_id": "t",
            "person_id": null, "start": "2026-03-02", "end": "2026-03-02", "reason": null}))
        .unwrap();
        assert_eq!(team.kind, LeaveType::Holiday);
        let again: TimeOff =
            serde_json::from_value(serde_json::to_value(&person).unwrap()).unwrap();
        assert_eq!(again, person);
    }

    #[test]
    fn hours_off_are_more_than_0_and_at_most_24() {
        let input = |hours| TimeOffInput {
            person_id: Some("p".into()),
            start: "2026-03-02".parse().unwrap(),
            end: "2026-03-02".parse().unwrap(),
            reason: None,
            kind: None,
            hours,
            status: None,
        };
        for bad in [0.0, -1.0, 24.5, f64::NAN] {
            assert!(
                TimeOff::from_input("x".into(), "t".into(), input(Some(bad))).is_err(),
                "{bad}"
            );
        }
        let t = TimeOff::from_input("x".into(), "t".into(), input(Some(4.0))).unwrap();
        assert_eq!(
            (t.hours, t.kind, t.status),
            (Some(4.0), LeaveType::TimeOff, LeaveStatus::Approved)
        );
    }
}
