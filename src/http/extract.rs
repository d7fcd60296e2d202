//! Extractors whose refusals speak our JSON error shape.

use crate::AppError;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// Like `axum::Json`, but a bad body becomes `{"error"}` with 400 (not JSON), 413 (too
/// large), 415 (not `application/json`) or 422 (JSON of the wrong shape, naming the field).
/// Every body kronuz takes is a JSON object; anything else is 422.
pub struct ApiJson<T>(pub T);

fn is_json(content_type: Option<&axum::http::HeaderValue>) -> bool {
    let Some(mime) = content_type.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let mime = mime
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        if !is_json(req.headers().get(axum::http::header::CONTENT_TYPE)) {
            return Err(AppError::UnsupportedMediaType(
                "Expected a body with Content-Type: application/json".into(),
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    AppError::PayloadTooLarge
                } else {
                    AppError::BadRequest(e.body_text())
                }
            })?;
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|_| AppError::BadRequest("Request body is not valid JSON".into()))?;
        if !value.is_object() {
            return Err(AppError::Invalid(
                "Request body must be a JSON object".into(),
            ));
        }
        crate::domain::schedule::from_json(value).map(ApiJson)
    }
}

/// Like `axum::extract::Query`, with our error shape (422 naming the parameter).
#[allow(dead_code)] // the reports' filters use it
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(ApiQuery(value)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                let detail = std::error::Error::source(&e)
                    .map(ToString::to_string)
                    .unwrap_or_else(|| e.body_text());
                Err(AppError::Invalid(format!("Invalid query: {detail}")))
            }
            Err(other) => Err(AppError::BadRequest(other.body_text())),
        }
    }
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"'))
}

/// The client's IP address (for throttling), or 0.0.0.0 when not served over a socket.
pub struct ClientAddr(pub std::net::IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|ci| ci.0.ip())
            .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
        Ok(ClientAddr(ip))
    }
}

/// The version an `If-Match` header names: `"3"`, `3` or `W/"3"`; `*` or no header asks
/// for no check. A tag kronuz never issued matches no version, so the write gets 412.
pub struct IfMatch(pub Option<u64>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(axum::http::header::IF_MATCH) else {
            return Ok(IfMatch(None));
        };
        let text = value.to_str().unwrap_or("").trim();
        if text == "*" {
            return Ok(IfMatch(None));
        }
        // Several tags may be listed; kronuz issues one per record, so the first counts.
        let first = text.split(',').next().unwrap_or("").trim();
        let bare = first.strip_prefix("W/").unwrap_or(first).trim_matches('"');
        // Versions start at 1: 0 matches nothing.
        Ok(IfMatch(Some(bare.parse().unwrap_or(0))))
    }
}
