//! Clients: `/api/v1/clients*`.

use super::AppState;
use super::auth::TeamSchedule;
use super::edits::{deleted, found, respond, updated};
use super::extract::IfMatch;
use super::extract::{ApiJson, ApiQuery};
use super::people::ArchivedFilter;
use crate::Result;
use crate::db::Edit;
use crate::domain::schedule::ClientInput;
use crate::domain::{AuthUser, Client, Id};
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
        .routes(routes!(list_clients, create_client))
        .routes(routes!(get_client, patch_client, delete_client))
}

/// The team's clients, sorted by name; archived ones only when asked for.
#[utoipa::path(get, path = "/api/v1/clients", tag = "clients", params(ArchivedFilter),
    responses((status = 200, body = Vec<Client>)))]
async fn list_clients(
    TeamSchedule(schedule): TeamSchedule,
    ApiQuery(f): ApiQuery<ArchivedFilter>,
) -> Result<Json<Vec<Client>>> {
    let mut clients: Vec<Client> = schedule
        .clients
        .values()
        .filter(|c| f.include_archived || !c.archived)
        .cloned()
        .collect();
    clients.sort_by_cached_key(|c| (c.name.to_lowercase(), c.id.clone()));
    Ok(Json(clients))
}

/// Adds a client.
#[utoipa::path(post, path = "/api/v1/clients", tag = "clients", request_body = ClientInput,
    responses((status = 201, body = Client), (status = 422, body = ErrorBody)))]
async fn create_client(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(input): ApiJson<ClientInput>,
) -> Result<Response> {
    respond(&state, auth, Edit::CreateClient(input), StatusCode::CREATED).await
}

/// One client.
#[utoipa::path(get, path = "/api/v1/clients/{id}", tag = "clients", params(("id" = String, Path)),
    responses((status = 200, body = Client), (status = 404, body = ErrorBody)))]
async fn get_client(
    TeamSchedule(schedule): TeamSchedule,
    Path(id): Path<String>,
) -> Result<Response> {
    found(&schedule.clients, id, "Client")
}

/// Renames a client, or archives (`{"archived": true}`) or restores it.
#[utoipa::path(patch, path = "/api/v1/clients/{id}", tag = "clients", request_body(content = Object, description = "Any subset of the fields of `ClientInput`; `null` clears an optional one"), params(("id" = String, Path)),
    responses((status = 200, body = Client), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn patch_client(
    State(state): State<AppState>,
    auth: AuthUser,
    if_match: IfMatch,
    Path(id): Path<String>,
    ApiJson(patch): ApiJson<Value>,
) -> Result<Response> {
    updated(
        &state,
        auth,
        Edit::PatchClient(Id(id), patch),
        if_match,
        StatusCode::OK,
    )
    .await
}

/// Deletes a client that has no projects (409 otherwise).
#[utoipa::path(delete, path = "/api/v1/clients/{id}", tag = "clients", params(("id" = String, Path)),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn delete_client(
    State(state): State<AppState>,
    auth: AuthUser,
    if_match: IfMatch,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    deleted(&state, auth, Edit::DeleteClient(Id(id)), if_match).await
}
