//! Hand-computed examples over one small team.
//!
//! The week of Monday 2026-03-02 .. Sunday 2026-03-08, Tuesday 03-03 a team holiday.
//! - Pat (Developer) works Mon-Wed 8h ([8,8,8,0,0,0,0]). A1: confirmed 6h/day
//!   03-02..03-06 on P; A2: tentative 4h on Wed 03-04 on P.
//!   Capacity Mon 8 + Wed 8 = 16; scheduled 6 + 6 = 12; tentative 4; unscheduled 2 + 2
//!   = 4; utilisation 0.75. Wed is overbooked counting tentative: 10 > 8, so
//!   overbooked 2, free 2 (Monday), tentative utilisation 0.25.
//! - Sam (Designer), 8h Mon-Fri, employed from Tue 03-03, off Thu 03-05. B1: confirmed
//!   10h/day 03-02..03-08 on P. Capacity Wed 8 + Fri 8 = 16; scheduled 10 + 10 = 20;
//!   overbooked 2 + 2 = 4; unscheduled 0; utilisation 1.25.
//! - A placeholder "Designer" 8h/day 03-02..03-06 on the lead L (probability 10):
//!   Mon, Wed, Thu, Fri = 32h.
//! - Archived Ann has a booking; she is left out unless asked.

use super::fixtures::*;
use super::*;
use crate::domain::schedule::Actual;
use serde_json::json;

fn example() -> Schedule {
    let mut s = team();
    person(
        &mut s,
        "pat",
        "Pat",
        json!({"role": "Developer", "weekly_hours": [8,8,8,0,0,0,0]}),
    );
    person(
        &mut s,
        "sam",
        "Sam",
        json!({"role": "Designer", "start_date": "2026-03-03"}),
    );
    person(&mut s, "ann", "Ann", json!({"archived": true}));
    project(&mut s, "P", "active", 100, Some(100.0));
    project(&mut s, "L", "lead", 10, None);
    off(&mut s, "h1", None, "2026-03-03", "2026-03-03");
    off(&mut s, "o1", Some("sam"), "2026-03-05", "2026-03-05");
    alloc(
        &mut s,
        "A1",
        "P",
        "pat",
        "2026-03-02",
        "2026-03-06",
        6.0,
        false,
    );
    alloc(
        &mut s,
        "A2",
        "P",
        "pat",
        "2026-03-04",
        "2026-03-04",
        4.0,
        true,
    );
    alloc(
        &mut s,
        "B1",
        "P",
        "sam",
        "2026-03-02",
        "2026-03-08",
        10.0,
        false,
    );
    alloc(
        &mut s,
        "C1",
        "L",
        "role:Designer",
        "2026-03-02",
        "2026-03-06",
        8.0,
        false,
    );
    alloc(
        &mut s,
        "X1",
        "P",
        "ann",
        "2026-03-02",
        "2026-03-02",
        8.0,
        false,
    );
    s
}

fn figures(c: f64, s: f64, t: f64, u: f64, o: f64, util: Option<f64>) -> utilisation::Figures {
    utilisation::Figures {
        capacity_hours: c,
        scheduled_hours: s,
        tentative_hours: t,
        unscheduled_hours: u,
        overbooked_hours: o,
        utilisation: util,
        free_hours: (c - s - t + o).max(0.0),
        tentative_utilisation: (c > 0.0).then(|| t / c),
    }
}

#[test]
fn utilisation_by_hand() {
    let s = example();
    let r = utilisation(&s, date("2026-03-02"), date("2026-03-08"), None, false);
    let names: Vec<&str> = r.people.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Pat", "Sam"]);
    assert_eq!(
        r.people[0].figures,
        figures(16.0, 12.0, 4.0, 4.0, 2.0, Some(0.75))
    );
    assert_eq!(
        r.people[1].figures,
        figures(16.0, 20.0, 0.0, 0.0, 4.0, Some(1.25))
    );
    assert_eq!(r.totals, figures(32.0, 32.0, 4.0, 4.0, 6.0, Some(1.0)));
    assert!(r.people[0].periods.is_none());

    let with_archived = utilisation(&s, date("2026-03-02"), date("2026-03-08"), None, true);
    assert_eq!(with_archived.people[0].name, "Ann");
    // Ann: Mon-Fri less the holiday = 32h, 8 booked on Monday.
    assert_eq!(
        with_archived.people[0].figures,
        figures(32.0, 8.0, 0.0, 24.0, 0.0, Some(0.25))
    );
}

#[test]
fn utilisation_zero_capacity_is_null() {
    let s = example();
    // The weekend: nobody works.
    let r = utilisation(&s, date("2026-03-07"), date("2026-03-08"), None, false);
    assert_eq!(r.people[0].figures, figures(0.0, 0.0, 0.0, 0.0, 0.0, None));
    assert_eq!(r.totals.utilisation, None);
}

