//! From the best schedule to the plan: per-task outcomes and why a task is late.

use super::*;

/// Turns the best schedule into the plan, with reasons for late and
/// unscheduled tasks.
pub(super) fn report(pb: &Problem, prep: &Prepared, sch: &Schedule) -> Plan {
    let n = pb.tasks.len();
    let mut tasks = Vec::with_capacity(n);
    let mut group_finish: Vec<(String, Option<u32>)> = Vec::new();
    let (mut unscheduled, mut late) = (0, 0);
    let mut finish_day = None;
    for j in 0..n {
        let t = &pb.tasks[j];
        let mut plan = TaskPlan {
            task_id: t.id.clone(),
            person_id: None,
            bookings: Vec::new(),
            parts: Vec::new(),
            start_day: None,
            finish_day: None,
            late_by_days: 0,
            reason: None,
        };
        let mut fin = None;
        match sch.status[j] {
            Status::Placed {
                person,
                start,
                finish,
            } => {
                fin = Some(finish);
                finish_day = finish_day.max(Some(finish));
                plan.person_id = Some(pb.people[person].id.clone());
                let hours = |b: &[(u32, u32)]| -> Vec<(u32, f64)> {
                    b.iter().map(|&(d, m)| (d, m as f64 / UNIT)).collect()
                };
                let parts: Vec<share::Part> = match &prep.pinned[j] {
                    Some(pin) => pin.parts.clone(),
                    None if !sch.parts[j].is_empty() => sch.parts[j].clone(),
                    None => vec![(person, sch.bookings[j].clone())],
                };
                plan.bookings = hours(&share::merged(&parts));
                plan.parts = parts
                    .iter()
                    .map(|(p, b)| Part {
                        person_id: pb.people[*p].id.clone(),
                        bookings: hours(b),
                    })
                    .collect();
                plan.start_day = Some(start);
                plan.finish_day = Some(finish);
                if let Some(dl) = prep.deadline[j]
                    && finish > dl
                {
                    late += 1;
                    plan.late_by_days = finish - dl;
                    plan.reason = Some(late_reason(pb, prep, sch, j, &parts, dl));
                }
            }
            Status::NoQualified => {
                unscheduled += 1;
                plan.reason = Some(Reason::NoQualifiedPerson);
            }
            Status::Horizon => {
                unscheduled += 1;
                plan.reason = Some(Reason::HorizonTooShort);
            }
            Status::PredMissing(_) => {
                unscheduled += 1;
                plan.reason = Some(Reason::Predecessor {
                    chain: chain(pb, prep, sch, j),
                });
            }
        }
        if let Some(g) = &t.group {
            match group_finish.iter_mut().find(|(name, _)| name == g) {
                Some(e) => e.1 = e.1.max(fin),
                None => group_finish.push((g.clone(), fin)),
            }
        }
        tasks.push(plan);
    }
    Plan {
        tasks,
        finish_day,
        finish_by_group: group_finish,
        unscheduled,
        late,
        overbooked_hours: 0.0,
        passes: 1,
        bounds: Vec::new(),
        moved: sch.score.1 as usize,
    }
}

/// At most this many predecessors name why a task waited: with many late
/// tasks on a long chain, whole chains would cost quadratic time and memory.
pub(super) const CHAIN_SHOWN: usize = 20;

/// The predecessor chain that set task `j`'s start: repeatedly the
/// predecessor that bound the start (or is unscheduled), first task first;
/// the nearest [`CHAIN_SHOWN`] of a longer chain.
fn chain(pb: &Problem, prep: &Prepared, sch: &Schedule, j: usize) -> Vec<String> {
    chain_ix(prep, sch, j)
        .into_iter()
        .map(|p| pb.tasks[p].id.clone())
        .collect()
}

/// [`chain`] as task indices.
fn chain_ix(prep: &Prepared, sch: &Schedule, j: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut cur = j;
    loop {
        let binding = match sch.status[cur] {
            Status::PredMissing(p) => Some(p),
            _ => {
                let es = sch.es[cur];
                if es <= prep.earliest[cur] {
                    None
                } else {
                    prep.preds[cur]
                        .iter()
                        .find_map(|&(p, lag)| match sch.status[p] {
                            Status::Placed { finish, .. }
                                if finish as u64 + 1 + lag as u64 == es as u64 =>
                            {
                                Some(p)
                            }
                            _ => None,
                        })
                }
            }
        };
        match binding {
            Some(p) if out.len() < CHAIN_SHOWN => {
                out.push(p);
                cur = p;
            }
            _ => break,
        }
    }
    out.reverse();
    out
}

