//! Projects: the jobs a team schedules people on, won or still in the pipeline.

use super::money::{Billing, Money, RateOverride, check_overrides};
use super::schedule::{check_dates, check_range};
use super::{Id, Timestamp};
use crate::AppError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Where a project stands in the pipeline.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Lead,
    Proposal,
    Won,
    #[default]
    Active,
    Done,
    Lost,
}

impl Status {
    /// The status as the pipeline board names it: "Won".
    pub fn label(self) -> &'static str {
        match self {
            Status::Lead => "Lead",
            Status::Proposal => "Proposal",
            Status::Won => "Won",
            Status::Active => "Active",
            Status::Done => "Done",
            Status::Lost => "Lost",
        }
    }

    /// The likelihood, in percent, a project of this status has unless one is given.
    pub fn default_probability(self) -> u8 {
        match self {
            Status::Lead => 10,
            Status::Proposal => 50,
            Status::Won | Status::Active | Status::Done => 100,
            Status::Lost => 0,
        }
    }
}

/// A job for a client.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Project {
    #[schema(value_type = String)]
    pub id: Id,
    #[schema(value_type = String)]
    pub team_id: Id,
    pub name: String,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub client_id: Option<Id>,
    #[serde(default)]
    pub status: Status,
    /// Percent likelihood of the work happening (the status's default unless set).
    #[serde(default = "full")]
    pub probability: u8,
    /// Whether `probability` was given rather than taken from the status.
    #[serde(default)]
    pub probability_explicit: bool,
    #[serde(default)]
    pub start: Option<NaiveDate>,
    #[serde(default)]
    pub end: Option<NaiveDate>,
    #[serde(default)]
    pub budget_hours: Option<f64>,
    /// `false` exactly when `billing` is `non_billable` (kept for older clients).
    #[serde(default = "yes")]
    pub billable: bool,
    /// How the project earns money; read it through [`Project::billing`].
    #[serde(default)]
    pub billing: Billing,
    /// What a `fixed_fee` project earns in all. Money fields (`fee`, `budget_amount`,
    /// `rate_overrides`) are left out of what a member is sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<Money>,
    /// The budget in money, beside `budget_hours`.
    #[serde(default)]
    pub budget_amount: Option<Money>,
    /// The project's own bill rates for a person or a role.
    #[serde(default)]
    pub rate_overrides: Vec<RateOverride>,
    /// `#rrggbb`
    #[serde(default = "default_color")]
    pub color: String,
    /// This record's id in another system (HR, billing, a spreadsheet): a CSV import
    /// matches rows to records by it first.
    #[serde(default)]
    pub external_id: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Bumped by every change to this record; sent as its `ETag`, checked by `If-Match`.
    #[serde(default)]
    #[schema(minimum = 1)]
    pub version: u64,
}

fn full() -> u8 {
    100
}
fn yes() -> bool {
    true
}
fn default_color() -> String {
    PALETTE[0].to_string()
}

/// Colours handed out to new projects, chosen to be told apart on the timeline.
const PALETTE: [&str; 10] = [
    "#4f7cff", "#16a37f", "#f59e0b", "#e4572e", "#8b5cf6", "#0ea5e9", "#db2777", "#65a30d",
    "#a16207", "#475569",
];

/// The fields of a project a client may set (`POST /api/v1/prj`, `PATCH`).
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectInput {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub client_id: Option<Id>,
    #[serde(default)]
    pub status: Status,
    /// 0..=100; when absent, the status's default (lead 10, proposal 50, won/active/done 100, lost 0).
    #[serde(default)]
    #[schema(maximum = 100)]
    pub probability: Option<u8>,
    #[serde(default)]
    pub start: Option<NaiveDate>,
    #[serde(default)]
    pub end: Option<NaiveDate>,
    #[serde(default)]
    pub budget_hours: Option<f64>,
    /// Older form of `billing`: `false` means `non_billable`.
    #[serde(default = "yes")]
    pub billable: bool,
    /// `time_and_materials` (default), `fixed_fee` (give `fee`) or `non_billable`.
    #[serde(default)]
    pub billing: Option<Billing>,
    /// Required for `fixed_fee`; ignored otherwise.
    #[serde(default)]
    pub fee: Option<Money>,
    #[serde(default)]
    pub budget_amount: Option<Money>,
    #[serde(default)]
    pub rate_overrides: Vec<RateOverride>,
    #[serde(default)]
    pub color: Option<String>,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub external_id: Option<String>,
}

