//! Validation: the problem checked and turned into internal units (minutes, indices),
//! with the ordering keys of the search.

use std::collections::HashMap;

use super::*;

/// The validated problem in internal units.
pub(super) struct Prepared {
    pub(super) h: usize,
    /// Free minutes per person and day before levelling, `p * h + d`.
    pub(super) base: Vec<u32>,
    pub(super) effort: Vec<u32>,
    pub(super) max_per_day: Vec<u32>,
    pub(super) may_split: Vec<bool>,
    pub(super) earliest: Vec<u32>,
    pub(super) deadline: Vec<Option<u32>>,
    /// Per task, the end (exclusive) of the days it may book: its latest finish + 1,
    /// at most the horizon.
    pub(super) end: Vec<usize>,
    pub(super) preds: Vec<Vec<(usize, u32)>>,
    pub(super) succs: Vec<Vec<usize>>,
    pub(super) qualified: Vec<Vec<usize>>,
    /// Per person, the number of tasks they qualify for: on equal finish,
    /// the less sought-after person is chosen.
    pub(super) demand: Vec<usize>,
    /// Own priority, raised to the highest of the successors.
    pub(super) prio: Vec<i64>,
    /// Latest finish day from a backward pass (ordering key).
    pub(super) lf: Vec<i64>,
    /// Per pinned task: its first person, first and last day, and bookings in
    /// minutes (every person's); already taken out of `base`.
    pub(super) pinned: Vec<Option<Pinned>>,
    /// Per task, how many people may share it (1: done by one person).
    pub(super) assignees: Vec<u32>,
    /// Per task, where an earlier plan put it: (person, start day).
    pub(super) previous: Vec<Option<(usize, u32)>>,
    /// Days on which anyone has capacity.
    pub(super) working: Vec<bool>,
    /// Per task, its class: tasks with the same qualified people share one.
    pub(super) class_of: Vec<usize>,
    /// Per class, its qualified people.
    pub(super) classes: Vec<Vec<usize>>,
    /// Per person, the classes they belong to.
    pub(super) classes_of: Vec<Vec<usize>>,
    /// Per class, one person of each distinct calendar (free minutes per day before
    /// levelling) among its people: no one of the class finishes a task earlier than
    /// it would alone on the fastest of these.
    pub(super) calendars: Vec<Vec<usize>>,
}

pub(super) struct Pinned {
    pub(super) person: usize,
    pub(super) start: u32,
    pub(super) finish: u32,
    /// (day, minutes), every person's, by day.
    pub(super) bookings: Vec<(u32, u32)>,
    /// (person, day) of every booking.
    pub(super) days: Vec<(usize, u32)>,
    /// Each person's bookings in minutes, in the order given.
    pub(super) parts: Vec<share::Part>,
}

pub(super) fn minutes_floor(h: f64) -> u32 {
    (h * UNIT + 1e-6).floor().clamp(0.0, u32::MAX as f64) as u32
}

pub(super) fn minutes_ceil(h: f64) -> u32 {
    (h * UNIT - 1e-6).ceil().clamp(0.0, u32::MAX as f64) as u32
}

