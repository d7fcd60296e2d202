//! What a team schedules: people, clients, projects in the pipeline, allocations, time
//! off and actual hours, and the rules each must satisfy.
//!
//! Each kind has an `...Input` type: the fields a client may set. Creating validates an
//! input; a PATCH merges its JSON object over the current input (see [`merge_patch`]) and
//! validates the result the same way, so both paths share one set of rules.

use super::{Id, Team, calendar::check_date, required_text};
use crate::AppError;
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// One team's whole schedule. Persistent maps make a clone O(1), so the actor can hand
/// a consistent snapshot to a report or the engine without copying.
#[derive(Clone, Debug)]
pub struct Schedule {
    /// Shared: a snapshot costs a reference count, not a copy of the team's strings.
    pub team: std::sync::Arc<Team>,
    pub people: imbl::OrdMap<Id, Person>,
    pub clients: imbl::OrdMap<Id, Client>,
    pub projects: imbl::OrdMap<Id, super::Project>,
    /// Each behind its own reference count: a change to one booking (in a scenario, say)
    /// copies a leaf of the map's pointers, not its sixteen neighbours' whole records.
    pub allocations: imbl::OrdMap<Id, std::sync::Arc<Allocation>>,
    pub timeoff: imbl::OrdMap<Id, TimeOff>,
    pub actuals: imbl::OrdMap<Id, Actual>,
    pub tasks: imbl::OrdMap<Id, super::task::Task>,
    /// Bumped by every change; a plan previewed at one version applies only to it.
    pub version: u64,
    /// Values derived from this version, computed at most once by whoever needs them.
    pub memo: Memo,
}

pub use super::memo::{Memo, Touched};

impl Schedule {
    pub fn new(team: Team) -> Schedule {
        Schedule {
            team: std::sync::Arc::new(team),
            people: Default::default(),
            clients: Default::default(),
            projects: Default::default(),
            allocations: Default::default(),
            timeoff: Default::default(),
            actuals: Default::default(),
            tasks: Default::default(),
            version: 0,
            memo: Memo::default(),
        }
    }
}

/// Deserialises a request body, naming the field at fault: "weekly_hours: invalid
/// length 8, expected an array of length 7".
pub fn from_json<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, AppError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." {
            AppError::Invalid(format!("Invalid request body: {inner}"))
        } else {
            AppError::Invalid(format!("Invalid request body: {path}: {inner}"))
        }
    })
}

/// Merges a PATCH body (a JSON object) over `current` and deserialises the result:
/// absent fields keep their value, `null` clears an optional one, unknown fields and
/// wrong types are refused naming the field.
pub fn merge_patch<I: Serialize + DeserializeOwned>(
    current: &I,
    patch: serde_json::Value,
) -> Result<I, AppError> {
    let serde_json::Value::Object(changes) = patch else {
        return Err(AppError::Invalid(
            "Request body must be a JSON object".into(),
        ));
    };
    let mut merged =
        serde_json::to_value(current).map_err(|e| AppError::Internal(e.to_string()))?;
    if let serde_json::Value::Object(fields) = &mut merged {
        for (k, v) in changes {
            fields.insert(k, v);
        }
    }
    from_json(merged)
}

pub fn optional_text(
    field: &str,
    value: Option<String>,
    max: usize,
) -> Result<Option<String>, AppError> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) if v.chars().count() > max => Err(AppError::invalid(
            field,
            format!("must be at most {max} characters"),
        )),
        Some(v) => {
            super::check_printable(field, v)?;
            Ok(Some(v.to_string()))
        }
    }
}

pub fn check_range(field: &str, v: f64, min: f64, max: f64) -> Result<f64, AppError> {
    if v.is_finite() && v >= min && v <= max {
        Ok(v)
    } else {
        Err(AppError::invalid(
            field,
            format!("must be between {min} and {max}"),
        ))
    }
}

