//! Projects: `/api/v1/prj*`.

use super::AppState;
use super::extract::ApiJson;
use crate::Result;
use crate::domain::project::NewProject;
use crate::domain::{AuthUser, Id, Project, ProjectPatch};
use crate::error::ErrorBody;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
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
async fn list_projects(State(state): State<AppState>, auth: AuthUser) -> Result<Json<Vec<Project>>> {
    Ok(Json(state.db.list_projects(auth.team_id).await?))
}

/// Creates a project.
#[utoipa::path(post, path = "/api/v1/prj", tag = "projects", request_body = NewProject,
    responses((status = 201, body = Project), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_project(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(input): ApiJson<NewProject>,
) -> Result<(StatusCode, Json<Project>)> {
    let project = state.db.create_project(auth, input).await?;
    Ok((StatusCode::CREATED, Json(project)))
}

/// One project.
#[utoipa::path(get, path = "/api/v1/prj/{id}", tag = "projects",
    params(("id" = String, Path, description = "Project id")),
    responses((status = 200, body = Project), (status = 404, body = ErrorBody)))]
async fn get_project(State(state): State<AppState>, auth: AuthUser, Path(id): Path<String>) -> Result<Json<Project>> {
    Ok(Json(state.db.get_project(auth.team_id, Id(id)).await?))
}

/// Changes any subset of a project's fields.
#[utoipa::path(patch, path = "/api/v1/prj/{id}", tag = "projects", request_body = ProjectPatch,
    params(("id" = String, Path, description = "Project id")),
    responses((status = 200, body = Project), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn patch_project(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<ProjectPatch>,
) -> Result<Json<Project>> {
    Ok(Json(state.db.patch_project(auth, Id(id), patch).await?))
}

/// Deletes a project.
#[utoipa::path(delete, path = "/api/v1/prj/{id}", tag = "projects",
    params(("id" = String, Path, description = "Project id")),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody)))]
async fn delete_project(State(state): State<AppState>, auth: AuthUser, Path(id): Path<String>) -> Result<StatusCode> {
    state.db.delete_project(auth, Id(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
