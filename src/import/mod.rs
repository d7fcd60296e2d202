//! Bringing a firm's data in: CSV files of people, clients, projects, allocations and
//! time off ([`csv`]), planned against a snapshot of the team's schedule.
//!
//! Planning is pure: it reads the file and the schedule and answers what would happen
//! (rows to create, to update, unchanged, and every error with its row and column) with
//! the record changes that do it. Applying hands those changes to the actor as one
//! `Edit::Batch` (via a proposal, so that a schedule changed meanwhile is noticed): all
//! rows or none, one entry in the activity log, one undo. Rows are matched to existing
//! records (people by email, else by name; clients and projects by name; allocations by
//! person, project and dates; time off by person and dates), so importing the same file
//! twice changes nothing the second time.

pub mod csv;
pub mod taskjuggler;
pub mod team;

use self::csv::{DateFormat, Ty, cell, normalise_header};
use crate::domain::activity::Change;
use crate::domain::schedule::{
    AllocationInput, ClientInput, PersonInput, TimeOffInput, from_json, merge_patch,
};
use crate::domain::{
    Allocation, Client, Id, Person, Project, ProjectInput, Schedule, TimeOff, Timestamp,
};
use crate::store::Record;
use crate::{AppError, Result};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashMap;

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

const PEOPLE: &[Column] = &[
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

const CLIENTS: &[Column] = &[col("name", &["name", "client", "clientname"], Ty::Text)];

const PROJECTS: &[Column] = &[
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
    col(
        "reason",
        &["reason", "type", "leavetype", "note", "notes"],
        Ty::Text,
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

/// The key an allocation is matched by: who (person or placeholder role), project, dates.
type AllocationKey = (Option<Id>, Option<String>, Id, NaiveDate, NaiveDate);

/// Plans rows one at a time, keeping what earlier rows of the file made.
struct Planner<'a> {
    kind: ImportKind,
    s: &'a Schedule,
    now: Timestamp,
    headers: &'a [String],
    columns: &'a [Column],
    by_field: &'a [Option<usize>],
    report: Report,
    changes: Vec<Change>,
    /// Lower-case email or name -> person id (existing and new).
    people: HashMap<String, Id>,
    clients: HashMap<String, Id>,
    projects: HashMap<String, Id>,
    allocations: HashMap<AllocationKey, Id>,
    timeoff: HashMap<(Option<Id>, NaiveDate, NaiveDate), Id>,
    /// Which row already wrote each record id.
    written: HashMap<Id, usize>,
    /// Records this file creates, by id (so later rows see them).
    new_people: HashMap<Id, Person>,
}

impl<'a> Planner<'a> {
    fn new(
        kind: ImportKind,
        s: &'a Schedule,
        now: Timestamp,
        headers: &'a [String],
        columns: &'a [Column],
        by_field: &'a [Option<usize>],
    ) -> Planner<'a> {
        let mut people = HashMap::new();
        // Names first, so that an email (more specific) wins a clash.
        for p in s.people.values() {
            people.insert(p.name.to_lowercase(), p.id.clone());
        }
        for p in s.people.values() {
            if let Some(e) = &p.email {
                people.insert(e.to_lowercase(), p.id.clone());
            }
        }
        let clients = s
            .clients
            .values()
            .map(|c| (c.name.to_lowercase(), c.id.clone()))
            .collect();
        let projects = s
            .projects
            .values()
            .map(|p| (p.name.to_lowercase(), p.id.clone()))
            .collect();
        let allocations = if kind == ImportKind::Allocations {
            s.allocations
                .values()
                .map(|a| (allocation_key(a), a.id.clone()))
                .collect()
        } else {
            HashMap::new()
        };
        let timeoff = s
            .timeoff
            .values()
            .map(|t| ((t.person_id.clone(), t.start, t.end), t.id.clone()))
            .collect();
        Planner {
            kind,
            s,
            now,
            headers,
            columns,
            by_field,
            report: Report::default(),
            changes: Vec::new(),
            people,
            clients,
            projects,
            allocations,
            timeoff,
            written: HashMap::new(),
            new_people: HashMap::new(),
        }
    }

    /// The file's own header for `field` (or the field's name).
    fn header(&self, field: &str) -> String {
        self.columns
            .iter()
            .position(|c| c.field == field)
            .and_then(|f| self.by_field[f])
            .and_then(|i| self.headers.get(i))
            .cloned()
            .unwrap_or_default()
    }

    fn error(&mut self, row: usize, field: &str, message: impl Into<String>) {
        let column = self.header(field);
        self.report.errors.push(RowError {
            row,
            column,
            message: message.into(),
        });
    }

    /// Reports a validation failure, naming the column when the message names a field.
    fn invalid(&mut self, row: usize, e: AppError) {
        let text = match e {
            AppError::Invalid(m) => m,
            other => other.to_string(),
        };
        let text = text
            .strip_prefix("Invalid request body: ")
            .unwrap_or(&text)
            .to_string();
        let (field, message) = match text.split_once(": ") {
            Some((f, m)) if !f.contains(' ') => (self.column_of(f), m.to_string()),
            _ => (String::new(), text.clone()),
        };
        self.report.errors.push(RowError {
            row,
            column: field,
            message,
        });
    }

    /// A record field's column in the file.
    fn column_of(&self, record_field: &str) -> String {
        let field = match (self.kind, record_field) {
            (ImportKind::People, "weekly_hours") => {
                if self.by_field_of("hours_per_day") {
                    "hours_per_day"
                } else {
                    "hours_per_week"
                }
            }
            (_, "person_id") => "person",
            (_, "project_id") => "project",
            (_, "client_id") => "client",
            (_, f) => f,
        };
        let header = self.header(field);
        if header.is_empty() {
            record_field.to_string()
        } else {
            header
        }
    }

    fn by_field_of(&self, field: &str) -> bool {
        self.columns
            .iter()
            .position(|c| c.field == field)
            .is_some_and(|f| self.by_field[f].is_some())
    }

    /// Records that `row` writes record `id`; a second row writing it is an error.
    fn claim(&mut self, row: usize, id: &Id) -> bool {
        if let Some(first) = self.written.get(id) {
            let first = *first;
            self.error(
                row,
                "",
                format!("Row {first} already imports this record: each record may appear once"),
            );
            return false;
        }
        self.written.insert(id.clone(), row);
        true
    }

    fn outcome(&mut self, row: usize, before: Option<Record>, after: Record, name: String) {
        let action = match &before {
            None => {
                self.report.created += 1;
                "create"
            }
            Some(b) if same(b, &after) => {
                self.report.unchanged += 1;
                "unchanged"
            }
            Some(_) => {
                self.report.updated += 1;
                "update"
            }
        };
        self.report.rows.push(RowOutcome { row, action, name });
        if action != "unchanged" {
            self.changes.push(Change {
                before,
                after: Some(after),
            });
        }
    }

    fn row(&mut self, row: usize, mut v: Map<String, Value>) {
        match self.kind {
            ImportKind::People => self.person(row, v),
            ImportKind::Clients => self.client(row, v),
            ImportKind::Projects => self.project(row, &mut v),
            ImportKind::Allocations => self.allocation(row, &mut v),
            ImportKind::TimeOff => self.time_off(row, &mut v),
        }
    }

    fn person(&mut self, row: usize, mut v: Map<String, Value>) {
        let per_day = v.remove("hours_per_day").and_then(|h| h.as_f64());
        let per_week = v.remove("hours_per_week").and_then(|h| h.as_f64());
        if let Some(h) = per_day.or(per_week.map(|w| w / 5.0)) {
            v.insert(
                "weekly_hours".into(),
                serde_json::json!([h, h, h, h, h, 0.0, 0.0]),
            );
        }
        let email = v
            .get("email")
            .and_then(Value::as_str)
            .map(str::to_lowercase);
        let name = v.get("name").and_then(Value::as_str).map(str::to_lowercase);
        let existing = email
            .as_ref()
            .and_then(|e| self.people.get(e))
            .or_else(|| name.as_ref().and_then(|n| self.people.get(n)))
            .cloned();
        let team = self.s.team.id.clone();
        if let Some(id) = existing
            .as_ref()
            .filter(|id| !self.s.people.contains_key(*id))
        {
            // A person made by an earlier row of this file.
            let id = id.clone();
            self.claim(row, &id);
            return;
        }
        let (id, before, input) = match existing.and_then(|id| self.s.people.get(&id)) {
            Some(p) => (
                p.id.clone(),
                Some(p.clone()),
                merge_patch::<PersonInput>(&p.input(), Value::Object(v)),
            ),
            None => {
                if !v.contains_key("timezone") {
                    v.insert(
                        "timezone".into(),
                        Value::String(self.s.team.timezone.clone()),
                    );
                }
                (
                    Id::random(),
                    None,
                    from_json::<PersonInput>(Value::Object(v)),
                )
            }
        };
        let person = match input.and_then(|i| Person::from_input(id.clone(), team, i)) {
            Ok(p) => p,
            Err(e) => return self.invalid(row, e),
        };
        if !self.claim(row, &id) {
            return;
        }
        let person = Person {
            version: before.as_ref().map_or(0, |b| b.version),
            ..person
        };
        self.people.insert(person.name.to_lowercase(), id.clone());
        if let Some(e) = &person.email {
            self.people.insert(e.clone(), id.clone());
        }
        if before.is_none() {
            self.new_people.insert(id, person.clone());
        }
        let name = person.name.clone();
        self.outcome(
            row,
            before.map(Record::Person),
            Record::Person(person),
            name,
        );
    }

    fn client(&mut self, row: usize, v: Map<String, Value>) {
        let name = v
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_lowercase();
        let team = self.s.team.id.clone();
        let existing = self.clients.get(&name).cloned();
        let before = existing
            .as_ref()
            .and_then(|id| self.s.clients.get(id))
            .cloned();
        let id = existing.unwrap_or_else(Id::random);
        let input = match &before {
            Some(c) => merge_patch::<ClientInput>(&c.input(), Value::Object(v)),
            None => from_json::<ClientInput>(Value::Object(v)),
        };
        let client = match input.and_then(|i| Client::from_input(id.clone(), team, i)) {
            Ok(c) => c,
            Err(e) => return self.invalid(row, e),
        };
        if !self.claim(row, &id) {
            return;
        }
        let client = Client {
            version: before.as_ref().map_or(0, |b| b.version),
            ..client
        };
        self.clients.insert(client.name.to_lowercase(), id);
        let label = client.name.clone();
        self.outcome(
            row,
            before.map(Record::Client),
            Record::Client(client),
            label,
        );
    }

    fn project(&mut self, row: usize, v: &mut Map<String, Value>) {
        if let Some(Value::String(status)) = v.get_mut("status") {
            *status = status.to_lowercase();
        }
        // A client named but not yet known is created with the project.
        if let Some(Value::String(client)) = v.remove("client") {
            let key = client.to_lowercase();
            let id = match self.clients.get(&key) {
                Some(id) => id.clone(),
                None => {
                    let made = Client::from_input(
                        Id::random(),
                        self.s.team.id.clone(),
                        ClientInput {
                            name: client.clone(),
                            archived: false,
                        },
                    );
                    match made {
                        Ok(c) => {
                            let id = c.id.clone();
                            self.clients.insert(key, id.clone());
                            self.report.created += 1;
                            self.report.rows.push(RowOutcome {
                                row,
                                action: "create",
                                name: format!("Client {}", c.name),
                            });
                            self.changes.push(Change {
                                before: None,
                                after: Some(Record::Client(c)),
                            });
                            id
                        }
                        Err(e) => return self.invalid(row, e),
                    }
                }
            };
            v.insert("client_id".into(), Value::String(id.0));
        }
        let name = v
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_lowercase();
        let existing = self.projects.get(&name).cloned();
        let before = existing
            .as_ref()
            .and_then(|id| self.s.projects.get(id))
            .cloned();
        let id = existing.unwrap_or_else(Id::random);
        let patch = Value::Object(std::mem::take(v));
        let project = match &before {
            Some(p) => crate::domain::project::patch_project(p, patch, self.now),
            None => from_json::<ProjectInput>(patch).and_then(|i| {
                Project::from_input(
                    id.clone(),
                    self.s.team.id.clone(),
                    i,
                    self.now,
                    self.s.projects.len() + self.report.created,
                )
            }),
        };
        let project = match project {
            Ok(p) => p,
            Err(e) => return self.invalid(row, e),
        };
        if !self.claim(row, &id) {
            return;
        }
        let mut project = Project {
            version: before.as_ref().map_or(0, |b| b.version),
            ..project
        };
        if let Some(b) = &before
            && same(
                &Record::Project(b.clone()),
                &Record::Project(project.clone()),
            )
        {
            project.updated_at = b.updated_at;
        }
        self.projects.insert(project.name.to_lowercase(), id);
        let label = project.name.clone();
        self.outcome(
            row,
            before.map(Record::Project),
            Record::Project(project),
            label,
        );
    }

    /// The person a row names (by email or name), or an error on its column.
    fn person_ref(&mut self, row: usize, v: &mut Map<String, Value>) -> Option<Option<Id>> {
        match v.remove("person") {
            Some(Value::String(who)) => match self.people.get(&who.to_lowercase()) {
                Some(id) => {
                    v.insert("person_id".into(), Value::String(id.0.clone()));
                    Some(Some(id.clone()))
                }
                None => {
                    self.error(
                        row,
                        "person",
                        format!("No person \"{who}\" in this team: import people first"),
                    );
                    None
                }
            },
            _ => Some(None),
        }
    }

    fn allocation(&mut self, row: usize, v: &mut Map<String, Value>) {
        let Some(person) = self.person_ref(row, v) else {
            return;
        };
        let project = match v.remove("project") {
            Some(Value::String(name)) => match self.projects.get(&name.to_lowercase()) {
                Some(id) => id.clone(),
                None => {
                    return self.error(
                        row,
                        "project",
                        format!("No project \"{name}\" in this team: import projects first"),
                    );
                }
            },
            _ => return self.error(row, "project", "A project is needed"),
        };
        v.insert("project_id".into(), Value::String(project.0.clone()));
        if person.is_some() {
            v.remove("placeholder_role");
        } else if !v.contains_key("placeholder_role") {
            return self.error(row, "person", "A person (or a placeholder role) is needed");
        }
        let (Some(start), Some(end)) = (date_of(v, "start"), date_of(v, "end")) else {
            return self.error(row, "start", "Start and end dates are needed");
        };
        let placeholder = v
            .get("placeholder_role")
            .and_then(Value::as_str)
            .map(str::to_string);
        let key = (person.clone(), placeholder, project, start, end);
        let existing = self.allocations.get(&key).cloned();
        let before = existing
            .as_ref()
            .and_then(|id| self.s.allocations.get(id))
            .cloned();
        let id = existing.unwrap_or_else(Id::random);
        let input = match &before {
            Some(a) => merge_patch::<AllocationInput>(&a.input(), Value::Object(std::mem::take(v))),
            None => from_json::<AllocationInput>(Value::Object(std::mem::take(v))).map(|mut i| {
                if i.hours_per_day.is_none() {
                    i.hours_per_day = Some(self.default_hours(i.person_id.as_ref(), start, end));
                }
                i
            }),
        };
        let allocation = match input
            .and_then(|i| Allocation::from_input(id.clone(), self.s.team.id.clone(), i))
        {
            Ok(a) => a,
            Err(e) => return self.invalid(row, e),
        };
        if !self.claim(row, &id) {
            return;
        }
        let allocation = Allocation {
            version: before.as_ref().map_or(0, |b| b.version),
            ..allocation
        };
        self.allocations.insert(key, id);
        let label = self.allocation_label(&allocation);
        self.outcome(
            row,
            before.map(Record::Allocation),
            Record::Allocation(allocation),
            label,
        );
    }

    fn default_hours(&self, person: Option<&Id>, start: NaiveDate, end: NaiveDate) -> f64 {
        let person =
            person.and_then(|id| self.s.people.get(id).or_else(|| self.new_people.get(id)));
        match person {
            Some(p) if start <= end => {
                crate::domain::booked::default_hours_per_day(self.s, p, start, end)
            }
            _ => 8.0,
        }
    }

    fn allocation_label(&self, a: &Allocation) -> String {
        let who = match &a.person_id {
            Some(id) => self
                .s
                .people
                .get(id)
                .map(|p| p.name.clone())
                .unwrap_or_default(),
            None => a.placeholder_role.clone().unwrap_or_default(),
        };
        let project = self
            .s
            .projects
            .get(&a.project_id)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        format!("{who} on {project}, {} to {}", a.start, a.end)
    }

    fn time_off(&mut self, row: usize, v: &mut Map<String, Value>) {
        let Some(person) = self.person_ref(row, v) else {
            return;
        };
        let (Some(start), Some(end)) = (date_of(v, "start"), date_of(v, "end")) else {
            return self.error(row, "start", "Start and end dates are needed");
        };
        let key = (person.clone(), start, end);
        let existing = self.timeoff.get(&key).cloned();
        let before = existing
            .as_ref()
            .and_then(|id| self.s.timeoff.get(id))
            .cloned();
        let id = existing.unwrap_or_else(Id::random);
        let input = match &before {
            Some(t) => merge_patch::<TimeOffInput>(&t.input(), Value::Object(std::mem::take(v))),
            None => from_json::<TimeOffInput>(Value::Object(std::mem::take(v))),
        };
        let t = match input.and_then(|i| TimeOff::from_input(id.clone(), self.s.team.id.clone(), i))
        {
            Ok(t) => t,
            Err(e) => return self.invalid(row, e),
        };
        if !self.claim(row, &id) {
            return;
        }
        let t = TimeOff {
            version: before.as_ref().map_or(0, |b| b.version),
            ..t
        };
        self.timeoff.insert(key, id);
        let who = person
            .and_then(|id| self.s.people.get(&id).map(|p| p.name.clone()))
            .unwrap_or_else(|| "Everyone".into());
        let label = format!("{who}, {start} to {end}");
        self.outcome(row, before.map(Record::TimeOff), Record::TimeOff(t), label);
    }
}

fn allocation_key(a: &Allocation) -> AllocationKey {
    (
        a.person_id.clone(),
        a.placeholder_role.clone(),
        a.project_id.clone(),
        a.start,
        a.end,
    )
}

fn date_of(v: &Map<String, Value>, field: &str) -> Option<NaiveDate> {
    v.get(field)?.as_str()?.parse().ok()
}

/// Whether two versions of a record say the same (versions and update times aside).
fn same(before: &Record, after: &Record) -> bool {
    match (before, after) {
        (Record::Project(b), Record::Project(a)) => {
            Project {
                updated_at: 0,
                version: 0,
                ..b.clone()
            } == Project {
                updated_at: 0,
                version: 0,
                ..a.clone()
            }
        }
        _ => {
            let mut a = after.clone();
            a.set_version(before.version());
            &a == before
        }
    }
}
