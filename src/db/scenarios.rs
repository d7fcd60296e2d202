//! Scenarios: what-if forks of a team's whole schedule, in memory and on disk.
//!
//! **Memory.** An open scenario holds its own [`Schedule`], a clone of live taken at the
//! fork: O(1), and the two share every node of their persistent maps until one side
//! changes a record, so a scenario costs only what it changed. Its activity log lives
//! in `Db::activity` under the scenario's id (ids never collide with a team's), and all
//! edits, undo included, go through the one `Db::edit_if`, which picks the schedule by
//! `AuthUser::space`. For each record the scenario touched, `rows` keeps the record as
//! live had it at the fork (the *base*); merging compares live with it to find
//! conflicts. The scenario's own value is never duplicated: it is in its schedule.
//!
//! **Disk.** Live rows are never overwritten by a scenario: its records go to their own
//! table (`scenario_records`, one row per record per scenario). A restart rebuilds a
//! scenario as *today's* live plus its rows, so for that to give back the fork, live must
//! keep what it changes: when a live edit changes a record an open scenario has no row
//! for, the edit also writes that scenario a row with the record's old value
//! (copy-on-write from the live side). That is one extra row per open scenario per
//! record live changes, in the same transaction, which is why open scenarios per team
//! are capped ([`OPEN_PER_TEAM`]). A merged or archived scenario's rows are deleted; its
//! name and status stay, for the list.
//!
//! **Scope.** A scenario forks the schedule: people, clients, projects, allocations, time
//! off, actual hours and tasks. The team's settings, members, invites and calendar feeds
//! are not schedule and stay shared (a request in a scenario that changes them changes
//! the team). Edits inside a scenario publish no live events: they are nobody else's
//! live schedule; a merge publishes one, like any live change.
//!
//! **Why rows and not a log of edits.** Replaying a scenario's edits onto today's live at
//! start would give a different scenario whenever live moved on; storing each touched
//! record's state (and its base) gives back exactly the fork, costs one row per record
//! however often it is edited, and is what compare and merge need anyway.

use super::records::{get_record, kind_name, put_record, remove_record};
use super::state::{Applied, Db};
use super::undo::same_content;
use super::{Edit, Edited};
use crate::domain::activity::Change;
use crate::domain::scenario::{OPEN_PER_TEAM, OnConflict, Scenario, ScenarioStatus, scenario_name};
use crate::domain::{AuthUser, Id, Schedule, Timestamp};
pub use crate::reports::compare::Difference;
use crate::store::{Kind, Mutation, Record, ScenarioRow};
use crate::{AppError, Result};
use std::collections::HashMap;

/// A scenario and, while it is open, its fork.
#[derive(Clone, Debug)]
pub(crate) struct ScenarioState {
    pub(crate) meta: Scenario,
    pub(crate) fork: Option<Fork>,
}

/// An open scenario's schedule and what it must remember of live.
#[derive(Clone, Debug)]
pub(crate) struct Fork {
    pub(crate) schedule: Schedule,
    /// Each record with a row on disk, by kind and id.
    pub(crate) rows: HashMap<(Kind, Id), Row>,
}

/// What an open scenario remembers of one record.
#[derive(Clone, Debug)]
pub(crate) struct Row {
    /// The record in live at the fork (`None`: live did not have it).
    pub(crate) base: Option<Record>,
    /// Whether the scenario changed it (otherwise the row only keeps the fork's value
    /// of a record live changed since).
    pub(crate) touched: bool,
}

/// What `compare` works on: both schedules (O(1) snapshots) and the differences.
#[derive(Clone, Debug)]
pub struct ForkView {
    pub scenario: Scenario,
    pub live: Schedule,
    pub fork: Schedule,
    pub differences: Vec<Difference>,
}

/// The order records are written in when merging, so that what a record refers to is
/// there first; removals go in the reverse order.
const MERGE_ORDER: [Kind; 7] = [
    Kind::Client,
    Kind::Project,
    Kind::Person,
    Kind::Task,
    Kind::Allocation,
    Kind::TimeOff,
    Kind::Actual,
];

fn not_found() -> AppError {
    AppError::NotFound("Scenario not found".into())
}

