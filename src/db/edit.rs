//! Changing a team's schedule: one entry point, [`Db::edit`], for every create, update,
//! delete and undo, so that each change is validated, applied, logged in the activity
//! history and turned into store mutations the same way.

use super::state::{Applied, Db};
use crate::domain::activity::{Activity, Change};
use crate::domain::project::patch_project;
use crate::domain::schedule::{
    Actual, ActualInput, AllocationInput, ClientInput, PersonInput, TimeOffInput, merge_patch,
};
use crate::domain::task::{Task, TaskInput, check_no_cycle_from};
use crate::domain::{
    Allocation, AuthUser, Client, Id, Person, Project, ProjectInput, Schedule, TimeOff, Timestamp,
};
use crate::store::{Kind, Mutation, Record};
use crate::{AppError, Result};
use serde_json::Value;

/// A change a person asks for.
#[derive(Debug)]
pub enum Edit {
    CreatePerson(PersonInput),
    PatchPerson(Id, Value),
    ArchivePerson(Id),
    CreateClient(ClientInput),
    PatchClient(Id, Value),
    DeleteClient(Id),
    CreateProject(ProjectInput),
    PatchProject(Id, Value),
    DeleteProject(Id),
    CreateAllocation(AllocationInput),
    PatchAllocation(Id, Value),
    DeleteAllocation(Id),
    CreateTimeOff(TimeOffInput),
    PatchTimeOff(Id, Value),
    DeleteTimeOff(Id),
    RecordActual(ActualInput),
    DeleteActual(Id),
    /// A task of project `.0`.
    CreateTask(Id, TaskInput),
    PatchTask(Id, Value),
    DeleteTask(Id),
    /// Reverts an activity entry.
    Undo(Id),
    /// Several changes as one step (an applied plan), with a summary.
    Batch(String, Vec<Change>),
}

// ---- records in a schedule, by kind ----

pub(super) fn put_record(s: &mut Schedule, record: Record) {
    match record {
        Record::Person(x) => {
            s.people.insert(x.id.clone(), x);
        }
        Record::Client(x) => {
            s.clients.insert(x.id.clone(), x);
        }
        Record::Project(x) => {
            s.projects.insert(x.id.clone(), x);
        }
        Record::Allocation(x) => {
            s.allocations.insert(x.id.clone(), x);
        }
        Record::TimeOff(x) => {
            s.timeoff.insert(x.id.clone(), x);
        }
        Record::Actual(x) => {
            s.actuals.insert(x.id.clone(), x);
        }
        Record::Task(x) => {
            s.tasks.insert(x.id.clone(), x);
        }
        other => tracing::warn!(kind = ?other.kind(), "not a schedule record"),
    }
}

fn remove_record(s: &mut Schedule, kind: Kind, id: &Id) {
    match kind {
        Kind::Person => drop(s.people.remove(id)),
        Kind::Client => drop(s.clients.remove(id)),
        Kind::Project => drop(s.projects.remove(id)),
        Kind::Allocation => drop(s.allocations.remove(id)),
        Kind::TimeOff => drop(s.timeoff.remove(id)),
        Kind::Actual => drop(s.actuals.remove(id)),
        Kind::Task => drop(s.tasks.remove(id)),
        _ => {}
    }
}

fn get_record(s: &Schedule, kind: Kind, id: &Id) -> Option<Record> {
    match kind {
        Kind::Person => s.people.get(id).cloned().map(Record::Person),
        Kind::Client => s.clients.get(id).cloned().map(Record::Client),
        Kind::Project => s.projects.get(id).cloned().map(Record::Project),
        Kind::Allocation => s.allocations.get(id).cloned().map(Record::Allocation),
        Kind::TimeOff => s.timeoff.get(id).cloned().map(Record::TimeOff),
        Kind::Actual => s.actuals.get(id).cloned().map(Record::Actual),
        Kind::Task => s.tasks.get(id).cloned().map(Record::Task),
        _ => None,
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Person => "person",
        Kind::Client => "client",
        Kind::Project => "project",
        Kind::Allocation => "allocation",
        Kind::TimeOff => "time off",
        Kind::Actual => "actual hours",
        Kind::Task => "task",
        _ => "record",
    }
}

