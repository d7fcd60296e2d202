//! What a scenario does to the figures, counted only where it differs from live.
//!
//! Live's side (every person's sums per month over the span, the compared projects'
//! booked hours and finish) is kept in the live schedule's memo: live changes far less
//! often than people compare, and every scenario of the team compares against the same
//! version. After a live change, the next version's memo is brought up to date from the
//! one before: only the people and projects the change reached are counted again, so
//! the first comparison after an edit costs what the edit reached, not the team. The
//! scenario's side reuses live's figures for everyone and everything its
//! changes cannot reach, and counts the rest with the reports' own definitions: the
//! people whose bookings, record or own days off it changed, and the bookings whose
//! hours those changes can move. A team-wide day off reaches everyone: then the
//! scenario is counted whole.

use super::{Difference, MonthFigures, PersonDelta};
use crate::domain::booked::{self, Hours};
use crate::domain::calendar::DayGrid;
use crate::domain::memo::Touched;
use crate::domain::{Allocation, Id, Schedule};
use crate::reports::utilisation::{Figures, Interval, PersonSums, Sums, people_sums, periods};
use crate::store::{Kind, Record};
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// Live's people over one span: their sums per month in report order, and the totals.
pub(super) struct LiveMonths {
    pub(super) people: Vec<PersonSums>,
    index: HashMap<Id, usize>,
    pub(super) totals: Vec<Sums>,
}

fn totals<'a>(rows: impl IntoIterator<Item = &'a PersonSums>, months: usize) -> Vec<Sums> {
    // Added person by person in report order, as the utilisation report adds them, so
    // that a total here is the report's total to the last bit.
    let mut out = vec![Sums::default(); months];
    for r in rows {
        for (t, s) in out.iter_mut().zip(&r.periods) {
            t.add(s);
        }
    }
    out
}

impl LiveMonths {
    pub(super) fn new(people: Vec<PersonSums>, months: usize) -> LiveMonths {
        let index = people
            .iter()
            .enumerate()
            .map(|(i, r)| (r.person_id.clone(), i))
            .collect();
        let totals = totals(&people, months);
        LiveMonths {
            people,
            index,
            totals,
        }
    }

    /// This version's from an earlier version's: the people a change since reached
    /// counted again, everyone else's sums as they were (a person's sums depend only on
    /// their record, their days off, their bookings and the team's days off), in this
    /// version's report order; the totals added again in that order.
    fn updated(
        &self,
        since: &Touched,
        live: &Schedule,
        from: NaiveDate,
        to: NaiveDate,
        months: usize,
    ) -> LiveMonths {
        let listed = crate::reports::people(live, false);
        let again: HashSet<&Id> = listed
            .iter()
            .map(|p| &p.id)
            .filter(|id| since.person(id) || !self.index.contains_key(*id))
            .collect();
        let counted = people_sums(live, from, to, Interval::Month, Some(&again));
        let mut counted = counted.into_iter().peekable();
        // Both lists are in report order: take the counted ones as they come.
        let people = listed
            .iter()
            .filter_map(|p| {
                if counted.peek().is_some_and(|c| c.person_id == p.id) {
                    counted.next()
                } else {
                    self.index.get(&p.id).map(|&i| self.people[i].clone())
                }
            })
            .collect();
        LiveMonths::new(people, months)
    }
}

pub(super) fn live_months(
    live: &Schedule,
    from: NaiveDate,
    to: NaiveDate,
    months: usize,
) -> Arc<LiveMonths> {
    let whole = || LiveMonths::new(people_sums(live, from, to, Interval::Month, None), months);
    live.memo.updated(
        &format!("compare:months:{from}:{to}"),
        whole,
        |earlier: &LiveMonths, since| {
            if since.everyone {
                whole()
            } else {
                earlier.updated(since, live, from, to, months)
            }
        },
    )
}

/// The people whose utilisation the scenario's changes can move; `None`: everyone's
/// (a team-wide day off changed).
fn reached_people(differences: &[Difference]) -> Option<HashSet<&Id>> {
    let mut out = HashSet::new();
    for d in differences {
        for r in [d.live.as_ref(), d.scenario.as_ref()].into_iter().flatten() {
            match r {
                Record::Allocation(a) => out.extend(a.person_id.as_ref()),
                Record::Person(p) => {
                    out.insert(&p.id);
                }
                Record::TimeOff(t) => match &t.person_id {
                    Some(p) => {
                        out.insert(p);
                    }
                    None => return None,
                },
                _ => {}
            }
        }
    }
    Some(out)
}

