//! Schedule-generation schemes on a flat resource profile, double
//! justification, priority rules and regret-based biased random sampling.

use super::Instance;
use crate::rng::Rng;

/// The serial SGS and its scratch memory: one allocation per solve, none per
/// schedule.
pub(crate) struct Engine<'a> {
    pub(crate) inst: &'a Instance,
    /// `req[req_start[j]..req_start[j+1]]`: (resource, demand) with demand > 0.
    req_start: Vec<u32>,
    req: Vec<(u32, u32)>,
    /// Remaining capacity, resource-major: `profile[r * periods + t]`.
    profile: Vec<u32>,
    /// Length of each resource's row.
    periods: usize,
    /// Periods of `profile` that may differ from `full`.
    dirty: usize,
    /// Position of each job in `inst.topo`, to break ties in justification.
    pub(crate) rank: Vec<u32>,
    keys: Vec<u64>,
    order: Vec<u32>,
    back: Vec<u32>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Dir {
    Forward,
    Backward,
}

impl<'a> Engine<'a> {
    pub(crate) fn new(inst: &'a Instance) -> Self {
        let k = inst.k;
        let mut req_start = Vec::with_capacity(inst.n + 1);
        let mut req = Vec::new();
        req_start.push(0);
        for j in 0..inst.n {
            if inst.dur[j] > 0 {
                for r in 0..k {
                    let a = inst.demand[j * k + r];
                    if a > 0 {
                        req.push((r as u32, a));
                    }
                }
            }
            req_start.push(req.len() as u32);
        }
        let periods = inst.horizon as usize + 1;
        let mut profile = Vec::with_capacity(periods * k);
        for &c in &inst.cap {
            profile.extend(std::iter::repeat_n(c, periods));
        }
        let mut rank = vec![0u32; inst.n];
        for (i, &j) in inst.topo.iter().enumerate() {
            rank[j as usize] = i as u32;
        }
        Engine {
            inst,

            req_start,
            req,
            profile,
            periods,
            dirty: 0,
            rank,
            keys: Vec::with_capacity(inst.n),
            order: Vec::with_capacity(inst.n),
            back: vec![0; inst.n],
        }
    }

    /// Restores full capacity on the periods the last schedule used.
    fn reset(&mut self) {
        for (r, &c) in self.inst.cap.iter().enumerate() {
            let base = r * self.periods;
            self.profile[base..base + self.dirty].fill(c);
        }
    }

