//! Passwords after sign-up: `/api/v1/usr/password`, `/api/v1/usr/logout-all`,
//! `/api/v1/usr/reset`, and the owner's `/api/v1/team/members/{user_id}/reset`.

use super::AppState;
use super::auth::{clear_cookies, hash_password, new_token, token_hash, verify_password};
use super::client_addr::ClientAddr;
use super::extract::{ApiJson, cookie};
use crate::domain::user::check_password;
use crate::domain::{AuthUser, Id};
use crate::error::ErrorBody;
use crate::{AppError, Result};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(change_password))
        .routes(routes!(logout_all))
        .routes(routes!(start_reset))
        .routes(routes!(finish_reset))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    #[schema(min_length = 8, max_length = 1024)]
    pub new_password: String,
}

/// Changes the caller's password; every other session ends (this one stays). Wrong
/// current passwords are throttled like logins.
#[utoipa::path(post, path = "/api/v1/usr/password", tag = "accounts", request_body = PasswordChange,
    responses((status = 204, description = "Changed; other sessions ended"),
        (status = 422, description = "The current password is wrong, or the new one invalid", body = ErrorBody),
        (status = 429, description = "Too many wrong passwords; `Retry-After` says when to try again", body = ErrorBody)))]
async fn change_password(
    State(state): State<AppState>,
    auth: AuthUser,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    ApiJson(body): ApiJson<PasswordChange>,
) -> Result<StatusCode> {
    check_password(&body.new_password)
        .map_err(|_| AppError::invalid("new_password", "must be between 8 and 1024 characters"))?;
    let stored = state
        .db
        .password_lookup(auth.user_id.clone(), address)
        .await?;
    if !verify_password(&state, body.current_password, Some(stored.password_hash)).await? {
        return Err(AppError::invalid(
            "current_password",
            "is not your current password",
        ));
    }
    let hash = hash_password(&state, body.new_password).await?;
    let keep = cookie(&headers, "session")
        .map(token_hash)
        .unwrap_or_default();
    state
        .db
        .change_password(auth.user_id, hash, keep, address)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends every session of the caller, this one included: "log out everywhere".
#[utoipa::path(post, path = "/api/v1/usr/logout-all", tag = "accounts",
    responses((status = 204, description = "Every session ended; cookies cleared")))]
async fn logout_all(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<(StatusCode, HeaderMap)> {
    state.db.logout_all(auth.user_id).await?;
    Ok((StatusCode::NO_CONTENT, clear_cookies(&state)))
}

/// A password reset link, to hand to the member.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ResetLink {
    /// `/reset?token=...`, relative to the server; works once.
    pub url: String,
    /// Seconds since the Unix epoch.
    pub expires_at: i64,
}

/// Starts a password reset for a member (owner): a one-time link valid for 24 hours,
/// replacing any earlier one. There is no mail server: the owner hands the link over.
/// Links live in memory: a restart voids them.
#[utoipa::path(post, path = "/api/v1/team/members/{user_id}/reset", tag = "team", params(("user_id" = String, Path)),
    responses((status = 201, body = ResetLink), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Owners change their own password in their settings", body = ErrorBody)))]
async fn start_reset(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(user_id): Path<String>,
) -> Result<(StatusCode, Json<ResetLink>)> {
    // The link names its team, so that any node can pass it to the team's owner,
    // which holds the reset in memory.
    let token = format!("{}.{}", auth.team_id, new_token());
    let expires_at = state
        .db
        .start_reset(auth, Id(user_id), token_hash(&token))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ResetLink {
            url: format!("/reset?token={token}"),
            expires_at,
        }),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetBody {
    /// The token of the reset link.
    pub token: String,
    #[schema(min_length = 8, max_length = 1024)]
    pub password: String,
}

/// Sets a new password with a reset link; every session of the member ends and the
/// link stops working. Then log in with the new password.
#[utoipa::path(post, path = "/api/v1/usr/reset", tag = "accounts", request_body = ResetBody,
    responses((status = 204, description = "Password set; log in with it"),
        (status = 422, description = "The link is unknown, used or expired, or the password invalid", body = ErrorBody)))]
async fn finish_reset(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<ResetBody>,
) -> Result<StatusCode> {
    check_password(&body.password)?;
    let token = body.token.trim();
    if token.is_empty() || token.len() > 256 {
        return Err(AppError::invalid("token", "is not a reset link's token"));
    }
    let hash_of_token = token_hash(token);
    // Checked before paying for a password hash, and again atomically when used.
    state.db.reset_usable(hash_of_token.clone()).await?;
    let password_hash = hash_password(&state, body.password).await?;
    state.db.finish_reset(hash_of_token, password_hash).await?;
    Ok(StatusCode::NO_CONTENT)
}
