//! Figures worked out by hand for one week, Monday 2 to Friday 6 March 2026.
//!
//! Rate card: Developer cost 60 / bill 120, Designer cost 50 / bill 100.
//! - ann (Developer, own rates: cost 70, bill 150), ben (Developer, no rates),
//!   cat (Designer, no rates, off on Wednesday), dan (Intern: on no card, so 0).
//! - T (active, time and materials): ann 8 h/day (40 h), cat 8 h/day (32 h: Wednesday
//!   off). Revenue 40 × 150 + 32 × 100 = 9,200; cost 40 × 70 + 32 × 50 = 4,400.
//! - F (won, fixed fee 10,000): ben 4 h/day for two weeks (20 h in the range, 40 h in
//!   all) and a tentative Designer placeholder 2 h/day this week (10 h): 50 h in all.
//!   Confirmed revenue 10,000 × 20 / 50 = 4,000, tentative 2,000, weighted 6,000.
//!   Cost: 20 × 60 = 1,200 confirmed, 10 × 50 = 500 tentative.
//! - L (proposal, 50 %, Developers billed 200 here): ben 2 h/day, not marked tentative
//!   but the project is not won: 10 h tentative, 2,000 revenue, 600 cost; weighted
//!   half of that.
//! - N (non-billable, active): dan 8 h/day (cost 0) and ann 1 h/day (5 × 70 = 350).
//! - X (lost): ben 1 h/day tentative: 600 revenue and 300 cost tentative, 0 weighted.

use super::*;
use crate::reports::fixtures::{alloc, date, off, person, team};
use serde_json::json;

fn project(s: &mut Schedule, id: &str, v: serde_json::Value) {
    let mut body = json!({"id": id, "team_id": "t", "name": format!("Project {id}"),
        "created_at": 0, "updated_at": 0});
    for (k, x) in v.as_object().unwrap() {
        body[k] = x.clone();
    }
    let p: Project = serde_json::from_value(body).unwrap();
    s.projects.insert(p.id.clone(), p);
}

fn week() -> Schedule {
    let mut s = team();
    let mut t = (*s.team).clone();
    t.currency = "EUR".into();
    t.rates = serde_json::from_value(json!({"roles": {
        "Developer": {"cost_rate": 60, "bill_rate": 120},
        "Designer": {"cost_rate": 50, "bill_rate": 100}}}))
    .unwrap();
    s.team = std::sync::Arc::new(t);
    person(
        &mut s,
        "ann",
        "Ann",
        json!({"role": "Developer", "cost_rate": 70, "bill_rate": 150}),
    );
    person(&mut s, "ben", "Ben", json!({"role": "Developer"}));
    person(&mut s, "cat", "Cat", json!({"role": "Designer"}));
    person(&mut s, "dan", "Dan", json!({"role": "Intern"}));
    off(&mut s, "o1", Some("cat"), "2026-03-04", "2026-03-04");
    project(
        &mut s,
        "T",
        json!({"status": "active", "budget_amount": 5000}),
    );
    project(
        &mut s,
        "F",
        json!({"status": "won", "billing": "fixed_fee", "fee": 10000}),
    );
    project(
        &mut s,
        "L",
        json!({"status": "proposal", "probability": 50,
        "rate_overrides": [{"role": "Developer", "bill_rate": 200}]}),
    );
    project(
        &mut s,
        "N",
        json!({"status": "active", "billing": "non_billable"}),
    );
    project(&mut s, "X", json!({"status": "lost", "probability": 0}));
    alloc(
        &mut s,
        "t1",
        "T",
        "ann",
        "2026-03-02",
        "2026-03-06",
        8.0,
        false,
    );
    alloc(
        &mut s,
        "t2",
        "T",
        "cat",
        "2026-03-02",
        "2026-03-06",
        8.0,
        false,
    );
    alloc(
        &mut s,
        "f1",
        "F",
        "ben",
        "2026-03-02",
        "2026-03-13",
        4.0,
        false,
    );
    alloc(
        &mut s,
        "f2",
        "F",
        "role:Designer",
        "2026-03-02",
        "2026-03-06",
        2.0,
        true,
    );
    alloc(
        &mut s,
        "l1",
        "L",
        "ben",
        "2026-03-02",
        "2026-03-06",
        2.0,
        false,
    );
    alloc(
        &mut s,
        "n1",
        "N",
        "dan",
        "2026-03-02",
        "2026-03-06",
        8.0,
        false,
    );
    alloc(
        &mut s,
        "n2",
        "N",
        "ann",
        "2026-03-02",
        "2026-03-06",
        1.0,
        false,
    );
    alloc(
        &mut s,
        "x1",
        "X",
        "ben",
        "2026-03-02",
        "2026-03-06",
        1.0,
        true,
    );
    s
}

fn m(x: f64) -> Money {
    Money::from_major(x).unwrap()
}

fn views(c: f64, t: f64, w: f64) -> MoneyViews {
    MoneyViews {
        confirmed: m(c),
        tentative: m(t),
        weighted: m(w),
    }
}

fn report(s: &Schedule) -> Financials {
    financials(
        s,
        date("2026-03-02"),
        date("2026-03-06"),
        Interval::Month,
        None,
    )
}

fn row<'a>(r: &'a Financials, id: &str) -> &'a ProjectFinancials {
    r.projects
        .iter()
        .find(|p| p.project_id.as_str() == id)
        .unwrap()
}

#[test]
fn time_and_materials_bills_hours_at_the_persons_rate_and_skips_time_off() {
    let r = report(&week());
    let t = row(&r, "T");
    assert_eq!(t.figures.revenue, views(9200.0, 0.0, 9200.0));
    assert_eq!(t.figures.cost, views(4400.0, 0.0, 4400.0));
    assert_eq!(t.figures.margin, views(4800.0, 0.0, 4800.0));
    assert_eq!(t.figures.hours.confirmed, 72.0);
}