/// One side's figures of a person, month by month.
type Months = Vec<Figures>;

/// Per person whose figures differ, each month live vs scenario; and the team's totals
/// each month on both sides.
pub(super) fn utilisation_effect(
    live: &Schedule,
    scenario: &Schedule,
    differences: &[Difference],
    from: NaiveDate,
    to: NaiveDate,
) -> (Vec<PersonDelta>, Vec<MonthFigures>) {
    let months: Vec<String> = periods(from, to, Interval::Month)
        .into_iter()
        .map(|(s, _)| s.format("%Y-%m").to_string())
        .collect();
    let before = live_months(live, from, to, months.len());
    let reached = reached_people(differences);
    // The scenario's people in report order: counted where reached, live's otherwise.
    let counted: Vec<PersonSums>;
    let after: Vec<&PersonSums> = match &reached {
        None => {
            counted = people_sums(scenario, from, to, Interval::Month, None);
            counted.iter().collect()
        }
        Some(reached) => {
            let mut reached = reached.clone();
            // Anyone live does not have is new, hence reached (defensive: a new
            // person is a difference already).
            reached.extend(
                scenario
                    .people
                    .keys()
                    .filter(|id| !before.index.contains_key(*id)),
            );
            counted = people_sums(scenario, from, to, Interval::Month, Some(&reached));
            let by_id: HashMap<&Id, &PersonSums> =
                counted.iter().map(|r| (&r.person_id, r)).collect();
            crate::reports::people(scenario, false)
                .into_iter()
                .filter_map(|p| match by_id.get(&p.id) {
                    Some(r) => Some(*r),
                    None => before.index.get(&p.id).map(|&i| &before.people[i]),
                })
                .collect()
        }
    };
    let after_totals = totals(after.iter().copied(), months.len());

    let figures =
        |r: &PersonSums| -> Vec<Figures> { r.periods.iter().map(Sums::figures).collect() };
    let mut by_person: BTreeMap<&Id, (&str, Option<Months>, Option<Months>)> = BTreeMap::new();
    let is_reached = |id: &Id| reached.as_ref().is_none_or(|r| r.contains(id));
    for r in before.people.iter().filter(|r| is_reached(&r.person_id)) {
        by_person
            .entry(&r.person_id)
            .or_insert((&r.name, None, None))
            .1 = Some(figures(r));
    }
    for r in after.iter().filter(|r| is_reached(&r.person_id)) {
        let e = by_person
            .entry(&r.person_id)
            .or_insert((&r.name, None, None));
        e.0 = &r.name;
        e.2 = Some(figures(r));
    }
    let people = by_person
        .into_iter()
        .filter(|(_, (_, l, s))| l != s)
        .map(|(id, (name, l, s))| {
            let at = |side: &Option<Vec<Figures>>, i: usize| {
                side.as_ref().and_then(|v| v.get(i)).copied()
            };
            PersonDelta {
                person_id: id.clone(),
                name: name.to_string(),
                months: months
                    .iter()
                    .enumerate()
                    .map(|(i, m)| MonthFigures {
                        month: m.clone(),
                        live: at(&l, i),
                        scenario: at(&s, i),
                    })
                    .collect(),
            }
        })
        .collect();
    let team = months
        .iter()
        .enumerate()
        .map(|(i, m)| MonthFigures {
            month: m.clone(),
            live: before.totals.get(i).map(Sums::figures),
            scenario: after_totals.get(i).map(Sums::figures),
        })
        .collect();
    (people, team)
}

/// Live's projects: the booked hours and the last day any allocation books of each
/// project a comparison asked for, filled in as they are asked for (a scenario touching
/// two projects of fifty does not count the other forty-eight).
#[derive(Default)]
pub(super) struct LiveProjects {
    known: Mutex<HashMap<Id, (Hours, Option<NaiveDate>)>>,
}

