//! Money over HTTP: `GET /api/v1/reports/financials`, `GET /api/v1/prj/{id}/financials`
//! and the team's rate card (`GET/PUT /api/v1/team/rates`). Owners and managers only:
//! a member gets 403 here, and [`hide_money`] takes rates and amounts out of every
//! record a member is sent elsewhere.

use super::AppState;
use super::auth::ReaderSchedule;
use super::edits::{blocking, json_response};
use super::extract::{ApiJson, ApiQuery};
use super::reports::report_query;
use crate::domain::money::{self, RateCard};
use crate::domain::{AuthUser, Id};
use crate::error::ErrorBody;
use crate::reports::{self, Interval};
use crate::{AppError, Result};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(financials))
        .routes(routes!(project_financials))
        .routes(routes!(get_rates, put_rates))
}

/// Removes the money fields of a record of `kind` for a reader who may not see money.
pub fn hide_money(auth: &AuthUser, kind: &str, record: &mut serde_json::Value) {
    if !auth.sees_money() {
        money::hide_money(kind, record);
    }
}

report_query! {
    /// The financials report's query.
    pub struct FinancialsQuery {
        /// First day, inclusive (`YYYY-MM-DD`, required).
        pub from: Option<String>,
        /// Last day, inclusive (`YYYY-MM-DD`, required; at most 1,100 days after `from`).
        pub to: Option<String>,
        /// `month` (default) or `week` (Monday-based).
        pub interval: Option<String>,
        /// `json` (default) or `csv`.
        pub format: Option<String>,
    }
}

/// Revenue, cost and margin per month (or week) and per project, each confirmed,
/// tentative and probability-weighted, with each project's budget burn and the day
/// its budget runs out (definitions in `reports::financials`). Owners and managers.
#[utoipa::path(get, path = "/api/v1/reports/financials", tag = "reports", params(FinancialsQuery),
    responses((status = 200, body = reports::financials::Financials),
        (status = 200, content_type = "text/csv", body = String, description = "With format=csv"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody, description = "A member"),
        (status = 422, body = ErrorBody)))]
async fn financials(
    ReaderSchedule(auth, schedule): ReaderSchedule,
    ApiQuery(q): ApiQuery<FinancialsQuery>,
) -> Result<Response> {
    auth.require_money()?;
    let (from, to) = reports::parse_range(q.from.as_deref(), q.to.as_deref())?;
    let interval = match q.interval.as_deref() {
        None => Interval::Month,
        Some(s) => Interval::parse(s)
            .ok_or_else(|| AppError::invalid("interval", "must be week or month"))?,
    };
    let csv = match q.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => return Err(AppError::invalid("format", "must be json or csv")),
    };
    let filter = q.filter()?;
    blocking(move || {
        let schedule = filter.narrow(&schedule, from, to);
        let report = reports::financials(&schedule, from, to, interval, None);
        if !csv {
            return json_response(&report);
        }
        let disposition = format!("attachment; filename=\"financials-{from}-{to}.csv\"");
        (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/csv; charset=utf-8"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_str(&disposition)
                        .unwrap_or(HeaderValue::from_static("attachment")),
                ),
            ],
            reports::financials_csv(&report),
        )
            .into_response()
    })
    .await
}

/// One project's financials over its whole life by month: from its first booking (or
/// start) to its last (or end), at most 1,100 days. Owners and managers.
#[utoipa::path(get, path = "/api/v1/prj/{id}/financials", tag = "projects", params(("id" = String, Path)),
    responses((status = 200, body = reports::financials::Financials),
        (status = 403, body = ErrorBody, description = "A member"), (status = 404, body = ErrorBody)))]
async fn project_financials(
    ReaderSchedule(auth, schedule): ReaderSchedule,
    Path(id): Path<String>,
) -> Result<Response> {
    auth.require_money()?;
    let id = Id(id);
    let project = schedule
        .projects
        .get(&id)
        .cloned()
        .ok_or_else(|| AppError::NotFound("Project not found".into()))?;
    blocking(move || {
        let allocs = || schedule.allocations.values().filter(|a| a.project_id == id);
        let today = chrono::Utc::now().date_naive();
        let from = allocs()
            .map(|a| a.start)
            .chain(project.start)
            .min()
            .unwrap_or(today);
        let to = allocs()
            .map(|a| a.end)
            .chain(project.end)
            .max()
            .unwrap_or(today)
            .max(from);
        let to = to.min(from + chrono::Days::new(reports::MAX_DAYS as u64 - 1));
        json_response(&reports::financials(
            &schedule,
            from,
            to,
            Interval::Month,
            Some(&id),
        ))
    })
    .await
}

/// The team's currency and rate card.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct RatesBody {
    pub currency: String,
    /// Hourly rates per role (exact role text).
    pub roles: std::collections::BTreeMap<String, money::RoleRates>,
}

/// The team's rate card: hourly cost and bill rates per role, used for people without
/// rates of their own and for placeholders. Owners and managers.
#[utoipa::path(get, path = "/api/v1/team/rates", tag = "team",
    responses((status = 200, body = RatesBody), (status = 403, body = ErrorBody, description = "A member")))]
async fn get_rates(State(state): State<AppState>, auth: AuthUser) -> Result<Json<RatesBody>> {
    auth.require_money()?;
    let team = state.db.team(auth.team_id).await?.team;
    Ok(Json(RatesBody {
        currency: team.currency,
        roles: team.rates.roles,
    }))
}

/// Replaces the team's rate card (owners and managers): `{"roles": {"Developer":
/// {"cost_rate": 60, "bill_rate": 120}}}`.
#[utoipa::path(put, path = "/api/v1/team/rates", tag = "team", request_body = RateCard,
    responses((status = 200, body = RatesBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn put_rates(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<Json<RatesBody>> {
    auth.require_money()?;
    // Each role's rates are an object (serde alone would also read `[]` as one).
    if let Some(roles) = body.get("roles").and_then(|r| r.as_object())
        && let Some((role, _)) = roles.iter().find(|(_, v)| !v.is_object())
    {
        return Err(AppError::invalid(
            "roles",
            format!("the rates of {role} must be an object such as {{\"bill_rate\": 120}}"),
        ));
    }
    let card: RateCard = crate::domain::schedule::from_json(body)?;
    let card = card.checked()?;
    let patch = serde_json::json!({ "rates": card });
    let team = state.db.patch_team(auth, patch).await?.team;
    Ok(Json(RatesBody {
        currency: team.currency,
        roles: team.rates.roles,
    }))
}
