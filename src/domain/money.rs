//! Money: amounts in integer cents, the team's currency, the rate card, how a project
//! bills, and which rates a booked hour is worth. Pure rules; the financials report
//! (`reports::financials`) sums booked hours from [`super::booked`] with them.
//!
//! # Rates of a booked hour
//! - **bill rate**: the project's override for that person, else its override for the
//!   person's role (a placeholder's role for a placeholder), else the person's
//!   `bill_rate`, else the team rate card's `bill_rate` for the role, else 0.
//! - **cost rate**: the person's `cost_rate`, else the rate card's for the role, else 0.
//!
//! Amounts are [`Money`]: whole cents in an `i64`, never sums of binary floats. They
//! leave the server as decimal numbers with exactly two places (`1234.50`).

use super::{Id, Person, Project};
use crate::AppError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An amount in minor units (cents) of the team's currency.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(pub i64);

/// The largest amount kronuz accepts as input (a rate, a fee, a budget): 1e12.
pub const MAX_AMOUNT: f64 = 1e12;

impl Money {
    pub const ZERO: Money = Money(0);

    /// `x` (major units, as a person types it) to the nearest cent.
    pub fn from_major(x: f64) -> Option<Money> {
        (x.is_finite() && x.abs() <= MAX_AMOUNT).then(|| Money((x * 100.0).round() as i64))
    }

    /// A non-negative amount of at most [`MAX_AMOUNT`], as input; the error names `field`.
    pub fn check(field: &str, m: Money) -> Result<Money, AppError> {
        if m.0 >= 0 && (m.0 as f64) <= MAX_AMOUNT * 100.0 {
            Ok(m)
        } else {
            Err(AppError::invalid(
                field,
                format!("must be an amount between 0 and {MAX_AMOUNT}"),
            ))
        }
    }

    pub fn cents(self) -> i64 {
        self.0
    }

    /// `1234.50`, `-0.05`: the decimal the API and CSV show.
    pub fn decimal(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let c = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", c / 100, c % 100)
    }

    /// Rounds an amount in millionths of the major unit (the report's accumulator) to
    /// cents, halves away from zero.
    pub fn from_micros(micros: i128) -> Money {
        let q = micros / 10_000;
        let r = micros % 10_000;
        let q = if r.abs() * 2 >= 10_000 {
            q + micros.signum()
        } else {
            q
        };
        Money(q.clamp(i64::MIN as i128, i64::MAX as i128) as i64)
    }
}

impl Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // A raw number so that two places survive: 1234.50, not 1234.5.
        match serde_json::value::RawValue::from_string(self.decimal()) {
            Ok(raw) => raw.serialize(s),
            Err(_) => s.serialize_i64(self.0),
        }
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Amount {
            Number(f64),
            Text(String),
        }
        let x = match Amount::deserialize(d)? {
            Amount::Number(x) => x,
            Amount::Text(t) => t
                .trim()
                .parse::<f64>()
                .map_err(|_| serde::de::Error::custom("expected an amount such as 120.50"))?,
        };
        Money::from_major(x).ok_or_else(|| {
            serde::de::Error::custom(format!("expected an amount of at most {MAX_AMOUNT}"))
        })
    }
}

impl utoipa::PartialSchema for Money {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Number)
            .description(Some(
                "An amount of the team's currency, a decimal with two places (120.50)",
            ))
            .examples([serde_json::json!(120.5)])
            .into()
    }
}

impl utoipa::ToSchema for Money {}

// ---- currency ----

/// ISO 4217 codes in use.
pub const CURRENCIES: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD",
    "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD",
    "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ",
    "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD",
    "JPY", "KES", "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
    "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
    "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
    "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR",
    "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB",
    "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "UYU", "UZS",
    "VES", "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWG",
];

/// The team's currency unless set.
pub fn default_currency() -> String {
    "USD".into()
}

/// An ISO 4217 code such as `EUR` (case-insensitive in, upper-case out).
pub fn check_currency(field: &str, code: &str) -> Result<String, AppError> {
    let code = code.trim().to_ascii_uppercase();
    if CURRENCIES.binary_search(&code.as_str()).is_ok() {
        Ok(code)
    } else {
        Err(AppError::invalid(
            field,
            "must be an ISO 4217 currency code such as USD or EUR",
        ))
    }
}

// ---- the rate card ----

/// Hourly rates of a role on the team's rate card.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleRates {
    #[serde(default)]
    pub cost_rate: Option<Money>,
    #[serde(default)]
    pub bill_rate: Option<Money>,
}

/// The team's rates per role (exact role text), for people without rates of their own
/// and for placeholders.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateCard {
    #[serde(default)]
    pub roles: BTreeMap<String, RoleRates>,
}