impl LiveProjects {
    /// This version's from an earlier version's: the projects a change since reached
    /// (their bookings changed, or the capacity of someone who books them) are
    /// forgotten, to be counted again when asked for; the rest are as they were.
    fn updated(&self, since: &Touched, live: &Schedule) -> LiveProjects {
        if since.everyone {
            return LiveProjects::default();
        }
        let mut known = self.known.lock().map(|k| k.clone()).unwrap_or_default();
        known.retain(|p, _| !since.projects.contains(p));
        if !since.capacity_of.is_empty() {
            // Whoever's capacity changed kept their bookings (a changed booking is in
            // `projects` already): the projects they book on live are those reached.
            for a in live.allocations.values() {
                if a.person_id
                    .as_ref()
                    .is_some_and(|p| since.capacity_of.contains(p))
                {
                    known.remove(&a.project_id);
                }
            }
        }
        LiveProjects {
            known: Mutex::new(known),
        }
    }

    /// The hours and finish of `projects`, counting those not known yet (all of them
    /// together, as `booked::projects_hours` counts a set: each project's sum is the
    /// same whatever else is counted with it).
    pub(super) fn of(
        &self,
        live: &Schedule,
        projects: &BTreeSet<Id>,
    ) -> (HashMap<Id, Hours>, HashMap<Id, NaiveDate>) {
        let mut known = match self.known.lock() {
            Ok(k) => k,
            Err(poisoned) => poisoned.into_inner(),
        };
        let missing: BTreeSet<Id> = projects
            .iter()
            .filter(|p| !known.contains_key(*p))
            .cloned()
            .collect();
        if !missing.is_empty() {
            let mut finish: HashMap<&Id, NaiveDate> = HashMap::new();
            for a in live.allocations.values() {
                if let Some(p) = missing.get(&a.project_id) {
                    let end = finish.entry(p).or_insert(a.end);
                    *end = (*end).max(a.end);
                }
            }
            let hours = booked::projects_hours(live, &missing);
            for p in &missing {
                let h = hours.get(p).copied().unwrap_or_default();
                known.insert(p.clone(), (h, finish.get(p).copied()));
            }
        }
        let mut hours = HashMap::new();
        let mut finish = HashMap::new();
        for p in projects {
            if let Some((h, f)) = known.get(p) {
                hours.insert(p.clone(), *h);
                if let Some(f) = f {
                    finish.insert(p.clone(), *f);
                }
            }
        }
        (hours, finish)
    }
}

pub(super) fn live_projects(live: &Schedule) -> Arc<LiveProjects> {
    live.memo.updated(
        "compare:projects",
        LiveProjects::default,
        |earlier, since| earlier.updated(since, live),
    )
}

/// Counts single allocations' booked hours on one side: one grid over their span and
/// each person's capacity once, as `booked::projects_hours` counts them.
struct Counter<'s> {
    schedule: &'s Schedule,
    grid: DayGrid<'s>,
    placeholder: Vec<f64>,
    capacity: HashMap<&'s Id, Vec<f64>>,
}

impl<'s> Counter<'s> {
    fn new<'a>(schedule: &'s Schedule, allocations: impl Iterator<Item = &'a Allocation>) -> Self {
        let (mut from, mut to) = (None::<NaiveDate>, None::<NaiveDate>);
        for a in allocations {
            from = Some(from.map_or(a.start, |f| f.min(a.start)));
            to = Some(to.map_or(a.end, |t| t.max(a.end)));
        }
        let (from, to) = match (from, to) {
            (Some(f), Some(t)) => (f, t),
            // Nothing to count: an empty grid.
            _ => (
                NaiveDate::MIN,
                NaiveDate::MIN.pred_opt().unwrap_or(NaiveDate::MIN),
            ),
        };
        let grid = DayGrid::new(schedule, from, to);
        Counter {
            schedule,
            placeholder: grid.placeholder_capacity(),
            grid,
            capacity: HashMap::new(),
        }
    }

    fn hours(&mut self, a: &Allocation) -> Hours {
        let mut out = Hours::default();
        let cap = match &a.person_id {
            None => &self.placeholder,
            Some(p) => match self.schedule.people.get_key_value(p) {
                Some((id, person)) => {
                    let grid = &self.grid;
                    self.capacity
                        .entry(id)
                        .or_insert_with(|| grid.capacity(person))
                }
                None => return out,
            },
        };
        out.add(a, booked::allocation_hours(&self.grid, a, cap));
        out
    }
}

fn as_allocation(r: &Option<Record>) -> Option<&Allocation> {
    match r {
        Some(Record::Allocation(a)) => Some(a),
        _ => None,
    }
}

/// A project's booked hours and finish on each side.
pub(super) struct ProjectSides {
    pub(super) live_hours: HashMap<Id, Hours>,
    pub(super) live_finish: HashMap<Id, NaiveDate>,
    pub(super) scenario_hours: HashMap<Id, Hours>,
    pub(super) scenario_finish: HashMap<Id, NaiveDate>,
}

