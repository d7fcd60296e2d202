//! Changing a team's schedule: one entry point, [`Db::edit`], for every create, update,
//! delete and undo, so that each change is validated, applied, logged in the activity
//! history and turned into store mutations the same way.

use super::describe::describe;
use super::records::{
    apply_change, check_result, dependents, get_record, kind_name, not_found, touched,
};
use super::state::{Applied, Db};
use crate::domain::activity::{Action, Activity, Change};
use crate::domain::project::patch_project;
use crate::domain::schedule::{
    Actual, ActualInput, AllocationInput, ClientInput, PersonInput, TimeOffInput, merge_patch,
};
use crate::domain::task::{Task, TaskInput};
use crate::domain::{
    Allocation, AuthUser, Client, Id, Person, Project, ProjectInput, Schedule, Timestamp,
};
use crate::store::{Kind, Mutation, Record};
use crate::{AppError, Result};
use serde_json::Value;
use std::sync::Arc;

/// What an edit left: the record it made or changed (none for a deletion) and its entry
/// in the activity log.
#[derive(Clone, Debug)]
pub struct Edited {
    pub record: Option<Record>,
    pub entry: Arc<Activity>,
}

impl Edit {
    /// The one existing record a PATCH or DELETE is about (what `If-Match` checks).
    pub fn target(&self) -> Option<(Kind, &Id)> {
        use Edit::*;
        Some(match self {
            PatchPerson(id, _) | ArchivePerson(id) => (Kind::Person, id),
            PatchClient(id, _) | DeleteClient(id) => (Kind::Client, id),
            PatchProject(id, _) | PatchProjectConfirming(id, _) | DeleteProject(id) => {
                (Kind::Project, id)
            }
            PatchAllocation(id, _) | DeleteAllocation(id) => (Kind::Allocation, id),
            PatchTimeOff(id, _) | DeleteTimeOff(id) => (Kind::TimeOff, id),
            DeleteActual(id) => (Kind::Actual, id),
            PatchTask(id, _) | DeleteTask(id) => (Kind::Task, id),
            _ => return None,
        })
    }
}

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
    /// As `PatchProject`, and the project's tentative bookings become confirmed in the
    /// same step (a project won: its work is no longer tentative).
    PatchProjectConfirming(Id, Value),
    DeleteProject(Id),
    CreateAllocation(AllocationInput),
    PatchAllocation(Id, Value),
    DeleteAllocation(Id),
    CreateTimeOff(TimeOffInput),
    PatchTimeOff(Id, Value),
    DeleteTimeOff(Id),
    /// Links login `.0` to person `.1` (`None`: unlinks it); see `db::timeoff`.
    LinkLogin(Id, Option<Id>),
    RecordActual(ActualInput),
    DeleteActual(Id),
    /// A task of project `.0`.
    CreateTask(Id, TaskInput),
    PatchTask(Id, Value),
    DeleteTask(Id),
    /// Reverts an activity entry (anyone's, from the history).
    Undo(Id),
    /// Reverts the caller's own newest change that can still be undone.
    UndoMine,
    /// Re-applies the caller's own newest undone change.
    RedoMine,
    /// Several changes as one step (an applied plan), with a summary.
    Batch(String, Vec<Change>),
    /// Creates the sample team (`domain::sample`), booked from the week of this Monday.
    LoadSample(chrono::NaiveDate),
    /// Removes every record the sample team made, and what depends on them.
    RemoveSample,
}

impl Db {
    pub(super) fn remember_activity(&mut self, entry: Activity) -> Arc<Activity> {
        let entry = Arc::new(entry.normalised());
        let log = self.activity.entry(entry.space().clone()).or_default();
        log.push_back(entry.clone());
        while log.len() > crate::domain::activity::ACTIVITY_KEPT {
            log.pop_front();
        }
        entry
    }

