//! The financials report: revenue, cost and margin per period and per project, with the
//! pipeline counted three ways, and each project's budget burn.
//!
//! # Definitions
//! - Hours are the booked hours of [`crate::domain::booked`] (a person's on their
//!   working days, a placeholder's on the team's, as `DayGrid::book` books them), each
//!   allocation's per period in whole hundredths of an hour; the rates of each hour come
//!   from [`crate::domain::money`].
//! - **confirmed**: non-tentative allocations of `won`, `active` and `done` projects.
//!   **tentative**: every other booked hour, at face value. **weighted**: every booked
//!   hour × its project's probability / 100 (`lost` counts 0), tentative or not.
//! - **revenue**: `time_and_materials`: hours × bill rate; `non_billable`: 0;
//!   `fixed_fee`: the fee × the hours / all the project's booked hours (over its whole
//!   life, confirmed and tentative). **cost**: hours × cost rate on every project.
//!   **margin**: revenue − cost.
//! - **budget_used** (whole life, not just the range): the value at bill rates of the
//!   actual hours recorded, and of the booked hours (confirmed and tentative) after the
//!   project's last recorded day. **budget_runs_out_on**: the first day on which that
//!   running total exceeds `budget_amount`.
//! - Sums are exact integers (millionths of the currency) and rounded to cents once, at
//!   the end; archived people count (money already earned or spent is history).

use super::{IdMap, Interval};
use crate::domain::booked::round_hours;
use crate::domain::calendar::DayGrid;
use crate::domain::money::{self, Billing, Booked, Money};
use crate::domain::schedule::Actual;
use crate::domain::{Id, Person, Project, Schedule, Status};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::HashMap;

/// Amounts under the three views of the same hours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MoneyViews {
    pub confirmed: Money,
    pub tentative: Money,
    pub weighted: Money,
}

/// Hours under the three views.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct HourViews {
    pub confirmed: f64,
    pub tentative: f64,
    pub weighted: f64,
}

/// Revenue, cost, margin and hours of a period, a project or the whole range.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = MoneyFigures)]
pub struct Figures {
    pub revenue: MoneyViews,
    pub cost: MoneyViews,
    /// `revenue - cost`.
    pub margin: MoneyViews,
    pub hours: HourViews,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FinancialPeriod {
    /// First day of the month (or Monday), or `from`.
    pub start: NaiveDate,
    /// Last day of the month (or Sunday), or `to`.
    pub end: NaiveDate,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ProjectFinancials {
    #[schema(value_type = String)]
    pub project_id: Id,
    pub name: String,
    pub status: Status,
    pub probability: u8,
    pub billing: Billing,
    /// Over `[from, to]`.
    #[serde(flatten)]
    pub figures: Figures,
    pub budget_amount: Option<Money>,
    /// Actual hours at bill rates, then booked hours after the last recorded day.
    pub budget_used: Money,
    /// `budget_amount - budget_used`; null without a budget.
    pub budget_remaining: Option<Money>,
    /// The first day `budget_used`'s running total exceeds `budget_amount`.
    pub budget_runs_out_on: Option<NaiveDate>,
}

/// `GET /api/v1/reports/financials`.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Financials {
    /// ISO 4217 code of every amount.
    pub currency: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub periods: Vec<FinancialPeriod>,
    /// Every project with hours in the range or a money budget, by name.
    pub projects: Vec<ProjectFinancials>,
    pub totals: Figures,
}

const CONFIRMED: usize = 0;
const TENTATIVE: usize = 1;
const WEIGHTED: usize = 2;

/// Exact sums of one project in one period. Hours in ten-thousandths of an hour,
/// money in millionths of the currency (hundredths of an hour × cents × 100 or × a
/// probability in percent).
#[derive(Clone, Copy, Debug, Default)]
struct Acc {
    hours: [i64; 3],
    revenue: [i128; 3],
    cost: [i128; 3],
}

impl Acc {
    fn add(&mut self, o: &Acc) {
        for v in 0..3 {
            self.hours[v] += o.hours[v];
            self.revenue[v] += o.revenue[v];
            self.cost[v] += o.cost[v];
        }
    }

