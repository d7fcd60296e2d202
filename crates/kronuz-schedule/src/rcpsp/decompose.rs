//! Re-solving a time window of a schedule as a sub-project, after Debels &
//! Vanhoucke's decomposition-based GA ("A decomposition-based genetic
//! algorithm for the resource-constrained project-scheduling problem",
//! Operations Research 2007).
//!
//! A window `[t1, t2)` of a feasible schedule splits its jobs in three: the
//! jobs starting before `t1` stay where they are (before), the jobs starting
//! at or after `t1` and finishing by `t2` form the sub-project (the window),
//! and the jobs starting at or after `t1` and finishing after `t2` stay where
//! they are too (after). Precedence never crosses the cut backwards: a window
//! job's predecessors are before or in the window, its successors in the
//! window or after.
//!
//! The sub-project is an [`Instance`] of its own: a start dummy, the window's
//! jobs, an end dummy, and the whole project's precedence restricted to the
//! window. What the fixed jobs leave is carried beside it: each window job's
//! release (its fixed predecessors' finish, and `t1`), its deadline (its
//! fixed successors' start, and the makespan), and per period from `t1` to
//! the makespan the capacity the fixed jobs leave free. A sub-project
//! schedule that keeps to these is feasible for the whole project once put
//! back, whatever it does inside the window, and it ends by the makespan.
//!
//! A small activity-list GA solves the sub-project. A list is decoded by the
//! serial SGS on the free capacity, then right-justified against the
//! deadlines and decoded again in the order of those starts (the double
//! justification of the main GA, inside the window): two schedules, counted
//! in the solver's budget like any other pass, though each covers only the
//! window's jobs. It minimises the sub-project's makespan, then the sum of
//! its jobs' finish times (a window is often bound by a chain of precedence
//! from its releases, so that the makespan alone gives no gradient; packing
//! the jobs early leaves room for the jobs after it). The population starts
//! from the window's own order, which decodes to every job starting no later
//! than it did (the argument of justification: a job's old interval stays
//! free of the jobs listed before it), and from a few shift moves on it; so
//! the GA never returns anything worse than the window it was given.
//!
//! The solver left-justifies the whole schedule again after putting the
//! window back (`solver.rs`), so that what the window gave up lets the jobs
//! after it move earlier; justification never lengthens a schedule, so
//! neither does the decomposition.

use super::Instance;
use super::ops::{crossover, mutate, shift};
use super::sgs::Dir;
use crate::rng::Rng;

/// Size of the sub-project GA's population.
const SUB_POP: usize = 10;
/// Probability of swapping each pair of neighbours in a sub-project child.
const SUB_MUTATION: f64 = 0.05;
/// At most this many shift moves make each first individual but the first.
const SUB_SHIFTS: usize = 3;

/// A window of a schedule, cut out as a sub-project.
pub(crate) struct SubProject {
    /// The sub-project: job 0 is its start dummy, jobs `1..=m` the window's
    /// jobs in the order of their old starts, job `m + 1` its end dummy.
    pub(crate) inst: Instance,
    /// The whole project's job of each sub-project job `i` in `1..=m`, at
    /// `i - 1`.
    pub(crate) jobs: Vec<u32>,
    /// Earliest start of each sub-project job (absolute time).
    release: Vec<u32>,
    /// Latest finish of each sub-project job (absolute time).
    deadline: Vec<u32>,
    /// Start of the window: period 0 of `free`.
    t1: u32,
    /// Periods of `free` per resource (from `t1` to the makespan).
    len: usize,
    /// Capacity the fixed jobs leave, resource-major: `free[r * len + t - t1]`.
    free: Vec<u32>,
    /// Scratch profile of a decoding.
    work: Vec<u32>,
}

/// A sub-project schedule's quality: makespan, then the sum of finish times.
type Fitness = (u32, u64);
const INFEASIBLE: Fitness = (u32::MAX, u64::MAX);

