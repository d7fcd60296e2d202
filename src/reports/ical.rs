//! A person's calendar feed as iCalendar (RFC 5545): one all-day event per allocation
//! and per day off (their own and the team's holidays).

use crate::domain::{Id, Schedule, Timestamp};
use chrono::NaiveDate;

/// Escapes TEXT (RFC 5545 3.3.11): backslash, `;`, `,` and line breaks; other control
/// characters are dropped.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line folded at 75 octets (never inside a UTF-8 character), CRLF.
pub fn push_line(out: &mut String, line: &str) {
    let mut rest = line;
    let mut limit = 75;
    loop {
        if rest.len() <= limit {
            out.push_str(rest);
            out.push_str("\r\n");
            return;
        }
        let mut cut = limit;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        limit = 74; // the leading space counts
    }
}

fn date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

fn amount(h: f64) -> String {
    let r = (h * 100.0).round() / 100.0;
    format!("{r}")
}

/// The calendar of `person_id`, or `None` when the team has no such person. `now` is
/// the events' DTSTAMP (seconds since the epoch).
pub fn ical(schedule: &Schedule, person_id: &Id, now: Timestamp) -> Option<String> {
    let person = schedule.people.get(person_id)?;
    let stamp = chrono::DateTime::from_timestamp(now, 0)
        .unwrap_or_default()
        .format("%Y%m%dT%H%M%SZ")
        .to_string();
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//kronuz//kronuz schedule//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        push_line(&mut out, line);
    }
    push_line(
        &mut out,
        &format!(
            "X-WR-CALNAME:{}",
            escape_text(&format!("{} (kronuz)", person.name))
        ),
    );
    let event = |out: &mut String,
                 uid: &Id,
                 start: NaiveDate,
                 end: NaiveDate,
                 summary: &str,
                 extra: &[String]| {
        push_line(out, "BEGIN:VEVENT");
        push_line(out, &format!("UID:{uid}@kronuz"));
        push_line(out, &format!("DTSTAMP:{stamp}"));
        push_line(out, &format!("DTSTART;VALUE=DATE:{}", date(start)));
        let after = end.succ_opt().unwrap_or(end);
        push_line(out, &format!("DTEND;VALUE=DATE:{}", date(after)));
        push_line(out, &format!("SUMMARY:{}", escape_text(summary)));
        for line in extra {
            push_line(out, line);
        }
        push_line(out, "END:VEVENT");
    };
    let mut allocations: Vec<_> = schedule
        .allocations
        .values()
        .filter(|a| a.person_id.as_ref() == Some(person_id))
        .collect();
    allocations.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.id.cmp(&b.id)));
    for a in allocations {
        let project = schedule
            .projects
            .get(&a.project_id)
            .map_or("Project", |p| p.name.as_str());
        let mut summary = format!("{project} — {}h/day", amount(a.hours_per_day));
        if a.tentative {
            summary.push_str(" (tentative)");
        }
        let mut extra = vec![
            format!(
                "STATUS:{}",
                if a.tentative {
                    "TENTATIVE"
                } else {
                    "CONFIRMED"
                }
            ),
            "TRANSP:TRANSPARENT".to_string(),
        ];
        if let Some(note) = &a.note {
            extra.push(format!("DESCRIPTION:{}", escape_text(note)));
        }
        event(&mut out, &a.id, a.start, a.end, &summary, &extra);
    }
    let mut off: Vec<_> = schedule
        .timeoff
        .values()
        .filter(|t| t.counts())
        .filter(|t| t.person_id.is_none() || t.person_id.as_ref() == Some(person_id))
        .collect();
    off.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.id.cmp(&b.id)));
    for t in off {
        let what = t.kind.label();
        let summary = match &t.reason {
            Some(r) => format!("{what}: {r}"),
            None => what.to_string(),
        };
        event(
            &mut out,
            &t.id,
            t.start,
            t.end,
            &summary,
            &["TRANSP:OPAQUE".to_string()],
        );
    }
    push_line(&mut out, "END:VCALENDAR");
    Some(out)
}
