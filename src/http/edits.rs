//! What the schedule's handlers share: running an edit and answering with the record.

use super::AppState;
use super::extract::IfMatch;
use crate::Result;
use crate::db::Edit;
use crate::domain::{AuthUser, Id, Versioned};
use axum::Json;
use axum::http::{HeaderName, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;

/// Runs `edit` and answers `status` with the resulting record as JSON and its `ETag`
/// (or no content).
pub async fn respond(
    state: &AppState,
    auth: AuthUser,
    edit: Edit,
    status: StatusCode,
) -> Result<Response> {
    updated(state, auth, edit, IfMatch(None), status).await
}

/// As [`respond`], for a PATCH that honours `If-Match` (412 with the current record).
pub async fn updated(
    state: &AppState,
    auth: AuthUser,
    edit: Edit,
    if_match: IfMatch,
    status: StatusCode,
) -> Result<Response> {
    let edited = state.db.edit_if(auth, edit, if_match.0).await?;
    Ok(match edited.record {
        Some(r) if status != StatusCode::NO_CONTENT => {
            (status, etag(r.version()), Json(r.to_value())).into_response()
        }
        _ => StatusCode::NO_CONTENT.into_response(),
    })
}

/// As [`updated`] for a deletion: 204 and no body.
pub async fn deleted(
    state: &AppState,
    auth: AuthUser,
    edit: Edit,
    if_match: IfMatch,
) -> Result<StatusCode> {
    state.db.edit_if(auth, edit, if_match.0).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The `ETag` header of a record at `version`.
pub fn etag(version: u64) -> [(HeaderName, String); 1] {
    [(header::ETAG, format!("\"{version}\""))]
}

/// `?from=&to=` (inclusive, either may be absent) plus the usual id filters.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RangeFilter {
    /// Only items ending on or after this date.
    pub from: Option<NaiveDate>,
    /// Only items starting on or before this date.
    pub to: Option<NaiveDate>,
    #[param(value_type = Option<String>)]
    pub person_id: Option<Id>,
    #[param(value_type = Option<String>)]
    pub project_id: Option<Id>,
}

impl RangeFilter {
    pub fn check(&self) -> Result<()> {
        if let (Some(f), Some(t)) = (self.from, self.to)
            && t < f
        {
            return Err(crate::AppError::invalid("to", "must not be before from"));
        }
        Ok(())
    }
}

/// Runs `f` on a blocking thread: for reads whose cost grows with the team (a year of
/// allocations, a report), so that they hold up neither the actor nor an async worker.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| crate::AppError::Internal(format!("blocking task: {e}")))
}

/// `value` as a JSON response, serialised by the caller (on a blocking thread).
pub fn json_response<T: serde::Serialize>(value: &T) -> axum::response::Response {
    use axum::response::IntoResponse;
    match serde_json::to_vec(value) {
        Ok(bytes) => (
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            bytes,
        )
            .into_response(),
        Err(e) => crate::AppError::Internal(format!("encoding a response: {e}")).into_response(),
    }
}

/// The record `id` in one of the team's maps with its `ETag`, or 404 ("Person not found").
pub fn found<T: Clone + serde::Serialize + Versioned>(
    records: &imbl::OrdMap<Id, T>,
    id: String,
    what: &str,
) -> Result<Response> {
    records
        .get(&Id(id))
        .map(|r| (etag(r.version()), Json(r.clone())).into_response())
        .ok_or_else(|| crate::AppError::NotFound(format!("{what} not found")))
}
