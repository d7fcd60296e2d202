//! Reports and calendar feeds: `/api/v1/reports/*`, `/api/v1/prj/{id}/summary`,
//! `/api/v1/people/{id}/ical` and the public `/ical/<token>.ics`.
//!
//! Each handler takes a snapshot of the team's schedule from the actor (O(1)) and
//! computes and serialises the report on a blocking thread, so neither the actor nor
//! the async workers wait on a large report.

use super::AppState;
use super::auth::TeamSchedule;
use super::auth::{new_token, token_hash};
use super::edits::{blocking, json_response};
use super::extract::ApiQuery;
use crate::domain::{AuthUser, Id};
use crate::error::ErrorBody;
use crate::reports::{self, Interval};
use crate::{AppError, Result};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(utilisation))
        .routes(routes!(overbooked))
        .routes(routes!(pipeline))
        .routes(routes!(actuals))
        .routes(routes!(project_summary))
        .routes(routes!(rotate_ical, delete_ical))
        .routes(routes!(ical_feed))
}

/// Declares a report's query string: its own fields, then the filters every report takes
/// (`reports::filter`), and `filter()` to read them. One place for the four filters, so
/// each report documents and reads them alike.
macro_rules! report_query {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
        #[into_params(parameter_in = Query)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($(#[$fmeta])* pub $field: $ty,)*
            /// Only people with these roles, and placeholder demand of them (comma-separated).
            pub role: Option<String>,
            /// Only these people (ids, comma-separated).
            pub person: Option<String>,
            /// Only bookings on these projects (ids, comma-separated), and the people booked on them.
            pub project: Option<String>,
            /// Only bookings on these clients' projects (ids, comma-separated), and the people booked on them.
            pub client: Option<String>,
        }

        impl $name {
            /// The roles, people, projects and clients the query narrows the report to.
            pub fn filter(&self) -> $crate::Result<$crate::reports::ReportFilter> {
                $crate::reports::ReportFilter::parse(
                    self.role.as_deref(),
                    self.person.as_deref(),
                    self.project.as_deref(),
                    self.client.as_deref(),
                )
            }
        }
    };
}
pub(crate) use report_query;

/// `?from=&to=`: both required, `YYYY-MM-DD`, at most 1,100 days apart.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RangeQuery {
    /// First day, inclusive (`YYYY-MM-DD`, required).
    pub from: Option<String>,
    /// Last day, inclusive (`YYYY-MM-DD`, required; at most 1,100 days after `from`).
    pub to: Option<String>,
}

report_query! {
    /// The utilisation report's query.
    pub struct UtilisationQuery {
        /// First day, inclusive (`YYYY-MM-DD`, required).
        pub from: Option<String>,
        /// Last day, inclusive (`YYYY-MM-DD`, required; at most 1,100 days after `from`).
        pub to: Option<String>,
        /// `week` (Monday-based) or `month`: adds `periods` to each person.
        pub interval: Option<String>,
        /// `json` (default) or `csv`.
        pub format: Option<String>,
        /// Include archived people.
        #[serde(default)]
        pub include_archived: bool,
    }
}

report_query! {
    /// The pipeline report's query: a range and the same filters as utilisation.
    pub struct PipelineQuery {
        /// First day, inclusive (`YYYY-MM-DD`, required).
        pub from: Option<String>,
        /// Last day, inclusive (`YYYY-MM-DD`, required; at most 1,100 days after `from`).
        pub to: Option<String>,
    }
}

/// Capacity, scheduled, tentative, unscheduled and overbooked hours and utilisation per
/// person over `[from, to]` (definitions in the `reports` module), optionally per week
/// or month, as JSON or CSV (`text/csv`, one row per person or person-period);
/// optionally narrowed to some roles, people, projects or clients (`reports::filter`).
#[utoipa::path(get, path = "/api/v1/reports/utilisation", tag = "reports", params(UtilisationQuery),
    responses((status = 200, body = reports::utilisation::Utilisation),
        (status = 200, content_type = "text/csv", body = String, description = "With format=csv"),
        (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn utilisation(
    TeamSchedule(schedule): TeamSchedule,
    ApiQuery(q): ApiQuery<UtilisationQuery>,
) -> Result<Response> {
    let (from, to) = reports::parse_range(q.from.as_deref(), q.to.as_deref())?;
    let interval = q
        .interval
        .as_deref()
        .map(|s| {
            Interval::parse(s).ok_or_else(|| AppError::invalid("interval", "must be week or month"))
        })
        .transpose()?;
    let csv = match q.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => return Err(AppError::invalid("format", "must be json or csv")),
    };
    let include_archived = q.include_archived;
    let filter = q.filter()?;
    blocking(move || {
        let schedule = filter.narrow(&schedule, from, to);
        let report = reports::utilisation(&schedule, from, to, interval, include_archived);
        if csv {
            let disposition = format!("attachment; filename=\"utilisation-{from}-{to}.csv\"");
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
                reports::utilisation_csv(&report, interval.is_some()),
            )
                .into_response()
        } else {
            json_response(&report)
        }
    })
    .await
}

