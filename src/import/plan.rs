//! Planning an import row by row: matching each row to the record it is, and
//! keeping what earlier rows of the same file made.

use super::{Column, ImportKind, Report, RowError, RowOutcome};
use crate::AppError;
use crate::domain::activity::Change;
use crate::domain::{Allocation, Id, Person, Project, Schedule, Timestamp};
use crate::store::Record;
use chrono::NaiveDate;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The key an allocation is matched by: who (person or placeholder role), project, dates.
pub(super) type AllocationKey = (Option<Id>, Option<String>, Id, NaiveDate, NaiveDate);

/// Plans rows one at a time, keeping what earlier rows of the file made.
pub(super) struct Planner<'a> {
    pub(super) kind: ImportKind,
    pub(super) s: &'a Schedule,
    pub(super) now: Timestamp,
    pub(super) headers: &'a [String],
    pub(super) columns: &'a [Column],
    pub(super) by_field: &'a [Option<usize>],
    pub(super) report: Report,
    pub(super) changes: Vec<Change>,
    /// Lower-case email or name -> person id (existing and new).
    pub(super) people: HashMap<String, Id>,
    pub(super) clients: HashMap<String, Id>,
    pub(super) projects: HashMap<String, Id>,
    /// External id -> record id, per kind (existing and new): matched before anything.
    pub(super) external: HashMap<(&'static str, String), Id>,
    pub(super) allocations: HashMap<AllocationKey, Id>,
    pub(super) timeoff: HashMap<(Option<Id>, NaiveDate, NaiveDate), Id>,
    /// Which row already wrote each record id.
    pub(super) written: HashMap<Id, usize>,
    /// Records this file creates, by id (so later rows see them).
    pub(super) new_people: HashMap<Id, Person>,
}

impl<'a> Planner<'a> {
    pub(super) fn new(
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
        let mut external = HashMap::new();
        for p in s.people.values() {
            if let Some(x) = &p.external_id {
                external.insert(("person", x.clone()), p.id.clone());
            }
        }
        for c in s.clients.values() {
            if let Some(x) = &c.external_id {
                external.insert(("client", x.clone()), c.id.clone());
            }
        }
        for p in s.projects.values() {
            if let Some(x) = &p.external_id {
                external.insert(("project", x.clone()), p.id.clone());
            }
        }
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
            external,
            allocations,
            timeoff,
            written: HashMap::new(),
            new_people: HashMap::new(),
        }
    }

    /// The file's own header for `field` (or the field's name).
    pub(super) fn header(&self, field: &str) -> String {
        self.columns
            .iter()
            .position(|c| c.field == field)
            .and_then(|f| self.by_field[f])
            .and_then(|i| self.headers.get(i))
            .cloned()
            .unwrap_or_default()
    }

    pub(super) fn error(&mut self, row: usize, field: &str, message: impl Into<String>) {
        let column = self.header(field);
        self.report.errors.push(RowError {
            row,
            column,
            message: message.into(),
        });
    }

    /// Reports a validation failure, naming the column when the message names a field.
    pub(super) fn invalid(&mut self, row: usize, e: AppError) {
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
    pub(super) fn column_of(&self, record_field: &str) -> String {
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

    pub(super) fn by_field_of(&self, field: &str) -> bool {
        self.columns
            .iter()
            .position(|c| c.field == field)
            .is_some_and(|f| self.by_field[f].is_some())
    }

    /// Records that `row` writes record `id`; a second row writing it is an error.
    pub(super) fn claim(&mut self, row: usize, id: &Id) -> bool {
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

    pub(super) fn outcome(
        &mut self,
        row: usize,
        before: Option<Record>,
        after: Record,
        name: String,
    ) {
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

    /// The record a row names, by kind: by its external id when the row has one and a
    /// record carries it; else by `by_key` (email, then name), unless the record found
    /// that way carries another external id (it is another record over there).
    pub(super) fn matched(
        &self,
        kind: &'static str,
        v: &Map<String, Value>,
        by_key: Option<Id>,
        external_of: impl Fn(&Id) -> Option<Option<String>>,
    ) -> Option<Id> {
        let external = v.get("external_id").and_then(Value::as_str).map(str::trim);
        if let Some(x) = external.filter(|x| !x.is_empty()) {
            if let Some(id) = self.external.get(&(kind, x.to_string())) {
                return Some(id.clone());
            }
            return by_key.filter(|id| match external_of(id) {
                Some(Some(theirs)) => theirs == x,
                _ => true,
            });
        }
        by_key
    }

    pub(super) fn row(&mut self, row: usize, mut v: Map<String, Value>) {
        match self.kind {
            ImportKind::People => self.person(row, v),
            ImportKind::Clients => self.client(row, v),
            ImportKind::Projects => self.project(row, &mut v),
            ImportKind::Allocations => self.allocation(row, &mut v),
            ImportKind::TimeOff => self.time_off(row, &mut v),
        }
    }
}

pub(super) fn allocation_key(a: &Allocation) -> AllocationKey {
    (
        a.person_id.clone(),
        a.placeholder_role.clone(),
        a.project_id.clone(),
        a.start,
        a.end,
    )
}

pub(super) fn date_of(v: &Map<String, Value>, field: &str) -> Option<NaiveDate> {
    v.get(field)?.as_str()?.parse().ok()
}

/// Whether two versions of a record say the same (versions and update times aside).
pub(super) fn same(before: &Record, after: &Record) -> bool {
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