    /// The activity of a team's live schedule or of a scenario, newest first.
    pub fn activity(&self, space: &Id, limit: usize) -> Vec<std::sync::Arc<Activity>> {
        self.activity
            .get(space)
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
    /// returns the resulting record (if one remains), the activity entry, and what the
    /// store must write.
    pub fn edit(&mut self, auth: &AuthUser, edit: Edit, now: Timestamp) -> Applied<Edited> {
        self.edit_if(auth, edit, None, now)
    }

    /// As [`Db::edit`], only if the record the edit targets is still at version
    /// `if_match` (a stale one is [`AppError::Stale`] with the record as it is now).
    pub fn edit_if(
        &mut self,
        auth: &AuthUser,
        edit: Edit,
        if_match: Option<u64>,
        now: Timestamp,
    ) -> Applied<Edited> {
        // Live or a scenario: the same rules, only the schedule and the log differ.
        let space = auth.space().clone();
        let schedule = self.schedule(&space)?;
        // Members record their own hours and request their own time off; the rules for
        // those are in `plan`.
        let members_may = matches!(
            edit,
            Edit::RecordActual(_)
                | Edit::DeleteActual(_)
                | Edit::CreateTimeOff(_)
                | Edit::PatchTimeOff(..)
                | Edit::DeleteTimeOff(_)
        );
        if !members_may {
            auth.require_schedule_editor()?;
        }
        let team = auth.team_id.clone();
        if let (Some(expected), Some((kind, id))) = (if_match, edit.target()) {
            self.check_version(&schedule, &space, kind, id, expected)?;
        }
        let (summary, mut changes, undo_of, action) = match edit {
            Edit::Undo(id) => {
                let (summary, changes, action) = self.plan_undo(&schedule, &space, &id)?;
                (summary, changes, Some(id), action)
            }
            Edit::UndoMine => {
                let id = self.my_undo(&schedule, auth)?;
                let (summary, changes, action) = self.plan_undo(&schedule, &space, &id)?;
                (summary, changes, Some(id), action)
            }
            Edit::RedoMine => {
                let id = self.my_redo(&schedule, auth)?;
                let (summary, changes, action) = self.plan_undo(&schedule, &space, &id)?;
                (summary, changes, Some(id), action)
            }
            Edit::Batch(summary, changes) => (summary, changes, None, Action::Change),
            edit => {
                let named = super::bulk::summary(&schedule, &edit);
                let changes = self.plan(&schedule, auth, edit, now)?;
                let summary = named
                    .map(|f| f(&changes))
                    .unwrap_or_else(|| describe(&schedule, &changes));
                (summary, changes, None, Action::Change)
            }
        };
        // Check the whole change set against a scratch copy (O(1) to take), in order,
        // giving each record written its next version.
        let mut scratch = schedule;
        let refused = |e| match (e, &undo_of) {
            // Undoing into a state whose references are gone conflicts with later changes.
            (AppError::Invalid(m), Some(_)) => AppError::Conflict(format!("Cannot undo: {m}")),
            (e, _) => e,
        };
        for change in &mut changes {
            if let Some(after) = &mut change.after {
                let current = get_record(&scratch, after.kind(), &Id(after.id().to_string()))
                    .map_or(0, |r| r.version());
                let version = current.max(after.version()) + 1;
                after.set_version(version);
            }
            apply_change(&mut scratch, change).map_err(refused)?;
        }
        check_result(&scratch, &changes).map_err(refused)?;
        scratch.version += 1;
        // Figures derived from the version before are kept with what this change
        // touched, so the next reader counts again only what it reaches.
        scratch.memo = scratch.memo.after(&touched(&changes));
        self.set_schedule(&space, scratch);
        let record = changes.first().and_then(|c| c.after.clone());
        let mut mutations = self.edit_mutations(auth, &changes);
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
            action,
            scenario: auth.scenario.clone(),
        };
        self.next_seq += 1;
        if let Some(undone) = undo_of
            && let Some(original) = self
                .activity
                .get_mut(&space)
                .and_then(|log| log.iter_mut().find(|a| a.id == undone))
        {
            let original = std::sync::Arc::make_mut(original);
            original.undone_by = Some(entry.id.clone());
            mutations.push(Mutation::Put(Record::Activity(original.clone())));
        }
        // Feeds and webhooks speak of live: a scenario's edits leave them alone.
        let live = entry.scenario.is_none();
        if live {
            mutations.extend(self.end_feeds_of_archived(&entry.changes));
        }
        mutations.push(Mutation::Put(Record::Activity(entry.clone())));
        // Webhook deliveries commit with the change they announce.
        if live {
            mutations.extend(self.deliveries_for(&entry, now));
        }
        let entry = self.remember_activity(entry);
        Ok((Edited { record, entry }, mutations))
    }

