//! The web app's files, embedded at build time (see `build.rs`), with ETags.
//! Any GET path that is not an asset or under `/api/` gets `index.html`, so deep links
//! survive a reload.

use super::AppState;
use crate::AppError;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use std::path::{Component, Path};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/web_assets.rs"));
}

/// The fallback for every route the API does not know.
pub async fn fallback(
    axum::extract::State(state): axum::extract::State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let path = uri.path();
    if path.starts_with("/api/") || !(method == Method::GET || method == Method::HEAD) {
        return AppError::NotFound(format!("No such endpoint: {method} {path}")).into_response();
    }
    if let Some(dir) = &state.settings.web_dir {
        return from_disk(dir, path).await;
    }
    let asset = find(path).or_else(|| find("/index.html"));
    match asset {
        Some((ctype, etag, bytes)) => {
            let fresh = headers
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
            let mut response = if fresh {
                StatusCode::NOT_MODIFIED.into_response()
            } else {
                ([(header::CONTENT_TYPE, ctype)], Body::from(bytes)).into_response()
            };
            let h = response.headers_mut();
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            if let Ok(v) = HeaderValue::from_str(etag) {
                h.insert(header::ETAG, v);
            }
            response
        }
        None => AppError::NotFound("Not found".into()).into_response(),
    }
}

fn find(path: &str) -> Option<(&'static str, &'static str, &'static [u8])> {
    let path = if path == "/" { "/index.html" } else { path };
    embedded::ASSETS
        .iter()
        .find(|(p, ..)| *p == path)
        .map(|(_, ctype, etag, bytes)| (*ctype, *etag, *bytes))
}

/// Development mode: serve `dir` from disk, fresh on every request.
async fn from_disk(dir: &Path, path: &str) -> Response {
    let rel = Path::new(path.trim_start_matches('/'));
    let safe = rel.components().all(|c| matches!(c, Component::Normal(_)));
    let mut file = dir.join(if safe && !path.ends_with('/') {
        rel
    } else {
        Path::new("index.html")
    });
    if !file.is_file() {
        file = dir.join("index.html");
    }
    let ctype =
        super::content_type::for_extension(file.extension().and_then(|e| e.to_str()).unwrap_or(""));
    match tokio::fs::read(&file).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, ctype),
                (header::CACHE_CONTROL, "no-store"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => AppError::NotFound("Not found".into()).into_response(),
    }
}
