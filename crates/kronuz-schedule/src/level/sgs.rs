//! The serial schedule-generation scheme: one pass places every task in a given order.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap};

use super::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Status {
    Placed {
        person: usize,
        start: u32,
        finish: u32,
    },
    NoQualified,
    Horizon,
    /// A predecessor (index) is unscheduled.
    PredMissing(usize),
}

#[derive(Clone)]
pub(super) struct Schedule {
    pub(super) status: Vec<Status>,
    /// (day, minutes) per task.
    pub(super) bookings: Vec<Vec<(u32, u32)>>,
    /// Start day allowed by predecessors (and earliest start).
    pub(super) es: Vec<u32>,
    /// Per task shared by several people, each one's part (empty otherwise).
    pub(super) parts: Vec<Vec<share::Part>>,
    /// Unscheduled tasks, tasks moved from their earlier plan, days late, last
    /// finish, sum of finishes: smaller is better, in that order. A re-plan does
    /// not reshuffle tasks the change did not push.
    pub(super) score: (u64, u64, u64, u64, u64),
}

/// Per person and day, a pointer towards the next day with free hours (the day
/// itself when it has some, `h` past the end): a union-find with path halving,
/// so that a search from any day skips the person's fully booked days at once.
pub(super) struct FreeDays {
    h: usize,
    next: Vec<u32>,
}

impl FreeDays {
    fn new(free: &[u32], h: usize) -> FreeDays {
        let mut next = Vec::with_capacity(free.len() / h.max(1) * (h + 1));
        for row in free.chunks(h.max(1)) {
            for (d, &f) in row.iter().enumerate() {
                next.push(if f > 0 { d as u32 } else { d as u32 + 1 });
            }
            next.push(h as u32);
        }
        FreeDays { h, next }
    }

    fn row(&mut self, p: usize) -> &mut [u32] {
        &mut self.next[p * (self.h + 1)..(p + 1) * (self.h + 1)]
    }
}

/// The first day from `d` with free hours in a row of [`FreeDays`].
fn next_free(row: &mut [u32], mut d: usize) -> usize {
    while row[d] as usize != d {
        let n = row[row[d] as usize];
        row[d] = n;
        d = n as usize;
    }
    d
}

/// Places `effort` minutes for one person from day `es`, on days before `end`;
/// `free` and `base` are that person's rows, `skip` their [`FreeDays`] row if
/// kept. Returns (start, finish) and, with `out`, the bookings.
#[allow(clippy::too_many_arguments)]
pub(super) fn place(
    free: &[u32],
    base: &[u32],
    mut skip: Option<&mut [u32]>,
    es: usize,
    end: usize,
    effort: u32,
    max_per_day: u32,
    split: bool,
    mut out: Option<&mut Vec<(u32, u32)>>,
) -> Option<(u32, u32)> {
    let h = end.min(free.len());
    let mut next = |d: usize| match skip.as_deref_mut() {
        Some(row) if d < h => next_free(row, d),
        _ => d,
    };
    if split {
        let mut rem = effort;
        let mut start = None;
        let mut d = es;
        loop {
            d = next(d);
            if d >= h {
                return None;
            }
            let take = free[d].min(max_per_day).min(rem);
            if take > 0 {
                start.get_or_insert(d as u32);
                rem -= take;
                if let Some(o) = out.as_deref_mut() {
                    o.push((d as u32, take));
                }
                if rem == 0 {
                    return start.map(|s| (s, d as u32));
                }
            }
            d += 1;
        }
    }
    let mut d = es;
    'restart: while d < h {
        d = next(d);
        while d < h && free[d] == 0 {
            d += 1;
        }
        if d >= h {
            return None;
        }
        let start = d as u32;
        if let Some(o) = out.as_deref_mut() {
            o.clear();
        }
        let mut rem = effort;
        while d < h {
            if base[d] == 0 {
                d += 1;
                continue;
            }
            if free[d] == 0 {
                d += 1;
                continue 'restart;
            }
            let take = free[d].min(max_per_day).min(rem);
            rem -= take;
            if let Some(o) = out.as_deref_mut() {
                o.push((d as u32, take));
            }
            if rem == 0 {
                return Some((start, d as u32));
            }
            d += 1;
        }
    }
    None
}

/// What a pass has booked so far, to take a person's new bookings out of.
struct Taken<'a> {
    free: &'a mut [u32],
    skip: &'a mut FreeDays,
    first_free: &'a mut [usize],
    by_first_free: &'a mut [BTreeSet<(usize, usize)>],
}