    /// Each team's recent live events as the activity log holds them (read back from
    /// the store, so committed), oldest first, with whether that is all of them: what
    /// the events hub resumes streams from after a start or a reload.
    pub fn live_events(&self) -> Vec<crate::events::TeamEvents> {
        let kept = crate::events::RING;
        self.activity
            .iter()
            .filter(|(space, _)| self.schedules.contains_key(*space))
            .map(|(team, log)| {
                let live: Vec<_> = log.iter().filter(|a| a.scenario.is_none()).collect();
                let from = live.len().saturating_sub(kept);
                crate::events::TeamEvents {
                    team_id: team.clone(),
                    // Shared entries: the hub makes the events, off this loop.
                    entries: live[from..]
                        .iter()
                        .map(|a| ((*a).clone(), self.user_name(&a.user_id)))
                        .collect(),
                    complete: from == 0 && log.len() < crate::domain::activity::ACTIVITY_KEPT,
                }
            })
            .collect()
    }

    /// The live event an applied edit makes once committed.
    pub(super) fn event_of(&self, applied: &Applied<Edited>) -> Option<crate::events::Event> {
        let (edited, _) = applied.as_ref().ok()?;
        // A scenario's edits are its own: live subscribers never see them.
        if edited.entry.scenario.is_some() {
            return None;
        }
        let name = self.user_name(&edited.entry.user_id);
        Some(crate::events::Event::from_entry(&edited.entry, name))
    }

    /// 412 unless record `kind`/`id` is at version `expected`; 404 if it is gone.
    fn check_version(
        &self,
        s: &Schedule,
        space: &Id,
        kind: Kind,
        id: &Id,
        expected: u64,
    ) -> Result<()> {
        let current = get_record(s, kind, id).ok_or_else(|| not_found(kind))?;
        if current.version() == expected {
            return Ok(());
        }
        let who = self
            .activity
            .get(space)
            .and_then(|log| log.iter().rev().find(|a| a.touches(kind, id.as_str())))
            .map(|a| self.user_name(&a.user_id))
            .unwrap_or_else(|| "Someone".into());
        Err(AppError::Stale {
            message: format!("{who} changed this {} since you loaded it", kind_name(kind)),
            current: Box::new(current.to_value()),
        })
    }

