//! The activity log and undo (`/api/v1/activity*`): who changed what and when, each
//! person's own undo and redo, and undoing anyone's change explicitly from the history.

use super::AppState;
use super::extract::ApiQuery;
use crate::Result;
use crate::db::Edit;
use crate::db::undo::why_not;
use crate::domain::activity::Activity;
use crate::domain::{AuthUser, Id};
use crate::error::ErrorBody;
use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_activity))
        .routes(routes!(undo_mine))
        .routes(routes!(redo_mine))
        .routes(routes!(undo))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ActivityQuery {
    /// How many entries, newest first (default 50, at most 1000).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<usize>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ActivityView {
    pub id: String,
    pub at: i64,
    pub user_id: String,
    /// Who made the change ("A former member" once they left the team).
    pub user_name: String,
    /// What happened, in words: "Moved Ben Okafor's Store ops booking to 7–11 Dec".
    pub summary: String,
    /// `change`, `undo` or `redo`.
    pub action: String,
    /// Each changed record before and after (null when created / deleted).
    #[schema(value_type = Vec<Object>)]
    pub changes: Vec<Value>,
    pub undo_of: Option<String>,
    pub undone_by: Option<String>,
    /// Whether it can be undone now.
    pub undoable: bool,
    /// Why not, in words, when it cannot: "Ann Lee changed the allocation again since".
    pub why_not: Option<String>,
}

fn view(a: &Activity, names: &HashMap<Id, String>, why_not: Option<String>) -> ActivityView {
    let changes = a
        .changes
        .iter()
        .map(|c| {
            let kind = c
                .after
                .as_ref()
                .or(c.before.as_ref())
                .map(|r| r.kind_name());
            serde_json::json!({
                "kind": kind,
                "before": c.before.as_ref().map(|r| r.to_value()),
                "after": c.after.as_ref().map(|r| r.to_value()),
            })
        })
        .collect();
    ActivityView {
        id: a.id.0.clone(),
        at: a.at,
        user_id: a.user_id.0.clone(),
        user_name: name_of(names, &a.user_id),
        summary: a.summary.clone(),
        action: serde_json::to_value(a.action)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default(),
        changes,
        undo_of: a.undo_of.as_ref().map(|i| i.0.clone()),
        undone_by: a.undone_by.as_ref().map(|i| i.0.clone()),
        undoable: why_not.is_none(),
        why_not,
    }
}

fn name_of(names: &HashMap<Id, String>, id: &Id) -> String {
    names
        .get(id)
        .cloned()
        .unwrap_or_else(|| "A former member".into())
}

async fn member_names(state: &AppState, team: Id) -> Result<HashMap<Id, String>> {
    Ok(state
        .db
        .team(team)
        .await?
        .members
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

/// Every change to the schedule, newest first, with who made it and whether (or why
/// not) it can be undone now.
#[utoipa::path(get, path = "/api/v1/activity", tag = "activity", params(ActivityQuery),
    responses((status = 200, body = Vec<ActivityView>)))]
async fn list_activity(
    State(state): State<AppState>,
    auth: AuthUser,
    ApiQuery(q): ApiQuery<ActivityQuery>,
) -> Result<Json<Vec<ActivityView>>> {
    let limit = match q.limit {
        None => 50,
        Some(n @ 1..=1000) => n,
        Some(_) => {
            return Err(crate::AppError::invalid(
                "limit",
                "must be between 1 and 1000",
            ));
        }
    };
    let schedule = state.db.schedule(auth.team_id.clone()).await?;
    let entries = state.db.activity(auth.team_id.clone(), limit).await?;
    let names = member_names(&state, auth.team_id).await?;
    super::edits::blocking(move || {
        let views = entries
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let newer: Vec<&Arc<Activity>> = entries[..i].iter().collect();
                let why = why_not(&schedule, a, &newer, |u| name_of(&names, u));
                view(a, &names, why)
            })
            .collect();
        Json(views)
    })
    .await
}

async fn undo_with(state: &AppState, auth: AuthUser, edit: Edit) -> Result<Json<ActivityView>> {
    let team = auth.team_id.clone();
    let edited = state.db.edit(auth, edit).await?;
    let names = member_names(state, team).await?;
    // A fresh undo can itself be redone: nothing is newer yet.
    Ok(Json(view(&edited.entry, &names, None)))
}

/// Undoes the caller's own newest change that can still be undone (Ctrl+Z). The answer
/// is the new entry, whose summary says what was undone ("Undid: moved ...").
#[utoipa::path(post, path = "/api/v1/activity/undo", tag = "activity",
    responses((status = 200, body = ActivityView), (status = 403, body = ErrorBody), (status = 409, description = "Nothing to undo, or why it cannot be", body = ErrorBody)))]
async fn undo_mine(State(state): State<AppState>, auth: AuthUser) -> Result<Json<ActivityView>> {
    undo_with(&state, auth, Edit::UndoMine).await
}

/// Re-applies the caller's own newest undone change (Ctrl+Shift+Z); a new change of
/// theirs ends what can be redone.
#[utoipa::path(post, path = "/api/v1/activity/redo", tag = "activity",
    responses((status = 200, body = ActivityView), (status = 403, body = ErrorBody), (status = 409, description = "Nothing to redo, or why it cannot be", body = ErrorBody)))]
async fn redo_mine(State(state): State<AppState>, auth: AuthUser) -> Result<Json<ActivityView>> {
    undo_with(&state, auth, Edit::RedoMine).await
}

/// Reverts any entry of the history (anyone's), when nothing later depends on it (409
/// with the reason otherwise). Undoing an undo redoes it.
#[utoipa::path(post, path = "/api/v1/activity/{id}/undo", tag = "activity", params(("id" = String, Path)),
    responses((status = 200, body = ActivityView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn undo(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<ActivityView>> {
    undo_with(&state, auth, Edit::Undo(Id(id))).await
}