impl SubProject {
    /// Cuts the window `[t1, t2)` out of the feasible schedule `st` of
    /// makespan `ms`; `rank` (a topological rank) orders jobs starting
    /// together. None when fewer than two jobs fall in the window.
    pub(crate) fn cut(
        inst: &Instance,
        st: &[u32],
        ms: u32,
        (t1, t2): (u32, u32),
        rank: &[u32],
    ) -> Option<SubProject> {
        let (n, k) = (inst.n, inst.k);
        let mut window: Vec<u32> = (0..n as u32)
            .filter(|&j| st[j as usize] >= t1 && st[j as usize] + inst.dur[j as usize] <= t2)
            .collect();
        if window.len() < 2 {
            return None;
        }
        window.sort_unstable_by_key(|&j| (st[j as usize], rank[j as usize]));
        let m = window.len();
        let end = m + 1;
        let mut index = vec![u32::MAX; n];
        for (i, &j) in window.iter().enumerate() {
            index[j as usize] = i as u32 + 1;
        }
        let mut dur = vec![0u32; m + 2];
        let mut demands = vec![vec![0u32; k]; m + 2];
        let mut succs: Vec<Vec<usize>> = vec![Vec::new(); m + 2];
        let mut release = vec![t1; m + 2];
        let mut deadline = vec![ms; m + 2];
        let mut has_pred = vec![false; m + 2];
        for (i, &j) in window.iter().enumerate() {
            let (i, j) = (i + 1, j as usize);
            dur[i] = inst.dur[j];
            demands[i].copy_from_slice(&inst.demand[j * k..(j + 1) * k]);
            for &s in inst.succs(j) {
                match index[s as usize] {
                    u32::MAX => deadline[i] = deadline[i].min(st[s as usize]),
                    w => {
                        succs[i].push(w as usize);
                        has_pred[w as usize] = true;
                    }
                }
            }
            for &p in inst.preds(j) {
                if index[p as usize] == u32::MAX {
                    release[i] = release[i].max(st[p as usize] + inst.dur[p as usize]);
                }
            }
            if succs[i].is_empty() {
                succs[i].push(end);
            }
        }
        succs[0].extend((1..=m).filter(|&i| !has_pred[i]));
        let sub = Instance::new(dur, succs, demands, inst.cap.clone()).ok()?;
        // What the fixed jobs leave of each period from t1 to the makespan.
        let len = (ms - t1) as usize;
        let mut free = Vec::with_capacity(k * len);
        for &c in &inst.cap {
            free.extend(std::iter::repeat_n(c, len));
        }
        for j in 0..n {
            let (s, f) = (st[j], st[j] + inst.dur[j]);
            if index[j] != u32::MAX || f <= t1 {
                continue;
            }
            let (a, b) = ((s.max(t1) - t1) as usize, (f - t1) as usize);
            for r in 0..k {
                let d = inst.demand[j * k + r];
                if d > 0 {
                    for v in &mut free[r * len + a..r * len + b] {
                        *v -= d;
                    }
                }
            }
        }
        Some(SubProject {
            inst: sub,
            jobs: window,
            release,
            deadline,
            t1,
            len,
            free,
            work: Vec::new(),
        })
    }

    /// The window's order in the schedule it was cut from.
    pub(crate) fn own_order(&self) -> Vec<u32> {
        (0..self.inst.n as u32).collect()
    }

    /// The serial SGS on the free capacity: places the sub-project jobs of
    /// `list` (precedence feasible) one by one at their earliest feasible
    /// start, written to `st` (absolute times). None when a job cannot
    /// finish by its deadline.
    pub(crate) fn decode(&mut self, list: &[u32], st: &mut [u32]) -> Option<Fitness> {
        let inst = &self.inst;
        let k = inst.k;
        self.work.clone_from(&self.free);
        let (mut ms, mut total) = (self.t1, 0u64);
        for &j in list {
            let j = j as usize;
            let d = inst.dur[j];
            let mut t = self.release[j];
            for &p in inst.preds(j) {
                t = t.max(st[p as usize] + inst.dur[p as usize]);
            }
            let row = &inst.demand[j * k..(j + 1) * k];
            let t = place(
                &mut self.work,
                self.len,
                self.t1,
                t,
                d,
                row,
                self.deadline[j],
            )?;
            st[j] = t;
            ms = ms.max(t + d);
            total += (t + d) as u64;
        }
        Some((ms, total))
    }