impl Taken<'_> {
    /// Books `b` (day, minutes) for person `p`.
    fn book(&mut self, prep: &Prepared, p: usize, b: &[(u32, u32)]) {
        let h = prep.h;
        for &(d, m) in b {
            self.free[p * h + d as usize] -= m;
            if self.free[p * h + d as usize] == 0 {
                self.skip.row(p)[d as usize] = d + 1;
            }
        }
        let old = self.first_free[p];
        let mut ff = old;
        while ff < h && self.free[p * h + ff] == 0 {
            ff += 1;
        }
        if ff != old {
            self.first_free[p] = ff;
            for &c in &prep.classes_of[p] {
                self.by_first_free[c].remove(&(old, p));
                self.by_first_free[c].insert((ff, p));
            }
        }
    }
}

impl Prepared {
    /// Serial SGS over `order` (precedence feasible).
    pub(super) fn generate(&self, order: &[usize], free: &mut Vec<u32>) -> Schedule {
        self.generate_sharing(order, free, None)
    }

    /// [`Prepared::generate`], where only the tasks `shared` marks (all when `None`) may
    /// be shared by several people.
    pub(super) fn generate_sharing(
        &self,
        order: &[usize],
        free: &mut Vec<u32>,
        shared: Option<&[bool]>,
    ) -> Schedule {
        let n = order.len();
        let h = self.h;
        free.clear();
        free.extend_from_slice(&self.base);
        // Per person, the first day with free hours: days before it are skipped.
        let mut first_free: Vec<usize> = free
            .chunks(h.max(1))
            .map(|row| row.iter().position(|&f| f > 0).unwrap_or(h))
            .collect();
        let mut skip = FreeDays::new(free, h);
        // Per class of tasks, its people by first free day: people who are busy
        // past the best finish found so far are not tried.
        let mut by_first_free: Vec<BTreeSet<(usize, usize)>> = self
            .classes
            .iter()
            .map(|q| q.iter().map(|&p| (first_free[p], p)).collect())
            .collect();
        let mut sch = Schedule {
            status: vec![Status::NoQualified; n],
            bookings: vec![Vec::new(); n],
            es: vec![0; n],
            parts: vec![Vec::new(); n],
            score: (0, 0, 0, 0, 0),
        };
        for &j in order {
            if let Some(pin) = &self.pinned[j] {
                sch.es[j] = pin.start;
                sch.bookings[j] = pin.bookings.clone();
                sch.status[j] = Status::Placed {
                    person: pin.person,
                    start: pin.start,
                    finish: pin.finish,
                };
                continue;
            }
            let mut es = self.earliest[j] as u64;
            let mut missing = None;
            for &(p, lag) in &self.preds[j] {
                match sch.status[p] {
                    Status::Placed { finish, .. } => {
                        es = es.max(finish as u64 + 1 + lag as u64);
                    }
                    _ => missing = Some(p),
                }
            }
            sch.es[j] = es.min(u32::MAX as u64) as u32;
            if let Some(p) = missing {
                sch.status[j] = Status::PredMissing(p);
                continue;
            }
            if self.qualified[j].is_empty() {
                sch.status[j] = Status::NoQualified;
                continue;
            }
            let mut try_person = |p: usize, last: usize| {
                let from = (es as usize).max(first_free[p]);
                let end = self.end[j].min(last);
                if from >= end {
                    return None;
                }
                let row = p * h..(p + 1) * h;
                place(
                    &free[row.clone()],
                    &self.base[row],
                    Some(skip.row(p)),
                    from,
                    end,
                    self.effort[j],
                    self.max_per_day[j],
                    self.may_split[j],
                    None,
                )
            };
            let mut best: Option<(u32, u32, usize, usize)> = None;
            if es < h as u64 {
                // Back to the person of the earlier plan when the change did not push it.
                if let Some((pp, ps)) = self.previous[j]
                    && self.qualified[j].contains(&pp)
                    && let Some((s, f)) = try_person(pp, h)
                    && s <= ps
                {
                    best = Some((f, s, self.demand[pp], pp));
                } else {
                    let class = self.class_of[j];
                    // The start and finish of the task alone on the fastest calendar
                    // of the class: once a person reaches both, the others can only
                    // tie, and only those who win a tie (less sought-after) are tried.
                    let floor = self.alone_from(class, j, es as usize);
                    for &(ff, p) in &by_first_free[class] {
                        if best.is_some_and(|b| ff > b.0 as usize) {
                            break;
                        }
                        if let (Some(b), Some((fs, ffin))) = (best, floor)
                            && (b.0, b.1) == (ffin, fs)
                        {
                            if ff > fs as usize {
                                break;
                            }
                            if (self.demand[p], p) > (b.2, b.3) {
                                continue;
                            }
                        }
                        // A person who cannot finish by the best finish so far is
                        // cut short: the row ends the day after it.
                        let last = best.map_or(h, |b| b.0 as usize + 1);
                        if let Some((s, f)) = try_person(p, last)
                            && best.is_none_or(|b| (f, s, self.demand[p], p) < b)
                        {
                            best = Some((f, s, self.demand[p], p));
                        }
                    }
                }
            }
            // Shared by several people when that finishes earlier than one person.
            if self.assignees[j] > 1
                && shared.is_none_or(|s| s[j])
                && es < h as u64
                && let Some(parts) = share::share(
                    self,
                    j,
                    free,
                    es as usize,
                    best.map_or(self.end[j], |b| b.0 as usize),
                )
            {
                let mut taken = Taken {
                    free,
                    skip: &mut skip,
                    first_free: &mut first_free,
                    by_first_free: &mut by_first_free,
                };
                for (p, b) in &parts {
                    taken.book(self, *p, b);
                }
                let b = share::merged(&parts);
                sch.status[j] = Status::Placed {
                    person: parts[0].0,
                    start: b.first().map_or(0, |x| x.0),
                    finish: b.last().map_or(0, |x| x.0),
                };
                sch.bookings[j] = b;
                sch.parts[j] = parts;
                continue;
            }
            let Some((f, s, _, p)) = best else {
                sch.status[j] = Status::Horizon;
                continue;
            };
            let row = p * h..(p + 1) * h;
            let mut b = Vec::new();
            place(
                &free[row.clone()],
                &self.base[row],
                Some(skip.row(p)),
                (es as usize).max(first_free[p]),
                self.end[j],
                self.effort[j],
                self.max_per_day[j],
                self.may_split[j],
                Some(&mut b),
            );
            let mut taken = Taken {
                free,
                skip: &mut skip,
                first_free: &mut first_free,
                by_first_free: &mut by_first_free,
            };
            taken.book(self, p, &b);
            sch.bookings[j] = b;
            sch.status[j] = Status::Placed {
                person: p,
                start: s,
                finish: f,
            };
        }
        let (mut unsched, mut late, mut last, mut moved, mut sum) = (0u64, 0u64, 0u64, 0u64, 0u64);
        for j in 0..n {
            match sch.status[j] {
                Status::Placed {
                    person,
                    start,
                    finish,
                } => {
                    if let Some(dl) = self.deadline[j] {
                        late += finish.saturating_sub(dl) as u64;
                    }
                    last = last.max(finish as u64);
                    sum += finish as u64;
                    if self.previous[j].is_some_and(|prev| prev != (person, start)) {
                        moved += 1;
                    }
                }
                _ => {
                    unsched += 1;
                    moved += u64::from(self.previous[j].is_some());
                }
            }
        }
        sch.score = (unsched, moved, late, last, sum);
        sch
    }

