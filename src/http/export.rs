//! The whole team in and out as one JSON document (`/api/v1/team/export`,
//! `/api/v1/team/import`); the document itself is [`crate::import::team`].

use super::AppState;
use super::auth::TeamSchedule;
use super::extract::ApiJson;
use crate::db::state::StoredProposal;
use crate::domain::{AuthUser, now};
use crate::error::ErrorBody;
use crate::import::team::{TeamDocument, export, plan_import};
use crate::{AppError, Result};
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(export_team))
        .routes(routes!(import_team))
        .layer(axum::extract::DefaultBodyLimit::max(
            super::import::MAX_IMPORT_BYTES,
        ))
}

/// Everything the team has (people, clients, projects, allocations, time off, tasks,
/// actual hours, settings) as one versioned document; never logins or secrets.
#[utoipa::path(get, path = "/api/v1/team/export", tag = "team",
    responses((status = 200, body = TeamDocument)))]
async fn export_team(TeamSchedule(schedule): TeamSchedule) -> Result<Json<TeamDocument>> {
    let doc = tokio::task::spawn_blocking(move || export(&schedule))
        .await
        .map_err(|e| AppError::Internal(format!("export task: {e}")))?;
    Ok(Json(doc))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TeamImported {
    /// Records made.
    pub records: usize,
    /// The activity entry that undoes the import.
    pub activity_id: Option<String>,
}

/// Loads an export into this team, which must be empty (owner). Every record gets a
/// fresh id; the whole load is one change that one undo reverts. The team's name, time
/// zone and first day of the week are taken from the document.
#[utoipa::path(post, path = "/api/v1/team/import", tag = "team", request_body = TeamDocument,
    responses((status = 200, body = TeamImported), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn import_team(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(doc): ApiJson<TeamDocument>,
) -> Result<Json<TeamImported>> {
    auth.require_owner()?;
    let schedule = state.db.schedule(auth.team_id.clone()).await?;
    let version = schedule.version;
    let settings = doc.team.clone();
    let changes = tokio::task::spawn_blocking(move || plan_import(doc, &schedule))
        .await
        .map_err(|e| AppError::Internal(format!("import task: {e}")))??;
    let records = changes.len();
    // The settings first: a bad one refuses the import before any record lands.
    state
        .db
        .patch_team(
            auth.clone(),
            serde_json::to_value(&settings).unwrap_or_default(),
        )
        .await?;
    let mut activity_id = None;
    if records > 0 {
        let proposal = StoredProposal {
            team_id: auth.team_id.clone(),
            version,
            summary: format!("Imported a team export: {records} records"),
            changes,
            created_at: now(),
        };
        let id = state.db.save_proposal(proposal).await?;
        let edited = state.db.apply_proposal(auth.clone(), id).await?;
        activity_id = Some(edited.entry.id.0.clone());
    }
    Ok(Json(TeamImported {
        records,
        activity_id,
    }))
}