impl Db {
    /// Rebuilds each open scenario at start: live as loaded, plus its rows.
    pub(super) fn load_scenarios(&mut self, metas: Vec<Scenario>, rows: Vec<ScenarioRow>) {
        let mut by_scenario: HashMap<Id, Vec<ScenarioRow>> = HashMap::new();
        for row in rows {
            by_scenario
                .entry(row.scenario_id.clone())
                .or_default()
                .push(row);
        }
        for meta in metas {
            let fork = match (meta.status, self.schedules.get(&meta.team_id)) {
                (ScenarioStatus::Open, Some(live)) => {
                    let mut fork = Fork {
                        schedule: live.clone(),
                        rows: HashMap::new(),
                    };
                    for row in by_scenario.remove(&meta.id).unwrap_or_default() {
                        match row.value {
                            Some(value) => put_record(&mut fork.schedule, value),
                            None => remove_record(&mut fork.schedule, row.kind, &row.id),
                        }
                        fork.rows.insert(
                            (row.kind, row.id),
                            Row {
                                base: row.base,
                                touched: row.touched,
                            },
                        );
                    }
                    fork.schedule.memo = Default::default();
                    Some(fork)
                }
                _ => None,
            };
            self.scenarios
                .insert(meta.id.clone(), ScenarioState { meta, fork });
        }
    }

    /// Whether `space` is an open scenario (its log is kept; a closed one's is not).
    pub(super) fn is_open_scenario(&self, space: &Id) -> bool {
        self.scenarios.get(space).is_some_and(|s| s.fork.is_some())
    }

    /// The auth step for a request that may name a scenario: see [`Db::enter_space`].
    pub fn authenticate_in(
        &mut self,
        credential: &super::Credential,
        scenario: Option<Id>,
        now: Timestamp,
    ) -> Applied<AuthUser> {
        let (mut auth, mutations) = self.authenticate_credential(credential, now)?;
        self.enter_space(&mut auth, scenario)?;
        Ok((auth, mutations))
    }

