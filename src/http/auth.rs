//! The auth step (the seed's `auth` filter as an extractor), session tokens, cookies
//! and password hashing.

use super::AppState;
use super::extract::cookie;
use crate::AppError;
use crate::domain::{AuthUser, Id, fill_random};
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use sha2::{Digest, Sha256};

/// A new session token: 256 bits from the OS CSPRNG, hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    fill_random(&mut bytes);
    hex::encode(bytes)
}

/// What is stored for a token: its SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The `usrid` cookie and the hash of the `session` cookie, or 401.
pub(super) fn credentials(headers: &HeaderMap) -> Result<(Id, String), AppError> {
    let not_logged_in = || AppError::Unauthorized("Not logged in".into());
    let usrid = cookie(headers, "usrid")
        .filter(|v| !v.is_empty())
        .ok_or_else(not_logged_in)?;
    let token = cookie(headers, "session")
        .filter(|v| !v.is_empty())
        .ok_or_else(not_logged_in)?;
    if usrid.len() > 64 || token.len() > 256 {
        return Err(not_logged_in());
    }
    Ok((Id::from(usrid), token_hash(token)))
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let (usrid, hash) = credentials(&parts.headers)?;
        state.db.authenticate(usrid, hash).await
    }
}

/// The signed-in user with the credentials that proved it, for long-lived responses
/// (the live-events stream) that check the session again while they run.
pub struct Session {
    pub auth: AuthUser,
    pub usrid: Id,
    pub token_hash: String,
}

impl FromRequestParts<AppState> for Session {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let (usrid, token_hash) = credentials(&parts.headers)?;
        let auth = state
            .db
            .authenticate(usrid.clone(), token_hash.clone())
            .await?;
        Ok(Session {
            auth,
            usrid,
            token_hash,
        })
    }
}

/// For reads: the signed-in user's team's schedule, as a snapshot, taken in the same
/// round trip to the actor as the auth step.
pub struct TeamSchedule(pub crate::domain::Schedule);

impl FromRequestParts<AppState> for TeamSchedule {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let (usrid, hash) = credentials(&parts.headers)?;
        let (_, schedule) = state.db.authenticate_schedule(usrid, hash).await?;
        Ok(TeamSchedule(schedule))
    }
}

/// `Set-Cookie` headers that log the browser in as `user_id` with `token`.
pub fn session_cookies(state: &AppState, user_id: &Id, token: &str) -> HeaderMap {
    let max_age = i64::from(state.settings.session_max_days) * 86_400;
    cookie_headers(
        state,
        &[("usrid", user_id.as_str()), ("session", token)],
        max_age,
    )
}

/// `Set-Cookie` headers that clear both cookies.
pub fn clear_cookies(state: &AppState) -> HeaderMap {
    cookie_headers(state, &[("usrid", ""), ("session", "")], 0)
}

fn cookie_headers(state: &AppState, pairs: &[(&str, &str)], max_age: i64) -> HeaderMap {
    let secure = if state.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let mut headers = HeaderMap::new();
    for (name, value) in pairs {
        let cookie =
            format!("{name}={value}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}{secure}");
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            headers.append(header::SET_COOKIE, v);
        }
    }
    headers
}

/// Hashes a password with argon2id off the runtime, at most `hash_permits` at a time.
pub async fn hash_password(state: &AppState, password: String) -> Result<String, AppError> {
    let _permit = state
        .hash_permits
        .acquire()
        .await
        .map_err(|_| AppError::shutting_down())?;
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(format!("hashing a password: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(format!("hashing task: {e}")))?
}

/// Checks a password against a stored PHC string, off the runtime. With no stored hash
/// it checks against a dummy so that unknown emails take as long as wrong passwords.
pub async fn verify_password(
    state: &AppState,
    password: String,
    stored: Option<String>,
) -> Result<bool, AppError> {
    let _permit = state
        .hash_permits
        .acquire()
        .await
        .map_err(|_| AppError::shutting_down())?;
    let known = stored.is_some();
    let stored = stored.unwrap_or_else(|| state.dummy_hash.to_string());
    tokio::task::spawn_blocking(move || {
        let ok = PasswordHash::new(&stored)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        ok && known
    })
    .await
    .map_err(|e| AppError::Internal(format!("hashing task: {e}")))
}

/// A real argon2 hash of a random password, for [`verify_password`]'s unknown-email path.
pub fn dummy_hash() -> String {
    Argon2::default()
        .hash_password(new_token().as_bytes())
        .map(|h| h.to_string())
        .unwrap_or_default()
}