/// Every person-day in `[from, to]` where confirmed plus tentative hours exceed
/// capacity, with the allocations booking it.
#[utoipa::path(get, path = "/api/v1/reports/overbooked", tag = "reports", params(RangeQuery),
    responses((status = 200, body = Vec<reports::OverbookedDay>), (status = 422, body = ErrorBody)))]
async fn overbooked(
    TeamSchedule(schedule): TeamSchedule,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> Result<Response> {
    let (from, to) = reports::parse_range(q.from.as_deref(), q.to.as_deref())?;
    blocking(move || json_response(&reports::overbooked(&schedule, from, to))).await
}

/// Capacity against confirmed, tentative and probability-weighted demand per week,
/// with placeholder demand and the gap to capacity per role; optionally narrowed to some
/// roles, people, projects or clients (`reports::filter`).
#[utoipa::path(get, path = "/api/v1/reports/pipeline", tag = "reports", params(PipelineQuery),
    responses((status = 200, body = reports::pipeline::Pipeline), (status = 422, body = ErrorBody)))]
async fn pipeline(
    TeamSchedule(schedule): TeamSchedule,
    ApiQuery(q): ApiQuery<PipelineQuery>,
) -> Result<Response> {
    let (from, to) = reports::parse_range(q.from.as_deref(), q.to.as_deref())?;
    let filter = q.filter()?;
    blocking(move || {
        let schedule = filter.narrow(&schedule, from, to);
        json_response(&reports::pipeline(&schedule, from, to))
    })
    .await
}

/// Planned (booked) against actual hours in `[from, to]`, per project and per person.
#[utoipa::path(get, path = "/api/v1/reports/actuals", tag = "reports", params(RangeQuery),
    responses((status = 200, body = reports::ActualsReport), (status = 422, body = ErrorBody)))]
async fn actuals(
    TeamSchedule(schedule): TeamSchedule,
    ApiQuery(q): ApiQuery<RangeQuery>,
) -> Result<Response> {
    let (from, to) = reports::parse_range(q.from.as_deref(), q.to.as_deref())?;
    blocking(move || json_response(&reports::actuals_report(&schedule, from, to))).await
}

/// A project's budget, scheduled (confirmed), tentative, remaining and actual hours.
#[utoipa::path(get, path = "/api/v1/prj/{id}/summary", tag = "projects", params(("id" = String, Path)),
    responses((status = 200, body = reports::ProjectSummary), (status = 404, body = ErrorBody)))]
async fn project_summary(
    TeamSchedule(schedule): TeamSchedule,
    Path(id): Path<String>,
) -> Result<Response> {
    blocking(move || {
        reports::project_summary(&schedule, &Id(id))
            .map(|s| json_response(&s))
            .ok_or_else(|| AppError::NotFound("Project not found".into()))
    })
    .await?
}

/// The secret address of a calendar feed.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FeedUrl {
    /// `/ical/<token>.ics`, relative to the server.
    pub url: String,
}

/// Makes a new secret calendar-feed URL for a person, revoking the previous one.
/// Owners and managers may; a member only for the person linked to their login.
#[utoipa::path(post, path = "/api/v1/people/{id}/ical", tag = "people", params(("id" = String, Path)),
    responses((status = 200, body = FeedUrl), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, description = "The person is archived", body = ErrorBody)))]
async fn rotate_ical(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<FeedUrl>> {
    let token = new_token();
    state
        .db
        .rotate_feed(auth, Id(id), token_hash(&token))
        .await?;
    Ok(Json(FeedUrl {
        url: format!("/ical/{token}.ics"),
    }))
}

/// Ends a person's calendar feed: its URL answers 404 from now on. Who may make a feed
/// may end it.
#[utoipa::path(delete, path = "/api/v1/people/{id}/ical", tag = "people", params(("id" = String, Path)),
    responses((status = 204, description = "The feed is ended (or there was none)"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_ical(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    state.db.delete_feed(auth, Id(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A person's allocations and days off as iCalendar (RFC 5545). The token in the path
/// is the only credential: no cookies needed, so calendar apps can subscribe. A feed
/// ended, or of a person archived, is 404.
#[utoipa::path(get, path = "/ical/{file}", tag = "people", params(("file" = String, Path, description = "<token>.ics")),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 404, body = ErrorBody)))]
async fn ical_feed(State(state): State<AppState>, Path(file): Path<String>) -> Result<Response> {
    let not_found = || AppError::NotFound("No such calendar".into());
    let token = file
        .strip_suffix(".ics")
        .filter(|t| !t.is_empty() && t.len() <= 128 && t.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(not_found)?;
    let (team_id, person_id) = state
        .db
        .feed(token_hash(token))
        .await?
        .ok_or_else(not_found)?;
    let schedule = state.db.schedule(team_id).await?;
    let now = crate::domain::now();
    let body = blocking(move || reports::ical(&schedule, &person_id, now))
        .await?
        .ok_or_else(not_found)?;
    Ok((
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/calendar; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("inline; filename=\"kronuz.ics\""),
            ),
        ],
        body,
    )
        .into_response())
}
