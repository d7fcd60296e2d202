//! Webhooks (`/api/v1/webhooks`, owners): register a URL for some events, list them,
//! remove one, read its delivery log. Delivery itself is [`crate::webhooks`].

use super::AppState;
use super::extract::ApiJson;
use crate::db::NewWebhook;
use crate::domain::{AuthUser, Id, fill_random};
use crate::error::ErrorBody;
use crate::webhooks::{Delivery, DeliveryStatus, Webhook, check_url, is_event_name};
use crate::{AppError, Result};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_webhook, list_webhooks))
        .routes(routes!(delete_webhook))
        .routes(routes!(list_deliveries))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookBody {
    /// Where to POST: http or https, not on a private network.
    pub url: String,
    /// e.g. ["allocation.created", "project.updated"]; "*" for every change.
    pub events: Vec<String>,
    /// Signs each delivery; one is made up when none is given.
    #[serde(default)]
    pub secret: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct WebhookView {
    pub id: String,
    pub url: String,
    pub events: Vec<String>,
    pub created_at: i64,
}

impl From<Webhook> for WebhookView {
    fn from(w: Webhook) -> Self {
        WebhookView {
            id: w.id.0,
            url: w.url,
            events: w.events,
            created_at: w.created_at,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct WebhookCreated {
    #[serde(flatten)]
    pub view: WebhookView,
    /// The signing secret, shown this once.
    pub secret: String,
}

/// Registers a webhook (owner). Each matching change is POSTed to `url` as JSON with
/// `Kronuz-Event`, `Kronuz-Delivery` and `Kronuz-Signature: sha256=<hex HMAC-SHA256 of
/// the body with the secret>`.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "webhooks", request_body = WebhookBody,
    responses((status = 201, body = WebhookCreated), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn create_webhook(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(body): ApiJson<WebhookBody>,
) -> Result<(StatusCode, Json<WebhookCreated>)> {
    auth.require_owner()?;
    let url = body.url.trim().to_string();
    if url.len() > 2000 {
        return Err(AppError::invalid("url", "must be at most 2000 characters"));
    }
    check_url(&url, state.settings.webhooks_allow_private)
        .await
        .map_err(|why| AppError::invalid("url", why))?;
    let events = crate::domain::distinct("events", body.events, 50)?;
    if events.is_empty() {
        return Err(AppError::invalid(
            "events",
            "name at least one event, or \"*\"",
        ));
    }
    if let Some(bad) = events.iter().find(|e| !is_event_name(e)) {
        return Err(AppError::invalid(
            "events",
            format!(
                "\"{bad}\" is not an event: use kind.created, kind.updated or kind.deleted with kind one of {}",
                crate::webhooks::EVENT_KINDS.join(", ")
            ),
        ));
    }
    let secret = match body.secret {
        Some(s) if (16..=200).contains(&s.len()) => s,
        Some(_) => return Err(AppError::invalid("secret", "must be 16 to 200 characters")),
        None => {
            let mut bytes = [0u8; 24];
            fill_random(&mut bytes);
            format!("whsec_{}", hex::encode(bytes))
        }
    };
    let hook = state
        .db
        .create_webhook(
            auth,
            NewWebhook {
                url,
                events,
                secret: secret.clone(),
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(WebhookCreated {
            view: hook.into(),
            secret,
        }),
    ))
}

/// The team's webhooks (owner); secrets are not shown again.
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "webhooks",
    responses((status = 200, body = Vec<WebhookView>), (status = 403, body = ErrorBody)))]
async fn list_webhooks(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<Json<Vec<WebhookView>>> {
    let hooks = state.db.list_webhooks(auth).await?;
    Ok(Json(hooks.into_iter().map(WebhookView::from).collect()))
}

/// Removes a webhook and its delivery log (owner).
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = String, Path)),
    responses((status = 204, description = "Removed"), (status = 404, body = ErrorBody)))]
async fn delete_webhook(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    state.db.delete_webhook(auth, Id(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DeliveryView {
    pub id: String,
    pub event: String,
    pub status: DeliveryStatus,
    pub attempts: u32,
    pub created_at: i64,
    pub next_attempt_at: Option<i64>,
    pub last_attempt_at: Option<i64>,
    /// The receiver's HTTP status on the last attempt.
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    /// The JSON that was (or will be) sent.
    #[schema(value_type = Object)]
    pub body: serde_json::Value,
}

impl From<Delivery> for DeliveryView {
    fn from(d: Delivery) -> Self {
        DeliveryView {
            next_attempt_at: (d.status == DeliveryStatus::Pending).then_some(d.next_attempt_at),
            body: serde_json::from_str(&d.body).unwrap_or_default(),
            id: d.id.0,
            event: d.event,
            status: d.status,
            attempts: d.attempts,
            created_at: d.created_at,
            last_attempt_at: d.last_attempt_at,
            last_status: d.last_status,
            last_error: d.last_error,
        }
    }
}

/// A webhook's delivery log, newest first (the last 200 finished, and all pending).
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks", params(("id" = String, Path)),
    responses((status = 200, body = Vec<DeliveryView>), (status = 404, body = ErrorBody)))]
async fn list_deliveries(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<DeliveryView>>> {
    let list = state.db.deliveries(auth, Id(id), 500).await?;
    Ok(Json(list.into_iter().map(DeliveryView::from).collect()))
}