    /// The earliest (start, finish) of task `j` from day `es` alone on the calendars
    /// of its class, when it has few (none of its people can do better).
    fn alone_from(&self, class: usize, j: usize, es: usize) -> Option<(u32, u32)> {
        let calendars = &self.calendars[class];
        if calendars.len() > 4 {
            return None;
        }
        let h = self.h;
        let end = self.end[j].min(h);
        calendars
            .iter()
            .filter_map(|&p| {
                let row = p * h..(p + 1) * h;
                place(
                    &self.base[row.clone()],
                    &self.base[row],
                    None,
                    es,
                    end,
                    self.effort[j],
                    self.max_per_day[j],
                    self.may_split[j],
                    None,
                )
            })
            .reduce(|a, b| (a.0.min(b.0), a.1.min(b.1)))
    }

    /// A precedence-feasible order: among the eligible tasks, the highest
    /// inherited priority, then the smallest key, then input order.
    pub(super) fn order(&self, key: &[i64], out: &mut Vec<usize>) {
        let n = key.len();
        let mut left: Vec<usize> = self.preds.iter().map(|p| p.len()).collect();
        let mut eligible: BinaryHeap<Reverse<(i64, i64, usize)>> = (0..n)
            .filter(|&j| left[j] == 0)
            .map(|j| Reverse((-self.prio[j], key[j], j)))
            .collect();
        out.clear();
        while let Some(Reverse((_, _, j))) = eligible.pop() {
            out.push(j);
            for &s in &self.succs[j] {
                left[s] -= 1;
                if left[s] == 0 {
                    eligible.push(Reverse((-self.prio[s], key[s], s)));
                }
            }
        }
    }
}
