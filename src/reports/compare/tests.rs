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

// ---- live changing between comparisons ----

use crate::domain::activity::Change;
use crate::reports::utilisation::{Sums, people_sums};

/// Live after one edit: `change` alters it and returns what it changed; the new
/// version's memo is made from the old one's as the actor's edit path makes it.
fn edited(live: &Schedule, change: impl FnOnce(&mut Schedule) -> Vec<Change>) -> Schedule {
    let mut next = live.clone();
    let changes = change(&mut next);
    next.version += 1;
    next.memo = live.memo.after(&crate::db::touched(&changes));
    next
}

fn change_allocation(s: &mut Schedule, id: &str, f: impl FnOnce(&mut Allocation)) -> Vec<Change> {
    let id = Id::from(id);
    let before = Allocation::clone(s.allocations.get(&id).unwrap());
    let mut after = before.clone();
    f(&mut after);
    s.allocations.insert(id, after.clone().into());
    vec![Change {
        before: Some(Record::Allocation(before)),
        after: Some(Record::Allocation(after)),
    }]
}

fn change_person(
    s: &mut Schedule,
    id: &str,
    f: impl FnOnce(&mut crate::domain::Person),
) -> Vec<Change> {
    let id = Id::from(id);
    let before = s.people.get(&id).unwrap().clone();
    let mut after = before.clone();
    f(&mut after);
    s.people.insert(id, after.clone());
    vec![Change {
        before: Some(Record::Person(before)),
        after: Some(Record::Person(after)),
    }]
}

fn add_time_off(
    s: &mut Schedule,
    id: &str,
    who: Option<&str>,
    start: &str,
    end: &str,
) -> Vec<Change> {
    off(s, id, who, start, end);
    let t = s.timeoff.get(&Id::from(id)).unwrap().clone();
    vec![Change {
        before: None,
        after: Some(Record::TimeOff(t)),
    }]
}

/// A scenario of `live` changing bookings of both projects in spring.
fn scenario_of(live: &Schedule) -> (Schedule, Vec<Difference>) {
    let mut scenario = live.clone();
    scenario.memo = Default::default();
    let mut differences = Vec::new();
    for (i, id) in ["a10", "a11", "a500", "a1201"].iter().enumerate() {
        std::sync::Arc::make_mut(scenario.allocations.get_mut(&Id::from(*id)).unwrap())
            .hours_per_day = 1.5 + i as f64;
        differences.push(alloc_diff(live, &scenario, id));
    }
    (scenario, differences)
}

type RawMonths = Vec<(Id, String, Vec<Sums>)>;

/// Live's sums per person as kept, and as counting live whole gives them.
fn live_months_kept_and_whole(live: &Schedule, c: &Comparison) -> [(RawMonths, Vec<Sums>); 2] {
    let months = c.totals.len();
    let raw = |m: &effect::LiveMonths| {
        let people = m
            .people
            .iter()
            .map(|p| (p.person_id.clone(), p.name.clone(), p.periods.clone()))
            .collect();
        (people, m.totals.clone())
    };
    let kept = effect::live_months(live, c.from, c.to, months);
    let whole = effect::LiveMonths::new(
        people_sums(live, c.from, c.to, Interval::Month, None),
        months,
    );
    [raw(&kept), raw(&whole)]
}

/// The comparison on `live` as its memo has it equals counting both sides whole, and,
/// to the last bit, what a live with nothing kept gives.
fn compares_as_counted_afresh(live: &Schedule) {
    let (scenario, differences) = scenario_of(live);
    let today = date("2026-06-01");
    let c = compare(live, &scenario, &differences, today);
    assert_eq!(c.projects_effect.len(), 2);
    counted_whole(live, &scenario, &c);
    let mut afresh = live.clone();
    afresh.memo = Default::default();
    let whole = compare(&afresh, &scenario, &differences, today);
    assert_eq!(
        serde_json::to_value(&c).unwrap(),
        serde_json::to_value(&whole).unwrap()
    );
    let [kept, whole] = live_months_kept_and_whole(live, &c);
    assert_eq!(kept, whole);
    let projects: BTreeSet<Id> = c
        .projects_effect
        .iter()
        .map(|p| p.project_id.clone())
        .collect();
    let (hours, finish) = effect::live_projects(live).of(live, &projects);
    assert_eq!(hours, booked::projects_hours(live, &projects));
    for p in &projects {
        let last = live
            .allocations
            .values()
            .filter(|a| &a.project_id == p)
            .map(|a| a.end)
            .max();
        assert_eq!(finish.get(p).copied(), last, "{p}");
    }
}

/// One live edit made by hand: it changes the schedule and says what it changed.
type LiveEdit = Box<dyn Fn(&mut Schedule) -> Vec<Change>>;