/// Checks that what `record` refers to exists in the team's schedule (422 otherwise).
fn check_refs(s: &Schedule, record: &Record) -> Result<()> {
    let person = |field: &str, id: &Id| {
        s.people
            .get(id)
            .map(|_| ())
            .ok_or_else(|| AppError::invalid(field, format!("no person {id} in this team")))
    };
    let project = |id: &Id| {
        s.projects
            .get(id)
            .map(|_| ())
            .ok_or_else(|| AppError::invalid("project_id", format!("no project {id} in this team")))
    };
    match record {
        Record::Allocation(a) => {
            project(&a.project_id)?;
            if let Some(p) = &a.person_id {
                person("person_id", p)?;
                if s.people.get(p).is_some_and(|p| p.archived) {
                    return Err(AppError::invalid("person_id", "this person is archived"));
                }
            }
        }
        Record::TimeOff(t) => {
            if let Some(p) = &t.person_id {
                person("person_id", p)?;
            }
        }
        Record::Actual(a) => {
            person("person_id", &a.person_id)?;
            project(&a.project_id)?;
        }
        Record::Task(t) => {
            project(&t.project_id)?;
            if let Some(p) = &t.person_id {
                person("person_id", p)?;
            }
            for d in &t.depends_on {
                if s.tasks.get(d).is_none_or(|o| o.project_id != t.project_id) {
                    return Err(AppError::invalid(
                        "depends_on",
                        format!("no task {d} in this project"),
                    ));
                }
            }
        }
        Record::Project(p) => {
            if let Some(c) = &p.client_id
                && !s.clients.contains_key(c)
            {
                return Err(AppError::invalid(
                    "client_id",
                    format!("no client {c} in this team"),
                ));
            }
        }
        _ => {}
    }
    Ok(())
}

/// Why the record `kind`/`id` cannot disappear, if something still refers to it.
fn dependents(s: &Schedule, kind: Kind, id: &Id) -> Option<String> {
    let n = match kind {
        Kind::Client => s
            .projects
            .values()
            .filter(|p| p.client_id.as_ref() == Some(id))
            .count(),
        Kind::Project => {
            s.allocations
                .values()
                .filter(|a| &a.project_id == id)
                .count()
                + s.actuals.values().filter(|a| &a.project_id == id).count()
                + s.tasks.values().filter(|t| &t.project_id == id).count()
        }
        Kind::Person => {
            s.allocations
                .values()
                .filter(|a| a.person_id.as_ref() == Some(id))
                .count()
                + s.timeoff
                    .values()
                    .filter(|t| t.person_id.as_ref() == Some(id))
                    .count()
                + s.actuals.values().filter(|a| &a.person_id == id).count()
        }
        _ => 0,
    };
    (n > 0).then(|| format!("the {} still has {n} dependent record(s)", kind_name(kind)))
}

fn not_found(kind: Kind) -> AppError {
    let name = kind_name(kind);
    let mut chars = name.chars();
    let title = chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default();
    AppError::NotFound(format!("{title} not found"))
}

impl Db {
    /// A consistent, cheap copy of the team's schedule for reads done outside the loop.
    pub fn schedule(&self, team_id: &Id) -> Result<Schedule> {
        self.schedules
            .get(team_id)
            .cloned()
            .ok_or_else(|| AppError::Unauthorized("Not logged in".into()))
    }

    pub(super) fn remember_activity(&mut self, entry: Activity) {
        let entry = std::sync::Arc::new(entry);
        let log = self.activity.entry(entry.team_id.clone()).or_default();
        log.push_back(entry);
        while log.len() > crate::domain::activity::ACTIVITY_KEPT {
            log.pop_front();
        }
    }

