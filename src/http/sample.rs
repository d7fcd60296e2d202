//! The sample team (`/api/v1/team/sample`): loaded in one click to try kronuz on a new
//! team, removed in one click, exactly (its records' ids say they are the sample's).

use super::AppState;
use crate::Result;
use crate::db::Edit;
use crate::domain::AuthUser;
use crate::domain::sample::is_sample;
use crate::error::ErrorBody;
use crate::store::Record;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(load_sample, remove_sample))
}

/// What the sample team holds (or held).
#[derive(Serialize, utoipa::ToSchema)]
pub struct SampleBody {
    pub people: usize,
    pub clients: usize,
    pub projects: usize,
    pub allocations: usize,
    /// The activity entry of the change (undo it like any other).
    pub activity_id: String,
}

fn counts(changes: &[crate::domain::activity::Change], activity_id: String) -> SampleBody {
    let mut body = SampleBody {
        people: 0,
        clients: 0,
        projects: 0,
        allocations: 0,
        activity_id,
    };
    for c in changes {
        match c.after.as_ref().or(c.before.as_ref()) {
            Some(Record::Person(p)) if is_sample(&p.id) => body.people += 1,
            Some(Record::Client(x)) if is_sample(&x.id) => body.clients += 1,
            Some(Record::Project(p)) if is_sample(&p.id) => body.projects += 1,
            Some(Record::Allocation(_)) => body.allocations += 1,
            _ => {}
        }
    }
    body
}

/// Loads a sample team into the caller's team: six people, three clients, four
/// projects and their bookings (some tentative) around the current week, as one change.
/// Owners and managers; 409 while a sample is loaded.
#[utoipa::path(post, path = "/api/v1/team/sample", tag = "team",
    responses((status = 201, body = SampleBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn load_sample(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<(StatusCode, Json<SampleBody>)> {
    let today = chrono::Utc::now().date_naive();
    let monday = crate::reports::monday(today);
    let edited = state.db.edit(auth, Edit::LoadSample(monday)).await?;
    let body = counts(&edited.entry.changes, edited.entry.id.0.clone());
    Ok((StatusCode::CREATED, Json(body)))
}

/// Removes the sample team: exactly the records it made, with the bookings, tasks,
/// actual hours and time off that hang on them, as one change (undoable). 404 when no
/// sample is loaded.
#[utoipa::path(delete, path = "/api/v1/team/sample", tag = "team",
    responses((status = 200, body = SampleBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn remove_sample(State(state): State<AppState>, auth: AuthUser) -> Result<Json<SampleBody>> {
    let edited = state.db.edit(auth, Edit::RemoveSample).await?;
    Ok(Json(counts(
        &edited.entry.changes,
        edited.entry.id.0.clone(),
    )))
}