    /// The serial SGS: schedules the jobs of `order` (precedence feasible
    /// for `dir`) one by one, each at its earliest precedence- and
    /// resource-feasible time. Writes start times (in the direction's own
    /// time axis) to `st` and returns the makespan.
    pub(crate) fn serial(&mut self, dir: Dir, order: &[u32], st: &mut [u32]) -> u32 {
        let inst = self.inst;
        self.reset();
        let periods = self.periods;
        let (ps, pl) = match dir {
            Dir::Forward => (&inst.pred_start, &inst.pred),
            Dir::Backward => (&inst.succ_start, &inst.succ),
        };
        let dur = &inst.dur;
        let profile = &mut self.profile;
        let mut ms = 0u32;
        for &j in order {
            let j = j as usize;
            let d = dur[j];
            let mut t = 0u32;
            for &p in &pl[ps[j] as usize..ps[j + 1] as usize] {
                let f = st[p as usize] + dur[p as usize];
                if f > t {
                    t = f;
                }
            }
            let rs = &self.req[self.req_start[j] as usize..self.req_start[j + 1] as usize];
            if !rs.is_empty() {
                // Check the window [t, t + d) resource by resource from its
                // end: a conflict at `t + p` moves the start to t + p + 1.
                let du = d as usize;
                'search: loop {
                    let tu = t as usize;
                    for &(r, a) in rs {
                        let base = r as usize * periods + tu;
                        if let Some(p) = profile[base..base + du].iter().rposition(|&v| v < a) {
                            t += p as u32 + 1;
                            continue 'search;
                        }
                    }
                    break;
                }
                let tu = t as usize;
                for &(r, a) in rs {
                    let base = r as usize * periods + tu;
                    for v in &mut profile[base..base + du] {
                        *v -= a;
                    }
                }
            }
            st[j] = t;
            if t + d > ms {
                ms = t + d;
            }
        }
        self.dirty = ms as usize;
        ms
    }

    /// The parallel SGS (Kelley 1963, Kolisch 1996): at each decision time,
    /// starts the eligible jobs in order of `value` (smaller first, ties by
    /// index) when resources allow, then moves to the next finish time.
    /// Produces non-delay schedules. Forward only.
    pub(crate) fn parallel(&mut self, value: &[i64], st: &mut [u32]) -> u32 {
        let inst = self.inst;
        let n = inst.n;
        self.reset();
        let periods = self.periods;
        // Jobs whose predecessors are all scheduled, with their release time.
        let mut left: Vec<u32> = (0..n).map(|j| inst.preds(j).len() as u32).collect();
        let mut release = vec![0u32; n];
        let mut ready: Vec<u32> = (0..n as u32).filter(|&j| left[j as usize] == 0).collect();
        // Finish times of scheduled jobs still to be passed (min-heap).
        let mut finishes = std::collections::BinaryHeap::new();
        let mut cand: Vec<u32> = Vec::with_capacity(n);
        let mut scheduled = 0;
        let mut t = 0u32;
        let mut ms = 0u32;
        while scheduled < n {
            loop {
                cand.clear();
                cand.extend(ready.iter().copied().filter(|&j| release[j as usize] <= t));
                if cand.is_empty() {
                    break;
                }
                cand.sort_unstable_by_key(|&j| (value[j as usize], j));
                let mut progress = false;
                for &j in &cand {
                    let j = j as usize;
                    let d = inst.dur[j];
                    let rs = &self.req[self.req_start[j] as usize..self.req_start[j + 1] as usize];
                    let profile = &mut self.profile;
                    let (tu, du) = (t as usize, d as usize);
                    let fits = rs.iter().all(|&(r, a)| {
                        let base = r as usize * periods + tu;
                        profile[base..base + du].iter().all(|&v| v >= a)
                    });
                    if !fits {
                        continue;
                    }
                    for &(r, a) in rs {
                        let base = r as usize * periods + tu;
                        for v in &mut profile[base..base + du] {
                            *v -= a;
                        }
                    }
                    st[j] = t;
                    ms = ms.max(t + d);
                    scheduled += 1;
                    progress = true;
                    finishes.push(std::cmp::Reverse(t + d));
                    if let Some(pos) = ready.iter().position(|&x| x as usize == j) {
                        ready.swap_remove(pos);
                    }
                    for &s in inst.succs(j) {
                        let s = s as usize;
                        release[s] = release[s].max(t + d);
                        left[s] -= 1;
                        if left[s] == 0 {
                            ready.push(s as u32);
                        }
                    }
                }
                if !progress {
                    break;
                }
            }
            if scheduled == n {
                break;
            }
            // Next decision time: the earliest finish after t.
            let mut next = None;
            while let Some(&std::cmp::Reverse(f)) = finishes.peek() {
                finishes.pop();
                if f > t {
                    next = Some(f);
                    break;
                }
            }
            t = next.unwrap_or(t + 1);
        }
        self.dirty = ms as usize;
        ms
    }

    /// Double justification (Valls, Ballestín & Quintanilla 2005): right-
    /// justifies the forward schedule `st` (jobs by decreasing finish time,
    /// backward serial SGS), then left-justifies the result (jobs by
    /// increasing start, forward serial SGS). Each pass is one schedule; the
    /// makespan never grows. `passes` says how many passes may run (1 or 2);
    /// returns (makespan, passes used). `st` holds the result, and `list`
    /// (if the forward pass ran) the jobs in order of their new starts.
    pub(crate) fn justify(
        &mut self,
        st: &mut [u32],
        ms: u32,
        passes: u32,
        list: &mut Vec<u32>,
    ) -> (u32, u32) {
        if passes == 0 {
            return (ms, 0);
        }
        let inst = self.inst;
        let n = inst.n;
        // Backward pass, ties broken by decreasing topological rank.
        self.keys.clear();
        for (j, (&s, &d)) in st.iter().zip(&inst.dur).enumerate() {
            let tb = ms - (s + d);
            self.keys
                .push(((tb as u64) << 32) | (n as u64 - 1 - self.rank[j] as u64));
        }
        self.keys.sort_unstable();
        let mut order = std::mem::take(&mut self.order);
        order.clear();
        order.extend(
            self.keys
                .iter()
                .map(|&key| inst.topo[n - 1 - (key & 0xFFFF_FFFF) as usize]),
        );
        let mut back = std::mem::take(&mut self.back);
        let msb = self.serial(Dir::Backward, &order, &mut back);
        for ((s, &b), &d) in st.iter_mut().zip(&back).zip(&inst.dur) {
            *s = msb - b - d;
        }
        self.back = back;
        if passes == 1 {
            self.order = order;
            return (msb, 1);
        }
        // Forward pass, ties broken by increasing topological rank.
        self.keys.clear();
        for (&s, &rank) in st.iter().zip(&self.rank) {
            self.keys.push(((s as u64) << 32) | rank as u64);
        }
        self.keys.sort_unstable();
        list.clear();
        list.extend(
            self.keys
                .iter()
                .map(|&key| inst.topo[(key & 0xFFFF_FFFF) as usize]),
        );
        self.order = order;
        let msf = self.serial(Dir::Forward, list, st);
        (msf, 2)
    }
}

