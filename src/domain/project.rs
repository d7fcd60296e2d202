//! Projects: the jobs a team schedules people on.

use super::{Id, Timestamp};
use crate::AppError;
use serde::{Deserialize, Serialize};

/// A job for a client, won or still in the pipeline.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Project {
    #[schema(value_type = String)]
    pub id: Id,
    #[schema(value_type = String)]
    pub team_id: Id,
    pub name: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// The fields a PATCH may change; absent fields stay as they are.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectPatch {
    pub name: Option<String>,
}

/// The body of `POST /api/v1/prj`.
#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProject {
    pub name: String,
}

pub fn check_project_name(name: &str) -> Result<String, AppError> {
    super::required_text("name", name, 200)
}

impl Project {
    /// Applies a validated patch; returns the updated copy.
    pub fn patched(&self, patch: &ProjectPatch, now: Timestamp) -> Result<Project, AppError> {
        let mut next = self.clone();
        if let Some(name) = &patch.name {
            next.name = check_project_name(name)?;
        }
        next.updated_at = now;
        Ok(next)
    }

    /// The key projects are listed by: case-insensitive name, then id for ties.
    pub fn sort_key(&self) -> (String, Id) {
        (self.name.to_lowercase(), self.id.clone())
    }
}
