//! One error type for the whole server, and its HTTP face: every error leaves as
//! `{"error": "<message for a person>"}` with the status that fits it.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// An error a request can end with. Internal details are logged, never sent.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("Method not allowed")]
    MethodNotAllowed,
    #[error("{0}")]
    Conflict(String),
    /// `If-Match` named a version the record has moved on from: 412, with the record
    /// as it is now so the client can show what changed.
    #[error("{message}")]
    Stale {
        message: String,
        current: Box<serde_json::Value>,
    },
    #[error("Request body is too large")]
    PayloadTooLarge,
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    HeaderTooLarge(String),
    /// Well-formed input that breaks a rule; the message names the field.
    #[error("{0}")]
    Invalid(String),
    #[error("Too many attempts; try again in {retry_after} seconds")]
    TooManyRequests { retry_after: u64 },
    /// Storage could not make the write durable, or the server is overloaded.
    #[error("{0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

/// The body of every error response.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong, written for a person.
    pub error: String,
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

impl AppError {
    pub fn invalid(field: &str, why: impl std::fmt::Display) -> Self {
        AppError::Invalid(format!("{field}: {why}"))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Stale { .. } => StatusCode::PRECONDITION_FAILED,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::HeaderTooLarge(_) => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The error a write gets when the disk refused it.
    pub fn storage() -> Self {
        AppError::Unavailable("Storage is unavailable; the change was not saved".into())
    }

    /// The error a request gets when the database actor is gone (shutting down).
    pub fn shutting_down() -> Self {
        AppError::Unavailable("The server is shutting down".into())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = match &self {
            AppError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                "Internal server error".to_string()
            }
            other => other.to_string(),
        };
        let mut response = match self {
            AppError::Stale { ref current, .. } => (
                status,
                axum::Json(serde_json::json!({ "error": message, "current": current })),
            )
                .into_response(),
            _ => (status, axum::Json(ErrorBody { error: message })).into_response(),
        };
        if let AppError::TooManyRequests { retry_after } = self
            && let Ok(v) = HeaderValue::from_str(&retry_after.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}
