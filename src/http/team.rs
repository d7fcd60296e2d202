//! The team, its members and invitations (`/api/v1/team*`).

use super::AppState;
use super::auth::{new_token, token_hash};
use super::extract::ApiJson;
use crate::Result;
use crate::db::state::TeamView;
use crate::db::{Edit, NewInvite};
use crate::domain::user::normalise_email;
use crate::domain::{AuthUser, Id, Role};
use crate::error::ErrorBody;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_team, patch_team))
        .routes(routes!(list_invites, create_invite))
        .routes(routes!(revoke_invite))
        .routes(routes!(change_role, remove_member))
        .routes(routes!(link_person))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct MemberView {
    pub user_id: String,
    pub name: String,
    pub email: String,
    pub role: Role,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TeamBody {
    pub id: String,
    pub name: String,
    pub week_start: String,
    pub timezone: String,
    /// ISO 4217 code of every amount (rates: `GET /api/v1/team/rates`).
    pub currency: String,
    pub members: Vec<MemberView>,
}

impl From<TeamView> for TeamBody {
    fn from(v: TeamView) -> Self {
        TeamBody {
            id: v.team.id.0,
            name: v.team.name,
            week_start: v.team.week_start,
            timezone: v.team.timezone,
            currency: v.team.currency,
            members: v
                .members
                .into_iter()
                .map(|u| MemberView {
                    user_id: u.id.0,
                    name: u.name,
                    email: u.email,
                    role: u.role,
                })
                .collect(),
        }
    }
}

/// The caller's team and its members.
#[utoipa::path(get, path = "/api/v1/team", tag = "team", responses((status = 200, body = TeamBody)))]
async fn get_team(State(state): State<AppState>, auth: AuthUser) -> Result<Json<TeamBody>> {
    Ok(Json(state.db.team(auth.team_id).await?.into()))
}

/// Renames the team or changes its `timezone` / `week_start` (owner), or its
/// `currency` (an ISO 4217 code) or `rates` (owners and managers).
#[utoipa::path(patch, path = "/api/v1/team", tag = "team", request_body(content = Object, description = "Any subset of the fields of `TeamInput`; `null` clears an optional one"),
    responses((status = 200, body = TeamBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn patch_team(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(patch): ApiJson<Value>,
) -> Result<Json<TeamBody>> {
    Ok(Json(state.db.patch_team(auth, patch).await?.into()))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteBody {
    pub email: String,
    pub role: Role,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct InviteCreated {
    /// The invitation's public id (to list or revoke it).
    pub id: String,
    /// The secret to pass as `invite` to signup; shown once.
    pub token: String,
    pub email: String,
    pub role: Role,
    /// Seconds since the Unix epoch.
    pub expires_at: i64,
    /// The page a new member opens to sign up into the team.
    pub url: String,
}

/// Invites someone to the team (owner). The token is valid for 7 days, once, and only
/// for a sign-up with the invited email.
#[utoipa::path(post, path = "/api/v1/team/invites", tag = "team", request_body = InviteBody,
    responses((status = 201, body = InviteCreated), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_invite(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(body): ApiJson<InviteBody>,
) -> Result<(StatusCode, Json<InviteCreated>)> {
    let email = normalise_email(&body.email)?;
    let token = new_token();
    let invite = state
        .db
        .create_invite(
            auth,
            NewInvite {
                email,
                role: body.role,
                token_hash: token_hash(&token),
            },
        )
        .await?;
    let url = format!("/signup?invite={token}");
    Ok((
        StatusCode::CREATED,
        Json(InviteCreated {
            id: invite.id.0,
            token,
            email: invite.email,
            role: invite.role,
            expires_at: invite.expires_at,
            url,
        }),
    ))
}

/// A pending invitation as the owner sees it (never its token).
#[derive(Serialize, utoipa::ToSchema)]
pub struct InviteView {
    pub id: String,
    pub email: String,
    pub role: Role,
    /// Seconds since the Unix epoch.
    pub expires_at: i64,
    /// The user id of who invited.
    pub created_by: String,
}

/// The team's invitations not yet used or expired, the soonest to expire first (owner).
#[utoipa::path(get, path = "/api/v1/team/invites", tag = "team",
    responses((status = 200, body = Vec<InviteView>), (status = 403, body = ErrorBody)))]
async fn list_invites(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<Json<Vec<InviteView>>> {
    let invites = state.db.list_invites(auth).await?;
    Ok(Json(
        invites
            .into_iter()
            .map(|i| InviteView {
                id: i.id.0,
                email: i.email,
                role: i.role,
                expires_at: i.expires_at,
                created_by: i.created_by.0,
            })
            .collect(),
    ))
}

/// Revokes a pending invitation (owner): its link no longer signs anyone up.
#[utoipa::path(delete, path = "/api/v1/team/invites/{id}", tag = "team", params(("id" = String, Path)),
    responses((status = 204, description = "Revoked"), (status = 403, body = ErrorBody), (status = 404, description = "No pending invitation with this id", body = ErrorBody)))]
async fn revoke_invite(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    state.db.revoke_invite(auth, Id(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleBody {
    pub role: Role,
}

/// Changes a member's role (owner).
#[utoipa::path(patch, path = "/api/v1/team/members/{user_id}", tag = "team", request_body = RoleBody, params(("user_id" = String, Path)),
    responses((status = 200, body = MemberView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn change_role(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(user_id): Path<String>,
    ApiJson(body): ApiJson<RoleBody>,
) -> Result<Json<MemberView>> {
    let u = state.db.change_role(auth, Id(user_id), body.role).await?;
    Ok(Json(MemberView {
        user_id: u.id.0,
        name: u.name,
        email: u.email,
        role: u.role,
    }))
}

/// Removes a member (owner); their sessions end at once, and so do the calendar feeds
/// of the people linked to their login (which are unlinked).
#[utoipa::path(delete, path = "/api/v1/team/members/{user_id}", tag = "team", params(("user_id" = String, Path)),
    responses((status = 204, description = "Removed"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "The owner tried to remove themselves", body = ErrorBody)))]
async fn remove_member(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(user_id): Path<String>,
) -> Result<StatusCode> {
    state.db.remove_member(auth, Id(user_id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkBody {
    /// The person the login schedules; `null` unlinks the login.
    #[schema(value_type = Option<String>)]
    pub person_id: Option<Id>,
}

/// Which person a login schedules.
#[derive(Serialize, utoipa::ToSchema)]
pub struct LinkView {
    pub user_id: String,
    pub person_id: Option<String>,
}

/// Links a member's login to the person it schedules (owners and managers), so the
/// member sees "My schedule", records their own hours and requests their own time off.
/// One person per login and one login per person: a previous link of either is undone
/// in the same change (one undo).
#[utoipa::path(put, path = "/api/v1/team/members/{user_id}/person", tag = "team", request_body = LinkBody, params(("user_id" = String, Path)),
    responses((status = 200, body = LinkView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn link_person(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(user_id): Path<String>,
    ApiJson(body): ApiJson<LinkBody>,
) -> Result<Json<LinkView>> {
    let person_id = body.person_id.clone();
    state
        .db
        .edit(auth, Edit::LinkLogin(Id(user_id.clone()), body.person_id))
        .await?;
    Ok(Json(LinkView {
        user_id,
        person_id: person_id.map(|p| p.0),
    }))
}
