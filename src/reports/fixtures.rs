//! Schedules built in code, for the reports' tests and benchmarks.

use crate::domain::schedule::TimeOff;
use crate::domain::{Allocation, Id, Person, Project, Schedule, Team};
use chrono::NaiveDate;
use serde_json::json;

pub fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub fn team() -> Schedule {
    let team: Team =
        serde_json::from_value(json!({"id": "t", "name": "T", "created_at": 0})).unwrap();
    Schedule::new(team)
}

pub fn person(s: &mut Schedule, id: &str, name: &str, v: serde_json::Value) {
    let mut body = json!({"id": id, "team_id": "t", "name": name, "email": null, "role": null,
        "skills": [], "weekly_hours": [8,8,8,8,8,0,0], "timezone": null, "start_date": null,
        "end_date": null, "cost_rate": null, "bill_rate": null, "user_id": null,
        "archived": false});
    for (k, x) in v.as_object().unwrap() {
        body[k] = x.clone();
    }
    let p: Person = serde_json::from_value(body).unwrap();
    s.people.insert(p.id.clone(), p);
}

pub fn project(s: &mut Schedule, id: &str, status: &str, probability: u8, budget: Option<f64>) {
    let p: Project = serde_json::from_value(
        json!({"id": id, "team_id": "t", "name": format!("Project {id}"),
        "status": status, "probability": probability, "budget_hours": budget,
        "created_at": 0, "updated_at": 0}),
    )
    .unwrap();
    s.projects.insert(p.id.clone(), p);
}

#[allow(clippy::too_many_arguments)]
pub fn alloc(
    s: &mut Schedule,
    id: &str,
    project: &str,
    who: &str,
    start: &str,
    end: &str,
    h: f64,
    tentative: bool,
) {
    let (person_id, placeholder_role) = match who.strip_prefix("role:") {
        Some(r) => (None, Some(r.to_string())),
        None => (Some(Id::from(who)), None),
    };
    let a = Allocation {
        version: 0,
        id: id.into(),
        team_id: "t".into(),
        project_id: project.into(),
        person_id,
        placeholder_role,
        start: date(start),
        end: date(end),
        hours_per_day: h,
        tentative,
        note: None,
        task_id: None,
        pinned: false,
    };
    s.allocations.insert(a.id.clone(), a.into());
}

pub fn off(s: &mut Schedule, id: &str, who: Option<&str>, start: &str, end: &str) {
    let t = TimeOff {
        version: 0,
        id: id.into(),
        team_id: "t".into(),
        person_id: who.map(Id::from),
        start: date(start),
        end: date(end),
        reason: None,
        kind: crate::domain::timeoff::LeaveType::default_for(who.map(Id::from).as_ref()),
        hours: None,
        status: Default::default(),
        requested_by: None,
    };
    s.timeoff.insert(t.id.clone(), t);
}

/// A synthetic team: `people` people, `allocations` allocations of 1-20 days over
/// 2026, `days_off` person days off, a few team holidays. Deterministic.
pub fn large(people: usize, allocations: usize, days_off: usize) -> Schedule {
    let mut s = team();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    project(&mut s, "P", "active", 100, None);
    for i in 0..people {
        person(
            &mut s,
            &format!("p{i:04}"),
            &format!("Person {i}"),
            json!({}),
        );
    }
    let base = date("2026-01-01");
    for i in 0..allocations {
        let start = base + chrono::Days::new(next(365));
        let end = start + chrono::Days::new(next(20));
        let who = format!("p{:04}", next(people as u64));
        alloc(
            &mut s,
            &format!("a{i}"),
            "P",
            &who,
            &start.to_string(),
            &end.to_string(),
            1.0 + next(8) as f64,
            next(5) == 0,
        );
    }
    for i in 0..days_off {
        let start = base + chrono::Days::new(next(365));
        let who = format!("p{:04}", next(people as u64));
        off(
            &mut s,
            &format!("o{i}"),
            Some(&who),
            &start.to_string(),
            &start.to_string(),
        );
    }
    for (i, d) in ["2026-01-01", "2026-04-03", "2026-12-25"]
        .iter()
        .enumerate()
    {
        off(&mut s, &format!("h{i}"), None, d, d);
    }
    s
}

/// [`large`] with money: a rate card of three roles, every person in a role and every
/// other one with rates of their own, 20 projects of every status and billing kind
/// (each with a money budget, some with rate overrides), the allocations spread over
/// them (every tenth one a placeholder) and 5,000 actual-hours entries. Deterministic.
pub fn large_with_money(people: usize, allocations: usize, days_off: usize) -> Schedule {
    let mut s = large(people, allocations, days_off);
    let roles = ["Developer", "Designer", "Manager"];
    let mut team = (*s.team).clone();
    team.currency = "EUR".into();
    team.rates = serde_json::from_value(json!({"roles": {
        "Developer": {"cost_rate": 60, "bill_rate": 120},
        "Designer": {"cost_rate": 55.5, "bill_rate": 110},
        "Manager": {"cost_rate": 80, "bill_rate": 160}}}))
    .unwrap();
    s.team = std::sync::Arc::new(team);
    let ids: Vec<Id> = s.people.keys().cloned().collect();
    for (i, id) in ids.iter().enumerate() {
        if let Some(p) = s.people.get_mut(id) {
            p.role = Some(roles[i % 3].to_string());
            if i % 2 == 0 {
                p.cost_rate = Some(50.0 + (i % 7) as f64);
                p.bill_rate = Some(100.0 + (i % 11) as f64 * 5.0);
            }
        }
    }
    let statuses = ["active", "won", "proposal", "lead", "done", "lost"];
    let billing = [
        "time_and_materials",
        "time_and_materials",
        "fixed_fee",
        "non_billable",
    ];
    let probability = [100, 100, 50, 10, 100, 0];
    for i in 0..20 {
        let overrides = if i % 5 == 0 {
            json!([{"role": "Developer", "bill_rate": 140}, {"person_id": "p0001", "bill_rate": 199.99}])
        } else {
            json!([])
        };
        let p: Project = serde_json::from_value(json!({"id": format!("M{i:02}"), "team_id": "t",
            "name": format!("Money project {i}"), "status": statuses[i % 6],
            "probability": probability[i % 6], "billing": billing[i % 4],
            "fee": 250_000, "budget_amount": 400_000 + i * 10_000,
            "rate_overrides": overrides,
            "created_at": 0, "updated_at": 0}))
        .unwrap();
        s.projects.insert(p.id.clone(), p);
    }
    let alloc_ids: Vec<Id> = s.allocations.keys().cloned().collect();
    for (i, id) in alloc_ids.iter().enumerate() {
        if let Some(a) = s.allocations.get_mut(id).map(std::sync::Arc::make_mut) {
            a.project_id = Id(format!("M{:02}", i % 20));
            if i % 10 == 0 {
                a.person_id = None;
                a.placeholder_role = Some(roles[i % 3].to_string());
            }
        }
    }
    for i in 0..5000 {
        let date = date("2026-01-05") + chrono::Days::new((i % 150) as u64);
        let a: crate::domain::schedule::Actual = serde_json::from_value(json!({
            "id": format!("h{i}"), "team_id": "t", "person_id": format!("p{:04}", i % people),
            "project_id": format!("M{:02}", i % 20), "date": date, "hours": 1 + i % 8,
            "note": null}))
        .unwrap();
        s.actuals.insert(a.id.clone(), a);
    }
    s
}
