//! People, the resources being scheduled: `/api/v1/people*`.

use super::AppState;
use super::auth::ReaderSchedule;
use super::edits::found_for;
use super::edits::respond;
use super::edits::updated;
use super::extract::IfMatch;
use super::extract::{ApiJson, ApiQuery};
use super::money::hide_money;
use crate::Result;
use crate::db::Edit;
use crate::domain::schedule::PersonInput;
use crate::domain::{AuthUser, Id, Person};
use crate::error::ErrorBody;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_people, create_person))
        .routes(routes!(get_person, patch_person, archive_person))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ArchivedFilter {
    /// Include archived ones.
    #[serde(default)]
    pub include_archived: bool,
}

/// The team's people, sorted by name; archived ones only when asked for. A member
/// gets them without `cost_rate` and `bill_rate`.
#[utoipa::path(get, path = "/api/v1/people", tag = "people", params(ArchivedFilter),
    responses((status = 200, body = Vec<Person>), (status = 401, body = ErrorBody)))]
async fn list_people(
    ReaderSchedule(auth, schedule): ReaderSchedule,
    ApiQuery(f): ApiQuery<ArchivedFilter>,
) -> Result<Json<Vec<Value>>> {
    let mut people: Vec<&Person> = schedule
        .people
        .values()
        .filter(|p| f.include_archived || !p.archived)
        .collect();
    people.sort_by_cached_key(|p| (p.name.to_lowercase(), p.id.clone()));
    Ok(Json(
        people
            .into_iter()
            .map(|p| {
                let mut v = serde_json::to_value(p).unwrap_or_default();
                hide_money(&auth, "person", &mut v);
                v
            })
            .collect(),
    ))
}

/// Adds a person. `weekly_hours` defaults to `[8,8,8,8,8,0,0]` (Monday first). A
/// `user_id` already linked to another person is 409 (one person per login).
#[utoipa::path(post, path = "/api/v1/people", tag = "people", request_body = PersonInput,
    responses((status = 201, body = Person), (status = 403, body = ErrorBody), (status = 409, description = "The login is already linked to another person", body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_person(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(input): ApiJson<PersonInput>,
) -> Result<Response> {
    respond(&state, auth, Edit::CreatePerson(input), StatusCode::CREATED).await
}

/// One person (archived ones too); a member gets no rates.
#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "people", params(("id" = String, Path)),
    responses((status = 200, body = Person), (status = 404, body = ErrorBody)))]
async fn get_person(
    ReaderSchedule(auth, schedule): ReaderSchedule,
    Path(id): Path<String>,
) -> Result<Response> {
    found_for(&auth, &schedule.people, id, "Person")
}

/// Changes any subset of a person's fields (`"archived": false` brings one back). A
/// `user_id` already linked to another person is 409 (one person per login).
#[utoipa::path(patch, path = "/api/v1/people/{id}", tag = "people", request_body(content = Object, description = "Any subset of the fields of `PersonInput`; `null` clears an optional one"), params(("id" = String, Path)),
    responses((status = 200, body = Person), (status = 404, body = ErrorBody), (status = 409, description = "The login is already linked to another person", body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn patch_person(
    State(state): State<AppState>,
    auth: AuthUser,
    if_match: IfMatch,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<Value>,
) -> Result<Response> {
    updated(
        &state,
        auth,
        Edit::PatchPerson(Id(id), patch),
        if_match,
        StatusCode::OK,
    )
    .await
}

/// Archives a person: gone from lists and reports by default, history kept.
#[utoipa::path(delete, path = "/api/v1/people/{id}", tag = "people", params(("id" = String, Path)),
    responses((status = 204, description = "Archived"), (status = 404, body = ErrorBody)))]
async fn archive_person(
    State(state): State<AppState>,
    auth: AuthUser,
    if_match: IfMatch,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    super::edits::deleted(&state, auth, Edit::ArchivePerson(Id(id)), if_match).await
}
