//! The utilisation report and its CSV rendering; definitions in the module above.

use super::{allocations_by_person, hours, monday, people, ratio};
use crate::domain::booked::Days;
use crate::domain::calendar::DayGrid;
use crate::domain::{Id, Schedule};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// How a report splits its range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Interval {
    /// Monday-based weeks.
    Week,
    /// Calendar months.
    Month,
}

impl Interval {
    pub fn parse(s: &str) -> Option<Interval> {
        match s {
            "week" => Some(Interval::Week),
            "month" => Some(Interval::Month),
            _ => None,
        }
    }
}

/// The periods of `[from, to]` for `interval`, clipped to it: `(start, end)` inclusive.
pub fn periods(from: NaiveDate, to: NaiveDate, interval: Interval) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out = Vec::new();
    let mut start = from;
    while start <= to {
        let next = match interval {
            Interval::Week => monday(start) + chrono::Days::new(7),
            Interval::Month => {
                let first = start.with_day(1).unwrap_or(start);
                first + chrono::Months::new(1)
            }
        };
        let end = next.pred_opt().unwrap_or(next).min(to);
        out.push((start, end));
        start = next;
    }
    out
}

/// The figures of a person (or the totals) over a period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Figures {
    pub capacity_hours: f64,
    pub scheduled_hours: f64,
    pub tentative_hours: f64,
    pub unscheduled_hours: f64,
    /// Hours booked beyond capacity, tentative ones included.
    pub overbooked_hours: f64,
    /// `scheduled_hours / capacity_hours`; null when the capacity is 0.
    pub utilisation: Option<f64>,
    /// Capacity left after scheduled and tentative hours.
    pub free_hours: f64,
    /// `tentative_hours / capacity_hours`; null when the capacity is 0.
    pub tentative_utilisation: Option<f64>,
}

/// Unrounded sums.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Sums {
    capacity: f64,
    scheduled: f64,
    tentative: f64,
    unscheduled: f64,
    overbooked: f64,
    free: f64,
}

impl Sums {
    fn day(&mut self, days: &Days, i: usize) {
        self.capacity += days.capacity[i];
        self.scheduled += days.scheduled[i];
        self.tentative += days.tentative[i];
        self.unscheduled += (days.capacity[i] - days.scheduled[i]).max(0.0);
        self.overbooked += days.over(i);
        self.free += days.free(i);
    }

    pub(crate) fn add(&mut self, o: &Sums) {
        self.capacity += o.capacity;
        self.scheduled += o.scheduled;
        self.tentative += o.tentative;
        self.unscheduled += o.unscheduled;
        self.overbooked += o.overbooked;
        self.free += o.free;
    }

