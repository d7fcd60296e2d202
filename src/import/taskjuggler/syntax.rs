//! The `.tjp` syntax: tokens (words, strings, braces, commas; comments dropped) and
//! statements (a keyword, its arguments and its block), with their line numbers, and
//! the values inside them (dates, durations, working hours).

use crate::{AppError, Result};
use chrono::NaiveDate;

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Tok {
    Word(String),
    Str(String),
    Open,
    Close,
    Comma,
}

/// Splits the file into tokens with their line numbers.
pub(super) fn tokens(text: &str) -> Result<Vec<(Tok, usize)>> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let (mut i, mut line) = (0, 1);
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            c if c.is_whitespace() => i += 1,
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                while i < chars.len() && !(chars[i] == '*' && chars.get(i + 1) == Some(&'/')) {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
                i += 2;
            }
            '"' | '\'' => {
                let start_line = line;
                let mut s = String::new();
                i += 1;
                while i < chars.len() && chars[i] != c {
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    s.push(chars[i]);
                    i += 1;
                }
                if i >= chars.len() {
                    return Err(AppError::Invalid(format!(
                        "Line {start_line}: a string is never closed"
                    )));
                }
                i += 1;
                out.push((Tok::Str(s), start_line));
            }
            '{' => {
                out.push((Tok::Open, line));
                i += 1;
            }
            '}' => {
                out.push((Tok::Close, line));
                i += 1;
            }
            ',' => {
                out.push((Tok::Comma, line));
                i += 1;
            }
            _ => {
                let mut w = String::new();
                while i < chars.len() && !chars[i].is_whitespace() && !"{},\"'#".contains(chars[i])
                {
                    w.push(chars[i]);
                    i += 1;
                }
                out.push((Tok::Word(w), line));
            }
        }
    }
    Ok(out)
}

/// One statement: its keyword, arguments, block and line.
#[derive(Clone, Debug)]
pub(super) struct Stmt {
    pub(super) keyword: String,
    pub(super) args: Vec<Tok>,
    pub(super) body: Vec<Stmt>,
    pub(super) line: usize,
}

const KEYWORDS: &[&str] = &[
    "project",
    "resource",
    "task",
    "effort",
    "duration",
    "length",
    "depends",
    "precedes",
    "allocate",
    "alternative",
    "priority",
    "start",
    "maxend",
    "vacation",
    "workinghours",
    "dailyworkinghours",
    "efficiency",
    "timezone",
    "now",
    "currency",
    "timeformat",
    "include",
    "macro",
    "flags",
    "note",
    "milestone",
    "end",
    "scheduling",
    "leaves",
    "account",
    "chargeset",
    "charge",
    "journalentry",
    "complete",
    "responsible",
    "shift",
    "rate",
    "limits",
    "taskreport",
    "resourcereport",
    "textreport",
    "tracereport",
    "export",
    "navigator",
    "icalreport",
    "statussheet",
    "timesheet",
    "supplement",
    "extend",
    "scenario",
    "weekstartsmonday",
    "weekstartssunday",
    "yearlyworkingdays",
    "outputdir",
    "copyright",
    "rate",
    "minend",
    "maxstart",
    "minstart",
    "select",
    "persistent",
    "mandatory",
    "columns",
    "formats",
    "headline",
    "hideresource",
    "hidetask",
    "loadunit",
    "sorttasks",
    "sortresources",
    "period",
    "balance",
    "email",
];