    /// The team's activity, newest first.
    pub fn activity(&self, team_id: &Id, limit: usize) -> Vec<std::sync::Arc<Activity>> {
        self.activity
            .get(team_id)
            .map(|log| log.iter().rev().take(limit).cloned().collect())
            .unwrap_or_default()
    }

    fn fresh_record_id(&self, s: &Schedule, kind: Kind) -> Id {
        loop {
            let id = Id::random();
            if get_record(s, kind, &id).is_none() {
                return id;
            }
        }
    }

    /// Applies `edit` for `auth`'s team: validates it, changes memory, logs it, and
    /// returns the resulting record (if one remains) and what the store must write.
    pub fn edit(&mut self, auth: &AuthUser, edit: Edit, now: Timestamp) -> Applied<Option<Record>> {
        let schedule = self.schedule(&auth.team_id)?;
        let is_actual = matches!(edit, Edit::RecordActual(_) | Edit::DeleteActual(_));
        if !is_actual {
            auth.require_schedule_editor()?;
        }
        let team = auth.team_id.clone();
        let (summary, changes, undo_of) = match edit {
            Edit::Undo(id) => {
                let (summary, changes) = self.plan_undo(&schedule, &team, &id)?;
                (summary, changes, Some(id))
            }
            Edit::Batch(summary, changes) => (summary, changes, None),
            edit => {
                let (summary, changes) = self.plan(&schedule, auth, edit, now)?;
                (summary, changes, None)
            }
        };
        // Check the whole change set against a scratch copy (O(1) to take), in order.
        let mut scratch = schedule;
        let refused = |e| match (e, &undo_of) {
            // Undoing into a state whose references are gone conflicts with later changes.
            (AppError::Invalid(m), Some(_)) => AppError::Conflict(format!("Cannot undo: {m}")),
            (e, _) => e,
        };
        for change in &changes {
            apply_change(&mut scratch, change).map_err(refused)?;
        }
        check_result(&scratch, &changes).map_err(refused)?;
        scratch.version += 1;
        scratch.memo = Default::default();
        self.schedules.insert(team.clone(), scratch);
        let result = changes.first().and_then(|c| c.after.clone());
        let mut mutations: Vec<Mutation> = changes
            .iter()
            .filter_map(|c| match (&c.after, &c.before) {
                (Some(after), _) => Some(Mutation::Put(after.clone())),
                (None, Some(before)) => {
                    Some(Mutation::Delete(before.kind(), Id(before.id().to_string())))
                }
                (None, None) => None,
            })
            .collect();
        let entry = Activity {
            id: Id::random(),
            team_id: team.clone(),
            seq: self.next_seq,
            user_id: auth.user_id.clone(),
            at: now,
            summary,
            changes,
            undo_of: undo_of.clone(),
            undone_by: None,
        };
        self.next_seq += 1;
        if let Some(undone) = undo_of
            && let Some(original) = self
                .activity
                .get_mut(&team)
                .and_then(|log| log.iter_mut().find(|a| a.id == undone))
        {
            let original = std::sync::Arc::make_mut(original);
            original.undone_by = Some(entry.id.clone());
            mutations.push(Mutation::Put(Record::Activity(original.clone())));
        }
        mutations.extend(self.end_feeds_of_archived(&entry.changes));
        mutations.push(Mutation::Put(Record::Activity(entry.clone())));
        self.remember_activity(entry);
        Ok((result, mutations))
    }

