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
    };
    s.allocations.insert(a.id.clone(), a);
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
