//! The financials report as CSV.

use super::{Figures, Financials, MoneyViews};
use crate::domain::money::Money;
use crate::reports::utilisation::push_row;

/// The report as CSV: one row per period (`row` = `period`), then per project
/// (`row` = `project`), then the totals; amounts with two decimals.
pub fn financials_csv(report: &Financials) -> String {
    let mut out = String::new();
    let mut header: Vec<String> = ["row", "start", "end", "project_id", "project", "currency"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for what in ["revenue", "cost", "margin", "hours"] {
        for view in ["confirmed", "tentative", "weighted"] {
            header.push(format!("{what}_{view}"));
        }
    }
    header.extend(
        [
            "budget_amount",
            "budget_used",
            "budget_remaining",
            "budget_runs_out_on",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    push_row(&mut out, &header);
    let cells = |f: &Figures| {
        let m = |v: &MoneyViews| {
            [
                v.confirmed.decimal(),
                v.tentative.decimal(),
                v.weighted.decimal(),
            ]
        };
        let mut c = Vec::with_capacity(12);
        c.extend(m(&f.revenue));
        c.extend(m(&f.cost));
        c.extend(m(&f.margin));
        c.extend([
            f.hours.confirmed.to_string(),
            f.hours.tentative.to_string(),
            f.hours.weighted.to_string(),
        ]);
        c
    };
    let cur = &report.currency;
    for p in &report.periods {
        let mut row = vec![
            "period".into(),
            p.start.to_string(),
            p.end.to_string(),
            String::new(),
            String::new(),
            cur.clone(),
        ];
        row.extend(cells(&p.figures));
        row.extend([String::new(), String::new(), String::new(), String::new()]);
        push_row(&mut out, &row);
    }
    let opt = |m: Option<Money>| m.map(Money::decimal).unwrap_or_default();
    for p in &report.projects {
        let mut row = vec![
            "project".into(),
            report.from.to_string(),
            report.to.to_string(),
            p.project_id.to_string(),
            p.name.clone(),
            cur.clone(),
        ];
        row.extend(cells(&p.figures));
        row.extend([
            opt(p.budget_amount),
            p.budget_used.decimal(),
            opt(p.budget_remaining),
            p.budget_runs_out_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ]);
        push_row(&mut out, &row);
    }
    let mut row = vec![
        "total".into(),
        report.from.to_string(),
        report.to.to_string(),
        String::new(),
        String::new(),
        cur.clone(),
    ];
    row.extend(cells(&report.totals));
    row.extend([String::new(), String::new(), String::new(), String::new()]);
    push_row(&mut out, &row);
    out
}