    /// Right-justifies the sub-project schedule `st` (the last decoding)
    /// against the deadlines and the free capacity, then writes to `list` the
    /// jobs in order of their new starts, for the decoding that left-
    /// justifies it. False when a job would have to start before its release
    /// (not when `st` is feasible: its own interval is always free).
    fn right_justify(&mut self, st: &mut [u32], list: &mut Vec<u32>, keys: &mut Vec<u64>) -> bool {
        let inst = &self.inst;
        let (k, len, m2) = (inst.k, self.len, inst.n);
        // Decreasing finish; ties by decreasing index (a topological order).
        keys.clear();
        keys.extend((0..m2).map(|j| (((st[j] + inst.dur[j]) as u64) << 32) | j as u64));
        keys.sort_unstable_by(|a, b| b.cmp(a));
        self.work.clone_from(&self.free);
        for &key in keys.iter() {
            let j = (key & 0xFFFF_FFFF) as usize;
            let d = inst.dur[j];
            let mut f = self.deadline[j];
            for &s in inst.succs(j) {
                f = f.min(st[s as usize]);
            }
            let Some(mut t) = f.checked_sub(d) else {
                return false;
            };
            let row = &inst.demand[j * k..(j + 1) * k];
            // Latest start: a shortage at period t + p moves the job to
            // finish by it.
            'search: loop {
                if t < self.release[j] {
                    return false;
                }
                let (a, b) = ((t - self.t1) as usize, (t + d - self.t1) as usize);
                for (r, &need) in row.iter().enumerate() {
                    if need == 0 {
                        continue;
                    }
                    let cells = &self.work[r * len + a..r * len + b];
                    if let Some(p) = cells.iter().position(|&v| v < need) {
                        match (t + p as u32).checked_sub(d) {
                            Some(earlier) => t = earlier,
                            None => return false,
                        }
                        continue 'search;
                    }
                }
                break;
            }
            take(&mut self.work, len, self.t1, t, d, row);
            st[j] = t;
        }
        keys.clear();
        keys.extend((0..m2).map(|j| ((st[j] as u64) << 32) | j as u64));
        keys.sort_unstable();
        list.clear();
        list.extend(keys.iter().map(|&key| (key & 0xFFFF_FFFF) as u32));
        true
    }

    /// Solves the sub-project with a small GA of at most `schedules` passes.
    /// Returns the best sub-project starts found (absolute, one per
    /// sub-project job) and the number of passes used (at least one).
    pub(crate) fn solve(&mut self, schedules: u64, rng: &mut Rng) -> (Vec<u32>, u64) {
        let m2 = self.inst.n;
        let mut search = Search {
            st: vec![0; m2],
            best_st: vec![0; m2],
            best: INFEASIBLE,
            used: 0,
            max: schedules.max(1),
            keys: Vec::with_capacity(m2),
            again: Vec::with_capacity(m2),
        };
        let mut list = self.own_order();
        let mut pop: Vec<(Fitness, Vec<u32>)> = Vec::with_capacity(2 * SUB_POP);
        let fit = search.eval(self, &mut list);
        pop.push((fit, list.clone()));
        let own = list.clone();
        let mut pos = vec![0usize; m2];
        while pop.len() < SUB_POP && search.left() {
            list.clone_from(&own);
            for _ in 0..1 + rng.below(SUB_SHIFTS) {
                shift(&self.inst, &mut list, &mut pos, rng);
            }
            let fit = search.eval(self, &mut list);
            pop.push((fit, list.clone()));
        }
        let mut taken = vec![false; m2];
        let mut child = Vec::with_capacity(m2);
        while search.left() && pop.len() >= 2 {
            let size = pop.len();
            for _ in 0..size {
                if !search.left() {
                    break;
                }
                let a = rng.below(size);
                let b = (a + 1 + rng.below(size - 1)) % size;
                crossover(&pop[a].1, &pop[b].1, rng, &mut taken, &mut child);
                mutate(&self.inst, &mut child, SUB_MUTATION, rng, Dir::Forward);
                let fit = search.eval(self, &mut child);
                pop.push((fit, child.clone()));
            }
            pop.sort_by_key(|x| x.0);
            pop.truncate(SUB_POP);
        }
        (search.best_st, search.used)
    }

    /// Puts the sub-project's starts `sub_st` back into the whole schedule
    /// `st` it was cut from.
    pub(crate) fn put_back(&self, sub_st: &[u32], st: &mut [u32]) {
        for (i, &j) in self.jobs.iter().enumerate() {
            st[j as usize] = sub_st[i + 1];
        }
    }
}

