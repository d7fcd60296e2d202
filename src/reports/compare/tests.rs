//! The comparison counts only what a scenario's changes reach; these tests check that it
//! gives exactly what counting both sides whole gives.

use super::*;
use crate::domain::Allocation;
use crate::domain::schedule::TimeOff;
use crate::reports::fixtures::{date, large, off};
use crate::reports::utilisation::{Interval, utilisation};

fn alloc_diff(live: &Schedule, scenario: &Schedule, id: &str) -> Difference {
    let id = Id::from(id);
    Difference {
        kind: Kind::Allocation,
        live: live
            .allocations
            .get(&id)
            .map(|a| Record::Allocation(Allocation::clone(a))),
        scenario: scenario
            .allocations
            .get(&id)
            .map(|a| Record::Allocation(Allocation::clone(a))),
        id,
        conflict: false,
    }
}

/// Everything the comparison shows, counted whole on both sides.
fn counted_whole(live: &Schedule, scenario: &Schedule, c: &Comparison) {
    let (from, to) = (c.from, c.to);
    let before = utilisation(live, from, to, Some(Interval::Month), false);
    let after = utilisation(scenario, from, to, Some(Interval::Month), false);
    let totals = |u: &super::super::utilisation::Utilisation| -> Vec<Figures> {
        u.period_totals
            .as_ref()
            .unwrap()
            .iter()
            .map(|p| p.figures)
            .collect()
    };
    let live_totals: Vec<Figures> = c.totals.iter().map(|m| m.live.unwrap()).collect();
    let scenario_totals: Vec<Figures> = c.totals.iter().map(|m| m.scenario.unwrap()).collect();
    assert_eq!(live_totals, totals(&before));
    assert_eq!(scenario_totals, totals(&after));

    let months = |u: &super::super::utilisation::Utilisation, id: &Id| {
        u.people.iter().find(|p| &p.person_id == id).map(|p| {
            p.periods
                .as_ref()
                .unwrap()
                .iter()
                .map(|x| x.figures)
                .collect::<Vec<_>>()
        })
    };
    let mut differing: Vec<&Id> = before
        .people
        .iter()
        .chain(&after.people)
        .map(|p| &p.person_id)
        .filter(|id| months(&before, id) != months(&after, id))
        .collect();
    differing.sort();
    differing.dedup();
    let shown: Vec<&Id> = c.utilisation.iter().map(|p| &p.person_id).collect();
    assert_eq!(shown, differing);
    for p in &c.utilisation {
        let l: Option<Vec<Figures>> = p.months.iter().map(|m| m.live).collect();
        let s: Option<Vec<Figures>> = p.months.iter().map(|m| m.scenario).collect();
        assert_eq!(l, months(&before, &p.person_id));
        assert_eq!(s, months(&after, &p.person_id));
    }

    let projects: BTreeSet<Id> = c
        .projects_effect
        .iter()
        .map(|p| p.project_id.clone())
        .collect();
    for (side, s) in [(true, live), (false, scenario)] {
        let hours = booked::projects_hours(s, &projects);
        for p in &c.projects_effect {
            let got = if side { &p.live } else { &p.scenario };
            let got = got.as_ref().unwrap();
            let h = hours[&p.project_id];
            assert_eq!(
                got.scheduled_hours,
                hours_of(h.scheduled),
                "{}",
                p.project_id
            );
            assert_eq!(
                got.tentative_hours,
                hours_of(h.tentative),
                "{}",
                p.project_id
            );
            let finish = s
                .allocations
                .values()
                .filter(|a| a.project_id == p.project_id)
                .map(|a| a.end)
                .max();
            assert_eq!(got.finish, finish, "{}", p.project_id);
        }
    }
}

fn hours_of(x: f64) -> f64 {
    super::hours(x)
}

/// A team of 60 people with bookings over two projects.
fn two_projects() -> Schedule {
    let mut s = large(60, 3000, 80);
    let mut p = s.projects.get(&Id::from("P")).unwrap().clone();
    p.id = Id::from("Q");
    p.name = "Project Q".into();
    s.projects.insert(p.id.clone(), p);
    let ids: Vec<Id> = s.allocations.keys().cloned().collect();
    for (i, id) in ids.iter().enumerate() {
        if i % 2 == 1 {
            std::sync::Arc::make_mut(s.allocations.get_mut(id).unwrap()).project_id = Id::from("Q");
        }
    }
    s
}

