//! The `Idempotency-Key` header on writes under `/api/v1/`: the first request with a key
//! runs; a retry with the same key and the same request gets the first answer (with
//! `Idempotent-Replayed: true`) instead of writing twice; the same key on a different
//! request is 422. Keys belong to the logged-in user; the actor keeps them
//! (see `db::idempotency` for where and for how long).

use super::AppState;
use super::auth::credentials;
use crate::AppError;
use crate::db::idempotency::{Answer, Begin};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::Arc;

pub const HEADER: &str = "idempotency-key";
const REPLAYED: &str = "idempotent-replayed";
/// Longest key accepted; a UUID is 36.
const MAX_KEY_LEN: usize = 255;
/// Largest answer read back to be kept (answers to writes are one record).
const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;
/// Headers of the first answer that a replay repeats.
const REPLAYED_HEADERS: [HeaderName; 3] = [header::CONTENT_TYPE, header::LOCATION, header::ETAG];

fn applies_to(req: &Request) -> bool {
    let path = req.uri().path();
    matches!(*req.method(), Method::POST | Method::PATCH | Method::DELETE)
        && path.starts_with("/api/v1/")
        // Logging in and out are about sessions, not data; they carry no user yet.
        && !path.starts_with("/api/v1/usr/")
}

pub async fn idempotent_writes(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let Some(key) = req.headers().get(HEADER) else {
        return next.run(req).await;
    };
    if !applies_to(&req) {
        return next.run(req).await;
    }
    let key = match key.to_str() {
        Ok(k)
            if !k.is_empty()
                && k.len() <= MAX_KEY_LEN
                && k.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            k.to_string()
        }
        _ => {
            return AppError::BadRequest(format!(
                "The Idempotency-Key header must be 1 to {MAX_KEY_LEN} visible ASCII characters"
            ))
            .into_response();
        }
    };
    // Not logged in: the handler answers 401 itself, and there is nothing to repeat.
    let Ok((usrid, token_hash)) = credentials(req.headers()) else {
        return next.run(req).await;
    };
    let Ok(auth) = state.db.authenticate(usrid, token_hash).await else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let body = match axum::body::to_bytes(body, state.settings.max_body_bytes).await {
        Ok(body) => body,
        Err(_) => return AppError::PayloadTooLarge.into_response(),
    };
    let mut hash = Sha256::new();
    hash.update(parts.method.as_str());
    hash.update([0]);
    hash.update(parts.uri.to_string());
    hash.update([0]);
    hash.update(&body);
    let fingerprint: [u8; 32] = hash.finalize().into();

    let scope = (auth.user_id.clone(), key.clone());
    match state.db.idempotency_begin(&auth, key, fingerprint).await {
        Err(e) => e.into_response(),
        Ok(Begin::Mismatch) => AppError::Invalid(
            "This Idempotency-Key was already used for a different request; use a new key".into(),
        )
        .into_response(),
        Ok(Begin::Replay(answer)) => replay(&answer, true),
        Ok(Begin::Wait(first)) => match first.await {
            Ok(answer) => replay(&answer, true),
            Err(_) => AppError::Conflict(
                "A request with this Idempotency-Key is still in progress; retry shortly".into(),
            )
            .into_response(),
        },
        Ok(Begin::Run) => {
            let req = Request::from_parts(parts, Body::from(body));
            // Runs to the end even if the client hangs up or the request times out, so
            // that the answer is there for the retry.
            let db = state.db.clone();
            let run = tokio::spawn(async move {
                let first = match tokio::spawn(next.run(req)).await {
                    Ok(response) => read_answer(response).await,
                    Err(_) => None,
                };
                let (headers, answer) = first.unwrap_or_else(failed);
                // A 5xx means the write did not happen (or may not have): a retry may run.
                let kept = answer.status < 500;
                let answer = Arc::new(answer);
                db.idempotency_finish(scope, answer.clone(), kept).await;
                (headers, answer)
            });
            match run.await {
                Ok((headers, answer)) => {
                    let mut response = replay(&answer, false);
                    for (name, value) in &headers {
                        if !response.headers().contains_key(name) {
                            response.headers_mut().insert(name, value.clone());
                        }
                    }
                    response
                }
                Err(_) => AppError::Internal("a keyed write failed".into()).into_response(),
            }
        }
    }
}

/// The answer as kept, and every header of the original (for the first request only).
async fn read_answer(response: Response) -> Option<(HeaderMap, Answer)> {
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, MAX_ANSWER_BYTES).await.ok()?;
    let answer = Answer {
        status: parts.status.as_u16(),
        headers: kept_headers(&parts.headers),
        body,
    };
    Some((parts.headers, answer))
}

/// The answer when the write's handler failed without one.
fn failed() -> (HeaderMap, Answer) {
    let answer = Answer {
        status: 500,
        headers: vec![(
            header::CONTENT_TYPE.as_str().to_string(),
            b"application/json".to_vec(),
        )],
        body: bytes::Bytes::from_static(br#"{"error":"Internal server error"}"#),
    };
    (HeaderMap::new(), answer)
}

fn kept_headers(headers: &HeaderMap) -> Vec<(String, Vec<u8>)> {
    REPLAYED_HEADERS
        .iter()
        .filter_map(|name| {
            let value = headers.get(name)?;
            Some((name.as_str().to_string(), value.as_bytes().to_vec()))
        })
        .collect()
}

fn replay(answer: &Answer, replayed: bool) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, answer.body.clone()).into_response();
    let headers = response.headers_mut();
    headers.remove(header::CONTENT_TYPE);
    for (name, value) in &answer.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_bytes(value),
        ) {
            headers.insert(name, value);
        }
    }
    if replayed {
        headers.insert(REPLAYED, HeaderValue::from_static("true"));
    }
    response
}