/// The sub-project GA's evaluations, its budget and its best schedule.
struct Search {
    st: Vec<u32>,
    best_st: Vec<u32>,
    best: Fitness,
    used: u64,
    max: u64,
    keys: Vec<u64>,
    again: Vec<u32>,
}

impl Search {
    fn left(&self) -> bool {
        self.used < self.max
    }

    fn offer(&mut self, fit: Fitness) {
        if fit < self.best {
            self.best = fit;
            self.best_st.copy_from_slice(&self.st);
        }
    }

    /// Decodes `list` and, budget allowing, justifies the schedule (right,
    /// then left); `list` becomes the order of the result when that is no
    /// worse. Returns the result's fitness.
    fn eval(&mut self, sub: &mut SubProject, list: &mut Vec<u32>) -> Fitness {
        self.used += 1;
        let fit = sub.decode(list, &mut self.st).unwrap_or(INFEASIBLE);
        self.offer(fit);
        if fit == INFEASIBLE
            || !self.left()
            || !sub.right_justify(&mut self.st, &mut self.again, &mut self.keys)
        {
            return fit;
        }
        self.used += 1;
        let again = sub.decode(&self.again, &mut self.st).unwrap_or(INFEASIBLE);
        self.offer(again);
        if again <= fit {
            list.clone_from(&self.again);
            again
        } else {
            fit
        }
    }
}

/// Places a job of duration `d` and demand `row` at its earliest start from
/// `t` in the capacity `work` (`len` periods per resource from `t0`),
/// finishing by `deadline`, and takes its demand. None when it cannot.
fn place(
    work: &mut [u32],
    len: usize,
    t0: u32,
    mut t: u32,
    d: u32,
    row: &[u32],
    deadline: u32,
) -> Option<u32> {
    'search: loop {
        if t + d > deadline {
            return None;
        }
        let (a, b) = ((t - t0) as usize, (t + d - t0) as usize);
        for (r, &need) in row.iter().enumerate() {
            if need == 0 {
                continue;
            }
            // A shortage at period t + p moves the start past it.
            if let Some(p) = work[r * len + a..r * len + b]
                .iter()
                .rposition(|&v| v < need)
            {
                t += p as u32 + 1;
                continue 'search;
            }
        }
        break;
    }
    take(work, len, t0, t, d, row);
    Some(t)
}

/// Takes a job's demand `row` from `work` over `[t, t + d)`.
fn take(work: &mut [u32], len: usize, t0: u32, t: u32, d: u32, row: &[u32]) {
    let (a, b) = ((t - t0) as usize, (t + d - t0) as usize);
    for (r, &need) in row.iter().enumerate() {
        if need > 0 {
            for v in &mut work[r * len + a..r * len + b] {
                *v -= need;
            }
        }
    }
}

/// A window of about `size` jobs of the schedule `st`: from the start of a
/// random job to the finish of the `size`-th earliest-finishing job among
/// those starting from there on.
pub(crate) fn pick_window(
    inst: &Instance,
    st: &[u32],
    size: usize,
    rng: &mut Rng,
    finishes: &mut Vec<u32>,
) -> (u32, u32) {
    let n = inst.n;
    let t1 = st[rng.below(n)];
    finishes.clear();
    finishes.extend((0..n).filter(|&j| st[j] >= t1).map(|j| st[j] + inst.dur[j]));
    finishes.sort_unstable();
    (t1, finishes[size.clamp(1, finishes.len()) - 1])
}

#[cfg(test)]
mod tests;
