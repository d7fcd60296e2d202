//! Scenarios (`/api/v1/scenarios*`): what-if forks of the whole schedule. Any schedule
//! endpoint works inside one when the request carries `Kronuz-Scenario: <id>` (see
//! `auth`); these routes create, list, rename, archive, compare and merge them.

use super::AppState;
use super::edits::blocking;
use super::extract::ApiJson;
use crate::domain::scenario::{OnConflict, Scenario};
use crate::domain::{AuthUser, Id};
use crate::error::ErrorBody;
use crate::reports::compare::{Comparison, compare};
use crate::{AppError, Result};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_scenarios, create_scenario))
        .routes(routes!(rename_scenario, archive_scenario))
        .routes(routes!(compare_scenario))
        .routes(routes!(merge_scenario))
}

/// A scenario's name.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioInput {
    pub name: String,
}

/// How a merge settles records live changed since the fork.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeBody {
    /// Without it, conflicts make the merge change nothing (409, listing them).
    pub on_conflict: Option<OnConflict>,
}

/// What a merge did.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Merged {
    /// The one activity entry on live: undoing it reverts the whole merge.
    pub activity_id: String,
    pub summary: String,
    /// Records written or removed on live.
    pub changes: usize,
}

/// The team's scenarios, open ones first.
#[utoipa::path(get, path = "/api/v1/scenarios", tag = "scenarios",
    responses((status = 200, body = Vec<Scenario>)))]
async fn list_scenarios(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<Json<Vec<Scenario>>> {
    Ok(Json(state.db.scenarios(auth.team_id).await?))
}

/// Forks the live schedule into a new scenario (owners and managers). Costs O(1): the
/// scenario shares everything with live until one side changes.
#[utoipa::path(post, path = "/api/v1/scenarios", tag = "scenarios", request_body = ScenarioInput,
    responses((status = 201, body = Scenario), (status = 403, body = ErrorBody), (status = 409, description = "Too many open scenarios", body = ErrorBody)))]
async fn create_scenario(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(input): ApiJson<ScenarioInput>,
) -> Result<(StatusCode, Json<Scenario>)> {
    let scenario = state.db.create_scenario(auth, input.name).await?;
    Ok((StatusCode::CREATED, Json(scenario)))
}

/// Renames a scenario.
#[utoipa::path(patch, path = "/api/v1/scenarios/{id}", tag = "scenarios", request_body = ScenarioInput, params(("id" = String, Path)),
    responses((status = 200, body = Scenario), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn rename_scenario(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ScenarioInput>,
) -> Result<Json<Scenario>> {
    Ok(Json(
        state.db.rename_scenario(auth, Id(id), input.name).await?,
    ))
}

/// Archives an open scenario without merging it: it can no longer be used.
#[utoipa::path(delete, path = "/api/v1/scenarios/{id}", tag = "scenarios", params(("id" = String, Path)),
    responses((status = 204, description = "Archived"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "Already merged or archived", body = ErrorBody)))]
async fn archive_scenario(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    state.db.archive_scenario(auth, Id(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What the scenario changes against live now: records added, removed and changed, and
/// their effect on utilisation per person and month, on each project's finish and
/// booked hours, and on the team's monthly totals.
#[utoipa::path(get, path = "/api/v1/scenarios/{id}/compare", tag = "scenarios", params(("id" = String, Path)),
    responses((status = 200, body = Comparison), (status = 404, body = ErrorBody),
        (status = 409, description = "The scenario was merged: there is nothing left to compare", body = ErrorBody)))]
async fn compare_scenario(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<Comparison>> {
    let view = state.db.fork_view(auth, Id(id)).await?;
    let today = chrono::Utc::now().date_naive();
    let comparison =
        blocking(move || compare(&view.live, &view.fork, &view.differences, today)).await?;
    Ok(Json(comparison))
}

/// Applies the scenario's changes to live as one change (one activity entry, undone in
/// one step) and closes the scenario. If live changed a record the scenario changed
/// too, nothing happens and the answer is 409 listing them (`conflicts`), unless
/// `on_conflict` says which side wins.
#[utoipa::path(post, path = "/api/v1/scenarios/{id}/merge", tag = "scenarios", request_body(content = MergeBody, description = "Optional"), params(("id" = String, Path)),
    responses((status = 200, body = Merged), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "Conflicts (listed in `conflicts`), or the scenario is closed", body = ErrorBody)))]
async fn merge_scenario(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Merged>> {
    let body: MergeBody = if body.iter().all(u8::is_ascii_whitespace) {
        MergeBody::default()
    } else {
        let value: serde_json::Value = serde_json::from_slice(&body)
            .map_err(|_| AppError::BadRequest("Request body is not valid JSON".into()))?;
        crate::domain::schedule::from_json(value)?
    };
    let edited = state
        .db
        .merge_scenario(auth, Id(id), body.on_conflict)
        .await?;
    Ok(Json(Merged {
        activity_id: edited.entry.id.0.clone(),
        summary: edited.entry.summary.clone(),
        changes: edited.entry.changes.len(),
    }))
}
