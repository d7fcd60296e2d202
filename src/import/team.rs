//! A whole team as one JSON document: what `GET /api/v1/team/export` gives and
//! `POST /api/v1/team/import` loads into an empty team.
//!
//! The document holds the team's settings and every schedule record (people, clients,
//! projects, allocations, time off, tasks, actual hours), never logins, password hashes
//! or session tokens. Records keep their ids so references read plainly; an import gives
//! every record a fresh id and rewrites the references, so a document can be loaded into
//! any empty team. Lists are in an order that does not depend on ids, so exporting,
//! importing and exporting again gives the same document apart from the ids.

use crate::domain::activity::Change;
use crate::domain::schedule::{Actual, ActualInput};
use crate::domain::task::Task;
use crate::domain::{Allocation, Client, Id, Person, Project, Schedule, TimeOff};
use crate::store::Record;
use crate::{AppError, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;

/// What the document says it is.
pub const FORMAT: &str = "kronuz-team";
/// The document's layout version; an import refuses others.
pub const VERSION: u32 = 1;

/// The team's own settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TeamSettings {
    pub name: String,
    pub week_start: String,
    pub timezone: String,
}

/// Everything a team has, versioned.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamDocument {
    pub format: String,
    pub version: u32,
    pub team: TeamSettings,
    #[schema(value_type = Vec<Object>)]
    pub people: Vec<Value>,
    #[schema(value_type = Vec<Object>)]
    pub clients: Vec<Value>,
    #[schema(value_type = Vec<Object>)]
    pub projects: Vec<Value>,
    #[schema(value_type = Vec<Object>)]
    pub allocations: Vec<Value>,
    #[schema(value_type = Vec<Object>)]
    pub timeoff: Vec<Value>,
    #[schema(value_type = Vec<Object>)]
    pub tasks: Vec<Value>,
    #[schema(value_type = Vec<Object>)]
    pub actuals: Vec<Value>,
}

/// Fields that hold a record's id or a reference to one.
fn is_ref(key: &str) -> bool {
    key == "id" || key.ends_with("_id") || key == "depends_on"
}

/// A record as exported: no version (a concurrency token, not data), no team id, no
/// link to a login (logins are not exported).
fn exported(record: impl Serialize) -> Value {
    let mut v = serde_json::to_value(record).unwrap_or_default();
    if let Value::Object(m) = &mut v {
        m.remove("version");
        m.remove("team_id");
        m.remove("user_id");
    }
    v
}

/// Sorts records by what they say, with references read as the names they point to.
fn sort_by_content(list: &mut [Value], names: &HashMap<String, String>) {
    let key = |v: &Value| -> String {
        let mut v = v.clone();
        if let Value::Object(m) = &mut v {
            m.remove("id");
            for (k, field) in m.iter_mut() {
                if is_ref(k) {
                    rewrite(field, &|id| names.get(id).cloned());
                }
            }
        }
        v.to_string()
    };
    list.sort_by_cached_key(key);
}