    /// Puts the request in the scenario its header names: an open scenario of the
    /// caller's team, or 404 (never silently live).
    pub(super) fn enter_space(&self, auth: &mut AuthUser, scenario: Option<Id>) -> Result<()> {
        if let Some(id) = scenario {
            match self.scenarios.get(&id) {
                Some(s) if s.meta.team_id == auth.team_id && s.fork.is_some() => {
                    auth.scenario = Some(id)
                }
                _ => {
                    return Err(AppError::NotFound(
                        "Scenario not found, or merged or archived".into(),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The schedule of `space`: a team's live one, or an open scenario's.
    pub fn schedule(&self, space: &Id) -> Result<Schedule> {
        if let Some(s) = self.schedules.get(space) {
            return Ok(s.clone());
        }
        self.scenarios
            .get(space)
            .and_then(|s| s.fork.as_ref())
            .map(|f| f.schedule.clone())
            .ok_or_else(|| AppError::Unauthorized("Not logged in".into()))
    }

    /// Replaces the schedule of `space` after an edit.
    pub(super) fn set_schedule(&mut self, space: &Id, schedule: Schedule) {
        if let Some(fork) = self.scenarios.get_mut(space).and_then(|s| s.fork.as_mut()) {
            fork.schedule = schedule;
        } else {
            self.schedules.insert(space.clone(), schedule);
        }
    }

    /// The rows an edit of `space` writes besides its activity entry. In a scenario:
    /// the scenario's rows for the records it changed (never the live rows). On live:
    /// the live rows, plus, for each open scenario of the team without a row for a
    /// changed record, a row keeping the record's old value (copy-on-write).
    pub(super) fn edit_mutations(&mut self, auth: &AuthUser, changes: &[Change]) -> Vec<Mutation> {
        let key = |c: &Change| {
            let r = c.after.as_ref().or(c.before.as_ref())?;
            Some((r.kind(), Id(r.id().to_string())))
        };
        let mut mutations = Vec::new();
        if let Some(scenario) = &auth.scenario {
            let Some(fork) = self
                .scenarios
                .get_mut(scenario)
                .and_then(|s| s.fork.as_mut())
            else {
                return mutations;
            };
            for c in changes {
                let Some((kind, id)) = key(c) else { continue };
                let row = fork.rows.entry((kind, id.clone())).or_insert_with(|| Row {
                    base: c.before.clone(),
                    touched: true,
                });
                row.touched = true;
                mutations.push(Mutation::ScenarioRow(Box::new(ScenarioRow {
                    scenario_id: scenario.clone(),
                    kind,
                    id,
                    value: c.after.clone(),
                    base: row.base.clone(),
                    touched: true,
                })));
            }
            return mutations;
        }
        for c in changes {
            match (&c.after, &c.before) {
                (Some(after), _) => mutations.push(Mutation::Put(after.clone())),
                (None, Some(before)) => {
                    mutations.push(Mutation::Delete(before.kind(), Id(before.id().to_string())))
                }
                (None, None) => {}
            }
        }
        let team = &auth.team_id;
        for (scenario_id, state) in self.scenarios.iter_mut() {
            let Some(fork) = state.fork.as_mut().filter(|_| &state.meta.team_id == team) else {
                continue;
            };
            for c in changes {
                let Some((kind, id)) = key(c) else { continue };
                if fork.rows.contains_key(&(kind, id.clone())) {
                    continue;
                }
                fork.rows.insert(
                    (kind, id.clone()),
                    Row {
                        base: c.before.clone(),
                        touched: false,
                    },
                );
                mutations.push(Mutation::ScenarioRow(Box::new(ScenarioRow {
                    scenario_id: scenario_id.clone(),
                    kind,
                    id,
                    value: c.before.clone(),
                    base: c.before.clone(),
                    touched: false,
                })));
            }
        }
        mutations
    }

    /// The team's scenarios, open ones first, newest first.
    pub fn scenarios(&self, team_id: &Id) -> Vec<Scenario> {
        let mut list: Vec<Scenario> = self
            .scenarios
            .values()
            .filter(|s| &s.meta.team_id == team_id)
            .map(|s| s.meta.clone())
            .collect();
        list.sort_by(|a, b| {
            (a.status != ScenarioStatus::Open)
                .cmp(&(b.status != ScenarioStatus::Open))
                .then(b.created_at.cmp(&a.created_at))
                .then(a.id.cmp(&b.id))
        });
        list
    }

    /// Forks the live schedule into a new scenario: O(1), sharing memory with live.
    pub fn create_scenario(
        &mut self,
        auth: &AuthUser,
        name: &str,
        now: Timestamp,
    ) -> Applied<Scenario> {
        auth.require_schedule_editor()?;
        let name = scenario_name(name)?;
        let open = self
            .scenarios
            .values()
            .filter(|s| s.meta.team_id == auth.team_id && s.fork.is_some())
            .count();
        if open >= OPEN_PER_TEAM {
            return Err(AppError::Conflict(format!(
                "A team can have at most {OPEN_PER_TEAM} open scenarios: merge or archive one first"
            )));
        }
        let live = self.schedule(&auth.team_id)?;
        let meta = Scenario {
            id: self
                .fresh_id(|id| self.scenarios.contains_key(id) || self.schedules.contains_key(id)),
            team_id: auth.team_id.clone(),
            name,
            created_by: auth.user_id.clone(),
            created_at: now,
            status: ScenarioStatus::Open,
            closed_at: None,
        };
        let fork = Fork {
            schedule: live,
            rows: HashMap::new(),
        };
        self.scenarios.insert(
            meta.id.clone(),
            ScenarioState {
                meta: meta.clone(),
                fork: Some(fork),
            },
        );
        Ok((meta.clone(), vec![Mutation::Put(Record::Scenario(meta))]))
    }

    fn own_scenario(&self, auth: &AuthUser, id: &Id) -> Result<&ScenarioState> {
        self.scenarios
            .get(id)
            .filter(|s| s.meta.team_id == auth.team_id)
            .ok_or_else(not_found)
    }

    fn open_scenario(&self, auth: &AuthUser, id: &Id) -> Result<(&Scenario, &Fork)> {
        let state = self.own_scenario(auth, id)?;
        match &state.fork {
            Some(fork) => Ok((&state.meta, fork)),
            None => Err(AppError::Conflict(format!(
                "This scenario is {}; it can no longer change",
                match state.meta.status {
                    ScenarioStatus::Merged => "merged",
                    _ => "archived",
                }
            ))),
        }
    }

    pub fn rename_scenario(&mut self, auth: &AuthUser, id: &Id, name: &str) -> Applied<Scenario> {
        auth.require_schedule_editor()?;
        let name = scenario_name(name)?;
        self.own_scenario(auth, id)?;
        let state = self.scenarios.get_mut(id).ok_or_else(not_found)?;
        state.meta.name = name;
        let meta = state.meta.clone();
        Ok((meta.clone(), vec![Mutation::Put(Record::Scenario(meta))]))
    }

    /// Closes an open scenario: its fork, log and rows go; its name and status stay.
    fn close_scenario(&mut self, id: &Id, status: ScenarioStatus, now: Timestamp) -> Vec<Mutation> {
        self.activity.remove(id);
        let Some(state) = self.scenarios.get_mut(id) else {
            return vec![];
        };
        state.fork = None;
        state.meta.status = status;
        state.meta.closed_at = Some(now);
        vec![
            Mutation::Put(Record::Scenario(state.meta.clone())),
            Mutation::ClearScenario(id.clone()),
        ]
    }

    pub fn archive_scenario(&mut self, auth: &AuthUser, id: &Id, now: Timestamp) -> Applied<()> {
        auth.require_schedule_editor()?;
        self.open_scenario(auth, id)?;
        Ok(((), self.close_scenario(id, ScenarioStatus::Archived, now)))
    }

    /// The records scenario `id` changed (its value differs from its base), each as live
    /// has it now and as the scenario has it, in merge order.
    fn differences(
        &self,
        auth: &AuthUser,
        id: &Id,
    ) -> Result<(Scenario, Schedule, Schedule, Vec<Difference>)> {
        let (meta, fork) = self.open_scenario(auth, id)?;
        let live = self.schedule(&auth.team_id)?;
        let mut differences: Vec<Difference> = fork
            .rows
            .iter()
            .filter(|(_, row)| row.touched)
            .filter_map(|((kind, rid), row)| {
                let scenario = get_record(&fork.schedule, *kind, rid);
                if same_content(scenario.as_ref(), row.base.as_ref()) {
                    return None;
                }
                let now = get_record(&live, *kind, rid);
                Some(Difference {
                    kind: *kind,
                    id: rid.clone(),
                    conflict: !same_content(now.as_ref(), row.base.as_ref()),
                    live: now,
                    scenario,
                })
            })
            .collect();
        let rank = |d: &Difference| {
            let i = MERGE_ORDER.iter().position(|k| *k == d.kind).unwrap_or(0);
            // Writes in order, then removals in the reverse order.
            if d.scenario.is_some() {
                i
            } else {
                2 * MERGE_ORDER.len() - i
            }
        };
        differences.sort_by(|a, b| rank(a).cmp(&rank(b)).then(a.id.cmp(&b.id)));
        Ok((meta.clone(), live, fork.schedule.clone(), differences))
    }

    /// Both schedules and what differs, for `compare` (computed outside the loop).
    pub fn fork_view(&self, auth: &AuthUser, id: &Id) -> Result<ForkView> {
        let (scenario, live, fork, differences) = self.differences(auth, id)?;
        Ok(ForkView {
            scenario,
            live,
            fork,
            differences,
        })
    }

    /// Applies scenario `id`'s changes to live as one activity entry (one undo reverts
    /// them all) and closes it. Records live also changed since the fork are conflicts:
    /// without `on_conflict` nothing changes and the answer lists them.
    pub fn merge_scenario(
        &mut self,
        auth: &AuthUser,
        id: &Id,
        on_conflict: Option<OnConflict>,
        now: Timestamp,
    ) -> Applied<Edited> {
        auth.require_schedule_editor()?;
        let (meta, _, _, differences) = self.differences(auth, id)?;
        let conflicts: Vec<&Difference> = differences.iter().filter(|d| d.conflict).collect();
        if !conflicts.is_empty() && on_conflict.is_none() {
            let list = conflicts
                .iter()
                .map(|d| {
                    serde_json::json!({
                        "kind": d.kind.api_name(),
                        "id": d.id.as_str(),
                        "live": d.live.as_ref().map(Record::to_value),
                        "scenario": d.scenario.as_ref().map(Record::to_value),
                    })
                })
                .collect();
            let names: Vec<String> = conflicts
                .iter()
                .take(3)
                .map(|d| format!("{} {}", kind_name(d.kind), d.id))
                .collect();
            return Err(AppError::MergeConflict {
                message: format!(
                    "{} record(s) changed on live since the fork ({}{}); choose which side wins with on_conflict",
                    conflicts.len(),
                    names.join(", "),
                    if conflicts.len() > 3 { ", ..." } else { "" }
                ),
                conflicts: Box::new(serde_json::Value::Array(list)),
            });
        }
        let changes: Vec<Change> = differences
            .into_iter()
            .filter(|d| !(d.conflict && on_conflict == Some(OnConflict::Live)))
            .filter(|d| d.live.is_some() || d.scenario.is_some())
            .map(|d| Change {
                before: d.live,
                after: d.scenario,
            })
            .collect();
        let summary = format!(
            "Merged scenario “{}” ({} change{})",
            meta.name,
            changes.len(),
            if changes.len() == 1 { "" } else { "s" }
        );
        let live = AuthUser {
            scenario: None,
            ..auth.clone()
        };
        let (edited, mut mutations) =
            self.edit_if(&live, Edit::Batch(summary, changes), None, now)?;
        mutations.extend(self.close_scenario(id, ScenarioStatus::Merged, now));
        Ok((edited, mutations))
    }
}