pub fn check_dates(start: NaiveDate, end: NaiveDate) -> Result<(NaiveDate, NaiveDate), AppError> {
    let start = check_date("start", start)?;
    let end = check_date("end", end)?;
    if end < start {
        return Err(AppError::invalid("end", "must not be before start"));
    }
    Ok((start, end))
}

/// IANA names such as `Europe/London` or `UTC`; checked for shape, not against a database.
pub fn check_timezone(field: &str, tz: &str) -> Result<String, AppError> {
    let ok = !tz.is_empty()
        && tz.len() <= 64
        && tz.split('/').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_+-".contains(c))
        })
        && tz.chars().next().is_some_and(|c| c.is_ascii_uppercase());
    if ok {
        Ok(tz.to_string())
    } else {
        Err(AppError::invalid(
            field,
            "must be an IANA time zone such as Europe/London",
        ))
    }
}

// ---- people ----

/// Someone whose time is scheduled.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Person {
    #[schema(value_type = String)]
    pub id: Id,
    #[schema(value_type = String)]
    pub team_id: Id,
    pub name: String,
    pub email: Option<String>,
    /// Job title, such as "Designer".
    pub role: Option<String>,
    pub skills: Vec<String>,
    /// Hours per weekday, Monday first.
    pub weekly_hours: [f64; 7],
    pub timezone: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    /// Per hour, in the team's currency; empty: the rate card's for the role. Left out
    /// of what a member is sent.
    pub cost_rate: Option<f64>,
    /// Per hour, in the team's currency; empty: the rate card's for the role. Left out
    /// of what a member is sent.
    pub bill_rate: Option<f64>,
    #[schema(value_type = Option<String>)]
    pub user_id: Option<Id>,
    pub archived: bool,
    /// This record's id in another system (HR, billing, a spreadsheet): a CSV import
    /// matches rows to records by it first.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Bumped by every change to this record; sent as its `ETag`, checked by `If-Match`.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub version: u64,
}

fn default_weekly_hours() -> [f64; 7] {
    [8.0, 8.0, 8.0, 8.0, 8.0, 0.0, 0.0]
}

/// The fields of a person a client may set.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub skills: Vec<String>,
    /// Hours per weekday, Monday first, each 0 to 24.
    #[serde(default = "default_weekly_hours")]
    #[schema(min_items = 7, max_items = 7)]
    pub weekly_hours: [f64; 7],
    #[serde(default)]
    pub timezone: Option<String>,
    #[serde(default)]
    pub start_date: Option<NaiveDate>,
    #[serde(default)]
    pub end_date: Option<NaiveDate>,
    #[serde(default)]
    pub cost_rate: Option<f64>,
    #[serde(default)]
    pub bill_rate: Option<f64>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub user_id: Option<Id>,
    #[serde(default)]
    pub archived: bool,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub external_id: Option<String>,
}

impl Person {
    /// Validates `input` into a person with this id and team.
    pub fn from_input(id: Id, team_id: Id, input: PersonInput) -> Result<Person, AppError> {
        let skills = super::distinct("skills", input.skills, 100)?
            .iter()
            .map(|s| required_text("skills", s, 100))
            .collect::<Result<Vec<_>, _>>()?;
        let skills = super::distinct("skills", skills, 100)?;
        for h in input.weekly_hours {
            check_range("weekly_hours", h, 0.0, 24.0)?;
        }
        let start_date = input
            .start_date
            .map(|d| check_date("start_date", d))
            .transpose()?;
        let end_date = input
            .end_date
            .map(|d| check_date("end_date", d))
            .transpose()?;
        if let (Some(s), Some(e)) = (start_date, end_date)
            && e < s
        {
            return Err(AppError::invalid(
                "end_date",
                "must not be before start_date",
            ));
        }
        let email = match optional_text("email", input.email, 254)? {
            Some(e) => Some(super::user::normalise_email(&e)?),
            None => None,
        };
        Ok(Person {
            version: 0,
            id,
            team_id,
            name: required_text("name", &input.name, 200)?,
            email,
            role: optional_text("role", input.role, 100)?,
            skills,
            weekly_hours: input.weekly_hours,
            timezone: input
                .timezone
                .map(|tz| check_timezone("timezone", &tz))
                .transpose()?,
            start_date,
            end_date,
            cost_rate: input
                .cost_rate
                .map(|r| check_range("cost_rate", r, 0.0, 1e7))
                .transpose()?,
            bill_rate: input
                .bill_rate
                .map(|r| check_range("bill_rate", r, 0.0, 1e7))
                .transpose()?,
            user_id: input.user_id,
            archived: input.archived,
            external_id: optional_text("external_id", input.external_id, 200)?,
        })
    }