    fn figures(&self) -> Figures {
        let m = |x: &[i128; 3]| MoneyViews {
            confirmed: Money::from_micros(x[CONFIRMED]),
            tentative: Money::from_micros(x[TENTATIVE]),
            weighted: Money::from_micros(x[WEIGHTED]),
        };
        let margin: [i128; 3] = std::array::from_fn(|v| self.revenue[v] - self.cost[v]);
        let h = |v: usize| round_hours(self.hours[v] as f64 / 10_000.0);
        Figures {
            revenue: m(&self.revenue),
            cost: m(&self.cost),
            margin: m(&margin),
            hours: HourViews {
                confirmed: h(CONFIRMED),
                tentative: h(TENTATIVE),
                weighted: h(WEIGHTED),
            },
        }
    }
}

/// `a * b / c` rounded to the nearest, halves away from zero (`c > 0`).
fn mul_div(a: i128, b: i128, c: i128) -> i128 {
    let n = a * b;
    let q = n / c;
    let r = n % c;
    if r.abs() * 2 >= c { q + n.signum() } else { q }
}

/// How one project counts.
struct Counted<'a> {
    project: &'a Project,
    billing: Billing,
    /// Percent; 0 for `lost`.
    probability: i128,
    /// Whether its non-tentative hours are confirmed.
    won: bool,
}

impl<'a> Counted<'a> {
    fn new(project: &'a Project) -> Counted<'a> {
        Counted {
            project,
            billing: project.billing(),
            probability: if project.status == Status::Lost {
                0
            } else {
                i128::from(project.probability)
            },
            won: matches!(project.status, Status::Won | Status::Active | Status::Done),
        }
    }
}

/// An allocation as the report counts it: whom it books and the rates of its hours,
/// looked up once.
struct Booking {
    /// The allocation's fields the report reads, copied so that its loops run over one
    /// compact list instead of chasing each allocation through the schedule's map; its
    /// first and last day as day numbers (days from the common era), so that placing it
    /// on a grid is a subtraction.
    start: i64,
    end: i64,
    hours_per_day: f64,
    tentative: bool,
    /// Index into the report's people; `None` for a placeholder.
    person: Option<usize>,
    /// Cents per hour.
    bill: i128,
    cost: i128,
}

/// A date as a day number (days from the common era).
fn day(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce())
}

/// Who works which days of a grid, worked out once per person who is booked: as running
/// counts of working days (days with capacity above 0, where a booking books its hours),
/// so that the days a booking books in any span are one subtraction.
struct Capacities<'g, 's> {
    grid: &'g DayGrid<'s>,
    /// The grid's first day as a day number.
    first: i64,
    people: &'g [&'s Person],
    of_person: Vec<Option<Vec<u32>>>,
    placeholder: Vec<u32>,
}

/// `out[i]`: how many of the days before `i` have capacity above 0.
fn working_days(capacity: &[f64]) -> Vec<u32> {
    let mut out = Vec::with_capacity(capacity.len() + 1);
    let mut n = 0;
    out.push(0);
    for c in capacity {
        n += u32::from(*c > 0.0);
        out.push(n);
    }
    out
}

impl<'g, 's> Capacities<'g, 's> {
    fn new(grid: &'g DayGrid<'s>, people: &'g [&'s Person]) -> Self {
        Capacities {
            grid,
            first: day(grid.from),
            people,
            of_person: vec![None; people.len()],
            placeholder: working_days(&grid.placeholder_capacity()),
        }
    }

    /// The running working-day counts of whoever `b` books.
    fn of(&mut self, b: &Booking) -> &[u32] {
        match b.person {
            Some(i) => {
                let (grid, person) = (self.grid, self.people[i]);
                self.of_person[i].get_or_insert_with(|| working_days(&grid.capacity(person)))
            }
            None => &self.placeholder,
        }
    }

    /// The grid indices `x..y` of `b`'s days, clipped to the grid (empty when disjoint).
    fn span(&self, b: &Booking) -> (usize, usize) {
        let len = self.grid.len as i64;
        let x = (b.start - self.first).clamp(0, len);
        let y = (b.end - self.first + 1).clamp(0, len);
        if x >= y {
            (0, 0)
        } else {
            (x as usize, y as usize)
        }
    }
}