    /// Turns an edit into the record changes it makes.
    fn plan(
        &self,
        s: &Schedule,
        auth: &AuthUser,
        edit: Edit,
        now: Timestamp,
    ) -> Result<(String, Vec<Change>)> {
        let team = auth.team_id.clone();
        let created = |summary: &str, r: Record| {
            Ok((
                summary.to_string(),
                vec![Change {
                    before: None,
                    after: Some(r),
                }],
            ))
        };
        let updated = |summary: &str, before: Record, after: Record| {
            Ok((
                summary.to_string(),
                vec![Change {
                    before: Some(before),
                    after: Some(after),
                }],
            ))
        };
        let existing = |kind: Kind, id: &Id| get_record(s, kind, id).ok_or_else(|| not_found(kind));
        match edit {
            Edit::CreatePerson(mut input) => {
                // A person works in the team's time zone unless told otherwise.
                input.timezone = input.timezone.or_else(|| Some(s.team.timezone.clone()));
                let p = Person::from_input(self.fresh_record_id(s, Kind::Person), team, input)?;
                self.check_user_link(auth, &p)?;
                created("Added person", Record::Person(p))
            }
            Edit::PatchPerson(id, patch) => {
                let Record::Person(before) = existing(Kind::Person, &id)? else {
                    return Err(not_found(Kind::Person));
                };
                let after = Person::from_input(id, team, merge_patch(&before.input(), patch)?)?;
                self.check_user_link(auth, &after)?;
                updated(
                    "Edited person",
                    Record::Person(before),
                    Record::Person(after),
                )
            }
            Edit::ArchivePerson(id) => {
                let Record::Person(before) = existing(Kind::Person, &id)? else {
                    return Err(not_found(Kind::Person));
                };
                let after = Person {
                    archived: true,
                    ..before.clone()
                };
                updated(
                    "Archived person",
                    Record::Person(before),
                    Record::Person(after),
                )
            }
            Edit::CreateClient(input) => created(
                "Added client",
                Record::Client(Client::from_input(
                    self.fresh_record_id(s, Kind::Client),
                    team,
                    input,
                )?),
            ),
            Edit::PatchClient(id, patch) => {
                let Record::Client(before) = existing(Kind::Client, &id)? else {
                    return Err(not_found(Kind::Client));
                };
                let after = Client::from_input(id, team, merge_patch(&before.input(), patch)?)?;
                updated(
                    "Edited client",
                    Record::Client(before),
                    Record::Client(after),
                )
            }
            Edit::DeleteClient(id) => {
                let before = existing(Kind::Client, &id)?;
                if let Some(why) = dependents(s, Kind::Client, &id) {
                    return Err(AppError::Conflict(format!(
                        "Cannot delete: {why} (projects)"
                    )));
                }
                Ok((
                    "Deleted client".into(),
                    vec![Change {
                        before: Some(before),
                        after: None,
                    }],
                ))
            }
            Edit::CreateProject(input) => {
                let p = Project::from_input(
                    self.fresh_record_id(s, Kind::Project),
                    team,
                    input,
                    now,
                    s.projects.len(),
                )?;
                created("Created project", Record::Project(p))
            }
            Edit::PatchProject(id, patch) => {
                let Record::Project(before) = existing(Kind::Project, &id)? else {
                    return Err(not_found(Kind::Project));
                };
                let after = patch_project(&before, patch, now)?;
                updated(
                    "Edited project",
                    Record::Project(before),
                    Record::Project(after),
                )
            }
            Edit::DeleteProject(id) => {
                let before = existing(Kind::Project, &id)?;
                // The project's bookings and actual hours go with it, in the same step.
                let mut changes = vec![];
                for a in s.allocations.values().filter(|a| a.project_id == id) {
                    changes.push(Change {
                        before: Some(Record::Allocation(a.clone())),
                        after: None,
                    });
                }
                for a in s.actuals.values().filter(|a| a.project_id == id) {
                    changes.push(Change {
                        before: Some(Record::Actual(a.clone())),
                        after: None,
                    });
                }
                // Dependents first, so that each removal leaves nothing dangling.
                let tasks = s.tasks.values().filter(|t| t.project_id == id);
                for t in crate::domain::task::dependents_first(tasks) {
                    changes.push(Change {
                        before: Some(Record::Task(t)),
                        after: None,
                    });
                }
                changes.push(Change {
                    before: Some(before),
                    after: None,
                });
                Ok(("Deleted project".into(), changes))
            }
            Edit::CreateAllocation(input) => {
                let a =
                    Allocation::from_input(self.fresh_record_id(s, Kind::Allocation), team, input)?;
                created("Created allocation", Record::Allocation(a))
            }
            Edit::PatchAllocation(id, patch) => {
                let Record::Allocation(before) = existing(Kind::Allocation, &id)? else {
                    return Err(not_found(Kind::Allocation));
                };
                let mut input = before.input();
                // Staffing a placeholder (or the reverse) replaces the other field.
                if patch.get("person_id").is_some_and(|v| !v.is_null())
                    && patch.get("placeholder_role").is_none()
                {
                    input.placeholder_role = None;
                }
                if patch.get("placeholder_role").is_some_and(|v| !v.is_null())
                    && patch.get("person_id").is_none()
                {
                    input.person_id = None;
                }
                let after = Allocation::from_input(id, team, merge_patch(&input, patch)?)?;
                updated(
                    "Edited allocation",
                    Record::Allocation(before),
                    Record::Allocation(after),
                )
            }
            Edit::DeleteAllocation(id) => {
                let before = existing(Kind::Allocation, &id)?;
                Ok((
                    "Deleted allocation".into(),
                    vec![Change {
                        before: Some(before),
                        after: None,
                    }],
                ))
            }
            Edit::CreateTimeOff(input) => {
                let t = TimeOff::from_input(self.fresh_record_id(s, Kind::TimeOff), team, input)?;
                let summary = if t.person_id.is_some() {
                    "Added time off"
                } else {
                    "Added a team holiday"
                };
                created(summary, Record::TimeOff(t))
            }
            Edit::PatchTimeOff(id, patch) => {
                let Record::TimeOff(before) = existing(Kind::TimeOff, &id)? else {
                    return Err(not_found(Kind::TimeOff));
                };
                let after = TimeOff::from_input(id, team, merge_patch(&before.input(), patch)?)?;
                updated(
                    "Edited time off",
                    Record::TimeOff(before),
                    Record::TimeOff(after),
                )
            }
            Edit::DeleteTimeOff(id) => {
                let before = existing(Kind::TimeOff, &id)?;
                Ok((
                    "Deleted time off".into(),
                    vec![Change {
                        before: Some(before),
                        after: None,
                    }],
                ))
            }
            Edit::RecordActual(input) => {
                let a = Actual::from_input(self.fresh_record_id(s, Kind::Actual), team, input)?;
                self.check_own_person(auth, s, &a.person_id)?;
                created("Recorded actual hours", Record::Actual(a))
            }
            Edit::DeleteActual(id) => {
                let before = existing(Kind::Actual, &id)?;
                if let Record::Actual(a) = &before {
                    self.check_own_person(auth, s, &a.person_id)?;
                }
                Ok((
                    "Deleted actual hours".into(),
                    vec![Change {
                        before: Some(before),
                        after: None,
                    }],
                ))
            }
            Edit::CreateTask(project_id, input) => {
                let t =
                    Task::from_input(self.fresh_record_id(s, Kind::Task), team, project_id, input)?;
                created("Added task", Record::Task(t))
            }
            Edit::PatchTask(id, patch) => {
                let Record::Task(before) = existing(Kind::Task, &id)? else {
                    return Err(not_found(Kind::Task));
                };
                let after = Task::from_input(
                    id.clone(),
                    team,
                    before.project_id.clone(),
                    merge_patch(&before.input(), patch)?,
                )?;
                updated("Edited task", Record::Task(before), Record::Task(after))
            }
            Edit::DeleteTask(id) => {
                let before = existing(Kind::Task, &id)?;
                Ok((
                    "Deleted task".into(),
                    vec![Change {
                        before: Some(before),
                        after: None,
                    }],
                ))
            }
            Edit::Undo(_) | Edit::Batch(..) => Err(AppError::Internal("planned elsewhere".into())),
        }
    }