#[test]
fn weekly_and_monthly_periods() {
    let s = example();
    let r = utilisation(
        &s,
        date("2026-02-25"),
        date("2026-03-10"),
        Some(Interval::Week),
        false,
    );
    let pat = r.people[0].periods.as_ref().unwrap();
    let bounds: Vec<(String, String)> = pat
        .iter()
        .map(|p| (p.start.to_string(), p.end.to_string()))
        .collect();
    assert_eq!(
        bounds,
        [
            ("2026-02-25".into(), "2026-03-01".into()),
            ("2026-03-02".into(), "2026-03-08".into()),
            ("2026-03-09".into(), "2026-03-10".into())
        ]
    );
    // Pat: Wed 02-25 only (8h, nothing booked); the example week; Mon+Tue 03-09/10 (16h).
    assert_eq!(pat[0].figures, figures(8.0, 0.0, 0.0, 8.0, 0.0, Some(0.0)));
    assert_eq!(
        pat[1].figures,
        figures(16.0, 12.0, 4.0, 4.0, 2.0, Some(0.75))
    );
    assert_eq!(
        pat[2].figures,
        figures(16.0, 0.0, 0.0, 16.0, 0.0, Some(0.0))
    );
    assert_eq!(
        r.people[0].figures,
        figures(40.0, 12.0, 4.0, 28.0, 2.0, Some(0.3))
    );

    let m = utilisation(
        &s,
        date("2026-02-25"),
        date("2026-03-10"),
        Some(Interval::Month),
        false,
    );
    let pat = m.people[0].periods.as_ref().unwrap();
    assert_eq!(
        (pat[0].start, pat[0].end),
        (date("2026-02-25"), date("2026-02-28"))
    );
    assert_eq!(
        (pat[1].start, pat[1].end),
        (date("2026-03-01"), date("2026-03-10"))
    );
    assert_eq!(pat[0].figures.capacity_hours, 8.0);
    assert_eq!(pat[1].figures.capacity_hours, 32.0);
    // Sam is not employed before 03-03.
    let sam = m.people[1].periods.as_ref().unwrap();
    assert_eq!(sam[0].figures, figures(0.0, 0.0, 0.0, 0.0, 0.0, None));
}

#[test]
fn periods_cover_the_range_exactly() {
    for (from, to) in [
        ("2026-01-01", "2026-12-31"),
        ("2024-02-29", "2024-03-01"),
        ("2026-03-02", "2026-03-02"),
    ] {
        for iv in [Interval::Week, Interval::Month] {
            let ps = utilisation::periods(date(from), date(to), iv);
            assert_eq!(ps.first().unwrap().0, date(from));
            assert_eq!(ps.last().unwrap().1, date(to));
            for w in ps.windows(2) {
                assert_eq!(w[0].1.succ_opt().unwrap(), w[1].0);
            }
        }
    }
    assert_eq!(
        utilisation::periods(date("2026-01-01"), date("2026-12-31"), Interval::Week).len(),
        53
    );
    assert_eq!(
        utilisation::periods(date("2026-01-01"), date("2026-12-31"), Interval::Month).len(),
        12
    );
}