/// Priority values of the classic rules, smaller is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rule {
    /// Latest finish time.
    Lft,
    /// Latest start time.
    Lst,
    /// Most total successors.
    Mts,
    /// Greatest rank positional weight.
    Grpw,
}

pub(crate) fn latest_finish(inst: &Instance) -> Vec<i64> {
    let cp = inst.critical_path_bound() as i64;
    let mut lf = vec![cp; inst.n];
    for &j in inst.topo.iter().rev() {
        let j = j as usize;
        for &s in inst.succs(j) {
            let v = lf[s as usize] - inst.dur[s as usize] as i64;
            if v < lf[j] {
                lf[j] = v;
            }
        }
    }
    lf
}

pub(crate) fn priorities(inst: &Instance, rule: Rule) -> Vec<i64> {
    let n = inst.n;
    match rule {
        Rule::Lft => latest_finish(inst),
        Rule::Lst => {
            let lf = latest_finish(inst);
            (0..n).map(|j| lf[j] - inst.dur[j] as i64).collect()
        }
        Rule::Grpw => (0..n)
            .map(|j| {
                -(inst.dur[j] as i64
                    + inst
                        .succs(j)
                        .iter()
                        .map(|&s| inst.dur[s as usize] as i64)
                        .sum::<i64>())
            })
            .collect(),
        Rule::Mts => {
            if n > 4096 {
                return (0..n).map(|j| -(inst.succs(j).len() as i64)).collect();
            }
            // Transitive successor sets as bitsets, in reverse topological order.
            let words = n.div_ceil(64);
            let mut sets = vec![0u64; n * words];
            for &j in inst.topo.iter().rev() {
                let j = j as usize;
                for &s in inst.succs(j) {
                    let s = s as usize;
                    sets[j * words + s / 64] |= 1 << (s % 64);
                    for w in 0..words {
                        let v = sets[s * words + w];
                        sets[j * words + w] |= v;
                    }
                }
            }
            (0..n)
                .map(|j| {
                    -(sets[j * words..(j + 1) * words]
                        .iter()
                        .map(|w| w.count_ones() as i64)
                        .sum::<i64>())
                })
                .collect()
        }
    }
}

/// A precedence-feasible activity list: among the eligible jobs, repeatedly
/// the one with the smallest value (ties: smallest index) or, with `rng`,
/// one drawn by regret-based biased random sampling (Drexl 1991) with
/// weights `(max value - value + 1)^alpha`.
pub(crate) fn activity_list(
    inst: &Instance,
    value: &[i64],
    mut rng: Option<(&mut Rng, f64)>,
    out: &mut Vec<u32>,
) {
    let n = inst.n;
    let mut left: Vec<u32> = (0..n).map(|j| inst.preds(j).len() as u32).collect();
    let mut eligible: Vec<u32> = (0..n as u32).filter(|&j| left[j as usize] == 0).collect();
    let mut weights: Vec<f64> = Vec::with_capacity(n);
    out.clear();
    while !eligible.is_empty() {
        let pos = match rng.as_mut() {
            None => {
                let mut best = 0;
                for i in 1..eligible.len() {
                    let (a, b) = (eligible[i] as usize, eligible[best] as usize);
                    if (value[a], a) < (value[b], b) {
                        best = i;
                    }
                }
                best
            }
            Some((rng, alpha)) => {
                let vmax = eligible
                    .iter()
                    .map(|&j| value[j as usize])
                    .max()
                    .unwrap_or(0);
                weights.clear();
                let mut total = 0.0;
                for &j in &eligible {
                    let w = ((vmax - value[j as usize]) as f64 + 1.0).powf(*alpha);
                    total += w;
                    weights.push(total);
                }
                let x = rng.unit() * total;
                weights
                    .iter()
                    .position(|&c| x < c)
                    .unwrap_or(eligible.len() - 1)
            }
        };
        let j = eligible.swap_remove(pos);
        out.push(j);
        for &s in inst.succs(j as usize) {
            left[s as usize] -= 1;
            if left[s as usize] == 0 {
                eligible.push(s);
            }
        }
    }
}

#[cfg(test)]
mod tests;
