//! Allocations, the bookings on the timeline: `/api/v1/allocations*`.

use super::AppState;
use super::auth::TeamSchedule;
use super::edits::{RangeFilter, blocking, deleted, etag, json_response, respond, updated};
use super::extract::IfMatch;
use super::extract::{ApiJson, ApiQuery};
use crate::Result;
use crate::db::Edit;
use crate::domain::limits::REPEAT_WEEKS;
use crate::domain::schedule::AllocationInput;
use crate::domain::{Allocation, AuthUser, Id};
use crate::error::ErrorBody;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_allocations, create_allocation))
        .routes(routes!(get_allocation, patch_allocation, delete_allocation))
        .routes(routes!(split_allocation))
        .routes(routes!(repeat_allocation))
}

/// Where a booking is split: the day its second part starts.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitBody {
    /// After the booking's first day, no later than its last.
    pub at: NaiveDate,
}

/// How many weekly copies of a booking to make.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RepeatBody {
    /// 1 to 52: a copy in each of that many weeks after the booking.
    // Read as a number and checked to be whole, so that `3.0` is 3, as JSON Schema's
    // integers are.
    #[schema(value_type = u32, minimum = 1, maximum = 52)]
    pub weeks: f64,
}

impl RepeatBody {
    /// The weeks as a count: a whole number from 1 to [`REPEAT_WEEKS`].
    fn weeks(&self) -> Result<u32> {
        if self.weeks.fract() == 0.0 && (1.0..=f64::from(REPEAT_WEEKS)).contains(&self.weeks) {
            Ok(self.weeks as u32)
        } else {
            Err(crate::AppError::invalid(
                "weeks",
                format!("repeat for a whole number of weeks from 1 to {REPEAT_WEEKS}"),
            ))
        }
    }
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

/// Splits a booking at a day: it ends the day before `at`, and a new booking with the
/// same project, hours and note takes `at` to its end. One change: one entry in the
/// activity history, one undo. Answers both bookings, the shortened one first.
#[utoipa::path(post, path = "/api/v1/allocations/{id}/split", tag = "allocations", request_body = SplitBody, params(("id" = String, Path)),
    responses((status = 201, body = Vec<Allocation>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn split_allocation(
    State(state): State<AppState>,
    auth: AuthUser,
    if_match: IfMatch,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SplitBody>,
) -> Result<Response> {
    several(
        &state,
        auth,
        Edit::SplitAllocation(Id(id), body.at),
        if_match,
    )
    .await
}

/// Repeats a booking weekly: a copy of it in each of the next `weeks` weeks (same
/// weekdays, project, hours and note). One change: one entry in the activity history,
/// one undo. Answers the copies, earliest first.
#[utoipa::path(post, path = "/api/v1/allocations/{id}/repeat", tag = "allocations", request_body = RepeatBody, params(("id" = String, Path)),
    responses((status = 201, body = Vec<Allocation>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn repeat_allocation(
    State(state): State<AppState>,
    auth: AuthUser,
    if_match: IfMatch,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RepeatBody>,
) -> Result<Response> {
    several(
        &state,
        auth,
        Edit::RepeatAllocation(Id(id), body.weeks()?),
        if_match,
    )
    .await
}

/// Applies an edit that writes several bookings; 201 with each of them as it is now.
async fn several(
    state: &AppState,
    auth: AuthUser,
    edit: Edit,
    if_match: IfMatch,
) -> Result<Response> {
    let edited = state.db.edit_if(auth, edit, if_match.0).await?;
    let written: Vec<Value> = edited
        .entry
        .changes
        .iter()
        .filter_map(|c| c.after.as_ref())
        .map(|r| r.to_value())
        .collect();
    Ok((StatusCode::CREATED, Json(written)).into_response())
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