pub(super) fn prepare(pb: &Problem) -> Result<Prepared, LevelError> {
    if pb.horizon_days == 0 || pb.horizon_days > MAX_HORIZON_DAYS {
        return Err(LevelError::InvalidHorizon(pb.horizon_days));
    }
    let h = pb.horizon_days as usize;
    let mut person_ix = HashMap::new();
    let mut base = Vec::with_capacity(pb.people.len() * h);
    for (i, p) in pb.people.iter().enumerate() {
        if person_ix.insert(p.id.as_str(), i).is_some() {
            return Err(LevelError::DuplicatePerson(p.id.clone()));
        }
        let bad = |message: String| LevelError::InvalidCalendar {
            person: p.id.clone(),
            message,
        };
        if p.capacity.len() != h {
            return Err(bad(format!(
                "capacity has {} days, the horizon {h}",
                p.capacity.len()
            )));
        }
        if !p.booked.is_empty() && p.booked.len() != h {
            return Err(bad(format!(
                "booked has {} days, the horizon {h}",
                p.booked.len()
            )));
        }
        for d in 0..h {
            let c = p.capacity[d];
            let b = p.booked.get(d).copied().unwrap_or(0.0);
            if !(0.0..=24.0).contains(&c) {
                return Err(bad(format!(
                    "capacity {c} on day {d} is not within 0..=24 hours"
                )));
            }
            if !b.is_finite() || b < 0.0 {
                return Err(bad(format!(
                    "booked {b} on day {d} is not a non-negative number"
                )));
            }
            base.push(minutes_floor(c).saturating_sub(minutes_ceil(b)));
        }
    }
    let n = pb.tasks.len();
    let mut task_ix = HashMap::new();
    for (i, t) in pb.tasks.iter().enumerate() {
        if task_ix.insert(t.id.as_str(), i).is_some() {
            return Err(LevelError::DuplicateTask(t.id.clone()));
        }
    }
    let mut effort = Vec::with_capacity(n);
    let mut max_per_day = Vec::with_capacity(n);
    let mut preds = Vec::with_capacity(n);
    let mut succs = vec![Vec::new(); n];
    let mut qualified = Vec::with_capacity(n);
    for (i, t) in pb.tasks.iter().enumerate() {
        if !t.effort_hours.is_finite() || t.effort_hours <= 0.0 || t.effort_hours > 1e7 {
            return Err(LevelError::InvalidEffort {
                task: t.id.clone(),
                effort: t.effort_hours,
            });
        }
        if t.assignees_max == 0 {
            return Err(LevelError::InvalidAssignees { task: t.id.clone() });
        }
        effort.push(minutes_ceil(t.effort_hours).max(1));
        max_per_day.push(match t.max_hours_per_day {
            None => u32::MAX,
            Some(m) if m.is_finite() && minutes_floor(m) >= 1 => minutes_floor(m),
            Some(m) => {
                return Err(LevelError::InvalidMaxHours {
                    task: t.id.clone(),
                    max_hours_per_day: m,
                });
            }
        });
        let mut ps = Vec::with_capacity(t.predecessors.len());
        for (pid, lag) in &t.predecessors {
            let Some(&p) = task_ix.get(pid.as_str()) else {
                return Err(LevelError::UnknownPredecessor {
                    task: t.id.clone(),
                    predecessor: pid.clone(),
                });
            };
            if p == i {
                return Err(LevelError::Cycle(vec![t.id.clone(), t.id.clone()]));
            }
            ps.push((p, *lag));
            succs[p].push(i);
        }
        preds.push(ps);
        qualified.push(match &t.person_id {
            Some(pid) => match person_ix.get(pid.as_str()) {
                Some(&p) => vec![p],
                None => {
                    return Err(LevelError::UnknownPerson {
                        task: t.id.clone(),
                        person: pid.clone(),
                    });
                }
            },
            None => pb
                .people
                .iter()
                .enumerate()
                .filter(|(_, p)| {
                    t.role.as_ref().is_none_or(|r| *r == p.role)
                        && t.skills.iter().all(|s| p.skills.contains(s))
                })
                .map(|(i, _)| i)
                .collect(),
        });
    }
    let topo = topo_order(pb, &preds, &succs)?;
    let mut working = vec![false; h];
    for p in &pb.people {
        for (w, &c) in working.iter_mut().zip(&p.capacity) {
            *w |= c > 0.0;
        }
    }
    let mut pinned = Vec::with_capacity(n);
    for t in &pb.tasks {
        if t.pinned.is_empty() {
            pinned.push(None);
            continue;
        }
        let mut bookings: Vec<(u32, u32)> = Vec::new();
        let mut days_of = Vec::new();
        let mut first_person = None;
        let mut parts: Vec<share::Part> = Vec::new();
        for (pid, days) in &t.pinned {
            let Some(&p) = person_ix.get(pid.as_str()) else {
                return Err(LevelError::UnknownPerson {
                    task: t.id.clone(),
                    person: pid.clone(),
                });
            };
            first_person.get_or_insert(p);
            let mut part = Vec::with_capacity(days.len());
            for &(d, hours) in days {
                if d as usize >= h || !hours.is_finite() || hours < 0.0 {
                    return Err(LevelError::InvalidPinned {
                        task: t.id.clone(),
                        message: format!("{hours} hours on day {d}"),
                    });
                }
                let m = minutes_ceil(hours);
                let cell = &mut base[p * h + d as usize];
                *cell = cell.saturating_sub(m);
                bookings.push((d, m));
                days_of.push((p, d));
                part.push((d, m));
            }
            part.sort_unstable();
            parts.push((p, part));
        }
        bookings.sort_unstable();
        let (Some(person), Some(&(start, _)), Some(&(finish, _))) =
            (first_person, bookings.first(), bookings.last())
        else {
            pinned.push(None);
            continue;
        };
        pinned.push(Some(Pinned {
            person,
            start,
            finish,
            bookings,
            days: days_of,
            parts,
        }));
    }
    let mut class_ix: HashMap<&[usize], usize> = HashMap::new();
    let mut classes: Vec<Vec<usize>> = Vec::new();
    let mut classes_of = vec![Vec::new(); pb.people.len()];
    let class_of = qualified
        .iter()
        .map(|q| {
            *class_ix.entry(q.as_slice()).or_insert_with(|| {
                for &p in q {
                    classes_of[p].push(classes.len());
                }
                classes.push(q.clone());
                classes.len() - 1
            })
        })
        .collect();
    let previous = pb
        .tasks
        .iter()
        .map(|t| {
            t.previous
                .as_ref()
                .and_then(|(pid, d)| person_ix.get(pid.as_str()).map(|&p| (p, *d)))
        })
        .collect();
    let mut demand = vec![0usize; pb.people.len()];
    for q in &qualified {
        for &p in q {
            demand[p] += 1;
        }
    }
    // Inherited priority and latest finish, in reverse topological order.
    let mut prio: Vec<i64> = pb.tasks.iter().map(|t| t.priority as i64).collect();
    let far = h as i64 * 2 + 1;
    let mut lf: Vec<i64> = pb
        .tasks
        .iter()
        .map(|t| t.deadline.map_or(far, |d| d as i64))
        .collect();
    for &j in topo.iter().rev() {
        // Days the task needs at its own pace, for the backward pass.
        let per_day = max_per_day[j].min(8 * 60) as i64;
        let days = (effort[j] as i64 + per_day - 1) / per_day;
        let ls = lf[j] - days + 1;
        for &(p, lag) in &preds[j] {
            prio[p] = prio[p].max(prio[j]);
            lf[p] = lf[p].min(ls - 1 - lag as i64);
        }
    }
    let calendars = calendars(&base, h, &classes);
    Ok(Prepared {
        h,
        base,
        effort,
        max_per_day,
        may_split: pb.tasks.iter().map(|t| t.may_split).collect(),
        earliest: pb.tasks.iter().map(|t| t.earliest_start).collect(),
        deadline: pb.tasks.iter().map(|t| t.deadline).collect(),
        end: pb
            .tasks
            .iter()
            .map(|t| t.latest_finish.map_or(h, |l| h.min(l as usize + 1)))
            .collect(),
        preds,
        succs,
        qualified,
        demand,
        prio,
        lf,
        pinned,
        assignees: pb.tasks.iter().map(|t| t.assignees_max).collect(),
        previous,
        working,
        calendars,
        class_of,
        classes,
        classes_of,
    })
}