    /// A member's name for the history, or "A former member".
    pub(super) fn user_name(&self, user_id: &Id) -> String {
        self.users
            .get(user_id)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| "A former member".into())
    }

    /// Turns an edit into the record changes it makes.
    fn plan(
        &self,
        s: &Schedule,
        auth: &AuthUser,
        edit: Edit,
        now: Timestamp,
    ) -> Result<Vec<Change>> {
        let team = auth.team_id.clone();
        let created = |r: Record| {
            Ok(vec![Change {
                before: None,
                after: Some(r),
            }])
        };
        let updated = |before: Record, after: Record| {
            Ok(vec![Change {
                before: Some(before),
                after: Some(after),
            }])
        };
        let existing = |kind: Kind, id: &Id| get_record(s, kind, id).ok_or_else(|| not_found(kind));
        match edit {
            Edit::CreatePerson(mut input) => {
                // A person works in the team's time zone unless told otherwise.
                input.timezone = input.timezone.or_else(|| Some(s.team.timezone.clone()));
                let p = Person::from_input(self.fresh_record_id(s, Kind::Person), team, input)?;
                self.check_user_link(auth, &p)?;
                Self::check_login_free(s, &p)?;
                created(Record::Person(p))
            }
            Edit::PatchPerson(id, patch) => {
                let Record::Person(before) = existing(Kind::Person, &id)? else {
                    return Err(not_found(Kind::Person));
                };
                let after = Person::from_input(id, team, merge_patch(&before.input(), patch)?)?;
                self.check_user_link(auth, &after)?;
                Self::check_login_free(s, &after)?;
                updated(Record::Person(before), Record::Person(after))
            }
            Edit::ArchivePerson(id) => {
                let Record::Person(before) = existing(Kind::Person, &id)? else {
                    return Err(not_found(Kind::Person));
                };
                let after = Person {
                    archived: true,
                    ..before.clone()
                };
                updated(Record::Person(before), Record::Person(after))
            }
            Edit::CreateClient(input) => created(Record::Client(Client::from_input(
                self.fresh_record_id(s, Kind::Client),
                team,
                input,
            )?)),
            Edit::PatchClient(id, patch) => {
                let Record::Client(before) = existing(Kind::Client, &id)? else {
                    return Err(not_found(Kind::Client));
                };
                let after = Client::from_input(id, team, merge_patch(&before.input(), patch)?)?;
                updated(Record::Client(before), Record::Client(after))
            }
            Edit::DeleteClient(id) => {
                let before = existing(Kind::Client, &id)?;
                if let Some(why) = dependents(s, Kind::Client, &id) {
                    return Err(AppError::Conflict(format!(
                        "Cannot delete: {why} (projects)"
                    )));
                }
                Ok(vec![Change {
                    before: Some(before),
                    after: None,
                }])
            }
            Edit::CreateProject(input) => {
                let p = Project::from_input(
                    self.fresh_record_id(s, Kind::Project),
                    team,
                    input,
                    now,
                    s.projects.len(),
                )?;
                created(Record::Project(p))
            }
            Edit::PatchProject(id, patch) => {
                let Record::Project(before) = existing(Kind::Project, &id)? else {
                    return Err(not_found(Kind::Project));
                };
                let after = patch_project(&before, patch, now)?;
                updated(Record::Project(before), Record::Project(after))
            }
            Edit::PatchProjectConfirming(id, patch) => {
                let mut changes = self.plan(s, auth, Edit::PatchProject(id.clone(), patch), now)?;
                changes.extend(super::bulk::confirm_tentative(s, &id));
                Ok(changes)
            }
            Edit::LoadSample(monday) => super::bulk::plan_load(s, &team, monday, now),
            Edit::RemoveSample => super::bulk::plan_remove(s),
            Edit::DeleteProject(id) => {
                let before = existing(Kind::Project, &id)?;
                // The project's bookings and actual hours go with it, in the same step.
                let mut changes = vec![];
                for a in s.allocations.values().filter(|a| a.project_id == id) {
                    changes.push(Change {
                        before: Some(Record::Allocation(Allocation::clone(a))),
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
                Ok(changes)
            }
            Edit::CreateAllocation(mut input) => {
                if input.hours_per_day.is_none() {
                    input.hours_per_day = Some(default_hours(s, &input));
                }
                let a =
                    Allocation::from_input(self.fresh_record_id(s, Kind::Allocation), team, input)?;
                created(Record::Allocation(a))
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
                let mut after = Allocation::from_input(id, team, merge_patch(&input, patch)?)?;
                // A planned allocation stays its task's (so it can be pinned).
                after.task_id = before.task_id.clone();
                updated(Record::Allocation(before), Record::Allocation(after))
            }
            Edit::DeleteAllocation(id) => {
                let before = existing(Kind::Allocation, &id)?;
                Ok(vec![Change {
                    before: Some(before),
                    after: None,
                }])
            }
            Edit::CreateTimeOff(input) => {
                self.plan_create_timeoff(s, auth, self.fresh_record_id(s, Kind::TimeOff), input)
            }
            Edit::PatchTimeOff(id, patch) => self.plan_patch_timeoff(s, auth, id, patch),
            Edit::DeleteTimeOff(id) => self.plan_delete_timeoff(s, auth, &id),
            Edit::LinkLogin(user_id, person_id) => {
                self.plan_link_login(s, auth, &user_id, person_id.as_ref())
            }
            Edit::RecordActual(input) => {
                let a = Actual::from_input(self.fresh_record_id(s, Kind::Actual), team, input)?;
                self.check_own_person(auth, s, &a.person_id)?;
                created(Record::Actual(a))
            }
            Edit::DeleteActual(id) => {
                let before = existing(Kind::Actual, &id)?;
                if let Record::Actual(a) = &before {
                    self.check_own_person(auth, s, &a.person_id)?;
                }
                Ok(vec![Change {
                    before: Some(before),
                    after: None,
                }])
            }
            Edit::CreateTask(project_id, input) => {
                let t =
                    Task::from_input(self.fresh_record_id(s, Kind::Task), team, project_id, input)?;
                created(Record::Task(t))
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
                updated(Record::Task(before), Record::Task(after))
            }
            Edit::DeleteTask(id) => {
                let before = existing(Kind::Task, &id)?;
                Ok(vec![Change {
                    before: Some(before),
                    after: None,
                }])
            }
            Edit::Undo(_) | Edit::UndoMine | Edit::RedoMine | Edit::Batch(..) => {
                Err(AppError::Internal("planned elsewhere".into()))
            }
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
}

/// The hours per day of a new booking that gives none: see
/// [`crate::domain::booked::default_hours_per_day`]; 8 for a placeholder. Invalid dates
/// are refused later, by the validation every booking goes through.
fn default_hours(s: &Schedule, input: &AllocationInput) -> f64 {
    match input.person_id.as_ref().and_then(|p| s.people.get(p)) {
        Some(person) if input.start <= input.end => {
            crate::domain::booked::default_hours_per_day(s, person, input.start, input.end)
        }
        _ => 8.0,
    }
}
