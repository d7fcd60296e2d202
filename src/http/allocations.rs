//! Allocations, the bookings on the timeline: `/api/v1/allocations*`.

use super::AppState;
use super::auth::TeamSchedule;
use super::edits::{RangeFilter, blocking, deleted, etag, json_response, respond, updated};
use super::extract::IfMatch;
use super::extract::{ApiJson, ApiQuery};
use crate::Result;
use crate::db::Edit;
use crate::domain::schedule::AllocationInput;
use crate::domain::{Allocation, AuthUser, Id};
use crate::error::ErrorBody;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_allocations, create_allocation))
        .routes(routes!(get_allocation, patch_allocation, delete_allocation))
}

/// Allocations overlapping `[from, to]`, optionally of one person or project, by start.
#[utoipa::path(get, path = "/api/v1/allocations", tag = "allocations", params(RangeFilter),
    responses((status = 200, body = Vec<Allocation>), (status = 422, body = ErrorBody)))]
async fn list_allocations(
    TeamSchedule(schedule): TeamSchedule,
    ApiQuery(f): ApiQuery<RangeFilter>,
) -> Result<Response> {
    f.check()?;
    // A year of a large team's allocations is a few MB: filter, sort and encode it off
    // the async workers.
    blocking(move || {
        let mut list: Vec<&Allocation> = schedule
            .allocations
            .values()
            .map(|a| &**a)
            .filter(|a| a.overlaps(f.from, f.to))
            .filter(|a| {
                f.person_id
                    .as_ref()
                    .is_none_or(|p| a.person_id.as_ref() == Some(p))
            })
            .filter(|a| f.project_id.as_ref().is_none_or(|p| &a.project_id == p))
            .collect();
        list.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.id.cmp(&b.id)));
        json_response(&list)
    })
    .await
}

/// Books a person (or a placeholder role) on a project: `hours_per_day` on each of
/// their working days in `[start, end]`. Without `hours_per_day`, a person is booked
/// for the hours they have free (the least over the range's working days, so nobody
/// is overbooked), or for their capacity when they have nothing free; a placeholder
/// for 8.
#[utoipa::path(post, path = "/api/v1/allocations", tag = "allocations", request_body = AllocationInput,
    responses((status = 201, body = Allocation), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_allocation(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(input): ApiJson<AllocationInput>,
) -> Result<Response> {
    respond(
        &state,
        auth,
        Edit::CreateAllocation(input),
        StatusCode::CREATED,
    )
    .await
}

/// One allocation.
#[utoipa::path(get, path = "/api/v1/allocations/{id}", tag = "allocations", params(("id" = String, Path)),
    responses((status = 200, body = Allocation), (status = 404, body = ErrorBody)))]
async fn get_allocation(
    TeamSchedule(schedule): TeamSchedule,
    Path(id): Path<String>,
) -> Result<Response> {
    schedule
        .allocations
        .get(&Id(id))
        .map(|a| (etag(a.version), Json(Allocation::clone(a))).into_response())
        .ok_or_else(|| crate::AppError::NotFound("Allocation not found".into()))
}

/// Moves, resizes, re-staffs or edits an allocation.
#[utoipa::path(patch, path = "/api/v1/allocations/{id}", tag = "allocations", request_body(content = Object, description = "Any subset of the fields of `AllocationInput`; `null` clears an optional one"), params(("id" = String, Path)),
    responses((status = 200, body = Allocation), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn patch_allocation(
    State(state): State<AppState>,
    auth: AuthUser,
    if_match: IfMatch,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<Value>,
) -> Result<Response> {
    updated(
        &state,
        auth,
        Edit::PatchAllocation(Id(id), patch),
        if_match,
        StatusCode::OK,
    )
    .await
}

/// Removes an allocation.
#[utoipa::path(delete, path = "/api/v1/allocations/{id}", tag = "allocations", params(("id" = String, Path)),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody)))]
async fn delete_allocation(
    State(state): State<AppState>,
    auth: AuthUser,
    if_match: IfMatch,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    deleted(&state, auth, Edit::DeleteAllocation(Id(id)), if_match).await
}