/// The touched projects' booked hours and finish on both sides. The scenario's are
/// live's plus what its changed bookings book minus what they replaced; when it changed
/// someone's capacity (their record or own days off), their bookings are counted again
/// on both sides too; after a team-wide day off, the projects are counted whole.
pub(super) fn projects_effect(
    live: &Schedule,
    scenario: &Schedule,
    differences: &[Difference],
    projects: &BTreeSet<Id>,
) -> ProjectSides {
    let (live_hours, live_finish) = live_projects(live).of(live, projects);

    // Each booking to count again, by id: as live has it and as the scenario has it.
    let mut recount: BTreeMap<&Id, (Option<&Allocation>, Option<&Allocation>)> = BTreeMap::new();
    let mut capacity_of: HashSet<&Id> = HashSet::new();
    let mut team_wide = false;
    for d in differences {
        match (d.kind, &d.live, &d.scenario) {
            (Kind::Allocation, l, s) => {
                recount.insert(&d.id, (as_allocation(l), as_allocation(s)));
            }
            (Kind::Person, _, _) => {
                capacity_of.insert(&d.id);
            }
            (Kind::TimeOff, l, s) => {
                for r in [l, s].into_iter().flatten() {
                    if let Record::TimeOff(t) = r {
                        match &t.person_id {
                            Some(p) => {
                                capacity_of.insert(p);
                            }
                            None => team_wide = true,
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let scenario_hours = if team_wide {
        booked::projects_hours(scenario, projects)
    } else {
        if !capacity_of.is_empty() {
            let theirs = |a: &&Allocation| {
                a.person_id
                    .as_ref()
                    .is_some_and(|p| capacity_of.contains(p))
            };
            for a in live.allocations.values().map(|a| &**a).filter(theirs) {
                recount.entry(&a.id).or_default().0 = Some(a);
            }
            for a in scenario.allocations.values().map(|a| &**a).filter(theirs) {
                recount.entry(&a.id).or_default().1 = Some(a);
            }
        }
        let mut on_live = Counter::new(live, recount.values().filter_map(|(l, _)| *l));
        let mut on_scenario = Counter::new(scenario, recount.values().filter_map(|(_, s)| *s));
        let mut out = live_hours.clone();
        for p in projects {
            out.entry(p.clone()).or_default();
        }
        for (l, s) in recount.values() {
            if let Some(a) = l
                && let Some(h) = out.get_mut(&a.project_id)
            {
                let x = on_live.hours(a);
                h.scheduled -= x.scheduled;
                h.tentative -= x.tentative;
            }
            if let Some(a) = s
                && let Some(h) = out.get_mut(&a.project_id)
            {
                let x = on_scenario.hours(a);
                h.scheduled += x.scheduled;
                h.tentative += x.tentative;
            }
        }
        out
    };

    // Finish: live's, moved by the changed bookings; a project whose last booking
    // moved earlier or went is looked up again.
    let mut scenario_finish = live_finish.clone();
    let mut again: BTreeSet<&Id> = BTreeSet::new();
    for d in differences.iter().filter(|d| d.kind == Kind::Allocation) {
        if let Some(Record::Allocation(a)) = &d.live
            && live_finish.get(&a.project_id) == Some(&a.end)
        {
            let kept = matches!(&d.scenario, Some(Record::Allocation(s))
                if s.project_id == a.project_id && s.end >= a.end);
            if !kept {
                again.insert(&a.project_id);
            }
        }
    }
    for d in differences.iter().filter(|d| d.kind == Kind::Allocation) {
        if let Some(Record::Allocation(a)) = &d.scenario
            && projects.contains(&a.project_id)
            && !again.contains(&a.project_id)
        {
            let end = scenario_finish.entry(a.project_id.clone()).or_insert(a.end);
            *end = (*end).max(a.end);
        }
    }
    if !again.is_empty() {
        for p in &again {
            scenario_finish.remove(*p);
        }
        for a in scenario.allocations.values() {
            if again.contains(&a.project_id) {
                let end = scenario_finish.entry(a.project_id.clone()).or_insert(a.end);
                *end = (*end).max(a.end);
            }
        }
    }
    ProjectSides {
        live_hours,
        live_finish,
        scenario_hours,
        scenario_finish,
    }
}