/// Per class, one person of each distinct row of `base`.
fn calendars(base: &[u32], h: usize, classes: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut calendar_ix: HashMap<&[u32], usize> = HashMap::new();
    let calendar: Vec<usize> = base
        .chunks(h.max(1))
        .map(|row| {
            let next = calendar_ix.len();
            *calendar_ix.entry(row).or_insert(next)
        })
        .collect();
    classes
        .iter()
        .map(|q| {
            let mut seen = std::collections::HashSet::new();
            q.iter()
                .copied()
                .filter(|&p| seen.insert(calendar[p]))
                .collect()
        })
        .collect()
}

/// Kahn's algorithm; on a cycle, names it.
fn topo_order(
    pb: &Problem,
    preds: &[Vec<(usize, u32)>],
    succs: &[Vec<usize>],
) -> Result<Vec<usize>, LevelError> {
    let n = preds.len();
    let mut deg: Vec<usize> = preds.iter().map(|p| p.len()).collect();
    let mut stack: Vec<usize> = (0..n).rev().filter(|&j| deg[j] == 0).collect();
    let mut topo = Vec::with_capacity(n);
    while let Some(j) = stack.pop() {
        topo.push(j);
        for &s in succs[j].iter().rev() {
            deg[s] -= 1;
            if deg[s] == 0 {
                stack.push(s);
            }
        }
    }
    if topo.len() == n {
        return Ok(topo);
    }
    // Every task left has a predecessor left: walk back until a repeat.
    let mut j = (0..n).find(|&j| deg[j] > 0).unwrap_or(0);
    let mut seen = vec![usize::MAX; n];
    let mut path = Vec::new();
    while seen[j] == usize::MAX {
        seen[j] = path.len();
        path.push(j);
        j = preds[j]
            .iter()
            .map(|&(p, _)| p)
            .find(|&p| deg[p] > 0)
            .unwrap_or(j);
    }
    let mut cycle: Vec<String> = path[seen[j]..]
        .iter()
        .rev()
        .map(|&j| pb.tasks[j].id.clone())
        .collect();
    cycle.push(cycle[0].clone());
    Err(LevelError::Cycle(cycle))
}