/// Why task `j`, placed as `parts`, finishes after `deadline`. A shared task is told
/// from its parts: what held the person whose part ends last (then the others), and
/// never someone who has no part in it.
fn late_reason(
    pb: &Problem,
    prep: &Prepared,
    sch: &Schedule,
    j: usize,
    parts: &[share::Part],
    deadline: u32,
) -> Reason {
    if prep.pinned[j].is_some() {
        return Reason::Pinned {
            task: pb.tasks[j].id.clone(),
        };
    }
    let h = prep.h;
    // Finish on an empty calendar (only the fixed bookings) from a day, shared by
    // several people when the task may be.
    let alone = |from: u32| -> Option<u32> {
        let one = prep.qualified[j]
            .iter()
            .filter_map(|&p| {
                let row = p * h..(p + 1) * h;
                place(
                    &prep.base[row.clone()],
                    &prep.base[row],
                    None,
                    from as usize,
                    h,
                    prep.effort[j],
                    prep.max_per_day[j],
                    prep.may_split[j],
                    None,
                )
                .map(|(_, f)| f)
            })
            .min();
        let shared = (prep.assignees[j] > 1)
            .then(|| share::earliest_finish(prep, j, from as usize))
            .flatten();
        match (one, shared) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    };
    // the one person who could do it, or who could: the task's role and skills
    let resource = || super::bound::resource(pb, prep, j);
    // Each part's person and the last day of the part, the part that ends last first:
    // the days from the task's earliest start to then are the days that person held it.
    let mut held: Vec<(usize, u32)> = parts
        .iter()
        .filter_map(|(p, b)| b.last().map(|&(d, _)| (*p, d)))
        .collect();
    held.sort_by_key(|&(_, last)| std::cmp::Reverse(last));
    let window = |last: u32| sch.es[j]..=last;
    // A pinned task holding one of the task's people on the days the task waited.
    let pinned_holding = || {
        held.iter().find_map(|&(person, last)| {
            (0..pb.tasks.len())
                .find(|&k| {
                    prep.pinned[k].as_ref().is_some_and(|pin| {
                        pin.days
                            .iter()
                            .any(|&(p, d)| p == person && window(last).contains(&d))
                    })
                })
                .map(|k| Reason::Pinned {
                    task: pb.tasks[k].id.clone(),
                })
        })
    };
    let own = alone(prep.earliest[j]);
    if own.is_none_or(|f| f > deadline) {
        // Even alone the task cannot make it: its people's capacity, or pinned work.
        if let Some(r) = pinned_holding() {
            return r;
        }
        return Reason::Bottleneck {
            person_or_skill: resource(),
        };
    }
    let with_preds = alone(sch.es[j]);
    if sch.es[j] > prep.earliest[j] && with_preds.is_none_or(|f| f > deadline) {
        let ix = chain_ix(prep, sch, j);
        if let Some(&k) = ix.iter().rev().find(|&&k| prep.pinned[k].is_some()) {
            return Reason::Pinned {
                task: pb.tasks[k].id.clone(),
            };
        }
        return Reason::Predecessor {
            chain: ix.into_iter().map(|p| pb.tasks[p].id.clone()).collect(),
        };
    }
    if let Some(r) = pinned_holding() {
        return r;
    }
    if parts.len() > 1 {
        // Shared, the task waited for the person of the part that ends last, held by
        // other work (or the next such part's person).
        let busy = held
            .iter()
            .find_map(|&(p, last)| busy_with(prep, sch, j, p, window(last)).map(|k| (p, k)));
        if let Some((person, k)) = busy {
            return Reason::Busy {
                person: pb.people[person].id.clone(),
                task: pb.tasks[k].id.clone(),
            };
        }
    }
    Reason::Bottleneck {
        person_or_skill: resource(),
    }
}

/// The task other than `j` (and not pinned) that books `person` for the most minutes
/// on the days `days`, if any: what kept them busy.
fn busy_with(
    prep: &Prepared,
    sch: &Schedule,
    j: usize,
    person: usize,
    days: std::ops::RangeInclusive<u32>,
) -> Option<usize> {
    let minutes = |b: &[(u32, u32)]| -> u64 {
        b.iter()
            .filter(|x| days.contains(&x.0))
            .map(|x| x.1 as u64)
            .sum()
    };
    (0..sch.status.len())
        .filter(|&k| k != j && prep.pinned[k].is_none())
        .filter_map(|k| {
            let Status::Placed { person: p, .. } = sch.status[k] else {
                return None;
            };
            let m = if sch.parts[k].is_empty() {
                if p == person {
                    minutes(&sch.bookings[k])
                } else {
                    0
                }
            } else {
                sch.parts[k]
                    .iter()
                    .filter(|(q, _)| *q == person)
                    .map(|(_, b)| minutes(b))
                    .sum()
            };
            (m > 0).then_some((m, std::cmp::Reverse(k)))
        })
        .max()
        .map(|(_, std::cmp::Reverse(k))| k)
}
