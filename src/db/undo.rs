//! Undo and redo. Any entry of the activity log can be undone explicitly (from the
//! history); each person's Ctrl+Z walks back through *their own* changes, and
//! Ctrl+Shift+Z re-applies what they undid, so that two planners working at once never
//! undo each other's work by accident.
//!
//! An undo is itself an entry (action `undo`) whose changes revert the original's; a
//! redo is the undo of an undo (action `redo`). An entry can be reverted only while
//! every record it wrote is still as it left it; otherwise the answer says who changed
//! what since.

use super::describe::clause;
use super::records::{apply_change, get_record, kind_name};
use super::state::Db;
use crate::domain::activity::{Action, Activity, Change};
use crate::domain::{AuthUser, Id, Schedule};
use crate::store::Record;
use crate::{AppError, Result};
use std::sync::Arc;

/// How far back a person's Ctrl+Z looks for something of theirs to undo.
const OWN_HISTORY_SCANNED: usize = 200;

impl Db {
    /// The changes that revert activity entry `id`, its summary and what kind of step
    /// that is (an undo, or a redo when `id` was itself an undo).
    pub(super) fn plan_undo(
        &self,
        s: &Schedule,
        team: &Id,
        id: &Id,
    ) -> Result<(String, Vec<Change>, Action)> {
        let log = self.activity.get(team);
        let entry = log
            .and_then(|log| log.iter().find(|a| &a.id == id))
            .ok_or_else(|| AppError::NotFound("Activity entry not found".into()))?;
        let newer: Vec<&Arc<Activity>> = log
            .into_iter()
            .flatten()
            .rev()
            .take_while(|a| a.id != entry.id)
            .collect();
        let changes = reverse(s, entry, &newer, |u| self.user_name(u))?;
        let action = if entry.action == Action::Undo {
            Action::Redo
        } else {
            Action::Undo
        };
        let prefix = if action == Action::Redo {
            "Redid"
        } else {
            "Undid"
        };
        Ok((clause(prefix, &entry.summary), changes, action))
    }

    /// The caller's newest change (or redo) that can still be undone.
    pub(super) fn my_undo(&self, s: &Schedule, auth: &AuthUser) -> Result<Id> {
        let mut first_refusal = None;
        let mine = self
            .activity
            .get(&auth.team_id)
            .into_iter()
            .flatten()
            .rev()
            .filter(|a| a.user_id == auth.user_id)
            .take(OWN_HISTORY_SCANNED);
        for entry in mine {
            if entry.action == Action::Undo || entry.undone_by.is_some() {
                continue;
            }
            match self.plan_undo(s, &auth.team_id, &entry.id) {
                Ok(_) => return Ok(entry.id.clone()),
                Err(e) => {
                    first_refusal.get_or_insert(e);
                }
            }
        }
        Err(first_refusal.unwrap_or_else(|| AppError::Conflict("Nothing to undo".into())))
    }

    /// The caller's newest undo not yet redone, unless they have made a new change
    /// since (which, as in any editor, ends what can be redone).
    pub(super) fn my_redo(&self, s: &Schedule, auth: &AuthUser) -> Result<Id> {
        let mine = self
            .activity
            .get(&auth.team_id)
            .into_iter()
            .flatten()
            .rev()
            .filter(|a| a.user_id == auth.user_id)
            .take(OWN_HISTORY_SCANNED);
        for entry in mine {
            match entry.action {
                Action::Change => break,
                Action::Redo => continue,
                Action::Undo if entry.undone_by.is_some() => continue,
                Action::Undo => {
                    self.plan_undo(s, &auth.team_id, &entry.id)?;
                    return Ok(entry.id.clone());
                }
            }
        }
        Err(AppError::Conflict("Nothing to redo".into()))
    }
}

/// The changes that revert `entry` in schedule `s`, if every record it wrote is still as
/// it left it. `newer` are the entries after it, newest first, to say who changed a
/// record since; `name` gives a user's name.
pub fn reverse(
    s: &Schedule,
    entry: &Activity,
    newer: &[&Arc<Activity>],
    name: impl Fn(&Id) -> String,
) -> Result<Vec<Change>> {
    if entry.undone_by.is_some() {
        return Err(AppError::Conflict(
            "Cannot undo: this change was already undone".into(),
        ));
    }
    let mut changes = Vec::with_capacity(entry.changes.len());
    for change in entry.changes.iter().rev() {
        let record = change
            .after
            .as_ref()
            .or(change.before.as_ref())
            .ok_or_else(|| AppError::Internal("a change with neither before nor after".into()))?;
        let (kind, rid) = (record.kind(), Id(record.id().to_string()));
        let current = get_record(s, kind, &rid);
        if !same_content(current.as_ref(), change.after.as_ref()) {
            let by = newer
                .iter()
                .rev()
                .find(|a| a.touches(kind, rid.as_str()))
                .map(|a| name(&a.user_id));
            let what = kind_name(kind);
            return Err(AppError::Conflict(match by {
                Some(who) => format!("Cannot undo: {who} changed the {what} again since"),
                None => format!("Cannot undo: the {what} was changed again since"),
            }));
        }
        changes.push(Change {
            before: current,
            after: change.before.clone(),
        });
    }
    Ok(changes)
}

/// Whether two states of a record are the same apart from their versions (an undo
/// restores content; the version always moves on).
fn same_content(a: Option<&Record>, b: Option<&Record>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) if a.version() != b.version() => {
            let mut b = b.clone();
            b.set_version(a.version());
            *a == b
        }
        (a, b) => a == b,
    }
}

/// Why `entry` cannot be undone now, in words; `None` when it can.
pub fn why_not(
    s: &Schedule,
    entry: &Activity,
    newer: &[&Arc<Activity>],
    name: impl Fn(&Id) -> String,
) -> Option<String> {
    if entry.undone_by.is_some() {
        return Some("Already undone".into());
    }
    let refusal = reverse(s, entry, newer, name).and_then(|changes| {
        // What still points at a record the undo would remove (a project's new
        // bookings) also stops it: try it on a scratch copy, O(1) to take.
        let mut scratch = s.clone();
        changes
            .iter()
            .try_for_each(|c| apply_change(&mut scratch, c))
            .map_err(|e| {
                AppError::Conflict(format!("Cannot undo: {}", lower_cannot(&e.to_string())))
            })
    });
    refusal.err().map(|e| {
        let text = e.to_string();
        text.strip_prefix("Cannot undo: ")
            .map(|t| {
                let mut c = t.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            })
            .unwrap_or(text)
    })
}

/// "Cannot remove: the project still has 2 dependent record(s)" as a clause.
fn lower_cannot(message: &str) -> String {
    message
        .strip_prefix("Cannot remove: ")
        .unwrap_or(message)
        .to_string()
}
