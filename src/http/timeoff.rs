//! Time off and team holidays: `/api/v1/timeoff*`; and actual hours: `/api/v1/actuals*`.

use super::AppState;
use super::auth::TeamSchedule;
use super::edits::{RangeFilter, deleted, respond, updated};
use super::extract::IfMatch;
use super::extract::{ApiJson, ApiQuery};
use crate::Result;
use crate::db::Edit;
use crate::domain::schedule::{Actual, ActualInput, TimeOffInput};
use crate::domain::{AuthUser, Id, TimeOff};
use crate::error::ErrorBody;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_timeoff, create_timeoff))
        .routes(routes!(patch_timeoff, delete_timeoff))
        .routes(routes!(list_actuals, record_actual))
        .routes(routes!(delete_actual))
}

/// Time off overlapping `[from, to]`, requests included (see `status`); with
/// `person_id`, that person's and the team's.
#[utoipa::path(get, path = "/api/v1/timeoff", tag = "time off", params(RangeFilter),
    responses((status = 200, body = Vec<TimeOff>)))]
async fn list_timeoff(
    TeamSchedule(schedule): TeamSchedule,
    ApiQuery(f): ApiQuery<RangeFilter>,
) -> Result<Json<Vec<TimeOff>>> {
    f.check()?;
    let mut list: Vec<TimeOff> = schedule
        .timeoff
        .values()
        .filter(|t| f.from.is_none_or(|d| t.end >= d) && f.to.is_none_or(|d| t.start <= d))
        .filter(|t| f.person_id.is_none() || t.person_id.is_none() || t.person_id == f.person_id)
        .cloned()
        .collect();
    list.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.id.cmp(&b.id)));
    Ok(Json(list))
}

/// Records days (or, with `hours`, part of each day) off for a person, or without
/// `person_id` for the whole team. A member may only request time off for the person
/// linked to their login: it is `pending` until a manager or owner approves it, and
/// takes capacity away only then.
#[utoipa::path(post, path = "/api/v1/timeoff", tag = "time off", request_body = TimeOffInput,
    responses((status = 201, body = TimeOff), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_timeoff(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(input): ApiJson<TimeOffInput>,
) -> Result<Response> {
    respond(
        &state,
        auth,
        Edit::CreateTimeOff(input),
        StatusCode::CREATED,
    )
    .await
}

/// Changes time off; `{"status": "approved"}` or `"declined"` answers a request
/// (managers and owners). A member may change or withdraw only their own request
/// while it is not approved.
#[utoipa::path(patch, path = "/api/v1/timeoff/{id}", tag = "time off", request_body(content = Object, description = "Any subset of the fields of `TimeOffInput`; `null` clears an optional one"), params(("id" = String, Path)),
    responses((status = 200, body = TimeOff), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn patch_timeoff(
    State(state): State<AppState>,
    auth: AuthUser,
    if_match: IfMatch,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<Value>,
) -> Result<Response> {
    updated(
        &state,
        auth,
        Edit::PatchTimeOff(Id(id), patch),
        if_match,
        StatusCode::OK,
    )
    .await
}

/// Removes time off (or withdraws a member's own request).
#[utoipa::path(delete, path = "/api/v1/timeoff/{id}", tag = "time off", params(("id" = String, Path)),
    responses((status = 204, description = "Deleted"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_timeoff(
    State(state): State<AppState>,
    auth: AuthUser,
    if_match: IfMatch,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    deleted(&state, auth, Edit::DeleteTimeOff(Id(id)), if_match).await
}

/// Actual hours recorded in `[from, to]`, optionally of one person or project.
#[utoipa::path(get, path = "/api/v1/actuals", tag = "actuals", params(RangeFilter),
    responses((status = 200, body = Vec<Actual>)))]
async fn list_actuals(
    TeamSchedule(schedule): TeamSchedule,
    ApiQuery(f): ApiQuery<RangeFilter>,
) -> Result<Json<Vec<Actual>>> {
    f.check()?;
    let mut list: Vec<Actual> = schedule
        .actuals
        .values()
        .filter(|a| f.from.is_none_or(|d| a.date >= d) && f.to.is_none_or(|d| a.date <= d))
        .filter(|a| f.person_id.as_ref().is_none_or(|p| &a.person_id == p))
        .filter(|a| f.project_id.as_ref().is_none_or(|p| &a.project_id == p))
        .cloned()
        .collect();
    list.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.id.cmp(&b.id)));
    Ok(Json(list))
}

/// Records hours actually worked. Members may record only for their own linked person.
#[utoipa::path(post, path = "/api/v1/actuals", tag = "actuals", request_body = ActualInput,
    responses((status = 201, body = Actual), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_actual(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(input): ApiJson<ActualInput>,
) -> Result<Response> {
    respond(&state, auth, Edit::RecordActual(input), StatusCode::CREATED).await
}

/// Removes recorded hours.
#[utoipa::path(delete, path = "/api/v1/actuals/{id}", tag = "actuals", params(("id" = String, Path)),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody)))]
async fn delete_actual(
    State(state): State<AppState>,
    auth: AuthUser,
    if_match: IfMatch,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    deleted(&state, auth, Edit::DeleteActual(Id(id)), if_match).await
}