impl RateCard {
    /// Checks a rate card as sent: at most 500 roles with names of 1 to 100 characters
    /// and rates between 0 and [`MAX_AMOUNT`].
    pub fn checked(self) -> Result<RateCard, AppError> {
        if self.roles.len() > 500 {
            return Err(AppError::invalid("roles", "at most 500 roles"));
        }
        let mut roles = BTreeMap::new();
        for (name, r) in self.roles {
            let name = super::required_text("roles", &name, 100)?;
            let r = RoleRates {
                cost_rate: r
                    .cost_rate
                    .map(|m| Money::check("cost_rate", m))
                    .transpose()?,
                bill_rate: r
                    .bill_rate
                    .map(|m| Money::check("bill_rate", m))
                    .transpose()?,
            };
            roles.insert(name, r);
        }
        Ok(RateCard { roles })
    }

    fn role(&self, role: Option<&str>) -> Option<&RoleRates> {
        self.roles.get(role?)
    }
}

// ---- how a project bills ----

/// How a project earns money.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Billing {
    /// Booked hours × the bill rate.
    #[default]
    TimeAndMaterials,
    /// The project's `fee`, spread over its booked hours in proportion.
    FixedFee,
    /// Earns nothing; its hours still cost.
    NonBillable,
}

/// A project's own bill rate for one person or for everyone of a role.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateOverride {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub person_id: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    pub bill_rate: Money,
}

/// Checks a project's overrides: each names a person or a role (not both), at most 500.
pub fn check_overrides(list: Vec<RateOverride>) -> Result<Vec<RateOverride>, AppError> {
    if list.len() > 500 {
        return Err(AppError::invalid("rate_overrides", "at most 500 items"));
    }
    list.into_iter()
        .map(|o| {
            let role = super::schedule::optional_text("rate_overrides.role", o.role, 100)?;
            if o.person_id.is_some() == role.is_some() {
                return Err(AppError::invalid(
                    "rate_overrides",
                    "each gives either person_id or role",
                ));
            }
            Ok(RateOverride {
                person_id: o.person_id,
                role,
                bill_rate: Money::check("rate_overrides.bill_rate", o.bill_rate)?,
            })
        })
        .collect()
}

/// A rate a person typed (`cost_rate` / `bill_rate` on a person) in cents.
fn person_rate(r: Option<f64>) -> Option<Money> {
    r.and_then(Money::from_major)
}

/// Whoever an allocation books: a person, or a placeholder of a role.
#[derive(Clone, Copy, Debug)]
pub enum Booked<'a> {
    Person(&'a Person),
    Placeholder(&'a str),
}

impl<'a> Booked<'a> {
    fn person(self) -> Option<&'a Person> {
        match self {
            Booked::Person(p) => Some(p),
            Booked::Placeholder(_) => None,
        }
    }

    fn role(self) -> Option<&'a str> {
        match self {
            Booked::Person(p) => p.role.as_deref(),
            Booked::Placeholder(r) => Some(r),
        }
    }
}

/// The bill rate of an hour of `who` on `project` (see the module doc for the order).
pub fn bill_rate(project: &Project, who: Booked<'_>, card: &RateCard) -> Money {
    let person = who.person();
    let role = who.role();
    let by_person = person.and_then(|p| {
        project
            .rate_overrides
            .iter()
            .find(|o| o.person_id.as_ref() == Some(&p.id))
    });
    let by_role = || {
        role.and_then(|r| {
            project
                .rate_overrides
                .iter()
                .find(|o| o.role.as_deref() == Some(r))
        })
    };
    if let Some(o) = by_person.or_else(by_role) {
        return o.bill_rate;
    }
    person
        .and_then(|p| person_rate(p.bill_rate))
        .or_else(|| card.role(role).and_then(|r| r.bill_rate))
        .unwrap_or(Money::ZERO)
}

/// The cost rate of an hour of `who`, on any project.
pub fn cost_rate(who: Booked<'_>, card: &RateCard) -> Money {
    who.person()
        .and_then(|p| person_rate(p.cost_rate))
        .or_else(|| card.role(who.role()).and_then(|r| r.cost_rate))
        .unwrap_or(Money::ZERO)
}

/// Hours as whole hundredths (7.5 → 750): booked hours are counted in these so that
/// money is an integer product.
pub fn centihours(h: f64) -> i64 {
    (h * 100.0).round() as i64
}

/// The record fields that are money, per record kind, left out of anything a member
/// gets.
pub fn money_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "person" => &["cost_rate", "bill_rate"],
        "project" => &["fee", "budget_amount", "rate_overrides"],
        _ => &[],
    }
}

/// Removes the money fields of a record (as JSON) of `kind`.
pub fn hide_money(kind: &str, record: &mut serde_json::Value) {
    if let serde_json::Value::Object(fields) = record {
        for f in money_fields(kind) {
            fields.remove(*f);
        }
    }
}

#[cfg(test)]
mod tests;
