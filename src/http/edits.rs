//! What the schedule's handlers share: running an edit and answering with the record.

use super::AppState;
use crate::Result;
use crate::db::Edit;
use crate::domain::{AuthUser, Id};
use axum::Json;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value;

/// Runs `edit` and answers `status` with the resulting record as JSON (or no content).
pub async fn respond(
    state: &AppState,
    auth: AuthUser,
    edit: Edit,
    status: StatusCode,
) -> Result<(StatusCode, Json<Value>)> {
    let record = state.db.edit(auth, edit).await?;
    Ok(match record {
        Some(r) if status != StatusCode::NO_CONTENT => (status, Json(r.to_value())),
        _ => (StatusCode::NO_CONTENT, Json(Value::Null)),
    })
}

/// As [`respond`] for a deletion: 204 and no body.
pub async fn deleted(state: &AppState, auth: AuthUser, edit: Edit) -> Result<StatusCode> {
    state.db.edit(auth, edit).await?;
    Ok(StatusCode::NO_CONTENT)
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

/// The record `id` in one of the team's maps, or 404 ("Person not found").
pub fn found<T: Clone>(records: &imbl::OrdMap<Id, T>, id: String, what: &str) -> Result<Json<T>> {
    records
        .get(&Id(id))
        .cloned()
        .map(Json)
        .ok_or_else(|| crate::AppError::NotFound(format!("{what} not found")))
}
