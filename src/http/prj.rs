//! Projects and the pipeline: `/api/v1/prj*`.

use super::AppState;
use super::auth::TeamSchedule;
use super::edits::{deleted, found, respond, updated};
use super::extract::ApiJson;
use super::extract::IfMatch;
use crate::Result;
use crate::db::Edit;
use crate::domain::{AuthUser, Id, Project, ProjectInput};
use crate::error::ErrorBody;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::response::Response;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_projects))
        .routes(routes!(create_project))
        .routes(routes!(get_project, patch_project, delete_project))
}

/// The team's projects, sorted by name.
#[utoipa::path(get, path = "/api/v1/prj/list", tag = "projects",
    responses((status = 200, body = Vec<Project>), (status = 401, body = ErrorBody)))]
async fn list_projects(TeamSchedule(schedule): TeamSchedule) -> Result<impl IntoResponse> {
    // Serialised once per version of the schedule, then shared by every reader of it.
    let body = schedule.memo.project_list.get_or_init(|| {
        let mut projects: Vec<&Project> = schedule.projects.values().collect();
        projects.sort_by_cached_key(|p| p.sort_key());
        serde_json::to_vec(&projects).unwrap_or_default().into()
    });
    Ok(([(header::CONTENT_TYPE, "application/json")], body.clone()))
}

/// Creates a project (owners and managers).
#[utoipa::path(post, path = "/api/v1/prj", tag = "projects", request_body = ProjectInput,
    responses((status = 201, body = Project), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_project(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(input): ApiJson<ProjectInput>,
) -> Result<Response> {
    respond(
        &state,
        auth,
        Edit::CreateProject(input),
        StatusCode::CREATED,
    )
    .await
}

/// One project.
#[utoipa::path(get, path = "/api/v1/prj/{id}", tag = "projects",
    params(("id" = String, Path, description = "Project id")),
    responses((status = 200, body = Project), (status = 404, body = ErrorBody)))]
async fn get_project(
    TeamSchedule(schedule): TeamSchedule,
    Path(id): Path<String>,
) -> Result<Response> {
    found(&schedule.projects, id, "Project")
}

/// Changes any subset of a project's fields. Changing `status` without giving
/// `probability` resets the probability to the new status's default.
#[utoipa::path(patch, path = "/api/v1/prj/{id}", tag = "projects", request_body(content = Object, description = "Any subset of the fields of `ProjectInput`; `null` clears an optional one"),
    params(("id" = String, Path, description = "Project id")),
    responses((status = 200, body = Project), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn patch_project(
    State(state): State<AppState>,
    auth: AuthUser,
    if_match: IfMatch,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<Value>,
) -> Result<Response> {
    updated(
        &state,
        auth,
        Edit::PatchProject(Id(id), patch),
        if_match,
        StatusCode::OK,
    )
    .await
}

/// Deletes a project with its allocations and actual hours (undoable).
#[utoipa::path(delete, path = "/api/v1/prj/{id}", tag = "projects",
    params(("id" = String, Path, description = "Project id")),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody)))]
async fn delete_project(
    State(state): State<AppState>,
    auth: AuthUser,
    if_match: IfMatch,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    deleted(&state, auth, Edit::DeleteProject(Id(id)), if_match).await
}