/// Replaces every id string inside `v` for which `f` has an answer.
fn rewrite(v: &mut Value, f: &dyn Fn(&str) -> Option<String>) {
    match v {
        Value::String(s) => {
            if let Some(new) = f(s) {
                *s = new;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| rewrite(i, f)),
        _ => {}
    }
}

/// The team's document.
pub fn export(s: &Schedule) -> TeamDocument {
    let mut names: HashMap<String, String> = HashMap::new();
    names.extend(
        s.people
            .values()
            .map(|p| (p.id.0.clone(), format!("person {}", p.name))),
    );
    names.extend(
        s.clients
            .values()
            .map(|c| (c.id.0.clone(), format!("client {}", c.name))),
    );
    names.extend(
        s.projects
            .values()
            .map(|p| (p.id.0.clone(), format!("project {}", p.name))),
    );
    names.extend(
        s.tasks
            .values()
            .map(|t| (t.id.0.clone(), format!("task {}", t.name))),
    );
    let list = |items: Vec<Value>| {
        let mut items = items;
        sort_by_content(&mut items, &names);
        items
    };
    TeamDocument {
        format: FORMAT.into(),
        version: VERSION,
        team: TeamSettings {
            name: s.team.name.clone(),
            week_start: s.team.week_start.clone(),
            timezone: s.team.timezone.clone(),
        },
        people: list(s.people.values().map(exported).collect()),
        clients: list(s.clients.values().map(exported).collect()),
        projects: list(s.projects.values().map(exported).collect()),
        allocations: list(s.allocations.values().map(|a| exported(&**a)).collect()),
        timeoff: list(s.timeoff.values().map(exported).collect()),
        tasks: list(s.tasks.values().map(exported).collect()),
        actuals: list(s.actuals.values().map(exported).collect()),
    }
}

/// The changes that load `doc` into the empty team of `s`, every record with a fresh id.
pub fn plan_import(doc: TeamDocument, s: &Schedule) -> Result<Vec<Change>> {
    if doc.format != FORMAT || doc.version != VERSION {
        return Err(AppError::Invalid(format!(
            "This is not a kronuz team export of version {VERSION} (format \"{FORMAT}\")"
        )));
    }
    let empty = s.people.is_empty()
        && s.clients.is_empty()
        && s.projects.is_empty()
        && s.allocations.is_empty()
        && s.timeoff.is_empty()
        && s.tasks.is_empty()
        && s.actuals.is_empty();
    if !empty {
        return Err(AppError::Conflict(
            "A team export can only be imported into an empty team".into(),
        ));
    }
    // Every record's old id -> a fresh one.
    let mut ids: HashMap<String, String> = HashMap::new();
    let lists = [
        ("people", &doc.people),
        ("clients", &doc.clients),
        ("projects", &doc.projects),
        ("allocations", &doc.allocations),
        ("timeoff", &doc.timeoff),
        ("tasks", &doc.tasks),
        ("actuals", &doc.actuals),
    ];
    for (list, items) in lists {
        for (i, item) in items.iter().enumerate() {
            let old = item.get("id").and_then(Value::as_str).ok_or_else(|| {
                AppError::Invalid(format!("{list}[{i}]: every record needs an \"id\""))
            })?;
            if ids.insert(old.to_string(), Id::random().0).is_some() {
                return Err(AppError::Invalid(format!(
                    "{list}[{i}]: the id \"{old}\" appears twice"
                )));
            }
        }
    }
    let team = s.team.id.0.clone();
    let fresh = |list: &str, i: usize, item: &Value| -> Result<Value> {
        let mut v = item.clone();
        let Value::Object(m) = &mut v else {
            return Err(AppError::Invalid(format!("{list}[{i}]: must be an object")));
        };
        for (k, field) in m.iter_mut() {
            if is_ref(k) {
                rewrite(field, &|id| ids.get(id).cloned());
            }
        }
        m.insert("team_id".into(), Value::String(team.clone()));
        m.insert("version".into(), Value::from(0));
        Ok(v)
    };
    fn typed<T: serde::de::DeserializeOwned>(list: &str, i: usize, v: Value) -> Result<T> {
        serde_json::from_value(v).map_err(|e| AppError::Invalid(format!("{list}[{i}]: {e}")))
    }
    // Each record passes the same rules as one made through the API.
    let valid = |list: &str, i: usize, checked: Result<()>| {
        checked.map_err(|e| AppError::Invalid(format!("{list}[{i}]: {e}")))
    };
    let mut changes = Vec::new();
    let mut add = |r: Record| {
        changes.push(Change {
            before: None,
            after: Some(r),
        })
    };
    // In an order where everything a record refers to comes first.
    for (i, v) in doc.clients.iter().enumerate() {
        let c = typed::<Client>("clients", i, fresh("clients", i, v)?)?;
        valid(
            "clients",
            i,
            Client::from_input(c.id.clone(), c.team_id.clone(), c.input()).map(drop),
        )?;
        add(Record::Client(c));
    }
    for (i, v) in doc.people.iter().enumerate() {
        let p = typed::<Person>("people", i, fresh("people", i, v)?)?;
        valid(
            "people",
            i,
            Person::from_input(p.id.clone(), p.team_id.clone(), p.input()).map(drop),
        )?;
        add(Record::Person(p));
    }
    for (i, v) in doc.projects.iter().enumerate() {
        let p = typed::<Project>("projects", i, fresh("projects", i, v)?)?;
        valid(
            "projects",
            i,
            Project::from_input(p.id.clone(), p.team_id.clone(), p.input(), 0, 0).map(drop),
        )?;
        add(Record::Project(p));
    }
    let mut tasks = Vec::new();
    for (i, v) in doc.tasks.iter().enumerate() {
        let t = typed::<Task>("tasks", i, fresh("tasks", i, v)?)?;
        valid(
            "tasks",
            i,
            Task::from_input(
                t.id.clone(),
                t.team_id.clone(),
                t.project_id.clone(),
                t.input(),
            )
            .map(drop),
        )?;
        tasks.push(t);
    }
    let mut ordered = crate::domain::task::dependents_first(tasks.iter());
    ordered.reverse();
    for t in ordered {
        add(Record::Task(t));
    }
    for (i, v) in doc.allocations.iter().enumerate() {
        let a = typed::<Allocation>("allocations", i, fresh("allocations", i, v)?)?;
        valid(
            "allocations",
            i,
            Allocation::from_input(a.id.clone(), a.team_id.clone(), a.input()).map(drop),
        )?;
        add(Record::Allocation(a));
    }
    for (i, v) in doc.timeoff.iter().enumerate() {
        let t = typed::<TimeOff>("timeoff", i, fresh("timeoff", i, v)?)?;
        valid(
            "timeoff",
            i,
            TimeOff::from_input(t.id.clone(), t.team_id.clone(), t.input()).map(drop),
        )?;
        add(Record::TimeOff(t));
    }
    for (i, v) in doc.actuals.iter().enumerate() {
        let a = typed::<Actual>("actuals", i, fresh("actuals", i, v)?)?;
        let input = ActualInput {
            person_id: a.person_id.clone(),
            project_id: a.project_id.clone(),
            date: a.date,
            hours: a.hours,
            note: a.note.clone(),
        };
        valid(
            "actuals",
            i,
            Actual::from_input(a.id.clone(), a.team_id.clone(), input).map(drop),
        )?;
        add(Record::Actual(a));
    }
    Ok(changes)
}