/// `h` added up `k` times: the booked hours of `k` days, summed day by day as a grid of
/// days would sum them (so that rounding them gives the same hundredths).
fn repeated(h: f64, k: u32) -> f64 {
    let mut sum = 0.0;
    for _ in 0..k {
        sum += h;
    }
    sum
}

/// The longest span of days one shared grid covers for the range and the projects'
/// whole lives (a little over 12 years); beyond it the range and each project get a grid
/// of their own, so memory stays bounded whatever dates the bookings have.
const SHARED_SPAN_DAYS: i64 = 4 * super::MAX_DAYS;

/// The financials of `[from, to]` by `interval`; with `only`, of that project alone.
///
/// One pass over the allocations groups them by project, with their rates; then one
/// grid over the range and every project's life books each allocation once, for both
/// the range's figures and the whole-life ones (all its booked hours, for a fixed fee;
/// its budget burn). Past [`SHARED_SPAN_DAYS`] the range and each project get grids of
/// their own.
pub fn financials(
    schedule: &Schedule,
    from: NaiveDate,
    to: NaiveDate,
    interval: Interval,
    only: Option<&Id>,
) -> Financials {
    let mut projects: Vec<&Project> = schedule
        .projects
        .values()
        .filter(|p| only.is_none_or(|id| &p.id == id))
        .collect();
    projects.sort_by_cached_key(|p| p.sort_key());
    let index: IdMap<&Id, usize> = projects
        .iter()
        .enumerate()
        .map(|(i, p)| (&p.id, i))
        .collect();
    let counted: Vec<Counted> = projects.iter().map(|p| Counted::new(p)).collect();
    let n = projects.len();
    let card = &schedule.team.rates;
    let people: Vec<&Person> = schedule.people.values().collect();
    let position: IdMap<&Id, usize> = people.iter().enumerate().map(|(i, p)| (&p.id, i)).collect();
    // Bill and cost rates (cents) per project and person, and per project and
    // placeholder role, looked up once: a year's allocations repeat a few thousand pairs.
    let mut person_rates: Vec<Option<(i128, i128)>> = vec![None; n * people.len()];
    let mut role_rates: HashMap<(usize, &str), (i128, i128)> = HashMap::new();
    let rates = |pi: usize, who: Booked| {
        (
            i128::from(money::bill_rate(counted[pi].project, who, card).cents()),
            i128::from(money::cost_rate(who, card).cents()),
        )
    };
    let mut allocs: Vec<Vec<Booking>> = (0..n).map(|_| Vec::new()).collect();
    let mut actuals: Vec<Vec<&Actual>> = vec![Vec::new(); n];
    let mut life: Option<(NaiveDate, NaiveDate)> = None;
    let mut widen = |a: NaiveDate, b: NaiveDate| {
        life = Some(life.map_or((a, b), |(x, y)| (x.min(a), y.max(b))));
    };
    for a in schedule.allocations.values() {
        let Some(&pi) = index.get(&a.project_id) else {
            continue;
        };
        let (person, (bill, cost)) = match (&a.person_id, &a.placeholder_role) {
            (Some(id), _) => match position.get(id) {
                Some(&i) => (
                    Some(i),
                    *person_rates[pi * people.len() + i]
                        .get_or_insert_with(|| rates(pi, Booked::Person(people[i]))),
                ),
                None => continue, // no longer in the team
            },
            (None, Some(role)) => (
                None,
                *role_rates
                    .entry((pi, role.as_str()))
                    .or_insert_with(|| rates(pi, Booked::Placeholder(role))),
            ),
            (None, None) => continue,
        };
        allocs[pi].push(Booking {
            start: day(a.start),
            end: day(a.end),
            hours_per_day: a.hours_per_day,
            tentative: a.tentative,
            person,
            bill,
            cost,
        });
        widen(a.start, a.end);
    }
    for a in schedule.actuals.values() {
        if let Some(&pi) = index.get(&a.project_id) {
            actuals[pi].push(a);
            widen(a.date, a.date);
        }
    }

    // The range's sums per project and period, and each project's whole life: all its
    // booked hours (a fixed fee is earned in proportion to them) and its budget burn.
    // When one grid can cover the range and every life, each allocation is booked once.
    let shared = life
        .map(|(lo, hi)| (lo.min(from), hi.max(to)))
        .filter(|(lo, hi)| (*hi - *lo).num_days() < SHARED_SPAN_DAYS);
    let periods_on = |grid: &DayGrid| Periods::new(grid, from, to, interval);
    let (acc, has_hours, spans, lives) = if let Some((lo, hi)) =
        shared.or(life.is_none().then_some((from, to)))
    {
        let grid = DayGrid::new(schedule, lo, hi);
        let periods = periods_on(&grid);
        let mut acc = vec![vec![Acc::default(); periods.spans.len()]; n];
        let mut has_hours = vec![false; n];
        let mut caps = Capacities::new(&grid, &people);
        let lives: Vec<Life> = acc
            .iter_mut()
            .zip(has_hours.iter_mut())
            .enumerate()
            .map(|(pi, (row, has))| {
                let range = Some((&periods, row.as_mut_slice(), has));
                let (allocs, actuals) = (&allocs[pi], &actuals[pi]);
                whole_life(schedule, &counted[pi], allocs, actuals, &mut caps, range)
            })
            .collect();
        (acc, has_hours, periods.spans, lives)
    } else {
        let grid = DayGrid::new(schedule, from, to);
        let periods = periods_on(&grid);
        let mut acc = vec![vec![Acc::default(); periods.spans.len()]; n];
        let mut has_hours = vec![false; n];
        let mut caps = Capacities::new(&grid, &people);
        in_range(
            &counted,
            &allocs,
            &periods,
            &mut caps,
            &mut acc,
            &mut has_hours,
        );
        let lives = (0..n)
            .map(|pi| {
                let days = allocs[pi]
                    .iter()
                    .flat_map(|b| [b.start, b.end])
                    .chain(actuals[pi].iter().map(|a| day(a.date)));
                let (Some(lo), Some(hi)) = (days.clone().min(), days.max()) else {
                    return Life::default();
                };
                let date = |d: i64| NaiveDate::from_num_days_from_ce_opt(d as i32).unwrap_or(from);
                let grid = DayGrid::new(schedule, date(lo), date(hi));
                let mut caps = Capacities::new(&grid, &people);
                let (allocs, actuals) = (&allocs[pi], &actuals[pi]);
                whole_life(schedule, &counted[pi], allocs, actuals, &mut caps, None)
            })
            .collect();
        (acc, has_hours, periods.spans, lives)
    };
    let mut acc = acc;

    for (pi, c) in counted.iter().enumerate() {
        let Some(fee) = c.project.fee.filter(|_| c.billing == Billing::FixedFee) else {
            continue;
        };
        let total = i128::from(lives[pi].centihours);
        if total == 0 {
            continue;
        }
        for slot in acc[pi].iter_mut() {
            for v in 0..3 {
                slot.revenue[v] = mul_div(
                    i128::from(fee.cents()) * 100,
                    i128::from(slot.hours[v]),
                    total,
                );
            }
        }
    }

    let mut totals = Acc::default();
    let mut by_period = vec![Acc::default(); spans.len()];
    let mut rows = Vec::new();
    for (pi, c) in counted.iter().enumerate() {
        let mut sum = Acc::default();
        for (p, slot) in acc[pi].iter().enumerate() {
            sum.add(slot);
            by_period[p].add(slot);
        }
        totals.add(&sum);
        if !has_hours[pi] && c.project.budget_amount.is_none() {
            continue;
        }
        let used = lives[pi].used;
        rows.push(ProjectFinancials {
            project_id: c.project.id.clone(),
            name: c.project.name.clone(),
            status: c.project.status,
            probability: c.project.probability,
            billing: c.billing,
            figures: sum.figures(),
            budget_amount: c.project.budget_amount,
            budget_used: used,
            budget_remaining: c.project.budget_amount.map(|b| Money(b.0 - used.0)),
            budget_runs_out_on: lives[pi].runs_out_on,
        });
    }
    Financials {
        currency: schedule.team.currency.clone(),
        from,
        to,
        periods: spans
            .iter()
            .zip(&by_period)
            .map(|((start, end), a)| FinancialPeriod {
                start: *start,
                end: *end,
                figures: a.figures(),
            })
            .collect(),
        projects: rows,
        totals: totals.figures(),
    }
}

mod csv;
mod sums;

pub use csv::financials_csv;
use sums::{Life, Periods, in_range, whole_life};

#[cfg(test)]
mod tests;
