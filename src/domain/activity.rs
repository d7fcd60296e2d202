//! The history of the schedule: every change, who made it and when, with the records
//! before and after, so that it can be shown and undone.

use super::{Id, Timestamp};
use crate::store::Record;
use serde::{Deserialize, Serialize};

/// Entries of each team's activity log kept in memory (and so undoable); older ones
/// stay on disk.
pub const ACTIVITY_KEPT: usize = 5000;

/// One record's change: absent `before` is a creation, absent `after` a deletion.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub before: Option<Record>,
    pub after: Option<Record>,
}

/// One entry of the activity log: a change a person made, in one step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    pub id: Id,
    pub team_id: Id,
    /// Orders entries; increases with every entry.
    pub seq: u64,
    pub user_id: Id,
    pub at: Timestamp,
    /// What happened, for a person: "Created allocation".
    pub summary: String,
    pub changes: Vec<Change>,
    /// The entry this one undid.
    #[serde(default)]
    pub undo_of: Option<Id>,
    /// The entry that undid this one.
    #[serde(default)]
    pub undone_by: Option<Id>,
    /// Whether this entry is a change, or undoes or redoes one: each person's Ctrl+Z
    /// walks back through their changes and redos, Ctrl+Shift+Z through their undos.
    #[serde(default)]
    pub action: Action,
}

/// What an activity entry did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    #[default]
    Change,
    Undo,
    Redo,
}

impl Activity {
    /// Entries written before `action` existed: an entry that undid another is an undo.
    pub fn normalised(mut self) -> Activity {
        if self.undo_of.is_some() && self.action == Action::Change {
            self.action = Action::Undo;
        }
        self
    }

    /// Whether any of this entry's changes touched record `kind`/`id`.
    pub fn touches(&self, kind: crate::store::Kind, id: &str) -> bool {
        self.changes.iter().any(|c| {
            c.after
                .as_ref()
                .or(c.before.as_ref())
                .is_some_and(|r| r.kind() == kind && r.id() == id)
        })
    }
}