    pub fn input(&self) -> PersonInput {
        PersonInput {
            name: self.name.clone(),
            email: self.email.clone(),
            role: self.role.clone(),
            skills: self.skills.clone(),
            weekly_hours: self.weekly_hours,
            timezone: self.timezone.clone(),
            start_date: self.start_date,
            end_date: self.end_date,
            cost_rate: self.cost_rate,
            bill_rate: self.bill_rate,
            user_id: self.user_id.clone(),
            archived: self.archived,
            external_id: self.external_id.clone(),
        }
    }
}

// ---- clients ----

/// Who a project is for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Client {
    #[schema(value_type = String)]
    pub id: Id,
    #[schema(value_type = String)]
    pub team_id: Id,
    pub name: String,
    /// Archived clients keep their projects and history but are no longer offered for
    /// new work.
    #[serde(default)]
    pub archived: bool,
    /// This record's id in another system (HR, billing, a spreadsheet): a CSV import
    /// matches rows to records by it first.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Bumped by every change to this record; sent as its `ETag`, checked by `If-Match`.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub version: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientInput {
    pub name: String,
    #[serde(default)]
    pub archived: bool,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub external_id: Option<String>,
}

impl Client {
    pub fn from_input(id: Id, team_id: Id, input: ClientInput) -> Result<Client, AppError> {
        Ok(Client {
            version: 0,
            id,
            team_id,
            name: required_text("name", &input.name, 200)?,
            archived: input.archived,
            external_id: optional_text("external_id", input.external_id, 200)?,
        })
    }

    pub fn input(&self) -> ClientInput {
        ClientInput {
            name: self.name.clone(),
            archived: self.archived,
            external_id: self.external_id.clone(),
        }
    }
}

// ---- allocations ----

/// Hours per day of a person (or an unstaffed role) on a project over a date range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Allocation {
    #[schema(value_type = String)]
    pub id: Id,
    #[schema(value_type = String)]
    pub team_id: Id,
    #[schema(value_type = String)]
    pub project_id: Id,
    #[schema(value_type = Option<String>)]
    pub person_id: Option<Id>,
    /// Unstaffed demand, such as "Senior developer"; set when `person_id` is not.
    pub placeholder_role: Option<String>,
    /// First day, inclusive.
    pub start: NaiveDate,
    /// Last day, inclusive.
    pub end: NaiveDate,
    pub hours_per_day: f64,
    pub tentative: bool,
    pub note: Option<String>,
    /// Set on allocations made by the planner for a task; a later plan replaces them.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub task_id: Option<Id>,
    /// Pinned: a plan never moves or replaces it (for a planned allocation, its
    /// task keeps all its allocations and the other tasks are planned around them).
    #[serde(default)]
    pub pinned: bool,
    /// Bumped by every change to this record; sent as its `ETag`, checked by `If-Match`.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub version: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AllocationInput {
    #[schema(value_type = String)]
    pub project_id: Id,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub person_id: Option<Id>,
    #[serde(default)]
    pub placeholder_role: Option<String>,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// More than 0, at most 24. When a new booking of a person leaves it out, it is
    /// the hours the person has free on each working day of the range (the least of
    /// them), or their capacity when a day has nothing free (the booking then
    /// overbooks them); 8 for a placeholder.
    #[serde(default)]
    #[schema(exclusive_minimum = 0, maximum = 24)]
    pub hours_per_day: Option<f64>,
    #[serde(default)]
    pub tentative: bool,
    #[serde(default)]
    pub note: Option<String>,
    /// Never moved or replaced by a plan.
    #[serde(default)]
    pub pinned: bool,
}

