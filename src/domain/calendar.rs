//! Dates and capacity: how many hours a person has on a day and which days an
//! allocation books; [`super::booked`] builds the scheduled, tentative and free hours on it.

use super::schedule::{Allocation, Person, Schedule, TimeOff};
use chrono::{Datelike, NaiveDate};

/// Every date in the API is `YYYY-MM-DD`; this is the range kronuz accepts.
pub fn check_date(field: &str, d: NaiveDate) -> Result<NaiveDate, crate::AppError> {
    if (1970..=2200).contains(&d.year()) {
        Ok(d)
    } else {
        Err(crate::AppError::invalid(
            field,
            "must be a date between 1970 and 2200",
        ))
    }
}

/// Monday = 0 ... Sunday = 6, the index into `weekly_hours`.
pub fn weekday_index(d: NaiveDate) -> usize {
    d.weekday().num_days_from_monday() as usize
}

/// The days `from..=to`, in order.
pub fn days(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    from.iter_days().take_while(move |d| *d <= to)
}

/// Whether `d` is inside the person's employment.
pub fn employed(person: &Person, d: NaiveDate) -> bool {
    person.start_date.is_none_or(|s| d >= s) && person.end_date.is_none_or(|e| d <= e)
}

/// Whether approved time off covers `d` for `person` (team-wide entries cover everyone).
/// Requests still pending, and declined ones, take no time away.
pub fn is_off(entry: &TimeOff, person_id: Option<&super::Id>, d: NaiveDate) -> bool {
    entry.counts()
        && entry.start <= d
        && d <= entry.end
        && (entry.person_id.is_none() || entry.person_id.as_ref() == person_id)
}

/// The hours `person` (or, with `None`, a placeholder) has off on `d`: the sum of the
/// approved time off covering it, infinite when one of them is a whole day.
fn hours_off_on(schedule: &Schedule, person_id: Option<&super::Id>, d: NaiveDate) -> f64 {
    schedule
        .timeoff
        .values()
        .filter(|t| is_off(t, person_id, d) && (person_id.is_some() || t.person_id.is_none()))
        .map(TimeOff::hours_off)
        .sum()
}

/// A person's capacity in hours on `d`: their weekly hours for that weekday less the
/// hours they have off (0 on a whole day off), and 0 outside their employment.
pub fn capacity_on(schedule: &Schedule, person: &Person, d: NaiveDate) -> f64 {
    if !employed(person, d) {
        return 0.0;
    }
    (person.weekly_hours[weekday_index(d)] - hours_off_on(schedule, Some(&person.id), d)).max(0.0)
}

/// The capacity a placeholder row has on `d`: a standard working day unless it is a
/// weekend, less the hours of team-wide time off.
pub fn placeholder_capacity_on(schedule: &Schedule, d: NaiveDate) -> f64 {
    if weekday_index(d) >= 5 {
        0.0
    } else {
        (8.0 - hours_off_on(schedule, None, d)).max(0.0)
    }
}

/// Capacity over a range of days as arrays, for reports over many people and days.
///
/// Built once per report: team holidays become hours off per day and each person's
/// days off are grouped by person, so a person's capacity over the range costs one
/// pass over the days plus their own time off, instead of a scan of every time-off
/// entry per person-day. [`DayGrid::capacity`] agrees with [`capacity_on`] day by day
/// (a unit test checks it).
pub struct DayGrid<'a> {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Number of days in `[from, to]` (0 when `to < from`).
    pub len: usize,
    /// Hours the whole team has off on each day (infinite: the whole day).
    team_off: Vec<f64>,
    person_off: std::collections::HashMap<&'a super::Id, Vec<&'a TimeOff>>,
}