    pub(crate) fn figures(&self) -> Figures {
        Figures {
            capacity_hours: hours(self.capacity),
            scheduled_hours: hours(self.scheduled),
            tentative_hours: hours(self.tentative),
            unscheduled_hours: hours(self.unscheduled),
            overbooked_hours: hours(self.overbooked),
            utilisation: (self.capacity > 0.0).then(|| ratio(self.scheduled / self.capacity)),
            free_hours: hours(self.free),
            tentative_utilisation: (self.capacity > 0.0)
                .then(|| ratio(self.tentative / self.capacity)),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PeriodFigures {
    pub start: NaiveDate,
    pub end: NaiveDate,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PersonUtilisation {
    #[schema(value_type = String)]
    pub person_id: Id,
    pub name: String,
    #[serde(flatten)]
    pub figures: Figures,
    /// With `interval`: the same figures per week or month.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub periods: Option<Vec<PeriodFigures>>,
}

/// `GET /api/v1/reports/utilisation`.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Utilisation {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub people: Vec<PersonUtilisation>,
    /// Everyone's figures added up (utilisation from the sums).
    pub totals: Figures,
    /// With `interval`: everyone's figures added up per week or month.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_totals: Option<Vec<PeriodFigures>>,
}

/// The periods of `[from, to]` on `grid`: `(first index, index after the last, start, end)`.
fn bounds(
    grid: &DayGrid,
    from: NaiveDate,
    to: NaiveDate,
    interval: Interval,
) -> Vec<(usize, usize, NaiveDate, NaiveDate)> {
    periods(from, to, interval)
        .into_iter()
        .map(|(s, e)| (grid.index(s), grid.index(e) + 1, s, e))
        .collect()
}

/// One person's unrounded sums over each period of a range, in report order: what the
/// utilisation report adds up, and what a scenario's comparison reuses for the people
/// it did not change.
#[derive(Clone, Debug)]
pub(crate) struct PersonSums {
    pub(crate) person_id: Id,
    pub(crate) name: String,
    pub(crate) periods: Vec<Sums>,
}

/// The sums of the people of `[from, to]` per period (report order), each person on
/// their own: with `only`, just those people (the rest of the team is not counted).
pub(crate) fn people_sums(
    schedule: &Schedule,
    from: NaiveDate,
    to: NaiveDate,
    interval: Interval,
    only: Option<&std::collections::HashSet<&Id>>,
) -> Vec<PersonSums> {
    if only.is_some_and(|o| o.is_empty()) {
        return Vec::new();
    }
    let grid = DayGrid::new(schedule, from, to);
    let bounds = bounds(&grid, from, to, interval);
    let mut by_person: std::collections::HashMap<&Id, Vec<&crate::domain::Allocation>> =
        Default::default();
    for a in schedule.allocations.values() {
        if let Some(p) = &a.person_id
            && only.is_none_or(|o| o.contains(p))
            && a.overlaps(Some(from), Some(to))
        {
            by_person.entry(p).or_default().push(a);
        }
    }
    people(schedule, false)
        .into_iter()
        .filter(|p| only.is_none_or(|o| o.contains(&p.id)))
        .map(|person| {
            let allocs = by_person.get(&person.id).into_iter().flatten().copied();
            let days = Days::person(&grid, person, allocs);
            PersonSums {
                person_id: person.id.clone(),
                name: person.name.clone(),
                periods: bounds
                    .iter()
                    .map(|&(a, b, _, _)| {
                        let mut s = Sums::default();
                        for i in a..b {
                            s.day(&days, i);
                        }
                        s
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The utilisation of each person over `[from, to]`, optionally per period.
pub fn utilisation(
    schedule: &Schedule,
    from: NaiveDate,
    to: NaiveDate,
    interval: Option<Interval>,
    include_archived: bool,
) -> Utilisation {
    let grid = DayGrid::new(schedule, from, to);
    let by_person = allocations_by_person(schedule, from, to);
    let bounds: Vec<(usize, usize, NaiveDate, NaiveDate)> = interval
        .map(|iv| bounds(&grid, from, to, iv))
        .unwrap_or_default();
    let mut total = Sums::default();
    let mut period_totals = vec![Sums::default(); bounds.len()];
    let mut rows = Vec::new();
    for person in people(schedule, include_archived) {
        let allocs = by_person.get(&person.id).into_iter().flatten().copied();
        let days = Days::person(&grid, person, allocs);
        let sum_days = |a: usize, b: usize| {
            let mut s = Sums::default();
            for i in a..b {
                s.day(&days, i);
            }
            s
        };
        let (sums, periods) = if interval.is_some() {
            let mut sums = Sums::default();
            let periods = bounds
                .iter()
                .zip(period_totals.iter_mut())
                .map(|(&(a, b, start, end), period_total)| {
                    let s = sum_days(a, b);
                    sums.add(&s);
                    period_total.add(&s);
                    PeriodFigures {
                        start,
                        end,
                        figures: s.figures(),
                    }
                })
                .collect();
            (sums, Some(periods))
        } else {
            (sum_days(0, grid.len), None)
        };
        total.add(&sums);
        rows.push(PersonUtilisation {
            person_id: person.id.clone(),
            name: person.name.clone(),
            figures: sums.figures(),
            periods,
        });
    }
    Utilisation {
        from,
        to,
        people: rows,
        totals: total.figures(),
        period_totals: interval.map(|_| {
            bounds
                .iter()
                .zip(&period_totals)
                .map(|(&(_, _, start, end), sums)| PeriodFigures {
                    start,
                    end,
                    figures: sums.figures(),
                })
                .collect()
        }),
    }
}

/// A CSV cell: text that a spreadsheet would run as a formula gets a leading `'`, and
/// cells holding a separator, quote or line break are quoted (quotes doubled).
pub fn csv_cell(s: &str) -> String {
    let mut s = s.to_string();
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        s.insert(0, '\'');
    }
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

pub(crate) fn push_row(out: &mut String, cells: &[String]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&csv_cell(c));
    }
    out.push_str("\r\n");
}

fn figure_cells(f: &Figures) -> [String; 8] {
    [
        f.capacity_hours.to_string(),
        f.scheduled_hours.to_string(),
        f.tentative_hours.to_string(),
        f.unscheduled_hours.to_string(),
        f.overbooked_hours.to_string(),
        f.utilisation.map(|u| u.to_string()).unwrap_or_default(),
        f.free_hours.to_string(),
        f.tentative_utilisation
            .map(|u| u.to_string())
            .unwrap_or_default(),
    ]
}

const FIGURE_COLUMNS: [&str; 8] = [
    "capacity_hours",
    "scheduled_hours",
    "tentative_hours",
    "unscheduled_hours",
    "overbooked_hours",
    "utilisation",
    "free_hours",
    "tentative_utilisation",
];

/// The report as CSV (RFC 4180, CRLF): one row per person, or with periods one row per
/// person and period with `period_start` and `period_end` columns. A null utilisation
/// is an empty cell.
pub fn utilisation_csv(report: &Utilisation, with_periods: bool) -> String {
    let mut out = String::new();
    let mut header: Vec<String> = vec!["person_id".into(), "name".into()];
    if with_periods {
        header.extend(["period_start".into(), "period_end".into()]);
    }
    header.extend(FIGURE_COLUMNS.iter().map(|c| c.to_string()));
    push_row(&mut out, &header);
    for p in &report.people {
        match &p.periods {
            Some(periods) => {
                for period in periods {
                    let mut row = vec![
                        p.person_id.to_string(),
                        p.name.clone(),
                        period.start.to_string(),
                        period.end.to_string(),
                    ];
                    row.extend(figure_cells(&period.figures));
                    push_row(&mut out, &row);
                }
            }
            None => {
                let mut row = vec![p.person_id.to_string(), p.name.clone()];
                row.extend(figure_cells(&p.figures));
                push_row(&mut out, &row);
            }
        }
    }
    out
}
