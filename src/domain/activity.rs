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
}