impl<'a> DayGrid<'a> {
    pub fn new(schedule: &'a Schedule, from: NaiveDate, to: NaiveDate) -> DayGrid<'a> {
        let len = if to < from {
            0
        } else {
            (to - from).num_days() as usize + 1
        };
        let mut grid = DayGrid {
            from,
            to,
            len,
            team_off: vec![0.0; len],
            person_off: Default::default(),
        };
        for t in schedule.timeoff.values() {
            if !t.counts() || t.end < from || t.start > to {
                continue;
            }
            match &t.person_id {
                None => {
                    let (a, b) = grid.clip(t.start, t.end);
                    grid.team_off[a..b]
                        .iter_mut()
                        .for_each(|x| *x += t.hours_off());
                }
                Some(p) => grid.person_off.entry(p).or_default().push(t),
            }
        }
        grid
    }

    /// The index of `d` (which must be inside the range).
    pub fn index(&self, d: NaiveDate) -> usize {
        (d - self.from).num_days() as usize
    }

    pub fn date(&self, i: usize) -> NaiveDate {
        self.from + chrono::Days::new(i as u64)
    }

    /// The indices `a..b` of `[start, end]` clipped to the range (empty when disjoint).
    pub fn clip(&self, start: NaiveDate, end: NaiveDate) -> (usize, usize) {
        if self.len == 0 || end < self.from || start > self.to {
            return (0, 0);
        }
        let a = self.index(start.max(self.from));
        let b = self.index(end.min(self.to)) + 1;
        (a, b)
    }

    /// Whether day `i` is a whole team-wide day off.
    pub fn team_off(&self, i: usize) -> bool {
        self.team_off[i].is_infinite()
    }

    /// The person's capacity on each day of the range; see [`capacity_on`].
    pub fn capacity(&self, person: &Person) -> Vec<f64> {
        let first = weekday_index(self.from);
        let mut off = self.team_off.clone();
        for t in self.person_off.get(&person.id).into_iter().flatten() {
            let (a, b) = self.clip(t.start, t.end);
            off[a..b].iter_mut().for_each(|x| *x += t.hours_off());
        }
        let mut cap: Vec<f64> = (0..self.len)
            .map(|i| (person.weekly_hours[(first + i) % 7] - off[i]).max(0.0))
            .collect();
        if let Some(s) = person.start_date
            && s > self.from
        {
            let (_, b) = self.clip(self.from, s.pred_opt().unwrap_or(s));
            cap[..b].iter_mut().for_each(|x| *x = 0.0);
        }
        if let Some(e) = person.end_date
            && e < self.to
        {
            let (a, _) = self.clip(e.succ_opt().unwrap_or(e), self.to);
            let a = if e < self.from { 0 } else { a };
            cap[a..].iter_mut().for_each(|x| *x = 0.0);
        }
        cap
    }

    /// A placeholder's capacity on each day; see [`placeholder_capacity_on`].
    pub fn placeholder_capacity(&self) -> Vec<f64> {
        let first = weekday_index(self.from);
        (0..self.len)
            .map(|i| {
                if (first + i) % 7 >= 5 {
                    0.0
                } else {
                    (8.0 - self.team_off[i]).max(0.0)
                }
            })
            .collect()
    }

    /// Adds what `allocation` books on each day of the range to `into`, given the
    /// capacity of whoever it books: its hours per day on the days of its range with
    /// capacity above 0, nothing elsewhere (see [`super::booked`], which counts through
    /// this). Placeholders book on the team's working days ([`Self::placeholder_capacity`]).
    pub fn book(&self, allocation: &Allocation, capacity: &[f64], into: &mut [f64]) {
        self.book_hours(
            (allocation.start, allocation.end),
            allocation.hours_per_day,
            capacity,
            into,
        );
    }

    /// As [`DayGrid::book`], for a booking of `hours_per_day` over `[start, end]` given
    /// by value (reports that copy what they need of each allocation into a compact
    /// list call this).
    pub fn book_hours(
        &self,
        (start, end): (NaiveDate, NaiveDate),
        hours_per_day: f64,
        capacity: &[f64],
        into: &mut [f64],
    ) {
        let (a, b) = self.clip(start, end);
        for i in a..b {
            if capacity[i] > 0.0 {
                into[i] += hours_per_day;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn weekdays_are_monday_first() {
        assert_eq!(weekday_index(date("2026-11-23")), 0); // a Monday
        assert_eq!(weekday_index(date("2026-11-29")), 6);
    }

    #[test]
    fn days_are_inclusive() {
        assert_eq!(days(date("2026-01-30"), date("2026-02-02")).count(), 4);
        assert_eq!(days(date("2026-01-30"), date("2026-01-29")).count(), 0);
    }

    fn person(id: &str, start: Option<&str>, end: Option<&str>) -> Person {
        Person {
            version: 0,
            id: id.into(),
            team_id: "t".into(),
            name: id.to_string(),
            email: None,
            role: None,
            skills: vec![],
            weekly_hours: [8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 0.0],
            timezone: None,
            start_date: start.map(date),
            end_date: end.map(date),
            cost_rate: None,
            bill_rate: None,
            user_id: None,
            archived: false,
            external_id: None,
        }
    }

    fn off(id: &str, person: Option<&str>, start: &str, end: &str) -> TimeOff {
        TimeOff {
            version: 0,
            id: id.into(),
            team_id: "t".into(),
            kind: crate::domain::timeoff::LeaveType::default_for(person.map(Into::into).as_ref()),
            person_id: person.map(Into::into),
            start: date(start),
            end: date(end),
            reason: None,
            hours: None,
            status: Default::default(),
            requested_by: None,
        }
    }

    #[test]
    fn the_grid_agrees_with_capacity_on() {
        let team: crate::domain::Team = serde_json::from_value(serde_json::json!({
            "id": "t", "name": "T", "created_at": 0
        }))
        .unwrap();
        let mut s = Schedule::new(team);
        for p in [
            person("a", None, None),
            person("b", Some("2026-03-04"), Some("2026-03-20")),
            person("c", Some("2026-01-01"), Some("2026-02-01")),
            person("d", Some("2026-05-01"), None),
        ] {
            s.people.insert(p.id.clone(), p);
        }
        for t in [
            off("1", None, "2026-03-09", "2026-03-10"),
            off("2", Some("a"), "2026-02-25", "2026-03-03"),
            off("3", Some("b"), "2026-03-18", "2026-04-30"),
            // half a day off for a, and for everyone on a day a is off anyway
            TimeOff {
                hours: Some(4.0),
                ..off("4", Some("a"), "2026-03-05", "2026-03-06")
            },
            TimeOff {
                hours: Some(2.5),
                ..off("5", None, "2026-03-06", "2026-03-06")
            },
            // a request not yet approved takes nothing away
            TimeOff {
                status: crate::domain::timeoff::LeaveStatus::Pending,
                ..off("6", Some("c"), "2026-03-02", "2026-03-31")
            },
        ] {
            s.timeoff.insert(t.id.clone(), t);
        }
        let (from, to) = (date("2026-03-01"), date("2026-03-31"));
        let grid = DayGrid::new(&s, from, to);
        assert_eq!(grid.len, 31);
        for p in s.people.values() {
            let cap = grid.capacity(p);
            for (i, d) in days(from, to).enumerate() {
                assert_eq!(cap[i], capacity_on(&s, p, d), "{} on {d}", p.id);
            }
        }
        let a = &s.people[&crate::domain::Id::from("a")];
        // a works 5h on Thursdays, 4h on Fridays: 5 - 4 = 1, then 4 - 4 - 2.5 is nothing
        assert_eq!(capacity_on(&s, a, date("2026-03-05")), 1.0);
        assert_eq!(capacity_on(&s, a, date("2026-03-06")), 0.0);
        assert_eq!(placeholder_capacity_on(&s, date("2026-03-06")), 5.5);
        let ph = grid.placeholder_capacity();
        for (i, d) in days(from, to).enumerate() {
            assert_eq!(ph[i], placeholder_capacity_on(&s, d), "placeholder on {d}");
        }
    }
}
