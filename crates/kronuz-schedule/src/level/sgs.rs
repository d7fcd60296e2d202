//! The serial schedule-generation scheme: one pass places every task in a given order.

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
    pub(super) score: (u64, u64, u64, u64),
}

/// Places `effort` minutes for one person from day `es`; `free` and `base`
/// are that person's rows. Returns (start, finish) and, with `out`, the
/// bookings.
pub(super) fn place(
    free: &[u32],
    base: &[u32],
    es: usize,
    effort: u32,
    max_per_day: u32,
    split: bool,
    mut out: Option<&mut Vec<(u32, u32)>>,
) -> Option<(u32, u32)> {
    let h = free.len();
    if split {
        let mut rem = effort;
        let mut start = None;
        for (d, &f) in free.iter().enumerate().skip(es) {
            let take = f.min(max_per_day).min(rem);
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
        }
        return None;
    }
    let mut d = es;
    'restart: while d < h {
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

impl Prepared {
    /// Serial SGS over `order` (precedence feasible).
    pub(super) fn generate(&self, order: &[usize], free: &mut Vec<u32>) -> Schedule {
        let n = order.len();
        let h = self.h;
        free.clear();
        free.extend_from_slice(&self.base);
        let mut sch = Schedule {
            status: vec![Status::NoQualified; n],
            bookings: vec![Vec::new(); n],
            es: vec![0; n],
            score: (0, 0, 0, 0),
        };
        for &j in order {
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
            let mut best: Option<(u32, u32, usize, usize)> = None;
            if es < h as u64 {
                for &p in &self.qualified[j] {
                    let row = p * h..p * h + self.end[j];
                    if let Some((s, f)) = place(
                        &free[row.clone()],
                        &self.base[row],
                        es as usize,
                        self.effort[j],
                        self.max_per_day[j],
                        self.may_split[j],
                        None,
                    ) && best.is_none_or(|b| (f, s, self.demand[p]) < (b.0, b.1, b.2))
                    {
                        best = Some((f, s, self.demand[p], p));
                    }
                }
            }
            let Some((f, s, _, p)) = best else {
                sch.status[j] = Status::Horizon;
                continue;
            };
            let row = p * h..p * h + self.end[j];
            let mut b = Vec::new();
            place(
                &free[row.clone()],
                &self.base[row],
                es as usize,
                self.effort[j],
                self.max_per_day[j],
                self.may_split[j],
                Some(&mut b),
            );
            for &(d, m) in &b {
                free[p * h + d as usize] -= m;
            }
            sch.bookings[j] = b;
            sch.status[j] = Status::Placed {
                person: p,
                start: s,
                finish: f,
            };
        }
        let (mut unsched, mut late, mut last, mut sum) = (0u64, 0u64, 0u64, 0u64);
        for j in 0..n {
            match sch.status[j] {
                Status::Placed { finish, .. } => {
                    if let Some(dl) = self.deadline[j] {
                        late += finish.saturating_sub(dl) as u64;
                    }
                    last = last.max(finish as u64);
                    sum += finish as u64;
                }
                _ => unsched += 1,
            }
        }
        sch.score = (unsched, late, last, sum);
        sch
    }

    /// A precedence-feasible order: among the eligible tasks, the highest
    /// inherited priority, then the smallest key, then input order.
    pub(super) fn order(&self, key: &[i64], out: &mut Vec<usize>) {
        let n = key.len();
        let mut left: Vec<usize> = self.preds.iter().map(|p| p.len()).collect();
        let mut eligible: Vec<usize> = (0..n).filter(|&j| left[j] == 0).collect();
        out.clear();
        while !eligible.is_empty() {
            let mut bi = 0;
            for i in 1..eligible.len() {
                let (a, b) = (eligible[i], eligible[bi]);
                if (-self.prio[a], key[a], a) < (-self.prio[b], key[b], b) {
                    bi = i;
                }
            }
            let j = eligible.swap_remove(bi);
            out.push(j);
            for &s in &self.succs[j] {
                left[s] -= 1;
                if left[s] == 0 {
                    eligible.push(s);
                }
            }
        }
    }
}
