//! How good is a plan: a lower bound on each group's finish that no plan can beat,
//! from the longest dependency chain on the people's calendars and from the work
//! only some people can do spread over all of them.

use super::*;

/// Each task alone on the calendars (the fixed bookings and pinned work taken out),
/// after its predecessors' earliest finish: no plan starts or finishes it earlier.
pub(super) struct Alone {
    pub(super) es: Vec<u32>,
    /// None when the task cannot be placed even alone (or a predecessor cannot).
    pub(super) ef: Vec<Option<u32>>,
    /// The predecessor that sets the earliest start, if any.
    pub(super) bound_by: Vec<Option<usize>>,
}

/// [`Alone`] for every task, in a precedence order.
pub(super) fn alone(prep: &Prepared) -> Alone {
    let n = prep.effort.len();
    let h = prep.h;
    let mut order = Vec::with_capacity(n);
    prep.order(&vec![0; n], &mut order);
    let mut es = vec![0u32; n];
    let mut ef: Vec<Option<u32>> = vec![None; n];
    let mut bound_by: Vec<Option<usize>> = vec![None; n];
    for &j in &order {
        if let Some(pin) = &prep.pinned[j] {
            es[j] = pin.start;
            ef[j] = Some(pin.finish);
            continue;
        }
        let mut start = prep.earliest[j] as u64;
        let mut known = true;
        for &(p, lag) in &prep.preds[j] {
            match ef[p] {
                Some(f) if f as u64 + 1 + lag as u64 > start => {
                    start = f as u64 + 1 + lag as u64;
                    bound_by[j] = Some(p);
                }
                Some(_) => {}
                None => known = false,
            }
        }
        if !known || start >= h as u64 {
            continue;
        }
        es[j] = start as u32;
        let mut best: Option<u32> = None;
        for &p in &prep.calendars[prep.class_of[j]] {
            let row = p * h..(p + 1) * h;
            let end = best.map_or(h, |b| b as usize);
            if let Some((_, f)) = place(
                &prep.base[row.clone()],
                &prep.base[row],
                None,
                start as usize,
                end,
                prep.effort[j],
                prep.max_per_day[j],
                prep.may_split[j],
                None,
            ) {
                best = Some(f);
            }
        }
        if prep.assignees[j] > 1 {
            // Shared by several people it may finish earlier than on one calendar.
            best = match (best, share::earliest_finish(prep, j, start as usize)) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        ef[j] = best;
    }
    Alone { es, ef, bound_by }
}

/// Per group, in order of first appearance: the bound, what sets it, and how many
/// working days the schedule's finish is above it.
pub(super) fn bounds(
    pb: &Problem,
    prep: &Prepared,
    alone: &Alone,
    sch: &Schedule,
) -> Vec<GroupBound> {
    let h = prep.h;
    let Alone { es, ef, bound_by } = alone;
    let mut groups: Vec<(&str, Vec<usize>)> = Vec::new();
    for (j, t) in pb.tasks.iter().enumerate() {
        if let Some(g) = &t.group {
            match groups.iter_mut().find(|(name, _)| name == g) {
                Some(e) => e.1.push(j),
                None => groups.push((g, vec![j])),
            }
        }
    }
    let mut out = Vec::with_capacity(groups.len());
    for (group, tasks) in groups {
        // The longest chain.
        let Some(&last) = tasks
            .iter()
            .filter(|&&j| ef[j].is_some())
            .max_by_key(|&&j| (ef[j], std::cmp::Reverse(j)))
        else {
            continue;
        };
        let mut bound = ef[last].unwrap_or(0);
        let mut chain = vec![last];
        while let Some(p) = bound_by[chain[chain.len() - 1]] {
            if chain.len() > CHAIN_SHOWN {
                break;
            }
            chain.push(p);
        }
        chain.reverse();
        let mut binding = Binding::Chain(chain.iter().map(|&j| pb.tasks[j].id.clone()).collect());
        // The work of each class of people: all of it after the class's earliest start.
        let mut classes: Vec<(usize, u64, u32, usize)> = Vec::new();
        for &j in &tasks {
            if prep.pinned[j].is_some() || ef[j].is_none() {
                continue;
            }
            let c = prep.class_of[j];
            match classes.iter_mut().find(|e| e.0 == c) {
                Some(e) => {
                    e.1 += prep.effort[j] as u64;
                    e.2 = e.2.min(es[j]);
                }
                None => classes.push((c, prep.effort[j] as u64, es[j], j)),
            }
        }
        for (c, work, from, first) in classes {
            let people = &prep.classes[c];
            let mut done = 0u64;
            let reached = (from as usize..h).find(|&d| {
                done += people
                    .iter()
                    .map(|&p| prep.base[p * h + d] as u64)
                    .sum::<u64>();
                done >= work
            });
            if let Some(d) = reached
                && d as u32 > bound
            {
                bound = d as u32;
                binding = Binding::Work {
                    person_or_skill: resource(pb, prep, first),
                    people: people.len(),
                    hours: work as f64 / UNIT,
                };
            }
        }
        let mut finish = Some(0u32);
        for &j in &tasks {
            finish = match (finish, sch.status[j]) {
                (Some(f), Status::Placed { finish: tf, .. }) => Some(f.max(tf)),
                _ => None,
            };
        }
        out.push(GroupBound {
            group: group.to_string(),
            earliest_finish_day: bound,
            days_above: finish.map(|f| {
                (bound as usize + 1..=f as usize)
                    .filter(|&d| prep.working.get(d).copied().unwrap_or(false))
                    .count() as u32
            }),
            binding,
        });
    }
    out
}

/// Who can do task `j`: its one person's id, or its role and skills.
pub(super) fn resource(pb: &Problem, prep: &Prepared, j: usize) -> String {
    let qualified = &prep.qualified[j];
    if qualified.len() == 1 {
        return pb.people[qualified[0]].id.clone();
    }
    let t = &pb.tasks[j];
    let mut parts = Vec::new();
    if let Some(r) = &t.role {
        parts.push(format!("role {r}"));
    }
    if !t.skills.is_empty() {
        parts.push(format!("skills {}", t.skills.join(", ")));
    }
    if parts.is_empty() {
        "any person".to_string()
    } else {
        parts.join(", ")
    }
}
