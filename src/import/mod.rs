//! Bringing a firm's data in: CSV files of people, clients, projects, allocations and
//! time off ([`csv`]), planned against a snapshot of the team's schedule.
//!
//! Planning is pure: it reads the file and the schedule and answers what would happen
//! (rows to create, to update, unchanged, and every error with its row and column) with
//! the record changes that do it. Applying hands those changes to the actor as one
//! `Edit::Batch` (via a proposal, so that a schedule changed meanwhile is noticed): all
//! rows or none, one entry in the activity log, one undo. Rows are matched to existing
//! records (people, clients and projects by `external_id`, their id in the system the
//! file comes from, when the row has one and a record carries it; else people by email,
//! else by name, and clients and projects by name, unless the record found that way
//! carries another external id; allocations by person, project and dates; time off by
//! person and dates), so importing the same file twice changes nothing the second time.

pub mod csv;
mod kinds;
mod plan;
pub mod taskjuggler;
pub mod team;

use self::csv::{DateFormat, Ty, cell, normalise_header};
use crate::domain::activity::Change;
use crate::domain::{Schedule, Timestamp};
use crate::{AppError, Result};
use plan::Planner;
use serde::Serialize;
use serde_json::Map;

/// What a CSV file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportKind {
    People,
    Clients,
    Projects,
    Allocations,
    TimeOff,
}

impl ImportKind {
    pub fn from_path(s: &str) -> Option<ImportKind> {
        Some(match s {
            "people" => ImportKind::People,
            "clients" => ImportKind::Clients,
            "projects" => ImportKind::Projects,
            "allocations" => ImportKind::Allocations,
            "timeoff" => ImportKind::TimeOff,
            _ => return None,
        })
    }

    fn noun(self) -> &'static str {
        match self {
            ImportKind::People => "people",
            ImportKind::Clients => "clients",
            ImportKind::Projects => "projects",
            ImportKind::Allocations => "allocations",
            ImportKind::TimeOff => "time off",
        }
    }

    /// The columns this kind understands: the field, its header aliases, its type.
    fn columns(self) -> &'static [Column] {
        match self {
            ImportKind::People => PEOPLE,
            ImportKind::Clients => CLIENTS,
            ImportKind::Projects => PROJECTS,
            ImportKind::Allocations => ALLOCATIONS,
            ImportKind::TimeOff => TIMEOFF,
        }
    }
}

/// A column kronuz understands.
struct Column {
    field: &'static str,
    aliases: &'static [&'static str],
    ty: Ty,
}

const fn col(field: &'static str, aliases: &'static [&'static str], ty: Ty) -> Column {
    Column { field, aliases, ty }
}

/// A record's id in the system a file comes from.
const EXTERNAL_ID: &[&str] = &[
    "externalid",
    "externalref",
    "reference",
    "ref",
    "id",
    "clientid",
    "clientcode",
    "customerid",
];

const PEOPLE: &[Column] = &[
    col("external_id", EXTERNAL_ID_PERSON, Ty::Text),
    col(
        "name",
        &["name", "fullname", "person", "personname"],
        Ty::Text,
    ),
    col("email", &["email", "emailaddress", "mail"], Ty::Text),
    col("role", &["role", "jobtitle", "title", "position"], Ty::Text),
    col("skills", &["skills", "skill", "tags"], Ty::List),
    col(
        "hours_per_day",
        &["hoursperday", "hoursday", "dailyhours", "workhoursperday"],
        Ty::Number,
    ),
    col(
        "hours_per_week",
        &["weeklyhours", "hoursperweek", "hoursweek", "capacity"],
        Ty::Number,
    ),
    col("timezone", &["timezone", "tz", "timezonename"], Ty::Text),
    col("start_date", &["startdate", "start", "hiredate"], Ty::Date),
    col("end_date", &["enddate", "end", "leavingdate"], Ty::Date),
    col(
        "cost_rate",
        &["costrate", "cost", "costperhour"],
        Ty::Number,
    ),
    col(
        "bill_rate",
        &["billrate", "rate", "billingrate", "hourlyrate"],
        Ty::Number,
    ),
];

const EXTERNAL_ID_PERSON: &[&str] = &[
    "externalid",
    "externalref",
    "reference",
    "ref",
    "id",
    "employeeid",
    "employeenumber",
    "personid",
];

const CLIENTS: &[Column] = &[
    col("external_id", EXTERNAL_ID, Ty::Text),
    col("name", &["name", "client", "clientname"], Ty::Text),
];

const PROJECTS: &[Column] = &[
    col(
        "external_id",
        &[
            "externalid",
            "externalref",
            "reference",
            "ref",
            "id",
            "projectid",
            "projectcode",
            "code",
        ],
        Ty::Text,
    ),
    col("name", &["name", "project", "projectname"], Ty::Text),
    col("client", &["client", "clientname", "customer"], Ty::Text),
    col("status", &["status", "stage"], Ty::Text),
    col("probability", &["probability", "chance"], Ty::Number),
    col("start", &["start", "startdate"], Ty::Date),
    col("end", &["end", "enddate"], Ty::Date),
    col(
        "budget_hours",
        &["budgethours", "budget", "hoursbudget"],
        Ty::Number,
    ),
    col("billable", &["billable"], Ty::Bool),
    col("color", &["color", "colour"], Ty::Text),
];

const ALLOCATIONS: &[Column] = &[
    col(
        "person",
        &[
            "person",
            "personname",
            "name",
            "resource",
            "email",
            "personemail",
            "assignee",
        ],
        Ty::Text,
    ),
    col("project", &["project", "projectname"], Ty::Text),
    col(
        "placeholder_role",
        &["placeholder", "placeholderrole", "role"],
        Ty::Text,
    ),
    col("start", &["start", "startdate", "from"], Ty::Date),
    col("end", &["end", "enddate", "to", "until"], Ty::Date),
    col(
        "hours_per_day",
        &["hoursperday", "hoursday", "hours", "dailyhours"],
        Ty::Number,
    ),
    col("tentative", &["tentative"], Ty::Bool),
    col("note", &["note", "notes", "comment"], Ty::Text),
];

const TIMEOFF: &[Column] = &[
    col(
        "person",
        &["person", "personname", "name", "email", "personemail"],
        Ty::Text,
    ),
    col("start", &["start", "startdate", "from"], Ty::Date),
    col("end", &["end", "enddate", "to", "until"], Ty::Date),
    col("reason", &["reason", "note", "notes", "comment"], Ty::Text),
    col(
        "type",
        &["type", "leavetype", "kind", "category", "absencetype"],
        Ty::Text,
    ),
    col(
        "hours",
        &["hours", "hoursoff", "hoursperday", "hoursday"],
        Ty::Number,
    ),
];

/// How to read the file.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    pub date_format: DateFormat,
}

