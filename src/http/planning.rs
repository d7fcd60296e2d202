//! Tasks (`/api/v1/prj/{id}/tasks*`) and automatic planning (`/api/v1/schedule/*`):
//! preview a levelled plan, then apply it as one undoable change.

use super::AppState;
use super::auth::TeamSchedule;
use super::edits::{deleted, respond, updated};
use super::extract::ApiJson;
use super::extract::IfMatch;
use crate::db::Edit;
use crate::db::state::StoredProposal;
use crate::domain::task::{Task, TaskInput};
use crate::domain::{AuthUser, Id};
use crate::error::ErrorBody;
use crate::planning::{Proposal, Search, Tentative, plan};
use crate::{AppError, Result};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderName, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value;
use std::time::Instant;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tasks, create_task))
        .routes(routes!(patch_task, delete_task))
        .routes(routes!(preview))
        .routes(routes!(apply))
}

/// A project's tasks, in creation order of their ids.
#[utoipa::path(get, path = "/api/v1/prj/{id}/tasks", tag = "planning", params(("id" = String, Path)),
    responses((status = 200, body = Vec<Task>), (status = 404, body = ErrorBody)))]
async fn list_tasks(
    TeamSchedule(s): TeamSchedule,
    Path(id): Path<String>,
) -> Result<Json<Vec<Task>>> {
    let id = Id(id);
    if !s.projects.contains_key(&id) {
        return Err(AppError::NotFound("Project not found".into()));
    }
    let mut tasks: Vec<Task> = s
        .tasks
        .values()
        .filter(|t| t.project_id == id)
        .cloned()
        .collect();
    tasks.sort_by(|a, b| {
        b.priority
            .cmp(&a.priority)
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok(Json(tasks))
}

/// Adds a task to a project. `depends_on` names tasks of the same project; a cycle is 422.
#[utoipa::path(post, path = "/api/v1/prj/{id}/tasks", tag = "planning", request_body = TaskInput, params(("id" = String, Path)),
    responses((status = 201, body = Task), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_task(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<TaskInput>,
) -> Result<Response> {
    let s = state.db.schedule(auth.space().clone()).await?;
    if !s.projects.contains_key(&Id(id.clone())) {
        return Err(AppError::NotFound("Project not found".into()));
    }
    respond(
        &state,
        auth,
        Edit::CreateTask(Id(id), input),
        StatusCode::CREATED,
    )
    .await
}

async fn task_of(state: &AppState, auth: &AuthUser, project: &str, task: &str) -> Result<Id> {
    let s = state.db.schedule(auth.space().clone()).await?;
    let id = Id(task.to_string());
    match s.tasks.get(&id) {
        Some(t) if t.project_id.as_str() == project => Ok(id),
        _ => Err(AppError::NotFound("Task not found".into())),
    }
}

/// Changes a task.
#[utoipa::path(patch, path = "/api/v1/prj/{id}/tasks/{task_id}", tag = "planning", request_body(content = Object, description = "Any subset of the fields of `TaskInput`; `null` clears an optional one"),
    params(("id" = String, Path), ("task_id" = String, Path)),
    responses((status = 200, body = Task), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn patch_task(
    State(state): State<AppState>,
    auth: AuthUser,
    if_match: IfMatch,
    Path((id, task)): Path<(String, String)>,
    ApiJson(patch): ApiJson<Value>,
) -> Result<Response> {
    let task = task_of(&state, &auth, &id, &task).await?;
    updated(
        &state,
        auth,
        Edit::PatchTask(task, patch),
        if_match,
        StatusCode::OK,
    )
    .await
}

/// Removes a task (409 while another task depends on it).
#[utoipa::path(delete, path = "/api/v1/prj/{id}/tasks/{task_id}", tag = "planning",
    params(("id" = String, Path), ("task_id" = String, Path)),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn delete_task(
    State(state): State<AppState>,
    auth: AuthUser,
    if_match: IfMatch,
    Path((id, task)): Path<(String, String)>,
) -> Result<StatusCode> {
    let task = task_of(&state, &auth, &id, &task).await?;
    deleted(&state, auth, Edit::DeleteTask(task), if_match).await
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewBody {
    #[schema(value_type = Vec<String>)]
    pub project_ids: Vec<Id>,
    /// The first day the plan may book.
    pub from: NaiveDate,
    /// Search budget (default 2000, at most 10000).
    #[serde(default)]
    pub time_limit_ms: Option<u64>,
    /// `blocks` (the default): existing tentative bookings count as taken. `ignore`:
    /// plan over them; the proposal's `overbooked` then lists whom it overbooks, when.
    #[serde(default)]
    pub tentative: Tentative,
    /// Search the whole `time_limit_ms` even after the plan stopped improving. By
    /// default the search stops once 12 passes in a row found nothing better, which
    /// never gives a worse plan than its first pass.
    #[serde(default)]
    pub full_search: bool,
    /// Plan from scratch, ignoring where the earlier plan put each task. By default a
    /// re-plan starts from it: tasks a change does not push keep their person and days,
    /// and the search moves no other task, even to make a deadline.
    #[serde(default)]
    pub fresh: bool,
}

/// Proposes a levelled schedule for the projects' tasks. Nothing changes until applied.
/// Tasks book only between their project's start and end dates; tasks that do not fit
/// are listed unscheduled with the reason, late ones with their delay. The
/// `Server-Timing` header gives the time of each step in milliseconds: reading the
/// schedule (`load`), planning (`plan`, of which the engine's search `engine`),
/// keeping the proposal (`store`) and writing the answer (`json`).
#[utoipa::path(post, path = "/api/v1/schedule/preview", tag = "planning", request_body = PreviewBody,
    responses((status = 200, body = Proposal), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn preview(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(body): ApiJson<PreviewBody>,
) -> Result<Response> {
    auth.require_schedule_editor()?;
    crate::domain::calendar::check_date("from", body.from)?;
    let limit =
        std::time::Duration::from_millis(body.time_limit_ms.unwrap_or(2000).clamp(10, 10_000));
    let started = Instant::now();
    let schedule = state.db.schedule(auth.space().clone()).await?;
    let loaded = started.elapsed();
    let version = schedule.version;
    // The engine is CPU work: off the actor and off the async workers.
    let planned = tokio::task::spawn_blocking(move || {
        let search = Search {
            time_limit: limit,
            full: body.full_search,
            fresh: body.fresh,
            seed: 1,
        };
        plan(
            &schedule,
            &body.project_ids,
            body.from,
            search,
            body.tentative,
        )
    })
    .await
    .map_err(|e| AppError::Internal(format!("planner task: {e}")))??;
    let planning = started.elapsed() - loaded;
    let summary = format!(
        "Applied a plan ({} allocations)",
        planned.proposal.allocations.len()
    );
    let stored = StoredProposal {
        team_id: auth.space().clone(),
        version,
        summary,
        changes: planned.changes,
        created_at: crate::domain::now(),
    };
    let id = state.db.save_proposal(stored).await?;
    let storing = started.elapsed() - loaded - planning;
    let mut proposal = planned.proposal;
    proposal.proposal_id = id.0;
    let json = Instant::now();
    let bytes = serde_json::to_vec(&proposal)
        .map_err(|e| AppError::Internal(format!("proposal as JSON: {e}")))?;
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    let timing = format!(
        "load;dur={:.1}, plan;dur={:.1}, engine;dur={:.1}, store;dur={:.1}, json;dur={:.1}",
        ms(loaded),
        ms(planning),
        ms(planned.engine),
        ms(storing),
        ms(json.elapsed())
    );
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_string()),
            (HeaderName::from_static("server-timing"), timing),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyBody {
    #[schema(value_type = String)]
    pub proposal_id: Id,
}

/// Applies a previewed plan as one change (one activity entry, one undo). 409 if the
/// schedule changed since the preview.
#[utoipa::path(post, path = "/api/v1/schedule/apply", tag = "planning", request_body = ApplyBody,
    responses((status = 200, description = "Applied"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn apply(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(body): ApiJson<ApplyBody>,
) -> Result<Json<Value>> {
    state
        .db
        .apply_proposal(auth.clone(), body.proposal_id)
        .await?;
    let entry = state.db.activity(auth.space().clone(), 1).await?;
    Ok(Json(
        serde_json::json!({ "applied": true, "activity_id": entry.first().map(|a| a.id.0.clone()) }),
    ))
}