fn check_color(c: &str) -> Result<String, AppError> {
    let ok = c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|ch| ch.is_ascii_hexdigit());
    if ok {
        Ok(c.to_ascii_lowercase())
    } else {
        Err(AppError::invalid("color", "must look like #rrggbb"))
    }
}

impl Project {
    /// Validates `input` into a project; `n` picks the default colour.
    pub fn from_input(
        id: Id,
        team_id: Id,
        input: ProjectInput,
        now: Timestamp,
        n: usize,
    ) -> Result<Project, AppError> {
        let probability = match input.probability {
            Some(p) if p > 100 => {
                return Err(AppError::invalid(
                    "probability",
                    "must be between 0 and 100",
                ));
            }
            Some(p) => p,
            None => input.status.default_probability(),
        };
        let (start, end) = match (input.start, input.end) {
            (Some(s), Some(e)) => check_dates(s, e).map(|(s, e)| (Some(s), Some(e)))?,
            (s, e) => (
                s.map(|d| super::calendar::check_date("start", d))
                    .transpose()?,
                e.map(|d| super::calendar::check_date("end", d))
                    .transpose()?,
            ),
        };
        let billing = match input.billing {
            Some(Billing::NonBillable) | None if !input.billable => Billing::NonBillable,
            Some(_) if !input.billable => {
                return Err(AppError::invalid(
                    "billable",
                    "false contradicts billing; give billing alone",
                ));
            }
            Some(b) => b,
            None => Billing::TimeAndMaterials,
        };
        let fee = match (billing, input.fee) {
            (Billing::FixedFee, Some(f)) => Some(Money::check("fee", f)?),
            (Billing::FixedFee, None) => {
                return Err(AppError::invalid(
                    "fee",
                    "is required for a fixed_fee project",
                ));
            }
            _ => None,
        };
        Ok(Project {
            version: 0,
            id,
            team_id,
            name: check_project_name(&input.name)?,
            client_id: input.client_id,
            status: input.status,
            probability,
            probability_explicit: input.probability.is_some(),
            start,
            end,
            budget_hours: input
                .budget_hours
                .map(|b| check_range("budget_hours", b, 0.0, 1e9))
                .transpose()?,
            billable: billing != Billing::NonBillable,
            billing,
            fee,
            budget_amount: input
                .budget_amount
                .map(|m| Money::check("budget_amount", m))
                .transpose()?,
            rate_overrides: check_overrides(input.rate_overrides)?,
            color: match input.color {
                Some(c) => check_color(&c)?,
                None => PALETTE[n % PALETTE.len()].to_string(),
            },
            external_id: super::schedule::optional_text("external_id", input.external_id, 200)?,
            created_at: now,
            updated_at: now,
        })
    }

    pub fn input(&self) -> ProjectInput {
        ProjectInput {
            name: self.name.clone(),
            client_id: self.client_id.clone(),
            status: self.status,
            probability: self.probability_explicit.then_some(self.probability),
            start: self.start,
            end: self.end,
            budget_hours: self.budget_hours,
            billable: self.billable,
            billing: Some(self.billing()),
            fee: self.fee,
            budget_amount: self.budget_amount,
            rate_overrides: self.rate_overrides.clone(),
            color: Some(self.color.clone()),
            external_id: self.external_id.clone(),
        }
    }

    /// How the project bills: records stored before `billing` existed say it with
    /// `billable: false`.
    pub fn billing(&self) -> Billing {
        if self.billable {
            self.billing
        } else {
            Billing::NonBillable
        }
    }

    /// The key projects are listed by: case-insensitive name, then id for ties.
    pub fn sort_key(&self) -> (String, Id) {
        (self.name.to_lowercase(), self.id.clone())
    }
}

/// Applies a PATCH object to a project. A status change without a `probability`
/// resets the probability to the new status's default.
pub fn patch_project(
    current: &Project,
    patch: serde_json::Value,
    now: Timestamp,
) -> Result<Project, AppError> {
    let mut input = current.input();
    if patch.get("status").is_some() && patch.get("probability").is_none() {
        input.probability = None;
    }
    // One of the two billing fields given alone decides; the other follows it.
    match (
        patch.get("billing").is_some(),
        patch.get("billable").is_some(),
    ) {
        (true, false) => input.billable = true,
        (false, true) => input.billing = None,
        _ => {}
    }
    let input = super::schedule::merge_patch(&input, patch)?;
    let mut next = Project::from_input(
        current.id.clone(),
        current.team_id.clone(),
        input,
        current.created_at,
        0,
    )?;
    next.updated_at = now;
    Ok(next)
}

pub fn check_project_name(name: &str) -> Result<String, AppError> {
    super::required_text("name", name, 200)
}
