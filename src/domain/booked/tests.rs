//! The shared fixture (`web/test/fixtures/booked.json`): the server's rules give the
//! hours counted by hand, as the web app's do (`web/test/booked.test.js`).

use super::*;
use crate::domain::{Project, Schedule, Team, TimeOff};
use serde_json::Value;

pub(crate) const FIXTURE: &str = include_str!("../../../web/test/fixtures/booked.json");

/// The fixture's schedule and its `expected` object.
pub(crate) fn fixture() -> (Schedule, Value) {
    let v: Value = serde_json::from_str(FIXTURE).unwrap();
    let team: Team =
        serde_json::from_value(serde_json::json!({"id": "t", "name": "T", "created_at": 0}))
            .unwrap();
    let mut s = Schedule::new(team);
    for p in v["people"].as_array().unwrap() {
        let p: Person = serde_json::from_value(p.clone()).unwrap();
        s.people.insert(p.id.clone(), p);
    }
    for p in v["projects"].as_array().unwrap() {
        let p: Project = serde_json::from_value(p.clone()).unwrap();
        s.projects.insert(p.id.clone(), p);
    }
    for t in v["timeoff"].as_array().unwrap() {
        let t: TimeOff = serde_json::from_value(t.clone()).unwrap();
        s.timeoff.insert(t.id.clone(), t);
    }
    for a in v["allocations"].as_array().unwrap() {
        let a: Allocation = serde_json::from_value(a.clone()).unwrap();
        s.allocations.insert(a.id.clone(), a.into());
    }
    (s, v["expected"].clone())
}

pub(crate) fn date(v: &Value) -> NaiveDate {
    v.as_str().unwrap().parse().unwrap()
}

fn range() -> (NaiveDate, NaiveDate) {
    let v: Value = serde_json::from_str(FIXTURE).unwrap();
    (date(&v["from"]), date(&v["to"]))
}

#[test]
fn each_day_books_what_the_fixture_counted_by_hand() {
    let (s, expected) = fixture();
    let (from, to) = range();
    for (id, days) in expected["days"].as_object().unwrap() {
        let person = &s.people[&Id(id.clone())];
        let d = person_days(&s, person, from, to, |_| false);
        let got: Vec<[f64; 3]> = (0..d.len())
            .map(|i| [d.capacity[i], d.scheduled[i], d.tentative[i]])
            .collect();
        let want: Vec<[f64; 3]> = serde_json::from_value(days.clone()).unwrap();
        assert_eq!(got, want, "{id}");
    }
}

#[test]
fn projects_sum_scheduled_and_tentative_hours_apart() {
    let (s, expected) = fixture();
    for (id, want) in expected["projects"].as_object().unwrap() {
        let h = project_hours(&s, &Id(id.clone()));
        assert_eq!(
            h.scheduled,
            want["scheduled_hours"].as_f64().unwrap(),
            "{id}"
        );
        assert_eq!(
            h.tentative,
            want["tentative_hours"].as_f64().unwrap(),
            "{id}"
        );
    }
}

#[test]
fn a_new_booking_defaults_to_the_hours_left_free() {
    let (s, expected) = fixture();
    for case in expected["default_hours"].as_array().unwrap() {
        let person = &s.people[&Id(case["person_id"].as_str().unwrap().into())];
        let h = default_hours_per_day(&s, person, date(&case["start"]), date(&case["end"]));
        assert_eq!(h, case["hours"].as_f64().unwrap(), "{case}");
    }
}