pub(super) fn parse(toks: &[(Tok, usize)], i: &mut usize, depth: usize) -> Result<Vec<Stmt>> {
    let mut out = Vec::new();
    while *i < toks.len() {
        let (tok, line) = &toks[*i];
        match tok {
            Tok::Close if depth > 0 => {
                *i += 1;
                return Ok(out);
            }
            Tok::Close => {
                return Err(AppError::Invalid(format!(
                    "Line {line}: a '}}' closes nothing"
                )));
            }
            Tok::Word(k) => {
                let keyword = k.clone();
                let line = *line;
                *i += 1;
                let mut args = Vec::new();
                while *i < toks.len() {
                    // A word opening a later line opens the next statement: a keyword
                    // always, any other name unless the line before ended in a comma (an
                    // argument list going on, as in `booking ann ..., \n ...`).
                    let continues = matches!(toks.get(*i - 1), Some((Tok::Comma, _)));
                    match &toks[*i].0 {
                        Tok::Word(w)
                            if toks[*i].1 != line
                                && (KEYWORDS.contains(&w.as_str())
                                    || (!continues
                                        && w.starts_with(|c: char| c.is_ascii_alphabetic()))) =>
                        {
                            break;
                        }
                        Tok::Open | Tok::Close => break,
                        t => {
                            args.push(t.clone());
                            *i += 1;
                        }
                    }
                }
                let mut body = Vec::new();
                if *i < toks.len() && toks[*i].0 == Tok::Open {
                    *i += 1;
                    body = parse(toks, i, depth + 1)?;
                }
                out.push(Stmt {
                    keyword,
                    args,
                    body,
                    line,
                });
            }
            other => {
                return Err(AppError::Invalid(format!(
                    "Line {line}: unexpected {other:?}"
                )));
            }
        }
    }
    if depth > 0 {
        return Err(AppError::Invalid("A '{' is never closed".into()));
    }
    Ok(out)
}

pub(super) fn word(t: &Tok) -> Option<&str> {
    match t {
        Tok::Word(w) | Tok::Str(w) => Some(w),
        _ => None,
    }
}

pub(super) fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

/// `5d`, `40h`, `2w`, `1.5m`: hours, with `daily` hours a day.
pub(super) fn hours(s: &str, daily: f64) -> Option<f64> {
    let split = s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: f64 = n.parse().ok()?;
    Some(match unit {
        "min" => n / 60.0,
        "h" => n,
        "d" | "" => n * daily,
        "w" => n * daily * 5.0,
        "m" => n * daily * 20.0,
        "y" => n * daily * 260.0,
        _ => return None,
    })
}

/// Hours per weekday from `workinghours mon-fri 9:00-12:00, 13:00-17:00` lines.
pub(super) fn working_hours(args: &[Tok], week: &mut [f64; 7]) -> bool {
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let words: Vec<&str> = args.iter().filter_map(word).collect();
    let Some(days) = words.first() else {
        return false;
    };
    let mut which = [false; 7];
    for part in days.split(',') {
        let (a, b) = part.split_once('-').unwrap_or((part, part));
        let (Some(a), Some(b)) = (
            DAYS.iter().position(|d| *d == a),
            DAYS.iter().position(|d| *d == b),
        ) else {
            return false;
        };
        (a..=b).for_each(|d| which[d] = true);
    }
    // The spans after the days, comma-separated; TaskJuggler's export writes
    // `9:00 - 17:00` with spaces, a person `9:00-17:00`.
    let mut spans: Vec<String> = vec![String::new()];
    let mut seen_days = false;
    for t in args {
        match t {
            Tok::Comma => spans.push(String::new()),
            t => {
                if let Some(w) = word(t) {
                    if !seen_days {
                        seen_days = true;
                        continue;
                    }
                    if let Some(last) = spans.last_mut() {
                        last.push_str(w);
                    }
                }
            }
        }
    }
    let mut total = 0.0;
    for span in spans.iter().filter(|s| !s.is_empty()) {
        if span == "off" {
            continue;
        }
        let Some((from, to)) = span.split_once('-') else {
            return false;
        };
        let minutes = |t: &str| -> Option<f64> {
            let (h, m) = t.split_once(':')?;
            Some(h.parse::<f64>().ok()? * 60.0 + m.parse::<f64>().ok()?)
        };
        let (Some(f), Some(t)) = (minutes(from), minutes(to)) else {
            return false;
        };
        total += (t - f).max(0.0) / 60.0;
    }
    for (d, on) in which.iter().enumerate() {
        if *on {
            week[d] = total;
        }
    }
    true
}