    /// Members may only record hours for the person linked to their login.
    fn check_own_person(&self, auth: &AuthUser, s: &Schedule, person_id: &Id) -> Result<()> {
        if auth.role.can_edit_schedule() {
            return Ok(());
        }
        match s.people.get(person_id) {
            Some(p) if p.user_id.as_ref() == Some(&auth.user_id) => Ok(()),
            _ => Err(AppError::Forbidden(
                "Members can only record their own hours".into(),
            )),
        }
    }

    /// A person may be linked only to a login of the same team.
    fn check_user_link(&self, auth: &AuthUser, person: &Person) -> Result<()> {
        match &person.user_id {
            Some(uid)
                if self
                    .users
                    .get(uid)
                    .is_none_or(|u| u.team_id != auth.team_id) =>
            {
                Err(AppError::invalid(
                    "user_id",
                    "no member of this team has this id",
                ))
            }
            _ => Ok(()),
        }
    }

    /// The changes that revert activity entry `id`, if nothing later depends on it.
    fn plan_undo(&self, s: &Schedule, team: &Id, id: &Id) -> Result<(String, Vec<Change>)> {
        let entry = self
            .activity
            .get(team)
            .and_then(|log| log.iter().find(|a| &a.id == id))
            .ok_or_else(|| AppError::NotFound("Activity entry not found".into()))?;
        if entry.undone_by.is_some() {
            return Err(AppError::Conflict("This change was already undone".into()));
        }
        let mut changes = Vec::new();
        for change in entry.changes.iter().rev() {
            let record = change
                .after
                .as_ref()
                .or(change.before.as_ref())
                .ok_or_else(unreachable_change_err)?;
            let (kind, rid) = (record.kind(), Id(record.id().to_string()));
            if get_record(s, kind, &rid) != change.after {
                return Err(AppError::Conflict(format!(
                    "Cannot undo: the {} was changed again since; undo that first",
                    kind_name(kind)
                )));
            }
            changes.push(Change {
                before: change.after.clone(),
                after: change.before.clone(),
            });
        }
        Ok((format!("Undid: {}", entry.summary), changes))
    }
}

