//! Parser for PSPLIB single-mode `.sm` files.

use super::{Instance, ParseError};

/// Largest accepted value of a duration, demand or capacity.
const MAX_VALUE: u64 = 1_000_000;

struct Lines<'a> {
    lines: Vec<&'a str>,
}

impl<'a> Lines<'a> {
    /// 0-based index of the first line whose trimmed text starts with `head`.
    fn find(&self, head: &str) -> Option<usize> {
        self.lines
            .iter()
            .position(|l| l.trim_start().starts_with(head))
    }

    fn get(&self, i: usize) -> Option<&'a str> {
        self.lines.get(i).copied()
    }
}

fn err(line: usize, msg: impl Into<String>) -> ParseError {
    ParseError::new(Some(line + 1), msg)
}

/// Parses whitespace-separated non-negative integers; `what` names the data.
fn ints(line: &str, idx: usize, what: &str) -> Result<Vec<u64>, ParseError> {
    line.split_whitespace()
        .map(|tok| {
            tok.parse::<u64>().map_err(|_| {
                err(
                    idx,
                    format!("expected a non-negative integer in {what}, found '{tok}'"),
                )
            })
        })
        .collect()
}

/// The integer after the colon of a `name : value` header line.
fn header_value(lines: &Lines<'_>, head: &str, required: bool) -> Result<Option<u64>, ParseError> {
    let Some(i) = lines.find(head) else {
        if required {
            return Err(ParseError::new(
                None,
                format!("missing the '{head} ... : N' line"),
            ));
        }
        return Ok(None);
    };
    let line = lines.lines[i];
    let tail = line.split_once(':').map(|(_, t)| t).unwrap_or("");
    let tok = tail.split_whitespace().next().ok_or_else(|| {
        err(
            i,
            format!("expected a number after ':' in the '{head}' line"),
        )
    })?;
    tok.parse::<u64>().map(Some).map_err(|_| {
        err(
            i,
            format!("expected a number after ':' in the '{head}' line, found '{tok}'"),
        )
    })
}

/// Index of the first data line after the section header `head`: header and
/// ruler lines (those not starting with a digit) are skipped.
fn section(lines: &Lines<'_>, head: &str) -> Result<usize, ParseError> {
    let h = lines
        .find(head)
        .ok_or_else(|| ParseError::new(None, format!("missing the '{head}' section")))?;
    let mut i = h + 1;
    while let Some(l) = lines.get(i) {
        let t = l.trim_start();
        if t.starts_with(|c: char| c.is_ascii_digit()) {
            return Ok(i);
        }
        if t.starts_with("***") || i > h + 3 {
            break;
        }
        i += 1;
    }
    Err(err(
        i.min(lines.lines.len().saturating_sub(1)),
        format!("expected data after the '{head}' header"),
    ))
}

fn data_line<'a>(
    lines: &Lines<'a>,
    i: usize,
    section: &str,
    job: usize,
    layout: &str,
) -> Result<&'a str, ParseError> {
    match lines.get(i) {
        Some(l) if !l.trim_start().starts_with('*') && !l.trim().is_empty() => Ok(l),
        Some(l) => Err(err(
            i,
            format!(
                "expected job {job} in {section} ({layout}), found '{}'",
                l.trim()
            ),
        )),
        None => Err(err(
            i,
            format!("unexpected end of file: expected job {job} in {section} ({layout})"),
        )),
    }
}

fn small(v: u64, idx: usize, what: &str) -> Result<u32, ParseError> {
    if v > MAX_VALUE {
        return Err(err(
            idx,
            format!("{what} {v} exceeds the supported maximum {MAX_VALUE}"),
        ));
    }
    Ok(v as u32)
}

