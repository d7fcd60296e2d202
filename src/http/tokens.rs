//! Personal access tokens (`/api/v1/tokens`): programs call the API with
//! `Authorization: Bearer <token>` and the rights of the member who made it.

use super::AppState;
use super::auth::token_hash;
use super::extract::ApiJson;
use crate::Result;
use crate::db::NewToken;
use crate::domain::token::{ApiToken, Scope};
use crate::domain::{AuthUser, Id, fill_random};
use crate::error::ErrorBody;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_token, list_tokens))
        .routes(routes!(revoke_token))
}

/// A new token's secret: a recognisable prefix and 256 random bits, hex.
fn new_api_token() -> String {
    let mut bytes = [0u8; 32];
    fill_random(&mut bytes);
    format!("kz_{}", hex::encode(bytes))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    /// What the token is for, e.g. "billing export".
    pub name: String,
    pub scope: Scope,
    /// Days until it stops working (1 to 3650); none: until revoked.
    #[serde(default)]
    #[schema(value_type = Option<u32>)]
    pub expires_in_days: Option<f64>,
}

/// A token as listed: never its secret.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenView {
    pub id: String,
    pub name: String,
    pub scope: Scope,
    /// Seconds since the Unix epoch.
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

impl From<ApiToken> for TokenView {
    fn from(t: ApiToken) -> Self {
        TokenView {
            id: t.id.0,
            name: t.name,
            scope: t.scope,
            created_at: t.created_at,
            expires_at: t.expires_at,
            last_used_at: t.last_used_at,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenCreated {
    /// The secret to send as `Authorization: Bearer <token>`; shown this once only.
    pub token: String,
    #[serde(flatten)]
    pub view: TokenView,
}

/// Makes a personal access token for the caller; the answer is the only time its
/// secret is shown.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", request_body = TokenBody,
    responses((status = 201, body = TokenCreated), (status = 409, body = ErrorBody)))]
async fn create_token(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(body): ApiJson<TokenBody>,
) -> Result<(StatusCode, Json<TokenCreated>)> {
    let token = new_api_token();
    let made = state
        .db
        .create_token(
            auth,
            NewToken {
                name: body.name,
                scope: body.scope,
                expires_in_days: whole_days(body.expires_in_days)?,
                token_hash: token_hash(&token),
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenCreated {
            token,
            view: made.into(),
        }),
    ))
}

/// The caller's tokens, newest first, with when each was last used.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens",
    responses((status = 200, body = Vec<TokenView>)))]
async fn list_tokens(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<Json<Vec<TokenView>>> {
    let tokens = state.db.list_tokens(auth).await?;
    Ok(Json(tokens.into_iter().map(TokenView::from).collect()))
}

/// Revokes one of the caller's tokens; it stops working at once.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens", params(("id" = String, Path)),
    responses((status = 204, description = "Revoked"), (status = 404, body = ErrorBody)))]
async fn revoke_token(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    state.db.revoke_token(auth, Id(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A number of days as JSON may write it (`30` or `30.0`), 1 to 3650.
fn whole_days(days: Option<f64>) -> Result<Option<u32>> {
    match days {
        None => Ok(None),
        Some(d) if d.fract() == 0.0 && (1.0..=3650.0).contains(&d) => Ok(Some(d as u32)),
        Some(_) => Err(crate::AppError::invalid(
            "expires_in_days",
            "must be a whole number of days from 1 to 3650",
        )),
    }
}