/// The rules over a whole change set, checked once on its result (each is linear in
/// the team's records, however many the change touches): the limits, no dependency
/// cycle through a changed task, no task left waiting for a removed one.
fn check_result(s: &Schedule, changes: &[Change]) -> Result<()> {
    crate::domain::limits::check(s, changes)?;
    let changed = changes.iter().filter_map(|c| match &c.after {
        Some(Record::Task(t)) => Some(&t.id),
        _ => None,
    });
    check_no_cycle_from(changed, |id| s.tasks.get(id))?;
    let removed: std::collections::HashSet<&Id> = changes
        .iter()
        .filter_map(|c| match (&c.before, &c.after) {
            (Some(Record::Task(t)), None) => Some(&t.id),
            _ => None,
        })
        .collect();
    if !removed.is_empty() {
        let waiting = s
            .tasks
            .values()
            .filter(|t| t.depends_on.iter().any(|d| removed.contains(d)))
            .count();
        if waiting > 0 {
            return Err(AppError::Conflict(format!(
                "Cannot remove: the task still has {waiting} dependent record(s)"
            )));
        }
    }
    Ok(())
}

/// Applies one change to a schedule, refusing one that would leave a dangling reference
/// (tasks waiting for a removed task are checked once for the whole set, in
/// `check_result`).
fn apply_change(s: &mut Schedule, change: &Change) -> Result<()> {
    match (&change.before, &change.after) {
        (_, Some(after)) => {
            check_refs(s, after)?;
            put_record(s, after.clone());
        }
        (Some(before), None) => {
            let (kind, id) = (before.kind(), Id(before.id().to_string()));
            if let Some(why) = dependents(s, kind, &id) {
                return Err(AppError::Conflict(format!("Cannot remove: {why}")));
            }
            remove_record(s, kind, &id);
        }
        (None, None) => return Err(unreachable_change_err()),
    }
    Ok(())
}

fn unreachable_change_err() -> AppError {
    AppError::Internal("a change with neither before nor after".into())
}
