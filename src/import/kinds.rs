//! What a row of each kind becomes: a person, client, project, allocation or time off,
//! new or matched to the one it updates.

use super::RowOutcome;
use super::plan::{Planner, date_of, same};
use crate::domain::activity::Change;
use crate::domain::schedule::{
    AllocationInput, ClientInput, PersonInput, TimeOffInput, from_json, merge_patch,
};
use crate::domain::{Allocation, Client, Id, Person, Project, ProjectInput, TimeOff};
use crate::store::Record;
use chrono::NaiveDate;
use serde_json::{Map, Value};

impl Planner<'_> {
    pub(super) fn person(&mut self, row: usize, mut v: Map<String, Value>) {
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
        let by_key = email
            .as_ref()
            .and_then(|e| self.people.get(e))
            .or_else(|| name.as_ref().and_then(|n| self.people.get(n)))
            .cloned();
        let existing = self.matched("person", &v, by_key, |id| {
            self.s
                .people
                .get(id)
                .or_else(|| self.new_people.get(id))
                .map(|p| p.external_id.clone())
        });
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
        if let Some(x) = &person.external_id {
            self.external.insert(("person", x.clone()), id.clone());
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

    pub(super) fn client(&mut self, row: usize, v: Map<String, Value>) {
        let name = v
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_lowercase();
        let team = self.s.team.id.clone();
        let by_key = self.clients.get(&name).cloned();
        let existing = self.matched("client", &v, by_key, |id| {
            self.s.clients.get(id).map(|c| c.external_id.clone())
        });
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
        if let Some(x) = &client.external_id {
            self.external.insert(("client", x.clone()), id.clone());
        }
        self.clients.insert(client.name.to_lowercase(), id);
        let label = client.name.clone();
        self.outcome(
            row,
            before.map(Record::Client),
            Record::Client(client),
            label,
        );
    }

    pub(super) fn project(&mut self, row: usize, v: &mut Map<String, Value>) {
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
                            external_id: None,
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
        let by_key = self.projects.get(&name).cloned();
        let existing = self.matched("project", v, by_key, |id| {
            self.s.projects.get(id).map(|p| p.external_id.clone())
        });
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
        if let Some(x) = &project.external_id {
            self.external.insert(("project", x.clone()), id.clone());
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

    pub(super) fn allocation(&mut self, row: usize, v: &mut Map<String, Value>) {
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
            .map(|a| Allocation::clone(a));
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

    pub(super) fn time_off(&mut self, row: usize, v: &mut Map<String, Value>) {
        let Some(person) = self.person_ref(row, v) else {
            return;
        };
        let (Some(start), Some(end)) = (date_of(v, "start"), date_of(v, "end")) else {
            return self.error(row, "start", "Start and end dates are needed");
        };
        if let Some(Value::String(name)) = v.get("type") {
            match leave_type(name) {
                Some(kind) => {
                    v.insert("type".into(), Value::String(kind.into()));
                }
                None => {
                    return self.error(
                        row,
                        "type",
                        format!(
                            "“{name}” is not a kind of leave: use Holiday, Time off, Sick or Other"
                        ),
                    );
                }
            }
        }
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
            requested_by: before.as_ref().and_then(|b| b.requested_by.clone()),
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

/// A leave type as other tools write it ("Vacation", "Sick leave", "PTO") in the API's words.
fn leave_type(name: &str) -> Option<&'static str> {
    let key: String = name
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    Some(match key.as_str() {
        "holiday" | "publicholiday" | "bankholiday" | "companyholiday" => "holiday",
        "timeoff" | "leave" | "vacation" | "annualleave" | "pto" | "paidtimeoff" | "dayoff"
        | "personal" => "time_off",
        "sick" | "sickleave" | "illness" | "sickness" => "sick",
        "other" => "other",
        _ => return None,
    })
}
