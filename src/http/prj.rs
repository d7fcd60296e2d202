//! Projects and the pipeline: `/api/v1/prj*`.

use super::AppState;
use super::auth::ReaderSchedule;
use super::edits::{deleted, found_for, respond, updated};
use super::extract::IfMatch;
use super::extract::{ApiJson, ApiQuery};
use super::money::hide_money;
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

/// The team's projects, sorted by name. A member gets them without `fee`,
/// `budget_amount` and `rate_overrides`.
#[utoipa::path(get, path = "/api/v1/prj/list", tag = "projects",
    responses((status = 200, body = Vec<Project>), (status = 401, body = ErrorBody)))]
async fn list_projects(
    ReaderSchedule(auth, schedule): ReaderSchedule,
) -> Result<impl IntoResponse> {
    // Serialised once per version of the schedule (and per kind of reader), then
    // shared by every reader of it.
    let memo = if auth.sees_money() {
        &schedule.memo.project_list
    } else {
        &schedule.memo.project_list_for_members
    };
    let body = memo.get_or_init(|| {
        let mut projects: Vec<&Project> = schedule.projects.values().collect();
        projects.sort_by_cached_key(|p| p.sort_key());
        if auth.sees_money() {
            return serde_json::to_vec(&projects).unwrap_or_default().into();
        }
        let projects: Vec<Value> = projects
            .into_iter()
            .map(|p| {
                let mut v = serde_json::to_value(p).unwrap_or_default();
                hide_money(&auth, "project", &mut v);
                v
            })
            .collect();
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
    ReaderSchedule(auth, schedule): ReaderSchedule,
    Path(id): Path<String>,
) -> Result<Response> {
    found_for(&auth, &schedule.projects, id, "Project")
}

/// `PATCH /api/v1/prj/{id}`'s options.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PatchProjectQuery {
    /// Also confirm the project's tentative bookings, in the same change (one undo):
    /// what a planner wants when a project is won.
    #[serde(default)]
    pub confirm_tentative: bool,
}

/// Changes any subset of a project's fields. Changing `status` without giving
/// `probability` resets the probability to the new status's default. With
/// `confirm_tentative=true` its tentative bookings become confirmed in the same change.
#[utoipa::path(patch, path = "/api/v1/prj/{id}", tag = "projects", request_body(content = Object, description = "Any subset of the fields of `ProjectInput`; `null` clears an optional one"),
    params(("id" = String, Path, description = "Project id"), PatchProjectQuery),
    responses((status = 200, body = Project), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn patch_project(
    State(state): State<AppState>,
    auth: AuthUser,
    if_match: IfMatch,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PatchProjectQuery>,
    ApiJson(patch): ApiJson<Value>,
) -> Result<Response> {
    let edit = if q.confirm_tentative {
        Edit::PatchProjectConfirming(Id(id), patch)
    } else {
        Edit::PatchProject(Id(id), patch)
    };
    updated(&state, auth, edit, if_match, StatusCode::OK).await
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
