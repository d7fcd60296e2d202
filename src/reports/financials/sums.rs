//! The day-by-day sums: a project's hours and money per period inside the range, and
//! its whole life (all its booked hours, its budget burn).

use super::{Acc, Booking, CONFIRMED, Capacities, Counted, TENTATIVE, WEIGHTED, repeated};
use crate::domain::Schedule;
use crate::domain::calendar::DayGrid;
use crate::domain::money::{self, Billing, Booked, Money, centihours};
use crate::domain::schedule::Actual;
use crate::reports::Interval;
use crate::reports::utilisation::periods;
use chrono::NaiveDate;

/// The periods of `[from, to]` on a grid that covers it.
pub(super) struct Periods {
    pub(super) spans: Vec<(NaiveDate, NaiveDate)>,
    /// Per day of the grid, its period (meaningful inside `first..last` only).
    period_of: Vec<usize>,
    /// Per period, the grid index after its last day.
    period_end: Vec<usize>,
    /// The grid indices of `[from, to]`: `first..last`.
    first: usize,
    last: usize,
}

impl Periods {
    pub(super) fn new(
        grid: &DayGrid,
        from: NaiveDate,
        to: NaiveDate,
        interval: Interval,
    ) -> Periods {
        let spans = periods(from, to, interval);
        let mut period_of = vec![0usize; grid.len];
        let mut period_end = Vec::with_capacity(spans.len());
        for (p, (start, end)) in spans.iter().enumerate() {
            let (a, b) = grid.clip(*start, *end);
            period_of[a..b].iter_mut().for_each(|x| *x = p);
            period_end.push(b);
        }
        let (first, last) = grid.clip(from, to);
        Periods {
            spans,
            period_of,
            period_end,
            first,
            last,
        }
    }
}

/// Adds what booking `b` books inside the range (on the grid days `x..y`, the days its
/// person works counted by `working`) to its project's sums per period.
fn add_in_range(
    c: &Counted,
    b: &Booking,
    working: &[u32],
    (x, y): (usize, usize),
    periods: &Periods,
    row: &mut [Acc],
    has_hours: &mut bool,
) {
    let (x, y) = (x.max(periods.first), y.min(periods.last));
    let bill = match c.billing {
        Billing::TimeAndMaterials => b.bill,
        Billing::FixedFee | Billing::NonBillable => 0,
    };
    let cost = b.cost;
    let view = if !b.tentative && c.won {
        CONFIRMED
    } else {
        TENTATIVE
    };
    let mut i = x;
    while i < y {
        let p = periods.period_of[i];
        let end = periods.period_end[p].min(y);
        let days = working[end] - working[i];
        i = end;
        if days == 0 {
            continue;
        }
        // One rounding per period: the period's booked hours, then hundredths.
        let ch = centihours(repeated(b.hours_per_day, days));
        if ch == 0 {
            continue;
        }
        *has_hours = true;
        let ch128 = i128::from(ch);
        let slot = &mut row[p];
        slot.hours[view] += ch * 100;
        slot.hours[WEIGHTED] += ch * c.probability as i64;
        slot.revenue[view] += ch128 * bill * 100;
        slot.revenue[WEIGHTED] += ch128 * bill * c.probability;
        slot.cost[view] += ch128 * cost * 100;
        slot.cost[WEIGHTED] += ch128 * cost * c.probability;
    }
}

/// Per project and period, the exact sums inside the range, on `caps`' grid.
pub(super) fn in_range(
    counted: &[Counted],
    allocs: &[Vec<Booking>],
    periods: &Periods,
    caps: &mut Capacities,
    acc: &mut [Vec<Acc>],
    has_hours: &mut [bool],
) {
    for (pi, c) in counted.iter().enumerate() {
        for b in &allocs[pi] {
            let (x, y) = caps.span(b);
            if x.max(periods.first) >= y.min(periods.last) {
                continue;
            }
            let working = caps.of(b);
            add_in_range(
                c,
                b,
                working,
                (x, y),
                periods,
                &mut acc[pi],
                &mut has_hours[pi],
            );
        }
    }
}

/// A project over its whole life.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Life {
    /// All its booked hours (confirmed and tentative), in hundredths.
    pub(super) centihours: i64,
    /// Actual hours at bill rates, then booked hours after the last recorded day.
    pub(super) used: Money,
    /// The first day `used`'s running total exceeds the budget.
    pub(super) runs_out_on: Option<NaiveDate>,
}

/// A project's whole life on `caps`' grid, which covers all its allocations and actual
/// hours (see the module doc for the budget burn).
pub(super) fn whole_life<'s>(
    schedule: &'s Schedule,
    c: &Counted,
    allocs: &[Booking],
    actuals: &[&Actual],
    caps: &mut Capacities<'_, 's>,
    mut range: Option<(&Periods, &mut [Acc], &mut bool)>,
) -> Life {
    let card = &schedule.team.rates;
    let grid = caps.grid;
    let first_booked = allocs.iter().map(|b| b.start).min();
    let last_booked = allocs.iter().map(|b| b.end).max();
    let recorded = actuals.iter().map(|a| grid.index(a.date));
    let (Some(offset), Some(last)) = (
        first_booked
            .map(|d| (d - caps.first).max(0) as usize)
            .into_iter()
            .chain(recorded.clone())
            .min(),
        last_booked
            .map(|d| ((d - caps.first).max(0) as usize).min(grid.len.saturating_sub(1)))
            .into_iter()
            .chain(recorded)
            .max(),
    ) else {
        return Life::default();
    };
    let len = last + 1 - offset;
    // Per day of the project's life, in hundredths of an hour × cents.
    let mut value = vec![0i128; len];
    let last_recorded = actuals.iter().map(|a| a.date).max();
    for a in actuals {
        let Some(person) = schedule.people.get(&a.person_id) else {
            continue;
        };
        let rate = money::bill_rate(c.project, Booked::Person(person), card).cents();
        value[grid.index(a.date) - offset] += i128::from(centihours(a.hours)) * i128::from(rate);
    }
    let after = last_recorded.map_or(0, |l| grid.index(l) + 1);
    let mut centihours_all = 0i64;
    for b in allocs {
        let (x, y) = caps.span(b);
        if x >= y {
            continue;
        }
        let working = caps.of(b);
        if let Some((periods, row, has_hours)) = &mut range {
            add_in_range(c, b, working, (x, y), periods, row, has_hours);
        }
        centihours_all += centihours(repeated(b.hours_per_day, working[y] - working[x]));
        // A day books the allocation's hours or nothing: round those once.
        let per_day = i128::from(centihours(b.hours_per_day)) * b.bill;
        for i in x.max(after)..y {
            if working[i + 1] > working[i] {
                value[i - offset] += per_day;
            }
        }
    }
    // Compared in the same unit: hundredths of an hour × cents.
    let limit = c.project.budget_amount.map(|b| i128::from(b.0) * 100);
    let mut running = 0i128;
    let mut runs_out_on = None;
    for (i, v) in value.iter().enumerate() {
        running += v;
        if runs_out_on.is_none() && limit.is_some_and(|l| running > l) {
            runs_out_on = Some(grid.date(i + offset));
        }
    }
    Life {
        centihours: centihours_all,
        used: Money::from_micros(running * 100),
        runs_out_on,
    }
}
