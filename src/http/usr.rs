//! Accounts and sessions: `/api/v1/usr/*`.

use super::AppState;
use super::auth::{
    clear_cookies, hash_password, new_token, session_cookies, token_hash, verify_password,
};
use super::client_addr::ClientAddr;
use super::extract::{ApiJson, cookie};
use crate::db::state::NewAccount;
use crate::domain::user::{check_name, check_password, normalise_email};
use crate::domain::{AuthUser, Role, User};
use crate::error::ErrorBody;
use crate::{AppError, Result};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// A user as the API shows them (never the password hash).
#[derive(Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: String,
    pub email: String,
    pub name: String,
    pub team_id: String,
    pub role: Role,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        UserView {
            id: u.id.0,
            email: u.email,
            name: u.name,
            team_id: u.team_id.0,
            role: u.role,
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupBody {
    pub email: String,
    #[schema(min_length = 8, max_length = 1024)]
    pub password: String,
    pub name: String,
    /// An invitation token: join that team instead of creating a new one.
    #[serde(default)]
    pub invite: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    pub email: String,
    pub password: String,
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(signup))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
}

/// Creates an account and its team, and logs in.
#[utoipa::path(post, path = "/api/v1/usr/signup", tag = "accounts", request_body = SignupBody,
    responses(
        (status = 201, description = "Signed up; cookies `usrid` and `session` set", body = UserView),
        (status = 403, description = "The invitation is for another email", body = ErrorBody),
        (status = 409, description = "Email taken", body = ErrorBody),
        (status = 422, description = "A field is invalid", body = ErrorBody),
        (status = 429, description = "Too many sign-ups from this address; `Retry-After` says when to try again", body = ErrorBody)))]
async fn signup(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    ApiJson(body): ApiJson<SignupBody>,
) -> Result<impl IntoResponse> {
    let email = normalise_email(&body.email)?;
    check_password(&body.password)?;
    let name = check_name(&body.name)?;
    // "Email taken" is said plainly, so that someone who forgot they have an account
    // learns it (there is no mail server to tell them instead); an address told so a
    // few times backs off, so that probing which emails have accounts is slow.
    // Refuse a taken email before paying for a hash; the actor checks again atomically.
    state.db.signup_check(email.clone(), address).await?;
    let password_hash = hash_password(&state, body.password).await?;
    let token = new_token();
    let user = state
        .db
        .signup(NewAccount {
            email,
            name,
            password_hash,
            token_hash: token_hash(&token),
            invite_hash: body.invite.as_deref().map(token_hash),
        })
        .await?;
    let cookies = session_cookies(&state, &user.id, &token);
    Ok((StatusCode::CREATED, cookies, Json(UserView::from(user))))
}

/// Logs in with a fresh session token.
#[utoipa::path(post, path = "/api/v1/usr/login", tag = "accounts", request_body = LoginBody,
    responses(
        (status = 200, description = "Logged in; cookies set", body = UserView),
        (status = 401, description = "Wrong email or password", body = ErrorBody),
        (status = 429, description = "Too many failed attempts", body = ErrorBody)))]
async fn login(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<impl IntoResponse> {
    let wrong = || AppError::Unauthorized("Wrong email or password".into());
    // A malformed email cannot have an account; answer as for an unknown one.
    let email = normalise_email(&body.email).unwrap_or_else(|_| body.email.trim().to_lowercase());
    let found = state.db.login_lookup(email.clone(), address).await?;
    let (user_id, stored) = match found {
        Some(c) => (Some(c.user_id), Some(c.password_hash)),
        None => (None, None),
    };
    // The attempt was counted by the lookup, before the check: parallel guesses too.
    if !verify_password(&state, body.password, stored).await? {
        return Err(wrong());
    }
    let user_id = user_id.ok_or_else(wrong)?;
    let token = new_token();
    let user = state.db.login(user_id, token_hash(&token), address).await?;
    let cookies = session_cookies(&state, &user.id, &token);
    Ok((cookies, Json(UserView::from(user))))
}

/// Ends this session; its token never works again.
#[utoipa::path(post, path = "/api/v1/usr/logout", tag = "accounts",
    responses((status = 204, description = "Logged out; cookies cleared")))]
async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<(StatusCode, HeaderMap)> {
    if let Some(token) = cookie(&headers, "session").filter(|t| !t.is_empty() && t.len() <= 256) {
        state.db.logout(token_hash(token)).await?;
    }
    Ok((StatusCode::NO_CONTENT, clear_cookies(&state)))
}

/// The logged-in user.
#[utoipa::path(get, path = "/api/v1/usr/me", tag = "accounts",
    responses(
        (status = 200, body = UserView),
        (status = 401, description = "Not logged in or session expired", body = ErrorBody)))]
async fn me(State(state): State<AppState>, auth: AuthUser) -> Result<Json<UserView>> {
    Ok(Json(state.db.get_usr(auth.user_id).await?.into()))
}