#[test]
#[allow(clippy::type_complexity)]
fn overbooked_by_hand() {
    let s = example();
    let r = overbooked(&s, date("2026-03-02"), date("2026-03-08"));
    let days: Vec<(&str, String, f64, f64, f64, Vec<&str>)> = r
        .iter()
        .map(|d| {
            (
                d.name.as_str(),
                d.date.to_string(),
                d.capacity_hours,
                d.booked_hours,
                d.over_hours,
                d.allocations.iter().map(|a| a.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        days,
        [
            ("Pat", "2026-03-04".into(), 8.0, 10.0, 2.0, vec!["A1", "A2"]),
            ("Sam", "2026-03-04".into(), 8.0, 10.0, 2.0, vec!["B1"]),
            ("Sam", "2026-03-06".into(), 8.0, 10.0, 2.0, vec!["B1"]),
        ]
    );
}

#[test]
fn pipeline_by_hand() {
    let mut s = example();
    // A confirmed booking on a lost project still books Pat (as on the timeline), but
    // it is nobody's demand and weighs nothing.
    project(&mut s, "Z", "lost", 40, None);
    alloc(
        &mut s,
        "Z1",
        "Z",
        "pat",
        "2026-03-02",
        "2026-03-02",
        1.0,
        false,
    );
    let r = pipeline(&s, date("2026-03-02"), date("2026-03-08"));
    assert_eq!(r.weeks.len(), 1);
    let w = &r.weeks[0];
    assert_eq!(w.capacity_hours, 32.0);
    assert_eq!(w.confirmed_hours, 33.0);
    assert_eq!(w.tentative_hours, 4.0);
    // (12 + 20 + 4) × 1 + 32 × 0.1
    assert_eq!(w.weighted_hours, 39.2);
    assert_eq!(
        w.placeholder_hours_by_role,
        [("Designer".to_string(), 32.0)].into()
    );
    // Developer: 16 − (12 + 4); Designer: 16 − (20 + 32).
    assert_eq!(
        w.gap_by_role,
        [
            ("Designer".to_string(), -36.0),
            ("Developer".to_string(), 0.0)
        ]
        .into()
    );
}

#[test]
fn pipeline_counts_lead_work_as_booked_and_weighs_it() {
    let mut s = example();
    alloc(
        &mut s,
        "L1",
        "L",
        "pat",
        "2026-03-09",
        "2026-03-09",
        5.0,
        false,
    );
    let r = pipeline(&s, date("2026-03-09"), date("2026-03-15"));
    let w = &r.weeks[0];
    assert_eq!(
        (w.confirmed_hours, w.tentative_hours, w.weighted_hours),
        (5.0, 0.0, 0.5)
    );
    // Pat (Mon-Wed) and Sam (Mon-Fri): 24 + 40.
    assert_eq!(w.capacity_hours, 64.0);
}

#[test]
fn project_summary_by_hand() {
    let mut s = example();
    let actual = Actual {
        version: 0,
        id: "ac1".into(),
        team_id: "t".into(),
        person_id: "pat".into(),
        project_id: "P".into(),
        date: date("2026-03-02"),
        hours: 5.0,
        note: None,
    };
    s.actuals.insert(actual.id.clone(), actual);
    let r = project_summary(&s, &"P".into()).unwrap();
    // A1 12 + B1 20 + archived Ann's X1 8 (history counts); A2 tentative 4.
    assert_eq!(r.scheduled_hours, 40.0);
    assert_eq!(r.tentative_hours, 4.0);
    assert_eq!(r.budget_hours, Some(100.0));
    assert_eq!(r.remaining_hours, Some(60.0));
    assert_eq!(r.actual_hours, 5.0);
    let lead = project_summary(&s, &"L".into()).unwrap();
    assert_eq!((lead.scheduled_hours, lead.remaining_hours), (32.0, None));
    assert!(project_summary(&s, &"nope".into()).is_none());

    let a = actuals_report(&s, date("2026-03-02"), date("2026-03-08"));
    let p = a.projects.iter().find(|p| p.id.as_str() == "P").unwrap();
    assert_eq!(
        (
            p.planned_hours,
            p.tentative_hours,
            p.actual_hours,
            p.variance_hours
        ),
        (40.0, 4.0, 5.0, -35.0)
    );
    let pat = a.people.iter().find(|p| p.name == "Pat").unwrap();
    assert_eq!(
        (
            pat.planned_hours,
            pat.tentative_hours,
            pat.actual_hours,
            pat.variance_hours
        ),
        (12.0, 4.0, 5.0, -7.0)
    );
    assert_eq!(a.totals.planned_hours, 40.0);
    assert_eq!(a.totals.actual_hours, 5.0);
    // Placeholders plan no one's hours, so L is not in the per-project list.
    assert!(a.projects.iter().all(|p| p.id.as_str() != "L"));
}

#[test]
fn ranges_are_checked() {
    assert!(parse_range(Some("2026-01-01"), Some("2026-01-01")).is_ok());
    let err = |f: Option<&str>, t: Option<&str>| parse_range(f, t).unwrap_err().to_string();
    assert!(err(None, Some("2026-01-01")).starts_with("from:"));
    assert!(err(Some("2026-01-02"), Some("2026-01-01")).starts_with("to:"));
    assert!(err(Some("2026-01-01"), Some("2029-01-06")).starts_with("to:"));
    assert!(parse_range(Some("2026-01-01"), Some("2029-01-04")).is_ok()); // 1100 days
    assert!(err(Some("2026-1-1"), Some("2026-01-02")).starts_with("from:"));
    assert!(err(Some("2026-02-30"), Some("2026-03-02")).starts_with("from:"));
    assert!(err(Some("junk"), Some("2026-03-02")).starts_with("from:"));
    assert!(err(Some("1900-01-01"), Some("1900-01-02")).starts_with("from:"));
}

#[test]
fn csv_quotes_and_neutralises_formulas() {
    assert_eq!(utilisation::csv_cell("plain"), "plain");
    assert_eq!(utilisation::csv_cell("Smith, Ann"), "\"Smith, Ann\"");
    assert_eq!(utilisation::csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
    assert_eq!(utilisation::csv_cell("=SUM(A1)"), "'=SUM(A1)");
    assert_eq!(utilisation::csv_cell("-1+2"), "'-1+2");
    assert_eq!(utilisation::csv_cell("@x,y"), "\"'@x,y\"");
    let mut s = example();
    person(&mut s, "eve", "=HYPERLINK(\"x\"), Eve", json!({}));
    let r = utilisation(&s, date("2026-03-02"), date("2026-03-08"), None, false);
    let csv = utilisation_csv(&r, false);
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "person_id,name,capacity_hours,scheduled_hours,tentative_hours,unscheduled_hours,overbooked_hours,utilisation,free_hours,tentative_utilisation"
    );
    assert_eq!(
        lines[1],
        "eve,\"'=HYPERLINK(\"\"x\"\"), Eve\",32,0,0,32,0,0,32,0"
    );
    assert_eq!(lines[2], "pat,Pat,16,12,4,4,2,0.75,2,0.25");
    assert_eq!(lines[3], "sam,Sam,16,20,0,0,4,1.25,0,0");
    assert_eq!(lines[4], "");
    let weekly = utilisation(
        &s,
        date("2026-03-07"),
        date("2026-03-09"),
        Some(Interval::Week),
        false,
    );
    let csv = utilisation_csv(&weekly, true);
    let lines: Vec<&str> = csv.split("\r\n").collect();
    assert!(lines[0].starts_with("person_id,name,period_start,period_end,capacity_hours"));
    assert_eq!(lines.len(), 1 + 3 * 2 + 1);
    assert_eq!(lines[3], "pat,Pat,2026-03-07,2026-03-08,0,0,0,0,0,,0,");
}

#[test]
fn ical_by_hand() {
    let mut s = example();
    std::sync::Arc::make_mut(s.allocations.get_mut(&Id::from("A1")).unwrap()).note =
        Some("Kick-off; bring laptop, charger\nand \\ notes".into());
    let cal = ical(&s, &"pat".into(), 1_772_409_600).unwrap(); // 2026-03-02T00:00:00Z
    assert!(cal.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
    assert!(cal.ends_with("END:VCALENDAR\r\n"));
    assert!(!cal.replace("\r\n", "").contains('\n'));
    for line in cal.split("\r\n") {
        assert!(line.len() <= 75, "{line}");
    }
    let unfolded = cal.replace("\r\n ", "");
    assert!(unfolded.contains(
        "BEGIN:VEVENT\r\nUID:A1@kronuz\r\nDTSTAMP:20260302T000000Z\r\nDTSTART;VALUE=DATE:20260302\r\nDTEND;VALUE=DATE:20260307\r\nSUMMARY:Project P — 6h/day\r\nSTATUS:CONFIRMED\r\n"
    ));
    assert!(
        unfolded.contains("DESCRIPTION:Kick-off\\; bring laptop\\, charger\\nand \\\\ notes\r\n")
    );
    assert!(unfolded.contains("SUMMARY:Project P — 4h/day (tentative)\r\nSTATUS:TENTATIVE"));
    assert!(unfolded.contains("UID:h1@kronuz"));
    assert!(unfolded.contains("SUMMARY:Holiday\r\n"));
    assert!(!unfolded.contains("UID:o1@kronuz")); // Sam's day off
    assert!(!unfolded.contains("UID:B1@kronuz"));
    assert_eq!(unfolded.matches("BEGIN:VEVENT").count(), 3);
    assert!(ical(&s, &"nobody".into(), 0).is_none());
}

#[test]
fn ical_folds_at_75_octets_between_characters() {
    let mut out = String::new();
    let long = format!("SUMMARY:{}", "é".repeat(100));
    ical::push_line(&mut out, &long);
    let lines: Vec<&str> = out.trim_end_matches("\r\n").split("\r\n").collect();
    assert!(lines.len() > 1);
    assert!(lines.iter().all(|l| l.len() <= 75));
    assert!(lines[1..].iter().all(|l| l.starts_with(' ')));
    let joined: String = lines
        .iter()
        .enumerate()
        .map(|(i, l)| if i == 0 { *l } else { &l[1..] })
        .collect();
    assert_eq!(joined, long);
}

/// The large fixture (what `cargo bench --bench reports` times) gives sane figures.
#[test]
fn a_large_team_adds_up() {
    let s = large(200, 10_000, 300);
    let r = utilisation(
        &s,
        date("2026-01-01"),
        date("2026-12-31"),
        Some(Interval::Week),
        false,
    );
    assert_eq!(r.people.len(), 200);
    assert!(
        r.people
            .iter()
            .all(|p| p.periods.as_ref().is_some_and(|ps| ps.len() == 53))
    );
    assert!(r.totals.scheduled_hours > 0.0);
    assert_eq!(
        pipeline(&s, date("2026-01-01"), date("2026-12-31"))
            .weeks
            .len(),
        53
    );
}
