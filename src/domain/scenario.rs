//! Scenarios: named what-if copies of a team's whole schedule ("what if we win the bank
//! project and hire two developers in March?"), edited apart from live, compared with
//! it and merged back in one step. The types and pure rules; the forks themselves live
//! in `db::scenarios`.

use super::{Id, Timestamp};
use serde::{Deserialize, Serialize};

/// Open scenarios a team may hold at once: every live change costs each open scenario
/// one row on disk (see `db::scenarios`), so their number is bounded.
pub const OPEN_PER_TEAM: usize = 20;

/// Where a scenario stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ScenarioStatus {
    /// Can be edited, compared and merged.
    #[default]
    Open,
    /// Its changes went to live; closed.
    Merged,
    /// Put away without merging; closed.
    Archived,
}

/// A scenario as stored and listed (its fork of the schedule is kept apart).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Scenario {
    #[schema(value_type = String)]
    pub id: Id,
    #[schema(value_type = String)]
    pub team_id: Id,
    pub name: String,
    #[schema(value_type = String)]
    pub created_by: Id,
    pub created_at: Timestamp,
    pub status: ScenarioStatus,
    /// When it was merged or archived.
    #[serde(default)]
    pub closed_at: Option<Timestamp>,
}

/// A scenario's name, trimmed: 1 to 200 characters.
pub fn scenario_name(name: &str) -> Result<String, crate::AppError> {
    super::required_text("name", name, 200)
}

/// Which side wins when a record changed both in a scenario and on live since the fork.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum OnConflict {
    /// The scenario's version replaces live's.
    Scenario,
    /// Live's version stays; the scenario's change to that record is dropped.
    Live,
}
