//! Imports (`/api/v1/import/{kind}`): a CSV file in, a dry run or the whole file
//! applied as one change. The planning itself lives in [`crate::import`].

use super::AppState;
use crate::db::state::StoredProposal;
use crate::domain::{AuthUser, now};
use crate::error::ErrorBody;
use crate::import::csv::DateFormat;
use crate::import::{ImportKind, Options, Report, plan_csv};
use crate::{AppError, Result};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Import files may be larger than other bodies: 100,000 bookings is a few megabytes.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import_taskjuggler))
        .routes(routes!(import_csv))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_IMPORT_BYTES))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// true (the default): only say what would happen.
    #[serde(default)]
    pub dry_run: Option<bool>,
    /// `iso` (2026-03-31, the default) or `dmy` (31/03/2026).
    #[serde(default)]
    #[param(value_type = Option<String>)]
    pub date_format: Option<DateFormat>,
}

/// A dry run's or an import's answer.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ImportBody {
    pub dry_run: bool,
    #[serde(flatten)]
    pub report: Report,
    /// The activity entry that undoes the import (none for a dry run or no change).
    pub activity_id: Option<String>,
    /// Set when nothing was imported because of the errors listed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The body as text (CSV or a TaskJuggler file).
fn text_body(headers: &HeaderMap, body: &Bytes) -> Result<String> {
    let mime = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !matches!(
        mime.as_str(),
        "text/csv" | "text/plain" | "application/csv" | "application/octet-stream"
    ) {
        return Err(AppError::UnsupportedMediaType(
            "Expected a text file with Content-Type: text/csv or text/plain".into(),
        ));
    }
    String::from_utf8(body.to_vec())
        .map_err(|_| AppError::Invalid("The file is not UTF-8 text: save it as CSV UTF-8".into()))
}

/// Imports a CSV of people, clients, projects, allocations or time off. With
/// `dry_run=true` (the default) nothing changes; otherwise all rows are applied as one
/// change that one undo reverts, or, if any row has an error, none.
#[utoipa::path(post, path = "/api/v1/import/{kind}", tag = "import",
    params(("kind" = String, Path, description = "people, clients, projects, allocations or timeoff"), ImportQuery),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = ImportBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ImportBody, description = "Rows have errors; nothing was imported")))]
async fn import_csv(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(kind): Path<String>,
    query: super::extract::ApiQuery<ImportQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    auth.require_schedule_editor()?;
    let kind = ImportKind::from_path(&kind).ok_or_else(|| {
        AppError::NotFound(
            "Imports are of people, clients, projects, allocations or timeoff".into(),
        )
    })?;
    let query = query.0;
    let dry_run = query.dry_run.unwrap_or(true);
    let options = Options {
        date_format: query.date_format.unwrap_or_default(),
    };
    let text = text_body(&headers, &body)?;
    drop(body);
    apply(&state, &auth, dry_run, move |schedule| {
        plan_csv(kind, &text, schedule, options, now())
    })
    .await
}

/// Imports a TaskJuggler plan (`.tjp`): people from its resources, a project per
/// top-level task and tasks ready to plan. Anything outside the subset kronuz reads is
/// listed in `warnings` with its line. `dry_run` as for CSV.
#[utoipa::path(post, path = "/api/v1/import/taskjuggler", tag = "import",
    params(ImportQuery),
    request_body(content = String, content_type = "text/plain"),
    responses((status = 200, body = ImportBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 415, body = ErrorBody)))]
async fn import_taskjuggler(
    State(state): State<AppState>,
    auth: AuthUser,
    query: super::extract::ApiQuery<ImportQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response> {
    auth.require_schedule_editor()?;
    let dry_run = query.0.dry_run.unwrap_or(true);
    let text = text_body(&headers, &body)?;
    apply(&state, &auth, dry_run, move |schedule| {
        crate::import::taskjuggler::plan_tjp(&text, schedule, now())
    })
    .await
}

/// Plans against the schedule as it is and, unless a dry run, applies the plan as one
/// change. If the schedule changes before the import lands, it plans again (a few
/// times) rather than apply a stale plan.
async fn apply<F>(state: &AppState, auth: &AuthUser, dry_run: bool, plan: F) -> Result<Response>
where
    F: Fn(&crate::domain::Schedule) -> Result<crate::import::Plan> + Send + Sync + 'static,
{
    let plan_fn = std::sync::Arc::new(plan);
    for _ in 0..3 {
        let schedule = state.db.schedule(auth.team_id.clone()).await?;
        let version = schedule.version;
        let f = plan_fn.clone();
        let plan = tokio::task::spawn_blocking(move || f(&schedule))
            .await
            .map_err(|e| AppError::Internal(format!("import task: {e}")))??;
        let mut answer = ImportBody {
            dry_run,
            report: plan.report,
            activity_id: None,
            error: None,
        };
        if !answer.report.errors.is_empty() {
            let n = answer.report.errors.len();
            answer.error = Some(format!(
                "{n} problem(s) in the file{}",
                if dry_run {
                    ""
                } else {
                    ": nothing was imported"
                }
            ));
            let status = if dry_run {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            return Ok((status, Json(answer)).into_response());
        }
        if dry_run || plan.changes.is_empty() {
            return Ok(Json(answer).into_response());
        }
        let proposal = StoredProposal {
            team_id: auth.team_id.clone(),
            version,
            summary: plan.summary,
            changes: plan.changes,
            created_at: now(),
        };
        let id = state.db.save_proposal(proposal).await?;
        match state.db.apply_proposal(auth.clone(), id).await {
            Ok(edited) => {
                answer.activity_id = Some(edited.entry.id.0.clone());
                return Ok(Json(answer).into_response());
            }
            Err(AppError::Conflict(_)) => continue,
            Err(e) => return Err(e),
        }
    }
    Err(AppError::Conflict(
        "The schedule keeps changing while importing; try again".into(),
    ))
}