#[test]
fn a_fixed_fee_is_spread_over_all_the_projects_booked_hours() {
    let r = report(&week());
    let f = row(&r, "F");
    assert_eq!(f.billing, Billing::FixedFee);
    assert_eq!(f.figures.revenue, views(4000.0, 2000.0, 6000.0));
    // The placeholder costs the rate card's Designer rate.
    assert_eq!(f.figures.cost, views(1200.0, 500.0, 1700.0));
    assert_eq!(f.figures.hours.tentative, 10.0);
}

#[test]
fn a_project_not_yet_won_is_tentative_and_weighted_by_its_probability() {
    let r = report(&week());
    let l = row(&r, "L");
    assert_eq!(l.figures.revenue, views(0.0, 2000.0, 1000.0));
    assert_eq!(l.figures.cost, views(0.0, 600.0, 300.0));
    assert_eq!(l.figures.hours.weighted, 5.0);
    let x = row(&r, "X");
    assert_eq!(x.figures.revenue, views(0.0, 600.0, 0.0));
    assert_eq!(x.figures.cost, views(0.0, 300.0, 0.0));
}

#[test]
fn non_billable_work_earns_nothing_but_costs() {
    let r = report(&week());
    let n = row(&r, "N");
    assert_eq!(n.figures.revenue, views(0.0, 0.0, 0.0));
    assert_eq!(n.figures.cost, views(350.0, 0.0, 350.0));
    assert_eq!(n.figures.margin, views(-350.0, 0.0, -350.0));
}

#[test]
fn periods_and_totals_add_up_the_projects() {
    let r = report(&week());
    assert_eq!(r.currency, "EUR");
    assert_eq!(r.periods.len(), 1);
    let p = &r.periods[0].figures;
    assert_eq!(p.revenue, views(13200.0, 4600.0, 16200.0));
    assert_eq!(p.cost, views(5950.0, 1400.0, 6750.0));
    assert_eq!(p.margin, views(7250.0, 3200.0, 9450.0));
    assert_eq!(
        (p.hours.confirmed, p.hours.tentative, p.hours.weighted),
        (137.0, 25.0, 152.0)
    );
    assert_eq!(r.totals, *p);
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["periods"][0]["revenue"]["confirmed"], json!(13200.0));
    let text = serde_json::to_string(&r).unwrap();
    assert!(text.contains("\"confirmed\":13200.00"), "two places");
}

#[test]
fn months_split_the_hours_and_the_fee() {
    let mut s = week();
    // F's ben books on into April: 4 h on 30 and 31 March, 4 h on 1 and 2 April.
    alloc(
        &mut s,
        "f3",
        "F",
        "ben",
        "2026-03-30",
        "2026-04-02",
        4.0,
        false,
    );
    let r = financials(
        &s,
        date("2026-03-01"),
        date("2026-04-30"),
        Interval::Month,
        Some(&"F".into()),
    );
    assert_eq!(r.periods.len(), 2);
    // 66 h in all: March has 40 + 8 + 10 = 58 h, April 8 h.
    let march = &r.periods[0].figures.revenue;
    let april = &r.periods[1].figures.revenue;
    assert_eq!(march.confirmed, m(7272.73)); // 10,000 × 48 / 66
    assert_eq!(march.tentative, m(1515.15)); // 10,000 × 10 / 66
    assert_eq!(april.confirmed, m(1212.12)); // 10,000 × 8 / 66
    assert_eq!(r.projects.len(), 1);
}

#[test]
fn budget_burns_actuals_then_bookings_after_the_last_recorded_day() {
    let mut s = week();
    let a: crate::domain::schedule::Actual = serde_json::from_value(json!({"id": "h1",
        "team_id": "t", "person_id": "ann", "project_id": "T", "date": "2026-03-02",
        "hours": 6, "note": null}))
    .unwrap();
    s.actuals.insert(a.id.clone(), a);
    let r = report(&s);
    let t = row(&r, "T");
    // 6 × 150 recorded, then ann 4 × 8 × 150 and cat 3 × 8 × 100 booked.
    assert_eq!(t.budget_used, m(8100.0));
    assert_eq!(t.budget_amount, Some(m(5000.0)));
    assert_eq!(t.budget_remaining, Some(m(-3100.0)));
    // 900, 2,900, 4,100 (cat off), 6,100 on Thursday.
    assert_eq!(t.budget_runs_out_on, Some(date("2026-03-05")));
    assert_eq!(row(&r, "F").budget_runs_out_on, None);
}

#[test]
fn csv_has_a_row_per_period_and_project_with_two_decimals() {
    let csv = financials_csv(&report(&week()));
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("row,start,end,project_id,project,currency,revenue_confirmed"));
    assert!(lines[1].starts_with("period,2026-03-02,2026-03-06,,,EUR,13200.00,4600.00,16200.00"));
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("project,2026-03-02,2026-03-06,T,Project T,EUR,9200.00"))
    );
    assert!(lines.last().unwrap().starts_with("total,"));
}

#[test]
fn projects_far_apart_in_time_give_the_same_figures() {
    let near = report(&week());
    let mut s = week();
    // A booking 30 years on makes the lives too long for one shared grid.
    project(&mut s, "Z", json!({"status": "lead"}));
    alloc(
        &mut s,
        "z1",
        "Z",
        "ben",
        "2056-03-03",
        "2056-03-04",
        1.0,
        false,
    );
    let far = report(&s);
    assert_eq!(far.totals, near.totals);
    for id in ["T", "F", "L", "N", "X"] {
        assert_eq!(row(&far, id), row(&near, id), "{id}");
    }
}