#[test]
fn changed_bookings_compare_as_counting_both_sides_whole() {
    let live = two_projects();
    // Warm live's memo first, as a second comparison would find it.
    let mut scenario = live.clone();
    scenario.memo = Default::default();
    let mut differences = Vec::new();
    for (i, id) in ["a10", "a11", "a500", "a2999"].iter().enumerate() {
        let a = std::sync::Arc::make_mut(scenario.allocations.get_mut(&Id::from(*id)).unwrap());
        a.hours_per_day = 2.5 + i as f64;
        if i == 1 {
            a.end = a.end + chrono::Days::new(40);
        }
        if i == 2 {
            a.project_id = Id::from("P");
        }
        differences.push(alloc_diff(&live, &scenario, id));
    }
    // The project's last booking, removed: its finish is looked up again.
    let last = live
        .allocations
        .values()
        .filter(|a| a.project_id == Id::from("Q"))
        .max_by_key(|a| a.end)
        .unwrap()
        .id
        .clone();
    scenario.allocations.remove(&last);
    differences.push(alloc_diff(&live, &scenario, last.as_str()));
    let mut added = Allocation::clone(live.allocations.get(&Id::from("a7")).unwrap());
    added.id = Id::from("new");
    added.start = date("2026-05-04");
    added.end = date("2026-05-29");
    scenario.allocations.insert(added.id.clone(), added.into());
    differences.push(alloc_diff(&live, &scenario, "new"));

    let today = date("2026-06-01");
    for _ in 0..2 {
        let c = compare(&live, &scenario, &differences, today);
        assert!(!c.utilisation.is_empty());
        assert_eq!(c.projects_effect.len(), 2);
        counted_whole(&live, &scenario, &c);
    }
}

#[test]
fn changed_capacity_and_days_off_compare_as_counting_both_sides_whole() {
    let live = two_projects();
    let mut scenario = live.clone();
    scenario.memo = Default::default();
    let mut differences = Vec::new();
    // Someone works four days a week in the scenario.
    let id = Id::from("p0003");
    let mut p = scenario.people.get(&id).unwrap().clone();
    p.weekly_hours = [8.0, 8.0, 8.0, 8.0, 0.0, 0.0, 0.0];
    scenario.people.insert(id.clone(), p);
    differences.push(Difference {
        kind: Kind::Person,
        live: live.people.get(&id).cloned().map(Record::Person),
        scenario: scenario.people.get(&id).cloned().map(Record::Person),
        id,
        conflict: false,
    });
    // Someone else takes March off, and one booking changes.
    off(
        &mut scenario,
        "away",
        Some("p0007"),
        "2026-03-01",
        "2026-03-31",
    );
    let t: TimeOff = scenario.timeoff.get(&Id::from("away")).unwrap().clone();
    differences.push(Difference {
        kind: Kind::TimeOff,
        id: t.id.clone(),
        live: None,
        scenario: Some(Record::TimeOff(t)),
        conflict: false,
    });
    std::sync::Arc::make_mut(scenario.allocations.get_mut(&Id::from("a42")).unwrap())
        .hours_per_day = 1.25;
    differences.push(alloc_diff(&live, &scenario, "a42"));
    let c = compare(&live, &scenario, &differences, date("2026-06-01"));
    counted_whole(&live, &scenario, &c);

    // A team-wide day off reaches everyone.
    off(&mut scenario, "holiday", None, "2026-04-06", "2026-04-06");
    let t: TimeOff = scenario.timeoff.get(&Id::from("holiday")).unwrap().clone();
    differences.push(Difference {
        kind: Kind::TimeOff,
        id: t.id.clone(),
        live: None,
        scenario: Some(Record::TimeOff(t)),
        conflict: false,
    });
    let c = compare(&live, &scenario, &differences, date("2026-06-01"));
    assert!(c.utilisation.len() > 50, "everyone loses a day");
    counted_whole(&live, &scenario, &c);
}