impl Allocation {
    /// Validates the fields on their own; the references are checked against the
    /// team's schedule by the caller.
    pub fn from_input(id: Id, team_id: Id, input: AllocationInput) -> Result<Allocation, AppError> {
        let placeholder_role = optional_text("placeholder_role", input.placeholder_role, 100)?;
        match (&input.person_id, &placeholder_role) {
            (Some(_), Some(_)) => {
                return Err(AppError::invalid(
                    "person_id",
                    "give either person_id or placeholder_role, not both",
                ));
            }
            (None, None) => {
                return Err(AppError::invalid(
                    "person_id",
                    "give either person_id or placeholder_role",
                ));
            }
            _ => {}
        }
        let (start, end) = check_dates(input.start, input.end)?;
        let hours_per_day = input.hours_per_day.unwrap_or(f64::NAN);
        if !(hours_per_day.is_finite() && hours_per_day > 0.0 && hours_per_day <= 24.0) {
            return Err(AppError::invalid(
                "hours_per_day",
                "must be more than 0 and at most 24",
            ));
        }
        Ok(Allocation {
            version: 0,
            id,
            team_id,
            project_id: input.project_id,
            person_id: input.person_id,
            placeholder_role,
            start,
            end,
            hours_per_day,
            tentative: input.tentative,
            note: optional_text("note", input.note, 2000)?,
            task_id: None,
            pinned: input.pinned,
        })
    }

    pub fn input(&self) -> AllocationInput {
        AllocationInput {
            project_id: self.project_id.clone(),
            person_id: self.person_id.clone(),
            placeholder_role: self.placeholder_role.clone(),
            start: self.start,
            end: self.end,
            hours_per_day: Some(self.hours_per_day),
            tentative: self.tentative,
            note: self.note.clone(),
            pinned: self.pinned,
        }
    }

    /// Whether `[start, end]` overlaps `[from, to]` (either bound open when absent).
    pub fn overlaps(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> bool {
        from.is_none_or(|f| self.end >= f) && to.is_none_or(|t| self.start <= t)
    }
}

// ---- time off ----

pub use super::timeoff::{TimeOff, TimeOffInput};

// ---- actual hours ----

/// Hours a person really worked on a project on a day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Actual {
    #[schema(value_type = String)]
    pub id: Id,
    #[schema(value_type = String)]
    pub team_id: Id,
    #[schema(value_type = String)]
    pub person_id: Id,
    #[schema(value_type = String)]
    pub project_id: Id,
    pub date: NaiveDate,
    pub hours: f64,
    pub note: Option<String>,
    /// Bumped by every change to this record; sent as its `ETag`, checked by `If-Match`.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub version: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActualInput {
    #[schema(value_type = String)]
    pub person_id: Id,
    #[schema(value_type = String)]
    pub project_id: Id,
    pub date: NaiveDate,
    #[schema(minimum = 0, maximum = 24)]
    pub hours: f64,
    #[serde(default)]
    pub note: Option<String>,
}

impl Actual {
    pub fn from_input(id: Id, team_id: Id, input: ActualInput) -> Result<Actual, AppError> {
        Ok(Actual {
            version: 0,
            id,
            team_id,
            person_id: input.person_id,
            project_id: input.project_id,
            date: check_date("date", input.date)?,
            hours: check_range("hours", input.hours, 0.0, 24.0)?,
            note: optional_text("note", input.note, 2000)?,
        })
    }
}

// ---- calendar feeds ----

/// The secret of a person's calendar feed (`/ical/<token>.ics`), one per person. Only
/// the SHA-256 of the token is kept; rotating replaces it, which revokes the old URL.
/// Never shown by the API.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CalendarFeed {
    /// The person's id, which is also the record's id.
    pub person_id: Id,
    pub team_id: Id,
    pub token_hash: String,
    pub created_at: super::Timestamp,
}