/// What one row does.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RowOutcome {
    /// The row's line in the file (the header is line 1).
    pub row: usize,
    /// "create", "update" or "unchanged".
    pub action: &'static str,
    /// The record in words, e.g. "Ann Smith" or "Ann Smith on Atlas, 2026-03-02 to 2026-03-06".
    pub name: String,
}

/// Why a row cannot be imported.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RowError {
    pub row: usize,
    /// The column's header as the file names it ("" when the row as a whole is at fault).
    pub column: String,
    pub message: String,
}

/// The answer to a dry run or an import.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct Report {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rows: Vec<RowOutcome>,
    pub errors: Vec<RowError>,
    /// Things that do not stop the import, e.g. a column kronuz does not know.
    pub warnings: Vec<String>,
}

/// A planned import: its report, and the changes that apply it.
pub struct Plan {
    pub report: Report,
    pub summary: String,
    pub changes: Vec<Change>,
}

/// Reads `text` as a CSV of `kind` and plans it against `s`.
pub fn plan_csv(
    kind: ImportKind,
    text: &str,
    s: &Schedule,
    options: Options,
    now: Timestamp,
) -> Result<Plan> {
    let table = csv::read(text)?;
    let columns = kind.columns();
    // Which file column feeds which field; the first matching header wins.
    let mut by_field: Vec<Option<usize>> = vec![None; columns.len()];
    let mut warnings = Vec::new();
    for (i, header) in table.headers.iter().enumerate() {
        let h = normalise_header(header);
        match columns.iter().position(|c| c.aliases.contains(&h.as_str())) {
            Some(f) if by_field[f].is_none() => by_field[f] = Some(i),
            Some(_) => warnings.push(format!(
                "Column \"{header}\" repeats another one and is ignored"
            )),
            None if h.is_empty() => {}
            None => warnings.push(format!(
                "Column \"{header}\" is not one kronuz imports and is ignored"
            )),
        }
    }
    let required: &[&str] = match kind {
        ImportKind::Allocations => &["project", "start", "end"],
        ImportKind::TimeOff => &["start", "end"],
        _ => &["name"],
    };
    for field in required {
        let f = columns.iter().position(|c| &c.field == field).unwrap_or(0);
        if by_field[f].is_none() {
            return Err(AppError::Invalid(format!(
                "The file needs a \"{}\" column (one of: {})",
                field,
                columns[f].aliases.join(", ")
            )));
        }
    }
    let mut planner = Planner::new(kind, s, now, &table.headers, columns, &by_field);
    planner.report.warnings = warnings;
    for (line, cells) in &table.rows {
        let mut values = Map::new();
        let mut bad = false;
        for (f, column) in columns.iter().enumerate() {
            let Some(i) = by_field[f] else { continue };
            let raw = cells.get(i).map(String::as_str).unwrap_or("");
            if raw.is_empty() {
                continue;
            }
            match cell(column.ty, raw, options.date_format) {
                Ok(v) => {
                    values.insert(column.field.to_string(), v);
                }
                Err(message) => {
                    bad = true;
                    planner.error(*line, column.field, message);
                }
            }
        }
        if !bad {
            planner.row(*line, values);
        }
    }
    let report = planner.report;
    let summary = format!(
        "Imported {}: {} created, {} updated",
        kind.noun(),
        report.created,
        report.updated
    );
    Ok(Plan {
        report,
        summary,
        changes: planner.changes,
    })
}
