//! Dates and capacity: the one place that says how many hours a person has on a day
//! and how many an allocation books there.

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

/// Whether a time-off entry covers `d` for `person` (team-wide entries cover everyone).
pub fn is_off(entry: &TimeOff, person_id: Option<&super::Id>, d: NaiveDate) -> bool {
    entry.start <= d
        && d <= entry.end
        && (entry.person_id.is_none() || entry.person_id.as_ref() == person_id)
}

/// A person's capacity in hours on `d`: their weekly hours for that weekday, or 0 on a
/// day off or outside their employment.
pub fn capacity_on(schedule: &Schedule, person: &Person, d: NaiveDate) -> f64 {
    if !employed(person, d) {
        return 0.0;
    }
    if schedule
        .timeoff
        .values()
        .any(|t| is_off(t, Some(&person.id), d))
    {
        return 0.0;
    }
    person.weekly_hours[weekday_index(d)]
}

/// Hours an allocation books on `d`, given the person's capacity that day: its hours
/// per day on working days (capacity > 0) inside its range, nothing elsewhere.
/// Placeholders have no calendar of their own: they book on the team's working days
/// (Monday to Friday, except team-wide days off).
pub fn booked_on(allocation: &Allocation, capacity: f64, d: NaiveDate) -> f64 {
    if d < allocation.start || d > allocation.end || capacity <= 0.0 {
        0.0
    } else {
        allocation.hours_per_day
    }
}

/// The capacity a placeholder row has on `d`: a standard working day unless it is a
/// weekend or a team-wide day off.
pub fn placeholder_capacity_on(schedule: &Schedule, d: NaiveDate) -> f64 {
    if weekday_index(d) >= 5
        || schedule
            .timeoff
            .values()
            .any(|t| is_off(t, None, d) && t.person_id.is_none())
    {
        0.0
    } else {
        8.0
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
}