/// Parses a PSPLIB single-mode RCPSP file (`.sm`): the job count, the
/// renewable resource count, the PRECEDENCE RELATIONS, REQUESTS/DURATIONS and
/// RESOURCEAVAILABILITIES sections.
///
/// Returns an error naming the line and what was expected on malformed
/// input, for multi-mode or non-renewable resources, on a precedence cycle,
/// or when a job demands more than a resource's capacity. Never panics.
pub fn parse_sm(text: &str) -> Result<Instance, ParseError> {
    let lines = Lines {
        lines: text.lines().collect(),
    };
    let n = header_value(&lines, "jobs (incl", true)?.unwrap_or(0);
    if n == 0 {
        return Err(ParseError::new(None, "the file declares 0 jobs"));
    }
    if n as usize > lines.lines.len() {
        let i = lines.find("jobs (incl").unwrap_or(0);
        return Err(err(
            i,
            format!(
                "the file declares {n} jobs but has only {} lines",
                lines.lines.len()
            ),
        ));
    }
    let n = n as usize;
    let k = header_value(&lines, "- renewable", true)?.unwrap_or(0);
    if k > 1000 {
        let i = lines.find("- renewable").unwrap_or(0);
        return Err(err(
            i,
            format!("{k} renewable resources is more than supported (1000)"),
        ));
    }
    let k = k as usize;
    for head in ["- nonrenewable", "- doubly constrained"] {
        if let Some(v) = header_value(&lines, head, false)?
            && v > 0
        {
            let i = lines.find(head).unwrap_or(0);
            return Err(err(
                i,
                format!(
                    "only renewable resources are supported, found {v} {}",
                    &head[2..]
                ),
            ));
        }
    }

    // PRECEDENCE RELATIONS: jobnr #modes #successors successors...
    let p0 = section(&lines, "PRECEDENCE RELATIONS:")?;
    let layout = "jobnr #modes #successors successors...";
    let mut successors = Vec::with_capacity(n);
    for j in 0..n {
        let i = p0 + j;
        let l = data_line(&lines, i, "PRECEDENCE RELATIONS", j + 1, layout)?;
        let v = ints(l, i, "PRECEDENCE RELATIONS")?;
        if v.len() < 3 {
            return Err(err(
                i,
                format!("expected at least 3 numbers ({layout}), found {}", v.len()),
            ));
        }
        if v[0] != (j + 1) as u64 {
            return Err(err(
                i,
                format!("expected job number {}, found {}", j + 1, v[0]),
            ));
        }
        if v[1] != 1 {
            return Err(err(
                i,
                format!(
                    "job {} has {} modes: only single-mode files are supported",
                    j + 1,
                    v[1]
                ),
            ));
        }
        if v[2] != (v.len() - 3) as u64 {
            return Err(err(
                i,
                format!(
                    "job {} declares {} successors but lists {}",
                    j + 1,
                    v[2],
                    v.len() - 3
                ),
            ));
        }
        let mut list = Vec::with_capacity(v.len() - 3);
        for &s in &v[3..] {
            if s == 0 || s > n as u64 {
                return Err(err(
                    i,
                    format!(
                        "successor {s} of job {} is not a job number in 1..={n}",
                        j + 1
                    ),
                ));
            }
            list.push(s as usize - 1);
        }
        successors.push(list);
    }

    // REQUESTS/DURATIONS: jobnr mode duration R1..Rk
    let r0 = section(&lines, "REQUESTS/DURATIONS:")?;
    let layout = format!("jobnr mode duration and {k} resource demands");
    let mut durations = Vec::with_capacity(n);
    let mut demands = Vec::with_capacity(n);
    for j in 0..n {
        let i = r0 + j;
        let l = data_line(&lines, i, "REQUESTS/DURATIONS", j + 1, &layout)?;
        let v = ints(l, i, "REQUESTS/DURATIONS")?;
        if v.len() != 3 + k {
            return Err(err(
                i,
                format!("expected {} numbers ({layout}), found {}", 3 + k, v.len()),
            ));
        }
        if v[0] != (j + 1) as u64 {
            return Err(err(
                i,
                format!("expected job number {}, found {}", j + 1, v[0]),
            ));
        }
        if v[1] != 1 {
            return Err(err(
                i,
                format!("expected mode 1 for job {}, found {}", j + 1, v[1]),
            ));
        }
        durations.push(small(v[2], i, "duration")?);
        let row = v[3..]
            .iter()
            .map(|&a| small(a, i, "demand"))
            .collect::<Result<Vec<u32>, _>>()?;
        demands.push(row);
    }

    // RESOURCEAVAILABILITIES: one line of k capacities.
    let a0 = section(&lines, "RESOURCEAVAILABILITIES:")?;
    let l = lines.get(a0).unwrap_or("");
    let v = ints(l, a0, "RESOURCEAVAILABILITIES")?;
    if v.len() != k {
        return Err(err(
            a0,
            format!("expected {k} resource capacities, found {}", v.len()),
        ));
    }
    let caps = v
        .iter()
        .map(|&c| small(c, a0, "capacity"))
        .collect::<Result<Vec<u32>, _>>()?;
    Instance::new(durations, successors, demands, caps)
}