#[test]
fn live_changes_between_comparisons_compare_as_counting_afresh() {
    let mut live = two_projects();
    compares_as_counted_afresh(&live);
    let steps: Vec<LiveEdit> = vec![
        // A booking's hours, then one moved to the other project and another person.
        Box::new(|s| change_allocation(s, "a20", |a| a.hours_per_day = 6.25)),
        Box::new(|s| {
            change_allocation(s, "a33", |a| {
                a.project_id = Id::from(if a.project_id == Id::from("P") {
                    "Q"
                } else {
                    "P"
                });
                a.person_id = Some(Id::from("p0041"));
            })
        }),
        // Someone's weekly hours and someone's own days off: their capacity.
        Box::new(|s| change_person(s, "p0005", |p| p.weekly_hours[0] = 3.0)),
        Box::new(|s| add_time_off(s, "away", Some("p0009"), "2026-03-02", "2026-03-20")),
        // A new person with a booking, someone archived, someone renamed to the top.
        Box::new(|s| {
            crate::reports::fixtures::person(s, "p9999", "Newcomer", serde_json::json!({}));
            crate::reports::fixtures::alloc(
                s,
                "new",
                "P",
                "p9999",
                "2026-04-01",
                "2026-04-30",
                4.0,
                false,
            );
            let p = s.people.get(&Id::from("p9999")).unwrap().clone();
            let a = Allocation::clone(s.allocations.get(&Id::from("new")).unwrap());
            vec![
                Change {
                    before: None,
                    after: Some(Record::Person(p)),
                },
                Change {
                    before: None,
                    after: Some(Record::Allocation(a)),
                },
            ]
        }),
        Box::new(|s| change_person(s, "p0011", |p| p.archived = true)),
        Box::new(|s| change_person(s, "p0030", |p| p.name = "Aaron".into())),
        // A booking removed.
        Box::new(|s| {
            let before = Allocation::clone(s.allocations.get(&Id::from("a77")).unwrap());
            s.allocations.remove(&Id::from("a77"));
            vec![Change {
                before: Some(Record::Allocation(before)),
                after: None,
            }]
        }),
        // A team-wide day off reaches everyone.
        Box::new(|s| add_time_off(s, "holiday", None, "2026-04-06", "2026-04-06")),
    ];
    for (i, step) in steps.iter().enumerate() {
        live = edited(&live, step);
        // Every other step, a second edit before anyone compares: both are counted.
        if i % 2 == 1 {
            live = edited(&live, |s| {
                change_allocation(s, "a12", |a| a.hours_per_day += 0.5)
            });
        }
        compares_as_counted_afresh(&live);
    }
}

#[test]
fn only_what_a_live_change_reached_is_counted_again() {
    let live = two_projects();
    let (scenario, differences) = scenario_of(&live);
    let c = compare(&live, &scenario, &differences, date("2026-06-01"));
    let before = effect::live_months(&live, c.from, c.to, c.totals.len());
    // The edit says it changed a10 (p-someone's booking); p0002's booking changes too,
    // unannounced: the kept figures show p0002 as before, so only a10's person and
    // project were counted again.
    let quiet = live
        .allocations
        .values()
        .find(|a| {
            a.person_id == Some(Id::from("p0002"))
                && a.start >= c.from
                && a.end <= c.to
                && (a.end - a.start).num_days() >= 3
        })
        .unwrap()
        .id
        .clone();
    let announced = live
        .allocations
        .get(&Id::from("a10"))
        .unwrap()
        .person_id
        .clone();
    assert_ne!(announced, Some(Id::from("p0002")));
    let next = edited(&live, |s| {
        std::sync::Arc::make_mut(s.allocations.get_mut(&quiet).unwrap()).hours_per_day += 3.0;
        change_allocation(s, "a10", |a| a.hours_per_day += 1.0)
    });
    let after = effect::live_months(&next, c.from, c.to, c.totals.len());
    let sums = |m: &effect::LiveMonths, id: &Id| {
        m.people
            .iter()
            .find(|p| &p.person_id == id)
            .map(|p| p.periods.clone())
            .unwrap()
    };
    let p2 = Id::from("p0002");
    assert_eq!(sums(&after, &p2), sums(&before, &p2));
    let whole = people_sums(&next, c.from, c.to, Interval::Month, None);
    let p2_whole = whole.iter().find(|p| p.person_id == p2).unwrap();
    assert_ne!(
        sums(&after, &p2),
        p2_whole.periods,
        "p0002 was not counted again"
    );
    let someone = announced.unwrap();
    let counted = whole.iter().find(|p| p.person_id == someone).unwrap();
    assert_eq!(sums(&after, &someone), counted.periods);
}
